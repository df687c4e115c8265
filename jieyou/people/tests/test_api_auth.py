"""Bearer tokens: who gets in, and how often a token's last use is written down."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jieyou.people import actions
from jieyou.people.api_auth import TokenAuth
from jieyou.people.models import ApiToken, Staff

CATEGORIES = "/api/v1/concerns/categories"


def _get(client, key):
    return client.get(CATEGORIES, HTTP_AUTHORIZATION=f"Bearer {key}")


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_last_use_is_written_at_most_once_a_minute(cast, client):
    token, key = actions.api_token_create(actor=None, user=cast.secretary, name="测试")
    assert token.last_used_at is None
    assert _get(client, key).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    with CaptureQueriesContext(connection) as queries:
        assert _get(client, key).status_code == 200
    assert _updates(queries) == []
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    assert _get(client, key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first


def test_revoked_tokens_and_inactive_users_are_refused(cast, client):
    token, key = actions.api_token_create(actor=None, user=cast.secretary, name="测试")
    assert _get(client, key).status_code == 200
    actions.api_token_revoke(actor=None, token=token)
    assert _get(client, key).status_code == 401

    _other, key = actions.api_token_create(actor=None, user=cast.outsider, name="测试")
    get_user_model().objects.filter(pk=cast.outsider.pk).update(is_active=False)
    assert _get(client, key).status_code == 401
    assert _get(client, "jy_not-a-token").status_code == 401


def test_a_unit_handler_keeps_the_scope_of_the_unit(cast, client):
    _token, key = actions.api_token_create(actor=None, user=cast.handler, name="测试")

    def create(area):
        return client.post(
            "/api/v1/concerns/",
            {"category": "HJ", "description": "楼道堆放杂物", "area": area.pk},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    assert create(cast.building7).status_code == 201
    # Outside the unit's compound the handler sees no place at all.
    refused = create(cast.shuangmao1)
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["area"]


def _create(client, key, area):
    return client.post(
        "/api/v1/concerns/",
        {"category": "HJ", "description": "楼道堆放杂物", "area": area.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_a_new_place_of_work_is_seen_on_the_next_call(cast, client):
    """Another worker (here: a queryset update) moves the secretary to 西河: the kept user
    object is not used, because the token's read brings the new place."""
    _token, key = actions.api_token_create(actor=None, user=cast.secretary, name="测试")
    assert _create(client, key, cast.building7).status_code == 201
    assert _create(client, key, cast.shuangmao1).status_code == 422
    Staff.objects.filter(user=cast.secretary).update(area=cast.xihe)
    assert _create(client, key, cast.shuangmao1).status_code == 201
    assert _create(client, key, cast.building7).status_code == 422


def test_a_new_role_is_seen_on_the_next_call(cast, client):
    _token, key = actions.api_token_create(actor=None, user=cast.secretary, name="测试")
    assert _create(client, key, cast.building7).status_code == 201
    Staff.objects.filter(user=cast.secretary).update(role=Staff.Role.AUDITOR)
    # An auditor reads; intake is for working roles.
    assert _create(client, key, cast.building7).status_code == 404


def test_each_call_gets_its_own_user_object(cast, rf):
    _token, key = actions.api_token_create(actor=None, user=cast.secretary, name="测试")
    first = TokenAuth().authenticate(rf.get("/"), key)
    first.first_name = "改过"
    second = TokenAuth().authenticate(rf.get("/"), key)
    assert first is not second and first.pk == second.pk == cast.secretary.pk
    assert second.first_name == cast.secretary.first_name
    assert second.staff.area == cast.mingzhu
