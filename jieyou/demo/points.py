"""The seven communities' 解忧铺 as the seed page describes them, with their zones and the
services the page names, coordinates around 木垒县城, and a year of services given.

From the page: the point names; the zones (蔬菜集市区 … “万事帮”区); 石榴籽's Friday
“解忧集市” (旧物置换、爱心义诊、磨刀、理发、法律咨询、互助广告、小补小修 every Friday in
壁山丽景小区) and its 代收快递、代缴水电费、家政服务介绍、家电维修、管道疏通; 乐居 opening in
mid-October 2024 with 义诊、义剪、爱心置换、就业招聘 and a parcel point. Invented: the hours,
the providers' names, the phone numbers, every coordinate and the daily counts.
"""

import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model

from jieyou.core import audit
from jieyou.people.models import Staff, Unit
from jieyou.places import actions as places
from jieyou.places.models import Area
from jieyou.points.actions import points as point_actions
from jieyou.points.actions import services as service_actions
from jieyou.points.models import Service, ServiceDelivery, ServicePoint, Zone

from . import county

# The same year as the demo concerns: 1 December 2023 through 30 November 2024.
FIRST_DAY = date(2023, 12, 1)
DAYS = 366
# 乐居“解忧铺”正式开门迎客 in mid-October 2024.
OPENED = {"西河社区": date(2024, 10, 15)}

# 木垒县城, the town the seven communities share.
CENTRE = (43.8300, 90.2800)
KM_PER_DEGREE_LAT = 111.2
# Distance of each community's first compound from the town centre, and of its second
# compound from its first, in km. Some second compounds lie beyond a 15-minute walk of every
# point, so the circle page has something to show.
RING_KM = 1.6
SECOND_COMPOUND_KM = (0.6, 1.5, 0.8, 1.3, 0.7, 1.0, 1.6)
BUILDING_SPREAD_KM = 0.15

P = Service.Provider
Z = Zone.Kind
ZONES = (
    (Z.MARKET, "", "时令蔬菜瓜果由农户直接销售"),
    (Z.CONSULTATION, "", ""),
    (Z.MEDIATION, "", ""),
    (Z.SWAP, "", ""),
    (Z.CLINIC, "", ""),
    (Z.HAIRCUT, "", ""),
    (Z.LEGAL, "", ""),
    (Z.POLICY, "", ""),
    (Z.HELP, "", "小补小修、代收快递、代缴水电费"),
)
HOURS = "周一至周六 9:30–19:30"
FRIDAY_HOURS = "周一至周六 9:30–19:30；每周五“解忧集市” 10:00–13:00"


@dataclass(frozen=True)
class ServiceSeed:
    name: str
    provider_kind: str
    provider: str = ""
    unit: str = ""  # a unit of county.UNITS, by name
    weekdays: str = ""
    starts: time | None = None
    ends: time | None = None
    schedule_note: str = ""
    price_note: str = ""
    per_day: tuple[int, int] = (2, 8)  # people served on a day it is given


def _t(text: str) -> time:
    return time.fromisoformat(text)


# Every point's everyday services ("代收快递、代缴水电费、家政服务介绍、家电维修、管道疏通").
EVERYDAY = (
    ServiceSeed(
        "代收快递",
        P.COMMUNITY,
        "网格员",
        weekdays="123456",
        starts=_t("09:30"),
        ends=_t("19:30"),
        price_note="免费",
        per_day=(8, 30),
    ),
    ServiceSeed(
        "代缴水电费",
        P.COMMUNITY,
        "社区工作人员",
        weekdays="12345",
        starts=_t("10:00"),
        ends=_t("18:00"),
        price_note="免费",
        per_day=(2, 10),
    ),
    ServiceSeed(
        "家政服务介绍",
        P.COMMUNITY,
        "社区工作人员",
        weekdays="135",
        starts=_t("10:00"),
        ends=_t("12:00"),
        price_note="介绍免费，服务费与家政人员商定",
        per_day=(1, 4),
    ),
    ServiceSeed(
        "家电维修",
        P.VENDOR,
        "老马家电维修部",
        weekdays="26",
        starts=_t("15:00"),
        ends=_t("18:00"),
        price_note="上门检查免费，换件收成本费",
        per_day=(1, 5),
    ),
    ServiceSeed(
        "管道疏通",
        P.VENDOR,
        "顺通管道疏通服务部",
        schedule_note="电话预约，当天上门",
        price_note="按次收费，明码标价",
        per_day=(1, 3),
    ),
)

