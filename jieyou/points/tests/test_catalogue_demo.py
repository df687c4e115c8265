from collections import Counter

import pytest

from jieyou.demo import county
from jieyou.demo import points as points_demo
from jieyou.demo.load import load as load_county
from jieyou.places.models import Area
from jieyou.points.models import Service, ServiceDelivery, ServicePoint, Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_county(cast):
    load_county(residents=60, seed=3)
    points_demo.load(Counter(), seed=3)


def test_every_community_has_its_point_in_its_first_compound(demo_county):
    for c in county.COMMUNITIES:
        point = ServicePoint.objects.get(name=county.SERVICE_POINTS[c.name])
        assert point.community.name == c.name
        assert point.area.name == c.compounds[0]
        assert point.contact is not None
        assert point.latitude is not None and 43.7 < float(point.latitude) < 43.9
        assert set(point.zones.values_list("kind", flat=True)) >= {Zone.Kind.MARKET, Zone.Kind.HELP}


def test_shiliuzi_friday_market_and_everyday_services(demo_county):
    point = ServicePoint.objects.get(name=county.SERVICE_POINTS["老城社区"])
    services = {s.name: s for s in Service.objects.filter(point=point)}
    for name in ("旧物置换", "义诊", "磨刀", "理发", "法律咨询", "互助广告", "小补小修"):
        assert services[name].weekdays == "5", name
    for name in ("代收快递", "代缴水电费", "家政服务介绍", "家电维修", "管道疏通"):
        assert name in services
    assert services["法律咨询"].unit.name == "县司法局"


def test_deliveries_follow_the_schedule_and_the_opening_day(demo_county):
    friday_only = ServiceDelivery.objects.filter(
        service__point__name=county.SERVICE_POINTS["老城社区"], service__name="磨刀"
    )
    assert friday_only.count() > 30
    assert {d.day.isoweekday() for d in friday_only} == {5}
    xihe = ServiceDelivery.objects.filter(service__point__community__name="西河社区")
    assert xihe.exists()
    assert min(xihe.values_list("day", flat=True)) >= points_demo.OPENED["西河社区"]


def test_buildings_get_coordinates(demo_county):
    buildings = Area.objects.filter(kind=Area.Kind.BUILDING)
    assert buildings.exists()
    assert not buildings.filter(latitude__isnull=True).exists()


def test_second_load_adds_nothing(demo_county):
    before = (
        ServicePoint.objects.count(),
        Service.objects.count(),
        ServiceDelivery.objects.count(),
    )
    created = Counter()
    points_demo.load(created, seed=3)
    assert +created == Counter()
    after = (ServicePoint.objects.count(), Service.objects.count(), ServiceDelivery.objects.count())
    assert after == before
