"""Cases and their handling: assignments to units, replies, ratings, who is owed a reply.

Data and constraints only; every change goes through `casework.services` (no raw saves of
workflow fields elsewhere). Glossary: Case (办理), Assignment (交办; lead 主办 / assisting
会办 / separate 分办), Reply (答复, class A-D), Feedback (满意度), Reminder (催办).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import rules


class Case(models.Model):
    """Something a handling unit must answer in time; `kind` names the domain's kind."""

    class Status(models.TextChoices):
        REGISTERED = rules.REGISTERED, _("Registered")
        ASSIGNED = rules.ASSIGNED, _("Assigned")
        REPLIED = rules.REPLIED, _("Replied")
        REHANDLING = rules.REHANDLING, _("Being re-handled")
        CLOSED = rules.CLOSED, _("Closed")
        MERGED = rules.MERGED, _("Merged")
        WITHDRAWN = rules.WITHDRAWN, _("Withdrawn")

    class Mode(models.TextChoices):
        LEAD_ASSISTING = rules.LEAD_ASSISTING, _("Lead unit with assisting units")
        SEPARATE = rules.SEPARATE, _("Units handling separately")

    congress = models.ForeignKey(
        "organisation.Congress", verbose_name=_("congress"), on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    handling_mode = models.CharField(_("handling mode"), max_length=20, choices=Mode.choices, blank=True)
    #: 1, then 2 while re-handled (SUGG-7).
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    # SUGG-9: key supervised item (重点督办).
    is_key_supervised = models.BooleanField(_("key supervised"), default=False)
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervision set by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supervised_at = models.DateTimeField(_("supervision set at"), null=True, blank=True)
    supervision_note = models.CharField(_("supervision note"), max_length=300, blank=True)
    # SUGG-11: merged (并案) into the surviving case.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    registered_at = models.DateTimeField(_("registered at"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("merged or withdrawn at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "status"], name="casework_case_kind_status"),
            models.Index(fields=["kind", "registered_at"], name="casework_case_kind_registered"),
            models.Index(
                fields=["kind"], condition=Q(is_key_supervised=True), name="casework_case_key_supervised"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=rules.MERGED, merged_into__isnull=False)
                | (~Q(status=rules.MERGED) & Q(merged_into__isnull=True)),
                name="casework_case_merged_has_target",
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="casework_case_not_merged_into_self"),
            models.CheckConstraint(condition=Q(round__gte=1, round__lte=rules.MAX_ROUNDS), name="casework_case_round"),
            # SUGG-7: no case is closed without a reply to the filer.
            models.CheckConstraint(
                condition=~Q(status=rules.CLOSED) | Q(replied_at__isnull=False),
                name="casework_case_closed_has_reply",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_STATES


class Assignment(models.Model):
    """One handling unit's part of a case in one round, with its due date (SUGG-3/4/5/7)."""

    class Role(models.TextChoices):
        LEAD = rules.LEAD, _("Lead unit")
        ASSISTING = rules.ASSISTING, _("Assisting unit")
        SEPARATE = rules.SEPARATE_UNIT, _("Handles separately")

    class Status(models.TextChoices):
        PENDING = rules.PENDING, _("Handling")
        REPLIED = rules.DONE, _("Replied")
        WITHDRAWN = rules.CANCELLED, _("Withdrawn")

    class Unit(models.TextChoices):
        MONTHS = rules.MONTHS, _("months")
        DAYS = rules.DAYS, _("days")
        WORKING_DAYS = rules.WORKING_DAYS, _("working days")
        SET_DATE = rules.SET_DATE, _("days to the date set")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "organisation.HandlingUnit", verbose_name=_("handling unit"), on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    assigned_at = models.DateTimeField(_("assigned at"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # The computation of the due date, kept so a calendar change can redo it (TIME-6) and a
    # later change of parameters never moves a deadline already given.
    due_from = models.DateField(_("counted from"))
    due_unit = models.CharField(_("period unit"), max_length=15, choices=Unit.choices)
    due_count = models.PositiveSmallIntegerField(_("period length"))
    due_rule = models.CharField(_("rule"), max_length=20)
    due_on = models.DateField(_("due date"))
    #: TIME-4: computed through a year whose official schedule is not yet known.
    due_provisional = models.BooleanField(_("provisional due date"), default=False)
    # SUGG-4: the approved longer period.
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("extension approved by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    extension_approved_at = models.DateTimeField(_("extension approved at"), null=True, blank=True)
    extension_note = models.CharField(_("extension note"), max_length=300, blank=True)
    # TIME-6: when the overdue flag was raised (and staff told); cleared if the date moves.
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    #: The legal date (Asia/Shanghai) of the reply, for on-time counts.
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    # Copies kept by `casework.services.derived` in the same transaction as every change to
    # the case or its assignments, so the desks' lists read this table alone (issue 3):
    #: The case's kind.
    kind = models.CharField(_("kind"), max_length=30, default="")
    #: `rules.assignment_open`: the reply is owed (pending) and the case is being handled.
    is_open = models.BooleanField(_("reply owed"), default=False)
    #: The case's key supervision (SUGG-9).
    is_key_supervised = models.BooleanField(_("key supervised"), default=False)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["case", "round", "role", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="casework_asg_status_due"),
            models.Index(fields=["unit", "status", "due_on"], name="casework_asg_unit_status_due"),
            models.Index(fields=["due_provisional"], condition=Q(due_provisional=True), name="casework_asg_provisional"),
            # The desks (what is due, what is late), oldest first; INCLUDE on PostgreSQL only.
            models.Index(
                fields=["kind", "due_on", "id"], include=["unit", "is_key_supervised"], condition=Q(is_open=True),
                name="casework_asg_open_kind_due",
            ),
            models.Index(fields=["due_on", "id"], condition=Q(is_open=True), name="casework_asg_open_due"),
            models.Index(fields=["unit", "due_on", "id"], condition=Q(is_open=True), name="casework_asg_open_unit_due"),
        ]
        constraints = [
            # SUGG-5: a unit is named once per round.
            models.UniqueConstraint(fields=["case", "round", "unit"], name="casework_asg_unit_once_per_round"),
            # SUGG-5: one lead unit per round.
            models.UniqueConstraint(
                fields=["case", "round"], condition=Q(role=rules.LEAD), name="casework_asg_one_lead_per_round"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("due_from")), name="casework_asg_due_after_start"),
            models.CheckConstraint(
                condition=~Q(status=rules.DONE) | Q(replied_at__isnull=False, replied_on__isnull=False),
                name="casework_asg_replied_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.unit}"

    @property
    def is_extended(self) -> bool:
        return self.extension_approved_at is not None


class UnitTally(models.Model):
    """Running counts of one unit's assignments of one kind, kept by
    `casework.services.derived` in the same transaction as every change (never by hand):
    what `selectors.unit_counts` reads instead of counting a million rows."""

    kind = models.CharField(_("kind"), max_length=30)
    unit = models.ForeignKey(
        "organisation.HandlingUnit", verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="+"
    )
    #: Assignments not withdrawn.
    assignments = models.PositiveIntegerField(_("assignments"), default=0)
    #: Replies owed while the case is handled (`Assignment.is_open`).
    open = models.PositiveIntegerField(_("being handled"), default=0)
    replied = models.PositiveIntegerField(_("replied"), default=0)
    #: Replied by the due date (TIME-3).
    replied_on_time = models.PositiveIntegerField(_("replied on time"), default=0)

    class Meta:
        verbose_name = _("unit tally")
        verbose_name_plural = _("unit tallies")
        ordering = ["kind", "unit"]
        constraints = [models.UniqueConstraint(fields=["kind", "unit"], name="casework_tally_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind}"


def reply_letter_path(instance: Reply, filename: str) -> str:
    # The stored name never carries the uploaded name (it may hold personal data, SEC-6).
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"casework/replies/{instance.case_id}/{instance.assignment_id}.{extension}"


class Reply(models.Model):
    """A unit's reply (答复): to the filer from a lead or separate unit, or an assisting
    unit's written view to the lead unit (SUGG-5/6)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="replies")
    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="reply"
    )
    unit = models.ForeignKey(
        "organisation.HandlingUnit", verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    role = models.CharField(_("role"), max_length=10, choices=Assignment.Role.choices)
    #: SUGG-6: from the congress's `reply_classes`; blank for an assisting unit's view.
    reply_class = models.CharField(_("reply class"), max_length=10, blank=True)
    class_reason = models.TextField(_("reason for the class"), blank=True)
    body = models.TextField(_("reply"))
    letter = models.FileField(_("signed letter"), upload_to=reply_letter_path, blank=True, max_length=200)
    letter_name = models.CharField(_("letter file name"), max_length=200, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["case", "round", "submitted_at", "id"]
        indexes = [models.Index(fields=["unit", "reply_class"], name="casework_reply_unit_class")]

    def __str__(self) -> str:
        return f"{self.unit} ({self.reply_class or '—'})"

    @property
    def to_filer(self) -> bool:
        return self.role in rules.REPLYING_ROLES


class Recipient(models.Model):
    """Someone owed a reply (or, with `owed_reply` false, a copy) on a case.

    SUGG-11: a merge moves these rows to the surviving case and keeps `source_case`, so each
    filer still receives a reply; a filer's withdrawal marks `withdrawn_at`, never deletes.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="case_recipients",
    )
    deputy = models.ForeignKey(
        "organisation.Deputy", verbose_name=_("deputy"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="case_recipients",
    )
    #: The case this person filed or co-signed (differs from `case` after a merge).
    source_case = models.ForeignKey(
        Case, verbose_name=_("filed as"), on_delete=models.PROTECT, related_name="source_recipients"
    )
    #: The filer (lead deputy) of `source_case`: rates the reply (SUGG-7), may withdraw.
    is_lead = models.BooleanField(_("filer"), default=False)
    #: SUGG-11 `joint_reply_to`: owed a reply of their own, or sent a copy.
    owed_reply = models.BooleanField(_("owed a reply"), default=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["case", "-is_lead", "id"]
        indexes = [models.Index(fields=["user", "case"], name="casework_recipient_user")]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(deputy__isnull=False), name="casework_recipient_is_someone"
            ),
            models.CheckConstraint(
                condition=Q(is_lead=False) | Q(owed_reply=True), name="casework_recipient_filer_is_owed"
            ),
            models.UniqueConstraint(
                fields=["source_case", "deputy"], condition=Q(deputy__isnull=False),
                name="casework_recipient_deputy_once",
            ),
            models.UniqueConstraint(
                fields=["source_case", "user"], condition=Q(user__isnull=False), name="casework_recipient_user_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.deputy or self.user)


class Feedback(models.Model):
    """A filer's rating of one reply (SUGG-7), entered by the filer or by staff from the
    paper feedback form."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="feedback")
    reply = models.ForeignKey(Reply, verbose_name=_("reply"), on_delete=models.CASCADE, related_name="feedback")
    round = models.PositiveSmallIntegerField(_("round"))
    recipient = models.ForeignKey(
        Recipient, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="feedback"
    )
    #: From the congress's `satisfaction_scale` (SUGG-7).
    satisfaction = models.CharField(_("satisfaction"), max_length=30)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["case", "round", "rated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "recipient"], name="casework_feedback_once_per_reply"),
        ]

    def __str__(self) -> str:
        return self.satisfaction


class Reminder(models.Model):
    """A reminder (催办) sent to a unit, once per assignment, kind and due date."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    #: The due date the reminder was about: a moved date gets its own reminder.
    due_on = models.DateField(_("due date"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "due_on"], name="casework_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.kind} {self.due_on}"
