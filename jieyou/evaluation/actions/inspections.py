"""实看: an audited random draw of reported figures and sites to check, and what the inspector
saw there.

The draw is out of the subject's hands and can be redone by anyone: its seed comes from
`secrets` at the moment of the draw and is kept on the plan and in the audit entry, and the
sample is a fixed function of the seed and the sorted figure ids:

    rank(x) = HMAC-SHA256(key = seed as ASCII text, message = x) as hex
    figures: the ⌈share × N⌉ figure ids with the smallest rank("figure:<id>")
    site of a subject: the candidate with the smallest rank("site:<subject id>:<name>")
    inspector of a task: among those eligible, the one with fewest tasks so far, ties broken
    by the smallest rank("inspector:<task key>:<user id>")

Inspectors never come from the subject's unit or community, and never check a figure they
entered or verified. An inspection flags 数据失真 when the observed value differs from the
reported one by more than the indicator's tolerance; the results replace the reported figure.
"""

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.concerns.photos import check_count, reencode
from jieyou.core import audit
from jieyou.core.models import AuditEntry
from jieyou.people import access
from jieyou.places.models import Area
from jieyou.places.queries import areas_under

from .. import scope
from ..errors import EvaluationError
from ..models import (
    Cycle,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    InspectionTask,
    ReportedFigure,
    Subject,
)

DRAW_ACTION = "evaluation_plan.draw"
# The criteria an inspector scores on site, 0–100 each.
CRITERIA = ("现场真实性", "群众知晓度", "工作成效")
# Below this a reported figure counts as zero when the relative gap is taken.
TINY = 1e-9
DRAWN = (ReportedFigure.Status.ENTERED, ReportedFigure.Status.VERIFIED)


def _refuse(field: str | None, message: str):
    raise EvaluationError({field: [message]} if field else message)


@dataclass(frozen=True)
class Pick:
    subject_id: int
    figure_id: int | None
    site: str
    inspector_id: int

    @property
    def key(self) -> str:
        return task_key(self.subject_id, self.figure_id)


def task_key(subject_id: int, figure_id: int | None) -> str:
    return f"figure:{figure_id}" if figure_id is not None else f"site:{subject_id}"


# The draw: pure functions of the seed and the recorded inputs.


def rank(seed: str, label: str) -> str:
    return hmac.new(seed.encode("ascii"), label.encode("utf-8"), hashlib.sha256).hexdigest()


def sample_size(share: float, population: int) -> int:
    return min(population, math.ceil(share * population - 1e-9)) if population else 0


def draw_figures(seed: str, figure_ids, share: float) -> list[int]:
    """The drawn figure ids, ascending."""
    ids = sorted(set(figure_ids))
    chosen = sorted(ids, key=lambda pk: rank(seed, f"figure:{pk}"))[: sample_size(share, len(ids))]
    return sorted(chosen)


def draw_site(seed: str, subject_id: int, candidates) -> str | None:
    return min(candidates, key=lambda c: rank(seed, f"site:{subject_id}:{c}"), default=None)


def assign(seed: str, keys: list[str], eligible: dict[str, list[int]]) -> dict[str, int]:
    """Task key → inspector id, spreading the tasks over the eligible inspectors."""
    load: dict[int, int] = {}
    chosen = {}
    for key in keys:
        pk = min(eligible[key], key=lambda u: (load.get(u, 0), rank(seed, f"inspector:{key}:{u}")))
        load[pk] = load.get(pk, 0) + 1
        chosen[key] = pk
    return chosen


def picks_from(
    seed: str,
    share: float,
    figures: dict[int, int],
    sites: dict[int, list[str]],
    eligible: dict[str, list[int]],
) -> list[Pick]:
    """The whole draw from its recorded inputs: figures {figure id: subject id}, sites
    {subject id: candidates}, eligible {task key: inspector ids}."""
    drawn = draw_figures(seed, figures, share)
    planned = [(figures[f], f, "") for f in drawn]
    for subject_id in sorted(sites):
        site = draw_site(seed, subject_id, sites[subject_id])
        if site is not None:
            planned.append((subject_id, None, site))
    keys = [task_key(s, f) for s, f, _site in planned]
    inspectors = assign(seed, keys, eligible)
    return [Pick(s, f, site, inspectors[task_key(s, f)]) for s, f, site in planned]


