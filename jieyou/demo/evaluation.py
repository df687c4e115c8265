"""The demo county's 2024 evaluation of its seven community secretaries (2024年度社区书记考核),
told through the evaluation's own actions where it has them:

- the scheme 社区书记考核方案: seven dimensions weighed by an AHP matrix (CR shown on every
  sheet); 民生 and 治理 counted from the records (the concerns' three rates and overdue count,
  visit coverage, meeting suggestions resolved), the rest reported by the communities;
- the subjects: each community's secretary, with her account where the demo county has one
  (明珠 张红梅, 老城 王乐, 西河 马秀兰) and an invented name otherwise; no community has a party
  organisation in the demo county, so 三会一课 is left out of the scheme;
- figures entered with evidence by each community's own staff (never the secretary) and
  verified by the county's evaluator; an audited random draw of about a third of them and one
  site per community, inspected by the county admin and grid workers of other communities: the
  first figure drawn turns out inflated (数据失真, the observed value replaces it), the others
  hold within tolerance;
- invitations, unspent tokens and ballots written in bulk (the tokens of those who answered
  are gone, as the ballot page leaves them), each group's size chosen so that a few groups stay
  under ten ballots (样本不足);
- scored, published, one appeal (老城: an inspection made while the compound was being
  rebuilt) upheld with that inspection set aside and the cycle scored again.

As the demo's calendar tells it, the figures were reported in November 2024, inspected late
that month, published from 25 December 2024 to 8 January 2025, and the appeal decided on
5 January; the actions stamp the moment of the load, and the stored dates are set back to
that calendar afterwards (the audit log keeps the load's own times). The cycle is left
published with its window over, so that signing in as the evaluator the last step — the lock
— is still there to take.

A second load finds the cycle by its name and adds nothing.
"""

import io
import random
import secrets
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from jieyou.evaluation.actions import figures, inspections, publication, setup, surveys
from jieyou.evaluation.actions.scoring import cycle_score
from jieyou.evaluation.models import (
    Appeal,
    Ballot,
    Cycle,
    Dimension,
    Indicator,
    Inspection,
    InspectionPlan,
    Invitation,
    RaterGroup,
    ReportedFigure,
    Result,
    Scheme,
    Subject,
    SurveyToken,
)
from jieyou.people.models import Resident, Staff, Unit
from jieyou.places.models import Area

from . import county

LOCAL = ZoneInfo("Asia/Shanghai")
CYCLE = "2024年度社区书记考核"
SCHEME = "社区书记考核方案"
D, K, V, SRC = Dimension.Code, Indicator.Kind, Indicator.Visibility, Indicator.Source
COST = Indicator.Direction.COST

