"""The demo county's records at its 解忧铺 for 2024: meetings and their suggestions, door-to-door
visits, the 解忧智囊团 and its log, and events.

The seed page's figures are not typed in: as of 19 December 2024 (the day 王乐 spoke to the
reporter) the county "召开业主会议 43 次，收集并解决群众意见建议 79 条", so the plan holds 43
owners' meetings in 2024 raising 79 suggestions, each a concern submitted, accepted,
resolved and confirmed solved on follow-up through `concerns.actions`, and the community
page counts them back. 居民议事会 and 庭院会 are planned apart, and some of their
suggestions are still being handled, so that "collected" and "resolved" differ there.

Meetings, volunteers and events go through `points.actions`; the thousands of visits and
volunteer-log entries are written in bulk, as demo/concerns.py writes its generated year,
with one audit entry per batch. Everything is drawn from `random.Random(seed)` and looked
up by its natural key first (meeting: community, kind, day and topic; volunteer: community
and name; event: point, kind and start; visits and log: the demo's keys), so a second load
adds nothing.
"""

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from jieyou.concerns import actions as concern_actions
from jieyou.concerns.models import Concern, FollowUp
from jieyou.core import audit
from jieyou.people.models import Household, Resident, Staff, Unit
from jieyou.places.models import Area, Grid
from jieyou.places.queries import under_paths
from jieyou.points import tally
from jieyou.points.actions import events as event_actions
from jieyou.points.actions import meetings as meeting_actions
from jieyou.points.actions import volunteers as volunteer_actions
from jieyou.points.models import (
    Event,
    Meeting,
    ServicePoint,
    Visit,
    Volunteer,
    VolunteerActivity,
    VolunteerRole,
)

from . import county

LOCAL = ZoneInfo("Asia/Shanghai")
YEAR = 2024
FIRST_DAY = date(YEAR, 1, 1)
AS_OF = date(YEAR, 12, 19)  # "截至目前": the day of the seed page's interview
OWNERS_MEETINGS = 43
OWNERS_SUGGESTIONS = 79
# 乐居“解忧铺” opened in mid-October 2024; before that 西河's meetings had no point to meet at.
OPENED = {"西河社区": date(YEAR, 10, 15)}
VISIT_KEY = "demo-visit"
BATCH = 2000

MK = Meeting.Kind
EK = Event.Kind
R = Staff.Role
B = Volunteer.Background
VR = VolunteerRole.Role
AK = VolunteerActivity.Kind


def load(created: Counter, *, seed: int) -> None:
    cast = _Cast()
    if not cast.communities:
        return
    rng = random.Random(f"point-records-{seed}")
    _meetings(created, cast, rng)
    _visits(created, cast, seed=seed)
    _volunteers(created, cast, seed=seed)
    _events(created, cast, random.Random(f"events-{seed}"))


class _Cast:
    """The demo county's communities, their points and the staff who keep the records."""

    def __init__(self):
        codes = {c.code: c for c in county.COMMUNITIES}
        self.communities = list(
            Area.objects.filter(kind=Area.Kind.COMMUNITY, code__in=codes).order_by("code")
        )
        self.seeds = {a.pk: codes[a.code] for a in self.communities}
        self.points = {}
        for point in ServicePoint.objects.filter(community__in=self.communities).order_by("pk"):
            self.points.setdefault(point.community_id, point)
        staff = Staff.objects.filter(area__in=self.communities).select_related("user")
        self.secretaries = {
            s.area_id: s.user for s in staff.filter(role=R.COMMUNITY_SECRETARY).order_by("pk")
        }
        self.directors = {
            s.area_id: s.user for s in staff.filter(role=R.COMMUNITY_STAFF).order_by("pk")
        }
        self.workers = defaultdict(list)  # community id → grid workers' users
        self.grid_worker = {}  # grid id → its worker's user
        for s in staff.filter(role=R.GRID_WORKER).prefetch_related("grids").order_by("pk"):
            self.workers[s.area_id].append(s.user)
            for grid in s.grids.all():
                self.grid_worker.setdefault(grid.pk, s.user)
        self.units = {u.name: u for u in Unit.objects.all()}

    def keeper(self, community: Area):
        """Who records the community's meetings and events: its secretary, else a grid worker."""
        found = self.secretaries.get(community.pk) or next(iter(self.workers[community.pk]), None)
        return found

    def point_on(self, community: Area, day: date) -> ServicePoint | None:
        opened = OPENED.get(community.name)
        if opened is not None and day < opened:
            return None
        return self.points.get(community.pk)

    def staff_of(self, community: Area) -> list:
        people = [self.secretaries.get(community.pk), self.directors.get(community.pk)]
        return [u for u in [*people, *self.workers[community.pk]] if u is not None]


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


