"""Setting an evaluation up: cycles, schemes (dimensions, indicators and their weights, typed in
or derived from AHP pairwise matrices), subjects and rater groups.

Only managers (scope.require_manager) change any of it, and every change is audited. A cycle
is created as a draft and opened here; what comes after (publication, locking) belongs to the
results. Weights are fixed once a cycle is open: a scheme used by an open cycle is copied, not
edited, and rater groups no longer change.
"""

import math
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jieyou.core import audit
from jieyou.party.queries import FIGURES as PARTY_FIGURES
from jieyou.places.models import Area

from .. import scope, scoring
from ..errors import EvaluationError
from ..models import Cycle, Dimension, Indicator, RaterGroup, Scheme, Subject

S = Cycle.Status
SRC = Indicator.Source
WEIGHT_TOLERANCE = 1e-6
WEIGHT_PLACES = Decimal("0.0001")
GRADES = ("优秀", "良好", "一般")
# Sources counted from the records of a place (concerns, visits, meetings) or of a unit.
AREA_SOURCES = {SRC.VISIT_COVERAGE, SRC.SUGGESTIONS_RESOLVED}
CONCERN_SOURCES = {SRC.RESPONSE_RATE, SRC.RESOLUTION_RATE, SRC.SATISFACTION_RATE, SRC.OVERDUE}
PARTY_SOURCES = {SRC.PARTY_COMPLIANCE, SRC.PARTY_FIGURE}


def _refuse(field: str | None, message: str):
    raise EvaluationError({field: [message]} if field else message)


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        _refuse(field, _("%(f)s必须是数字") % {"f": field})
    if not number.is_finite():
        _refuse(field, _("%(f)s必须是数字") % {"f": field})
    return number


def _weight(value, field: str, label: str) -> Decimal:
    number = _decimal(value, field)
    if not Decimal(0) <= number <= Decimal(1):
        _refuse(field, _("%(l)s必须在 0 到 1 之间") % {"l": label})
    if number != number.quantize(WEIGHT_PLACES):
        _refuse(field, _("%(l)s最多保留四位小数") % {"l": label})
    return number


def _sums_to_one(weights: Sequence, field: str, label: str) -> None:
    total = sum(float(w) for w in weights)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        _refuse(
            field,
            _("%(l)s之和必须等于 1（现为 %(t)s）") % {"l": label, "t": f"{total:.4f}"},
        )


def rounded_weights(weights: Sequence[float]) -> list[Decimal]:
    """Weights rounded to four places that still sum to exactly 1: the rounding remainder goes
    to the weights that lost most by rounding (largest remainder)."""
    units = 10_000
    raw = [w * units for w in weights]
    floors = [math.floor(x) for x in raw]
    short = units - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (floors[i] - raw[i], i))
    for i in order[:short]:
        floors[i] += 1
    return [Decimal(n) / units for n in floors]


# Cycles


def _check_cycle(*, name, period, starts, ends, weights, grade_bands, min_ballots) -> None:
    if not (name or "").strip():
        _refuse("name", _("名称不能为空"))
    if period not in Cycle.Period.values:
        _refuse("period", _("周期必须是年度、半年或季度"))
    if not isinstance(starts, date) or not isinstance(ends, date):
        _refuse("ends", _("起始日期和截止日期必须填写"))
    if starts >= ends:
        _refuse("ends", _("截止日期必须晚于起始日期"))
    labels = {
        "quantitative_weight": _("定量权重"),
        "inspection_weight": _("实看权重"),
        "survey_weight": _("民评权重"),
    }
    for field, value in weights.items():
        _weight(value, field, labels[field])
    _sums_to_one(list(weights.values()), "survey_weight", _("定量、实看、民评三项权重"))
    if not isinstance(grade_bands, Mapping) or set(grade_bands) != set(GRADES):
        _refuse("grade_bands", _("等次分数线必须给出优秀、良好、一般三档"))
    try:
        lines = [float(grade_bands[g]) for g in GRADES]
    except (TypeError, ValueError):
        _refuse("grade_bands", _("等次分数线必须是数字"))
    if not all(0 < x <= 100 for x in lines) or not lines[0] > lines[1] > lines[2]:
        _refuse("grade_bands", _("等次分数线须在 0–100 之间，且优秀 > 良好 > 一般"))
    if not isinstance(min_ballots, int) or min_ballots < 1:
        _refuse("min_ballots", _("最少样本数必须是正整数"))


