"""The organisation of a city's congress system: configured data, never hard-wired.

Glossary: Congress, Term, Session, StandingCommittee, Deputy, Delegation, HandlingUnit,
LiaisonStation. Every row can be marked `is_demo` (generated demo data).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import naming


class Congress(models.Model):
    """A people's congress (人民代表大会) of one administrative area."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City with districts")
        COUNTY = "county", _("County")

    name = models.CharField(_("name"), max_length=200, unique=True)
    region_name = models.CharField(_("region"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.CITY)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    # Configurable parameters of rules.md §11, validated by core.organisation.rules.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A county-level division of the area (区、县), the basis of delegations."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        ZONE = "zone", _("Development zone")
        # The subdivisions of a county-level congress's area (街道、乡、镇).
        TOWNSHIP = "township", _("Township, town or subdistrict")

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("division code"), max_length=12, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        # By division code (the official order); those without one after them, in the order the
        # city's file lists them (a blank code first would put every county before the districts).
        ordering = [
            "congress", models.Case(models.When(code="", then=models.Value(1)), default=models.Value(0)).asc(),
            "code", "pk",
        ]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="organisation_district_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A term (届) of a congress, e.g. the 16th."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("number"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["congress", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "number"],
                name="organisation_term_unique_number",
                violation_error_message=_("The congress already has a term with this number."),
            ),
            models.UniqueConstraint(
                fields=["congress"], condition=Q(is_current=True), name="organisation_term_one_current"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="organisation_term_ends_after_start",
                violation_error_message=_("A term must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return naming.term_name(self)


class Session(models.Model):
    """A plenary session (人代会) of a term."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        EXTRAORDINARY = "extraordinary", _("Extraordinary")

    term = models.ForeignKey(Term, verbose_name=_("Term"), on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.REGULAR)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Per-session rules within the statutory limits (rules.md "Which session rules apply").
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["term", "-number"]
        constraints = [
            # The messages are what staff read on the session form (never the constraint's name).
            models.UniqueConstraint(
                fields=["term", "number"],
                name="organisation_session_unique_number",
                violation_error_message=_("The term already has a session with this number."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="organisation_session_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return naming.session_name(self)


class StandingCommittee(models.Model):
    """The standing committee (常委会) of a term."""

    term = models.OneToOneField(Term, on_delete=models.CASCADE, related_name="standing_committee")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveSmallIntegerField(_("number of members"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("standing committee")
        verbose_name_plural = _("standing committees")

    def __str__(self) -> str:
        return self.name


class Delegation(models.Model):
    """A delegation (代表团): deputies grouped by the district that elected them."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="delegations")
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["term", "name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="organisation_delegation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Deputy(models.Model):
    """A deputy (代表) of one term; `in_office` is the basis of "all deputies" (SESS-4)."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="deputies")
    code = models.CharField(_("deputy number"), max_length=20)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="deputies")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deputy"
    )
    in_office = models.BooleanField(_("in office"), default=True)
    left_office_on = models.DateField(_("left office on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["term", "code"]
        constraints = [
            models.UniqueConstraint(fields=["term", "code"], name="organisation_deputy_unique_code"),
            models.CheckConstraint(
                condition=Q(in_office=True, left_office_on__isnull=True) | Q(in_office=False),
                name="organisation_deputy_in_office_has_no_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HandlingUnit(models.Model):
    """A handling unit (承办单位): a department that must answer; units form a hierarchy."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government department")
        STATE_ORGAN = "state_organ", _("Supervisory commission, court or procuratorate")
        DISTRICT = "district", _("District or county government")
        ENTERPRISE = "enterprise", _("Public enterprise or institution")
        OTHER = "other", _("Other")

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="handling_units")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.GOVERNMENT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["congress", "code"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "code"], name="organisation_unit_unique_code"),
            models.UniqueConstraint(fields=["congress", "name"], name="organisation_unit_unique_name"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="organisation_unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class LiaisonStation(models.Model):
    """A deputy liaison station (代表联络站), where citizens meet their deputies."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="liaison_stations")
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=300, blank=True)
    deputies = models.ManyToManyField(Deputy, blank=True, related_name="liaison_stations")
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["congress", "name"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "name"], name="organisation_station_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
