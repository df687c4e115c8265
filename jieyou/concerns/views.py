"""Staff pages for concerns: my tasks, the queue, one concern with its actions, the inbox.

Every fetch goes through scope.concerns_for (out of scope is a 404) and every change through
one action; a refused action shows the guard's own message next to its form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieyou.people import access
from jieyou.people.models import Staff
from jieyou.places import queries as places

from . import actions, scope, similar
from .intake_views import may_intake
from .models import Concern
from .staff_forms import (
    DispatchForm,
    FollowUpForm,
    MergeForm,
    NoteForm,
    QueueFilterForm,
    ReasonForm,
)
from .states import ACTION_LABELS, OPEN, TRANSITIONS, next_level

R = Staff.Role
PAGE_SIZE = 50
# The order in which a concern's actions are offered: the usual next step first.
ACTION_ORDER = [
    "accept",
    "claim",
    "progress",
    "resolve",
    "escalate",
    "dispatch",
    "follow_up",
    "merge",
    "reopen",
    "reject",
    "exempt",
]
FORMS = {
    "progress": NoteForm,
    "resolve": NoteForm,
    "escalate": ReasonForm,
    "reject": ReasonForm,
    "exempt": ReasonForm,
    "reopen": ReasonForm,
    "dispatch": DispatchForm,
    "follow_up": FollowUpForm,
    "merge": MergeForm,
}
# The only ones shown on the task cards; the rest need the whole concern in view.
TASK_ACTIONS = ("accept", "claim", "progress", "resolve", "escalate")


def _run(action: str, user, concern: Concern, data: dict) -> None:
    a = actions
    if action == "accept":
        a.concern_accept(actor=user, concern=concern)
    elif action == "claim":
        a.concern_claim(actor=user, concern=concern)
    elif action == "progress":
        a.concern_progress(actor=user, concern=concern, note=data["note"], photos=data["photos"])
    elif action == "resolve":
        a.concern_resolve(actor=user, concern=concern, note=data["note"], photos=data["photos"])
    elif action == "escalate":
        a.concern_escalate(actor=user, concern=concern, reason=data["reason"])
    elif action == "dispatch":
        a.concern_dispatch(actor=user, concern=concern, **data)
    elif action == "follow_up":
        a.concern_follow_up(actor=user, concern=concern, **data)
    elif action == "merge":
        a.concern_merge(actor=user, concern=concern, into=data["into"], reason=data["reason"])
    elif action == "reopen":
        a.concern_reopen(actor=user, concern=concern, reason=data["reason"])
    elif action == "reject":
        a.concern_reject(actor=user, concern=concern, reason=data["reason"])
    elif action == "exempt":
        a.concern_exempt(actor=user, concern=concern, reason=data["reason"])


def role_allows(action: str, user, concern: Concern) -> bool:
    """Who may ask for an action at all. Actions whose guard checks the person (resolve,
    follow-up, claim, reject, exempt) are let through to say why themselves."""
    role = access.scope_for(user).role
    if role not in scope.WORKING_ROLES:
        return False
    if action in ("dispatch", "reopen"):
        return scope.can_dispatch(user)
    if action == "merge":
        return scope.can_dispatch(user) or concern.handler_id == user.pk
    return True


def _guard_passes(action: str, user, concern: Concern) -> bool:
    """The guards that are cheap to know before asking, so no button is offered in vain."""
    staff = access.staff_of(user)
    if action == "claim":
        return (
            staff.role == R.UNIT_HANDLER
            and concern.handler_id is None
            and concern.lead_unit_id == staff.unit_id
        )
    if action == "resolve":
        return concern.handler_id == user.pk
    if action == "escalate":
        return next_level(concern.level) is not None
    if action in ("reject", "exempt"):
        return staff.role in actions.REVIEWER_ROLES
    if action == "follow_up":
        return actions.may_follow_up(user, concern)
    return True


def allowed_actions(user, concern: Concern, among=ACTION_ORDER) -> list[str]:
    return [
        a
        for a in among
        if concern.status in TRANSITIONS[a][0]
        and role_allows(a, user, concern)
        and _guard_passes(a, user, concern)
    ]


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _require_working_role(user) -> None:
    if access.scope_for(user).role not in scope.WORKING_ROLES:
        raise Http404


@login_required
def task_list(request):
    user = request.user
    _require_working_role(user)
    tasks = scope.tasks_for(user).select_related("category", "area", "lead_unit")
    cards = [_task_card(user, c) for c in tasks]
    return render(
        request,
        "concerns/tasks.html",
        {"cards": cards, "now": timezone.now(), "can_intake": may_intake(user)},
    )


def _task_card(user, concern, *, error="", done=""):
    return {
        "concern": concern,
        "actions": allowed_actions(user, concern, TASK_ACTIONS),
        "error": error,
        "done": done,
    }


@login_required
def queue(request):
    user = request.user
    _require_working_role(user)
    form = QueueFilterForm(request.GET or None, user=user)
    form.is_valid()
    # A filter that does not parse (or a grid outside the scope) is dropped, not the others.
    filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}
    concerns = scope.concerns_for(user)
    if "category" in filters:
        concerns = concerns.filter(category=filters["category"])
    if "level" in filters:
        concerns = concerns.filter(level=filters["level"])
    if "overdue" in filters:
        # The overdue that still need work; a closed one stays marked for the rates only.
        concerns = concerns.filter(overdue=True, status__in=OPEN)
    if "grid" in filters:
        paths = places.grid_paths([filters["grid"].pk])
        concerns = concerns.filter(places.under_paths(paths, "area__path"))
    if "since" in filters:
        concerns = concerns.filter(submitted_at__date__gte=filters["since"])
    if "until" in filters:
        concerns = concerns.filter(submitted_at__date__lte=filters["until"])
    # Counts per status over every other filter, so that the status tabs show what each holds.
    counts = dict(
        concerns.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    if "status" in filters:
        concerns = concerns.filter(status=filters["status"])
    concerns = concerns.select_related("category", "area", "lead_unit", "handler__staff").order_by(
        "-overdue", "-submitted_at", "-pk"
    )
    page = Paginator(concerns, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("status", None)
    return render(
        request,
        "concerns/queue.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "status_counts": [(s, label, counts.get(s, 0)) for s, label in Concern.Status.choices],
            "total": sum(counts.values()),
            "status_query": params.urlencode(),
            "now": timezone.now(),
            "open_statuses": OPEN,
            "can_import": scope.can_dispatch(user),
            "can_intake": may_intake(user),
        },
    )


def _fetch(user, pk) -> Concern:
    return access.get_or_404(
        scope.concerns_for(user).select_related(
            "category", "area", "reporter", "lead_unit", "handler__staff", "merged_into"
        ),
        pk=pk,
    )


def _detail_context(user, concern, *, forms=None, errors=None, done=""):
    allowed = allowed_actions(user, concern)
    forms, errors = forms or {}, errors or {}
    return {
        # A refused step whose form is not on the page (not offered to this user) is told above.
        "error": " ".join(e for a, e in errors.items() if e and a not in allowed),
        "concern": concern,
        "place": [*places.ancestors(concern.area), concern.area],
        "assisting": concern.assisting_units.all(),
        "events": concern.events.select_related("actor__staff"),
        "follow_ups": concern.follow_ups.select_related("by__staff"),
        "photos": concern.photos.all(),
        "merged": concern.merged_concerns.all(),
        "actions": [
            {
                "name": a,
                "label": ACTION_LABELS[a],
                "form": forms.get(a)
                or (FORMS[a](user=user, concern=concern) if a in FORMS else None),
                "error": errors.get(a, ""),
            }
            for a in allowed
        ],
        "similar": _similar(user, concern) if "merge" in allowed else [],
        "now": timezone.now(),
        "open_statuses": OPEN,
        "done": done,
    }


def _similar(user, concern):
    return similar.similar_concerns(
        description=concern.description,
        area=concern.area,
        within=scope.concerns_for(user),
        exclude=concern,
    )


@login_required
def concern_detail(request, pk):
    concern = _fetch(request.user, pk)
    return render(request, "concerns/detail.html", _detail_context(request.user, concern))


@require_POST
@login_required
def concern_act(request, pk, action):
    user = request.user
    if action not in TRANSITIONS:
        raise Http404
    concern = _fetch(user, pk)
    form = None
    if action in FORMS:
        form = FORMS[action](request.POST, request.FILES, user=user, concern=concern)
    error = ""
    if not role_allows(action, user, concern):
        error = _("你的岗位不能%(action)s") % {"action": ACTION_LABELS[action]}
    elif form is not None and not form.is_valid():
        error = _form_error(form)
    else:
        try:
            _run(action, user, concern, form.cleaned_data if form is not None else {})
        except ValidationError as refused:
            # ConcernError from a guard, or PhotoError from the photo check: both are told.
            error = " ".join(refused.messages)
    done = "" if error else _("已%(action)s") % {"action": ACTION_LABELS[action]}
    return _respond(request, user, pk, action, form, error, done)


def _form_error(form) -> str:
    """Each refused field named by its label, so that the message stands next to the form."""
    parts = []
    for name, msgs in form.errors.items():
        field = form.fields.get(name)
        prefix = f"{field.label}：" if field is not None else ""
        parts.extend(prefix + m for m in msgs)
    return " ".join(parts)


def _respond(request, user, pk, action, form, error, done):
    concern = _fetch(user, pk)
    htmx = _is_htmx(request)
    if htmx and request.POST.get("frag") == "task":
        card = _task_card(user, concern, error=error, done=done)
        return render(request, "concerns/_task.html", {"card": card, "now": timezone.now()})
    if htmx or error:
        context = _detail_context(
            user,
            concern,
            forms={action: form} if error else None,
            errors={action: error},
            done=done,
        )
        return render(
            request, "concerns/_concern.html" if htmx else "concerns/detail.html", context
        )
    messages.success(request, done)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("concerns:detail", args=[pk])
    return redirect(target)


def _inbox_items(user):
    return (
        scope.reminders_for(user)
        .select_related("concern__category", "concern__area")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")
    )


@login_required
def inbox(request):
    items = _inbox_items(request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = items.filter(read_at__isnull=True).count()
    return render(request, "concerns/inbox.html", {"page": page, "unread": unread})


@require_POST
@login_required
def inbox_read(request, pk=None):
    user = request.user
    notification = None
    if pk is not None:
        notification = access.get_or_404(_inbox_items(user), pk=pk)
    actions.notification_read(actor=user, notification=notification)
    if _is_htmx(request) and notification is not None:
        notification.refresh_from_db()
        return render(request, "concerns/_notification.html", {"n": notification})
    return redirect("concerns:inbox")
