"""Who hears of a step, in the inbox or by text message. Called only from concerns.actions."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import sms
from jieyou.people.models import Staff

from .models import Concern, Notification

R = Staff.Role


def inbox(users, concern: Concern, kind: str, *, now=None) -> int:
    """Put one unread reminder per person; a reminder already waiting is not doubled."""
    now = now or timezone.now()
    users = {u for u in users if u is not None}
    waiting = set(
        Notification.objects.filter(
            concern=concern, kind=kind, read_at__isnull=True, user__in=users
        ).values_list("user_id", flat=True)
    )
    fresh = [
        Notification(user=u, concern=concern, kind=kind, created_at=now)
        for u in users
        if u.pk not in waiting
    ]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def unit_handlers(unit):
    User = get_user_model()
    return list(User.objects.filter(staff__role=R.UNIT_HANDLER, staff__unit=unit, is_active=True))


def responsible(concern: Concern):
    """The handler, else the lead unit's handlers, else the community's secretaries."""
    if concern.handler_id:
        return [concern.handler]
    if concern.lead_unit_id:
        found = unit_handlers(concern.lead_unit)
        if found:
            return found
    return _community_leads(concern)


def _around(concern: Concern) -> list[int]:
    return [*concern.area.ancestor_ids(), concern.area_id]


def _community_leads(concern: Concern):
    User = get_user_model()
    return list(
        User.objects.filter(
            staff__role=R.COMMUNITY_SECRETARY, staff__area_id__in=_around(concern), is_active=True
        )
    )


def follow_up_staff(concern: Concern, exclude: set[int]):
    """The grid workers covering the place, else the community's secretaries; never anyone
    who handled the concern."""
    User = get_user_model()
    workers = User.objects.filter(
        Q(staff__role=R.GRID_WORKER, staff__grids__areas__in=_around(concern)), is_active=True
    ).distinct()
    found = [u for u in workers if u.pk not in exclude]
    return found or [u for u in _community_leads(concern) if u.pk not in exclude]


def track_url(concern: Concern) -> str:
    base = getattr(settings, "JIEYOU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/t/{concern.receipt_code}"


def text_reporter(concern: Concern, message: str) -> None:
    phone = concern.contact_phone or (concern.reporter.phone if concern.reporter_id else "")
    sms.send(phone, f"【解忧】{message} {_('查询')}：{track_url(concern)}")
