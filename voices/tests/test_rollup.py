"""The daily counts of messages (issue 5: "worry most" figures at 10 million messages) always
equal counting the messages, and the staff lists page without counting millions.

Every test compares the rollup with a GROUP BY over the messages (`counts.drift()`), after
the changes a user makes: receiving, an import, routing to another category, merging, not
accepting; and the statistics answer the same as counting the messages directly.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from core.accounts.roles import Role
from core.organisation.tests.factories import DistrictFactory, TermFactory
from core.workcalendar.rules import LEGAL_ZONE
from voices import selectors, services
from voices import statistics as worry
from voices.models import Channel, MessageDailyCount
from voices.services import counts
from voices.tests.factories import MessageCategoryFactory, receive


@pytest.fixture
def city(congress, units, category):
    TermFactory(congress=congress, is_current=True)
    return {
        "congress": congress,
        "roads": category,
        "water": MessageCategoryFactory(congress=congress, code="water", name="供水", unit=units[1]),
        "east": DistrictFactory(congress=congress, name="测试东区"),
        "west": DistrictFactory(congress=congress, name="测试西区"),
    }


def at(days_ago: int, hour: int = 10) -> datetime.datetime:
    """A moment `days_ago` days back, at `hour` o'clock in the city (days_ago ≥ 1: never future)."""
    day = timezone.localdate(timezone=LEGAL_ZONE) - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=LEGAL_ZONE)


def buckets() -> dict:
    return {(r.day, r.category_id, r.district_id): r.count for r in MessageDailyCount.objects.exclude(count=0)}


def test_receiving_counts_each_message_in_its_day_category_and_district(city, staff, citizen):
    receive(citizen, city["congress"], category=city["roads"], district=city["east"])
    receive(staff, city["congress"], category=city["roads"], district=city["east"], received_at=at(3))
    receive(staff, city["congress"], received_at=at(3))  # no category, no district
    today = timezone.localdate(timezone=LEGAL_ZONE)
    assert buckets() == {
        (today, city["roads"].pk, city["east"].pk): 1,
        (today - datetime.timedelta(days=3), city["roads"].pk, city["east"].pk): 1,
        (today - datetime.timedelta(days=3), None, None): 1,
    }
    assert counts.drift() == []


def test_a_late_evening_message_counts_on_the_citys_day_not_utcs(city, staff):
    """TIME-5: 00:30 in Asia/Shanghai is 16:30 UTC the day before: counted on the city's day."""
    receive(staff, city["congress"], received_at=at(2, hour=0).replace(minute=30))
    assert list(buckets()) == [(timezone.localdate(timezone=LEGAL_ZONE) - datetime.timedelta(days=2), None, None)]
    assert counts.drift() == []


def test_the_same_work_order_received_twice_counts_once(city, staff):
    for _ in range(2):
        receive(staff, city["congress"], channel=Channel.IMPORT, external_id="GD-1", received_at=at(5))
    assert sum(buckets().values()) == 1
    assert counts.drift() == []


def test_routing_to_another_category_moves_the_message_between_buckets(city, staff, citizen, units):
    message = receive(citizen, city["congress"], category=city["roads"], district=city["west"])
    services.route_message(by=staff, message=message, category=city["water"], unit=units[1])
    today = timezone.localdate(timezone=LEGAL_ZONE)
    assert buckets() == {(today, city["water"].pk, city["west"].pk): 1}
    # Confirming the same category moves nothing.
    other = receive(citizen, city["congress"], category=city["water"], district=city["west"])
    services.route_message(by=staff, message=other, category=city["water"], unit=units[1])
    assert buckets() == {(today, city["water"].pk, city["west"].pk): 2}
    assert counts.drift() == []


def test_a_refused_route_changes_no_count(city, staff, citizen, units):
    message = receive(citizen, city["congress"], category=city["roads"])
    report = receive(citizen, city["congress"], nature="report", accused_unit=units[1], category=city["roads"])
    with pytest.raises(Exception):  # noqa: B017 - MSG-7 refusal, whatever its class
        services.route_message(by=staff, message=report, category=city["water"], unit=units[1])
    assert counts.drift() == []
    assert sum(buckets().values()) == 2
    del message


