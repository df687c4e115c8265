"""Roster import benchmark: 100,000 residents from one xlsx, against openpyxl's own floor.

    .venv/bin/python bench/import_residents.py [--rows 100000] [--keep]

The floor is openpyxl read-only iteration over the same file (the values of every row);
the import is `people.actions.roster_import`: read, check every row, look for people already
registered, then write residents, households and tags in one transaction. Each is run in a
fresh process so that its peak memory (ru_maxrss) is its own. Goal: import time at most
4 x the floor, peak memory at most 400 MB.

By default a throwaway SQLite database in a temporary directory is used; set DATABASE_URL to
measure another database (it must be an empty scratch database: the script refuses one that
already holds residents).
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 4.0
GOAL_PEAK_MB = 400
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文冶"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红梅建国志强海燕文斌建华晓东卫东丽娟金花古丽阿依木拉提努尔江别克"
TAGS = ("独居老人", "空巢老人", "残疾", "低保", "特困", "留守儿童", "重病", "退役军人", "党员")
COMPOUNDS = ("蓝天家园小区", "天山花园小区", "石榴籽小区", "双茂小区", "乐居小区")
BUILDINGS_PER_COMPOUND = 20
HEADER = ("姓名", "性别", "出生年份", "手机号", "身份证号", "小区", "楼栋", "房号", "标签")


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieyou.settings")
    import django

    django.setup()


def generate(path: Path, rows: int) -> None:
    """A deterministic roster with valid, distinct ID numbers and phones."""
    from openpyxl import Workbook
    from stdnum.cn import ric

    rng = random.Random(20240601)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民花名册")
    sheet.append(HEADER)
    start = datetime.date(1930, 1, 1)
    seen = set()
    for i in range(rows):
        while True:
            born = start + datetime.timedelta(days=rng.randrange(30_000))
            seq = rng.randrange(1000)
            key = (born, seq)
            if key not in seen:
                seen.add(key)
                break
        body = f"652328{born:%Y%m%d}{seq:03d}"
        id_number = body + ric.calc_check_digit(body + "0")
        gender = "男" if seq % 2 else "女"
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        # 7919 is prime to 10**9, so every i gives a different number.
        phone = f"13{(i * 7919) % 10**9:09d}"
        compound = COMPOUNDS[i % len(COMPOUNDS)]
        building = f"{rng.randrange(1, BUILDINGS_PER_COMPOUND + 1)}号楼"
        room = f"{rng.randrange(1, 19)}{rng.randrange(1, 5):02d}"
        tags = "、".join(rng.sample(TAGS, k=rng.choice((0, 0, 0, 0, 1, 1, 2))))
        sheet.append(
            (
                name,
                gender if i % 3 else None,
                born.year if i % 2 else None,
                phone,
                id_number,
                compound,
                building,
                room,
                tags or None,
            )
        )
    book.save(path)


def prepare() -> tuple[int, int]:
    """Migrate and create a county with one community, its compounds and buildings, and the
    community secretary who imports; returns (community id, user id)."""
    django_setup()
    from django.core.management import call_command

    from jieyou.people import actions as people
    from jieyou.people.models import Resident, Staff
    from jieyou.places import actions as places
    from jieyou.places.models import Area

    call_command("migrate", verbosity=0)
    if Resident.objects.exists():
        sys.exit("DATABASE_URL must point at an empty scratch database (residents found).")
    K = Area.Kind
    county = places.area_create(
        actor=None, name="基准县", kind=K.COUNTY, parent=None, code="659901"
    )
    town = places.area_create(
        actor=None, name="基准镇", kind=K.TOWN, parent=county, code="659901100000"
    )
    community = places.area_create(
        actor=None, name="基准社区", kind=K.COMMUNITY, parent=town, code="659901100001"
    )
    for name in COMPOUNDS:
        compound = places.area_create(actor=None, name=name, kind=K.COMPOUND, parent=community)
        for b in range(1, BUILDINGS_PER_COMPOUND + 1):
            places.area_create(actor=None, name=f"{b}号楼", kind=K.BUILDING, parent=compound)
    staff = people.staff_create(
        actor=None,
        username="bench_secretary",
        password="Bench-Roster-2024!",
        name="基准书记",
        role=Staff.Role.COMMUNITY_SECRETARY,
        area=community,
    )
    return community.pk, staff.user_id


def run_floor(path: str) -> dict:
    from openpyxl import load_workbook

    started = time.perf_counter()
    book = load_workbook(path, read_only=True)
    sheet = book["居民花名册"]
    rows = 0
    for _values in sheet.iter_rows(values_only=True):
        rows += 1
    book.close()
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "rows": rows}


def run_check(path: str, community_id: int) -> dict:
    """Only the reading and checking half of the import, to show where the time goes."""
    django_setup()
    from jieyou.people.roster_import import check_roster
    from jieyou.places.models import Area

    community = Area.objects.get(pk=community_id)
    started = time.perf_counter()
    with open(path, "rb") as fileobj:
        check = check_roster(fileobj, community=community)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "rows": len(check.rows)}


def run_import(path: str, community_id: int, user_id: int) -> dict:
    django_setup()
    from django.contrib.auth import get_user_model

    from jieyou.people import actions
    from jieyou.places.models import Area

    community = Area.objects.get(pk=community_id)
    user = get_user_model().objects.get(pk=user_id)
    before_mb = peak_mb()
    started = time.perf_counter()
    with open(path, "rb") as fileobj:
        record = actions.roster_import(
            actor=user, community=community, file_name=Path(path).name, fileobj=fileobj
        )
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": peak_mb(),
        "startup_mb": before_mb,
        "status": record.status,
        "rows": record.rows,
        "created": record.created,
        "duplicates": len(record.duplicates),
        "errors": record.errors[:5],
    }


def child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(args[:1])} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    # The steps below run in child processes, so that this one stays small: a child starts
    # with the peak memory of the process it was started from.
    parser.add_argument("--generate", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--floor", metavar="XLSX", help=argparse.SUPPRESS)
    parser.add_argument("--check", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--import", dest="import_", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate[0]), int(args.generate[1]))
        print(json.dumps({}))
        return 0
    if args.prepare:
        community_id, user_id = prepare()
        print(json.dumps({"community": community_id, "user": user_id}))
        return 0
    if args.floor:
        print(json.dumps(run_floor(args.floor)))
        return 0
    if args.check:
        print(json.dumps(run_check(args.check[0], int(args.check[1]))))
        return 0
    if args.import_:
        path, community_id, user_id = args.import_
        print(json.dumps(run_import(path, int(community_id), int(user_id)), ensure_ascii=False))
        return 0

    work = Path(tempfile.mkdtemp(prefix="jieyou-bench-"))
    os.environ["JIEYOU_VAR_DIR"] = str(work)
    # Measured as it runs in production: with DEBUG on, Django keeps the text of every query.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    database = os.environ["DATABASE_URL"].split("://")[0]
    path = work / "roster.xlsx"
    started = time.perf_counter()
    child("--generate", str(path), str(args.rows))
    print(
        f"roster: {args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MB, "
        f"generated in {time.perf_counter() - started:.1f} s; database: {database}"
    )
    prepared = child("--prepare")
    community_id, user_id = prepared["community"], prepared["user"]

    floor = child("--floor", str(path))
    checked = child("--check", str(path), str(community_id))
    result = child("--import", str(path), str(community_id), str(user_id))
    if result["status"] != "imported" or result["created"] != args.rows:
        print(f"import did not complete: {json.dumps(result, ensure_ascii=False)}")
        return 1
    again = child("--import", str(path), str(community_id), str(user_id))

    ratio = result["seconds"] / floor["seconds"]
    time_ok = ratio <= GOAL_RATIO
    memory_ok = result["peak_mb"] <= GOAL_PEAK_MB
    print(f"{'':28}{'time':>10}{'peak RSS':>12}")
    print(f"{'floor (openpyxl read-only)':28}{floor['seconds']:>9.2f}s{floor['peak_mb']:>9.0f} MB")
    print(
        f"{'import (check + write)':28}{result['seconds']:>9.2f}s{result['peak_mb']:>9.0f} MB"
        f"   ({result['startup_mb']:.0f} MB before the import began)"
    )
    print(f"{'  of which check only':28}{checked['seconds']:>9.2f}s{checked['peak_mb']:>9.0f} MB")
    print(
        f"{'re-import (all duplicates)':28}{again['seconds']:>9.2f}s{again['peak_mb']:>9.0f} MB"
        f"   (created {again['created']}, duplicates {again['duplicates']:,})"
    )
    print(
        f"import / floor = {ratio:.2f}x (goal <= {GOAL_RATIO:g}x) {'ok' if time_ok else 'MISSED'}; "
        f"peak {result['peak_mb']:.0f} MB (goal <= {GOAL_PEAK_MB} MB) "
        f"{'ok' if memory_ok else 'MISSED'}"
    )
    print(f"rows per second: {args.rows / result['seconds']:,.0f}")
    if args.keep:
        print(f"kept: {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
