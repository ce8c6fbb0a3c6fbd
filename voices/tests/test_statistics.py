""" "What people worry about most": counts by category, district and week, rising categories,
the charts and the hot topics; staff see all, a deputy only their district, others nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from core.accounts.roles import Role
from core.organisation.tests.factories import CongressFactory, DeputyFactory, DistrictFactory, TermFactory
from voices import statistics
from voices.models import MessageCategory
from voices.tests.test_open311 import make_message

URL = "/voices/statistics/"
TODAY = datetime.date(2026, 11, 20)  # a Friday
PERIOD = statistics.Period(datetime.date(2026, 11, 1), TODAY)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def city(db, users):
    statistics.results_cache().clear()
    congress = CongressFactory()
    term = TermFactory(congress=congress, is_current=True)
    east, west = (
        DistrictFactory(congress=congress, name="东区"),
        DistrictFactory(congress=congress, name="西区"),
    )
    roads = MessageCategory.objects.create(congress=congress, code="roads", name="城市道路")
    noise = MessageCategory.objects.create(congress=congress, code="noise", name="噪声扰民")
    # In the period: roads 3 (east 2, west 1), noise 2 (west), none 1 (east).
    for day, category, district in [
        (datetime.date(2026, 11, 2), roads, east),
        (datetime.date(2026, 11, 3), roads, east),
        (datetime.date(2026, 11, 18), roads, west),
        (datetime.date(2026, 11, 18), noise, west),
        (datetime.date(2026, 11, 19), noise, west),
        (datetime.date(2026, 11, 20), None, east),
    ]:
        make_message(congress, category=category, district=district, received_at=at(day))
    # The period before (Oct 13 - Oct 31): roads 4, noise 1; and one out of every period.
    for n in range(4):
        make_message(congress, category=roads, district=east, received_at=at(datetime.date(2026, 10, 20 + n)))
    make_message(congress, category=noise, district=west, received_at=at(datetime.date(2026, 10, 25)))
    make_message(congress, category=noise, district=west, received_at=at(datetime.date(2026, 11, 21)))
    deputy = DeputyFactory(delegation__term=term, delegation__district=east, user=users[Role.DEPUTY])
    return {
        "congress": congress,
        "east": east,
        "west": west,
        "roads": roads,
        "noise": noise,
        "deputy": deputy,
    }


def counts(rows) -> dict:
    return {r.label: r.count for r in rows}


# --- counts -----------------------------------------------------------------------------------


def test_staff_counts_by_category_over_the_period(city, users):
    rows = statistics.by_category(users[Role.STAFF], PERIOD)
    assert counts(rows) == {"城市道路": 3, "噪声扰民": 2, "Not categorised": 1}
    assert [r.label for r in rows][0] == "城市道路"  # most first


def test_staff_counts_by_district(city, users):
    assert counts(statistics.by_district(users[Role.STAFF], PERIOD)) == {"东区": 3, "西区": 3}


def test_counts_by_week_start_on_monday_and_show_empty_weeks(city, users):
    weeks = statistics.by_week(users[Role.STAFF], PERIOD)
    assert [(w.key, w.count) for w in weeks] == [
        (datetime.date(2026, 10, 26), 0),  # Nov 1 is a Sunday: its week began on Oct 26
        (datetime.date(2026, 11, 2), 2),
        (datetime.date(2026, 11, 9), 0),
        (datetime.date(2026, 11, 16), 4),
    ]


def test_rising_categories_compare_with_the_period_before(city, users):
    rising = statistics.rising_categories(users[Role.STAFF], PERIOD)
    # Roads 3 against 4 fell: not rising. Noise 2 against 1 and the uncategorised 1 against 0
    # both grew by one; on a tie, what is new this period comes first.
    assert [(r.label, r.count, r.before) for r in rising] == [("Not categorised", 1, 0), ("噪声扰民", 2, 1)]
    assert rising[0].percent is None
    assert rising[1].percent == 100


@pytest.mark.parametrize("role", [Role.STAFF, Role.DEPUTY])
def test_the_pages_overview_gives_what_each_count_gives_from_two_reads(city, users, role):
    """The counts page reads the daily counts twice (not five times) for the same figures."""
    user = users[role]
    with CaptureQueriesContext(connection) as captured:
        seen = statistics.overview(user, PERIOD)
    reads = [q["sql"] for q in captured.captured_queries if "voices_messagedailycount" in q["sql"]]
    assert len(reads) == 2
    assert seen.by_category == statistics.by_category(user, PERIOD)
    assert seen.by_district == statistics.by_district(user, PERIOD)
    assert seen.by_week == statistics.by_week(user, PERIOD)
    assert seen.rising == statistics.rising_categories(user, PERIOD)
    if role == Role.STAFF:
        assert [(r.label, r.count, r.before) for r in seen.rising] == [
            ("Not categorised", 1, 0),
            ("噪声扰民", 2, 1),
        ]
        assert counts(seen.by_district) == {"东区": 3, "西区": 3}


def test_the_overview_of_a_deputy_without_a_district_is_empty(city, make_user):
    seen = statistics.overview(make_user(Role.DEPUTY, username="deputy-without-row"), PERIOD)
    assert (seen.by_category, seen.by_district, seen.rising) == ([], [], [])
    assert all(w.count == 0 for w in seen.by_week)


def test_period_defaults_to_the_last_90_days_and_refuses_back_to_front():
    period = statistics.period_of()
    assert period.days == statistics.DEFAULT_DAYS and period.until == timezone.localdate()
    with pytest.raises(statistics.ValidationFailed):
        statistics.period_of(datetime.date(2026, 2, 1), datetime.date(2026, 1, 1))


# --- scope --------------------------------------------------------------------------------------


def test_deputy_sees_only_their_districts_messages(city, users):
    deputy = users[Role.DEPUTY]
    assert counts(statistics.by_category(deputy, PERIOD)) == {"城市道路": 2, "Not categorised": 1}
    assert counts(statistics.by_district(deputy, PERIOD)) == {"东区": 3}
    assert sum(w.count for w in statistics.by_week(deputy, PERIOD)) == 3


def test_deputy_without_a_district_sees_nothing(city, make_user):
    deputy = make_user(Role.DEPUTY, username="deputy-without-row")
    assert statistics.by_category(deputy, PERIOD) == []


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.UNIT_CLERK, Role.ADMINISTRATOR, Role.PUBLIC])
def test_other_roles_are_refused_by_the_selectors(city, users, role):
    with pytest.raises(statistics.NotAllowed):
        statistics.by_category(users[role], PERIOD)


# --- pages ------------------------------------------------------------------------------------

QUERY = "?since=2026-11-01&until=2026-11-20"


@pytest.mark.parametrize("role", [Role.STAFF, Role.DEPUTY])
def test_the_page_renders_with_its_charts_for_staff_and_deputies(city, client_for, role):
    response = client_for(role).get(URL + QUERY)
    assert response.status_code == 200
    text = response.content.decode()
    assert "城市道路" in text
    assert (
        'data-chart-url="/voices/statistics/charts/category.json?since=2026-11-01&amp;until=2026-11-20"'
        in text
    )
    assert "vendor/echarts/echarts.min.js" in text
    assert ("西区" in text) is (role == Role.STAFF)


def test_the_weeks_table_writes_its_days_as_the_topics_trend_does(city, client_for):
    page = client_for(Role.STAFF).get(URL + QUERY).content.decode()
    assert '<th scope="row">2026-10-26</th><td class="number">0</td>' in page
    assert "10/26/2026" not in page


def test_a_deputy_sees_their_district_named_and_no_chart_of_one_bar(city, client_for):
    """A deputy counts their own district only: a "by district" chart was one bar. The page names
    the district instead; the charts by category and by week are the district's."""
    text = client_for(Role.DEPUTY).get(URL + QUERY).content.decode()
    assert "Your district only: 东区." in text
    assert "By district" not in text and "charts/district.json" not in text
    assert "charts/category.json" in text and "charts/week.json" in text
    staff = client_for(Role.STAFF).get(URL + QUERY).content.decode()
    assert "By district" in staff and "charts/district.json" in staff and "Your district only" not in staff


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.UNIT_CLERK, Role.ADMINISTRATOR])
@pytest.mark.parametrize("path", ["", "charts/category.json", "topics/"])
def test_the_pages_are_refused_to_other_roles(city, client_for, role, path):
    assert client_for(role).get(URL + path + QUERY).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(city):
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("chart", ["category", "district", "week"])
def test_charts_are_echarts_options_with_the_same_figures(city, client_for, chart):
    options = client_for(Role.STAFF).get(f"{URL}charts/{chart}.json{QUERY}").json()
    assert options["series"][0]["data"]
    if chart == "category":
        assert options["yAxis"]["data"][0] == "城市道路" and options["series"][0]["data"][0] == 3
    if chart == "week":
        assert options["series"][0]["data"] == [0, 2, 0, 4]