# The dimensions in the order of the AHP matrix below; its weights come out .311, .174, .164,
# .164, .069, .059, .059 with CR 0.004.
DIMENSIONS = (D.LIVELIHOOD, D.GOVERNANCE, D.PARTY, D.ENVIRONMENT, D.ECONOMY, D.CULTURE, D.EDUCATION)
AHP = [
    [1, 2, 2, 2, 4, 5, 5],
    [1 / 2, 1, 1, 1, 3, 3, 3],
    [1 / 2, 1, 1, 1, 2, 3, 3],
    [1 / 2, 1, 1, 1, 2, 3, 3],
    [1 / 4, 1 / 3, 1 / 2, 1 / 2, 1, 1, 1],
    [1 / 5, 1 / 3, 1 / 3, 1 / 3, 1, 1, 1],
    [1 / 5, 1 / 3, 1 / 3, 1 / 3, 1, 1, 1],
]
# dimension → (code, name, kind, visibility, source, weight, target, floor, unit, cost)
INDICATORS = {
    D.LIVELIHOOD: [
        ("response", "诉求响应率", K.QUALITY, V.VISIBLE, SRC.RESPONSE_RATE, "0.3", 0.95, 0.6, ""),
        (
            "resolution",
            "诉求解决率",
            K.EFFECT,
            V.VISIBLE,
            SRC.RESOLUTION_RATE,
            "0.25",
            0.95,
            0.6,
            "",
        ),
        (
            "satisfaction",
            "诉求满意率",
            K.EFFECT,
            V.VISIBLE,
            SRC.SATISFACTION_RATE,
            "0.3",
            0.95,
            0.6,
            "",
        ),
        ("overdue", "超期诉求数", K.QUALITY, V.LATENT, SRC.OVERDUE, "0.15", 0, 15, "件"),
    ],
    D.GOVERNANCE: [
        ("visits", "入户走访覆盖率", K.QUANTITY, V.LATENT, SRC.VISIT_COVERAGE, "0.5", 0.9, 0.4, ""),
        (
            "suggestions",
            "议事建议解决数",
            K.EFFECT,
            V.LATENT,
            SRC.SUGGESTIONS_RESOLVED,
            "0.5",
            12,
            3,
            "条",
        ),
    ],
    D.PARTY: [
        (
            "volunteer_hours",
            "党员志愿服务时长",
            K.QUANTITY,
            V.LATENT,
            SRC.REPORTED,
            "1",
            2000,
            500,
            "小时",
        ),
    ],
    D.ENVIRONMENT: [
        (
            "greening",
            "新增绿化面积",
            K.QUANTITY,
            V.VISIBLE,
            SRC.REPORTED,
            "0.6",
            5000,
            1000,
            "平方米",
        ),
        ("sites", "人居环境整治点位", K.QUANTITY, V.VISIBLE, SRC.REPORTED, "0.4", 30, 10, "处"),
    ],
    D.ECONOMY: [
        ("jobs", "帮扶新增就业岗位", K.EFFECT, V.VISIBLE, SRC.REPORTED, "1", 60, 15, "个"),
    ],
    D.CULTURE: [
        (
            "culture_events",
            "群众文化活动场次",
            K.QUANTITY,
            V.VISIBLE,
            SRC.REPORTED,
            "1",
            24,
            8,
            "场",
        ),
    ],
    D.EDUCATION: [
        (
            "after_school",
            "青少年课后服务人次",
            K.EFFECT,
            V.LATENT,
            SRC.REPORTED,
            "1",
            1500,
            300,
            "人次",
        ),
    ],
}
# How well each community did in 2024, in the order of county.COMMUNITIES (shuffled by the
# seed): it scales the reported figures against their targets and the share of 满意 answers,
# so that the ranking spreads over the grades instead of one crowd.
EFFORT = (1.1, 1.0, 0.93, 0.86, 0.8, 0.74, 0.68)
BASELINE_SHARE = (0.55, 0.8)
NOTES = {
    "volunteer_hours": "党员志愿服务记录簿汇总，附各支部签到表",
    "greening": "新增绿地竣工验收单及测绘图",
    "sites": "整治点位台账（整治前后照片对照）",
    "jobs": "社区就业服务站登记台账，附用工单位证明",
    "culture_events": "活动通知、签到表和现场照片",
    "after_school": "“四点半课堂”签到汇总表",
}
# The secretaries the demo county has no account for; names invented here.
INVENTED = {
    "园林社区": "李秀英",
    "阿吾勒社区": "努尔古丽",
    "新城社区": "陈建军",
    "迎宾社区": "赵玉梅",
}
# Who enters a community's figures: its own staff, never the secretary evaluated.
ENTERERS = ("xh_director", "mz_grid", "lc_grid", "yl_grid", "awl_grid", "xc_grid", "yb_grid")
INSPECTORS = ("county_admin", "lc_grid2", "yl_grid", "xh_grid2")
GROUPS = (
    (RaterGroup.Kind.PUBLIC, "0.6"),
    (RaterGroup.Kind.DEPARTMENTS, "0.25"),
    (RaterGroup.Kind.SUPERVISORS, "0.15"),
)
# Ballots per group: (invited, answered) ranges; one group in three comes back short.
BALLOTS = {
    RaterGroup.Kind.PUBLIC: ((180, 240), (0.7, 0.85)),
    RaterGroup.Kind.DEPARTMENTS: ((14, 24), (0.75, 0.95)),
    RaterGroup.Kind.SUPERVISORS: ((13, 18), (0.8, 1.0)),
}
BASIS = {
    RaterGroup.Kind.PUBLIC: "花名册抽样",
    RaterGroup.Kind.DEPARTMENTS: "议事协商成员单位联系人",
    RaterGroup.Kind.SUPERVISORS: "镇党委、县民政局联系人",
}
APPEAL_COMMUNITY = "老城社区"

