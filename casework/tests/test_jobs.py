"""Reminders, overdue flags and due dates recomputed after a calendar change (TIME-4, TIME-6)."""

from datetime import date

import pytest

from casework import rules, services
from casework.models import Assignment, Reminder
from core.audit.models import AuditEntry
from core.jobs import periodic
from core.notify.models import Notification
from core.workcalendar import services as calendar_services

from .conftest import at, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(open_case, people, units):
    """Assigned 2026-03-31: lead unit 0 due 2026-06-30, assisting unit 1 due 2026-04-30."""
    case = open_case()
    services.assign_case(by=people["staff"], case=case, lead=units[0], assisting=[units[1]], now=at("2026-03-31"))
    return case


def lead(case):
    return Assignment.objects.get(case=case, role=rules.LEAD, round=1)


def titles(user, action):
    return list(Notification.objects.filter(recipient=user, action=action).values_list("title", flat=True))


# --- reminders ------------------------------------------------------------------------------


def test_clerks_are_reminded_before_the_due_date_once(case, people):
    assert services.send_reminders(now=at("2026-06-22")) == 0  # 8 days before: not yet
    assert services.send_reminders(now=at("2026-06-23")) == 1
    assert services.send_reminders(now=at("2026-06-23", "11:00")) == 0  # idempotent
    assert services.send_reminders(now=at("2026-06-29")) == 0
    assert Reminder.objects.get().kind == Reminder.Kind.BEFORE_DUE
    assert len(titles(people["clerks"][0], "drill.remind")) == 1
    assert AuditEntry.objects.filter(action="drill.remind", actor_label="system").count() == 1


def test_a_moved_due_date_is_reminded_again(case, people):
    services.send_reminders(now=at("2026-06-25"))
    services.approve_extension(by=people["staff"], assignment=lead(case), now=at("2026-06-26"))
    assert services.send_reminders(now=at("2026-09-25")) == 1
    assert Reminder.objects.filter(assignment=lead(case)).count() == 2


def test_a_replied_assignment_is_not_reminded(case, people):
    services.submit_reply(by=people["clerks"][0], assignment=lead(case), body="已办", reply_class="A",
                          letter=pdf(), signed_by="局长", now=at("2026-06-01"))
    assert services.send_reminders(now=at("2026-06-25")) == 0


# --- overdue (TIME-6) -------------------------------------------------------------------------


def test_time_6_overdue_flagged_at_midnight_after_the_due_date_and_escalated_to_staff(case, people):
    services.flag_overdue(now=at("2026-04-30", "23:59"))
    assert not Assignment.objects.filter(overdue_flagged_at__isnull=False).exists()
    assert services.flag_overdue(now=at("2026-05-01", "00:00")) == 1  # the assisting unit's view
    flagged = Assignment.objects.get(overdue_flagged_at__isnull=False)
    assert flagged.role == rules.ASSISTING
    assert titles(people["clerks"][1], "drill.overdue")
    assert titles(people["staff"], "drill.overdue") == ["1 replies became overdue at 1 units"]
    assert AuditEntry.objects.filter(action="drill.overdue").count() == 1
    # Idempotent: a second run changes nothing and tells nobody again.
    assert services.flag_overdue(now=at("2026-05-01", "00:10")) == 0
    assert len(titles(people["staff"], "drill.overdue")) == 1
    assert services.flag_overdue(now=at("2026-07-01", "00:00")) == 1  # now the lead unit


def test_time_6_a_withdrawn_case_is_never_overdue(case, people):
    services.withdraw_case(by=people["filer"], case=case)
    assert services.flag_overdue(now=at("2026-08-01")) == 0


def test_the_jobs_are_registered_with_the_periodic_runner():
    names = {job.name for job in periodic.registered_jobs()}
    assert {"casework.send_reminders", "casework.flag_overdue"} <= names


# --- recomputation when the calendar changes (TIME-4, TIME-6) --------------------------------


def test_time_6_a_holiday_added_on_the_due_date_moves_it_and_the_change_is_logged(
    case, people, django_capture_on_commit_callbacks
):
    assert lead(case).due_on == date(2026, 6, 30)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_services.holiday_add(by=people["staff"], date=date(2026, 6, 30), kind="holiday", name="测试假日")
    assert lead(case).due_on == date(2026, 7, 1)
    entry = AuditEntry.objects.get(action="drill.due_change", data__assignment=lead(case).pk)
    assert (entry.actor_label, entry.data["from"], entry.data["to"]) == ("system", "2026-06-30", "2026-07-01")
    assert titles(people["clerks"][0], "drill.due_change")


def test_time_4_a_provisional_date_becomes_final_when_the_year_is_entered(
    open_case, people, units, django_capture_on_commit_callbacks
):
    case = open_case()
    services.assign_case(by=people["staff"], case=case, lead=units[0], now=at("2026-12-15"))
    row = lead(case)
    assert (row.due_on, row.due_provisional) == (date(2027, 3, 15), True)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_services.year_set_complete(by=people["staff"], year=2027)
    row.refresh_from_db()
    assert (row.due_on, row.due_provisional) == (date(2027, 3, 15), False)
    assert AuditEntry.objects.filter(action="drill.due_change").count() == 1
    assert not titles(people["clerks"][0], "drill.due_change")  # the date did not move


def test_recomputation_leaves_other_years_and_replied_assignments_alone(case, people):
    services.submit_reply(by=people["clerks"][0], assignment=lead(case), body="已办", reply_class="A",
                          letter=pdf(), signed_by="局长", now=at("2026-06-01"))
    assert services.recompute_due_dates(years={2030}) == 0
    assert services.recompute_due_dates(years={2026}) == 0  # nothing changed in 2026


def test_an_overdue_flag_is_cleared_when_the_date_moves_past_today(case, people):
    services.flag_overdue(now=at("2026-07-01", "00:30"))
    row = lead(case)
    assert row.overdue_flagged_at is not None
    # Staff enter 06-30 as a holiday that same night: the reply is due 07-01 after all.
    from core.workcalendar.models import Holiday
    from core.workcalendar.selectors import forget_cached_calendar

    Holiday.objects.create(date=date(2026, 6, 30), kind="holiday", name="测试")
    forget_cached_calendar()
    services.recompute_due_dates(years={2026}, now=at("2026-07-01", "00:40"))
    row.refresh_from_db()
    assert (row.due_on, row.overdue_flagged_at) == (date(2026, 7, 1), None)
