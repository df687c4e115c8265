"""Every change to a concern goes through here: guard, lock, event row, save.

Guards raise `ConcernError` with a message in the user's language; nothing is written then.
"""

import secrets
from contextlib import nullcontext

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import audit, rows
from jieyou.core.worktime import deadline
from jieyou.people import access
from jieyou.people.access import staff_of
from jieyou.people.models import Staff

from . import import_12345, notify, scope
from .models import Category, Concern, ConcernEvent, ConcernPhoto, FollowUp, Notification
from .photos import save_photos
from .states import ACTION_LABELS, TRANSITIONS, next_level

S = Concern.Status
R = Staff.Role
REVIEWER_ROLES = {R.COUNTY_ADMIN, R.COMMUNITY_SECRETARY}
# No 0/O or 1/I/L: receipt codes are read aloud over the phone and typed by elderly residents.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class ConcernError(ValidationError):
    pass


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


def concern_submit(
    *,
    actor,
    category,
    description: str,
    channel: str,
    area,
    reporter=None,
    contact_phone: str = "",
    contact_name: str = "",
    address: str = "",
    latitude=None,
    longitude=None,
    urgency: str = Concern.Urgency.NORMAL,
    external_id: str | None = None,
    at=None,
    photos=(),
) -> Concern:
    if not description.strip():
        raise ConcernError({"description": [_("请填写诉求内容")]})
    if len(description) > 4000:
        raise ConcernError({"description": [_("诉求内容不能超过4000字")]})
    now = at or timezone.now()
    concern = Concern(
        receipt_code=new_receipt_code(),
        external_id=external_id,
        category=category,
        description=description,
        channel=channel,
        urgency=urgency,
        area=area,
        address=address,
        latitude=latitude,
        longitude=longitude,
        reporter=reporter,
        contact_phone=contact_phone,
        contact_name=contact_name,
        level=category.default_level,
        lead_unit=category.default_unit,
        submitted_at=now,
        response_due=deadline(now, category.response_hours, working_days=category.working_days),
        resolution_due=deadline(now, category.resolution_hours, working_days=category.working_days),
    )
    submitted = _new_event(actor, "submit", "", S.SUBMITTED, at=now)
    # A photo that fails its check rolls the whole concern back: all of it or nothing.
    with transaction.atomic() if photos else nullcontext():
        rows.insert_with_child(concern, submitted, "concern")
        save_photos(concern=concern, files=photos, stage=ConcernPhoto.Stage.INTAKE, user=actor)
    transaction.on_commit(
        lambda: notify.text_reporter(
            concern, _("您反映的问题已登记，回执码 %(code)s。") % {"code": concern.receipt_code}
        )
    )
    return concern


def _locked(concern: Concern, action: str) -> Concern:
    """Lock the row and check that the action may start from its current status."""
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    allowed_from, _to = TRANSITIONS[action]
    if locked.status not in allowed_from:
        raise ConcernError(
            _("当前状态“%(status)s”不能%(action)s")
            % {"status": locked.get_status_display(), "action": ACTION_LABELS[action]}
        )
    return locked


def _event(concern, actor, action, from_status, to_status, *, note="", data=None, at=None):
    event = _new_event(actor, action, from_status, to_status, note=note, data=data, at=at)
    event.concern = concern
    event.save(force_insert=True)
    return event