# Inputs read from the database at the moment of the draw.


def site_candidates(subject: Subject) -> list[str]:
    """Where a subject's work can be seen: the compounds of its area (or the area itself when
    it has none), else its unit's address."""
    if subject.area_id is not None:
        compounds = areas_under([subject.area.path]).filter(kind=Area.Kind.COMPOUND)
        names = sorted({a.name for a in compounds})
        return names or [subject.area.name]
    if subject.unit_id is not None:
        unit = subject.unit
        return [f"{unit.name}（{unit.address}）" if unit.address else unit.name]
    return []


def _eligible(inspectors, subject: Subject, figure: ReportedFigure | None) -> list[int]:
    barred = set()
    if figure is not None:
        barred = {figure.entered_by_id, figure.verified_by_id}
    return sorted(
        u.pk for u in inspectors if u.pk not in barred and not scope.related_to(u, subject)
    )


def _check_inspectors(inspectors) -> list:
    unique = {}
    for user in inspectors or ():
        if user is None:
            continue
        unique[user.pk] = user
    if not unique:
        _refuse("inspectors", _("请至少选择一名核查人员"))
    for user in unique.values():
        if not user.is_active or access.staff_of(user) is None:
            _refuse(
                "inspectors",
                _("“%(u)s”不是在职工作人员，不能担任核查人员") % {"u": user.get_username()},
            )
    return [unique[pk] for pk in sorted(unique)]


def plan_draw(*, actor, cycle: Cycle, name: str, share, inspectors) -> InspectionPlan:
    """Draw figures and sites to check and assign inspectors, in one audited step."""
    scope.require_manager(actor)
    name = (name or "").strip()
    if not name:
        _refuse("name", _("名称不能为空"))
    try:
        share = float(share)
    except (TypeError, ValueError):
        _refuse("share", _("抽查比例必须是数字"))
    if not 0 < share <= 1:
        _refuse("share", _("抽查比例必须大于 0 且不超过 1（如 0.3 即抽查 30%）"))
    inspectors = _check_inspectors(inspectors)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.status not in (Cycle.Status.DRAFT, Cycle.Status.OPEN):
            _refuse(None, _("考核周期已公示或锁定，不能再抽签核查"))
        subjects = list(cycle.subjects.select_related("area", "unit").order_by("pk"))
        if any(s.user_id == actor.pk for s in subjects):
            _refuse(None, _("被考核人不能发起本周期的核查抽签"))
        by_id = {s.pk: s for s in subjects}
        figures = {
            f.pk: f for f in ReportedFigure.objects.filter(subject__cycle=cycle, status__in=DRAWN)
        }
        seed = secrets.token_hex(16)
        drawn = draw_figures(seed, figures, share)
        sites = {s.pk: site_candidates(s) for s in subjects}
        eligible, task_subjects = {}, {}
        for pk in drawn:
            figure = figures[pk]
            key = task_key(figure.subject_id, pk)
            task_subjects[key] = by_id[figure.subject_id]
            eligible[key] = _eligible(inspectors, task_subjects[key], figure)
        for s in subjects:
            if sites[s.pk]:
                key = task_key(s.pk, None)
                task_subjects[key] = s
                eligible[key] = _eligible(inspectors, s, None)
        for key, ids in eligible.items():
            if not ids:
                _refuse(
                    "inspectors",
                    _(
                        "“%(s)s”没有可派的核查人员：核查人员不能是被考核人，不能来自其单位或社区，"
                        "也不能是该数据的填报人或核验人；请增加其他单位的核查人员"
                    )
                    % {"s": task_subjects[key].name},
                )
        inputs = {
            "seed": seed,
            "share": share,
            "figures": {str(pk): figures[pk].subject_id for pk in sorted(figures)},
            "sites": {str(pk): names for pk, names in sites.items()},
            "eligible": eligible,
        }
        picks = picks_from(
            seed,
            share,
            {pk: f.subject_id for pk, f in figures.items()},
            {pk: names for pk, names in sites.items() if names},
            eligible,
        )
        if not picks:
            _refuse(None, _("本周期还没有可抽查的填报数据或现场"))
        plan = InspectionPlan.objects.create(
            cycle=cycle,
            name=name,
            share=share,
            seed=seed,
            drawn_by=actor,
            drawn_at=timezone.now(),
        )
        InspectionTask.objects.bulk_create(
            InspectionTask(
                plan=plan,
                subject_id=p.subject_id,
                figure_id=p.figure_id,
                site=p.site,
                inspector_id=p.inspector_id,
            )
            for p in picks
        )
        audit.record(
            DRAW_ACTION,
            actor=actor,
            obj=plan,
            detail={
                **inputs,
                "picks": [[p.subject_id, p.figure_id, p.site, p.inspector_id] for p in picks],
            },
        )
    return plan


