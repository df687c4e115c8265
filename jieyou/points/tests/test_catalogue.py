"""The service catalogue: search in Chinese, pinyin, initials and by provider, exact before
partial; what is open on the coming seven days; the actions' rules and their audit."""

from datetime import date, time, timedelta

import pytest

from jieyou.core.models import AuditEntry
from jieyou.points import scope
from jieyou.points.actions.points import point_retire, point_save
from jieyou.points.actions.services import delivery_record, service_retire, service_save
from jieyou.points.errors import PointsError
from jieyou.points.models import Service, ServiceDelivery, Zone
from jieyou.points.queries.catalogue import active, open_this_week, search

pytestmark = pytest.mark.django_db
P = Service.Provider


def add(actor, point, name, **kw):
    kw.setdefault("provider_kind", P.VOLUNTEER)
    return service_save(actor=actor, point=point, name=name, **kw)


@pytest.fixture
def catalogue(cast, point, xihe_point):
    """Six services at 明珠's point and one at 西河's."""
    s = cast.secretary
    made = {
        name: add(s, point, name, **kw)
        for name, kw in {
            "家电维修": {"provider_kind": P.VENDOR, "provider": "老马家电维修部"},
            "理发": {"provider": "爱心义剪志愿队"},
            "老人理发上门": {"provider": "爱心义剪志愿队"},
            "代缴水电费": {"provider_kind": P.COMMUNITY},
            "管道疏通": {"provider_kind": P.VENDOR, "provider": "顺通管道疏通服务部"},
            "法律咨询": {"provider_kind": P.UNIT, "unit": cast.enforcement},
        }.items()
    }
    made["西河理发"] = add(cast.outsider, xihe_point, "理发", provider="西河义剪队")
    return made


def names(found):
    return [s.name for s in found]


def everything():
    return active(Service.objects.all())


@pytest.mark.parametrize(
    "query, first",
    [
        ("家电维修", "家电维修"),  # the whole name
        ("家电", "家电维修"),  # a part of it
        ("修家电", "家电维修"),  # jieba: 修 / 家电
        ("哪里能修家电？", "家电维修"),
        ("我想理发", "理发"),
        ("水电费", "代缴水电费"),
        ("疏通", "管道疏通"),
    ],
)
def test_chinese(catalogue, query, first):
    assert names(search(everything(), query))[0] == first


@pytest.mark.parametrize(
    "query, first",
    [
        ("jiadianweixiu", "家电维修"),  # full pinyin
        ("jiadian", "家电维修"),  # its beginning
        ("weixiu", "家电维修"),  # its middle
        ("Jia Dian", "家电维修"),  # capitals and spaces as typed on a phone
        ("lifa", "理发"),
        ("shuidian", "代缴水电费"),
    ],
)
def test_pinyin(catalogue, query, first):
    assert names(search(everything(), query))[0] == first


@pytest.mark.parametrize(
    "query, first",
    [
        ("jdwx", "家电维修"),
        ("jd", "家电维修"),
        ("lf", "理发"),
        ("gdst", "管道疏通"),
        ("flzx", "法律咨询"),
    ],
)
def test_initials(catalogue, query, first):
    assert names(search(everything(), query))[0] == first


def test_initials_stored_are_what_a_resident_types(catalogue):
    assert catalogue["家电维修"].name_initials == "jdwx"
    assert catalogue["家电维修"].name_pinyin == "jiadianweixiu"
    assert catalogue["老人理发上门"].name_initials == "lrlfsm"


def test_rename_refreshes_the_pinyin_keys(cast, point, catalogue):
    s = catalogue["管道疏通"]
    service_save(
        actor=cast.secretary, service=s, point=point, name="下水道疏通", provider_kind=P.VENDOR
    )
    assert names(search(everything(), "xsdst")) == ["下水道疏通"]
    assert search(everything(), "gdst").count() == 0


def test_provider_name(catalogue):
    assert names(search(everything(), "老马")) == ["家电维修"]
    assert names(search(everything(), "执法队")) == ["法律咨询"]


def test_exact_before_partial(catalogue):
    found = search(everything(), "理发")
    # Both 理发 (明珠 and 西河) match exactly; the longer name only contains it.
    assert names(found) == ["理发", "理发", "老人理发上门"]
    assert [s.rank for s in found] == sorted(s.rank for s in found)
    assert found[0].rank < found[2].rank
    by_initials = search(everything(), "lf")
    assert names(by_initials)[:2] == ["理发", "理发"]
    assert names(by_initials)[2] == "老人理发上门"


