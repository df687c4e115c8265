"""小个专: small and micro firms, sole traders and specialised markets — coverage and the
difficulties they raise."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from jieyou.concerns import scope as concern_scope
from jieyou.concerns.actions import concern_submit
from jieyou.concerns.models import Category, Concern
from jieyou.core import audit

from .models import Enterprise, FirmDifficulty, PartyActivity, PartyOrg

SMALL_KINDS = (Enterprise.Kind.MICRO, Enterprise.Kind.SOLE_TRADER, Enterprise.Kind.MARKET)
OWN, JOINT, INSTRUCTOR, NONE = "own", "joint", "instructor", "none"


def with_coverage(firms: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Annotate each firm with how party work reaches it: its own organisation, a joint
    branch, an assigned instructor, or nothing."""
    orgs = PartyOrg.objects.filter(enterprises=OuterRef("pk"), dissolved_on__isnull=True)
    return firms.annotate(
        has_own=Exists(orgs.exclude(kind=PartyOrg.Kind.JOINT)),
        has_joint=Exists(orgs.filter(kind=PartyOrg.Kind.JOINT)),
    )


def coverage_of(firm) -> str:
    if firm.has_own:
        return OWN
    if firm.has_joint:
        return JOINT
    return INSTRUCTOR if firm.instructor else NONE


@dataclass
class Coverage:
    firms: int = 0
    own: int = 0
    joint: int = 0
    instructor: int = 0
    none: int = 0

    @property
    def organisation_rate(self):
        """组织覆盖: firms with their own or a joint party organisation."""
        return (self.own + self.joint) / self.firms if self.firms else None

    @property
    def work_rate(self):
        """工作覆盖: firms reached by an organisation or an instructor."""
        return (self.firms - self.none) / self.firms if self.firms else None


def coverage(firms: QuerySet[Enterprise], group: str = "kind") -> dict[object, Coverage]:
    """The two coverages (两个覆盖) per value of the field `group` (`kind` or `area_id`)."""
    result: dict[object, Coverage] = {}
    for firm in with_coverage(firms.filter(kind__in=SMALL_KINDS)):
        c = result.setdefault(getattr(firm, group), Coverage())
        c.firms += 1
        setattr(c, coverage_of(firm), getattr(c, coverage_of(firm)) + 1)
    return result


def difficulty_raise(
    *, actor, activity: PartyActivity, enterprise: Enterprise, description: str
) -> FirmDifficulty:
    """A firm's difficulty raised at a theme day becomes a 企业诉求 concern, so its answer is
    tracked, timed and rated like any other."""
    if enterprise.area_id is None:
        raise ValidationError({"enterprise": [_("请先登记该企业所在的社区或小区")]})
    with transaction.atomic():
        concern = concern_submit(
            actor=actor,
            category=Category.objects.get(code="QY"),
            description=description,
            channel=Concern.Channel.MEETING,
            area=enterprise.area,
        )
        difficulty = FirmDifficulty.objects.create(
            activity=activity, enterprise=enterprise, concern=concern
        )
        audit.record(
            "party_difficulty.raise", actor=actor, obj=difficulty, detail={"concern": concern.pk}
        )
    return difficulty


def difficulties_seen_by(user, difficulties: QuerySet[FirmDifficulty]) -> list[dict]:
    """Firms' difficulties with how the concerns they became are being handled: `d` the
    difficulty, `c` its concern, `opens` whether the user's concern scope holds it (only then
    are its text and page shown; others see where it stands)."""
    rows = list(
        difficulties.select_related("activity", "enterprise", "concern__lead_unit").order_by(
            "-concern__submitted_at", "-pk"
        )
    )
    visible = set(
        concern_scope.concerns_for(user)
        .filter(pk__in=[d.concern_id for d in rows])
        .values_list("pk", flat=True)
    )
    return [{"d": d, "c": d.concern, "opens": d.concern_id in visible} for d in rows]
