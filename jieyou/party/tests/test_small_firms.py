from datetime import date

import pytest
from django.core.exceptions import ValidationError

from jieyou.concerns.models import Concern
from jieyou.party import actions as a
from jieyou.party import small_firms as sf
from jieyou.party.models import Enterprise, PartyActivity, PartyOrg

E = Enterprise.Kind


def _firm(name, kind, area=None, instructor=""):
    return Enterprise.objects.create(name=name, kind=kind, area=area, instructor=instructor)


def test_two_coverages_by_kind_computed_by_hand(cast):
    own = _firm("快客运输", E.MICRO)
    joint_a, joint_b = _firm("甲商店", E.SOLE_TRADER), _firm("乙商店", E.SOLE_TRADER)
    _firm("丙商店", E.SOLE_TRADER, instructor="王指导员")
    _firm("丁商店", E.SOLE_TRADER)
    _firm("农贸市场", E.MARKET)
    _firm("国企", E.STATE)  # not 小个专: left out
    a.org_create(
        actor=None,
        name="快客党支部",
        kind=PartyOrg.Kind.BRANCH,
        parent=None,
        founded_on=date(2020, 1, 1),
        enterprises=[own],
    )
    a.org_create(
        actor=None,
        name="商户联合党支部",
        kind=PartyOrg.Kind.JOINT,
        parent=None,
        founded_on=date(2021, 1, 1),
        enterprises=[joint_a, joint_b],
    )
    result = sf.coverage(Enterprise.objects.all())
    traders = result[E.SOLE_TRADER]
    assert (traders.firms, traders.joint, traders.instructor, traders.none) == (4, 2, 1, 1)
    assert traders.organisation_rate == pytest.approx(0.5)
    assert traders.work_rate == pytest.approx(0.75)
    assert result[E.MICRO].organisation_rate == 1.0
    assert result[E.MARKET].work_rate == 0.0
    assert E.STATE not in result


def test_difficulty_at_a_joint_theme_day_becomes_a_tracked_concern(cast):
    bureau = a.org_create(
        actor=None,
        name="市场监管局第一党支部",
        kind=PartyOrg.Kind.BRANCH,
        parent=None,
        founded_on=date(2015, 1, 1),
    )
    firm = _firm("隆源恒峰百货超市", E.MICRO, area=cast.mingzhu)
    shop_branch = a.org_create(
        actor=None,
        name="超市党支部",
        kind=PartyOrg.Kind.BRANCH,
        parent=None,
        founded_on=date(2019, 1, 1),
        enterprises=[firm],
    )
    day = a.activity_record(
        actor=None,
        kind=PartyActivity.Kind.THEME_DAY,
        topic="党建引领“小个专”凝心聚力谋新篇",
        held_on=date(2025, 1, 16),
        orgs=[bureau, shop_branch],
    )
    difficulty = sf.difficulty_raise(
        actor=cast.county_admin,
        activity=day,
        enterprise=firm,
        description="进货资金周转困难，希望了解贴息政策",
    )
    concern = difficulty.concern
    assert concern.category.code == "QY" and concern.channel == Concern.Channel.MEETING
    assert concern.status == Concern.Status.SUBMITTED and concern.area == cast.mingzhu
    assert set(day.orgs.all()) == {bureau, shop_branch}


def test_difficulty_needs_the_firms_place(cast):
    firm = _firm("无地址商户", E.SOLE_TRADER)
    branch = a.org_create(
        actor=None,
        name="某支部",
        kind=PartyOrg.Kind.BRANCH,
        parent=None,
        founded_on=date(2015, 1, 1),
    )
    day = a.activity_record(
        actor=None,
        kind=PartyActivity.Kind.THEME_DAY,
        topic="主题党日",
        held_on=date(2025, 1, 16),
        orgs=[branch],
    )
    with pytest.raises(ValidationError, match="所在的社区"):
        sf.difficulty_raise(actor=None, activity=day, enterprise=firm, description="困难")
    assert not Concern.objects.filter(description="困难").exists()
