"""Who may be asked to rate a subject. The evaluator draws candidates from records the subject
does not control and picks among them; the subject never calls these (refused).

Each function returns `Candidate(name, phone, basis)` rows, one per person (deduplicated by
phone, else by name); `basis` says why the person is eligible and is kept on the invitation.
"""

import random
import secrets
from datetime import datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext as _

from jieyou.concerns import queries as concerns
from jieyou.people.models import Resident, Staff, Unit

from . import scope
from .errors import EvaluationError
from .models import Subject

LOCAL = ZoneInfo("Asia/Shanghai")
MAX_SAMPLE = 500


class Candidate(NamedTuple):
    name: str
    phone: str
    basis: str


def _dedupe(rows) -> list[Candidate]:
    seen: set[str] = set()
    found = []
    for c in rows:
        key = c.phone or f"name:{c.name}"
        if c.name and key not in seen:
            seen.add(key)
            found.append(c)
    return found


def _require_area(subject: Subject):
    if subject.area_id is None:
        raise EvaluationError(
            {"area": _("考核区域：该考核对象未设置考核区域，无法按区域遴选评价人")}
        )
    return subject.area


def cycle_bounds(subject: Subject) -> tuple[datetime, datetime]:
    """The cycle's dates as instants in China's time: [first day 00:00, day after last 00:00)."""
    cycle = subject.cycle
    start = datetime.combine(cycle.starts, time.min, tzinfo=LOCAL)
    end = datetime.combine(cycle.ends + timedelta(days=1), time.min, tzinfo=LOCAL)
    return start, end


def served_residents(*, actor, subject: Subject) -> list[Candidate]:
    """Residents whose concerns in the subject's area were closed during the cycle: the
    registered reporter, else the name and phone left on the concern."""
    scope.require_manager(actor, subject)
    area = _require_area(subject)
    rows = []
    for c in concerns.closed_between(area, *cycle_bounds(subject)):
        basis = _("诉求已办结 %(code)s") % {"code": c.receipt_code}
        if c.reporter is not None:
            rows.append(Candidate(c.reporter.name, c.reporter.phone or c.contact_phone, basis))
        elif c.contact_name or c.contact_phone:
            rows.append(Candidate(c.contact_name or _("反映人"), c.contact_phone, basis))
    return _dedupe(rows)


def new_seed() -> str:
    return secrets.token_hex(4)


def roster_sample(*, actor, subject: Subject, size: int, seed: str) -> list[Candidate]:
    """A random sample of the residents registered under the subject's area. The seed is kept
    in each invitation's basis, so anyone can redo the draw from the same roster."""
    scope.require_manager(actor, subject)
    area = _require_area(subject)
    if not 1 <= size <= MAX_SAMPLE:
        raise EvaluationError({"size": _("抽样人数：须在1到%(n)d之间") % {"n": MAX_SAMPLE}})
    seed = (seed or "").strip()
    if not seed:
        raise EvaluationError({"seed": _("随机种子：不能为空")})
    roster = Resident.objects.filter(area__path__startswith=area.path)
    ids = sorted(roster.values_list("pk", flat=True))
    picked = random.Random(f"{subject.pk}:{seed}").sample(ids, min(size, len(ids)))
    by_id = roster.in_bulk(picked)
    basis = _("花名册抽样（种子 %(seed)s）") % {"seed": seed}
    return _dedupe(Candidate(by_id[pk].name, by_id[pk].phone, basis) for pk in picked)


def related_units(subject: Subject) -> list[Unit]:
    """Units that serve the subject's area (its own, one above it or one inside it) and units
    that led or assisted its closed concerns this cycle; never the subject's own unit."""
    q = Q(pk__in=[])
    if subject.area_id is not None:
        area = subject.area
        q |= Q(area_id__in=[*area.ancestor_ids(), area.pk]) | Q(area__path__startswith=area.path)
        closed = concerns.closed_between(area, *cycle_bounds(subject))
        q |= Q(pk__in=closed.filter(lead_unit__isnull=False).values("lead_unit_id"))
        q |= Q(pk__in=closed.values("assisting_units"))
    units = Unit.objects.filter(q)
    if subject.unit_id is not None:
        units = units.exclude(pk=subject.unit_id)
    return list(units.order_by("name"))


def unit_contacts(*, actor, subject: Subject) -> list[Candidate]:
    """Staff of the related units (a unit's own telephone when it has no staff on record)."""
    scope.require_manager(actor, subject)
    units = related_units(subject)
    staff = (
        Staff.objects.filter(unit__in=units, user__is_active=True)
        .exclude(user_id=subject.user_id)
        .select_related("unit")
        .order_by("unit__name", "name")
    )
    rows = [
        Candidate(s.name, s.phone, _("相关单位联系人（%(unit)s）") % {"unit": s.unit.name})
        for s in staff
    ]
    staffed = {s.unit_id for s in staff}
    rows += [
        Candidate(u.name, u.phone, _("相关单位（%(unit)s）") % {"unit": u.name})
        for u in units
        if u.pk not in staffed and u.phone
    ]
    return _dedupe(rows)


SOURCES = {
    "served": served_residents,
    "roster": roster_sample,
    "units": unit_contacts,
}
