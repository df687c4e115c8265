"""实看 pages: the draw (managers; shows the seed and the picks, and redoes the draw to show it
holds), the inspector's task list and the phone form. An inspector sees only their own tasks;
anyone else, the subject evaluated included, gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieyou.people import access

from .. import scope
from ..actions import inspections as actions
from ..errors import EvaluationError
from ..forms import DrawForm, InspectionForm, add_action_error
from ..models import Cycle, InspectionPhoto, InspectionPlan, InspectionTask

RUNNING = (Cycle.Status.DRAFT, Cycle.Status.OPEN)


def _manager(request):
    if not scope.is_manager(request.user):
        raise Http404


def _plans(user):
    return InspectionPlan.objects.filter(cycle__in=scope.cycles_for(user))


def _managed_tasks(user):
    return InspectionTask.objects.filter(subject__in=scope.subjects_for(user))


@login_required
def plan_list(request):
    _manager(request)
    plans = _plans(request.user).select_related("cycle", "drawn_by__staff")
    return render(request, "evaluation/inspection_plans.html", {"plans": plans})


@login_required
def plan_draw(request):
    _manager(request)
    cycles = scope.cycles_for(request.user).filter(status__in=RUNNING)
    form = DrawForm(
        request.POST or None, cycles=cycles, initial={"cycle": request.GET.get("cycle")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.plan_draw(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("已完成抽签，随机种子 %(s)s") % {"s": plan.seed})
            return redirect("evaluation:inspection_plan", pk=plan.pk)
    status = 422 if form.errors else 200
    return render(request, "evaluation/inspection_draw.html", {"form": form}, status=status)


@login_required
def plan_detail(request, pk):
    _manager(request)
    plan = access.get_or_404(_plans(request.user).select_related("cycle", "drawn_by"), pk=pk)
    tasks = plan.tasks.select_related(
        "subject", "figure__indicator", "inspector__staff", "inspection"
    ).order_by("pk")
    try:
        redone = actions.plan_redo_draw(plan)
        redo_error = None
    except (EvaluationError, KeyError) as error:
        redone, redo_error = None, str(error)
    context = {
        "plan": plan,
        "tasks": tasks,
        "holds": redone is not None and redone == actions.plan_picks(plan),
        "redo_error": redo_error,
    }
    return render(request, "evaluation/inspection_plan.html", context)


@login_required
def task_list(request):
    user = request.user
    tasks = scope.inspection_tasks_for(user).select_related(
        "plan__cycle", "subject", "figure__indicator"
    )
    if not scope.is_manager(user) and not tasks.exists():
        raise Http404
    return render(
        request, "evaluation/inspection_tasks.html", {"tasks": tasks.order_by("status", "pk")}
    )


def _task(request, pk) -> tuple[InspectionTask, bool]:
    """The task and whether the user is its inspector (else a manager reading it)."""
    user = request.user
    related = ("plan__cycle", "subject", "figure__indicator", "inspector__staff")
    mine = scope.inspection_tasks_for(user).select_related(*related).filter(pk=pk).first()
    if mine is not None:
        return mine, True
    if scope.is_manager(user):
        return access.get_or_404(_managed_tasks(user).select_related(*related), pk=pk), False
    raise Http404


def _task_page(request, task, is_inspector, form=None, status=200):
    inspection = getattr(task, "inspection", None) if task.status == task.Status.DONE else None
    if form is None and is_inspector and inspection is None:
        form = InspectionForm(with_value=task.figure_id is not None)
    context = {
        "task": task,
        "inspection": inspection,
        "photos": inspection.photos.all() if inspection else [],
        "form": form,
        "evidence": task.figure.evidence.all() if task.figure_id else [],
    }
    return render(request, "evaluation/inspection_task.html", context, status=status)


@login_required
def task_detail(request, pk):
    task, is_inspector = _task(request, pk)
    return _task_page(request, task, is_inspector)


@require_POST
@login_required
def task_record(request, pk):
    task, is_inspector = _task(request, pk)
    if not is_inspector:
        raise Http404
    form = InspectionForm(request.POST, request.FILES, with_value=task.figure_id is not None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            inspection = actions.inspection_record(
                actor=request.user,
                task=task,
                inspected_at=data["inspected_at"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                place=data["place"],
                findings=data["findings"],
                observed_value=data.get("observed_value"),
                criterion_scores=form.scores(),
                photos=data["photos"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            if inspection.distorted:
                messages.warning(request, _("已保存。核实值与填报值相差超过容差，已标记为数据失真"))
            else:
                messages.success(request, _("已保存核查记录"))
            return redirect("evaluation:inspection_task", pk=task.pk)
    return _task_page(request, task, is_inspector, form=form, status=422)


@login_required
def photo(request, pk):
    """An inspection photo, for the task's inspector and the managers; nobody else."""
    user = request.user
    visible = scope.inspection_tasks_for(user)
    if scope.is_manager(user):
        visible = visible | _managed_tasks(user)
    found = access.get_or_404(InspectionPhoto.objects.filter(inspection__task__in=visible), pk=pk)
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    patch_cache_control(response, private=True, max_age=3600)
    return response
