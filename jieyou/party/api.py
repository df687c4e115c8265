"""/api/v1/party/: the ledger's organisations, figures, members, activities, responsibility
items and small firms, scoped like the pages; phone and ID numbers always masked."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from jieyou.core.masking import mask_id_number, mask_phone, mask_text
from jieyou.people import access

from . import actions, queries, scope, small_firms, summary
from .forms import ActivityForm, AdvanceForm, add_action_error, errors_of
from .models import FirmDifficulty, PartyActivity, PartyMember, ResponsibilityItem

router = Router(tags=["party"])
M = PartyMember.Status
STANDING = [M.PROBATIONARY, M.FULL]


class FormErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    path: str
    area_id: int | None
    secretary: str
    members: int
    founded_on: date
    dissolved_on: date | None

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_secretary(obj):
        return obj.secretary.name if obj.secretary_id else ""

    @staticmethod
    def resolve_members(obj):
        return obj.n_members


class FigureOut(Schema):
    name: str
    label: str
    count: int


class RuleCheckOut(Schema):
    kind: str
    label: str
    every: str
    periods: int
    met: int
    gaps: list[str]


class BranchComplianceOut(Schema):
    org_id: int
    org: str
    checks: list[RuleCheckOut]


class SummaryOut(Schema):
    org_id: int
    start: date
    end: date
    figures: list[FigureOut]
    text: str
    compliance: list[BranchComplianceOut]


class RecordOut(Schema):
    id: int
    text: str

    @staticmethod
    def resolve_text(obj):
        return mask_text(str(obj))


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    phone: str
    id_number: str
    org_id: int
    org: str
    status: str
    status_label: str
    applied_on: date | None
    activist_on: date | None
    candidate_on: date | None
    probationary_on: date | None
    full_on: date | None

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_org(obj):
        return obj.org.name

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())


class AdvanceIn(Schema):
    on: date | None = None


class ActivityOut(Schema):
    id: int
    kind: str
    kind_label: str
    topic: str
    held_on: date
    orgs: list[int]
    attendees: int
    expected: int
    place: str
    speaker: str
    minutes: str

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_orgs(obj):
        return [o.pk for o in obj.orgs.all()]

    @staticmethod
    def resolve_attendees(obj):
        return len(obj.attendees.all())

    @staticmethod
    def resolve_minutes(obj):
        return mask_text(obj.minutes)


class ActivityIn(Schema):
    kind: str
    topic: str
    held_on: date
    orgs: list[int]
    attendees: list[int] = []
    expected: int | None = None
    place: str = ""
    speaker: str = ""
    minutes: str = ""


class ItemOut(Schema):
    id: int
    decision_id: int
    decision: str
    org_id: int
    task: str
    measure: str
    owner: str
    deadline: date
    status: str
    status_label: str
    done_on: date | None
    overdue: bool

    @staticmethod
    def resolve_decision(obj):
        return obj.decision.title

    @staticmethod
    def resolve_org_id(obj):
        return obj.decision.org_id

    @staticmethod
    def resolve_measure(obj):
        return mask_text(obj.measure)

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.get_full_name() or obj.owner.get_username()

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_overdue(obj):
        return obj.status != obj.Status.DONE and obj.deadline < timezone.localdate()


class FirmOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    area_id: int | None
    employees: int
    members_elsewhere: int
    instructor: str
    coverage: str

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_coverage(obj):
        return small_firms.coverage_of(obj)


class DifficultyOut(Schema):
    """Where a firm's difficulty stands; the concern's text only for those whose concern
    scope holds it."""

    activity_id: int
    activity_date: date
    status: str
    status_label: str
    overdue: bool
    lead_unit: str
    resolution_due: datetime
    resolved_at: datetime | None
    receipt_code: str
    description: str | None


class CoverageOut(Schema):
    key: str
    firms: int
    own: int
    joint: int
    instructor: int
    none: int
    organisation_rate: float | None
    work_rate: float | None


def _sees(user):
    if not scope.sees_ledger(user):
        raise Http404


def _orgs(user):
    return (
        scope.orgs_for(user)
        .select_related("secretary")
        .annotate(n_members=Count("members", filter=Q(members__status__in=STANDING)))
    )


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    year = timezone.localdate().year
    return start or date(year, 1, 1), end or date(year, 12, 31)


def _members(user):
    return scope.members_for(user).select_related("org")


def _invalid(form):
    return Status(422, {"detail": _("数据校验未通过"), "errors": errors_of(form)})


@router.get("/orgs", response=list[OrgOut], summary="党组织列表")
def org_list(request):
    _sees(request.auth)
    return list(_orgs(request.auth))


@router.get("/orgs/{org_id}", response=OrgOut, summary="党组织详情")
def org_detail(request, org_id: int):
    return access.get_or_404(_orgs(request.auth), pk=org_id)


@router.get(
    "/orgs/{org_id}/summary",
    response=SummaryOut,
    summary="年度总结：各项指标、文字总结与“三会一课”落实情况",
)
def org_summary(request, org_id: int, start: date | None = None, end: date | None = None):
    org = access.get_or_404(scope.orgs_for(request.auth), pk=org_id)
    start, end = _period(start, end)
    figures = queries.summary(org, start, end)
    checked_branches = queries.compliance_of_branches(org, end.year)
    return {
        "org_id": org.pk,
        "start": start,
        "end": end,
        "figures": [
            {"name": name, "label": str(label), "count": figures[name]}
            for name, (label, _records) in queries.FIGURES.items()
        ],
        "text": summary.text(org, start, end, figures=figures, compliance=checked_branches),
        "compliance": [
            {
                "org_id": branch.pk,
                "org": branch.name,
                "checks": [
                    {
                        "kind": c.kind,
                        "label": str(c.label),
                        "every": c.every,
                        "periods": c.periods,
                        "met": c.met,
                        "gaps": [str(g) for g in c.gaps],
                    }
                    for c in checks
                ],
            }
            for branch, checks in checked_branches
        ],
    }


@router.get("/orgs/{org_id}/figures/{name}", response=list[RecordOut], summary="某项指标背后的记录")
@paginate(PageNumberPagination, page_size=100)
def figure_records(
    request, org_id: int, name: str, start: date | None = None, end: date | None = None
):
    org = access.get_or_404(scope.orgs_for(request.auth), pk=org_id)
    if name not in queries.FIGURES:
        raise Http404
    return queries.figure_records(name, org, *_period(start, end))


@router.get("/members", response=list[MemberOut], summary="党员列表（手机号、身份证号脱敏）")
@paginate(PageNumberPagination, page_size=50)
def member_list(request, status: str = "", org: int | None = None):
    user = request.auth
    _sees(user)
    members = _members(user)
    if org is not None:
        parent = access.get_or_404(scope.orgs_for(user), pk=org)
        members = members.filter(org__path__startswith=parent.path)
    if status:
        members = members.filter(status=status)
    return members


@router.get("/members/{member_id}", response=MemberOut, summary="党员详情")
def member_detail(request, member_id: int):
    return access.get_or_404(_members(request.auth), pk=member_id)


@router.post(
    "/members/{member_id}/advance",
    response={200: MemberOut, 422: FormErrors},
    summary="党员进入发展流程的下一阶段",
)
def member_advance(request, member_id: int, payload: AdvanceIn):
    user = request.auth
    member = access.get_or_404(_members(user), pk=member_id)
    if not scope.can_edit(user):
        raise Http404
    form = AdvanceForm(data={"on": payload.on or timezone.localdate()})
    if form.is_valid():
        try:
            actions.member_advance(actor=user, member=member, on=form.cleaned_data["on"])
        except ValidationError as error:
            add_action_error(form, error)
    if form.errors:
        return _invalid(form)
    return access.get_or_404(_members(user), pk=member_id)


def _activities(user):
    return scope.activities_for(user).prefetch_related("orgs", "attendees")


@router.get("/activities", response=list[ActivityOut], summary="组织生活记录")
@paginate(PageNumberPagination, page_size=50)
def activity_list(
    request,
    org: int | None = None,
    kind: str = "",
    start: date | None = None,
    end: date | None = None,
):
    user = request.auth
    _sees(user)
    activities = _activities(user)
    if org is not None:
        parent = access.get_or_404(scope.orgs_for(user), pk=org)
        activities = activities.filter(
            pk__in=PartyActivity.objects.filter(orgs__path__startswith=parent.path).values("pk")
        )
    if kind:
        activities = activities.filter(kind=kind)
    if start:
        activities = activities.filter(held_on__gte=start)
    if end:
        activities = activities.filter(held_on__lte=end)
    return activities


@router.get("/activities/{activity_id}", response=ActivityOut, summary="组织生活详情")
def activity_detail(request, activity_id: int):
    return access.get_or_404(_activities(request.auth), pk=activity_id)


@router.post(
    "/activities",
    response={201: ActivityOut, 422: FormErrors},
    summary="记录组织生活（多个党组织即联合主题党日）",
)
def activity_create(request, payload: ActivityIn):
    user = request.auth
    if not scope.can_edit(user):
        raise Http404
    form = ActivityForm(data=payload.dict(), user=user)
    activity = form.record(actor=user) if form.is_valid() else None
    if activity is None:
        return _invalid(form)
    return Status(201, access.get_or_404(_activities(user), pk=activity.pk))


@router.get("/responsibility/items", response=list[ItemOut], summary="责任清单事项")
@paginate(PageNumberPagination, page_size=50)
def item_list(request, overdue: bool = False, org: int | None = None):
    user = request.auth
    items = scope.items_for(user).select_related("decision", "owner")
    if org is not None:
        parent = access.get_or_404(scope.orgs_for(user), pk=org)
        items = items.filter(decision__org__path__startswith=parent.path)
    if overdue:
        items = items.filter(deadline__lt=timezone.localdate()).exclude(
            status=ResponsibilityItem.Status.DONE
        )
    return items


@router.get("/firms", response=list[FirmOut], summary="小个专名录及覆盖方式")
def firm_list(request):
    user = request.auth
    _sees(user)
    firms = scope.firms_for(user).filter(kind__in=small_firms.SMALL_KINDS)
    return list(small_firms.with_coverage(firms))


@router.get(
    "/firms/{firm_id}/difficulties", response=list[DifficultyOut], summary="企业困难诉求及办理情况"
)
def firm_difficulties(request, firm_id: int):
    user = request.auth
    _sees(user)
    firm = access.get_or_404(scope.firms_for(user), pk=firm_id)
    rows = small_firms.difficulties_seen_by(user, FirmDifficulty.objects.filter(enterprise=firm))
    return [
        {
            "activity_id": r["d"].activity_id,
            "activity_date": r["d"].activity.held_on,
            "status": r["c"].status,
            "status_label": str(r["c"].get_status_display()),
            "overdue": r["c"].overdue,
            "lead_unit": r["c"].lead_unit.name if r["c"].lead_unit else "",
            "resolution_due": r["c"].resolution_due,
            "resolved_at": r["c"].resolved_at,
            "receipt_code": r["c"].receipt_code,
            "description": mask_text(r["c"].description) if r["opens"] else None,
        }
        for r in rows
    ]


@router.get("/firms/coverage", response=list[CoverageOut], summary="“两个覆盖”率（按类型或区域）")
def firm_coverage(request, group: str = "kind"):
    user = request.auth
    _sees(user)
    if group not in ("kind", "area"):
        raise Http404
    field = "kind" if group == "kind" else "area_id"
    firms = scope.firms_for(user)
    return [
        {
            "key": "" if key is None else str(key),
            "firms": c.firms,
            "own": c.own,
            "joint": c.joint,
            "instructor": c.instructor,
            "none": c.none,
            "organisation_rate": c.organisation_rate,
            "work_rate": c.work_rate,
        }
        for key, c in small_firms.coverage(firms, field).items()
    ]
