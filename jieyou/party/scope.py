"""Which party organisations, members, activities and firms a user may see.

The county sees every organisation; a community's secretary and staff see the organisations
seated in their community or in an enterprise there, each with its whole subtree (a company's
branches on a project elsewhere stay with their committee). Anyone else sees none: a 404.
"""

from django.db.models import Q, QuerySet

from jieyou.people import access
from jieyou.people.models import Staff
from jieyou.places import queries as places

from .models import Enterprise, PartyActivity, PartyMember, PartyOrg, ResponsibilityItem

R = Staff.Role
COUNTY_WIDE = {R.COUNTY_ADMIN, R.EVALUATOR}
COMMUNITY = {R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF}
# The evaluator reads the ledger to score it and does not keep it.
EDIT_ROLES = {R.COUNTY_ADMIN, R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF}


def sees_ledger(user) -> bool:
    return access.scope_for(user).role in COUNTY_WIDE | COMMUNITY


def can_edit(user) -> bool:
    return access.scope_for(user).role in EDIT_ROLES


def _community_paths(user) -> list[str] | None:
    """None for the whole county, else the area paths whose organisations the user sees."""
    scope = access.scope_for(user)
    if scope.role in COUNTY_WIDE:
        return None
    if scope.role in COMMUNITY:
        return list(scope.area_paths)
    return []


def orgs_for(user) -> QuerySet[PartyOrg]:
    paths = _community_paths(user)
    if paths is None:
        return PartyOrg.objects.all()
    seated = PartyOrg.objects.filter(
        places.under_paths(paths, "area__path")
        | places.under_paths(paths, "enterprises__area__path")
    )
    roots = set(seated.values_list("path", flat=True))
    return PartyOrg.objects.filter(places.under_paths(sorted(roots)))


def members_for(user) -> QuerySet[PartyMember]:
    return PartyMember.objects.filter(org__in=orgs_for(user))


def activities_for(user) -> QuerySet[PartyActivity]:
    # A joint theme day is seen by every organisation taking part in it.
    ids = PartyActivity.objects.filter(orgs__in=orgs_for(user)).values("pk")
    return PartyActivity.objects.filter(pk__in=ids)


def firms_for(user) -> QuerySet[Enterprise]:
    paths = _community_paths(user)
    if paths is None:
        return Enterprise.objects.all()
    ids = Enterprise.objects.filter(
        places.under_paths(paths, "area__path") | Q(party_orgs__in=orgs_for(user))
    ).values("pk")
    return Enterprise.objects.filter(pk__in=ids)


def items_for(user) -> QuerySet[ResponsibilityItem]:
    """Responsibility items of the visible organisations, and those the user owns."""
    if not getattr(user, "is_authenticated", False):
        return ResponsibilityItem.objects.none()
    return ResponsibilityItem.objects.filter(Q(decision__org__in=orgs_for(user)) | Q(owner=user))
