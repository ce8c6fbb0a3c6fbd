"""The base layout: CSP, no inline script or style, accessible landmarks, error pages."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from core.accounts.roles import Role

pytestmark = pytest.mark.django_db


class InlineFinder(HTMLParser):
    """Collects what the CSP would block: inline scripts, <style>, style= and on*= attributes."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style>")
        if "style" in names:
            self.problems.append(f"style= on <{tag}>")
        self.problems.extend(f"{name}= on <{tag}>" for name in names if name.startswith("on"))


def inline_problems(html):
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


@pytest.mark.parametrize("role", [None, *Role.values])
def test_every_home_has_no_inline_script_or_style(client_for, users, role):
    response = client_for(role).get("/")
    assert inline_problems(response.content.decode()) == []


def test_csp_header_allows_only_our_own_scripts_and_styles(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_base_has_language_viewport_skip_link_and_landmarks(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default (tests otherwise run in English)
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert html.index('class="skip-link" href="#content"') < html.index("<header")
    assert '<main id="content" tabindex="-1">' in html
    assert "<nav aria-label=" in html


def test_htmx_is_served_from_our_static_files_with_csrf_header(client):
    html = client.get("/").content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert '"includeIndicatorStyles": false' in html


def test_vendored_echarts_keeps_its_licence():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("vendor/echarts/LICENSE")


@override_settings(DEBUG=False)
def test_missing_page_shows_the_shell_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="error-code">404<' in html
    assert "<header" in html
    assert inline_problems(html) == []


@override_settings(DEBUG=False)
@pytest.mark.urls("core.web.tests.urls")
def test_refused_page_shows_the_shell_403(client_for, users):
    response = client_for(Role.CITIZEN).get("/navtest/administrators-only/")
    assert response.status_code == 403
    assert 'class="error-code">403<' in response.content.decode()


def test_server_error_page_renders_without_a_request_or_database():
    html = render_to_string("500.html")
    assert 'class="error-code">500<' in html
    assert inline_problems(html) == []


def test_csrf_failure_page_renders_without_a_request():
    assert 'class="error-code">403<' in render_to_string("403_csrf.html")


def test_json_answers_get_a_constant_policy_that_allows_nothing(client):
    from core.web.middleware import JSON_POLICY

    answer = client.get("/api/openapi.json")
    assert answer["Content-Type"].startswith("application/json")
    assert answer.headers["Content-Security-Policy"] == JSON_POLICY == "default-src 'none'; frame-ancestors 'none'"
    assert "script-src 'self'" in client.get("/api/docs").headers["Content-Security-Policy"]  # a page