CYCLE_FIELDS = (
    "name",
    "period",
    "starts",
    "ends",
    "quantitative_weight",
    "inspection_weight",
    "survey_weight",
    "grade_bands",
    "min_ballots",
)


def cycle_create(
    *,
    actor,
    name: str,
    period: str,
    starts: date,
    ends: date,
    quantitative_weight=Decimal("0.4"),
    inspection_weight=Decimal("0.2"),
    survey_weight=Decimal("0.4"),
    grade_bands: dict | None = None,
    min_ballots: int = 10,
) -> Cycle:
    scope.require_manager(actor)
    bands = grade_bands if grade_bands is not None else {"优秀": 90, "良好": 80, "一般": 60}
    weights = {
        "quantitative_weight": quantitative_weight,
        "inspection_weight": inspection_weight,
        "survey_weight": survey_weight,
    }
    _check_cycle(
        name=name,
        period=period,
        starts=starts,
        ends=ends,
        weights=weights,
        grade_bands=bands,
        min_ballots=min_ballots,
    )
    name = name.strip()
    with transaction.atomic():
        if Cycle.objects.filter(name=name).exists():
            _refuse("name", _("已有同名的考核周期"))
        cycle = Cycle.objects.create(
            name=name,
            period=period,
            starts=starts,
            ends=ends,
            grade_bands=dict(bands),
            min_ballots=min_ballots,
            created_by=actor,
            **{k: Decimal(str(v)) for k, v in weights.items()},
        )
        audit.record(
            "evaluation_cycle.create",
            actor=actor,
            obj=cycle,
            detail={"name": name, "starts": str(starts), "ends": str(ends)},
        )
    return cycle


