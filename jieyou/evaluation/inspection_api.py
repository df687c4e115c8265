"""/api/v1/evaluation/inspections/: the draw and its plans for managers; an inspector's own tasks
and the inspection record (multipart, with photos). Anyone else gets a 404."""

import json
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jieyou.people import access

from . import scope
from .actions import inspections as actions
from .errors import EvaluationError
from .models import InspectionPlan, InspectionTask
from .setup_api import Refused, refused

router = Router(tags=["政绩考核·实地核查"])


class InspectionOut(Schema):
    inspected_at: datetime
    latitude: float | None
    longitude: float | None
    place: str
    findings: str
    observed_value: float | None
    criterion_scores: dict
    distorted: bool
    photos: list[int]

    @staticmethod
    def resolve_photos(obj):
        return list(obj.photos.values_list("pk", flat=True))


class TaskOut(Schema):
    id: int
    plan_id: int
    subject_id: int
    subject: str
    figure_id: int | None
    indicator: str
    reported_value: float | None
    site: str
    inspector_id: int
    status: str
    inspection: InspectionOut | None

    @staticmethod
    def resolve_subject(obj):
        return obj.subject.name

    @staticmethod
    def resolve_indicator(obj):
        return obj.figure.indicator.name if obj.figure_id else ""

    @staticmethod
    def resolve_reported_value(obj):
        return obj.figure.value if obj.figure_id else None

    @staticmethod
    def resolve_inspection(obj):
        return getattr(obj, "inspection", None) if obj.status == obj.Status.DONE else None


class PlanOut(Schema):
    id: int
    cycle_id: int
    name: str
    share: float
    seed: str
    drawn_at: datetime
    redo_holds: bool
    tasks: list[TaskOut]

    @staticmethod
    def resolve_redo_holds(obj):
        try:
            return actions.plan_redo_draw(obj) == actions.plan_picks(obj)
        except (EvaluationError, KeyError):
            return False

    @staticmethod
    def resolve_tasks(obj):
        return list(_with_related(obj.tasks.order_by("pk")))


class DrawIn(Schema):
    cycle_id: int
    name: str
    share: float = 0.3
    inspector_ids: list[int]


class InspectionIn(Schema):
    inspected_at: datetime
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""
    findings: str
    observed_value: float | None = None
    criterion_scores: str = "{}"


def _with_related(tasks):
    return tasks.select_related("subject", "figure__indicator", "inspection").prefetch_related(
        "inspection__photos"
    )


def _plans(user):
    if not scope.is_manager(user):
        raise Http404
    return InspectionPlan.objects.filter(cycle__in=scope.cycles_for(user))


@router.get("/plans", response=list[PlanOut], summary="核查计划（含随机种子和抽中的任务）")
def plan_list(request):
    return list(_plans(request.auth))


@router.get("/plans/{plan_id}", response=PlanOut, summary="核查计划详情")
def plan_detail(request, plan_id: int):
    return access.get_or_404(_plans(request.auth), pk=plan_id)


@router.post(
    "/plans",
    response={201: PlanOut, 422: Refused},
    summary="抽签：随机抽取填报数据和现场，派给被考核单位以外的核查人员",
)
def plan_draw(request, payload: DrawIn):
    user = request.auth
    cycle = access.get_or_404(scope.cycles_for(user), pk=payload.cycle_id)
    _plans(user)
    inspectors = list(get_user_model().objects.filter(pk__in=payload.inspector_ids))
    try:
        plan = actions.plan_draw(
            actor=user, cycle=cycle, name=payload.name, share=payload.share, inspectors=inspectors
        )
    except ValidationError as error:
        return refused(error)
    return Status(201, access.get_or_404(_plans(user), pk=plan.pk))


def _tasks(user):
    tasks = scope.inspection_tasks_for(user)
    if scope.is_manager(user):
        tasks = tasks | InspectionTask.objects.filter(subject__in=scope.subjects_for(user))
    return _with_related(tasks.distinct())


@router.get("/tasks", response=list[TaskOut], summary="我的核查任务")
def task_list(request):
    return list(_with_related(scope.inspection_tasks_for(request.auth)))


@router.get("/tasks/{task_id}", response=TaskOut, summary="核查任务详情")
def task_detail(request, task_id: int):
    return access.get_or_404(_tasks(request.auth), pk=task_id)


@router.post(
    "/tasks/{task_id}/inspection",
    response={201: TaskOut, 422: Refused},
    summary="填写核查记录（multipart：字段与照片；criterion_scores 为 JSON 对象）",
)
def inspection_record(
    request,
    task_id: int,
    payload: Form[InspectionIn],
    photos: File[list[UploadedFile]] = None,
):
    user = request.auth
    task = access.get_or_404(scope.inspection_tasks_for(user).select_related("plan"), pk=task_id)
    try:
        scores = json.loads(payload.criterion_scores or "{}")
    except ValueError:
        scores = None
    try:
        actions.inspection_record(
            actor=user,
            task=task,
            inspected_at=payload.inspected_at,
            latitude=payload.latitude,
            longitude=payload.longitude,
            place=payload.place,
            findings=payload.findings,
            observed_value=payload.observed_value,
            criterion_scores=scores,
            photos=photos or [],
        )
    except ValidationError as error:
        return refused(error)
    return Status(201, access.get_or_404(_tasks(user), pk=task_id))