def test_an_unknown_chart_is_404(city, client_for):
    assert client_for(Role.STAFF).get(f"{URL}charts/nothing.json").status_code == 404


def test_the_period_form_shows_the_period_counted(city, client_for):
    """With no dates, or only one, the form's fields hold the period the page counts, so the
    next change starts from what is shown."""
    staff = client_for(Role.STAFF)
    today = timezone.localdate()
    default = staff.get(URL).content.decode()
    assert f'name="until" value="{today.isoformat()}"' in default
    assert f'name="since" value="{(today - datetime.timedelta(days=89)).isoformat()}"' in default
    only_end = staff.get(URL + "?until=2026-11-20").content.decode()
    assert 'name="since" value="2026-08-23"' in only_end and 'name="until" value="2026-11-20"' in only_end


def test_a_bad_period_is_reported_and_the_default_shown(city, client_for):
    response = client_for(Role.STAFF).get(URL + "?since=2026-12-01&until=2026-11-01")
    assert response.status_code == 422
    assert "The start is after the end." in response.content.decode()


# --- hot topics -----------------------------------------------------------------------------


@pytest.fixture
def topic_calls(monkeypatch):
    """The real topic model (voices.textmodel.topics), with its inputs recorded."""
    pytest.importorskip("voices.textmodel.topics", reason="the topic model has not landed yet")
    calls = []
    real = statistics._hot_topics

    def recording(items, previous, period, place_names):
        calls.append(
            ([pk for pk, _text, _at in items], [pk for pk, _text, _at in previous], sorted(place_names))
        )
        return real(items, previous, period, place_names)

    monkeypatch.setattr(statistics, "_hot_topics", recording)
    return calls


