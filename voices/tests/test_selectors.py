"""voices.selectors: what each role sees (SEC-8, MSG-7), the public tracking look-up, duplicates."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.accounts.roles import Role
from core.errors import NotFound
from voices import selectors, services
from voices.tests.factories import receive

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def routed(congress, citizen, staff, units, category):
    """One message routed to units[0], one report accusing units[1] routed to units[2]."""
    plain = receive(citizen, congress, name="张三", phone=PHONE)
    services.route_message(by=staff, message=plain, category=category, unit=units[0])
    report = receive(citizen, congress, nature="report", accused_unit=units[1], name="李四", phone=PHONE,
                     subject="某局工作人员索要好处", body="办理营业执照时被索要好处费。")
    services.route_message(by=staff, message=report, category=category, unit=units[2])
    return plain, report


def test_sec_8_units_see_only_their_assigned_messages(routed, units, clerk_of, staff):
    plain, report = routed
    assert set(selectors.messages_for(staff)) == {plain, report}
    assert list(selectors.messages_for(clerk_of(units[0]))) == [plain]
    assert list(selectors.messages_for(clerk_of(units[2]))) == [report]
    with pytest.raises(NotFound):
        selectors.message_for(clerk_of(units[0]), report.pk)


def test_msg_7_the_accused_unit_never_sees_the_report(routed, units, clerk_of):
    plain, report = routed
    clerk = clerk_of(units[1])
    assert list(selectors.messages_for(clerk)) == []
    with pytest.raises(NotFound):
        selectors.message_for(clerk, report.pk)


def test_msg_7_reporter_identity_hidden_from_units_masked_for_staff(routed, units, clerk_of, staff, citizen):
    plain, report = routed
    assert selectors.personal_data_for(clerk_of(units[0]), plain) == {"name": "张*", "phone": "138****5678",
                                                                      "id_number": ""}
    assert selectors.personal_data_for(staff, report) == {"name": "李*", "phone": "138****5678", "id_number": ""}
    assert selectors.personal_data_for(citizen, report)["phone"] == PHONE  # their own (SEC-13)


def test_sec_15_confidential_identity_hidden_from_the_handling_unit(congress, citizen, staff, units, category,
                                                                   clerk_of):
    message = receive(citizen, congress, name="王五", phone=PHONE, is_confidential=True)
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    assert set(selectors.personal_data_for(clerk_of(units[0]), message).values()) == {""}


def test_citizens_see_their_own_and_deputies_their_district(congress, citizen, make_user, staff):
    from core.organisation.tests.factories import DeputyFactory, DistrictFactory

    district = DistrictFactory(congress=congress)
    deputy_user = make_user(Role.DEPUTY, username="deputy-x")
    DeputyFactory(user=deputy_user, delegation__term__congress=congress, delegation__district=district)
    mine = receive(citizen, congress, district=district)
    other = receive(make_user(Role.CITIZEN, username="c-other"), congress)
    assert list(selectors.messages_for(citizen)) == [mine]
    assert list(selectors.messages_for(deputy_user)) == [mine]
    assert selectors.personal_data_for(deputy_user, mine)["phone"] == ""
    for nobody in (AnonymousUser(), make_user(Role.PUBLIC, username="p"), make_user(Role.ADMINISTRATOR,
                                                                                    username="adm")):
        assert list(selectors.messages_for(nobody)) == []
    with pytest.raises(NotFound):
        selectors.message_for(citizen, other.pk)


def test_filters(congress, citizen, staff, units, category):
    first = receive(citizen, congress, subject="噪音扰民", body="工地夜间施工")
    second = receive(citizen, congress, regime="petition")
    services.route_message(by=staff, message=second, category=category, unit=units[0])
    assert list(selectors.messages_for(staff, status="received")) == [first]
    assert list(selectors.messages_for(staff, status="assigned")) == [second]
    assert list(selectors.messages_for(staff, regime="petition")) == [second]
    assert list(selectors.messages_for(staff, q="噪音")) == [first]
    assert list(selectors.messages_for(staff, q=first.tracking_number.lower())) == [first]
    assert list(selectors.messages_for(staff, overdue=True)) == []
    assert set(selectors.messages_for(staff, overdue=False)) == {first, second}
    today = timezone.localdate()
    assert len(selectors.messages_for(staff, since=today - timedelta(days=1), until=today)) == 2
    assert list(selectors.messages_for(staff, until=today - timedelta(days=3))) == []
    assert list(selectors.messages_for(staff, order="received_at")) == [first, second]


def test_overdue_filter_finds_late_replies(congress, citizen, staff, units, category):
    message = receive(citizen, congress)
    services.route_message(by=staff, message=message, category=category, unit=units[0],
                           now=timezone.now() - timedelta(days=60))
    assert list(selectors.messages_for(staff, overdue=True)) == [message]


def test_track_public_look_up_has_no_personal_data(congress, staff, units, category, clerk_of, reply_as):
    message = receive(AnonymousUser(), congress, name="钱七", phone=PHONE, body="钱七家门口的井盖丢了")
    typed = " " + message.tracking_number.lower()[:7] + "-" + message.tracking_number[7:].lower()
    found = selectors.track(typed)
    assert found["state"] == "received" and found["tracking_number"] == message.tracking_number
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    reply_as(clerk_of(units[0]), message, body="已联系钱七，电话13812345678，井盖已补。")
    found = selectors.track(message.tracking_number)
    assert found["state"] == "replied" and found["accepted_at"] is not None and len(found["replies"]) == 1
    flat = str(found)
    assert "钱七" not in flat and PHONE not in flat and "井盖丢了" not in flat
    assert selectors.track("M000000AAAAAA0") is None
    assert selectors.track("nonsense") is None


def test_track_tells_a_merged_message_and_a_matter_handled_again(
        congress, citizen, staff, units, category, clerk_of, reply_as):
    target, source = receive(citizen, congress), receive(AnonymousUser(), congress)
    services.merge_messages(by=staff, target=target, sources=[source])
    assert selectors.track(source.tracking_number)["merged"] and not selectors.track(target.tracking_number)["merged"]
    services.route_message(by=staff, message=target, category=category, unit=units[0])
    reply_as(clerk_of(units[0]), target)
    assert not selectors.track(target.tracking_number)["handled_again"]
    services.record_callback(by=staff, message=target, outcome="dissatisfied", comment="还是没修好")
    again = selectors.track(source.tracking_number)
    assert again["handled_again"] and again["state"] == "handling" and len(again["replies"]) == 1
    page = Client().get(reverse("voices:track"), {"tracking_number": source.tracking_number}).content.decode()
    assert "joined with other messages about the same matter" in page and "handled again" in page


def test_likely_duplicates_finds_reposts_and_forgets_merged(congress, citizen, staff):
    text = "幸福小区三号楼前的路灯已经坏了两周，晚上出行很不方便，希望尽快修理。"
    first = receive(citizen, congress, body=text)
    assert selectors.likely_duplicates(first) == []
    unrelated = receive(citizen, congress, subject="公交", body="希望增开22路公交车的夜班车次，方便夜班工人回家。")
    repost = receive(citizen, congress, body="您好！" + text + "谢谢！")
    hits = selectors.likely_duplicates(repost)
    assert [m for m, _score in hits] == [first]
    assert hits[0][1] >= 0.55
    assert unrelated not in [m for m, _s in selectors.likely_duplicates(first)]
    services.merge_messages(by=staff, target=repost, sources=[first])
    assert selectors.likely_duplicates(repost) == []


def test_a_work_order_number_is_looked_up_by_the_index_not_by_scanning_the_texts(congress, staff):
    """At 10 million messages the staff search for a work order number must stay an equality
    read of the unique index voices_msg_external_once (congress, channel, external_id), then
    of the rows by key: neither a scan of the texts nor a walk down the newest-first index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = receive(congress=congress, by=staff, channel="import", external_id="WALK-001")
    receive(congress=congress, by=staff, subject="WALK-001 又来电催办")  # mentions it: not the order
    with CaptureQueriesContext(connection) as queries:
        page = selectors.message_page(staff, q="WALK-001")
    assert [m.pk for m in page.rows] == [order.pk]
    sqlite = connection.vendor == "sqlite"
    plans = []
    with connection.cursor() as cursor:
        if not sqlite:
            # A few rows make a sequential scan cheapest; without it the planner shows which
            # index the query can use, as it would at 10 million rows.
            cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries.captured_queries:
            if '"voices_message"' in query["sql"]:
                cursor.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + query["sql"])
                plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    assert any("voices_msg_external_once" in plan for plan in plans), plans
    if sqlite:
        # PostgreSQL's choice for the rows read by key depends on the table's statistics, which
        # a few rows do not give; SQLite's does not.
        assert not any("SCAN voices_message" in plan or "voices_msg_newest" in plan for plan in plans), plans


