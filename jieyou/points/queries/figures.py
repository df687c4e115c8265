"""A community's figures, counted from the service points' records (docs/points.md).

Every figure is a count (or a sum) over records, for an area of the tree — a community, a
town or the county — and a period of days [start, end], both included; `records(figure, …)`
gives the rows behind each one, so a number on the page opens to what it counts.

`community_figures` reads each kind of record with one grouped query whatever the area:
a town or the county is one query per kind, not one per community.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.db.models import CharField, Count, Exists, F, Func, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jieyou.concerns.models import Concern
from jieyou.people.models import Household
from jieyou.places.models import Area, Grid
from jieyou.places.queries import under_paths

from ..models import (
    Event,
    Market,
    Meeting,
    MeetingSuggestion,
    Service,
    ServiceDelivery,
    Vendor,
    VendorRegistration,
    Visit,
    VisitTally,
    Volunteer,
    VolunteerActivity,
)
from . import market as market_queries

LOCAL = ZoneInfo("Asia/Shanghai")
MK = Meeting.Kind


class Month(Func):
    """'YYYY-MM' of a date column, in each database's own SQL: on SQLite Django's month
    functions call back into Python for every row, which a year of visits notices."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="TO_CHAR(%(expressions)s, 'YYYY-MM')")

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps a date as its ISO text.
        return super().as_sql(compiler, connection, template="SUBSTR(%(expressions)s, 1, 7)")


class LocalMonth(Func):
    """'YYYY-MM' of a moment in China's time (Asia/Shanghai, UTC+8 all year since 1991), in
    each database's own SQL."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        template = "TO_CHAR(%(expressions)s AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
        return super().as_sql(compiler, connection, template=template)

    def as_sqlite(self, compiler, connection, **extra):
        # Stored as UTC text; China keeps no summer time, so a fixed shift is exact.
        template = "SUBSTR(DATETIME(%(expressions)s, '+8 hours'), 1, 7)"
        return super().as_sql(compiler, connection, template=template)


# --- the records under an area and a period ----------------------------------------------


def _local_range(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments of the local days [start, end]: from start's midnight to the next after end."""
    return (
        datetime.combine(start, time.min, tzinfo=LOCAL),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=LOCAL),
    )


def _end_of(day: date) -> datetime:
    return _local_range(day, day)[1]


def households(area: Area) -> QuerySet[Household]:
    """Households in the buildings under the area."""
    return Household.objects.filter(building__path__startswith=area.path)


# The record sets below reach the area through `…_id IN (subquery)` rather than joins: a
# year of a county's visits or services given is read in one pass with a set lookup per
# row, which both databases run close to a plain scan (bench/points.py).


def visits(area: Area, start: date, end: date) -> QuerySet[Visit]:
    """Visits in the period to households under the area. For a community and above they
    are found through the grid they were recorded for, which covers the household's
    building (points.actions.visits.grid_for) and so lies in its community: a few hundred
    grids to look up instead of every household of a county."""
    if area.kind in (Area.Kind.COUNTY, Area.Kind.TOWN, Area.Kind.COMMUNITY):
        grids = Grid.objects.filter(community__path__startswith=area.path)
        return Visit.objects.filter(grid__in=grids, visited_on__range=(start, end))
    return Visit.objects.filter(household__in=households(area), visited_on__range=(start, end))


def visited_households(area: Area, start: date, end: date) -> QuerySet[Household]:
    """Households under the area visited at least once in the period."""
    return households(area).filter(
        Exists(Visit.objects.filter(household=OuterRef("pk"), visited_on__range=(start, end)))
    )


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def whole_months(start: date, end: date) -> tuple[date, date]:
    """[first, after): the first days of the months the period [start, end] covers whole;
    first >= after when it covers none."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end) if (end + timedelta(days=1)).day == 1 else end.replace(day=1)
    return first, after


def _tally(area: Area) -> QuerySet[VisitTally]:
    """The visit rollup's rows under the area, found as visits() finds the visits."""
    if area.kind in (Area.Kind.COUNTY, Area.Kind.TOWN, Area.Kind.COMMUNITY):
        grids = Grid.objects.filter(community__path__startswith=area.path)
        return VisitTally.objects.filter(grid__in=grids)
    return VisitTally.objects.filter(household__in=households(area))


