"""Changes to the market book: who may make them and the rules they keep."""

from datetime import date, time

import pytest

from jieyou.core.models import AuditEntry
from jieyou.points.actions import market as actions
from jieyou.points.errors import PointsError
from jieyou.points.models import RegisteredProduct, Vendor

FRI = date(2024, 11, 15)


@pytest.fixture
def market(cast, point):
    return actions.market_save(actor=cast.secretary, point=point, name="解忧集市", weekdays="5")


def _register(cast, market, **kw):
    values = {
        "actor": cast.grid_worker,
        "market": market,
        "name": "马建军",
        "phone": "138 9900 1122",
        "products": "大葱、洋芋，黄芽白 大葱",
        "first_day": FRI,
    }
    values.update(kw)
    return actions.vendor_register(**values)


def _field_errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_market_save_normalises_and_checks(cast, point):
    market = actions.market_save(
        actor=cast.secretary,
        point=point,
        name=" 早市 ",
        weekdays="5, 1, 3",
        opens=time(8),
        closes=time(11),
    )
    assert (market.name, market.weekdays) == ("早市", "135")
    with pytest.raises(PointsError) as excinfo:
        actions.market_save(actor=cast.secretary, point=point, name="夜市", weekdays="8")
    assert "weekdays" in _field_errors(excinfo)
    with pytest.raises(PointsError) as excinfo:
        actions.market_save(actor=cast.secretary, point=point, name="早市", weekdays="2")
    assert "同名" in _field_errors(excinfo)["name"][0]
    with pytest.raises(PointsError) as excinfo:
        actions.market_save(
            actor=cast.secretary,
            point=point,
            name="晚市",
            weekdays="2",
            opens=time(9),
            closes=time(8),
        )
    assert "closes" in _field_errors(excinfo)
    changed = actions.market_save(
        actor=cast.secretary, point=point, market=market, name="早市", weekdays="6"
    )
    assert changed.weekdays == "6"


def test_outsider_may_not_keep_another_communitys_market(cast, point, market):
    with pytest.raises(PointsError):
        actions.market_save(actor=cast.outsider, point=point, name="外人的集市", weekdays="5")
    with pytest.raises(PointsError):
        _register(cast, market, actor=cast.outsider)
    with pytest.raises(PointsError):
        actions.closure_add(actor=cast.outsider, market=market, day=FRI, reason="大雪")
    with pytest.raises(PointsError):
        _register(cast, market, actor=cast.evaluator)  # reads the book, does not keep it


def test_vendor_register_stores_canonical_products_and_e164(cast, market):
    line = _register(cast, market)
    assert line.vendor.phone == "+8613899001122"
    assert line.products == "大葱、洋芋、黄芽白"
    rows = list(
        RegisteredProduct.objects.filter(registration=line).values_list("name", "canonical")
    )
    assert rows == [("大葱", "大葱"), ("洋芋", "土豆"), ("黄芽白", "大白菜")]
    assert line.first_day == line.last_day == FRI
    assert line.registered_by == cast.grid_worker


def test_the_same_vendor_is_found_again(cast, market):
    first = _register(cast, market)
    second = _register(cast, market, phone="+86 138-9900-1122", first_day=date(2024, 11, 22))
    assert first.vendor_id == second.vendor_id
    assert Vendor.objects.filter(name="马建军").count() == 1
    other = _register(cast, market, phone="13500001111", first_day=date(2024, 11, 29))
    assert other.vendor_id != first.vendor_id  # another 马建军


def test_phone_is_validated_and_named(cast, market):
    with pytest.raises(PointsError) as excinfo:
        _register(cast, market, phone="12345")
    assert _field_errors(excinfo)["phone"][0].startswith("手机号：")
    with pytest.raises(PointsError) as excinfo:
        _register(cast, market, phone="")
    assert "phone" in _field_errors(excinfo)


def test_dates_must_hold_a_market_day(cast, market):
    with pytest.raises(PointsError) as excinfo:
        _register(cast, market, first_day=date(2024, 11, 13), last_day=date(2024, 11, 14))
    assert "没有集市日" in _field_errors(excinfo)["first_day"][0]
    with pytest.raises(PointsError) as excinfo:
        _register(cast, market, first_day=FRI, last_day=date(2024, 11, 1))
    assert "last_day" in _field_errors(excinfo)


