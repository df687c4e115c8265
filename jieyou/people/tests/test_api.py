import pytest

from jieyou.core.models import AuditEntry
from jieyou.people import actions
from jieyou.people.models import Resident
from jieyou.testing.personal_data import assert_no_personal_numbers

API = "/api/v1/people"


@pytest.fixture
def call(client):
    """Call the API with a bearer token of the given user; every body is scanned for numbers."""
    keys = {}

    def request(user, method, url, **kwargs):
        if user.pk not in keys:
            keys[user.pk] = actions.api_token_create(actor=None, user=user, name="测试")[1]
        response = getattr(client, method)(
            url, HTTP_AUTHORIZATION=f"Bearer {keys[user.pk]}", **kwargs
        )
        assert_no_personal_numbers(response.content)
        return response

    return request


def test_resident_list_masked_and_paginated(cast, call):
    body = call(cast.grid_worker, "get", f"{API}/residents").json()
    assert body["count"] == 2
    li = next(r for r in body["items"] if r["name"] == "李女士")
    assert li["phone"] == "139****5678"
    assert li["id_number"] == "652328********0022"
    assert li["household"] == "7号楼301"


def test_resident_search_and_filters(cast, call):
    actions.resident_create(actor=None, name="赵大爷", area=cast.building8, tags=["独居老人"])
    for q in ("zdy", "zhao", "赵大"):
        body = call(cast.secretary, "get", f"{API}/residents", data={"q": q}).json()
        assert [r["name"] for r in body["items"]] == ["赵大爷"]
    tag = Resident.objects.get(name="赵大爷").tags.get()
    tagged = call(cast.secretary, "get", f"{API}/residents", data={"tag": tag.pk}).json()
    assert {r["name"] for r in tagged["items"]} == {"赵大爷", "冶大爷"}
    by_grid = call(
        cast.secretary, "get", f"{API}/residents", data={"grid": cast.mingzhu_grid.pk}
    ).json()
    assert by_grid["count"] == 3


def test_pages_of_fifty(cast, call):
    Resident.objects.bulk_create(
        Resident(**actions.resident_fields(f"测试{i:03d}"), area=cast.building7) for i in range(55)
    )
    page2 = call(cast.secretary, "get", f"{API}/residents", data={"q": "ceshi", "page": 2}).json()
    assert page2["count"] == 55
    assert len(page2["items"]) == 5


def test_outsider_gets_404_on_mingzhu(cast, call):
    assert call(cast.outsider, "get", f"{API}/residents/{cast.resident.pk}").status_code == 404
    assert call(cast.outsider, "get", f"{API}/units/{cast.property_co.pk}").status_code == 404
    assert (
        call(
            cast.outsider, "get", f"{API}/residents", data={"grid": cast.mingzhu_grid.pk}
        ).status_code
        == 404
    )
    listing = call(cast.outsider, "get", f"{API}/residents").json()
    assert [r["name"] for r in listing["items"]] == ["周先生"]


def test_resident_detail(cast, call):
    body = call(cast.secretary, "get", f"{API}/residents/{cast.neighbour.pk}").json()
    assert body["name"] == "冶大爷"
    assert body["phone"] == "138****5678"
    assert body["tags"] == ["独居老人"]


def test_create_resident(cast, call):
    response = call(
        cast.grid_worker,
        "post",
        f"{API}/residents",
        data={
            "name": "马阿姨",
            "phone": "13909941234",
            "id_number": "11010519491231002X",
            "area": cast.building8.pk,
            "room": "502",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["phone"] == "139****1234"
    assert body["id_number"] == "110105********002X"
    assert body["birth_year"] == 1949
    created = Resident.objects.get(pk=body["id"])
    assert created.phone == "+8613909941234"
    assert AuditEntry.objects.filter(action="resident.create", object_id=str(created.pk)).exists()


def test_create_resident_errors_are_422_with_field_names_in_chinese(cast, call):
    response = call(
        cast.grid_worker,
        "post",
        f"{API}/residents",
        data={"name": "错号", "id_number": "110105194912310021", "area": cast.shuangmao1.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["id_number"] == ["身份证号校验位错误"]
    assert errors["area"] == ["所选区域不在你的负责范围内"]
    assert not Resident.objects.filter(name="错号").exists()


def test_create_is_404_for_handler(cast, call):
    response = call(
        cast.handler,
        "post",
        f"{API}/residents",
        data={"name": "某", "area": cast.building7.pk},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_units(cast, call):
    assert [u["name"] for u in call(cast.handler, "get", f"{API}/units").json()] == ["蓝天物业公司"]
    body = call(cast.grid_worker, "get", f"{API}/units/{cast.enforcement.pk}").json()
    assert body["kind"] == "law_enforcement"


def test_me(cast, call):
    body = call(cast.grid_worker, "get", f"{API}/me").json()
    assert body["role"] == "grid_worker"
    assert body["name"] == "陈丹"
    assert body["area_name"] == "明珠社区"
    assert body["scope"]["residents"] == 2
    assert body["scope"]["can_unmask"] is True
    assert call(cast.outsider, "get", f"{API}/me").json()["scope"]["residents"] == 1


def test_session_auth_reads_and_revoked_token_is_401(cast, client, client_for):
    assert client_for(cast.secretary).get(f"{API}/me").status_code == 200
    token, key = actions.api_token_create(actor=None, user=cast.secretary, name="临时")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"{API}/me", **auth).status_code == 200
    actions.api_token_revoke(actor=None, token=token)
    assert client.get(f"{API}/me", **auth).status_code == 401
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION="Bearer jy_wrong").status_code == 401
