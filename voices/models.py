"""Citizens' messages (民情民意 / 群众诉求 / 留言): what came in, from whom, and how it is routed.

A `Message` is received on a channel (web form, phone entry by staff, xlsx import, the JSON
API, Open311) under one regime (MSG intro): a 12345 work order, a 信访 to the congress, or a
voice gathered by a deputy or a liaison station. Receipt opens a `casework.Case` of kind
"message" at once, so the deadlines, reminders, replies, call-backs and merges live in
casework only (design.md); the message keeps what casework does not know: the channel, the
regime, the category, the text, the citizen's protected contact data and the model's
suggestions (SEC-10: a person confirms). Every change goes through `voices.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Regime(models.TextChoices):
    """Which law governs the message (MSG intro): recorded on every message."""

    HOTLINE = "hotline", _("12345 work order")
    PETITION = "petition", _("Letter or visit to the congress (信访)")
    DEPUTY_VOICE = "deputy_voice", _("Voice gathered by a deputy or liaison station")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone call entered by staff")
    IMPORT = "import", _("Imported work order")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311 client")
    STATION = "station", _("Liaison station or deputy")


class Nature(models.TextChoices):
    """The kind of request, which sets the 12345 limit (MSG-3 `msg_limits` keys)."""

    CONSULTATION = "consultation", pgettext_lazy("nature of a citizen message", "Consultation")
    HELP = "help", _("Request for help")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report of wrongdoing (举报)")


class AgeBand(models.TextChoices):
    """SEC-7: the form asks for an age band; under-14s need a guardian's consent."""

    UNDER_14 = "under_14", _("Under 14")
    FROM_14_TO_17 = "14_17", _("14 to 17")
    ADULT = "adult", _("18 or over")
    UNSTATED = "", _("Not stated")