def test_products_are_required_and_short(cast, market):
    with pytest.raises(PointsError) as excinfo:
        _register(cast, market, products=" 、 ，")
    assert "products" in _field_errors(excinfo)
    with pytest.raises(PointsError) as excinfo:
        _register(cast, market, products="大葱、" + "很长的品种名字" * 4)
    assert "products" in _field_errors(excinfo)


def test_a_vendor_is_in_the_book_once_a_day(cast, market):
    _register(cast, market, first_day=date(2024, 11, 1), last_day=date(2024, 11, 29))
    with pytest.raises(PointsError) as excinfo:
        _register(cast, market, products="苹果", first_day=FRI)
    assert "11月15日" in _field_errors(excinfo)["first_day"][0]


def test_a_stall_is_one_vendors_a_day(cast, market):
    _register(cast, market, stall="1号")
    with pytest.raises(PointsError) as excinfo:
        _register(cast, market, name="李秀英", phone="13677889900", stall="1号")
    assert "马建军" in _field_errors(excinfo)["stall"][0]
    # The next Friday the stall is free.
    _register(
        cast, market, name="李秀英", phone="13677889900", stall="1号", first_day=date(2024, 11, 22)
    )


def test_cancel_frees_the_day_and_is_refused_twice(cast, market):
    line = _register(cast, market, stall="1号")
    actions.registration_cancel(actor=cast.secretary, registration=line, reason="家里有事")
    line.refresh_from_db()
    assert line.cancelled_at is not None
    with pytest.raises(PointsError):
        actions.registration_cancel(actor=cast.secretary, registration=line)
    again = _register(cast, market, stall="1号")
    assert again.pk != line.pk


def test_registration_is_audited_without_the_phone(cast, market):
    line = _register(cast, market)
    entry = AuditEntry.objects.get(action="market.vendor_register", object_id=str(line.pk))
    assert entry.actor_id == cast.grid_worker.pk
    assert "13899001122" not in str(entry.detail) and "1122" not in str(entry.detail)


def test_reveal_is_audited_and_for_unmasking_roles_only(cast, market):
    vendor = _register(cast, market).vendor
    assert actions.vendor_reveal(actor=cast.grid_worker, vendor=vendor) == "+8613899001122"
    assert AuditEntry.objects.filter(
        action="market.vendor_reveal", actor_id=cast.grid_worker.pk
    ).exists()
    with pytest.raises(PointsError):
        actions.vendor_reveal(actor=cast.evaluator, vendor=vendor)


def test_closures(cast, market):
    closure = actions.closure_add(actor=cast.secretary, market=market, day=FRI, reason="大雪")
    with pytest.raises(PointsError) as excinfo:
        actions.closure_add(actor=cast.secretary, market=market, day=FRI, reason="又下雪")
    assert "已登记停市" in _field_errors(excinfo)["day"][0]
    with pytest.raises(PointsError) as excinfo:
        actions.closure_add(actor=cast.secretary, market=market, day=date(2024, 11, 14), reason="x")
    assert "不是该集市的集市日" in _field_errors(excinfo)["day"][0]
    with pytest.raises(PointsError):
        _register(cast, market)  # the only Friday asked for is closed
    actions.closure_remove(actor=cast.secretary, closure=closure)
    assert _register(cast, market).pk


@pytest.mark.parametrize(
    ("months", "stored"),
    [("9,10,11,12", "9,10,11,12"), ("9-12", "9,10,11,12"), ("11-2", "1,2,11,12"), ([7, 8], "7,8")],
)
def test_seasonal_months(cast, months, stored):
    produce = actions.seasonal_produce_save(actor=cast.county_admin, name="大白菜", months=months)
    assert produce.months == stored


def test_seasonal_rules(cast):
    with pytest.raises(PointsError) as excinfo:
        actions.seasonal_produce_save(actor=cast.county_admin, name="大白菜", months="13")
    assert "months" in _field_errors(excinfo)
    with pytest.raises(PointsError):
        actions.seasonal_produce_save(actor=cast.grid_worker, name="大白菜", months="9")
    actions.seasonal_produce_save(actor=cast.secretary, name="大白菜", months="9")
    with pytest.raises(PointsError) as excinfo:
        actions.seasonal_produce_save(actor=cast.secretary, name="大白菜", months="10")
    assert "已在时令表中" in _field_errors(excinfo)["name"][0]
