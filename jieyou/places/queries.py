"""Reads of the place tree for other apps."""

import math

from django.db.models import Q, QuerySet

from jieyou.core.memo import Memo

from .models import Area, Grid

# Intake checks its place on every request; the tree changes a few times a year.
_areas = Memo(Area)


def area_kept(pk: int) -> Area | None:
    """The area with this id, from this worker's memo (read-only: it is shared)."""
    return _areas.get(pk, lambda: Area.objects.filter(pk=pk).first())


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


def nearest_place(latitude: float, longitude: float, *, within_km: float) -> Area | None:
    """The compound or building with coordinates nearest to a point, if one is within reach."""
    places = Area.objects.filter(
        kind__in=[Area.Kind.COMPOUND, Area.Kind.BUILDING],
        latitude__isnull=False,
        longitude__isnull=False,
    )
    # Within a county the earth is flat enough: scale longitude by the cosine of the latitude.
    shrink = math.cos(math.radians(latitude))

    def km(area: Area) -> float:
        dy = float(area.latitude) - latitude
        dx = (float(area.longitude) - longitude) * shrink
        return math.hypot(dx, dy) * 111.2

    best = min(places, key=km, default=None)
    return best if best is not None and km(best) <= within_km else None


def place_named_in(text: str) -> Area | None:
    """The compound named in an address ("蓝天家园7号楼"), and its building when one is named too."""
    text = (text or "").replace(" ", "")
    if not text:
        return None
    compounds = Area.objects.filter(kind=Area.Kind.COMPOUND)
    named = [
        (len(short), c)
        for c in compounds
        if (short := c.name.removesuffix("小区")) and (c.name in text or short in text)
    ]
    if not named:
        return None
    compound = max(named, key=lambda pair: pair[0])[1]
    buildings = Area.objects.filter(parent=compound, kind=Area.Kind.BUILDING)
    building = max(
        (b for b in buildings if b.name in text), key=lambda b: len(b.name), default=None
    )
    return building or compound


def area_or_root(code: str = "") -> Area | None:
    """The area with this code, else the root of the tree (the county)."""
    found = Area.objects.filter(code=code).first() if code else None
    return found or Area.objects.filter(parent__isnull=True).order_by("pk").first()
