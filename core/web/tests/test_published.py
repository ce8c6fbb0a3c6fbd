"""The public home lists what the domains have published (core.web.published): grouped by
kind, the newest few of each with their date and link, a "see all" link where the kind has a
public list page, and the empty state only when nothing at all is published."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from balloting.models import Round
from core.accounts.roles import Role
from core.accounts.tests.factories import UserFactory
from core.organisation.tests.factories import CongressFactory, SessionFactory, TermFactory
from core.web import published
from core.web.published import PublishedItem, PublishedKind
from elections.models import ElectionRound
from elections.tests.factories import ElectionFactory, OfficeFactory
from proposals.models import HandlingReport

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def only(monkeypatch):
    """`only(*kinds)`: the registry holds just these kinds for the test."""

    def install(*kinds):
        monkeypatch.setattr(published, "_KINDS", {})
        for kind in kinds:
            published.register(kind)

    return install


def items(*titles, url="/elections/results/", file_format=""):
    return [
        PublishedItem(
            title=t, published_at=WHEN - datetime.timedelta(days=i), url=f"{url}#{i}", file_format=file_format
        )
        for i, t in enumerate(titles)
    ]


def kind(key, titles=(), *, list_url_name="", order=100, seen=None):
    def latest(*, congress, limit):
        if seen is not None:
            seen.append((congress, limit))
        return items(*titles)[:limit]

    return PublishedKind(key, f"Kind {key}", latest, list_url_name=list_url_name, order=order)


@pytest.fixture
def congress(db):
    return TermFactory(congress=CongressFactory(), is_current=True).congress


# --- the port ----------------------------------------------------------------------------------


def test_kinds_come_in_their_order_and_kinds_with_nothing_published_are_left_out(only, congress):
    only(kind("b", ["B1"], order=20), kind("a", ["A1", "A2"], order=10), kind("empty", [], order=5))
    groups = published.latest(congress)
    assert [g.key for g in groups] == ["a", "b"]
    assert [i.title for i in groups[0].items] == ["A1", "A2"]


def test_each_kind_is_asked_for_the_served_congress_and_at_most_the_limit(only, congress):
    seen = []
    only(kind("a", ["A1", "A2", "A3"], seen=seen))
    groups = published.latest(congress, limit=2)
    assert seen == [(congress, 2)]
    assert len(groups[0].items) == 2


def test_nothing_is_asked_before_a_congress_is_configured(only):
    seen = []
    only(kind("a", ["A1"], seen=seen))
    assert published.latest(None) == []
    assert seen == []


def test_the_see_all_link_is_given_only_for_a_public_list_page_that_exists(only, congress):
    only(
        kind("public-list", ["x"], list_url_name="elections:results"),
        kind("no-list", ["x"]),
        kind("missing-page", ["x"], list_url_name="nowhere:at-all"),
        kind("staff-page", ["x"], list_url_name="elections:election-list"),
    )
    links = {g.key: g.all_url for g in published.latest(congress)}
    assert links == {
        "public-list": "/elections/results/",
        "no-list": "",
        "missing-page": "",
        "staff-page": "",
    }


# --- the public home ---------------------------------------------------------------------------


def test_the_home_shows_each_kind_with_its_items_dates_and_see_all_link(only, congress, client):
    only(
        kind("votes", ["关于测试市预算的决议"], list_url_name="elections:results", order=10),
        PublishedKind(
            "reports", "Kind reports", lambda *, congress, limit: items("办理情况报告", file_format="docx")
        ),
    )
    page = client.get("/").content.decode()
    assert '<h3 id="published-votes">Kind votes</h3>' in page
    assert '<a href="/elections/results/#0">关于测试市预算的决议</a>' in page
    assert '<time datetime="2026-03-14T17:30:00+08:00">2026-03-14</time>' in page  # the city's time zone
    assert '<a href="/elections/results/">See all: Kind votes</a>' in page
    assert '<span class="tag">docx</span>' in page
    assert "See all: Kind reports" not in page  # no list page for that kind
    assert "Nothing has been published yet." not in page
    assert page.index("Kind votes") < page.index("Kind reports")


def test_the_home_says_nothing_is_published_only_when_nothing_is(only, congress, client):
    only(kind("a", []), kind("b", []))
    page = client.get("/").content.decode()
    assert "Nothing has been published yet." in page
    assert 'id="published-' not in page


def test_a_fresh_installation_says_nothing_is_published(client):
    assert "Nothing has been published yet." in client.get("/").content.decode()


def test_the_public_role_sees_the_same_list(only, congress, client_for):
    only(kind("a", ["A1"]))
    page = client_for(Role.PUBLIC).get("/").content.decode()
    assert "A1" in page and "Nothing has been published yet." not in page


def test_other_roles_desks_are_not_burdened_with_it(only, congress, client_for):
    seen = []
    only(kind("a", ["A1"], seen=seen))
    response = client_for(Role.STAFF).get("/")
    assert "published" not in response.context
    assert seen == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_home_renders_the_list_in_either_language(only, congress, language, settings):
    settings.LANGUAGE_CODE = language
    only(kind("a", ["关于测试市预算的决议"], list_url_name="elections:results"))
    response = Client().get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    with translation.override(language):
        see_all = translation.gettext("See all: %(kind)s") % {"kind": "Kind a"}
    assert see_all in page and "关于测试市预算的决议" in page


# --- the real kinds, together ---------------------------------------------------------------------


def publish_some(congress, count, *, published_now=True):
    """`count` items of each real kind, written straight to the tables (each app's own tests
    go through its services): published, or all in the state just before publication (a
    motion counted and an election round counted but not announced, a report prepared)."""
    term = congress.terms.get()
    session = SessionFactory(term=term)
    staff = UserFactory(role=Role.STAFF)
    now = timezone.now()
    when = now if published_now else None
    for n in range(count):
        Round.objects.create(
            session=session,
            kind=Round.Kind.MOTION,
            title=f"决议{n}",
            status=Round.Status.COUNTED if published_now else Round.Status.OPEN,
            counted_at=when,
        )
        election = ElectionFactory(session=session, office=OfficeFactory(congress=congress))
        ballot = Round.objects.create(
            session=session,
            kind=Round.Kind.ELECTION,
            title=f"选举{n}",
            status=Round.Status.COUNTED,
            counted_at=now,
        )
        ElectionRound.objects.create(
            election=election,
            number=1,
            stage=ElectionRound.Stage.FIRST,
            round=ballot,
            seats=1,
            outcome={"valid": True, "elected": []},
            announced_at=when,
        )
        HandlingReport.objects.create(
            congress=congress,
            term=term,
            for_session=session,
            title=f"报告{n}",
            prepared_by=staff,
            prepared_at=now,
            published_at=when,
        )


def home_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/").status_code == 200
    return len(queries)


def test_every_real_kind_is_on_the_home_and_the_reads_do_not_grow_with_the_items(congress):
    publish_some(congress, 1)
    one_each = home_queries()
    publish_some(congress, 3)
    response = Client().get("/")
    assert {g.key: len(g.items) for g in response.context["published"]} == {
        "election-results": 4,
        "vote-results": 4,
        "handling-reports": 4,
    }
    assert home_queries() == one_each


def test_the_real_kinds_publish_nothing_before_publication(congress):
    publish_some(congress, 2, published_now=False)
    response = Client().get("/")
    assert response.context["published"] == []
    page = response.content.decode()
    assert "Nothing has been published yet." in page
    for title in ("决议0", "选举0", "报告0"):
        assert title not in page
