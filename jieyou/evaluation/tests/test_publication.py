"""公示 and the lock: publishing needs current results, the window is kept, the lock comes
after the window and the appeals, and a locked cycle changes no more."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from jieyou.core.models import AuditEntry
from jieyou.evaluation.actions import figures, publication
from jieyou.evaluation.actions.scoring import cycle_score
from jieyou.evaluation.errors import EvaluationError
from jieyou.evaluation.models import Appeal, Cycle, Indicator, RaterGroup, Result

from . import scored


@pytest.fixture(autouse=True)
def _media(media):
    return media


@pytest.fixture
def built(cast, cycle, subject):
    return scored.build(cast, cycle, subject)


def publish(cast, cycle, days=7):
    return publication.cycle_publish(actor=cast.evaluator, cycle=cycle, days=days)


def test_publishing_needs_a_result_for_every_subject(cast, cycle, subject, built):
    with pytest.raises(EvaluationError, match="没有计分结果"):
        publish(cast, cycle)
    cycle_score(actor=cast.evaluator, cycle=cycle)
    published = publish(cast, cycle, days=5)
    assert published.status == Cycle.Status.PUBLISHED
    assert published.publication_ends - published.published_at == timedelta(days=5)
    entry = AuditEntry.objects.get(action="evaluation_cycle.publish", object_id=str(cycle.pk))
    assert entry.detail["days"] == 5
    assert entry.detail["totals"] == {subject.name: Result.objects.get(subject=subject).total}


def test_results_older_than_their_inputs_are_not_published(cast, cycle, subject, built):
    cycle_score(actor=cast.evaluator, cycle=cycle)
    scored.ballots(subject, RaterGroup.Kind.PUBLIC, satisfied=1)
    with pytest.raises(EvaluationError, match="计分后又收到了评价票"):
        publish(cast, cycle)
    cycle_score(actor=cast.evaluator, cycle=cycle)
    figure = subject.figures.get()
    figures.figure_return(actor=cast.evaluator, figure=figure, reason="面积口径不对")
    with pytest.raises(EvaluationError, match="计分后填报数据有变动"):
        publish(cast, cycle)
    cycle_score(actor=cast.evaluator, cycle=cycle)
    assert publish(cast, cycle).status == Cycle.Status.PUBLISHED


def test_results_scored_under_other_weights_or_targets_are_not_published(
    cast, cycle, subject, built
):
    cycle_score(actor=cast.evaluator, cycle=cycle)
    indicator = Indicator.objects.filter(dimension__scheme=subject.scheme).first()
    Indicator.objects.filter(pk=indicator.pk).update(target=indicator.target + 10)
    with pytest.raises(EvaluationError, match="计分后考核方案"):
        publish(cast, cycle)
    cycle_score(actor=cast.evaluator, cycle=cycle)
    assert publish(cast, cycle).status == Cycle.Status.PUBLISHED


def test_publication_is_for_managers_who_are_not_subjects_and_for_open_cycles(
    cast, cycle, subject, built
):
    cycle_score(actor=cast.evaluator, cycle=cycle)
    for user in (cast.cadre, cast.secretary, cast.outsider):
        with pytest.raises(EvaluationError):
            publication.cycle_publish(actor=user, cycle=cycle, days=7)
    for days in (0, 31, "七"):
        with pytest.raises(EvaluationError) as refused:
            publish(cast, cycle, days=days)
        assert "days" in refused.value.message_dict
    publish(cast, cycle)
    with pytest.raises(EvaluationError, match="只有进行中的考核周期可以公示"):
        publish(cast, cycle)


def test_the_lock_waits_for_the_window_and_the_appeals(cast, cycle, subject, built):
    cycle_score(actor=cast.evaluator, cycle=cycle)
    with pytest.raises(EvaluationError, match="只有公示期满"):
        publication.cycle_lock(actor=cast.evaluator, cycle=cycle)
    publish(cast, cycle, days=7)
    with pytest.raises(EvaluationError, match="期满后才能锁定"):
        publication.cycle_lock(actor=cast.evaluator, cycle=cycle)
    appeal = publication.appeal_file(actor=cast.cadre, subject=subject, reasons="绿化面积测量有误")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        with pytest.raises(EvaluationError, match="1 件申诉待复核"):
            publication.cycle_lock(actor=cast.evaluator, cycle=cycle)
        with pytest.raises(EvaluationError):
            publication.cycle_lock(actor=cast.cadre, cycle=cycle)
        publication.appeal_decide(
            actor=cast.evaluator, appeal=appeal, upheld=False, decision="经复核，测量无误"
        )
        locked = publication.cycle_lock(actor=cast.county_admin, cycle=cycle)
    assert locked.status == Cycle.Status.LOCKED and locked.locked_at is not None
    assert AuditEntry.objects.filter(action="evaluation_cycle.lock").count() == 1


def test_nothing_changes_a_locked_cycle(cast, cycle, subject, built):
    cycle_score(actor=cast.evaluator, cycle=cycle)
    publish(cast, cycle, days=1)
    appeal = publication.appeal_file(actor=cast.cadre, subject=subject, reasons="第一次申诉")
    publication.appeal_decide(actor=cast.evaluator, appeal=appeal, upheld=False, decision="维持")
    later = timezone.now() + timedelta(days=2)
    with time_machine.travel(later):
        publication.cycle_lock(actor=cast.evaluator, cycle=cycle)
        before = Result.objects.get(subject=subject)
        with pytest.raises(EvaluationError, match="已锁定"):
            cycle_score(actor=cast.evaluator, cycle=cycle)
        with pytest.raises(EvaluationError, match="已锁定"):
            publication.appeal_file(actor=cast.cadre, subject=subject, reasons="再申诉")
        with pytest.raises(EvaluationError):
            publish(cast, cycle)
        with pytest.raises(EvaluationError):
            publication.cycle_lock(actor=cast.evaluator, cycle=cycle)
        with pytest.raises(EvaluationError, match="已锁定"):
            publication.appeal_decide(
                actor=cast.evaluator, appeal=appeal, upheld=True, decision="改判"
            )
        with pytest.raises(EvaluationError):
            figures.figure_return(actor=cast.evaluator, figure=subject.figures.get(), reason="改")
    after = Result.objects.get(subject=subject)
    assert (after.total, after.version) == (before.total, before.version)
    assert Appeal.objects.filter(subject=subject).count() == 1
