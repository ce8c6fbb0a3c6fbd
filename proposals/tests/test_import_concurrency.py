"""Importing the suggestions spreadsheet is one long transaction (all or nothing), yet deputies
go on meanwhile: a deputy starts a suggestion of the same term without waiting for the import
to commit (the term is locked only against other imports; the audit chain at the end).
Real threads with their own connections: PostgreSQL only."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.audit.verify import verify_chain
from core.tests.threads import other_finishes_while_held
from proposals import importing, services
from proposals.models import Suggestion

from . import test_importing
from .test_importing import sheet

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers"),
    pytest.mark.django_db(transaction=True),
]

#: How long the deputy may take while the import is held open (well under a second when
#: nothing blocks it).
PATIENCE = 15

category, good_rows = test_importing.category, test_importing.good_rows


def test_a_deputy_starts_a_suggestion_while_an_import_of_the_same_term_is_open(city, good_rows, monkeypatch):
    rows = importing.read(sheet(good_rows))
    inside, release = threading.Event(), threading.Event()
    real_write = importing._write
    written = []

    def write_then_hold(plan, **kwargs):
        made = real_write(plan, **kwargs)
        written.append(made)
        if len(written) == len(rows):
            inside.set()  # every row written, the transaction still open
            release.wait(60)
        return made

    monkeypatch.setattr(importing, "_write", write_then_hold)
    finished, outcome = other_finishes_while_held(
        lambda: importing.import_rows(rows, term=city["term"], by=city["staff"], upload_id="held"),
        lambda: services.create_draft(by=city["deputies"][3].user, subject="关于增设公交站台的建议").pk,
        inside=inside, release=release, patience=PATIENCE,
    )

    assert finished, "starting a suggestion waited for the import to commit"
    assert isinstance(outcome["other"], int), outcome["other"]
    assert getattr(outcome["holder"], "created", None) == len(rows), outcome["holder"]
    assert Suggestion.objects.count() == len(rows) + 1
    assert verify_chain().ok