def cycle_update(*, actor, cycle: Cycle, **changes) -> Cycle:
    """Change a cycle while it is a draft; its period and weights are fixed once it opens."""
    scope.require_manager(actor)
    unknown = set(changes) - set(CYCLE_FIELDS)
    if unknown:
        raise TypeError(f"cycle_update: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.status != S.DRAFT:
            _refuse(None, _("考核周期已开始，不能再修改"))
        values = {f: changes.get(f, getattr(locked, f)) for f in CYCLE_FIELDS}
        weights = {
            f: values[f] for f in ("quantitative_weight", "inspection_weight", "survey_weight")
        }
        _check_cycle(
            name=values["name"],
            period=values["period"],
            starts=values["starts"],
            ends=values["ends"],
            weights=weights,
            grade_bands=values["grade_bands"],
            min_ballots=values["min_ballots"],
        )
        values["name"] = values["name"].strip()
        if Cycle.objects.filter(name=values["name"]).exclude(pk=locked.pk).exists():
            _refuse("name", _("已有同名的考核周期"))
        before = {f: str(getattr(locked, f)) for f in changes}
        for field in changes:
            value = values[field]
            if field in weights:
                value = Decimal(str(value))
            setattr(locked, field, value)
        locked.save(update_fields=list(changes))
        audit.record(
            "evaluation_cycle.update",
            actor=actor,
            obj=locked,
            detail={"from": before, "to": {f: str(getattr(locked, f)) for f in changes}},
        )
    return locked


def cycle_problems(cycle: Cycle) -> list[str]:
    """What keeps a draft cycle from opening, in words a manager can act on."""
    problems = []
    subjects = list(cycle.subjects.select_related("scheme"))
    if not subjects:
        problems.append(_("还没有考核对象"))
    groups = list(cycle.rater_groups.all())
    if not groups:
        problems.append(_("还没有设置评价群体"))
    else:
        total = sum(float(g.weight) for g in groups)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            problems.append(_("评价群体权重之和必须等于 1（现为 %(t)s）") % {"t": f"{total:.4f}"})
    for scheme in {s.scheme for s in subjects}:
        problems.extend(scheme_problems(scheme))
    return problems


def cycle_open(*, actor, cycle: Cycle) -> Cycle:
    """筹备 → 进行中: from now on the weights of the scheme and of the rater groups are fixed."""
    scope.require_manager(actor)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.status != S.DRAFT:
            _refuse(None, _("只有筹备中的考核周期可以开始"))
        if locked.subjects.filter(user=actor).exists():
            _refuse(None, _("被考核人不能开始本人所在的考核周期"))
        problems = cycle_problems(locked)
        if problems:
            raise EvaluationError(problems)
        locked.status = S.OPEN
        locked.save(update_fields=["status"])
        audit.record(
            "evaluation_cycle.open",
            actor=actor,
            obj=locked,
            detail={
                "from": S.DRAFT,
                "to": S.OPEN,
                "rater_groups": {g.kind: str(g.weight) for g in locked.rater_groups.all()},
            },
        )
    return locked


# Schemes, dimensions, indicators


def scheme_in_use(scheme: Scheme) -> bool:
    return scheme.subjects.exclude(cycle__status=S.DRAFT).exists()


def _require_editable(scheme: Scheme) -> None:
    if scheme_in_use(scheme):
        _refuse(
            None,
            _("方案“%(name)s”已用于已开始的考核周期，权重和指标不能再改；请复制为新方案后修改")
            % {"name": scheme.name},
        )


def scheme_save(
    *, actor, scheme: Scheme | None = None, name: str, post_type: str, description: str = ""
) -> Scheme:
    scope.require_manager(actor)
    name, post_type = (name or "").strip(), (post_type or "").strip()
    if not name:
        _refuse("name", _("名称不能为空"))
    if not post_type:
        _refuse("post_type", _("岗位类型不能为空"))
    with transaction.atomic():
        clash = Scheme.objects.filter(name=name)
        if scheme is not None:
            clash = clash.exclude(pk=scheme.pk)
        if clash.exists():
            _refuse("name", _("已有同名的考核方案"))
        if scheme is None:
            scheme = Scheme.objects.create(name=name, post_type=post_type, description=description)
            action = "evaluation_scheme.create"
        else:
            scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
            scheme.name, scheme.post_type, scheme.description = name, post_type, description
            scheme.save(update_fields=["name", "post_type", "description"])
            action = "evaluation_scheme.update"
        audit.record(action, actor=actor, obj=scheme, detail={"name": name})
    return scheme


def scheme_copy(*, actor, scheme: Scheme, name: str) -> Scheme:
    """A new scheme with the same dimensions, indicators, weights and matrices, to be changed
    for a later cycle while the one in use stays as it was scored."""
    scope.require_manager(actor)
    with transaction.atomic():
        copy = scheme_save(
            actor=actor, name=name, post_type=scheme.post_type, description=scheme.description
        )
        copy.ahp_matrix, copy.ahp_cr = scheme.ahp_matrix, scheme.ahp_cr
        copy.save(update_fields=["ahp_matrix", "ahp_cr"])
        for dimension in scheme.dimensions.prefetch_related("indicators"):
            indicators = list(dimension.indicators.all())
            dimension.pk, dimension.scheme = None, copy
            dimension.save()
            for indicator in indicators:
                indicator.pk, indicator.dimension = None, dimension
                indicator.save()
        audit.record("evaluation_scheme.copy", actor=actor, obj=copy, detail={"from": scheme.pk})
    return copy


def dimension_save(
    *, actor, scheme: Scheme, dimension: Dimension | None = None, code: str, weight
) -> Dimension:
    """Add or change one dimension. Its weight is checked against its siblings when the cycle
    opens (or set for all at once with dimension_weights_set)."""
    scope.require_manager(actor)
    if code not in Dimension.Code.values:
        _refuse("code", _("维度必须是经济、教育、文化、环境、民生、治理或党建之一"))
    weight = _weight(weight, "weight", _("维度权重"))
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        _require_editable(scheme)
        clash = scheme.dimensions.filter(code=code)
        if dimension is not None:
            clash = clash.exclude(pk=dimension.pk)
        if clash.exists():
            _refuse("code", _("该方案已有这个维度"))
        if dimension is None:
            dimension = Dimension.objects.create(scheme=scheme, code=code, weight=weight)
            # A new dimension does not fit the old matrix.
            _clear_scheme_matrix(scheme)
            action = "evaluation_dimension.create"
        else:
            dimension = Dimension.objects.select_for_update().get(pk=dimension.pk, scheme=scheme)
            if dimension.weight != weight:
                _clear_scheme_matrix(scheme)
            dimension.code, dimension.weight = code, weight
            dimension.save(update_fields=["code", "weight"])
            action = "evaluation_dimension.update"
        audit.record(
            action, actor=actor, obj=dimension, detail={"code": code, "weight": str(weight)}
        )
    return dimension


INDICATOR_FIELDS = (
    "code",
    "name",
    "kind",
    "visibility",
    "direction",
    "unit",
    "source",
    "source_key",
    "weight",
    "target",
    "floor",
    "tolerance",
)


def _check_indicator(values: dict) -> dict:
    if not (values["code"] or "").strip():
        _refuse("code", _("编码不能为空"))
    if not (values["name"] or "").strip():
        _refuse("name", _("名称不能为空"))
    if values["kind"] not in Indicator.Kind.values:
        _refuse("kind", _("类别必须是数量、质量或效益"))
    if values["visibility"] not in Indicator.Visibility.values:
        _refuse("visibility", _("必须注明显绩或潜绩"))
    if values["direction"] not in Indicator.Direction.values:
        _refuse("direction", _("方向必须是越高越好或越低越好"))
    if values["source"] not in SRC.values:
        _refuse("source", _("数据来源不在可选范围内"))
    key = (values.get("source_key") or "").strip()
    if values["source"] == SRC.PARTY_FIGURE:
        if key not in PARTY_FIGURES:
            _refuse("source_key", _("党建台账计数须选择台账中的一项指标"))
    else:
        key = ""
    numbers = {}
    for field, label in (
        ("target", _("目标值")),
        ("floor", _("底线值")),
        ("tolerance", _("核查容差")),
    ):
        try:
            numbers[field] = float(values[field])
        except (TypeError, ValueError):
            _refuse(field, _("%(l)s必须是数字") % {"l": label})
        if not math.isfinite(numbers[field]):
            _refuse(field, _("%(l)s必须是数字") % {"l": label})
    if numbers["target"] == numbers["floor"]:
        _refuse("floor", _("底线值不能等于目标值"))
    cost = values["direction"] == Indicator.Direction.COST
    if cost and numbers["floor"] < numbers["target"]:
        _refuse("floor", _("越低越好的指标，底线值应高于目标值"))
    if not cost and numbers["floor"] > numbers["target"]:
        _refuse("floor", _("越高越好的指标，底线值应低于目标值"))
    if not 0 <= numbers["tolerance"] <= 10:
        _refuse("tolerance", _("核查容差必须在 0 到 10 之间（0.1 即相差 10%）"))
    return {
        **values,
        **numbers,
        "code": values["code"].strip(),
        "name": values["name"].strip(),
        "unit": (values.get("unit") or "").strip(),
        "source_key": key,
        "weight": _weight(values["weight"], "weight", _("指标权重")),
    }


def indicator_save(
    *, actor, dimension: Dimension, indicator: Indicator | None = None, **fields
) -> Indicator:
    """Add or change one indicator (fields: INDICATOR_FIELDS; unit, source_key, direction and
    tolerance may be left out)."""
    scope.require_manager(actor)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"indicator_save: unknown fields {sorted(unknown)}")
    defaults = {
        "unit": "",
        "source_key": "",
        "direction": Indicator.Direction.BENEFIT,
        "tolerance": 0.1,
    }
    base = {f: getattr(indicator, f) for f in INDICATOR_FIELDS} if indicator else defaults
    missing = [f for f in INDICATOR_FIELDS if f not in fields and f not in base]
    if missing:
        _refuse(
            missing[0],
            _("%(f)s必须填写") % {"f": Indicator._meta.get_field(missing[0]).verbose_name},
        )
    values = _check_indicator({**base, **fields})
    with transaction.atomic():
        dimension = Dimension.objects.select_for_update().get(pk=dimension.pk)
        _require_editable(dimension.scheme)
        clash = dimension.indicators.filter(code=values["code"])
        if indicator is not None:
            clash = clash.exclude(pk=indicator.pk)
        if clash.exists():
            _refuse("code", _("该维度已有相同编码的指标"))
        if indicator is None:
            indicator = Indicator.objects.create(dimension=dimension, **values)
            _clear_dimension_matrix(dimension)
            action = "evaluation_indicator.create"
            changed = list(values)
        else:
            indicator = Indicator.objects.select_for_update().get(
                pk=indicator.pk, dimension=dimension
            )
            changed = [f for f in INDICATOR_FIELDS if getattr(indicator, f) != values[f]]
            if "weight" in changed:
                _clear_dimension_matrix(dimension)
            for field in changed:
                setattr(indicator, field, values[field])
            if changed:
                indicator.save(update_fields=changed)
            action = "evaluation_indicator.update"
        audit.record(
            action,
            actor=actor,
            obj=indicator,
            detail={f: str(values[f]) for f in changed},
        )
    return indicator


