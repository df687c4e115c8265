"""The fixed cast every test may use (see ARCHITECTURE.md, Tests).

Built once per test database; `build_cast()` is idempotent, so a test that flushed the
database (the browser test) can build it again.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from jieyou.people import actions as people
from jieyou.people.models import Resident, Staff, Unit
from jieyou.places import actions as places
from jieyou.places.models import Area, Grid

PASSWORD = "Jieyou-Test-2024!"
R = Staff.Role
K = Area.Kind


@dataclass
class Cast:
    county: Area
    town: Area
    mingzhu: Area
    xihe: Area
    lantian: Area  # 蓝天家园小区, in 明珠
    building7: Area
    building8: Area
    shuangmao: Area  # 双茂小区, in 西河
    shuangmao1: Area
    mingzhu_grid: Grid
    xihe_grid: Grid
    enforcement: Unit
    property_co: Unit
    county_admin: object
    secretary: object  # 明珠社区书记
    grid_worker: object  # 陈丹, 明珠第一网格
    outsider: object  # 林淑琴, 西河社区网格员
    handler: object  # 物业公司经办人
    evaluator: object
    cadre: object  # an evaluated cadre of 明珠社区
    resident: Resident  # 李女士, 7号楼
    neighbour: Resident  # 冶大爷, 7号楼
    xihe_resident: Resident  # 周先生, 双茂小区


def _user(username):
    return get_user_model().objects.get(username=username)


def build_cast() -> Cast:
    if not Area.objects.filter(code="652328").exists():
        _create()
    a = {x.name: x for x in Area.objects.all()}
    return Cast(
        county=a["木垒哈萨克自治县"],
        town=a["木垒镇"],
        mingzhu=a["明珠社区"],
        xihe=a["西河社区"],
        lantian=a["蓝天家园小区"],
        building7=Area.objects.get(name="7号楼", parent=a["蓝天家园小区"]),
        building8=Area.objects.get(name="8号楼", parent=a["蓝天家园小区"]),
        shuangmao=a["双茂小区"],
        shuangmao1=Area.objects.get(name="1号楼", parent=a["双茂小区"]),
        mingzhu_grid=Grid.objects.get(name="明珠第一网格"),
        xihe_grid=Grid.objects.get(name="西河第一网格"),
        enforcement=Unit.objects.get(name="县综合行政执法队"),
        property_co=Unit.objects.get(name="蓝天物业公司"),
        county_admin=_user("county_admin"),
        secretary=_user("mz_secretary"),
        grid_worker=_user("mz_grid"),
        outsider=_user("xh_grid"),
        handler=_user("wy_handler"),
        evaluator=_user("evaluator"),
        cadre=_user("mz_cadre"),
        resident=Resident.objects.get(name="李女士"),
        neighbour=Resident.objects.get(name="冶大爷"),
        xihe_resident=Resident.objects.get(name="周先生"),
    )


def _create() -> None:
    county = places.area_create(
        actor=None, name="木垒哈萨克自治县", kind=K.COUNTY, parent=None, code="652328"
    )
    town = places.area_create(
        actor=None, name="木垒镇", kind=K.TOWN, parent=county, code="652328100000"
    )
    mingzhu = places.area_create(
        actor=None, name="明珠社区", kind=K.COMMUNITY, parent=town, code="652328100001"
    )
    xihe = places.area_create(
        actor=None, name="西河社区", kind=K.COMMUNITY, parent=town, code="652328100002"
    )
    lantian = places.area_create(actor=None, name="蓝天家园小区", kind=K.COMPOUND, parent=mingzhu)
    b7 = places.area_create(actor=None, name="7号楼", kind=K.BUILDING, parent=lantian)
    places.area_create(actor=None, name="8号楼", kind=K.BUILDING, parent=lantian)
    shuangmao = places.area_create(actor=None, name="双茂小区", kind=K.COMPOUND, parent=xihe)
    s1 = places.area_create(actor=None, name="1号楼", kind=K.BUILDING, parent=shuangmao)
    mz_grid = places.grid_create(
        actor=None, community=mingzhu, name="明珠第一网格", areas=[lantian]
    )
    xh_grid = places.grid_create(actor=None, community=xihe, name="西河第一网格", areas=[shuangmao])
    Unit.objects.create(name="县综合行政执法队", kind=Unit.Kind.LAW_ENFORCEMENT, area=county)
    property_co = Unit.objects.create(name="蓝天物业公司", kind=Unit.Kind.PROPERTY, area=lantian)
    staff = [
        ("county_admin", "县管理员", R.COUNTY_ADMIN, county, None, ()),
        ("mz_secretary", "明珠书记", R.COMMUNITY_SECRETARY, mingzhu, None, ()),
        ("mz_grid", "陈丹", R.GRID_WORKER, mingzhu, None, (mz_grid,)),
        ("xh_grid", "林淑琴", R.GRID_WORKER, xihe, None, (xh_grid,)),
        ("wy_handler", "物业经办人", R.UNIT_HANDLER, None, property_co, ()),
        ("evaluator", "考核员", R.EVALUATOR, county, None, ()),
        ("mz_cadre", "明珠干部", R.COMMUNITY_STAFF, mingzhu, None, ()),
    ]
    for username, name, role, area, unit, grids in staff:
        people.staff_create(
            actor=None,
            username=username,
            password=PASSWORD,
            name=name,
            role=role,
            area=area,
            unit=unit,
            grids=grids,
        )
    people.resident_create(
        actor=None,
        name="李女士",
        area=b7,
        gender="F",
        birth_year=1968,
        phone="+8613912345678",
        id_number="652328196803150022",
        room="301",
    )
    people.resident_create(
        actor=None,
        name="冶大爷",
        area=b7,
        gender="M",
        birth_year=1956,
        phone="+8613812345678",
        room="601",
        tags=["独居老人"],
    )
    people.resident_create(
        actor=None,
        name="周先生",
        area=s1,
        gender="M",
        birth_year=1975,
        phone="+8613712345678",
        room="102",
    )
