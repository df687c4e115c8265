"""Rates benchmark: the three rates for every grid, community and town of one province-month.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jieyou_bench_rates \\
        .venv/bin/python bench/rates.py [--concerns 2000000] [--rounds 5] [--fresh]

A province is generated in SQL: 20 counties × 10 towns × 8 communities × 4 compounds ×
3 buildings (one grid per compound), and `--concerns` concerns of one month spread over the
buildings, about 94 % of them closed after a follow-up. Loaded once; later runs reuse it
(`--fresh` loads again).

Floor: one `SELECT area_id, count(*) … GROUP BY area_id` over the same table (one group per
building). Measured: `concerns.queries.rate_tree` over the month, as the rates page calls
it: response, resolution and satisfaction for every area and grid. Both are run `--rounds`
times, alternating; the medians are compared. Goal: at most 2 × the floor.

PostgreSQL only, and only a scratch database: the script refuses one whose name does not
contain "bench".
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 2.0
MONTH = date(2024, 6, 1)
COUNTIES, TOWNS, COMMUNITIES, COMPOUNDS, BUILDINGS = 20, 10, 8, 4, 3
ROOT_NAME = "基准省"  # every generated county's name starts with it


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieyou.settings")
    import django

    django.setup()


def check_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        # `make bench` runs every script; without PostgreSQL this one has nothing to measure.
        print("skipped: set DATABASE_URL=postgres://…/jieyou_bench_… (a scratch database)")
        sys.exit(0)
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("The database name must contain 'bench': this script deletes concerns in it.")


def load(n: int, fresh: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from jieyou.concerns.models import Concern

    call_command("migrate", verbosity=0)
    have = Concern.objects.filter(receipt_code__startswith="B").count()
    if have == n and not fresh:
        print(f"reusing {have:,} concerns already loaded")
        return
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE concerns_followup, concerns_concernevent, concerns_notification,"
            " concerns_concernphoto, concerns_concern_assisting_units, concerns_concern CASCADE"
        )
        cur.execute("DELETE FROM places_grid_areas")
        cur.execute("DELETE FROM places_grid")
        # The province of an earlier run, children and parents in one statement.
        cur.execute(
            "DELETE FROM places_area WHERE path LIKE ANY (SELECT path || '%%' FROM places_area"
            " WHERE parent_id IS NULL AND name LIKE %s)",
            [ROOT_NAME + "%"],
        )
        buildings = _tree(cur)
        cur.execute("SELECT array_agg(id ORDER BY code) FROM concerns_category")
        categories = cur.fetchone()[0]
        cur.execute(
            CONCERNS_SQL,
            {
                "month": MONTH,
                "n": n,
                "categories": categories,
                "first": buildings[0],
                "buildings": len(buildings),
            },
        )
        cur.execute(FOLLOW_UPS_SQL)
        cur.execute("ANALYZE")
    print(f"loaded {n:,} concerns in {time.perf_counter() - started:.0f} s")


def _tree(cur) -> list[int]:
    """Counties down to buildings with their paths, and one grid per compound; returns the
    building ids (consecutive)."""
    cur.execute("SELECT coalesce(max(id), 0) FROM places_area")
    next_id = cur.fetchone()[0] + 1
    rows, links, buildings = [], [], []

    def add(name, kind, parent, parent_path):
        nonlocal next_id
        pk, next_id = next_id, next_id + 1
        path = f"{parent_path}{pk}/"
        rows.append((pk, name, kind, "", path, parent))
        return pk, path

    compounds = []
    for c in range(COUNTIES):
        county, county_path = add(f"{ROOT_NAME}{c + 1}县", "county", None, "/")
        for t in range(TOWNS):
            town, town_path = add(f"{t + 1}镇", "town", county, county_path)
            for m in range(COMMUNITIES):
                community, community_path = add(f"{m + 1}社区", "community", town, town_path)
                for k in range(COMPOUNDS):
                    compound, compound_path = add(
                        f"{k + 1}小区", "compound", community, community_path
                    )
                    compounds.append((community, compound, compound_path))
    for _community, compound, compound_path in compounds:
        for b in range(BUILDINGS):
            buildings.append(add(f"{b + 1}号楼", "building", compound, compound_path)[0])
    with cur.copy("COPY places_area (id, name, kind, code, path, parent_id) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cur.execute("SELECT setval(pg_get_serial_sequence('places_area', 'id'), %s)", [next_id])
    cur.execute("SELECT coalesce(max(id), 0) FROM places_grid")
    grid_id = cur.fetchone()[0]
    with cur.copy("COPY places_grid (id, name, code, community_id) FROM STDIN") as copy:
        for community, compound, _path in compounds:
            grid_id += 1
            copy.write_row((grid_id, f"网格{compound}", "", community))
            links.append((grid_id, compound))
    cur.execute("SELECT setval(pg_get_serial_sequence('places_grid', 'id'), %s)", [grid_id])
    with cur.copy("COPY places_grid_areas (grid_id, area_id) FROM STDIN") as copy:
        for link in links:
            copy.write_row(link)
    return buildings


# One month; 2 % rejected, 1 % merged, 3 % still in progress, the rest closed after one
# follow-up (92 % solved; 满意 1/2, 基本满意 1/6, 不满意 1/6, no answer 1/6) whose tallies the
# concern carries as concern_follow_up writes them; about two thirds accepted within 24
# hours; 1 % exempted; 3 % overdue.
CONCERNS_SQL = """
INSERT INTO concerns_concern (
    receipt_code, external_id, category_id, description, channel, urgency, status, area_id,
    address, latitude, longitude, reporter_id, contact_phone, contact_name, level,
    lead_unit_id, handler_id, merged_into_id, exempt_reason, submitted_at, response_due,
    resolution_due, accepted_at, resolved_at, closed_at, overdue, follow_up_count,
    solved_count, satisfied_count, basic_count, unsatisfied_count)
