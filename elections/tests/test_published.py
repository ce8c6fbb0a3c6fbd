"""Announced election results on the public home (core.web.published): a result is listed
once announced and never before (ELEC-13), newest first, for the congress the site serves,
with a link to its public page and to the list of all results. Six deputies, all present."""

import pytest
from django.test import Client
from django.urls import reverse

from balloting import services as balloting
from core.organisation.tests.factories import CongressFactory
from core.web import published
from elections import reads, services
from elections.models import Office

from .test_rounds import current_round, hold, keys, make_election

pytestmark = pytest.mark.django_db


@pytest.fixture
def scrutineer(make_user):
    return make_user("staff", first_name="监票")


def count_only(election_round, staff, deputies, marks):
    """Open, vote, close and count a round, but do not announce it."""
    services.open_election_round(by=staff, election_round=election_round)
    by_label = keys(election_round)
    for deputy in deputies:
        balloting.cast_vote(
            by=deputy.user, round=election_round.round, marks={by_label[k]: v for k, v in marks.items()}
        )
    balloting.close_round(by=staff, round=election_round.round)
    services.count_election_round(by=staff, election_round=election_round)


@pytest.fixture
def announced_and_counted(session, staff, scrutineer, deputies, everyone_present):
    """The mayor's result announced; the court president's counted but not announced yet."""
    mayor = make_election(session, staff, scrutineer, names=("甲",))
    services.finalise_candidate_list(by=staff, election=mayor)
    announced = current_round(mayor)
    hold(announced, staff, scrutineer, deputies, [{"甲": "for"}] * 5)
    vice = make_election(session, staff, scrutineer, kind=Office.Kind.COURT_PRESIDENT, names=("乙",))
    services.finalise_candidate_list(by=staff, election=vice)
    counted = current_round(vice)
    count_only(counted, staff, deputies, {"乙": "for"})
    announced.refresh_from_db()
    counted.refresh_from_db()
    return announced, counted


def test_elec_13_an_announced_result_is_published_and_a_counted_one_is_not_yet(
    announced_and_counted, session
):
    announced, counted = announced_and_counted
    items = reads.latest_announced_results(congress=session.term.congress, limit=5)
    assert [i.url for i in items] == [reverse("elections:result-detail", args=[announced.pk])]
    assert items[0].title == str(announced.election.office)
    assert items[0].published_at == announced.announced_at
    assert counted.outcome is not None and counted.announced_at is None


def test_elec_13_the_public_home_lists_the_announced_result_with_the_list_of_all(announced_and_counted):
    announced, counted = announced_and_counted
    response = Client().get("/")
    page = response.content.decode()
    assert reverse("elections:result-detail", args=[announced.pk]) in page
    assert reverse("elections:result-detail", args=[counted.pk]) not in page
    assert str(counted.election.office) not in page
    group = next(g for g in response.context["published"] if g.key == "election-results")
    assert group.all_url == reverse("elections:results")
    # The link leads somewhere a visitor may go.
    assert Client().get(group.items[0].url).status_code == 200


def test_results_of_another_congress_are_not_listed(announced_and_counted):
    own = announced_and_counted[0].election.office.congress
    other = CongressFactory(name="另一测试市人民代表大会", region_code="999901")
    assert len(reads.latest_announced_results(congress=own, limit=5)) == 1
    assert reads.latest_announced_results(congress=other, limit=5) == []


def test_the_newest_announcement_comes_first_and_the_limit_holds(
    session, staff, scrutineer, deputies, everyone_present
):
    rounds = []
    for kind, name in (
        (Office.Kind.MAYOR, "甲"),
        (Office.Kind.COURT_PRESIDENT, "乙"),
        (Office.Kind.PROCURATOR_GENERAL, "丙"),
    ):
        election = make_election(session, staff, scrutineer, kind=kind, names=(name,))
        services.finalise_candidate_list(by=staff, election=election)
        rounds.append(current_round(election))
        hold(rounds[-1], staff, scrutineer, deputies, [{name: "for"}] * 5)
    items = reads.latest_announced_results(congress=session.term.congress, limit=2)
    expected = [reverse("elections:result-detail", args=[r.pk]) for r in reversed(rounds)][:2]
    assert [i.url for i in items] == expected


def test_the_elections_app_registers_its_kind_with_its_public_list():
    kind = next(k for k in published.kinds() if k.key == "election-results")
    assert kind.latest is reads.latest_announced_results
    assert kind.list_url_name == "elections:results"
