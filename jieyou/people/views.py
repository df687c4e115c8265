"""Pages for residents, units and staff; every list and fetch goes through access.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import access, actions, queries
from .forms import ResidentForm
from .models import Staff, Tag

R = Staff.Role
PAGE_SIZE = 50
# Registering a resident is the work of those who serve them in person.
CREATE_ROLES = access.RESIDENT_ROLES
STAFF_LIST_ROLES = {R.COUNTY_ADMIN, R.COMMUNITY_SECRETARY}
REVEAL_FIELDS = ("phone", "id_number")


def _require_role(user, roles):
    if access.scope_for(user).role not in roles:
        raise Http404


@login_required
def resident_list(request):
    user = request.user
    residents = queries.search_residents(access.residents(user), request.GET.get("q", ""))
    filters = {}
    if request.GET.get("tag"):
        filters["tag"] = access.get_or_404(Tag.objects.all(), pk=request.GET["tag"])
        residents = residents.filter(tags=filters["tag"])
    if request.GET.get("grid"):
        filters["grid"] = access.get_or_404(access.grids(user), pk=request.GET["grid"])
        residents = queries.in_grid(residents, filters["grid"])
    if request.GET.get("area"):
        filters["area"] = access.get_or_404(access.areas(user), pk=request.GET["area"])
        residents = residents.filter(area__path__startswith=filters["area"].path)
    residents = residents.select_related("area", "household__building").prefetch_related("tags")
    page = Paginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "q": request.GET.get("q", ""),
        "tags": Tag.objects.all(),
        "grids": access.grids(user).select_related("community"),
        "care_tags": queries.CARE_TAGS,
        "can_create": access.scope_for(user).role in CREATE_ROLES,
    }
    # Live search swaps only the results; a history restore needs the whole page again.
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "people/_resident_rows.html" if partial else "people/residents.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def resident_detail(request, pk):
    user = request.user
    resident = access.get_or_404(
        access.residents(user).select_related("area", "household__building"), pk=pk
    )
    area = resident.area
    context = {
        "resident": resident,
        "tags": resident.tags.all(),
        "grids": access.grids(user)
        .filter(areas__pk__in=[*area.ancestor_ids(), area.pk])
        .distinct(),
        "can_unmask": access.scope_for(user).can_unmask,
        "care_tags": queries.CARE_TAGS,
    }
    return render(request, "people/resident.html", context)


@never_cache
@require_POST
@login_required
def resident_reveal(request, pk, field):
    """One full number for a role that needs it; the look is audited in the action."""
    user = request.user
    if field not in REVEAL_FIELDS or not access.scope_for(user).can_unmask:
        raise Http404
    resident = access.get_or_404(access.residents(user), pk=pk)
    value = actions.resident_reveal(actor=user, resident=resident, field=field)
    return render(request, "people/_revealed.html", {"value": value})


@login_required
def resident_create(request):
    user = request.user
    _require_role(user, CREATE_ROLES)
    form = ResidentForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        resident = form.create(actor=user)
        messages.success(request, _("已登记居民 %(name)s") % {"name": resident.name})
        return redirect("people:resident", pk=resident.pk)
    return render(request, "people/resident_form.html", {"form": form})


@login_required
def unit_list(request):
    units = access.units(request.user).select_related("area")
    return render(request, "people/units.html", {"units": units})


@login_required
def unit_detail(request, pk):
    user = request.user
    unit = access.get_or_404(access.units(user).select_related("area"), pk=pk)
    members = access.staff_members(user).filter(unit=unit).order_by("name")
    return render(request, "people/unit.html", {"unit": unit, "members": members})


@login_required
def staff_list(request):
    _require_role(request.user, STAFF_LIST_ROLES)
    members = (
        access.staff_members(request.user)
        .select_related("area", "unit")
        .prefetch_related("grids")
        .order_by("role", "name")
    )
    return render(request, "people/staff.html", {"members": members})