def _visited_in(months: int) -> GreaterThan:
    """A rollup row with a visit in one of the months whose bits are set in `months`."""
    return GreaterThan(F("months").bitand(months), 0)


def _in_months(first: date, after: date) -> Q:
    """Rollup rows with a visit in the months [first, after): a whole year is every row of
    the year, part of one the rows with one of its months' bits."""
    last = after - timedelta(days=1)
    years = []
    for year in range(first.year, last.year + 1):
        lo = first.month if year == first.year else 1
        hi = last.month if year == last.year else 12
        if (lo, hi) == (1, 12):
            years.append(Q(year=year))
        else:
            bits = sum(1 << (m - 1) for m in range(lo, hi + 1))
            years.append(Q(_visited_in(bits), year=year))
    return reduce(or_, years)


def visited_count(area: Area, start: date, end: date) -> int:
    """How many households under the area were visited in the period, the number of
    visited_households(): the months the period covers whole from the rollup
    (models.VisitTally, about one row per household and year), the days of a month it
    covers only in part from the visits; a household found in both counts once."""
    first, after = whole_months(start, end)
    found, days = [], [(start, end)]
    if first < after:
        found.append(
            _tally(area).filter(_in_months(first, after)).order_by().values("household_id")
        )
        days = [(start, first - timedelta(days=1)), (after, end)]
    days = [(lo, hi) for lo, hi in days if lo <= hi]
    if days:
        found.append(
            visits(area, start, end)
            .filter(reduce(or_, (Q(visited_on__range=d) for d in days)))
            .order_by()
            .values("household_id")
        )
    if len(found) == 1:
        return found[0].aggregate(n=Count("household_id", distinct=True))["n"]
    return found[0].union(*found[1:]).count()


def meetings(area: Area, start: date, end: date) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        community__path__startswith=area.path, held_on__range=(start, end)
    )


def suggestions(area: Area, start: date, end: date) -> QuerySet[MeetingSuggestion]:
    """Suggestions raised at the meetings held in the period."""
    return MeetingSuggestion.objects.filter(
        meeting__community__path__startswith=area.path, meeting__held_on__range=(start, end)
    )


def resolved_condition(end: date, prefix: str = "concern__") -> Q:
    """A suggestion is resolved when its concern was closed by the end of the period after a
    follow-up that answered "solved": closing happens only on such an answer, and reopening
    clears closed_at, so status, solved tally and date together say it stayed solved."""
    return Q(
        **{
            f"{prefix}status": Concern.Status.CLOSED,
            f"{prefix}solved_count__gt": 0,
            f"{prefix}closed_at__lt": _end_of(end),
        }
    )


def deliveries(area: Area, start: date, end: date) -> QuerySet[ServiceDelivery]:
    services = Service.objects.filter(point__community__path__startswith=area.path)
    return ServiceDelivery.objects.filter(service__in=services, day__range=(start, end))


def events(area: Area, start: date, end: date) -> QuerySet[Event]:
    """Events that started on a local day of the period."""
    first, after = _local_range(start, end)
    return Event.objects.filter(
        point__community__path__startswith=area.path, starts_at__gte=first, starts_at__lt=after
    )


def activities(area: Area, start: date, end: date) -> QuerySet[VolunteerActivity]:
    members = Volunteer.objects.filter(community__path__startswith=area.path)
    return VolunteerActivity.objects.filter(volunteer__in=members, day__range=(start, end))


def active_volunteers(area: Area, start: date, end: date) -> QuerySet[Volunteer]:
    """Members with at least one entry in their log in the period (retired ones included)."""
    return Volunteer.objects.filter(
        Exists(VolunteerActivity.objects.filter(volunteer=OuterRef("pk"), day__range=(start, end))),
        community__path__startswith=area.path,
    )


def volunteers(area: Area, start: date, end: date) -> QuerySet[Volunteer]:
    """The roll: members on it now (not retired) who had joined by the end of the period."""
    return Volunteer.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=end),
        community__path__startswith=area.path,
        active=True,
    )