# 石榴籽's “解忧集市”: every Friday in 壁山丽景小区.
FRIDAY_MARKET = tuple(
    ServiceSeed(name, kind, provider, unit, "5", _t("10:00"), _t("13:00"), "", price, people)
    for name, kind, provider, unit, price, people in (
        ("旧物置换", P.VOLUNTEER, "解忧智囊团志愿者", "", "以物换物", (5, 20)),
        ("义诊", P.UNIT, "", "县卫生健康委员会", "免费", (10, 40)),
        ("磨刀", P.VOLUNTEER, "张师傅", "", "免费", (5, 25)),
        ("理发", P.VOLUNTEER, "爱心义剪志愿队", "", "老人免费", (8, 30)),
        ("法律咨询", P.UNIT, "", "县司法局", "免费", (2, 10)),
        ("互助广告", P.VOLUNTEER, "楼栋长", "", "免费", (2, 8)),
        ("小补小修", P.VOLUNTEER, "李师傅", "", "免费，换件收成本费", (4, 15)),
    )
)


def _weekly(name, kind, provider, unit, weekday, starts, ends, price, people) -> ServiceSeed:
    return ServiceSeed(name, kind, provider, unit, weekday, _t(starts), _t(ends), "", price, people)


# The other points' weekly services, each on its own day so that a county-wide "this week"
# shows something every day.
WEEKLY = {
    "明珠社区": (
        _weekly(
            "理发", P.VOLUNTEER, "爱心义剪志愿队", "", "3", "10:00", "12:00", "老人免费", (6, 20)
        ),
        _weekly("法律咨询", P.UNIT, "", "县司法局", "4", "15:00", "17:00", "免费", (2, 8)),
        _weekly("义诊", P.UNIT, "", "县卫生健康委员会", "2", "10:00", "12:00", "免费", (8, 30)),
    ),
    "西河社区": (
        _weekly("义诊", P.UNIT, "", "县卫生健康委员会", "3", "10:00", "12:00", "免费", (8, 30)),
        _weekly(
            "理发", P.VOLUNTEER, "爱心义剪志愿队", "", "6", "10:00", "12:00", "老人免费", (6, 20)
        ),
        _weekly(
            "旧物置换",
            P.VOLUNTEER,
            "解忧智囊团志愿者",
            "",
            "6",
            "15:00",
            "17:00",
            "以物换物",
            (4, 15),
        ),
        _weekly(
            "就业招聘", P.UNIT, "", "县人力资源和社会保障局", "1", "10:00", "12:00", "免费", (3, 12)
        ),
    ),
    "园林社区": (
        _weekly(
            "理发", P.VOLUNTEER, "爱心义剪志愿队", "", "4", "10:00", "12:00", "老人免费", (5, 18)
        ),
        _weekly("法律咨询", P.UNIT, "", "县司法局", "2", "15:00", "17:00", "免费", (2, 8)),
        _weekly("磨刀", P.VOLUNTEER, "王师傅", "", "6", "10:00", "12:00", "免费", (3, 12)),
    ),
    "阿吾勒社区": (
        _weekly("法律咨询", P.UNIT, "", "县司法局", "1", "10:00", "12:00", "免费", (3, 12)),
        _weekly(
            "矛盾调解", P.VOLUNTEER, "解忧智囊团调解员", "", "35", "15:00", "18:00", "免费", (1, 5)
        ),
        _weekly("义诊", P.UNIT, "", "县卫生健康委员会", "4", "10:00", "12:00", "免费", (8, 30)),
    ),
    "新城社区": (
        _weekly(
            "理发", P.VOLUNTEER, "爱心义剪志愿队", "", "2", "10:00", "12:00", "老人免费", (5, 18)
        ),
        _weekly(
            "小补小修", P.VOLUNTEER, "解忧智囊团志愿者", "", "7", "10:00", "12:00", "免费", (3, 12)
        ),
        _weekly("政策宣传", P.COMMUNITY, "社区工作人员", "", "3", "16:00", "17:30", "", (10, 40)),
    ),
    "迎宾社区": (
        _weekly("义诊", P.UNIT, "", "县卫生健康委员会", "1", "15:00", "17:00", "免费", (8, 25)),
        _weekly(
            "理发", P.VOLUNTEER, "爱心义剪志愿队", "", "5", "10:00", "12:00", "老人免费", (5, 18)
        ),
        _weekly("互助广告", P.VOLUNTEER, "楼栋长", "", "7", "10:00", "12:00", "免费", (2, 6)),
    ),
}
WEEKLY["老城社区"] = FRIDAY_MARKET


