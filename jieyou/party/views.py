"""Pages of the party ledger; every list and fetch goes through party.scope."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jieyou.core.masking import mask_text
from jieyou.people import access

from . import actions, queries, responsibility, scope, small_firms, summary
from .forms import (
    ActivityForm,
    AdvanceForm,
    CheckForm,
    MemberForm,
    ProgressForm,
    RectifiedForm,
    add_action_error,
)
from .models import (
    Enterprise,
    FirmDifficulty,
    PartyActivity,
    PartyMember,
    PartyOrg,
    ResponsibilityCheck,
)

M = PartyMember.Status
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
FIGURE_PAGE_SIZE = 100
YEARS_SHOWN = 6
EVENT_LABELS = {
    "register": gettext_lazy("登记"),
    "advance": gettext_lazy("进入下一阶段"),
    "transfer": gettext_lazy("组织关系转接"),
}
# Counted as members: the ones with full or probationary standing.
STANDING = [M.PROBATIONARY, M.FULL]


def _sees(user):
    if not scope.sees_ledger(user):
        raise Http404


def _edits(user):
    if not scope.can_edit(user):
        raise Http404


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return this_year
    return year if 2000 <= year <= this_year else this_year


def _period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - YEARS_SHOWN, -1))


def _with_counts(orgs):
    return orgs.annotate(n_members=Count("members", filter=Q(members__status__in=STANDING)))


def _org(user, pk) -> PartyOrg:
    return access.get_or_404(
        scope.orgs_for(user).select_related("parent", "secretary", "area", "unit"), pk=pk
    )


@login_required
def org_tree(request):
    user = request.user
    _sees(user)
    orgs = list(_with_counts(scope.orgs_for(user)).order_by("path"))
    by_id = {o.pk: o for o in orgs}
    roots = []
    for org in orgs:
        org.branches = []
        parent = by_id.get(org.parent_id)
        (parent.branches if parent else roots).append(org)
    return render(request, "party/orgs.html", {"roots": roots, "can_edit": scope.can_edit(user)})


@login_required
def org_detail(request, pk):
    user = request.user
    org = _org(user, pk)
    year = _year(request)
    start, end = _period(year)
    figures = queries.summary(org, start, end)
    compliance = queries.compliance_of_branches(org, year)
    context = {
        "org": org,
        "year": year,
        "years": _years(),
        "children": _with_counts(org.children.all()),
        "text": summary.text(org, start, end, figures=figures, compliance=compliance),
        "figures": [(n, label, figures[n]) for n, (label, _r) in queries.FIGURES.items()],
        "compliance": compliance,
        "overdue": queries.overdue_items(org).select_related("decision__org", "owner"),
        "unrectified": queries.unrectified_checks(org).select_related(
            "item__decision__org", "item__owner"
        ),
        "can_edit": scope.can_edit(user),
    }
    return render(request, "party/org.html", context)


def _record_row(record):
    """A record behind a figure as (text, link): masked, and linked where it has a page."""
    links = {
        PartyActivity: "party:activity",
        PartyMember: "party:member",
        PartyOrg: "party:org",
    }
    name = links.get(type(record))
    return {
        "record": record,
        "text": mask_text(str(record)),
        "url_name": name,
    }


@login_required
def figure_records(request, pk, name):
    user = request.user
    org = _org(user, pk)
    if name not in queries.FIGURES:
        raise Http404
    year = _year(request)
    records = queries.figure_records(name, org, *_period(year))
    page = Paginator(records, FIGURE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "org": org,
        "year": year,
        "label": queries.FIGURES[name][0],
        "page": page,
        "rows": [_record_row(r) for r in page],
    }
    return render(request, "party/figure.html", context)


@login_required
def org_workbook(request, pk):
    org = _org(request.user, pk)
    year = _year(request)
    body = summary.workbook(org, *_period(year), actor=request.user)
    filename = _("%(org)s%(year)d年党建台账.xlsx") % {"org": org.name, "year": year}
    return HttpResponse(
        body,
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@login_required
def member_list(request):
    user = request.user
    _sees(user)
    members = scope.members_for(user)
    org = None
    if request.GET.get("org"):
        org = access.get_or_404(scope.orgs_for(user), pk=request.GET["org"])
        members = members.filter(org__path__startswith=org.path)
    counted = members.order_by().values("status").annotate(n=Count("pk"))
    pipeline = {row["status"]: row["n"] for row in counted}
    status = request.GET.get("status", "")
    if status in M.values:
        members = members.filter(status=status)
    page = Paginator(members.select_related("org"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "org": org,
        "status": status,
        "statuses": M.choices,
        "orgs": scope.orgs_for(user),
        "pipeline": [(s, M(s).label, pipeline.get(s, 0)) for s in M.values],
        "can_edit": scope.can_edit(user),
    }
    return render(request, "party/members.html", context)


def _member_page(request, member, advance_form=None):
    can_advance = scope.can_edit(request.user) and member.status in actions.STEP_ORDER[:-1]
    events = [
        {
            "on": e.on,
            "action": EVENT_LABELS.get(e.action, e.action),
            "from": M(e.from_value).label if e.from_value in M.values else e.from_value,
            "to": M(e.to_value).label if e.to_value in M.values else e.to_value,
        }
        for e in member.events.all()
    ]
    context = {
        "member": member,
        "events": events,
        # A refused step is shown with its reason even where no further step is offered.
        "advance_form": advance_form or (AdvanceForm() if can_advance else None),
    }
    return render(request, "party/member.html", context, status=422 if advance_form else 200)


def _member(user, pk) -> PartyMember:
    return access.get_or_404(scope.members_for(user).select_related("org"), pk=pk)


@login_required
def member_detail(request, pk):
    return _member_page(request, _member(request.user, pk))


@login_required
def member_create(request):
    user = request.user
    _edits(user)
    form = MemberForm(request.POST or None, user=user, initial={"org": request.GET.get("org")})
    if request.method == "POST" and form.is_valid():
        member = form.create(actor=user)
        messages.success(request, _("已登记党员 %(name)s") % {"name": member.name})
        return redirect("party:member", pk=member.pk)
    return render(request, "party/form.html", {"form": form, "title": _("登记党员")})


@require_POST
@login_required
def member_advance(request, pk):
    user = request.user
    _edits(user)
    member = _member(user, pk)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            member = actions.member_advance(actor=user, member=member, on=form.cleaned_data["on"])
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s已进入“%(s)s”阶段")
                % {"name": member.name, "s": member.get_status_display()},
            )
            return redirect("party:member", pk=member.pk)
    return _member_page(request, member, advance_form=form)


@login_required
def activity_list(request):
    user = request.user
    _sees(user)
    activities = scope.activities_for(user)
    org = None
    if request.GET.get("org"):
        org = access.get_or_404(scope.orgs_for(user), pk=request.GET["org"])
        activities = activities.filter(
            pk__in=PartyActivity.objects.filter(orgs__path__startswith=org.path).values("pk")
        )
    kind = request.GET.get("kind", "")
    if kind in PartyActivity.Kind.values:
        activities = activities.filter(kind=kind)
    year = request.GET.get("year", "")
    if year.isdigit():
        activities = activities.filter(held_on__year=int(year))
    activities = (
        activities.annotate(n_attendees=Count("attendees"))
        .prefetch_related("orgs")
        .order_by("-held_on", "-id")
    )
    context = {
        "page": Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page")),
        "org": org,
        "kind": kind,
        "year": year,
        "kinds": PartyActivity.Kind.choices,
        "years": _years(),
        "orgs": scope.orgs_for(user),
        "can_edit": scope.can_edit(user),
    }
    return render(request, "party/activities.html", context)


@login_required
def activity_detail(request, pk):
    user = request.user
    activity = access.get_or_404(scope.activities_for(user), pk=pk)
    context = {
        "activity": activity,
        "orgs": activity.orgs.all(),
        "attendees": activity.attendees.all(),
        "difficulties": small_firms.difficulties_seen_by(
            user, FirmDifficulty.objects.filter(activity=activity)
        ),
    }
    return render(request, "party/activity.html", context)


@login_required
def activity_create(request):
    user = request.user
    _edits(user)
    form = ActivityForm(
        request.POST or None,
        user=user,
        org_ids=request.GET.getlist("org"),
        initial={"orgs": request.GET.getlist("org")},
    )
    if request.method == "POST" and form.is_valid():
        activity = form.record(actor=user)
        if activity is not None:
            messages.success(request, _("已记录：%(t)s") % {"t": activity.topic})
            return redirect("party:activity", pk=activity.pk)
    return render(request, "party/activity_form.html", {"form": form})


@login_required
def attendee_choices(request):
    """The attendee checkboxes for the organisations ticked so far (the form swaps them in)."""
    user = request.user
    _edits(user)
    form = ActivityForm(user=user, org_ids=request.GET.getlist("orgs"))
    return render(request, "party/_attendees.html", {"field": form["attendees"]})


@login_required
def responsibility_list(request):
    user = request.user
    if not scope.sees_ledger(user) and not scope.items_for(user).exists():
        raise Http404
    items = scope.items_for(user).select_related("decision__org", "owner")
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        items = items.filter(deadline__lt=timezone.localdate()).exclude(
            status=responsibility.S.DONE
        )
    items = items.order_by("-decision__decided_on", "decision_id", "deadline", "pk")
    context = {"items": items, "overdue": overdue, "today": timezone.localdate()}
    return render(request, "party/responsibility.html", context)


def _item_page(request, item, posted=None, status=200):
    """The item with the forms this user is offered; a posted form comes back with its errors,
    and one the user was not offered (progress by a non-owner) shows why it was refused."""
    user = request.user
    is_owner = item.owner_id == user.pk
    offered = {
        "progress": (ProgressForm, is_owner),
        "check": (CheckForm, scope.can_edit(user) and not is_owner),
        "rectified": (RectifiedForm, is_owner),
    }
    posted_key, posted_form = posted or (None, None)
    context = {
        "item": item,
        "progress": item.progress.select_related("by"),
        "checks": item.checks.select_related("by"),
        "is_owner": is_owner,
        "today": timezone.localdate(),
        "refused": posted_form if posted_key and not offered[posted_key][1] else None,
    }
    for key, (form_class, allowed) in offered.items():
        form = posted_form if key == posted_key else form_class()
        context[f"{key}_form"] = form if allowed else None
    return render(request, "party/item.html", context, status=status)


def _item(user, pk):
    return access.get_or_404(scope.items_for(user).select_related("decision__org", "owner"), pk=pk)


@login_required
def item_detail(request, pk):
    return _item_page(request, _item(request.user, pk))


def _item_post(request, item, key, form, act):
    """Run one responsibility action from a posted form, or show the item with the errors."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("party:item", pk=item.pk)
    return _item_page(request, item, (key, form), status=422)


