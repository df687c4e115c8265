"""Who sees which organisations, members, activities, firms and responsibility items."""

from dataclasses import dataclass
from datetime import date

import pytest
from stdnum.cn import ric

from jieyou.party import actions as a
from jieyou.party import scope
from jieyou.party.models import Enterprise, PartyActivity, PartyMember, PartyOrg
from jieyou.party.responsibility import decision_deploy

K = PartyOrg.Kind
M = PartyMember.Status
A = PartyActivity.Kind


def id_number(seq: int) -> str:
    body = f"65232819900101{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class Ledger:
    mingzhu: PartyOrg  # 明珠社区党委, seated in 明珠
    branch: PartyOrg  # its 第一党支部
    shop_org: PartyOrg  # a supermarket's branch, seated in no community, its firm in 明珠
    shop: Enterprise
    xihe: PartyOrg
    xihe_branch: PartyOrg
    company: PartyOrg  # a county-level company committee
    members: list[PartyMember]  # of the 明珠 branch, with phones and ID numbers
    xihe_member: PartyMember
    activity: PartyActivity  # the 明珠 branch's own
    joint: PartyActivity  # a theme day of 明珠's and 西河's branches
    xihe_activity: PartyActivity
    item: object  # a responsibility item of 明珠 owned by the community cadre


def build_ledger(cast) -> Ledger:
    on = date(2020, 1, 1)
    mingzhu = a.org_create(
        actor=None,
        name="明珠社区党委",
        kind=K.COMMITTEE,
        parent=None,
        founded_on=on,
        area=cast.mingzhu,
    )
    branch = a.org_create(
        actor=None, name="明珠第一党支部", kind=K.BRANCH, parent=mingzhu, founded_on=on
    )
    shop = Enterprise.objects.create(
        name="蓝天超市", kind=Enterprise.Kind.MICRO, area=cast.lantian, employees=12
    )
    shop_org = a.org_create(
        actor=None,
        name="蓝天超市党支部",
        kind=K.BRANCH,
        parent=None,
        founded_on=on,
        enterprises=[shop],
    )
    xihe = a.org_create(
        actor=None,
        name="西河社区党委",
        kind=K.COMMITTEE,
        parent=None,
        founded_on=on,
        area=cast.xihe,
    )
    xihe_branch = a.org_create(
        actor=None, name="西河第一党支部", kind=K.BRANCH, parent=xihe, founded_on=on
    )
    company = a.org_create(
        actor=None, name="公路建设党委", kind=K.COMMITTEE, parent=None, founded_on=on
    )
    members = [
        a.member_create(
            actor=None,
            name=f"明珠党员{i}",
            org=branch,
            status=M.FULL,
            on=date(2015, 7, 1),
            phone=f"+86139000000{i:02d}",
            id_number=id_number(i),
        )
        for i in range(3)
    ]
    members.append(
        a.member_create(
            actor=None,
            name="申请人甲",
            org=branch,
            status=M.APPLICANT,
            on=date(2024, 3, 1),
            phone="+8613700001111",
            id_number=id_number(50),
        )
    )
    xihe_member = a.member_create(
        actor=None,
        name="西河党员",
        org=xihe_branch,
        status=M.FULL,
        on=date(2015, 7, 1),
        phone="+8613600002222",
    )
    activity = a.activity_record(
        actor=None,
        kind=A.COMMITTEE_MEETING,
        topic="明珠支委会",
        held_on=date(2024, 3, 5),
        orgs=[branch],
        attendees=members[:2],
        minutes="联系人电话13912340000",
    )
    joint = a.activity_record(
        actor=None,
        kind=A.THEME_DAY,
        topic="联合主题党日",
        held_on=date(2024, 1, 16),
        orgs=[branch, xihe_branch],
    )
    xihe_activity = a.activity_record(
        actor=None, kind=A.STUDY, topic="西河读书班", held_on=date(2024, 4, 1), orgs=[xihe_branch]
    )
    decision = decision_deploy(
        actor=None,
        org=mingzhu,
        title="整治楼道堆物",
        decided_on=date(2024, 2, 1),
        items=[{"task": "清理7号楼楼道", "owner": cast.cadre, "deadline": date(2024, 3, 1)}],
    )
    return Ledger(
        mingzhu,
        branch,
        shop_org,
        shop,
        xihe,
        xihe_branch,
        company,
        members,
        xihe_member,
        activity,
        joint,
        xihe_activity,
        decision.items.get(),
    )


@pytest.fixture
def ledger(cast):
    return build_ledger(cast)


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_county_sees_every_organisation(cast, ledger):
    for user in (cast.county_admin, cast.evaluator):
        assert set(scope.orgs_for(user)) == set(PartyOrg.objects.all())
        assert scope.sees_ledger(user)


def test_community_sees_its_seated_orgs_their_subtrees_and_firms_orgs(cast, ledger):
    expected = {"明珠社区党委", "明珠第一党支部", "蓝天超市党支部"}
    for user in (cast.secretary, cast.cadre):
        assert names(scope.orgs_for(user)) == expected
        assert names(scope.firms_for(user)) == {"蓝天超市"}
    assert names(scope.members_for(cast.secretary)) == {m.name for m in ledger.members}


def test_a_joint_theme_day_is_seen_by_both_communities(cast, ledger):
    mine = set(scope.activities_for(cast.secretary))
    assert mine == {ledger.activity, ledger.joint}
    # 西河's own activity stays with 西河.
    assert ledger.xihe_activity not in mine


def test_others_see_nothing(cast, ledger):
    for user in (cast.outsider, cast.grid_worker, cast.handler):
        assert not scope.orgs_for(user).exists()
        assert not scope.members_for(user).exists()
        assert not scope.activities_for(user).exists()
        assert not scope.firms_for(user).exists()
        assert not scope.sees_ledger(user)


def test_evaluator_reads_but_does_not_keep(cast):
    assert not scope.can_edit(cast.evaluator)
    assert scope.can_edit(cast.secretary) and scope.can_edit(cast.county_admin)


def test_items_are_of_visible_orgs_or_owned(cast, ledger):
    assert set(scope.items_for(cast.secretary)) == {ledger.item}
    assert set(scope.items_for(cast.cadre)) == {ledger.item}
    assert not scope.items_for(cast.outsider).exists()
