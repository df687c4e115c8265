"""Intake pages: the public QR form, staff intake, the 12345 import, /t/ tracking, photos."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jieyou.core.limits import over_limit
from jieyou.people import access
from jieyou.people import queries as people
from jieyou.places.models import Area

from . import actions, scope, similar
from .forms import PublicConcernForm, StaffConcernForm
from .models import Concern, ConcernPhoto, FollowUp
from .states import ACTION_LABELS

PUBLIC_KINDS = (Area.Kind.COMMUNITY, Area.Kind.COMPOUND)
# Five reports in ten minutes is more than one person at a service point ever needs.
SUBMIT_LIMIT, SUBMIT_WINDOW = 5, 600
# Wrong receipt codes per address: enough for typos, far too few to guess a 10-letter code.
LOOKUP_MISS_LIMIT, LOOKUP_WINDOW = 10, 600
RESIDENT_MATCHES = 10
SHOWN_PROBLEMS = 200
STAFF_ROLES = access.RESIDENT_ROLES
S = Concern.Status


def _too_many(request):
    return render(request, "concerns/intake_limited.html", status=429)


# ---- the public QR form ----------------------------------------------------------------


def _public_origin(area_id: int) -> Area:
    return access.get_or_404(Area.objects.filter(kind__in=PUBLIC_KINDS), pk=area_id)


@never_cache
@require_http_methods(["GET", "POST"])
def public_form(request, area_id: int):
    origin = _public_origin(area_id)
    if request.method == "GET":
        form = PublicConcernForm(origin=origin)
        return render(request, "concerns/intake_public.html", {"form": form, "origin": origin})
    if over_limit(request, "qr", SUBMIT_LIMIT, SUBMIT_WINDOW):
        return _too_many(request)
    form = PublicConcernForm(request.POST, request.FILES, origin=origin)
    if form.is_bot:
        # The robot is told it worked, so it has no reason to try again differently.
        return render(
            request, "concerns/intake_done.html", {"code": actions.new_receipt_code(), "fake": True}
        )
    if form.is_valid():
        try:
            concern = actions.concern_submit(actor=None, **form.submit_kwargs())
        except ValidationError as e:
            _add_errors(form, e)
        else:
            return render(request, "concerns/intake_done.html", {"code": concern.receipt_code})
    return render(request, "concerns/intake_public.html", {"form": form, "origin": origin})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@require_GET
def public_similar(request, area_id: int):
    """Open concerns like the one being typed: category, date and status only, no text."""
    origin = _public_origin(area_id)
    area = _public_place(origin, request.GET.get("place")) or origin
    found = similar.similar_concerns(description=request.GET.get("description", ""), area=area)
    return render(request, "concerns/intake_similar_public.html", {"found": found})


def _public_place(origin: Area, place_id) -> Area | None:
    form = PublicConcernForm(origin=origin)
    return form.fields["place"].queryset.filter(pk=place_id).first() if place_id else None


# ---- staff intake -----------------------------------------------------------------------


def may_intake(user) -> bool:
    """Whether the user may take in a concern for a resident (the staff form)."""
    return access.scope_for(user).role in STAFF_ROLES


def _require_staff(user) -> None:
    if not may_intake(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def staff_form(request):
    user = request.user
    _require_staff(user)
    form = StaffConcernForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            concern = actions.concern_submit(actor=user, **form.submit_kwargs())
        except ValidationError as e:
            _add_errors(form, e)
        else:
            return render(
                request,
                "concerns/intake_done.html",
                {"code": concern.receipt_code, "staff": True},
            )
    resident = getattr(form, "cleaned_data", {}).get("resident")
    return render(request, "concerns/intake_staff.html", {"form": form, "resident": resident})


@login_required
@require_GET
def staff_residents(request):
    """Residents matching a name or pinyin, for picking the reporter."""
    _require_staff(request.user)
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        found = (
            people.search_residents(access.residents(request.user), q)
            .select_related("area")
            .order_by("name_pinyin")[:RESIDENT_MATCHES]
        )
    return render(request, "concerns/intake_residents.html", {"found": found, "q": q})


@login_required
@require_GET
def staff_similar(request):
    user = request.user
    _require_staff(user)
    area = None
    if request.GET.get("place"):
        area = access.get_or_404(access.areas(user), pk=request.GET["place"])
    elif request.GET.get("resident"):
        area = access.get_or_404(access.residents(user), pk=request.GET["resident"]).area
    found = []
    if area is not None:
        found = similar.similar_concerns(
            description=request.GET.get("description", ""),
            area=area,
            within=scope.concerns_for(user),
        )
    return render(request, "concerns/intake_similar_staff.html", {"found": found})


# ---- 12345 work orders ------------------------------------------------------------------


def _communities(user):
    return access.areas(user).filter(kind=Area.Kind.COMMUNITY).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def import_orders(request):
    user = request.user
    if not scope.can_dispatch(user):
        raise Http404
    communities = list(_communities(user))
    context = {"communities": communities, "shown": SHOWN_PROBLEMS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        chosen = request.POST.get("community") or (
            str(communities[0].pk) if len(communities) == 1 else ""
        )
        if not chosen:
            context["error"] = _("请选择社区")
        elif upload is None:
            context["error"] = _("请选择要上传的12345工单文件（.xlsx）")
        else:
            community = access.get_or_404(_communities(user), pk=chosen)
            check, created = actions.concerns_import_12345(
                actor=user, community=community, fileobj=upload
            )
            context.update(
                {
                    "check": check,
                    "created": created,
                    "community": community,
                    "errors": check.errors[:SHOWN_PROBLEMS],
                }
            )
            return render(request, "concerns/import_12345_result.html", context)
    return render(request, "concerns/import_12345.html", context)


# ---- the resident's tracking page --------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def track(request, code: str):
    if over_limit(request, "track", LOOKUP_MISS_LIMIT, LOOKUP_WINDOW, count=False):
        return _too_many(request)
    concern = (
        Concern.objects.select_related("category", "merged_into")
        .filter(receipt_code=code.strip().upper())
        .first()
    )
    if concern is None:
        over_limit(request, "track", LOOKUP_MISS_LIMIT, LOOKUP_WINDOW)
        raise Http404
    error = ""
    if request.method == "POST":
        error = _answer(request, concern)
        if not error:
            concern.refresh_from_db()
    steps = [
        {"at": e.at, "label": ACTION_LABELS.get(e.action, e.action)}
        for e in concern.events.only("at", "action")
    ]
    return render(
        request,
        "concerns/track.html",
        {
            "concern": concern,
            "steps": steps,
            "can_answer": concern.status == S.RESOLVED,
            "satisfaction": FollowUp.Satisfaction.choices,
            "error": error,
            "answered": request.method == "POST" and not error,
        },
    )


def _answer(request, concern: Concern) -> str:
    """The resident confirms (with a rating) or contests the fix; an error message or ''."""
    choice = request.POST.get("answer")
    satisfaction = request.POST.get("satisfaction", "")
    reason = request.POST.get("reason", "").strip()[:500]
    if choice == "confirm":
        if satisfaction not in FollowUp.Satisfaction.values:
            return _("请选择满意程度")
        solved = True
    elif choice == "contest":
        if not reason:
            return _("请说明还有什么没有解决")
        solved, satisfaction = False, ""
    else:
        return _("请选择“已解决”或“未解决”")
    try:
        actions.concern_follow_up(
            actor=None,
            concern=concern,
            method=FollowUp.Method.SELF,
            solved=solved,
            satisfaction=satisfaction,
            note=reason,
        )
    except ValidationError as e:
        return " ".join(e.messages)
    return ""


# ---- photos -----------------------------------------------------------------------------


@require_GET
def photo(request, token: str):
    """A concern's photo, for staff who may see the concern; nobody else, not even by link."""
    found = access.get_or_404(
        ConcernPhoto.objects.filter(concern__in=scope.concerns_for(request.user)), token=token
    )
    response = FileResponse(found.image.open("rb"), content_type="image/jpeg")
    patch_cache_control(response, private=True, max_age=3600)
    return response