def test_topics_page_says_so_while_the_topic_model_is_missing(city, client_for, monkeypatch):
    monkeypatch.setattr(statistics, "topics_available", lambda: False)
    response = client_for(Role.DEPUTY).get(URL + "topics/" + QUERY)
    assert response.status_code == 200
    assert "not available" in response.content.decode()


def test_topics_page_lists_each_topic_with_links_to_its_messages(city, users, client_for, topic_calls):
    response = client_for(Role.STAFF).get(URL + "topics/" + QUERY)
    assert response.status_code == 200
    text = response.content.decode()
    # Every message of the fixture is about the same broken street lamp: one topic.
    assert "路灯" in text and "6 messages" in text and "5 in the period before" in text
    assert "Representative messages" in text
    # When they were worked out: in the congress's time, as the page's dates are, not raw UTC.
    computed = statistics.topics_for(users[Role.STAFF], PERIOD).computed_time  # the cached result's
    local = date_format(timezone.localtime(computed), "Y-m-d H:i")  # as every voices page writes a time
    assert computed.utcoffset() is not None and "+00:00" not in text
    assert f"Worked out from 6 messages at {local};" in text
    assert text.count('href="/voices/') >= 6 + 1  # its 6 messages and its representative


def test_a_topics_representatives_show_each_title_once(city, client_for, topic_calls):
    """All six messages are titled 路灯不亮: the representatives list it once, not three times."""
    text = client_for(Role.STAFF).get(URL + "topics/" + QUERY).content.decode()
    representatives = text.split("Representative messages")[1].split("</ul>")[0]
    assert representatives.count("<li>") == 1 and representatives.count("路灯不亮") == 1


def test_a_topics_trend_is_a_small_line_and_a_sentence_with_the_weeks_folded_away(
    city, client_for, topic_calls
):
    """The trend was a table of a row a week for every topic (the page ran to 10,000 px): now a
    line drawn from the page's own figures, a sentence saying the last weeks' counts, and the
    table behind a fold for whoever wants every week (and for readers without script)."""
    text = client_for(Role.STAFF).get(URL + "topics/" + QUERY).content.decode()
    assert "vendor/echarts/echarts.min.js" in text and "voices/sparklines.js" in text
    assert 'data-values="0,2,0,4"' in text
    assert 'data-weeks="2026-10-26,2026-11-02,2026-11-09,2026-11-16"' in text
    assert "Messages in the last 4 weeks: 0, 2, 0, 4" in text
    fold = text.split("Show the figures as a table")[0].rsplit("<details", 1)[1]
    assert 'class="chart-table"' in fold and "open" not in fold  # folded
    assert text.index("Show the figures as a table") < text.index("Trend: messages per week")


def test_the_trends_sentence_names_only_the_weeks_there_are(city, client_for, topic_calls):
    text = client_for(Role.STAFF).get(URL + "topics/?since=2026-11-16&until=2026-11-20").content.decode()
    assert "Messages in the last week: 4" in text


