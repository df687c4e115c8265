import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from jieyou.core import audit
from jieyou.core.context_vars import client_addr
from jieyou.core.models import AuditEntry, AuditHead


def sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def three(cast):
    return [
        audit.record(f"test.step{n}", actor=cast.secretary, obj=cast.mingzhu) for n in (1, 2, 3)
    ]


def test_record_links_each_entry_to_the_one_before(cast):
    first, second, third = three(cast)
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    head = AuditHead.objects.get(pk=1)
    assert head.last_hash == third.hash
    assert head.count == AuditEntry.objects.count()
    assert audit.verify() is None


def test_record_copies_who_what_and_where(cast):
    token = client_addr.set("203.0.113.9")
    try:
        entry = audit.record(
            "test.thing", actor=cast.secretary, obj=cast.mingzhu, result="denied", detail={"k": 1}
        )
    finally:
        client_addr.reset(token)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor_id, entry.actor_name) == (cast.secretary.pk, "mz_secretary")
    assert (entry.object_type, entry.object_id) == ("places.area", str(cast.mingzhu.pk))
    assert (entry.result, entry.client_addr, entry.detail) == ("denied", "203.0.113.9", {"k": 1})
    assert audit.verify() is None


def test_command_reports_an_intact_chain(cast, capsys):
    three(cast)
    call_command("audit_verify")
    assert "审计链完整" in capsys.readouterr().out


def test_sql_update_is_detected_and_named_by_row(cast):
    _, second, _ = three(cast)
    sql("UPDATE core_auditentry SET action = %s WHERE id = %s", "test.forged", second.id)
    broken = audit.verify()
    assert broken.entry_id == second.id
    assert "哈希不符" in broken.reason
    with pytest.raises(CommandError, match=f"#{second.id}"):
        call_command("audit_verify")


def test_rehashing_without_the_key_is_still_detected(cast):
    _, second, third = three(cast)
    # A forger who also rewrites the hash (without the HMAC key) breaks the next link.
    sql(
        "UPDATE core_auditentry SET action = %s, hash = %s WHERE id = %s",
        "test.forged",
        "f" * 64,
        second.id,
    )
    assert audit.verify().entry_id == second.id
    sql("UPDATE core_auditentry SET hash = %s WHERE id = %s", second.hash, second.id)
    sql("UPDATE core_auditentry SET action = %s WHERE id = %s", second.action, second.id)
    assert audit.verify() is None
    assert third.prev_hash == second.hash


def test_deleting_a_middle_row_is_detected_at_the_next_row(cast):
    _, second, third = three(cast)
    sql("DELETE FROM core_auditentry WHERE id = %s", second.id)
    broken = audit.verify()
    assert broken.entry_id == third.id
    assert "链接不符" in broken.reason
    with pytest.raises(CommandError, match=f"#{third.id}"):
        call_command("audit_verify")


def test_deleting_the_last_row_is_detected_by_the_head(cast):
    *_, third = three(cast)
    sql("DELETE FROM core_auditentry WHERE id = %s", third.id)
    broken = audit.verify()
    assert broken.entry_id is None
    with pytest.raises(CommandError, match="链尾"):
        call_command("audit_verify")


def test_deleting_the_head_as_well_is_detected(cast):
    *_, third = three(cast)
    sql("DELETE FROM core_auditentry WHERE id = %s", third.id)
    sql("DELETE FROM core_audithead")
    broken = audit.verify()
    assert broken.entry_id is None
    assert "链头缺失" in broken.reason


def test_entries_cannot_be_changed_or_deleted_through_the_orm(cast):
    entry = audit.record("test.keep", actor=cast.secretary)
    entry.action = "test.changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.changed")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.keep"
    assert audit.verify() is None


def test_a_rolled_back_change_leaves_no_entry_and_the_chain_holds(cast):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.doomed", actor=cast.secretary)
        raise RuntimeError
    assert AuditEntry.objects.count() == before
    audit.record("test.after", actor=cast.secretary)
    assert audit.verify() is None


def test_record_locks_the_head_row(cast):
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite serialises writers with IMMEDIATE transactions instead")
    with CaptureQueriesContext(connection) as queries:
        audit.record("test.locked", actor=cast.secretary)
    assert any(
        "core_audithead" in q["sql"] and "FOR UPDATE" in q["sql"] for q in queries.captured_queries
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves several connections at once")
    workers, each = 6, 15
    errors = []
    start = threading.Barrier(workers)

    def append(n):
        try:
            start.wait()
            for i in range(each):
                audit.record("test.concurrent", detail={"worker": n, "i": i})
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.filter(action="test.concurrent").count() == workers * each
    assert audit.verify() is None
