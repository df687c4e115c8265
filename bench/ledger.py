"""Party ledger benchmark: a year-end summary over 10,000 members and 200,000 activities.

    .venv/bin/python bench/ledger.py [--members 10000] [--activities 200000] [--branches 100]

One committee with ~100 branches; activities spread over two years, a few of them joint
(two branches), with attendees on the meetings. Timed, best of several runs:

- summary: `party.queries.summary(committee, 2024-01-01, 2024-12-31)`, every figure;
- compliance: `party.queries.compliance_of_branches(committee, 2024)`, every branch;
- text: `party.summary.text(...)`, the Chinese summary (figures and compliance together);
- floor: one GROUP BY count over the same activity rows (activities per kind, all of them);
  beside it ("x rows"), the same GROUP BY over the rows the summary counts: the
  committee's subtree in one year, through the organisations join, joint days not merged.

The activities are bulk-loaded around `activity_record`, so the activity rollup that the
summary and compliance read (party.models.ActivityTally) is then rebuilt with
`manage.py party_tally`, timed on its own. After timing, every figure is checked against the
count of the records behind it (`figure_records`).

Goal: summary at most 1 s and at most 2 x the floor.

By default a throwaway SQLite database in a temporary directory is used; set DATABASE_URL to
measure another database (it must be an empty scratch database: the script refuses one that
already holds party organisations).
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 1.0
GOAL_RATIO = 2.0
BATCH = 5_000
RUNS = 5
YEAR = 2024


def django_setup(work: Path) -> None:
    os.environ["JIEYOU_VAR_DIR"] = str(work)
    # Measured as it runs in production: with DEBUG on, Django keeps the text of every query.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieyou.settings")
    import django

    django.setup()


def build(members: int, activities: int, branches: int):
    """The committee and its branches through the actions; the bulk rows by bulk_create."""
    from django.core.management import call_command
    from django.db import transaction

    from jieyou.party import actions
    from jieyou.party.models import (
        Article,
        ModelPost,
        PartyActivity,
        PartyMember,
        PartyOrg,
    )

    call_command("migrate", verbosity=0)
    if PartyOrg.objects.exists():
        sys.exit("DATABASE_URL must point at an empty scratch database (party orgs found).")
    K, A, M = PartyOrg.Kind, PartyActivity.Kind, PartyMember.Status
    rng = random.Random(20240701)
    committee = actions.org_create(
        actor=None, name="基准集团党委", kind=K.COMMITTEE, parent=None, founded_on=date(2010, 1, 1)
    )
    units = [
        actions.org_create(
            actor=None,
            name=f"第{i + 1}党支部",
            kind=K.TEMPORARY if i % 25 == 0 else K.BRANCH,
            parent=committee,
            founded_on=date(YEAR, 3, 1) if i % 25 == 0 else date(2012, 1, 1),
        )
        for i in range(branches)
    ]
    with transaction.atomic():
        rows = []
        for i in range(members):
            status = rng.choices([M.FULL, M.PROBATIONARY, M.ACTIVIST, M.APPLICANT], [90, 4, 3, 3])[
                0
            ]
            joined = date(YEAR, 1, 1) + timedelta(days=rng.randrange(300))
            rows.append(
                PartyMember(
                    name=f"党员{i:05d}",
                    org=units[i % branches],
                    status=status,
                    phone=f"+8613{i:09d}",
                    probationary_on=joined if status in (M.PROBATIONARY, M.FULL) else None,
                    full_on=date(2000, 7, 1) if status == M.FULL else None,
                    applied_on=joined,
                )
            )
        PartyMember.objects.bulk_create(rows, batch_size=BATCH)
        member_ids = {}
        for pk, org_id in PartyMember.objects.values_list("pk", "org_id"):
            member_ids.setdefault(org_id, []).append(pk)

        kinds = list(A.values)
        start = date(YEAR - 1, 1, 1)
        Orgs, Attendees = PartyActivity.orgs.through, PartyActivity.attendees.through
        made = 0
        while made < activities:
            batch = [
                PartyActivity(
                    kind=rng.choice(kinds),
                    topic=f"活动{made + i}",
                    held_on=start + timedelta(days=rng.randrange(730)),
                    expected=members // branches,
                )
                for i in range(min(BATCH, activities - made))
            ]
            PartyActivity.objects.bulk_create(batch)
            links, present = [], []
            for activity in batch:
                if activity.pk is None:
                    sys.exit("this database does not return ids from bulk_create")
                org = units[rng.randrange(branches)]
                links.append(Orgs(partyactivity_id=activity.pk, partyorg_id=org.pk))
                if rng.random() < 0.02:  # a joint theme day with a neighbouring branch
                    other = units[(units.index(org) + 1) % branches]
                    links.append(Orgs(partyactivity_id=activity.pk, partyorg_id=other.pk))
                if activity.kind == A.GENERAL_MEETING:
                    for member_id in rng.sample(member_ids[org.pk], 5):
                        present.append(
                            Attendees(partyactivity_id=activity.pk, partymember_id=member_id)
                        )
            Orgs.objects.bulk_create(links, batch_size=BATCH)
            Attendees.objects.bulk_create(present, batch_size=BATCH)
            made += len(batch)
        ModelPost.objects.bulk_create(
            ModelPost(name=f"示范岗{i}", org=units[i % branches], started_on=date(YEAR, 5, 1))
            for i in range(24)
        )
        Article.objects.bulk_create(
            Article(
                org=units[i % branches],
                title=f"稿件{i}",
                channel="集团报",
                published_on=date(YEAR, 1, 1) + timedelta(days=i % 360),
            )
            for i in range(200)
        )
    # The bulk rows bypassed activity_record, which keeps the activity rollup: rebuild it
    # as an operator would after a bulk load.
    started = time.perf_counter()
    call_command("party_tally", verbosity=0)
    return committee, time.perf_counter() - started


def best_of(fn, runs: int = RUNS) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=200_000)
    parser.add_argument("--branches", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jieyou-bench-"))
    django_setup(work)
    from django.db import connection
    from django.db.models import Count

    from jieyou.party import queries, summary
    from jieyou.party.models import PartyActivity

    started = time.perf_counter()
    committee, rebuilt = build(args.members, args.activities, args.branches)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"ledger: {args.members:,} members, {args.activities:,} activities, "
        f"{args.branches} branches, built in {time.perf_counter() - started:.1f} s "
        f"(of which the activity rollup rebuilt by `manage.py party_tally` in {rebuilt:.1f} s); "
        f"database: {connection.vendor}"
    )
    period = (date(YEAR, 1, 1), date(YEAR, 12, 31))

    def floor():
        return list(PartyActivity.objects.order_by().values("kind").annotate(n=Count("pk")))

    def floor_of_summary_rows():
        return list(
            PartyActivity.objects.filter(
                orgs__path__startswith=committee.path, held_on__range=period
            )
            .order_by()
            .values("kind")
            .annotate(n=Count("pk"))
        )

    def compliance():
        return queries.compliance_of_branches(committee, YEAR)

    floor_best, floor_median, groups = best_of(floor)
    rows_best, rows_median, _groups = best_of(floor_of_summary_rows)
    summary_best, summary_median, figures = best_of(lambda: queries.summary(committee, *period))
    compliance_best, compliance_median, checks = best_of(compliance)
    text_best, text_median, _text = best_of(lambda: summary.text(committee, *period))
    assert sum(g["n"] for g in groups) == args.activities

    print(f"{'':40}{'best':>9}{'median':>9}{'x floor':>9}{'x rows':>8}")
    rows = [
        ("floor: GROUP BY kind, all rows", floor_best, floor_median),
        ("GROUP BY kind, the summary's rows", rows_best, rows_median),
        ("summary (every figure)", summary_best, summary_median),
        (f"compliance ({len(checks)} branches)", compliance_best, compliance_median),
        ("text (figures + compliance)", text_best, text_median),
    ]
    for label, best, median in rows:
        print(
            f"{label:40}{best:>8.3f}s{median:>8.3f}s"
            f"{best / floor_best:>8.1f}x{best / rows_best:>7.1f}x"
        )
    print("figures: " + ", ".join(f"{name}={n}" for name, n in figures.items() if n))
    wrong = [
        name
        for name, n in figures.items()
        if n != queries.figure_records(name, committee, *period).count()
    ]
    print(
        "figures against the count of their records: "
        + (f"DIFFER for {', '.join(wrong)}" if wrong else "equal")
    )
    unequal = [b.name for b, c in checks if c != queries.compliance(b, YEAR)]
    print(
        "compliance against each branch's records: "
        + (f"DIFFERS for {len(unequal)} branches" if unequal else "equal")
    )
    ratio, rows_ratio = summary_best / floor_best, summary_best / rows_best
    fast = summary_best <= GOAL_SECONDS
    print(
        f"summary {summary_best:.3f} s (goal <= {GOAL_SECONDS:g} s) {'ok' if fast else 'MISSED'}; "
        f"summary / floor = {ratio:.2f}x (goal <= {GOAL_RATIO:g}x) "
        f"{'ok' if ratio <= GOAL_RATIO else 'MISSED'}; "
        f"summary / GROUP BY of its own rows = {rows_ratio:.2f}x "
        f"{'ok' if rows_ratio <= GOAL_RATIO else 'MISSED'}"
    )
    shutil.rmtree(work, ignore_errors=True)
    # A missed goal is a figure to report, not a failure: `make bench` runs every benchmark.
    return 0


if __name__ == "__main__":
    sys.exit(main())
