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
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
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

    def add(self, other: "Rates") -> None:
        """Every count is a plain sum, so rates of a place are the sums of its parts."""
        for f in fields(self):
            if f.name not in ("composite_weights", "residents"):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def countable(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    """The concerns that count towards the rates."""
    return concerns.exclude(status__in=[S.REJECTED, S.MERGED]).filter(exempt_reason="")


def exempted(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    return concerns.exclude(exempt_reason="")


def by_month(prefix: str = ""):
    """A grouping for `rates_by`: the month of submission, in China's time."""
    return TruncMonth(f"{prefix}submitted_at", tzinfo=LOCAL)


def month_start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=LOCAL)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def in_months(concerns: QuerySet[Concern], first: date, last: date) -> QuerySet[Concern]:
    """Concerns submitted from the start of month `first` to the end of month `last`."""
    return concerns.filter(
        submitted_at__gte=month_start(first), submitted_at__lt=month_start(next_month(last))
    )


def rates_by(
    concerns: QuerySet[Concern],
    group: str | Callable | None = None,
    *,
    now=None,
    satisfaction_weights=None,
    composite_weights=None,
) -> dict[object, Rates]:
    """Rates per value of `group` (a field path of Concern, e.g. `lead_unit` or
    `area__parent`, or a function of the path prefix giving an expression, like `by_month`),
    or for all when `group` is None: one aggregate query over the concerns and one over their
    follow-ups."""
    now = now or timezone.now()
    weights = satisfaction_weights or configured_satisfaction_weights()
    composite = composite_weights or configured_composite_weights()
    base = countable(concerns)

    def key(prefix):
        if group is None:
            return Value(0)
        return group(prefix) if callable(group) else F(f"{prefix}{group}")

    concern_rows = (
        base.order_by()
        .annotate(_key=key(""))
        .values("_key")
        .annotate(
            n=Count("id"),
            due=Count("id", filter=Q(accepted_at__isnull=False) | Q(response_due__lte=now)),
            in_time=Count("id", filter=Q(accepted_at__lte=F("response_due"))),
            late=Count("id", filter=Q(overdue=True)),
        )
    )
    follow_rows = (
        FollowUp.objects.filter(concern__in=base.values("pk"))
        .order_by()
        .annotate(_key=key("concern__"))
        .values("_key")
        .annotate(
            n=Count("id"),
            solved=Count("id", filter=Q(solved=True)),
            rated=Count("id", filter=~Q(satisfaction="")),
            points=Sum(
                Case(
                    *[When(satisfaction=k, then=Value(v)) for k, v in weights.items()],
                    default=Value(0.0),
                    output_field=FloatField(),
                )
            ),
        )
    )
    result: dict[object, Rates] = {}
    for row in concern_rows:
        result[row["_key"]] = Rates(
            concerns=row["n"],
            due=row["due"],
            responded_in_time=row["in_time"],
            overdue=row["late"],
            composite_weights=composite,
        )
    for row in follow_rows:
        rates = result.setdefault(row["_key"], Rates(composite_weights=composite))
        rates.follow_ups, rates.solved = row["n"], row["solved"]
        rates.rated, rates.satisfaction_points = row["rated"], float(row["points"] or 0)
    return result


def rates(concerns: QuerySet[Concern], **kwargs) -> Rates:
    return rates_by(concerns, None, **kwargs).get(0, Rates())


@dataclass
class RateTree:
    """Rates of every area at or above a concern's place (town, community, compound …) and of
    every grid, from one grouped pass; look a place up with `area(pk)` or `grid(pk)`."""

    areas: dict[int, Rates]
    grids: dict[int, Rates]
    composite_weights: tuple[int, int, int]

    def area(self, pk: int) -> Rates:
        return self.areas.get(pk) or Rates(composite_weights=self.composite_weights)

    def grid(self, pk: int) -> Rates:
        return self.grids.get(pk) or Rates(composite_weights=self.composite_weights)


def rate_tree(concerns: QuerySet[Concern], *, grids=None, **kwargs) -> RateTree:
    """Group once by the concern's place (its materialised path) in the database, then add
    each place's counts to every area on its path and to every grid covering one of them.

    A place's path names all its ancestors ("/county/town/community/compound/building/"), so
    the per-place rows — a few thousand even for millions of concerns — carry everything
    needed to roll up to towns, communities and grids without a second scan. `grids` limits
    which grids are rolled up (default: all)."""
    composite = kwargs.get("composite_weights") or configured_composite_weights()
    per_place = rates_by(concerns, "area__path", **kwargs)
    covering: dict[int, list[int]] = defaultdict(list)
    links = Grid.areas.through.objects.all()
    if grids is not None:
        links = links.filter(grid__in=grids)
    for grid_id, area_id in links.values_list("grid_id", "area_id"):
        covering[area_id].append(grid_id)
    areas: dict[int, Rates] = defaultdict(lambda: Rates(composite_weights=composite))
    by_grid: dict[int, Rates] = defaultdict(lambda: Rates(composite_weights=composite))
    for path, place in per_place.items():
        ids = _path_ids(path)
        for pk in ids:
            areas[pk].add(place)
        # A grid covering both a compound and one of its buildings counts the concern once.
        for grid_id in {g for pk in ids for g in covering.get(pk, ())}:
            by_grid[grid_id].add(place)
    return RateTree(dict(areas), dict(by_grid), composite)


def _path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


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
