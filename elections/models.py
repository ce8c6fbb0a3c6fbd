"""Elections of office holders by the city congress (ELEC-*).

An `Election` fills the `seats` of one `Office` at a session. Nominations come from the
presidium or from deputies jointly in writing (`NominationSignature`, ELEC-4/5); the
presidium fixes the official list of `Candidate`s (ELEC-6/7), after a primary when too many
were nominated (ELEC-9). Each vote is an `ElectionRound` on a balloting round: a primary,
the first round, a tie-break (ELEC-14) or a run-off (ELEC-15). `Scrutineer`s count and sign
(SEC-2); a nominee's declared `CloseRelative`s may not be among them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import rules


class Office(models.Model):
    """An office the congress elects (ELEC-1); its title is city data."""

    class Kind(models.TextChoices):
        SC_CHAIR = rules.SC_CHAIR, _("Chair of the standing committee")
        SC_VICE_CHAIR = rules.SC_VICE_CHAIR, _("Vice-chair of the standing committee")
        SC_SECRETARY_GENERAL = rules.SC_SECRETARY_GENERAL, _("Secretary-general of the standing committee")
        SC_MEMBER = rules.SC_MEMBER, _("Member of the standing committee")
        MAYOR = rules.MAYOR, _("Mayor")
        VICE_MAYOR = rules.VICE_MAYOR, _("Vice-mayor")
        SUPERVISORY_DIRECTOR = rules.SUPERVISORY_DIRECTOR, _("Director of the supervisory commission")
        COURT_PRESIDENT = rules.COURT_PRESIDENT, _("President of the intermediate people's court")
        PROCURATOR_GENERAL = rules.PROCURATOR_GENERAL, _("Procurator-general")

    congress = models.ForeignKey("organisation.Congress", on_delete=models.CASCADE, related_name="offices")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("title"), max_length=100)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["congress", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "kind"], name="elections_office_unique_kind"),
        ]

    def __str__(self) -> str:
        return str(self.name)


class Election(models.Model):
    """The election of `seats` holders of one office at a session."""

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("Taking nominations")
        PRIMARY = "primary", _("Primary")
        LISTED = "listed", _("Candidate list fixed")
        BALLOTING = "balloting", _("Voting")
        RUNOFF_PENDING = "runoff_pending", _("Seats left for a run-off")
        RUNOFF_DEFERRED = "runoff_deferred", _("Run-off at the next session")
        COMPLETED = "completed", _("Completed")

    class Method(models.TextChoices):
        PAPER = "paper", _("Paper ballots")
        ELECTRONIC = "electronic", _("Electronic voting in the room")

    session = models.ForeignKey("organisation.Session", on_delete=models.PROTECT, related_name="elections")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="elections")
    seats = models.PositiveSmallIntegerField(_("seats to fill"))
    is_general_election = models.BooleanField(_("general election"), default=False)
    is_by_election = models.BooleanField(_("by-election"), default=False)
    # ELEC-6/7: the extra candidates the session's 选举办法 fixes, within the law's limits.
    margin = models.PositiveSmallIntegerField(_("extra candidates"))
    margin_flagged = models.BooleanField(_("margin needs staff attention"), default=False)
    nominations_open_at = models.DateTimeField(_("nominations open"))
    ballot_at = models.DateTimeField(_("ballot"), null=True, blank=True)
    requires_upper_approval = models.BooleanField(_("needs upper-level approval"), default=False)
    vote_method = models.CharField(_("voting method"), max_length=10, choices=Method.choices, default=Method.PAPER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOMINATING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["session", "office", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="elections_election_seats_positive"),
        ]

    def __str__(self) -> str:
        return str(self.office)


class Nomination(models.Model):
    """A nominee put forward by the presidium or by deputies jointly in writing (ELEC-4)."""

    class By(models.TextChoices):
        PRESIDIUM = "presidium", _("The presidium")
        DEPUTIES = "deputies", _("Deputies jointly")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Collecting signatures")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominations")
    nominated_by = models.CharField(_("nominated by"), max_length=10, choices=By.choices)
    name = models.CharField(_("nominee"), max_length=50)
    deputy = models.ForeignKey(
        "organisation.Deputy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    biography = models.TextField(_("biography"), blank=True)
    # ELEC-3: a standing-committee member may not hold a state post (warned, not refused).
    holds_state_post = models.BooleanField(_("holds a state post"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["election", "pk"]

    def __str__(self) -> str:
        return self.name


class NominationSignature(models.Model):
    """A deputy's signature on a joint nomination (书面联名, ELEC-4, ELEC-5)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="signatures")
    deputy = models.ForeignKey("organisation.Deputy", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed"))

    class Meta:
        verbose_name = _("nomination signature")
        verbose_name_plural = _("nomination signatures")
        ordering = ["nomination", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "deputy"], name="elections_signature_once"),
        ]

    def __str__(self) -> str:
        return str(self.deputy)


class CloseRelative(models.Model):
    """A close relative declared on a nominee's form: may not be a scrutineer (SEC-2)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="relatives")
    name = models.CharField(_("name"), max_length=50)
    relationship = models.CharField(_("relationship"), max_length=30, blank=True)
    deputy = models.ForeignKey(
        "organisation.Deputy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("close relative")
        verbose_name_plural = _("close relatives")
        ordering = ["nomination", "pk"]

    def __str__(self) -> str:
        return self.name


class Candidate(models.Model):
    """A name on the official list (正式候选人), or a written-in person who was elected."""

    class Status(models.TextChoices):
        LISTED = "listed", _("On the list")
        ELECTED = "elected", _("Elected")
        NOT_ELECTED = "not_elected", _("Not elected")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    nomination = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    deputy = models.ForeignKey(
        "organisation.Deputy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position on the ballot"), default=0)
    is_write_in = models.BooleanField(_("written in"), default=False)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.LISTED)
    elected_in = models.ForeignKey(
        "ElectionRound", null=True, blank=True, on_delete=models.PROTECT, related_name="elected"
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "nomination"],
                condition=Q(nomination__isnull=False),
                name="elections_candidate_once_per_nomination",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Scrutineer(models.Model):
    """A scrutineer (监票人) or counter (计票人) of an election (SEC-2)."""

    class Role(models.TextChoices):
        CHIEF = "chief", _("Chief scrutineer")
        MONITOR = "monitor", _("Scrutineer")
        COUNTER = "counter", _("Counter")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="scrutineers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MONITOR)

    class Meta:
        verbose_name = _("scrutineer")
        verbose_name_plural = _("scrutineers")
        ordering = ["election", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "user"], name="elections_scrutineer_once"),
        ]

    def __str__(self) -> str:
        return self.user.display_name


class ElectionRound(models.Model):
    """One vote of an election, held on a balloting round."""

    class Stage(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        FIRST = "first", _("First round")
        TIE_BREAK = "tie_break", _("Tie-break")
        RUNOFF = "runoff", _("Run-off")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    round = models.OneToOneField("balloting.Round", on_delete=models.PROTECT, related_name="election_round")
    seats = models.PositiveSmallIntegerField(_("seats"))
    # The outcome under the election rules, once counted: option keys elected, tied (and
    # the seats they compete for), seats left unfilled, threshold used.
    outcome = models.JSONField(_("outcome"), null=True, blank=True)
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)

    class Meta:
        verbose_name = _("election round")
        verbose_name_plural = _("election rounds")
        ordering = ["election", "number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="elections_round_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.election} {self.number}"