def services_of(community: str) -> tuple[ServiceSeed, ...]:
    return EVERYDAY + WEEKLY.get(community, ())


def load(created: Counter, *, seed: int) -> None:
    for index, c in enumerate(county.COMMUNITIES):
        community = Area.objects.filter(code=c.code, kind=Area.Kind.COMMUNITY).first()
        if community is None:
            continue
        compounds = [
            Area.objects.filter(parent=community, name=name, kind=Area.Kind.COMPOUND).first()
            for name in c.compounds
        ]
        first = compounds[0] if compounds else None
        home = _place(created, index, compounds, seed=seed)
        point = _point(created, c, community, first, home)
        _services(created, point, c.name)
        _deliveries(created, point, c.name, random.Random(f"{seed}:{c.name}"))


# ---- coordinates -----------------------------------------------------------------------


def _offset(origin: tuple[float, float], km: float, bearing: float) -> tuple[float, float]:
    """The place `km` from origin in the direction `bearing` (radians, 0 = north)."""
    lat, lon = origin
    dlat = km * math.cos(bearing) / KM_PER_DEGREE_LAT
    dlon = km * math.sin(bearing) / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def _place(created: Counter, index: int, compounds, *, seed: int) -> tuple[float, float]:
    """Give the community's compounds and their buildings coordinates (those without any);
    return where the first compound is."""
    bearing = 2 * math.pi * index / len(county.COMMUNITIES)
    first = _offset(CENTRE, RING_KM, bearing)
    spots = [first, _offset(first, SECOND_COMPOUND_KM[index % len(SECOND_COMPOUND_KM)], bearing)]
    for compound, spot in zip(compounds, spots, strict=False):
        if compound is None:
            continue
        if compound.latitude is None:
            _locate(created, compound, spot)
        buildings = Area.objects.filter(parent=compound, kind=Area.Kind.BUILDING).order_by("pk")
        for building in buildings:
            if building.latitude is not None:
                continue
            # Seeded by the building's own name, so a building added later lands in the
            # same spot whatever else exists.
            where = random.Random(f"{seed}:{compound.name}:{building.name}")
            _locate(
                created,
                building,
                _offset(
                    spot,
                    where.uniform(0, BUILDING_SPREAD_KM),
                    where.uniform(0, 2 * math.pi),
                ),
            )
    return first


def _locate(created: Counter, area: Area, spot: tuple[float, float]) -> None:
    places.area_update(
        actor=None,
        area=area,
        name=area.name,
        kind=area.kind,
        parent=area.parent,
        code=area.code,
        latitude=spot[0],
        longitude=spot[1],
    )
    created["located areas"] += 1


