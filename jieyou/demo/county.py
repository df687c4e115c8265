"""The demo county: 木垒哈萨克自治县 as the seed page tells it, in plain data.

Facts from the seed page: the county (GB/T 2260 code 652328) and 木垒镇 (652328100000); the
seven communities and their 解忧铺; 壁山丽景小区 in 老城社区 with 赵大爷, 邹建庄 and the part-time
grid worker 严婷婷, whose general branch secretary is 王乐; 蓝天家园小区 7号楼 in 明珠社区 with 李女士,
冶大爷 on the top floor and the grid worker 陈丹; 双茂小区 in 西河社区 with the owner 周先生, the grid
worker 林淑琴 and the residents' committee director 汪淑红; 县综合行政执法队, the property companies
and the fourteen member units of grassroots consultation.

Everything else is invented: the 12-digit codes of the communities (652328100001 … follow the
layout of statistical codes — the town's first nine digits, then a community number — but are
illustrative, not the official ones), the other compounds, the names of the companies and of
the member units, the staff the page does not name, and every phone and ID number.

The 解忧铺 are kept here as names only; the service-point records are built from them later.
"""

from dataclasses import dataclass

from jieyou.people.models import Staff, Unit

R = Staff.Role
U = Unit.Kind

COUNTY = ("木垒哈萨克自治县", "652328")
TOWN = ("木垒镇", "652328100000")


@dataclass(frozen=True)
class Community:
    name: str
    code: str
    service_point: str  # the community's 解忧铺, as the seed page names it
    compounds: tuple[str, ...]  # grid n covers compound n

    @property
    def short(self) -> str:
        return self.name.removesuffix("社区")

    @property
    def grids(self) -> tuple[tuple[str, str], ...]:
        """(grid name, compound it covers): 明珠第一网格 covers 蓝天家园小区 and so on."""
        ordinals = "一二三四五六七八九"
        return tuple(
            (f"{self.short}第{ordinals[i]}网格", compound)
            for i, compound in enumerate(self.compounds)
        )


COMMUNITIES = (
    Community("明珠社区", "652328100001", "邻家帮手“解忧铺”", ("蓝天家园小区", "明珠花苑")),
    Community("西河社区", "652328100002", "乐居“解忧铺”", ("双茂小区", "西河嘉园")),
    Community("老城社区", "652328100003", "石榴籽“解忧铺”", ("壁山丽景小区", "老城东苑")),
    Community("园林社区", "652328100004", "睦邻“解忧长廊”", ("园林雅居", "绿荫小区")),
    Community("阿吾勒社区", "652328100005", "民事“解忧铺”诊所", ("阿吾勒小区", "富民家园")),
    Community("新城社区", "652328100006", "益民“解忧铺”", ("新城佳苑", "益民小区")),
    Community("迎宾社区", "652328100007", "天山花园“解忧铺”", ("天山花园小区", "迎宾小区")),
)

# The seed page's service points, by community, for the issue that models them.
SERVICE_POINTS = {c.name: f"{c.name}{c.service_point}" for c in COMMUNITIES}


@dataclass(frozen=True)
class UnitSeed:
    name: str
    kind: str
    area: str  # county, town, or a compound's name


PROPERTY_COMPANIES = (
    UnitSeed("蓝天物业公司", U.PROPERTY, "蓝天家园小区"),
    UnitSeed("双茂物业公司", U.PROPERTY, "双茂小区"),
    UnitSeed("壁山物业服务有限公司", U.PROPERTY, "壁山丽景小区"),
    UnitSeed("天山花园物业公司", U.PROPERTY, "天山花园小区"),
)

