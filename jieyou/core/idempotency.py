"""`Idempotency-Key` for POST endpoints: a client that did not hear the answer may send the
same request again and get the first answer back instead of a second concern.

The key belongs to a caller (`owner`: "user:<id>", "client:<id>"), so two callers never share
one. The first request claims the key in its own committed transaction before the work runs;
the unique constraint on (owner, key) decides which of two simultaneous requests goes ahead.

- a repeat with the same body gets the stored status, body and content type, plus the header
  `Idempotent-Replayed: true`;
- the same key with a different body (or on another endpoint) is 422;
- a repeat while the first is still running is 409;
- a request whose work raises, or ends in a server error, gives its key back for a retry.

Stored answers are kept 24 hours; `concerns_tick` calls `purge_expired()`, so a key may be
used again after that.
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 128
KEEP = timedelta(hours=24)

ErrorResponse = Callable[[int, str], HttpResponse]


def json_error(status: int, message: str) -> HttpResponse:
    return JsonResponse(
        {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def request_hash(request, body: bytes | None = None) -> str:
    # The path is part of the hash: one key sent to two endpoints is two different requests.
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.path.encode())
    digest.update(b"\0")
    digest.update(request.body if body is None else body)
    return digest.hexdigest()


def once(
    request,
    *,
    owner: str,
    run: Callable[[], HttpResponse],
    error: ErrorResponse = json_error,
    body: bytes | None = None,
) -> HttpResponse:
    """Run `run()` at most once per (owner, Idempotency-Key); without the header, just run it.

    `body` replaces the raw body in the comparison where the raw bytes vary between two
    sendings of the same request (a multipart form has a new boundary each time)."""
    key = request.headers.get(HEADER)
    if key is None:
        return run()
    if not key or len(key) > MAX_KEY_LENGTH:
        return error(400, _("Idempotency-Key 须为1至%(n)d个字符") % {"n": MAX_KEY_LENGTH})
    digest = request_hash(request, body)
    try:
        record = _claim(owner, key, digest)
    except IntegrityError:
        return _repeat(owner, key, digest, error)
    try:
        response = run()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    if response.status_code >= 500 or getattr(response, "streaming", False):
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return response
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=response.content,
    )
    return response


def _claim(owner: str, key: str, digest: str) -> IdempotencyRecord:
    if connection.in_atomic_block:
        # Inside a caller's transaction: a savepoint, so that losing the race leaves it usable.
        with transaction.atomic():
            return IdempotencyRecord.objects.create(owner=owner, key=key, request_hash=digest)
    # In autocommit the one INSERT is its own transaction, committed before the work runs,
    # without a BEGIN and a COMMIT around it.
    return IdempotencyRecord.objects.create(owner=owner, key=key, request_hash=digest)


def _repeat(owner: str, key: str, digest: str, error: ErrorResponse) -> HttpResponse:
    record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
    if record is None:
        # The first request failed and gave its key back between our insert and this read.
        return error(409, _("相同 Idempotency-Key 的请求刚刚失败，请重试"))
    if record.request_hash != digest:
        return error(422, _("此 Idempotency-Key 已用于内容不同的请求，请换用新的键"))
    if record.status_code is None:
        return error(409, _("相同 Idempotency-Key 的请求正在处理中，请稍后再试"))
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type or None
    )
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired(*, now=None) -> int:
    """Forget answers older than 24 hours; their keys may then be used again."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
