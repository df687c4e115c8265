"""A scored cycle for the results tests, made through the actions: the 明珠 cadre's concerns in
2024, a verified greening figure that an inspection finds inflated, and ballots in two rater
groups (the departments' under ten). The numbers, worked out by hand:

- 诉求响应率: 4 concerns, 3 accepted within the 12 hours → 0.75; attainment
  (0.75 − 0.6) / (0.95 − 0.6) = 3/7.
- 超期诉求数: none marked overdue → 0, the target itself; attainment 1.
- 新增绿化面积: reported 4200 (baseline 3000), observed 3000 on site: |4200 − 3000| / 4200 >
  0.1, so 数据失真 and 3000 counts; attainment (3000 − 1000) / (5000 − 1000) = 0.5.
- 三会一课完成率 and 组织学习次数: the branch held nothing in 2024 → 0 and 0, attainment 0.
- 定量 = 100 × (0.24 × 3/7 + 0.12 × 1 + 0.24 × 0.5 + 0.2 × 0 + 0.2 × 0) = 34.2857…
- 实看: the inspector's scores 60, 80, 70 → 70.
- 民评: the public (0.6) 12 满意, 6 基本满意, 2 不满意, 1 不了解 → (12 + 4.8) / 20 = 0.84;
  the departments (0.4) 5 ballots: 样本不足, left out → 84.
- 总分 = 0.4 × 34.2857 + 0.2 × 70 + 0.4 × 84 = 61.3143 → 一般.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from jieyou.concerns import actions as c
from jieyou.concerns.models import Category, Concern
from jieyou.evaluation.actions import figures, inspections, setup
from jieyou.evaluation.models import Ballot, Indicator, InspectionTask, RaterGroup

from .conftest import jpeg, pdf

TZ = ZoneInfo("Asia/Shanghai")
QUANTITATIVE = 100 * (0.24 * 3 / 7 + 0.12 * 1 + 0.24 * 0.5)
INSPECTION = 70.0
SURVEY = 84.0
TOTAL = 0.4 * QUANTITATIVE + 0.2 * INSPECTION + 0.4 * SURVEY
SCORES = {"现场真实性": 60, "群众知晓度": 80, "工作成效": 70}


def concerns_2024(cast, area=None, *, late=1, in_time=3):
    """Concerns in the subject's area in May 2024: `in_time` accepted after 2 hours, `late`
    after 30 (HJ gives 12 hours to respond)."""
    may = datetime(2024, 5, 6, 9, 0, tzinfo=TZ)
    for hours in [2] * in_time + [30] * late:
        found = c.concern_submit(
            actor=None,
            category=Category.objects.get(code="HJ"),
            description="楼道堆放杂物",
            channel=Concern.Channel.QR,
            area=area or cast.building7,
            at=may,
        )
        c.concern_accept(actor=cast.secretary, concern=found, at=may + timedelta(hours=hours))


def verified_figure(cast, subject, indicator, value=4200, baseline=3000, enterer=None):
    figure = figures.figure_enter(
        actor=enterer or cast.secretary,
        subject=subject,
        indicator=indicator,
        value=value,
        baseline=baseline,
        evidence_files=[pdf()],
    )
    return figures.figure_verify(actor=cast.evaluator, figure=figure)


def inspect(cast, cycle, subject, observed=3000, scores=None):
    """Draw every figure and one site per subject; the figure's inspector records it."""
    plan = inspections.plan_draw(
        actor=cast.evaluator,
        cycle=cycle,
        name="2024年度实地核查",
        share=1,
        inspectors=[cast.county_admin, cast.outsider],
    )
    task = InspectionTask.objects.select_related("plan", "subject", "figure__indicator").get(
        plan=plan, subject=subject, figure__isnull=False
    )
    return inspections.inspection_record(
        actor=task.inspector,
        task=task,
        inspected_at=timezone.now(),
        place="蓝天家园小区中心绿地",
        findings="实测新增绿化面积约3000平方米，与填报不符",
        observed_value=observed,
        criterion_scores=scores or SCORES,
        photos=[jpeg()],
    )


def ballots(subject, kind, satisfied=0, basic=0, unsatisfied=0, unknown=0):
    group = RaterGroup.objects.get(cycle_id=subject.cycle_id, kind=kind)
    answers = (
        ["satisfied"] * satisfied
        + ["basic"] * basic
        + ["unsatisfied"] * unsatisfied
        + ["unknown"] * unknown
    )
    Ballot.objects.bulk_create(
        Ballot(subject=subject, group=group, overall=a, dimensions={}) for a in answers
    )


def greening_of(scheme) -> Indicator:
    return Indicator.objects.get(dimension__scheme=scheme, code="greening")


def build(cast, cycle, subject):
    """The cycle opened with the subject's records, figure, inspection and ballots."""
    concerns_2024(cast)
    setup.cycle_open(actor=cast.evaluator, cycle=cycle)
    verified_figure(cast, subject, greening_of(subject.scheme))
    inspection = inspect(cast, cycle, subject)
    ballots(subject, RaterGroup.Kind.PUBLIC, satisfied=12, basic=6, unsatisfied=2, unknown=1)
    ballots(subject, RaterGroup.Kind.DEPARTMENTS, satisfied=5)
    return inspection
