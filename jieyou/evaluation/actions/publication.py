"""公示, 申诉 and the lock: what happens to a cycle's results once they are scored.

- `cycle_publish`: a manager who is not one of the cycle's subjects shows the results for a
  window of days (published_at … publication_ends). Refused without a result for every
  subject, or when something that feeds the scores changed after they were computed (a
  figure entered, verified or returned, an inspection recorded, a ballot cast): score again
  first. Ballots, figures and inspections close with publication (their actions refuse a
  cycle that is no longer open), so what is shown is what was scored.
- `appeal_file`: only the subject's own account (Subject.user), only inside the window, one
  pending appeal at a time.
- `appeal_decide`: a manager who is not the subject. An upheld appeal names its
  corrections, which are kept on the appeal and applied by every later scoring on top of the
  records they correct (actions/scoring.py); the records themselves are never edited, so the
  sheet shows reported → observed → corrected, each with who decided it. Two kinds:

    {"kind": "figure", "indicator": <id>, "value": <number>}
        the value a reported (单位填报) indicator counts, replacing the verified figure and
        any inspection's observed value; a record-based indicator (诉求三率, 走访, 党建台账)
        is not corrected by hand: its records are corrected where they live (an exempted
        concern, a late activity record) and the upheld appeal rescores;
    {"kind": "inspection", "inspection": <id>}
        an inspection of the subject found wrong is set aside: its criterion scores leave
        the 实看 mean and its observed value no longer replaces the reported figure.

  The cycle is scored again at once (`cycle_score`), the subject's total before and after
  is kept on the appeal, and every correction has its own audit entry beside the decision.
- `cycle_lock`: after the window has ended and every appeal is decided. Nothing changes a
  locked cycle: scoring, appeals and decisions all refuse it.
"""

import math
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import audit
from jieyou.core.models import AuditEntry

from .. import scope
from ..errors import EvaluationError
from ..models import (
    Appeal,
    Ballot,
    Cycle,
    Indicator,
    Inspection,
    ReportedFigure,
    Result,
    Subject,
)
from .figures import check_evidence
from .scoring import cycle_score, schemes_changed

S = Cycle.Status
MAX_DAYS = 30
MAX_REASONS = 4000
CORRECTION_KINDS = ("figure", "inspection")
# Actions whose entries after the last scoring make the results stale.
FEEDING_ACTIONS = {
    "evaluation.reportedfigure": (
        "evaluation_figure.enter",
        "evaluation_figure.verify",
        "evaluation_figure.return",
    ),
    "evaluation.inspection": ("evaluation_inspection.record",),
}


def _refuse(field: str | None, message: str):
    raise EvaluationError({field: [message]} if field else message)


def _refuse_if_subject(actor, cycle: Cycle) -> None:
    if cycle.subjects.filter(user_id=getattr(actor, "pk", None)).exists():
        _refuse(None, _("被考核人不能操作与本人考核有关的数据"))


def in_window(cycle: Cycle, now=None) -> bool:
    """Whether the publication window is open now."""
    now = now or timezone.now()
    return (
        cycle.status == S.PUBLISHED
        and cycle.published_at is not None
        and cycle.publication_ends is not None
        and cycle.published_at <= now < cycle.publication_ends
    )


# Publication


def stale_reasons(cycle: Cycle) -> list[str]:
    """Why the cycle's results do not show what feeds them now (empty when they do)."""
    subjects = cycle.subjects.count()
    results = Result.objects.filter(subject__cycle=cycle)
    stats = list(results.order_by("computed_at").values_list("computed_at", "ballots"))
    if not subjects:
        return [_("本周期还没有考核对象")]
    if len(stats) < subjects:
        return [_("还有 %(n)d 个考核对象没有计分结果，请先计分") % {"n": subjects - len(stats)}]
    reasons = []
    oldest = stats[0][0]
    if schemes_changed(cycle):
        reasons.append(_("计分后考核方案（指标、权重、目标或底线）有改动"))
    if sum(b for _at, b in stats) != Ballot.objects.filter(subject__cycle=cycle).count():
        reasons.append(_("计分后又收到了评价票"))
    rows = {
        "evaluation.reportedfigure": ReportedFigure.objects.filter(subject__cycle=cycle),
        "evaluation.inspection": Inspection.objects.filter(task__plan__cycle=cycle),
    }
    for object_type, actions in FEEDING_ACTIONS.items():
        ids = rows[object_type].annotate(key=Cast("pk", CharField())).values("key")
        changed = AuditEntry.objects.filter(
            object_type=object_type, action__in=actions, at__gt=oldest, object_id__in=ids
        )
        if changed.exists():
            reasons.append(
                _("计分后填报数据有变动")
                if object_type == "evaluation.reportedfigure"
                else _("计分后又有实地核查记录")
            )
    return reasons