# --- MSG-6(a): the decision to accept a letter to the congress --------------------------------------


def _received_days_ago(staff, congress, days, **kwargs):
    """A call entered by staff, received `days` days ago (the phone entry may be back-dated)."""
    return receive(staff, congress, received_at=timezone.now() - timedelta(days=days), **kwargs)


def test_msg_6_a_overdue_filter_finds_a_petition_awaiting_acceptance_past_its_deadline(
        congress, staff, units, category):
    late = _received_days_ago(staff, congress, 34, regime="petition", subject="信访逾期未受理")
    _received_days_ago(staff, congress, 3, regime="petition")  # still within its 15 days
    _received_days_ago(staff, congress, 34, regime="hotline")  # MSG-3: no acceptance period
    routed = _received_days_ago(staff, congress, 34, regime="petition")
    services.route_message(by=staff, message=routed, category=category, unit=units[0])  # decided
    assert list(selectors.messages_for(staff, overdue=True)) == [late]
    assert list(selectors.messages_for(staff, regime="petition", overdue=True)) == [late]
    assert late not in selectors.messages_for(staff, overdue=False)
    assert selectors.messages_for(staff, overdue=False).count() == 3


def test_msg_6_a_overdue_filter_keeps_finding_late_replies(congress, citizen, staff, units, category):
    """The late replies (casework) and the late acceptance decisions, in one list."""
    reply_late = receive(citizen, congress)
    services.route_message(by=staff, message=reply_late, category=category, unit=units[0],
                           now=timezone.now() - timedelta(days=60))
    acceptance_late = _received_days_ago(staff, congress, 20, regime="petition")
    assert set(selectors.messages_for(staff, overdue=True)) == {reply_late, acceptance_late}


