"""Scoring a cycle: gather every subject's figures, inspections and ballot counts, score them
all with `composite.score`, and keep the result with the numbers behind every point
(Measurement rows and Result.breakdown, which the score sheet shows).

Gathering reads each kind of row in one query per cycle (verified figures, inspections,
ballot counts, upheld appeals); only record-based indicators ask `sources.measure` per
subject. An upheld appeal's corrections (actions/publication.py) are applied on top of the
records they correct, which stay as they were: a corrected reported figure counts the value
the appeal decided, a set-aside inspection neither scores nor replaces a figure.

Results are written in bulk, keeping each subject's Result id and counting its version up:
the old rows are deleted and the new ones inserted in one statement per thousand rows (COPY on
PostgreSQL), since Django's bulk_create spends longer preparing 400,000 Measurement rows than
the database takes to store them. Everything per subject and indicator that does not depend on
the subject (labels, weights, targets) is computed once per scheme.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.core import audit

from .. import composite, sources
from ..errors import EvaluationError
from ..models import (
    Appeal,
    Ballot,
    Cycle,
    Indicator,
    Inspection,
    Measurement,
    RaterGroup,
    ReportedFigure,
    Result,
    Subject,
)
from ..scope import require_manager
from ..scoring import value_added

CAP = 1.2
BATCH = 2000
FORMULA = gettext_lazy(
    "总分 = Σ(来源权重 × 来源得分) ÷ Σ(有得分来源的权重)；"
    "定量得分 = 100 × Σ(维度权重 × 指标权重 × 完成度) ÷ Σ(有数据指标的权重)，封顶100；"
    "完成度 = (实际值 − 底线值) ÷ (目标值 − 底线值)，截断在 0 至 1.2；"
    "实看得分 = 各次核查评分的平均；"
    "民评得分 = 100 × Σ(群体权重 × 满意度指数) ÷ Σ(样本充足群体的权重)，"
    "满意度指数 = (满意 × 1 + 基本满意 × 0.8) ÷ (满意 + 基本满意 + 不满意)，不了解不计入；"
    "区间为按评价人重抽样的 95% bootstrap 区间。"
)


NOTES = {
    "missing": gettext_lazy("未填报或未核验，按0分计"),
    "distorted": gettext_lazy("数据失真：以实地核查值代替填报值"),
    "corrected": gettext_lazy("申诉成立：按复核认定的数值计分"),
    "no_data": gettext_lazy("无数据，不计入"),
    "formula": FORMULA,
}


@lru_cache(maxsize=8)
def _texts(language: str) -> dict[str, str]:
    """The notes in one language, translated once per run rather than once per cell."""
    with translation.override(language):
        return {k: str(v) for k, v in NOTES.items()}


def texts() -> dict[str, str]:
    return _texts(translation.get_language() or "zh-hans")


@dataclass
class _Column:
    indicator: Indicator
    dimension_weight: float
    weight: float  # within the dimension × the dimension's weight
    labels: dict = field(default_factory=dict)  # the indicator's fixed entries in a breakdown
    dimension: dict = field(default_factory=dict)  # its dimension's fixed entries


def _labels(indicator: Indicator) -> dict:
    """The indicator's fixed entries kept in every breakdown: its numbers. Its names (name,
    kind, visibility, unit …) are read from the indicator when a sheet is shown (views/sheet.py
    `with_labels`): an indicator in use by a cycle is not edited, and ten thousand copies of
    the same words would be most of the bytes written."""
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "source_code": indicator.source,
        "weight": float(indicator.weight),
        "target": indicator.target,
        "floor": indicator.floor,
    }


class _Figure(NamedTuple):
    """The columns of a verified reported figure that scoring reads."""

    pk: int
    baseline: float | None
    value: float
    entered_by_id: int
    verified_by_id: int


def _columns(scheme) -> list[_Column]:
    columns = []
    for dimension in scheme.dimensions.prefetch_related("indicators"):
        for indicator in dimension.indicators.all():
            columns.append(
                _Column(
                    indicator,
                    float(dimension.weight),
                    float(dimension.weight) * float(indicator.weight),
                    _labels(indicator),
                    {
                        "id": dimension.pk,
                        "code": dimension.code,
                        "name": str(dimension.get_code_display()),
                        "weight": float(dimension.weight),
                        "cr": None if dimension.ahp_cr is None else float(dimension.ahp_cr),
                    },
                )
            )
    return columns


def _attainment(actual: float, indicator: Indicator) -> float:
    share = (actual - indicator.floor) / (indicator.target - indicator.floor)
    return min(max(share, 0.0), CAP)


@dataclass
class _Corrections:
    """What upheld appeals decided: {(subject id, indicator id): (value, appeal id)} for
    reported figures, {inspection id: appeal id} for inspections set aside."""

    figures: dict = field(default_factory=dict)
    set_aside: dict = field(default_factory=dict)


def _corrections(cycle: Cycle) -> _Corrections:
    found = _Corrections()
    upheld = Appeal.objects.filter(subject__cycle=cycle, status=Appeal.Status.UPHELD)
    # A later decision on the same figure overrides an earlier one.
    for appeal in upheld.order_by("decided_at", "pk"):
        for c in appeal.corrections or ():
            if c.get("kind") == "figure":
                found.figures[(appeal.subject_id, c["indicator"])] = (float(c["value"]), appeal.pk)
            elif c.get("kind") == "inspection":
                found.set_aside[c["inspection"]] = appeal.pk
    return found


def _inspections(cycle: Cycle, set_aside: dict | None = None):
    """Per subject: its inspections (id, task, place, criterion mean) and, per reported
    figure, the observed value of an inspection that found it distorted. An inspection an
    upheld appeal set aside is listed but neither scores nor replaces a figure."""
    set_aside = set_aside or {}
    by_subject = defaultdict(list)
    observed = {}
    rows = Inspection.objects.filter(task__plan__cycle=cycle).select_related("task")
    for inspection in rows.order_by("inspected_at", "pk"):
        task = inspection.task
        scores = [float(v) for v in inspection.criterion_scores.values()]
        appeal = set_aside.get(inspection.pk)
        by_subject[task.subject_id].append(
            {
                "id": inspection.pk,
                "task": task.pk,
                "plan": task.plan_id,
                "place": inspection.place or task.site,
                "at": inspection.inspected_at.isoformat(),
                "criteria": inspection.criterion_scores,
                "mean": sum(scores) / len(scores) if scores and appeal is None else None,
                "figure": task.figure_id,
                "observed": inspection.observed_value,
                "distorted": inspection.distorted,
                "set_aside_by": appeal,
            }
        )
        if appeal is not None:
            continue
        if inspection.distorted and task.figure_id and inspection.observed_value is not None:
            observed[task.figure_id] = (inspection.observed_value, inspection.pk)
    return by_subject, observed


def _measure(
    subject: Subject,
    column: _Column,
    figures: dict,
    observed: dict,
    corrected: dict | None = None,
    measured: dict | None = None,
    note: dict | None = None,
) -> dict:
    """One cell: the figure counted for a subject and an indicator, where it came from, and
    its attainment (None when there is no figure and the indicator is left out). `measured`
    holds the subject's record-based figures read at once (sources.measure_all)."""
    indicator = column.indicator
    note = note or texts()
    row = {
        "indicator": indicator.pk,
        "baseline": None,
        "reported": None,
        "observed": None,
        "corrected": None,
        "actual": None,
        "distorted": False,
        "provenance": {},
    }
    if indicator.source == Indicator.Source.REPORTED:
        figure = figures.get((subject.pk, indicator.pk))
        correction = (corrected or {}).get((subject.pk, indicator.pk))
        if figure is None and correction is None:
            row["provenance"] = {"note": note["missing"]}
            row["attainment"] = 0.0
            return row
        if figure is not None:
            row.update(baseline=figure.baseline, reported=figure.value, actual=figure.value)
            row["provenance"] = {
                "figure": figure.pk,
                "entered_by": figure.entered_by_id,
                "verified_by": figure.verified_by_id,
            }
            if figure.pk in observed:
                value, inspection = observed[figure.pk]
                row.update(observed=value, actual=value, distorted=True)
                row["provenance"]["inspection"] = inspection
                row["provenance"]["note"] = note["distorted"]
        if correction is not None:
            value, appeal = correction
            row.update(corrected=value, actual=value)
            row["provenance"]["appeal"] = appeal
            row["provenance"]["note"] = note["corrected"]
    else:
        measured = (measured or {}).get(indicator.pk) or sources.measure(subject, indicator)
        row.update(baseline=measured.baseline, actual=measured.value)
        row["provenance"] = measured.provenance
    if row["actual"] is None:
        row["attainment"] = None
        row["provenance"] = {**row["provenance"], "note": note["no_data"]}
    else:
        row["attainment"] = _attainment(row["actual"], indicator)
    return row


