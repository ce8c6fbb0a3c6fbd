"""voices.services: intake, routing, non-acceptance, merging, call-backs, personal data."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from casework import rules as case_rules
from casework.models import Assignment, Case, Recipient
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from voices import crypto, services
from voices.models import CallBack, Message, PersonalDataView
from voices.services import intake
from voices.tests.factories import MessageCategoryFactory, receive

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


def _raw_row(message):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM voices_message WHERE id = %s", [message.pk])
        return " ".join(str(v) for v in cursor.fetchone())


# --- intake ------------------------------------------------------------------------------------------


def test_signed_in_citizen_is_the_submitter_and_owed_a_reply(congress, citizen):
    message = receive(citizen, congress)
    assert message.submitter == citizen
    assert message.case.kind == "message" and message.case.status == case_rules.REGISTERED
    owed = Recipient.objects.get(case=message.case)
    assert owed.user == citizen and owed.is_lead and owed.owed_reply
    assert AuditEntry.objects.filter(action="voices.receive").exists()


def test_anonymous_web_message_gets_a_contact_stand_in_without_personal_data(congress):
    message = receive(AnonymousUser(), congress, name="李四", phone=PHONE)
    user = message.submitter
    assert user.username == f"contact-{message.tracking_number}"
    assert user.role == Role.CITIZEN and not user.is_active and not user.has_usable_password()
    assert user.first_name == user.last_name == user.email == user.phone == ""
    assert Recipient.objects.get(case=message.case).user == user


def test_sec_8_phone_and_id_never_stored_in_clear(congress, staff):
    message = receive(staff, congress, name="王五", phone=PHONE, id_number=ID_NUMBER)
    row = _raw_row(message)
    assert PHONE not in row and ID_NUMBER not in row and "王五" not in row
    assert crypto.decrypt(message.phone_encrypted) == PHONE
    assert message.phone_index == crypto.lookup_key("+86 138 1234 5678")
    entry = AuditEntry.objects.filter(action="voices.receive").latest("pk")
    assert PHONE not in str(entry.data)


def test_receive_validates_with_field_reasons(congress, citizen):
    with pytest.raises(ValidationFailed) as caught:
        receive(citizen, congress, subject="", nature="help", age_band="under_14", name="小明")
    assert {"subject", "guardian_consent"} <= set(caught.value.details)
    assert Message.objects.count() == 0 and Case.objects.count() == 0


def test_msg_7_only_a_report_names_an_accused_unit(congress, citizen, units):
    with pytest.raises(ValidationFailed) as caught:
        receive(citizen, congress, nature="complaint", accused_unit=units[0])
    assert "accused_unit" in caught.value.details


def test_unit_from_another_congress_is_refused(congress, citizen):
    from core.organisation.tests.factories import CongressFactory, HandlingUnitFactory

    other = HandlingUnitFactory(congress=CongressFactory(name="别的市人民代表大会"))
    with pytest.raises(ValidationFailed) as caught:
        receive(citizen, congress, nature="report", accused_unit=other)
    assert "accused_unit" in caught.value.details


def test_channels_need_their_permission(congress, citizen, make_user):
    with pytest.raises(NotAllowed):
        receive(citizen, congress, channel="phone")
    with pytest.raises(NotAllowed):
        receive(AnonymousUser(), congress, channel="import")
    with pytest.raises(NotAllowed):
        receive(make_user(Role.UNIT_CLERK), congress, channel="phone")


def test_only_staff_name_another_submitter(congress, citizen, make_user, staff):
    other = make_user(Role.CITIZEN, username="other-citizen")
    with pytest.raises(NotAllowed):
        receive(citizen, congress, submitter=other)
    assert receive(staff, congress, submitter=other).submitter == other


def test_idempotent_on_external_id(congress, staff):
    first = receive(staff, congress, channel="import", external_id="WO-1")
    again = receive(staff, congress, channel="import", external_id="WO-1", subject="另一个标题")
    assert again.pk == first.pk and Message.objects.count() == 1
    assert receive(staff, congress, channel="phone", external_id="WO-1").pk != first.pk


def test_backdated_import_keeps_its_time_and_future_is_refused(congress, staff):
    then = timezone.now() - timedelta(days=30)
    assert receive(staff, congress, channel="import", received_at=then).received_at == then
    with pytest.raises(ValidationFailed) as caught:
        receive(staff, congress, channel="import", received_at=timezone.now() + timedelta(days=1))
    assert "received_at" in caught.value.details


def test_sec_7_sensitive_content_flagged(congress, citizen):
    message = receive(citizen, congress, body="我父亲住院期间医保报销被拒，身份证号码已提交。")
    assert message.is_sensitive
    assert "health:住院" in message.suggestion_reasons["sensitive"]


def test_staff_are_told_unless_quiet(congress, citizen, staff):
    from core.notify.models import Notification

    receive(citizen, congress, quiet=False)
    assert Notification.objects.filter(recipient=staff, action="voices.receive").count() == 1
    receive(citizen, congress, quiet=True)
    assert Notification.objects.filter(recipient=staff, action="voices.receive").count() == 1


def test_staff_are_told_of_new_messages_in_their_inbox_not_by_mail_or_sms(
        congress, citizen, staff, settings, django_capture_on_commit_callbacks):
    from django.core import mail

    from core.notify.models import Notification
    from core.notify.sms import LocmemSMSBackend

    settings.DATONG_SMS_BACKEND = "core.notify.sms.LocmemSMSBackend"
    LocmemSMSBackend.outbox.clear()
    staff.email, staff.phone = "staff@example.org", "13800000000"
    staff.save(update_fields=["email", "phone"])
    with django_capture_on_commit_callbacks(execute=True):
        receive(citizen, congress, quiet=False)
    told = Notification.objects.get(recipient=staff, action="voices.receive")
    assert (told.send_email, told.send_sms, told.emailed_at) == (False, False, None)
    assert mail.outbox == []
    assert LocmemSMSBackend.outbox == []


def test_receive_many_all_or_nothing_with_row_numbers(congress, staff):
    rows = [
        {"_row": 2, "regime": "hotline", "subject": "噪音", "body": "夜间施工噪音", "external_id": "A"},
        {"_row": 3, "regime": "hotline", "subject": "", "body": "缺标题", "external_id": "B"},
        {"_row": 4, "regime": "nope", "subject": "x", "body": "y", "external_id": "C"},
    ]
    with pytest.raises(ValidationFailed) as caught:
        services.receive_many(by=staff, congress=congress, channel="import", rows=rows)
    assert set(caught.value.details) == {"row 3", "row 4"}
    assert "subject" in caught.value.details["row 3"]
    assert Message.objects.count() == 0 and Case.objects.count() == 0
    seen = []
    made = services.receive_many(by=staff, congress=congress, channel="import", rows=rows[:1] * 1,
                                 progress=lambda done, total: seen.append((done, total)))
    assert len(made) == 1 and seen == [(1, 1)]


def test_receive_many_in_batches_reports_every_refused_row_by_its_number(congress, staff, monkeypatch):
    """Rows go through receive_batch a batch at a time: a refused row in one batch does not hide
    one in a later batch, row numbers count across batches, and nothing is kept."""
    monkeypatch.setattr(intake, "BATCH_MAX", 2)
    rows = [{"regime": "hotline", "subject": f"工单{n}", "body": "路面破损", "external_id": f"GD{n}"} for n in range(5)]
    rows[1]["subject"] = ""
    rows[4]["regime"] = "nope"
    seen = []
    with pytest.raises(ValidationFailed) as caught:
        services.receive_many(by=staff, congress=congress, channel="import", rows=rows,
                              progress=lambda done, total: seen.append((done, total)))
    assert set(caught.value.details) == {"row 2", "row 5"}
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert Message.objects.count() == 0 and Case.objects.count() == 0
    rows[1]["subject"], rows[4]["regime"] = "工单1", "hotline"
    made = services.receive_many(by=staff, congress=congress, channel="import", rows=rows + rows[:1])
    assert [m.external_id for m in made] == ["GD0", "GD1", "GD2", "GD3", "GD4", "GD0"]
    assert made[0].pk == made[-1].pk and Message.objects.count() == 5


def test_receive_many_never_drops_a_batch_refused_as_a_whole(congress, staff, monkeypatch):
    def refuse(**_kwargs):
        raise ValidationFailed("the batch cannot be stored")

    monkeypatch.setattr(intake, "receive_batch", refuse)
    rows = [{"_row": 7, "regime": "hotline", "subject": "噪音", "body": "夜间施工噪音"}]
    with pytest.raises(ValidationFailed) as caught:
        services.receive_many(by=staff, congress=congress, channel="import", rows=rows)
    assert caught.value.details == {"row 7": "the batch cannot be stored"}


def test_receive_many_refused_to_citizens_for_import(congress, citizen):
    with pytest.raises(NotAllowed):
        services.receive_many(by=citizen, congress=congress, channel="import",
                              rows=[{"regime": "hotline", "subject": "a", "body": "b"}])
    assert Message.objects.count() == 0


# --- routing ------------------------------------------------------------------------------------------


def test_route_assigns_with_the_regime_deadline(congress, citizen, staff, units, category):
    message = receive(citizen, congress)
    services.route_message(by=staff, message=message, category=category, unit=units[0], is_urgent=False)
    message.refresh_from_db()
    assert message.status == Message.Status.ACCEPTED and message.routed_by == staff
    assignment = Assignment.objects.get(case=message.case)
    assert (assignment.unit, assignment.due_unit, assignment.due_count, assignment.due_rule) == (
        units[0], "working_days", 10, "MSG-3")
    assert message.case.__class__.objects.get(pk=message.case_id).status == case_rules.ASSIGNED
    assert AuditEntry.objects.filter(action="voices.route").exists()


def test_route_petition_counts_calendar_days(congress, citizen, staff, units, category):
    message = receive(citizen, congress, regime="petition")
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    assignment = Assignment.objects.get(case=message.case)
    assert (assignment.due_unit, assignment.due_count, assignment.due_rule) == ("days", 60, "MSG-6")


def test_route_urgent_is_due_the_same_day(congress, citizen, staff, units, category):
    message = receive(citizen, congress)
    services.route_message(by=staff, message=message, category=category, unit=units[0], is_urgent=True)
    assignment = Assignment.objects.get(case=message.case)
    assert assignment.due_on == assignment.due_from


def test_msg_7_report_never_routed_to_the_accused_unit(congress, citizen, staff, units, category):
    message = receive(citizen, congress, nature="report", accused_unit=units[1], is_confidential=True)
    with pytest.raises(ValidationFailed) as caught:
        services.route_message(by=staff, message=message, category=category, unit=units[1])
    assert "MSG-7" in caught.value.details["unit"]
    with pytest.raises(ValidationFailed) as caught:
        services.route_message(by=staff, message=message, category=category, unit=units[0],
                               assisting_units=[units[1]])
    assert "assisting_units" in caught.value.details
    assert not Assignment.objects.filter(case=message.case).exists()
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    assert Assignment.objects.get(case=message.case).unit == units[0]


def test_route_refusals(congress, citizen, staff, units, category, clerk_of):
    message = receive(citizen, congress)
    with pytest.raises(NotAllowed):
        services.route_message(by=clerk_of(units[0]), message=message, category=category, unit=units[0])
    with pytest.raises(NotAllowed):
        services.route_message(by=citizen, message=message, category=category, unit=units[0])
    other_category = MessageCategoryFactory()  # another congress? same factory congress: make inactive
    other_category.is_active = False
    other_category.save()
    with pytest.raises(ValidationFailed) as caught:
        services.route_message(by=staff, message=message, category=other_category, unit=None)
    assert {"category", "unit"} <= set(caught.value.details)
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    with pytest.raises(InvalidTransition):
        services.route_message(by=staff, message=message, category=category, unit=units[0])


def test_a_message_routed_with_an_assisting_unit_is_answered_by_the_lead(congress, citizen, staff, units, category,
                                                                           clerk_of):
    """协办: the assisting unit's view is due within the message's own limit (MSG-3, practice)
    and goes to the lead unit; only the lead's reply answers the citizen."""
    from casework import services as casework
    from core.notify.models import Notification

    message = receive(citizen, congress)
    services.route_message(by=staff, message=message, category=category, unit=units[0], assisting_units=[units[1]])
    lead = Assignment.objects.get(case=message.case, role=case_rules.LEAD)
    assisting = Assignment.objects.get(case=message.case, role=case_rules.ASSISTING)
    assert (lead.unit, assisting.unit) == (units[0], units[1])
    assert assisting.due_on == lead.due_on

    lead_clerk, assisting_clerk = clerk_of(units[0]), clerk_of(units[1])
    with pytest.raises(ValidationFailed) as caught:  # a view carries no reply class
        casework.submit_reply(by=assisting_clerk, assignment=assisting, body="建议同步检修周边管线。", reply_class="A")
    assert "reply_class" in caught.value.details
    casework.submit_reply(by=assisting_clerk, assignment=assisting, body="建议同步检修周边管线。")
    assert Case.objects.get(pk=message.case_id).status == case_rules.ASSIGNED
    assert Notification.objects.filter(recipient=lead_clerk, action="message.reply").exists()
    assert not Notification.objects.filter(recipient=citizen, action="message.reply").exists()

    casework.submit_reply(by=lead_clerk, assignment=lead, body="已修复。", reply_class="A")
    assert Case.objects.get(pk=message.case_id).status == case_rules.REPLIED
    assert Notification.objects.filter(recipient=citizen, action="message.reply").exists()