SELECT 'B' || g, NULL, (%(categories)s::bigint[])[1 + g %% 12], '楼道堆放杂物', 'qr', 'normal',
    CASE WHEN r1 < 0.02 THEN 'rejected' WHEN r1 < 0.03 THEN 'merged'
         WHEN r1 < 0.06 THEN 'in_progress' ELSE 'closed' END,
    %(first)s + g %% %(buildings)s, '', NULL, NULL, NULL, '', '', 'grid', NULL, NULL, NULL,
    CASE WHEN r2 < 0.01 THEN '属上级统一改造' ELSE '' END,
    t, t + interval '24 hours', t + interval '72 hours',
    CASE WHEN r1 >= 0.03 THEN t + r3 * interval '36 hours' END,
    CASE WHEN r1 >= 0.06 THEN t + interval '60 hours' END,
    CASE WHEN r1 >= 0.06 THEN t + interval '4 days' END,
    r4 < 0.03,
    (r1 >= 0.06)::int,
    (r1 >= 0.06 AND r5 < 0.92)::int,
    (r1 >= 0.06 AND r6 < 0.5)::int,
    (r1 >= 0.06 AND r6 >= 0.5 AND r6 < 0.667)::int,
    (r1 >= 0.06 AND r6 >= 0.667 AND r6 < 0.833)::int
FROM (
    SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
        (%(month)s::date + random() * interval '29 days')::timestamptz t
    FROM generate_series(1, %(n)s) g
) s
"""

FOLLOW_UPS_SQL = """
INSERT INTO concerns_followup (concern_id, at, by_id, method, solved, satisfaction, note)
SELECT id, closed_at, NULL, 'call', solved_count = 1,
    CASE WHEN satisfied_count = 1 THEN 'satisfied' WHEN basic_count = 1 THEN 'basic'
         WHEN unsatisfied_count = 1 THEN 'unsatisfied' ELSE '' END,
    ''
FROM concerns_concern WHERE follow_up_count = 1
"""


def floor() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT area_id, count(*) FROM concerns_concern GROUP BY area_id")
        return len(cur.fetchall())


def measured():
    from jieyou.concerns import queries
    from jieyou.concerns.models import Concern

    return queries.rate_tree(queries.in_months(Concern.objects.all(), MONTH, MONTH))


def grouped_only():
    """The database part of rate_tree alone: its one GROUP BY, without the roll-up."""
    from jieyou.concerns import queries
    from jieyou.concerns.models import Concern

    month = queries.in_months(Concern.objects.all(), MONTH, MONTH)
    return queries.place_counts(month)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concerns", type=int, default=2_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    check_database()
    django_setup()
    # SQL may reach further than a debug setting ever needs to remember.
    from django.conf import settings

    settings.DEBUG = False
    load(args.concerns, args.fresh)

    timed(floor), timed(measured)  # warm the caches once, untimed
    floors, runs, scans = [], [], []
    for _ in range(args.rounds):
        scans.append(timed(grouped_only)[0])
        seconds, groups = timed(floor)
        floors.append(seconds)
        seconds, tree = timed(measured)
        runs.append(seconds)
    areas, grids = len(tree.area_counts), len(tree.grid_counts)
    # Every generated concern lies in exactly one grid: the grids' sum is the whole month.
    follow_ups = sum(tree.grid(pk).follow_ups for pk in tree.grid_counts)
    f, m = statistics.median(floors), statistics.median(runs)
    print(f"concerns: {args.concerns:,} in {MONTH:%Y-%m}; follow-ups counted: {follow_ups:,}")
    print(
        f"floor    GROUP BY area_id count(*): {groups:,} groups, median {f:.3f} s  {_all(floors)}"
    )
    print(
        f"measured rate_tree (three rates for {areas:,} areas incl. "
        f"{COUNTIES * TOWNS:,} towns and {COUNTIES * TOWNS * COMMUNITIES:,} communities, "
        f"{grids:,} grids): median {m:.3f} s  {_all(runs)}"
    )
    g = statistics.median(scans)
    print(f"   of which the one GROUP BY (no roll-up): median {g:.3f} s = {g / f:.2f} x floor")
    ratio = m / f
    print(
        f"ratio {ratio:.2f} x floor (goal <= {GOAL_RATIO:.0f} x): {'met' if ratio <= GOAL_RATIO else 'MISSED'}"
    )


def _all(times: list[float]) -> str:
    return "[" + ", ".join(f"{t:.3f}" for t in times) + "]"


if __name__ == "__main__":
    main()
