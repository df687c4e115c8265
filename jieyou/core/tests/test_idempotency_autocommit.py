"""Idempotency-Key outside any transaction, as under gunicorn: the claim is one committed
INSERT, and a repeat from another connection sees it."""

import threading

import pytest
from django.db import connection
from django.http import JsonResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from jieyou.core import idempotency
from jieyou.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db(transaction=True)


def post(body=b'{"a": 1}', key="k-1"):
    return RequestFactory().post(
        "/things", body, content_type="application/json", headers={"Idempotency-Key": key}
    )


def test_the_claim_is_committed_before_the_work_runs():
    seen = {}

    def run():
        # Another connection must already find the key claimed and in flight.
        def look():
            try:
                record = IdempotencyRecord.objects.get(owner="user:1", key="k-1")
                seen["status"] = record.status_code
            finally:
                # A thread's connection left open keeps the test database from being dropped.
                connection.close()

        reader = threading.Thread(target=look)
        reader.start()
        reader.join()
        return JsonResponse({"ok": True}, status=201)

    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        first = idempotency.once(post(), owner="user:1", run=run)
    assert first.status_code == 201
    assert seen == {"status": None}
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert statements == ["INSERT", "UPDATE"], statements

    again = idempotency.once(post(), owner="user:1", run=run)
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    changed = idempotency.once(post(body=b'{"a": 2}'), owner="user:1", run=run)
    assert changed.status_code == 422


def test_a_failed_run_gives_the_key_back_in_autocommit():
    def boom():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        idempotency.once(post(), owner="user:1", run=boom)
    assert not IdempotencyRecord.objects.exists()
    ok = idempotency.once(post(), owner="user:1", run=lambda: JsonResponse({}, status=201))
    assert ok.status_code == 201