# --- MSG-5 non-acceptance ------------------------------------------------------------------------------


def test_msg_5_not_accept_with_ground_and_directions(congress, citizen, staff, units, category):
    message = receive(citizen, congress)
    services.not_accept(by=staff, message=message, reason="litigation_or_arbitration", note="请向人民法院起诉。")
    message.refresh_from_db()
    assert message.status == Message.Status.NOT_ACCEPTED and message.not_accepted_reason == "litigation_or_arbitration"
    assert Case.objects.get(pk=message.case_id).status == case_rules.WITHDRAWN
    with pytest.raises(InvalidTransition):
        services.route_message(by=staff, message=message, category=category, unit=units[0])


def test_msg_5_refusals(congress, citizen, staff):
    message = receive(citizen, congress)
    with pytest.raises(ValidationFailed) as caught:
        services.not_accept(by=staff, message=message, reason="too_busy", note="")
    assert set(caught.value.details) == {"reason", "note"}
    with pytest.raises(NotAllowed):
        services.not_accept(by=citizen, message=message, reason="no_content", note="x")


# --- merging ----------------------------------------------------------------------------------------------


def test_merge_keeps_every_submitter_owed_a_reply(congress, citizen, staff, make_user, units, category):
    target = receive(citizen, congress)
    other = make_user(Role.CITIZEN, username="second-citizen")
    source = receive(other, congress)
    anonymous = receive(AnonymousUser(), congress)
    services.merge_messages(by=staff, target=target, sources=[source, anonymous])
    owed = Recipient.objects.filter(case=target.case, owed_reply=True, withdrawn_at__isnull=True)
    assert {r.user_id for r in owed} == {citizen.pk, other.pk, anonymous.submitter_id}
    assert Case.objects.get(pk=source.case_id).status == case_rules.MERGED
    assert AuditEntry.objects.filter(action="voices.merge").exists()