def cycle_publish(*, actor, cycle: Cycle, days) -> Cycle:
    """Show the results publicly for `days` days from now (公示)."""
    scope.require_manager(actor)
    try:
        days = int(days)
    except (TypeError, ValueError):
        _refuse("days", _("公示天数必须是整数"))
    if not 1 <= days <= MAX_DAYS:
        _refuse("days", _("公示天数必须在 1 到 %(n)d 天之间") % {"n": MAX_DAYS})
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _refuse_if_subject(actor, locked)
        if locked.status != S.OPEN:
            _refuse(
                None,
                _("只有进行中的考核周期可以公示（现为“%(s)s”）")
                % {"s": locked.get_status_display()},
            )
        reasons = stale_reasons(locked)
        if reasons:
            _refuse(None, _("不能公示：%(r)s；请先重新计分") % {"r": "；".join(reasons)})
        now = timezone.now()
        locked.status = S.PUBLISHED
        locked.published_at = now
        locked.publication_ends = now + timedelta(days=days)
        locked.save(update_fields=["status", "published_at", "publication_ends"])
        totals = dict(
            Result.objects.filter(subject__cycle=locked).values_list("subject__name", "total")
        )
        audit.record(
            "evaluation_cycle.publish",
            actor=actor,
            obj=locked,
            detail={
                "days": days,
                "published_at": now.isoformat(),
                "publication_ends": locked.publication_ends.isoformat(),
                "totals": totals,
            },
        )
    return locked


# Appeals


def appeal_file(
    *, actor, subject: Subject, reasons: str, indicator: Indicator | None = None, evidence=None
) -> Appeal:
    """The subject contests their published result, with reasons and optional evidence."""
    if subject.user_id is None or subject.user_id != getattr(actor, "pk", None):
        _refuse(None, _("只有被考核人本人可以对本人的考核结果提出申诉"))
    reasons = (reasons or "").strip()
    if not reasons:
        _refuse("reasons", _("请填写申诉理由"))
    if len(reasons) > MAX_REASONS:
        _refuse("reasons", _("申诉理由不能超过 %(n)d 字") % {"n": MAX_REASONS})
    if indicator is not None and indicator.dimension.scheme_id != subject.scheme_id:
        _refuse("indicator", _("涉及指标不属于本人考核所用的方案"))
    files = check_evidence([evidence] if evidence else [])
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=subject.cycle_id)
        if cycle.status == S.LOCKED:
            _refuse(None, _("考核周期已锁定，不能再申诉"))
        if not in_window(cycle):
            _refuse(None, _("只能在公示期内申诉"))
        if not Result.objects.filter(subject=subject).exists():
            _refuse(None, _("没有可申诉的考核结果"))
        if Appeal.objects.filter(subject=subject, status=Appeal.Status.FILED).exists():
            _refuse(None, _("已有一件申诉待复核，复核后才能再次申诉"))
        appeal = Appeal(
            subject=subject,
            reasons=reasons,
            indicator=indicator,
            filed_by=actor,
            filed_at=timezone.now(),
        )
        saved = None
        for name, extension, data, digest in files:
            appeal.evidence.save(f"{digest[:32]}.{extension}", ContentFile(data), save=False)
            saved = {"name": name, "sha256": digest}
        appeal.save()
        audit.record(
            "evaluation_appeal.file",
            actor=actor,
            obj=appeal,
            detail={
                "subject": subject.pk,
                "indicator": indicator.pk if indicator else None,
                "reasons": reasons,
                "evidence": saved,
            },
        )
    return appeal


