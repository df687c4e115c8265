"""Reads of the place tree for other apps."""

from django.db.models import Q, QuerySet

from .models import Area, Grid


def under_paths(paths: list[str], field: str = "path") -> Q:
    """A filter for rows whose `field` lies under any of the given area paths (none → nothing)."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def areas_under(paths: list[str]) -> QuerySet[Area]:
    return Area.objects.filter(under_paths(paths))


def grids_in(paths: list[str]) -> QuerySet[Grid]:
    return Grid.objects.filter(under_paths(paths, "community__path"))


def grid_paths(grid_ids) -> list[str]:
    """The paths of the compounds and buildings the given grids cover."""
    return list(Area.objects.filter(covering_grids__in=grid_ids).values_list("path", flat=True))


def ancestors(area: Area) -> list[Area]:
    by_id = Area.objects.in_bulk(area.ancestor_ids())
    return [by_id[i] for i in area.ancestor_ids() if i in by_id]


def community_of(area: Area) -> Area | None:
    if area.kind == Area.Kind.COMMUNITY:
        return area
    return next((a for a in ancestors(area) if a.kind == Area.Kind.COMMUNITY), None)