def test_merge_refusals(congress, citizen, staff, units, category):
    target = receive(citizen, congress)
    with pytest.raises(ValidationFailed):
        services.merge_messages(by=staff, target=target, sources=[])
    with pytest.raises(NotAllowed):
        services.merge_messages(by=citizen, target=target, sources=[receive(citizen, congress)])


def test_msg_7_report_never_merged_into_a_case_of_the_accused_unit(congress, citizen, staff, units, category):
    target = receive(citizen, congress)
    services.route_message(by=staff, message=target, category=category, unit=units[1])
    report = receive(citizen, congress, nature="report", accused_unit=units[1])
    with pytest.raises(ValidationFailed) as caught:
        services.merge_messages(by=staff, target=target, sources=[report])
    assert "MSG-7" in caught.value.details["sources"]


# --- MSG-4 call-backs --------------------------------------------------------------------------------------


@pytest.fixture
def replied(congress, staff, units, category, clerk_of, reply_as):
    """A message from an anonymous citizen, routed and replied to."""
    message = receive(AnonymousUser(), congress, phone=PHONE)
    services.route_message(by=staff, message=message, category=category, unit=units[0])
    reply_as(clerk_of(units[0]), message)
    return message


def test_msg_4_satisfied_call_back_closes(replied, staff):
    callback = services.record_callback(by=staff, message=replied, outcome="satisfied", comment="满意")
    assert callback.round == 1 and callback.made_by == staff
    assert Case.objects.get(pk=replied.case_id).status == case_rules.CLOSED