@require_POST
@login_required
def item_progress(request, pk):
    user = request.user
    item = _item(user, pk)
    return _item_post(
        request,
        item,
        "progress",
        ProgressForm(request.POST),
        lambda d: responsibility.item_progress(
            actor=user, item=item, on=d["on"], note=d["note"], percent=d["percent"]
        ),
    )


@require_POST
@login_required
def item_check(request, pk):
    user = request.user
    _edits(user)
    item = _item(user, pk)
    return _item_post(
        request,
        item,
        "check",
        CheckForm(request.POST),
        lambda d: responsibility.item_check(
            actor=user, item=item, on=d["on"], findings=d["findings"], rectify_by=d["rectify_by"]
        ),
    )


@require_POST
@login_required
def check_rectified(request, pk):
    user = request.user
    check = access.get_or_404(
        ResponsibilityCheck.objects.filter(item__in=scope.items_for(user)), pk=pk
    )
    item = _item(user, check.item_id)
    return _item_post(
        request,
        item,
        "rectified",
        RectifiedForm(request.POST),
        lambda d: responsibility.item_rectified(actor=user, check=check, on=d["on"]),
    )


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _coverage_rows(groups, label_of):
    return [
        {
            "label": label_of(key),
            "c": c,
            "organisation_rate": _percent(c.organisation_rate),
            "work_rate": _percent(c.work_rate),
        }
        for key, c in groups.items()
    ]