class MessageCategory(models.Model):
    """A category of messages (城乡建设, 教育文体, ...), configured per congress; `unit` is the
    configurable category → handling-unit map that routing starts from (issue 5)."""

    congress = models.ForeignKey(
        "organisation.Congress", verbose_name=_("congress"), on_delete=models.CASCADE,
        related_name="message_categories",
    )
    code = models.SlugField(_("code"), max_length=40, allow_unicode=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        "organisation.HandlingUnit", verbose_name=_("usual handling unit"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message category")
        verbose_name_plural = _("message categories")
        ordering = ["congress", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "code"], name="voices_category_unique_code"),
            models.UniqueConstraint(fields=["congress", "name"], name="voices_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TextModel(models.Model):
    """A trained text model (category, unit or urgency), versioned; one active per purpose.

    The bytes are `voices.textmodel.classifier.TextClassifier.dumps()`; they are written only
    by our own training task, never uploaded."""

    class Purpose(models.TextChoices):
        CATEGORY = "category", _("Category")
        UNIT = "unit", _("Handling unit")
        URGENCY = "urgency", _("Urgency")

    congress = models.ForeignKey(
        "organisation.Congress", verbose_name=_("congress"), on_delete=models.CASCADE, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("active"), default=False)
    trained_at = models.DateTimeField(_("trained at"))
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("trained by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    n_train = models.PositiveIntegerField(_("training messages"), default=0)
    #: Cross-validated figures on the training history (accuracy, macro_f1, per_class).
    metrics = models.JSONField(_("measured quality"), default=dict, blank=True)
    info = models.JSONField(_("pipeline and library versions"), default=dict, blank=True)
    blob = models.BinaryField(_("model"))

    class Meta:
        verbose_name = _("text model")
        verbose_name_plural = _("text models")
        ordering = ["congress", "purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "purpose", "version"], name="voices_model_version_once"),
            models.UniqueConstraint(
                fields=["congress", "purpose"], condition=Q(is_active=True), name="voices_model_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.version}"


class Message(models.Model):
    """One citizen message and its intake; its handling is `case` (kind "message")."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted and routed")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")  # MSG-5

    # No index of its own: every index below leads with the congress.
    congress = models.ForeignKey(
        "organisation.Congress", verbose_name=_("congress"), on_delete=models.PROTECT, related_name="messages",
        db_index=False,
    )
    #: The handling (casework); opened on receipt so no message is ever without deadlines.
    case = models.OneToOneField(
        "casework.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="message"
    )
    #: Printed to the citizen and looked up without an account (unique, not guessable in order;
    #: the constraint voices_msg_tracking_number, which PostgreSQL serves without a second
    #: pattern-matching copy: the number is only ever looked up whole).
    tracking_number = models.CharField(_("tracking number"), max_length=24)
    regime = models.CharField(_("regime"), max_length=15, choices=Regime.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    nature = models.CharField(_("nature"), max_length=15, choices=Nature.choices, default=Nature.HELP)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.RECEIVED)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(pgettext_lazy("citizen message", "message"))
    category = models.ForeignKey(
        MessageCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="messages",
    )
    district = models.ForeignKey(
        "organisation.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    #: Where it happened, as the citizen wrote it (scrubbed before publication, SEC-6).
    location = models.CharField(_("location"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    # --- who sent it (SEC-3..8, SEC-15). The signed-in citizen, or a contact stand-in
    # account (inactive, no password) so casework can owe every submitter a reply.
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitter"), on_delete=models.PROTECT, related_name="messages"
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    #: SEC-15: "keep my identity confidential" (handled as confidential).
    is_confidential = models.BooleanField(_("identity confidential"), default=False)
    #: SEC-4: the privacy notice the citizen was shown (its version) and accepted.
    notice_version = models.CharField(_("privacy notice version"), max_length=20, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    #: SEC-7: a guardian consented (required for under-14s who give identifying data).
    guardian_consent = models.BooleanField(_("guardian consent"), default=False)
    #: SEC-6: separate consent to be named when published.
    consent_to_publish_name = models.BooleanField(_("consents to be named"), default=False)
    #: SEC-7: contains health or ID data → restricted access.
    is_sensitive = models.BooleanField(_("sensitive"), default=False)
    # SEC-8: encrypted at rest (voices.crypto); `phone_index` is a keyed hash for look-ups.
    name_encrypted = models.TextField(_("name (encrypted)"), blank=True)
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True)
    phone_index = models.CharField(_("phone look-up key"), max_length=64, blank=True)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True)

    # --- MSG-7: a report (举报) names the unit it accuses; never routed there.
    accused_unit = models.ForeignKey(
        "organisation.HandlingUnit", verbose_name=_("unit accused"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # --- MSG-5: non-acceptance.
    not_accepted_reason = models.CharField(_("reason not accepted"), max_length=40, blank=True)
    not_accepted_note = models.TextField(_("directions given"), blank=True)
    #: MSG-6(a), TIME-6: when staff were told that this letter to the congress still awaited the
    #: decision to accept it after its acceptance deadline (once; voices.services.acceptance).
    acceptance_overdue_flagged_at = models.DateTimeField(_("acceptance overdue flagged at"), null=True, blank=True)

    # --- SEC-10: what the models suggested and who confirmed.
    suggested_category = models.ForeignKey(
        MessageCategory, verbose_name=_("suggested category"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    suggested_unit = models.ForeignKey(
        "organisation.HandlingUnit", verbose_name=_("suggested unit"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    suggested_urgent = models.BooleanField(_("suggested urgent"), default=False)
    #: {"category": {"label", "confidence", "reasons": [[word, weight], ...]}, "unit": ..., "urgency": ...}
    suggestion_reasons = models.JSONField(_("reasons for the suggestions"), default=dict, blank=True)
    suggested_with = models.ManyToManyField(
        TextModel, verbose_name=_("models used"), blank=True, related_name="+"
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("routing confirmed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    # --- provenance
    received_at = models.DateTimeField(_("received at"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    #: A deputy or liaison station that gathered it (regime deputy_voice).
    gathered_by_deputy = models.ForeignKey(
        "organisation.Deputy", verbose_name=_("gathered by deputy"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    station = models.ForeignKey(
        "organisation.LiaisonStation", verbose_name=_("liaison station"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    #: The work-order number in the system it came from (imports, Open311 clients): idempotent.
    external_id = models.CharField(_("external number"), max_length=64, blank=True)
    open311_service_code = models.CharField(_("Open311 service code"), max_length=40, blank=True)
    #: The suggestion a deputy made of it (proposals id; no FK: domains do not import each other).
    taken_up_as_suggestion = models.PositiveIntegerField(_("taken up as suggestion"), null=True, blank=True)
    #: The open message it most looks like, found after its intake (tasks.mark_likely_duplicates)
    #: for the staff list. A hint only: merging is staff's decision (SEC-10). No index and no
    #: constraint: never searched by, and neither may cost the intake (messages are not deleted).
    likely_duplicate_of = models.ForeignKey(
        "self", verbose_name=_("likely duplicate of"), null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="+", db_index=False, db_constraint=False,
    )

    class Meta:
        verbose_name = pgettext_lazy("citizen message", "message")
        verbose_name_plural = _("messages")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The lists' order (-received_at, -id) read straight off an index, keyset pages too;
            # read backwards it serves the oldest-first order and every date range.
            models.Index(fields=["congress", "-received_at", "-id"], name="voices_msg_newest"),
            models.Index(fields=["congress", "category", "received_at"], name="voices_msg_category"),
            models.Index(fields=["congress", "district", "received_at"], name="voices_msg_district"),
            models.Index(fields=["congress", "status", "received_at"], name="voices_msg_status"),
            # MSG-6(a): the letters to the congress awaiting the decision to accept them, by
            # receipt (the overdue filter and job read a receipt range); a few rows among millions.
            models.Index(fields=["congress", "received_at"], condition=Q(regime="petition", status="received"),
                         name="voices_msg_awaiting_acceptance"),
            # A caller's earlier messages (staff, SEC-8); most messages carry no phone.
            models.Index(fields=["congress", "phone_index"], condition=~Q(phone_index=""), name="voices_msg_phone"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_number"], name="voices_msg_tracking_number"),
            models.UniqueConstraint(
                fields=["congress", "channel", "external_id"], condition=~Q(external_id=""),
                name="voices_msg_external_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_accepted") | ~Q(not_accepted_reason=""),
                name="voices_msg_not_accepted_has_reason",
            ),
            # MSG-7: only a report names an accused unit.
            models.CheckConstraint(
                condition=Q(accused_unit__isnull=True) | Q(nature="report"), name="voices_msg_accused_only_report"
            ),
            # SEC-7: an under-14's identifying data only with a guardian's consent.
            models.CheckConstraint(
                condition=~Q(age_band="under_14") | Q(guardian_consent=True) | Q(is_anonymous=True),
                name="voices_msg_minor_needs_guardian",
            ),
        ]

    def __str__(self) -> str:
        # The audit log labels its entries with this: never a number the citizen typed (SEC-8).
        from .scrub import mask_numbers

        return f"{self.tracking_number} {mask_numbers(self.subject)}"


class CallBack(models.Model):
    """MSG-4: the satisfaction call-back after a reply (by staff, or the citizen online)."""

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")
        UNREACHABLE = "unreachable", _("Could not be reached")

    message = models.ForeignKey(Message, verbose_name=pgettext_lazy("citizen message", "message"), on_delete=models.CASCADE, related_name="callbacks")
    round = models.PositiveSmallIntegerField(_("round"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT,
                                related_name="+")
    made_at = models.DateTimeField(_("made at"))

    class Meta:
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        ordering = ["message", "made_at", "id"]

    def __str__(self) -> str:
        return self.get_outcome_display()


class PersonalDataView(models.Model):
    """SEC-8: every view of a message's personal data (who, which message, which fields, when).

    Kept apart from the audit chain because it is a read, not a change; never edited."""

    message = models.ForeignKey(Message, verbose_name=pgettext_lazy("citizen message", "message"), on_delete=models.PROTECT, related_name="+")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("viewer"), on_delete=models.PROTECT,
                               related_name="+")
    fields = models.CharField(_("fields shown"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("view of personal data")
        verbose_name_plural = _("views of personal data")
        ordering = ["-viewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.viewer} → {self.message_id} ({self.fields})"


class MessageDailyCount(models.Model):
    """How many messages a congress received on one day (Asia/Shanghai), per category and
    district: the rollup that the "what people worry about most" figures and the lists'
    counts read instead of counting millions of messages.

    Kept in the same transaction as every change that moves a message in or out of a
    bucket (voices.services.counts: receiving, routing to another category), and rebuilt
    exactly from the messages by `manage.py voices_rebuild_counts` (after bulk loads) and
    the periodic job `voices.rebuild_counts`. A bucket may hold 0 after a message moved out.
    """

    congress = models.ForeignKey(
        "organisation.Congress", verbose_name=_("congress"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    category = models.ForeignKey(
        MessageCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    district = models.ForeignKey(
        "organisation.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    count = models.IntegerField(_("messages"), default=0)

    class Meta:
        verbose_name = _("daily count of messages")
        verbose_name_plural = _("daily counts of messages")
        ordering = ["congress", "day"]
        constraints = [
            # One bucket per (congress, day, category or none, district or none): NULLs made
            # equal so that "no category" is one bucket on PostgreSQL and SQLite alike.
            models.UniqueConstraint(
                F("congress"), F("day"), Coalesce(F("category"), Value(0)), Coalesce(F("district"), Value(0)),
                name="voices_daily_count_bucket",
            ),
        ]
        indexes = [
            models.Index(fields=["congress", "district", "day"], name="voices_daily_district"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.category_id}/{self.district_id}: {self.count}"
