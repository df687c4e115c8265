import pytest

from jieyou.people import actions as people
from jieyou.testing.personal_data import assert_no_personal_numbers

API = "/api/v1/places"


@pytest.fixture
def api_get(client_for):
    def get(user, url, **params):
        response = client_for(user).get(url, params)
        assert_no_personal_numbers(response.content)
        return response

    return get


def test_areas_filtered_by_parent_and_kind(cast, api_get):
    response = api_get(cast.county_admin, f"{API}/areas", parent=cast.town.pk)
    assert response.status_code == 200
    assert [a["name"] for a in response.json()["items"]] == ["明珠社区", "西河社区"]
    compounds = api_get(cast.county_admin, f"{API}/areas", kind="compound").json()
    assert {a["name"] for a in compounds["items"]} == {"蓝天家园小区", "双茂小区"}
    assert compounds["count"] == 2


def test_area_detail(cast, api_get):
    body = api_get(cast.secretary, f"{API}/areas/{cast.mingzhu.pk}").json()
    assert body["code"] == "652328100001"
    assert body["kind"] == "community"
    assert body["parent_id"] == cast.town.pk


def test_grids(cast, api_get):
    body = api_get(cast.secretary, f"{API}/grids").json()
    assert [g["name"] for g in body] == ["明珠第一网格"]
    assert body[0]["workers"][0]["name"] == "陈丹"
    assert body[0]["area_ids"] == [cast.lantian.pk]
    one = api_get(cast.secretary, f"{API}/grids/{cast.mingzhu_grid.pk}").json()
    assert one["community_name"] == "明珠社区"


def test_outsider_gets_404_on_mingzhu(cast, api_get):
    for url in (
        f"{API}/areas/{cast.mingzhu.pk}",
        f"{API}/areas/{cast.building7.pk}",
        f"{API}/grids/{cast.mingzhu_grid.pk}",
    ):
        assert api_get(cast.outsider, url).status_code == 404
    assert api_get(cast.outsider, f"{API}/areas", parent=cast.mingzhu.pk).status_code == 404
    names = [a["name"] for a in api_get(cast.outsider, f"{API}/areas").json()["items"]]
    assert "明珠社区" not in names and "西河社区" in names
    assert [g["name"] for g in api_get(cast.outsider, f"{API}/grids").json()] == ["西河第一网格"]


def test_bearer_token_works_and_revoked_token_is_401(cast, client):
    token, key = people.api_token_create(actor=None, user=cast.secretary, name="测试")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"{API}/areas/{cast.mingzhu.pk}", **auth).status_code == 200
    people.api_token_revoke(actor=None, token=token)
    assert client.get(f"{API}/areas/{cast.mingzhu.pk}", **auth).status_code == 401
    assert client.get(f"{API}/areas").status_code == 401


def test_openapi_renders_and_docs_are_served_locally(cast, client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/places/areas" in paths
    assert "/api/v1/people/residents" in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in html
