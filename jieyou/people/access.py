"""Who may see what: a user becomes a scope, and every list and fetch goes through it.

A record outside the scope is a 404 (`get_or_404`), never a 403, so that its existence
does not leak.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from jieyou.places import queries as places
from jieyou.places.models import Area, Grid

from .models import Resident, RosterImport, Staff, Unit

R = Staff.Role
# Roles whose work is to contact residents may reveal a full number, one audited look at a time.
UNMASK_ROLES = {R.COUNTY_ADMIN, R.COMMUNITY_SECRETARY, R.GRID_WORKER}
RESIDENT_ROLES = {R.COUNTY_ADMIN, R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF, R.GRID_WORKER}
IMPORT_ROLES = {R.COUNTY_ADMIN, R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF}
COUNTY_WIDE = {R.COUNTY_ADMIN, R.EVALUATOR, R.AUDITOR, R.SECURITY_ADMIN}


@dataclass(frozen=True)
class Scope:
    role: str | None
    area_paths: tuple[str, ...]  # the subtrees this user may browse
    resident_paths: tuple[str, ...]  # the subtrees whose residents this user may see
    unit_filter: Q  # the units this user may see

    @property
    def can_unmask(self) -> bool:
        return self.role in UNMASK_ROLES

    @property
    def can_import(self) -> bool:
        return self.role in IMPORT_ROLES

    @property
    def sees_audit_log(self) -> bool:
        return self.role in {R.AUDITOR, R.SECURITY_ADMIN}


NOTHING = Scope(role=None, area_paths=(), resident_paths=(), unit_filter=Q(pk__in=[]))


def staff_of(user) -> Staff | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except Staff.DoesNotExist:
        return None


def scope_for(user) -> Scope:
    """The scope of a user; cached on the user object for the length of one request."""
    cached = getattr(user, "_jieyou_scope", None)
    if cached is not None:
        return cached
    scope = _build_scope(staff_of(user))
    if getattr(user, "is_authenticated", False):
        user._jieyou_scope = scope
    return scope


def _build_scope(staff: Staff | None) -> Scope:
    if staff is None:
        return NOTHING
    if staff.role == R.UNIT_HANDLER and staff.unit_id:
        return Scope(staff.role, (staff.unit.area.path,), (), Q(pk=staff.unit_id))
    if staff.area is None:
        return NOTHING
    if staff.role in COUNTY_WIDE:
        root = (staff.area.path,)
        residents = root if staff.role == R.COUNTY_ADMIN else ()
        return Scope(staff.role, root, residents, _units_serving(staff.area))
    if staff.role in (R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF):
        own = (staff.area.path,)
        return Scope(staff.role, own, own, _units_serving(staff.area))
    if staff.role == R.GRID_WORKER:
        covered = tuple(places.grid_paths(staff.grids.values("pk")))
        return Scope(staff.role, (staff.area.path,), covered, _units_serving(staff.area))
    return NOTHING


def _units_serving(area: Area) -> Q:
    """Units whose service area contains this area or lies inside it."""
    return Q(area_id__in=[*area.ancestor_ids(), area.pk]) | Q(area__path__startswith=area.path)


def areas(user) -> QuerySet[Area]:
    return places.areas_under(list(scope_for(user).area_paths))


def covers(user, area: Area) -> bool:
    """Whether `area` lies in the user's scope, without a query (`areas()` asks the database)."""
    return area.path.startswith(scope_for(user).area_paths)


def grids(user) -> QuerySet[Grid]:
    return places.grids_in(list(scope_for(user).area_paths))


def residents(user) -> QuerySet[Resident]:
    return Resident.objects.filter(
        places.under_paths(list(scope_for(user).resident_paths), "area__path")
    )


def units(user) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_for(user).unit_filter)


def staff_members(user) -> QuerySet[Staff]:
    """Colleagues a user may see: staff working inside the user's browsable areas."""
    scope = scope_for(user)
    return Staff.objects.filter(
        places.under_paths(list(scope.area_paths), "area__path") | Q(unit__in=units(user))
    ).distinct()


def roster_imports(user) -> QuerySet[RosterImport]:
    """Roster uploads: each uploader sees their own; a county admin sees all in the county."""
    if not getattr(user, "is_authenticated", False):
        return RosterImport.objects.none()
    scope = scope_for(user)
    if scope.role == R.COUNTY_ADMIN:
        return RosterImport.objects.filter(
            places.under_paths(list(scope.area_paths), "community__path")
        )
    return RosterImport.objects.filter(user=user)


def get_or_404(queryset: QuerySet, **lookup):
    """Fetch one record from a scoped queryset; anything outside the scope does not exist."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None
