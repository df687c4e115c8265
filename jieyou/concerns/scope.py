"""Which concerns a user may see, built on people.access: out of scope is a 404."""

from django.db.models import Q, QuerySet

from jieyou.people import access
from jieyou.people.models import Staff
from jieyou.places.queries import under_paths

from .models import Concern

R = Staff.Role
# Roles that work concerns; evaluators read figures through queries, auditors read the log.
WORKING_ROLES = {
    R.COUNTY_ADMIN,
    R.COMMUNITY_SECRETARY,
    R.COMMUNITY_STAFF,
    R.GRID_WORKER,
    R.UNIT_HANDLER,
}
DISPATCH_ROLES = {R.COUNTY_ADMIN, R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF}


def concerns_for(user) -> QuerySet[Concern]:
    """Grid workers see their grids' concerns; community staff their community's; handlers
    those their unit leads or assists; everyone the ones assigned to them."""
    scope = access.scope_for(user)
    if scope.role not in WORKING_ROLES:
        return Concern.objects.none()
    mine = Q(handler=user)
    if scope.role == R.UNIT_HANDLER:
        staff = access.staff_of(user)
        q = mine | Q(lead_unit_id=staff.unit_id) | Q(assisting_units=staff.unit_id)
        return Concern.objects.filter(pk__in=Concern.objects.filter(q).values("pk"))
    paths = scope.resident_paths if scope.role == R.GRID_WORKER else scope.area_paths
    return Concern.objects.filter(under_paths(list(paths), "area__path") | mine)


def can_dispatch(user) -> bool:
    return access.scope_for(user).role in DISPATCH_ROLES
