"""Intake benchmark: creating concerns through POST /api/v1/concerns/ under load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jieyou_bench_intake \\
        .venv/bin/python bench/intake.py [--seconds 20] [--rounds 10] [--clients 16] \\
        [--stored 1000000]

gunicorn (4 sync workers) serves the product on loopback against PostgreSQL; 16 client
threads, each with one keep-alive connection (http.client), post concerns for `--seconds`
seconds. Floor: the same gunicorn and settings serving bench/floor_app, a bare Django view
that inserts one concern row. Both servers run side by side and are loaded in turn, in
`--rounds` alternating slices of `--seconds / --rounds` each, so that a neighbour's load on
the shared cores falls on both alike; the throughput ratio is the median of the slices'
ratios. Both are measured on a nearly empty table, then again after `--stored` concerns
have been written in SQL. Reported: requests/s, p50 and p99 latency, errors, and the
ratios. Goal: ≥ 0.5 × the floor's throughput, p99 ≤ 100 ms, no
errors, and the figures with the stored concerns within 10 % of those without (each taken
against the floor of its own run; the raw change is printed too).

PostgreSQL only, and only a scratch database: the script refuses one whose name does not
contain "bench".
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from math import nan
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS = {"floor": 8766, "api": 8767}
WARM_UP = 0.5
GOALS = {"ratio": 0.5, "p99_ms": 100, "drift": 0.10}


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


def prepare() -> dict:
    """A clean concern table, the test cast's places and people, and an API token."""
    from django.core.management import call_command
    from django.db import connection

    from jieyou.concerns.models import Category
    from jieyou.people import actions as people
    from jieyou.testing.cast import build_cast

    call_command("migrate", verbosity=0)
    _empty(connection)
    cast = build_cast()
    _token, key = people.api_token_create(actor=None, user=cast.county_admin, name="bench")
    return {
        "key": key,
        "area": cast.building7.pk,
        "category_id": Category.objects.get(code="HJ").pk,
    }


def _empty(connection) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE concerns_followup, concerns_concernevent, concerns_notification,"
            " concerns_concernphoto, concerns_concern_assisting_units, concerns_concern,"
            " core_idempotencyrecord CASCADE"
        )


def store(n: int, area: int, category_id: int) -> None:
    """`n` concerns with their submit events, written in SQL, as if a year had passed."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO concerns_concern (
                receipt_code, category_id, description, channel, urgency, status, area_id,
                address, contact_phone, contact_name, level, exempt_reason, submitted_at,
                response_due, resolution_due, overdue, follow_up_count, solved_count,
                satisfied_count, basic_count, unsatisfied_count)
            SELECT 'S' || g, %(category)s, '楼道堆放杂物', 'qr', 'normal', 'closed', %(area)s,
                '', '', '', 'grid', '', t, t + interval '12 hours', t + interval '72 hours', false,
                0, 0, 0, 0, 0
            FROM (SELECT g, now() - random() * interval '365 days' t
                  FROM generate_series(1, %(n)s) g) s
            """,
            {"n": n, "area": area, "category": category_id},
        )
        cur.execute(
            """
            INSERT INTO concerns_concernevent (concern_id, at, actor_id, action, from_status,
                to_status, note, data)
            SELECT id, submitted_at, NULL, 'submit', '', 'submitted', '', '{}'
            FROM concerns_concern WHERE receipt_code LIKE 'S%%'
            """
        )
        cur.execute("ANALYZE")
    print(f"stored {n:,} concerns and their events in {time.perf_counter() - started:.0f} s")