def registrations(area: Area, start: date, end: date) -> QuerySet[VendorRegistration]:
    """Market-book lines, not cancelled, whose days overlap the period."""
    return VendorRegistration.objects.filter(
        market__in=markets(area),
        cancelled_at__isnull=True,
        first_day__lte=end,
        last_day__gte=start,
    )


def vendors(area: Area, start: date, end: date) -> QuerySet[Vendor]:
    """Vendors with a line in the book of the area's markets for the period; a vendor at two
    communities' markets is one vendor of the town."""
    lines = registrations(area, start, end).filter(vendor=OuterRef("pk"))
    return Vendor.objects.filter(Exists(lines))


def markets(area: Area) -> QuerySet[Market]:
    return Market.objects.filter(point__community__path__startswith=area.path)


def latest_year(area: Area) -> int:
    """The year of the area's latest meeting or visit up to today, else this year: where a
    page opens when no period is asked for."""
    today = timezone.localdate()
    latest = [
        meetings(area, date.min, today).aggregate(d=Max("held_on"))["d"],
        visits(area, date.min, today).aggregate(d=Max("visited_on"))["d"],
    ]
    found = [d for d in latest if d is not None]
    return max(found).year if found else today.year


# --- market days ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketDay:
    market: Market
    day: date

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.market.name}"


def market_days(
    area: Area, start: date, end: date, *, today: date | None = None
) -> list[MarketDay]:
    """Market days held in the period at the markets under the area, as the market book
    counts them (queries.market.market_days: the schedule within the season, less the
    closures; a market out of use holds none), up to today: a day still to come was not
    held. One query for the markets and one for all their closures."""
    end = min(end, today or timezone.localdate())
    if end < start:
        return []
    found = list(markets(area).select_related("point").order_by("pk"))
    closed = market_queries.closures_of(found, start, end)
    return sorted(
        (
            MarketDay(m, d)
            for m in found
            for d in market_queries.market_days(m, start, end, closed=closed[m.pk])
        ),
        key=lambda md: (md.day, md.market.pk),
    )


# --- visit coverage --------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    households: int
    visited: int
    share: float | None  # visited / households; None when there are no households

    @classmethod
    def of(cls, households: int, visited: int) -> "Coverage":
        return cls(households, visited, visited / households if households else None)


def visit_coverage(*, area: Area, start: date, end: date) -> Coverage:
    """Households under the area, and how many of them were visited in [start, end]; a
    household visited twice counts once."""
    return Coverage.of(households(area).count(), visited_count(area, start, end))


# Beyond this many covered areas, a filter of one prefix test per area costs more per row
# than reading the rows of every building.
MANY_PATHS = 40


def coverage_by_grid_month(grids, year: int) -> dict[tuple[int, int], Coverage]:
    """(grid id, month 1–12) → coverage of the households in the buildings under the areas
    the grid covers, for every grid given and every month of the year.

    Visited households are read from the visit rollup (models.VisitTally) in one query
    grouped by building, a count per month (a household is in one building, so distinct
    households per building add up); the households in one query
    grouped by building; each building is then added to the grids whose areas contain it.
    For many grids (a county's hundreds) the two queries read every building rather than
    test each row against hundreds of paths, and the buildings outside the grids are
    dropped here."""
    grid_ids = [g.pk if isinstance(g, Grid) else g for g in grids]
    covered: dict[str, set[int]] = defaultdict(set)  # covered area path → grid ids
    for grid_id, path in Grid.areas.through.objects.filter(grid_id__in=grid_ids).values_list(
        "grid_id", "area__path"
    ):
        covered[path].add(grid_id)
    paths = list(covered)
    few = len(paths) <= MANY_PATHS
    per_building = (
        Household.objects.filter(under_paths(paths, "building__path") if few else Q())
        .order_by()
        .values_list("building_id", "building__path")
        .annotate(n=Count("pk"))
    )
    grids_of: dict[int, set[int]] = {}
    totals: dict[int, int] = defaultdict(int)
    for building_id, path, n in per_building:
        # The grids covering the building itself or any area above it.
        prefixes = ["/".join(path.split("/")[: i + 1]) + "/" for i in range(1, path.count("/"))]
        found = set().union(*(covered.get(p, set()) for p in prefixes))
        if found:
            grids_of[building_id] = found
        for grid_id in found:
            totals[grid_id] += n
    visited: dict[tuple[int, int], int] = defaultdict(int)
    rows = (
        VisitTally.objects.filter(
            under_paths(paths, "household__building__path") if few else Q(), year=year
        )
        .order_by()
        .values_list("household__building_id")
        .annotate(
            # Distinct: a household visited for two grids has a row for each.
            **{
                f"m{m}": Count("household_id", distinct=True, filter=Q(_visited_in(1 << (m - 1))))
                for m in range(1, 13)
            }
        )
    )
    for building_id, *per_month in rows:
        for grid_id in grids_of.get(building_id, ()):
            for month, n in enumerate(per_month, start=1):
                visited[(grid_id, month)] += n
    return {
        (grid_id, month): Coverage.of(totals.get(grid_id, 0), visited.get((grid_id, month), 0))
        for grid_id in grid_ids
        for month in range(1, 13)
    }


