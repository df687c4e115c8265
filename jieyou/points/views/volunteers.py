"""解忧智囊团 pages: members by role, one member with their activity log, the forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieyou.people import access

from ..actions import volunteers as actions
from ..models import VolunteerRole
from ..queries import records
from ..scope import communities_for, may_keep
from .records_forms import ActivityForm, VolunteerForm, add_action_error, require_keeper

PAGE_SIZE = 50
ACTIVITY_PAGE = 30


@login_required
def volunteer_list(request):
    user = request.user
    volunteers = records.volunteers_for(user)
    community = None
    if request.GET.get("community"):
        community = access.get_or_404(communities_for(user), pk=request.GET["community"])
        volunteers = volunteers.filter(community=community)
    retired = request.GET.get("retired") == "1"
    volunteers = volunteers.filter(active=not retired)
    counts = dict(
        VolunteerRole.objects.filter(volunteer__in=volunteers)
        .order_by()
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    role = request.GET.get("role", "")
    if role in VolunteerRole.Role.values:
        volunteers = volunteers.filter(roles__role=role)
    else:
        role = ""
    volunteers = volunteers.annotate(
        n_activities=Count("activities", distinct=True),
    ).order_by("community__path", "name")
    page = Paginator(volunteers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "community": community,
        "communities": communities_for(user).order_by("path"),
        "roles": [
            (value, label, counts.get(value, 0)) for value, label in VolunteerRole.Role.choices
        ],
        "role": role,
        "retired": retired,
        "can_keep": any(may_keep(user, c) for c in communities_for(user)),
    }
    return render(request, "points/volunteer_list.html", context)


def _detail_context(user, volunteer, activity_form=None):
    can_keep = may_keep(user, volunteer.community)
    activities = volunteer.activities.select_related("point").order_by("-day", "-id")
    totals = volunteer.activities.aggregate(
        n=Count("pk"),
        patrols=Count("pk", filter=Q(kind="patrol")),
        mediations=Count("pk", filter=Q(kind="mediation")),
    )
    return {
        "volunteer": volunteer,
        "activities": activities[:ACTIVITY_PAGE],
        "totals": totals,
        "can_keep": can_keep,
        "form": activity_form
        or (ActivityForm(volunteer=volunteer) if can_keep and volunteer.active else None),
    }


@login_required
def volunteer_detail(request, pk):
    user = request.user
    volunteer = access.get_or_404(records.volunteers_for(user), pk=pk)
    return render(request, "points/volunteer_detail.html", _detail_context(user, volunteer))


@login_required
def volunteer_form(request, pk=None):
    user = request.user
    kept = require_keeper(user)
    volunteer = None
    initial = {"community": kept[0]}
    if pk is not None:
        volunteer = access.get_or_404(records.volunteers_for(user), pk=pk)
        if not may_keep(user, volunteer.community):
            return redirect("points:volunteer_detail", pk=volunteer.pk)
        initial = {
            "community": volunteer.community,
            "name": volunteer.name,
            "background": volunteer.background,
            "roles": [r.role for r in volunteer.roles.all()],
            "unit": volunteer.unit,
            "joined_on": volunteer.joined_on,
        }
    form = VolunteerForm(request.POST or None, user=user, communities=kept, initial=initial)
    if volunteer is not None:
        # A stored number is never written back into the page; leaving it empty keeps it.
        form.fields["phone"].help_text = _("不修改请留空；当前：%(p)s") % {
            "p": _("已登记") if volunteer.phone else _("未登记")
        }
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if volunteer is not None and not data["phone"]:
            data["phone"] = volunteer.phone
        try:
            saved = actions.volunteer_save(actor=user, volunteer=volunteer, **data)
        except ValidationError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("已保存：%(n)s") % {"n": saved.name})
            return redirect("points:volunteer_detail", pk=saved.pk)
    return render(
        request,
        "points/volunteer_form.html",
        {"form": form, "volunteer": volunteer},
        status=422 if form.is_bound else 200,
    )


@require_POST
@login_required
def volunteer_retire(request, pk):
    user = request.user
    volunteer = access.get_or_404(records.volunteers_for(user), pk=pk)
    try:
        actions.volunteer_retire(actor=user, volunteer=volunteer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s 已退出解忧智囊团") % {"n": volunteer.name})
    return redirect("points:volunteer_detail", pk=volunteer.pk)


@require_POST
@login_required
def volunteer_activity(request, pk):
    user = request.user
    volunteer = access.get_or_404(records.volunteers_for(user), pk=pk)
    form = ActivityForm(request.POST, volunteer=volunteer)
    if form.is_valid():
        try:
            actions.activity_record(actor=user, volunteer=volunteer, **form.cleaned_data)
        except ValidationError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("已记录活动"))
            return redirect("points:volunteer_detail", pk=volunteer.pk)
    return render(
        request,
        "points/volunteer_detail.html",
        _detail_context(user, volunteer, form),
        status=422,
    )