def test_msg_4_dissatisfied_call_back_reopens_for_rehandling(replied, staff):
    services.record_callback(by=staff, message=replied, outcome="dissatisfied", comment="灯还是不亮")
    case = Case.objects.get(pk=replied.case_id)
    assert case.status == case_rules.REHANDLING and case.round == 2
    assert Assignment.objects.filter(case=case, round=2, status="pending").count() == 1


def test_msg_4_dissatisfied_needs_what_was_wrong_before_it_goes_back_to_the_unit(replied, staff):
    with pytest.raises(ValidationFailed) as refused:
        services.record_callback(by=staff, message=replied, outcome="dissatisfied", comment="  ")
    assert "comment" in refused.value.details
    assert Case.objects.get(pk=replied.case_id).status == case_rules.REPLIED
    assert not CallBack.objects.filter(message=replied).exists()


def test_msg_4_unreachable_only_recorded(replied, staff):
    services.record_callback(by=staff, message=replied, outcome="unreachable")
    assert Case.objects.get(pk=replied.case_id).status == case_rules.REPLIED
    assert CallBack.objects.filter(message=replied).count() == 1
    services.record_callback(by=staff, message=replied, outcome="basically_satisfied")
    assert CallBack.objects.get(message=replied, round=2).outcome == "basically_satisfied"
    assert Case.objects.get(pk=replied.case_id).status == case_rules.CLOSED


