"""The ledger's figures, counted from records, for pages, exports and the evaluation app.

Every figure has the queryset of the records behind it (`figure_records`), so a number on a
summary can always be opened to the rows it counts.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
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
    # An activity of several organisations in the subtree is one activity, counted once.
    ids = PartyActivity.objects.filter(
        orgs__path__startswith=org.path, held_on__range=(start, end), kind__in=kinds
    ).values("pk")
    return PartyActivity.objects.filter(pk__in=ids)


def _members(org: PartyOrg) -> QuerySet[PartyMember]:
    return PartyMember.objects.filter(org__path__startswith=org.path)


def _in_subtree(model, org: PartyOrg) -> QuerySet:
    return model.objects.filter(org__path__startswith=org.path)


def _dated(model, field: str, org: PartyOrg, start: date, end: date) -> QuerySet:
    return _in_subtree(model, org).filter(**{f"{field}__range": (start, end)})


def _set_up(model, org: PartyOrg, start: date, end: date) -> QuerySet:
    return _dated(model, "started_on", org, start, end)


# name → (label, records(org, start, end))
FIGURES = {
    "studies": (
        _("组织开展各类学习"),
        lambda o, s, e: _activities(o, s, e, A.STUDY, A.FIRST_TOPIC, A.THEME_DAY),
    ),
    "base_visits": (_("参观教育基地"), lambda o, s, e: _activities(o, s, e, A.BASE_VISIT)),
    "trainings": (_("培训班"), lambda o, s, e: _activities(o, s, e, A.TRAINING)),
    "special_lessons": (_("专题党课"), lambda o, s, e: _activities(o, s, e, A.SPECIAL_LESSON)),
    "lessons": (_("党课"), lambda o, s, e: _activities(o, s, e, A.LESSON, A.SPECIAL_LESSON)),
    "guidance": (_("一线指导帮扶"), lambda o, s, e: _activities(o, s, e, A.GUIDANCE)),
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
    return {name: figure_records(name, org, start, end).count() for name in FIGURES}


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


def compliance(org: PartyOrg, year: int, *, today: date | None = None) -> list[RuleCheck]:
    """三会一课 for one branch over a year: for each rule, the periods with no sitting.
    Periods not yet over (in the current year) are not counted as gaps."""
    today = today or timezone.localdate()
    months = set(
        PartyActivity.objects.filter(orgs=org, held_on__year=year)
        .annotate(month=ExtractMonth("held_on"))
        .values_list("kind", "month")
        .distinct()
    )
    checks = []
    for rule in ComplianceRule.objects.all():
        span = PERIOD_MONTHS[rule.every]
        gaps, due, met = [], 0, 0
        for index in range(1, 12 // span + 1):
            last_month = index * span
            period_over = year < today.year or (year == today.year and last_month < today.month)
            held = any(
                (rule.kind, m) in months for m in range(last_month - span + 1, last_month + 1)
            )
            if held:
                met += 1
                due += 1
            elif period_over:
                due += 1
                gaps.append(_period_label(rule.every, index))
        checks.append(RuleCheck(rule.kind, rule.get_kind_display(), rule.every, due, met, gaps))
    return checks


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
