"""Service points and their zones: created, changed and retired only here."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jieyou.core import audit
from jieyou.core.validators import normalize_phone
from jieyou.places.models import Area

from ..errors import PointsError
from ..models import ServicePoint, Zone
from ..scope import may_keep

POINT_FIELDS = (
    "community",
    "area",
    "name",
    "address",
    "hours",
    "contact",
    "phone",
    "latitude",
    "longitude",
)


def check_keeper(actor, community: Area) -> None:
    """Refuse a change by someone who does not keep this community's points. `actor=None` is
    the system itself (the demo loader, a management command), never a web request: views
    pass request.user, which is an AnonymousUser when nobody signed in. A superuser works
    through the admin site, outside the community roles."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if not may_keep(actor, community):
        raise PointsError({"community": [_("所属社区：您无权维护该社区的解忧铺")]})


def coordinate(value, *, field: str, label: str, low: int, high: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise PointsError({field: [_("%(label)s须为数字") % {"label": label}]}) from None
    if not low <= number <= high:
        raise PointsError(
            {
                field: [
                    _("%(label)s须在 %(low)s 到 %(high)s 之间")
                    % {"label": label, "low": low, "high": high}
                ]
            }
        )
    return number


def coordinates(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    lat = coordinate(latitude, field="latitude", label=_("纬度"), low=-90, high=90)
    lon = coordinate(longitude, field="longitude", label=_("经度"), low=-180, high=180)
    if (lat is None) != (lon is None):
        raise PointsError({"longitude": [_("经度、纬度：须同时填写或同时留空")]})
    return lat, lon


def zone_rows(zones) -> list[tuple[str, str, str]]:
    """(kind, name, note) rows, from tuples or dicts; kinds checked, duplicates refused."""
    rows, seen = [], set()
    for zone in zones:
        if isinstance(zone, dict):
            kind, name, note = zone.get("kind", ""), zone.get("name", ""), zone.get("note", "")
        else:
            kind, name, note = (*tuple(zone), "", "")[:3]
        name, note = (name or "").strip(), (note or "").strip()
        if kind not in Zone.Kind.values:
            raise PointsError({"zones": [_("功能区：不认识的类型“%(kind)s”") % {"kind": kind}]})
        if (kind, name) in seen:
            label = name or Zone.Kind(kind).label
            raise PointsError({"zones": [_("功能区：“%(zone)s”重复了") % {"zone": label}]})
        seen.add((kind, name))
        rows.append((kind, name, note))
    return rows


def _check(*, point, community, area, name, contact) -> None:
    if community is None or community.kind != Area.Kind.COMMUNITY:
        raise PointsError({"community": [_("所属社区：须选择一个社区")]})
    if not name:
        raise PointsError({"name": [_("名称：不能为空")]})
    taken = ServicePoint.objects.filter(name=name)
    if point is not None:
        taken = taken.exclude(pk=point.pk)
    if taken.exists():
        raise PointsError({"name": [_("名称：已有同名的解忧铺")]})
    if area is not None and (
        area.kind not in (Area.Kind.COMPOUND, Area.Kind.BUILDING)
        or not area.path.startswith(community.path)
    ):
        raise PointsError({"area": [_("所在小区：须是本社区内的小区或楼栋")]})
    if contact is not None and not hasattr(contact, "staff"):
        raise PointsError({"contact": [_("联系人：须是工作人员")]})


def point_values(
    *,
    point: ServicePoint | None,
    community: Area,
    name: str,
    area: Area | None = None,
    address: str = "",
    hours: str = "",
    contact=None,
    phone: str = "",
    latitude=None,
    longitude=None,
) -> dict:
    """The checked, normalised field values of a point; raises PointsError naming the field.
    Forms (the admin's too) call it to show errors before anything is written."""
    name = (name or "").strip()
    _check(point=point, community=community, area=area, name=name, contact=contact)
    lat, lon = coordinates(latitude, longitude)
    try:
        phone = normalize_phone(phone) if phone else ""
    except ValidationError as error:
        raise PointsError({"phone": [_("联系电话：%(why)s") % {"why": _messages(error)}]}) from None
    return {
        "community": community,
        "area": area,
        "name": name,
        "address": (address or "").strip(),
        "hours": (hours or "").strip(),
        "contact": contact,
        "phone": phone,
        "latitude": lat,
        "longitude": lon,
    }


def write_values(model, row, values: dict, fields, snapshot):
    """Create a `model` row from `values` (row=None) or lock `row` and write them onto it, inside
    the caller's transaction; returns the saved row and its snapshot before (None if new)."""
    if row is None:
        return model.objects.create(**values), None
    saved = model.objects.select_for_update().get(pk=row.pk)
    before = snapshot(saved)
    for key, value in values.items():
        setattr(saved, key, value)
    saved.save(update_fields=list(fields))
    return saved, before


def point_save(
    *, actor, point: ServicePoint | None = None, community: Area, zones=None, **fields
) -> ServicePoint:
    """Create a point (point=None) or change one; `fields` are point_values'. `zones` (kind,
    name, note) rows, when given, become the point's zones: zones not listed are removed."""
    check_keeper(actor, community)
    if point is not None:
        check_keeper(actor, point.community)
    values = point_values(point=point, community=community, **fields)
    rows = zone_rows(zones) if zones is not None else None
    with transaction.atomic():
        saved, before = write_values(ServicePoint, point, values, POINT_FIELDS, _snapshot)
        zone_change = _set_zones(saved, rows) if rows is not None else None
        audit.record(
            "point.create" if before is None else "point.update",
            actor=actor,
            obj=saved,
            detail={"before": before, "after": _snapshot(saved), "zones": zone_change},
        )
    return saved


def point_set_zones(*, actor, point: ServicePoint, zones) -> ServicePoint:
    """Make `zones` (kind, name, note) the point's zones; zones not listed are removed."""
    check_keeper(actor, point.community)
    rows = zone_rows(zones)
    with transaction.atomic():
        locked = ServicePoint.objects.select_for_update().get(pk=point.pk)
        change = _set_zones(locked, rows)
        if change["added"] or change["removed"] or change["noted"]:
            audit.record("point.zones", actor=actor, obj=locked, detail=change)
    return locked


def _messages(error) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


def _snapshot(point: ServicePoint) -> dict:
    return {
        "community": point.community_id,
        "area": point.area_id,
        "name": point.name,
        "address": point.address,
        "hours": point.hours,
        "contact": point.contact_id,
        "latitude": str(point.latitude) if point.latitude is not None else None,
        "longitude": str(point.longitude) if point.longitude is not None else None,
        "active": point.active,
    }


def _set_zones(point: ServicePoint, rows) -> dict:
    existing = {(z.kind, z.name): z for z in point.zones.all()}
    wanted = {(kind, name): note for kind, name, note in rows}
    removed = [key for key in existing if key not in wanted]
    if removed:
        Zone.objects.filter(pk__in=[existing[key].pk for key in removed]).delete()
    added, noted = [], []
    for (kind, name), note in wanted.items():
        zone = existing.get((kind, name))
        if zone is None:
            Zone.objects.create(point=point, kind=kind, name=name, note=note)
            added.append([kind, name])
        elif zone.note != note:
            zone.note = note
            zone.save(update_fields=["note"])
            noted.append([kind, name])
    return {"added": added, "removed": [list(key) for key in removed], "noted": noted}


def point_retire(*, actor, point: ServicePoint, active: bool = False) -> ServicePoint:
    """Close a point (or reopen it with active=True); its records stay."""
    check_keeper(actor, point.community)
    with transaction.atomic():
        locked = ServicePoint.objects.select_for_update().get(pk=point.pk)
        if locked.active == active:
            return locked
        locked.active = active
        locked.save(update_fields=["active"])
        audit.record("point.retire" if not active else "point.reopen", actor=actor, obj=locked)
    return locked
