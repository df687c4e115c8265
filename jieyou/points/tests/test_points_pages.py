"""Pages and API of the service points, the catalogue and the circle: scoped, with the
outsider (西河's grid worker) getting 404 on 明珠's; the poster's QR; the residents' page."""

import pytest
import segno
from django.test import Client

from jieyou.core.models import AuditEntry
from jieyou.points.models import Service, ServiceDelivery, ServicePoint

pytestmark = pytest.mark.django_db
API = "/api/v1/points"


@pytest.fixture
def secretary(cast, client_for):
    return client_for(cast.secretary)


@pytest.fixture
def outsider(cast, client_for):
    return client_for(cast.outsider)


def test_list_is_scoped(cast, secretary, outsider, client_for, point, xihe_point):
    mine = secretary.get("/points/").content.decode()
    assert point.name in mine and xihe_point.name not in mine
    theirs = outsider.get("/points/").content.decode()
    assert xihe_point.name in theirs and point.name not in theirs
    county = client_for(cast.county_admin).get("/points/").content.decode()
    assert point.name in county and xihe_point.name in county
    assert point.name not in client_for(cast.handler).get("/points/").content.decode()


def test_anonymous_goes_to_sign_in(point):
    response = Client().get(f"/points/{point.pk}/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_detail(cast, secretary, outsider, client_for, point, point_services):
    page = secretary.get(f"/points/{point.pk}/").content.decode()
    for text in ("蔬菜集市区", "家电维修", "每周二、周六 15:00–18:00", "管道疏通", "本周开放"):
        assert text in page
    assert f"/points/{point.pk}/edit/" in page
    # The evaluator reads but does not keep.
    evaluator = client_for(cast.evaluator).get(f"/points/{point.pk}/")
    assert evaluator.status_code == 200
    assert f"/points/{point.pk}/edit/" not in evaluator.content.decode()
    assert client_for(cast.evaluator).get(f"/points/{point.pk}/edit/").status_code == 404
    for url in (
        f"/points/{point.pk}/",
        f"/points/{point.pk}/edit/",
        f"/points/{point.pk}/poster/",
        f"/points/{point.pk}/services/new/",
        f"/points/{point.pk}/deliveries/new/",
        f"/points/services/{point_services['理发'].pk}/edit/",
    ):
        assert outsider.get(url).status_code == 404, url
        assert client_for(cast.handler).get(url).status_code == 404, url


def test_outsider_cannot_post_to_another_communitys_point(cast, outsider, point, point_services):
    haircut = point_services["理发"]
    assert outsider.post(f"/points/{point.pk}/retire/").status_code == 404
    assert outsider.post(f"/points/services/{haircut.pk}/retire/").status_code == 404
    response = outsider.post(
        f"/points/{point.pk}/deliveries/new/",
        {"service": haircut.pk, "day": "2024-11-15", "people": 5},
    )
    assert response.status_code == 404
    point.refresh_from_db()
    haircut.refresh_from_db()
    assert point.active and haircut.active
    assert not ServiceDelivery.objects.exists()


def test_edit_point(cast, secretary, point):
    response = secretary.post(
        f"/points/{point.pk}/edit/",
        {
            "community": cast.mingzhu.pk,
            "name": point.name,
            "area": cast.lantian.pk,
            "hours": "每天 8:00–20:00",
            "contact": cast.grid_worker.pk,
            "zones": ["market", "legal"],
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.hours == "每天 8:00–20:00"
    assert sorted(point.zones.values_list("kind", flat=True)) == ["legal", "market"]
    assert AuditEntry.objects.filter(action="point.update", actor_id=cast.secretary.pk).exists()


def test_new_point_only_in_own_community(cast, secretary):
    data = {"community": cast.xihe.pk, "name": "另一个解忧铺", "zones": ["help"]}
    refused = secretary.post("/points/new/", data)
    assert refused.status_code == 200
    assert "所选社区不在你的负责范围内" in refused.content.decode()
    assert not ServicePoint.objects.filter(name="另一个解忧铺").exists()
    created = secretary.post("/points/new/", {**data, "community": cast.mingzhu.pk})
    point = ServicePoint.objects.get(name="另一个解忧铺")
    assert created["Location"] == f"/points/{point.pk}/"
    assert point.community == cast.mingzhu


def test_form_errors_name_the_field_in_chinese(cast, secretary, point):
    response = secretary.post(
        f"/points/{point.pk}/services/new/",
        {"name": "修鞋", "provider_kind": "volunteer", "starts": "12:00", "ends": "10:00"},
    )
    assert response.status_code == 200
    assert "结束时间：须晚于开始时间" in response.content.decode()
    assert not Service.objects.filter(name="修鞋").exists()


def test_add_service_and_record_a_delivery(cast, client_for, point):
    worker = client_for(cast.grid_worker)
    response = worker.post(
        f"/points/{point.pk}/services/new/",
        {"name": "磨刀", "provider_kind": "volunteer", "provider": "张师傅", "weekdays": ["5"]},
    )
    assert response.status_code == 302
    knives = Service.objects.get(point=point, name="磨刀")
    assert (knives.weekdays, knives.name_initials) == ("5", "md")
    response = worker.post(
        f"/points/{point.pk}/deliveries/new/",
        {"service": knives.pk, "day": "2024-11-15", "people": 12},
    )
    assert response.status_code == 302
    delivery = ServiceDelivery.objects.get(service=knives)
    assert (delivery.people, delivery.recorded_by) == (12, cast.grid_worker)
    assert "12 人次" in worker.get(f"/points/{point.pk}/").content.decode()


def test_poster_carries_the_qr_of_the_public_page(cast, secretary, settings, point, xihe_point):
    settings.JIEYOU_PUBLIC_URL = "https://jieyou.example.cn/"
    url = f"https://jieyou.example.cn/p/{point.pk}/"
    page = secretary.get(f"/points/{point.pk}/poster/").content.decode()

    def modules(address: str) -> str:
        """The dark modules' path of a QR made here for an address, as the poster draws it."""
        svg = segno.make(address, error="m", micro=False).svg_inline(
            scale=10, border=2, dark="#000", light="#fff", omitsize=True
        )
        return svg.split(' d="', 2)[2].split('"')[0]

    assert modules(url) in page
    assert modules(f"https://jieyou.example.cn/p/{xihe_point.pk}/") not in page
    assert modules(f"http://127.0.0.1:8000/p/{point.pk}/") not in page
    assert url in page and point.name in page and "蔬菜集市区" in page
    assert "points/poster.css" in page
    assert "<script>" not in page and " style=" not in page


# ---- the residents' page ----------------------------------------------------------------


def test_public_page_without_an_account(cast, point, point_services):
    page = Client().get(f"/p/{point.pk}/").content.decode()
    assert point.name in page and point.hours in page
    for text in ("在这里能办什么", "家电维修", "理发", "蔬菜集市区", "本周开放"):
        assert text in page
    # The report button opens the concern form with the point's compound preset.
    assert f'href="/c/{cast.lantian.pk}/"' in page
    assert f"/p/{point.pk}/search/" in page


def test_public_page_shows_no_personal_data(cast, point):
    page = Client().get(f"/p/{point.pk}/").content.decode()
    assert "0994 482 2101" in page  # the point's office landline
    assert "陈丹" not in page and cast.grid_worker.username not in page
    point.phone = "+8613812345678"  # a mobile: someone's own phone
    point.save(update_fields=["phone"])
    page = Client().get(f"/p/{point.pk}/").content.decode()
    assert "13812345678" not in page and "5678" not in page


def test_public_search(point, xihe_point, point_services, cast):
    from jieyou.points.actions.services import service_save

    service_save(actor=cast.outsider, point=xihe_point, name="理发", provider_kind="volunteer")
    partial = Client().get(f"/p/{point.pk}/search/", {"q": "lf"}, HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text
    # This point's own 理发 first, then the neighbour's with a link to its page.
    assert text.index("就在本解忧铺") < text.index(f"/p/{xihe_point.pk}/")
    full = Client().get(f"/p/{point.pk}/search/", {"q": "jdwx"}).content.decode()
    assert "<html" in full and "家电维修" in full


def test_retired_point_page_says_so(cast, point, point_services):
    from jieyou.points.actions.points import point_retire

    point_retire(actor=cast.secretary, point=point)
    page = Client().get(f"/p/{point.pk}/").content.decode()
    assert "停止服务" in page and "家电维修" not in page
    assert Client().get(f"/p/{point.pk}/search/", {"q": "lf"}).status_code == 404
    assert Client().get("/p/999999/").status_code == 404


# ---- catalogue and circle pages ---------------------------------------------------------


def test_catalogue_search_page(cast, secretary, outsider, point, point_services):
    partial = secretary.get("/points/services/", {"q": "jdwx"}, HTTP_HX_REQUEST="true")
    assert "家电维修" in partial.content.decode() and "<html" not in partial.content.decode()
    assert "HX-Request" in partial["Vary"]
    restored = secretary.get(
        "/points/services/",
        {"q": "jdwx"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in restored.content.decode()
    full = secretary.get("/points/services/", {"q": "理发"}).content.decode()
    assert "理发" in full and "未来七天" in full
    assert "家电维修" not in outsider.get("/points/services/", {"q": "jdwx"}).content.decode()


def test_circle_pages(cast, secretary, outsider, client_for, point):
    page = secretary.get("/points/circle/").content.decode()
    assert "明珠社区" in page and "西河社区" not in page
    assert secretary.get(f"/points/circle/{cast.mingzhu.pk}/").status_code == 200
    assert outsider.get(f"/points/circle/{cast.mingzhu.pk}/").status_code == 404
    assert client_for(cast.handler).get(f"/points/circle/{cast.xihe.pk}/").status_code == 404


# ---- API --------------------------------------------------------------------------------


def test_api_points(cast, secretary, outsider, point, xihe_point, point_services):
    listed = [p["name"] for p in secretary.get(f"{API}/points").json()]
    assert listed == [point.name]
    detail = secretary.get(f"{API}/points/{point.pk}").json()
    assert {s["name"] for s in detail["services"]} == {"家电维修", "理发", "管道疏通"}
    assert detail["phone"] != "+869944822101" and "*" in detail["phone"]
    assert outsider.get(f"{API}/points/{point.pk}").status_code == 404
    assert [p["name"] for p in outsider.get(f"{API}/points").json()] == [xihe_point.name]


def test_api_search_and_week(cast, secretary, outsider, point, point_services):
    found = secretary.get(f"{API}/services", {"q": "jdwx"}).json()
    assert [(s["name"], s["rank"]) for s in found] == [("家电维修", 0)]
    assert outsider.get(f"{API}/services", {"q": "jdwx"}).json() == []
    week = secretary.get(f"{API}/services/this-week", {"start": "2024-11-16"}).json()
    assert week[0]["day"] == "2024-11-16" and len(week) == 7
    saturday = [slot["service"]["name"] for slot in week[0]["slots"]]
    friday = [slot["service"]["name"] for slot in week[6]["slots"]]
    assert (saturday, friday) == (["家电维修"], ["理发"])
    assert outsider.get(f"{API}/services/this-week", {"point": point.pk}).status_code == 404


def test_api_circle(cast, secretary, outsider, point, point_services):
    from jieyou.places import actions as places

    b7 = cast.building7
    places.area_update(
        actor=None,
        area=b7,
        name=b7.name,
        kind=b7.kind,
        parent=b7.parent,
        code="",
        latitude="43.830000",
        longitude="90.280000",
    )
    near = secretary.get(f"{API}/circle/buildings/{b7.pk}").json()
    assert {s["service"]["name"] for s in near["services"]} == {"家电维修", "理发", "管道疏通"}
    assert all(s["metres"] == 0 for s in near["services"])
    cov = secretary.get(f"{API}/circle/communities/{cast.mingzhu.pk}").json()
    assert cov["covered_households"] == cov["households"] == 2  # 李女士's and 冶大爷's flats
    assert [b["building"] for b in cov["without_coordinates"]] == ["8号楼"]
    assert outsider.get(f"{API}/circle/buildings/{b7.pk}").status_code == 404
    assert outsider.get(f"{API}/circle/communities/{cast.mingzhu.pk}").status_code == 404
