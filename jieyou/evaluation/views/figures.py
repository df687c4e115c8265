"""Reported figures: entry with evidence by the subject's unit or community (and managers), the
verification queue for managers, and the evidence files. A unit's staff see only their own
subjects; the subject evaluated sees none of it (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieyou.people import access

from .. import scope
from ..actions import figures as actions
from ..forms import FigureForm, ReturnForm, add_action_error
from ..models import Cycle, Evidence, Indicator, ReportedFigure, Subject

F = ReportedFigure.Status
RUNNING = (Cycle.Status.DRAFT, Cycle.Status.OPEN)
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def _subjects(request):
    if not scope.sees_figure_pages(request.user):
        raise Http404
    return scope.figure_subjects_for(request.user)


def _reported(subject: Subject):
    return Indicator.objects.filter(
        dimension__scheme_id=subject.scheme_id, source=Indicator.Source.REPORTED
    ).select_related("dimension")


@login_required
def figure_list(request):
    """Each subject the user may report for, with its reported indicators and their state."""
    subjects = (
        _subjects(request)
        .filter(cycle__status__in=RUNNING)
        .select_related("cycle", "scheme")
        .prefetch_related(Prefetch("figures", ReportedFigure.objects.select_related("indicator")))
        .order_by("cycle__name", "name")
    )
    rows = []
    for subject in subjects:
        entered = {f.indicator_id: f for f in subject.figures.all()}
        rows.append(
            {
                "subject": subject,
                "items": [(i, entered.get(i.pk)) for i in _reported(subject)],
            }
        )
    context = {"rows": rows, "manager": scope.is_manager(request.user)}
    return render(request, "evaluation/figure_list.html", context)


def _entry_page(request, subject, indicator, form, status=200):
    figure = ReportedFigure.objects.filter(subject=subject, indicator=indicator).first()
    context = {
        "subject": subject,
        "indicator": indicator,
        "figure": figure,
        "evidence": figure.evidence.all() if figure else [],
        "form": form,
        "locked": figure is not None and figure.status == F.VERIFIED,
        "manager": scope.is_manager(request.user),
    }
    return render(request, "evaluation/figure_entry.html", context, status=status)


@login_required
def figure_entry(request, subject_pk, indicator_pk):
    subject = access.get_or_404(_subjects(request).select_related("cycle"), pk=subject_pk)
    indicator = access.get_or_404(_reported(subject), pk=indicator_pk)
    figure = ReportedFigure.objects.filter(subject=subject, indicator=indicator).first()
    initial = {}
    if figure is not None:
        initial = {"value": figure.value, "baseline": figure.baseline, "note": figure.note}
    form = FigureForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.figure_enter(
                actor=request.user, subject=subject, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("已填报，等待考核人员核验"))
            return redirect("evaluation:figure_list")
    return _entry_page(request, subject, indicator, form, status=422 if form.errors else 200)


def _manager(request):
    if not scope.is_manager(request.user):
        raise Http404


def _figures_for(user):
    return ReportedFigure.objects.filter(subject__in=scope.subjects_for(user))


@login_required
def figure_queue(request):
    """Figures waiting for a second person; the user's own entries are shown but not theirs
    to verify."""
    _manager(request)
    waiting = (
        _figures_for(request.user)
        .filter(status=F.ENTERED, subject__cycle__status__in=RUNNING)
        .select_related("subject__cycle", "indicator", "entered_by__staff")
        .prefetch_related("evidence")
        .order_by("entered_at")
    )
    context = {"figures": waiting, "return_form": ReturnForm()}
    return render(request, "evaluation/figure_queue.html", context)


def _queue_error(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)
    return redirect("evaluation:figure_queue")


@require_POST
@login_required
def figure_verify(request, pk):
    _manager(request)
    figure = access.get_or_404(_figures_for(request.user), pk=pk)
    try:
        actions.figure_verify(actor=request.user, figure=figure)
    except ValidationError as error:
        return _queue_error(request, error)
    messages.success(request, _("已核验：%(f)s") % {"f": figure})
    return redirect("evaluation:figure_queue")


@require_POST
@login_required
def figure_return(request, pk):
    _manager(request)
    figure = access.get_or_404(_figures_for(request.user), pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _queue_error(request, ValidationError(list(form.errors.get("reason", []))))
    try:
        actions.figure_return(actor=request.user, figure=figure, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _queue_error(request, error)
    messages.success(request, _("已退回：%(f)s") % {"f": figure})
    return redirect("evaluation:figure_queue")


@login_required
def evidence_file(request, pk):
    """An evidence file, for the people who may see the figure; nobody else, not even by link."""
    user = request.user
    visible = scope.figure_subjects_for(user)
    evidence = access.get_or_404(Evidence.objects.filter(figure__subject__in=visible), pk=pk)
    extension = evidence.file.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    # A PDF is downloaded rather than opened in the page's origin; pictures are shown.
    response["Content-Disposition"] = content_disposition_header(extension == "pdf", evidence.name)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=3600)
    return response