# The demo's calendar.
ENTERED = datetime(2024, 11, 5, 10, 0, tzinfo=LOCAL)
VERIFIED = datetime(2024, 11, 12, 15, 0, tzinfo=LOCAL)
DRAWN = datetime(2024, 11, 18, 9, 30, tzinfo=LOCAL)
INSPECTED = datetime(2024, 11, 20, 10, 0, tzinfo=LOCAL)
SCORED = datetime(2024, 12, 20, 16, 0, tzinfo=LOCAL)
PUBLISHED = datetime(2024, 12, 25, 9, 0, tzinfo=LOCAL)
WINDOW_ENDS = datetime(2025, 1, 8, 18, 0, tzinfo=LOCAL)
APPEALED = datetime(2024, 12, 28, 11, 20, tzinfo=LOCAL)
DECIDED = datetime(2025, 1, 5, 16, 30, tzinfo=LOCAL)


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def load(created: Counter, *, seed: int) -> None:
    if Cycle.objects.filter(name=CYCLE).exists():
        return
    evaluator = _user("evaluator")
    communities = {
        a.name: a
        for a in Area.objects.filter(
            kind=Area.Kind.COMMUNITY, code__in=[c.code for c in county.COMMUNITIES]
        )
    }
    if evaluator is None or len(communities) != len(county.COMMUNITIES):
        return
    rng = random.Random(f"evaluation-{seed}")
    effort = list(EFFORT)
    rng.shuffle(effort)
    scheme = _scheme(evaluator)
    cycle = setup.cycle_create(
        actor=evaluator,
        name=CYCLE,
        period=Cycle.Period.YEAR,
        starts=date(2024, 1, 1),
        ends=date(2024, 12, 31),
    )
    for kind, weight in GROUPS:
        setup.rater_group_set(actor=evaluator, cycle=cycle, kind=kind, weight=Decimal(weight))
    subjects = _subjects(evaluator, cycle, scheme, communities)
    setup.cycle_open(actor=evaluator, cycle=cycle)
    _figures(evaluator, subjects, effort, rng)
    _inspections(evaluator, cycle, rng)
    _field_calendar(cycle)
    _surveys(evaluator, cycle, subjects, effort, rng)
    cycle_score(actor=evaluator, cycle=cycle, reason="2024年度考核计分")
    publication.cycle_publish(actor=evaluator, cycle=cycle, days=14)
    appeal = _appeal(evaluator, subjects)
    _publication_calendar(cycle, appeal)
    created["evaluation cycles"] += 1
    created["evaluation subjects"] += len(subjects)


def _scheme(evaluator) -> Scheme:
    scheme = Scheme.objects.filter(name=SCHEME).first()
    if scheme is not None:
        return scheme
    scheme = setup.scheme_save(
        actor=evaluator,
        name=SCHEME,
        post_type="社区书记",
        description="实看、定量、民评相结合：诉求办理和走访议事由业务记录统计，其余由社区填报、考核办核验并抽查。",
    )
    for code in DIMENSIONS:
        dimension = setup.dimension_save(actor=evaluator, scheme=scheme, code=code, weight="0")
        for row in INDICATORS[code]:
            icode, name, kind, visibility, source, weight, target, floor, unit = row
            setup.indicator_save(
                actor=evaluator,
                dimension=dimension,
                code=icode,
                name=name,
                kind=kind,
                visibility=visibility,
                source=source,
                direction=COST if source == SRC.OVERDUE else Indicator.Direction.BENEFIT,
                weight=weight,
                target=target,
                floor=floor,
                unit=unit,
                tolerance=0.1,
            )
    setup.scheme_weights_from_ahp(actor=evaluator, scheme=scheme, matrix=AHP)
    return scheme


def _subjects(evaluator, cycle, scheme, communities) -> list[Subject]:
    secretaries = {
        s.area.name: s
        for s in Staff.objects.filter(role=Staff.Role.COMMUNITY_SECRETARY).select_related(
            "area", "user"
        )
    }
    subjects = []
    for c in county.COMMUNITIES:
        staff = secretaries.get(c.name)
        name = staff.name if staff is not None else INVENTED[c.name]
        subjects.append(
            setup.subject_add(
                actor=evaluator,
                cycle=cycle,
                scheme=scheme,
                kind=Subject.Kind.COMMUNITY,
                name=f"{name}（{c.name}）",
                post=f"{c.name}党组织书记",
                user=staff.user if staff is not None else None,
                area=communities[c.name],
            )
        )
    return subjects


def _pdf(title: str, lines: list[str]) -> SimpleUploadedFile:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 14)
    page.drawString(60, 780, title)
    page.setFont("STSong-Light", 10)
    for i, line in enumerate(lines):
        page.drawString(60, 750 - 18 * i, line)
    page.save()
    return SimpleUploadedFile(f"{title}.pdf", out.getvalue(), content_type="application/pdf")


