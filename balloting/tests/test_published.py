"""Results of votes on motions and projects, published (core.web.published and the public
list): a round is listed once counted and never before (RES-1 practice: counts are hidden
while voting and until the count); an election round never, even counted, since its result
is published by the election's announcement (elections, ELEC-13). Six deputies, all present."""

import pytest
from django.test import Client
from django.urls import reverse

from balloting import selectors, services
from balloting.models import Round
from balloting.rules import AGAINST, FOR
from core.organisation.tests.factories import CongressFactory
from core.web import published

from .test_pages import election_round, motion_round

pytestmark = pytest.mark.django_db


def result_url(round_):
    return reverse("balloting:public-result", args=[round_.pk])


@pytest.fixture
def rounds(session, staff, deputies, everyone_present):
    """A counted motion, an open motion, a prepared motion and a counted election round."""
    counted = motion_round(session, staff)
    for deputy, mark in zip(deputies, [FOR] * 4 + [AGAINST] * 2, strict=True):
        services.cast_vote(by=deputy.user, round=counted, marks={"motion": mark})
    services.close_and_count_round(by=staff, round=counted)
    open_round = motion_round(session, staff)
    services.cast_vote(by=deputies[0].user, round=open_round, marks={"motion": FOR})
    draft = motion_round(session, staff, open_it=False)
    election = election_round(session, staff)
    services.cast_vote(by=deputies[0].user, round=election, marks={"c1": FOR})
    services.close_round(by=staff, round=election)
    services.count_round(by=staff, round=election)  # as the election's own count does
    for round_ in (counted, election):
        round_.refresh_from_db()
    assert counted.counted_at is not None and election.counted_at is not None
    return {"counted": counted, "open": open_round, "draft": draft, "election": election}


def test_res_1_only_a_counted_vote_on_a_motion_is_published(rounds, session):
    items = selectors.latest_vote_results(congress=session.term.congress, limit=5)
    assert [i.url for i in items] == [result_url(rounds["counted"])]
    assert items[0].title == rounds["counted"].title
    assert items[0].published_at == rounds["counted"].counted_at


def test_the_public_home_lists_the_counted_vote_and_links_to_all_results(rounds):
    response = Client().get("/")
    page = response.content.decode()
    assert result_url(rounds["counted"]) in page
    for hidden in ("open", "draft", "election"):
        assert result_url(rounds[hidden]) not in page, hidden
    group = next(g for g in response.context["published"] if g.key == "vote-results")
    assert group.all_url == reverse("balloting:public-results")


def test_the_public_list_answers_a_visitor_and_shows_counted_votes_only(rounds):
    response = Client().get(reverse("balloting:public-results"))
    assert response.status_code == 200
    page = response.content.decode()
    assert result_url(rounds["counted"]) in page
    for hidden in ("open", "draft", "election"):
        assert result_url(rounds[hidden]) not in page, hidden
    assert "市长选举" not in page  # the election round's title


def test_the_public_list_says_so_when_nothing_is_counted_yet(session, staff, deputies, everyone_present):
    motion_round(session, staff)
    response = Client().get(reverse("balloting:public-results"))
    assert response.status_code == 200
    assert "No result of a vote has been published yet." in response.content.decode()


def test_the_public_list_is_paged_newest_first(session, staff, deputies, everyone_present, monkeypatch):
    from balloting import views_public

    monkeypatch.setattr(views_public, "PER_PAGE", 2)
    counted = []
    for _ in range(3):
        round_ = motion_round(session, staff)
        services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": FOR})
        counted.append(services.close_and_count_round(by=staff, round=round_))
    first = Client().get(reverse("balloting:public-results"))
    assert [r.pk for r in first.context["page"].object_list] == [counted[2].pk, counted[1].pk]
    second = Client().get(reverse("balloting:public-results"), {"page": 2})
    assert [r.pk for r in second.context["page"].object_list] == [counted[0].pk]


def test_the_public_list_changes_nothing(rounds):
    assert Client().post(reverse("balloting:public-results")).status_code == 405


def test_votes_of_another_congress_are_not_listed(rounds):
    other = CongressFactory(name="另一测试市人民代表大会", region_code="999901")
    assert selectors.latest_vote_results(congress=other, limit=5) == []
    assert not selectors.published_rounds(None).exists()


def test_a_void_round_is_listed_as_void(session, staff, deputies, everyone_present):
    round_ = motion_round(session, staff)
    services.cast_vote(by=deputies[0].user, round=round_, marks={"motion": FOR})
    services.close_and_count_round(by=staff, round=round_)
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.VOID)  # as the count marks one (ELEC-11)
    page = Client().get(reverse("balloting:public-results")).content.decode()
    assert result_url(round_) in page and "Void" in page


def test_balloting_registers_its_kind_with_its_public_list():
    kind = next(k for k in published.kinds() if k.key == "vote-results")
    assert kind.latest is selectors.latest_vote_results
    assert kind.list_url_name == "balloting:public-results"
