"""Keeping the activity rollup (models.ActivityTally) equal to the activities it counts."""

from collections import Counter
from itertools import groupby

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Value, When

from jieyou.core import audit

from .models import ActivityTally, PartyActivity, PartyOrg

BATCH = 5_000


def _ancestors(path: str) -> set[int]:
    """The organisation of a path such as "/3/17/" and every organisation above it."""
    return {int(pk) for pk in path.strip("/").split("/")}


def count_activity(activity: PartyActivity, org_ids) -> None:
    """Add a newly recorded activity to the rollup, inside the caller's transaction.

    The rows are made if missing and then incremented in the database, so two activities
    recorded at once on the same organisations and month both count."""
    own = set(org_ids)
    reach = set().union(
        *(_ancestors(p) for p in PartyOrg.objects.filter(pk__in=own).values_list("path", flat=True))
    )
    month = activity.held_on.replace(day=1)
    ActivityTally.objects.bulk_create(
        [ActivityTally(org_id=pk, kind=activity.kind, month=month) for pk in sorted(reach)],
        ignore_conflicts=True,
    )
    ActivityTally.objects.filter(org_id__in=reach, kind=activity.kind, month=month).update(
        in_subtree=F("in_subtree") + 1,
        own=F("own")
        + Case(When(org_id__in=own, then=Value(1)), default=Value(0), output_field=IntegerField()),
    )


def counted_from_records() -> Counter:
    """(org id, kind, month) → [in_subtree, own] counted from the activities themselves."""
    counts: Counter = Counter()
    rows = (
        PartyActivity.orgs.through.objects.order_by("partyactivity_id")
        .values_list(
            "partyactivity_id",
            "partyactivity__kind",
            "partyactivity__held_on",
            "partyorg_id",
            "partyorg__path",
        )
        .iterator(chunk_size=BATCH)
    )
    for (_pk, kind, held_on), links in groupby(rows, key=lambda row: row[:3]):
        month = held_on.replace(day=1)
        reach: set[int] = set()
        for *_key, org_id, path in links:
            counts[(org_id, kind, month, "own")] += 1
            reach |= _ancestors(path)
        for org_id in reach:
            counts[(org_id, kind, month, "in_subtree")] += 1
    return counts


def rebuild(*, actor=None) -> int:
    """Replace the rollup with one counted from the records; returns the number of rows.

    Writers are held off for the rebuild: an activity recorded meanwhile waits and then
    adds itself to the rebuilt rows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {ActivityTally._meta.db_table} IN EXCLUSIVE MODE")
        # On SQLite the delete takes the write lock before the records are read.
        ActivityTally.objects.all().delete()
        rows: dict[tuple, ActivityTally] = {}
        for (org_id, kind, month, field), n in counted_from_records().items():
            row = rows.setdefault(
                (org_id, kind, month), ActivityTally(org_id=org_id, kind=kind, month=month)
            )
            setattr(row, field, n)
        ActivityTally.objects.bulk_create(rows.values(), batch_size=BATCH)
        audit.record("party_tally.rebuild", actor=actor, detail={"rows": len(rows)})
    return len(rows)


def differences() -> list[tuple]:
    """The (org id, kind, month) whose stored counts differ from the records', as
    (key, stored (in_subtree, own), counted (in_subtree, own)); empty when the rollup is true."""
    counted: dict[tuple, list[int]] = {}
    for (org_id, kind, month, field), n in counted_from_records().items():
        counted.setdefault((org_id, kind, month), [0, 0])[field == "own"] = n
    stored = {
        (org_id, kind, month): [in_subtree, own]
        for org_id, kind, month, in_subtree, own in ActivityTally.objects.values_list(
            "org_id", "kind", "month", "in_subtree", "own"
        )
        if in_subtree or own
    }
    return [
        (key, tuple(stored.get(key, (0, 0))), tuple(counted.get(key, (0, 0))))
        for key in sorted(stored.keys() | counted.keys())
        if stored.get(key) != counted.get(key)
    ]