def _clear_scheme_matrix(scheme: Scheme) -> None:
    if scheme.ahp_matrix is not None:
        scheme.ahp_matrix, scheme.ahp_cr = None, None
        scheme.save(update_fields=["ahp_matrix", "ahp_cr"])


def _clear_dimension_matrix(dimension: Dimension) -> None:
    if dimension.ahp_matrix is not None:
        dimension.ahp_matrix, dimension.ahp_cr = None, None
        dimension.save(update_fields=["ahp_matrix", "ahp_cr"])


def _direct_weights(items, weights: Mapping, label: str) -> dict:
    """{item: weight} for every item of a level, checked to cover them all and sum to 1."""
    by_pk = {item.pk: item for item in items}
    given = {int(k): v for k, v in weights.items()}
    if set(given) != set(by_pk):
        _refuse("weights", _("须为每一项填写%(l)s") % {"l": label})
    checked = {by_pk[pk]: _weight(w, "weights", label) for pk, w in given.items()}
    _sums_to_one(list(checked.values()), "weights", label)
    return checked


def dimension_weights_set(*, actor, scheme: Scheme, weights: Mapping) -> Scheme:
    """Set the weights of all of a scheme's dimensions at once ({dimension id: weight})."""
    scope.require_manager(actor)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        _require_editable(scheme)
        checked = _direct_weights(scheme.dimensions.all(), weights, _("维度权重"))
        _write_weights(checked)
        _clear_scheme_matrix(scheme)
        audit.record(
            "evaluation_scheme.weights",
            actor=actor,
            obj=scheme,
            detail={"method": "direct", "weights": {d.code: str(w) for d, w in checked.items()}},
        )
    return scheme


