from datetime import date

import pytest
from django.core.exceptions import ValidationError

from jieyou.core.models import AuditEntry
from jieyou.party import actions as a
from jieyou.party import queries as q
from jieyou.party import responsibility as r
from jieyou.party.models import PartyOrg, ResponsibilityItem

S = ResponsibilityItem.Status


@pytest.fixture
def setup(cast):
    committee = a.org_create(
        actor=None,
        name="公路建设党委",
        kind=PartyOrg.Kind.COMMITTEE,
        parent=None,
        founded_on=date(2010, 1, 1),
    )
    branch = a.org_create(
        actor=None,
        name="机关党支部",
        kind=PartyOrg.Kind.BRANCH,
        parent=committee,
        founded_on=date(2010, 1, 1),
    )
    decision = r.decision_deploy(
        actor=cast.county_admin,
        org=branch,
        title="落实安全生产责任",
        decided_on=date(2024, 3, 1),
        items=[{"task": "开展隐患排查", "owner": cast.cadre, "deadline": date(2024, 4, 30)}],
    )
    return committee, branch, decision.items.get()


def test_an_item_overdue_then_rectified_late(cast, setup):
    committee, _branch, item = setup
    # Nothing posted by the deadline: overdue, and visible from the committee above.
    assert list(q.overdue_items(committee, today=date(2024, 5, 1))) == [item]
    r.item_progress(actor=cast.cadre, item=item, on=date(2024, 5, 10), note="排查完毕", percent=100)
    item.refresh_from_db()
    assert item.status == S.DONE and not q.overdue_items(committee, today=date(2024, 5, 11))
    check = r.item_check(
        actor=cast.county_admin,
        item=item,
        on=date(2024, 6, 1),
        findings="台账不全",
        rectify_by=date(2024, 6, 15),
    )
    item.refresh_from_db()
    assert item.status == S.RECTIFYING
    assert list(q.unrectified_checks(committee, today=date(2024, 6, 20))) == [check]
    r.item_rectified(actor=cast.cadre, check=check, on=date(2024, 6, 25))
    item.refresh_from_db()
    assert item.status == S.DONE and item.done_on == date(2024, 6, 25)
    assert not q.unrectified_checks(committee, today=date(2024, 7, 1))
    assert AuditEntry.objects.filter(action__startswith="party_item.").count() == 3


def test_owners_report_and_others_supervise(cast, setup):
    _committee, _branch, item = setup
    with pytest.raises(ValidationError, match="只有责任人"):
        r.item_progress(
            actor=cast.secretary, item=item, on=date(2024, 4, 1), note="代填", percent=50
        )
    with pytest.raises(ValidationError, match="不能检查自己"):
        r.item_check(actor=cast.cadre, item=item, on=date(2024, 4, 1), findings="自查")
    assert not item.progress.exists() and not item.checks.exists()


def test_a_deadline_before_the_decision_is_refused(cast, setup):
    _committee, branch, _item = setup
    with pytest.raises(ValidationError, match="早于部署日期"):
        r.decision_deploy(
            actor=None,
            org=branch,
            title="x",
            decided_on=date(2024, 3, 1),
            items=[{"task": "补课", "owner": cast.cadre, "deadline": date(2024, 2, 1)}],
        )