def plan_redo_draw(plan: InspectionPlan) -> list[Pick]:
    """Redo a plan's draw from its seed and the inputs recorded in its audit entry; equal to
    the plan's tasks unless someone changed them."""
    entry = AuditEntry.objects.filter(
        action=DRAW_ACTION,
        object_type=InspectionPlan._meta.label_lower,
        object_id=str(plan.pk),
    ).first()
    if entry is None:
        raise EvaluationError(_("找不到该核查计划的抽签记录"))
    d = entry.detail
    if d["seed"] != plan.seed:
        raise EvaluationError(_("核查计划的随机种子与抽签记录不符"))
    return picks_from(
        plan.seed,
        float(d["share"]),
        {int(k): v for k, v in d["figures"].items()},
        {int(k): v for k, v in d["sites"].items() if v},
        d["eligible"],
    )


def plan_picks(plan: InspectionPlan) -> list[Pick]:
    """The plan's tasks as picks, in the draw's order, to compare with plan_redo_draw."""
    tasks = plan.tasks.order_by("pk")
    return [Pick(t.subject_id, t.figure_id, t.site, t.inspector_id) for t in tasks]


# Recording an inspection.


def _coordinate(value, field: str, label: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        _refuse(field, _("%(l)s必须是数字") % {"l": label})
    if not math.isfinite(number) or not -limit <= number <= limit:
        _refuse(field, _("%(l)s必须在 -%(n)d 到 %(n)d 之间") % {"l": label, "n": limit})
    return Decimal(str(round(number, 6)))


def _scores(criterion_scores) -> dict[str, float]:
    if not isinstance(criterion_scores, dict) or not criterion_scores:
        _refuse("criterion_scores", _("请为各项核查标准打分（0–100）"))
    scores = {}
    for name, value in criterion_scores.items():
        label = str(name).strip()[:50]
        if not label:
            _refuse("criterion_scores", _("评分项名称不能为空"))
        try:
            number = float(value)
        except (TypeError, ValueError):
            _refuse("criterion_scores", _("“%(c)s”的评分必须是数字") % {"c": label})
        if not math.isfinite(number) or not 0 <= number <= 100:
            _refuse("criterion_scores", _("“%(c)s”的评分必须在 0 到 100 之间") % {"c": label})
        scores[label] = number
    return scores


def gap(reported: float, observed: float) -> float:
    """|reported − observed| relative to the reported figure."""
    return abs(reported - observed) / max(abs(reported), TINY)


def inspection_record(
    *,
    actor,
    task: InspectionTask,
    inspected_at: datetime,
    latitude=None,
    longitude=None,
    place: str = "",
    findings: str,
    observed_value=None,
    criterion_scores: dict,
    photos=(),
) -> Inspection:
    """What the assigned inspector saw on site, with photos (EXIF stripped) and, for a figure,
    the observed value and whether the reported one was 数据失真."""
    if task.inspector_id != getattr(actor, "pk", None):
        _refuse(None, _("只有被指派的核查人员可以填写核查记录"))
    scope.refuse_subject(actor, task.subject)
    if not isinstance(inspected_at, datetime):
        _refuse("inspected_at", _("请填写核查时间"))
    if timezone.is_naive(inspected_at):
        inspected_at = timezone.make_aware(inspected_at)
    if inspected_at > timezone.now() + timedelta(minutes=5):
        _refuse("inspected_at", _("核查时间不能晚于现在"))
    if inspected_at < task.plan.drawn_at - timedelta(minutes=5):
        _refuse("inspected_at", _("核查时间不能早于抽签时间"))
    latitude = _coordinate(latitude, "latitude", _("纬度"), 90)
    longitude = _coordinate(longitude, "longitude", _("经度"), 180)
    if (latitude is None) != (longitude is None):
        _refuse("latitude", _("经纬度须同时填写"))
    place = (place or "").strip()
    if len(place) > 200:
        _refuse("place", _("地点不能超过 200 字"))
    if not place and latitude is None:
        _refuse("place", _("请填写核查地点或附上现场定位"))
    findings = (findings or "").strip()
    if not findings:
        _refuse("findings", _("请填写核查发现"))
    if len(findings) > 4000:
        _refuse("findings", _("核查发现不能超过 4000 字"))
    observed = None
    if task.figure_id is not None:
        if observed_value is None or observed_value == "":
            _refuse("observed_value", _("核查填报数据须填写核实值"))
        try:
            observed = float(observed_value)
        except (TypeError, ValueError):
            _refuse("observed_value", _("核实值必须是数字"))
        if not math.isfinite(observed):
            _refuse("observed_value", _("核实值必须是数字"))
    scores = _scores(criterion_scores)
    photos = list(photos or ())
    if not photos:
        _refuse("photos", _("请上传至少一张现场照片"))
    try:
        check_count(photos)
        encoded = [reencode(p, position=i) for i, p in enumerate(photos, start=1)]
    except ValidationError as error:
        raise EvaluationError(error.message_dict) from None
    with transaction.atomic():
        locked = (
            InspectionTask.objects.select_for_update(of=("self",))
            .select_related("plan__cycle", "figure__indicator", "subject")
            .get(pk=task.pk)
        )
        if locked.status != InspectionTask.Status.ASSIGNED:
            _refuse(None, _("该任务已核查，不能重复填写"))
        if locked.plan.cycle.status not in (Cycle.Status.DRAFT, Cycle.Status.OPEN):
            _refuse(None, _("考核周期已公示或锁定，不能再填写核查记录"))
        reported = distorted = relative = None
        tolerance = None
        if locked.figure_id is not None:
            figure = ReportedFigure.objects.select_for_update().get(pk=locked.figure_id)
            reported = figure.value
            tolerance = locked.figure.indicator.tolerance
            relative = gap(reported, observed)
            distorted = relative > tolerance
        inspection = Inspection.objects.create(
            task=locked,
            inspector=actor,
            inspected_at=inspected_at,
            latitude=latitude,
            longitude=longitude,
            place=place,
            findings=findings,
            observed_value=observed,
            criterion_scores=scores,
            distorted=bool(distorted),
        )
        for data, _width, _height in encoded:
            photo = InspectionPhoto(inspection=inspection)
            photo.image.save(f"{secrets.token_hex(16)}.jpg", ContentFile(data), save=False)
            photo.save()
        locked.status = InspectionTask.Status.DONE
        locked.save(update_fields=["status"])
        audit.record(
            "evaluation_inspection.record",
            actor=actor,
            obj=inspection,
            detail={
                "task": locked.pk,
                "subject": locked.subject_id,
                "figure": locked.figure_id,
                "reported": reported,
                "observed": observed,
                "gap": relative,
                "tolerance": tolerance,
                "distorted": bool(distorted),
                "photos": len(encoded),
            },
        )
    return inspection
