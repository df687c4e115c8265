"""The roll-up of `rate_tree` against filtering the concerns directly, for every place and
every grid, including grids that overlap and places with concerns on several levels."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jieyou.concerns import actions as a
from jieyou.concerns import queries
from jieyou.concerns.models import Category, Concern
from jieyou.places import actions as places
from jieyou.places.models import Area, Grid

TZ = ZoneInfo("Asia/Shanghai")
JUNE = datetime(2024, 6, 3, 9, 0, tzinfo=TZ)
LATER = JUNE + timedelta(days=60)
KEYS = ("concerns", "due", "responded_in_time", "follow_ups", "solved", "rated", "overdue")


def _concern(cast, area, *, accept_after=None, answer=None):
    c = a.concern_submit(
        actor=None,
        category=Category.objects.get(code="HJ"),
        description="垃圾未清运",
        channel=Concern.Channel.QR,
        area=area,
        at=JUNE,
    )
    if accept_after is not None:
        a.concern_accept(actor=cast.secretary, concern=c, at=JUNE + timedelta(hours=accept_after))
    if answer is not None:
        a.concern_resolve(actor=cast.secretary, concern=c, note="已处理")
        a.concern_follow_up(
            actor=cast.grid_worker,
            concern=c,
            method="call",
            solved=answer[0],
            satisfaction=answer[1],
        )
    return c


def _counts(r: queries.Rates) -> dict:
    return {k: getattr(r, k) for k in KEYS} | {"points": round(r.satisfaction_points, 6)}


@pytest.fixture
def spread(cast):
    """Concerns on buildings, on compounds and on a community itself, in both communities;
    one grid covering a compound and one of its buildings, another covering a building only."""
    _concern(cast, cast.building7, accept_after=1, answer=(True, "satisfied"))
    _concern(cast, cast.building7, accept_after=20, answer=(False, "unsatisfied"))
    _concern(cast, cast.building8, accept_after=2, answer=(True, "basic"))
    _concern(cast, cast.lantian, accept_after=30)
    _concern(cast, cast.mingzhu, accept_after=2, answer=(True, "satisfied"))
    _concern(cast, cast.shuangmao1, accept_after=3, answer=(True, ""))
    _concern(cast, cast.shuangmao)
    late = _concern(cast, cast.shuangmao1)
    Concern.objects.filter(pk=late.pk).update(overdue=True)
    places.grid_create(
        actor=None, community=cast.mingzhu, name="重叠网格", areas=[cast.lantian, cast.building7]
    )
    places.grid_create(
        actor=None, community=cast.mingzhu, name="八号楼网格", areas=[cast.building8]
    )
    places.grid_create(actor=None, community=cast.xihe, name="空网格", areas=[])
    return cast


def test_every_place_and_grid_agrees_with_a_direct_count(spread):
    everything = Concern.objects.all()
    tree = queries.rate_tree(everything, now=LATER)
    for area in Area.objects.all():
        direct = queries.rates(everything.filter(area__path__startswith=area.path), now=LATER)
        assert _counts(tree.area(area.pk)) == _counts(direct), area.name
        assert (area.pk in tree.area_counts) == (direct.concerns > 0), area.name
    for grid in Grid.objects.prefetch_related("areas"):
        paths = [p.path for p in grid.areas.all()]
        outer = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
        covered = Concern.objects.none()
        for path in outer:
            covered |= everything.filter(area__path__startswith=path)
        direct = queries.rates(covered, now=LATER)
        assert _counts(tree.grid(grid.pk)) == _counts(direct), grid.name
    assert tree.area(spread.county.pk).concerns == 8
    assert tree.grid(Grid.objects.get(name="重叠网格").pk).concerns == 4


def test_a_scope_with_nothing_in_it(spread):
    empty = queries.rate_tree(Concern.objects.none(), now=LATER)
    assert len(empty.area_counts) == 0 and len(empty.grid_counts) == 0
    assert empty.area(spread.county.pk).concerns == 0
    no_grids = queries.rate_tree(Concern.objects.all(), grids=[], now=LATER)
    assert len(no_grids.grid_counts) == 0
    assert no_grids.area(spread.mingzhu.pk).concerns == 5
    one = queries.rate_tree(Concern.objects.all(), grids=[spread.xihe_grid], now=LATER)
    assert list(one.grid_counts) == [spread.xihe_grid.pk]
    assert one.grid(spread.xihe_grid.pk).concerns == 3
