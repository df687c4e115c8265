"""The three rates of concern handling, computed from records in the database.

Definitions (docs/rates.md says the same in prose):
- response rate = concerns accepted no later than their response deadline / concerns whose
  response deadline has passed or that were accepted (the ones that were due);
- resolution rate = follow-ups answering "solved" / follow-ups;
- satisfaction rate = Σ weight(answer) / follow-ups with an answer, 满意 1 and 基本满意 0.8
  by default (settings.JIEYOU_SATISFACTION_WEIGHTS);
- composite = weighted sum of the three (10 / 45 / 45 by default, settings.JIEYOU_RATE_WEIGHTS);
- workload = concerns per 1,000 residents of the place.
Rejected, merged and exempted concerns are left out of all of them; a concern and its
follow-ups count in the month the concern was submitted.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Expression, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from jieyou.people import queries as people
from jieyou.people.models import Resident
from jieyou.places.models import Area, Grid

from .models import Concern, FollowUp

S = Concern.Status
SAT = FollowUp.Satisfaction
LOCAL = ZoneInfo("Asia/Shanghai")
DEFAULT_SATISFACTION_WEIGHTS = {SAT.SATISFIED: 1.0, SAT.BASIC: 0.8, SAT.UNSATISFIED: 0.0}
DEFAULT_COMPOSITE_WEIGHTS = (10, 45, 45)


def configured_satisfaction_weights() -> dict[str, float]:
    return {**DEFAULT_SATISFACTION_WEIGHTS, **getattr(settings, "JIEYOU_SATISFACTION_WEIGHTS", {})}


def configured_composite_weights() -> tuple[int, int, int]:
    return tuple(getattr(settings, "JIEYOU_RATE_WEIGHTS", DEFAULT_COMPOSITE_WEIGHTS))


@dataclass
class Rates:
    concerns: int = 0
    due: int = 0
    responded_in_time: int = 0
    follow_ups: int = 0
    solved: int = 0
    rated: int = 0
    satisfaction_points: float = 0.0
    overdue: int = 0
    composite_weights: tuple[int, int, int] = field(default=DEFAULT_COMPOSITE_WEIGHTS)
    residents: int | None = None

    @staticmethod
    def _ratio(a, b):
        return a / b if b else None

    @property
    def response_rate(self):
        return self._ratio(self.responded_in_time, self.due)

    @property
    def resolution_rate(self):
        return self._ratio(self.solved, self.follow_ups)

    @property
    def satisfaction_rate(self):
        return self._ratio(self.satisfaction_points, self.rated)

    @property
    def composite(self):
        parts = (self.response_rate, self.resolution_rate, self.satisfaction_rate)
        if any(p is None for p in parts):
            return None
        total = sum(self.composite_weights)
        return sum(w * p for w, p in zip(self.composite_weights, parts, strict=True)) / total

    @property
    def workload(self):
        """Concerns per 1,000 residents; empty when nobody is registered there."""
        ratio = self._ratio(self.concerns, self.residents)
        return None if ratio is None else ratio * 1000


def countable(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    """The concerns that count towards the rates."""
    return concerns.exclude(status__in=[S.REJECTED, S.MERGED]).filter(exempt_reason="")


def exempted(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    return concerns.exclude(exempt_reason="")


def by_month():
    """A grouping for `rates_by`: the month of submission, in China's time."""
    return TruncMonth("submitted_at", tzinfo=LOCAL)


def month_start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=LOCAL)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def in_months(concerns: QuerySet[Concern], first: date, last: date) -> QuerySet[Concern]:
    """Concerns submitted from the start of month `first` to the end of month `last`."""
    return concerns.filter(
        submitted_at__gte=month_start(first), submitted_at__lt=month_start(next_month(last))
    )


# What one aggregate pass counts per group, in this order.
COUNTED = (
    "concerns",
    "due",
    "responded_in_time",
    "overdue",
    "follow_ups",
    "solved",
    "satisfied",
    "basic",
    "unsatisfied",
)


def _rates(counts, weights: dict, composite: tuple) -> Rates:
    # Over no concerns at all, the aggregate row has counts of 0 but sums of NULL.
    counts = [0 if c is None else c for c in counts]
    n, due, in_time, late, follow_ups, solved, satisfied, basic, unsatisfied = counts
    return Rates(
        concerns=n,
        due=due,
        responded_in_time=in_time,
        overdue=late,
        follow_ups=follow_ups,
        solved=solved,
        rated=satisfied + basic + unsatisfied,
        satisfaction_points=float(
            satisfied * weights[SAT.SATISFIED]
            + basic * weights[SAT.BASIC]
            + unsatisfied * weights[SAT.UNSATISFIED]
        ),
        composite_weights=composite,
    )