def test_msg_4_call_back_refusals(replied, congress, citizen, staff):
    with pytest.raises(ValidationFailed):
        services.record_callback(by=staff, message=replied, outcome="happy")
    with pytest.raises(NotAllowed):
        services.record_callback(by=citizen, message=replied, outcome="satisfied")
    with pytest.raises(InvalidTransition):
        services.record_callback(by=staff, message=receive(citizen, congress), outcome="satisfied")


def test_msg_4_merged_case_closes_once_every_submitter_called_back(congress, citizen, staff, make_user, units,
                                                                 category, clerk_of, reply_as):
    target = receive(citizen, congress)
    source = receive(make_user(Role.CITIZEN, username="c2"), congress)
    services.merge_messages(by=staff, target=target, sources=[source])
    services.route_message(by=staff, message=target, category=category, unit=units[0])
    reply_as(clerk_of(units[0]), target)
    services.record_callback(by=staff, message=source, outcome="satisfied")
    assert Case.objects.get(pk=target.case_id).status == case_rules.REPLIED
    with pytest.raises(InvalidTransition):
        services.record_callback(by=staff, message=source, outcome="satisfied")
    services.record_callback(by=staff, message=target, outcome="satisfied")
    assert Case.objects.get(pk=target.case_id).status == case_rules.CLOSED


# --- SEC-8 reveal -----------------------------------------------------------------------------------------


def test_sec_8_reveal_for_staff_only_and_logged(congress, staff, citizen, units, clerk_of):
    message = receive(staff, congress, name="赵六", phone=PHONE, id_number=ID_NUMBER)
    values = services.reveal_personal_data(by=staff, message=message, purpose="回访")
    assert values == {"name": "赵六", "phone": PHONE, "id_number": ID_NUMBER}
    log = PersonalDataView.objects.get(message=message)
    assert (log.viewer, log.fields, log.purpose) == (staff, "name,phone,id_number", "回访")
    services.reveal_personal_data(by=staff, message=message, purpose="核实")
    assert PersonalDataView.objects.filter(message=message).count() == 2
    for user in (citizen, clerk_of(units[0])):
        with pytest.raises(NotAllowed):
            services.reveal_personal_data(by=user, message=message)
    assert PersonalDataView.objects.filter(message=message).count() == 2