def indicator_weights_set(*, actor, dimension: Dimension, weights: Mapping) -> Dimension:
    """Set the weights of all of a dimension's indicators at once ({indicator id: weight})."""
    scope.require_manager(actor)
    with transaction.atomic():
        dimension = Dimension.objects.select_for_update().get(pk=dimension.pk)
        _require_editable(dimension.scheme)
        checked = _direct_weights(dimension.indicators.all(), weights, _("指标权重"))
        _write_weights(checked)
        _clear_dimension_matrix(dimension)
        audit.record(
            "evaluation_dimension.weights",
            actor=actor,
            obj=dimension,
            detail={"method": "direct", "weights": {i.code: str(w) for i, w in checked.items()}},
        )
    return dimension


def _write_weights(checked: dict) -> None:
    for item, weight in checked.items():
        item.weight = weight
        item.save(update_fields=["weight"])


def ahp(matrix, n: int) -> tuple[scoring.AhpResult, list[list[float]]]:
    """The AHP result of a matrix for n items, or the refusal saying why it cannot be used."""
    try:
        rows = [[float(x) for x in row] for row in matrix]
    except (TypeError, ValueError):
        _refuse("ahp_matrix", _("判断矩阵的每一项都必须是数字"))
    if n < 1:
        _refuse("ahp_matrix", _("还没有可以比较的项目"))
    if len(rows) != n or any(len(row) != n for row in rows):
        _refuse("ahp_matrix", _("判断矩阵必须是 %(n)d×%(n)d 的方阵（每项一行一列）") % {"n": n})
    if not all(math.isfinite(x) for row in rows for x in row):
        _refuse("ahp_matrix", _("判断矩阵的每一项都必须是数字"))
    try:
        result = scoring.ahp_weights(rows)
    except ValueError as error:
        _refuse("ahp_matrix", str(error))
    if not result.consistent:
        _refuse(
            "ahp_matrix",
            _("判断矩阵一致性比率 CR=%(cr)s ≥ %(limit)s，请调整")
            % {"cr": f"{result.cr:.2f}", "limit": f"{scoring.CR_LIMIT:.2f}"},
        )
    return result, rows