COVERAGE_LABELS = {
    small_firms.OWN: gettext_lazy("单独建立党组织"),
    small_firms.JOINT: gettext_lazy("联合党支部"),
    small_firms.INSTRUCTOR: gettext_lazy("党建指导员"),
    small_firms.NONE: gettext_lazy("未覆盖"),
}


@login_required
def firm_list(request):
    user = request.user
    _sees(user)
    firms = scope.firms_for(user).filter(kind__in=small_firms.SMALL_KINDS)
    by_area = small_firms.coverage(firms, "area_id")
    area_names = dict(
        access.areas(user).filter(pk__in=[k for k in by_area if k]).values_list("pk", "name")
    )
    context = {
        "firms": [
            (f, COVERAGE_LABELS[small_firms.coverage_of(f)])
            for f in small_firms.with_coverage(firms.select_related("area"))
        ],
        "coverage_tables": [
            (
                _("按类型"),
                _coverage_rows(
                    small_firms.coverage(firms, "kind"), lambda k: Enterprise.Kind(k).label
                ),
            ),
            (
                _("按区域"),
                _coverage_rows(by_area, lambda k: area_names.get(k, _("未登记区域"))),
            ),
        ],
    }
    return render(request, "party/firms.html", context)


@login_required
def firm_detail(request, pk):
    user = request.user
    firm = access.get_or_404(
        small_firms.with_coverage(scope.firms_for(user)).select_related("area"), pk=pk
    )
    context = {
        "firm": firm,
        "coverage": COVERAGE_LABELS[small_firms.coverage_of(firm)],
        "orgs": scope.orgs_for(user).filter(enterprises=firm),
        "difficulties": small_firms.difficulties_seen_by(
            user, FirmDifficulty.objects.filter(enterprise=firm)
        ),
    }
    return render(request, "party/firm.html", context)
