"""/api/v1/concerns/: every concern action over JSON, scoped like the pages.

Every fetch goes through `scope.concerns_for`, so a concern outside the caller's scope is a
404. Guards of the actions answer 422 `{detail, errors: {field: [message]}}` in Chinese. Every
POST honours `Idempotency-Key` (see core/idempotency.py).
"""

from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from jieyou.core import idempotency
from jieyou.core.masking import mask_phone, mask_text
from jieyou.core.memo import Memo
from jieyou.core.validators import normalize_phone
from jieyou.people import access
from jieyou.places import queries as places

from . import actions, scope
from .actions import ConcernError
from .models import Category, Concern, ConcernEvent, FollowUp
from .states import ACTION_LABELS

router = Router(tags=["concerns"])

# Channels staff may enter through the API; the QR form, 12345 import and Open311 have their own doors.
STAFF_CHANNELS = {
    Concern.Channel.API,
    Concern.Channel.SERVICE_POINT,
    Concern.Channel.VISIT,
    Concern.Channel.HOTLINE,
    Concern.Channel.MEETING,
}


def _staff_name(user) -> str:
    if user is None:
        return ""
    staff = access.staff_of(user)
    return staff.name if staff else user.get_username()


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    default_level: str
    response_hours: int
    resolution_hours: int
    working_days: bool


class UnitRef(Schema):
    id: int
    name: str


class EventOut(Schema):
    at: datetime
    action: str
    label: str
    actor: str
    from_status: str
    to_status: str
    note: str

    @staticmethod
    def resolve_label(obj):
        return str(ACTION_LABELS.get(obj.action, obj.action))

    @staticmethod
    def resolve_actor(obj):
        return _staff_name(obj.actor)

    @staticmethod
    def resolve_note(obj):
        return mask_text(obj.note)


class FollowUpOut(Schema):
    at: datetime
    by: str
    method: str
    solved: bool
    satisfaction: str
    note: str

    @staticmethod
    def resolve_by(obj):
        return _staff_name(obj.by)

    @staticmethod
    def resolve_note(obj):
        return mask_text(obj.note)


class ConcernOut(Schema):
    id: int
    receipt_code: str
    category: str
    category_name: str
    description: str
    status: str
    status_label: str
    channel: str
    urgency: str
    area_id: int
    area_name: str
    level: str
    lead_unit: UnitRef | None
    handler: str
    contact_phone: str
    overdue: bool
    submitted_at: datetime
    response_due: datetime
    resolution_due: datetime

    @staticmethod
    def resolve_category(obj):
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj):
        return obj.category.name

    @staticmethod
    def resolve_description(obj):
        return mask_text(obj.description)

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_area_name(obj):
        return obj.area.name

    @staticmethod
    def resolve_handler(obj):
        return _staff_name(obj.handler)

    @staticmethod
    def resolve_contact_phone(obj):
        return mask_phone(obj.contact_phone)


class ConcernDetail(ConcernOut):
    address: str
    latitude: float | None
    longitude: float | None
    reporter: str
    assisting_units: list[UnitRef]
    merged_into_id: int | None
    exempt_reason: str
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    events: list[EventOut]
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_address(obj):
        return mask_text(obj.address)

    @staticmethod
    def resolve_reporter(obj, context):
        # A unit handler sees the concern but not the community's residents: no name for them.
        if obj.reporter_id is None:
            return ""
        if obj.reporter_id == context.get("reporter_in_scope"):
            return obj.reporter.name
        user = context["request"].auth
        return (
            obj.reporter.name if access.residents(user).filter(pk=obj.reporter_id).exists() else ""
        )

    @staticmethod
    def resolve_assisting_units(obj):
        return list(obj.assisting_units.all())

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())

    @staticmethod
    def resolve_follow_ups(obj):
        return list(obj.follow_ups.all())


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class ConcernIn(Schema):
    category: str
    description: str
    area: int
    channel: str = Concern.Channel.API
    urgency: str = Concern.Urgency.NORMAL
    reporter: int | None = None
    contact_phone: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None


