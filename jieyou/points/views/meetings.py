"""Meeting pages: the list with each meeting's suggestions and how many are closed, one
meeting with its suggestions' concern status, and the form with repeatable suggestion rows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieyou.concerns.models import Category
from jieyou.people import access

from ..actions import meetings as actions
from ..queries import records
from ..scope import communities_for, may_keep
from .records_forms import (
    MeetingForm,
    SuggestionForm,
    add_action_error,
    compounds_in,
    openable_concerns,
    require_keeper,
    suggestion_rows,
)

PAGE_SIZE = 30
BLANK_ROWS = 3


@login_required
def meeting_list(request):
    user = request.user
    meetings = records.meetings_for(user)
    community = None
    if request.GET.get("community"):
        community = access.get_or_404(communities_for(user), pk=request.GET["community"])
        meetings = meetings.filter(community=community)
    year = request.GET.get("year", "")
    if year.isdigit():
        meetings = meetings.filter(held_on__year=int(year))
    totals = meetings.aggregate(
        n=Count("pk", distinct=True),
        n_suggestions=Count("suggestions"),
        n_closed=Count("suggestions", filter=Q(suggestions__concern__status="closed")),
    )
    page = Paginator(records.with_suggestion_counts(meetings), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    this_year = timezone.localdate().year
    context = {
        "page": page,
        "totals": totals,
        "community": community,
        "communities": communities_for(user).order_by("path"),
        "year": year,
        "years": range(this_year, this_year - 5, -1),
        "can_record": any(may_keep(user, c) for c in communities_for(user)),
    }
    return render(request, "points/meeting_list.html", context)


@login_required
def meeting_detail(request, pk):
    user = request.user
    meeting = access.get_or_404(records.meeting_detail_for(user), pk=pk)
    can_keep = may_keep(user, meeting.community)
    form = SuggestionForm(community=meeting.community) if can_keep else None
    suggestions = meeting.suggestions.all()
    context = {
        "meeting": meeting,
        "suggestions": suggestions,
        "openable": openable_concerns(user, [s.concern_id for s in suggestions]),
        "form": form,
        "can_keep": can_keep,
    }
    return render(request, "points/meeting_detail.html", context)


@require_POST
@login_required
def meeting_suggest(request, pk):
    user = request.user
    meeting = access.get_or_404(records.meeting_detail_for(user), pk=pk)
    if not may_keep(user, meeting.community):
        return redirect("points:meeting_detail", pk=meeting.pk)
    form = SuggestionForm(request.POST, community=meeting.community)
    if form.is_valid():
        try:
            suggestion = actions.meeting_add_suggestion(
                actor=user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as exc:
            add_action_error(form, exc)
        else:
            messages.success(
                request,
                _("已登记为诉求 %(code)s") % {"code": suggestion.concern.receipt_code},
            )
            return redirect("points:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "points/meeting_detail.html",
        {"meeting": meeting, "form": form, "can_keep": True},
        status=422,
    )


@login_required
def meeting_new(request):
    user = request.user
    kept = require_keeper(user)
    categories = list(Category.objects.filter(active=True))
    form = MeetingForm(request.POST or None, communities=kept, initial={"community": kept[0]})
    places = [p for c in kept for p in compounds_in(c)]
    rows = [{"category": "", "description": "", "area": "", "error": ""}] * BLANK_ROWS
    status = 200
    if request.method == "POST":
        rows, parsed = suggestion_rows(request.POST, categories=categories, places=places)
        if "add_row" in request.POST:
            # One more empty row, nothing saved: the form works without scripts. Unbound,
            # so that fields not filled in yet do not show errors.
            rows.append({"category": "", "description": "", "area": "", "error": ""})
            form = MeetingForm(communities=kept, initial=request.POST.dict())
        elif form.is_valid() and not any(r["error"] for r in rows):
            data = form.cleaned_data
            try:
                meeting = actions.meeting_record(actor=user, suggestions=parsed, **data)
            except ValidationError as exc:
                add_action_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已记录会议，%(n)d条建议已登记为诉求") % {"n": len(parsed)},
                )
                return redirect("points:meeting_detail", pk=meeting.pk)
            status = 422
        else:
            status = 422
    context = {
        "form": form,
        "rows": rows,
        "categories": categories,
        "places": places,
    }
    return render(request, "points/meeting_form.html", context, status=status)
