"""Bills (议案, BILL-1..6) and interpellations (质询案, RES-2).

Data and constraints only; every change goes through `proposals.bill_services`. A bill's
own `status` carries it from draft to the presidium's decision and the vote (BILL-3); a
bill not placed on the agenda may become a `Suggestion` (BILL-4). An interpellation's
written reply is a `casework.Case` of kind "interpellation" (the target unit's clerk
replies there); an oral reply is recorded here. Each reply round, and the signers' ratings
of it, are kept so the RES-2 count ("half or more dissatisfied") can be shown and checked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import bill_rules as rules

__all__ = [
    "Bill",
    "BillSignature",
    "Interpellation",
    "InterpellationRating",
    "InterpellationRound",
    "InterpellationSignature",
]


class Bill(models.Model):
    """A bill filed with the congress during a session (BILL-1)."""

    class FilerKind(models.TextChoices):
        PRESIDIUM = rules.PRESIDIUM, _("The presidium")
        STANDING_COMMITTEE = rules.STANDING_COMMITTEE, _("The standing committee")
        SPECIAL_COMMITTEE = rules.SPECIAL_COMMITTEE, _("A special committee")
        GOVERNMENT = rules.GOVERNMENT, _("The city government")
        DEPUTIES = rules.DEPUTIES, _("Deputies jointly")

    class Status(models.TextChoices):
        DRAFT = rules.DRAFT, _("Collecting signatures")
        # "Filed" alone labels when a suggestion was filed (提出时段); the state is its own text.
        FILED = rules.FILED, pgettext_lazy("status", "Filed")
        REFERRED = rules.REFERRED, _("Referred to a special committee")
        ON_AGENDA = rules.ON_AGENDA, _("On the agenda")
        NOT_ON_AGENDA = rules.NOT_ON_AGENDA, _("Not on the agenda")
        ADOPTED = rules.ADOPTED, _("Adopted")
        REJECTED = rules.REJECTED, _("Not adopted")
        WITHDRAWN = rules.WITHDRAWN, _("Withdrawn")
        ABANDONED = rules.ABANDONED, _("Dropped before filing")

    class Advice(models.TextChoices):
        PLACE = rules.PLACE, _("Place it on the agenda / put it to the vote")
        NOT_PLACE = rules.NOT_PLACE, _("Do not place it on the agenda")

    class Unplaced(models.TextChoices):
        CONVERT = rules.CONVERT_TO_SUGGESTION, _("Handled as a suggestion")
        STANDING_COMMITTEE = rules.LEAVE_TO_STANDING_COMMITTEE, _("Left to the standing committee")

    session = models.ForeignKey(
        "organisation.Session", verbose_name=_("session"), on_delete=models.PROTECT, related_name="bills"
    )
    filer_kind = models.CharField(_("filed by"), max_length=20, choices=FilerKind.choices)
    #: BILL-1(b): the deputy who leads a deputies' bill (领衔代表); empty for an organ's bill.
    lead_deputy = models.ForeignKey(
        "organisation.Deputy", verbose_name=_("lead deputy"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="led_bills",
    )
    # BILL-1: subject (案由), grounds (案据), proposed solution (方案).
    subject = models.CharField(_("subject"), max_length=rules.SUBJECT_MAX_CHARS)
    grounds = models.TextField(_("grounds"), blank=True)
    proposal = models.TextField(_("proposed solution"), blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    #: The bill's number within its session, given at filing.
    serial = models.PositiveIntegerField(_("number"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    # BILL-2/3: referral to a special committee, and its advice or report.
    referred_to = models.CharField(_("special committee"), max_length=200, blank=True)
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    committee_advice = models.CharField(_("committee's advice"), max_length=10, choices=Advice.choices, blank=True)
    committee_report = models.TextField(_("committee's report"), blank=True)
    advised_at = models.DateTimeField(_("advice given at"), null=True, blank=True)
    # The presidium's decision (entered by staff).
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    #: BILL-4: what became of it when it was not placed on the agenda (kept as decided).
    unplaced_handling = models.CharField(
        _("handled as"), max_length=25, choices=Unplaced.choices, blank=True
    )
    suggestion = models.OneToOneField(
        "proposals.Suggestion", verbose_name=_("suggestion"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="from_bill",
    )
    # BILL-5: the filers' request to withdraw, and the presidium's consent.
    withdrawal_requested_at = models.DateTimeField(_("withdrawal requested at"), null=True, blank=True)
    withdrawal_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawal requested by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # The plenary's vote (recorded by staff; the counts are optional).
    voted_at = models.DateTimeField(_("voted at"), null=True, blank=True)
    for_votes = models.PositiveIntegerField(_("for"), null=True, blank=True)
    against_votes = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstain_votes = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    abandoned_at = models.DateTimeField(_("dropped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["session", "status"], name="proposals_bill_session_status"),
            models.Index(fields=["lead_deputy", "status"], name="proposals_bill_lead"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "serial"], condition=Q(serial__isnull=False), name="proposals_bill_unique_serial"
            ),
            # BILL-1: a deputies' bill has its lead deputy; an organ's bill has none.
            models.CheckConstraint(
                condition=(Q(filer_kind=rules.DEPUTIES) & Q(lead_deputy__isnull=False))
                | (~Q(filer_kind=rules.DEPUTIES) & Q(lead_deputy__isnull=True)),
                name="proposals_bill_lead_for_deputies_only",
            ),
            # BILL-2: an organ's bill is always put to the plenary.
            models.CheckConstraint(
                condition=~Q(status=rules.NOT_ON_AGENDA) | Q(filer_kind=rules.DEPUTIES),
                name="proposals_bill_only_deputies_unplaced",
            ),
            # Only a drafted bill has no number.
            models.CheckConstraint(
                condition=Q(status__in=[rules.DRAFT, rules.ABANDONED]) | Q(serial__isnull=False, filed_at__isnull=False),
                name="proposals_bill_filed_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_deputies_bill(self) -> bool:
        return self.filer_kind == rules.DEPUTIES

    @property
    def withdrawal_pending(self) -> bool:
        return self.withdrawal_requested_at is not None and self.status == rules.ON_AGENDA


class BillSignature(models.Model):
    """A deputy signing a deputies' bill (联名, BILL-1(b)); the lead deputy signs first."""

    bill = models.ForeignKey(Bill, verbose_name=_("bill"), on_delete=models.CASCADE, related_name="signatures")
    deputy = models.ForeignKey(
        "organisation.Deputy", verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="bill_signatures"
    )
    #: The deputy themselves, or staff entering a paper signature.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("bill signature")
        verbose_name_plural = _("bill signatures")
        ordering = ["bill", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bill", "deputy"], name="proposals_bill_signature_once"),
        ]

    def __str__(self) -> str:
        return str(self.deputy)


