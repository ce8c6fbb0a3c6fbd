"""The pages' shell in a real browser: each role logs in and lands on its own home, in
zh-hans and in English, on a phone-sized screen too; the language switch, the staff chart
and the keyboard path work; nothing is blocked by the Content Security Policy."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from core.accounts.roles import Role
from core.web.views import HOMES

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

#: Deputies and citizens use phones most: they are tested at 375 px wide.
PHONE_ROLES = {Role.DEPUTY, Role.CITIZEN}


def tr(text, language):
    with translation.override(language):
        return str(text)


def heading(role, language):
    return tr(HOMES[role][1], language)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", Role.values)
def test_role_logs_in_and_sees_its_home(open_page, sign_in, users, role, language):
    user = users[role]
    user.language = language
    user.save(update_fields=["language"])
    phone = role in PHONE_ROLES
    page = open_page(viewport=PHONE if phone else DESKTOP, language=language)

    sign_in(page, user)

    expect(page.get_by_role("heading", level=1, name=heading(role, language))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    if phone:
        # Usable at 375 px: nothing makes the page scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.csp_violations == []


def test_visitor_sees_the_public_home(open_page):
    page = open_page(viewport=PHONE)
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name=heading(Role.PUBLIC, "zh-hans"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.csp_violations == []


def test_language_switch_changes_the_interface_and_is_remembered(open_page, sign_in, users):
    citizen = users[Role.CITIZEN]
    citizen.language = "zh-hans"  # the model's default; test accounts use English
    citizen.save(update_fields=["language"])
    page = open_page(language="zh-hans")
    sign_in(page, citizen)
    expect(page.get_by_role("heading", level=1, name=heading(Role.CITIZEN, "zh-hans"))).to_be_visible()

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name=heading(Role.CITIZEN, "en"))).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_staff_desk_draws_the_delegation_chart_from_our_own_echarts(open_page, sign_in, users, live_server):
    from core.organisation.tests.factories import DelegationFactory, DeputyFactory, TermFactory

    term = TermFactory(is_current=True)
    DeputyFactory.create_batch(3, delegation=DelegationFactory(term=term))
    DeputyFactory.create_batch(2, delegation=DelegationFactory(term=term))
    page = open_page(language="en")
    echarts_requests = []
    page.on(
        "request", lambda request: echarts_requests.append(request.url) if "echarts" in request.url else None
    )
    users[Role.STAFF].language = "en"
    users[Role.STAFF].save(update_fields=["language"])

    sign_in(page, users[Role.STAFF])

    chart = page.locator(".chart[data-chart-url]")
    expect(chart.locator("canvas, svg").first).to_be_visible()
    expect(chart).to_have_attribute("data-chart-ready", "1")
    assert echarts_requests
    assert all(url.startswith(live_server.url + "/static/vendor/echarts/") for url in echarts_requests)

    # htmx (served by us, allowed by the CSP) swaps fresh figures in, with the CSRF header.
    with page.expect_request(lambda request: request.headers.get("hx-request") == "true") as refresh:
        page.get_by_role("link", name=tr("Refresh the figures", "en")).click()
    assert refresh.value.headers.get("x-csrftoken")
    expect(page.get_by_role("heading", level=2, name=tr("At a glance", "en"))).to_be_visible()
    assert page.csp_violations == []


def test_keyboard_reaches_the_skip_link_first_and_it_jumps_to_the_content(open_page):
    page = open_page(language="en")
    page.goto("/")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name=tr("Skip to content", "en"))
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))
    expect(page.locator("main#content")).to_be_focused()


def test_menu_folds_on_a_phone_and_opens_without_script_help(open_page, sign_in, users):
    staff = users[Role.STAFF]
    staff.language = "en"
    staff.save(update_fields=["language"])
    page = open_page(viewport=PHONE, language="en")
    sign_in(page, staff)
    home_link = page.get_by_role("navigation", name=tr("Main", "en")).get_by_role(
        "link", name=tr("Home", "en")
    )
    expect(home_link).to_be_hidden()

    page.get_by_text(tr("Menu", "en"), exact=True).click()

    expect(home_link).to_be_visible()
    expect(home_link).to_have_attribute("aria-current", "page")


def test_user_menu_logs_out_with_a_post_form(open_page, sign_in, users):
    citizen = users[Role.CITIZEN]
    citizen.language = "en"
    citizen.save(update_fields=["language"])
    page = open_page(viewport=PHONE, language="en")
    sign_in(page, citizen)

    page.get_by_text(citizen.display_name).click()
    page.get_by_role("button", name=tr("Log out", "en")).click()

    expect(page.get_by_role("heading", level=1, name=heading(Role.PUBLIC, "en"))).to_be_visible()
    expect(page.get_by_role("link", name=tr("Log in", "en")).first).to_be_visible()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/register/"])
def test_account_forms_are_thumb_sized_on_a_phone(open_page, path):
    """Every text-like field (the password too) is at least 44 px tall, in text of at least
    16 px (iOS zooms into smaller text), as wide as the form, with its label above it."""
    page = open_page(viewport=PHONE)
    page.goto(path)
    form = page.locator("form.stacked-form")
    form_box = form.bounding_box()
    fields = form.locator("input[type=text], input[type=password], input[type=email], input[type=tel]")
    assert fields.count() >= 2
    for index in range(fields.count()):
        field = fields.nth(index)
        box = field.bounding_box()
        label_box = page.locator(f"label[for='{field.get_attribute('id')}']").bounding_box()
        assert box["height"] >= 44
        assert float(field.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px")) >= 16
        assert box["width"] >= 0.9 * form_box["width"]
        assert label_box["y"] + label_box["height"] <= box["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_forms_general_error_is_shown_once_and_readable(open_page, sign_in, users):
    """A form's general error (one no field owns) is shown in the alert above the form. A
    style meant to hide Django's second copy among the fields also hid the alert's own list,
    leaving an empty red box on every such form."""
    user = users[Role.STAFF]
    user.language = "en"
    user.save(update_fields=["language"])
    page = open_page(language="en")
    sign_in(page, user)
    page.goto("/calendar/deadline/?from=2026-11-02&months=1&days=3")
    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Give only one of months, days or working days.")
    shown = page.get_by_text("Give only one of months, days or working days.")
    assert sum(1 for i in range(shown.count()) if shown.nth(i).is_visible()) == 1


def test_the_alert_inside_a_form_shows_its_errors_and_the_copy_among_the_fields_is_hidden(
    open_page, live_server
):
    """The markup every desk form uses: the alert's own list must be visible (it was hidden
    with the copy Django prints above the fields, leaving an empty red box)."""
    page = open_page()
    page.goto("/")
    page.set_content(
        f'<link rel="stylesheet" href="{live_server.url}/static/css/datong.css">'
        '<form class="stacked-form">'
        '<div class="message message-error" role="alert"><ul class="errorlist nonfield"><li>In the alert</li></ul></div>'
        '<div><ul class="errorlist nonfield"><li>Django\'s copy</li></ul><label>Field</label><input></div>'
        "</form>"
    )
    expect(page.get_by_text("In the alert")).to_be_visible()
    expect(page.get_by_text("Django's copy")).to_be_hidden()
