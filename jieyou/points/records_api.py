"""/api/v1/points/: meetings, visits, volunteers and events, scoped like their pages.

A record outside the caller's scope is a 404; a refused action is a 422
`{detail, errors: {field: [message]}}` in Chinese. Every POST honours `Idempotency-Key`
(core/idempotency.py); a visit is moreover idempotent on its `client_key`, the key the
phone form makes once per draft, so a draft resent through the form or this API is one visit.
"""

import hashlib
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from jieyou.concerns.models import Category
from jieyou.core import idempotency
from jieyou.core.masking import mask_phone, mask_text
from jieyou.people import access

from .actions import events as event_actions
from .actions import meetings as meeting_actions
from .actions import visits as visit_actions
from .actions import volunteers as volunteer_actions
from .errors import PointsError
from .models import Volunteer, VolunteerActivity, VolunteerRole
from .queries import records
from .scope import communities_for, points_for

router = Router()
PAGE = 50


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _problem(status: int, detail: str, errors: dict | None = None):
    return JsonResponse(
        {"detail": detail, "errors": errors or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _invalid(exc: ValidationError):
    errors = (
        {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    )
    return _problem(422, next(iter(errors.values()))[0], errors)


def _json(body, status: int):
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _post(request, work):
    """Run `work(user)` (returns a response body and status) once per Idempotency-Key;
    a refused action is a 422."""

    def run():
        try:
            body, status = work(request.auth)
        except ValidationError as exc:
            return _invalid(exc)
        return _json(body, status)

    return idempotency.once(
        request,
        owner=f"user:{request.auth.pk}",
        run=run,
        error=lambda code, message: _problem(code, message),
    )


def _staff_name(user) -> str:
    staff = access.staff_of(user)
    return staff.name if staff else user.get_username()


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise PointsError({"category": [_("问题类别：分类不存在或已停用：%(c)s") % {"c": code}]})
    return category


# Meetings


class SuggestionOut(Schema):
    concern_id: int
    receipt_code: str
    category: str
    category_name: str
    description: str
    status: str
    status_label: str
    area_id: int
    area_name: str

    @staticmethod
    def resolve_concern_id(obj):
        return obj.concern_id

    @staticmethod
    def resolve_receipt_code(obj):
        return obj.concern.receipt_code

    @staticmethod
    def resolve_category(obj):
        return obj.concern.category.code

    @staticmethod
    def resolve_category_name(obj):
        return obj.concern.category.name

    @staticmethod
    def resolve_description(obj):
        return mask_text(obj.concern.description)

    @staticmethod
    def resolve_status(obj):
        return obj.concern.status

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.concern.get_status_display())

    @staticmethod
    def resolve_area_id(obj):
        return obj.concern.area_id

    @staticmethod
    def resolve_area_name(obj):
        return obj.concern.area.name


class MeetingOut(Schema):
    id: int
    community_id: int
    community: str
    point_id: int | None
    point: str
    kind: str
    kind_label: str
    held_on: date
    attendance: int
    topics: str
    n_suggestions: int
    n_closed: int

    @staticmethod
    def resolve_community(obj):
        return obj.community.name

    @staticmethod
    def resolve_point(obj):
        return obj.point.name if obj.point_id else ""

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_topics(obj):
        return mask_text(obj.topics)


class MeetingDetail(MeetingOut):
    minutes: str
    decisions: str
    suggestions: list[SuggestionOut]

    @staticmethod
    def resolve_minutes(obj):
        return mask_text(obj.minutes)

    @staticmethod
    def resolve_decisions(obj):
        return mask_text(obj.decisions)

    @staticmethod
    def resolve_suggestions(obj):
        return list(obj.suggestions.all())


class SuggestionIn(Schema):
    category: str
    description: str
    area: int | None = None


class MeetingIn(Schema):
    community: int
    point: int | None = None
    kind: str
    held_on: date
    attendance: int = 0
    topics: str
    minutes: str = ""
    decisions: str = ""
    suggestions: list[SuggestionIn] = []


def _meeting_body(user, meeting_id: int) -> dict:
    meeting = access.get_or_404(
        records.with_suggestion_counts(records.meeting_detail_for(user)), pk=meeting_id
    )
    return MeetingDetail.from_orm(meeting).model_dump(mode="json")


def _suggestion_input(user, community, row: SuggestionIn) -> dict:
    area = None
    if row.area is not None:
        area = access.areas(user).filter(pk=row.area, path__startswith=community.path).first()
        if area is None:
            raise PointsError({"suggestions": [_("意见建议：地点不在本社区内")]})
    return {"category": _category(row.category), "description": row.description, "area": area}


@router.get("/meetings", response=list[MeetingOut], summary="议事会议列表")
@paginate(PageNumberPagination, page_size=PAGE)
def meeting_list(request, community: int | None = None, year: int | None = None):
    user = request.auth
    meetings = records.meetings_for(user)
    if community is not None:
        place = access.get_or_404(communities_for(user), pk=community)
        meetings = meetings.filter(community=place)
    if year is not None:
        meetings = meetings.filter(held_on__year=year)
    return records.with_suggestion_counts(meetings)


@router.get(
    "/meetings/{meeting_id}",
    response=MeetingDetail,
    summary="议事会议详情（含意见建议及其诉求办理状态）",
)
def meeting_detail(request, meeting_id: int):
    return _json(_meeting_body(request.auth, meeting_id), 200)


@router.post(
    "/meetings",
    response={201: MeetingDetail, 422: Problem},
    summary="记录议事会议（每条意见建议登记为一条诉求）",
)
def meeting_create(request, payload: MeetingIn):
    user = request.auth
    community = access.get_or_404(communities_for(user), pk=payload.community)
    point = None
    if payload.point is not None:
        point = access.get_or_404(points_for(user), pk=payload.point)

    def work(user):
        meeting = meeting_actions.meeting_record(
            actor=user,
            community=community,
            point=point,
            kind=payload.kind,
            held_on=payload.held_on,
            attendance=payload.attendance,
            topics=payload.topics,
            minutes=payload.minutes,
            decisions=payload.decisions,
            suggestions=[_suggestion_input(user, community, s) for s in payload.suggestions],
        )
        return _meeting_body(user, meeting.pk), 201

    return _post(request, work)


@router.post(
    "/meetings/{meeting_id}/suggestions",
    response={201: MeetingDetail, 422: Problem},
    summary="补充一条会议意见建议",
)
def meeting_suggest(request, meeting_id: int, payload: SuggestionIn):
    user = request.auth
    meeting = access.get_or_404(records.meetings_for(user), pk=meeting_id)

    def work(user):
        meeting_actions.meeting_add_suggestion(
            actor=user, meeting=meeting, **_suggestion_input(user, meeting.community, payload)
        )
        return _meeting_body(user, meeting.pk), 201

    return _post(request, work)


# Visits


class VisitOut(Schema):
    id: int
    household_id: int
    household: str
    building_id: int
    grid_id: int
    grid: str
    worker: str
    visited_on: date
    purpose: str
    purpose_label: str
    findings: str
    client_key: str
    concerns: list[int]

    @staticmethod
    def resolve_household(obj):
        return f"{obj.household.building.parent.name} {obj.household}"

    @staticmethod
    def resolve_building_id(obj):
        return obj.household.building_id

    @staticmethod
    def resolve_grid(obj):
        return obj.grid.name

    @staticmethod
    def resolve_worker(obj):
        return _staff_name(obj.worker)

    @staticmethod
    def resolve_purpose_label(obj):
        return str(obj.get_purpose_display())

    @staticmethod
    def resolve_findings(obj):
        return mask_text(obj.findings)

    @staticmethod
    def resolve_concerns(obj):
        return sorted(c.pk for c in obj.concerns.all())


class VisitIn(Schema):
    household: int
    purpose: str
    visited_on: date
    findings: str = ""
    client_key: str | None = None


class VisitConcernIn(Schema):
    category: str
    description: str
    urgency: str = "normal"
    reporter: int | None = None


def _visit_body(user, visit_id: int) -> dict:
    visit = access.get_or_404(records.visits_for(user).prefetch_related("concerns"), pk=visit_id)
    return VisitOut.from_orm(visit).model_dump(mode="json")


def _client_key(request, payload: VisitIn) -> str:
    """The draft's key; without one, the Idempotency-Key stands in for it (made the caller's
    own, since client keys are unique across callers), and failing both, a fresh key."""
    if payload.client_key:
        return payload.client_key
    header = request.headers.get(idempotency.HEADER)
    if header:
        digest = hashlib.sha256(f"{request.auth.pk}\0{header}".encode()).hexdigest()
        return f"idem-{digest[:48]}"
    return uuid.uuid4().hex


@router.get("/visits", response=list[VisitOut], summary="入户走访列表（按网格、月份）")
@paginate(PageNumberPagination, page_size=PAGE)
def visit_list(request, grid: int | None = None, month: str | None = None):
    user = request.auth
    visits = records.visits_for(user).prefetch_related("concerns")
    if grid is not None:
        place = access.get_or_404(
            access.grids(user).filter(community__in=communities_for(user)), pk=grid
        )
        visits = visits.filter(grid=place)
    if month:
        year, number = records.parse_month(month, timezone.localdate())
        first, after = records.month_bounds(year, number)
        visits = visits.filter(visited_on__gte=first, visited_on__lt=after)
    return visits


@router.get("/visits/{visit_id}", response=VisitOut, summary="入户走访详情")
def visit_detail(request, visit_id: int):
    return _json(_visit_body(request.auth, visit_id), 200)


@router.post(
    "/visits",
    response={200: VisitOut, 201: VisitOut, 422: Problem},
    summary="记录入户走访",
    description=(
        "按 client_key（草稿编号，≤64字符）幂等：同一编号、相同内容返回已有记录（200），"
        "内容不同返回422；未给 client_key 时以 Idempotency-Key 代替。"
        "Idempotency-Key 的重复请求返回首次响应。"
    ),
)
def visit_create(request, payload: VisitIn):
    user = request.auth
    household = access.get_or_404(visit_actions.households_to_visit(user), pk=payload.household)
    key = _client_key(request, payload)

    def work(user):
        visit = visit_actions.visit_record(
            actor=user,
            household=household,
            purpose=payload.purpose,
            findings=payload.findings,
            visited_on=payload.visited_on,
            client_key=key,
        )
        return _visit_body(user, visit.pk), 200 if visit.replayed else 201

    return _post(request, work)


@router.post(
    "/visits/{visit_id}/concerns",
    response={201: VisitOut, 422: Problem},
    summary="走访发现问题，一键上报为诉求",
)
def visit_concern(request, visit_id: int, payload: VisitConcernIn):
    user = request.auth
    visit = access.get_or_404(records.visits_for(user), pk=visit_id)
    if not visit_actions.households_to_visit(user).filter(pk=visit.household_id).exists():
        return _problem(404, _("未找到"))

    def work(user):
        reporter = None
        if payload.reporter is not None:
            reporter = visit.household.residents.filter(pk=payload.reporter).first()
            if reporter is None:
                raise PointsError({"reporter": [_("反映人：须是该住户的居民")]})
        visit_actions.visit_raise_concern(
            actor=user,
            visit=visit,
            category=_category(payload.category),
            description=payload.description,
            urgency=payload.urgency,
            reporter=reporter,
        )
        return _visit_body(user, visit.pk), 201

    return _post(request, work)


# Volunteers


class VolunteerOut(Schema):
    id: int
    community_id: int
    community: str
    name: str
    phone: str
    background: str
    background_label: str
    roles: list[str]
    role_labels: list[str]
    unit: str
    joined_on: date | None
    active: bool

    @staticmethod
    def resolve_community(obj):
        return obj.community.name

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_background_label(obj):
        return str(obj.get_background_display())

    @staticmethod
    def resolve_roles(obj):
        return [r.role for r in obj.roles.all()]

    @staticmethod
    def resolve_role_labels(obj):
        return [str(r.get_role_display()) for r in obj.roles.all()]

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name if obj.unit_id else ""


class ActivityOut(Schema):
    id: int
    volunteer_id: int
    kind: str
    kind_label: str
    day: date
    hours: Decimal
    note: str
    point_id: int | None

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_note(obj):
        return mask_text(obj.note)


class ActivityIn(Schema):
    kind: str
    day: date
    hours: Decimal = Decimal(0)
    note: str = ""
    point: int | None = None


@router.get("/volunteers", response=list[VolunteerOut], summary="解忧智囊团成员（手机号脱敏）")
@paginate(PageNumberPagination, page_size=PAGE)
def volunteer_list(
    request, community: int | None = None, role: str | None = None, active: bool = True
):
    user = request.auth
    volunteers = records.volunteers_for(user).filter(active=active)
    if community is not None:
        place = access.get_or_404(communities_for(user), pk=community)
        volunteers = volunteers.filter(community=place)
    if role:
        if role not in VolunteerRole.Role.values:
            return Volunteer.objects.none()
        volunteers = volunteers.filter(roles__role=role)
    return volunteers.order_by("community__path", "name")


@router.get(
    "/volunteers/{volunteer_id}/activities",
    response=list[ActivityOut],
    summary="成员的活动记录",
)
@paginate(PageNumberPagination, page_size=PAGE)
def activity_list(request, volunteer_id: int):
    volunteer = access.get_or_404(records.volunteers_for(request.auth), pk=volunteer_id)
    return VolunteerActivity.objects.filter(volunteer=volunteer).order_by("-day", "-id")


@router.post(
    "/volunteers/{volunteer_id}/activities",
    response={201: ActivityOut, 422: Problem},
    summary="记录智囊团活动（巡逻、调解、宣讲、志愿服务、信息收集）",
)
def activity_create(request, volunteer_id: int, payload: ActivityIn):
    user = request.auth
    volunteer = access.get_or_404(records.volunteers_for(user), pk=volunteer_id)
    point = None
    if payload.point is not None:
        point = access.get_or_404(points_for(user), pk=payload.point)

    def work(user):
        activity = volunteer_actions.activity_record(
            actor=user,
            volunteer=volunteer,
            kind=payload.kind,
            day=payload.day,
            hours=payload.hours,
            note=payload.note,
            point=point,
        )
        return ActivityOut.from_orm(activity).model_dump(mode="json"), 201

    return _post(request, work)


# Events


class EventOut(Schema):
    id: int
    point_id: int
    point: str
    community_id: int
    kind: str
    kind_label: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    providers: str
    people_served: int
    note: str

    @staticmethod
    def resolve_point(obj):
        return obj.point.name

    @staticmethod
    def resolve_community_id(obj):
        return obj.point.community_id

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_note(obj):
        return mask_text(obj.note)


class EventIn(Schema):
    point: int
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    providers: str = ""
    people_served: int = 0
    note: str = ""


class CalendarDayOut(Schema):
    day: date
    in_month: bool
    events: list[EventOut]


class CalendarOut(Schema):
    month: str
    community_id: int | None
    weeks: list[list[CalendarDayOut]]


def _events(user, community: int | None):
    events = records.events_for(user)
    if community is not None:
        place = access.get_or_404(communities_for(user), pk=community)
        events = events.filter(point__community=place)
    return events


def _aware(value: datetime | None) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


@router.get("/events", response=list[EventOut], summary="活动列表（可按社区、月份）")
@paginate(PageNumberPagination, page_size=PAGE)
def event_list(request, community: int | None = None, month: str | None = None):
    events = _events(request.auth, community)
    if month:
        year, number = records.parse_month(month, timezone.localdate())
        events = records.events_in_month(events, year, number)
    return events.order_by("starts_at")


@router.get("/events/calendar", response=CalendarOut, summary="社区活动月历")
def event_calendar(request, community: int | None = None, month: str | None = None):
    year, number = records.parse_month(month, timezone.localdate())
    weeks = records.month_calendar(_events(request.auth, community), year, number)
    return {
        "month": f"{year:04d}-{number:02d}",
        "community_id": community,
        "weeks": [
            [{"day": d.day, "in_month": d.in_month, "events": d.events} for d in week]
            for week in weeks
        ],
    }


@router.get("/events/{event_id}", response=EventOut, summary="活动详情")
def event_detail(request, event_id: int):
    return access.get_or_404(records.events_for(request.auth), pk=event_id)


@router.post("/events", response={201: EventOut, 422: Problem}, summary="添加活动")
def event_create(request, payload: EventIn):
    user = request.auth
    point = access.get_or_404(points_for(user), pk=payload.point)

    def work(user):
        event = event_actions.event_save(
            actor=user,
            point=point,
            kind=payload.kind,
            title=payload.title,
            starts_at=_aware(payload.starts_at),
            ends_at=_aware(payload.ends_at),
            providers=payload.providers,
            people_served=payload.people_served,
            note=payload.note,
        )
        return EventOut.from_orm(event).model_dump(mode="json"), 201

    return _post(request, work)
