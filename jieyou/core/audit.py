"""The append-only, hash-chained audit log: `record` appends, `verify` checks the chain."""

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .context_vars import client_addr
from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _digest(prev_hash: str, entry: AuditEntry) -> str:
    payload = json.dumps(
        [
            prev_hash,
            entry.at.isoformat(),
            entry.actor_id,
            entry.actor_name,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.result,
            entry.client_addr,
            entry.detail,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    key = settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def record(action: str, *, actor=None, obj=None, result: str = "ok", detail=None) -> AuditEntry:
    """Append one entry. Joins the caller's transaction, so a rolled-back change leaves no trace
    it did not make, and a failed append rolls the change back."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        at=timezone.now(),
        actor_id=user.pk if user else None,
        actor_name=user.get_username() if user else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        result=result,
        client_addr=client_addr.get(),
        detail=detail or {},
    )
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        entry.prev_hash = head.last_hash
        entry.hash = _digest(head.last_hash, entry)
        entry.save()
        head.last_hash = entry.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return entry


@dataclass
class Break:
    entry_id: int | None
    reason: str


def verify() -> Break | None:
    """Walk the chain in order; return the first broken link, or None when it holds."""
    prev = GENESIS
    count = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return Break(entry.id, "前一条记录缺失或被改动（链接不符）")
        if _digest(prev, entry) != entry.hash:
            return Break(entry.id, "记录内容被改动（哈希不符）")
        prev = entry.hash
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    # `record` writes the head with the first entry, so entries without a head mean it was removed.
    if head is None and count:
        return Break(None, "链头缺失")
    if head is not None and (head.last_hash != prev or head.count != count):
        return Break(None, "链尾记录缺失（条数或末条哈希与链头不符）")
    return None
