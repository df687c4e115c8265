"""Scoring a cycle: gather every subject's figures, inspections and ballot counts, score them
all with `composite.score`, and keep one Result per subject whose breakdown holds the numbers
behind every point (the score sheet reads it back with views/sheet.py `explained`).

Gathering reads each kind of row in one query per cycle (verified figures, inspections,
ballot counts, upheld appeals) into NumPy arrays of one row per subject and one column per
indicator of its scheme; only record-based indicators ask `sources.measure_all` per subject.
An upheld appeal's corrections (actions/publication.py) are applied on top of the records
they correct, which stay as they were: a corrected reported figure counts the value the appeal
decided, a set-aside inspection neither scores nor replaces a figure.

Each number is stored once (layout 2). A ScoredScheme row per scheme keeps its columns as
this scoring used them (weights, targets, floors; `_Scheme`); each Result's breakdown keeps
the subject's own numbers (`_variable`): per indicator, in the columns' order, the figure
counted, its attainment, its baseline and the reported figure's id; by indicator, the figures
counted at an inspection's or an appeal's value and the provenance of record-based figures;
its inspections and survey groups. What follows from these — a cell's score and value added,
a dimension's score, the labels, the notes — is worked out when a sheet is shown
(views/sheet.py `explained`). Results are written in bulk, keeping each subject's Result id
and counting its version up: the old rows are deleted and the new ones inserted (COPY on
PostgreSQL, multi-row INSERTs elsewhere).
"""

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import orjson
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieyou.core import audit
from jieyou.core.gcpause import paused_gc

from .. import composite, sources
from ..errors import EvaluationError
from ..models import (
    Appeal,
    Ballot,
    Cycle,
    Indicator,
    Inspection,
    RaterGroup,
    ReportedFigure,
    Result,
    Scheme,
    ScoredScheme,
)
from ..scope import require_manager

CAP = 1.2
# The breakdown's layout: views/sheet.py reads this one and, as they were, the older ones.
LAYOUT = 2
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
    """The notes in one language, translated once per sheet rather than once per cell."""
    with translation.override(language):
        return {k: str(v) for k, v in NOTES.items()}


def texts() -> dict[str, str]:
    return _texts(translation.get_language() or "zh-hans")


def _json(value) -> str:
    """A breakdown as JSON text: orjson writes ten thousand of them in a tenth of the time the
    standard library takes (keys that are not strings become strings, as json.dumps does)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


class _Scheme:
    """A scheme's indicators in column order, as arrays for scoring, and as `columns`, which a
    ScoredScheme row keeps once for all the scheme's subjects of the cycle: per indicator its
    id, source, weight within its dimension, target and floor; per dimension its id, code,
    weight, AHP CR and number of indicators (consecutive columns); the source weights."""

    def __init__(self, scheme, cycle: Cycle):
        dimensions = list(scheme.dimensions.prefetch_related("indicators"))
        pairs = [(d, i) for d in dimensions for i in d.indicators.all()]
        self.scheme = scheme
        self.indicators = [i for _d, i in pairs]
        self.ids = [i.pk for i in self.indicators]
        self.weights = np.array([float(d.weight) * float(i.weight) for d, i in pairs], dtype=float)
        self.target = np.array([i.target for i in self.indicators], dtype=float)
        self.floor = np.array([i.floor for i in self.indicators], dtype=float)
        self.reported = np.array(
            [i.source == Indicator.Source.REPORTED for i in self.indicators], dtype=bool
        )
        self.records = [i for i in self.indicators if i.source != Indicator.Source.REPORTED]
        self.position = {pk: n for n, pk in enumerate(self.ids)}
        ids = np.array(self.ids, dtype=np.int64)
        self._order = np.argsort(ids)
        self._sorted = ids[self._order]
        self.columns = {
            "indicators": self.ids,
            "source": [i.source for i in self.indicators],
            "weight": [float(i.weight) for i in self.indicators],
            "target": [i.target for i in self.indicators],
            "floor": [i.floor for i in self.indicators],
            "dimensions": [
                {
                    "id": d.pk,
                    "code": d.code,
                    "weight": float(d.weight),
                    "cr": None if d.ahp_cr is None else float(d.ahp_cr),
                    "size": len(d.indicators.all()),
                }
                for d in dimensions
            ],
            "source_weights": {
                "quantitative": float(cycle.quantitative_weight),
                "inspection": float(cycle.inspection_weight),
                "survey": float(cycle.survey_weight),
            },
        }

    def columns_of(self, indicator_ids: np.ndarray) -> np.ndarray:
        """The column of each indicator id; -1 for one not in the scheme."""
        if not len(self._sorted):
            return np.full(len(indicator_ids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted, indicator_ids), len(self._sorted) - 1)
        return np.where(self._sorted[at] == indicator_ids, self._order[at], -1)


def scheme_columns(cycle: Cycle, scheme_id: int) -> dict:
    """The columns a breakdown's lists follow: as the cycle's last scoring kept them, or, for a
    result without them, the scheme's as they are now."""
    kept = ScoredScheme.objects.filter(cycle=cycle, scheme_id=scheme_id).first()
    if kept is not None:
        return kept.columns
    return _Scheme(Scheme.objects.get(pk=scheme_id), cycle).columns


