"""The ledger's figures, counted from records, for pages, exports and the evaluation app.

Every figure has the queryset of the records behind it (`figure_records`), so a number on a
summary can always be opened to the rows it counts.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
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


def _activities(org: PartyOrg, start: date, end: date, *kinds) -> QuerySet[PartyActivity]:
    # An activity of several organisations in the subtree is one activity, counted once;
    # EXISTS keeps it once without a DISTINCT and was the quickest form on SQLite and
    # PostgreSQL alike (bench/ledger.py).
    in_subtree = PartyActivity.orgs.through.objects.filter(
        partyactivity=OuterRef("pk"), partyorg__path__startswith=org.path
    )
    return PartyActivity.objects.filter(
        Exists(in_subtree), held_on__range=(start, end), kind__in=kinds
    )


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
    "developed": (_("发展党员"), lambda o, s, e: _members(o).filter(probationary_on__range=(s, e))),
    "members": (
        _("党员"),
        lambda o, s, e: _members(o).filter(
            status__in=[PartyMember.Status.PROBATIONARY, PartyMember.Status.FULL]
        ),
    ),
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


def summary(org: PartyOrg, start: date, end: date) -> dict[str, int]:
    """Every figure; the activity figures from one GROUP BY over the subtree's activities
    (the same rows figure_records lists, each joint activity once)."""
    kinds = {kind for group in ACTIVITY_FIGURES.values() for kind in group}
    per_kind = dict(
        _activities(org, start, end, *kinds)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {
        name: (
            sum(per_kind.get(kind, 0) for kind in ACTIVITY_FIGURES[name])
            if name in ACTIVITY_FIGURES
            else figure_records(name, org, start, end).count()
        )
        for name in FIGURES
    }


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


def _checks(
    held: set[tuple[str, int]], rules, year: int, today: date, founded: date
) -> list[RuleCheck]:
    """Each rule against the (kind, month) pairs in which a branch held a sitting; periods
    that ended before the branch was founded were never due."""
    checks = []
    for rule in rules:
        span = PERIOD_MONTHS[rule.every]
        gaps, due, met = [], 0, 0
        for index in range(1, 12 // span + 1):
            last_month = index * span
            period_over = year < today.year or (year == today.year and last_month < today.month)
            existed = (year, last_month) >= (founded.year, founded.month)
            if any((rule.kind, m) in held for m in range(last_month - span + 1, last_month + 1)):
                met += 1
                due += 1
            elif period_over and existed:
                due += 1
                gaps.append(_period_label(rule.every, index))
        checks.append(RuleCheck(rule.kind, rule.get_kind_display(), rule.every, due, met, gaps))
    return checks


def compliance(org: PartyOrg, year: int, *, today: date | None = None) -> list[RuleCheck]:
    """三会一课 for one branch over a year: for each rule, the periods with no sitting.
    Periods not yet over (in the current year) are not counted as gaps."""
    held = set(
        PartyActivity.objects.filter(orgs=org, held_on__year=year)
        .annotate(month=ExtractMonth("held_on"))
        .values_list("kind", "month")
        .distinct()
    )
    rules = ComplianceRule.objects.all()
    return _checks(held, rules, year, today or timezone.localdate(), org.founded_on)


def compliance_of_branches(
    org: PartyOrg, year: int, *, today: date | None = None
) -> list[tuple[PartyOrg, list[RuleCheck]]]:
    """compliance() for every branch under an organisation, read in one query rather than one
    per branch (a committee has a hundred)."""
    rules = list(ComplianceRule.objects.all())
    units = list(branches(org))
    held: dict[int, set[tuple[str, int]]] = {b.pk: set() for b in units}
    # One count per month by date range: extracting the month would call a Python function
    # per row on SQLite, five times slower over a committee's year.
    months = {
        f"m{m}": Count(
            "pk",
            filter=Q(
                partyactivity__held_on__range=(
                    date(year, m, 1),
                    date(year, m, calendar.monthrange(year, m)[1]),
                )
            ),
        )
        for m in range(1, 13)
    }
    rows = (
        # By path, not by the list of branch ids: SQLite would probe its index once per id
        # for every activity (ten times slower at a hundred branches).
        PartyActivity.orgs.through.objects.filter(
            partyorg__path__startswith=org.path,
            partyactivity__held_on__range=(date(year, 1, 1), date(year, 12, 31)),
            partyactivity__kind__in=[r.kind for r in rules],
        )
        .values("partyorg_id", "partyactivity__kind")
        .annotate(**months)
    )
    for row in rows:
        months_held = held.get(row["partyorg_id"])  # None for the committee itself
        if months_held is not None:
            months_held.update(
                (row["partyactivity__kind"], m) for m in range(1, 13) if row[f"m{m}"]
            )
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
