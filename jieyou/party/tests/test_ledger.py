from datetime import date

import pytest
from django.core.exceptions import ValidationError

from jieyou.party import actions as a
from jieyou.party import queries as q
from jieyou.party.models import Enterprise, PartyActivity, PartyMember, PartyOrg

K = PartyOrg.Kind
A = PartyActivity.Kind
M = PartyMember.Status
YEAR = (date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def company(db):
    firm = Enterprise.objects.create(
        name="新疆公路建设集团", kind=Enterprise.Kind.STATE, employees=299
    )
    committee = a.org_create(
        actor=None,
        name="公路建设党委",
        kind=K.COMMITTEE,
        parent=None,
        founded_on=date(2010, 1, 1),
        enterprises=[firm],
    )
    office = a.org_create(
        actor=None,
        name="机关党支部",
        kind=K.BRANCH,
        parent=committee,
        founded_on=date(2010, 1, 1),
        enterprises=[firm],
    )
    project = a.org_create(
        actor=None,
        name="第一项目党支部",
        kind=K.BRANCH,
        parent=committee,
        founded_on=date(2012, 1, 1),
        enterprises=[firm],
    )
    members = [
        a.member_create(actor=None, name=f"党员{i}", org=office, status=M.FULL, on=date(2015, 7, 1))
        for i in range(4)
    ]
    return committee, office, project, members


def test_branch_cannot_hold_a_committee(company):
    _committee, office, *_ = company
    with pytest.raises(ValidationError, match="党支部下不能设立党委"):
        a.org_create(
            actor=None, name="错", kind=K.COMMITTEE, parent=office, founded_on=date(2024, 1, 1)
        )


def test_compliance_lists_the_gaps_of_a_hand_built_year(company):
    _committee, office, _project, members = company
    for month in range(1, 13):
        if month != 5:  # no 支委会 in May
            a.activity_record(
                actor=None,
                kind=A.COMMITTEE_MEETING,
                topic="支委会",
                held_on=date(2024, month, 10),
                orgs=[office],
            )
        a.activity_record(
            actor=None,
            kind=A.GROUP_MEETING,
            topic="党小组会",
            held_on=date(2024, month, 12),
            orgs=[office],
        )
    for quarter_month in (2, 5, 11):  # no 支部党员大会 in Q3
        a.activity_record(
            actor=None,
            kind=A.GENERAL_MEETING,
            topic="党员大会",
            held_on=date(2024, quarter_month, 20),
            orgs=[office],
            attendees=members[:3],
        )
    for quarter_month in (3, 6, 9, 12):
        a.activity_record(
            actor=None,
            kind=A.SPECIAL_LESSON,
            topic="专题党课",
            held_on=date(2024, quarter_month, 1),
            orgs=[office],
        )
    checks = {c.kind: c for c in q.compliance(office, 2024, today=date(2025, 3, 1))}
    assert checks[A.COMMITTEE_MEETING].gaps == ["5月"]
    assert checks[A.GROUP_MEETING].compliant
    assert checks[A.GENERAL_MEETING].gaps == ["第3季度"]
    # 专题党课 is not 党课: the rule counts the kind it names, so every quarter is a gap.
    assert checks[A.LESSON].gaps == ["第1季度", "第2季度", "第3季度", "第4季度"]


def test_periods_not_over_are_not_gaps(company):
    _committee, office, *_ = company
    checks = {c.kind: c for c in q.compliance(office, 2024, today=date(2024, 2, 15))}
    assert checks[A.COMMITTEE_MEETING].gaps == ["1月"]
    assert checks[A.GENERAL_MEETING].gaps == []


def test_summary_moves_by_one_with_each_record(company):
    committee, office, project, _members = company
    before = q.summary(committee, *YEAR)
    a.activity_record(
        actor=None,
        kind=A.BASE_VISIT,
        topic="参观廉政教育基地",
        held_on=date(2024, 6, 1),
        orgs=[office, project],
    )
    a.org_create(
        actor=None,
        name="项目临时党支部",
        kind=K.TEMPORARY,
        parent=committee,
        founded_on=date(2024, 4, 1),
    )
    applicant = a.member_create(
        actor=None, name="新同志", org=project, status=M.CANDIDATE, on=date(2023, 12, 1)
    )
    a.member_advance(actor=None, member=applicant, on=date(2024, 7, 1))
    after = q.summary(committee, *YEAR)
    # A joint visit of two branches is one visit.
    assert after["base_visits"] == before["base_visits"] + 1
    assert after["temporary_branches"] == before["temporary_branches"] + 1
    assert after["developed"] == before["developed"] + 1
    assert list(q.figure_records("developed", committee, *YEAR)) == [applicant]
    # The branch alone sees its own records only.
    assert q.summary(office, *YEAR)["developed"] == 0


def test_pipeline_cannot_skip_or_go_back(company):
    _committee, office, *_ = company
    m = a.member_create(
        actor=None, name="申请人", org=office, status=M.APPLICANT, on=date(2024, 3, 1)
    )
    with pytest.raises(ValidationError, match="早于"):
        a.member_advance(actor=None, member=m, on=date(2024, 2, 1))
    m = a.member_advance(actor=None, member=m, on=date(2024, 4, 1))
    assert m.status == M.ACTIVIST and m.activist_on == date(2024, 4, 1)
    assert list(m.events.values_list("action", "to_value")) == [
        ("register", M.APPLICANT),
        ("advance", M.ACTIVIST),
    ]


def test_attendees_must_belong_and_not_exceed_expected(company):
    _committee, office, project, members = company
    with pytest.raises(ValidationError, match="不属于"):
        a.activity_record(
            actor=None,
            kind=A.THEME_DAY,
            topic="主题党日",
            held_on=date(2024, 1, 16),
            orgs=[project],
            attendees=members[:1],
        )
    activity = a.activity_record(
        actor=None,
        kind=A.THEME_DAY,
        topic="主题党日",
        held_on=date(2024, 1, 16),
        orgs=[office],
        attendees=members[:3],
    )
    assert activity.expected == 4
    assert not PartyActivity.objects.filter(orgs=project).exists()
