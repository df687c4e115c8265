"""Indicators counted from records: the concerns' rates and overdue count, 三会一课 compliance
and ledger counts, visit coverage and meeting suggestions, verified reported figures — each on a
small dataset computed by hand, with the baseline from the year before."""

import sys
import types
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jieyou.concerns import actions as c
from jieyou.concerns.models import Category, Concern
from jieyou.evaluation import sources
from jieyou.evaluation.actions import figures
from jieyou.evaluation.models import Indicator, Subject
from jieyou.evaluation.sources import Period
from jieyou.party import actions as party
from jieyou.party.models import PartyActivity, PartyOrg

from .conftest import pdf

TZ = ZoneInfo("Asia/Shanghai")
A = PartyActivity.Kind


def indicator(scheme, code) -> Indicator:
    return Indicator.objects.get(dimension__scheme=scheme, code=code)


def concern(cast, area, at, *, accept_after=None, follow_up=None, reject=False):
    """HJ gives 12 hours to respond."""
    found = c.concern_submit(
        actor=None,
        category=Category.objects.get(code="HJ"),
        description="楼道堆放杂物",
        channel=Concern.Channel.QR,
        area=area,
        at=at,
    )
    if reject:
        c.concern_reject(actor=cast.secretary, concern=found, reason="重复反映")
        return found
    if accept_after is not None:
        c.concern_accept(actor=cast.secretary, concern=found, at=at + accept_after)
    if follow_up is not None:
        c.concern_resolve(actor=cast.secretary, concern=found, note="已处理")
        solved, satisfaction = follow_up
        c.concern_follow_up(
            actor=cast.grid_worker,
            concern=found,
            method="call",
            solved=solved,
            satisfaction=satisfaction,
        )
    return found


@pytest.fixture
def concerns_2023_2024(cast):
    may = datetime(2024, 5, 6, 9, 0, tzinfo=TZ)
    hour = timedelta(hours=1)
    concern(cast, cast.building7, may, accept_after=2 * hour, follow_up=(True, "satisfied"))
    # Not solved: sent back to the handler, still open at year end, so overdue too.
    concern(cast, cast.building7, may, accept_after=30 * hour, follow_up=(False, "unsatisfied"))
    concern(cast, cast.lantian, may)  # never accepted: due and missed, then overdue
    concern(cast, cast.building7, may, reject=True)  # not counted at all
    concern(cast, cast.shuangmao1, may, accept_after=hour)  # 西河: someone else's
    # Two days before the cycle: the baseline year, not this one.
    last_year = datetime(2023, 12, 30, 9, 0, tzinfo=TZ)
    concern(cast, cast.building7, last_year, accept_after=hour, follow_up=(True, "satisfied"))
    concern(cast, cast.building7, last_year, accept_after=hour, follow_up=(True, "basic"))
    c.concerns_mark_overdue(now=datetime(2025, 1, 10, tzinfo=TZ))


