"""The year-end summary of an organisation, written in Chinese from the counted figures, and
its xlsx export with one sheet of records per figure."""

from datetime import date
from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from jieyou.core import audit
from jieyou.core.masking import mask_text
from jieyou.core.spreadsheet import neutralise

from . import queries
from .models import PartyOrg

# The sentence each figure contributes, in the order a 台账 summary reads.
SENTENCES = [
    ("studies", gettext_lazy("组织开展各类学习%(n)d次")),
    ("base_visits", gettext_lazy("组织党员参观红色、廉政教育基地%(n)d场次")),
    ("trainings", gettext_lazy("举办培训班%(n)d场次")),
    ("special_lessons", gettext_lazy("书记讲专题党课%(n)d场次")),
    ("guidance", gettext_lazy("机关党员赴一线指导帮扶%(n)d次")),
    ("temporary_branches", gettext_lazy("成立项目临时党支部%(n)d个")),
    ("developed", gettext_lazy("发展党员%(n)d名")),
    ("model_posts", gettext_lazy("创建党员示范岗%(n)d个")),
    ("commando_teams", gettext_lazy("党员突击队%(n)d支")),
    ("zones", gettext_lazy("党员责任区%(n)d个")),
    ("mentor_pairs", gettext_lazy("完成师徒结对%(n)d对")),
    ("articles", gettext_lazy("刊发宣传稿件%(n)d篇")),
    ("role_models", gettext_lazy("选树风采人物%(n)d名")),
    ("honours", gettext_lazy("获得荣誉%(n)d项")),
]


def compliance_line(org: PartyOrg, year: int, checked_branches=None) -> tuple[int, int, list[str]]:
    """(branches checked, branches fully compliant, the gaps named per branch)."""
    if checked_branches is None:
        checked_branches = queries.compliance_of_branches(org, year)
    checked = compliant = 0
    gaps = []
    for branch, checks in checked_branches:
        checked += 1
        missing = [f"{c.label}（{'、'.join(c.gaps)}）" for c in checks if c.gaps]
        if missing:
            gaps.append(f"{branch.name}：{'；'.join(missing)}")
        else:
            compliant += 1
    return checked, compliant, gaps


def text(org: PartyOrg, start: date, end: date, *, figures=None, compliance=None) -> str:
    """The summary in Chinese. A page that has already counted the figures (queries.summary)
    and checked the branches for the end's year (queries.compliance_of_branches) passes them
    in rather than have them counted twice."""
    if figures is None:
        figures = queries.summary(org, start, end)
    facts = [sentence % {"n": figures[name]} for name, sentence in SENTENCES if figures[name]]
    head = _("%(start)s至%(end)s，%(org)s（党员%(members)d名）") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
        "org": org.name,
        "members": figures["members"],
    }
    body = "，".join(facts) if facts else _("本期没有记录")
    checked, compliant, gaps = compliance_line(org, end.year, compliance)
    tail = _("%(c)d个党支部中%(ok)d个“三会一课”全部按期落实") % {"c": checked, "ok": compliant}
    if gaps:
        tail += _("；未按期：") + "；".join(gaps)
    return f"{head}{body}。{tail}。"


def workbook(org: PartyOrg, start: date, end: date, *, actor) -> bytes:
    """A summary sheet, then one sheet per figure listing the records it counts. The export
    is audited like every other: who took which organisation's records for which period."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("汇总"))
    sheet.append([_("指标"), _("数量")])
    figures = queries.summary(org, start, end)
    for name, (label, _records) in queries.FIGURES.items():
        sheet.append([str(label), figures[name]])
    listed = 0
    for name, (label, _records) in queries.FIGURES.items():
        detail = wb.create_sheet(str(label)[:31])
        detail.append([_("编号"), _("记录")])
        for record in queries.figure_records(name, org, start, end).iterator():
            detail.append([record.pk, neutralise(mask_text(str(record)))])
            listed += 1
    out = BytesIO()
    wb.save(out)
    audit.record(
        "party_summary.export",
        actor=actor,
        obj=org,
        detail={"start": start.isoformat(), "end": end.isoformat(), "records": listed},
    )
    return out.getvalue()