def _cr(result: scoring.AhpResult) -> Decimal:
    return Decimal(str(result.cr)).quantize(WEIGHT_PLACES, rounding=ROUND_HALF_EVEN)


def dimension_weights_from_ahp(*, actor, dimension: Dimension, matrix) -> scoring.AhpResult:
    """The weights of a dimension's indicators (in their order) from a pairwise matrix; a matrix
    with CR ≥ 0.10 is refused with the ratio."""
    scope.require_manager(actor)
    with transaction.atomic():
        dimension = Dimension.objects.select_for_update().get(pk=dimension.pk)
        _require_editable(dimension.scheme)
        indicators = list(dimension.indicators.all())
        result, rows = ahp(matrix, len(indicators))
        weights = rounded_weights(result.weights)
        _write_weights(dict(zip(indicators, weights, strict=True)))
        dimension.ahp_matrix, dimension.ahp_cr = rows, _cr(result)
        dimension.save(update_fields=["ahp_matrix", "ahp_cr"])
        audit.record(
            "evaluation_dimension.weights",
            actor=actor,
            obj=dimension,
            detail=_ahp_detail(result, rows, [i.code for i in indicators], weights),
        )
    return result


def scheme_weights_from_ahp(*, actor, scheme: Scheme, matrix) -> scoring.AhpResult:
    """The weights of a scheme's dimensions (in their order) from a pairwise matrix."""
    scope.require_manager(actor)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        _require_editable(scheme)
        dimensions = list(scheme.dimensions.all())
        result, rows = ahp(matrix, len(dimensions))
        weights = rounded_weights(result.weights)
        _write_weights(dict(zip(dimensions, weights, strict=True)))
        scheme.ahp_matrix, scheme.ahp_cr = rows, _cr(result)
        scheme.save(update_fields=["ahp_matrix", "ahp_cr"])
        audit.record(
            "evaluation_scheme.weights",
            actor=actor,
            obj=scheme,
            detail=_ahp_detail(result, rows, [d.code for d in dimensions], weights),
        )
    return result


def _ahp_detail(result, rows, codes, weights) -> dict:
    return {
        "method": "ahp",
        "matrix": rows,
        "order": codes,
        "weights": [str(w) for w in weights],
        "lambda_max": round(result.lambda_max, 6),
        "ci": round(result.ci, 6),
        "cr": round(result.cr, 6),
    }


def scheme_problems(scheme: Scheme) -> list[str]:
    """What is wrong with a scheme's weights, level by level (empty when it can be used)."""
    label = scheme.name
    dimensions = list(scheme.dimensions.prefetch_related("indicators"))
    if not dimensions:
        return [_("方案“%(s)s”还没有维度") % {"s": label}]
    problems = []
    total = sum(float(d.weight) for d in dimensions)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        problems.append(
            _("方案“%(s)s”各维度权重之和必须等于 1（现为 %(t)s）")
            % {"s": label, "t": f"{total:.4f}"}
        )
    for d in dimensions:
        indicators = list(d.indicators.all())
        if not indicators:
            problems.append(
                _("方案“%(s)s”的“%(d)s”维度还没有指标") % {"s": label, "d": d.get_code_display()}
            )
            continue
        total = sum(float(i.weight) for i in indicators)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            problems.append(
                _("方案“%(s)s”的“%(d)s”维度内指标权重之和必须等于 1（现为 %(t)s）")
                % {"s": label, "d": d.get_code_display(), "t": f"{total:.4f}"}
            )
    return problems


# Subjects and rater groups


def _require_draft_or_open(cycle: Cycle) -> None:
    if cycle.status not in (S.DRAFT, S.OPEN):
        _refuse(None, _("考核周期已公示或锁定，不能再增加考核对象"))


