"""The score sheet as a workbook: a summary sheet with the total and its parts, one row per
indicator with every number behind its score, the inspections and the survey groups. Numbers
are written as numbers; every text cell goes through core.spreadsheet.neutralise."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from jieyou.core.spreadsheet import neutralise

from . import grades

BOLD = Font(bold=True)


def _write(sheet, row):
    sheet.append([neutralise(v) for v in row])


def _header(sheet, row):
    _write(sheet, row)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def render(data: dict) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("总览")
    subject, result = data["subject"], data["result"]
    _write(summary, [data["title"]])
    summary["A1"].font = Font(bold=True, size=14)
    rows = [
        (_("考核对象"), subject.name),
        (_("职务"), subject.post),
        (_("考核周期"), data["cycle"].name),
        (_("总分"), result.total),
        (_("区间下限"), result.low),
        (_("区间上限"), result.high),
        (_("等次"), grades.label(result.grade)),
        (
            _("区间跨越等次线"),
            data["grade_edges"] if data["straddles"] else _("否"),
        ),
        (_("名次"), result.rank),
        (_("并列"), "、".join(data["ties"]["names"]) if data["tied"] else _("否")),
        (_("有效票数"), result.ballots),
        (_("计分时间"), data["computed_at"]),
        (_("版本"), data["version"]),
    ]
    for row in rows:
        _write(summary, row)
    _write(summary, [])
    _header(summary, [_("来源"), _("权重"), _("得分")])
    for c in data["components"]:
        _write(summary, [c["label"], c["weight"], c["score"]])
    _write(summary, [])
    _write(summary, [_("计算方法"), data["formula"]])
    summary.column_dimensions["A"].width = 18
    summary.column_dimensions["B"].width = 40

    indicators = book.create_sheet(_("指标"))
    _header(
        indicators,
        [
            _("维度"),
            _("维度权重"),
            _("维度CR"),
            _("指标"),
            _("类别"),
            _("显绩/潜绩"),
            _("方向"),
            _("单位"),
            _("维度内权重"),
            _("基期值"),
            _("填报值"),
            _("核实值"),
            _("申诉认定值"),
            _("计分值"),
            _("增值"),
            _("目标值"),
            _("底线值"),
            _("完成度"),
            _("得分"),
            _("数据失真"),
            _("来源"),
            _("依据"),
        ],
    )
    for d in data["dimensions"]:
        for i in d["indicators"]:
            _write(
                indicators,
                [
                    d["name"],
                    d["weight"],
                    d.get("cr"),
                    i["name"],
                    i["kind"],
                    i["visibility"],
                    i["direction"],
                    i["unit"],
                    i["weight"],
                    i["baseline"],
                    i.get("reported"),
                    i.get("observed"),
                    i.get("corrected"),
                    i["actual"],
                    i["value_added"],
                    i["target"],
                    i["floor"],
                    i["attainment"],
                    i["score"],
                    _("是") if i["distorted"] else "",
                    i["source"],
                    "；".join(i["lines"]),
                ],
            )

    checks = book.create_sheet(_("实地核查"))
    _header(
        checks,
        [
            _("时间"),
            _("核查内容"),
            _("地点"),
            _("评分"),
            _("平均"),
            _("核实值"),
            _("数据失真"),
            _("已撤销"),
        ],
    )
    for i in data["inspections"]:
        _write(
            checks,
            [
                i["at_text"],
                i["what"],
                i["place"],
                i["criteria_text"],
                i["mean"],
                i["observed"],
                _("是") if i["distorted"] else "",
                _("是") if i.get("set_aside_by") else "",
            ],
        )

    survey = book.create_sheet(_("民主评议"))
    _header(
        survey, [_("评价群体"), _("权重"), _("票数"), _("计分票数"), _("满意度指数"), _("说明")]
    )
    for g in data["survey"]["groups"]:
        _write(
            survey,
            [
                g["name"],
                g["weight"],
                g["n"],
                g["scored"],
                g["index"],
                "" if g["sufficient"] else _("样本不足"),
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
