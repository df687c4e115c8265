"""Generated residents for the demo county, the same for the same seed.

`plan(seed, n)` is a pure function: households are drawn one after another from one
`random.Random(seed)`, so the first n residents of a larger plan are the n residents of a
smaller one, and a second load with the same seed finds every resident already there.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.cn import ric

from .county import COMMUNITIES, RESIDENTS

# Ages are counted at the year of the seed page, not today, so a plan never drifts.
REFERENCE_YEAR = 2024

FLOORS, DOORS = 6, 4  # a six-storey building, four flats a floor: rooms 101 … 604

SURNAMES = {
    "王": 8,
    "李": 8,
    "张": 7,
    "马": 7,
    "刘": 6,
    "陈": 4,
    "杨": 4,
    "赵": 3,
    "黄": 2,
    "周": 2,
    "吴": 2,
    "徐": 2,
    "孙": 2,
    "郭": 2,
    "韩": 2,
    "冶": 1,
    "胡": 1,
    "朱": 1,
    "何": 1,
    "罗": 1,
    "高": 1,
    "林": 1,
    "白": 1,
    "苏": 1,
}
GIVEN = {
    "M": [
        "建国",
        "建军",
        "国强",
        "志强",
        "海军",
        "卫东",
        "文斌",
        "伟",
        "军",
        "强",
        "磊",
        "涛",
        "斌",
        "杰",
        "鹏",
        "勇",
        "浩",
        "宇",
        "博",
        "俊",
        "明",
        "辉",
        "新民",
        "永红",
        "晓东",
        "子轩",
        "浩然",
        "宇航",
        "天佑",
        "金山",
    ],
    "F": [
        "秀英",
        "桂兰",
        "玉兰",
        "红梅",
        "淑珍",
        "丽",
        "芳",
        "娟",
        "敏",
        "静",
        "燕",
        "霞",
        "雪",
        "丹",
        "婷",
        "艳",
        "慧",
        "琳",
        "晓燕",
        "海燕",
        "佳怡",
        "欣怡",
        "梓涵",
        "雨桐",
        "思琪",
        "诗雨",
        "若曦",
        "玉梅",
    ],
}
# Kazakh names are written given name · father's given name.
KAZAKH_GIVEN = {
    "M": [
        "叶尔兰",
        "努尔兰",
        "哈力木",
        "别克",
        "叶尔肯",
        "赛力克",
        "吐尔逊",
        "达吾列提",
        "阿曼",
        "波拉提",
    ],
    "F": [
        "阿依古丽",
        "古丽娜尔",
        "加娜尔",
        "阿依努尔",
        "玛依拉",
        "哈丽恰",
        "古丽米拉",
        "娜孜古丽",
        "沙吾列",
        "阿勒玛",
    ],
}
KAZAKH_SHARE = 0.15

HOUSEHOLD_SIZES = {1: 14, 2: 28, 3: 30, 4: 18, 5: 10}

# Birth places: mostly the county itself, then neighbouring counties and 临夏县 (Gansu),
# each a code valid for every birth year drawn here.
REGIONS = {"652328": 80, "652325": 6, "652327": 5, "652324": 3, "652323": 3, "622921": 3}

# Shares of tags among those they can apply to; the names match people.queries.CARE_TAGS.
PARTY_MEMBER = 0.08  # adults
VETERAN = 0.04  # men over 22
DISABLED = 0.02
LOW_INCOME = 0.04  # whole households
LEFT_BEHIND = 0.03  # children under 16


@dataclass(frozen=True)
class GeneratedResident:
    name: str
    gender: str
    birth_year: int
    id_number: str
    phone: str
    community: str
    compound: str
    building: str
    room: str
    tags: tuple[str, ...]


def plan(*, seed: int, n: int) -> list[GeneratedResident]:
    return _Planner(seed).residents(n)


def room_for(slot: int) -> tuple[str, str]:
    """Slot 0 is 1号楼 101, slot 23 is 1号楼 604, slot 24 is 2号楼 101."""
    building, rest = divmod(slot, FLOORS * DOORS)
    floor, door = divmod(rest, DOORS)
    return f"{building + 1}号楼", f"{floor + 1}0{door + 1}"


class _Planner:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.cursor: dict[str, int] = {}  # next free slot per compound
        self.taken_rooms = {(r.compound, r.building, r.room) for r in RESIDENTS}
        self.id_numbers = {r.id_number for r in RESIDENTS if r.id_number}
        self.phones = {r.phone for r in RESIDENTS}

    def residents(self, n: int) -> list[GeneratedResident]:
        out: list[GeneratedResident] = []
        while len(out) < n:
            out.extend(self._household())
        return out[:n]

    def _pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _household(self) -> list[GeneratedResident]:
        rng = self.rng
        community = rng.choice(COMMUNITIES)
        compound = rng.choice(community.compounds)
        building, room = self._free_room(compound)
        size = self._pick(HOUSEHOLD_SIZES)
        kazakh = rng.random() < KAZAKH_SHARE
        surname = self._pick(SURNAMES)
        low_income = rng.random() < LOW_INCOME

        head_gender = rng.choice("MF")
        head_age = rng.randint(40, 80) if size >= 3 else rng.randint(22, 92)
        members = [(head_gender, head_age)]
        if size >= 2:
            spouse_age = max(20, head_age + rng.randint(-5, 5))
            members.append(("F" if head_gender == "M" else "M", spouse_age))
        for _ in range(size - 2):
            members.append((rng.choice("MF"), max(0, head_age - rng.randint(22, 36))))

        names: list[str] = []
        for i, (gender, _age) in enumerate(members):
            given = self._given(gender, kazakh)
            if not kazakh:
                # Children and the husband carry the household's surname; a wife keeps her own.
                wife = i < 2 and gender == "F" and size >= 2
                names.append((self._pick(SURNAMES) if wife else surname) + given)
            elif i < 2:
                names.append(f"{given}·{self._given('M', kazakh)}")
            else:
                father = next(n for n, (g, _a) in zip(names, members, strict=False) if g == "M")
                names.append(f"{given}·{father.split('·')[0]}")
        people = [(name, g, age) for name, (g, age) in zip(names, members, strict=True)]

        out = []
        for name, gender, age in people:
            birth_year = REFERENCE_YEAR - age
            tags = self._tags(gender, age, size, low_income)
            out.append(
                GeneratedResident(
                    name=name,
                    gender=gender,
                    birth_year=birth_year,
                    id_number=self._id_number(gender, birth_year),
                    phone=self._phone() if age >= 16 and rng.random() < 0.95 else "",
                    community=community.name,
                    compound=compound,
                    building=building,
                    room=room,
                    tags=tags,
                )
            )
        return out

    def _given(self, gender: str, kazakh: bool) -> str:
        return self.rng.choice((KAZAKH_GIVEN if kazakh else GIVEN)[gender])

    def _free_room(self, compound: str) -> tuple[str, str]:
        slot = self.cursor.get(compound, 0)
        while (compound, *room_for(slot)) in self.taken_rooms:
            slot += 1
        self.cursor[compound] = slot + 1
        return room_for(slot)

    def _tags(self, gender: str, age: int, size: int, low_income: bool) -> tuple[str, ...]:
        rng = self.rng
        # Draw every chance in the same order whatever the outcome, so plans stay aligned.
        party, veteran, disabled, left_behind = (rng.random() for _ in range(4))
        tags = []
        if age >= 65 and size == 1:
            tags.append("独居老人")
        if age >= 80:
            tags.append("高龄老人")
        if age >= 18 and party < PARTY_MEMBER:
            tags.append("党员")
        if gender == "M" and age >= 22 and veteran < VETERAN:
            tags.append("退役军人")
        if disabled < DISABLED:
            tags.append("残疾")
        if low_income:
            tags.append("低保")
        if age < 16 and left_behind < LEFT_BEHIND:
            tags.append("留守儿童")
        return tuple(tags)

    def _id_number(self, gender: str, birth_year: int) -> str:
        """A valid 18-digit number (GB 11643): region, birth date, sequence with the
        gender's parity, check digit."""
        rng = self.rng
        region = self._pick(REGIONS)
        birth = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
        while True:
            sequence = rng.randrange(0, 1000, 2) + (1 if gender == "M" else 0)
            body = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def _phone(self) -> str:
        prefixes = ("139", "138", "136", "135", "150", "151", "158", "177", "180", "189", "199")
        while True:
            phone = f"+86{self.rng.choice(prefixes)}{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone
