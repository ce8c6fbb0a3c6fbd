"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per test session, a fresh context (cookies, viewport, language) per test.
Never `playwright install`: the browser is /usr/bin/chromium.
"""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM (used by fixtures that
# create users) would otherwise refuse to run beside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Loopback only.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
#: The browser's Accept-Language for each interface language.
LOCALES = {"zh-hans": "zh-CN", "en": "en-GB"}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(viewport=..., language=...)`: a page in a fresh browser context.

    Each page records the console errors the Content Security Policy raises, in
    `page.csp_violations`, so a test can assert that nothing on the page was blocked.
    """
    contexts = []

    def make(viewport=DESKTOP, language="zh-hans"):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale=LOCALES[language])
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.csp_violations = []

        def on_console(message):
            if message.type == "error" and "Content Security Policy" in message.text:
                page.csp_violations.append(message.text)

        page.on("console", on_console)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(live_server):
    """`sign_in(page, user)`: log in through the login page, as a person would."""
    from django.urls import reverse

    from core.accounts.tests.factories import PASSWORD

    def do(page, user):
        page.goto(reverse("accounts:login"))
        page.locator('input[name="username"]').fill(user.username)
        page.locator('input[name="password"]').fill(PASSWORD)
        page.locator('input[name="password"]').press("Enter")
        page.wait_for_url(live_server.url + reverse("web:home"))

    return do