def subject_add(
    *,
    actor,
    cycle: Cycle,
    scheme: Scheme,
    kind: str,
    name: str,
    post: str = "",
    user=None,
    area: Area | None = None,
    unit=None,
    party_org=None,
) -> Subject:
    scope.require_manager(actor)
    name = (name or "").strip()
    if not name:
        _refuse("name", _("名称不能为空"))
    if kind not in Subject.Kind.values:
        _refuse("kind", _("对象类型必须是干部、单位或社区"))
    if user is not None and user.pk == actor.pk:
        _refuse("user", _("不能把自己列为考核对象"))
    if kind == Subject.Kind.CADRE and user is None:
        _refuse("user", _("考核干部须关联其本人账号，以便回避本人考核数据"))
    if kind == Subject.Kind.UNIT and unit is None:
        _refuse("unit", _("考核单位须选择所在单位"))
    if kind == Subject.Kind.COMMUNITY and (area is None or area.kind != Area.Kind.COMMUNITY):
        _refuse("area", _("考核社区须选择一个社区"))
    sources = set(
        Indicator.objects.filter(dimension__scheme=scheme).values_list("source", flat=True)
    )
    if sources & AREA_SOURCES and area is None:
        _refuse("area", _("方案含入户走访或议事会指标，须选择考核区域"))
    if sources & CONCERN_SOURCES and area is None and unit is None:
        _refuse("area", _("方案含诉求办理指标，须选择考核区域或所在单位"))
    if sources & PARTY_SOURCES and party_org is None:
        _refuse("party_org", _("方案含党建指标，须选择党组织"))
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _require_draft_or_open(cycle)
        if cycle.subjects.filter(name=name).exists():
            _refuse("name", _("本周期已有同名的考核对象"))
        if user is not None and cycle.subjects.filter(user=user).exists():
            _refuse("user", _("该账号在本周期已是考核对象"))
        subject = Subject.objects.create(
            cycle=cycle,
            scheme=scheme,
            kind=kind,
            name=name,
            post=(post or "").strip(),
            user=user,
            area=area,
            unit=unit,
            party_org=party_org,
        )
        audit.record(
            "evaluation_subject.add",
            actor=actor,
            obj=subject,
            detail={
                "cycle": cycle.pk,
                "scheme": scheme.pk,
                "kind": kind,
                "user": getattr(user, "pk", None),
                "area": getattr(area, "pk", None),
                "unit": getattr(unit, "pk", None),
                "party_org": getattr(party_org, "pk", None),
            },
        )
    return subject


def _require_groups_editable(cycle: Cycle) -> Cycle:
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != S.DRAFT:
        _refuse("weight", _("评价群体及其权重已在考核开始时固定，不能再修改"))
    return cycle


def rater_group_set(*, actor, cycle: Cycle, kind: str, weight) -> RaterGroup:
    """Add a rater group or change its weight while the cycle is a draft; the weights must sum
    to 1 when the cycle opens."""
    scope.require_manager(actor)
    if kind not in RaterGroup.Kind.values:
        _refuse("kind", _("评价群体不在可选范围内"))
    weight = _weight(weight, "weight", _("评价群体权重"))
    if weight <= 0:
        _refuse("weight", _("评价群体权重必须大于 0；不需要的群体请删除"))
    with transaction.atomic():
        cycle = _require_groups_editable(cycle)
        group, created = RaterGroup.objects.select_for_update().get_or_create(
            cycle=cycle, kind=kind, defaults={"weight": weight}
        )
        before = None if created else str(group.weight)
        if not created and group.weight != weight:
            group.weight = weight
            group.save(update_fields=["weight"])
        audit.record(
            "evaluation_rater_group.set",
            actor=actor,
            obj=group,
            detail={"cycle": cycle.pk, "kind": kind, "from": before, "to": str(weight)},
        )
    return group


def rater_group_remove(*, actor, cycle: Cycle, kind: str) -> None:
    scope.require_manager(actor)
    with transaction.atomic():
        cycle = _require_groups_editable(cycle)
        group = cycle.rater_groups.filter(kind=kind).first()
        if group is None:
            return
        if group.invitations.exists() or group.tokens.exists():
            _refuse("kind", _("该评价群体已发出评价邀请，不能删除"))
        audit.record(
            "evaluation_rater_group.remove",
            actor=actor,
            obj=group,
            detail={"cycle": cycle.pk, "kind": kind, "weight": str(group.weight)},
        )
        group.delete()
