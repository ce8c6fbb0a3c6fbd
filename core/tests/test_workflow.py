"""core.workflow.transition(): permission → allowed state → write → audit → notify, all in one
transaction; a refusal or a failure leaves nothing behind."""

from unittest import mock

import pytest
from django.core import mail

from core import permissions
from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.audit.verify import verify_chain
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.notify.models import Notification
from core.organisation.models import HandlingUnit
from core.organisation.tests.factories import HandlingUnitFactory
from core.workflow import perform, transition

pytestmark = pytest.mark.django_db

RECLASSIFY = "test_workflow.unit_reclassify"
CREATE = "test_workflow.unit_create"
# A code that reads as a secret-ballot action (SEC-1): its audit entry may carry no before/after.
BALLOT_LIKE = "ballot.test_reclassify"
for _code in (RECLASSIFY, CREATE, BALLOT_LIKE):
    if _code not in permissions.registered_codes():
        permissions.register(_code, permissions.roles(Role.STAFF))


@pytest.fixture
def unit(db):
    return HandlingUnitFactory(kind=HandlingUnit.Kind.GOVERNMENT)


def reclassify(unit, by, **kwargs):
    defaults = {
        "action": RECLASSIFY,
        "obj": unit,
        "field": "kind",
        "allowed_from": [HandlingUnit.Kind.GOVERNMENT],
        "to": HandlingUnit.Kind.DISTRICT,
    }
    return transition(by=by, **(defaults | kwargs))


def test_a_transition_writes_the_state_the_audit_entry_and_the_notification(
    unit, users, django_capture_on_commit_callbacks
):
    deputy = users["deputy"]
    with django_capture_on_commit_callbacks(execute=True):
        result = reclassify(
            unit,
            users["staff"],
            changes={"short_name": "区府"},
            notify=[deputy],
            title="%(unit)s is now a district government",
            params={"unit": unit.name},
            url="/organisation/",
        )
    assert HandlingUnit.objects.get(pk=unit.pk).kind == HandlingUnit.Kind.DISTRICT
    assert result.kind == unit.kind == HandlingUnit.Kind.DISTRICT
    entry = AuditEntry.objects.get(action=RECLASSIFY)
    assert entry.actor_id == users["staff"].pk
    assert (entry.target_type, entry.target_id) == ("organisation.handlingunit", str(unit.pk))
    assert entry.before == {"kind": "government", "short_name": ""}
    assert entry.after == {"kind": "district", "short_name": "区府"}
    inbox_row = Notification.objects.get(recipient=deputy)
    assert inbox_row.title == f"{unit.name} is now a district government"
    assert inbox_row.action == RECLASSIFY
    assert [m.to for m in mail.outbox] == [[deputy.email]]
    assert verify_chain().ok


@pytest.mark.parametrize(
    "role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC, Role.ADMINISTRATOR]
)
def test_a_user_without_the_permission_changes_nothing(unit, users, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(NotAllowed):
        reclassify(unit, users[role], notify=[users["deputy"]], title="never sent")
    assert HandlingUnit.objects.get(pk=unit.pk).kind == HandlingUnit.Kind.GOVERNMENT
    assert unit.kind == HandlingUnit.Kind.GOVERNMENT
    assert not AuditEntry.objects.exists()
    assert not Notification.objects.exists()
    assert callbacks == [] and mail.outbox == []


def test_a_wrong_state_is_refused_with_its_name(unit, users):
    HandlingUnit.objects.filter(pk=unit.pk).update(kind=HandlingUnit.Kind.ENTERPRISE)
    with pytest.raises(InvalidTransition) as refused:
        reclassify(unit, users["staff"], notify=[users["deputy"]], title="never sent")
    assert "Public enterprise or institution" in str(refused.value.message)
    assert refused.value.details["state"] == "enterprise"
    assert refused.value.status == 409
    assert not AuditEntry.objects.exists() and not Notification.objects.exists()


def test_the_state_is_checked_on_the_locked_row_not_the_callers_copy(unit, users):
    """The caller's instance may be stale; the row in the database decides."""
    HandlingUnit.objects.filter(pk=unit.pk).update(kind=HandlingUnit.Kind.OTHER)
    assert unit.kind == HandlingUnit.Kind.GOVERNMENT
    with pytest.raises(InvalidTransition):
        reclassify(unit, users["staff"])


def test_an_invalid_new_value_is_refused(unit, users):
    with pytest.raises(ValidationFailed) as refused:
        reclassify(unit, users["staff"], to="no-such-kind")
    assert "kind" in refused.value.details
    assert HandlingUnit.objects.get(pk=unit.pk).kind == HandlingUnit.Kind.GOVERNMENT
    assert not AuditEntry.objects.exists()


def test_everything_rolls_back_when_the_notify_step_fails(unit, users, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch("core.workflow.send_notifications", side_effect=RuntimeError("inbox unavailable")),
        pytest.raises(RuntimeError),
    ):
        reclassify(unit, users["staff"], notify=[users["deputy"]], title="never sent")
    assert HandlingUnit.objects.get(pk=unit.pk).kind == HandlingUnit.Kind.GOVERNMENT
    assert unit.kind == HandlingUnit.Kind.GOVERNMENT
    assert not AuditEntry.objects.exists()
    assert callbacks == [] and mail.outbox == []
    assert verify_chain().ok


def test_everything_rolls_back_when_the_audit_step_refuses(unit, users):
    """A transition whose audit entry would break ballot secrecy (SEC-1) writes nothing."""
    from core.audit.secrecy import SecretBallotViolation

    with pytest.raises(SecretBallotViolation):
        reclassify(unit, users["staff"], action=BALLOT_LIKE)
    assert HandlingUnit.objects.get(pk=unit.pk).kind == HandlingUnit.Kind.GOVERNMENT


def test_a_change_without_a_state_move(unit, users):
    transition(
        by=users["staff"],
        action=RECLASSIFY,
        obj=unit,
        changes={"is_active": False},
        data={"reason": "merged"},
    )
    assert HandlingUnit.objects.get(pk=unit.pk).is_active is False
    entry = AuditEntry.objects.get()
    assert (entry.before, entry.after, entry.data) == (
        {"is_active": True},
        {"is_active": False},
        {"reason": "merged"},
    )


def test_perform_audits_a_created_row(users, unit):
    def create(_):
        return HandlingUnit.objects.create(congress=unit.congress, code="NEW1", name="新设局")

    created = perform(
        by=users["staff"],
        action=CREATE,
        permission_obj=unit.congress,
        apply=create,
        after=lambda row: {"code": row.code},
        notify=[users["deputy"]],
        title="A new unit",
        email=False,
    )
    entry = AuditEntry.objects.get(action=CREATE)
    assert (entry.target_id, entry.after) == (str(created.pk), {"code": "NEW1"})
    assert Notification.objects.get().title == "A new unit"


def test_perform_is_refused_before_anything_is_written(users, unit):
    apply = mock.Mock()
    with pytest.raises(NotAllowed):
        perform(by=users["citizen"], action=CREATE, permission_obj=unit.congress, apply=apply)
    apply.assert_not_called()
    assert not AuditEntry.objects.exists()