def test_sec_15_confidential_reveal_needs_a_purpose(congress, staff):
    message = receive(staff, congress, nature="report", phone=PHONE, is_confidential=True)
    with pytest.raises(ValidationFailed):
        services.reveal_personal_data(by=staff, message=message)
    assert not PersonalDataView.objects.exists()


# --- SEC-8 a caller's messages by phone ---------------------------------------------------------------


def test_sec_8_staff_find_a_callers_messages_however_the_number_is_written(congress, staff):
    first = receive(staff, congress, phone=PHONE, subject="路灯不亮")
    second = receive(staff, congress, phone="+86 138-1234-5678", subject="井盖丢失")
    receive(staff, congress, phone="13912345678", subject="别人的来电")
    receive(staff, congress, subject="没有留电话")
    found = services.find_caller_messages(by=staff, phone="138 1234 5678", purpose="来电查询")
    assert [m.pk for m in found] == [second.pk, first.pk]  # newest first


def test_sec_8_every_phone_search_is_logged_without_the_number(congress, staff):
    message = receive(staff, congress, phone=PHONE)
    services.find_caller_messages(by=staff, phone=PHONE, purpose="来电查询")
    services.find_caller_messages(by=staff, phone="13700000000", purpose="核实来电")
    entries = list(AuditEntry.objects.filter(action="voices.phone_search").order_by("pk"))
    assert [(e.actor_id, e.data["found"], e.data["purpose"]) for e in entries] == [
        (staff.pk, [message.pk], "来电查询"), (staff.pk, [], "核实来电")]
    # The same number gives the same key, and the number itself is nowhere in the log.
    assert entries[0].data["phone_key"] == crypto.lookup_key(PHONE)[:16] != entries[1].data["phone_key"]
    assert not any(PHONE in str(e.data) or "12345678" in str(e.data) for e in entries)


def test_sec_8_only_staff_search_by_phone(congress, staff, citizen, units, clerk_of):
    receive(staff, congress, phone=PHONE)
    for user in (citizen, clerk_of(units[0]), AnonymousUser()):
        with pytest.raises(NotAllowed):
            services.find_caller_messages(by=user, phone=PHONE, purpose="来电查询")
    assert not AuditEntry.objects.filter(action="voices.phone_search").exists()


@pytest.mark.parametrize("phone", ["", "12", "电话", "138123456789012345"])
def test_a_phone_search_needs_a_phone_number(congress, staff, phone):
    with pytest.raises(ValidationFailed) as refused:
        services.find_caller_messages(by=staff, phone=phone, purpose="来电查询")
    assert set(refused.value.details) == {"phone"}
    assert not AuditEntry.objects.filter(action="voices.phone_search").exists()


def test_sec_15_a_phone_search_states_its_purpose(congress, staff):
    """Finding what one number sent can name the sender of a confidential report."""
    receive(staff, congress, nature="report", phone=PHONE, is_confidential=True)
    for purpose in ("", "   "):
        with pytest.raises(ValidationFailed) as refused:
            services.find_caller_messages(by=staff, phone=PHONE, purpose=purpose)
        assert set(refused.value.details) == {"purpose"}
    assert not AuditEntry.objects.filter(action="voices.phone_search").exists()


def test_sec_8_the_other_messages_from_a_messages_number_are_found_without_the_number(congress, staff):
    earlier = receive(staff, congress, phone="+86 138 1234 5678")
    reading = receive(staff, congress, phone=PHONE)
    receive(staff, congress, phone="13912345678")
    found = services.find_caller_messages(by=staff, message=reading, purpose="重复来电")
    assert [m.pk for m in found] == [reading.pk, earlier.pk]
    entry = AuditEntry.objects.get(action="voices.phone_search")
    assert (entry.target_id, entry.data["purpose"]) == (str(reading.pk), "重复来电")
    with pytest.raises(ValidationFailed):
        services.find_caller_messages(by=staff, message=receive(staff, congress), purpose="重复来电")  # no phone
