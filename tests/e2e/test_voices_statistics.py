""" "What people worry about most" and its hot topics in a real browser on a 390 px phone: the
rising categories fit the screen with their caption whole, and each topic's trend is a small
line and a sentence, its weeks' table folded away."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.accounts.roles import Role

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}

#: Invented matters, four messages each (subject, body with {p} a place, {n} a number).
MATTERS = [
    ("自来水发黄", "{p}小区自来水发黄有异味，放一会儿才变清，担心水质问题。"),
    ("餐馆油烟扰民", "{p}楼下新开的烧烤店油烟直排，{n}楼以上住户家里全是油烟味。"),
    ("社保卡补办慢", "{p}社保卡补办说要等{n}个工作日，能否加快或者先出临时卡？"),
]


@pytest.fixture
def city(make_user):
    from core.organisation.tests.factories import CongressFactory, DistrictFactory, TermFactory
    from voices.models import MessageCategory
    from voices.tests.test_open311 import make_message

    congress = CongressFactory()
    TermFactory(congress=congress, is_current=True)
    district = DistrictFactory(congress=congress, name="测试东区")
    today = timezone.localdate()
    categories = [
        MessageCategory.objects.create(congress=congress, code=f"c{i}", name=name)
        for i, name in enumerate(["交通出行", "医疗卫生", "社会保障", "市场监管"])
    ]

    def at(days_ago: int) -> datetime.datetime:
        day = today - datetime.timedelta(days=days_ago)
        return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())

    # Every category grows against the 90 days before (one message each then): the rising table
    # has a row for each.
    for n, category in enumerate(categories):
        make_message(congress, category=category, district=district, received_at=at(100 + n))
    for i in range(2):
        make_message(congress, category=categories[3], district=district, received_at=at(30 + i))
    make_message(congress, district=district, received_at=at(40))  # "Not categorised": the longest word
    for t, (subject, body) in enumerate(MATTERS):
        for i, place in enumerate(["幸福", "和平", "光明", "东风"]):
            make_message(
                congress,
                category=categories[t],
                district=district,
                received_at=at(1 + 6 * i + t),
                subject=subject,
                body=body.format(p=place, n=3 + i),
            )
    return {"staff": make_user(Role.STAFF, language="en")}


def box_holds_its_table(page, table) -> bool:
    return page.evaluate(
        "(table) => { const box = table.closest('.table-scroll');"
        " return box.scrollWidth <= box.clientWidth; }",
        table.element_handle(),
    )


def test_the_rising_categories_fit_a_phone_with_their_caption_whole(open_page, sign_in, city):
    page = open_page(viewport=PHONE_390, language="en")
    sign_in(page, city["staff"])
    page.goto("/voices/statistics/")
    table = page.locator("table.rising-table")
    expect(table.locator("tbody tr")).to_have_count(5)
    # What the table compares is said whole, on the screen (it was cut: "Against the period of
    # the same leng…"), and is the table's description for screen readers.
    note = page.locator("#" + table.get_attribute("aria-describedby"))
    expect(note).to_have_text("Against the period of the same length just before")
    assert (
        note.evaluate("(el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right")
        <= PHONE_390["width"]
    )
    assert box_holds_its_table(page, table)  # no sideways scrolling: every column is on screen
    expect(table.locator("thead th")).to_have_text(
        ["Category", "This period", "Period before", "More", "Rise"]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
    assert page.csp_violations == []


def test_each_hot_topic_shows_its_trend_as_a_line_and_a_sentence(open_page, sign_in, city):
    from voices.textmodel.topics import hot_topics

    # jieba's dictionaries and scikit-learn load here (seconds on a busy machine), not while the
    # browser waits for the page.
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    hot_topics(
        [(i, "自来水发黄", start) for i in range(2)],
        period_start=start,
        period_end=start + datetime.timedelta(days=1),
    )
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=27)).isoformat()
    page = open_page(viewport=PHONE_390, language="en")
    sign_in(page, city["staff"])
    page.goto(f"/voices/statistics/topics/?since={since}&until={today.isoformat()}", timeout=30_000)
    topics = page.locator("ol.topics > li")
    expect(topics).to_have_count(3)
    first = topics.first
    expect(first.locator(".sparkline[data-sparkline-ready] canvas")).to_have_count(1)
    expect(first.locator(".trend-summary")).to_contain_text("Messages in the last")
    table = first.locator("table")
    expect(table).to_be_hidden()  # every week's row is behind the fold
    first.get_by_text("Show the figures as a table").click()
    expect(table).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
    assert page.csp_violations == []
