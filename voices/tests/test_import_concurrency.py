"""An import of historical work orders writes in batches, each a transaction of its own, and
the city goes on even while a batch is open: a citizen's message is received and routed to
a unit the batch is also writing to, without waiting for the batch to commit
(core.audit.deferred, casework.deferred_tallies). Real threads with their own connections:
PostgreSQL only (on SQLite one write lock covers the file: there, short batches are what
keeps others from waiting long)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from casework.services.derived import drift
from core.accounts.roles import Role
from core.audit.verify import verify_chain
from core.tests.threads import other_finishes_while_held
from voices import importing, services
from voices.models import Message

from . import test_pages as pages
from .test_importing import row, sheet

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers"),
    pytest.mark.django_db(transaction=True),
]

city = pages.city  # the invented city with its units and categories

#: How long the citizen's side may take while the import is held open (it takes well under
#: a second when nothing blocks it).
PATIENCE = 15


def test_a_message_is_received_and_routed_while_an_import_holds_its_transaction_open(city, make_user, monkeypatch):
    staff = make_user(Role.STAFF)
    rows = importing.read(sheet(*(row(f"GD{n}", 类别="路灯照明", 承办单位="测试市交通运输局") for n in range(5))))
    inside, release = threading.Event(), threading.Event()
    real_record_outcomes = importing.record_outcomes

    def held_open(**kwargs):
        done = real_record_outcomes(**kwargs)
        inside.set()  # every row written, the audit entries and tallies still to come
        release.wait(60)
        return done

    monkeypatch.setattr(importing, "record_outcomes", held_open)

    def citizen_side():
        message = services.receive_message(
            by=staff, congress=city["congress"], channel="phone", regime="hotline", subject="路灯不亮",
            body="测试东区幸福小区门口的路灯坏了。", classify=False, quiet=True,
        )
        services.route_message(by=staff, message=message, category=city["lights"], unit=city["roads"])
        return message.pk

    finished, outcome = other_finishes_while_held(
        lambda: importing.import_rows(rows, by=staff), citizen_side, inside=inside, release=release, patience=PATIENCE)

    assert finished, "receiving and routing a message waited for the import to commit"
    assert isinstance(outcome["other"], int), outcome["other"]
    assert outcome["holder"] == (5, 0, 5), outcome["holder"]
    assert Message.objects.count() == 6
    assert verify_chain().ok
    assert drift() == []
