"""The staff's calendar table (TIME-4, param `holiday_table`).

`Holiday` rows override chinese-calendar day by day; `CalendarYear` records that the official
schedule of a year has been entered in full. Write through `services` only.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import source


class Holiday(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = source.HOLIDAY, _("Holiday (rest day)")
        WORKDAY = source.WORKDAY, _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "workday"]), name="workcalendar_holiday_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "kind": self.kind, "name": self.name, "note": self.note}


class CalendarYear(models.Model):
    """A year whose official schedule (国务院办公厅 notice) staff have entered in full."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    is_complete = models.BooleanField(_("official schedule entered"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