def test_a_long_periods_topics_show_what_is_being_done_while_they_are_worked_out(
    city, client_for, topic_calls
):
    """While the background task works, the page shows a progress bar saying what is done, how
    many messages, and since when (it refreshes itself until the topics are ready)."""
    response = client_for(Role.STAFF).get(URL + "topics/?since=2026-01-01&until=2026-11-20")
    text = response.content.decode()
    assert response.status_code == 200 and topic_calls == []
    assert '<div class="panel progress-bar topics-progress" role="status"' in text
    assert "<progress>" in text and "Analysing…" in text
    assert "Grouping the period's 11 messages by the matters they are about" in text
    assert "Started at " in text and 'hx-trigger="every 3s"' in text


def test_topics_are_cached_and_the_same_for_the_same_period(city, users, topic_calls):
    first = statistics.topics_for(users[Role.STAFF], PERIOD)
    second = statistics.topics_for(users[Role.STAFF], PERIOD)
    assert first.topics == second.topics
    assert len(topic_calls) == 1  # the second came from the cache
    statistics.results_cache().clear()
    third = statistics.topics_for(users[Role.STAFF], PERIOD)
    assert [t["message_ids"] for t in third.topics] == [
        t["message_ids"] for t in first.topics
    ]  # reproducible
    [topic] = first.topics
    assert topic["count"] == 6 and topic["previous_count"] == 5


def test_the_topics_trend_counts_the_same_weeks_as_the_counts_page(city, users, client_for, topic_calls):
    """One week on both pages: Monday to Sunday (ISO weeks), not 7-day bins from the period's
    first day (Nov 1, a Sunday, would have started weeks on Sundays)."""
    [topic] = statistics.topics_for(users[Role.STAFF], PERIOD).topics  # every message is about one lamp
    weeks = statistics.by_week(users[Role.STAFF], PERIOD)
    assert [(day, n) for day, n in topic["weekly"]] == [(w.key.isoformat(), w.count) for w in weeks]
    assert [day for day, _n in topic["weekly"]] == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
    page = client_for(Role.STAFF).get(URL + "topics/" + QUERY).content.decode()
    assert '<th scope="row">2026-10-26</th><td class="number">0</td>' in page
    assert '<th scope="row">2026-11-16</th><td class="number">4</td>' in page
    assert "2026-11-01" not in page.split("Trend: messages per week")[1]


def test_topics_of_a_deputy_come_from_their_district_only(city, users, topic_calls):
    statistics.topics_for(users[Role.DEPUTY], PERIOD)
    current, previous, _places = topic_calls[0]
    assert len(current) == 3 and len(previous) == 4  # the east district's only


def test_topics_cut_the_congresss_own_district_names_whole(city, users, topic_calls):
    """One estate, one spelling: a district name jieba does not know (梧桐湾区 → 梧桐 / 湾区)
    is taught to it from the congress's districts before the messages are cut into words."""
    from voices.textmodel.text import words

    DistrictFactory(congress=city["congress"], name="梧桐湾区")
    statistics.topics_for(users[Role.STAFF], PERIOD)
    assert topic_calls[0][2] == sorted(["东区", "西区", "梧桐湾区"])
    assert "梧桐湾区" in words("梧桐湾区锦绣花园工地夜间施工噪音扰民")


def test_the_workers_topics_reach_the_web_server(db):
    """The worker computes a long period's topics in another process: they wait for the web
    server in a cache both processes read (Redis, or a database table), never a per-process one."""
    from django.core.cache.backends.locmem import LocMemCache

    assert not isinstance(statistics.results_cache(), LocMemCache)
    statistics.results_cache().set("probe", {"topics": [1]}, 60)
    assert statistics.results_cache().get("probe") == {"topics": [1]}


def test_a_long_period_is_computed_in_the_background(city, users, topic_calls):
    long_period = statistics.Period(datetime.date(2026, 1, 1), TODAY)
    queued = []
    result = statistics.topics_for(users[Role.STAFF], long_period, enqueue=lambda *a: queued.append(a))
    assert result.state == "running" and len(queued) == 1 and topic_calls == []
    # The task (statistics_tasks.compute_hot_topics) fills the cache.
    from voices import statistics_tasks

    scope, period, key = queued[0]
    statistics_tasks.enqueue(scope, period, key)  # the test settings run the task at once
    ready = statistics.topics_for(users[Role.STAFF], long_period, enqueue=lambda *a: queued.append(a))
    assert ready.state == "ready" and ready.topics[0]["count"] == 11  # October too
    assert len(queued) == 1