def test_nothing_for_an_empty_or_unknown_query(catalogue):
    assert search(everything(), "").count() == 0
    assert search(everything(), "  ？ ").count() == 0
    assert search(everything(), "修飞机").count() == 0
    assert search(everything(), "zzzz").count() == 0


def test_search_stays_in_scope(cast, catalogue):
    mine = scope.scoped(Service.objects.all(), cast.secretary, "point__community")
    theirs = scope.scoped(Service.objects.all(), cast.outsider, "point__community")
    assert {s.point.community_id for s in search(mine, "理发")} == {cast.mingzhu.pk}
    assert {s.point.community_id for s in search(theirs, "理发")} == {cast.xihe.pk}
    assert search(theirs, "家电").count() == 0


def test_retired_services_and_points_are_not_found(cast, point, catalogue):
    service_retire(actor=cast.secretary, service=catalogue["家电维修"])
    assert search(everything(), "jdwx").count() == 0
    point_retire(actor=cast.secretary, point=point)
    assert set(names(search(everything(), "理发"))) == {"理发"}
    assert search(everything(), "理发")[0].point.community_id == cast.xihe.pk


# ---- open this week -----------------------------------------------------------------------


@pytest.fixture
def weekly(cast, point):
    s = cast.secretary
    return {
        "monday": add(s, point, "周一义诊", weekdays="1", starts=time(10), ends=time(12)),
        "friday": add(s, point, "周五集市", weekdays="5", starts=time(10), ends=time(13)),
        "saturday": add(s, point, "周六磨刀", weekdays="6", starts=time(15), ends=time(17)),
        "early_sat": add(s, point, "周六理发", weekdays="6", starts=time(9)),
        "sunday": add(s, point, "周日修补", weekdays="7"),
        "call": add(s, point, "管道疏通", schedule_note="电话预约"),
    }


def test_open_this_week_across_the_week_boundary(weekly):
    saturday = date(2024, 11, 16)  # a Saturday: the coming seven days run to Friday the 22nd
    days = open_this_week(active(Service.objects.all()), saturday)
    assert [d.day for d in days] == [saturday + timedelta(days=i) for i in range(7)]
    assert [d.weekday for d in days] == ["周六", "周日", "周一", "周二", "周三", "周四", "周五"]
    assert [d.is_today for d in days] == [True] + [False] * 6
    by_day = {d.day: [slot.service.name for slot in d.slots] for d in days}
    # Earliest first on the Saturday; the next Saturday (23rd) is not in the window.
    assert by_day[date(2024, 11, 16)] == ["周六理发", "周六磨刀"]
    assert by_day[date(2024, 11, 17)] == ["周日修补"]
    assert by_day[date(2024, 11, 18)] == ["周一义诊"]
    assert by_day[date(2024, 11, 19)] == by_day[date(2024, 11, 20)] == []
    assert by_day[date(2024, 11, 22)] == ["周五集市"]
    assert "管道疏通" not in {name for found in by_day.values() for name in found}


def test_open_this_week_from_a_friday(weekly):
    friday = date(2024, 11, 15)
    days = open_this_week(active(Service.objects.all()), friday)
    assert [slot.service.name for slot in days[0].slots] == ["周五集市"]
    # The window ends on Thursday the 21st: the next Friday is not in it.
    assert days[-1].day == date(2024, 11, 21)
    assert all("周五集市" not in [s.service.name for s in d.slots] for d in days[1:])
    assert days[0].slots[0].starts == time(10) and days[0].slots[0].ends == time(13)


def test_open_this_week_leaves_out_retired_services(cast, weekly):
    service_retire(actor=cast.secretary, service=weekly["monday"])
    days = open_this_week(active(Service.objects.all()), date(2024, 11, 16))
    assert [s.service.name for s in days[2].slots] == []


# ---- the actions' rules ---------------------------------------------------------------


