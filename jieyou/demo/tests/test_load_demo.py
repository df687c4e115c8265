import os
import subprocess
import sys
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from stdnum.cn import ric

from jieyou.core.chinese import pinyin_keys
from jieyou.core.models import AuditEntry
from jieyou.core.validators import id_number_birth_year, id_number_gender, normalize_phone
from jieyou.demo import county
from jieyou.demo.generate import plan
from jieyou.people import access
from jieyou.people.models import Household, Resident, Staff, Unit
from jieyou.places.models import Area, Grid


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Area, Grid, Unit, Staff, Resident, Household, AuditEntry)
    } | {"tags": Resident.tags.through.objects.count()}


def test_builds_the_seed_county(cast):
    out = load(residents=40, seed=5)

    town = Area.objects.get(code="652328100000", name="木垒镇")
    communities = Area.objects.filter(parent=town, kind=Area.Kind.COMMUNITY)
    assert set(communities.values_list("name", flat=True)) == {c.name for c in county.COMMUNITIES}
    assert all(len(code) == 12 for code in communities.values_list("code", flat=True))
    assert county.SERVICE_POINTS["园林社区"] == "园林社区睦邻“解忧长廊”"

    workers = {s.name: s for s in Staff.objects.filter(role=Staff.Role.GRID_WORKER)}
    for name, community, grid in [
        ("陈丹", "明珠社区", "明珠第一网格"),
        ("严婷婷", "老城社区", "老城第一网格"),
        ("林淑琴", "西河社区", "西河第一网格"),
    ]:
        assert workers[name].area.name == community
        assert [g.name for g in workers[name].grids.all()] == [grid]
    assert workers["严婷婷"].employment == Staff.Employment.PART_TIME

    assert Unit.objects.filter(name="县综合行政执法队", kind=Unit.Kind.LAW_ENFORCEMENT).exists()
    assert Unit.objects.filter(kind=Unit.Kind.PROPERTY).count() >= 2
    assert len(county.CONSULTATION_MEMBERS) == 14
    assert Unit.objects.filter(name__in=[u.name for u in county.CONSULTATION_MEMBERS]).count() == 14

    bishan = Area.objects.get(name="壁山丽景小区")
    assert set(
        Resident.objects.filter(area__path__startswith=bishan.path).values_list("name", flat=True)
    ) >= {"赵大爷", "邹建庄"}
    assert Resident.objects.filter(name="李女士").count() == 1  # the cast's, not a second one
    wanted = [r.id_number for r in plan(seed=5, n=40)]
    assert Resident.objects.filter(id_number__in=wanted).count() == 40

    for username in ("county_admin", "lc_secretary", "xh_secretary", "lc_grid", "security_admin"):
        assert username in out
    assert county.DEMO_PASSWORD in out


def test_second_run_adds_nothing(cast):
    load(residents=60, seed=3)
    before = counts()
    out = load(residents=60, seed=3)
    assert counts() == before
    assert (
        "区划 0、网格 0、单位 0、工作人员 0、解忧铺 0、服务项目 0、集市登记 0、议事会议 0、入户走访 0、活动 0、考核周期 0、居民 0"
        in out
    )


def test_more_residents_extend_the_same_plan(cast):
    load(residents=20, seed=9)
    before = Resident.objects.count()
    load(residents=50, seed=9)
    assert Resident.objects.count() == before + 30


def test_demo_password_passes_the_password_rules(cast):
    load(residents=0)
    user = Staff.objects.get(user__username="lc_grid").user
    assert user.check_password(county.DEMO_PASSWORD)


def test_generated_residents_are_seeded_and_valid():
    first = plan(seed=7, n=2000)
    assert first == plan(seed=7, n=2000)
    assert first[:300] == plan(seed=7, n=300)
    assert first[:50] != plan(seed=8, n=50)

    assert len({r.id_number for r in first}) == len(first)
    for r in first:
        assert ric.is_valid(r.id_number), r
        assert id_number_gender(r.id_number) == r.gender
        assert id_number_birth_year(r.id_number) == r.birth_year
        assert not r.phone or normalize_phone(r.phone) == r.phone
    rooms = {(r.compound, r.building, r.room) for r in first}
    assert not rooms & {(r.compound, r.building, r.room) for r in county.RESIDENTS}

    tags = Counter(t for r in first for t in r.tags)
    adults = sum(1 for r in first if 2024 - r.birth_year >= 18)
    assert 0.04 < tags["党员"] / adults < 0.12
    assert tags["独居老人"] > 0 and tags["低保"] > 0
    kazakh = sum(1 for r in first if "·" in r.name)
    assert 0.08 < kazakh / len(first) < 0.25


def test_bulk_rows_keep_pinyin_keys_and_tags(cast):
    load(residents=200, seed=11)
    for r in plan(seed=11, n=200):
        row = Resident.objects.get(id_number=r.id_number)
        assert (row.name_pinyin, row.name_initials) == pinyin_keys(r.name)
        assert set(row.tags.values_list("name", flat=True)) == set(r.tags)
        assert row.household.room == r.room and row.area.name == r.building


def test_grid_workers_see_their_own_grid_only(cast):
    load(residents=300, seed=4)
    lantian = Area.objects.get(name="蓝天家园小区")
    mine = access.residents(cast.grid_worker)
    assert mine.count() == Resident.objects.filter(area__path__startswith=lantian.path).count()
    assert mine.count() > 2  # generated residents too, not just the cast's
    assert not mine.filter(name="周先生").exists()
    # and the outsider, 林淑琴 of 西河, sees none of 明珠
    assert not access.residents(cast.outsider).filter(area__path__startswith=lantian.path).exists()
    assert access.residents(cast.outsider).filter(name="周先生").exists()


def test_refuses_production_unless_forced(cast):
    with override_settings(PRODUCTION=True):
        with pytest.raises(CommandError):
            load(residents=0)
        assert "演示县已就绪" in load(residents=0, force=True)


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the fresh-database run uses its own SQLite file; once is enough",
)
def test_loads_into_a_fresh_database(tmp_path):
    """What `make run` does on a new machine: migrate an empty database, load, load again."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["JIEYOU_VAR_DIR"] = str(tmp_path)
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]

    def run(*args):
        return subprocess.run(
            [*manage, *args], env=env, capture_output=True, text=True, check=True, timeout=300
        ).stdout

    run("migrate", "-v0")
    first = run("load_demo", "--residents", "30")
    assert "居民 35）" in first  # the page's five and thirty generated
    assert "居民 0）" in run("load_demo", "--residents", "30")
    assert "审计链完整" in run("audit_verify")