def test_merging_and_not_accepting_keep_every_message_counted(city, staff, citizen, make_user):
    target = receive(citizen, city["congress"], category=city["roads"])
    source = receive(make_user(Role.CITIZEN, username="c2"), city["congress"], category=city["roads"])
    services.merge_messages(by=staff, target=target, sources=[source])
    refused = receive(AnonymousUser(), city["congress"])
    services.not_accept(by=staff, message=refused, reason="litigation_or_arbitration", note="请向人民法院起诉。")
    assert sum(buckets().values()) == 3  # the statistics count every message received
    assert counts.drift() == []


def test_an_import_counts_every_row_once_and_a_refused_import_none(city, staff):
    rows = [
        {"_row": n + 2, "regime": "hotline", "subject": f"工单{n}", "body": "路面破损", "external_id": f"GD{n}",
         "received_at": at(n % 4 + 1), "category": city["roads"] if n % 2 else None,
         "district": city["east"] if n % 3 else city["west"]}
        for n in range(12)
    ]
    services.receive_many(by=staff, congress=city["congress"], channel=Channel.IMPORT, rows=rows, classify=False)
    assert sum(buckets().values()) == 12
    assert counts.drift() == []
    bad = [{**rows[0], "external_id": "GD-new"}, {"_row": 99, "regime": "hotline", "subject": "", "body": ""}]
    with pytest.raises(Exception):  # noqa: B017 - ValidationFailed keyed by row
        services.receive_many(by=staff, congress=city["congress"], channel=Channel.IMPORT, rows=bad)
    assert sum(buckets().values()) == 12
    assert counts.drift() == []