def _records(subject: Subject, columns: list[_Column]) -> dict:
    """The subject's record-based figures, the concern rates read once for all of them."""
    wanted = [c.indicator for c in columns if c.indicator.source != Indicator.Source.REPORTED]
    return sources.measure_all(subject, wanted) if wanted else {}


def _gather(cycle: Cycle, subjects: list[Subject], groups: list[RaterGroup]):
    verified = ReportedFigure.objects.filter(
        subject__cycle=cycle, status=ReportedFigure.Status.VERIFIED
    ).order_by()
    figures = {
        (subject_id, indicator_id): _Figure(*rest)
        for subject_id, indicator_id, *rest in verified.values_list(
            "subject_id",
            "indicator_id",
            "pk",
            "baseline",
            "value",
            "entered_by_id",
            "verified_by_id",
        ).iterator(chunk_size=20_000)
    }
    corrections = _corrections(cycle)
    inspections, observed = _inspections(cycle, corrections.set_aside)
    group_position = {g.pk: i for i, g in enumerate(groups)}
    answer_position = {a: i for i, a in enumerate(composite.ANSWERS)}
    subject_position = {s.pk: i for i, s in enumerate(subjects)}
    counts = np.zeros((len(subjects), len(groups), len(composite.ANSWERS)), dtype=np.int64)
    tally = (
        Ballot.objects.filter(subject__cycle=cycle)
        .values_list("subject_id", "group_id", "overall")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for subject_id, group_id, overall, n in tally:
        counts[subject_position[subject_id], group_position[group_id], answer_position[overall]] = n
    return figures, inspections, observed, counts, corrections


@transaction.atomic
def cycle_score(*, actor, cycle: Cycle, reason: str = "") -> list[Result]:
    """Score every subject of the cycle and keep the results; run again after any change
    (a verified figure, an inspection, an upheld appeal). Returns the results by rank."""
    require_manager(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == Cycle.Status.LOCKED:
        raise EvaluationError(_("考核周期已锁定，不能重新计分"))
    # What sources.measure reads of a subject comes with it, not one query per subject.
    subjects = list(
        cycle.subjects.select_related("scheme", "cycle", "area", "unit", "party_org").order_by("pk")
    )
    if any(s.user_id == actor.pk for s in subjects):
        raise EvaluationError(_("被考核人不能操作与本人考核有关的数据"))
    if not subjects:
        raise EvaluationError(_("本周期还没有考核对象"))
    note = texts()
    groups = list(cycle.rater_groups.order_by("pk"))
    for group in groups:
        group.label = str(group.get_kind_display())
    figures, inspections, observed, counts, corrections = _gather(cycle, subjects, groups)

    # Once per scheme, not once per subject: the columns are the same for all its subjects.
    schemes = {
        pk: _columns(scheme) for pk, scheme in {s.scheme_id: s.scheme for s in subjects}.items()
    }
    source_weights = (
        float(cycle.quantitative_weight),
        float(cycle.inspection_weight),
        float(cycle.survey_weight),
    )
    outcome_of = {}
    rows_of = {}
    for scheme_id, columns in schemes.items():
        members = [i for i, s in enumerate(subjects) if s.scheme_id == scheme_id]
        rows = []
        for i in members:
            records = _records(subjects[i], columns)
            rows.append(
                [
                    _measure(subjects[i], c, figures, observed, corrections.figures, records, note)
                    for c in columns
                ]
            )
        attainment = np.array(
            [[np.nan if r["attainment"] is None else r["attainment"] for r in row] for row in rows],
            dtype=float,
        ).reshape(len(members), len(columns))
        inspection = np.array(
            [_inspection_mean(inspections.get(subjects[i].pk, [])) for i in members], dtype=float
        )
        outcome = composite.score(
            composite.Inputs(
                attainment=attainment,
                indicator_weights=np.array([c.weight for c in columns], dtype=float),
                inspection=inspection,
                ballots=counts[members],
                group_weights=np.array([float(g.weight) for g in groups], dtype=float),
                source_weights=source_weights,
                min_ballots=cycle.min_ballots,
            ),
            keys=np.array([subjects[i].pk for i in members]),
        )
        for position, i in enumerate(members):
            outcome_of[i] = (outcome, position)
            rows_of[i] = rows[position]

    total = np.array([outcome_of[i][0].total[outcome_of[i][1]] for i in range(len(subjects))])
    low = np.array([outcome_of[i][0].low[outcome_of[i][1]] for i in range(len(subjects))])
    high = np.array([outcome_of[i][0].high[outcome_of[i][1]] for i in range(len(subjects))])
    rank, tie = composite.ranks_and_ties(total, low, high)

    now = timezone.now()
    kept = {
        subject_id: (pk, version)
        for subject_id, pk, version in Result.objects.filter(subject__cycle=cycle)
        .order_by()
        .values_list("subject_id", "pk", "version")
    }
    measurements = []
    results = []
    for i, subject in enumerate(subjects):
        outcome, p = outcome_of[i]
        columns = schemes[subject.scheme_id]
        for column, row in zip(columns, rows_of[i], strict=True):
            measurements.append(
                (
                    subject.pk,
                    column.indicator.pk,
                    row["baseline"],
                    row["reported"],
                    row["observed"],
                    row["actual"],
                    None if row["attainment"] is None else row["attainment"] * 100,
                    row["distorted"],
                    row["provenance"],
                )
            )
        result = _result(
            cycle,
            subject,
            outcome,
            p,
            rank=int(rank[i]),
            tie=int(tie[i]),
            breakdown=_breakdown(
                cycle,
                columns,
                rows_of[i],
                inspections.get(subject.pk, []),
                zip(groups, counts[i], strict=True),
                outcome,
                p,
                note,
            ),
            now=now,
        )
        # The same row id for the same subject, one version up.
        result.pk, version = kept.get(subject.pk, (None, 0))
        result.version = version + 1
        results.append(result)
    # Replaced whole: nothing refers to these rows.
    Measurement.objects.filter(subject__cycle=cycle).delete()
    Result.objects.filter(subject__cycle=cycle).delete()
    _insert(Measurement, MEASUREMENT_FIELDS, measurements)
    fields = ("id", *RESULT_FIELDS)
    _insert(Result, fields, [[getattr(r, f) for f in fields] for r in results if r.pk])
    new = [r for r in results if not r.pk]
    _insert(Result, RESULT_FIELDS, [[getattr(r, f) for f in RESULT_FIELDS] for r in new])
    if new:
        ids = dict(
            Result.objects.filter(subject_id__in=[r.subject_id for r in new]).values_list(
                "subject_id", "pk"
            )
        )
        for r in new:
            r.pk = ids[r.subject_id]
    audit.record(
        "evaluation.score",
        actor=actor,
        obj=cycle,
        detail={
            "reason": reason,
            "subjects": len(subjects),
            "totals": {s.name: _round(r.total) for s, r in zip(subjects, results, strict=True)},
        },
    )
    return sorted(results, key=lambda r: (r.rank, r.subject_id))


MEASUREMENT_FIELDS = (
    "subject_id",
    "indicator_id",
    "baseline",
    "reported",
    "observed",
    "actual",
    "score",
    "distorted",
    "provenance",
)
RESULT_FIELDS = (
    "subject_id",
    "quantitative",
    "inspection",
    "survey",
    "total",
    "low",
    "high",
    "grade",
    "straddles",
    "rank",
    "tie_group",
    "ballots",
    "breakdown",
    "computed_at",
    "version",
)
ROWS_PER_INSERT = 500
# One encoder for every row: json.dumps with options builds a new one per call.
ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _insert(model, names: tuple[str, ...], rows: list) -> None:
    """INSERT rows of plain values (JSON fields as Python objects) into the model's table:
    COPY on PostgreSQL, multi-row INSERTs elsewhere. The values are what the fields would
    store; only JSON and datetimes need converting."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(n) for n in names]
    columns = [f.column for f in fields]
    json_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    time_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"]
    ops = connection.ops

    def prepared(row):
        row = list(row)
        for i in json_at:
            row[i] = ENCODER.encode(row[i])
        for i in time_at:
            row[i] = ops.adapt_datetimefield_value(row[i])
        return row

    table = ops.quote_name(meta.db_table)
    quoted = ", ".join(ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
            return
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per = max(1, min(ROWS_PER_INSERT, 999 // len(columns)))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                f"INSERT INTO {table} ({quoted}) VALUES " + ", ".join([one] * len(chunk)),
                [v for row in chunk for v in prepared(row)],
            )


def _inspection_mean(inspections: list[dict]) -> float:
    means = [i["mean"] for i in inspections if i["mean"] is not None]
    return sum(means) / len(means) if means else np.nan


def _round(value) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 2)


def _result(cycle, subject, outcome, p, *, rank, tie, breakdown, now) -> Result:
    total = _round(outcome.total[p])
    low, high = _round(outcome.low[p]), _round(outcome.high[p])
    bands = cycle.grade_bands
    grade = composite.grade(total, bands) if total is not None else ""
    straddles = total is not None and composite.grade(low, bands) != composite.grade(high, bands)
    ballots = int(breakdown["survey"]["ballots"])
    fields = {
        "quantitative": _round(outcome.quantitative[p]),
        "inspection": _round(outcome.inspection[p]),
        "survey": _round(outcome.survey[p]),
        "total": total,
        "low": low,
        "high": high,
        "grade": grade,
        "straddles": straddles,
        "rank": rank,
        "tie_group": tie,
        "ballots": ballots,
        "breakdown": breakdown,
        "computed_at": now,
    }
    return Result(subject=subject, version=1, **fields)


def _breakdown(cycle, columns, rows, inspections, group_counts, outcome, p, note=None) -> dict:
    """Everything the score sheet explains, in plain numbers (JSON)."""
    dimensions = {}
    for column, row in zip(columns, rows, strict=True):
        indicator = column.indicator
        entry = dimensions.get(column.dimension["id"])
        if entry is None:
            entry = dimensions[column.dimension["id"]] = {**column.dimension, "indicators": []}
        added = None
        if row["baseline"] is not None and row["actual"] is not None:
            added = value_added(
                row["baseline"], row["actual"], cost=indicator.direction == Indicator.Direction.COST
            )
        entry["indicators"].append(
            {
                **column.labels,
                "baseline": row["baseline"],
                "reported": row["reported"],
                "observed": row["observed"],
                "corrected": row["corrected"],
                "actual": row["actual"],
                "attainment": row["attainment"],
                "score": None if row["attainment"] is None else round(row["attainment"] * 100, 2),
                "value_added": added,
                "distorted": row["distorted"],
                "provenance": row["provenance"],
            }
        )
    for entry in dimensions.values():
        present = [i for i in entry["indicators"] if i["attainment"] is not None]
        weight = sum(i["weight"] for i in present)
        entry["score"] = (
            round(100 * sum(i["weight"] * i["attainment"] for i in present) / weight, 2)
            if weight
            else None
        )
    survey_groups = []
    ballots = 0
    for g, (group, answers) in enumerate(group_counts):
        n = int(answers.sum())
        ballots += n
        index = outcome.group_index[p, g]
        survey_groups.append(
            {
                "kind": group.kind,
                "name": group.label,
                "weight": float(group.weight),
                "n": n,
                # The sample the index stands on: 不了解 is counted in n but not scored.
                "scored": int(answers[:3].sum()),
                "counts": dict(zip(composite.ANSWERS, map(int, answers), strict=True)),
                "sufficient": bool(outcome.sufficient[p, g]),
                "index": None if np.isnan(index) else round(float(index), 4),
            }
        )
    return {
        "formula": (note or texts())["formula"],
        "source_weights": {
            "quantitative": float(cycle.quantitative_weight),
            "inspection": float(cycle.inspection_weight),
            "survey": float(cycle.survey_weight),
        },
        "dimensions": list(dimensions.values()),
        "inspections": inspections,
        "survey": {"groups": survey_groups, "ballots": ballots, "min_ballots": cycle.min_ballots},
        "interval": {"low": _round(outcome.low[p]), "high": _round(outcome.high[p])},
    }