def _number(value, label: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        _refuse("corrections", _("%(l)s必须是数字") % {"l": label})
    if not math.isfinite(number):
        _refuse("corrections", _("%(l)s必须是数字") % {"l": label})
    return number


def _int(value, label: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        _refuse("corrections", _("%(l)s不正确") % {"l": label})


def check_corrections(subject: Subject, corrections) -> list[tuple[dict, object, dict]]:
    """(correction as stored, the corrected object, what it was) for each correction, or the
    refusal naming the rule."""
    if corrections is None:
        return []
    if not isinstance(corrections, list | tuple):
        _refuse("corrections", _("更正事项格式不正确"))
    checked = []
    seen = set()
    for c in corrections:
        if not isinstance(c, dict) or c.get("kind") not in CORRECTION_KINDS:
            _refuse("corrections", _("更正事项只能是“更正填报数值”或“撤销实地核查结论”"))
        if c["kind"] == "figure":
            pk = _int(c.get("indicator"), _("更正的指标"))
            indicator = (
                Indicator.objects.filter(pk=pk, dimension__scheme_id=subject.scheme_id)
                .select_related("dimension")
                .first()
            )
            if indicator is None:
                _refuse("corrections", _("更正的指标不属于该考核对象的方案"))
            if indicator.source != Indicator.Source.REPORTED:
                _refuse(
                    "corrections",
                    _(
                        "“%(i)s”的数据由业务记录统计，不能在申诉中直接改数；"
                        "请在其业务系统中更正记录后，再以“申诉成立”重新计分"
                    )
                    % {"i": indicator.name},
                )
            value = _number(c.get("value"), _("更正后的数值"))
            key = ("figure", pk)
            figure = ReportedFigure.objects.filter(subject=subject, indicator=indicator).first()
            before = {
                "figure": figure.pk if figure else None,
                "reported": figure.value if figure else None,
                "status": figure.status if figure else None,
            }
            stored = {"kind": "figure", "indicator": pk, "value": value}
            target = figure or indicator
        else:
            pk = _int(c.get("inspection"), _("撤销的实地核查"))
            inspection = (
                Inspection.objects.filter(pk=pk, task__subject=subject)
                .select_related("task")
                .first()
            )
            if inspection is None:
                _refuse("corrections", _("撤销的实地核查不是对该考核对象的核查"))
            key = ("inspection", pk)
            before = {
                "observed": inspection.observed_value,
                "distorted": inspection.distorted,
                "criterion_scores": inspection.criterion_scores,
            }
            stored = {"kind": "inspection", "inspection": pk}
            target = inspection
        if key in seen:
            _refuse("corrections", _("同一事项不能重复更正"))
        seen.add(key)
        note = str(c.get("note") or "").strip()[:200]
        if note:
            stored["note"] = note
        checked.append((stored, target, before))
    return checked


def appeal_decide(
    *, actor, appeal: Appeal, upheld: bool, decision: str, corrections=None
) -> Appeal:
    """A reviewer's decision; an upheld appeal's corrections are applied by scoring again."""
    subject = appeal.subject
    scope.require_manager(actor, subject)
    decision = (decision or "").strip()
    if not decision:
        _refuse("decision", _("请填写复核意见"))
    if len(decision) > MAX_REASONS:
        _refuse("decision", _("复核意见不能超过 %(n)d 字") % {"n": MAX_REASONS})
    checked = check_corrections(subject, corrections)
    if checked and not upheld:
        _refuse("corrections", _("维持原结果时不能有更正事项"))
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=subject.cycle_id)
        _refuse_if_subject(actor, cycle)
        if cycle.status != S.PUBLISHED:
            _refuse(
                None,
                _("只有公示中的考核周期可以复核申诉（现为“%(s)s”）")
                % {"s": cycle.get_status_display()},
            )
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.status != Appeal.Status.FILED:
            _refuse(None, _("该申诉已复核"))
        result = Result.objects.filter(subject=subject).first()
        before = result.total if result else None
        locked.status = Appeal.Status.UPHELD if upheld else Appeal.Status.DISMISSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision = decision
        locked.corrections = [stored for stored, _target, _before in checked]
        locked.total_before = before
        locked.total_after = before
        locked.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision",
                "corrections",
                "total_before",
                "total_after",
            ]
        )
        for stored, target, was in checked:
            audit.record(
                "evaluation_appeal.correct",
                actor=actor,
                obj=target,
                detail={"appeal": locked.pk, "subject": subject.pk, "before": was, **stored},
            )
        if upheld:
            cycle_score(actor=actor, cycle=cycle, reason=_("申诉 %(n)d 成立") % {"n": locked.pk})
            after = Result.objects.filter(subject=subject).values_list("total", flat=True).first()
            locked.total_after = after
            locked.save(update_fields=["total_after"])
        audit.record(
            "evaluation_appeal.decide",
            actor=actor,
            obj=locked,
            detail={
                "subject": subject.pk,
                "status": locked.status,
                "decision": decision,
                "corrections": locked.corrections,
                "total_before": locked.total_before,
                "total_after": locked.total_after,
            },
        )
    return locked


# Lock


def cycle_lock(*, actor, cycle: Cycle) -> Cycle:
    """Close the cycle for good once the window has ended and every appeal is decided."""
    scope.require_manager(actor)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _refuse_if_subject(actor, locked)
        if locked.status != S.PUBLISHED:
            _refuse(
                None,
                _("只有公示期满的考核周期可以锁定（现为“%(s)s”）")
                % {"s": locked.get_status_display()},
            )
        now = timezone.now()
        if now < locked.publication_ends:
            _refuse(
                None,
                _("公示期至 %(t)s 结束，期满后才能锁定")
                % {"t": timezone.localtime(locked.publication_ends).strftime("%Y-%m-%d %H:%M")},
            )
        pending = Appeal.objects.filter(subject__cycle=locked, status=Appeal.Status.FILED).count()
        if pending:
            _refuse(None, _("还有 %(n)d 件申诉待复核，复核后才能锁定") % {"n": pending})
        locked.status = S.LOCKED
        locked.locked_at = now
        locked.save(update_fields=["status", "locked_at"])
        totals = dict(
            Result.objects.filter(subject__cycle=locked).values_list("subject__name", "total")
        )
        audit.record(
            "evaluation_cycle.lock",
            actor=actor,
            obj=locked,
            detail={"locked_at": now.isoformat(), "totals": totals},
        )
    return locked
