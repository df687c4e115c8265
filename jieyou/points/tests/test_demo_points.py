"""The demo county's 2024 at its 解忧铺 reads as the seed page, counted back from generated
records; a second load adds nothing."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from jieyou.concerns.models import Concern
from jieyou.demo import point_records
from jieyou.demo import points as demo_points
from jieyou.places.models import Area, Grid
from jieyou.points.models import (
    Event,
    Meeting,
    MeetingSuggestion,
    Visit,
    Volunteer,
    VolunteerActivity,
    VolunteerRole,
)
from jieyou.points.queries import figures as q

MK = Meeting.Kind
YEAR = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}
SEED = 11


def rows() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Meeting,
            MeetingSuggestion,
            Concern,
            Visit,
            Volunteer,
            VolunteerRole,
            VolunteerActivity,
            Event,
        )
    }


@pytest.fixture
def demo(cast):
    call_command("load_demo", residents=160, seed=SEED, stdout=StringIO())
    created = Counter()
    demo_points.load(created, seed=SEED)
    point_records.load(created, seed=SEED)
    return Area.objects.get(code="652328")


def check_the_county_reads_as_the_seed_page(demo):
    figures = q.community_figures(area=demo, **YEAR)
    meetings = figures.meetings
    assert meetings.by_kind[MK.OWNERS] == 43
    assert meetings.suggestions_by_kind[MK.OWNERS] == 79
    assert meetings.resolved_by_kind[MK.OWNERS] == 79
    assert figures.sentence() == "召开业主会议 43 次，收集并解决群众意见建议 79 条"
    # The other kinds are counted apart, and some of their suggestions are still open.
    assert meetings.by_kind[MK.RESIDENTS] > 0 and meetings.by_kind[MK.COURTYARD] > 0
    others = meetings.suggestions - meetings.suggestions_by_kind[MK.OWNERS]
    assert 0 < meetings.resolved - 79 < others
    # Every owners'-meeting suggestion is a concern from a meeting, closed after a solved
    # follow-up, and its history has the steps the actions write.
    owners = q.records("suggestions_resolved", area=demo, kind=MK.OWNERS, **YEAR)
    for s in owners.select_related("concern"):
        assert s.concern.channel == Concern.Channel.MEETING
        assert s.concern.status == Concern.Status.CLOSED and s.concern.solved_count >= 1
        steps = list(s.concern.events.values_list("action", flat=True))
        assert steps[:2] == ["submit", "accept"] and steps[-1] == "follow_up"


def check_every_community_has_its_share(demo):
    communities = Area.objects.filter(parent__parent=demo, kind=Area.Kind.COMMUNITY)
    assert communities.count() == 7
    per_community = [q.meeting_figures(area=c, **YEAR) for c in communities]
    assert all(f.by_kind[MK.OWNERS] >= 4 for f in per_community)
    assert sum(f.by_kind[MK.OWNERS] for f in per_community) == 43


def check_visits_give_a_realistic_coverage(demo):
    figures = q.community_figures(area=demo, **YEAR)
    assert figures.coverage.share > 0.9
    # Each compound is one grid's, so the grids' months add up to the county's: a third
    # to a half of the households are called on each month.
    grids = Grid.objects.filter(community__parent__parent=demo)
    coverage = q.coverage_by_grid_month(grids, 2024)
    for month in range(1, 12):
        in_month = [c for (_g, m), c in coverage.items() if m == month]
        households = sum(c.households for c in in_month)
        assert households == figures.coverage.households
        assert 0.25 <= sum(c.visited for c in in_month) / households <= 0.65, month
    # 陈丹's July visit to 李女士 carries the pigeons concern.
    july = Visit.objects.get(client_key__endswith=":pigeons")
    assert july.visited_on == date(2024, 7, 9)
    assert july.concerns.filter(description__contains="鸽").exists()


def check_volunteers_and_events(demo):
    volunteers = Volunteer.objects.filter(community__path__startswith=demo.path)
    assert set(volunteers.values_list("background", flat=True)) == set(Volunteer.Background.values)
    for community in Area.objects.filter(kind=Area.Kind.COMMUNITY, parent__parent=demo):
        roles = VolunteerRole.objects.filter(volunteer__community=community)
        assert set(roles.values_list("role", flat=True)) == set(VolunteerRole.Role.values)
    figures = q.community_figures(area=demo, **YEAR)
    assert figures.volunteers_active > 0 and figures.activities > 500
    assert figures.events_by_kind[Event.Kind.CLINIC][0] > 0
    wanted = {"clinic", "haircut", "swap", "song_dance", "skit", "opera", "policy"}
    assert {k for k, (n, _p) in figures.events_by_kind.items() if n} == wanted
    assert figures.event_people > figures.events
    # 乐居 opened in mid-October 2024: no events at 西河 before then.
    xihe = Area.objects.get(name="西河社区")
    early = q.community_figures(area=xihe, start=date(2024, 1, 1), end=date(2024, 10, 14))
    assert early.events == 0


def check_second_load_adds_nothing(demo):
    before = rows()
    created = Counter()
    point_records.load(created, seed=SEED)
    assert rows() == before
    assert sum(created.values()) == 0


def test_the_demo_county_2024(demo):
    """One load of the demo county (it takes a while), every check on it."""
    check_the_county_reads_as_the_seed_page(demo)
    check_every_community_has_its_share(demo)
    check_visits_give_a_realistic_coverage(demo)
    check_volunteers_and_events(demo)
    check_second_load_adds_nothing(demo)
