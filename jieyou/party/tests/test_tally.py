"""The activity rollup behind the year-end figures: equal to the records it counts, kept so by
activity_record, and rebuilt from the records by `manage.py party_tally`."""

import random
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from jieyou.core.models import AuditEntry
from jieyou.party import actions as a
from jieyou.party import queries as q
from jieyou.party import tally
from jieyou.party.models import ActivityTally, PartyActivity, PartyOrg

K = PartyOrg.Kind
A = PartyActivity.Kind
FROM = date(2023, 11, 1)
DAYS = 500  # to mid-March 2025


@pytest.fixture
def tree(db):
    """Two committees; the first with a general branch holding two branches, a branch of its
    own and a temporary branch; the second with one branch."""

    def org(name, kind, parent=None):
        return a.org_create(
            actor=None, name=name, kind=kind, parent=parent, founded_on=date(2015, 1, 1)
        )

    top = org("集团党委", K.COMMITTEE)
    general = org("机关党总支", K.GENERAL_BRANCH, top)
    first, second = org("第一党支部", K.BRANCH, general), org("第二党支部", K.BRANCH, general)
    project = org("项目党支部", K.BRANCH, top)
    temporary = org("临时党支部", K.TEMPORARY, top)
    other = org("兄弟单位党委", K.COMMITTEE)
    neighbour = org("兄弟单位党支部", K.BRANCH, other)
    return top, general, first, second, project, temporary, other, neighbour


def record_year(orgs, n=250, seed=7):
    """Activities of every kind on random days; one in six is a joint day of two or three
    organisations, in the same subtree or across the two committees."""
    rng = random.Random(seed)
    kinds = list(A.values)
    for i in range(n):
        held_on = FROM + timedelta(days=rng.randrange(DAYS))
        taking_part = rng.sample(orgs, rng.choice([2, 3])) if i % 6 == 0 else [rng.choice(orgs)]
        a.activity_record(
            actor=None,
            kind=rng.choice(kinds),
            topic=f"活动{i}",
            held_on=held_on,
            orgs=taking_part,
            expected=0,
        )


PERIODS = [
    (date(2024, 1, 1), date(2024, 12, 31)),  # a year: months only
    (date(2024, 1, 15), date(2024, 12, 10)),  # both ends inside a month
    (date(2024, 3, 1), date(2024, 3, 20)),  # inside one month, from its first day
    (date(2024, 3, 5), date(2024, 3, 31)),  # inside one month, to its last day
    (date(2024, 2, 29), date(2024, 2, 29)),  # one day
    (date(2023, 12, 31), date(2024, 1, 31)),  # a day, then a whole month
    (date(2023, 11, 1), date(2025, 3, 15)),  # across years
    (date(2024, 5, 1), date(2024, 4, 30)),  # empty
]


def test_every_figure_equals_the_count_of_its_records(tree):
    record_year(list(tree))
    for org in tree:
        for start, end in PERIODS:
            figures = q.summary(org, start, end)
            for name, count in figures.items():
                assert count == q.figure_records(name, org, start, end).count(), (
                    org.name,
                    start,
                    end,
                    name,
                )
    # The figures are not all zero: the check above compared something.
    assert q.summary(tree[0], *PERIODS[0])["studies"] > 10


def test_a_joint_day_counts_once_where_both_take_part_and_once_in_each_subtree(tree):
    top, general, first, second, _project, _temporary, other, neighbour = tree
    year = PERIODS[0]
    before = {o: q.summary(o, *year)["guidance"] for o in (top, general, first, other)}
    a.activity_record(
        actor=None,
        kind=A.GUIDANCE,
        topic="联合赴一线指导",
        held_on=date(2024, 6, 3),
        orgs=[first, second, neighbour],
        expected=0,
    )
    after = {o: q.summary(o, *year)["guidance"] for o in (top, general, first, other)}
    assert {o: after[o] - before[o] for o in after} == {top: 1, general: 1, first: 1, other: 1}
    row = ActivityTally.objects.get(org=general, kind=A.GUIDANCE, month=date(2024, 6, 1))
    assert (row.in_subtree, row.own) == (1, 0)  # the general branch itself did not take part
    assert ActivityTally.objects.get(org=first, kind=A.GUIDANCE, month=date(2024, 6, 1)).own == 1


def test_compliance_of_branches_from_the_rollup_equals_each_branch_from_the_records(tree):
    record_year(list(tree), n=300, seed=11)
    for org in tree:
        checked = q.compliance_of_branches(org, 2024, today=date(2025, 3, 1))
        assert checked == [
            (b, q.compliance(b, 2024, today=date(2025, 3, 1))) for b in q.branches(org)
        ]
    gaps = [c.gaps for _b, checks in q.compliance_of_branches(tree[0], 2024) for c in checks]
    met = [c.met for _b, checks in q.compliance_of_branches(tree[0], 2024) for c in checks]
    assert any(gaps) and any(met)  # some periods held, some missed: both paths compared


def test_rebuild_gives_the_rows_kept_by_activity_record(tree):
    record_year(list(tree), n=150)
    kept = set(ActivityTally.objects.values_list("org_id", "kind", "month", "in_subtree", "own"))
    assert kept and tally.differences() == []
    assert tally.rebuild() == len(kept)
    assert (
        set(ActivityTally.objects.values_list("org_id", "kind", "month", "in_subtree", "own"))
        == kept
    )
    assert AuditEntry.objects.filter(action="party_tally.rebuild").count() == 1


def test_the_command_finds_rows_that_drifted_and_rebuilds_them(tree, capsys):
    top, _general, first, *_ = tree
    a.activity_record(
        actor=None, kind=A.STUDY, topic="读书班", held_on=date(2024, 4, 2), orgs=[first]
    )
    call_command("party_tally", "--check")
    # A sitting written around activity_record (as a bulk load would) is not in the rollup.
    bulk = PartyActivity.objects.create(kind=A.STUDY, topic="导入", held_on=date(2024, 4, 9))
    bulk.orgs.add(first)
    with pytest.raises(CommandError, match="处与记录不一致"):
        call_command("party_tally", "--check")
    assert "统计 (1, 1)，记录 (2, 2)" in capsys.readouterr().err
    year = PERIODS[0]
    assert q.summary(top, *year)["studies"] == 1  # the figure misses the imported sitting
    call_command("party_tally")
    call_command("party_tally", "--check")
    assert q.summary(top, *year)["studies"] == q.figure_records("studies", top, *year).count()
    assert q.summary(top, *year)["studies"] == 2
