"""Event pages: the list by month, a community's month calendar (a server-rendered grid),
one event, and the form. An event is deleted only before it starts (actions/events.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jieyou.people import access

from ..actions import events as actions
from ..queries import records
from ..scope import communities_for, may_keep
from .records_forms import EventForm, add_action_error, require_keeper

WEEKDAYS = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)


def _month_context(request, user):
    today = timezone.localdate()
    year, month = records.parse_month(request.GET.get("month"), today)
    events = records.events_for(user)
    community = None
    if request.GET.get("community"):
        community = access.get_or_404(communities_for(user), pk=request.GET["community"])
        events = events.filter(point__community=community)
    return {
        "events_qs": events,
        "year": year,
        "month_number": month,
        "community": community,
        "communities": communities_for(user).order_by("path"),
        "month": f"{year:04d}-{month:02d}",
        "month_label": _("%(y)d年%(m)d月") % {"y": year, "m": month},
        "previous": records.month_key(year, month, -1),
        "next": records.month_key(year, month, 1),
        "can_keep": any(may_keep(user, c) for c in communities_for(user)),
    }


@login_required
def event_list(request):
    context = _month_context(request, request.user)
    events = records.events_in_month(
        context.pop("events_qs"), context["year"], context["month_number"]
    ).order_by("starts_at")
    context["events"] = events
    context["served"] = events.aggregate(n=Sum("people_served"))["n"] or 0
    return render(request, "points/event_list.html", context)


@login_required
def event_calendar(request):
    context = _month_context(request, request.user)
    context["weeks"] = records.month_calendar(
        context.pop("events_qs"), context["year"], context["month_number"]
    )
    context["weekdays"] = WEEKDAYS
    context["today"] = timezone.localdate()
    return render(request, "points/event_calendar.html", context)


@login_required
def event_detail(request, pk):
    user = request.user
    event = access.get_or_404(records.events_for(user), pk=pk)
    can_keep = may_keep(user, event.point.community)
    context = {
        "event": event,
        "can_keep": can_keep,
        "can_delete": can_keep and event.starts_at > timezone.now(),
    }
    return render(request, "points/event_detail.html", context)


@login_required
def event_form(request, pk=None):
    user = request.user
    require_keeper(user)
    event = None
    initial = {}
    if pk is not None:
        event = access.get_or_404(records.events_for(user), pk=pk)
        if not may_keep(user, event.point.community):
            return redirect("points:event_detail", pk=event.pk)
        initial = {
            name: getattr(event, name)
            for name in ("point", "kind", "title", "providers", "people_served", "note")
        }
        initial["starts_at"] = timezone.localtime(event.starts_at)
        initial["ends_at"] = event.ends_at and timezone.localtime(event.ends_at)
    form = EventForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.event_save(actor=user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("已保存活动：%(t)s") % {"t": saved.title})
            return redirect("points:event_detail", pk=saved.pk)
    return render(
        request,
        "points/event_form.html",
        {"form": form, "event": event},
        status=422 if form.is_bound else 200,
    )


@require_POST
@login_required
def event_delete(request, pk):
    user = request.user
    event = access.get_or_404(records.events_for(user), pk=pk)
    try:
        actions.event_delete(actor=user, event=event)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("points:event_detail", pk=event.pk)
    messages.success(request, _("已删除活动：%(t)s") % {"t": event.title})
    return redirect("points:event_list")
