"""Two things a person meets in the browser that the test client cannot show.

- A form that htmx sends and the server refuses with 422 (INVALID) carries its errors; htmx
  drops 4xx answers by default, so the deadline calculator showed nothing, or the previous
  result under new figures. The site's htmx configuration swaps 422 like a success.
- /api/docs loaded Swagger UI from a CDN, which the Content Security Policy blocks and a
  government network cannot reach: a blank page. It is served from our own static files.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.accounts.roles import Role

pytestmark = pytest.mark.e2e

ONLY_ONE = "Give only one of months, days or working days."


def test_the_deadline_calculator_shows_a_refusal_in_place_of_the_last_result(open_page, sign_in, users):
    user = users[Role.UNIT_CLERK]
    user.language = "en"
    user.save(update_fields=["language"])
    page = open_page(language="en")
    sign_in(page, user)
    page.goto("/calendar/deadline/")
    page.get_by_label("From (the day of the event, not counted)").fill("2026-09-30")
    page.get_by_label("Working days").fill("15")
    page.get_by_role("button", name="Compute").click()
    result = page.locator("#deadline-result")
    expect(result).to_contain_text("2026-10-27")

    page.get_by_label("Months").fill("1")  # now two of the three: refused with 422
    page.get_by_role("button", name="Compute").click()
    expect(result.get_by_role("alert")).to_contain_text(ONLY_ONE)
    expect(result).not_to_contain_text("2026-10-27")


def test_the_api_documentation_is_served_from_our_own_files(open_page, live_server):
    page = open_page(language="en")
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url))
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert elsewhere == []
    assert page.csp_violations == []