class DispatchIn(Schema):
    lead_unit: int
    assisting_units: list[int] = []
    handler: int | None = None
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


class MergeIn(Schema):
    into: int
    reason: str = ""


class FollowUpIn(Schema):
    method: str
    solved: bool
    satisfaction: str = ""
    note: str = ""


def _listing(user):
    return scope.concerns_for(user).select_related(
        "category", "area", "lead_unit", "handler__staff"
    )


def _detailed(user):
    return (
        _listing(user)
        .select_related("reporter")
        .prefetch_related(
            "assisting_units",
            Prefetch("events", ConcernEvent.objects.select_related("actor__staff")),
            Prefetch("follow_ups", FollowUp.objects.select_related("by__staff")),
        )
    )


def _respond(request, concern_id: int):
    concern = access.get_or_404(_detailed(request.auth), pk=concern_id)
    return _render(request, concern, 200)


def _render(request, concern: Concern, status: int, **context):
    body = ConcernDetail.from_orm(concern, context={"request": request, **context}).model_dump(
        mode="json"
    )
    return JsonResponse(body, status=status)


def _created(request, concern: Concern):
    """The 201 answer from the objects the submit left in memory, without reading the concern
    back: a new concern has no assisting units or follow-ups yet, and its one step is the
    submission (test_api_create holds this answer to the detail read back)."""
    submitted = ConcernEvent(
        concern=concern,
        at=concern.submitted_at,
        actor=request.auth,
        action="submit",
        from_status="",
        to_status=concern.status,
    )
    concern._prefetched_objects_cache = {
        "events": [submitted],
        "assisting_units": [],
        "follow_ups": [],
    }
    # The reporter was looked up among the caller's residents before the submit.
    return _render(request, concern, 201, reporter_in_scope=concern.reporter_id)


def _problem(status: int, detail: str, errors: dict | None = None):
    return JsonResponse({"detail": detail, "errors": errors or {}}, status=status)


