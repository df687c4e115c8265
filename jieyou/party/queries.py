"""The ledger's figures, counted from records, for pages, exports and the evaluation app.

Every figure has the queryset of the records behind it (`figure_records`), so a number on a
summary can always be opened to the rows it counts.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    ActivityTally,
    Article,
    CommandoTeam,
    ComplianceRule,
    Honour,
    MentorPair,
    ModelPost,
    PartyActivity,
    PartyMember,
    PartyOrg,
    ResponsibilityCheck,
    ResponsibilityItem,
    ResponsibilityZone,
    RoleModel,
)

A = PartyActivity.Kind
BRANCH_KINDS = (PartyOrg.Kind.BRANCH, PartyOrg.Kind.TEMPORARY, PartyOrg.Kind.JOINT)
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def subtree(org: PartyOrg) -> QuerySet[PartyOrg]:
    return PartyOrg.objects.filter(path__startswith=org.path)


def _in_subtree_activities(org: PartyOrg) -> QuerySet[PartyActivity]:
    # An activity of several organisations in the subtree is one activity, counted once;
    # EXISTS keeps it once without a DISTINCT and was the quickest form on SQLite and
    # PostgreSQL alike (bench/ledger.py).
    in_subtree = PartyActivity.orgs.through.objects.filter(
        partyactivity=OuterRef("pk"), partyorg__path__startswith=org.path
    )
    return PartyActivity.objects.filter(Exists(in_subtree))


def _activities(org: PartyOrg, start: date, end: date, *kinds) -> QuerySet[PartyActivity]:
    return _in_subtree_activities(org).filter(held_on__range=(start, end), kind__in=kinds)


def _members(org: PartyOrg) -> QuerySet[PartyMember]:
    return PartyMember.objects.filter(org__path__startswith=org.path)


def _in_subtree(model, org: PartyOrg) -> QuerySet:
    return model.objects.filter(org__path__startswith=org.path)


def _dated(model, field: str, org: PartyOrg, start: date, end: date) -> QuerySet:
    return _in_subtree(model, org).filter(**{f"{field}__range": (start, end)})


def _set_up(model, org: PartyOrg, start: date, end: date) -> QuerySet:
    return _dated(model, "started_on", org, start, end)


# The activity figures and the kinds each counts; summary() counts them all in one pass.
ACTIVITY_FIGURES = {
    "studies": (A.STUDY, A.FIRST_TOPIC, A.THEME_DAY),
    "base_visits": (A.BASE_VISIT,),
    "trainings": (A.TRAINING,),
    "special_lessons": (A.SPECIAL_LESSON,),
    "lessons": (A.LESSON, A.SPECIAL_LESSON),
    "guidance": (A.GUIDANCE,),
}


# The member figures as conditions on the subtree's members; summary() counts both in one pass.
MEMBER_FIGURES = {
    "developed": lambda s, e: Q(probationary_on__range=(s, e)),
    "members": lambda s, e: Q(
        status__in=[PartyMember.Status.PROBATIONARY, PartyMember.Status.FULL]
    ),
}


def _activity_figure(name: str):
    return lambda o, s, e: _activities(o, s, e, *ACTIVITY_FIGURES[name])


# name → (label, records(org, start, end))
FIGURES = {
    "studies": (_("组织开展各类学习"), _activity_figure("studies")),
    "base_visits": (_("参观教育基地"), _activity_figure("base_visits")),
    "trainings": (_("培训班"), _activity_figure("trainings")),
    "special_lessons": (_("专题党课"), _activity_figure("special_lessons")),
    "lessons": (_("党课"), _activity_figure("lessons")),
    "guidance": (_("一线指导帮扶"), _activity_figure("guidance")),
    "temporary_branches": (
        _("成立项目临时党支部"),
        lambda o, s, e: subtree(o).filter(kind=PartyOrg.Kind.TEMPORARY, founded_on__range=(s, e)),
    ),
    "developed": (
        _("发展党员"),
        lambda o, s, e: _members(o).filter(MEMBER_FIGURES["developed"](s, e)),
    ),
    "members": (_("党员"), lambda o, s, e: _members(o).filter(MEMBER_FIGURES["members"](s, e))),
    "model_posts": (_("党员示范岗"), lambda o, s, e: _set_up(ModelPost, o, s, e)),
    "commando_teams": (_("党员突击队"), lambda o, s, e: _set_up(CommandoTeam, o, s, e)),
    "zones": (_("党员责任区"), lambda o, s, e: _set_up(ResponsibilityZone, o, s, e)),
    "mentor_pairs": (_("师徒结对"), lambda o, s, e: _set_up(MentorPair, o, s, e)),
    "articles": (_("宣传稿件"), lambda o, s, e: _dated(Article, "published_on", o, s, e)),
    "role_models": (_("风采人物"), lambda o, s, e: _dated(RoleModel, "selected_on", o, s, e)),
    "honours": (_("荣誉奖项"), lambda o, s, e: _dated(Honour, "awarded_on", o, s, e)),
}


def figure_records(figure: str, org: PartyOrg, start: date, end: date) -> QuerySet:
    return FIGURES[figure][1](org, start, end)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def activity_counts(org: PartyOrg, start: date, end: date) -> dict[str, int]:
    """Activities per kind in the subtree over the period, each joint activity once: the
    months the period covers whole from the rollup (models.ActivityTally), the days of a
    month it covers only in part from the records."""
    whole_from = start if start.day == 1 else _next_month(start)
    whole_to = _next_month(end) if (end + timedelta(days=1)).day == 1 else end.replace(day=1)
    counts: dict[str, int] = {}
    days = [(start, end)]
    if whole_from < whole_to:
        counts.update(
            ActivityTally.objects.filter(org=org, month__gte=whole_from, month__lt=whole_to)
            .order_by()
            .values("kind")
            .annotate(n=Sum("in_subtree"))
            .values_list("kind", "n")
        )
        days = [(start, whole_from - timedelta(days=1)), (whole_to, end)]
    days = [(first, last) for first, last in days if first <= last]
    if days:
        partial = (
            _in_subtree_activities(org)
            .filter(reduce(or_, (Q(held_on__range=d) for d in days)))
            .order_by()
            .values("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
        for kind, n in partial:
            counts[kind] = counts.get(kind, 0) + n
    return counts


def summary(org: PartyOrg, start: date, end: date) -> dict[str, int]:
    """Every figure, equal to the count of its figure_records: the activity figures from
    activity_counts(), the member figures in one pass over the subtree's members, and one
    count for each other kind of record."""
    per_kind = activity_counts(org, start, end)
    members = _members(org).aggregate(
        **{name: Count("pk", filter=q(start, end)) for name, q in MEMBER_FIGURES.items()}
    )
    figures = {}
    for name in FIGURES:
        if name in ACTIVITY_FIGURES:
            figures[name] = sum(per_kind.get(kind, 0) for kind in ACTIVITY_FIGURES[name])
        elif name in MEMBER_FIGURES:
            figures[name] = members[name]
        else:
            figures[name] = figure_records(name, org, start, end).count()
    return figures


@dataclass
class RuleCheck:
    kind: str
    label: str
    every: str
    periods: int  # how many periods of the year were due
    met: int
    gaps: list[str]  # the periods with no sitting, e.g. "第2季度"

    @property
    def compliant(self) -> bool:
        return not self.gaps


def _period_label(every: str, index: int) -> str:
    if every == "month":
        return _("%(n)d月") % {"n": index}
    if every == "quarter":
        return _("第%(n)d季度") % {"n": index}
    if every == "half":
        return _("上半年") if index == 1 else _("下半年")
    return _("全年")


@dataclass(frozen=True)
class _Rule:
    kind: str
    label: str
    every: str


def _rules() -> list[_Rule]:
    # The label read once per rule, not once per branch: get_kind_display() hashes every
    # lazy choice label on each call, which was most of the time of a committee's check.
    return [_Rule(r.kind, r.get_kind_display(), r.every) for r in ComplianceRule.objects.all()]


def _month_bits(first: int, last: int) -> int:
    """The months first..last (1-12) as bits: bit m for month m."""
    return sum(1 << m for m in range(first, last + 1))


def _checks(
    held: dict[str, int],
    rules: list[_Rule],
    year: int,
    today: date,
    founded: date,
    months: tuple[int, int] = (1, 12),
) -> list[RuleCheck]:
    """Each rule against the months in which a branch held a sitting of the rule's kind (kind →
    bits, as _month_bits); periods that ended before the branch was founded were never due.
    Only the periods that end within `months` (first, last) count: a half-year or a quarter
    is judged on its own periods, and a period belongs to the span in which it ends."""
    checks = []
    for rule in rules:
        span = PERIOD_MONTHS[rule.every]
        months_held = held.get(rule.kind, 0)
        gaps, due, met = [], 0, 0
        for index in range(1, 12 // span + 1):
            last_month = index * span
            if not months[0] <= last_month <= months[1]:
                continue
            period_over = year < today.year or (year == today.year and last_month < today.month)
            existed = (year, last_month) >= (founded.year, founded.month)
            if months_held & _month_bits(last_month - span + 1, last_month):
                met += 1
                due += 1
            elif period_over and existed:
                due += 1
                gaps.append(_period_label(rule.every, index))
        checks.append(RuleCheck(rule.kind, rule.label, rule.every, due, met, gaps))
    return checks


def compliance(
    org: PartyOrg, year: int, *, today: date | None = None, months: tuple[int, int] = (1, 12)
) -> list[RuleCheck]:
    """三会一课 for one branch over a year, or over the months (first, last) of it: for each
    rule, the periods with no sitting. Periods not yet over (in the current year) are not
    counted as gaps."""
    held: dict[str, int] = {}
    pairs = (
        PartyActivity.objects.filter(orgs=org, held_on__year=year)
        .annotate(month=ExtractMonth("held_on"))
        .values_list("kind", "month")
        .distinct()
    )
    for kind, month in pairs:
        held[kind] = held.get(kind, 0) | 1 << month
    return _checks(held, _rules(), year, today or timezone.localdate(), org.founded_on, months)


def compliance_of_branches(
    org: PartyOrg, year: int, *, today: date | None = None
) -> list[tuple[PartyOrg, list[RuleCheck]]]:
    """compliance() for every branch under an organisation, read in one query rather than one
    per branch (a committee has a hundred)."""
    rules = _rules()
    units = list(branches(org))
    held: dict[int, dict[str, int]] = {b.pk: {} for b in units}
    # From the rollup's rows of each branch's own sittings per kind and month (compliance()
    # reads the same from the records), each branch and kind folded into one number whose
    # bit m is set when month m had a sitting: the rows are unique per month, so their sum
    # is the bits. A dozen counts per row instead took three times as long on SQLite.
    bits = Sum(
        Case(
            *(When(month=date(year, m, 1), then=Value(1 << m)) for m in range(1, 13)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    rows = (
        ActivityTally.objects.filter(
            # By the branches' ids: SQLite then reads each branch's few index entries, where
            # by path it read the whole index.
            org_id__in=list(held),
            month__range=(date(year, 1, 1), date(year, 12, 1)),
            kind__in=[r.kind for r in rules],
            own__gt=0,
        )
        .values("org_id", "kind")
        .annotate(bits=bits)
        .values_list("org_id", "kind", "bits")
    )
    for org_id, kind, months_held in rows:
        held[org_id][kind] = months_held
    today = today or timezone.localdate()
    return [(b, _checks(held[b.pk], rules, year, today, b.founded_on)) for b in units]


def branches(org: PartyOrg) -> QuerySet[PartyOrg]:
    return (
        subtree(org)
        .filter(kind__in=BRANCH_KINDS)
        .filter(
            Q(dissolved_on__isnull=True)
            | Q(dissolved_on__gte=date(timezone.localdate().year, 1, 1))
        )
    )


def overdue_items(org: PartyOrg, today: date | None = None):
    """Responsibility items in the subtree past their deadline and not done."""
    today = today or timezone.localdate()
    return ResponsibilityItem.objects.filter(
        decision__org__path__startswith=org.path, deadline__lt=today
    ).exclude(status=ResponsibilityItem.Status.DONE)


def unrectified_checks(org: PartyOrg, today: date | None = None):
    """Checks in the subtree whose rectification deadline passed without a fix."""
    today = today or timezone.localdate()
    return ResponsibilityCheck.objects.filter(
        item__decision__org__path__startswith=org.path,
        needs_rectification=True,
        rectified_on__isnull=True,
        rectify_by__lt=today,
    )