def test_rebuild_mends_counts_that_a_bulk_load_bypassed(city, staff):
    receive(staff, city["congress"], category=city["roads"], received_at=at(40))
    receive(staff, city["congress"], category=city["water"], received_at=at(1))
    MessageDailyCount.objects.all().update(count=7)  # as if a bulk load wrote messages behind our back
    assert counts.drift() != []
    out = io.StringIO()
    call_command("voices_rebuild_counts", stdout=out)
    assert "daily counts written" in out.getvalue()
    assert counts.drift() == []
    call_command("voices_rebuild_counts", "--check", stdout=io.StringIO())
    MessageDailyCount.objects.all().update(count=7)
    call_command("voices_rebuild_counts", "--since", (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
                 stdout=io.StringIO())
    assert len(counts.drift()) == 1  # only the days from --since were rebuilt


def test_the_rebuild_is_a_registered_periodic_job():
    from core.jobs import periodic

    assert "voices.rebuild_counts" in {job.name for job in periodic.registered_jobs()}


def _raw(user, period, column):
    scope = worry.scope_for(user)
    return dict(worry.messages_in(scope, period).values_list(column).annotate(n=Count("*")).values_list(column, "n"))


def test_statistics_from_the_daily_counts_equal_counting_the_messages(city, staff, citizen, units, make_user):
    from core.organisation.models import Deputy
    from core.organisation.tests.factories import DeputyFactory

    spread = [(city["roads"], city["east"], 1), (city["roads"], city["west"], 8), (city["water"], city["east"], 8),
              (None, None, 20), (city["water"], None, 100), (city["roads"], city["east"], 200)]
    for category, district, days in spread:
        receive(staff, city["congress"], category=category, district=district, received_at=at(days))
    moved = receive(citizen, city["congress"], category=city["roads"], district=city["east"])
    services.route_message(by=staff, message=moved, category=city["water"], unit=units[1])
    period = worry.period_of()
    assert {r.key: r.count for r in worry.by_category(staff, period)} == _raw(staff, period, "category_id")
    assert {r.key: r.count for r in worry.by_district(staff, period)} == _raw(staff, period, "district_id")
    weeks = {r.key: r.count for r in worry.by_week(staff, period)}
    assert sum(weeks.values()) == worry.messages_in(worry.scope_for(staff), period).count() == 5
    deputy_user = make_user(Role.DEPUTY, username="voices-deputy")
    DeputyFactory(user=deputy_user, delegation__term=city["congress"].terms.get(is_current=True),
                  delegation__district=city["east"])
    assert Deputy.objects.filter(user=deputy_user).exists()
    mine = {r.key: r.count for r in worry.by_category(deputy_user, period)}
    assert mine == _raw(deputy_user, period, "category_id") == {city["roads"].pk: 1, city["water"].pk: 2}


# --- the staff list: pages without COUNT(*) -----------------------------------------------------


def test_staff_page_through_the_list_newest_first_with_a_cursor(city, staff):
    made = [receive(staff, city["congress"], received_at=at(n // 2 + 1, hour=8 + n % 2)) for n in range(7)]
    same_moment = [receive(staff, city["congress"], received_at=at(9)) for _ in range(3)]
    expected = [m.pk for m in sorted([*made, *same_moment], key=lambda m: (m.received_at, m.pk), reverse=True)]
    seen, cursor, pages = [], None, 0
    while True:
        page = selectors.message_page(staff, limit=3, after=cursor)
        seen += [m.pk for m in page.rows]
        pages += 1
        if not page.has_next:
            assert page.cursor is None
            break
        cursor = page.cursor
    assert seen == expected
    assert pages == 4
    oldest = selectors.message_page(staff, limit=4, order="received_at")
    assert [m.pk for m in oldest.rows] == list(reversed(expected))[:4]
    assert [m.pk for m in selectors.message_page(staff, limit=4, order="received_at", after=oldest.cursor).rows] == \
        list(reversed(expected))[4:8]


def test_a_page_by_subject_goes_by_offset(city, staff):
    for subject in ["丙", "甲", "乙"]:
        receive(staff, city["congress"], subject=subject)
    first = selectors.message_page(staff, limit=2, order="subject")
    second = selectors.message_page(staff, limit=2, order="subject", offset=int(first.cursor))
    assert [m.subject for m in first.rows + second.rows] == sorted(["丙", "甲", "乙"])
    assert not second.has_next


def test_counts_exact_from_the_daily_counts_or_capped(city, staff, citizen):
    for days in (1, 2, 5, 40):
        receive(staff, city["congress"], category=city["roads"], district=city["east"], received_at=at(days))
    receive(staff, city["congress"], category=city["roads"], district=city["west"], received_at=at(1))
    since = timezone.localdate() - datetime.timedelta(days=10)
    filters = {"category": city["roads"], "district": city["east"], "since": since}
    assert selectors.count_messages(staff, **filters) == selectors.MessageCount(3, True)
    assert selectors.messages_for(staff, **filters).count() == 3
    # A filter the daily counts do not hold: counted, up to the cap.
    assert selectors.count_messages(staff, status="received") == selectors.MessageCount(5, True)
    assert selectors.count_messages(staff, status="received", cap=2) == selectors.MessageCount(2, False)
    # Anyone else counts only what they may see.
    assert selectors.count_messages(citizen) == selectors.MessageCount(0, True)


def test_the_list_reads_no_case_unless_a_case_status_is_asked(city, staff):
    receive(staff, city["congress"])
    queryset = selectors.messages_for(staff)
    assert "casework_case" not in str(queryset.query)
    assert "casework_case" in str(selectors.messages_for(staff, status="assigned").query)


# --- the engineers' notes: menu entries, the Open311 setting --------------


@pytest.mark.parametrize(("role", "shown"), [
    (Role.STAFF, {"voices-import", "voices-statistics"}),
    (Role.DEPUTY, {"voices-statistics"}),
    (Role.CITIZEN, set()),
])
def test_the_menu_offers_the_import_to_staff_and_the_statistics_to_staff_and_deputies(db, make_user, rf, role,
                                                                                      shown):
    from core.web.navigation import visible

    request = rf.get("/")
    request.user = make_user(role, username=f"menu-{role}")
    keys = {item.key for item in visible(request)}
    assert keys & {"voices-import", "voices-statistics"} == shown


def test_open311_anonymous_posting_is_a_setting_read_from_the_environment(settings):
    from config.settings import base

    assert base.VOICES_OPEN311_ALLOW_ANONYMOUS is True  # default: the Open311 spec allows it
