"""Visit pages for grid workers on the street: find the household, record the visit (the
form keeps a draft on the phone and resends it, see static/points/visit_draft.js), report
what was found as a concern in one tap, and the visits and coverage of a grid by month."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jieyou.people import access

from ..actions import visits as actions
from ..queries import records
from ..scope import communities_for
from .records_forms import VisitConcernForm, VisitForm, add_action_error, openable_concerns

PAGE_SIZE = 50
SEARCH_LIMIT = 30


def coverage_function():
    """The figures' coverage per grid and month, when that module is installed."""
    try:
        from ..queries.figures import coverage_by_grid_month
    except ImportError:
        return None
    return coverage_by_grid_month


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
def visit_list(request):
    user = request.user
    today = timezone.localdate()
    year, month = records.parse_month(request.GET.get("month"), today)
    first, after = records.month_bounds(year, month)
    grids = (
        access.grids(user).filter(community__in=communities_for(user)).select_related("community")
    )
    grid = None
    if request.GET.get("grid"):
        grid = access.get_or_404(grids, pk=request.GET["grid"])
    shown_grids = [grid] if grid else list(grids.order_by("community__path", "name"))
    visits = records.visits_for(user).filter(visited_on__gte=first, visited_on__lt=after)
    if grid:
        visits = visits.filter(grid=grid)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    coverage_rows = None
    coverage = coverage_function()
    if coverage is not None and shown_grids:
        figures = coverage(shown_grids, year)
        coverage_rows = [(g, figures.get((g.pk, month))) for g in shown_grids]
    context = {
        "page": page,
        "grid": grid,
        "grids": grids.order_by("community__path", "name"),
        "month": f"{year:04d}-{month:02d}",
        "month_label": _("%(y)d年%(m)d月") % {"y": year, "m": month},
        "previous": records.month_key(year, month, -1),
        "next": records.month_key(year, month, 1),
        "coverage_rows": coverage_rows,
        "can_visit": actions.may_visit(user),
    }
    return render(request, "points/visit_list.html", context)


@login_required
def visit_households(request):
    """The household search of the visit form (whole page, or only the results for HTMX)."""
    user = request.user
    q = request.GET.get("q", "").strip()
    found = records.search_households(actions.households_to_visit(user), q)[:SEARCH_LIMIT]
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "points/visit_households.html" if partial else "points/visit_search.html"
    response = render(
        request,
        template,
        {"households": found, "q": q, "can_visit": actions.may_visit(user)},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _visit_errors(form) -> dict[str, list[str]]:
    return {name: [str(m) for m in errors] for name, errors in form.errors.items()}


@never_cache
@login_required
def visit_new(request):
    user = request.user
    household_id = request.POST.get("household") or request.GET.get("household")
    if not household_id:
        return visit_households(request)
    household = access.get_or_404(
        actions.households_to_visit(user).select_related("building__parent"), pk=household_id
    )
    # The draft's key is made with the page, so that a form sent without scripts is just as
    # safe to send twice; the script keeps the key of a draft already begun on this phone.
    form = VisitForm(request.POST or None, initial={"client_key": uuid.uuid4().hex})
    if request.method == "POST":
        if form.is_valid():
            try:
                visit = actions.visit_record(actor=user, household=household, **form.cleaned_data)
            except ValidationError as exc:
                add_action_error(form, exc)
            else:
                url = reverse("points:visit_detail", args=[visit.pk])
                if _wants_json(request):
                    return JsonResponse(
                        {
                            "ok": True,
                            "id": visit.pk,
                            "url": url,
                            "replayed": visit.replayed,
                            "message": _("已保存"),
                        },
                        status=200 if visit.replayed else 201,
                    )
                messages.success(request, _("已保存"))
                return redirect(url)
        if _wants_json(request):
            errors = _visit_errors(form)
            first = next(iter(errors.values()))[0]
            return JsonResponse({"ok": False, "detail": first, "errors": errors}, status=422)
    residents = household.residents.order_by("pk")
    return render(
        request,
        "points/visit_form.html",
        {"form": form, "household": household, "residents": residents},
        status=422 if form.is_bound else 200,
    )


@login_required
def visit_detail(request, pk):
    user = request.user
    visit = access.get_or_404(records.visits_for(user), pk=pk)
    can_report = (
        actions.may_visit(user)
        and actions.households_to_visit(user).filter(pk=visit.household_id).exists()
    )
    concerns = list(visit.concerns.select_related("category").order_by("submitted_at"))
    context = {
        "visit": visit,
        "concerns": concerns,
        "openable": openable_concerns(user, [c.pk for c in concerns]),
        "form": VisitConcernForm(visit=visit) if can_report else None,
    }
    return render(request, "points/visit_detail.html", context)


@require_POST
@login_required
def visit_concern(request, pk):
    """ "发现问题，一键上报": the concern form comes filled from the visit's findings."""
    user = request.user
    visit = access.get_or_404(records.visits_for(user), pk=pk)
    if not actions.households_to_visit(user).filter(pk=visit.household_id).exists():
        return redirect("points:visit_detail", pk=visit.pk)
    form = VisitConcernForm(request.POST, visit=visit)
    if form.is_valid():
        try:
            concern = actions.visit_raise_concern(actor=user, visit=visit, **form.cleaned_data)
        except ValidationError as exc:
            add_action_error(form, exc)
        else:
            messages.success(
                request, _("已上报为诉求，回执码 %(code)s") % {"code": concern.receipt_code}
            )
            return redirect("points:visit_detail", pk=visit.pk)
    context = {
        "visit": visit,
        "concerns": visit.concerns.select_related("category").order_by("submitted_at"),
        "form": form,
    }
    return render(request, "points/visit_detail.html", context, status=422)
