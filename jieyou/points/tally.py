"""Keeping the visit rollup (models.VisitTally) equal to the visits it sums up."""

from datetime import date

from django.db import connection, transaction
from django.db.models import F

from jieyou.core import audit

from .models import Visit, VisitTally

BATCH = 5_000


def month_bit(day: date) -> int:
    return 1 << (day.month - 1)


def count_visit(visit: Visit) -> None:
    """Add a newly recorded visit to the rollup, inside the caller's transaction.

    The row is made if missing and its month set in the database: two visits recorded at
    once to the same household both leave their month, and a month set twice stays set."""
    key = {"household_id": visit.household_id, "grid_id": visit.grid_id}
    year = visit.visited_on.year
    VisitTally.objects.bulk_create([VisitTally(**key, year=year)], ignore_conflicts=True)
    VisitTally.objects.filter(**key, year=year).update(
        months=F("months").bitor(month_bit(visit.visited_on))
    )


def count_visits(visits) -> int:
    """Add visits written in bulk (the demo's) to the rollup, leaving set months set: a
    second call with the same visits changes nothing. Returns the rows made or changed."""
    counted = counted_from_records(visits)
    grids = {g for _h, g, _y in counted}
    with transaction.atomic():
        stored = {
            (row.household_id, row.grid_id, row.year): row
            for row in VisitTally.objects.filter(grid_id__in=grids)
        }
        made = [
            VisitTally(household_id=h, grid_id=g, year=y, months=bits)
            for (h, g, y), bits in counted.items()
            if (h, g, y) not in stored
        ]
        changed = []
        for key, bits in counted.items():
            row = stored.get(key)
            if row is not None and row.months | bits != row.months:
                row.months |= bits
                changed.append(row)
        VisitTally.objects.bulk_create(made, batch_size=BATCH)
        VisitTally.objects.bulk_update(changed, ["months"], batch_size=BATCH)
    return len(made) + len(changed)


def counted_from_records(visits=None) -> dict[tuple[int, int, int], int]:
    """(household id, grid id, year) → months bits, from the visits themselves (all of
    them, or those given)."""
    counted: dict[tuple[int, int, int], int] = {}
    found = Visit.objects.all() if visits is None else visits
    rows = found.order_by().values_list("household_id", "grid_id", "visited_on")
    for household_id, grid_id, day in rows.iterator(chunk_size=BATCH):
        key = (household_id, grid_id, day.year)
        counted[key] = counted.get(key, 0) | month_bit(day)
    return counted


def rebuild(*, actor=None) -> int:
    """Replace the rollup with one made from the visits; returns the number of rows.

    Writers are held off for the rebuild: a visit recorded meanwhile waits and then adds
    itself to the rebuilt rows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {VisitTally._meta.db_table} IN EXCLUSIVE MODE")
        # On SQLite the delete takes the write lock before the visits are read.
        VisitTally.objects.all().delete()
        rows = [
            VisitTally(household_id=h, grid_id=g, year=y, months=bits)
            for (h, g, y), bits in counted_from_records().items()
        ]
        VisitTally.objects.bulk_create(rows, batch_size=BATCH)
        audit.record("points_tally.rebuild", actor=actor, detail={"rows": len(rows)})
    return len(rows)


def differences() -> list[tuple]:
    """The (household id, grid id, year) whose stored months differ from the visits', as
    (key, stored bits, counted bits); empty when the rollup is true."""
    counted = counted_from_records()
    stored = {
        (h, g, y): bits
        for h, g, y, bits in VisitTally.objects.values_list(
            "household_id", "grid_id", "year", "months"
        )
        if bits
    }
    return [
        (key, stored.get(key, 0), counted.get(key, 0))
        for key in sorted(stored.keys() | counted.keys())
        if stored.get(key, 0) != counted.get(key, 0)
    ]