def _photo(rng: random.Random) -> SimpleUploadedFile:
    out = io.BytesIO()
    colour = (rng.randrange(40, 120), rng.randrange(110, 190), rng.randrange(40, 110))
    Image.new("RGB", (320, 240), colour).save(out, "JPEG", quality=80)
    return SimpleUploadedFile("现场.jpg", out.getvalue(), content_type="image/jpeg")


def _figures(evaluator, subjects, effort, rng) -> None:
    reported = list(
        Indicator.objects.filter(
            dimension__scheme_id=subjects[0].scheme_id, source=SRC.REPORTED
        ).order_by("pk")
    )
    enterers = {
        s.area_id: s.user
        for s in Staff.objects.filter(user__username__in=ENTERERS).select_related("user")
    }
    for subject, level in zip(subjects, effort, strict=True):
        enterer = enterers.get(subject.area_id) or evaluator
        for indicator in reported:
            baseline = round(indicator.target * rng.uniform(*BASELINE_SHARE))
            value = round(indicator.target * level * rng.uniform(0.88, 1.1))
            figure = figures.figure_enter(
                actor=enterer,
                subject=subject,
                indicator=indicator,
                value=value,
                baseline=baseline,
                note=NOTES[indicator.code],
                evidence_files=[
                    _pdf(
                        f"{subject.area.name}{indicator.name}",
                        [NOTES[indicator.code], f"2024年：{value}{indicator.unit}"],
                    )
                ],
            )
            if enterer != evaluator:
                figures.figure_verify(actor=evaluator, figure=figure)


def _inspections(evaluator, cycle, rng) -> None:
    inspectors = [u for u in (_user(n) for n in INSPECTORS) if u is not None]
    plan = inspections.plan_draw(
        actor=evaluator, cycle=cycle, name="2024年度实地核查", share=0.3, inspectors=inspectors
    )
    tasks = plan.tasks.select_related("plan", "subject", "figure__indicator").order_by("pk")
    inflated = next((t.pk for t in tasks if t.figure_id is not None), None)
    for task in tasks:
        scores = {name: rng.randrange(70, 96) for name in inspections.CRITERIA}
        if task.figure_id is None:
            observed = None
            findings = "现场查看整治点位和公共空间，台账与现场基本一致，群众知晓度较高。"
        elif task.pk == inflated:
            observed = round(task.figure.value * 0.68)
            scores["现场真实性"] = rng.randrange(45, 60)
            findings = (
                f"实地测量{task.figure.indicator.name}约 {observed}{task.figure.indicator.unit}，"
                f"与填报的 {task.figure.value:g}{task.figure.indicator.unit} 相差较大，"
                "部分项目尚未完工即计入。"
            )
        else:
            observed = round(task.figure.value * rng.uniform(0.95, 1.03))
            findings = "现场核对台账与实物，数据基本属实。"
        inspections.inspection_record(
            actor=task.inspector,
            task=task,
            inspected_at=timezone.now(),
            place=task.site or f"{task.subject.area.name}辖区",
            findings=findings,
            observed_value=observed,
            criterion_scores=scores,
            photos=[_photo(rng)],
        )


def _answers(rng: random.Random, satisfied: float, codes: list[str]) -> tuple[str, dict]:
    def one():
        x = rng.random()
        if x < satisfied:
            return "satisfied"
        if x < satisfied + (1 - satisfied) * 0.6:
            return "basic"
        if x < satisfied + (1 - satisfied) * 0.88:
            return "unsatisfied"
        return "unknown"

    return one(), {code: one() for code in codes if rng.random() < 0.8}


