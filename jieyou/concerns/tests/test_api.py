import pytest

from jieyou.concerns import actions as a
from jieyou.concerns.models import Category, Concern, ConcernEvent
from jieyou.core.idempotency import request_hash
from jieyou.core.models import IdempotencyRecord
from jieyou.people import actions as people
from jieyou.testing.personal_data import assert_no_personal_numbers

API = "/api/v1/concerns"
S = Concern.Status
ACTIONS = [
    "accept",
    "claim",
    "dispatch",
    "progress",
    "escalate",
    "resolve",
    "follow-up",
    "reject",
    "exempt",
    "merge",
    "reopen",
]


@pytest.fixture
def call(client):
    """Call the API with a bearer token of the given user; every body is scanned for numbers."""
    keys = {}

    def request(user, method, url, data=None, headers=None, **kwargs):
        if user.pk not in keys:
            keys[user.pk] = people.api_token_create(actor=None, user=user, name="测试")[1]
        extra = {"HTTP_AUTHORIZATION": f"Bearer {keys[user.pk]}"}
        if method == "post":
            kwargs.setdefault("content_type", "application/json")
        response = getattr(client, method)(
            url,
            data if data is not None else ({} if method == "post" else None),
            headers=headers,
            **extra,
            **kwargs,
        )
        assert_no_personal_numbers(response.content)
        return response

    return request


@pytest.fixture
def concern(cast):
    return a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code="WJ"),
        description="楼顶搭建鸽棚，联系 13912345678",
        channel=Concern.Channel.VISIT,
        area=cast.building7,
        reporter=cast.resident,
        contact_phone=cast.resident.phone,
    )


def new_concern(cast, **overrides):
    fields = {
        "category": "WJ",
        "description": "楼顶搭建鸽棚，电话 13912345678",
        "area": cast.building7.pk,
        "channel": "visit",
        "reporter": cast.resident.pk,
        "contact_phone": "139 1234 5678",
    }
    return {**fields, **overrides}


def test_create_masks_numbers_and_starts_the_history(cast, call):
    response = call(cast.grid_worker, "post", f"{API}/", new_concern(cast))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted" and body["status_label"] == "已提交"
    assert body["contact_phone"] == "139****5678"
    assert "139****5678" in body["description"]
    assert body["reporter"] == "李女士"
    assert [e["action"] for e in body["events"]] == ["submit"]
    assert body["events"][0]["actor"] == "陈丹"
    stored = Concern.objects.get(pk=body["id"])
    assert stored.contact_phone == "+8613912345678"
    assert stored.channel == "visit"


def test_create_refuses_bad_fields_with_chinese_reasons(cast, call):
    cases = {
        "category": new_concern(cast, category="XX"),
        "area": new_concern(cast, area=cast.shuangmao1.pk),
        "reporter": new_concern(cast, reporter=cast.xihe_resident.pk),
        "contact_phone": new_concern(cast, contact_phone="12345"),
        "channel": new_concern(cast, channel="open311"),
        "description": new_concern(cast, description="字" * 4001),
    }
    for field, payload in cases.items():
        response = call(cast.grid_worker, "post", f"{API}/", payload)
        assert response.status_code == 422, field
        body = response.json()
        assert list(body["errors"]) == [field]
        assert body["detail"] == body["errors"][field][0]
    assert not Concern.objects.exists()


def test_roles_that_do_not_work_concerns_cannot_create(cast, call):
    assert call(cast.evaluator, "post", f"{API}/", new_concern(cast)).status_code == 404


