import json
from datetime import timedelta

import pytest
from django.http import JsonResponse
from django.test import RequestFactory
from django.utils import timezone

from jieyou.core import idempotency
from jieyou.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


class Counter:
    """A view that counts its runs, so a replay can be told from a second run."""

    def __init__(self, status=201, fail=False):
        self.runs = 0
        self.status = status
        self.fail = fail

    def __call__(self):
        self.runs += 1
        if self.fail:
            raise RuntimeError("boom")
        return JsonResponse({"run": self.runs}, status=self.status)


def post(body=b'{"a": 1}', key="k-1", path="/things"):
    headers = {} if key is None else {"Idempotency-Key": key}
    return RequestFactory().post(path, body, content_type="application/json", headers=headers)


def test_without_a_key_every_request_runs():
    view = Counter()
    idempotency.once(post(key=None), owner="user:1", run=view)
    idempotency.once(post(key=None), owner="user:1", run=view)
    assert view.runs == 2
    assert not IdempotencyRecord.objects.exists()


def test_repeat_replays_the_first_answer():
    view = Counter()
    first = idempotency.once(post(), owner="user:1", run=view)
    again = idempotency.once(post(), owner="user:1", run=view)
    assert view.runs == 1
    assert again.status_code == first.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first


def test_keys_belong_to_their_owner():
    view = Counter()
    idempotency.once(post(), owner="user:1", run=view)
    other = idempotency.once(post(), owner="user:2", run=view)
    assert view.runs == 2
    assert "Idempotent-Replayed" not in other


def test_same_key_different_body_is_422():
    view = Counter()
    idempotency.once(post(), owner="user:1", run=view)
    response = idempotency.once(post(body=b'{"a": 2}'), owner="user:1", run=view)
    assert response.status_code == 422
    assert "内容不同" in json.loads(response.content)["detail"]
    assert view.runs == 1


def test_same_key_on_another_endpoint_is_422():
    view = Counter()
    idempotency.once(post(), owner="user:1", run=view)
    assert idempotency.once(post(path="/other"), owner="user:1", run=view).status_code == 422


def test_repeat_while_the_first_is_in_flight_is_409():
    request = post()
    IdempotencyRecord.objects.create(
        owner="user:1", key="k-1", request_hash=idempotency.request_hash(request)
    )
    view = Counter()
    response = idempotency.once(request, owner="user:1", run=view)
    assert response.status_code == 409
    assert "处理中" in json.loads(response.content)["detail"]
    assert view.runs == 0


def test_a_failed_run_gives_the_key_back():
    with pytest.raises(RuntimeError):
        idempotency.once(post(), owner="user:1", run=Counter(fail=True))
    assert not IdempotencyRecord.objects.exists()
    view = Counter()
    assert idempotency.once(post(), owner="user:1", run=view).status_code == 201
    assert view.runs == 1


def test_server_errors_are_not_kept():
    idempotency.once(post(), owner="user:1", run=Counter(status=503))
    assert not IdempotencyRecord.objects.exists()


def test_long_or_empty_keys_are_400():
    view = Counter()
    assert idempotency.once(post(key="x" * 129), owner="u", run=view).status_code == 400
    assert idempotency.once(post(key=""), owner="u", run=view).status_code == 400
    assert idempotency.once(post(key="x" * 128), owner="u", run=view).status_code == 201
    assert view.runs == 1


def test_custom_error_format():
    response = idempotency.once(
        post(key="x" * 200),
        owner="u",
        run=Counter(),
        error=lambda code, message: JsonResponse([{"code": code}], status=code, safe=False),
    )
    assert json.loads(response.content) == [{"code": 400}]


def test_purge_forgets_answers_after_a_day():
    idempotency.once(post(key="old"), owner="u", run=Counter())
    idempotency.once(post(key="new"), owner="u", run=Counter())
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert idempotency.purge_expired() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