class Interpellation(models.Model):
    """An interpellation (质询案) of a state organ by deputies during a session (RES-2)."""

    class Status(models.TextChoices):
        DRAFT = rules.I_DRAFT, _("Collecting signatures")
        FILED = rules.I_FILED, pgettext_lazy("status", "Filed")
        AWAITING_REPLY = rules.I_AWAITING_REPLY, _("Waiting for the reply")
        REPLIED = rules.I_REPLIED, _("Replied")
        FURTHER_DEMANDED = rules.I_FURTHER_DEMANDED, _("Further reply demanded")
        CLOSED = rules.I_CLOSED, _("Closed")
        ABANDONED = rules.I_ABANDONED, _("Dropped before filing")

    session = models.ForeignKey(
        "organisation.Session", verbose_name=_("session"), on_delete=models.PROTECT, related_name="interpellations"
    )
    #: RES-2: the organ interpellated (the government or a department, the supervisory
    #: commission, the court or the procuratorate).
    target = models.ForeignKey(
        "organisation.HandlingUnit", verbose_name=_("organ interpellated"), on_delete=models.PROTECT,
        related_name="interpellations",
    )
    lead_deputy = models.ForeignKey(
        "organisation.Deputy", verbose_name=_("lead deputy"), on_delete=models.PROTECT,
        related_name="led_interpellations",
    )
    question = models.CharField(_("question"), max_length=rules.SUBJECT_MAX_CHARS)
    content = models.TextField(_("content"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    serial = models.PositiveIntegerField(_("number"), null=True, blank=True)
    #: The reply round under way (0 before the presidium decides; 1; 2 for a further reply).
    round = models.PositiveSmallIntegerField(_("reply round"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    abandoned_at = models.DateTimeField(_("dropped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("interpellation")
        verbose_name_plural = _("interpellations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["session", "status"], name="proposals_interp_status"),
            models.Index(fields=["target", "status"], name="proposals_interp_target"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "serial"], condition=Q(serial__isnull=False), name="proposals_interp_unique_serial"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[rules.I_DRAFT, rules.I_ABANDONED])
                | Q(serial__isnull=False, filed_at__isnull=False),
                name="proposals_interp_filed_has_number",
            ),
            models.CheckConstraint(
                condition=Q(round__lte=rules.MAX_REPLY_ROUNDS), name="proposals_interp_round_limit"
            ),
        ]

    def __str__(self) -> str:
        return self.question


class InterpellationSignature(models.Model):
    """A deputy signing an interpellation (RES-2); the lead deputy signs first."""

    interpellation = models.ForeignKey(
        Interpellation, verbose_name=_("interpellation"), on_delete=models.CASCADE, related_name="signatures"
    )
    deputy = models.ForeignKey(
        "organisation.Deputy", verbose_name=_("deputy"), on_delete=models.PROTECT,
        related_name="interpellation_signatures",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("interpellation signature")
        verbose_name_plural = _("interpellation signatures")
        ordering = ["interpellation", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["interpellation", "deputy"], name="proposals_interp_signature_once"),
        ]

    def __str__(self) -> str:
        return str(self.deputy)


class InterpellationRound(models.Model):
    """One reply (答复) to an interpellation: the presidium's decision on its form, and the
    reply itself (RES-2). Round 2 is the further reply the signers demanded."""

    class Form(models.TextChoices):
        ORAL_PRESIDIUM = rules.ORAL_PRESIDIUM, _("Oral, at a presidium meeting")
        ORAL_PLENARY = rules.ORAL_PLENARY, _("Oral, at a plenary meeting")
        ORAL_COMMITTEE = rules.ORAL_COMMITTEE, _("Oral, at a special committee meeting")
        WRITTEN = rules.WRITTEN, _("Written, signed by the head of the organ")

    interpellation = models.ForeignKey(
        Interpellation, verbose_name=_("interpellation"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    form = models.CharField(_("form of reply"), max_length=20, choices=Form.choices)
    #: Oral: the meeting (which presidium, plenary or committee meeting); written: blank.
    meeting = models.CharField(_("meeting"), max_length=200, blank=True)
    #: Oral: the day of the meeting; written: the day the reply is due.
    due_on = models.DateField(_("reply date"))
    #: Written: calendar days from the decision to `due_on` (the case's period, TIME-1).
    due_days = models.PositiveSmallIntegerField(_("days to reply"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decision entered by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    decision_note = models.TextField(_("note on the decision"), blank=True)
    #: Written: the case the target unit replies on (a further written reply reuses it).
    case = models.ForeignKey(
        "casework.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="interpellation_rounds",
    )
    # The reply given: oral, recorded by staff; written, from the unit's reply.
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=100, blank=True)
    place = models.CharField(_("where"), max_length=200, blank=True)
    summary = models.TextField(_("reply"), blank=True)
    reply = models.OneToOneField(
        "casework.Reply", verbose_name=_("written reply"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="interpellation_round",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # RES-2: the signers' demand for a further reply after this one.
    demanded_at = models.DateTimeField(_("further reply demanded at"), null=True, blank=True)
    demanded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("further reply demanded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("reply round")
        verbose_name_plural = _("reply rounds")
        ordering = ["interpellation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["interpellation", "number"], name="proposals_interp_round_once"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=rules.MAX_REPLY_ROUNDS), name="proposals_interp_round_number"
            ),
            models.CheckConstraint(
                condition=~Q(form=rules.WRITTEN) | Q(case__isnull=False), name="proposals_interp_written_has_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interpellation} ({self.number})"

    @property
    def is_oral(self) -> bool:
        return rules.is_oral(self.form)

    @property
    def is_replied(self) -> bool:
        return self.replied_at is not None


class InterpellationRating(models.Model):
    """A signer's rating of one reply (RES-2: counted for the further-reply rule)."""

    round = models.ForeignKey(
        InterpellationRound, verbose_name=_("reply round"), on_delete=models.CASCADE, related_name="ratings"
    )
    deputy = models.ForeignKey(
        "organisation.Deputy", verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="+"
    )
    #: From the congress's `satisfaction_scale` (its last value is "dissatisfied").
    satisfaction = models.CharField(_("satisfaction"), max_length=30)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("rating of a reply")
        verbose_name_plural = _("ratings of replies")
        ordering = ["round", "rated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "deputy"], name="proposals_interp_rating_once"),
        ]

    def __str__(self) -> str:
        return self.satisfaction
