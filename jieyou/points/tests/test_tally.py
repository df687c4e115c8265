"""The visit rollup (models.VisitTally): kept by visit_record, rebuilt and checked by
`manage.py points_tally`, and read by the households-visited figure, which must equal the
households the visits themselves give for any period."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from jieyou.core.models import AuditEntry
from jieyou.points import tally
from jieyou.points.models import Visit, VisitTally
from jieyou.points.queries import figures as q

from . import figure_data as data


@pytest.fixture
def households(cast):
    return data.lantian_households(cast)


@pytest.fixture
def visited(cast, households):
    """Visits across two years, a household twice in a month and in several months."""
    h, worker = households, cast.grid_worker
    days = {
        "7-301": [date(2023, 12, 30), date(2024, 3, 5), date(2024, 3, 20), date(2024, 5, 31)],
        "7-601": [date(2024, 3, 14), date(2024, 6, 1)],
        "7-302": [date(2024, 4, 2)],
        "8-101": [date(2024, 5, 10), date(2024, 12, 31)],
        "8-102": [date(2025, 1, 2)],
    }
    for room, found in days.items():
        for day in found:
            data.visit(worker, h[room], day)
    return h


def stored():
    return set(VisitTally.objects.values_list("household_id", "grid_id", "year", "months"))


def test_the_action_keeps_the_months_each_household_was_visited(cast, visited):
    grid = cast.mingzhu_grid.pk
    h = visited
    march, may, december = 1 << 2, 1 << 4, 1 << 11
    assert stored() == {
        (h["7-301"].pk, grid, 2023, december),
        (h["7-301"].pk, grid, 2024, march | may),
        (h["7-601"].pk, grid, 2024, march | 1 << 5),
        (h["7-302"].pk, grid, 2024, 1 << 3),
        (h["8-101"].pk, grid, 2024, may | december),
        (h["8-102"].pk, grid, 2025, 1),
    }
    assert tally.differences() == []


def test_a_rebuild_equals_what_the_action_kept(visited):
    kept = stored()
    VisitTally.objects.all().delete()
    assert tally.differences() != []
    assert tally.rebuild() == len(kept)
    assert stored() == kept
    assert AuditEntry.objects.filter(action="points_tally.rebuild").exists()


def test_check_finds_drift_and_the_rebuild_mends_it(visited, capsys):
    call_command("points_tally", "--check")
    assert "一致" in capsys.readouterr().out

    VisitTally.objects.filter(year=2024).update(months=F("months").bitor(1 << 8))
    with pytest.raises(CommandError, match="不一致"):
        call_command("points_tally", "--check")
    assert "住户" in capsys.readouterr().err

    VisitTally.objects.filter(year=2025).delete()  # a visit the rollup lost
    assert len(tally.differences()) == 5

    call_command("points_tally", verbosity=0)
    call_command("points_tally", "--check")
    assert tally.differences() == []


def test_visits_written_in_bulk_are_added_once(cast, visited):
    h = visited
    kept = stored()
    bulk = Visit.objects.bulk_create(
        [
            Visit(
                household=h["7-302"],
                grid=cast.mingzhu_grid,
                worker=cast.grid_worker,
                visited_on=day,
                purpose="call",
                client_key=f"bulk{n}",
            )
            for n, day in enumerate([date(2024, 4, 20), date(2024, 9, 3), date(2022, 2, 2)])
        ]
    )
    assert tally.differences() != []
    visits = Visit.objects.filter(pk__in=[v.pk for v in bulk])
    assert tally.count_visits(visits) == 2  # September added to a row, 2022 a new row
    assert tally.differences() == []
    assert tally.count_visits(visits) == 0
    assert len(stored()) == len(kept) + 1


PERIODS = [
    (date(2024, 1, 1), date(2024, 12, 31)),  # a whole year: the rollup alone
    (date(2024, 3, 1), date(2024, 5, 31)),  # whole months
    (date(2024, 3, 15), date(2024, 5, 30)),  # edge days at both ends
    (date(2024, 3, 6), date(2024, 3, 19)),  # within one month: the visits alone
    (date(2024, 5, 31), date(2024, 6, 1)),  # two edge days, no whole month
    (date(2023, 12, 1), date(2025, 1, 31)),  # across three years
    (date(2023, 12, 31), date(2025, 1, 1)),  # the same, two edge days
    (date(2024, 7, 1), date(2024, 11, 30)),  # nobody visited
]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_households_visited_equal_the_visits_for_any_period(cast, visited, start, end):
    for area in (cast.county, cast.mingzhu, cast.lantian, cast.building8):
        # Counted by hand from the visits, each household once.
        by_hand = {
            v.household_id
            for v in Visit.objects.filter(household__building__path__startswith=area.path)
            if start <= v.visited_on <= end
        }
        assert q.visited_count(area, start, end) == len(by_hand), (area, start, end)
        assert q.visit_coverage(area=area, start=start, end=end).visited == len(by_hand)
        assert set(q.visited_households(area, start, end).values_list("pk", flat=True)) == (by_hand)


def test_edge_days_come_from_the_visits_not_the_months(cast, visited):
    # 15 March – 30 May: April whole, the rest edge days. The rollup has March for 7-601
    # (14 March) and May for 7-301 (31 May), both outside the period; 7-301's 20 March,
    # 7-302's 2 April and 8-101's 10 May are in it.
    found = q.visit_coverage(area=cast.mingzhu, start=date(2024, 3, 15), end=date(2024, 5, 30))
    assert (found.households, found.visited) == (5, 3)


def test_whole_months():
    assert q.whole_months(date(2024, 1, 1), date(2024, 12, 31)) == (
        date(2024, 1, 1),
        date(2025, 1, 1),
    )
    assert q.whole_months(date(2024, 3, 15), date(2024, 5, 30)) == (
        date(2024, 4, 1),
        date(2024, 5, 1),
    )
    first, after = q.whole_months(date(2024, 3, 6), date(2024, 3, 19))
    assert first >= after
