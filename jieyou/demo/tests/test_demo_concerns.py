"""The demo county's concerns: the two stories end to end, a consistent generated year."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from jieyou.concerns import queries
from jieyou.concerns.models import Concern, ConcernEvent, FollowUp
from jieyou.concerns.states import TRANSITIONS
from jieyou.core import audit
from jieyou.demo import concerns as demo

S = Concern.Status


@pytest.fixture
def loaded(cast):
    call_command("load_demo", residents=60, seed=7, stdout=StringIO())
    return cast


def _steps(concern):
    return list(concern.events.values_list("action", "from_status", "to_status"))


def _local(moment) -> date:
    return moment.astimezone(demo.LOCAL).date()


def test_the_pigeons_on_the_7th_building_roof(loaded):
    concern = Concern.objects.get(reporter__name="李女士", submitted_at=demo.PIGEONS_AT)
    assert concern.channel == Concern.Channel.VISIT
    assert [a for a, _f, _t in _steps(concern)] == [
        "submit",
        "escalate",
        "accept",
        "dispatch",
        "progress",
        "resolve",
        "follow_up",
    ]
    submit, escalate = concern.events.all()[:2]
    assert submit.actor.staff.name == "陈丹" and _local(submit.at) == date(2024, 7, 9)
    assert escalate.data == {"from": "grid", "to": "community"}
    assert concern.level == "community"
    assert concern.lead_unit.name == "县综合行政执法队"
    assert {u.name for u in concern.assisting_units.all()} == {"蓝天物业公司"}
    assert concern.handler.staff.unit.name == "县综合行政执法队"
    follow_up = concern.follow_ups.get()
    # 陈丹 took it down and confirmed it; she never handled it herself.
    assert follow_up.by.staff.name == "陈丹"
    assert follow_up.by != concern.handler
    assert not concern.events.filter(
        actor=follow_up.by, action__in=["accept", "progress", "resolve"]
    ).exists()
    assert _local(follow_up.at) == date(2024, 8, 2)
    assert (follow_up.solved, follow_up.satisfaction) == (True, FollowUp.Satisfaction.SATISFIED)
    assert concern.status == S.CLOSED and not concern.overdue


def test_the_basement_doors_of_shuangmao(loaded):
    concern = Concern.objects.get(reporter__name="周先生", submitted_at=demo.DOORS_AT)
    assert _local(concern.submitted_at) == date(2024, 10, 20)
    assert concern.events.get(action="submit").actor.staff.name == "林淑琴"
    assert concern.lead_unit.name == "双茂物业公司"
    assert concern.handler.staff.name == "汪淑红"  # the community coordinates
    assert "32扇" in concern.events.get(action="resolve").note
    assert concern.status == S.CLOSED
    assert concern.follow_ups.get().satisfaction == FollowUp.Satisfaction.SATISFIED


def test_a_second_load_adds_no_concern_and_no_step(loaded):
    before = (Concern.objects.count(), ConcernEvent.objects.count(), FollowUp.objects.count())
    call_command("load_demo", residents=60, seed=7, stdout=StringIO())
    after = (Concern.objects.count(), ConcernEvent.objects.count(), FollowUp.objects.count())
    assert after == before
    assert audit.verify() is None


def test_the_plan_is_the_same_for_the_same_seed(loaded):
    deadlines = demo.category_deadlines()
    first = demo.plan(seed=3, categories=deadlines)
    assert first == demo.plan(seed=3, categories=deadlines)
    assert [p.receipt_code for p in first] != [
        p.receipt_code for p in demo.plan(seed=4, categories=deadlines)
    ]
    assert len({p.receipt_code for p in first}) == len(first)
    loaded_codes = set(Concern.objects.values_list("receipt_code", flat=True))
    assert {p.receipt_code for p in demo.plan(seed=7, categories=deadlines)} <= loaded_codes


def test_every_generated_history_follows_the_state_machine(loaded):
    codes = [p.receipt_code for p in demo.plan(seed=7, categories=demo.category_deadlines())]
    generated = Concern.objects.filter(receipt_code__in=codes)
    assert generated.count() > 600
    events = ConcernEvent.objects.filter(concern__in=generated).order_by("concern", "at", "id")
    by_concern = {}
    for e in events:
        by_concern.setdefault(e.concern_id, []).append(e)
    for concern in generated.prefetch_related("follow_ups"):
        history = by_concern[concern.pk]
        assert history[0].action == "submit"
        status = S.SUBMITTED
        for e in history[1:]:
            assert e.from_status == status, (concern.receipt_code, e.action)
            if e.action in TRANSITIONS and not (e.action == "merge" and e.data.get("merged")):
                assert status in TRANSITIONS[e.action][0], (concern.receipt_code, e.action)
            status = e.to_status
        assert status == concern.status, concern.receipt_code
        handled = {e.actor_id for e in history if e.action in ("accept", "progress", "resolve")}
        handled.add(concern.handler_id)
        answers = list(concern.follow_ups.all())
        for f in answers:
            assert f.by_id is None or f.by_id not in handled, concern.receipt_code
        assert (concern.follow_up_count, concern.solved_count, concern.basic_count) == (
            len(answers),
            sum(f.solved for f in answers),
            sum(f.satisfaction == "basic" for f in answers),
        )
        assert concern.overdue == any(e.action == "overdue" for e in history)
        if concern.status == S.CLOSED:
            assert concern.follow_ups.filter(solved=True).exists()
        if concern.status == S.MERGED:
            assert concern.merged_into.events.filter(action="merge").exists()


def test_the_year_looks_like_a_year(loaded):
    # Suggestions from the points demo's meetings run to the seed page's interview day.
    everything = Concern.objects.exclude(channel=Concern.Channel.MEETING)
    months = {
        _local(m).strftime("%Y-%m") for m in everything.values_list("submitted_at", flat=True)
    }
    assert len(months) == 12 and min(months) == "2023-12" and max(months) == "2024-11"
    statuses = Counter(everything.values_list("status", flat=True))
    assert statuses[S.CLOSED] > 600
    assert 0 < statuses[S.REJECTED] < 40 and 0 < statuses[S.MERGED] < 40
    assert 0 < queries.exempted(everything).count() < 40
    assert 10 < everything.filter(overdue=True).count() < 80
    not_solved_first = FollowUp.objects.filter(solved=False).count()
    assert 20 < not_solved_first < 120
    r = queries.rates(everything)
    assert 0.8 < r.response_rate < 0.97
    assert 0.85 < r.resolution_rate < 0.97
    assert 0.75 < r.satisfaction_rate < 0.95
    answers = Counter(FollowUp.objects.filter(solved=True).values_list("satisfaction", flat=True))
    assert answers[FollowUp.Satisfaction.SATISFIED] > sum(answers.values()) / 2
    channels = set(everything.values_list("channel", flat=True))
    assert {"visit", "point", "qr", "12345", "hotline"} <= channels
    # Every community has its share, so the rates pages have something true to show.
    tree = queries.rate_tree(everything)
    from jieyou.places.models import Area

    for community in Area.objects.filter(kind=Area.Kind.COMMUNITY):
        assert tree.area(community.pk).concerns > 50, community.name
