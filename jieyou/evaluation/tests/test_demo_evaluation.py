"""The demo county's 2024 evaluation: seven community secretaries scored from records, verified
figures, an inflated figure the inspection caught, ballots with a short group, a published
ranking and an upheld appeal; loading twice adds nothing."""

from collections import Counter

import pytest
from django.db.models import Count

from jieyou.core.models import AuditEntry
from jieyou.demo import evaluation as demo
from jieyou.demo.load import load
from jieyou.evaluation.models import (
    Appeal,
    Ballot,
    Cycle,
    Inspection,
    ReportedFigure,
    Result,
    Scheme,
    Subject,
)
from jieyou.evaluation.views.sheet import explained
from jieyou.testing.personal_data import assert_no_personal_numbers


@pytest.fixture
def loaded(cast, media):
    load(residents=60, seed=7)
    demo.load(Counter(), seed=7)
    return Cycle.objects.get(name=demo.CYCLE)


def test_the_demo_cycle_tells_the_whole_story(loaded):
    cycle = loaded
    assert cycle.status == Cycle.Status.PUBLISHED
    assert cycle.published_at < cycle.publication_ends
    assert cycle.publication_ends.year == 2025
    subjects = list(Subject.objects.filter(cycle=cycle).select_related("user"))
    assert len(subjects) == 7
    assert {s.user.username for s in subjects if s.user} == {
        "mz_secretary",
        "lc_secretary",
        "xh_secretary",
    }
    scheme = Scheme.objects.get(name=demo.SCHEME)
    assert scheme.ahp_cr is not None and scheme.ahp_cr < 0.1
    assert scheme.dimensions.count() == 7

    figures = ReportedFigure.objects.filter(subject__cycle=cycle).select_related("subject")
    assert figures.count() == 7 * 6
    assert all(f.status == ReportedFigure.Status.VERIFIED for f in figures)
    # Entered by the community's staff, never by the secretary evaluated, checked by another.
    assert all(f.entered_by_id != f.subject.user_id for f in figures)
    assert all(f.verified_by_id != f.entered_by_id for f in figures)

    [distorted] = Inspection.objects.filter(task__plan__cycle=cycle, distorted=True)
    figure = distorted.task.figure
    measured = next(
        i
        for d in explained(Result.objects.get(subject=figure.subject))["dimensions"]
        for i in d["indicators"]
        if i["id"] == figure.indicator_id
    )
    assert measured["distorted"] and measured["actual"] == distorted.observed_value
    assert measured["reported"] == figure.value > distorted.observed_value

    results = list(Result.objects.filter(subject__cycle=cycle).order_by("rank"))
    assert len(results) == 7 and results[0].rank == 1
    assert all(r.total is not None and r.grade for r in results)
    groups = [g for r in results for g in r.breakdown["survey"]["groups"]]
    assert any(not g["sufficient"] for g in groups) and any(g["sufficient"] for g in groups)
    assert sum(r.ballots for r in results) == Ballot.objects.filter(subject__cycle=cycle).count()

    [appeal] = Appeal.objects.filter(subject__cycle=cycle)
    assert appeal.status == Appeal.Status.UPHELD and appeal.subject.area.name == "老城社区"
    assert appeal.total_after != appeal.total_before
    assert appeal.decided_by.username == "evaluator"
    assert AuditEntry.objects.filter(action="evaluation_appeal.decide").exists()


def test_loading_again_adds_nothing(loaded):
    def counts():
        return {
            model.__name__: model.objects.count()
            for model in (Cycle, Subject, ReportedFigure, Inspection, Ballot, Result, Appeal)
        }

    before = counts()
    demo.load(Counter(), seed=7)
    assert counts() == before


def test_the_demo_public_page_and_the_evaluator(loaded, client, client_for, cast):
    cycle = loaded
    response = client.get(f"/evaluation/public/{cycle.pk}/")
    assert response.status_code == 200
    assert_no_personal_numbers(response.content)
    text = response.content.decode()
    assert all(s.name in text for s in Subject.objects.filter(cycle=cycle))
    evaluator = cast.evaluator
    page = client_for(evaluator).get(f"/evaluation/cycles/{cycle.pk}/results/")
    assert page.status_code == 200 and "锁定考核周期" in page.content.decode()
    shown = Subject.objects.filter(cycle=cycle).annotate(n=Count("ballots")).order_by("pk")
    sheet = client_for(evaluator).get(f"/evaluation/subjects/{shown[0].pk}/sheet/")
    assert sheet.status_code == 200
    assert_no_personal_numbers(sheet.content)
