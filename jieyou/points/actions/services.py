"""The service catalogue and the record of services given: changed only here."""

from datetime import date, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import audit
from jieyou.core.chinese import pinyin_keys

from ..errors import PointsError
from ..models import Service, ServiceDelivery, ServicePoint
from .points import check_keeper, coordinates, write_values

SERVICE_FIELDS = (
    "point",
    "name",
    "name_pinyin",
    "name_initials",
    "provider_kind",
    "provider",
    "unit",
    "weekdays",
    "starts",
    "ends",
    "schedule_note",
    "price_note",
    "latitude",
    "longitude",
)
# One day's record larger than this is a typing slip, not a busy Friday.
MOST_PEOPLE_A_DAY = 2000


def normalize_weekdays(value) -> str:
    """ "5", "1,3,5", [1, 3, 5] or "531" → "135"; anything but ISO weekdays 1–7 is refused."""
    if isinstance(value, (list, tuple, set)):
        text = "".join(str(v) for v in value)
    else:
        text = "".join(ch for ch in str(value or "") if ch not in " ,，、")
    if any(ch not in "1234567" for ch in text):
        raise PointsError({"weekdays": [_("服务日：只能填 1 到 7 的数字（1=周一 … 7=周日）")]})
    return "".join(sorted(set(text)))


def _check_times(starts: time | None, ends: time | None) -> None:
    if ends is not None and starts is None:
        raise PointsError({"starts": [_("开始时间：填了结束时间就须填开始时间")]})
    if starts is not None and ends is not None and ends <= starts:
        raise PointsError({"ends": [_("结束时间：须晚于开始时间")]})


def service_values(
    *,
    service: Service | None,
    point: ServicePoint,
    name: str,
    provider_kind: str,
    provider: str = "",
    unit=None,
    weekdays="",
    starts: time | None = None,
    ends: time | None = None,
    schedule_note: str = "",
    price_note: str = "",
    latitude=None,
    longitude=None,
) -> dict:
    """The checked, normalised field values of a service, with the pinyin keys that search
    uses filled from the name; raises PointsError naming the field."""
    name = (name or "").strip()
    if not name:
        raise PointsError({"name": [_("服务项目：不能为空")]})
    if len(name) > 50:
        raise PointsError({"name": [_("服务项目：最多 50 个字")]})
    if provider_kind not in Service.Provider.values:
        raise PointsError({"provider_kind": [_("提供方类型：请从列表中选择")]})
    if service is None and not ServicePoint.objects.filter(pk=point.pk, active=True).exists():
        raise PointsError({"point": [_("解忧铺：已停用的解忧铺不能新增服务")]})
    days = normalize_weekdays(weekdays)
    _check_times(starts, ends)
    lat, lon = coordinates(latitude, longitude)
    full, initials = pinyin_keys(name)
    return {
        "point": point,
        "name": name,
        "name_pinyin": full[:200],
        "name_initials": initials[:50],
        "provider_kind": provider_kind,
        "provider": (provider or "").strip(),
        "unit": unit,
        "weekdays": days,
        "starts": starts,
        "ends": ends,
        "schedule_note": (schedule_note or "").strip(),
        "price_note": (price_note or "").strip(),
        "latitude": lat,
        "longitude": lon,
    }


def service_save(
    *, actor, service: Service | None = None, point: ServicePoint, **fields
) -> Service:
    """Add a service to a point (service=None) or change one; `fields` are service_values'.
    The pinyin keys that search uses are filled here from the name."""
    check_keeper(actor, point.community)
    if service is not None:
        check_keeper(actor, service.point.community)
    values = service_values(service=service, point=point, **fields)
    with transaction.atomic():
        saved, before = write_values(Service, service, values, SERVICE_FIELDS, _snapshot)
        audit.record(
            "service.create" if before is None else "service.update",
            actor=actor,
            obj=saved,
            detail={"before": before, "after": _snapshot(saved)},
        )
    return saved


def _snapshot(service: Service) -> dict:
    return {
        "point": service.point_id,
        "name": service.name,
        "provider_kind": service.provider_kind,
        "provider": service.provider,
        "unit": service.unit_id,
        "weekdays": service.weekdays,
        "starts": service.starts.isoformat() if service.starts else None,
        "ends": service.ends.isoformat() if service.ends else None,
        "price_note": service.price_note,
        "active": service.active,
    }


def service_retire(*, actor, service: Service, active: bool = False) -> Service:
    """Take a service out of the catalogue (or back in with active=True); its deliveries stay."""
    check_keeper(actor, service.point.community)
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        if locked.active == active:
            return locked
        locked.active = active
        locked.save(update_fields=["active"])
        audit.record("service.retire" if not active else "service.reopen", actor=actor, obj=locked)
    return locked


def delivery_record(
    *, actor, service: Service, day: date, people: int, note: str = ""
) -> ServiceDelivery:
    """A service given on a day to `people` residents (代收快递 12 件, 理发 8 人)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PointsError({"recorded_by": [_("记录人：须由工作人员登记")]})
    check_keeper(actor, service.point.community)
    today = timezone.localdate()
    if day is None:
        raise PointsError({"day": [_("日期：不能为空")]})
    if day > today:
        raise PointsError({"day": [_("日期：不能晚于今天")]})
    try:
        people = int(people)
    except (TypeError, ValueError):
        raise PointsError({"people": [_("服务人次：须为整数")]}) from None
    if not 1 <= people <= MOST_PEOPLE_A_DAY:
        raise PointsError(
            {"people": [_("服务人次：须在 1 到 %(most)s 之间") % {"most": MOST_PEOPLE_A_DAY}]}
        )
    with transaction.atomic():
        delivery = ServiceDelivery.objects.create(
            service=service,
            day=day,
            people=people,
            note=(note or "").strip()[:200],
            recorded_by=actor,
        )
        audit.record(
            "service.delivery",
            actor=actor,
            obj=delivery,
            detail={"service": service.pk, "day": day.isoformat(), "people": people},
        )
    return delivery
