"""The 15-minute circle on a small grid computed by hand.

Everything lies on the meridian through 明珠's point (43.83 N, 90.28 E), so a distance is the
earth's radius times the difference of latitude: 1,000 m north is 1000 / 111,195.08 degrees.

    7号楼   at the point            0 m   3 households
    8号楼   1,000 m north       1,000 m   2 households
    9号楼   1,500 m north       1,500 m   5 households
    10号楼  no coordinates                4 households (listed apart, not counted)

With the point's one service and a 1,200 m circle: 7号楼 and 8号楼 are covered, 5 of 10
households, a share of 0.5.
"""

import math

import pytest

from jieyou.people.models import Household
from jieyou.places import actions as places
from jieyou.places.models import Area
from jieyou.points.actions.services import service_retire, service_save
from jieyou.points.models import Service
from jieyou.points.queries.catalogue import active
from jieyou.points.queries.circle import coverage, haversine, services_near

pytestmark = pytest.mark.django_db
LAT, LON = 43.83, 90.28
METRES_PER_DEGREE = math.pi * 6371008.8 / 180


def north(metres: float) -> str:
    return f"{LAT + metres / METRES_PER_DEGREE:.6f}"


def test_haversine_known_distance():
    # Nashville (BNA) to Los Angeles (LAX), the usual worked example, on a 6,372.8 km sphere.
    assert haversine(36.12, -86.67, 33.94, -118.40, radius=6372.8) == pytest.approx(
        2887.2599506, abs=1e-6
    )
    # A quarter of the equator, and a degree of latitude on the mean sphere.
    assert haversine(0, 0, 0, 90) == pytest.approx(math.pi / 2 * 6371008.8)
    assert haversine(43.83, 90.28, 44.83, 90.28) == pytest.approx(111195.08, abs=0.01)
    assert haversine(LAT, LON, LAT, LON) == 0


def _place(area: Area, latitude, longitude) -> Area:
    return places.area_update(
        actor=None,
        area=area,
        name=area.name,
        kind=area.kind,
        parent=area.parent,
        code=area.code,
        latitude=latitude,
        longitude=longitude,
    )


def _households(building: Area, n: int) -> None:
    have = Household.objects.filter(building=building).count()
    Household.objects.bulk_create(
        Household(building=building, room=f"9{i:02d}") for i in range(n - have)
    )
    assert Household.objects.filter(building=building).count() == n


@pytest.fixture
def grid(cast, point):
    b7 = _place(cast.building7, f"{LAT:.6f}", f"{LON:.6f}")
    b8 = _place(cast.building8, north(1000), f"{LON:.6f}")
    b9 = places.area_create(
        actor=None,
        name="9号楼",
        kind=Area.Kind.BUILDING,
        parent=cast.lantian,
        latitude=north(1500),
        longitude=f"{LON:.6f}",
    )
    b10 = places.area_create(
        actor=None, name="10号楼", kind=Area.Kind.BUILDING, parent=cast.lantian
    )
    for building, n in ((b7, 3), (b8, 2), (b9, 5), (b10, 4)):
        _households(building, n)
    haircut = service_save(
        actor=cast.secretary,
        point=point,
        name="理发",
        provider_kind=Service.Provider.VOLUNTEER,
        weekdays="5",
    )
    return {"b7": b7, "b8": b8, "b9": b9, "b10": b10, "haircut": haircut}


def services():
    return active(Service.objects.all())


def test_coverage_on_the_grid(cast, grid):
    c = coverage(cast.mingzhu, services())
    assert c.metres == 1200
    assert {b.building.name: b.covered for b in c.buildings} == {
        "7号楼": True,
        "8号楼": True,
        "9号楼": False,
    }
    assert (c.covered_households, c.households) == (5, 10)
    assert c.share == pytest.approx(0.5)
    assert [b.building.name for b in c.not_covered] == ["9号楼"]
    assert [(b.name, n) for b, n in c.unplaced] == [("10号楼", 4)]
    assert c.unplaced_households == 4


def test_near_services_with_distances(cast, grid):
    near8 = services_near(grid["b8"], services())
    assert [(s.name, round(d)) for s, d in near8] == [("理发", 1000)]
    assert services_near(grid["b9"], services()) == []
    assert services_near(grid["b10"], services()) == []  # no coordinates: nothing guessed


def test_a_service_with_its_own_place(cast, point, grid):
    # 义诊 given 1,900 m north: 400 m from 9号楼, 900 m from 8号楼, 1,900 m from 7号楼.
    clinic = service_save(
        actor=cast.secretary,
        point=point,
        name="义诊",
        provider_kind=Service.Provider.UNIT,
        latitude=north(1900),
        longitude=f"{LON:.6f}",
    )
    near8 = services_near(grid["b8"], services())
    assert [(s.name, round(d)) for s, d in near8] == [("义诊", 900), ("理发", 1000)]
    c = coverage(cast.mingzhu, services())
    assert (c.covered_households, c.households) == (10, 10)
    assert c.share == pytest.approx(1.0)
    service_retire(actor=cast.secretary, service=clinic)
    assert coverage(cast.mingzhu, services()).share == pytest.approx(0.5)


def test_a_neighbouring_communitys_service_counts(cast, xihe_point, grid):
    service_save(
        actor=cast.outsider,
        point=xihe_point,
        name="代收快递",
        provider_kind=Service.Provider.COMMUNITY,
        latitude=north(1300),
        longitude=f"{LON:.6f}",
    )
    c = coverage(cast.mingzhu, services())
    assert c.covered_households == 10


def test_the_radius_is_a_setting(cast, grid, settings):
    settings.POINTS_CIRCLE_METRES = 900
    c = coverage(cast.mingzhu, services())
    assert c.metres == 900
    assert (c.covered_households, c.households) == (3, 10)
    assert c.share == pytest.approx(0.3)


def test_no_households_with_coordinates_is_no_share(cast, point):
    c = coverage(cast.xihe, services())
    assert c.share is None
    assert c.buildings == []
    assert [b.name for b, _n in c.unplaced] == ["1号楼"]
