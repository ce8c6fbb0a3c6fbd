""" "What people worry about most" (issue 5, item 5): counts of messages by category, by
district and by week over a period, the categories rising fastest, and the hot topics.

Reads only, scoped to the user: staff see the whole congress; a deputy sees the messages of
their own district (the district on their Deputy row, as `voices.view` decides); anyone
else is refused (`voices.statistics`). Every count sums the daily counts
(`MessageDailyCount`: congress, day, category, district; kept by the services in the same
transaction as each message received or moved, voices.services.counts) over the period's
days, a few thousand rows however many messages there are; the labels are looked up apart
(a few dozen rows) instead of joined. Days and weeks are the city's calendar days
(Asia/Shanghai, the installation's time zone). Figures at 10 million messages:
bench/bench_voices_lists.py.

Hot topics (`voices.textmodel.topics.hot_topics`) read the texts of the period, which is
slow for a long one: `topics_for` runs them inline for a short period and otherwise in the
background task `voices.statistics.compute_topics`, keeping the result in the cache under
a key of (scope, period, the number of the period's messages): the same question gives the
same answer (the algorithm is deterministic) until new messages arrive.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import caches
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.roles import Role
from core.errors import NotAllowed, ValidationFailed
from core.organisation import selectors as organisation
from core.organisation.models import District
from core.permissions import require, role_of

from .models import Message, MessageCategory, MessageDailyCount
from .permissions import STATISTICS, deputy_of

#: The period shown when none is chosen.
DEFAULT_DAYS = 90
#: The longest period the page accepts.
MAX_DAYS = 3 * 366
#: Periods up to this many days have their hot topics computed while the page waits.
INLINE_TOPIC_DAYS = 31
#: How many texts the topic model reads at most (the newest of the period).
MAX_TOPIC_MESSAGES = 20000
TOPICS_CACHE_SECONDS = 24 * 3600


def results_cache():
    """Where the topics worked out by the worker wait for the web server: the "shared" cache
    (Redis, or a database table), never a per-process one."""
    return caches["shared"]


@dataclass(frozen=True)
class Period:
    """From `since` to `until`, both days included (the city's calendar days)."""

    since: datetime.date
    until: datetime.date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.since, datetime.time(0, 0), tzinfo=zone)
        end = datetime.datetime.combine(
            self.until + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=zone
        )
        return start, end

    def previous(self) -> Period:
        """The period of the same length just before this one (for "rising")."""
        until = self.since - datetime.timedelta(days=1)
        return Period(until - datetime.timedelta(days=self.days - 1), until)


def period_of(since: datetime.date | None = None, until: datetime.date | None = None) -> Period:
    """The chosen period, by default the last DEFAULT_DAYS days; ValidationFailed when it is
    back to front or longer than MAX_DAYS."""
    until = until or timezone.localdate()
    since = since or until - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise ValidationFailed(details={"since": _("The start is after the end.")})
    period = Period(since, until)
    if period.days > MAX_DAYS:
        raise ValidationFailed(details={"since": _("Choose a period of at most three years.")})
    return period


@dataclass(frozen=True)
class Scope:
    """What a user may count: the congress, and one district or all of them."""

    congress_id: int | None
    district_id: int | None = None
    #: A deputy without a district sees nothing (rather than everything).
    empty: bool = False

    @property
    def key(self) -> str:
        return f"{self.congress_id}-{self.district_id or 'all'}-{int(self.empty)}"


def scope_for(user) -> Scope:
    """Staff: the whole congress; a deputy: their district. NotAllowed for anyone else."""
    require(user, STATISTICS)
    congress = organisation.current_congress()
    if congress is None:
        return Scope(None, empty=True)
    if role_of(user) == Role.STAFF:
        return Scope(congress.pk)
    if role_of(user) == Role.DEPUTY:
        deputy = deputy_of(user)
        if deputy is None or deputy.district_id is None:
            return Scope(congress.pk, empty=True)
        return Scope(congress.pk, deputy.district_id)
    raise NotAllowed()


def messages_in(scope: Scope, period: Period) -> QuerySet[Message]:
    """The scope's messages received in the period (no ordering: for aggregates)."""
    if scope.empty:
        return Message.objects.none()
    start, end = period.bounds()
    messages = Message.objects.filter(
        congress_id=scope.congress_id, received_at__gte=start, received_at__lt=end
    )
    if scope.district_id is not None:
        messages = messages.filter(district_id=scope.district_id)
    return messages.order_by()


@dataclass
class Count_:
    key: Any
    label: str
    count: int