def _new_event(actor, action, from_status, to_status, *, note="", data=None, at=None):
    return ConcernEvent(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def _move(
    concern: Concern,
    actor,
    action: str,
    fields: dict,
    *,
    note="",
    data=None,
    at=None,
    to_status: str | None = None,
) -> Concern:
    before = concern.status
    target = to_status or TRANSITIONS[action][1] or before
    concern.status = target
    for name, value in fields.items():
        setattr(concern, name, value)
    concern.save(update_fields=["status", *fields])
    _event(concern, actor, action, before, target, note=note, data=data, at=at)
    return concern


def _require_reason(reason: str, what: str) -> None:
    if not (reason or "").strip():
        raise ConcernError({"reason": [_("%(what)s必须填写原因") % {"what": what}]})


def concern_accept(*, actor, concern: Concern, at=None) -> Concern:
    """Accept a submitted concern; of two people accepting at once, exactly one wins."""
    now = at or timezone.now()
    with transaction.atomic():
        locked = _locked(concern, "accept")
        return _move(
            locked,
            actor,
            "accept",
            {"accepted_at": now, "handler": locked.handler or actor},
            at=now,
        )


def concern_dispatch(
    *,
    actor,
    concern: Concern,
    lead_unit,
    assisting_units=(),
    handler=None,
    note: str = "",
    at=None,
) -> Concern:
    """Send the concern to a lead unit (with assisting units); the new handler, or the lead
    unit's handlers, find it in their inbox."""
    with transaction.atomic():
        locked = _locked(concern, "dispatch")
        _move(
            locked,
            actor,
            "dispatch",
            {"lead_unit": lead_unit, "handler": handler},
            note=note,
            data={
                "lead_unit": lead_unit.pk,
                "assisting": [u.pk for u in assisting_units],
                "handler": getattr(handler, "pk", None),
            },
            at=at,
        )
        locked.assisting_units.set(assisting_units)
        notify.inbox(notify.responsible(locked), locked, Notification.Kind.ASSIGNED, now=at)
        return locked


def concern_progress(*, actor, concern: Concern, note: str, photos=(), at=None) -> Concern:
    _require_reason(note, ACTION_LABELS["progress"])
    with transaction.atomic():
        locked = _move(_locked(concern, "progress"), actor, "progress", {}, note=note, at=at)
        save_photos(concern=locked, files=photos, stage=ConcernPhoto.Stage.PROGRESS, user=actor)
        return locked


def concern_escalate(*, actor, concern: Concern, reason: str, at=None) -> Concern:
    _require_reason(reason, ACTION_LABELS["escalate"])
    with transaction.atomic():
        locked = _locked(concern, "escalate")
        higher = next_level(locked.level)
        if higher is None:
            raise ConcernError(_("已在县级处理，不能再上报"))
        return _move(
            locked,
            actor,
            "escalate",
            {"level": higher},
            note=reason,
            data={"from": locked.level, "to": higher},
            at=at,
        )


def concern_resolve(*, actor, concern: Concern, note: str, at=None, photos=()) -> Concern:
    _require_reason(note, ACTION_LABELS["resolve"])
    now = at or timezone.now()
    with transaction.atomic():
        locked = _locked(concern, "resolve")
        if locked.handler_id != getattr(actor, "pk", None):
            raise ConcernError(_("只有承办人可以办结此诉求"))
        _move(locked, actor, "resolve", {"resolved_at": now}, note=note, at=now)
        save_photos(concern=locked, files=photos, stage=ConcernPhoto.Stage.RESOLUTION, user=actor)
        notify.inbox(
            notify.follow_up_staff(locked, _handlers(locked)),
            locked,
            Notification.Kind.FOLLOW_UP_DUE,
            now=now,
        )
        transaction.on_commit(
            lambda: notify.text_reporter(locked, _("您反映的问题已办结，请确认是否解决并评价。"))
        )
        return locked


def concern_claim(*, actor, concern: Concern) -> Concern:
    """A handler of the lead unit takes a concern dispatched to the unit as a whole."""
    with transaction.atomic():
        locked = _locked(concern, "claim")
        if locked.handler_id is not None:
            raise ConcernError(_("此诉求已有承办人"))
        if locked.lead_unit_id is None or actor not in notify.unit_handlers(locked.lead_unit):
            raise ConcernError(_("只有主办单位的经办人可以认领"))
        return _move(locked, actor, "claim", {"handler": actor})


def concern_follow_up(
    *,
    actor,
    concern: Concern,
    method: str,
    solved: bool,
    satisfaction: str = "",
    note: str = "",
    at=None,
) -> FollowUp:
    """Record the return visit. Solved closes the concern; not solved sends it back to the
    same handler and unit. Nobody who handled the concern may follow it up."""
    now = at or timezone.now()
    with transaction.atomic():
        locked = _locked(concern, "follow_up")
        if actor is not None and actor.pk in _handlers(locked):
            raise ConcernError(_("回访须由未参与办理的人员进行"))
        follow_up = FollowUp.objects.create(
            concern=locked,
            at=now,
            by=actor,
            method=method,
            solved=solved,
            satisfaction=satisfaction,
            note=note,
        )
        Notification.objects.filter(
            concern=locked, kind=Notification.Kind.FOLLOW_UP_DUE, read_at__isnull=True
        ).update(read_at=now)
        tallies = locked.count_follow_up(solved=solved, satisfaction=satisfaction)
        if solved:
            _move(
                locked,
                actor,
                "follow_up",
                {**tallies, "closed_at": now},
                note=note,
                at=now,
                to_status=S.CLOSED,
                data={"solved": True, "satisfaction": satisfaction},
            )
        else:
            notify.inbox(notify.responsible(locked), locked, Notification.Kind.REOPENED, now=now)
            _move(
                locked,
                actor,
                "follow_up",
                {**tallies, "resolved_at": None},
                note=note,
                at=now,
                to_status=S.IN_PROGRESS,
                data={"solved": False, "satisfaction": satisfaction},
            )
        return follow_up


def _handlers(concern: Concern) -> set[int]:
    acted = ConcernEvent.objects.filter(
        concern=concern, action__in=["accept", "progress", "resolve"], actor__isnull=False
    ).values_list("actor_id", flat=True)
    return {*acted, *([concern.handler_id] if concern.handler_id else [])}


def _require_reviewer(actor) -> None:
    staff = staff_of(actor)
    if staff is None or staff.role not in REVIEWER_ROLES:
        raise ConcernError(_("只有社区书记或县级管理员可以审核此操作"))


def concern_reject(*, actor, concern: Concern, reason: str) -> Concern:
    _require_reason(reason, ACTION_LABELS["reject"])
    _require_reviewer(actor)
    with transaction.atomic():
        return _move(_locked(concern, "reject"), actor, "reject", {}, note=reason)


def concern_exempt(*, actor, concern: Concern, reason: str) -> Concern:
    """Exclude a concern from the rates (e.g. outside the government's remit), with a reason."""
    _require_reason(reason, ACTION_LABELS["exempt"])
    _require_reviewer(actor)
    with transaction.atomic():
        return _move(
            _locked(concern, "exempt"), actor, "exempt", {"exempt_reason": reason}, note=reason
        )


def concern_merge(*, actor, concern: Concern, into: Concern, reason: str = "") -> Concern:
    if into.pk == concern.pk:
        raise ConcernError(_("不能与自身合并"))
    with transaction.atomic():
        target = Concern.objects.select_for_update().get(pk=into.pk)
        if target.status in (S.MERGED, S.REJECTED, S.CLOSED):
            raise ConcernError(_("目标诉求已关闭或已合并，不能并入"))
        locked = _locked(concern, "merge")
        _event(
            target,
            actor,
            "merge",
            target.status,
            target.status,
            note=reason,
            data={"merged": locked.pk},
        )
        _move(
            locked, actor, "merge", {"merged_into": target}, note=reason, data={"into": target.pk}
        )
        # The merged reporter keeps following the case under the concern that goes on.
        transaction.on_commit(
            lambda: notify.text_reporter(
                target,
                _("您反映的问题（回执码 %(code)s）已与同类问题合并办理。")
                % {"code": locked.receipt_code},
            )
        )
        return locked


def concern_reopen(*, actor, concern: Concern, reason: str) -> Concern:
    _require_reason(reason, ACTION_LABELS["reopen"])
    with transaction.atomic():
        locked = _move(
            _locked(concern, "reopen"),
            actor,
            "reopen",
            {"resolved_at": None, "closed_at": None},
            note=reason,
        )
        notify.inbox(notify.responsible(locked), locked, Notification.Kind.REOPENED)
        return locked


def concerns_mark_overdue(*, now=None) -> int:
    """Mark open concerns past their resolution deadline as overdue and escalate each one
    level up the ladder, once. Safe to run every minute: a concern already marked is skipped."""
    now = now or timezone.now()
    marked = 0
    due = Concern.objects.filter(
        status__in=[S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS], overdue=False, resolution_due__lt=now
    ).values_list("pk", flat=True)
    for pk in due.iterator():
        with transaction.atomic():
            locked = Concern.objects.select_for_update().get(pk=pk)
            if locked.overdue or locked.status not in (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS):
                continue
            higher = next_level(locked.level)
            fields = {"overdue": True, **({"level": higher} if higher else {})}
            _move(
                locked,
                None,
                "overdue",
                fields,
                at=now,
                note=_("超过办结期限，自动上报") if higher else _("超过办结期限"),
                data={"from": locked.level, "to": higher or locked.level},
                to_status=locked.status,
            )
            notify.inbox(notify.responsible(locked), locked, Notification.Kind.OVERDUE, now=now)
            marked += 1
    return marked


def concerns_queue_follow_ups(*, now=None) -> int:
    """Remind whoever should follow up each resolved concern that has no reminder since it
    was resolved. Safe every minute: a concern already reminded is not looked at again, and a
    reminder someone has read does not come back."""
    reminded = Notification.objects.filter(
        concern=OuterRef("pk"),
        kind=Notification.Kind.FOLLOW_UP_DUE,
        created_at__gte=OuterRef("resolved_at"),
    )
    waiting = Concern.objects.filter(status=S.RESOLVED).exclude(Exists(reminded))
    queued = 0
    for concern in waiting.select_related("area").iterator():
        with transaction.atomic():
            queued += notify.inbox(
                notify.follow_up_staff(concern, _handlers(concern)),
                concern,
                Notification.Kind.FOLLOW_UP_DUE,
                now=now,
            )
    return queued


def may_follow_up(user, concern: Concern) -> bool:
    """The follow-up guard as a question, so that a page offers the form only to those it lets
    through."""
    return getattr(user, "pk", None) not in _handlers(concern)


def notification_read(*, actor, notification: Notification | None = None, at=None) -> int:
    """Mark one reminder, or (without one) every unread reminder of the actor, as read.

    A reminder is the reader's own note, not a record anyone answers for: no event row and no
    audit entry.
    """
    if notification is not None and notification.user_id != getattr(actor, "pk", None):
        raise ConcernError(_("只能标记自己的提醒"))
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    with transaction.atomic():
        return unread.update(read_at=at or timezone.now())


def concerns_import_12345(*, actor, community, fileobj) -> tuple[import_12345.OrderCheck, list]:
    """Import a 12345 work-order sheet for one community: every new order or, when any row
    fails its check, none. Orders imported before are listed and skipped."""
    if not (
        scope.can_dispatch(actor)
        and community.kind == community.Kind.COMMUNITY
        and access.areas(actor).filter(pk=community.pk).exists()
    ):
        raise PermissionDenied
    check = import_12345.check_orders(fileobj, community=community)
    if not (check.ok and check.orders):
        return check, []
    categories = Category.objects.in_bulk({o.category_id for o in check.orders})
    places = access.areas(actor).in_bulk({o.area_id for o in check.orders})
    try:
        with transaction.atomic():
            created = [
                concern_submit(
                    actor=actor,
                    category=categories[o.category_id],
                    description=o.description,
                    channel=Concern.Channel.HOTLINE_12345,
                    area=places[o.area_id],
                    contact_phone=o.phone,
                    address=o.address,
                    external_id=o.external_id,
                    at=o.called_at,
                )
                for o in check.orders
            ]
            audit.record(
                "concern.import_12345",
                actor=actor,
                obj=community,
                detail={
                    "rows": check.total,
                    "created": len(created),
                    "skipped": len(check.duplicates),
                },
            )
    except IntegrityError:
        check.error(None, "", _("导入期间有工单被他人导入，本次未导入任何工单，请重新导入"))
        return check, []
    return check, created


def concern_submit_by_client(*, client, **fields) -> Concern:
    """Intake from a connected system (Open311): nobody signed in reports it, so the audit log
    names the system that did."""
    with transaction.atomic():
        concern = concern_submit(actor=None, channel=Concern.Channel.OPEN311, **fields)
        audit.record(
            "concern.submit",
            obj=concern,
            detail={"channel": Concern.Channel.OPEN311, "client": client.pk, "name": client.name},
        )
    return concern