# ---- points and services -------------------------------------------------------------


def _contact(community_seed: county.Community, community: Area):
    """The grid worker of the community's first grid, else its secretary, else nobody."""
    first_grid = community_seed.grids[0][0]
    staff = (
        Staff.objects.filter(role=Staff.Role.GRID_WORKER, grids__name=first_grid)
        .select_related("user")
        .first()
    ) or (
        Staff.objects.filter(role=Staff.Role.COMMUNITY_SECRETARY, area=community)
        .select_related("user")
        .first()
    )
    return staff.user if staff else None


def _point(created: Counter, c: county.Community, community: Area, compound, home) -> ServicePoint:
    name = county.SERVICE_POINTS[c.name]
    point = ServicePoint.objects.filter(name=name).first()
    if point is not None:
        return point
    number = 4822100 + county.COMMUNITIES.index(c) + 1
    point = point_actions.point_save(
        actor=None,
        community=community,
        name=name,
        area=compound,
        address=f"木垒镇{c.name}{compound.name if compound else ''}",
        hours=FRIDAY_HOURS if c.name == "老城社区" else HOURS,
        contact=_contact(c, community),
        phone=f"0994-{number}",
        latitude=home[0],
        longitude=home[1],
        zones=ZONES,
    )
    created["service points"] += 1
    created["zones"] += len(ZONES)
    return point


def _services(created: Counter, point: ServicePoint, community: str) -> None:
    existing = set(Service.objects.filter(point=point).values_list("name", flat=True))
    units = {u.name: u for u in Unit.objects.all()}
    for s in services_of(community):
        if s.name in existing:
            continue
        unit = units.get(s.unit)
        service_actions.service_save(
            actor=None,
            point=point,
            name=s.name,
            provider_kind=s.provider_kind,
            provider=s.provider or (unit.name if unit else ""),
            unit=unit,
            weekdays=s.weekdays,
            starts=s.starts,
            ends=s.ends,
            schedule_note=s.schedule_note,
            price_note=s.price_note,
        )
        created["services"] += 1


def _deliveries(created: Counter, point: ServicePoint, community: str, rng: random.Random) -> None:
    """A year of services given, written in one batch per point with one audit entry:
    on each scheduled day, or on about one day in four for services given by appointment."""
    if ServiceDelivery.objects.filter(service__point=point).exists():
        return
    recorder = point.contact or _any_keeper(point.community)
    if recorder is None:
        return
    seeds = {s.name: s for s in services_of(community)}
    opened = OPENED.get(community, FIRST_DAY)
    rows = []
    for service in Service.objects.filter(point=point).order_by("name"):
        seed = seeds.get(service.name)
        low, high = seed.per_day if seed else (1, 5)
        for offset in range(DAYS):
            day = FIRST_DAY + timedelta(days=offset)
            if day < opened:
                continue
            scheduled = (
                str(day.isoweekday()) in service.weekdays
                if service.weekdays
                else rng.random() < 0.25
            )
            # Some scheduled days nobody comes, or the provider cannot make it.
            if not scheduled or rng.random() < 0.1:
                continue
            rows.append(
                ServiceDelivery(
                    service=service,
                    day=day,
                    people=rng.randint(low, high),
                    recorded_by=recorder,
                )
            )
    ServiceDelivery.objects.bulk_create(rows, batch_size=2000)
    audit.record(
        "demo.deliveries_load",
        obj=point,
        detail={"point": point.pk, "created": len(rows)},
    )
    created["service deliveries"] += len(rows)


def _any_keeper(community: Area):
    staff = (
        Staff.objects.filter(
            area=community, role__in=[Staff.Role.COMMUNITY_SECRETARY, Staff.Role.GRID_WORKER]
        )
        .order_by("pk")
        .first()
    )
    if staff is not None:
        return staff.user
    return (
        get_user_model().objects.filter(staff__role=Staff.Role.COUNTY_ADMIN).order_by("pk").first()
    )
