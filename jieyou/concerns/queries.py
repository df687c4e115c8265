"""The three rates of concern handling, computed from records in the database.

Definitions (docs/rates.md says the same in prose):
- response rate = concerns accepted no later than their response deadline / concerns whose
  response deadline has passed or that were accepted (the ones that were due);
- resolution rate = follow-ups answering "solved" / follow-ups;
- satisfaction rate = Σ weight(answer) / follow-ups with an answer, 满意 1 and 基本满意 0.8
  by default;
- composite = weighted sum of the three (10 / 45 / 45 by default).
Rejected, merged and exempted concerns are left out of all three.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from .models import Concern, FollowUp

S = Concern.Status
SAT = FollowUp.Satisfaction
DEFAULT_SATISFACTION_WEIGHTS = {SAT.SATISFIED: 1.0, SAT.BASIC: 0.8, SAT.UNSATISFIED: 0.0}
DEFAULT_COMPOSITE_WEIGHTS = (10, 45, 45)


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


def countable(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    """The concerns that count towards the rates."""
    return concerns.exclude(status__in=[S.REJECTED, S.MERGED]).filter(exempt_reason="")


def exempted(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    return concerns.exclude(exempt_reason="")


def rates_by(
    concerns: QuerySet[Concern],
    group: str | None = None,
    *,
    now=None,
    satisfaction_weights=None,
    composite_weights=DEFAULT_COMPOSITE_WEIGHTS,
) -> dict[object, Rates]:
    """Rates per value of `group` (a field path of Concern, e.g. `lead_unit` or
    `area__parent`), or for all when `group` is None: one aggregate query over the concerns
    and one over their follow-ups."""
    now = now or timezone.now()
    weights = satisfaction_weights or DEFAULT_SATISFACTION_WEIGHTS
    base = countable(concerns)
    key = group or "_all"
    concern_rows = (
        base.order_by()
        .annotate(_all=Value(0))
        .values(key)
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
        .annotate(_all=Value(0))
        .values(f"concern__{group}" if group else "_all")
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
        result[row[key]] = Rates(
            concerns=row["n"],
            due=row["due"],
            responded_in_time=row["in_time"],
            overdue=row["late"],
            composite_weights=composite_weights,
        )
    follow_key = f"concern__{group}" if group else "_all"
    for row in follow_rows:
        rates = result.setdefault(row[follow_key], Rates(composite_weights=composite_weights))
        rates.follow_ups, rates.solved = row["n"], row["solved"]
        rates.rated, rates.satisfaction_points = row["rated"], float(row["points"] or 0)
    return result


def rates(concerns: QuerySet[Concern], **kwargs) -> Rates:
    return rates_by(concerns, None, **kwargs).get(0, Rates())
