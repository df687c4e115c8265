"""Who may do what in an evaluation. Evaluators and the county admin run it; the cadre
evaluated (Subject.user) reads only their own published result and may appeal: they never
see ballots, tokens or invitations, and never touch what feeds their score. Out of scope
is a 404."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jieyou.people import access
from jieyou.people.models import Staff

from .errors import EvaluationError
from .models import Cycle, Subject

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


def refuse_subject(user, subject: Subject) -> None:
    """The one rule no role overrides: nobody acts on what feeds their own score."""
    if subject.user_id is not None and subject.user_id == getattr(user, "pk", None):
        raise EvaluationError(_("被考核人不能操作与本人考核有关的数据"))


def require_manager(user, subject: Subject | None = None) -> None:
    if not is_manager(user):
        raise EvaluationError(_("只有考核评价人员或县级管理员可以进行此操作"))
    if subject is not None:
        refuse_subject(user, subject)
