"""Records for the home page's tests, on Wednesday 13 November 2024 (Asia/Shanghai).

Points (made through the points actions): a service point in 明珠 and one in 西河; visits,
markets, meetings with suggestions and events in both. Evaluation (rows written directly,
the evaluation app's own tests cover its actions): a running cycle, a published cycle whose
window has ended and one whose window is still open, with the 明珠 cadre and the evaluator
both among the subjects.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import count
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jieyou.concerns import actions as concern_actions
from jieyou.concerns.models import FollowUp
from jieyou.evaluation.models import (
    Appeal,
    Cycle,
    Dimension,
    Evidence,
    Indicator,
    InspectionPlan,
    InspectionTask,
    ReportedFigure,
    Scheme,
    Subject,
)
from jieyou.people.models import Household
from jieyou.points.actions.events import event_save
from jieyou.points.actions.market import registration_cancel, vendor_register
from jieyou.points.actions.meetings import meeting_record
from jieyou.points.actions.points import point_save
from jieyou.points.actions.visits import visit_record
from jieyou.points.models import Event, Market, MarketClosure, Meeting

LOCAL = ZoneInfo("Asia/Shanghai")
TODAY = date(2024, 11, 13)  # a Wednesday; its week runs 11–17 November
MK = Meeting.Kind
keys = count()


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


@pytest.fixture
def today(db):
    with time_machine.travel(at(TODAY), tick=False):
        yield TODAY


@dataclass
class Points:
    point: object
    xihe_point: object
    friday: Market  # 明珠, every Friday; closed on 15 November
    thursday: Market  # 西河, every Thursday


def _visit(worker, household, day):
    return visit_record(
        actor=worker,
        household=household,
        purpose="call",
        visited_on=day,
        client_key=f"home-{next(keys)}",
    )


def _close(concern, *, handler, follower, day):
    concern = concern_actions.concern_accept(actor=handler, concern=concern, at=at(day, 9))
    concern = concern_actions.concern_resolve(
        actor=handler, concern=concern, note="已处理", at=at(day, 11)
    )
    concern_actions.concern_follow_up(
        actor=follower,
        concern=concern,
        method=FollowUp.Method.CALL,
        solved=True,
        satisfaction="satisfied",
        at=at(day, 15),
    )


def _meeting(actor, community, kind, day, descriptions, point=None):
    return meeting_record(
        actor=actor,
        community=community,
        point=point,
        kind=kind,
        held_on=day,
        attendance=20,
        topics="小区停车管理",
        suggestions=[{"category": "WY", "description": d} for d in descriptions],
        at=at(day, 19),
    )


@pytest.fixture
def points(cast, today):
    """明珠 and 西河 service points and their records:

    - visits: 陈丹 visited 7号楼301 on 5 November and 7号楼601 in October (2 households in
      蓝天家园: 1 of 2 visited this month); 林淑琴 visited 双茂 1号楼102 in November;
    - markets: 明珠 周五集市, closed on 15 November, so the next is the 22nd, with 马大姐
      (白菜) and 张师傅 (大葱) registered, 李师傅 cancelled and 王师傅 only on the 29th;
      西河 周四集市 with 周大姐 on the 14th;
    - meetings in 明珠: owners' on 1 March 2024 (none), owners' on 1 November 2024 at the
      point (two suggestions placed in 蓝天家园, one closed solved), residents' on 10
      November (one suggestion with no place: the community's), owners' in 2023; in 西河 an
      owners' meeting with one suggestion;
    - events: at 明珠 on 8, 14, 17 (23:30) and 18 November; at 西河 on the 14th.
    """
    secretary, worker, outsider = cast.secretary, cast.grid_worker, cast.outsider
    point = point_save(
        actor=secretary, community=cast.mingzhu, name="明珠社区邻家帮手", area=cast.lantian
    )
    xihe_point = point_save(
        actor=outsider, community=cast.xihe, name="西河社区乐居", area=cast.shuangmao
    )

    room301 = Household.objects.get(building=cast.building7, room="301")
    room601 = Household.objects.get(building=cast.building7, room="601")
    _visit(worker, room301, date(2024, 11, 5))
    _visit(worker, room601, date(2024, 10, 20))
    _visit(outsider, Household.objects.get(building=cast.shuangmao1, room="102"), TODAY)

    friday = Market.objects.create(point=point, name="周五集市", weekdays="5")
    MarketClosure.objects.create(market=friday, day=date(2024, 11, 15), reason="降雪")
    nov22, nov29 = date(2024, 11, 22), date(2024, 11, 29)
    for name, phone, products, first, last in (
        ("马大姐", "13900001111", "白菜", nov22, nov22),
        ("张师傅", "13900002222", "大葱", nov22, nov29),
        ("王师傅", "13900003333", "土豆", nov29, nov29),
    ):
        vendor_register(
            actor=secretary,
            market=friday,
            name=name,
            phone=phone,
            products=products,
            first_day=first,
            last_day=last,
        )
    cancelled = vendor_register(
        actor=secretary,
        market=friday,
        name="李师傅",
        phone="13900004444",
        products="萝卜",
        first_day=nov22,
    )
    registration_cancel(actor=secretary, registration=cancelled)
    thursday = Market.objects.create(point=xihe_point, name="周四集市", weekdays="4")
    vendor_register(
        actor=outsider,
        market=thursday,
        name="周大姐",
        phone="13900005555",
        products="羊肉",
        first_day=date(2024, 11, 14),
    )

    _meeting(secretary, cast.mingzhu, MK.OWNERS, date(2024, 3, 1), [])
    m1 = _meeting(
        secretary,
        cast.mingzhu,
        MK.OWNERS,
        date(2024, 11, 1),
        ["建议楼道加装声控灯", "建议清理地下车库杂物"],
        point=point,
    )
    first = m1.suggestions.order_by("pk").first().concern
    _close(first, handler=secretary, follower=worker, day=date(2024, 11, 6))
    _meeting(secretary, cast.mingzhu, MK.RESIDENTS, date(2024, 11, 10), ["建议增设社区路灯"])
    _meeting(secretary, cast.mingzhu, MK.OWNERS, date(2023, 6, 1), ["建议修缮围墙"])
    _meeting(
        outsider, cast.xihe, MK.OWNERS, date(2024, 11, 2), ["建议双茂小区增设停车位"], xihe_point
    )

    for p, actor, title, starts in (
        (point, secretary, "旧物置换日", at(date(2024, 11, 8))),
        (point, secretary, "义诊进社区", at(date(2024, 11, 14), 9)),
        (point, secretary, "周末观影", at(date(2024, 11, 17), 23, 30)),
        (point, secretary, "法律咨询日", at(date(2024, 11, 18))),
        (xihe_point, outsider, "西河义剪", at(date(2024, 11, 14))),
    ):
        event_save(actor=actor, point=p, kind=Event.Kind.OTHER, title=title, starts_at=starts)
    return Points(point, xihe_point, friday, thursday)


@dataclass
class Work:
    running: Cycle  # 2024年度, open
    ended: Cycle  # 2023年度, published, window ended on 1 November
    window: Cycle  # 2024上半年, published, window until 20 November
    cadre_2024: Subject
    community: Subject  # 明珠社区 as a whole
    xihe: Subject
    evaluator_2024: Subject
    greening: Indicator
    jobs: Indicator


def _figure(subject, indicator, status, entered_by, value=100.0):
    return ReportedFigure.objects.create(
        subject=subject,
        indicator=indicator,
        value=value,
        status=status,
        entered_by=entered_by,
        entered_at=at(date(2024, 11, 1)),
    )


@pytest.fixture
def evaluation(cast, today):
    """Subjects: 帕丽达 (the cadre's account) in each cycle, 明珠社区（集体） and 西河社区（集体）
    in 2024, 考核员 (the evaluator's own account) in 2024 and in 上半年.

    Figures of 2024 (two reported indicators, 绿化 and 就业, and one from records):
    帕丽达 绿化 entered by the secretary (就业 owed); 明珠社区 绿化 entered by the evaluator,
    就业 returned; 西河 就业 entered by the outsider with evidence the evaluator uploaded,
    绿化 returned; 考核员 绿化 entered by the secretary.
    The evaluator verifies only 帕丽达 绿化; the county admin any of the four entered.

    Inspection tasks of 2024: the evaluator on 明珠社区 (to do), on their own subject, and on
    西河 (done); the cadre on 西河 (to do) and on their own subject.
    Appeals: 帕丽达 2023 filed, 西河 2023 dismissed, 帕丽达 上半年 and 考核员 上半年 filed
    (the evaluator, a subject of 上半年, decides none there).
    """
    ev = cast.evaluator
    scheme = Scheme.objects.create(name="社区考核方案", post_type="社区书记")
    dim = Dimension.objects.create(scheme=scheme, code=Dimension.Code.GOVERNANCE, weight=1)
    common = {
        "dimension": dim,
        "kind": Indicator.Kind.QUANTITY,
        "visibility": Indicator.Visibility.VISIBLE,
        "target": 10,
        "floor": 0,
    }
    greening = Indicator.objects.create(
        code="greening", name="新增绿化面积", source=Indicator.Source.REPORTED, weight=0.4, **common
    )
    jobs = Indicator.objects.create(
        code="jobs", name="新增就业岗位", source=Indicator.Source.REPORTED, weight=0.3, **common
    )
    Indicator.objects.create(
        code="response",
        name="诉求响应率",
        source=Indicator.Source.RESPONSE_RATE,
        weight=0.3,
        **common,
    )

    def cycle(name, status, starts, **dates):
        return Cycle.objects.create(
            name=name,
            period=Cycle.Period.YEAR,
            starts=starts,
            ends=date(starts.year, 12, 31),
            status=status,
            created_by=ev,
            **dates,
        )

    running = cycle("2024年度考核", Cycle.Status.OPEN, date(2024, 1, 1))
    ended = cycle(
        "2023年度考核",
        Cycle.Status.PUBLISHED,
        date(2023, 1, 1),
        published_at=at(date(2024, 10, 1)),
        publication_ends=at(date(2024, 11, 1)),
    )
    window = cycle(
        "2024上半年考核",
        Cycle.Status.PUBLISHED,
        date(2024, 1, 1),
        published_at=at(date(2024, 11, 10)),
        publication_ends=at(date(2024, 11, 20)),
    )

    def subject(c, name, **kw):
        kind = Subject.Kind.CADRE if kw.get("user") else Subject.Kind.COMMUNITY
        return Subject.objects.create(cycle=c, scheme=scheme, kind=kind, name=name, **kw)

    cadre_2024 = subject(running, "帕丽达（2024年度）", user=cast.cadre, area=cast.mingzhu)
    community = subject(running, "明珠社区（集体）", area=cast.mingzhu)
    xihe = subject(running, "西河社区（集体）", area=cast.xihe)
    evaluator_2024 = subject(running, "考核员（2024年度）", user=ev, area=cast.county)
    cadre_2023 = subject(ended, "帕丽达（2023年度）", user=cast.cadre, area=cast.mingzhu)
    xihe_2023 = subject(ended, "西河社区（2023年度）", area=cast.xihe)
    cadre_h1 = subject(window, "帕丽达（上半年）", user=cast.cadre, area=cast.mingzhu)
    evaluator_h1 = subject(window, "考核员（上半年）", user=ev, area=cast.county)

    E, V = ReportedFigure.Status.ENTERED, ReportedFigure.Status.RETURNED
    _figure(cadre_2024, greening, E, cast.secretary)
    _figure(community, greening, E, ev)
    _figure(community, jobs, V, cast.secretary)
    xihe_jobs = _figure(xihe, jobs, E, cast.outsider)
    Evidence.objects.create(
        figure=xihe_jobs, file="evidence/x.pdf", name="x.pdf", sha256="0" * 64, uploaded_by=ev
    )
    _figure(xihe, greening, V, cast.outsider)
    _figure(evaluator_2024, greening, E, cast.secretary)

    plan = InspectionPlan.objects.create(
        cycle=running,
        name="2024年度实地核查",
        seed="s",
        drawn_by=ev,
        drawn_at=at(date(2024, 11, 2)),
    )
    T = InspectionTask.Status
    for subj, inspector, status in (
        (community, ev, T.ASSIGNED),
        (evaluator_2024, ev, T.ASSIGNED),
        (xihe, ev, T.DONE),
        (xihe, cast.cadre, T.ASSIGNED),
        (cadre_2024, cast.cadre, T.ASSIGNED),
    ):
        InspectionTask.objects.create(
            plan=plan, subject=subj, site="蓝天家园小区", inspector=inspector, status=status
        )

    A = Appeal.Status
    for subj, status in (
        (cadre_2023, A.FILED),
        (xihe_2023, A.DISMISSED),
        (cadre_h1, A.FILED),
        (evaluator_h1, A.FILED),
    ):
        Appeal.objects.create(
            subject=subj,
            reasons="得分偏低",
            filed_by=subj.user or ev,
            filed_at=at(date(2024, 11, 11)),
            status=status,
        )
    return Work(running, ended, window, cadre_2024, community, xihe, evaluator_2024, greening, jobs)
