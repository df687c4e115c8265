"""The demo county's concerns: the seed page's two stories and a year of generated ones.

The stories are told step by step through `concerns.actions`, with the dates of the seed
page. The year (December 2023 – November 2024, told as of 1 December 2024) is planned by a
pure function of the seed — `plan(seed)` — and written in bulk: the concern rows with the
event rows, follow-ups and assisting units the actions would have written, in the order the
state machine allows. A concern is known by its receipt code, drawn from the same seed, so a
second load finds every one of them and adds nothing.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from jieyou.concerns import actions
from jieyou.concerns.actions import RECEIPT_ALPHABET
from jieyou.concerns.models import Category, Concern, ConcernEvent, FollowUp
from jieyou.concerns.states import next_level
from jieyou.core import audit
from jieyou.core.worktime import deadline
from jieyou.people.models import Resident, Staff, Unit
from jieyou.places.models import Area, Grid

from . import county

LOCAL = ZoneInfo("Asia/Shanghai")
S = Concern.Status
C = Concern.Channel
SAT = FollowUp.Satisfaction
FIRST_DAY = date(2023, 12, 1)
DAYS = 366  # through 30 November 2024
AS_OF = datetime(2024, 12, 1, tzinfo=LOCAL)
PER_COMMUNITY_MONTH = 9


def load(created: Counter, *, seed: int) -> None:
    stories(created)
    generated(plan(seed=seed, categories=category_deadlines()), created, seed=seed)


def category_deadlines() -> dict[str, tuple[int, int, bool, str]]:
    """code → (response hours, resolution hours, working days, level) as the county set them."""
    rows = Category.objects.values_list(
        "code", "response_hours", "resolution_hours", "working_days", "default_level"
    )
    return {code: tuple(rest) for code, *rest in rows}


# --- the seed page's stories -------------------------------------------------------------


def _at(day: str, time: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LOCAL)


def _user(username: str):
    return get_user_model().objects.get(username=username)


PIGEONS_AT = _at("2024-07-09", "10:20")
DOORS_AT = _at("2024-10-20", "09:15")


def stories(created: Counter) -> None:
    pigeons(created)
    basement_doors(created)


def pigeons(created: Counter) -> None:
    """李女士 tells 陈丹 on a July visit that pigeons kept on the 7号楼 roof foul the washing;
    陈丹 asks the community to take it on, the secretary sends the enforcement team with the
    property company, the coop comes down, and 陈丹, who handled none of it, confirms it in
    early August."""
    lantian = Area.objects.get(name="蓝天家园小区", kind=Area.Kind.COMPOUND)
    resident = Resident.objects.get(name="李女士", area__parent=lantian)
    submitted = PIGEONS_AT
    if Concern.objects.filter(reporter=resident, submitted_at=submitted).exists():
        return
    chen, secretary = _user("mz_grid"), _user("mz_secretary")
    officer = _user("zf_handler")
    concern = actions.concern_submit(
        actor=chen,
        category=Category.objects.get(code="HJ"),
        description="7号楼楼顶有住户搭棚养鸽，鸽粪落在晾晒的衣物和窗台上，雨天堵塞排水口，"
        "气味很大。",
        channel=C.VISIT,
        area=resident.area,
        reporter=resident,
        address="蓝天家园小区7号楼楼顶",
        at=submitted,
    )
    actions.concern_escalate(
        actor=chen,
        concern=concern,
        reason="楼顶鸽棚属私搭乱建，网格内无法处理，需社区协调执法队和物业。",
        at=_at("2024-07-09", "11:05"),
    )
    actions.concern_accept(actor=secretary, concern=concern, at=_at("2024-07-09", "14:30"))
    actions.concern_dispatch(
        actor=secretary,
        concern=concern,
        lead_unit=Unit.objects.get(name="县综合行政执法队"),
        assisting_units=[Unit.objects.get(name="蓝天物业公司")],
        handler=officer,
        note="执法队牵头，蓝天物业配合清理楼顶。",
        at=_at("2024-07-09", "15:00"),
    )
    actions.concern_progress(
        actor=officer,
        concern=concern,
        note="与社区、物业一同上楼顶查看，向养鸽住户讲解相关规定，住户同意限期自行拆除。",
        at=_at("2024-07-10", "10:00"),
    )
    actions.concern_resolve(
        actor=officer,
        concern=concern,
        note="鸽棚已拆除，鸽子由住户送往乡下亲戚家；物业清理了楼顶和排水口。",
        at=_at("2024-07-12", "17:30"),
    )
    actions.concern_follow_up(
        actor=chen,
        concern=concern,
        method=FollowUp.Method.VISIT,
        solved=True,
        satisfaction=SAT.SATISFIED,
        note="入户回访，李女士确认楼顶已清理干净，晾衣不再受影响。",
        at=_at("2024-08-02", "09:40"),
    )
    created["concerns"] += 1


def basement_doors(created: Counter) -> None:
    """周先生 tells 林淑琴 that doors put up in the 双茂小区 basement block the way; the
    community coordinates, the property company leads with volunteers, 32 doors come down."""
    shuangmao = Area.objects.get(name="双茂小区", kind=Area.Kind.COMPOUND)
    resident = Resident.objects.get(name="周先生", area__parent=shuangmao)
    submitted = DOORS_AT
    if Concern.objects.filter(reporter=resident, submitted_at=submitted).exists():
        return
    lin, secretary = _user("xh_grid"), _user("xh_secretary")
    director = _user("xh_director")
    concern = actions.concern_submit(
        actor=lin,
        category=Category.objects.get(code="ZY"),
        description="双茂小区地下室通道被部分业主私自加装门锁、隔成储物间，通道堵塞，"
        "一旦失火无法逃生。",
        channel=C.SERVICE_POINT,
        area=resident.area,
        reporter=resident,
        address="双茂小区地下室",
        at=submitted,
    )
    actions.concern_accept(actor=secretary, concern=concern, at=_at("2024-10-20", "11:00"))
    actions.concern_dispatch(
        actor=secretary,
        concern=concern,
        lead_unit=Unit.objects.get(name="双茂物业公司"),
        handler=director,
        note="社区统筹，双茂物业牵头，居委会主任汪淑红协调志愿者逐户动员。",
        at=_at("2024-10-20", "11:30"),
    )
    actions.concern_progress(
        actor=director,
        concern=concern,
        note="物业张贴通知，志愿者分组入户讲解消防要求，绝大多数业主同意自行拆除。",
        at=_at("2024-10-22", "18:00"),
    )
    actions.concern_progress(
        actor=director,
        concern=concern,
        note="物业和志愿者协助拆除私设门32扇，清运杂物，地下室通道恢复畅通。",
        at=_at("2024-10-26", "16:00"),
    )
    actions.concern_resolve(
        actor=director,
        concern=concern,
        note="地下室私设门全部拆除（32扇），通道畅通，物业每周巡查。",
        at=_at("2024-10-27", "10:00"),
    )
    actions.concern_follow_up(
        actor=lin,
        concern=concern,
        method=FollowUp.Method.CALL,
        solved=True,
        satisfaction=SAT.SATISFIED,
        note="电话回访周先生，地下室通道畅通，表示满意。",
        at=_at("2024-10-30", "15:20"),
    )
    created["concerns"] += 1


# --- a generated year ---------------------------------------------------------------------

# code: (weight, dispatch chance, descriptions); {p} is the place, {c} the compound.
CATEGORIES = {
    "HJ": (
        20,
        0.05,
        (
            "{p}楼道堆放杂物，影响通行",
            "{c}垃圾桶满溢，异味大，清运不及时",
            "{p}下水道堵塞，污水外溢",
            "{c}绿化带里的建筑垃圾一直没人清运",
        ),
    ),
    "WY": (
        15,
        0.7,
        (
            "{p}电梯经常停运，老人上下楼困难",
            "{p}单元门门禁损坏，陌生人随意进出",
            "{p}顶楼漏水，报修后物业迟迟不修",
            "{c}停车管理混乱，消防通道被占",
        ),
    ),
    "MD": (
        10,
        0.2,
        (
            "{p}楼上住户漏水，邻里协商未果",
            "{p}邻居装修噪音扰民，早晚施工",
            "{p}宠物狗夜间吠叫，邻里发生口角",
            "{c}车位归属有争议，双方互不相让",
        ),
    ),
    "ZY": (
        9,
        0.7,
        (
            "{p}楼道被私人长期堆放电动车和杂物",
            "{c}公共绿地被个别住户开垦种菜",
            "{c}商户占道经营，行人只能走机动车道",
        ),
    ),
    "SD": (
        10,
        0.7,
        (
            "{p}停水两天，事先没有通知",
            "{p}暖气不热，室温不足18度",
            "{p}楼道灯不亮，晚上上下楼不安全",
            "{c}路灯损坏，夜间出行不便",
        ),
    ),
    "BM": (
        8,
        0.1,
        (
            "咨询办理老年优待证需要哪些材料",
            "希望在{c}设置快递代收点",
            "{c}附近缺少便民菜店",
            "希望解忧铺增加义剪和义诊服务",
        ),
    ),
    "YL": (
        7,
        0.3,
        (
            "{p}独居老人行动不便，希望有人定期探望",
            "咨询残疾人两项补贴如何申请",
            "{p}高龄老人希望申请老年助餐服务",
            "希望为{p}楼道加装扶手",
        ),
    ),
    "AQ": (
        6,
        0.6,
        (
            "{p}有人在楼道给电动车充电，存在火灾隐患",
            "{c}消防栓打开没有水",
            "{p}外墙瓷砖松动，有坠落危险",
            "{c}窨井盖缺失，夜里容易踩空",
        ),
    ),
    "ZC": (
        6,
        0.0,
        (
            "咨询城乡居民医保缴费时间和标准",
            "咨询公租房申请条件",
            "咨询灵活就业人员社保补贴",
            "咨询子女入学需要准备的材料",
        ),
    ),
    "WJ": (3, 1.0, ("{p}一楼住户私自扩建院墙", "{p}楼顶私搭彩钢房", "{c}有人私自开挖地下室")),
    "QY": (
        2,
        0.8,
        ("个体商户咨询营业执照变更手续", "商户反映门前道路施工影响经营", "小微企业咨询稳岗补贴"),
    ),
    "QT": (
        4,
        0.1,
        ("建议{c}增设健身器材", "反映{c}附近流浪狗较多", "建议公交线路经过{c}"),
    ),
}
CHANNELS = {
    C.VISIT: 30,
    C.SERVICE_POINT: 20,
    C.QR: 20,
    C.HOTLINE: 8,
    C.HOTLINE_12345: 12,
    C.MEETING: 6,
    C.API: 4,
}
PROPERTY = {u.area: u.name for u in county.PROPERTY_COMPANIES}
UNITS_FOR = {
    "WJ": ("县综合行政执法队",),
    "ZY": ("县综合行政执法队",),
    "SD": ("县供电公司", "县自来水公司"),
    "AQ": ("县消防救援大队",),
    "YL": ("县民政局",),
    "QY": ("县市场监督管理局",),
    "MD": ("县司法局",),
    "BM": ("木垒镇人民政府",),
    "QT": ("木垒镇人民政府",),
    "HJ": ("木垒镇人民政府",),
}
# Who writes the concern down: residents themselves on the QR page and through apps.
SUBMITTERS = {
    C.VISIT: "grid",
    C.SERVICE_POINT: "grid",
    C.HOTLINE: "secretary",
    C.HOTLINE_12345: "secretary",
    C.MEETING: "secretary",
}
UNIT_HANDLERS = {"县综合行政执法队": "unit:zf_handler", "蓝天物业公司": "unit:wy_handler"}
HANDLING = ("accept", "progress", "resolve")
PROGRESS_NOTES = (
    "已到现场查看，联系相关人员",
    "已与当事人沟通，约定处理时间",
    "材料已报送主办单位，等待答复",
    "正在协调物业和住户",
)
RESOLVE_NOTES = ("已处理完毕", "问题已解决，现场已恢复", "已答复当事人并办理", "已协调解决")
REJECT_REASONS = (
    "属司法诉讼范围，已告知当事人通过法院解决",
    "诉求内容不明确，多次联系未果",
)
EXEMPT_REASONS = (
    "属上级部门统一改造计划，社区无法单独办结",
    "因不可抗力（极端天气）无法按期处理",
    "属于历史遗留问题，已报县级专项处理",
)


@dataclass
class Step:
    at: datetime
    action: str
    actor: str | None  # a role in the community ("grid", "secretary" …), or None for nobody
    to_status: str
    note: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class Planned:
    """One generated concern and its history, in names, not rows."""

    receipt_code: str
    community: str
    compound: str
    building: str
    category: str
    channel: str
    urgent: bool
    description: str
    submitted_at: datetime
    steps: list[Step] = field(default_factory=list)
    follow_ups: list[tuple[datetime, str | None, str, bool, str]] = field(default_factory=list)
    lead_unit: str | None = None
    assisting: tuple[str, ...] = ()
    handler: str | None = None
    merged_into: str | None = None
    exempt_reason: str = ""
    reporter_pick: float | None = None  # where in the building's residents the reporter is


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan(*, seed: int, categories: dict[str, tuple[int, int, bool, str]]) -> list[Planned]:
    """The year's concerns for a seed and the categories' deadlines; a pure function of them."""
    rng = random.Random(seed)
    codes = random.Random(f"receipt-{seed}")
    planned: list[Planned] = []
    weights = {code: spec[0] for code, spec in CATEGORIES.items()}
    for community in county.COMMUNITIES:
        previous = None
        for _ in range(PER_COMMUNITY_MONTH * 12):
            twin = previous if previous is not None and rng.random() < 0.03 else None
            if twin is not None:
                # A neighbour reports the same thing again a little later: a duplicate.
                category, compound, building = twin.category, twin.compound, twin.building
                later = twin.submitted_at + timedelta(hours=rng.uniform(1, 30))
                submitted = min(later, AS_OF - timedelta(hours=1))
                text = twin.description
            else:
                category = _pick(rng, weights)
                compound = rng.choice(community.compounds)
                building = f"{rng.randrange(1, 5)}号楼"
                submitted = _moment(rng)
                text = rng.choice(CATEGORIES[category][2]).format(
                    p=f"{compound}{building}", c=compound
                )
            p = Planned(
                receipt_code="".join(codes.choice(RECEIPT_ALPHABET) for _ in range(10)),
                community=community.name,
                compound=compound,
                building=building,
                category=category,
                channel=_pick(rng, CHANNELS),
                urgent=rng.random() < 0.08,
                description=text,
                submitted_at=submitted,
                reporter_pick=rng.random() if rng.random() < 0.6 else None,
            )
            _life(p, rng, categories[category], twin)
            # Drawn in the order of the story; written in the order of time.
            p.steps.sort(key=lambda s: s.at)
            planned.append(p)
            previous = p
    planned.sort(key=lambda p: p.submitted_at)
    return planned


def _moment(rng: random.Random) -> datetime:
    """A time in the year, in office hours mostly."""
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    hour = rng.choices(range(8, 21), weights=[3, 6, 7, 6, 3, 4, 6, 6, 5, 4, 3, 2, 1])[0]
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LOCAL)


def _life(p: Planned, rng: random.Random, spec, twin: Planned | None) -> None:
    """Draw the history: acceptance, dispatch, progress, resolution, follow-ups."""
    response_hours, resolution_hours, working_days, level = spec
    response_due = deadline(p.submitted_at, response_hours, working_days=working_days)
    resolution_due = deadline(p.submitted_at, resolution_hours, working_days=working_days)
    steps = p.steps
    steps.append(Step(p.submitted_at, "submit", SUBMITTERS.get(p.channel), S.SUBMITTED))
    fate = rng.random()
    if twin is not None:
        when = p.submitted_at + timedelta(hours=rng.uniform(0.5, 6))
        if _open_at(twin, when):
            p.merged_into = twin.receipt_code
            steps.append(Step(when, "merge", "secretary", S.MERGED, "与同一问题合并办理"))
            return
    if fate < 0.02:
        when = p.submitted_at + timedelta(hours=rng.uniform(1, 20))
        steps.append(Step(when, "reject", "reviewer", S.REJECTED, rng.choice(REJECT_REASONS)))
        return
    span = response_due - p.submitted_at
    late = rng.random() < 0.1
    accepted = p.submitted_at + span * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.05, 0.9))
    acceptor = "grid" if level == "grid" else "secretary"
    steps.append(Step(accepted, "accept", acceptor, S.ACCEPTED))
    p.handler = acceptor
    now = accepted
    if fate > 0.975:
        now += timedelta(hours=rng.uniform(1, 48))
        p.exempt_reason = rng.choice(EXEMPT_REASONS)
        steps.append(Step(now, "exempt", "reviewer", S.ACCEPTED, p.exempt_reason))
    if rng.random() < CATEGORIES[p.category][1]:
        lead = PROPERTY.get(p.compound) if p.category in ("WY", "ZY") else None
        lead = lead or rng.choice(UNITS_FOR.get(p.category, ("木垒镇人民政府",)))
        p.lead_unit = lead
        if p.category in ("WJ", "ZY") and p.compound in PROPERTY and lead != PROPERTY[p.compound]:
            p.assisting = (PROPERTY[p.compound],)
        p.handler = UNIT_HANDLERS.get(lead, p.handler)
        now += timedelta(hours=rng.uniform(0.5, 8))
        steps.append(
            Step(now, "dispatch", "secretary", S.IN_PROGRESS, f"派{lead}办理", {"lead_unit": lead})
        )
    room = max(resolution_due - now, timedelta(hours=2))
    overdue = rng.random() < 0.06
    resolved = now + (room * rng.uniform(1.05, 1.8) if overdue else room * rng.uniform(0.2, 0.95))
    for _ in range(rng.choice((0, 1, 1, 2))):
        now = now + (resolved - now) * rng.uniform(0.2, 0.7)
        steps.append(Step(now, "progress", p.handler, S.IN_PROGRESS, rng.choice(PROGRESS_NOTES)))
    if resolved > resolution_due:
        higher = next_level(level)
        steps.append(
            Step(
                resolution_due,
                "overdue",
                None,
                "",
                "超过办结期限，自动上报" if higher else "超过办结期限",
                {"from": level, "to": higher or level},
            )
        )
    steps.append(Step(resolved, "resolve", p.handler, S.RESOLVED, rng.choice(RESOLVE_NOTES)))
    for attempt in range(2):
        answered = resolved + timedelta(hours=rng.uniform(20, 120))
        solved = attempt == 1 or rng.random() > 0.09
        if solved:
            satisfaction = _pick(rng, {SAT.SATISFIED: 78, SAT.BASIC: 17, SAT.UNSATISFIED: 5})
        else:
            satisfaction = _pick(rng, {SAT.UNSATISFIED: 80, SAT.BASIC: 20})
        by = _follower(p, rng)
        p.follow_ups.append((answered, by, _method(by, rng), solved, satisfaction))
        steps.append(
            Step(
                answered,
                "follow_up",
                by,
                S.CLOSED if solved else S.IN_PROGRESS,
                "" if solved else "居民反映问题仍未解决，退回重办",
                {"solved": solved, "satisfaction": satisfaction},
            )
        )
        if solved:
            return
        now = answered + timedelta(hours=rng.uniform(4, 48))
        steps.append(Step(now, "progress", p.handler, S.IN_PROGRESS, "重新上门处理"))
        resolved = now + timedelta(hours=rng.uniform(12, 96))
        steps.append(Step(resolved, "resolve", p.handler, S.RESOLVED, "返工后已解决"))


def _open_at(p: Planned, moment: datetime) -> bool:
    done = [s.at for s in p.steps if s.to_status in (S.CLOSED, S.REJECTED, S.MERGED)]
    return p.steps[0].at < moment and (not done or done[-1] > moment)


def _follower(p: Planned, rng: random.Random) -> str | None:
    """Who makes the return visit: never anyone who accepted, progressed or resolved it."""
    handled = {s.actor for s in p.steps if s.action in ("accept", "progress", "resolve")}
    handled.add(p.handler)
    choices = [r for r in ("grid", "secretary", "director") if r not in handled]
    if not choices or rng.random() < 0.12:
        return None  # the resident rates it on the tracking page
    return choices[0]


def _method(by: str | None, rng: random.Random) -> str:
    if by is None:
        return FollowUp.Method.SELF
    return FollowUp.Method.VISIT if rng.random() < 0.4 else FollowUp.Method.CALL


def generated(planned: list[Planned], created: Counter, *, seed: int) -> None:
    known = set(
        Concern.objects.filter(receipt_code__in=[p.receipt_code for p in planned]).values_list(
            "receipt_code", flat=True
        )
    )
    todo = [p for p in planned if p.receipt_code not in known]
    if not todo:
        return
    cast = _Cast()
    rows = [cast.concern(p) for p in todo]
    Concern.objects.bulk_create(rows)
    ids = dict(
        Concern.objects.filter(receipt_code__in=[p.receipt_code for p in todo]).values_list(
            "receipt_code", "pk"
        )
    )
    merged = []
    for p in todo:
        if p.merged_into:
            merged.append(Concern(pk=ids[p.receipt_code], merged_into_id=_id(ids, p.merged_into)))
    Concern.objects.bulk_update(merged, ["merged_into"])
    ConcernEvent.objects.bulk_create(
        event for p in todo for event in cast.events(p, ids[p.receipt_code], ids)
    )
    # The concern merged into also records the merge, as concern_merge writes it.
    by_code = {p.receipt_code: p for p in planned}
    ConcernEvent.objects.bulk_create(
        ConcernEvent(
            concern_id=_id(ids, p.merged_into),
            at=step.at,
            actor=cast.user(p, step.actor),
            action="merge",
            from_status=_status_at(by_code[p.merged_into], step.at),
            to_status=_status_at(by_code[p.merged_into], step.at),
            note=step.note,
            data={"merged": ids[p.receipt_code]},
        )
        for p in todo
        for step in p.steps
        if step.action == "merge" and step.at < AS_OF
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            concern_id=ids[p.receipt_code],
            at=at,
            by=cast.follower(p, by),
            method=method if cast.follower(p, by) else FollowUp.Method.SELF,
            solved=solved,
            satisfaction=satisfaction,
        )
        for p in todo
        for at, by, method, solved, satisfaction in p.follow_ups
        if at < AS_OF
    )
    Concern.assisting_units.through.objects.bulk_create(
        Concern.assisting_units.through(concern_id=ids[p.receipt_code], unit_id=cast.unit(name))
        for p in todo
        if _kept(p, "dispatch")
        for name in p.assisting
    )
    audit.record("demo.concerns_load", detail={"seed": seed, "created": len(todo)})
    created["concerns"] += len(todo)


def _id(ids: dict, code: str) -> int:
    if code not in ids:
        return Concern.objects.get(receipt_code=code).pk
    return ids[code]


def _status_at(p: Planned, moment: datetime) -> str:
    status = S.SUBMITTED
    for step in p.steps:
        if step.at <= moment and step.to_status:
            status = step.to_status
    return status


def _kept(p: Planned, action: str) -> bool:
    return any(s.action == action and s.at < AS_OF for s in p.steps)


class _Cast:
    """Names of the plan resolved to rows: places, users, units, categories."""

    def __init__(self):
        self.categories = {c.code: c for c in Category.objects.all()}
        self.units = dict(Unit.objects.values_list("name", "pk"))
        User = get_user_model()
        self.users = {u.username: u for u in User.objects.filter(staff__isnull=False)}
        staff = Staff.objects.select_related("user", "area")
        self.secretaries = {
            s.area.name: s.user for s in staff.filter(role=Staff.Role.COMMUNITY_SECRETARY)
        }
        self.directors = {
            s.area.name: s.user for s in staff.filter(role=Staff.Role.COMMUNITY_STAFF)
        }
        self.admin = staff.filter(role=Staff.Role.COUNTY_ADMIN).first()
        self.grid_workers = {}
        for grid in Grid.objects.prefetch_related("areas", "workers__user"):
            worker = next(iter(grid.workers.all()), None)
            for area in grid.areas.all():
                if worker is not None:
                    self.grid_workers[area.name] = worker.user
        self.compounds = {
            a.name: a
            for a in Area.objects.filter(kind=Area.Kind.COMPOUND, parent__kind="community")
        }
        self.buildings = {
            (b.parent.name, b.name): b
            for b in Area.objects.filter(kind=Area.Kind.BUILDING).select_related("parent")
        }
        self.residents = defaultdict(list)
        for pk, area_id in Resident.objects.order_by("pk").values_list("pk", "area_id"):
            self.residents[area_id].append(pk)

    def unit(self, name: str | None) -> int | None:
        return self.units.get(name) if name else None

    def user(self, p: Planned, role: str | None):
        if role is None:
            return None
        if role.startswith("unit:"):
            return self.users.get(role.removeprefix("unit:"))
        grid = self.grid_workers.get(p.compound)
        secretary = self.secretaries.get(p.community)
        found = {
            "grid": grid,
            "secretary": secretary or grid,
            "director": self.directors.get(p.community),
            "reviewer": secretary or (self.admin.user if self.admin else None),
        }[role]
        return found

    def follower(self, p: Planned, role: str | None):
        """The planned follower, unless that person turns out to have handled the concern
        (a community without a secretary has its grid worker in both parts); the resident's
        own rating then."""
        user = self.user(p, role)
        handled = {self.user(p, s.actor) for s in p.steps if s.action in HANDLING}
        handled.add(self.user(p, p.handler))
        return None if user in handled else user

    def concern(self, p: Planned) -> Concern:
        category = self.categories[p.category]
        area = self.buildings.get((p.compound, p.building)) or self.compounds[p.compound]
        kept = [s for s in p.steps if s.at < AS_OF]
        status = next(s.to_status for s in reversed(kept) if s.to_status)
        level = category.default_level
        for s in kept:
            if s.action == "overdue":
                level = s.data["to"]
        residents = self.residents.get(area.pk, [])
        reporter = None
        if p.reporter_pick is not None and residents and p.channel != C.QR:
            reporter = residents[int(p.reporter_pick * len(residents))]
        resolves = [s.at for s in kept if s.action == "resolve"]
        row = Concern(
            receipt_code=p.receipt_code,
            external_id=f"12345-{p.receipt_code}" if p.channel == C.HOTLINE_12345 else None,
            category=category,
            description=p.description,
            channel=p.channel,
            urgency=Concern.Urgency.URGENT if p.urgent else Concern.Urgency.NORMAL,
            status=status,
            area=area,
            reporter_id=reporter,
            level=level,
            lead_unit_id=self.unit(p.lead_unit) if _kept(p, "dispatch") else None,
            handler=self.user(p, p.handler) if _kept(p, "accept") else None,
            exempt_reason=p.exempt_reason if _kept(p, "exempt") else "",
            submitted_at=p.submitted_at,
            response_due=deadline(
                p.submitted_at, category.response_hours, working_days=category.working_days
            ),
            resolution_due=deadline(
                p.submitted_at, category.resolution_hours, working_days=category.working_days
            ),
            accepted_at=next((s.at for s in kept if s.action == "accept"), None),
            resolved_at=resolves[-1] if status in (S.RESOLVED, S.CLOSED) else None,
            closed_at=next((s.at for s in kept if s.to_status == S.CLOSED), None),
            overdue=_kept(p, "overdue"),
        )
        for at, _by, _method, solved, satisfaction in p.follow_ups:
            if at < AS_OF:
                row.count_follow_up(solved=solved, satisfaction=satisfaction)
        return row

    def events(self, p: Planned, pk: int, ids: dict):
        status = ""
        for s in p.steps:
            if s.at >= AS_OF:
                return
            to = s.to_status or status
            data = dict(s.data)
            if s.action == "dispatch":
                data = {
                    "lead_unit": self.unit(p.lead_unit),
                    "assisting": [self.unit(n) for n in p.assisting],
                    "handler": getattr(self.user(p, p.handler), "pk", None),
                }
            if s.action == "merge":
                data = {"into": _id(ids, p.merged_into)}
            actor = self.follower(p, s.actor) if s.action == "follow_up" else self.user(p, s.actor)
            yield ConcernEvent(
                concern_id=pk,
                at=s.at,
                actor=actor,
                action=s.action,
                from_status=status,
                to_status=to,
                note=s.note,
                data=data,
            )
            status = to