def _labelled(counts: dict[Any, int], labels: dict[Any, str], none_label: str) -> list[Count_]:
    rows = [
        Count_(key, labels.get(key, none_label) if key is not None else none_label, n)
        for key, n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.count, r.label))


def buckets_in(scope: Scope, period: Period) -> QuerySet[MessageDailyCount]:
    """The scope's daily counts of the period's days (no ordering: for aggregates)."""
    if scope.empty:
        return MessageDailyCount.objects.none()
    buckets = MessageDailyCount.objects.filter(
        congress_id=scope.congress_id, day__gte=period.since, day__lte=period.until
    )
    if scope.district_id is not None:
        buckets = buckets.filter(district_id=scope.district_id)
    return buckets.order_by()


def _counts_by(scope: Scope, period: Period, column: str) -> dict[Any, int]:
    rows = buckets_in(scope, period).values_list(column).annotate(n=Sum("count")).values_list(column, "n")
    return {key: n for key, n in rows if n}


def _category_counts(scope: Scope, period: Period) -> dict[int | None, int]:
    return _counts_by(scope, period, "category_id")


def _category_labels(scope: Scope) -> dict[int, str]:
    return dict(MessageCategory.objects.filter(congress_id=scope.congress_id).values_list("pk", "name"))


def _district_labels(scope: Scope) -> dict[int, str]:
    return dict(District.objects.filter(congress_id=scope.congress_id).values_list("pk", "name"))


def by_category(user, period: Period) -> list[Count_]:
    """Messages per category in the period, most first ("Not categorised" for none)."""
    scope = scope_for(user)
    return _labelled(_category_counts(scope, period), _category_labels(scope), _("Not categorised"))


def by_district(user, period: Period) -> list[Count_]:
    """Messages per district in the period, most first (a deputy: their district only)."""
    scope = scope_for(user)
    counts = _counts_by(scope, period, "district_id")
    return _labelled(counts, _district_labels(scope), _("District not known"))


def by_week(user, period: Period) -> list[Count_]:
    """Messages per week (weeks start on Monday, the city's calendar days), with the weeks of
    the period that had none shown as 0; `key` is the Monday."""
    return _weeks(_counts_by(scope_for(user), period, "day"), period)


def week_start(day: datetime.date) -> datetime.date:
    """The first day of `day`'s week: its Monday (ISO 8601 weeks). The one definition of a
    week on the statistics pages: the counts by week and the hot topics' trend."""
    return day - datetime.timedelta(days=day.weekday())


def _weeks(day_counts: dict[datetime.date, int], period: Period) -> list[Count_]:
    counts: dict[datetime.date, int] = {}
    for day, n in day_counts.items():
        monday = week_start(day)
        counts[monday] = counts.get(monday, 0) + n
    monday = week_start(period.since)
    weeks: list[Count_] = []
    while monday <= period.until:
        weeks.append(Count_(monday, monday.isoformat(), counts.get(monday, 0)))
        monday += datetime.timedelta(days=7)
    return weeks


@dataclass
class Rising:
    key: int | None
    label: str
    count: int
    before: int

    @property
    def change(self) -> int:
        return self.count - self.before

    @property
    def percent(self) -> int | None:
        """The rise in per cent of the period before (None when there were none)."""
        if not self.before:
            return None
        return round(100 * self.change / self.before)


def rising_categories(user, period: Period, *, limit: int = 5) -> list[Rising]:
    """The categories that grew most against the period of the same length just before:
    by the number of messages more, then by the rise in per cent; only those that grew."""
    scope = scope_for(user)
    return _rising(
        _category_counts(scope, period),
        _category_counts(scope, period.previous()),
        _category_labels(scope),
        limit,
    )


def _rising(now_counts: dict, before_counts: dict, labels: dict, limit: int) -> list[Rising]:
    rows = [
        Rising(
            key,
            labels.get(key, _("Not categorised")) if key is not None else _("Not categorised"),
            n,
            before_counts.get(key, 0),
        )
        for key, n in now_counts.items()
    ]
    rows = [r for r in rows if r.change > 0]
    rows.sort(key=lambda r: (-r.change, -(r.percent or 10**6), r.label))
    return rows[:limit]


@dataclass
class Overview:
    """Everything the counts page shows, read together (`overview`)."""

    by_category: list[Count_]
    by_district: list[Count_]
    by_week: list[Count_]
    rising: list[Rising]
    #: The one district a reader limited to it sees (a deputy's), else "": the page then names
    #: it instead of drawing a chart of one bar.
    district: str = ""


