"""Scoring a cycle end to end: from the concerns, a verified figure that an inspection found
inflated and the ballots to the stored results; the ranking keeps its order when a subject
is added; the results page and API for managers only."""

import pytest

from jieyou.core.models import AuditEntry
from jieyou.evaluation.actions import setup
from jieyou.evaluation.actions.scoring import cycle_score
from jieyou.evaluation.errors import EvaluationError
from jieyou.evaluation.models import RaterGroup, Result, ScoredScheme, Subject
from jieyou.evaluation.views.sheet import explained

from . import scored

API = "/api/v1/evaluation"


@pytest.fixture(autouse=True)
def _media(media):
    return media


@pytest.fixture
def built(cast, cycle, subject):
    return scored.build(cast, cycle, subject)


def by_code(result) -> dict:
    return {i["code"]: i for d in explained(result)["dimensions"] for i in d["indicators"]}


def test_a_cycle_scored_from_records_figures_inspections_and_ballots(cast, cycle, subject, built):
    [result] = cycle_score(actor=cast.evaluator, cycle=cycle, reason="首次计分")
    assert result.subject == subject
    assert result.quantitative == pytest.approx(scored.QUANTITATIVE, abs=0.01)
    assert result.inspection == pytest.approx(scored.INSPECTION)
    assert result.survey == pytest.approx(scored.SURVEY)
    assert result.total == pytest.approx(scored.TOTAL, abs=0.01)
    assert result.grade == "一般"
    assert result.rank == 1 and result.ballots == 26
    indicators = by_code(result)
    assert indicators["response"]["actual"] == pytest.approx(0.75)
    assert indicators["response"]["provenance"]["numerator"] == 3
    assert indicators["overdue"]["attainment"] == 1.0
    greening = indicators["greening"]
    # The inspection's observed value replaced the inflated report.
    assert (greening["reported"], greening["observed"], greening["actual"]) == (4200, 3000, 3000)
    assert greening["distorted"] is True and greening["attainment"] == pytest.approx(0.5)
    assert greening["provenance"]["inspection"] == built.pk
    assert greening["value_added"] == pytest.approx(0.0)  # 3000 against a baseline of 3000
    assert indicators["compliance"]["actual"] == 0.0
    groups = {g["kind"]: g for g in result.breakdown["survey"]["groups"]}
    assert groups["public"]["sufficient"] and groups["public"]["index"] == pytest.approx(0.84)
    assert groups["public"]["n"] == 21 and groups["public"]["scored"] == 20
    assert not groups["departments"]["sufficient"] and groups["departments"]["n"] == 5
    assert result.low < result.total < result.high
    # The sheet reads from the database what scoring computed, each number stored once.
    stored = Result.objects.get(subject=subject)
    assert explained(stored) == explained(result)
    assert stored.breakdown["replaced"] == {
        str(greening["id"]): {"reported": 4200, "observed": 3000, "inspection": built.pk}
    }
    assert len(stored.breakdown["actual"]) == 5
    entry = AuditEntry.objects.get(action="evaluation.score", object_id=str(cycle.pk))
    assert entry.detail["reason"] == "首次计分"
    assert entry.detail["totals"] == {subject.name: result.total}


def test_scoring_again_keeps_the_row_and_counts_the_version(cast, cycle, subject, built):
    [first] = cycle_score(actor=cast.evaluator, cycle=cycle)
    scored.ballots(subject, RaterGroup.Kind.DEPARTMENTS, unsatisfied=5)
    [second] = cycle_score(actor=cast.evaluator, cycle=cycle)
    assert second.pk == first.pk and second.version == first.version + 1
    stored = Result.objects.get(subject=subject)
    # Ten departmental ballots now: (5 × 1 + 5 × 0) / 10 = 0.5, weighed 0.4 beside 0.84.
    assert stored.survey == pytest.approx(100 * (0.6 * 0.84 + 0.4 * 0.5))
    assert len(by_code(stored)) == 5 and by_code(stored)["greening"]["actual"] == 3000


def _subject(cast, cycle, scheme, name, area, party_org):
    return setup.subject_add(
        actor=cast.evaluator,
        cycle=cycle,
        scheme=scheme,
        kind=Subject.Kind.COMMUNITY,
        name=name,
        area=area,
        party_org=party_org,
    )


def test_adding_a_subject_reverses_no_ranks(cast, cycle, scheme, subject, party_org):
    xihe = _subject(cast, cycle, scheme, "西河社区", cast.xihe, party_org)
    scored.concerns_2024(cast)
    scored.concerns_2024(cast, cast.shuangmao1, late=0, in_time=2)
    setup.cycle_open(actor=cast.evaluator, cycle=cycle)
    scored.ballots(subject, RaterGroup.Kind.PUBLIC, satisfied=8, basic=4)
    scored.ballots(xihe, RaterGroup.Kind.PUBLIC, satisfied=5, basic=5, unsatisfied=2)
    before = {r.subject_id: r for r in cycle_score(actor=cast.evaluator, cycle=cycle)}

    newcomer = _subject(cast, cycle, scheme, "新增对象", cast.mingzhu, party_org)
    scored.ballots(newcomer, RaterGroup.Kind.PUBLIC, satisfied=30)
    after = {r.subject_id: r for r in cycle_score(actor=cast.evaluator, cycle=cycle)}
    for pk, old in before.items():
        new = after[pk]
        assert (new.total, new.low, new.high) == (old.total, old.low, old.high)
    order = sorted(before, key=lambda pk: before[pk].rank)
    assert sorted(order, key=lambda pk: after[pk].rank) == order
    assert after[newcomer.pk].rank == 1


def test_only_managers_who_are_not_subjects_score(cast, cycle, subject, built):
    for user in (cast.cadre, cast.secretary, cast.outsider):
        with pytest.raises(EvaluationError):
            cycle_score(actor=user, cycle=cycle)
    assert not Result.objects.exists()


def test_the_sheet_explains_the_scheme_as_it_was_scored(cast, cycle, subject, greening):
    # A draft cycle may be scored, and its scheme changed afterwards.
    cycle_score(actor=cast.evaluator, cycle=cycle)
    fields = {f: getattr(greening, f) for f in setup.INDICATOR_FIELDS}
    setup.indicator_save(
        actor=cast.evaluator,
        dimension=greening.dimension,
        indicator=greening,
        **{**fields, "target": 8000},
    )
    kept = ScoredScheme.objects.get(cycle=cycle, scheme=subject.scheme)
    position = kept.columns["indicators"].index(greening.pk)
    assert kept.columns["target"][position] == 5000
    stored = Result.objects.get(subject=subject)
    assert by_code(stored)["greening"]["target"] == 5000
    cycle_score(actor=cast.evaluator, cycle=cycle)
    assert by_code(Result.objects.get(subject=subject))["greening"]["target"] == 8000
    assert ScoredScheme.objects.filter(cycle=cycle).count() == 1


def test_a_breakdown_kept_before_layout_2_still_reads(cast, cycle, subject, built, greening):
    [result] = cycle_score(actor=cast.evaluator, cycle=cycle)
    old = {
        "formula": "…",
        "dimensions": [
            {"id": greening.dimension_id, "indicators": [{"id": greening.pk, "actual": 3000.0}]}
        ],
    }
    Result.objects.filter(pk=result.pk).update(breakdown=old)
    [row] = explained(Result.objects.get(pk=result.pk))["dimensions"][0]["indicators"]
    assert row["name"] == "新增绿化面积" and row["actual"] == 3000.0
