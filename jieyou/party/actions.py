"""Every change to the party ledger goes through here."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import audit

from . import tally
from .models import MemberEvent, PartyActivity, PartyMember, PartyOrg

M = PartyMember.Status
# The development pipeline, in order, with the date field each step fills.
PIPELINE = [
    (M.APPLICANT, "applied_on"),
    (M.ACTIVIST, "activist_on"),
    (M.CANDIDATE, "candidate_on"),
    (M.PROBATIONARY, "probationary_on"),
    (M.FULL, "full_on"),
]
STEP_ORDER = [status for status, _ in PIPELINE]
CHILD_KINDS = {
    PartyOrg.Kind.COMMITTEE: {
        PartyOrg.Kind.GENERAL_BRANCH,
        PartyOrg.Kind.BRANCH,
        PartyOrg.Kind.TEMPORARY,
        PartyOrg.Kind.JOINT,
    },
    PartyOrg.Kind.GENERAL_BRANCH: {PartyOrg.Kind.BRANCH, PartyOrg.Kind.TEMPORARY},
}


def org_create(
    *,
    actor,
    name: str,
    kind: str,
    parent: PartyOrg | None,
    founded_on: date,
    enterprises=(),
    unit=None,
    area=None,
) -> PartyOrg:
    if parent is not None and kind not in CHILD_KINDS.get(parent.kind, set()):
        raise ValidationError(
            {
                "parent": [
                    _("%(parent)s下不能设立%(kind)s")
                    % {"parent": parent.get_kind_display(), "kind": PartyOrg.Kind(kind).label}
                ]
            }
        )
    with transaction.atomic():
        org = PartyOrg.objects.create(
            name=name,
            kind=kind,
            parent=parent,
            path="",
            founded_on=founded_on,
            unit=unit,
            area=area,
        )
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
        org.save(update_fields=["path"])
        if enterprises:
            org.enterprises.set(enterprises)
        audit.record("party_org.create", actor=actor, obj=org, detail={"kind": kind})
    return org


def org_set_secretary(*, actor, org: PartyOrg, member: PartyMember) -> PartyOrg:
    if member.org_id != org.pk or member.status != M.FULL:
        raise ValidationError({"secretary": [_("书记须为本组织的正式党员")]})
    with transaction.atomic():
        org.secretary = member
        org.save(update_fields=["secretary"])
        audit.record("party_org.secretary", actor=actor, obj=org, detail={"member": member.pk})
    return org


def member_create(
    *,
    actor,
    name: str,
    org: PartyOrg,
    status: str,
    on: date,
    gender: str = "",
    phone: str = "",
    id_number: str | None = None,
) -> PartyMember:
    """Register a member at a step of the pipeline reached on `on` (earlier steps' dates,
    when known, are recorded with member_advance or left empty for members joined long ago)."""
    field = dict(PIPELINE)[status]
    with transaction.atomic():
        member = PartyMember.objects.create(
            name=name,
            org=org,
            status=status,
            gender=gender,
            phone=phone,
            id_number=id_number or None,
            joined_org_on=on,
            **{field: on},
        )
        MemberEvent.objects.create(
            member=member,
            on=on,
            action="register",
            to_value=status,
            recorded_by_id=getattr(actor, "pk", None),
        )
        audit.record("party_member.create", actor=actor, obj=member)
    return member


def member_advance(*, actor, member: PartyMember, on: date) -> PartyMember:
    """Move a member one step along the pipeline; steps cannot be skipped or dated backwards."""
    with transaction.atomic():
        locked = PartyMember.objects.select_for_update().get(pk=member.pk)
        if locked.status not in STEP_ORDER[:-1]:
            raise ValidationError(
                _("“%(s)s”不能再进入下一阶段") % {"s": locked.get_status_display()}
            )
        current_field = dict(PIPELINE)[locked.status]
        previous = getattr(locked, current_field)
        if previous and on < previous:
            raise ValidationError({"on": [_("日期不能早于上一阶段（%(d)s）") % {"d": previous}]})
        if on > timezone.localdate():
            raise ValidationError({"on": [_("日期不能晚于今天")]})
        status, field = PIPELINE[STEP_ORDER.index(locked.status) + 1]
        before = locked.status
        locked.status = status
        setattr(locked, field, on)
        locked.save(update_fields=["status", field])
        MemberEvent.objects.create(
            member=locked,
            on=on,
            action="advance",
            from_value=before,
            to_value=status,
            recorded_by_id=getattr(actor, "pk", None),
        )
        audit.record(
            "party_member.advance", actor=actor, obj=locked, detail={"from": before, "to": status}
        )
    return locked


def member_transfer(
    *, actor, member: PartyMember, to_org: PartyOrg | None, on: date
) -> PartyMember:
    """Transfer a member to another organisation in the ledger, or out of it (to_org None)."""
    with transaction.atomic():
        locked = PartyMember.objects.select_for_update().get(pk=member.pk)
        before = locked.org.name
        if to_org is None:
            locked.status, locked.left_org_on = M.TRANSFERRED_OUT, on
            locked.save(update_fields=["status", "left_org_on"])
            to_value = ""
        else:
            locked.org, locked.joined_org_on = to_org, on
            locked.save(update_fields=["org", "joined_org_on"])
            to_value = to_org.name
        MemberEvent.objects.create(
            member=locked,
            on=on,
            action="transfer",
            from_value=before,
            to_value=to_value,
            recorded_by_id=getattr(actor, "pk", None),
        )
        audit.record(
            "party_member.transfer",
            actor=actor,
            obj=locked,
            detail={"from": before, "to": to_value},
        )
    return locked


def activity_record(
    *,
    actor,
    kind: str,
    topic: str,
    held_on: date,
    orgs,
    attendees=(),
    expected: int | None = None,
    place: str = "",
    speaker: str = "",
    minutes: str = "",
) -> PartyActivity:
    """Record one sitting. Attendees must belong to a participating organisation; `expected`
    defaults to the participating organisations' members on the day."""
    orgs = list(orgs)
    if not orgs:
        raise ValidationError({"orgs": [_("请选择参加的党组织")]})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("活动日期不能晚于今天")]})
    attendees = list(attendees)
    outsiders = [m.name for m in attendees if m.org_id not in {o.pk for o in orgs}]
    if outsiders:
        raise ValidationError(
            {"attendees": [_("以下党员不属于参加的党组织：%(n)s") % {"n": "、".join(outsiders)}]}
        )
    if expected is None:
        expected = (
            PartyMember.objects.filter(org__in=orgs)
            .exclude(status__in=[M.APPLICANT, M.ACTIVIST, M.CANDIDATE, M.TRANSFERRED_OUT])
            .count()
        )
    if len(attendees) > expected:
        raise ValidationError({"attendees": [_("实到人数不能多于应到人数")]})
    with transaction.atomic():
        activity = PartyActivity.objects.create(
            kind=kind,
            topic=topic,
            held_on=held_on,
            place=place,
            speaker=speaker,
            expected=expected,
            minutes=minutes,
        )
        activity.orgs.set(orgs)
        activity.attendees.set(attendees)
        tally.count_activity(activity, [o.pk for o in orgs])
        audit.record("party_activity.create", actor=actor, obj=activity, detail={"kind": kind})
    return activity


def record_add(*, actor, model, members=(), **fields):
    """Add a post, team, zone, mentor pair, article, role model, honour or business figure:
    plain records whose only rule is that they are audited like every other change."""
    with transaction.atomic():
        record = model.objects.create(**fields)
        if members:
            record.members.set(members)
        audit.record(f"party_{model._meta.model_name}.create", actor=actor, obj=record)
    return record