# 木垒县14家基层治理议事协商成员单位: the page gives the number, the names are invented.
CONSULTATION_MEMBERS = (
    UnitSeed("县综合行政执法队", U.LAW_ENFORCEMENT, "木垒哈萨克自治县"),
    UnitSeed("县委政法委", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县公安局", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县司法局", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县民政局", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县住房和城乡建设局", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县市场监督管理局", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县人力资源和社会保障局", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县卫生健康委员会", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县自然资源局", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县消防救援大队", U.BUREAU, "木垒哈萨克自治县"),
    UnitSeed("县供电公司", U.ENTERPRISE, "木垒哈萨克自治县"),
    UnitSeed("县自来水公司", U.ENTERPRISE, "木垒哈萨克自治县"),
    UnitSeed("木垒镇人民政府", U.TOWN, "木垒镇"),
)

UNITS = CONSULTATION_MEMBERS + PROPERTY_COMPANIES


@dataclass(frozen=True)
class StaffSeed:
    username: str
    name: str
    role: str
    area: str = ""  # county, town or community name; empty for a unit's handler
    grids: tuple[str, ...] = ()
    unit: str = ""
    employment: str = ""
    sign_in: bool = False  # listed among the demo sign-ins that load_demo prints
    note: str = ""


FULL, PART = Staff.Employment.FULL_TIME, Staff.Employment.PART_TIME
COUNTY_NAME = COUNTY[0]

STAFF = (
    StaffSeed("county_admin", "赵卫东", R.COUNTY_ADMIN, COUNTY_NAME, sign_in=True),
    StaffSeed(
        "mz_secretary", "张红梅", R.COMMUNITY_SECRETARY, "明珠社区", sign_in=True, note="明珠社区"
    ),
    StaffSeed(
        "lc_secretary",
        "王乐",
        R.COMMUNITY_SECRETARY,
        "老城社区",
        sign_in=True,
        note="老城社区党总支书记",
    ),
    StaffSeed(
        "xh_secretary", "马秀兰", R.COMMUNITY_SECRETARY, "西河社区", sign_in=True, note="西河社区"
    ),
    StaffSeed("xh_director", "汪淑红", R.COMMUNITY_STAFF, "西河社区", note="西河社区居委会主任"),
    StaffSeed(
        "mz_grid",
        "陈丹",
        R.GRID_WORKER,
        "明珠社区",
        grids=("明珠第一网格",),
        employment=FULL,
        sign_in=True,
        note="明珠第一网格（蓝天家园小区）",
    ),
    StaffSeed(
        "lc_grid",
        "严婷婷",
        R.GRID_WORKER,
        "老城社区",
        grids=("老城第一网格",),
        employment=PART,
        sign_in=True,
        note="老城第一网格（壁山丽景小区），兼职",
    ),
    StaffSeed(
        "xh_grid",
        "林淑琴",
        R.GRID_WORKER,
        "西河社区",
        grids=("西河第一网格",),
        employment=FULL,
        sign_in=True,
        note="西河第一网格（双茂小区）",
    ),
    StaffSeed(
        "mz_grid2", "古丽娜尔", R.GRID_WORKER, "明珠社区", ("明珠第二网格",), employment=FULL
    ),
    StaffSeed("lc_grid2", "马晓军", R.GRID_WORKER, "老城社区", ("老城第二网格",), employment=FULL),
    StaffSeed("xh_grid2", "杨帆", R.GRID_WORKER, "西河社区", ("西河第二网格",), employment=FULL),
    StaffSeed(
        "yl_grid",
        "刘佳",
        R.GRID_WORKER,
        "园林社区",
        ("园林第一网格", "园林第二网格"),
        employment=FULL,
    ),
    StaffSeed(
        "awl_grid",
        "叶尔兰",
        R.GRID_WORKER,
        "阿吾勒社区",
        ("阿吾勒第一网格", "阿吾勒第二网格"),
        employment=FULL,
    ),
    StaffSeed(
        "xc_grid",
        "孙悦",
        R.GRID_WORKER,
        "新城社区",
        ("新城第一网格", "新城第二网格"),
        employment=PART,
    ),
    StaffSeed(
        "yb_grid",
        "何静",
        R.GRID_WORKER,
        "迎宾社区",
        ("迎宾第一网格", "迎宾第二网格"),
        employment=FULL,
    ),
    StaffSeed(
        "wy_handler",
        "刘志强",
        R.UNIT_HANDLER,
        unit="蓝天物业公司",
        sign_in=True,
        note="蓝天物业公司",
    ),
    StaffSeed("zf_handler", "努尔兰", R.UNIT_HANDLER, unit="县综合行政执法队", note="执法队员"),
    StaffSeed("evaluator", "李建华", R.EVALUATOR, COUNTY_NAME, sign_in=True, note="县考核办"),
    StaffSeed("auditor", "周敏", R.AUDITOR, COUNTY_NAME, sign_in=True),
    StaffSeed("security_admin", "何涛", R.SECURITY_ADMIN, COUNTY_NAME, sign_in=True),
)

# Shown on the sign-in list; it passes the password rules (length, three character classes).
DEMO_PASSWORD = "Mulei-Demo-2024!"


@dataclass(frozen=True)
class ResidentSeed:
    name: str
    community: str
    compound: str
    building: str
    room: str
    gender: str
    birth_year: int
    phone: str
    id_number: str | None = None
    tags: tuple[str, ...] = ()


# The page's residents; 李女士, 冶大爷 and 周先生 carry the same numbers as the test cast.
RESIDENTS = (
    ResidentSeed("赵大爷", "老城社区", "壁山丽景小区", "2号楼", "101", "M", 1950, "+8613609941250"),
    ResidentSeed("邹建庄", "老城社区", "壁山丽景小区", "2号楼", "302", "M", 1966, "+8615199407312"),
    ResidentSeed(
        "李女士",
        "明珠社区",
        "蓝天家园小区",
        "7号楼",
        "301",
        "F",
        1968,
        "+8613912345678",
        "652328196803150022",
    ),
    ResidentSeed(
        "冶大爷",
        "明珠社区",
        "蓝天家园小区",
        "7号楼",
        "601",
        "M",
        1956,
        "+8613812345678",
        tags=("独居老人",),
    ),
    ResidentSeed("周先生", "西河社区", "双茂小区", "1号楼", "102", "M", 1975, "+8613712345678"),
)
