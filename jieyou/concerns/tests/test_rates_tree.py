"""The rates over the area tree, grids, units and months, against hand counts and direct
filters."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from jieyou.concerns import actions as a
from jieyou.concerns import queries
from jieyou.concerns.models import Category, Concern
from jieyou.places import actions as places

TZ = ZoneInfo("Asia/Shanghai")
JUNE = datetime(2024, 6, 3, 9, 0, tzinfo=TZ)
LATER = JUNE + timedelta(days=60)


def _concern(cast, area, *, at=JUNE, accept_after=None, answer=None, unit=None):
    """A concern of category HJ (12 hours to respond); `answer` = (solved, satisfaction)."""
    c = a.concern_submit(
        actor=None,
        category=Category.objects.get(code="HJ"),
        description="垃圾未清运",
        channel=Concern.Channel.QR,
        area=area,
        at=at,
    )
    if accept_after is not None:
        a.concern_accept(actor=cast.secretary, concern=c, at=at + timedelta(hours=accept_after))
    if unit is not None:
        a.concern_dispatch(actor=cast.secretary, concern=c, lead_unit=unit, handler=cast.secretary)
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


@pytest.fixture
def month(cast):
    """明珠: two in 7号楼 (one late), one on the community itself (no grid); 西河: one."""
    _concern(cast, cast.building7, accept_after=1, answer=(True, "satisfied"))
    _concern(cast, cast.building7, accept_after=20, answer=(False, "unsatisfied"))
    _concern(cast, cast.mingzhu, accept_after=2, answer=(True, "basic"))
    _concern(cast, cast.shuangmao1, accept_after=3)
    return cast


def _same(left: queries.Rates, right: queries.Rates):
    keys = ("concerns", "due", "responded_in_time", "follow_ups", "solved", "rated", "overdue")
    assert {k: getattr(left, k) for k in keys} == {k: getattr(right, k) for k in keys}
    assert left.satisfaction_points == pytest.approx(right.satisfaction_points)


def test_tree_rolls_places_up_to_community_town_and_grid(month):
    cast = month
    everything = Concern.objects.all()
    tree = queries.rate_tree(everything, now=LATER)

    mingzhu = tree.area(cast.mingzhu.pk)
    assert (mingzhu.concerns, mingzhu.due, mingzhu.responded_in_time) == (3, 3, 2)
    assert mingzhu.resolution_rate == pytest.approx(2 / 3)
    assert mingzhu.satisfaction_rate == pytest.approx(1.8 / 3)
    assert tree.area(cast.xihe.pk).concerns == 1
    assert tree.area(cast.town.pk).concerns == 4
    # The concern placed on the community itself lies in no grid.
    assert tree.grid(cast.mingzhu_grid.pk).concerns == 2
    assert tree.grid(cast.xihe_grid.pk).response_rate == 1.0

    # The roll-up agrees with filtering the concerns directly, place by place.
    for area in (cast.town, cast.mingzhu, cast.xihe, cast.lantian, cast.building7):
        direct = everything.filter(area__path__startswith=area.path)
        _same(tree.area(area.pk), queries.rates(direct, now=LATER))
    _same(
        tree.grid(cast.mingzhu_grid.pk),
        queries.rates(everything.filter(area__path__startswith=cast.lantian.path), now=LATER),
    )


def test_a_grid_covering_a_compound_and_its_building_counts_once(month):
    cast = month
    both = places.grid_create(
        actor=None, community=cast.mingzhu, name="重叠网格", areas=[cast.lantian, cast.building7]
    )
    tree = queries.rate_tree(Concern.objects.all(), now=LATER)
    assert tree.grid(both.pk).concerns == 2
    # 李女士 and 冶大爷 live in 7号楼: two residents, not four.
    assert queries.residents_in_grids([both.pk])[both.pk] == 2


def test_tree_leaves_out_rejected_merged_and_exempted(month):
    cast = month
    c = _concern(cast, cast.building8, accept_after=1)
    a.concern_exempt(actor=cast.secretary, concern=c, reason="属供暖公司统一改造")
    r = _concern(cast, cast.building8)
    a.concern_reject(actor=cast.secretary, concern=r, reason="重复反映")
    tree = queries.rate_tree(Concern.objects.all(), now=LATER)
    assert tree.area(cast.mingzhu.pk).concerns == 3
    assert cast.building8.pk not in tree.area_counts
    assert list(queries.exempted(Concern.objects.all())) == [c]


def test_months_are_counted_in_china_time(cast):
    # 23:30 on 31 May in Shanghai is 15:30 UTC; 00:30 on 1 June is still 31 May in UTC.
    _concern(cast, cast.building7, at=datetime(2024, 5, 31, 23, 30, tzinfo=TZ), accept_after=1)
    _concern(cast, cast.building7, at=datetime(2024, 6, 1, 0, 30, tzinfo=TZ), accept_after=30)
    _concern(cast, cast.building7, at=datetime(2024, 6, 30, 23, 0, tzinfo=TZ), accept_after=1)
    by_month = queries.rates_by(Concern.objects.all(), queries.by_month(), now=LATER)
    months = {k.astimezone(TZ).date(): v for k, v in by_month.items()}
    assert {m: r.concerns for m, r in months.items()} == {date(2024, 5, 1): 1, date(2024, 6, 1): 2}
    assert months[date(2024, 6, 1)].response_rate == 0.5

    june = queries.in_months(Concern.objects.all(), date(2024, 6, 1), date(2024, 6, 1))
    assert june.count() == 2
    assert queries.in_months(Concern.objects.all(), date(2024, 5, 1), date(2024, 6, 1)).count() == 3


def test_units_through_the_lead_unit(cast):
    _concern(cast, cast.building7, accept_after=1, unit=cast.property_co, answer=(True, "basic"))
    _concern(cast, cast.building8, accept_after=1, unit=cast.enforcement)
    _concern(cast, cast.building8, accept_after=1)
    by_unit = queries.rates_by(Concern.objects.all(), "lead_unit", now=LATER)
    assert by_unit[cast.property_co.pk].satisfaction_rate == pytest.approx(0.8)
    assert by_unit[cast.enforcement.pk].concerns == 1
    assert by_unit[None].concerns == 1


def test_workload_per_thousand_residents(month):
    cast = month
    tree = queries.rate_tree(Concern.objects.all(), now=LATER)
    counts = queries.residents_under([cast.mingzhu.pk, cast.xihe.pk, cast.town.pk])
    assert counts == {cast.mingzhu.pk: 2, cast.xihe.pk: 1, cast.town.pk: 3}
    mingzhu = tree.area(cast.mingzhu.pk)
    mingzhu.residents = counts[cast.mingzhu.pk]
    assert mingzhu.workload == pytest.approx(3 / 2 * 1000)
    assert queries.Rates(concerns=5).workload is None  # nobody registered: empty, not infinite


@override_settings(JIEYOU_SATISFACTION_WEIGHTS={"basic": 0.5}, JIEYOU_RATE_WEIGHTS=(20, 40, 40))
def test_weights_come_from_settings(month):
    cast = month
    r = queries.rate_tree(Concern.objects.all(), now=LATER).area(cast.mingzhu.pk)
    assert r.satisfaction_rate == pytest.approx(1.5 / 3)
    assert r.composite == pytest.approx(
        (20 * r.response_rate + 40 * r.resolution_rate + 40 * r.satisfaction_rate) / 100
    )
    assert r.composite_weights == (20, 40, 40)


def test_follow_up_tallies_are_the_sums_of_the_follow_ups(cast):
    """The rates read the tallies; they must say what the FollowUp rows say."""
    c = _concern(cast, cast.building7, accept_after=1, answer=(False, "unsatisfied"))
    a.concern_resolve(actor=cast.secretary, concern=c, note="返工")
    a.concern_follow_up(
        actor=cast.grid_worker, concern=c, method="visit", solved=True, satisfaction="basic"
    )
    c.refresh_from_db()
    rows = list(c.follow_ups.values_list("solved", "satisfaction"))
    assert rows == [(False, "unsatisfied"), (True, "basic")]
    tallies = (c.follow_up_count, c.solved_count)
    answers = (c.satisfied_count, c.basic_count, c.unsatisfied_count)
    assert (tallies, answers) == ((2, 1), (0, 1, 1))
    r = queries.rates(Concern.objects.filter(pk=c.pk), now=LATER)
    assert (r.follow_ups, r.solved, r.rated) == (2, 1, 2)
    assert r.satisfaction_rate == pytest.approx(0.4)
