"""Meetings (议事): 业主会议, 居民议事会 and 庭院会, and the suggestions raised at them.

Every suggestion becomes a concern (channel "meeting") at once, so that it is handled,
followed up and counted like any other; MeetingSuggestion ties it to its meeting, which is
how "收集并解决群众意见建议 M 条" is counted from records.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.concerns.actions import concern_submit
from jieyou.concerns.models import Category, Concern
from jieyou.core import audit
from jieyou.places.models import Area

from ..errors import PointsError
from ..models import Meeting, MeetingSuggestion, ServicePoint
from ..scope import may_keep

MAX_SUGGESTIONS = 50


def _require_keeper(actor, community: Area) -> None:
    if not may_keep(actor, community):
        raise PointsError({"community": [_("社区：您无权记录该社区的会议")]})


def _check_meeting(*, community, point, kind, held_on, attendance, topics, minutes, decisions):
    if community is None or community.kind != Area.Kind.COMMUNITY:
        raise PointsError({"community": [_("社区：请选择一个社区")]})
    if point is not None and point.community_id != community.pk:
        raise PointsError({"point": [_("解忧铺：须是本社区的解忧铺")]})
    if kind not in Meeting.Kind.values:
        raise PointsError({"kind": [_("类型：请选择业主会议、居民议事会或庭院会")]})
    if not isinstance(held_on, date):
        raise PointsError({"held_on": [_("日期：请填写会议日期")]})
    if held_on > timezone.localdate():
        raise PointsError({"held_on": [_("日期：不能晚于今天，会议开过之后再记录")]})
    if attendance is None or attendance < 0:
        raise PointsError({"attendance": [_("参会人数：须为0或正整数")]})
    if not (topics or "").strip():
        raise PointsError({"topics": [_("议题：请填写本次会议的议题")]})
    for field, value, limit, label in (
        ("topics", topics, 2000, _("议题")),
        ("minutes", minutes, 10000, _("会议记录")),
        ("decisions", decisions, 4000, _("议定事项")),
    ):
        if len(value or "") > limit:
            raise PointsError(
                {field: [_("%(label)s：不能超过%(n)d字") % {"label": label, "n": limit}]}
            )


def _suggestion_row(row, community: Area) -> tuple[Category, str, Area | None]:
    """(category, description, area) from a dict {category, description, area?}; the
    category may be a Category or its code."""
    category = row.get("category")
    if isinstance(category, str):
        category = Category.objects.filter(code=category, active=True).first()
    if not isinstance(category, Category) or not category.active:
        raise PointsError({"suggestions": [_("意见建议：请为每条建议选择问题类别")]})
    description = (row.get("description") or "").strip()
    if not description:
        raise PointsError({"suggestions": [_("意见建议：每条建议都要填写内容")]})
    if len(description) > 4000:
        raise PointsError({"suggestions": [_("意见建议：每条不能超过4000字")]})
    area = row.get("area")
    if area is not None and not area.path.startswith(community.path):
        raise PointsError({"suggestions": [_("意见建议：地点须在本社区内")]})
    return category, description, area


def _raise(*, actor, meeting: Meeting, category, description, area, at) -> MeetingSuggestion:
    # Where nobody named a place, the suggestion belongs where the meeting was held.
    place = area or (meeting.point.area if meeting.point and meeting.point.area_id else None)
    concern = concern_submit(
        actor=actor,
        category=category,
        description=description,
        channel=Concern.Channel.MEETING,
        area=place or meeting.community,
        contact_name=_("%(kind)s（%(day)s）")
        % {"kind": meeting.get_kind_display(), "day": meeting.held_on.isoformat()},
        at=at,
    )
    return MeetingSuggestion.objects.create(meeting=meeting, concern=concern)


def meeting_record(
    *,
    actor,
    community: Area,
    point: ServicePoint | None = None,
    kind: str,
    held_on: date,
    attendance: int = 0,
    topics: str,
    minutes: str = "",
    decisions: str = "",
    suggestions=(),
    at=None,
) -> Meeting:
    """Record a meeting held in `community` (at `point`, if one) and turn each suggestion
    into a concern, all in one transaction: a refused suggestion records nothing.

    `suggestions`: dicts {category: Category or code, description, area: Area (optional,
    a compound or building of the community; default the point's compound, else the
    community)}. `at`: when the suggestions were received (default now; the demo passes
    the meeting's time). Only keepers of the community (points.scope.may_keep)."""
    _require_keeper(actor, community)
    _check_meeting(
        community=community,
        point=point,
        kind=kind,
        held_on=held_on,
        attendance=attendance,
        topics=topics,
        minutes=minutes,
        decisions=decisions,
    )
    rows = [_suggestion_row(row, community) for row in suggestions]
    if len(rows) > MAX_SUGGESTIONS:
        raise PointsError(
            {"suggestions": [_("意见建议：一次最多%(n)d条") % {"n": MAX_SUGGESTIONS}]}
        )
    with transaction.atomic():
        meeting = Meeting.objects.create(
            community=community,
            point=point,
            kind=kind,
            held_on=held_on,
            attendance=attendance,
            topics=topics.strip(),
            minutes=(minutes or "").strip(),
            decisions=(decisions or "").strip(),
            recorded_by=actor,
        )
        for category, description, area in rows:
            _raise(
                actor=actor,
                meeting=meeting,
                category=category,
                description=description,
                area=area,
                at=at,
            )
        audit.record(
            "points.meeting_record",
            actor=actor,
            obj=meeting,
            detail={"community": community.pk, "suggestions": len(rows)},
        )
    return meeting


def meeting_add_suggestion(
    *,
    actor,
    meeting: Meeting,
    category,
    description: str,
    area: Area | None = None,
    at=None,
) -> MeetingSuggestion:
    """A suggestion from the meeting entered afterwards; it becomes a concern like the
    ones recorded with the meeting. Only keepers of the meeting's community."""
    _require_keeper(actor, meeting.community)
    category, description, area = _suggestion_row(
        {"category": category, "description": description, "area": area}, meeting.community
    )
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.suggestions.count() >= MAX_SUGGESTIONS:
            raise PointsError(
                {"suggestions": [_("意见建议：一次会议最多%(n)d条") % {"n": MAX_SUGGESTIONS}]}
            )
        suggestion = _raise(
            actor=actor,
            meeting=locked,
            category=category,
            description=description,
            area=area,
            at=at,
        )
        audit.record(
            "points.meeting_add_suggestion",
            actor=actor,
            obj=locked,
            detail={"concern": suggestion.concern_id},
        )
    return suggestion
