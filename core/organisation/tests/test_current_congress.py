"""The current congress, read once every few seconds per process on the message paths
(core.organisation.selectors.current_congress_cached): a change of congress or term made in
this process is seen at once; otherwise the cached one is answered without a query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import processcache
from core.organisation import selectors
from core.organisation.tests.factories import CongressFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_the_current_congress_is_read_once_then_answered_from_the_cache():
    congress = CongressFactory(name="甲市人民代表大会")
    TermFactory(congress=congress, is_current=True)
    assert selectors.current_congress_cached() == congress
    with CaptureQueriesContext(connection) as queries:
        assert selectors.current_congress_cached() == congress
    assert len(queries) == 0


def test_a_new_current_term_is_seen_at_once():
    first = CongressFactory(name="甲市人民代表大会")
    assert selectors.current_congress_cached() == first  # the only one, no current term
    second = CongressFactory(name="乙市人民代表大会")
    TermFactory(congress=second, is_current=True)  # saving the term drops the cached one
    assert selectors.current_congress_cached() == second


def test_a_change_made_elsewhere_is_seen_within_a_few_seconds(monkeypatch):
    first = CongressFactory(name="甲市人民代表大会")
    second = CongressFactory(name="乙市人民代表大会")
    term = TermFactory(congress=second, is_current=False)
    now = [1000.0]
    monkeypatch.setattr(processcache.time, "monotonic", lambda: now[0])
    assert selectors.current_congress_cached() == first  # no current term yet: the first
    # Another process makes the second congress's term current (no signal reaches this one).
    type(term).objects.filter(pk=term.pk).update(is_current=True)
    now[0] += selectors.CURRENT_SECONDS - 1
    assert selectors.current_congress_cached() == first
    now[0] += 2
    assert selectors.current_congress_cached() == second
