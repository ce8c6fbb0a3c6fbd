"""Deputies' suggestions (建议、批评和意见): drafts, co-signatures, registration.

Before registration the suggestion's own `status` tells where it is (draft → submitted →
registered | declined; withdrawn). Registration opens a `casework.Case`, which carries the
handling from then on (assigned, replied, rated, closed, merged). Every change goes
through `proposals.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SuggestionCategory(models.Model):
    """A category of suggestions (城建, 教育, ...): configured per congress, never in code."""

    congress = models.ForeignKey(
        "organisation.Congress", verbose_name=_("congress"), on_delete=models.CASCADE,
        related_name="suggestion_categories",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("suggestion category")
        verbose_name_plural = _("suggestion categories")
        ordering = ["congress", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "code"], name="proposals_category_unique_code"),
            models.UniqueConstraint(fields=["congress", "name"], name="proposals_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Suggestion(models.Model):
    """A deputy's suggestion, criticism or opinion (SUGG-1)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REGISTERED = "registered", _("Registered")
        DECLINED = "declined", _("Not registered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        DEPUTY = "deputy", _("Filed as a suggestion")
        BILL = "bill", _("A bill handled as a suggestion")

    congress = models.ForeignKey(
        "organisation.Congress", verbose_name=_("congress"), on_delete=models.PROTECT, related_name="suggestions"
    )
    term = models.ForeignKey(
        "organisation.Term", verbose_name=_("term"), on_delete=models.PROTECT, related_name="suggestions"
    )
    #: SUGG-1: filed during this session (to the congress); empty: between sessions.
    session = models.ForeignKey(
        "organisation.Session", verbose_name=_("session"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="suggestions",
    )
    filed_by = models.ForeignKey(
        "organisation.Deputy", verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="suggestions"
    )
    #: Who typed it in: the deputy, or staff entering a paper suggestion.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    category = models.ForeignKey(
        SuggestionCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="suggestions",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.DEPUTY)
    #: BILL-4: the bill it came from (its number or reference).
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    # SUGG-10: why it was not registered (a code of `sugg_exclusions`) and a note to the deputy.
    decline_reason = models.CharField(_("reason not registered"), max_length=40, blank=True)
    decline_note = models.TextField(_("note to the deputy"), blank=True)
    case = models.OneToOneField(
        "casework.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="suggestion",
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("serial number"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["congress", "status", "submitted_at"], name="proposals_sugg_status"),
            models.Index(fields=["filed_by", "status"], name="proposals_sugg_filer"),
            models.Index(fields=["term", "session"], name="proposals_sugg_term_session"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "serial"], condition=Q(serial__isnull=False),
                name="proposals_sugg_unique_number",
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(case__isnull=False, serial__isnull=False),
                name="proposals_sugg_registered_has_case",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="proposals_sugg_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


def attachment_path(instance: SuggestionAttachment, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"proposals/attachments/{instance.suggestion_id}/{instance.token}.{extension}"


class SuggestionAttachment(models.Model):
    """A file attached to a suggestion (photos, documents)."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=32, editable=False)
    name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["suggestion", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    """A deputy invited to co-sign (联名) a suggestion, and their answer."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="cosignatures"
    )
    deputy = models.ForeignKey(
        "organisation.Deputy", verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="cosignatures"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(_("invited at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        ordering = ["suggestion", "invited_at", "id"]
        indexes = [models.Index(fields=["deputy", "status"], name="proposals_cosig_deputy")]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy"], name="proposals_cosig_once"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} ({self.status})"


class SuggestionCounter(models.Model):
    """The last registration serial given per congress and year (locked while numbering)."""

    congress = models.ForeignKey("organisation.Congress", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["congress", "year"], name="proposals_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.congress_id}/{self.year}: {self.last}"


class HandlingReport(models.Model):
    """SUGG-8: the report on the handling of suggestions to the next session, frozen when
    prepared and made public when published. `data` holds counts and scrubbed subjects
    only: no deputy's name, phone or ID number (SEC-6)."""

    congress = models.ForeignKey(
        "organisation.Congress", verbose_name=_("congress"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey("organisation.Term", verbose_name=_("term"), on_delete=models.PROTECT, related_name="+")
    #: The session whose suggestions are reported (empty: the whole term, or a date range).
    session = models.ForeignKey(
        "organisation.Session", verbose_name=_("session reported on"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    #: The session it is reported to (the next one).
    for_session = models.ForeignKey(
        "organisation.Session", verbose_name=_("reported to"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    since = models.DateField(_("from"), null=True, blank=True)
    until = models.DateField(_("to"), null=True, blank=True)
    data = models.JSONField(_("figures"), default=dict)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(_("prepared at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handling report")
        verbose_name_plural = _("handling reports")
        ordering = ["-prepared_at", "-id"]

    def __str__(self) -> str:
        return self.title


from .bill_models import *  # noqa: E402,F401,F403
