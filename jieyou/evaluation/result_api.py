"""/api/v1/evaluation/ results: for managers, a cycle's results, a subject's breakdown,
scoring, publication, the lock and the appeals; for the subject, their own published results
and filing an appeal; for anyone, without an account, the published results. Outside the
scope is a 404; survey groups appear as counts and indices only, never as ballots."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jieyou.people import access

from . import scope
from .actions import publication
from .actions.scoring import cycle_score
from .models import Appeal, Cycle, Indicator, Result
from .setup_api import Refused, refused
from .views.public import public_rows, published_cycle
from .views.results import SCORABLE, ranking
from .views.sheet import explained

router = Router(tags=["政绩考核·结果"])
SHOWN = (Cycle.Status.PUBLISHED, Cycle.Status.LOCKED)


class ResultOut(Schema):
    subject_id: int
    name: str
    post: str
    quantitative: float | None
    inspection: float | None
    survey: float | None
    total: float | None
    low: float | None
    high: float | None
    grade: str
    straddles: bool
    rank: int | None
    tied: bool
    tie_first: int | None
    tie_last: int | None
    ballots: int
    version: int
    computed_at: datetime


class BreakdownOut(ResultOut):
    cycle_id: int
    cycle: str
    status: str
    breakdown: dict


class PublicGroupOut(Schema):
    name: str
    n: int
    sufficient: bool


class PublicOut(Schema):
    name: str
    post: str
    rank: int | None
    tied: bool
    tie_first: int | None
    tie_last: int | None
    total: float | None
    low: float | None
    high: float | None
    grade: str
    straddles: bool
    quantitative: float | None
    inspection: float | None
    survey: float | None
    ballots: int
    groups: list[PublicGroupOut]


class PublicCycleOut(Schema):
    id: int
    name: str
    status: str
    published_at: datetime | None
    publication_ends: datetime | None
    results: list[PublicOut]


class PublishIn(Schema):
    days: int = 7


class CycleStateOut(Schema):
    id: int
    status: str
    published_at: datetime | None
    publication_ends: datetime | None
    locked_at: datetime | None


class CorrectionIn(Schema):
    kind: str
    indicator: int | None = None
    value: float | None = None
    inspection: int | None = None
    note: str = ""


class DecideIn(Schema):
    upheld: bool
    decision: str
    corrections: list[CorrectionIn] = []


class AppealIn(Schema):
    reasons: str
    indicator: int | None = None


class AppealOut(Schema):
    id: int
    subject_id: int
    subject: str
    cycle_id: int
    reasons: str
    indicator_id: int | None
    has_evidence: bool
    filed_at: datetime
    status: str
    decided_at: datetime | None
    decision: str
    corrections: list
    total_before: float | None
    total_after: float | None

    @staticmethod
    def resolve_subject(obj):
        return obj.subject.name

    @staticmethod
    def resolve_cycle_id(obj):
        return obj.subject.cycle_id

    @staticmethod
    def resolve_has_evidence(obj):
        return bool(obj.evidence)


def _problem(status: int, message: str, field: str = "__all__"):
    return Status(status, {"detail": message, "errors": {field: [message]}})


def _row(r: Result, tied=False, first=None, last=None) -> dict:
    return {
        "subject_id": r.subject_id,
        "name": r.subject.name,
        "post": r.subject.post,
        "quantitative": r.quantitative,
        "inspection": r.inspection,
        "survey": r.survey,
        "total": r.total,
        "low": r.low,
        "high": r.high,
        "grade": r.grade,
        "straddles": r.straddles,
        "rank": r.rank,
        "tied": tied,
        "tie_first": first if first is not None else r.rank,
        "tie_last": last if last is not None else r.rank,
        "ballots": r.ballots,
        "version": r.version,
        "computed_at": r.computed_at,
    }


def _manager(user):
    if not scope.is_manager(user):
        raise Http404


def _cycle(user, cycle_id) -> Cycle:
    _manager(user)
    return access.get_or_404(scope.cycles_for(user), pk=cycle_id)


def _ranked(cycle) -> list[dict]:
    return [
        _row(row["result"], row["tied"], row["tie_first"], row["tie_last"])
        for row in ranking(cycle)
    ]


def _ties_of(result: Result) -> tuple[bool, int, int]:
    ranks = list(
        Result.objects.filter(
            subject__cycle_id=result.subject.cycle_id, tie_group=result.tie_group
        ).values_list("rank", flat=True)
    )
    return len(ranks) > 1, min(ranks, default=result.rank), max(ranks, default=result.rank)


def _breakdown(result: Result) -> dict:
    cycle = result.subject.cycle
    return {
        **_row(result, *_ties_of(result)),
        "cycle_id": cycle.pk,
        "cycle": cycle.name,
        "status": cycle.status,
        "breakdown": explained(result),
    }


# Managers


@router.get(
    "/cycles/{cycle_id}/results",
    response=list[ResultOut],
    summary="考核结果：按名次，含区间、等次与并列",
)
def cycle_results(request, cycle_id: int):
    return _ranked(_cycle(request.auth, cycle_id))


@router.post(
    "/cycles/{cycle_id}/score",
    response={200: list[ResultOut], 409: Refused, 422: Refused},
    summary="计分（筹备或进行中的周期；公示后只能经申诉复核重新计分）",
)
def score(request, cycle_id: int):
    cycle = _cycle(request.auth, cycle_id)
    if cycle.status not in SCORABLE:
        return _problem(409, _("考核结果已公示或锁定，只能通过申诉复核重新计分"))
    try:
        cycle_score(actor=request.auth, cycle=cycle, reason="API")
    except ValidationError as error:
        return refused(error)
    return _ranked(cycle)


@router.get(
    "/subjects/{subject_id}/result",
    response=BreakdownOut,
    summary="一个考核对象的得分说明（管理人员；被考核人本人在公示后）",
)
def subject_result(request, subject_id: int):
    user = request.auth
    if scope.is_manager(user):
        found = Result.objects.filter(subject__in=scope.subjects_for(user))
    else:
        found = Result.objects.filter(
            subject__in=scope.own_subjects(user), subject__cycle__status__in=SHOWN
        )
    result = access.get_or_404(found.select_related("subject__cycle"), subject_id=subject_id)
    return _breakdown(result)


@router.post(
    "/cycles/{cycle_id}/publish",
    response={200: CycleStateOut, 422: Refused},
    summary="公示考核结果",
)
def publish(request, cycle_id: int, payload: PublishIn):
    cycle = _cycle(request.auth, cycle_id)
    try:
        return publication.cycle_publish(actor=request.auth, cycle=cycle, days=payload.days)
    except ValidationError as error:
        return refused(error)


@router.post(
    "/cycles/{cycle_id}/lock",
    response={200: CycleStateOut, 422: Refused},
    summary="锁定考核周期（公示期满、申诉全部复核后）",
)
def lock(request, cycle_id: int):
    cycle = _cycle(request.auth, cycle_id)
    try:
        return publication.cycle_lock(actor=request.auth, cycle=cycle)
    except ValidationError as error:
        return refused(error)


def _appeals(user):
    _manager(user)
    return Appeal.objects.filter(subject__in=scope.subjects_for(user)).select_related("subject")


@router.get("/appeals", response=list[AppealOut], summary="申诉列表（管理人员）")
def appeal_list(request, status: str = ""):
    appeals = _appeals(request.auth)
    if status:
        appeals = appeals.filter(status=status)
    return list(appeals.order_by("status", "-filed_at"))


@router.post(
    "/appeals/{appeal_id}/decide",
    response={200: AppealOut, 422: Refused},
    summary="复核申诉；成立时按更正事项重新计分",
)
def appeal_decide(request, appeal_id: int, payload: DecideIn):
    appeal = access.get_or_404(_appeals(request.auth), pk=appeal_id)
    corrections = [
        {k: v for k, v in c.dict().items() if v not in (None, "")} for c in payload.corrections
    ]
    try:
        return publication.appeal_decide(
            actor=request.auth,
            appeal=appeal,
            upheld=payload.upheld,
            decision=payload.decision,
            corrections=corrections,
        )
    except ValidationError as error:
        return refused(error)


# The subject


@router.get(
    "/me/results",
    response=list[BreakdownOut],
    summary="我的考核结果（已公示的）",
)
def my_results(request):
    found = Result.objects.filter(
        subject__in=scope.own_subjects(request.auth), subject__cycle__status__in=SHOWN
    ).select_related("subject__cycle")
    return [_breakdown(r) for r in found.order_by("-subject__cycle__starts")]


@router.post(
    "/me/subjects/{subject_id}/appeals",
    response={201: AppealOut, 422: Refused},
    summary="对本人已公示的考核结果提出申诉（公示期内；证明材料可选，multipart）",
)
def appeal_file(
    request, subject_id: int, payload: Form[AppealIn], evidence: File[UploadedFile] = None
):
    user = request.auth
    subject = access.get_or_404(
        scope.own_subjects(user).filter(cycle__status__in=SHOWN), pk=subject_id
    )
    indicator = None
    if payload.indicator is not None:
        indicator = (
            Indicator.objects.filter(pk=payload.indicator).select_related("dimension").first()
        )
        if indicator is None:
            return _problem(422, _("涉及指标：不存在"), "indicator")
    try:
        appeal = publication.appeal_file(
            actor=user,
            subject=subject,
            reasons=payload.reasons,
            indicator=indicator,
            evidence=evidence,
        )
    except ValidationError as error:
        return refused(error)
    return Status(201, appeal)


# Anyone


@router.get(
    "/public/cycles/{cycle_id}",
    auth=None,
    response=PublicCycleOut,
    summary="公示的考核结果（无需登录）：姓名、职务、等次、各部分得分、票数，不含评价票",
)
def public_results(request, cycle_id: int):
    cycle = published_cycle(cycle_id)
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "status": cycle.status,
        "published_at": cycle.published_at,
        "publication_ends": cycle.publication_ends,
        "results": public_rows(cycle),
    }