def test_point_save_keeps_zones_and_audits(cast, point):
    Z = Zone.Kind
    point_save(
        actor=cast.secretary,
        point=point,
        community=cast.mingzhu,
        name=point.name,
        area=cast.lantian,
        hours="周一至周日 9:00–20:00",
        zones=[(Z.MARKET, "", "周五集市"), (Z.LEGAL, "", "")],
    )
    point.refresh_from_db()
    assert point.hours == "周一至周日 9:00–20:00"
    assert {(z.kind, z.note) for z in point.zones.all()} == {(Z.MARKET, "周五集市"), (Z.LEGAL, "")}
    entry = AuditEntry.objects.filter(action="point.update", object_id=str(point.pk)).latest("pk")
    assert entry.actor_id == cast.secretary.pk
    assert entry.detail["before"]["hours"] == "周一至周六 9:30–19:30"
    assert [Z.CONSULTATION, ""] in entry.detail["zones"]["removed"]


@pytest.mark.parametrize("who", ["outsider", "evaluator", "handler"])
def test_only_the_communitys_keepers_change_its_point(cast, point, who):
    with pytest.raises(PointsError) as refused:
        point_save(actor=getattr(cast, who), point=point, community=cast.mingzhu, name="改名")
    assert "community" in refused.value.message_dict
    with pytest.raises(PointsError):
        add(getattr(cast, who), point, "修鞋")
    with pytest.raises(PointsError):
        point_retire(actor=getattr(cast, who), point=point)
    point.refresh_from_db()
    assert point.active and point.name != "改名"


def test_point_rules_name_the_field(cast, point):
    cases = [
        ({"name": ""}, "name"),
        ({"area": cast.shuangmao}, "area"),  # a compound of another community
        ({"latitude": "43.8"}, "longitude"),  # one coordinate without the other
        ({"latitude": "143.8", "longitude": "90.2"}, "latitude"),
        ({"phone": "12345"}, "phone"),
    ]
    for change, field in cases:
        values = {"community": cast.mingzhu, "name": "新的解忧铺", **change}
        with pytest.raises(PointsError) as refused:
            point_save(actor=cast.secretary, **values)
        assert field in refused.value.message_dict, change
    with pytest.raises(PointsError) as same_name:
        point_save(actor=cast.county_admin, community=cast.xihe, name=point.name)
    assert "同名" in same_name.value.message_dict["name"][0]


def test_service_rules_name_the_field(cast, point):
    cases = [
        ({"weekdays": "58"}, "weekdays"),
        ({"starts": time(12), "ends": time(10)}, "ends"),
        ({"ends": time(10)}, "starts"),
        ({"provider_kind": "alien"}, "provider_kind"),
        ({"name": " "}, "name"),
    ]
    for change, field in cases:
        with pytest.raises(PointsError) as refused:
            add(cast.secretary, point, change.pop("name", "修鞋"), **change)
        assert field in refused.value.message_dict, change
    assert add(cast.secretary, point, "修鞋", weekdays="5，3、1").weekdays == "135"


def test_no_new_service_on_a_retired_point(cast, point):
    point_retire(actor=cast.secretary, point=point)
    with pytest.raises(PointsError) as refused:
        add(cast.secretary, point, "修鞋")
    assert "point" in refused.value.message_dict


def test_delivery_record(cast, catalogue):
    haircut = catalogue["理发"]
    delivery = delivery_record(
        actor=cast.grid_worker, service=haircut, day=date(2024, 11, 15), people=8
    )
    assert delivery.recorded_by == cast.grid_worker
    assert AuditEntry.objects.filter(action="service.delivery", object_id=str(delivery.pk)).exists()
    for day, people, field in [
        (date(2999, 1, 1), 3, "day"),
        (date(2024, 11, 15), 0, "people"),
        (date(2024, 11, 15), "八", "people"),
    ]:
        with pytest.raises(PointsError) as refused:
            delivery_record(actor=cast.grid_worker, service=haircut, day=day, people=people)
        assert field in refused.value.message_dict
    with pytest.raises(PointsError):
        delivery_record(actor=cast.outsider, service=haircut, day=date(2024, 11, 15), people=3)
    assert ServiceDelivery.objects.filter(service=haircut).count() == 1


def test_open_this_week_cut_per_day_keeps_the_count(weekly):
    days = open_this_week(active(Service.objects.all()), date(2024, 11, 16), per_day=1)
    saturday = days[0]
    assert [s.service.name for s in saturday.slots] == ["周六理发"]
    assert (saturday.total, saturday.more) == (2, 1)
    assert (days[1].total, days[1].more) == (1, 0)
