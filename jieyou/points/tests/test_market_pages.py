"""The market book's pages, the question box and the API: scoped, phones masked, and the public
answer without any phone. Every view asks "and the outsider?"."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jieyou.core.models import AuditEntry
from jieyou.points.actions import market as actions
from jieyou.points.models import Market, VendorRegistration

API = "/api/v1/points/market"
LOCAL = ZoneInfo("Asia/Shanghai")
PHONE, MASKED = "13899001122", "138****1122"


def _next_friday(today: date) -> date:
    return today + timedelta(days=(5 - today.isoweekday()) % 7)


@pytest.fixture
def friday():
    return _next_friday(timezone.localdate())


@pytest.fixture
def market(cast, point, friday):
    market = actions.market_save(actor=cast.secretary, point=point, name="解忧集市", weekdays="5")
    # Registered the day before, so that "as the book stood today" includes them.
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        actions.vendor_register(
            actor=cast.grid_worker,
            market=market,
            name="马建军",
            phone=PHONE,
            products="大葱、土豆",
            stall="1号",
            first_day=friday,
        )
    return market


@pytest.fixture
def xihe_market(cast, xihe_point, friday):
    market = actions.market_save(
        actor=cast.outsider, point=xihe_point, name="乐居早市", weekdays="5"
    )
    actions.vendor_register(
        actor=cast.outsider,
        market=market,
        name="林大姐",
        phone="13512345678",
        products="鸡蛋",
        first_day=friday,
    )
    return market


# ---- pages ----------------------------------------------------------------------------------


def test_market_list_is_scoped(cast, client_for, market, xihe_market):
    page = client_for(cast.secretary).get(reverse("points:market_list")).content.decode()
    assert "解忧集市" in page and "乐居早市" not in page
    outsider = client_for(cast.outsider).get(reverse("points:market_list")).content.decode()
    assert "乐居早市" in outsider and "解忧集市" not in outsider
    county = client_for(cast.county_admin).get(reverse("points:market_list")).content.decode()
    assert "解忧集市" in county and "乐居早市" in county


def test_book_shows_masked_phones_and_the_outsider_gets_404(cast, client_for, market, friday):
    url = reverse("points:market_book", args=[market.pk])
    page = client_for(cast.grid_worker).get(url).content.decode()
    assert "马建军" in page and MASKED in page and PHONE not in page
    assert friday.strftime("%-m月%-d日") in page
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.handler).get(url).status_code == 404


def test_reveal_is_audited_and_scoped(cast, client_for, market):
    vendor = market.registrations.get().vendor
    url = reverse("points:market_vendor_reveal", args=[vendor.pk])
    response = client_for(cast.grid_worker).post(url)
    assert PHONE in response.content.decode()
    assert AuditEntry.objects.filter(
        action="market.vendor_reveal", object_id=str(vendor.pk)
    ).exists()
    assert client_for(cast.outsider).post(url).status_code == 404
    assert client_for(cast.evaluator).post(url).status_code == 404


def test_vendor_list_masks_phones(cast, client_for, market, xihe_market):
    page = client_for(cast.secretary).get(reverse("points:market_vendors")).content.decode()
    assert "马建军" in page and MASKED in page and PHONE not in page
    assert "林大姐" not in page
    outsider = client_for(cast.outsider).get(reverse("points:market_vendors")).content.decode()
    assert "马建军" not in outsider and "林大姐" in outsider


def test_register_through_the_form(cast, client_for, market, friday):
    url = reverse("points:market_register", args=[market.pk])
    client = client_for(cast.grid_worker)
    data = {
        "name": "李秀英",
        "phone": "136 7788 9900",
        "products": "苹果、红薯",
        "stall": "2号",
        "first_day": friday.isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    line = VendorRegistration.objects.get(vendor__name="李秀英")
    assert line.vendor.phone == "+8613677889900"
    assert list(line.product_rows.values_list("canonical", flat=True)) == ["苹果", "红薯"]
    # The same stall again is refused on the field, in Chinese.
    again = client.post(url, {**data, "name": "王强", "phone": "15999887766"})
    assert again.status_code == 200 and "摊位：2号" in again.content.decode()
    assert client_for(cast.outsider).post(url, data).status_code == 404
    assert client_for(cast.evaluator).get(url).status_code == 404


def test_cancel_through_the_page(cast, client_for, market):
    line = market.registrations.get()
    url = reverse("points:market_registration_cancel", args=[line.pk])
    assert client_for(cast.outsider).post(url).status_code == 404
    line.refresh_from_db()
    assert line.cancelled_at is None
    assert client_for(cast.secretary).post(url).status_code == 302
    line.refresh_from_db()
    assert line.cancelled_at is not None


def test_market_form_and_closures(cast, client_for, point, xihe_point, market, friday):
    client = client_for(cast.secretary)
    response = client.post(
        reverse("points:market_new"),
        {"point": point.pk, "name": "周二早市", "weekdays": ["2"], "active": "on"},
    )
    assert response.status_code == 302
    assert Market.objects.get(name="周二早市").weekdays == "2"
    closures = reverse("points:market_closures", args=[market.pk])
    assert client.post(closures, {"day": friday.isoformat(), "reason": "大雪"}).status_code == 302
    book = client.get(reverse("points:market_book", args=[market.pk])).content.decode()
    assert "大雪" in book
    assert client_for(cast.outsider).get(closures).status_code == 404
    assert (
        client_for(cast.outsider)
        .post(reverse("points:market_new"), {"point": point.pk, "name": "x", "weekdays": ["2"]})
        .status_code
        == 200  # the form refuses a point outside the outsider's communities
    )
    assert not Market.objects.filter(name="x").exists()


def test_date_pickers_carry_iso_dates(cast, client_for, point, market):
    # zh-hans formats dates as 2024/06/01, which a date picker drops: the page would show an
    # empty field and saving it would clear the market's first day.
    actions.market_save(
        actor=cast.secretary,
        market=market,
        point=point,
        name=market.name,
        weekdays=market.weekdays,
        first_day=date(2024, 6, 1),
    )
    client = client_for(cast.secretary)
    edit = client.get(reverse("points:market_edit", args=[market.pk])).content.decode()
    assert 'type="date" name="first_day" value="2024-06-01"' in edit
    delivery = client.get(f"/points/{point.pk}/deliveries/new/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in delivery
    assert client_for(cast.outsider).get(f"/points/{point.pk}/deliveries/new/").status_code == 404


def test_seasonal_page(cast, client_for):
    url = reverse("points:market_seasonal")
    client = client_for(cast.county_admin)
    assert client.post(url, {"name": "大白菜", "months": "10-2"}).status_code == 302
    assert client.post(url, {"name": "大白菜", "months": "10-3"}).status_code == 302
    page = client_for(cast.grid_worker).get(url).content.decode()
    assert "大白菜" in page and "移除" not in page
    assert (
        client_for(cast.grid_worker).post(url, {"name": "葡萄", "months": "8"}).status_code == 404
    )
    assert client_for(cast.handler).get(url).status_code == 404


def test_staff_question_box_answers_in_place(cast, client_for, market, friday):
    url = reverse("points:market_ask")
    client = client_for(cast.grid_worker)
    partial = client.get(url, {"q": "周五有卖白菜和大葱的吗？"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html
    assert "目前只有卖大葱的登记了" in html and "马建军" in html and MASKED in html
    full = client.get(url, {"q": "周五有大葱吗"}).content.decode()
    assert "<html" in full and "马建军" in full
    # The outsider asks the same question and sees only 西河's book.
    outsider = client_for(cast.outsider).get(url, {"q": "周五有大葱吗"}).content.decode()
    assert "马建军" not in outsider
    assert (
        client_for(cast.outsider).get(url, {"q": "x", "point": market.point_id}).status_code == 200
    )


def test_public_question_has_no_phone(cast, market, point, friday):
    url = reverse("point_public_market_ask", args=[point.pk])
    anonymous = Client()
    html = anonymous.get(
        url, {"q": "周五有卖白菜和大葱的吗？"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "目前只有卖大葱的登记了" in html
    assert "马建军" in html and "1号" in html
    assert MASKED not in html and "1122" not in html
    full = anonymous.get(url, {"q": "周五有大葱吗"})
    assert full.status_code == 200 and "<html" in full.content.decode()
    # Without JavaScript the answer is a page of its own, headed by the point it belongs to.
    back = reverse("point_public", args=[point.pk])
    assert f'<h1><a href="{back}">{point.name}</a></h1>' in full.content.decode()
    assert (
        anonymous.get(reverse("point_public_market_ask", args=[999999]), {"q": "x"}).status_code
        == 404
    )


def test_public_page_carries_the_box(market, point, xihe_point):
    page = Client().get(reverse("point_public", args=[point.pk])).content.decode()
    assert reverse("point_public_market_ask", args=[point.pk]) in page
    # A point without a market has no box to ask in.
    other = Client().get(reverse("point_public", args=[xihe_point.pk])).content.decode()
    assert reverse("point_public_market_ask", args=[xihe_point.pk]) not in other


def test_market_list_for_one_point(cast, client_for, market, point, xihe_point):
    url = reverse("points:market_list")
    page = client_for(cast.county_admin).get(url, {"point": point.pk}).content.decode()
    assert "解忧集市" in page
    assert client_for(cast.outsider).get(url, {"point": point.pk}).status_code == 404


# ---- API ------------------------------------------------------------------------------------


def test_api_markets_and_days_are_scoped_and_masked(cast, client_for, market, xihe_market, friday):
    client = client_for(cast.secretary)
    ids = [m["id"] for m in client.get(f"{API}/markets").json()]
    assert ids == [market.pk]
    days = client.get(f"{API}/markets/{market.pk}/days").json()
    line = next(d for d in days if d["day"] == friday.isoformat())["lines"][0]
    assert line["vendor"] == "马建军" and line["phone"] == MASKED
    assert line["canonical"] == ["大葱", "土豆"]
    assert PHONE not in str(days)
    outsider = client_for(cast.outsider)
    assert outsider.get(f"{API}/markets/{market.pk}").status_code == 404
    assert outsider.get(f"{API}/markets/{market.pk}/days").status_code == 404


def test_api_ask(cast, client_for, market, xihe_market, point):
    client = client_for(cast.grid_worker)
    answer = client.get(
        f"{API}/ask", {"q": "周五的集市有卖白菜和大葱的吗？", "point": point.pk}
    ).json()
    assert answer["text"].startswith("目前只有卖大葱的登记了")
    onion = next(p for p in answer["products"] if p["canonical"] == "大葱")
    assert onion["vendors"][0]["phone"] == MASKED
    assert client.get(f"{API}/ask", {"q": " "}).status_code == 422
    outsider = client_for(cast.outsider)
    assert outsider.get(f"{API}/ask", {"q": "周五有大葱吗", "point": point.pk}).status_code == 404
    theirs = outsider.get(f"{API}/ask", {"q": "周五有大葱吗"}).json()
    assert theirs["products"][0]["vendors"] == []
    assert Client().get(f"{API}/ask", {"q": "周五有大葱吗"}).status_code == 401


def test_api_public_ask_needs_no_account_and_has_no_phone(market, point):
    response = Client().get(
        f"{API}/public/ask", {"q": "周五有卖白菜和大葱的吗？", "point": point.pk}
    )
    assert response.status_code == 200
    answer = response.json()
    onion = next(p for p in answer["products"] if p["canonical"] == "大葱")
    assert onion["vendors"][0]["vendor"] == "马建军"
    assert "phone" not in onion["vendors"][0]
    assert "1122" not in response.content.decode()
    assert Client().get(f"{API}/public/ask", {"q": "x", "point": 999999}).status_code == 404


def test_api_register_and_cancel(cast, client_for, market, friday):
    client = client_for(cast.grid_worker)
    payload = {
        "name": "王强",
        "phone": "15999887766",
        "products": "白菜",
        "first_day": friday.isoformat(),
    }
    created = client.post(
        f"{API}/markets/{market.pk}/registrations", payload, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["phone"] == "159****7766" and body["canonical"] == ["大白菜"]
    bad = client.post(
        f"{API}/markets/{market.pk}/registrations",
        {**payload, "phone": "123"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"]["phone"][0].startswith("手机号：")
    outsider = client_for(cast.outsider)
    assert (
        outsider.post(
            f"{API}/markets/{market.pk}/registrations", payload, content_type="application/json"
        ).status_code
        == 404
    )
    cancel = f"{API}/registrations/{body['id']}/cancel"
    assert outsider.post(cancel, {}, content_type="application/json").status_code == 404
    cancelled = client.post(cancel, {"reason": "不来了"}, content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True


def test_book_read_on_the_seed_day(cast, client_for, point):
    """The staff box's "按哪天问" reads the book as it stood on that day."""
    market = actions.market_save(actor=cast.secretary, point=point, name="解忧集市", weekdays="5")
    with time_machine.travel(datetime(2024, 11, 11, 10, tzinfo=LOCAL), tick=False):
        actions.vendor_register(
            actor=cast.grid_worker,
            market=market,
            name="马建军",
            phone=PHONE,
            products="大葱",
            first_day=date(2024, 11, 15),
        )
    html = (
        client_for(cast.grid_worker)
        .get(
            reverse("points:market_ask"),
            {"q": "周五的集市有卖白菜和大葱的吗？", "today": "2024-11-13"},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert "目前只有卖大葱的登记了，还有两天呢。" in html