# --- meetings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFigures:
    meetings: int
    by_kind: dict[str, int]  # Meeting.Kind → meetings held
    suggestions: int  # raised at those meetings
    resolved: int  # of which resolved (resolved_condition) by the end of the period
    suggestions_by_kind: dict[str, int] = field(default_factory=dict)
    resolved_by_kind: dict[str, int] = field(default_factory=dict)

    def sentence(self, kind: str = MK.OWNERS) -> str:
        """The seed page's sentence for one kind of meeting."""
        return _("召开%(kind)s %(n)d 次，收集并解决群众意见建议 %(m)d 条") % {
            "kind": MK(kind).label,
            "n": self.by_kind.get(kind, 0),
            "m": self.resolved_by_kind.get(kind, 0),
        }


def _meeting_months(area: Area, start: date, end: date) -> dict[tuple[str, str], int]:
    rows = (
        meetings(area, start, end)
        .order_by()
        .annotate(month=Month("held_on"))
        .values_list("kind", "month")
        .annotate(n=Count("pk"))
    )
    return {(kind, month): n for kind, month, n in rows}


def _suggestion_counts(area: Area, start: date, end: date) -> dict[str, tuple[int, int]]:
    rows = (
        suggestions(area, start, end)
        .order_by()
        .values_list("meeting__kind")
        .annotate(n=Count("pk"), resolved=Count("pk", filter=resolved_condition(end)))
    )
    return {kind: (n, resolved) for kind, n, resolved in rows}


def _meeting_figures(per_month, per_kind) -> MeetingFigures:
    by_kind: dict[str, int] = defaultdict(int)
    for (kind, _month), n in per_month.items():
        by_kind[kind] += n
    return MeetingFigures(
        meetings=sum(by_kind.values()),
        by_kind={k: by_kind.get(k, 0) for k in MK.values},
        suggestions=sum(n for n, _r in per_kind.values()),
        resolved=sum(r for _n, r in per_kind.values()),
        suggestions_by_kind={k: per_kind.get(k, (0, 0))[0] for k in MK.values},
        resolved_by_kind={k: per_kind.get(k, (0, 0))[1] for k in MK.values},
    )


def meeting_figures(*, area: Area, start: date, end: date) -> MeetingFigures:
    """Meetings held in the communities under the area in [start, end], by kind; the
    suggestions raised at them, and how many of those were resolved by `end`."""
    return _meeting_figures(_meeting_months(area, start, end), _suggestion_counts(area, start, end))


# --- all of a community's figures -------------------------------------------------------------