def test_response_rate_and_overdue_of_the_subjects_area(cast, scheme, subject, concerns_2023_2024):
    rate = sources.measure(subject, indicator(scheme, "response"))
    # 2024 in 明珠: three countable concerns, all due; one accepted within 12 hours.
    assert rate.value == pytest.approx(1 / 3)
    assert (rate.provenance["numerator"], rate.provenance["denominator"]) == (1, 3)
    # 2023: two due, both in time.
    assert rate.baseline == pytest.approx(1.0)
    assert rate.provenance["baseline"]["period"] == {"start": "2023-01-01", "end": "2023-12-31"}
    assert rate.provenance["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert rate.provenance["filters"]["area"] == "明珠社区"
    assert rate.provenance["query"] == "jieyou.concerns.queries.rates"

    overdue = sources.measure(subject, indicator(scheme, "overdue"))
    # The unaccepted one in 蓝天家园 and the one sent back; 西河's open one is overdue too
    # but not 明珠's.
    assert Concern.objects.filter(overdue=True).count() == 3
    assert overdue.value == 2.0 and overdue.baseline == 0.0
    assert overdue.provenance["counts"]["concerns"] == 3


def test_satisfaction_rate_from_follow_ups(cast, scheme, subject, concerns_2023_2024):
    satisfaction = Indicator.objects.create(
        dimension=indicator(scheme, "response").dimension,
        code="satisfaction",
        name="满意率",
        kind="quality",
        visibility="visible",
        source="satisfaction_rate",
        weight=0,
        target=0.95,
        floor=0.6,
    )
    figure = sources.measure(subject, satisfaction)
    # 2024: 满意 (1) and 不满意 (0) → 0.5; 2023: 满意 and 基本满意 (0.8) → 0.9.
    assert figure.value == pytest.approx(0.5)
    assert figure.baseline == pytest.approx(0.9)
    every = sources.measure_all(subject)
    assert every[satisfaction.pk] == figure


def test_a_unit_subject_counts_the_concerns_it_led(cast, cycle, scheme):
    subject = Subject.objects.create(
        cycle=cycle, scheme=scheme, kind="unit", name="蓝天物业", unit=cast.property_co
    )
    may = datetime(2024, 5, 6, 9, 0, tzinfo=TZ)
    led = concern(cast, cast.building7, may, accept_after=timedelta(hours=1))
    c.concern_dispatch(actor=cast.secretary, concern=led, lead_unit=cast.property_co)
    concern(cast, cast.building7, may, accept_after=timedelta(hours=1))  # not the unit's
    figure = sources.measure(subject, indicator(scheme, "response"))
    assert figure.provenance["filters"]["lead_unit"] == "蓝天物业公司"
    assert figure.provenance["counts"]["concerns"] == 1
    # No concerns at all in 2023: no baseline rather than a made-up one.
    assert figure.provenance["baseline"]["counts"]["concerns"] == 0
    assert figure.baseline is None


@pytest.fixture
def ledger_2023_2024(party_org):
    branch = PartyOrg.objects.get(name="明珠第一党支部")
    xihe = party.org_create(
        actor=None,
        name="西河第一党支部",
        kind=PartyOrg.Kind.BRANCH,
        parent=None,
        founded_on=date(2020, 1, 1),
    )
    sittings = [
        (A.COMMITTEE_MEETING, date(2024, 1, 10)),
        (A.COMMITTEE_MEETING, date(2024, 2, 10)),
        (A.GENERAL_MEETING, date(2024, 3, 20)),
        (A.LESSON, date(2024, 5, 8)),
        (A.STUDY, date(2024, 4, 1)),
        (A.STUDY, date(2024, 9, 1)),
        (A.THEME_DAY, date(2024, 7, 1)),
        (A.COMMITTEE_MEETING, date(2023, 3, 10)),
        (A.STUDY, date(2023, 6, 1)),
    ]
    for kind, on in sittings:
        party.activity_record(actor=None, kind=kind, topic=str(kind), held_on=on, orgs=[branch])
    # Another community's sittings never count for 明珠.
    party.activity_record(
        actor=None, kind=A.STUDY, topic="西河学习", held_on=date(2024, 4, 2), orgs=[xihe]
    )
    party.activity_record(
        actor=None,
        kind=A.COMMITTEE_MEETING,
        topic="西河支委会",
        held_on=date(2024, 4, 2),
        orgs=[xihe],
    )
    return branch


def test_party_compliance_and_ledger_count(cast, scheme, subject, ledger_2023_2024):
    compliance = sources.measure(subject, indicator(scheme, "compliance"))
    # Rules: 支委会 and 党小组会 monthly (12 + 12), 党员大会 and 党课 quarterly (4 + 4) = 32
    # periods in 2024; met: 支委会 Jan and Feb, 党员大会 Q1, 党课 Q2 = 4.
    assert (compliance.provenance["numerator"], compliance.provenance["denominator"]) == (4, 32)
    assert compliance.value == pytest.approx(4 / 32)
    assert compliance.baseline == pytest.approx(1 / 32)
    committee = next(r for r in compliance.provenance["checks"] if r["kind"] == A.COMMITTEE_MEETING)
    assert committee["met"] == 2 and len(committee["gaps"]) == 10

    studies = sources.measure(subject, indicator(scheme, "studies"))
    # 学习 twice and a 主题党日 in 2024 (studies counts both kinds); once in 2023.
    assert studies.value == 3.0 and studies.baseline == 1.0
    assert len(studies.provenance["record_ids"]) == 3
    assert studies.provenance["figure"] == "studies"


@pytest.mark.parametrize(
    ("starts", "ends", "met_due", "baseline"),
    [
        # 支委会 Jan, Feb; 党员大会 Q1; 党课 Q2 of 6 + 6 monthly and 2 + 2 quarterly periods.
        # The September 支委会 belongs to the second half; the first half of 2023 had none of
        # the ruled kinds in its second half.
        (date(2024, 1, 1), date(2024, 6, 30), (4, 16), 0.0),
        # Only the second half's own periods: the September 支委会; the first half's
        # sittings count neither as met nor as gaps. Before it: the first half, 4 of 16.
        (date(2024, 7, 1), date(2024, 12, 31), (1, 16), 4 / 16),
        # A quarter: 支委会 and 党小组会 for July–September, 党员大会 and 党课 for Q3. Before
        # it, the second quarter: of its 8 periods only 党课 (May) was met.
        (date(2024, 7, 1), date(2024, 9, 30), (1, 8), 1 / 8),
    ],
)
def test_party_compliance_counts_the_periods_of_a_half_year_or_quarter(
    cast, cycle, scheme, subject, ledger_2023_2024, starts, ends, met_due, baseline
):
    party.activity_record(
        actor=None,
        kind=A.COMMITTEE_MEETING,
        topic="九月支委会",
        held_on=date(2024, 9, 12),
        orgs=[ledger_2023_2024],
    )
    period = "half" if (ends - starts).days > 100 else "quarter"
    type(cycle).objects.filter(pk=cycle.pk).update(period=period, starts=starts, ends=ends)
    subject.refresh_from_db()
    compliance = sources.measure(subject, indicator(scheme, "compliance"))
    found = (compliance.provenance["numerator"], compliance.provenance["denominator"])
    assert found == met_due
    assert compliance.baseline == pytest.approx(baseline)


def test_reported_figure_counts_only_once_verified(cast, scheme, subject, greening, media):
    missing = sources.measure(subject, greening)
    assert missing.value is None and missing.provenance["reason"] == "尚未填报"
    figure = figures.figure_enter(
        actor=cast.secretary,
        subject=subject,
        indicator=greening,
        value=4200,
        baseline=3000,
        evidence_files=[pdf()],
    )
    waiting = sources.measure(subject, greening)
    assert waiting.value is None and "尚未经第二人核验" in waiting.provenance["reason"]
    figures.figure_verify(actor=cast.evaluator, figure=figure)
    verified = sources.measure(subject, greening)
    assert (verified.value, verified.baseline) == (4200, 3000)
    assert verified.provenance["verified_by"] == "evaluator"
    assert verified.provenance["evidence"][0]["sha256"] == figure.evidence.get().sha256
    figures.figure_return(actor=cast.county_admin, figure=figure, reason="面积与台账不符")
    returned = sources.measure(subject, greening)
    assert returned.value is None and "面积与台账不符" in returned.provenance["reason"]


@dataclass
class Coverage:
    households: int
    visited: int
    share: float | None


@dataclass
class MeetingFigures:
    meetings: int
    by_kind: dict
    suggestions: int
    resolved: int


@pytest.fixture
def points_figures(monkeypatch):
    """The points figures as the other app defines them, answering per period; the calls are
    kept to check what was asked."""
    calls = []

    def visit_coverage(*, area, start, end):
        calls.append(("visits", area.name, start, end))
        return Coverage(200, 150, 0.75) if start.year == 2024 else Coverage(200, 100, 0.5)

    def meeting_figures(*, area, start, end):
        calls.append(("meetings", area.name, start, end))
        if start.year == 2024:
            return MeetingFigures(43, {"owners": 43}, 80, 79)
        return MeetingFigures(20, {"owners": 20}, 40, 30)

    try:
        from jieyou.points.queries import figures as module
    except ImportError:
        module = types.ModuleType("jieyou.points.queries.figures")
        monkeypatch.setitem(sys.modules, "jieyou.points.queries.figures", module)
        import jieyou.points.queries as package

        monkeypatch.setattr(package, "figures", module, raising=False)
    monkeypatch.setattr(module, "visit_coverage", visit_coverage, raising=False)
    monkeypatch.setattr(module, "meeting_figures", meeting_figures, raising=False)
    return calls


def test_visit_coverage_and_suggestions_resolved(cast, cycle, scheme, subject, points_figures):
    dimension = indicator(scheme, "response").dimension
    common = {"kind": "quality", "visibility": "latent", "weight": 0, "dimension": dimension}
    visits = Indicator.objects.create(
        code="visits", name="走访", source="visit_coverage", target=1, floor=0.5, **common
    )
    resolved = Indicator.objects.create(
        code="resolved", name="建议", source="suggestions_resolved", target=80, floor=20, **common
    )
    coverage = sources.measure(subject, visits)
    assert (coverage.value, coverage.baseline) == (0.75, 0.5)
    assert (coverage.provenance["numerator"], coverage.provenance["denominator"]) == (150, 200)
    suggestions = sources.measure(subject, resolved)
    assert (suggestions.value, suggestions.baseline) == (79.0, 30.0)
    assert suggestions.provenance["counts"]["meetings"] == 43
    assert ("visits", "明珠社区", date(2024, 1, 1), date(2024, 12, 31)) in points_figures
    assert ("meetings", "明珠社区", date(2023, 1, 1), date(2023, 12, 31)) in points_figures


def test_previous_period_of_equal_length():
    assert Period(date(2024, 4, 1), date(2024, 6, 30)).previous() == Period(
        date(2024, 1, 1), date(2024, 3, 31)
    )
    assert Period(date(2024, 1, 1), date(2024, 6, 30)).previous() == Period(
        date(2023, 7, 1), date(2023, 12, 31)
    )
    # Not whole months: the same number of days just before.
    assert Period(date(2024, 3, 10), date(2024, 3, 19)).previous() == Period(
        date(2024, 2, 29), date(2024, 3, 9)
    )


def test_a_subject_without_a_party_org_gets_no_figure_and_a_reason(cast, cycle, scheme):
    bare = Subject.objects.create(
        cycle=cycle, scheme=scheme, kind="community", name="无党组织", area=cast.xihe
    )
    figure = sources.measure(bare, indicator(scheme, "compliance"))
    assert figure.value is None and "未设党组织" in figure.provenance["reason"]
