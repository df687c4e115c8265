"""申诉: only the subject, only in the window; a reviewer who is not the subject decides; an
upheld appeal's corrections change the score through a new scoring and leave an audit trail
with the totals before and after."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from jieyou.core.models import AuditEntry
from jieyou.evaluation.actions import publication
from jieyou.evaluation.actions.scoring import cycle_score
from jieyou.evaluation.errors import EvaluationError
from jieyou.evaluation.models import Appeal, Indicator, Inspection, ReportedFigure, Result
from jieyou.evaluation.views.sheet import explained

from . import scored
from .conftest import pdf


@pytest.fixture(autouse=True)
def _media(media):
    return media


@pytest.fixture
def published(cast, cycle, subject):
    inspection = scored.build(cast, cycle, subject)
    cycle_score(actor=cast.evaluator, cycle=cycle)
    publication.cycle_publish(actor=cast.evaluator, cycle=cycle, days=7)
    return inspection


def file(cast, subject, **kwargs):
    kwargs.setdefault("reasons", "实地核查测量的绿化面积漏算了北侧绿地")
    return publication.appeal_file(actor=cast.cadre, subject=subject, **kwargs)


def test_only_the_subject_appeals_and_only_in_the_window(cast, cycle, subject, published):
    for user in (cast.secretary, cast.evaluator, cast.outsider):
        with pytest.raises(EvaluationError, match="只有被考核人本人"):
            publication.appeal_file(actor=user, subject=subject, reasons="不服")
    with pytest.raises(EvaluationError) as refused:
        file(cast, subject, reasons="  ")
    assert "reasons" in refused.value.message_dict
    appeal = file(cast, subject, evidence=pdf("北侧绿地测绘图.pdf"))
    assert appeal.status == Appeal.Status.FILED and appeal.evidence.name.endswith(".pdf")
    with pytest.raises(EvaluationError, match="已有一件申诉待复核"):
        file(cast, subject)
    entry = AuditEntry.objects.get(action="evaluation_appeal.file", object_id=str(appeal.pk))
    assert (
        entry.actor_id == cast.cadre.pk and entry.detail["evidence"]["name"] == "北侧绿地测绘图.pdf"
    )
    publication.appeal_decide(actor=cast.evaluator, appeal=appeal, upheld=False, decision="维持")
    later = timezone.now() + timedelta(days=8)
    with time_machine.travel(later), pytest.raises(EvaluationError, match="只能在公示期内申诉"):
        file(cast, subject)


def test_no_appeal_before_publication(cast, cycle, subject):
    scored.build(cast, cycle, subject)
    cycle_score(actor=cast.evaluator, cycle=cycle)
    with pytest.raises(EvaluationError, match="只能在公示期内申诉"):
        file(cast, subject)


def test_the_subject_never_decides_their_own_appeal(cast, cycle, subject, published):
    appeal = file(cast, subject)
    for user in (cast.cadre, cast.secretary, cast.outsider):
        with pytest.raises(EvaluationError):
            publication.appeal_decide(actor=user, appeal=appeal, upheld=True, decision="成立")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.FILED


def test_an_upheld_appeal_corrects_the_figure_rescores_and_is_audited(
    cast, cycle, subject, published
):
    greening = scored.greening_of(subject.scheme)
    appeal = file(cast, subject, indicator=greening)
    before = Result.objects.get(subject=subject)
    decided = publication.appeal_decide(
        actor=cast.evaluator,
        appeal=appeal,
        upheld=True,
        decision="复测北侧绿地后认定新增绿化 4000 平方米",
        corrections=[{"kind": "figure", "indicator": greening.pk, "value": "4000"}],
    )
    after = Result.objects.get(subject=subject)
    # Attainment (4000 − 1000) / 4000 = 0.75 instead of 0.5: 定量 up by 100 × 0.24 × 0.25 = 6,
    # the total by 0.4 × 6 = 2.4.
    assert after.quantitative == pytest.approx(before.quantitative + 6, abs=0.01)
    assert after.total == pytest.approx(before.total + 2.4, abs=0.01)
    assert (decided.total_before, decided.total_after) == (before.total, after.total)
    assert decided.status == Appeal.Status.UPHELD and decided.decided_by == cast.evaluator
    assert after.version == before.version + 1
    row = next(
        i for d in explained(after)["dimensions"] for i in d["indicators"] if i["id"] == greening.pk
    )
    assert (row["reported"], row["observed"], row["corrected"], row["actual"]) == (
        4200,
        3000,
        4000,
        4000,
    )
    assert row["provenance"]["appeal"] == appeal.pk
    # The records stay as they were; the correction lives on the appeal.
    assert ReportedFigure.objects.get(subject=subject).value == 4200
    assert Inspection.objects.get(pk=published.pk).observed_value == 3000
    actions = list(
        AuditEntry.objects.filter(action__startswith="evaluation")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "evaluation_appeal.file",
        "evaluation_appeal.correct",
        "evaluation.score",
        "evaluation_appeal.decide",
    ]
    correct = AuditEntry.objects.get(action="evaluation_appeal.correct")
    assert correct.detail["before"]["reported"] == 4200 and correct.detail["value"] == 4000
    decide = AuditEntry.objects.get(action="evaluation_appeal.decide")
    assert (decide.detail["total_before"], decide.detail["total_after"]) == (
        before.total,
        after.total,
    )
    score = AuditEntry.objects.filter(action="evaluation.score").latest("id")
    assert str(appeal.pk) in score.detail["reason"]


def test_an_inspection_found_wrong_is_set_aside(cast, cycle, subject, published):
    appeal = file(cast, subject, reasons="核查人员量错了地块")
    before = Result.objects.get(subject=subject)
    publication.appeal_decide(
        actor=cast.county_admin,
        appeal=appeal,
        upheld=True,
        decision="核查地块有误，撤销该次核查结论",
        corrections=[{"kind": "inspection", "inspection": published.pk}],
    )
    after = Result.objects.get(subject=subject)
    # No inspection counts: 实看 is left out and the reported 4200 counts again, attainment
    # (4200 − 1000) / 4000 = 0.8: 定量 = previous + 100 × 0.24 × 0.3 = +7.2.
    assert after.inspection is None
    quantitative = before.quantitative + 7.2
    assert after.quantitative == pytest.approx(quantitative, abs=0.01)
    assert after.total == pytest.approx((0.4 * quantitative + 0.4 * 84) / 0.8, abs=0.01)
    listed = after.breakdown["inspections"][0]
    assert listed["set_aside_by"] == appeal.pk and listed["mean"] is None


def test_a_dismissed_appeal_changes_nothing_and_corrections_are_checked(
    cast, cycle, subject, published
):
    appeal = file(cast, subject)
    response = Indicator.objects.get(dimension__scheme=subject.scheme, code="response")
    with pytest.raises(EvaluationError, match="由业务记录统计"):
        publication.appeal_decide(
            actor=cast.evaluator,
            appeal=appeal,
            upheld=True,
            decision="成立",
            corrections=[{"kind": "figure", "indicator": response.pk, "value": 1}],
        )
    with pytest.raises(EvaluationError, match="维持原结果时不能有更正事项"):
        publication.appeal_decide(
            actor=cast.evaluator,
            appeal=appeal,
            upheld=False,
            decision="维持",
            corrections=[{"kind": "inspection", "inspection": published.pk}],
        )
    before = Result.objects.get(subject=subject)
    decided = publication.appeal_decide(
        actor=cast.evaluator, appeal=appeal, upheld=False, decision="经复核，维持原结果"
    )
    after = Result.objects.get(subject=subject)
    assert decided.status == Appeal.Status.DISMISSED
    assert decided.total_before == decided.total_after == before.total
    assert after.version == before.version
    with pytest.raises(EvaluationError, match="已复核"):
        publication.appeal_decide(actor=cast.evaluator, appeal=appeal, upheld=True, decision="x")


def test_the_appeal_pages_file_decide_and_correct(cast, client_for, cycle, subject, published):
    greening = scored.greening_of(subject.scheme)
    mine = client_for(cast.cadre)
    prefix = f"s{subject.pk}"
    response = mine.post(f"/evaluation/mine/{subject.pk}/appeal/", {f"{prefix}-reasons": ""})
    assert response.status_code == 422 and "申诉理由：必须填写" in response.content.decode()
    response = mine.post(
        f"/evaluation/mine/{subject.pk}/appeal/",
        {
            f"{prefix}-reasons": "北侧绿地未计入",
            f"{prefix}-indicator": greening.pk,
            f"{prefix}-evidence": pdf("测绘图.pdf"),
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(subject=subject)
    assert mine.get(f"/evaluation/appeals/{appeal.pk}/evidence/").status_code == 200
    assert (
        client_for(cast.outsider).get(f"/evaluation/appeals/{appeal.pk}/evidence/").status_code
        == 404
    )

    manager = client_for(cast.evaluator)
    page = manager.get(f"/evaluation/appeals/{appeal.pk}/")
    assert page.status_code == 200
    assert f"value_{greening.pk}" in page.content.decode()
    assert f"set_aside_{published.pk}" in page.content.decode()
    before = Result.objects.get(subject=subject).total
    response = manager.post(
        f"/evaluation/appeals/{appeal.pk}/decide/",
        {"upheld": "1", "decision": "复测后认定 4000 平方米", f"value_{greening.pk}": "4000"},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD
    assert appeal.corrections == [{"kind": "figure", "indicator": greening.pk, "value": 4000.0}]
    assert appeal.total_before == before
    assert appeal.total_after == pytest.approx(before + 2.4, abs=0.01)
    text = mine.get("/evaluation/mine/").content.decode()
    assert "申诉成立" in text and str(appeal.total_after) in text