def overview(user, period: Period, *, rising_limit: int = 5) -> Overview:
    """What `by_category`, `by_district`, `by_week` and `rising_categories` give, from two
    reads of the daily counts instead of five. The first sums this period and the one before
    it per (category, district), so it answers the categories, the districts and the rise; the
    second sums per day, for the weeks. At 10,000,000 messages the five reads took 56–82 ms at
    p95 in three runs, of a page whose target is 100 ms (bench/bench_voices_lists.py)."""
    scope = scope_for(user)
    now_by_category: dict = {}
    before_by_category: dict = {}
    now_by_district: dict = {}
    if not scope.empty:
        since = period.since
        rows = (
            buckets_in(scope, Period(period.previous().since, period.until))
            .values_list("category_id", "district_id")
            .annotate(
                now=Sum("count", filter=Q(day__gte=since)), before=Sum("count", filter=Q(day__lt=since))
            )
            .values_list("category_id", "district_id", "now", "before")
        )
        for category, district, now, before in rows:
            if now:
                now_by_category[category] = now_by_category.get(category, 0) + now
                now_by_district[district] = now_by_district.get(district, 0) + now
            if before:
                before_by_category[category] = before_by_category.get(category, 0) + before
    category_labels = _category_labels(scope)
    district_labels = _district_labels(scope)
    return Overview(
        by_category=_labelled(now_by_category, category_labels, _("Not categorised")),
        by_district=_labelled(now_by_district, district_labels, _("District not known")),
        by_week=_weeks(_counts_by(scope, period, "day"), period),
        rising=_rising(now_by_category, before_by_category, category_labels, rising_limit),
        district=district_labels.get(scope.district_id, "") if scope.district_id is not None else "",
    )


# --- charts: ECharts options (the template only mounts them) -------------------------------


def _bar(title: str, labels: list[str], values: list[int], *, horizontal: bool = True) -> dict:
    options: dict[str, Any] = {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 24, "top": 40, "bottom": 8, "containLabel": True},
    }
    category_axis = {"type": "category", "data": labels}
    value_axis = {"type": "value", "minInterval": 1}
    if horizontal:
        options["xAxis"], options["yAxis"] = value_axis, {**category_axis, "inverse": True}
    else:
        options["xAxis"], options["yAxis"] = category_axis, value_axis
    options["series"] = [
        {
            "type": "bar",
            "name": _("Messages"),
            "data": values,
            "label": {"show": True, "position": "right" if horizontal else "top"},
        }
    ]
    return options


def chart_options(user, chart: str, period: Period) -> dict:
    """The ECharts options of one chart of the page: "category", "district" or "week"."""
    if chart == "category":
        rows = by_category(user, period)[:20]
        return _bar(_("Messages per category"), [r.label for r in rows], [r.count for r in rows])
    if chart == "district":
        rows = by_district(user, period)[:30]
        return _bar(_("Messages per district"), [r.label for r in rows], [r.count for r in rows])
    if chart == "week":
        rows = by_week(user, period)
        options = _bar(
            _("Messages per week"), [r.label for r in rows], [r.count for r in rows], horizontal=False
        )
        options["series"][0].update({"type": "line", "smooth": False, "areaStyle": {}})
        options["series"][0]["label"] = {"show": False}
        return options
    raise ValidationFailed(details={"chart": _("Unknown chart.")})


# --- hot topics ----------------------------------------------------------------------------


@dataclass
class TopicResult:
    """The hot topics of a scope and period, or where their computation stands."""

    state: str  # ready, running, unavailable (the topic model is not installed)
    topics: list[dict] = field(default_factory=list)
    computed_at: str = ""
    #: the messages read (ready), or being read (running)
    messages: int = 0
    #: running: when the background task was asked for (ISO time), for the page's progress line
    started_at: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def computed_time(self):
        """When they were worked out, as a time the page shows in the congress's time zone."""
        return datetime.datetime.fromisoformat(self.computed_at) if self.computed_at else None

    @property
    def started_time(self):
        """When the background work was asked for (running), as a time."""
        return datetime.datetime.fromisoformat(self.started_at) if self.started_at else None


#: Changed whenever the cached topics' shape or meaning changes, so none computed before is shown
#: (2: the trend's weeks are the counts page's, from Monday; 3: labels without filler words,
#: representatives with different titles, the last weeks' counts for the trend's summary).
TOPICS_FORMAT = 3
#: How many of the last weeks the trend's one-line summary names.
RECENT_WEEKS = 4