def _invalid(exc: ValidationError, rename: dict[str, str]):
    errors = (
        {
            rename.get(field, field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
        if hasattr(exc, "error_dict")
        else {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    )
    first = next(iter(errors.values()))[0]
    return _problem(422, first, errors)


def _post(request, work, *, rename: dict[str, str] | None = None, answer=None):
    """Run one action for the caller under its Idempotency-Key; a refused guard is a 422.
    `rename` maps an action's field name to the one this endpoint's body uses; `answer`
    turns the concern into the response (default: the detail, read again)."""

    def run():
        try:
            concern = work(request.auth)
        except ValidationError as exc:
            return _invalid(exc, rename or {})
        if answer is not None:
            return answer(request, concern)
        return _respond(request, concern.pk)

    return idempotency.once(
        request,
        owner=f"user:{request.auth.pk}",
        run=run,
        error=lambda code, message: _problem(code, message),
    )


# Every intake reads its category: each worker keeps them (core/memo.py).
_categories = Memo(Category)


def _active_category(code: str) -> Category | None:
    return _categories.get(
        code,
        lambda: (
            Category.objects.select_related("default_unit").filter(code=code, active=True).first()
        ),
    )


def _field_error(field: str, message: str) -> ConcernError:
    return ConcernError({field: [message]})


def _fetch(user, concern_id: int) -> Concern:
    return access.get_or_404(scope.concerns_for(user), pk=concern_id)


def _require_working(user) -> None:
    if access.scope_for(user).role not in scope.WORKING_ROLES:
        raise Http404


@router.get("/categories", response=list[CategoryOut], summary="诉求分类")
def category_list(request):
    return list(Category.objects.filter(active=True))


@router.get("/", response=list[ConcernOut], summary="诉求列表（按权限范围过滤）")
@paginate(PageNumberPagination, page_size=50)
def concern_list(
    request,
    status: Concern.Status | None = None,
    category: str | None = None,
    area: int | None = None,
    overdue: bool | None = None,
):
    user = request.auth
    concerns = _listing(user)
    if status is not None:
        concerns = concerns.filter(status=status)
    if category:
        concerns = concerns.filter(category__code=category)
    if area is not None:
        place = access.get_or_404(access.areas(user), pk=area)
        concerns = concerns.filter(area__path__startswith=place.path)
    if overdue is not None:
        concerns = concerns.filter(overdue=overdue)
    return concerns


@router.get("/{concern_id}", response=ConcernDetail, summary="诉求详情（含办理记录和回访）")
def concern_detail(request, concern_id: int):
    return access.get_or_404(_detailed(request.auth), pk=concern_id)


@router.post(
    "/",
    response={201: ConcernDetail, 422: Problem},
    summary="登记诉求",
    description=(
        "可带请求头 Idempotency-Key（≤128字符）：重复请求返回首次的响应并带 "
        "Idempotent-Replayed: true；同一键、不同内容返回422；首次请求尚未完成时返回409。"
        "本接口的其他 POST 操作同样支持。"
    ),
)
def concern_create(request, payload: ConcernIn):
    _require_working(request.auth)

    def work(user):
        category = _active_category(payload.category)
        if category is None:
            raise _field_error("category", _("分类不存在或已停用：%(c)s") % {"c": payload.category})
        area = places.area_kept(payload.area)
        if area is None or not access.covers(user, area):
            raise _field_error("area", _("地点不存在或不在您的管辖范围内"))
        if payload.channel not in STAFF_CHANNELS:
            raise _field_error("channel", _("不支持的渠道：%(c)s") % {"c": payload.channel})
        if payload.urgency not in Concern.Urgency.values:
            raise _field_error("urgency", _("紧急程度无效：%(u)s") % {"u": payload.urgency})
        reporter = None
        if payload.reporter is not None:
            reporter = access.residents(user).filter(pk=payload.reporter).first()
            if reporter is None:
                raise _field_error("reporter", _("居民不存在或不在您的管辖范围内"))
        phone = ""
        if payload.contact_phone.strip():
            try:
                phone = normalize_phone(payload.contact_phone)
            except ValidationError as exc:
                raise _field_error("contact_phone", exc.messages[0]) from None
        return actions.concern_submit(
            actor=user,
            category=category,
            description=payload.description,
            channel=payload.channel,
            urgency=payload.urgency,
            area=area,
            reporter=reporter,
            contact_phone=phone,
            address=payload.address,
            latitude=payload.latitude,
            longitude=payload.longitude,
        )

    return _post(request, work, answer=_created)


@router.post("/{concern_id}/accept", response={200: ConcernDetail, 422: Problem}, summary="受理")
def concern_accept(request, concern_id: int):
    return _post(
        request, lambda user: actions.concern_accept(actor=user, concern=_fetch(user, concern_id))
    )


@router.post("/{concern_id}/claim", response={200: ConcernDetail, 422: Problem}, summary="认领")
def concern_claim(request, concern_id: int):
    return _post(
        request, lambda user: actions.concern_claim(actor=user, concern=_fetch(user, concern_id))
    )


@router.post(
    "/{concern_id}/dispatch",
    response={200: ConcernDetail, 403: Problem, 422: Problem},
    summary="派单（主办单位、协办单位、承办人）",
)
def concern_dispatch(request, concern_id: int, payload: DispatchIn):
    concern = _fetch(request.auth, concern_id)
    if not scope.can_dispatch(request.auth):
        return _problem(403, _("只有社区或县级工作人员可以派单"))

    def work(user):
        units = access.units(user)
        lead = units.filter(pk=payload.lead_unit).first()
        if lead is None:
            raise _field_error("lead_unit", _("单位不存在或不在您的范围内"))
        assisting = list(units.filter(pk__in=payload.assisting_units))
        if len(assisting) != len(set(payload.assisting_units)):
            raise _field_error("assisting_units", _("协办单位不存在或不在您的范围内"))
        handler = None
        if payload.handler is not None:
            staff = access.staff_members(user).filter(user_id=payload.handler).first()
            if staff is None:
                raise _field_error("handler", _("承办人不存在或不在您的范围内"))
            handler = staff.user
        return actions.concern_dispatch(
            actor=user,
            concern=concern,
            lead_unit=lead,
            assisting_units=assisting,
            handler=handler,
            note=payload.note,
        )

    return _post(request, work)


@router.post(
    "/{concern_id}/progress", response={200: ConcernDetail, 422: Problem}, summary="办理进展"
)
def concern_progress(request, concern_id: int, payload: NoteIn):
    return _post(
        request,
        lambda user: actions.concern_progress(
            actor=user, concern=_fetch(user, concern_id), note=payload.note
        ),
        rename={"reason": "note"},
    )


@router.post(
    "/{concern_id}/escalate", response={200: ConcernDetail, 422: Problem}, summary="逐级上报"
)
def concern_escalate(request, concern_id: int, payload: ReasonIn):
    return _post(
        request,
        lambda user: actions.concern_escalate(
            actor=user, concern=_fetch(user, concern_id), reason=payload.reason
        ),
    )


@router.post("/{concern_id}/resolve", response={200: ConcernDetail, 422: Problem}, summary="办结")
def concern_resolve(request, concern_id: int, payload: NoteIn):
    return _post(
        request,
        lambda user: actions.concern_resolve(
            actor=user, concern=_fetch(user, concern_id), note=payload.note
        ),
        rename={"reason": "note"},
    )


@router.post(
    "/{concern_id}/follow-up",
    response={200: ConcernDetail, 422: Problem},
    summary="回访（解决与否、满意度）",
)
def concern_follow_up(request, concern_id: int, payload: FollowUpIn):
    def work(user):
        concern = _fetch(user, concern_id)
        # Residents rate themselves on the tracking page; staff record visits and calls.
        if payload.method not in (FollowUp.Method.VISIT, FollowUp.Method.CALL):
            raise _field_error("method", _("回访方式无效：%(m)s") % {"m": payload.method})
        if payload.satisfaction and payload.satisfaction not in FollowUp.Satisfaction.values:
            raise _field_error("satisfaction", _("满意度无效：%(s)s") % {"s": payload.satisfaction})
        actions.concern_follow_up(
            actor=user,
            concern=concern,
            method=payload.method,
            solved=payload.solved,
            satisfaction=payload.satisfaction,
            note=payload.note,
        )
        return concern

    return _post(request, work)


@router.post(
    "/{concern_id}/reject", response={200: ConcernDetail, 422: Problem}, summary="不予受理"
)
def concern_reject(request, concern_id: int, payload: ReasonIn):
    return _post(
        request,
        lambda user: actions.concern_reject(
            actor=user, concern=_fetch(user, concern_id), reason=payload.reason
        ),
    )


@router.post("/{concern_id}/exempt", response={200: ConcernDetail, 422: Problem}, summary="免考核")
def concern_exempt(request, concern_id: int, payload: ReasonIn):
    return _post(
        request,
        lambda user: actions.concern_exempt(
            actor=user, concern=_fetch(user, concern_id), reason=payload.reason
        ),
    )


@router.post(
    "/{concern_id}/merge", response={200: ConcernDetail, 422: Problem}, summary="合并到另一诉求"
)
def concern_merge(request, concern_id: int, payload: MergeIn):
    def work(user):
        concern = _fetch(user, concern_id)
        into = scope.concerns_for(user).filter(pk=payload.into).first()
        if into is None:
            raise _field_error("into", _("目标诉求不存在或不在您的范围内"))
        return actions.concern_merge(actor=user, concern=concern, into=into, reason=payload.reason)

    return _post(request, work)


@router.post(
    "/{concern_id}/reopen", response={200: ConcernDetail, 422: Problem}, summary="重新办理"
)
def concern_reopen(request, concern_id: int, payload: ReasonIn):
    return _post(
        request,
        lambda user: actions.concern_reopen(
            actor=user, concern=_fetch(user, concern_id), reason=payload.reason
        ),
    )
