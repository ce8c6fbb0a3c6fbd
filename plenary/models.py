"""A plenary session at work: its roster, who checked in, its presidium and its motions.

The roster (`SessionRoster`, one `RosterEntry` per deputy) is the session's basis of "all
deputies" (SESS-4): every voting round records the number it had when it opened.
`Attendance` is the check-in per meeting day, the basis of the quorum (SESS-1) and of who
may vote in the room. A `Motion` (resolution, decision, recall, list adoption, investigation
committee) is voted on through a balloting round (RES-1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SessionRoster(models.Model):
    """The deputies a session counts (SESS-4), taken when the session opens."""

    class Basis(models.TextChoices):
        IN_OFFICE = "in_office", _("Deputies in office")
        ELECTED = "elected", _("Every deputy elected in the term")

    session = models.OneToOneField("organisation.Session", on_delete=models.CASCADE, related_name="roster")
    basis = models.CharField(_("basis of all deputies"), max_length=10, choices=Basis.choices)
    opened_at = models.DateTimeField(_("opened"))
    refreshed_at = models.DateTimeField(_("last brought up to date"), null=True, blank=True)

    class Meta:
        verbose_name = _("session roster")
        verbose_name_plural = _("session rosters")

    def __str__(self) -> str:
        return str(self.session)


class RosterEntry(models.Model):
    """A deputy on a session's roster; `in_office` as of the last update of the roster."""

    roster = models.ForeignKey(SessionRoster, on_delete=models.CASCADE, related_name="entries")
    deputy = models.ForeignKey("organisation.Deputy", on_delete=models.PROTECT, related_name="+")
    in_office = models.BooleanField(_("in office"), default=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["roster", "deputy__code"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "deputy"], name="plenary_roster_entry_once"),
        ]

    def __str__(self) -> str:
        return str(self.deputy)


class Attendance(models.Model):
    """A deputy's check-in (签到) for one meeting day of a session."""

    session = models.ForeignKey("organisation.Session", on_delete=models.CASCADE, related_name="attendances")
    deputy = models.ForeignKey("organisation.Deputy", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("meeting day"))
    checked_in_at = models.DateTimeField(_("checked in"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "day", "deputy__code"]
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy", "day"], name="plenary_attendance_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} {self.day}"


class PresidiumMember(models.Model):
    """A member of the session's presidium (主席团), elected at the preparatory meeting (SESS-3)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        EXECUTIVE_CHAIR = "executive_chair", _("Executive chair")

    session = models.ForeignKey("organisation.Session", on_delete=models.CASCADE, related_name="presidium")
    deputy = models.ForeignKey("organisation.Deputy", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("presidium member")
        verbose_name_plural = _("presidium")
        ordering = ["session", "role", "deputy__code"]
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="plenary_presidium_once"),
        ]

    def __str__(self) -> str:
        return str(self.deputy)


class Motion(models.Model):
    """Something the plenary adopts by vote (表决): a resolution or decision (RES-1), a recall
    (ELEC-19), a list adopted rather than elected (ELEC-16), an investigation committee (RES-4)."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("Resolution")
        DECISION = "decision", _("Decision")
        RECALL = "recall", _("Recall")
        LIST_ADOPTION = "list_adoption", _("Adoption of a list")
        INVESTIGATION_COMMITTEE = "investigation_committee", _("Investigation committee")

    class FiledBy(models.TextChoices):
        PRESIDIUM = "presidium", _("The presidium")
        STANDING_COMMITTEE = "standing_committee", _("The standing committee")
        DEPUTIES = "deputies", _("Deputies jointly")

    class Method(models.TextChoices):
        ELECTRONIC = "electronic", _("Electronic voting")
        PAPER = "paper", _("Paper ballots")
        HANDS = "hands", _("Show of hands")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VOTING = "voting", _("Being voted on")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Not adopted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    session = models.ForeignKey("organisation.Session", on_delete=models.PROTECT, related_name="motions")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    filed_by = models.CharField(_("filed by"), max_length=20, choices=FiledBy.choices, default=FiledBy.PRESIDIUM)
    recall_of = models.CharField(_("office holder to recall"), max_length=100, blank=True)
    is_secret = models.BooleanField(_("secret vote"), default=False)
    method = models.CharField(_("voting method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The balloting round of the current (or last) vote; a void round is replaced.
    round = models.ForeignKey(
        "balloting.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The decided result, recorded with the basis used (SESS-4).
    for_votes = models.PositiveIntegerField(_("for"), null=True, blank=True)
    against_votes = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstain_votes = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    all_deputies = models.PositiveIntegerField(_("all deputies"), null=True, blank=True)
    threshold = models.PositiveIntegerField(_("majority of all deputies"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="recall") | ~Q(recall_of=""), name="plenary_motion_recall_names_someone"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MotionSignature(models.Model):
    """A deputy joining a motion filed by deputies (ELEC-19 recall, RES-4 investigation)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="signatures")
    deputy = models.ForeignKey("organisation.Deputy", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed"))

    class Meta:
        verbose_name = _("motion signature")
        verbose_name_plural = _("motion signatures")
        ordering = ["motion", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "deputy"], name="plenary_motion_signature_once"),
        ]

    def __str__(self) -> str:
        return str(self.deputy)
