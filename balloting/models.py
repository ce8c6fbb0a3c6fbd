"""The one secret-voting machinery: rounds, who may vote, ballots never linked to a voter.

SEC-1 by construction:
(a) `Eligibility` (who was admitted to vote and whether they have voted) and `Ballot` (what
    was marked) are separate tables: no foreign key between them, no shared sequence (a
    ballot's key is a random UUID), and neither carries a timestamp finer than the round
    (the round has opened/closed/counted times; ballots and eligibility rows have none);
(b) the stored order of ballots is random: rows are ordered by their random key; each vote
    goes into the box together with up to `services.MIX` ballots already there, rewritten
    with fresh keys in random order in the vote's own transaction, so the vote's
    transaction (PostgreSQL xmin), position (ctid, SQLite rowid) and keys are shared by
    several ballots while the round is open; and `services.close_round` (or `void_round`)
    rewrites all of a round's ballots in shuffled order, so that afterwards nothing in the
    stored rows reflects the order of voting;
(c) a ballot stores no IP address, device or user: only its round, marks and write-ins;
(d) the audit log says "a ballot was cast in round R" (core.audit.secrecy enforces it).

Paper ballots are entered twice, by two scrutineers independently (`PaperEntry`, one per
scrutineer and sheet); a sheet whose two readings differ needs a `SheetResolution` before
the round can be counted. A paper sheet is anonymous, so entries may name the scrutineer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import rules


class Round(models.Model):
    """One secret vote (a 轮次): an election round, a vote on a motion or a project vote."""

    class Kind(models.TextChoices):
        ELECTION = "election", _("Election")
        MOTION = "motion", _("Motion")
        PROJECT = "project", _("Project vote")

    class Method(models.TextChoices):
        PAPER = "paper", _("Paper ballots")
        ELECTRONIC = "electronic", _("Electronic voting in the room")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Prepared")
        OPEN = "open", _("Voting")
        CLOSED = "closed", _("Closed, being counted")
        COUNTED = "counted", _("Counted")
        VOID = "void", _("Void")

    class WriteIns(models.TextChoices):
        NONE = "none", _("No write-ins")
        DEPUTIES = "deputies", _("Write-ins must be deputies")
        ANYONE = "anyone", _("Any voter may be written in")

    session = models.ForeignKey(
        "organisation.Session", on_delete=models.PROTECT, related_name="ballot_rounds", verbose_name=_("session")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.PAPER)
    seats = models.PositiveSmallIntegerField(_("persons to choose"), default=1)
    write_ins = models.CharField(_("write-ins"), max_length=10, choices=WriteIns.choices, default=WriteIns.NONE)
    ambiguous_mark_policy = models.CharField(
        _("an unclear mark"),
        max_length=30,
        choices=[
            (rules.ABSTAIN_FOR_THAT_CANDIDATE, _("Counts as an abstention for that candidate")),
            (rules.VOID_BALLOT, _("Voids the ballot")),
        ],
        default=rules.DEFAULT_AMBIGUOUS_MARK_POLICY,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # SESS-4: "all deputies" as it stood when the round opened, and on which basis.
    all_deputies = models.PositiveIntegerField(_("all deputies"), null=True, blank=True)
    all_deputies_basis = models.CharField(_("basis of all deputies"), max_length=20, blank=True)
    threshold = models.PositiveIntegerField(_("majority of all deputies"), null=True, blank=True)
    # ELEC-11: the count the scrutineers check.
    ballots_issued = models.PositiveIntegerField(_("ballots issued"), default=0)
    ballots_returned = models.PositiveIntegerField(_("ballots returned"), null=True, blank=True)
    ballots_valid = models.PositiveIntegerField(_("valid ballots"), null=True, blank=True)
    ballots_void = models.PositiveIntegerField(_("void ballots"), null=True, blank=True)
    write_ins_dropped = models.PositiveIntegerField(_("ineligible write-ins left out"), default=0)
    round_valid = models.BooleanField(_("round valid"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)

    class Meta:
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="balloting_round_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_counted(self) -> bool:
        return self.status in (self.Status.COUNTED, self.Status.VOID) and self.counted_at is not None


class Option(models.Model):
    """One line of a ballot: a candidate, a nominee in a primary, a motion, a project.

    `key` is the owning domain's reference ("c12" for candidate 12); write-ins that received
    votes are added as options when the round is counted (`is_write_in`).
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(_("key"), max_length=64)
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_write_in = models.BooleanField(_("write-in"), default=False)
    for_votes = models.PositiveIntegerField(_("for"), null=True, blank=True)
    against_votes = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstain_votes = models.PositiveIntegerField(_("abstain"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot option")
        verbose_name_plural = _("ballot options")
        ordering = ["round", "is_write_in", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="balloting_option_unique_key"),
        ]

    def __str__(self) -> str:
        return self.label


class Eligibility(models.Model):
    """SEC-1 (a): who was admitted to vote in a round and whether they have voted.

    No link to any ballot, and no timestamp: the round's own times are the only ones.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="eligibilities")
    deputy = models.ForeignKey("organisation.Deputy", on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField(_("has voted"), default=False)

    class Meta:
        verbose_name = _("eligibility")
        verbose_name_plural = _("eligibilities")
        constraints = [
            models.UniqueConstraint(fields=["round", "deputy"], name="balloting_eligibility_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.deputy_id}"


def _random_key() -> uuid.UUID:
    return uuid.uuid4()


class Ballot(models.Model):
    """SEC-1: one ballot's contents and nothing else.

    `marks` maps option keys to "for"/"against"/"abstain"/"unclear" (a missing key is blank);
    `write_ins` lists the names written in. The random UUID key orders the rows, so the
    stored order says nothing about who voted when.
    """

    id = models.UUIDField(primary_key=True, default=_random_key, editable=False)
    # Indexed with the key below: a vote finds the ballots it rewrites from a random key.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots", db_index=False)
    marks = models.JSONField(_("marks"), default=dict)
    write_ins = models.JSONField(_("write-ins"), default=list)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["id"]
        indexes = [models.Index(fields=["round", "id"], name="balloting_ballot_round_key")]

    def __str__(self) -> str:
        return str(_("ballot"))


class PaperEntry(models.Model):
    """One scrutineer's reading of one paper ballot sheet (double entry, ELEC-11/12, SEC-2).

    Each sheet is read by two different scrutineers (`slot` 1 and 2) without seeing the
    other's reading.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="paper_entries")
    sheet_number = models.PositiveIntegerField(_("sheet number"))
    slot = models.PositiveSmallIntegerField(_("entry"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marks = models.JSONField(_("marks"), default=dict)
    write_ins = models.JSONField(_("write-ins"), default=list)
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        ordering = ["round", "sheet_number", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["round", "sheet_number", "slot"], name="balloting_entry_one_per_slot"),
            models.UniqueConstraint(
                fields=["round", "sheet_number", "entered_by"], name="balloting_entry_two_different_people"
            ),
            models.CheckConstraint(condition=Q(slot__in=(1, 2)), name="balloting_entry_slot_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_number}/{self.slot}"


class SheetResolution(models.Model):
    """The agreed reading of a sheet whose two entries differed, chosen before counting."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="resolutions")
    sheet_number = models.PositiveIntegerField(_("sheet number"))
    marks = models.JSONField(_("marks"), default=dict)
    write_ins = models.JSONField(_("write-ins"), default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved"), auto_now=True)

    class Meta:
        verbose_name = _("resolved sheet")
        verbose_name_plural = _("resolved sheets")
        ordering = ["round", "sheet_number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "sheet_number"], name="balloting_resolution_once"),
        ]

    def __str__(self) -> str:
        return str(self.sheet_number)


class RoundScrutineer(models.Model):
    """A scrutineer (监票人/计票人) of a round: enters paper ballots and signs the result (SEC-2)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scrutineers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    class Meta:
        verbose_name = _("round scrutineer")
        verbose_name_plural = _("round scrutineers")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="balloting_scrutineer_once"),
        ]

    def __str__(self) -> str:
        return self.name
