"""The staff's table over chinese-calendar (TIME-4), provisional years, the change hook
(TIME-6: recompute and log when the calendar changes) and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.errors import NotAllowed, NotFound, ValidationFailed
from core.workcalendar import selectors, services
from core.workcalendar.models import CalendarYear, Holiday
from core.workcalendar.rules import Deadline

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def staff(users):
    return users[Role.STAFF]


def test_time_4_holiday_row_overrides_chinese_calendar(staff):
    """Staff enter a rest day on Monday 2026-04-20 (a working day in chinese-calendar): a
    3-month period from 2026-01-20 now ends on 2026-04-21."""
    assert selectors.add_months(D("2026-01-20"), 3) == Deadline(D("2026-04-20"), False)
    services.holiday_add(by=staff, date=D("2026-04-20"), kind="holiday", name="本地假日")
    assert selectors.is_working_day(D("2026-04-20")) is False
    assert selectors.add_months(D("2026-01-20"), 3) == Deadline(D("2026-04-21"), False)


def test_time_4_workday_row_overrides_a_weekend(staff):
    """A make-up working day entered on Sunday 2026-10-25 stops DRAFT-4's roll-forward."""
    services.holiday_add(by=staff, date=D("2026-10-25"), kind="workday", name="调休")
    assert selectors.add_days(D("2026-09-25"), 30).date == D("2026-10-25")


def test_time_4_deleting_the_row_restores_chinese_calendar(staff):
    row = services.holiday_add(by=staff, date=D("2026-04-20"), kind="holiday", name="测试假日")
    services.holiday_delete(by=staff, holiday_id=row.pk)
    assert selectors.is_working_day(D("2026-04-20")) is True
    assert not Holiday.objects.exists()


def test_time_4_2027_is_provisional_until_staff_enter_its_schedule(staff):
    """2027 is not in chinese-calendar 1.11.0: dates there are provisional; entering the
    schedule and marking the year complete makes them final (and entries count)."""
    before = selectors.add_working_days(D("2027-02-05"), 3)
    assert before == Deadline(D("2027-02-10"), True)  # Mon 02-08, Tue 02-09, Wed 02-10
    assert selectors.year_status(2027).provisional is True

    services.holiday_add(by=staff, date=D("2027-02-06"), kind="workday", name="春节调休")
    for day in range(8, 11):
        services.holiday_add(by=staff, date=date(2027, 2, day), kind="holiday", name="春节")
    still = selectors.add_working_days(D("2027-02-05"), 3)
    assert still == Deadline(D("2027-02-12"), True)  # Sat 02-06 (1), Thu 02-11 (2), Fri 02-12 (3)

    services.year_set_complete(by=staff, year=2027)
    assert selectors.add_working_days(D("2027-02-05"), 3) == Deadline(D("2027-02-12"), False)
    status = selectors.year_status(2027)
    assert (status.source, status.is_complete, status.provisional, status.staff_entries) == (
        "staff",
        True,
        False,
        4,
    )

    services.year_set_complete(by=staff, year=2027, complete=False)
    assert selectors.add_working_days(D("2027-02-05"), 3).provisional is True


def test_time_4_warning_years_ahead():
    assert selectors.provisional_years_ahead(now=D("2026-11-25")) == [2027]
    assert selectors.provisional_years_ahead(now=D("2025-03-01")) == []


