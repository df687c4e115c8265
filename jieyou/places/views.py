"""Pages to browse the area tree and the grids, always inside the user's scope."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from jieyou.people import access
from jieyou.people import queries as people
from jieyou.people.models import Staff

from . import queries
from .models import Area


@login_required
def tree(request):
    """The roots of what this user may browse (a county, a community …)."""
    scope = access.scope_for(request.user)
    roots = _with_counts(request.user, access.areas(request.user).filter(path__in=scope.area_paths))
    return render(request, "places/tree.html", {"roots": roots})


@login_required
def area_detail(request, pk):
    user = request.user
    visible = access.areas(user)
    area = access.get_or_404(visible.select_related("parent"), pk=pk)
    ancestors = queries.ancestors(area)
    linkable = set(visible.filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True))
    grids = None
    if area.kind == Area.Kind.COMMUNITY:
        grids = (
            access.grids(user)
            .filter(community=area)
            .annotate(
                n_workers=Count("workers", distinct=True), n_areas=Count("areas", distinct=True)
            )
        )
    context = {
        "area": area,
        "crumbs": [(a, a.pk in linkable) for a in ancestors],
        "children": _with_counts(user, visible.filter(parent=area)),
        "grids": grids,
        "resident_count": people.count_residents_under(access.residents(user), area),
        "sees_residents": bool(access.scope_for(user).resident_paths),
    }
    return render(request, "places/area.html", context)


def _with_counts(user, areas):
    return areas.annotate(
        n_children=Count("children", distinct=True),
        n_residents=people.count_under(access.residents(user), "area__path"),
    ).order_by("path")


@login_required
def grid_list(request):
    grids = (
        access.grids(request.user)
        .select_related("community")
        .annotate(n_workers=Count("workers", distinct=True), n_areas=Count("areas", distinct=True))
        .order_by("community__path", "name")
    )
    return render(request, "places/grids.html", {"grids": grids})


@login_required
def grid_detail(request, pk):
    user = request.user
    grid = access.get_or_404(access.grids(user).select_related("community"), pk=pk)
    covered = queries.areas_under(queries.grid_paths([grid.pk])).order_by("path")
    workers = access.staff_members(user).filter(grids=grid, role=Staff.Role.GRID_WORKER)
    context = {
        "grid": grid,
        "covered": covered,
        "workers": workers,
        "resident_count": people.in_grid(access.residents(user), grid).count(),
        "sees_residents": bool(access.scope_for(user).resident_paths),
    }
    return render(request, "places/grid.html", context)
