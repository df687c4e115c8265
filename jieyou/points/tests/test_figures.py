"""The community figures, counted from records on small hand-made data.

The cast's 明珠社区 has 蓝天家园小区 with 7号楼 (rooms 301 and 601, from the cast's residents)
and 8号楼; each test adds what it needs and counts the figures by hand.
"""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jieyou.concerns import actions as concern_actions
from jieyou.people.models import Household
from jieyou.places import actions as places
from jieyou.places.models import Area
from jieyou.points.actions.events import event_save
from jieyou.points.models import Event, Meeting, VolunteerActivity
from jieyou.points.queries import figures as q

from . import figure_data as data

LOCAL = data.LOCAL
MK = Meeting.Kind
YEAR = (date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def lantian_households(cast):
    """蓝天家园小区: 7号楼 301, 601 (the cast's), 302; 8号楼 101, 102 — five households."""
    return data.lantian_households(cast)


@pytest.fixture
def records(cast, point, xihe_point, point_services, lantian_households):
    return data.build_records(cast, point, xihe_point, point_services, lantian_households)


def test_the_cast_has_the_households_the_tests_count(cast, lantian_households):
    assert Household.objects.filter(building__path__startswith=cast.mingzhu.path).count() == 5


def test_visit_coverage_on_a_small_grid(cast, lantian_households):
    h, worker = lantian_households, cast.grid_worker
    data.visit(worker, h["7-301"], date(2024, 3, 5))
    data.visit(worker, h["7-301"], date(2024, 3, 20))  # the same household twice: once
    data.visit(worker, h["7-601"], date(2024, 3, 10))
    data.visit(worker, h["8-101"], date(2024, 4, 2))
    data.visit(worker, h["7-302"], date(2023, 12, 30))  # before the period
    data.visit(worker, h["8-102"], date(2025, 1, 2))  # after it

    year = q.visit_coverage(area=cast.mingzhu, start=YEAR[0], end=YEAR[1])
    assert (year.households, year.visited) == (5, 3)
    assert year.share == pytest.approx(3 / 5)

    march = q.visit_coverage(area=cast.lantian, start=date(2024, 3, 1), end=date(2024, 3, 31))
    assert (march.households, march.visited) == (5, 2)
    # Visits are found through their grid for a community, through the household below it.
    assert q.visits(cast.mingzhu, *YEAR).count() == 4
    assert q.visits(cast.lantian, *YEAR).count() == 4
    assert q.visits(cast.building8, *YEAR).count() == 1
    building8 = q.visit_coverage(area=cast.building8, start=YEAR[0], end=YEAR[1])
    assert (building8.households, building8.visited) == (2, 1)
    # 西河 has the cast's 周先生 and no visits.
    xihe = q.visit_coverage(area=cast.xihe, start=YEAR[0], end=YEAR[1])
    assert (xihe.households, xihe.visited, xihe.share) == (1, 0, 0.0)


def test_coverage_is_empty_without_households(cast):
    empty = places.area_create(
        actor=None, name="9号楼", kind=Area.Kind.BUILDING, parent=cast.lantian
    )
    found = q.visit_coverage(area=empty, start=YEAR[0], end=YEAR[1])
    assert (found.households, found.visited, found.share) == (0, 0, None)


def test_coverage_by_grid_and_month(
    cast, lantian_households, django_assert_max_num_queries, monkeypatch
):
    h, worker = lantian_households, cast.grid_worker
    data.visit(worker, h["7-301"], date(2024, 3, 5))
    data.visit(worker, h["7-301"], date(2024, 3, 20))
    data.visit(worker, h["7-601"], date(2024, 3, 10))
    data.visit(worker, h["8-101"], date(2024, 4, 2))
    data.visit(worker, h["8-101"], date(2023, 4, 2))  # another year
    # A grid of 8号楼 alone, and one covering the compound and 8号楼 inside it: 8号楼's
    # households count once there.
    only8 = places.grid_create(
        actor=None, community=cast.mingzhu, name="八号楼网格", areas=[cast.building8]
    )
    both = places.grid_create(
        actor=None, community=cast.mingzhu, name="重叠网格", areas=[cast.lantian, cast.building8]
    )
    grids = [cast.mingzhu_grid, only8, both, cast.xihe_grid]
    with django_assert_max_num_queries(3):
        found = q.coverage_by_grid_month(grids, 2024)

    assert set(found) == {(g.pk, m) for g in grids for m in range(1, 13)}
    g = cast.mingzhu_grid.pk
    assert (found[(g, 3)].households, found[(g, 3)].visited) == (5, 2)
    assert (found[(g, 4)].households, found[(g, 4)].visited) == (5, 1)
    assert (found[(g, 1)].visited, found[(g, 1)].share) == (0, 0.0)
    assert (found[(only8.pk, 3)].households, found[(only8.pk, 3)].visited) == (2, 0)
    assert (found[(only8.pk, 4)].households, found[(only8.pk, 4)].visited) == (2, 1)
    assert (found[(both.pk, 3)].households, found[(both.pk, 3)].visited) == (5, 2)
    assert found[(both.pk, 4)].share == pytest.approx(1 / 5)
    assert found[(cast.xihe_grid.pk, 3)].households == 1
    # Many grids read every building instead of filtering by path: the same coverage.
    monkeypatch.setattr(q, "MANY_PATHS", 0)
    assert q.coverage_by_grid_month(grids, 2024) == found


# --- meetings ----------------------------------------------------------------------------------


def test_suggestions_count_only_when_resolved(cast):
    secretary, worker = cast.secretary, cast.grid_worker
    owners = data.meeting(secretary, cast.mingzhu, MK.OWNERS, date(2024, 5, 10), 5)
    solved, unsolved, still_open, late, twice = data.concerns_of(owners)
    data.resolve(solved, handler=secretary, follower=worker, day=date(2024, 5, 20))
    data.resolve(unsolved, handler=secretary, follower=worker, day=date(2024, 5, 20), solved=False)
    concern_actions.concern_accept(
        actor=secretary, concern=still_open, at=data.at(date(2024, 5, 11))
    )
    # Closed only after the period's end.
    data.resolve(late, handler=secretary, follower=worker, day=date(2025, 1, 3))
    # Reported unsolved, then put right and confirmed solved: resolved, and once.
    twice = data.resolve(
        twice, handler=secretary, follower=worker, day=date(2024, 6, 1), solved=False
    )
    twice = concern_actions.concern_resolve(
        actor=secretary, concern=twice, note="返工", at=data.at(date(2024, 6, 5))
    )
    concern_actions.concern_follow_up(
        actor=worker, concern=twice, method="call", solved=True, at=data.at(date(2024, 6, 6))
    )
    # Other kinds of meeting, and a meeting outside the period.
    courtyard = data.meeting(worker, cast.mingzhu, MK.COURTYARD, date(2024, 7, 1), 1)
    data.resolve(
        data.concerns_of(courtyard)[0], handler=secretary, follower=worker, day=date(2024, 7, 9)
    )
    before = data.meeting(secretary, cast.mingzhu, MK.OWNERS, date(2023, 12, 20), 1)
    data.resolve(
        data.concerns_of(before)[0], handler=secretary, follower=worker, day=date(2024, 1, 5)
    )

    found = q.meeting_figures(area=cast.mingzhu, start=YEAR[0], end=YEAR[1])
    assert found.meetings == 2
    assert found.by_kind == {MK.OWNERS: 1, MK.RESIDENTS: 0, MK.COURTYARD: 1}
    assert (found.suggestions, found.resolved) == (6, 3)
    assert found.suggestions_by_kind[MK.OWNERS] == 5
    assert found.resolved_by_kind == {MK.OWNERS: 2, MK.RESIDENTS: 0, MK.COURTYARD: 1}
    assert found.sentence() == "召开业主会议 1 次，收集并解决群众意见建议 2 条"

    # Read over a period that takes in January 2025, the late one counts too.
    longer = q.meeting_figures(area=cast.mingzhu, start=YEAR[0], end=date(2025, 1, 31))
    assert longer.resolved_by_kind[MK.OWNERS] == 3
    resolved = q.records("suggestions_resolved", area=cast.mingzhu, start=YEAR[0], end=YEAR[1])
    assert {s.concern_id for s in resolved} == {
        solved.pk,
        twice.pk,
        data.concerns_of(courtyard)[0].pk,
    }
    # Nothing from 明珠 reaches 西河's figures.
    assert q.meeting_figures(area=cast.xihe, start=YEAR[0], end=YEAR[1]).meetings == 0


# --- every figure, for a community and above ---------------------------------------------------


ADDITIVE = [
    name for name in q.FIGURES if name != "vendors"
]  # a vendor at two communities' markets is one vendor in the town


def test_every_figure_counted_by_hand(records):
    cast = records
    mz = q.community_figures(area=cast.mingzhu, start=YEAR[0], end=YEAR[1], today=date(2025, 1, 1))
    expected = {
        "meetings": 2,
        "suggestions": 2,
        "suggestions_resolved": 1,
        "households": 5,
        "households_visited": 2,
        "visits": 3,
        "deliveries": 2,
        "delivery_people": 12,
        "events": 2,
        "event_people": 110,
        "volunteers": 2,
        "volunteers_active": 1,
        "activities": 3,
        # Fridays from 1 November to 27 December 2024 (9) less the closure on the 15th.
        "market_days": 8,
        "vendors": 2,
    }
    assert {name: mz.value(name) for name in q.FIGURES} == expected
    assert mz.value("meetings", MK.RESIDENTS) == 1
    assert mz.value("events", Event.Kind.OPERA) == 1
    assert mz.value("event_people", Event.Kind.CLINIC) == 30
    assert mz.value("activities", VolunteerActivity.Kind.PATROL) == 2
    assert mz.sentence() == "召开业主会议 1 次，收集并解决群众意见建议 1 条"
    assert mz.monthly["2024-02"]["visits"] == 2
    assert mz.monthly["2024-06"]["events"] == 2
    assert mz.monthly["2024-01"]["activities"] == 2
    assert sum(m["deliveries"] for m in mz.monthly.values()) == 2


def test_market_days_are_only_those_held_by_today(records):
    cast = records
    early = q.community_figures(
        area=cast.mingzhu, start=YEAR[0], end=YEAR[1], today=date(2024, 11, 20)
    )
    # 1 and 8 November; the 15th was closed; the 22nd is still to come.
    assert early.market_days == 2
    days = q.records(
        "market_days", area=cast.mingzhu, start=YEAR[0], end=YEAR[1], today=date(2024, 11, 20)
    )
    assert [d.day for d in days] == [date(2024, 11, 1), date(2024, 11, 8)]


def test_town_and_county_add_up_the_communities(records):
    cast = records
    today = date(2025, 1, 1)
    period = {"start": YEAR[0], "end": YEAR[1], "today": today}
    parts = [q.community_figures(area=a, **period) for a in (cast.mingzhu, cast.xihe)]
    for whole in (cast.town, cast.county):
        total = q.community_figures(area=whole, **period)
        for name in ADDITIVE:
            assert total.value(name) == sum(p.value(name) for p in parts), name
            for kind, _label in q.FIGURES[name].kinds:
                assert total.value(name, kind) == sum(p.value(name, kind) for p in parts)
        for month, values in total.monthly.items():
            for key, n in values.items():
                assert n == sum(p.monthly[month][key] for p in parts)
        # 马大姐 sells at both markets: two vendors in 明珠, one in 西河, two in the town.
        assert [p.vendors for p in parts] == [2, 1]
        assert total.vendors == 2
    assert parts[1].value("meetings") == 1
    assert parts[1].value("market_days") == 2  # the 7th and the 14th of December


def test_each_figures_records_give_its_value(records):
    cast = records
    today = date(2025, 1, 1)
    for area in (cast.mingzhu, cast.xihe, cast.county):
        figures = q.community_figures(area=area, start=YEAR[0], end=YEAR[1], today=today)
        for name, spec in q.FIGURES.items():
            found = q.records(name, area=area, start=YEAR[0], end=YEAR[1], today=today)
            assert q.records_value(name, found) == figures.value(name), (area.name, name)
            for kind, _label in spec.kinds:
                found = q.records(
                    name, area=area, start=YEAR[0], end=YEAR[1], kind=kind, today=today
                )
                assert q.records_value(name, found) == figures.value(name, kind), (name, kind)


def test_unknown_figure_or_kind(cast):
    with pytest.raises(KeyError):
        q.records("nothing", area=cast.mingzhu, start=YEAR[0], end=YEAR[1])
    with pytest.raises(KeyError):
        q.records("meetings", area=cast.mingzhu, start=YEAR[0], end=YEAR[1], kind="party")


def test_the_county_costs_the_same_queries_as_a_community(records):
    cast = records
    counted = []
    for area in (cast.mingzhu, cast.county):
        with CaptureQueriesContext(connection) as queries:
            q.community_figures(area=area, start=YEAR[0], end=YEAR[1], today=date(2025, 1, 1))
        counted.append(len(queries))
    assert counted[0] == counted[1]
    assert counted[1] <= 14


def test_events_count_on_their_local_day(cast, point):
    # 00:30 on 1 January 2025 in 木垒 is 31 December 2024 in UTC: it belongs to 2025.
    event_save(
        actor=cast.secretary,
        point=point,
        kind=Event.Kind.SWAP,
        title="新年旧物置换",
        starts_at=datetime(2025, 1, 1, 0, 30, tzinfo=LOCAL),
        people_served=9,
    )
    in_2024 = q.community_figures(area=cast.mingzhu, start=YEAR[0], end=YEAR[1])
    in_2025 = q.community_figures(area=cast.mingzhu, start=date(2025, 1, 1), end=date(2025, 1, 31))
    assert (in_2024.events, in_2025.events) == (0, 1)
    assert in_2025.monthly["2025-01"]["events"] == 1


def test_the_months_of_a_period():
    assert q.months_between(date(2024, 11, 15), date(2025, 2, 1)) == [
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
    ]


def test_latest_year_opens_on_records(cast, lantian_households):
    data.visit(cast.grid_worker, lantian_households["7-301"], date(2023, 6, 1))
    assert q.latest_year(cast.mingzhu) == 2023
    assert q.latest_year(cast.xihe) == date.today().year
