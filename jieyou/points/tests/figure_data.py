"""Small hand-made records for the figures tests: households in 蓝天家园小区, and a little of
everything in 明珠 and 西河 in 2024 (build_records), with a few rows outside the year."""

from datetime import date, datetime, time
from itertools import count
from zoneinfo import ZoneInfo

from jieyou.concerns import actions as concern_actions
from jieyou.concerns.models import Concern, FollowUp
from jieyou.people.models import Household
from jieyou.places.models import Area
from jieyou.points.actions.events import event_save
from jieyou.points.actions.meetings import meeting_record
from jieyou.points.actions.services import delivery_record
from jieyou.points.actions.visits import visit_record
from jieyou.points.actions.volunteers import activity_record, volunteer_save
from jieyou.points.models import (
    Event,
    Market,
    MarketClosure,
    Meeting,
    Vendor,
    VendorRegistration,
    Volunteer,
    VolunteerActivity,
)

LOCAL = ZoneInfo("Asia/Shanghai")
MK = Meeting.Kind
keys = count()


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL)


def household(building: Area, room: str) -> Household:
    return Household.objects.get_or_create(building=building, room=room)[0]


def visit(worker, h: Household, day: date, purpose="call"):
    return visit_record(
        actor=worker, household=h, purpose=purpose, visited_on=day, client_key=f"k{next(keys)}"
    )


def lantian_households(cast):
    """蓝天家园小区: 7号楼 301, 601 (the cast's), 302; 8号楼 101, 102 — five households."""
    b7, b8 = cast.building7, cast.building8
    return {
        "7-301": household(b7, "301"),
        "7-601": household(b7, "601"),
        "7-302": household(b7, "302"),
        "8-101": household(b8, "101"),
        "8-102": household(b8, "102"),
    }


def meeting(actor, community, kind, day, n, point=None):
    return meeting_record(
        actor=actor,
        community=community,
        point=point,
        kind=kind,
        held_on=day,
        attendance=20,
        topics="小区停车管理",
        suggestions=[{"category": "WY", "description": f"建议{i}"} for i in range(n)],
        at=at(day, 19),
    )


def resolve(concern, *, handler, follower, day, solved=True):
    """Accept, resolve and follow up a concern on `day` (solved closes it)."""
    concern = concern_actions.concern_accept(actor=handler, concern=concern, at=at(day, 9))
    concern = concern_actions.concern_resolve(
        actor=handler, concern=concern, note="已处理", at=at(day, 11)
    )
    concern_actions.concern_follow_up(
        actor=follower,
        concern=concern,
        method=FollowUp.Method.CALL,
        solved=solved,
        satisfaction="satisfied" if solved else "unsatisfied",
        at=at(day, 15),
    )
    return Concern.objects.get(pk=concern.pk)


def concerns_of(m: Meeting) -> list[Concern]:
    return [s.concern for s in m.suggestions.select_related("concern").order_by("pk")]