def _day_in(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _split(rng: random.Random, total: int, parts: int, least: int) -> list[int]:
    """`total` in `parts` whole shares of at least `least` each, drawn at random."""
    shares = [least] * parts
    for _ in range(total - least * parts):
        shares[rng.randrange(parts)] += 1
    return shares


# --- meetings and suggestions ------------------------------------------------------------

TOPICS = {
    MK.OWNERS: (
        "物业服务质量评议",
        "小区公共收益公示",
        "电动车集中充电棚建设",
        "小区停车管理办法",
        "地下室通道整治",
        "楼道堆物清理",
        "二次供水设施维护",
        "老旧小区改造方案征求意见",
        "小区绿化补植",
        "监控设施增设",
    ),
    MK.RESIDENTS: (
        "社区老年助餐点设置",
        "“解忧集市”摊位安排",
        "文明养犬公约",
        "冬季供暖保障",
        "邻里互助积分办法",
    ),
    MK.COURTYARD: (
        "楼栋卫生轮值",
        "晾晒区划定",
        "楼道灯维修",
        "邻里纠纷调解",
        "高龄老人探访结对",
    ),
}
SUGGESTIONS = (
    ("WY", "建议物业每季度在公告栏公示公共收益收支"),
    ("WY", "小区监控存在盲区，建议在东门和地下车库增设摄像头"),
    ("WY", "单元门禁经常损坏，建议物业更换"),
    ("AQ", "居民在楼道给电动车充电，建议建设集中充电棚"),
    ("AQ", "消防通道经常被车辆占用，建议划线并定期巡查"),
    ("HJ", "垃圾桶数量不足，建议增设分类垃圾桶"),
    ("HJ", "绿化带缺苗，建议开春补植"),
    ("SD", "楼道灯不亮，建议更换声控灯"),
    ("SD", "二次供水水箱建议定期清洗并公示检测结果"),
    ("QT", "建议在小区空地增设健身器材和休息座椅"),
    ("QT", "建议规划非机动车停放区"),
    ("YL", "建议在解忧铺设置老年助餐点"),
    ("ZY", "地下室通道被私设门占用，建议拆除"),
    ("BM", "建议在解忧铺增设快递代收点"),
)
RESOLVE_NOTES = (
    "已协调物业落实，并在小区公告栏公示",
    "社区牵头、物业配合，已按居民意见整改",
    "已纳入解忧铺服务事项，居民可到店办理",
    "已联系相关单位处理完毕",
)
# How many meetings of the other kinds each community holds in the year, and the
# suggestions each raises at most.
OTHER_MEETINGS = {MK.RESIDENTS: (4, 3), MK.COURTYARD: (6, 2)}


def _meetings(created: Counter, cast: _Cast, rng: random.Random) -> None:
    """Plan the year's meetings (everything drawn before anything is looked up, so that a
    second load draws the same plan), then record those not yet recorded."""
    plans = []  # (community, kind, day, suggestions raised)
    taken: set[tuple] = set()

    def free_day(community, kind, first, last) -> date:
        # A community holds one meeting of a kind a day: its day and topic are its key.
        while (community.pk, kind, day := _day_in(rng, first, last)) in taken:
            pass
        taken.add((community.pk, kind, day))
        return day

    owners = _split(rng, OWNERS_MEETINGS, len(cast.communities), 4)
    raised = iter(_split(rng, OWNERS_SUGGESTIONS, OWNERS_MEETINGS, 1))
    for community, n in zip(cast.communities, owners, strict=True):
        for _ in range(n):
            day = free_day(community, MK.OWNERS, date(YEAR, 1, 15), date(YEAR, 11, 30))
            plans.append((community, MK.OWNERS, day, next(raised)))
    for community in cast.communities:
        for kind, (n, most) in OTHER_MEETINGS.items():
            for _ in range(n):
                day = free_day(community, kind, date(YEAR, 1, 10), AS_OF - timedelta(days=2))
                plans.append((community, kind, day, rng.randint(0, most)))
    plans.sort(key=lambda p: (p[2], p[0].pk, p[1]))
    compounds = {
        c.pk: list(Area.objects.filter(parent=c, kind=Area.Kind.COMPOUND).order_by("pk"))
        for c in cast.communities
    }
    low_high = {MK.OWNERS: (25, 80), MK.RESIDENTS: (12, 30), MK.COURTYARD: (8, 20)}
    for community, kind, day, n in plans:
        places = compounds[community.pk]
        drawn = {
            "topic": rng.choice(TOPICS[kind]),
            "attendance": rng.randint(*low_high[kind]),
            "suggestions": [
                (*rng.choice(SUGGESTIONS), rng.choice(places) if places else None) for _ in range(n)
            ],
            "fates": [_fate(rng, kind, day) for _ in range(n)],
            "timing": [tuple(rng.random() for _ in range(4)) for _ in range(n)],
        }
        _meeting(created, cast, community, kind, day, **drawn)


def _fate(rng: random.Random, kind: str, day: date) -> str:
    """What becomes of a suggestion: every owners'-meeting one is resolved (the page's 79);
    of the others a few are still open or were reported unsolved on follow-up."""
    if kind == MK.OWNERS:
        return "solved"
    if (AS_OF - day).days < 10:
        return "open"
    return rng.choices(["solved", "open", "unsolved"], weights=[80, 12, 8])[0]


def _meeting(
    created, cast, community, kind, day, *, topic, attendance, suggestions, fates, timing
) -> None:
    if Meeting.objects.filter(community=community, kind=kind, held_on=day, topics=topic).exists():
        return
    keeper = cast.keeper(community)
    if keeper is None:
        return
    meeting = meeting_actions.meeting_record(
        actor=keeper,
        community=community,
        point=cast.point_on(community, day),
        kind=kind,
        held_on=day,
        attendance=attendance,
        topics=topic,
        minutes=f"会议围绕“{topic}”听取居民意见，逐条记录，会后转为诉求办理。",
        decisions=f"由社区牵头落实“{topic}”相关事项，办理结果在小区公告栏公示。",
        suggestions=[
            {"category": code, "description": text, "area": place}
            for code, text, place in suggestions
        ],
        at=_local(day, 19, 30),
    )
    created["meetings"] += 1
    for suggestion, fate, draws in zip(
        meeting.suggestions.select_related("concern").order_by("pk"), fates, timing, strict=True
    ):
        _handle(cast, community, suggestion.concern, fate, draws)
        created["meeting suggestions"] += 1


def _handle(cast: _Cast, community: Area, concern: Concern, fate: str, draws) -> None:
    """Take a suggestion through the concern's steps, in time, to the fate drawn for it."""
    staff = cast.staff_of(community)
    handler = cast.secretaries.get(community.pk) or (staff[0] if staff else None)
    if handler is None:
        return
    a, b, c, d = draws
    accepted = concern.submitted_at + (concern.response_due - concern.submitted_at) * (
        0.1 + 0.6 * a
    )
    concern_actions.concern_accept(actor=handler, concern=concern, at=accepted)
    if fate == "open":
        return
    window = max(concern.resolution_due - accepted, timedelta(hours=6))
    resolved = accepted + window * (0.2 + 0.6 * b)
    concern_actions.concern_resolve(
        actor=handler,
        concern=concern,
        note=RESOLVE_NOTES[int(c * len(RESOLVE_NOTES))],
        at=resolved,
    )
    others = [u for u in staff if u != handler]
    follower = others[0] if others else None
    answered = resolved + timedelta(hours=24 + 48 * d)
    concern_actions.concern_follow_up(
        actor=follower,
        concern=concern,
        method=FollowUp.Method.VISIT if follower else FollowUp.Method.SELF,
        solved=fate == "solved",
        satisfaction=FollowUp.Satisfaction.SATISFIED
        if fate == "solved"
        else FollowUp.Satisfaction.UNSATISFIED,
        note="居民确认已解决" if fate == "solved" else "居民反映尚未解决，退回继续办理",
        at=answered,
    )


# --- door-to-door visits -----------------------------------------------------------------

PURPOSES = {
    Visit.Purpose.CALL: 50,
    Visit.Purpose.POLICY: 20,
    Visit.Purpose.HAZARD: 15,
    Visit.Purpose.DISPUTE: 5,
    Visit.Purpose.CARE: 10,
}
FINDINGS = {
    Visit.Purpose.CALL: ("家中一切正常", "了解家庭近况，无特殊诉求", "住户反映楼道卫生有所改善"),
    Visit.Purpose.POLICY: ("宣传城乡居民医保缴费政策", "讲解防范电信诈骗知识", "宣传垃圾分类"),
    Visit.Purpose.HAZARD: ("检查燃气管道和电动车充电情况，未见隐患", "提醒住户不要在楼道堆放杂物"),
    Visit.Purpose.DISPUTE: ("邻里噪音问题已当面调解", "楼上漏水问题已协调双方协商"),
    Visit.Purpose.CARE: ("探望独居老人，身体状况良好", "帮老人代缴水电费", "送去慰问品"),
}


def _month_last(month: int) -> date:
    return date(YEAR + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _visits(created: Counter, cast: _Cast, *, seed: int) -> None:
    """Each grid's worker calls on a third to a half of the grid's households each month, a
    few twice; care-tagged households more often. A grid already visited in the demo is
    left as it is; each grid draws from a generator of its own."""
    done = set(
        Visit.objects.filter(client_key__startswith=f"{VISIT_KEY}:{seed}:")
        .order_by()
        .values_list("grid_id", flat=True)
        .distinct()
    )
    cared = set(
        Resident.objects.filter(tags__name__in=["独居老人", "空巢老人", "残疾"]).values_list(
            "household_id", flat=True
        )
    )
    grids = (
        Grid.objects.filter(community__in=cast.communities)
        .select_related("community")
        .prefetch_related("areas")
    )
    rows = []
    for grid in grids.order_by("pk"):
        worker = cast.grid_worker.get(grid.pk) or cast.keeper(grid.community)
        if grid.pk in done or worker is None:
            continue
        rng = random.Random(f"visits-{seed}-{grid.community.code}-{grid.name}")
        households = list(
            Household.objects.filter(
                under_paths([a.path for a in grid.areas.all()], "building__path")
            )
            .order_by("building__path", "room")
            .values_list("pk", flat=True)
        )
        for month in range(1, 13):
            last = min(_month_last(month), AS_OF)
            first = date(YEAR, month, 1)
            if first > last:
                break
            share = rng.uniform(0.3, 0.5)
            for household in households:
                chance = min(1.0, share * (1.8 if household in cared else 1.0))
                if rng.random() >= chance:
                    continue
                times = 2 if rng.random() < 0.08 else 1
                for _ in range(times):
                    day = _day_in(rng, first, last)
                    purpose = (
                        Visit.Purpose.CARE
                        if household in cared and rng.random() < 0.5
                        else rng.choices(list(PURPOSES), weights=list(PURPOSES.values()))[0]
                    )
                    rows.append(
                        Visit(
                            household_id=household,
                            grid=grid,
                            worker=worker,
                            visited_on=day,
                            purpose=purpose,
                            findings=rng.choice(FINDINGS[purpose]),
                            client_key=f"{VISIT_KEY}:{seed}:{grid.pk}:{household}:{day:%Y%m%d}",
                        )
                    )
    # Two calls drawn for the same day are one visit.
    unique = {v.client_key: v for v in rows}
    Visit.objects.bulk_create(list(unique.values()), batch_size=BATCH, ignore_conflicts=True)
    if unique:
        audit.record("demo.visits_load", detail={"seed": seed, "created": len(unique)})
    created["visits"] += len(unique)
    _pigeon_visit(created, seed=seed)
    # Written in bulk, past visit_record: the rollup the figures read is filled here.
    tally.count_visits(Visit.objects.filter(client_key__startswith=f"{VISIT_KEY}:{seed}:"))


def _pigeon_visit(created: Counter, *, seed: int) -> None:
    """The seed page's July visit: 陈丹 hears 李女士's complaint about the pigeons, the concern
    demo/concerns.py tells; the visit is linked to it."""
    key = f"{VISIT_KEY}:{seed}:pigeons"
    if Visit.objects.filter(client_key=key).exists():
        return
    resident = (
        Resident.objects.filter(name="李女士", area__parent__name="蓝天家园小区")
        .exclude(household__isnull=True)
        .select_related("household")
        .first()
    )
    grid = Grid.objects.filter(name="明珠第一网格").first()
    worker = Staff.objects.filter(user__username="mz_grid").select_related("user").first()
    if resident is None or grid is None or worker is None:
        return
    visit = Visit.objects.create(
        household=resident.household,
        grid=grid,
        worker=worker.user,
        visited_on=date(YEAR, 7, 9),
        purpose=Visit.Purpose.CALL,
        findings="李女士反映7号楼楼顶有住户养鸽，鸽粪污染晾晒衣物，已当场上报社区。",
        client_key=key,
    )
    concern = Concern.objects.filter(
        reporter=resident, submitted_at=_local(date(YEAR, 7, 9), 10, 20)
    ).first()
    if concern is not None:
        visit.concerns.add(concern)
    created["visits"] += 1


# --- 解忧智囊团 ---------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨马赵周吴孙何郭冯韩"
GIVEN = (
    "建国", "秀英", "桂兰", "志强", "玉兰", "德明", "海燕", "文华",
    "春梅", "永刚", "淑珍", "国庆", "丽娜", "新民", "红霞", "玉梅",
)  # fmt: skip
KAZAKH = ("努尔兰", "阿依古丽", "叶尔江", "古丽娜尔", "哈力木", "巴合提")
PER_COMMUNITY = 12
ROLE_KIND = {
    VR.PATROL: AK.PATROL,
    VR.MEDIATOR: AK.MEDIATION,
    VR.INFORMANT: AK.INFORMATION,
    VR.OUTREACH: AK.OUTREACH,
    VR.LIAISON: AK.SERVICE,
}
NOTES = {
    AK.PATROL: ("夜间巡逻小区，检查单元门和消防通道", "节假日安全巡查", "巡查电动车充电情况"),
    AK.MEDIATION: ("调解楼上楼下漏水纠纷", "调解停车位争执", "调解邻里噪音纠纷"),
    AK.INFORMATION: ("收集居民对物业服务的意见", "收集楼栋居民需求并上报", "登记独居老人需求"),
    AK.OUTREACH: ("在解忧铺宣讲防诈骗知识", "宣讲《民法典》相邻关系", "宣讲垃圾分类政策"),
    AK.SERVICE: ("协助解忧集市摆摊秩序", "为高龄老人代买生活用品", "协助组织旧物置换"),
}
# The consultation members whose staff serve as volunteers in a role.
ROLE_UNITS = {
    VR.PATROL: "县公安局",
    VR.MEDIATOR: "县司法局",
    VR.OUTREACH: "县委政法委",
}


def _names(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < n:
        if rng.random() < 0.2:
            name = rng.choice(KAZAKH)
        else:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _volunteers(created: Counter, cast: _Cast, *, seed: int) -> None:
    """Each community's roll, drawn from a generator of its own (so that what one community
    already has does not change another's draw), and each new member's year of log."""
    property_of = {u.area: u.name for u in county.PROPERTY_COMPANIES}
    log = []
    for community in cast.communities:
        keeper = cast.keeper(community)
        if keeper is None:
            continue
        rng = random.Random(f"volunteers-{seed}-{community.code}")
        compounds = cast.seeds[community.pk].compounds
        backgrounds = list(B.values) + [rng.choice(B.values) for _ in range(PER_COMMUNITY - 8)]
        roles = [[r] for r in VR.values] + [
            rng.sample(VR.values, rng.randint(1, 2)) for _ in range(PER_COMMUNITY - 5)
        ]
        names = _names(rng, PER_COMMUNITY, set())
        for i, (name, background, held) in enumerate(zip(names, backgrounds, roles, strict=True)):
            phone = f"+86139{community.pk % 100:02d}{rng.randrange(10**6):06d}"
            joined = _day_in(rng, date(2023, 3, 1), date(YEAR, 6, 30))
            unit = None
            if background == B.PROPERTY:
                unit = next(
                    (cast.units.get(property_of[c]) for c in compounds if c in property_of), None
                )
            elif rng.random() < 0.4 and held[0] in ROLE_UNITS:
                unit = cast.units.get(ROLE_UNITS[held[0]])
            volunteer = Volunteer.objects.filter(community=community, name=name).first()
            if volunteer is None:
                volunteer = volunteer_actions.volunteer_save(
                    actor=keeper,
                    community=community,
                    name=name,
                    background=background,
                    phone=phone,
                    roles=held,
                    unit=unit,
                    joined_on=joined,
                )
                created["volunteers"] += 1
            if VolunteerActivity.objects.filter(volunteer=volunteer).exists():
                continue
            own = random.Random(f"volunteer-log-{seed}-{community.code}-{name}")
            log += _log(own, cast, community, volunteer, held, keeper, busy=0.3 + 0.15 * (i % 3))
    VolunteerActivity.objects.bulk_create(log, batch_size=BATCH)
    if log:
        audit.record("demo.volunteer_log_load", detail={"seed": seed, "created": len(log)})
    created["volunteer activities"] += len(log)


def _log(rng, cast, community, volunteer, held, keeper, *, busy: float) -> list:
    """A year of a volunteer's log: in about `busy` of the weeks, one entry in one of the
    roles they hold."""
    entries = []
    start = max(FIRST_DAY, volunteer.joined_on or FIRST_DAY)
    monday = start - timedelta(days=start.weekday())
    while monday <= AS_OF:
        if rng.random() < busy:
            day = min(AS_OF, max(start, monday + timedelta(days=rng.randrange(7))))
            kind = ROLE_KIND[rng.choice(held)]
            entries.append(
                VolunteerActivity(
                    volunteer=volunteer,
                    kind=kind,
                    day=day,
                    hours=Decimal(rng.choice(("1.0", "1.5", "2.0", "2.5", "3.0"))),
                    note=rng.choice(NOTES[kind]),
                    point=cast.point_on(community, day),
                    recorded_by=keeper,
                )
            )
        monday += timedelta(days=7)
    return entries


# --- events ----------------------------------------------------------------------------------

# kind: (dates in the year per point, people served, providers, title, hour)
EVENTS = {
    EK.CLINIC: (12, (20, 60), "县卫生健康委员会医疗志愿队", "爱心义诊", 10),
    EK.HAIRCUT: (24, (10, 35), "爱心义剪志愿队", "爱心义剪", 10),
    EK.SWAP: (6, (15, 50), "解忧智囊团志愿者", "旧物置换", 15),
    EK.POLICY: (10, (30, 90), "县委政法委宣讲团", "政策宣讲进小区", 16),
    EK.SONG_DANCE: (4, (60, 200), "社区文艺队", "歌舞晚会", 19),
    EK.SKIT: (2, (60, 180), "县文工团", "小品专场", 19),
    EK.OPERA: (2, (50, 150), "戏曲爱好者协会", "戏曲演唱会", 19),
}
# 石榴籽 brings performances into 壁山丽景小区 (the seed page): more of them there.
PERFORMANCES = (EK.SONG_DANCE, EK.SKIT, EK.OPERA)


def _events(created: Counter, cast: _Cast, rng: random.Random) -> None:
    for community in cast.communities:
        point = cast.points.get(community.pk)
        keeper = cast.keeper(community)
        if point is None or keeper is None:
            continue
        opened = OPENED.get(community.name, FIRST_DAY)
        known = set(Event.objects.filter(point=point).values_list("kind", "starts_at"))
        for kind, (n, served, providers, title, hour) in EVENTS.items():
            if kind in PERFORMANCES and community.name == "老城社区":
                n *= 2
            for _ in range(n):
                day = _day_in(rng, opened, AS_OF - timedelta(days=1))
                starts = _local(day, hour, rng.choice((0, 30)))
                people = rng.randint(*served)
                if (kind, starts) in known:
                    continue
                known.add((kind, starts))
                event_actions.event_save(
                    actor=keeper,
                    point=point,
                    kind=kind,
                    title=f"{title}·{cast.seeds[community.pk].short}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    providers=providers,
                    people_served=people,
                )
                created["events"] += 1