def _topics_key(scope: Scope, period: Period, version: int | None) -> str:
    raw = f"{scope.key}:{period.since}:{period.until}:{version}:{TOPICS_FORMAT}"
    return "voices-topics-" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def topics_cache_key(user, period: Period) -> tuple[Scope, str]:
    """The scope and the cache key of its topics for the period. The key changes when a
    message is added to the period: messages are never deleted, so the number of the
    period's messages (from the daily counts, not a scan of the messages) only grows."""
    scope, key, _received = _topics_scope_key(user, period)
    return scope, key


def _topics_scope_key(user, period: Period) -> tuple[Scope, str, int]:
    scope = scope_for(user)
    received = buckets_in(scope, period).aggregate(n=Sum("count"))["n"] or 0
    return scope, _topics_key(scope, period, received), received


def _hot_topics(items: list[tuple], previous: list[tuple], period: Period, place_names: list[str]) -> list:
    """voices.textmodel.topics.hot_topics over the period (its trend from `previous`), its
    weekly counts by the weeks of the counts page (`week_start`)."""
    from .textmodel import topics  # ImportError until it is installed: see topics_available

    start, end = period.bounds()
    return list(
        topics.hot_topics(
            items,
            period_start=start,
            period_end=end,
            previous=previous,
            place_names=place_names,
            week_start=week_start,
        )
    )


def _topic_dict(topic: Any, subjects: dict[int, str]) -> dict:
    """A `textmodel.topics.Topic` as plain data for the cache and the template."""
    ids = [int(i) for i in topic.message_ids]
    return {
        "rank": topic.rank,
        "label": "、".join(topic.label),
        "count": topic.count,
        "previous_count": topic.previous_count,
        "change": topic.change,
        "weekly": [[day.isoformat(), n] for day, n in topic.weekly],
        # the trend's summary line: the messages of the last RECENT_WEEKS weeks, oldest first
        "recent": [n for _day, n in topic.weekly[-RECENT_WEEKS:]],
        "message_ids": ids,
        "representatives": [
            {"id": int(pk), "subject": subjects[int(pk)]}
            for pk in topic.representative_ids
            if int(pk) in subjects
        ],
    }


def _texts(scope: Scope, period: Period) -> list[tuple[int, str, str, datetime.datetime]]:
    """The newest MAX_TOPIC_MESSAGES messages of the period: (pk, subject, text, received_at)."""
    rows = (
        messages_in(scope, period)
        .order_by("-received_at", "-pk")
        .values_list("pk", "subject", "body", "received_at")[:MAX_TOPIC_MESSAGES]
    )
    return [(pk, subject, f"{subject}\n{body}", received) for pk, subject, body, received in rows]


def compute_topics(scope: Scope, period: Period, key: str) -> TopicResult:
    """Compute and cache the hot topics of a scope and period (the task calls this). The topic
    model sorts its input itself, so the same messages give the same topics."""
    current = _texts(scope, period)
    previous = _texts(scope, period.previous()) if current else []
    subjects = {pk: subject for pk, subject, _text, _at in current}
    # The congress's own district names are cut as whole words (one estate, one spelling).
    places = list(District.objects.filter(congress_id=scope.congress_id).values_list("name", flat=True))
    found = (
        _hot_topics(
            [(pk, text, at) for pk, _s, text, at in current],
            [(pk, text, at) for pk, _s, text, at in previous],
            period,
            places,
        )
        if current
        else []
    )
    topics = [_topic_dict(t, subjects) for t in found]
    result = TopicResult("ready", topics, timezone.now().isoformat(timespec="seconds"), len(current))
    results_cache().set(key, result.as_dict(), TOPICS_CACHE_SECONDS)
    return result


def topics_available() -> bool:
    try:
        from .textmodel import topics
    except ImportError:
        return False
    return hasattr(topics, "hot_topics")


def topics_for(user, period: Period, *, enqueue=None) -> TopicResult:
    """The hot topics the user may see for the period: from the cache, computed now for a
    short period, or (a long one) handed to `enqueue(scope, period, key)` and reported as
    running."""
    scope, key, received = _topics_scope_key(user, period)
    if not topics_available():
        return TopicResult("unavailable")
    cached = results_cache().get(key)
    if cached is not None:
        return TopicResult(**cached)
    if period.days <= INLINE_TOPIC_DAYS or enqueue is None:
        return compute_topics(scope, period, key)
    running_key = key + "-running"
    asked = timezone.now().isoformat(timespec="seconds")
    if results_cache().add(running_key, asked, 600):
        enqueue(scope, period, key)
    else:
        asked = results_cache().get(running_key)
    return TopicResult(
        "running",
        messages=min(received, MAX_TOPIC_MESSAGES),
        started_at=asked if isinstance(asked, str) else "",
    )
