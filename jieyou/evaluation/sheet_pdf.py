"""The score sheet as a PDF: the same numbers as the page (views/sheet.build), set in the
Adobe CID font STSong-Light, which every PDF reader carries, so no font file ships with it."""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import grades

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=10)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=15, leading=20, spaceAfter=6)
HEADING = ParagraphStyle(
    "heading", parent=BODY, fontSize=11.5, leading=16, spaceBefore=8, keepWithNext=1
)
GRID = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows, widths) -> Table:
    cells = [[c if isinstance(c, Paragraph) else _p(c, SMALL) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(GRID)
    return table


def _inspection_note(inspection: dict) -> str:
    notes = []
    if inspection["distorted"]:
        notes.append(_("数据失真"))
    if inspection.get("set_aside_by"):
        notes.append(_("申诉成立，已撤销"))
    return "；".join(notes)


def _num(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def render(sheet: dict) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=sheet["title"],
    )
    subject, result = sheet["subject"], sheet["result"]
    story = [_p(sheet["title"], TITLE)]
    where = subject.area.name if subject.area_id else (subject.unit.name if subject.unit_id else "")
    story.append(
        _p(
            "　".join(
                x
                for x in (
                    subject.post,
                    where,
                    _("计分时间 %(t)s（第 %(v)d 版）")
                    % {"t": sheet["computed_at"], "v": sheet["version"]},
                )
                if x
            )
        )
    )
    grade = grades.label(result.grade)
    if sheet["straddles"]:
        grade = _("%(g)s（区间跨越等次线：%(e)s）") % {"g": grade, "e": sheet["grade_edges"]}
    rank = str(sheet["rank"])
    if sheet["tied"]:
        rank += _("（与 %(n)s 并列，第 %(a)d—%(b)d 名）") % {
            "n": "、".join(sheet["ties"]["names"]),
            "a": sheet["ties"]["first"],
            "b": sheet["ties"]["last"],
        }
    story.append(
        _table(
            [
                [_("总分"), _("95% 区间"), _("等次"), _("名次"), _("有效票数")],
                [sheet["total_text"], sheet["interval_text"], grade, rank, result.ballots],
            ],
            [30 * mm, 40 * mm, 80 * mm, 90 * mm, 30 * mm],
        )
    )
    story.append(_p(_("构成"), HEADING))
    story.append(
        _table(
            [[_("来源"), _("权重"), _("得分")]]
            + [[c["label"], c["weight"], _num(c["score"])] for c in sheet["components"]],
            [40 * mm, 30 * mm, 30 * mm],
        )
    )
    if sheet["scheme_cr"] is not None:
        story.append(
            _p(
                _("维度权重由层次分析法得出，一致性比率 CR = %(cr)s") % {"cr": sheet["scheme_cr"]},
                SMALL,
            )
        )
    for d in sheet["dimensions"]:
        head = _("%(n)s　权重 %(w)s　得分 %(s)s") % {
            "n": d["name"],
            "w": d["weight"],
            "s": d["score_text"],
        }
        if d.get("cr") is not None:
            head += _("　CR %(cr)s") % {"cr": d["cr"]}
        story.append(_p(head, HEADING))
        rows = [
            [
                _("指标"),
                _("类别"),
                _("权重"),
                _("基期 → 实际（增值）"),
                _("目标 / 底线"),
                _("完成度"),
                _("得分"),
                _("来源与依据"),
            ]
        ]
        for i in d["indicators"]:
            flags = [i["kind"], i["visibility"]]
            if i["distorted"]:
                flags.append(_("数据失真"))
            rows.append(
                [
                    i["name"],
                    " · ".join(flags),
                    i["weight"],
                    f"{i['baseline_text']} → {i['actual_text']}（{i['value_added_text']}）",
                    f"{i['target_text']} / {i['floor_text']}",
                    i["attainment_text"],
                    i["score_text"],
                    "\n".join([i["source"], *i["lines"]]),
                ]
            )
        story.append(
            _table(rows, [34 * mm, 22 * mm, 13 * mm, 42 * mm, 30 * mm, 16 * mm, 14 * mm, 102 * mm])
        )
    story.append(_p(_("实地核查"), HEADING))
    if sheet["inspections"]:
        story.append(
            _table(
                [[_("时间"), _("核查内容"), _("地点"), _("评分"), _("平均"), _("说明")]]
                + [
                    [
                        i["at_text"],
                        i["what"],
                        i["place"],
                        i["criteria_text"],
                        i["mean_text"],
                        _inspection_note(i),
                    ]
                    for i in sheet["inspections"]
                ],
                [32 * mm, 45 * mm, 50 * mm, 80 * mm, 20 * mm, 46 * mm],
            )
        )
    else:
        story.append(_p(_("本周期没有对其的实地核查记录"), SMALL))
    story.append(_p(_("民主评议"), HEADING))
    story.append(
        _table(
            [[_("评价群体"), _("权重"), _("票数"), _("满意度指数")]]
            + [
                [g["name"], g["weight"], g["n"], g["index_text"]] for g in sheet["survey"]["groups"]
            ],
            [60 * mm, 25 * mm, 25 * mm, 40 * mm],
        )
    )
    story.append(
        _p(
            _("少于 %(n)d 票的群体显示为“样本不足”，不计入民评得分。")
            % {"n": sheet["survey"]["min_ballots"]},
            SMALL,
        )
    )
    if sheet["appeals"]:
        story.append(_p(_("申诉"), HEADING))
        story.append(
            _table(
                [[_("提出日期"), _("结果"), _("复核意见"), _("复核前"), _("复核后")]]
                + [
                    [
                        a["filed_at"],
                        a["status"],
                        a["decision"],
                        _num(a["total_before"]),
                        _num(a["total_after"]),
                    ]
                    for a in sheet["appeals"]
                ],
                [25 * mm, 25 * mm, 150 * mm, 20 * mm, 20 * mm],
            )
        )
    story.append(_p(_("计算方法"), HEADING))
    story.append(_p(sheet["formula"], SMALL))
    story.append(Spacer(1, 4 * mm))
    doc.build(story)
    return out.getvalue()