def _surveys(evaluator, cycle, subjects, effort, rng) -> None:
    groups = {g.kind: g for g in RaterGroup.objects.filter(cycle=cycle)}
    codes = list(DIMENSIONS)
    contacts = list(Unit.objects.order_by("name").values_list("name", flat=True))
    invitations, tokens, ballots = [], [], []
    for position, subject in enumerate(subjects):
        residents = list(
            Resident.objects.filter(area__path__startswith=subject.area.path)
            .order_by("pk")
            .values_list("name", flat=True)
        )
        satisfied = min(0.9, max(0.2, 0.6 + 1.2 * (effort[position] - 0.9)))
        for kind, ((low, high), (answered_low, answered_high)) in BALLOTS.items():
            invited = rng.randint(low, high)
            if kind == RaterGroup.Kind.SUPERVISORS and position % 3 == 1:
                invited = rng.randint(5, 8)  # a short group: 样本不足
            answered = round(invited * rng.uniform(answered_low, answered_high))
            if kind == RaterGroup.Kind.PUBLIC:
                names = [residents[i % len(residents)] for i in range(invited)] if residents else []
            else:
                names = [
                    f"{contacts[(i + position) % len(contacts)]}联系人" for i in range(invited)
                ]
            invited = len(names)
            answered = min(answered, invited)
            group = groups[kind]
            invitations += [
                Invitation(
                    subject=subject,
                    group=group,
                    name=name,
                    basis=BASIS[kind],
                    channel=Invitation.Channel.SLIP,
                    invited_by=evaluator,
                    invited_on=date(2024, 11, 25),
                )
                for name in names
            ]
            # The tokens of those who answered were spent (deleted with the ballot); the rest wait.
            tokens += [
                SurveyToken(
                    pk=secrets.randbelow(2**62) + 1,
                    subject=subject,
                    group=group,
                    digest=surveys.token_digest(surveys.new_token()),
                )
                for _ in range(invited - answered)
            ]
            for _ in range(answered):
                overall, dims = _answers(rng, satisfied, codes)
                ballots.append(
                    Ballot(subject=subject, group=group, overall=overall, dimensions=dims)
                )
    rng.shuffle(invitations)
    rng.shuffle(tokens)
    rng.shuffle(ballots)
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    SurveyToken.objects.bulk_create(tokens, batch_size=1000)
    Ballot.objects.bulk_create(ballots, batch_size=1000)


def _appeal(evaluator, subjects) -> Appeal | None:
    """老城's secretary appeals an inspection made while the compound was being rebuilt; the
    reviewer upholds it and sets the inspection aside."""
    subject = next((s for s in subjects if s.area.name == APPEAL_COMMUNITY), None)
    if subject is None or subject.user is None:
        return None
    site = (
        Inspection.objects.filter(task__subject=subject, task__figure__isnull=True)
        .order_by("pk")
        .first()
    )
    place = site.place if site is not None else subject.area.name
    appeal = publication.appeal_file(
        actor=subject.user,
        subject=subject,
        reasons=f"实地核查当天{place}正在进行老旧小区改造，公共区域围挡施工，"
        "核查人员未能看到已完成的整治点位，现场评分偏低。附改造工程开工通知。",
        evidence=_pdf(
            "老旧小区改造开工通知", [f"{place}老旧小区改造工程", "施工期：2024年11月—12月"]
        ),
    )
    if site is None:
        return appeal
    return publication.appeal_decide(
        actor=evaluator,
        appeal=appeal,
        upheld=True,
        decision="经核实，核查当日该小区确在围挡施工，现场评分不能反映整治成效，撤销该次核查结论。",
        corrections=[{"kind": "inspection", "inspection": site.pk}],
    )


def _field_calendar(cycle: Cycle) -> None:
    """Set the figures' and inspections' dates back to the demo's calendar before scoring, so
    that the sheets show them (see the module's docstring)."""
    ReportedFigure.objects.filter(subject__cycle=cycle).update(
        entered_at=ENTERED, verified_at=VERIFIED
    )
    InspectionPlan.objects.filter(cycle=cycle).update(drawn_at=DRAWN)
    done = Inspection.objects.filter(task__plan__cycle=cycle).order_by("pk")
    for i, pk in enumerate(done.values_list("pk", flat=True)):
        # Three a day, at ten, half past two and four, from 20 November on.
        at = INSPECTED + timedelta(days=i // 3, minutes=(0, 270, 360)[i % 3])
        Inspection.objects.filter(pk=pk).update(inspected_at=at)


def _publication_calendar(cycle: Cycle, appeal: Appeal | None) -> None:
    Result.objects.filter(subject__cycle=cycle).update(
        computed_at=DECIDED if appeal is not None and appeal.decided_at else SCORED
    )
    Cycle.objects.filter(pk=cycle.pk).update(published_at=PUBLISHED, publication_ends=WINDOW_ENDS)
    if appeal is not None:
        Appeal.objects.filter(pk=appeal.pk).update(
            filed_at=APPEALED, decided_at=DECIDED if appeal.decided_at else None
        )
