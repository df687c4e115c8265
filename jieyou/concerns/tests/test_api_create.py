"""Creating a concern through the JSON API answers from what the submit left in memory: the
answer must be the detail a later read gives, and the request must stay small."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jieyou.concerns import api
from jieyou.concerns.models import Category, Concern
from jieyou.core import memo
from jieyou.people import access
from jieyou.people import actions as people
from jieyou.testing.personal_data import assert_no_personal_numbers

API = "/api/v1/concerns"


@pytest.fixture
def call(client):
    keys = {}

    def request(user, method, url, data=None, **kwargs):
        if user.pk not in keys:
            keys[user.pk] = people.api_token_create(actor=None, user=user, name="测试")[1]
        if method == "post":
            kwargs.setdefault("content_type", "application/json")
        response = getattr(client, method)(
            url, data, HTTP_AUTHORIZATION=f"Bearer {keys[user.pk]}", **kwargs
        )
        assert_no_personal_numbers(response.content)
        return response

    return request


def _created_then_read(call, user, payload):
    """The 201 body, and the detail of the stored concern read back and rendered the same way
    (the GET endpoint's encoder shortens times to milliseconds)."""
    created = call(user, "post", f"{API}/", payload)
    assert created.status_code == 201, created.content
    stored = access.get_or_404(api._detailed(user), pk=created.json()["id"])
    request = SimpleNamespace(auth=user)
    read = api.ConcernDetail.from_orm(stored, context={"request": request}).model_dump(mode="json")
    assert call(user, "get", f"{API}/{stored.pk}").json()["receipt_code"] == stored.receipt_code
    return created.json(), read


def test_answer_is_the_detail_with_reporter_and_phone(cast, call):
    payload = {
        "category": "WJ",
        "description": "楼顶搭建鸽棚，电话 13912345678",
        "area": cast.building7.pk,
        "channel": "visit",
        "urgency": "urgent",
        "reporter": cast.resident.pk,
        "contact_phone": "139 1234 5678",
        "address": "7号楼顶 13912345678",
        "latitude": 43.82,
        "longitude": 87.61,
    }
    created, read = _created_then_read(call, cast.grid_worker, payload)
    assert created == read
    assert created["reporter"] == "李女士"
    assert created["address"] == "7号楼顶 139****5678"
    assert [e["actor"] for e in created["events"]] == ["陈丹"]


def test_answer_is_the_detail_for_a_county_admin_without_reporter(cast, call):
    payload = {"category": "HJ", "description": "楼道堆放杂物", "area": cast.building8.pk}
    created, read = _created_then_read(call, cast.county_admin, payload)
    assert created == read
    assert created["reporter"] == "" and created["lead_unit"] is None


def test_answer_names_the_default_unit_of_the_category(cast, call):
    category = Category.objects.get(code="HJ")
    category.default_unit = cast.property_co
    category.save()
    payload = {"category": "HJ", "description": "垃圾未清运", "area": cast.building7.pk}
    created, read = _created_then_read(call, cast.secretary, payload)
    assert created == read
    assert created["lead_unit"] == {"id": cast.property_co.pk, "name": cast.property_co.name}


def test_a_warm_create_reads_the_token_only(cast, call):
    payload = {"category": "HJ", "description": "楼道堆放杂物", "area": cast.building7.pk}
    assert call(cast.county_admin, "post", f"{API}/", payload).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        assert call(cast.county_admin, "post", f"{API}/", payload).status_code == 201
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    # The user, the category and the place were kept by the first call; the token is read.
    assert statements.count("SELECT") == 1, statements
    assert "UPDATE" not in statements  # the token was touched less than a minute ago
    # The concern and its first event: one statement on PostgreSQL, two inserts elsewhere.
    if connection.vendor == "postgresql":
        assert statements.count("WITH") == 1 and "INSERT" not in statements, statements
    else:
        assert statements.count("INSERT") == 2, statements
    concern = Concern.objects.latest("pk")
    assert list(concern.events.values_list("action", "to_status")) == [("submit", "submitted")]


def test_a_category_switched_off_is_refused_at_once(cast, call):
    payload = {"category": "HJ", "description": "楼道堆放杂物", "area": cast.building7.pk}
    assert call(cast.secretary, "post", f"{API}/", payload).status_code == 201
    category = Category.objects.get(code="HJ")
    category.active = False
    category.save()
    refused = call(cast.secretary, "post", f"{API}/", payload)
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["category"]
    assert Concern.objects.count() == 1


def test_a_category_changed_behind_the_orm_is_seen_within_a_minute(cast, call, monkeypatch):
    payload = {"category": "HJ", "description": "楼道堆放杂物", "area": cast.building7.pk}
    assert call(cast.secretary, "post", f"{API}/", payload).status_code == 201
    Category.objects.filter(code="HJ").update(active=False)
    started = memo.time.monotonic()
    monkeypatch.setattr(memo.time, "monotonic", lambda: started + api._categories.ttl + 1)
    assert call(cast.secretary, "post", f"{API}/", payload).status_code == 422


def test_the_outsider_cannot_create_in_mingzhu(cast, call):
    payload = {"category": "HJ", "description": "楼道堆放杂物", "area": cast.building7.pk}
    refused = call(cast.outsider, "post", f"{API}/", payload)
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["area"]
    assert not Concern.objects.exists()