class Server:
    """gunicorn with 4 sync workers on loopback, in its own process group."""

    def __init__(self, settings: str, port: int):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings,
            "PYTHONPATH": str(ROOT),
            "DEBUG": "0",
            "JIEYOU_SMS_BACKEND": "jieyou.core.sms.MemoryBackend",
        }
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "--workers",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "jieyou.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit("gunicorn did not start")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def load(port: int, path: str, body: bytes, headers: dict, *, seconds: float, clients: int):
    """`clients` threads posting for `seconds` after a warm-up: the latencies of the timed
    part and the kinds of its failures."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.monotonic() + WARM_UP
    stop = start + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, failed = [], []
        while True:
            began = time.monotonic()
            if began >= stop:
                break
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 201
                problem = f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok, problem = False, type(exc).__name__
            if began >= start:
                if ok:
                    mine.append(time.monotonic() - began)
                else:
                    failed.append(problem)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def figures(latencies: list[float], errors: list[str], seconds: float) -> dict:
    latencies = sorted(latencies)
    return {
        "rps": len(latencies) / seconds,
        "p50": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99": 1000 * latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan"),
        "ok": len(latencies),
        "errors": len(errors),
        "kinds": sorted(set(errors)),
    }


def measure(setup: dict, args) -> dict:
    api_body = json.dumps(
        {"category": "HJ", "description": "楼道堆放杂物，影响通行", "area": setup["area"]}
    ).encode()
    floor_body = json.dumps(
        {
            "category_id": setup["category_id"],
            "description": "楼道堆放杂物，影响通行",
            "area": setup["area"],
        }
    ).encode()
    json_headers = {"Content-Type": "application/json"}
    requests = {
        "floor": ("/insert/", floor_body, json_headers),
        "api": (
            "/api/v1/concerns/",
            api_body,
            {**json_headers, "Authorization": f"Bearer {setup['key']}"},
        ),
    }
    servers = []
    try:
        servers.append(Server("bench.floor_app.settings", PORTS["floor"]))
        servers.append(Server("jieyou.settings", PORTS["api"]))
        seen = {name: ([], []) for name in requests}
        paired, paired_p99 = [], []
        piece = args.seconds / args.rounds
        for _round in range(args.rounds):
            done = {}
            for name, (path, body, headers) in requests.items():
                latencies, errors = load(
                    PORTS[name], path, body, headers, seconds=piece, clients=args.clients
                )
                seen[name][0].extend(latencies)
                seen[name][1].extend(errors)
                done[name] = figures(latencies, errors, piece)
            paired.append(done["api"]["ok"] / done["floor"]["ok"] if done["floor"]["ok"] else nan)
            paired_p99.append(done["api"]["p99"] / done["floor"]["p99"])
    finally:
        for server in servers:
            server.stop()
    result = {name: figures(*seen[name], args.seconds) for name in requests}
    # Slices taken back to back see the same neighbours: the median of their ratios is the
    # figure least moved by a burst of someone else's load.
    result["ratio"] = statistics.median(paired)
    result["ratios"] = paired
    result["p99_ratio"] = statistics.median(paired_p99)
    return result


def report(title: str, figures: dict) -> None:
    print(f"-- {title}")
    for name in ("floor", "api"):
        f = figures[name]
        kinds = f" {f['kinds']}" if f["kinds"] else ""
        print(
            f"   {name:<6} {f['rps']:8.1f} req/s  p50 {f['p50']:6.1f} ms  p99 {f['p99']:6.1f} ms"
            f"  ok {f['ok']:,}  errors {f['errors']}{kinds}"
        )
    whole = figures["api"]["rps"] / figures["floor"]["rps"]
    slices = ", ".join(f"{r:.2f}" for r in figures["ratios"])
    print(
        f"   api / floor throughput: median of the slices {figures['ratio']:.2f} [{slices}],"
        f" whole run {whole:.2f} (goal >= {GOALS['ratio']})"
    )
    print(f"   api / floor p99: median of the slices {figures['p99_ratio']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--stored", type=int, default=1_000_000)
    args = parser.parse_args()
    check_database()
    django_setup()
    setup = prepare()
    empty = measure(setup, args)
    report("nearly empty table", empty)
    from django.db import connection

    _empty(connection)
    store(args.stored, setup["area"], setup["category_id"])
    full = measure(setup, args)
    report(f"with {args.stored:,} concerns stored", full)
    api, api_full = empty["api"], full["api"]
    print(
        f"-- api with stored vs without, as measured: throughput"
        f" {api_full['rps'] / api['rps'] - 1:+.0%}, p99 {api_full['p99'] / api['p99'] - 1:+.0%}"
    )
    # The two measurements are minutes apart on shared cores: each is taken against the floor
    # of its own run, so that a neighbour's load between them is not read as drift.
    drift_rps = full["ratio"] / empty["ratio"] - 1
    drift_p99 = full["p99_ratio"] / empty["p99_ratio"] - 1
    print(
        f"   against the floor of each run: throughput {drift_rps:+.0%}, p99 {drift_p99:+.0%}"
        f" (goal within ±{GOALS['drift']:.0%})"
    )
    met = (
        min(empty["ratio"], full["ratio"]) >= GOALS["ratio"]
        and max(api["p99"], api_full["p99"]) <= GOALS["p99_ms"]
        and api["errors"] + api_full["errors"] == 0
        and abs(drift_rps) <= GOALS["drift"]
        and drift_p99 <= GOALS["drift"]
    )
    print("goals met" if met else "goals MISSED")


if __name__ == "__main__":
    main()