def rates_by(
    concerns: QuerySet[Concern],
    group: str | Expression | None = None,
    *,
    now=None,
    satisfaction_weights=None,
    composite_weights=None,
) -> dict[object, Rates]:
    """Rates per value of `group` (a field path of Concern, e.g. `lead_unit` or
    `area__parent`, or an expression over Concern such as `by_month()`), or for all when
    `group` is None: one aggregate query over the concerns, whose follow-ups are counted in
    their tallies."""
    weights = satisfaction_weights or configured_satisfaction_weights()
    composite = composite_weights or configured_composite_weights()
    return {
        key: _rates(counts, weights, composite)
        for key, counts in _grouped_counts(concerns, group, now=now).items()
    }


def _grouped_counts(concerns, group, *, now=None) -> dict[object, list]:
    """group value → the counts named in COUNTED, from one GROUP BY over the concerns."""
    if group is None:
        key = Value(0)
    elif isinstance(group, str):
        key = F(group)
    else:
        key = group
    return {row[0]: list(row[1:]) for row in _grouped_rows(concerns, key, now=now)}


def _grouped_rows(concerns, key: Expression, *, now=None) -> QuerySet:
    """(key, the counts named in COUNTED) per value of `key`: one GROUP BY over the concerns."""
    now = now or timezone.now()
    counted = {
        "n": Count("*"),
        "due": Count("id", filter=Q(accepted_at__isnull=False) | Q(response_due__lte=now)),
        "in_time": Count("id", filter=Q(accepted_at__lte=F("response_due"))),
        "late": Count("id", filter=Q(overdue=True)),
        # In COUNTED's order, which the raw read of place_counts relies on.
        "follow_ups": Sum("follow_up_count"),
        **{name: Sum(f"{name}_count") for name in COUNTED[5:]},
    }
    return (
        countable(concerns)
        .order_by()
        .annotate(_key=key)
        .values("_key")
        .annotate(**counted)
        .values_list("_key", "n", "due", "in_time", "late", *COUNTED[4:])
    )


def rates(concerns: QuerySet[Concern], **kwargs) -> Rates:
    return rates_by(concerns, None, **kwargs).get(0, Rates())


class _Rows(Mapping):
    """Counts by id, each row turned into a list only when it is asked for."""

    def __init__(self, ids, rows):
        self._index = dict(zip(ids.tolist(), range(len(ids)), strict=True))
        self._rows = rows

    def __getitem__(self, pk):
        return self._rows[self._index[pk]].tolist()

    def __iter__(self):
        return iter(self._index)

    def __len__(self):
        return len(self._index)

    def __contains__(self, pk):
        return pk in self._index


@dataclass
class RateTree:
    """Rates of every area at or above a concern's place (county, town, community, compound,
    building) and of every grid, from one grouped pass; look one up with `area(pk)` or
    `grid(pk)` (an area or grid without concerns gives empty rates)."""

    area_counts: Mapping[int, list]
    grid_counts: Mapping[int, list]
    satisfaction_weights: dict
    composite_weights: tuple[int, int, int]

    def area(self, pk: int) -> Rates:
        return self._rates(self.area_counts.get(pk))

    def grid(self, pk: int) -> Rates:
        return self._rates(self.grid_counts.get(pk))

    def _rates(self, counts) -> Rates:
        if counts is None:
            return Rates(composite_weights=self.composite_weights)
        return _rates(counts, self.satisfaction_weights, self.composite_weights)


def rate_tree(
    concerns: QuerySet[Concern],
    *,
    grids=None,
    now=None,
    satisfaction_weights=None,
    composite_weights=None,
) -> RateTree:
    """Group once by the concern's place in the database, then add each place's counts up
    the area tree and into the grids covering it.

    The per-place rows — tens of thousands at most, even for millions of concerns — carry
    everything needed to roll up to towns, communities and grids without a second scan of
    the concerns: with each area's parent, the sums move up one level at a time, as whole
    arrays. `grids` limits which grids are rolled up (default: all)."""
    places = place_counts(concerns, now=now)
    ids, parents = _area_tree()
    at = np.searchsorted(ids, places[:, 0])
    # A place removed since the count was taken has no row in the tree: leave it out.
    known = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == places[:, 0])
    totals = np.zeros((len(ids), len(COUNTED)), dtype=np.int64)
    totals[at[known]] = places[known, 1:]
    moving, up = places[known, 1:], parents[at[known]]
    while len(moving):
        rooted = up >= 0
        moving, up = moving[rooted], up[rooted]
        # What arrives at each parent this step is all that it hands further up.
        reached, into = np.unique(up, return_inverse=True)
        lifted = np.zeros((len(reached), len(COUNTED)), dtype=np.int64)
        np.add.at(lifted, into, moving)
        totals[reached] += lifted
        moving, up = lifted, parents[reached]
    counted = totals[:, 0] > 0
    return RateTree(
        _Rows(ids[counted], totals[counted]),
        _grid_totals(ids, parents, totals, grids),
        satisfaction_weights or configured_satisfaction_weights(),
        composite_weights or configured_composite_weights(),
    )


