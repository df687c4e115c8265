"""Who may do what in an evaluation. Evaluators and the county admin run it; the cadre
evaluated (Subject.user) reads only their own published result and may appeal: they never
see ballots, tokens or invitations, and never touch what feeds their score. Out of scope
is a 404."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jieyou.people import access
from jieyou.people.models import Staff

from .errors import EvaluationError
from .models import Cycle, InspectionTask, Subject

R = Staff.Role
MANAGER_ROLES = {R.COUNTY_ADMIN, R.EVALUATOR}


def is_manager(user) -> bool:
    return access.scope_for(user).role in MANAGER_ROLES


def cycles_for(user) -> QuerySet[Cycle]:
    return Cycle.objects.all() if is_manager(user) else Cycle.objects.none()


def subjects_for(user) -> QuerySet[Subject]:
    """The subjects a user may manage: all of them for a manager, except their own."""
    if not is_manager(user):
        return Subject.objects.none()
    return Subject.objects.exclude(user=user)


def own_subjects(user) -> QuerySet[Subject]:
    if not getattr(user, "is_authenticated", False):
        return Subject.objects.none()
    return Subject.objects.filter(user=user)


def own_published(user) -> QuerySet[Subject]:
    """The user's own subjects whose results are published (or published and locked): the
    only results the subject evaluated may read."""
    return own_subjects(user).filter(
        cycle__status__in=(Cycle.Status.PUBLISHED, Cycle.Status.LOCKED)
    )


def refuse_subject(user, subject: Subject) -> None:
    """The one rule no role overrides: nobody acts on what feeds their own score."""
    if subject.user_id is not None and subject.user_id == getattr(user, "pk", None):
        raise EvaluationError(_("被考核人不能操作与本人考核有关的数据"))


def require_manager(user, subject: Subject | None = None) -> None:
    if not is_manager(user):
        raise EvaluationError(_("只有考核评价人员或县级管理员可以进行此操作"))
    if subject is not None:
        refuse_subject(user, subject)


# Staff who work for a community: its secretary, its staff and its grid workers. County-wide
# roles are not "of" any one community, so an evaluator may inspect any of them.
COMMUNITY_ROLES = {R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF, R.GRID_WORKER}


def works_for(user, subject: Subject) -> bool:
    """Whether a user is staff of the subject's unit, or community staff of the subject's own
    area: the people who enter the subject's reported figures."""
    staff = access.staff_of(user)
    if staff is None:
        return False
    if subject.unit_id is not None and staff.unit_id == subject.unit_id:
        return True
    return (
        staff.role in COMMUNITY_ROLES
        and subject.area_id is not None
        and staff.area_id == subject.area_id
    )


def related_to(user, subject: Subject) -> bool:
    """Whether a user is too close to a subject to inspect it: the subject, staff of its unit,
    or community staff working inside its area or above it on the same branch (a town's
    cadre is not inspected by the staff of its communities, nor a community by the town's)."""
    if subject.user_id is not None and subject.user_id == getattr(user, "pk", None):
        return True
    staff = access.staff_of(user)
    if staff is None:
        return False
    if works_for(user, subject):
        return True
    if staff.role not in COMMUNITY_ROLES or staff.area_id is None or subject.area_id is None:
        return False
    mine, theirs = staff.area.path, subject.area.path
    return mine.startswith(theirs) or theirs.startswith(mine)


def figure_subjects_for(user) -> QuerySet[Subject]:
    """The subjects whose reported figures a user may enter: any for a manager, those of their
    own unit or community for its staff; never their own."""
    if is_manager(user):
        return subjects_for(user)
    staff = access.staff_of(user)
    if staff is None:
        return Subject.objects.none()
    mine = Q(pk__in=[])
    if staff.unit_id is not None:
        mine |= Q(unit_id=staff.unit_id)
    if staff.role in COMMUNITY_ROLES and staff.area_id is not None:
        mine |= Q(area_id=staff.area_id)
    return Subject.objects.filter(mine).exclude(user=user)


def require_figure_entry(user, subject: Subject) -> None:
    refuse_subject(user, subject)
    if not (is_manager(user) or works_for(user, subject)):
        raise EvaluationError(_("只有被考核单位（社区）的工作人员或考核评价人员可以填报数据"))


def sees_figure_pages(user) -> bool:
    return is_manager(user) or figure_subjects_for(user).exists()


def inspection_tasks_for(user) -> QuerySet[InspectionTask]:
    """The inspection tasks assigned to a user, never one on their own evaluation."""
    if not getattr(user, "is_authenticated", False):
        return InspectionTask.objects.none()
    return InspectionTask.objects.filter(inspector=user).exclude(subject__user=user)