def test_msg_6_a_a_petition_merged_into_another_awaits_that_ones_decision(congress, staff):
    target = _received_days_ago(staff, congress, 1, regime="petition")
    source = _received_days_ago(staff, congress, 30, regime="petition")
    services.merge_messages(by=staff, target=target, sources=[source])
    assert list(selectors.messages_for(staff, overdue=True)) == []


def test_msg_6_a_a_unit_clerk_is_not_shown_the_petitions_awaiting_acceptance(congress, staff, units, clerk_of):
    _received_days_ago(staff, congress, 34, regime="petition")
    assert list(selectors.messages_for(clerk_of(units[0]), overdue=True)) == []


def test_msg_6_a_with_states_gives_a_received_petition_its_acceptance_deadline(congress, staff, citizen):
    late = _received_days_ago(staff, congress, 34, regime="petition")
    fresh = _received_days_ago(staff, congress, 0, regime="petition")
    hotline = receive(citizen, congress)
    selectors.with_states(staff, [late, fresh, hotline])
    assert late.acceptance.overdue is True and fresh.acceptance.overdue is False
    assert fresh.acceptance.due_on >= timezone.localdate() + timedelta(days=15)
    assert hotline.acceptance is None


def test_msg_6_a_track_tells_the_citizen_when_the_acceptance_decision_is_due(congress, staff, units, category):
    message = _received_days_ago(staff, congress, 2, regime="petition")
    assert selectors.track(message.tracking_number)["acceptance_due"].date >= timezone.localdate()
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    assert selectors.track(message.tracking_number)["acceptance_due"] is None


def test_msg_5_track_tells_the_citizen_the_ground_and_the_directions(congress, citizen, staff):
    message = receive(citizen, congress)
    services.not_accept(by=staff, message=message, reason="litigation_or_arbitration", note="请向测试市人民法院起诉。")
    found = selectors.track(message.tracking_number)
    assert found["not_accepted_ground"] == "Belongs to litigation or arbitration"
    assert found["not_accepted_note"] == "请向测试市人民法院起诉。"


def test_msg_6_a_the_overdue_list_reads_the_petitions_awaiting_acceptance_by_index(congress, staff):
    """At 10 million messages the overdue filter must stay index reads: the petitions awaiting
    acceptance by their receipt (PostgreSQL: the partial index voices_msg_awaiting_acceptance),
    the late replies by the pending assignments' due dates; never a scan of the messages."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    late = _received_days_ago(staff, congress, 30, regime="petition")
    with CaptureQueriesContext(connection) as queries:
        page = selectors.message_page(staff, overdue=True)
    assert [m.pk for m in page.rows] == [late.pk]
    sqlite = connection.vendor == "sqlite"
    plans = []
    with connection.cursor() as cursor:
        if not sqlite:
            cursor.execute("SET LOCAL enable_seqscan = off")  # as for the work order look-up above
        for query in queries.captured_queries:
            if '"voices_message"' in query["sql"] and " UNION " in query["sql"]:
                cursor.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + query["sql"])
                plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    assert plans
    if sqlite:
        # SQLite matches a partial index only to literal values, not to bound parameters: it
        # reads the (congress, status, received_at) index instead, a range all the same.
        assert not any("SCAN" in plan for plan in plans), plans
    else:
        assert all("voices_msg_awaiting_acceptance" in plan and "casework_asg_status_due" in plan
                   for plan in plans), plans
        assert not any("Seq Scan" in plan for plan in plans), plans