def schemes_changed(cycle: Cycle) -> bool:
    """Whether a scheme of the cycle's subjects now has other columns (indicators, weights,
    targets, floors, source weights) than its results were scored with."""
    kept = dict(ScoredScheme.objects.filter(cycle=cycle).values_list("scheme_id", "columns"))
    used = cycle.subjects.values_list("scheme_id", flat=True)
    return any(
        kept.get(scheme.pk) != _Scheme(scheme, cycle).columns
        for scheme in Scheme.objects.filter(pk__in=used)
    )


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


def _verified_figures(cycle: Cycle) -> np.ndarray:
    """Every verified reported figure of the cycle: rows of (subject id, indicator id, figure
    id, value, baseline), a missing baseline as NaN."""
    rows = list(
        ReportedFigure.objects.filter(subject__cycle=cycle, status=ReportedFigure.Status.VERIFIED)
        .order_by()
        .values_list("subject_id", "indicator_id", "pk", "value", "baseline")
    )
    return np.array(rows, dtype=float).reshape(len(rows), 5)


def _ballot_counts(cycle: Cycle, subject_ids: np.ndarray, groups: list[RaterGroup]) -> np.ndarray:
    """Subjects × groups × answers (composite.ANSWERS order)."""
    group_position = {g.pk: i for i, g in enumerate(groups)}
    answer_position = {a: i for i, a in enumerate(composite.ANSWERS)}
    counts = np.zeros((len(subject_ids), len(groups), len(composite.ANSWERS)), dtype=np.int64)
    tally = list(
        Ballot.objects.filter(subject__cycle=cycle)
        .values_list("subject_id", "group_id", "overall")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if tally:
        subject_ids_of, group_ids, answers, n = zip(*tally, strict=True)
        rows = np.searchsorted(subject_ids, np.array(subject_ids_of))
        counts[
            rows,
            [group_position[g] for g in group_ids],
            [answer_position[a] for a in answers],
        ] = n
    return counts


@dataclass
class _Table:
    """One scheme's subjects (rows) by its indicators (columns): what each cell counted."""

    actual: np.ndarray  # the figure counted; NaN: none
    attainment: np.ndarray  # NaN: no figure, left out
    baseline: np.ndarray
    figure: np.ndarray  # the verified reported figure's id; 0: none
    replaced: list  # per row: {indicator id: {reported, observed, inspection, corrected, appeal}}
    records: list  # per row: {indicator id: provenance} of the record-based indicators


def _table(scheme: _Scheme, rows, position, figures, observed, corrections, subjects_for):
    """The cells of one scheme's subjects, `rows` of the cycle's (`position`: subject id → row);
    `figures` holds their verified figures as arrays (row, column, figure id, value, baseline).
    Keys by indicator are strings, as JSON keeps them."""
    local = np.full(len(position), -1, dtype=np.int64)
    local[rows] = np.arange(len(rows))
    shape = (len(rows), len(scheme.ids))
    reported = np.full(shape, np.nan)
    baseline = np.full(shape, np.nan)
    figure = np.zeros(shape, dtype=np.int64)
    at, column, figure_id, value, figure_baseline = figures
    reported[local[at], column] = value
    baseline[local[at], column] = figure_baseline
    figure[local[at], column] = figure_id
    actual = reported.copy()
    replaced = [{} for _r in rows]
    # 数据失真: an inspection's observed value replaces the reported one.
    if observed:
        wanted = np.array(list(observed), dtype=np.int64)
        for r, c in zip(*np.nonzero(np.isin(figure, wanted)), strict=True):
            value_seen, inspection = observed[int(figure[r, c])]
            actual[r, c] = value_seen
            replaced[r][str(scheme.ids[c])] = {
                "reported": float(reported[r, c]),
                "observed": value_seen,
                "inspection": inspection,
            }
    # An upheld appeal's value replaces both.
    for (subject_id, indicator_id), (value_set, appeal) in corrections.items():
        c = scheme.position.get(indicator_id)
        if subject_id not in position or c is None or not scheme.reported[c]:
            continue
        r = local[position[subject_id]]
        if r < 0:
            continue
        actual[r, c] = value_set
        cell = replaced[r].setdefault(str(indicator_id), {})
        if figure[r, c]:
            cell.setdefault("reported", float(reported[r, c]))
        cell.update(corrected=value_set, appeal=appeal)
    records = [{} for _r in rows]
    if scheme.records:
        for n, subject in enumerate(subjects_for(rows)):
            for pk, measured in sources.measure_all(subject, scheme.records).items():
                c = scheme.position[pk]
                records[n][str(pk)] = measured.provenance
                if measured.value is not None:
                    actual[n, c] = measured.value
                if measured.baseline is not None:
                    baseline[n, c] = measured.baseline
    # 完成度 = (实际 − 底线) / (目标 − 底线) in [0, CAP]; a record-based figure without data
    # is left out (NaN), a reported figure not reported or not verified counts 0.
    with np.errstate(invalid="ignore"):
        attainment = np.clip((actual - scheme.floor) / (scheme.target - scheme.floor), 0.0, CAP)
    attainment[np.isnan(actual) & scheme.reported] = 0.0
    return _Table(actual, attainment, baseline, figure, replaced, records)


def _nullable(values: np.ndarray, missing: np.ndarray) -> list:
    """Rows of plain values, None where missing (for JSON)."""
    out = values.astype(object)
    out[missing] = None
    return out.tolist()


@dataclass
class _Scored:
    """Every subject's outcome, in the cycle's subject order."""

    parts: np.ndarray  # S × (定量, 实看, 民评)
    total: np.ndarray
    low: np.ndarray
    high: np.ndarray
    group_index: np.ndarray  # S × G
    sufficient: np.ndarray  # S × G
    tables: dict  # scheme id → (rows, _Table)


def _score(cycle, schemes, subjects, groups, gathered) -> _Scored:
    """Build each scheme's table and score its subjects; `subjects` is (ids, scheme ids) in
    the cycle's order, `gathered` what `cycle_score` read and the spread of the raters'
    resamples."""
    subject_ids, scheme_of = subjects
    counts, figures, inspections, observed, corrections, spread = gathered
    position = {pk: n for n, pk in enumerate(subject_ids.tolist())}
    figure_rows = np.searchsorted(subject_ids, figures[:, 0].astype(np.int64))
    figure_indicators = figures[:, 1].astype(np.int64)

    def subjects_for(rows):
        # What sources.measure reads of a subject comes with it, not one query per subject.
        found = cycle.subjects.filter(pk__in=subject_ids[rows].tolist()).select_related(
            "scheme", "cycle", "area", "unit", "party_org"
        )
        return list(found.order_by("pk"))

    out = _Scored(
        parts=np.full((len(subject_ids), 3), np.nan),
        total=np.full(len(subject_ids), np.nan),
        low=np.full(len(subject_ids), np.nan),
        high=np.full(len(subject_ids), np.nan),
        group_index=np.full(counts.shape[:2], np.nan),
        sufficient=np.zeros(counts.shape[:2], dtype=bool),
        tables={},
    )
    for scheme_id, scheme in schemes.items():
        rows = np.flatnonzero(scheme_of == scheme_id)
        mine = np.isin(figure_rows, rows)
        columns = scheme.columns_of(figure_indicators[mine])
        usable = columns >= 0
        usable[usable] &= scheme.reported[columns[usable]]
        table = _table(
            scheme,
            rows,
            position,
            (
                figure_rows[mine][usable],
                columns[usable],
                figures[mine, 2][usable].astype(np.int64),
                figures[mine, 3][usable],
                figures[mine, 4][usable],
            ),
            observed,
            corrections.figures,
            subjects_for,
        )
        out.tables[scheme_id] = (rows, table)
        inspection = np.array(
            [_inspection_mean(inspections.get(int(subject_ids[r]), [])) for r in rows],
            dtype=float,
        )
        outcome = composite.score(
            composite.Inputs(
                attainment=table.attainment,
                indicator_weights=scheme.weights,
                inspection=inspection,
                ballots=counts[rows],
                group_weights=np.array([float(g.weight) for g in groups], dtype=float),
                source_weights=(
                    float(cycle.quantitative_weight),
                    float(cycle.inspection_weight),
                    float(cycle.survey_weight),
                ),
                min_ballots=cycle.min_ballots,
            ),
            spread=spread.rows(rows),
        )
        out.total[rows], out.low[rows], out.high[rows] = outcome.total, outcome.low, outcome.high
        out.parts[rows] = np.stack(
            [outcome.quantitative, outcome.inspection, outcome.survey], axis=1
        )
        out.group_index[rows], out.sufficient[rows] = outcome.group_index, outcome.sufficient
    return out


@paused_gc()
@transaction.atomic
def cycle_score(*, actor, cycle: Cycle, reason: str = "") -> list[Result]:
    """Score every subject of the cycle and keep the results; run again after any change
    (a verified figure, an inspection, an upheld appeal). Returns the results by rank."""
    require_manager(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == Cycle.Status.LOCKED:
        raise EvaluationError(_("考核周期已锁定，不能重新计分"))
    listed = list(cycle.subjects.order_by("pk").values_list("pk", "scheme_id", "user_id", "name"))
    if any(user_id == actor.pk for _pk, _scheme, user_id, _name in listed):
        raise EvaluationError(_("被考核人不能操作与本人考核有关的数据"))
    if not listed:
        raise EvaluationError(_("本周期还没有考核对象"))
    subject_ids = np.array([row[0] for row in listed], dtype=np.int64)
    scheme_of = np.array([row[1] for row in listed], dtype=np.int64)
    groups = list(cycle.rater_groups.order_by("pk"))
    counts = _ballot_counts(cycle, subject_ids, groups)
    # The raters' resamples need the ballots only: they run while the rest is read.
    with ThreadPoolExecutor(1) as background:
        spreading = background.submit(
            composite.survey_spread,
            counts,
            [float(g.weight) for g in groups],
            min_ballots=cycle.min_ballots,
        )
        corrections = _corrections(cycle)
        inspections, observed = _inspections(cycle, corrections.set_aside)
        figures = _verified_figures(cycle)
        # Once per scheme, not once per subject: the columns are the same for all its subjects.
        schemes = {
            scheme.pk: _Scheme(scheme, cycle)
            for scheme in Scheme.objects.filter(pk__in=set(scheme_of.tolist())).order_by("pk")
        }
        spread = spreading.result()
    gathered = (counts, figures, inspections, observed, corrections, spread)
    scored = _score(cycle, schemes, (subject_ids, scheme_of), groups, gathered)
    rank, tie = composite.ranks_and_ties(scored.total, scored.low, scored.high)

    now = timezone.now()
    kept = {
        subject_id: (pk, version)
        for subject_id, pk, version in Result.objects.filter(subject__cycle=cycle)
        .order_by()
        .values_list("subject_id", "pk", "version")
    }
    surveys = _surveys(cycle, groups, counts, scored.group_index, scored.sufficient)
    breakdowns = [None] * len(listed)
    for scheme_id, (rows, table) in scored.tables.items():
        variables = _variable(table, scheme_id, inspections, subject_ids[rows])
        for r, variable in zip(rows.tolist(), variables, strict=True):
            variable["survey"] = surveys[r]
            breakdowns[r] = variable
    bands = cycle.grade_bands
    columns = np.column_stack([scored.parts, scored.total, scored.low, scored.high])
    results = []
    for r, (pk, _scheme, _user, _name) in enumerate(listed):
        quantitative, inspection, survey, total, low, high = (_round(v) for v in columns[r])
        # The same row id for the same subject, one version up.
        result_id, version = kept.get(pk, (None, 0))
        values = {
            "id": result_id,
            "subject_id": pk,
            "quantitative": quantitative,
            "inspection": inspection,
            "survey": survey,
            "total": total,
            "low": low,
            "high": high,
            "grade": composite.grade(total, bands) if total is not None else "",
            "straddles": total is not None
            and composite.grade(low, bands) != composite.grade(high, bands),
            "rank": int(rank[r]),
            "tie_group": int(tie[r]),
            "ballots": int(counts[r].sum()),
            "breakdown": breakdowns[r],
            "computed_at": now,
            "version": version + 1,
        }
        # Positional: Django's quick way to build an instance, ten thousand times.
        results.append(Result(*(values[name] for name in RESULT_COLUMNS)))
    _store(cycle, schemes, results, now)
    audit.record(
        "evaluation.score",
        actor=actor,
        obj=cycle,
        detail={
            "reason": reason,
            "subjects": len(listed),
            "totals": {
                name: r.total for (_pk, _s, _u, name), r in zip(listed, results, strict=True)
            },
        },
    )
    return sorted(results, key=lambda r: (r.rank, r.subject_id))


def _store(cycle: Cycle, schemes: dict, results: list[Result], now) -> None:
    """Replace the cycle's results and scheme columns whole (nothing refers to them), keeping
    each subject's Result id; a new subject's result gets its id from the insert."""
    ScoredScheme.objects.filter(cycle=cycle).delete()
    ScoredScheme.objects.bulk_create(
        ScoredScheme(cycle=cycle, scheme=s.scheme, columns=s.columns, computed_at=now)
        for s in schemes.values()
    )
    Result.objects.filter(subject__cycle=cycle).delete()
    _insert(Result, RESULT_COLUMNS, [_values(r, RESULT_COLUMNS) for r in results if r.pk])
    new = [r for r in results if not r.pk]
    _insert(Result, RESULT_COLUMNS[1:], [_values(r, RESULT_COLUMNS[1:]) for r in new])
    if new:
        ids = dict(
            Result.objects.filter(subject_id__in=[r.subject_id for r in new]).values_list(
                "subject_id", "pk"
            )
        )
        for r in new:
            r.pk = ids[r.subject_id]


def _surveys(cycle: Cycle, groups, counts, group_index, sufficient) -> list[dict]:
    """Per subject: its ballot counts and index per rater group, never a ballot."""
    names = [str(g.get_kind_display()) for g in groups]
    weights = [float(g.weight) for g in groups]
    scored = counts[..., :3].sum(axis=-1).tolist()
    index = _nullable(group_index, np.isnan(group_index))
    out = []
    for answers, scored_row, index_row, sufficient_row in zip(
        counts.tolist(), scored, index, sufficient.tolist(), strict=True
    ):
        rows = []
        for g, group in enumerate(groups):
            rows.append(
                {
                    "kind": group.kind,
                    "name": names[g],
                    "weight": weights[g],
                    "n": sum(answers[g]),
                    # The sample the index stands on: 不了解 is counted in n but not scored.
                    "scored": scored_row[g],
                    "counts": dict(zip(composite.ANSWERS, answers[g], strict=True)),
                    "sufficient": sufficient_row[g],
                    "index": None if index_row[g] is None else round(index_row[g], 4),
                }
            )
        out.append(
            {
                "groups": rows,
                "ballots": sum(map(sum, answers)),
                "min_ballots": cycle.min_ballots,
            }
        )
    return out


def _variable(table: _Table, scheme_id: int, inspections: dict, subject_ids) -> list[dict]:
    """Per subject, its breakdown but the survey: the scheme whose columns (ScoredScheme) its
    lists follow; per indicator actual, attainment, baseline and figure; replaced (figures
    counted at an inspection's or an appeal's value) and records (how record-based figures
    were counted), by indicator id; its inspections."""
    actual = _nullable(table.actual, np.isnan(table.actual))
    attainment = _nullable(table.attainment, np.isnan(table.attainment))
    baseline = _nullable(table.baseline, np.isnan(table.baseline))
    figure = _nullable(table.figure, table.figure == 0)
    return [
        {
            "layout": LAYOUT,
            "scheme": scheme_id,
            "actual": actual[n],
            "attainment": attainment[n],
            "baseline": baseline[n],
            "figure": figure[n],
            "replaced": table.replaced[n],
            "records": table.records[n],
            "inspections": inspections.get(subject_id, []),
        }
        for n, subject_id in enumerate(subject_ids.tolist())
    ]


# Result's columns in the model's order ("id" first).
RESULT_COLUMNS = tuple(f.attname for f in Result._meta.concrete_fields)
ROWS_PER_INSERT = 500


def _values(result: Result, names: tuple[str, ...]) -> list:
    return [getattr(result, n) for n in names]


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
    for row in rows:
        for i in json_at:
            row[i] = _json(row[i])
        for i in time_at:
            row[i] = ops.adapt_datetimefield_value(row[i])
    table = ops.quote_name(meta.db_table)
    quoted = ", ".join(ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per = max(1, min(ROWS_PER_INSERT, 999 // len(columns)))
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                f"INSERT INTO {table} ({quoted}) VALUES " + ", ".join([one] * len(chunk)),
                [v for row in chunk for v in row],
            )


def _inspection_mean(inspections: list[dict]) -> float:
    means = [i["mean"] for i in inspections if i["mean"] is not None]
    return sum(means) / len(means) if means else np.nan


def _round(value) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 2)
