"""Service points for the points app's tests, made through the actions: 明珠社区's point in
蓝天家园小区 and 西河社区's in 双茂小区 (the outsider's community)."""

from datetime import time

import pytest

from jieyou.demo.county import SERVICE_POINTS
from jieyou.points.actions.points import point_save
from jieyou.points.actions.services import service_save
from jieyou.points.models import Service, Zone

Z = Zone.Kind


@pytest.fixture
def point(cast):
    return point_save(
        actor=cast.secretary,
        community=cast.mingzhu,
        name=SERVICE_POINTS["明珠社区"],
        area=cast.lantian,
        address="木垒镇明珠社区蓝天家园小区",
        hours="周一至周六 9:30–19:30",
        contact=cast.grid_worker,
        phone="0994-4822101",
        latitude="43.830000",
        longitude="90.280000",
        zones=[(Z.MARKET, "", ""), (Z.CONSULTATION, "", ""), (Z.HELP, "", "小补小修")],
    )


@pytest.fixture
def xihe_point(cast):
    return point_save(
        actor=cast.outsider,
        community=cast.xihe,
        name=SERVICE_POINTS["西河社区"],
        area=cast.shuangmao,
        address="木垒镇西河社区双茂小区",
        hours="周一至周六 9:30–19:30",
        contact=cast.outsider,
        latitude="43.840000",
        longitude="90.300000",
        zones=[(Z.CLINIC, "", ""), (Z.HAIRCUT, "", "")],
    )


@pytest.fixture
def point_services(cast, point):
    """Three services at 明珠's point: 家电维修 (Tue, Sat), 理发 (Fri), 管道疏通 (by call)."""
    make = lambda **kw: service_save(actor=cast.secretary, point=point, **kw)  # noqa: E731
    return {
        "家电维修": make(
            name="家电维修",
            provider_kind=Service.Provider.VENDOR,
            provider="老马家电维修部",
            weekdays="26",
            starts=time(15, 0),
            ends=time(18, 0),
        ),
        "理发": make(
            name="理发",
            provider_kind=Service.Provider.VOLUNTEER,
            provider="爱心义剪志愿队",
            weekdays="5",
            starts=time(10, 0),
            ends=time(12, 0),
        ),
        "管道疏通": make(
            name="管道疏通",
            provider_kind=Service.Provider.VENDOR,
            provider="顺通管道疏通服务部",
            schedule_note="电话预约",
        ),
    }