def test_time_6_listeners_hear_the_changed_years(staff, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = services.holiday_add(by=staff, date=D("2027-02-10"), kind="holiday", name="测试假日")
    assert heard == [frozenset({2027})]

    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_update(by=staff, holiday_id=row.pk, date=D("2028-01-31"), kind="holiday", name="x")
    assert heard[-1] == frozenset({2027, 2028})

    with django_capture_on_commit_callbacks(execute=True):
        services.year_set_complete(by=staff, year=2027)
    assert heard[-1] == frozenset({2027})

    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_delete(by=staff, holiday_id=row.pk)
    assert heard[-1] == frozenset({2028})
    assert len(heard) == 4


def test_time_6_listeners_wait_for_commit_and_ignore_rollbacks(
    staff, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.holiday_add(by=staff, date=D("2027-03-01"), kind="holiday", name="测试假日")
    assert heard == []  # not before commit
    assert callbacks

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.holiday_add(by=staff, date=D("2027-03-02"), kind="holiday", name="测试假日")
        raise RuntimeError("rolled back")
    assert heard == []


def test_time_6_a_failing_listener_does_not_stop_the_others(staff, heard, django_capture_on_commit_callbacks):
    def broken(years):
        raise RuntimeError("boom")

    services.on_calendar_changed(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.holiday_add(by=staff, date=D("2027-03-03"), kind="holiday", name="测试假日")
    finally:
        services.remove_calendar_listener(broken)
    assert heard == [frozenset({2027})]


def test_every_change_is_audited(staff):
    row = services.holiday_add(by=staff, date=D("2027-01-02"), kind="holiday", name="元旦")
    services.holiday_update(by=staff, holiday_id=row.pk, date=D("2027-01-02"), kind="workday", name="调休")
    services.holiday_delete(by=staff, holiday_id=row.pk)
    services.year_set_complete(by=staff, year=2027)
    entries = list(AuditEntry.objects.filter(action__startswith="calendar.").order_by("id"))
    assert [e.action for e in entries] == [
        "calendar.holiday_add",
        "calendar.holiday_update",
        "calendar.holiday_delete",
        "calendar.year_complete",
    ]
    assert entries[1].before["kind"] == "holiday" and entries[1].after["kind"] == "workday"
    assert entries[0].actor_id == staff.pk


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.UNIT_CLERK, Role.PUBLIC])
def test_only_staff_and_administrators_change_the_calendar(users, role):
    with pytest.raises(NotAllowed):
        services.holiday_add(by=users[role], date=D("2027-01-02"), kind="holiday", name="测试假日")
    with pytest.raises(NotAllowed):
        services.year_set_complete(by=users[role], year=2027)
    assert not Holiday.objects.exists() and not CalendarYear.objects.exists()


def test_administrator_may_change_the_calendar(users):
    services.holiday_add(by=users[Role.ADMINISTRATOR], date=D("2027-01-02"), kind="holiday", name="测试假日")
    assert Holiday.objects.count() == 1


def test_bad_input_is_refused_with_reasons(staff):
    with pytest.raises(ValidationFailed) as bad:
        services.holiday_add(by=staff, date="2027-01-02", kind="rest", name="x" * 101)
    assert set(bad.value.details) == {"date", "kind", "name"}
    services.holiday_add(by=staff, date=D("2027-01-02"), kind="holiday", name="测试假日")
    with pytest.raises(ValidationFailed) as duplicate:
        services.holiday_add(by=staff, date=D("2027-01-02"), kind="workday")
    assert "date" in duplicate.value.details
    with pytest.raises(ValidationFailed):
        services.year_set_complete(by=staff, year=12)
    with pytest.raises(NotFound):
        services.holiday_delete(by=staff, holiday_id=999_999)


def test_cached_calendar_is_dropped_on_change(staff):
    """A snapshot cached by another request is replaced as soon as the table changes."""
    from django.core.cache import cache

    stale = selectors.current_calendar()
    cache.set(selectors.CACHE_KEY, stale)
    assert selectors.current_calendar() is not None
    services.holiday_add(by=staff, date=D("2026-04-20"), kind="holiday", name="测试假日")
    assert cache.get(selectors.CACHE_KEY) is None
    assert selectors.is_working_day(D("2026-04-20")) is False


def test_uncommitted_calendar_is_not_cached(staff):
    services.holiday_add(by=staff, date=D("2026-04-20"), kind="holiday", name="测试假日")
    selectors.current_calendar()
    from django.core.cache import cache

    assert cache.get(selectors.CACHE_KEY) is None  # inside the test's transaction


def test_is_overdue_uses_now():
    assert selectors.is_overdue(D("2000-01-01")) is True
    assert selectors.is_overdue(D("2999-01-01")) is False