@dataclass
class CommunityFigures:
    area: Area
    start: date
    end: date
    meetings: MeetingFigures
    coverage: Coverage
    visits: int
    deliveries: int
    delivery_people: int
    events: int
    event_people: int
    events_by_kind: dict[str, tuple[int, int]]  # Event.Kind → (events, people served)
    volunteers: int
    volunteers_active: int
    activities: int
    activities_by_kind: dict[str, int]
    market_days: int
    vendors: int
    monthly: dict[str, dict[str, int]]  # 'YYYY-MM' → {MONTHLY key: count}

    def value(self, figure: str, kind: str | None = None) -> int:
        """The figure by its name in FIGURES (and kind, for the figures split by kind)."""
        m = self.meetings
        if kind is not None:
            by_kind = {
                "meetings": m.by_kind,
                "suggestions": m.suggestions_by_kind,
                "suggestions_resolved": m.resolved_by_kind,
                "events": {k: v[0] for k, v in self.events_by_kind.items()},
                "event_people": {k: v[1] for k, v in self.events_by_kind.items()},
                "activities": self.activities_by_kind,
            }[figure]
            return by_kind.get(kind, 0)
        return {
            "meetings": m.meetings,
            "suggestions": m.suggestions,
            "suggestions_resolved": m.resolved,
            "households": self.coverage.households,
            "households_visited": self.coverage.visited,
            "visits": self.visits,
            "deliveries": self.deliveries,
            "delivery_people": self.delivery_people,
            "events": self.events,
            "event_people": self.event_people,
            "volunteers": self.volunteers,
            "volunteers_active": self.volunteers_active,
            "activities": self.activities,
            "market_days": self.market_days,
            "vendors": self.vendors,
        }[figure]

    def sentence(self) -> str:
        return self.meetings.sentence(MK.OWNERS)


# What the month-by-month series count: meetings held, visits made, services given, events
# and volunteer-log entries.
MONTHLY = ("meetings", "visits", "deliveries", "events", "activities")


def months_between(start: date, end: date) -> list[str]:
    months, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = y + m // 12, m % 12 + 1
    return months


