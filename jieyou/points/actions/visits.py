"""Door-to-door visits (入户走访) and the concerns found on them.

The phone form sends a visit with a `client_key` made once per draft. A resend of the
same draft (the network dropped before the answer arrived) finds the visit it already
made; the unique constraint on the key settles two copies arriving at once.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.concerns.actions import concern_submit
from jieyou.concerns.models import Category, Concern
from jieyou.core import audit
from jieyou.people import access
from jieyou.people.models import Household, Resident, Staff
from jieyou.people.queries import households_under
from jieyou.places.models import Grid

from .. import tally
from ..errors import PointsError
from ..models import Visit

R = Staff.Role
# Visits are made in person by those who serve the households; the county reads them.
VISIT_ROLES = {R.GRID_WORKER, R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF}
MAX_KEY_LENGTH = 64


def may_visit(user) -> bool:
    return access.scope_for(user).role in VISIT_ROLES


def households_to_visit(user):
    """The households whose building lies in the user's own grids (a grid worker) or
    community (community staff)."""
    if not may_visit(user):
        return Household.objects.none()
    return households_under(access.scope_for(user).resident_paths)


def grid_for(user, household: Household) -> Grid | None:
    """The grid a visit to this household counts for: among the grids covering its
    building (directly or through its compound), the user's own for a grid worker, any of
    the community's for community staff; the first by id when several overlap."""
    building = household.building
    covering = access.grids(user).filter(areas__pk__in=[*building.ancestor_ids(), building.pk])
    if access.scope_for(user).role == R.GRID_WORKER:
        covering = covering.filter(workers__user=user)
    return covering.order_by("pk").first()


def _check(*, actor, household, purpose, findings, visited_on, client_key) -> Grid:
    if not may_visit(actor):
        raise PointsError({"household": [_("住户：只有网格员或社区工作人员可以记录入户走访")]})
    if household is None or not households_to_visit(actor).filter(pk=household.pk).exists():
        raise PointsError({"household": [_("住户：该住户不在您负责的网格内")]})
    if purpose not in Visit.Purpose.values:
        raise PointsError({"purpose": [_("事由：请选择走访事由")]})
    if len(findings or "") > 4000:
        raise PointsError({"findings": [_("走访情况：不能超过4000字")]})
    if not isinstance(visited_on, date):
        raise PointsError({"visited_on": [_("走访日期：请填写日期")]})
    if visited_on > timezone.localdate():
        raise PointsError({"visited_on": [_("走访日期：不能晚于今天")]})
    if not client_key or len(client_key) > MAX_KEY_LENGTH:
        raise PointsError(
            {"client_key": [_("草稿编号：须为1至%(n)d个字符") % {"n": MAX_KEY_LENGTH}]}
        )
    grid = grid_for(actor, household)
    if grid is None:
        raise PointsError({"household": [_("住户：该住户所在楼栋不属于您的任何网格")]})
    return grid


def _same_draft(visit: Visit, *, actor, household, purpose, findings, visited_on) -> Visit:
    """The visit this key already made, if the resend carries the same content."""
    same = (
        visit.worker_id == actor.pk
        and visit.household_id == household.pk
        and visit.purpose == purpose
        and visit.findings == findings
        and visit.visited_on == visited_on
    )
    if not same:
        raise PointsError(
            {"client_key": [_("草稿编号：已用于内容不同的走访记录，请新建一份草稿再提交")]}
        )
    visit.replayed = True
    return visit


def visit_record(
    *,
    actor,
    household: Household,
    purpose: str,
    findings: str = "",
    visited_on: date,
    client_key: str,
) -> Visit:
    """Record a visit to `household` by `actor` (a grid worker whose grids cover its
    building, or staff of its community), counted for the grid covering the building.

    Idempotent on `client_key`: the same key with the same content returns the visit it
    already made (with `visit.replayed = True`); with other content it is refused. A new
    visit has `visit.replayed = False`."""
    findings = (findings or "").strip()
    client_key = (client_key or "").strip()
    grid = _check(
        actor=actor,
        household=household,
        purpose=purpose,
        findings=findings,
        visited_on=visited_on,
        client_key=client_key,
    )
    content = {
        "actor": actor,
        "household": household,
        "purpose": purpose,
        "findings": findings,
        "visited_on": visited_on,
    }
    earlier = Visit.objects.filter(client_key=client_key).first()
    if earlier is not None:
        return _same_draft(earlier, **content)
    try:
        # A savepoint: when the twin of this request wins the race, the caller's
        # transaction stays usable for reading what the twin wrote.
        with transaction.atomic():
            visit = Visit.objects.create(
                household=household,
                grid=grid,
                worker=actor,
                visited_on=visited_on,
                purpose=purpose,
                findings=findings,
                client_key=client_key,
            )
            tally.count_visit(visit)
            audit.record(
                "points.visit_record",
                actor=actor,
                obj=visit,
                detail={"grid": grid.pk, "household": household.pk},
            )
    except IntegrityError:
        earlier = Visit.objects.filter(client_key=client_key).first()
        if earlier is None:
            raise
        return _same_draft(earlier, **content)
    visit.replayed = False
    return visit


def visit_raise_concern(
    *,
    actor,
    visit: Visit,
    category: Category,
    description: str,
    urgency: str = Concern.Urgency.NORMAL,
    reporter: Resident | None = None,
) -> Concern:
    """ "发现问题，一键上报": a concern found on the visit, placed at the household's building,
    channel "visit", reported by one of the household's residents when one is chosen, and
    linked to the visit."""
    if (
        not may_visit(actor)
        or not households_to_visit(actor).filter(pk=visit.household_id).exists()
    ):
        raise PointsError({"visit": [_("走访记录：该住户不在您负责的网格内")]})
    if not isinstance(category, Category) or not category.active:
        raise PointsError({"category": [_("问题类别：请选择问题类别")]})
    if urgency not in Concern.Urgency.values:
        raise PointsError({"urgency": [_("紧急程度：请选择一般或紧急")]})
    if reporter is not None and reporter.household_id != visit.household_id:
        raise PointsError({"reporter": [_("反映人：须是该住户的居民")]})
    household = visit.household
    with transaction.atomic():
        concern = concern_submit(
            actor=actor,
            category=category,
            description=(description or "").strip(),
            channel=Concern.Channel.VISIT,
            area=household.building,
            reporter=reporter,
            contact_phone=reporter.phone if reporter else "",
            address=str(household),
            urgency=urgency,
        )
        visit.concerns.add(concern)
        audit.record(
            "points.visit_raise_concern",
            actor=actor,
            obj=visit,
            detail={"concern": concern.pk},
        )
    return concern
