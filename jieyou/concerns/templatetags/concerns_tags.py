"""Template helpers of the concern pages: the nav entry, deadlines, who acted."""

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from jieyou.people import access

from .. import scope
from ..models import Concern
from ..states import ACTION_LABELS

register = template.Library()


@register.simple_tag
def concerns_nav(user) -> dict:
    """Whether the user works concerns, where their list starts, and the unread reminders
    (one COUNT, and none at all for roles that receive no reminders)."""
    role = access.scope_for(user).role
    if role not in scope.WORKING_ROLES:
        return {"works": False, "unread": 0}
    unread = scope.reminders_for(user).filter(read_at__isnull=True).count()
    return {"works": True, "queue_first": scope.can_dispatch(user), "unread": unread}


@register.simple_tag
def time_left(due, now=None) -> str:
    """`剩余 2天，3小时` before a deadline, `已超期 5小时` after it."""
    if due is None:
        return ""
    now = now or timezone.now()
    if due >= now:
        return _("剩余 %(t)s") % {"t": timeuntil(due, now, depth=2)}
    return _("已超期 %(t)s") % {"t": timesince(due, now, depth=2)}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@register.filter
def person(user, fallback: str = "") -> str:
    """A staff member's name; a step without a person was the system's or the resident's."""
    if user is None:
        return fallback or _("系统")
    staff = access.staff_of(user)
    return staff.name if staff is not None else user.get_username()


@register.filter
def status_label(status: str) -> str:
    return Concern.Status(status).label if status in Concern.Status.values else status