def test_idempotency_key_on_create(cast, call):
    key = {"Idempotency-Key": "visit-2024-07-10-001"}
    first = call(cast.grid_worker, "post", f"{API}/", new_concern(cast), headers=key)
    again = call(cast.grid_worker, "post", f"{API}/", new_concern(cast), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Concern.objects.count() == 1

    changed = call(
        cast.grid_worker, "post", f"{API}/", new_concern(cast, description="别的事"), headers=key
    )
    assert changed.status_code == 422
    assert "Idempotency-Key" in changed.json()["detail"]
    # Another caller's identical key is another request altogether.
    other = call(cast.secretary, "post", f"{API}/", new_concern(cast), headers=key)
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Concern.objects.count() == 2


def test_idempotency_key_in_flight_is_409(cast, call, rf):
    payload = new_concern(cast)
    probe = rf.post(f"{API}/", payload, content_type="application/json")
    IdempotencyRecord.objects.create(
        owner=f"user:{cast.grid_worker.pk}", key="k", request_hash=request_hash(probe)
    )
    response = call(cast.grid_worker, "post", f"{API}/", payload, headers={"Idempotency-Key": "k"})
    assert response.status_code == 409
    assert not Concern.objects.exists()


def test_idempotency_key_too_long_is_400(cast, call):
    headers = {"Idempotency-Key": "k" * 129}
    assert (
        call(cast.grid_worker, "post", f"{API}/", new_concern(cast), headers=headers).status_code
        == 400
    )


def test_list_is_scoped_filtered_and_paginated(cast, call, concern):
    a.concern_submit(
        actor=cast.outsider,
        category=Category.objects.get(code="WY"),
        description="地下室门",
        channel=Concern.Channel.VISIT,
        area=cast.shuangmao1,
    )
    mine = call(cast.grid_worker, "get", f"{API}/").json()
    assert mine["count"] == 1 and mine["items"][0]["id"] == concern.pk
    assert mine["items"][0]["contact_phone"] == "139****5678"
    theirs = call(cast.outsider, "get", f"{API}/").json()
    assert [c["category"] for c in theirs["items"]] == ["WY"]
    admin = call(cast.county_admin, "get", f"{API}/").json()
    assert admin["count"] == 2

    def ids(**filters):
        return [c["id"] for c in call(cast.county_admin, "get", f"{API}/", filters).json()["items"]]

    assert ids(category="WJ") == [concern.pk]
    assert ids(status="submitted", area=cast.lantian.pk) == [concern.pk]
    assert ids(status="closed") == []
    assert ids(overdue="true") == []
    assert len(ids(overdue="false")) == 2
    assert call(cast.outsider, "get", f"{API}/", {"area": cast.lantian.pk}).status_code == 404


def test_detail_and_the_outsider(cast, call, concern):
    body = call(cast.grid_worker, "get", f"{API}/{concern.pk}").json()
    assert body["receipt_code"] == concern.receipt_code
    assert body["description"] == "楼顶搭建鸽棚，联系 139****5678"
    assert body["reporter"] == "李女士"
    assert body["contact_phone"] == "139****5678"
    assert call(cast.outsider, "get", f"{API}/{concern.pk}").status_code == 404
    assert call(cast.outsider, "get", f"{API}/999999").status_code == 404


def test_whole_story_through_the_api(cast, call, concern):
    url = f"{API}/{concern.pk}"
    assert call(cast.secretary, "post", f"{url}/accept").json()["status"] == "accepted"
    dispatched = call(
        cast.secretary,
        "post",
        f"{url}/dispatch",
        {"lead_unit": cast.property_co.pk, "assisting_units": [cast.enforcement.pk]},
    ).json()
    assert dispatched["lead_unit"]["name"] == "蓝天物业公司"
    assert [u["name"] for u in dispatched["assisting_units"]] == ["县综合行政执法队"]
    assert dispatched["handler"] == ""
    claimed = call(cast.handler, "post", f"{url}/claim").json()
    assert claimed["handler"] == "物业经办人"
    # The property company sees the concern but not the community's residents.
    assert claimed["reporter"] == ""
    call(cast.handler, "post", f"{url}/progress", {"note": "上门普法"})
    resolved = call(cast.handler, "post", f"{url}/resolve", {"note": "鸽棚已拆除"}).json()
    assert resolved["status"] == "resolved"

    own = call(cast.handler, "post", f"{url}/follow-up", {"method": "visit", "solved": True})
    assert own.status_code == 422
    assert own.json()["detail"] == "回访须由未参与办理的人员进行"

    closed = call(
        cast.grid_worker,
        "post",
        f"{url}/follow-up",
        {"method": "visit", "solved": True, "satisfaction": "satisfied", "note": "已确认"},
    ).json()
    assert closed["status"] == "closed"
    assert closed["follow_ups"][0]["by"] == "陈丹"
    assert [e["label"] for e in closed["events"]] == [
        "提交",
        "受理",
        "派单",
        "认领",
        "办理进展",
        "办结",
        "回访",
    ]

    no_reason = call(cast.secretary, "post", f"{url}/reopen", {"reason": " "})
    assert no_reason.status_code == 422
    assert list(no_reason.json()["errors"]) == ["reason"]
    reopened = call(cast.secretary, "post", f"{url}/reopen", {"reason": "鸽棚又搭起来了"})
    assert reopened.json()["status"] == "in_progress"


def test_guards_answer_422_or_403(cast, call, concern):
    url = f"{API}/{concern.pk}"
    resolve_early = call(cast.grid_worker, "post", f"{url}/resolve", {"note": "已办"})
    assert resolve_early.status_code == 422
    assert "不能办结" in resolve_early.json()["detail"]
    assert resolve_early.json()["errors"] == {"__all__": [resolve_early.json()["detail"]]}

    no_note = call(cast.grid_worker, "post", f"{url}/progress", {"note": ""})
    assert list(no_note.json()["errors"]) == ["note"]

    dispatch = call(cast.grid_worker, "post", f"{url}/dispatch", {"lead_unit": cast.property_co.pk})
    assert dispatch.status_code == 403

    call(cast.secretary, "post", f"{url}/accept")
    not_mine = call(cast.grid_worker, "post", f"{url}/resolve", {"note": "我来办结"})
    assert not_mine.json()["detail"] == "只有承办人可以办结此诉求"

    reject = call(cast.grid_worker, "post", f"{url}/reject", {"reason": "不属于受理范围"})
    assert reject.status_code == 422 and "审核" in reject.json()["detail"]
    assert (
        call(cast.secretary, "post", f"{url}/reject", {"reason": "不属于受理范围"}).json()["status"]
        == "rejected"
    )

    follow_up = call(cast.secretary, "post", f"{url}/follow-up", {"method": "self", "solved": True})
    assert list(follow_up.json()["errors"]) == ["method"]


def test_escalate_exempt_and_merge(cast, call, concern):
    url = f"{API}/{concern.pk}"
    category = Category.objects.get(code="HJ")
    concern.level = "grid"
    concern.save(update_fields=["level"])
    assert (
        call(cast.grid_worker, "post", f"{url}/escalate", {"reason": "需社区协调"}).json()["level"]
        == "community"
    )
    exempt = call(cast.secretary, "post", f"{url}/exempt", {"reason": "属司法程序"}).json()
    assert exempt["exempt_reason"] == "属司法程序"

    other = a.concern_submit(
        actor=cast.grid_worker,
        category=category,
        description="同一鸽棚",
        channel=Concern.Channel.VISIT,
        area=cast.building7,
    )
    merged = call(cast.grid_worker, "post", f"{API}/{other.pk}/merge", {"into": concern.pk}).json()
    assert merged["status"] == "merged" and merged["merged_into_id"] == concern.pk

    far = a.concern_submit(
        actor=cast.outsider,
        category=category,
        description="西河的事",
        channel=Concern.Channel.VISIT,
        area=cast.shuangmao1,
    )
    refused = call(cast.secretary, "post", f"{url}/merge", {"into": far.pk})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["into"]


def test_outsider_cannot_act(cast, call, concern):
    bodies = {
        "dispatch": {"lead_unit": cast.property_co.pk},
        "follow-up": {"method": "visit", "solved": True},
        "merge": {"into": concern.pk},
    }
    for action in ACTIONS:
        body = bodies.get(action, {"note": "试试", "reason": "试试"})
        response = call(cast.outsider, "post", f"{API}/{concern.pk}/{action}", body)
        assert response.status_code == 404, action
    assert ConcernEvent.objects.filter(concern=concern).count() == 1
    concern.refresh_from_db()
    assert concern.status == S.SUBMITTED


def test_categories_and_authentication(cast, call, client):
    body = call(cast.handler, "get", f"{API}/categories").json()
    assert {"code": "WJ", "name": "违法建设"}.items() <= next(
        c for c in body if c["code"] == "WJ"
    ).items()
    assert client.get(f"{API}/").status_code == 401


def test_session_auth_works_too(cast, client_for, concern):
    response = client_for(cast.grid_worker).get(f"{API}/{concern.pk}")
    assert response.status_code == 200


def test_openapi_schema_still_renders(cast, client_for):
    response = client_for(cast.county_admin).get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/concerns/" in paths
    assert "/api/v1/concerns/{concern_id}/follow-up" in paths