def community_figures(
    *, area: Area, start: date, end: date, today: date | None = None
) -> CommunityFigures:
    """Every figure of the area (a community, a town or the county) over [start, end]: one
    grouped query per kind of record, each grouped by month (and kind) so that the totals
    and the monthly chart come from the same rows; the distinct counts (households visited,
    volunteers active, vendors) have one query each, counting the households (members,
    vendors) that have a record rather than the distinct ids among the records, which reads
    an index per household instead of sorting a year of visits. Per grid and month,
    households visited are in coverage_by_grid_month."""
    monthly: dict[str, dict[str, int]] = {
        month: dict.fromkeys(MONTHLY, 0) for month in months_between(start, end)
    }

    per_month = _meeting_months(area, start, end)
    for (_kind, month), n in per_month.items():
        monthly[month]["meetings"] += n
    meeting = _meeting_figures(per_month, _suggestion_counts(area, start, end))

    visit_months = (
        visits(area, start, end)
        .order_by()
        .annotate(month=Month("visited_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    for month, n in visit_months:
        monthly[month]["visits"] = n

    delivery_months = (
        deliveries(area, start, end)
        .order_by()
        .annotate(month=Month("day"))
        .values_list("month")
        .annotate(n=Count("pk"), people=Sum("people"))
    )
    delivery_people = 0
    for month, n, people in delivery_months:
        monthly[month]["deliveries"] = n
        delivery_people += people or 0

    event_rows = (
        events(area, start, end)
        .order_by()
        .annotate(month=LocalMonth("starts_at"))
        .values_list("kind", "month")
        .annotate(n=Count("pk"), people=Sum("people_served"))
    )
    events_by_kind: dict[str, list[int]] = {k: [0, 0] for k in Event.Kind.values}
    for kind, month, n, people in event_rows:
        monthly[month]["events"] += n
        events_by_kind[kind][0] += n
        events_by_kind[kind][1] += people or 0

    activity_rows = (
        activities(area, start, end)
        .order_by()
        .annotate(month=Month("day"))
        .values_list("kind", "month")
        .annotate(n=Count("pk"))
    )
    activities_by_kind = dict.fromkeys(VolunteerActivity.Kind.values, 0)
    for kind, month, n in activity_rows:
        monthly[month]["activities"] += n
        activities_by_kind[kind] += n

    return CommunityFigures(
        area=area,
        start=start,
        end=end,
        meetings=meeting,
        coverage=visit_coverage(area=area, start=start, end=end),
        visits=sum(v["visits"] for v in monthly.values()),
        deliveries=sum(v["deliveries"] for v in monthly.values()),
        delivery_people=delivery_people,
        events=sum(n for n, _p in events_by_kind.values()),
        event_people=sum(p for _n, p in events_by_kind.values()),
        events_by_kind={k: (n, p) for k, (n, p) in events_by_kind.items()},
        volunteers=volunteers(area, start, end).count(),
        volunteers_active=active_volunteers(area, start, end).count(),
        activities=sum(activities_by_kind.values()),
        activities_by_kind=activities_by_kind,
        market_days=len(market_days(area, start, end, today=today)),
        vendors=vendors(area, start, end).count(),
        monthly=monthly,
    )


# --- the records behind each figure ----------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    unit: str
    kinds: tuple[tuple[str, str], ...] = ()  # (value, label) of the kinds it is split by
    summed: str = ""  # the field summed over the records; empty: the records are counted


FIGURES: dict[str, Figure] = {
    "meetings": Figure(_("召开会议"), _("次"), tuple(MK.choices)),
    "suggestions": Figure(_("收集意见建议"), _("条"), tuple(MK.choices)),
    "suggestions_resolved": Figure(_("解决意见建议"), _("条"), tuple(MK.choices)),
    "households": Figure(_("住户"), _("户")),
    "households_visited": Figure(_("走访住户"), _("户")),
    "visits": Figure(_("入户走访"), _("次")),
    "deliveries": Figure(_("便民服务"), _("次")),
    "delivery_people": Figure(_("便民服务人次"), _("人次"), summed="people"),
    "events": Figure(_("举办活动"), _("场"), tuple(Event.Kind.choices)),
    "event_people": Figure(
        _("活动服务人次"), _("人次"), tuple(Event.Kind.choices), summed="people_served"
    ),
    "volunteers": Figure(_("解忧智囊团成员"), _("人")),
    "volunteers_active": Figure(_("参与活动的成员"), _("人")),
    "activities": Figure(_("智囊团活动"), _("次"), tuple(VolunteerActivity.Kind.choices)),
    "market_days": Figure(_("集市天数"), _("天")),
    "vendors": Figure(_("登记摊主"), _("人")),
}


def records(
    figure: str,
    *,
    area: Area,
    start: date,
    end: date,
    kind: str | None = None,
    today: date | None = None,
):
    """The records behind a figure: a queryset (a list of MarketDay for market days). A
    counted figure equals the number of its records; a summed one the sum of their
    `FIGURES[figure].summed` field. Raises KeyError for an unknown figure or kind."""
    spec = FIGURES[figure]
    if kind is not None and kind not in dict(spec.kinds):
        raise KeyError(kind)
    if figure == "market_days":
        return market_days(area, start, end, today=today)
    found = {
        "meetings": lambda: meetings(area, start, end).order_by("held_on", "pk"),
        "suggestions": lambda: suggestions(area, start, end).order_by("meeting__held_on", "pk"),
        "suggestions_resolved": lambda: (
            suggestions(area, start, end)
            .filter(resolved_condition(end))
            .order_by("meeting__held_on", "pk")
        ),
        "households": lambda: households(area).order_by("building__path", "room"),
        "households_visited": lambda: visited_households(area, start, end).order_by(
            "building__path", "room"
        ),
        "visits": lambda: visits(area, start, end).order_by("visited_on", "pk"),
        "deliveries": lambda: deliveries(area, start, end).order_by("day", "pk"),
        "delivery_people": lambda: deliveries(area, start, end).order_by("day", "pk"),
        "events": lambda: events(area, start, end).order_by("starts_at", "pk"),
        "event_people": lambda: events(area, start, end).order_by("starts_at", "pk"),
        "volunteers": lambda: volunteers(area, start, end).order_by("community_id", "name", "pk"),
        "volunteers_active": lambda: active_volunteers(area, start, end).order_by(
            "community_id", "name", "pk"
        ),
        "activities": lambda: activities(area, start, end).order_by("day", "pk"),
        "vendors": lambda: vendors(area, start, end).order_by("name", "pk"),
    }[figure]()
    if kind is None:
        return found
    field_name = {
        "meetings": "kind",
        "suggestions": "meeting__kind",
        "suggestions_resolved": "meeting__kind",
        "events": "kind",
        "event_people": "kind",
        "activities": "kind",
    }[figure]
    return found.filter(**{field_name: kind})


def records_value(figure: str, found) -> int:
    """What a figure reads from its records: their number, or the sum of the summed field."""
    summed = FIGURES[figure].summed
    if not summed:
        return len(found) if isinstance(found, list) else found.count()
    return found.aggregate(n=Sum(summed))["n"] or 0
