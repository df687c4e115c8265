"""The demo county's market book: 石榴籽“解忧铺”'s Friday 解忧集市 with a year of vendors, a
Wednesday market at 明珠社区's point and a summer fruit market at 园林社区's.

From the seed page: the Friday market in 壁山丽景小区 ("每周五都会在壁山丽景小区汇集，我们称之
为‘解忧集市’"); produce sold by farmers directly and changed with the season ("把油白菜、菠菜、
韭菜、哈密瓜、葡萄换成大白菜、大葱、土豆、红薯、苹果"); and 13 November 2024, when 赵大爷 asks
严婷婷 "周五的集市有卖白菜和大葱的吗？" and the book holds only 大葱 for Friday 15 November:
"目前只有卖大葱的登记了，还有两天呢". The book is built so that the market question, asked on
that day, answers word for word as she did.

Invented: the other markets, the vendors, their villages and phone numbers, the months of the
seasonal list, the closures, and which vendor comes on which day (drawn from the seed).

Lines are written through `points.actions.market.vendor_register` by the point's grid worker;
their registration time is then set a few days before the market day, as the paper book had
them, so that the question read "as of" a day sees what was written by then.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from jieyou.people.models import Staff
from jieyou.points import products as vocabulary
from jieyou.points.actions import market as actions
from jieyou.points.models import (
    Market,
    MarketClosure,
    SeasonalProduce,
    ServicePoint,
    Vendor,
    VendorRegistration,
)
from jieyou.points.queries.market import market_days

from . import county

LOCAL = ZoneInfo("Asia/Shanghai")
# The same year as the demo concerns and points: 1 December 2023 through 30 November 2024.
FIRST_DAY = date(2023, 12, 1)
LAST_DAY = date(2024, 11, 30)
ASKED_ON = date(2024, 11, 13)
SEED_FRIDAY = date(2024, 11, 15)

# The seed page's two lists; the months are invented, the switch in October is the page's.
SEASONAL = (
    ("油白菜", "4-9"),
    ("菠菜", "4-9"),
    ("韭菜", "3-9"),
    ("哈密瓜", "7-9"),
    ("葡萄", "8-9"),
    ("大白菜", "10-2"),
    ("大葱", "10-3"),
    ("土豆", "10-4"),
    ("红薯", "10-1"),
    ("苹果", "10-3"),
)

# When each product comes from the fields or the cellar around 木垒, for drawing what a
# vendor brings; wider than the seasonal list, which shows what the market is known for.
GROWING = {
    "大白菜": {10, 11, 12, 1, 2},
    "大葱": {9, 10, 11, 12, 1, 2, 3},
    "土豆": {8, 9, 10, 11, 12, 1, 2, 3, 4},
    "红薯": {9, 10, 11, 12, 1},
    "苹果": {9, 10, 11, 12, 1, 2, 3},
    "油白菜": {4, 5, 6, 7, 8, 9},
    "菠菜": {4, 5, 6, 7, 8, 9},
    "韭菜": {3, 4, 5, 6, 7, 8, 9},
    "哈密瓜": {7, 8, 9},
    "葡萄": {8, 9},
    "西瓜": {7, 8},
    "西红柿": {6, 7, 8, 9},
    "黄瓜": {5, 6, 7, 8, 9},
    "辣椒": {6, 7, 8, 9, 10},
    "洋葱": {8, 9, 10, 11, 12, 1, 2, 3},
    "胡萝卜": {8, 9, 10, 11, 12, 1, 2},
    "鸡蛋": set(range(1, 13)),
    "杏子": {6, 7},
    "桃子": {7, 8},
}


@dataclass(frozen=True)
class VendorSeed:
    name: str
    village: str
    goods: tuple[str, ...]  # as the vendor writes them in the book


@dataclass(frozen=True)
class MarketSeed:
    community: str
    name: str
    weekdays: str
    opens: time
    closes: time
    first_day: date | None
    last_day: date | None
    per_day: tuple[int, int]  # vendors registered on a market day
    vendors: tuple[VendorSeed, ...]
    closures: tuple[tuple[date, str], ...] = ()


V = VendorSeed
MARKETS = (
    MarketSeed(
        "老城社区",
        "解忧集市",
        "5",
        time(10),
        time(13),
        None,
        None,
        (2, 3),
        (
            V("马建军", "照壁山乡农户", ("大葱", "土豆", "洋葱")),
            V("李秀英", "英格堡乡农户", ("红薯", "苹果", "土豆")),
            V("王秀兰", "东城镇农户", ("鸡蛋", "大葱")),
            V("冶永福", "西吉尔镇农户", ("大白菜", "胡萝卜", "洋芋")),
            V("张桂芳", "照壁山乡农户", ("油白菜", "菠菜", "韭菜")),
            V("赵德明", "大石头乡农户", ("哈密瓜", "西瓜", "葡萄")),
            V("刘春燕", "雀仁乡农户", ("西红柿", "黄瓜", "辣子")),
            V("杨海军", "新户镇农户", ("白菜", "皮牙子", "黄萝卜")),
            V("马玉兰", "英格堡乡农户", ("韭菜", "菠菜", "鸡蛋")),
            V("韩文斌", "白杨河乡农户", ("苹果", "葡萄", "杏子")),
        ),
        (
            (date(2024, 1, 19), "大雪，道路结冰"),
            (date(2024, 2, 9), "春节休市"),
            (date(2024, 2, 16), "春节休市"),
            (date(2024, 10, 4), "国庆假期休市"),
        ),
    ),
    MarketSeed(
        "明珠社区",
        "邻家早市",
        "3",
        time(8, 30),
        time(11),
        None,
        None,
        (1, 2),
        (
            V("陈玉梅", "东城镇农户", ("大葱", "土豆", "大白菜")),
            V("孙国强", "照壁山乡农户", ("鸡蛋", "西红柿", "黄瓜")),
            V("周兰英", "英格堡乡农户", ("菠菜", "韭菜", "胡萝卜")),
        ),
        ((date(2024, 2, 14), "春节休市"),),
    ),
    MarketSeed(
        "园林社区",
        "瓜果集市",
        "6",
        time(10),
        time(14),
        date(2024, 6, 1),
        date(2024, 10, 31),
        (2, 3),
        (
            V("赵德明", "大石头乡农户", ("哈密瓜", "西瓜", "葡萄")),
            V("韩文斌", "白杨河乡农户", ("杏子", "蟠桃", "葡萄")),
            V("郭建华", "雀仁乡农户", ("西瓜", "哈密瓜")),
        ),
    ),
)

# What 严婷婷's book held for Friday 15 November 2024: 大葱 and no 白菜.
SEED_DAY_LINES = (
    ("马建军", "大葱、土豆", "1号"),
    ("李秀英", "红薯、苹果", "2号"),
)


def load(created: Counter, *, seed: int) -> None:
    for name, months in SEASONAL:
        if not SeasonalProduce.objects.filter(name=name).exists():
            actions.seasonal_produce_save(actor=None, name=name, months=months)
            created["seasonal produce"] += 1
    for market_seed in MARKETS:
        point = ServicePoint.objects.filter(
            name=county.SERVICE_POINTS[market_seed.community]
        ).first()
        keeper = _keeper(point)
        if point is None or keeper is None:
            continue
        market = _market(created, point, market_seed)
        for day, reason in market_seed.closures:
            if not MarketClosure.objects.filter(market=market, day=day).exists():
                actions.closure_add(actor=None, market=market, day=day, reason=reason)
                created["market closures"] += 1
        rng = random.Random(f"{seed}:market:{market_seed.community}")
        for line in plan(market, market_seed, rng):
            _write(created, market, keeper, line, phone_of(line.vendor, seed=seed), market_seed)


def _keeper(point: ServicePoint | None):
    """The grid worker who keeps the book (严婷婷 at 石榴籽), else the community's secretary."""
    if point is None:
        return None
    for role in (Staff.Role.GRID_WORKER, Staff.Role.COMMUNITY_SECRETARY):
        staff = (
            Staff.objects.filter(area=point.community, role=role)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if staff is not None:
            return staff.user
    return (
        get_user_model().objects.filter(staff__role=Staff.Role.COUNTY_ADMIN).order_by("pk").first()
    )


def _market(created: Counter, point: ServicePoint, s: MarketSeed) -> Market:
    market = Market.objects.filter(point=point, name=s.name).first()
    if market is None:
        market = actions.market_save(
            actor=None,
            point=point,
            name=s.name,
            weekdays=s.weekdays,
            opens=s.opens,
            closes=s.closes,
            first_day=s.first_day,
            last_day=s.last_day,
        )
        created["markets"] += 1
    return market


def phone_of(vendor: str, *, seed: int) -> str:
    """A vendor's invented mobile number, the same at every market they come to."""
    rng = random.Random(f"{seed}:vendor:{vendor}")
    prefixes = ("138", "139", "135", "136", "158", "159", "189", "199", "177")
    return rng.choice(prefixes) + f"{rng.randrange(10**8):08d}"


@dataclass(frozen=True)
class Line:
    vendor: str
    products: str
    stall: str
    first_day: date
    last_day: date
    written: datetime  # when it went into the book


def _in_season(goods: tuple[str, ...], month: int) -> list[str]:
    return [g for g in goods if month in GROWING.get(vocabulary.canonical(g), set())]


def plan(market: Market, s: MarketSeed, rng: random.Random) -> list[Line]:
    """The book's lines, drawn from `rng` in date order: on each market day two or three
    vendors with something in season, now and then one who registers for the next four
    market days at once. The seed Friday is written as the page tells it."""
    start = max(FIRST_DAY, s.first_day or FIRST_DAY)
    end = min(LAST_DAY, s.last_day or LAST_DAY)
    days = market_days(market, start, end)
    busy: dict[str, date] = {}  # vendor → last day already in the book
    lines: list[Line] = []
    for index, day in enumerate(days):
        taken = [line for line in lines if line.first_day <= day <= line.last_day]
        stalls = {line.stall for line in taken}
        if day == SEED_FRIDAY and s.community == "老城社区":
            for name, goods, stall in SEED_DAY_LINES:
                lines.append(
                    Line(name, goods, stall, day, day, _written(day, rng, before=ASKED_ON))
                )
                busy[name] = day
            continue
        wanted = rng.randint(*s.per_day) - len(taken)
        candidates = [
            v
            for v in s.vendors
            if busy.get(v.name, start - timedelta(days=1)) < day and _in_season(v.goods, day.month)
        ]
        rng.shuffle(candidates)
        for vendor in candidates[: max(wanted, 0)]:
            goods = _in_season(vendor.goods, day.month)
            goods = rng.sample(goods, rng.randint(1, len(goods)))
            following = days[index : index + 4]
            # A run of four market days, unless it would reach the seed Friday.
            last = day
            if (
                rng.random() < 0.15
                and len(following) == 4
                and not (following[0] <= SEED_FRIDAY <= following[-1])
            ):
                last = following[-1]
            stall = next(f"{n}号" for n in range(1, 20) if f"{n}号" not in stalls)
            stalls.add(stall)
            busy[vendor.name] = last
            lines.append(Line(vendor.name, "、".join(goods), stall, day, last, _written(day, rng)))
    return lines


def _written(day: date, rng: random.Random, before: date | None = None) -> datetime:
    """A working hour one to six days before the market day (and before `before`)."""
    latest = (before or day) - timedelta(days=1)
    on = min(day - timedelta(days=rng.randint(1, 6)), latest)
    return datetime.combine(on, time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))), LOCAL)


def _write(created: Counter, market: Market, keeper, line: Line, phone: str, s: MarketSeed) -> None:
    vendor = Vendor.objects.filter(name=line.vendor, phone="+86" + phone).first()
    if (
        vendor is not None
        and VendorRegistration.objects.filter(
            market=market, vendor=vendor, first_day=line.first_day
        ).exists()
    ):
        return
    village = next(v.village for v in s.vendors if v.name == line.vendor)
    registration = actions.vendor_register(
        actor=keeper,
        market=market,
        name=line.vendor,
        phone=phone,
        products=line.products,
        stall=line.stall,
        first_day=line.first_day,
        last_day=line.last_day,
        note=village,
    )
    VendorRegistration.objects.filter(pk=registration.pk).update(registered_at=line.written)
    created["vendor registrations"] += 1
