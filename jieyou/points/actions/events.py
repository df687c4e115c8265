"""Events at the service points: 义诊, 义剪, 旧物置换, performances, policy outreach.

Deleting: an event may be deleted only before it starts (a plan called off). Once it has
started it is a record the community's figures count ("events and people served"); a
mistake in it is corrected with event_save, never by deleting it.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import audit

from ..errors import PointsError
from ..models import Event, ServicePoint
from ..scope import may_keep

FIELDS = ("point", "kind", "title", "starts_at", "ends_at", "providers", "people_served", "note")


def _require_keeper(actor, point: ServicePoint) -> None:
    if point is None:
        raise PointsError({"point": [_("解忧铺：请选择解忧铺")]})
    if not may_keep(actor, point.community):
        raise PointsError({"point": [_("解忧铺：您无权维护该解忧铺的活动")]})


def event_save(
    *,
    actor,
    point: ServicePoint,
    event: Event | None = None,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    providers: str = "",
    people_served: int = 0,
    note: str = "",
) -> Event:
    """Add an event at `point` (event=None) or change one; times are aware datetimes.
    `people_served` is filled in after the event; an event that has not started yet
    cannot have served anyone. Only keepers of the point's community (of both points
    when an event moves)."""
    _require_keeper(actor, point)
    if event is not None:
        _require_keeper(actor, event.point)
    title = (title or "").strip()
    if not title:
        raise PointsError({"title": [_("名称：请填写活动名称")]})
    if len(title) > 100:
        raise PointsError({"title": [_("名称：不能超过100字")]})
    if kind not in Event.Kind.values:
        raise PointsError({"kind": [_("类型：请选择活动类型")]})
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        raise PointsError({"starts_at": [_("开始时间：请填写开始时间")]})
    if ends_at is not None and ends_at < starts_at:
        raise PointsError({"ends_at": [_("结束时间：不能早于开始时间")]})
    if people_served is None or people_served < 0:
        raise PointsError({"people_served": [_("服务人次：须为0或正整数")]})
    if people_served and starts_at > timezone.now():
        raise PointsError({"people_served": [_("服务人次：活动开始后才能填写")]})
    if len(providers or "") > 200:
        raise PointsError({"providers": [_("服务提供方：不能超过200字")]})
    if len(note or "") > 2000:
        raise PointsError({"note": [_("说明：不能超过2000字")]})
    values = {
        "point": point,
        "kind": kind,
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "providers": (providers or "").strip(),
        "people_served": people_served,
        "note": (note or "").strip(),
    }
    with transaction.atomic():
        if event is None:
            event = Event.objects.create(recorded_by=actor, **values)
            action = "points.event_create"
        else:
            event = Event.objects.select_for_update().get(pk=event.pk)
            for field, value in values.items():
                setattr(event, field, value)
            event.save(update_fields=list(FIELDS))
            action = "points.event_update"
        audit.record(action, actor=actor, obj=event, detail={"point": point.pk})
    return event


def event_delete(*, actor, event: Event) -> None:
    """Delete an event that has not started (see the module's note); a started one is refused."""
    _require_keeper(actor, event.point)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.starts_at <= timezone.now():
            raise PointsError({"starts_at": [_("开始时间：活动已开始，只能修改，不能删除")]})
        audit.record(
            "points.event_delete",
            actor=actor,
            obj=locked,
            detail={"title": locked.title, "starts_at": locked.starts_at.isoformat()},
        )
        locked.delete()
