"""Every change to the place tree and the grids goes through here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from jieyou.core import audit

from .models import Area, Grid
from .rules import check_area, check_grid_areas


def area_create(
    *,
    actor,
    name: str,
    kind: str,
    parent: Area | None,
    code: str = "",
    latitude=None,
    longitude=None,
) -> Area:
    check_area(kind=kind, parent=parent, code=code)
    with transaction.atomic():
        area = Area.objects.create(
            name=name,
            kind=kind,
            parent=parent,
            code=code,
            path="",
            latitude=latitude,
            longitude=longitude,
        )
        area.path = f"{parent.path if parent else '/'}{area.pk}/"
        area.save(update_fields=["path"])
        audit.record("area.create", actor=actor, obj=area, detail={"name": name, "code": code})
    return area


def area_update(
    *,
    actor,
    area: Area,
    name: str,
    kind: str,
    parent: Area | None,
    code: str,
    latitude=None,
    longitude=None,
) -> Area:
    """Rename, recode or move an area; moving rewrites the paths of its whole subtree."""
    check_area(kind=kind, parent=parent, code=code)
    if parent is not None and (parent.pk == area.pk or parent.path.startswith(area.path)):
        raise ValidationError({"parent": [_("不能把区划移到它自己或它的下级之下")]})
    with transaction.atomic():
        locked = Area.objects.select_for_update().get(pk=area.pk)
        before = {"name": locked.name, "code": locked.code, "parent": locked.parent_id}
        old_path = locked.path
        new_path = f"{parent.path if parent else '/'}{locked.pk}/"
        locked.name, locked.kind, locked.parent, locked.code = name, kind, parent, code
        locked.latitude, locked.longitude = latitude, longitude
        locked.path = new_path
        locked.save(
            update_fields=["name", "kind", "parent", "code", "path", "latitude", "longitude"]
        )
        if new_path != old_path:
            Area.objects.filter(path__startswith=old_path).exclude(pk=locked.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
            )
        audit.record(
            "area.update",
            actor=actor,
            obj=locked,
            detail={
                "before": before,
                "after": {"name": name, "code": code, "parent": parent.pk if parent else None},
            },
        )
    return locked


def grid_create(*, actor, community: Area, name: str, code: str = "", areas=()) -> Grid:
    with transaction.atomic():
        grid = Grid.objects.create(community=community, name=name, code=code)
        grid_set_areas(actor=actor, grid=grid, areas=areas)
    return grid


def grid_update(*, actor, grid: Grid, name: str, code: str, areas) -> Grid:
    """Rename or recode a grid and set what it covers; the community stays."""
    with transaction.atomic():
        locked = Grid.objects.select_for_update().get(pk=grid.pk)
        before = {"name": locked.name, "code": locked.code}
        locked.name, locked.code = name, code
        locked.save(update_fields=["name", "code"])
        audit.record(
            "grid.update",
            actor=actor,
            obj=locked,
            detail={"before": before, "after": {"name": name, "code": code}},
        )
        grid_set_areas(actor=actor, grid=locked, areas=areas)
    return locked


def grid_set_areas(*, actor, grid: Grid, areas) -> Grid:
    """Set what a grid covers; every covered area must lie inside the grid's community."""
    areas = list(areas)
    check_grid_areas(community=grid.community, areas=areas)
    with transaction.atomic():
        grid.areas.set(areas)
        audit.record(
            "grid.set_areas", actor=actor, obj=grid, detail={"areas": [a.pk for a in areas]}
        )
    return grid