def build_records(cast, point, xihe_point, point_services, lantian_households):
    """A little of everything in 明珠 and in 西河 in 2024, and a few rows outside the year."""
    secretary, worker, outsider = cast.secretary, cast.grid_worker, cast.outsider
    h = lantian_households
    shuangmao = household(cast.shuangmao1, "102")
    # Meetings: 明珠 an owners' meeting (2 suggestions, 1 resolved) and a residents' one;
    # 西河 an owners' meeting (1 suggestion, resolved).
    m1 = meeting(secretary, cast.mingzhu, MK.OWNERS, date(2024, 3, 1), 2, point)
    resolve(concerns_of(m1)[0], handler=secretary, follower=worker, day=date(2024, 3, 8))
    meeting(secretary, cast.mingzhu, MK.RESIDENTS, date(2024, 9, 1), 0, point)
    m3 = meeting(outsider, cast.xihe, MK.OWNERS, date(2024, 4, 1), 1, xihe_point)
    concern = concerns_of(m3)[0]
    concern_actions.concern_accept(actor=outsider, concern=concern, at=at(date(2024, 4, 2)))
    concern_actions.concern_resolve(
        actor=outsider, concern=concern, note="已处理", at=at(date(2024, 4, 3))
    )
    concern_actions.concern_follow_up(
        actor=None, concern=concern, method="self", solved=True, at=at(date(2024, 4, 4))
    )
    meeting(secretary, cast.mingzhu, MK.OWNERS, date(2023, 6, 1), 0)
    # Visits.
    visit(worker, h["7-301"], date(2024, 2, 1))
    visit(worker, h["7-301"], date(2024, 2, 9))
    visit(worker, h["8-101"], date(2024, 5, 1))
    visit(outsider, shuangmao, date(2024, 5, 2))
    visit(worker, h["7-601"], date(2023, 5, 1))
    # Services given.
    for day, people in ((date(2024, 2, 2), 5), (date(2024, 2, 9), 7), (date(2023, 2, 3), 4)):
        delivery_record(actor=secretary, service=point_services["理发"], day=day, people=people)
    # Events.
    for p, kind, day, people in (
        (point, Event.Kind.CLINIC, date(2024, 6, 1), 30),
        (point, Event.Kind.OPERA, date(2024, 6, 8), 80),
        (point, Event.Kind.CLINIC, date(2025, 1, 1), 10),
        (xihe_point, Event.Kind.HAIRCUT, date(2024, 11, 1), 12),
    ):
        actor = secretary if p == point else outsider
        event_save(
            actor=actor, point=p, kind=kind, title="活动", starts_at=at(day), people_served=people
        )
    # Volunteers: two in 明珠 (one with activities), one in 西河.
    v1 = volunteer_save(
        actor=secretary,
        community=cast.mingzhu,
        name="王建国",
        background=Volunteer.Background.VETERAN_MEMBER,
        roles=["patrol", "mediator"],
        joined_on=date(2023, 5, 1),
    )
    volunteer_save(
        actor=secretary,
        community=cast.mingzhu,
        name="李秀英",
        background=Volunteer.Background.BUILDING_HEAD,
        roles=["informant"],
    )
    v3 = volunteer_save(
        actor=outsider,
        community=cast.xihe,
        name="马玉兰",
        background=Volunteer.Background.RESIDENT,
        roles=["liaison"],
    )
    for v, kind, day in (
        (v1, VolunteerActivity.Kind.PATROL, date(2024, 1, 5)),
        (v1, VolunteerActivity.Kind.PATROL, date(2024, 1, 12)),
        (v1, VolunteerActivity.Kind.MEDIATION, date(2024, 8, 1)),
        (v3, VolunteerActivity.Kind.SERVICE, date(2024, 8, 2)),
        (v3, VolunteerActivity.Kind.SERVICE, date(2023, 8, 2)),
    ):
        keeper = secretary if v == v1 else outsider
        activity_record(actor=keeper, volunteer=v, kind=kind, day=day, hours=2)
    # Markets: every Friday at 明珠 from 1 November 2024 (closed on 15 November); one vendor
    # registered at both communities' markets, one only at 明珠's.
    m = Market.objects.create(
        point=point, name="周五集市", weekdays="5", first_day=date(2024, 11, 1)
    )
    MarketClosure.objects.create(market=m, day=date(2024, 11, 15), reason="降雪")
    x = Market.objects.create(
        point=xihe_point,
        name="周六集市",
        weekdays="6",
        first_day=date(2024, 12, 1),
        last_day=date(2024, 12, 14),
    )
    both, one = Vendor.objects.create(name="马大姐"), Vendor.objects.create(name="张师傅")
    for market, vendor, first, last in (
        (m, both, date(2024, 11, 1), date(2024, 11, 29)),
        (x, both, date(2024, 12, 7), date(2024, 12, 7)),
        (m, one, date(2024, 11, 8), date(2024, 11, 8)),
        (m, one, date(2023, 11, 10), date(2023, 11, 10)),
    ):
        VendorRegistration.objects.create(
            market=market,
            vendor=vendor,
            products="白菜",
            first_day=first,
            last_day=last,
            registered_by=secretary,
        )
    return cast
