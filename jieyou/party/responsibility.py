"""The responsibility system's actions: deploy, list, track, supervise (all audited)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jieyou.core import audit

from .models import Decision, ResponsibilityCheck, ResponsibilityItem, ResponsibilityProgress

S = ResponsibilityItem.Status


def decision_deploy(*, actor, org, title: str, decided_on: date, items, meeting=None) -> Decision:
    """A decision and its responsibility list in one step: `items` are dicts of task, owner,
    deadline and measure."""
    items = list(items)
    if not items:
        raise ValidationError({"items": [_("研究部署须至少列出一项责任事项")]})
    late = [i["task"] for i in items if i["deadline"] < decided_on]
    if late:
        raise ValidationError(
            {"items": [_("完成时限早于部署日期：%(t)s") % {"t": "、".join(late)}]}
        )
    with transaction.atomic():
        decision = Decision.objects.create(
            org=org, meeting=meeting, title=title, decided_on=decided_on
        )
        ResponsibilityItem.objects.bulk_create(
            [
                ResponsibilityItem(
                    decision=decision,
                    task=i["task"],
                    owner=i["owner"],
                    deadline=i["deadline"],
                    measure=i.get("measure", ""),
                )
                for i in items
            ]
        )
        audit.record(
            "party_decision.deploy", actor=actor, obj=decision, detail={"items": len(items)}
        )
    return decision


def _locked(item: ResponsibilityItem) -> ResponsibilityItem:
    return ResponsibilityItem.objects.select_for_update().get(pk=item.pk)


def item_progress(
    *, actor, item: ResponsibilityItem, on: date, note: str, percent: int
) -> ResponsibilityProgress:
    """The owner posts progress; 100 % completes the item unless a rectification is open."""
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": [_("完成比例应在0到100之间")]})
    with transaction.atomic():
        locked = _locked(item)
        if locked.owner_id != actor.pk:
            raise ValidationError(_("只有责任人可以填报进展"))
        progress = ResponsibilityProgress.objects.create(
            item=locked, on=on, by=actor, note=note, percent=percent
        )
        if percent == 100 and locked.status == S.OPEN:
            locked.status, locked.done_on = S.DONE, on
            locked.save(update_fields=["status", "done_on"])
        audit.record("party_item.progress", actor=actor, obj=locked, detail={"percent": percent})
    return progress


def item_check(
    *, actor, item: ResponsibilityItem, on: date, findings: str, rectify_by: date | None = None
) -> ResponsibilityCheck:
    """A supervisor records a check. With a rectification deadline the item goes back to
    整改中 until the owner reports it fixed. Owners do not supervise themselves."""
    with transaction.atomic():
        locked = _locked(item)
        if locked.owner_id == actor.pk:
            raise ValidationError(_("责任人不能检查自己的事项"))
        if rectify_by is not None and rectify_by < on:
            raise ValidationError({"rectify_by": [_("整改期限不能早于检查日期")]})
        check = ResponsibilityCheck.objects.create(
            item=locked,
            on=on,
            by=actor,
            findings=findings,
            needs_rectification=rectify_by is not None,
            rectify_by=rectify_by,
        )
        if rectify_by is not None:
            locked.status, locked.done_on = S.RECTIFYING, None
            locked.save(update_fields=["status", "done_on"])
        audit.record(
            "party_item.check",
            actor=actor,
            obj=locked,
            detail={"rectify_by": str(rectify_by) if rectify_by else None},
        )
    return check


def item_rectified(*, actor, check: ResponsibilityCheck, on: date) -> ResponsibilityCheck:
    with transaction.atomic():
        locked = _locked(check.item)
        if locked.owner_id != actor.pk:
            raise ValidationError(_("只有责任人可以报告整改完成"))
        check = ResponsibilityCheck.objects.select_for_update().get(pk=check.pk)
        if not check.needs_rectification or check.rectified_on:
            raise ValidationError(_("该检查没有待整改的问题"))
        check.rectified_on = on
        check.save(update_fields=["rectified_on"])
        if not locked.checks.filter(needs_rectification=True, rectified_on__isnull=True).exists():
            locked.status, locked.done_on = S.DONE, on
            locked.save(update_fields=["status", "done_on"])
        audit.record("party_item.rectified", actor=actor, obj=locked, detail={"check": check.pk})
    return check
