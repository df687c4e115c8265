"""Reported figures (economy, education, culture, environment): entered by the subject's unit or
community with evidence files, verified by a second person, returned with a reason.

The subject never enters, edits or verifies their own; whoever entered a figure (or uploaded
its evidence) never verifies it; a verified figure is not edited, it is returned first.
"""

import hashlib
import math
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import audit

from .. import scope
from ..errors import EvaluationError
from ..models import Cycle, Evidence, Indicator, ReportedFigure, Subject

F = ReportedFigure.Status
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 10
# The bytes decide what a file is, not its name: (leading bytes, kind, extension).
SIGNATURES = (
    (b"%PDF-", "PDF", "pdf"),
    (b"\xff\xd8\xff", "JPEG", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "PNG", "png"),
)


def _refuse(field: str | None, message: str):
    raise EvaluationError({field: [message]} if field else message)


def _require_cycle_running(cycle: Cycle) -> None:
    if cycle.status not in (Cycle.Status.DRAFT, Cycle.Status.OPEN):
        _refuse(None, _("考核周期已公示或锁定，填报数据不能再改动"))


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def check_evidence(files) -> list[tuple[str, str, bytes, str]]:
    """(original name, extension, bytes, sha256) of each file, or the refusal naming the file."""
    files = list(files or ())
    if len(files) > MAX_EVIDENCE_FILES:
        _refuse("evidence_files", _("一次最多上传 %(n)d 份证明材料") % {"n": MAX_EVIDENCE_FILES})
    checked = []
    for position, upload in enumerate(files, start=1):
        name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200] or f"{position}"
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_EVIDENCE_BYTES:
            _refuse(
                "evidence_files",
                _("证明材料“%(name)s”超过 %(mb)d MB")
                % {"name": name, "mb": MAX_EVIDENCE_BYTES // 2**20},
            )
        data = _read(upload)
        if len(data) > MAX_EVIDENCE_BYTES:
            _refuse(
                "evidence_files",
                _("证明材料“%(name)s”超过 %(mb)d MB")
                % {"name": name, "mb": MAX_EVIDENCE_BYTES // 2**20},
            )
        extension = next((ext for head, _k, ext in SIGNATURES if data.startswith(head)), None)
        if extension is None:
            _refuse(
                "evidence_files",
                _("证明材料“%(name)s”不是 PDF、JPEG 或 PNG 文件") % {"name": name},
            )
        checked.append((name, extension, data, hashlib.sha256(data).hexdigest()))
    return checked


def _number(value, field: str, label: str, *, required: bool) -> float | None:
    if value is None or value == "":
        if required:
            _refuse(field, _("%(l)s必须填写") % {"l": label})
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        _refuse(field, _("%(l)s必须是数字") % {"l": label})
    if not math.isfinite(number):
        _refuse(field, _("%(l)s必须是数字") % {"l": label})
    return number


def figure_enter(
    *,
    actor,
    subject: Subject,
    indicator: Indicator,
    value,
    baseline=None,
    note: str = "",
    evidence_files=(),
) -> ReportedFigure:
    """Enter or correct a reported figure (not yet verified) with its evidence."""
    scope.require_figure_entry(actor, subject)
    if indicator.source != Indicator.Source.REPORTED:
        _refuse("indicator", _("该指标的数据由系统从业务记录中统计，不能填报"))
    if indicator.dimension.scheme_id != subject.scheme_id:
        _refuse("indicator", _("该指标不属于考核对象所用的方案"))
    value = _number(value, "value", _("填报值"), required=True)
    baseline = _number(baseline, "baseline", _("基期值"), required=False)
    note = (note or "").strip()
    if len(note) > 2000:
        _refuse("note", _("说明不能超过 2000 字"))
    files = check_evidence(evidence_files)
    now = timezone.now()
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=subject.cycle_id)
        _require_cycle_running(cycle)
        figure = (
            ReportedFigure.objects.select_for_update()
            .filter(subject=subject, indicator=indicator)
            .first()
        )
        before = None
        if figure is None:
            if not files:
                _refuse("evidence_files", _("请上传至少一份证明材料（PDF、JPEG 或 PNG）"))
            figure = ReportedFigure(subject=subject, indicator=indicator)
        else:
            if figure.status == F.VERIFIED:
                _refuse("value", _("该数据已核验，不能修改；如需更正，请先由考核人员退回"))
            if not files and not figure.evidence.exists():
                _refuse("evidence_files", _("请上传至少一份证明材料（PDF、JPEG 或 PNG）"))
            before = {
                "value": figure.value,
                "baseline": figure.baseline,
                "status": figure.status,
                "entered_by": figure.entered_by_id,
            }
        figure.value, figure.baseline, figure.note = value, baseline, note
        figure.status, figure.return_reason = F.ENTERED, ""
        figure.entered_by, figure.entered_at = actor, now
        figure.verified_by, figure.verified_at = None, None
        figure.save()
        saved = []
        for name, extension, data, digest in files:
            evidence = Evidence(figure=figure, name=name, sha256=digest, uploaded_by=actor)
            evidence.file.save(
                f"{secrets.token_hex(16)}.{extension}", ContentFile(data), save=False
            )
            evidence.save()
            saved.append({"id": evidence.pk, "name": name, "sha256": digest})
        audit.record(
            "evaluation_figure.enter",
            actor=actor,
            obj=figure,
            detail={
                "subject": subject.pk,
                "indicator": indicator.pk,
                "value": value,
                "baseline": baseline,
                "before": before,
                "evidence": saved,
            },
        )
    return figure


def _locked(figure: ReportedFigure) -> ReportedFigure:
    return (
        ReportedFigure.objects.select_for_update(of=("self",))
        .select_related("subject__cycle")
        .get(pk=figure.pk)
    )


def figure_verify(*, actor, figure: ReportedFigure) -> ReportedFigure:
    """The second person's check: a manager who neither entered the figure, nor uploaded its
    evidence, nor is its subject."""
    scope.require_manager(actor, figure.subject)
    with transaction.atomic():
        locked = _locked(figure)
        _require_cycle_running(locked.subject.cycle)
        if locked.status != F.ENTERED:
            _refuse(None, _("只有待核验的数据可以核验"))
        uploaders = set(locked.evidence.values_list("uploaded_by_id", flat=True))
        if actor.pk == locked.entered_by_id or actor.pk in uploaders:
            _refuse(None, _("填报人不能核验自己填报的数据，须由另一名考核人员核验"))
        locked.status = F.VERIFIED
        locked.verified_by, locked.verified_at = actor, timezone.now()
        locked.save(update_fields=["status", "verified_by", "verified_at"])
        audit.record(
            "evaluation_figure.verify",
            actor=actor,
            obj=locked,
            detail={"value": locked.value, "entered_by": locked.entered_by_id},
        )
    return locked


def figure_return(*, actor, figure: ReportedFigure, reason: str) -> ReportedFigure:
    """Send a figure back to its unit with the reason; a verified figure is returned before it
    can be corrected."""
    scope.require_manager(actor, figure.subject)
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("请填写退回原因"))
    if len(reason) > 200:
        _refuse("reason", _("退回原因不能超过 200 字"))
    with transaction.atomic():
        locked = _locked(figure)
        _require_cycle_running(locked.subject.cycle)
        if locked.status == F.RETURNED:
            _refuse(None, _("该数据已退回"))
        before = locked.status
        locked.status, locked.return_reason = F.RETURNED, reason
        locked.verified_by, locked.verified_at = None, None
        locked.save(update_fields=["status", "return_reason", "verified_by", "verified_at"])
        audit.record(
            "evaluation_figure.return",
            actor=actor,
            obj=locked,
            detail={"from": before, "reason": reason, "value": locked.value},
        )
    return locked
