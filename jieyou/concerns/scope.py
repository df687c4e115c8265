"""Which concerns a user may see, built on people.access: out of scope is a 404."""

from django.db.models import Q, QuerySet

from jieyou.people import access
from jieyou.people.models import Staff
from jieyou.places.queries import under_paths

from .models import Concern, Notification
from .states import OPEN

R = Staff.Role
S = Concern.Status
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


def tasks_for(user) -> QuerySet[Concern]:
    """Open concerns waiting on this user, overdue first: assigned to them, led by their unit
    and not yet claimed, or (for a grid worker) reported in their grids and not yet accepted."""
    scope = access.scope_for(user)
    waiting = Q(handler=user)
    if scope.role == R.UNIT_HANDLER:
        waiting |= Q(lead_unit_id=access.staff_of(user).unit_id, handler__isnull=True)
    elif scope.role == R.GRID_WORKER:
        waiting |= Q(status=S.SUBMITTED, handler__isnull=True) & under_paths(
            list(scope.resident_paths), "area__path"
        )
    return (
        concerns_for(user)
        .filter(waiting, status__in=OPEN)
        .order_by("-overdue", "resolution_due", "pk")
    )


def reminders_for(user) -> QuerySet[Notification]:
    """A user's inbox: reminders are personal, so the scope is the user."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)
