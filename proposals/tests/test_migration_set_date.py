"""The data migration proposals 0003 puts the organ's written replies still owed back on the
day the presidium set (RES-2), where they had been moved past a rest day (TIME-3)."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from casework import rules as case_rules
from casework.models import Assignment
from proposals import bill_services as services

from .conftest import at
from .test_bill_fixtures import DURING, chamber_fixture, filed_interpellation  # noqa: F401

pytestmark = pytest.mark.django_db

migration = importlib.import_module("proposals.migrations.0003_interpellation_reply_on_the_set_date")


def test_res_2_a_reply_owed_moves_back_to_the_sunday_the_presidium_set(chamber):
    item = filed_interpellation(chamber, signers=12)
    services.decide_interpellation_reply(by=chamber["staff"], interpellation=item, form="written",
                                         due_on=date(2026, 1, 25), now=at(DURING))
    assignment = Assignment.objects.get(case=item.rounds.get().case)
    # As such a row was written before: days to the date, moved to Monday.
    Assignment.objects.filter(pk=assignment.pk).update(due_unit=case_rules.DAYS, due_on=date(2026, 1, 26))
    migration.to_the_set_date(apps, None)
    assignment.refresh_from_db()
    assert (assignment.due_unit, assignment.due_on, assignment.due_provisional) == (
        case_rules.SET_DATE, date(2026, 1, 25), False)
