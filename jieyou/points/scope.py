"""Which service points and records a user may see and change, built on people.access:
a community's staff and grid workers see their community, the county sees all, and a
record outside the scope is a 404."""

from django.db.models import QuerySet

from jieyou.people import access
from jieyou.people.models import Staff
from jieyou.places.models import Area
from jieyou.places.queries import under_paths

from .models import ServicePoint

R = Staff.Role
# Roles that keep a point's records: its community's staff, its grid workers, the county.
KEEPER_ROLES = {R.COUNTY_ADMIN, R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF, R.GRID_WORKER}
# Roles that read the figures without keeping the records.
READER_ROLES = KEEPER_ROLES | {R.EVALUATOR}


def _paths(user) -> list[str]:
    scope = access.scope_for(user)
    return list(scope.area_paths) if scope.role in READER_ROLES else []


def scoped(queryset: QuerySet, user, community_field: str) -> QuerySet:
    """Rows of any points model whose community (reached through `community_field`, e.g.
    "point__community") lies in the user's areas."""
    return queryset.filter(under_paths(_paths(user), f"{community_field}__path"))


def points_for(user) -> QuerySet[ServicePoint]:
    return scoped(ServicePoint.objects.all(), user, "community")


def communities_for(user) -> QuerySet[Area]:
    return Area.objects.filter(under_paths(_paths(user)), kind=Area.Kind.COMMUNITY)


def may_keep(user, community: Area) -> bool:
    """Whether the user may add or change records of this community's points."""
    scope = access.scope_for(user)
    return scope.role in KEEPER_ROLES and any(
        community.path.startswith(path) for path in scope.area_paths
    )