def place_counts(concerns: QuerySet[Concern], *, now=None):
    """The one GROUP BY of `rate_tree`: a row per place, its id then the counts named in
    COUNTED, read without the per-value converters (they cost as much as the roll-up for
    tens of thousands of places)."""
    found = _raw_rows(_grouped_rows(concerns, F("area_id"), now=now))
    return np.array(found, dtype=np.int64).reshape(len(found), 1 + len(COUNTED))


def _raw_rows(rows: QuerySet) -> list[tuple]:
    """The rows of a values_list of integers, read straight from the cursor."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _area_tree():
    """Every area's id (ascending) and the row of its parent in the same order (-1 for a
    root). A province has some tens of thousands of areas: two integers each."""
    rows = Area.objects.order_by().annotate(up=Coalesce("parent_id", 0)).values_list("pk", "up")
    found = np.array(_raw_rows(rows), dtype=np.int64).reshape(-1, 2)
    found = found[np.argsort(found[:, 0])]
    ids = found[:, 0]
    parents = np.searchsorted(ids, found[:, 1])
    parents[found[:, 1] == 0] = -1
    return ids, parents


def _grid_totals(ids, parents, totals, grids) -> Mapping[int, list]:
    """Each grid is the sum of the areas it covers; a building inside a covered compound is
    already in the compound's total and is not added twice."""
    links = Grid.areas.through.objects.order_by().values_list("grid_id", "area_id")
    if grids is not None:
        links = links.filter(grid__in=grids)
    found = np.array(_raw_rows(links), dtype=np.int64).reshape(-1, 2)
    grid, area = found[:, 0], found[:, 1]
    row = np.searchsorted(ids, area)
    # An area added since the tree was read has no concerns counted yet.
    known = (row < len(ids)) & (ids[np.minimum(row, len(ids) - 1)] == area)
    grid, row = grid[known], row[known]
    # A link is left out when the same grid also covers one of the area's ancestors (only a
    # grid with more than one link can).
    outer = np.ones(len(row), dtype=bool)
    if len(np.unique(grid)) < len(grid):
        width = len(ids) + 1
        links_at = np.unique(grid * width + row)
        up = parents[row]
        while (up >= 0).any():
            climbing = up >= 0
            outer[climbing] &= ~np.isin(grid[climbing] * width + up[climbing], links_at)
            up = np.where(climbing, parents[np.maximum(up, 0)], -1)
    grid_ids, at = np.unique(grid[outer], return_inverse=True)
    sums = np.zeros((len(grid_ids), totals.shape[1]), dtype=np.int64)
    np.add.at(sums, at, totals[row[outer]])
    counted = sums[:, 0] > 0
    return _Rows(grid_ids[counted], sums[counted])


def residents_under(area_ids) -> dict[int, int]:
    """Registered residents under each of the given areas (head counts, no personal data)."""
    counted = Area.objects.filter(pk__in=list(area_ids)).annotate(
        n=people.count_under(Resident.objects.all(), "area__path")
    )
    return dict(counted.values_list("pk", "n"))


def residents_in_grids(grids) -> dict[int, int]:
    """Registered residents in each grid: the sum over the areas it covers, a building that
    lies inside a covered compound not counted twice."""
    links = list(
        Grid.areas.through.objects.filter(grid__in=grids).values_list(
            "grid_id", "area_id", "area__path"
        )
    )
    counts = residents_under({area_id for _g, area_id, _p in links})
    paths: dict[int, list[str]] = defaultdict(list)
    for grid_id, _a, path in links:
        paths[grid_id].append(path)
    result: dict[int, int] = defaultdict(int)
    for grid_id, area_id, path in links:
        if not any(path != other and path.startswith(other) for other in paths[grid_id]):
            result[grid_id] += counts.get(area_id, 0)
    return dict(result)


def closed_between(area: Area, start: datetime, end: datetime) -> QuerySet[Concern]:
    """Concerns at or under a place that were closed in [start, end), with their reporters:
    the people a place's cadres served (evaluation picks raters among them)."""
    return (
        countable(Concern.objects.filter(area__path__startswith=area.path))
        .filter(status=S.CLOSED, closed_at__gte=start, closed_at__lt=end)
        .select_related("reporter")
        .order_by("closed_at", "pk")
    )
