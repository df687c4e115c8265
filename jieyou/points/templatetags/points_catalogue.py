from django import template
from django.utils.translation import gettext as _

from ..queries.catalogue import weekday_labels

register = template.Library()


@register.simple_tag
def schedule(service) -> str:
    """ "每周二、周六 15:00–18:00", or the time note of a service given by appointment."""
    parts = []
    if service.weekdays:
        parts.append(
            _("每天")
            if service.weekdays == "1234567"
            else _("每") + weekday_labels(service.weekdays)
        )
    if service.starts:
        span = service.starts.strftime("%H:%M")
        if service.ends:
            span += "–" + service.ends.strftime("%H:%M")
        parts.append(span)
    if service.schedule_note:
        parts.append(service.schedule_note)
    return " ".join(parts) or _("时间另行通知")
