"""The managers' results page of a cycle: the ranking with intervals, grades and ties, the
chart, and the steps that change it (score, publish, lock). Anyone who is not a manager, the
subjects included, gets a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jieyou.people import access

from .. import scope
from ..actions import publication
from ..actions.scoring import cycle_score
from ..models import Appeal, Cycle, Result

S = Cycle.Status
SCORABLE = (S.DRAFT, S.OPEN)


class PublishForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("公示天数"),
        min_value=1,
        max_value=publication.MAX_DAYS,
        initial=7,
        error_messages={
            "required": gettext_lazy("公示天数：必须填写"),
            "invalid": gettext_lazy("公示天数：必须是整数"),
            "min_value": gettext_lazy("公示天数：至少 1 天"),
            "max_value": gettext_lazy("公示天数：最多 30 天"),
        },
    )


def _cycle(request, pk) -> Cycle:
    if not scope.is_manager(request.user):
        raise Http404
    return access.get_or_404(scope.cycles_for(request.user), pk=pk)


def ranking(cycle: Cycle, *, breakdown: bool = False) -> list[dict]:
    """The cycle's results by rank with their tie groups spelled out; the breakdowns (large)
    only when asked for."""
    found = Result.objects.filter(subject__cycle=cycle).select_related("subject")
    if not breakdown:
        found = found.defer("breakdown")
    results = list(found.order_by("rank", "subject__name"))
    spans: dict[int, list[int]] = {}
    for r in results:
        spans.setdefault(r.tie_group, []).append(r.rank)
    rows = []
    for r in results:
        ranks = spans.get(r.tie_group, [r.rank])
        rows.append(
            {
                "result": r,
                "subject": r.subject,
                "tied": len(ranks) > 1,
                "tie_first": min(ranks),
                "tie_last": max(ranks),
            }
        )
    return rows


def chart_data(rows: list[dict]) -> dict:
    return {
        "names": [row["subject"].name for row in rows],
        "total": [row["result"].total for row in rows],
        "low": [row["result"].low for row in rows],
        "high": [row["result"].high for row in rows],
        "labels": {"total": _("总分"), "interval": _("95% 区间")},
    }


def _page(request, cycle, *, publish_form=None, status=200):
    rows = ranking(cycle)
    pending = Appeal.objects.filter(subject__cycle=cycle, status=Appeal.Status.FILED).count()
    now = timezone.now()
    context = {
        "cycle": cycle,
        "rows": rows,
        "chart": chart_data(rows),
        "scorable": cycle.status in SCORABLE,
        "publishable": cycle.status == S.OPEN,
        "stale": publication.stale_reasons(cycle) if cycle.status == S.OPEN and rows else [],
        "publish_form": publish_form or PublishForm(),
        "lockable": cycle.status == S.PUBLISHED
        and cycle.publication_ends is not None
        and now >= cycle.publication_ends
        and not pending,
        "pending": pending,
        "in_window": publication.in_window(cycle, now),
        "subjects_without": cycle.subjects.filter(result__isnull=True).count(),
    }
    return render(request, "evaluation/result_cycle.html", context, status=status)


@login_required
def cycle_results(request, pk):
    return _page(request, _cycle(request, pk))


@login_required
def result_cycles(request):
    """Every cycle with how far its results have come."""
    if not scope.is_manager(request.user):
        raise Http404
    cycles = scope.cycles_for(request.user).annotate(
        n_subjects=Count("subjects", distinct=True),
        n_results=Count("subjects__result", distinct=True),
        n_pending=Count(
            "subjects__appeals",
            filter=Q(subjects__appeals__status=Appeal.Status.FILED),
            distinct=True,
        ),
    )
    return render(request, "evaluation/result_cycles.html", {"cycles": cycles})


def _refused(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


@require_POST
@login_required
def score(request, pk):
    cycle = _cycle(request, pk)
    if cycle.status not in SCORABLE:
        # Once published, only an upheld appeal scores again, so that what was shown stays.
        messages.error(request, _("考核结果已公示或锁定，只能通过申诉复核重新计分"))
        return redirect("evaluation:result_cycle", pk=cycle.pk)
    try:
        results = cycle_score(actor=request.user, cycle=cycle, reason=_("手动计分"))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("已为 %(n)d 个考核对象计分") % {"n": len(results)})
    return redirect("evaluation:result_cycle", pk=cycle.pk)


@require_POST
@login_required
def publish(request, pk):
    cycle = _cycle(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _page(request, cycle, publish_form=form, status=422)
    try:
        publication.cycle_publish(actor=request.user, cycle=cycle, days=form.cleaned_data["days"])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("考核结果已公示"))
    return redirect("evaluation:result_cycle", pk=cycle.pk)


@require_POST
@login_required
def lock(request, pk):
    cycle = _cycle(request, pk)
    try:
        publication.cycle_lock(actor=request.user, cycle=cycle)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("考核周期已锁定，结果不再变动"))
    return redirect("evaluation:result_cycle", pk=cycle.pk)
