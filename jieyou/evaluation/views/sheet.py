"""The score sheet (考核得分说明): a subject's total broken down by source, dimension and
indicator, down to the records, inspections and survey groups behind every number, with the
weights, CRs and formulas; as a page, a PDF and a workbook.

Managers read every sheet but their own; the subject reads their own once the cycle is
published; anyone else gets a 404. A sheet shows survey groups as counts and indices only:
never a ballot, a token, an invitation or who answered. Every download is audited.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jieyou.core import audit
from jieyou.people import access

from .. import composite, grades, scope, sheet_pdf, sheet_xlsx
from ..actions.scoring import LAYOUT, scheme_columns, texts
from ..models import Appeal, Cycle, Dimension, Indicator, ReportedFigure, Result, Subject
from ..scoring import value_added

SHOWN = (Cycle.Status.PUBLISHED, Cycle.Status.LOCKED)
SRC = Indicator.Source
CONCERN_SOURCES = {
    SRC.RESPONSE_RATE,
    SRC.RESOLUTION_RATE,
    SRC.SATISFACTION_RATE,
    SRC.OVERDUE,
}
POINTS_FIGURES = {
    SRC.VISIT_COVERAGE: "households_visited",
    SRC.SUGGESTIONS_RESOLVED: "suggestions_resolved",
}
RATES = {
    SRC.RESPONSE_RATE,
    SRC.RESOLUTION_RATE,
    SRC.SATISFACTION_RATE,
    SRC.VISIT_COVERAGE,
    SRC.PARTY_COMPLIANCE,
}


@dataclass
class Viewer:
    """Who reads the sheet: a manager gets the links to the records behind each number."""

    manager: bool


def readable_result(user, subject_id) -> Result:
    """The result a user may read, or a 404: a manager's (never their own), or the subject's
    own once published."""
    related = ("subject__cycle", "subject__scheme", "subject__area", "subject__unit")
    if scope.is_manager(user):
        found = Result.objects.filter(subject__in=scope.subjects_for(user))
    else:
        found = Result.objects.filter(
            subject__in=scope.own_subjects(user), subject__cycle__status__in=SHOWN
        )
    return access.get_or_404(found.select_related(*related), subject_id=subject_id)


def _labels(indicators) -> dict[int, dict]:
    return {
        i.pk: {
            "code": i.code,
            "name": i.name,
            "kind": str(i.get_kind_display()),
            "visibility": str(i.get_visibility_display()),
            "direction": str(i.get_direction_display()),
            "unit": i.unit,
            "source": str(i.get_source_display()),
        }
        for i in indicators
    }


def with_labels(breakdown: dict) -> dict:
    """A breakdown stored before layout 2 (one dict per indicator, its names left out), with
    each indicator's names read from the indicators."""
    rows = [i for d in breakdown.get("dimensions", []) for i in d["indicators"]]
    labels = _labels(Indicator.objects.filter(pk__in=[r["id"] for r in rows]))
    return {
        **breakdown,
        "dimensions": [
            {**d, "indicators": [{**labels.get(i["id"], {}), **i} for i in d["indicators"]]}
            for d in breakdown.get("dimensions", [])
        ],
    }


def _dimension_name(code: str) -> str:
    try:
        return str(Dimension.Code(code).label)
    except ValueError:
        return code


def explained(result: Result) -> dict:
    """The result's breakdown as the sheet, the workbook and the API show it: per dimension and
    indicator the figures counted (reported → observed → corrected), attainment, score, value
    added and provenance, with the indicator's names, the weights, the formula and the
    interval. Scoring keeps each number once (actions/scoring.py, layout 2: the subject's
    figures in the breakdown, the scheme's columns in a ScoredScheme); what follows from them
    is worked out here the way scoring works it out."""
    b = result.breakdown or {}
    if b.get("layout") != LAYOUT:
        return with_labels(b)
    cycle = result.subject.cycle
    columns = scheme_columns(cycle, b["scheme"])
    notes = texts()
    ids = columns["indicators"]
    found = {i.pk: i for i in Indicator.objects.filter(pk__in=ids)}
    labels = _labels(found.values())
    people = {
        pk: (entered, verified)
        for pk, entered, verified in ReportedFigure.objects.filter(
            pk__in=[f for f in b["figure"] if f]
        ).values_list("pk", "entered_by_id", "verified_by_id")
    }
    replaced, records = b.get("replaced", {}), b.get("records", {})
    rows = []
    for n, pk in enumerate(ids):
        actual, attainment = b["actual"][n], b["attainment"][n]
        baseline, figure, source = b["baseline"][n], b["figure"][n], columns["source"][n]
        row = {
            "id": pk,
            **labels.get(pk, {}),
            "source_code": source,
            "weight": columns["weight"][n],
            "target": columns["target"][n],
            "floor": columns["floor"][n],
            "baseline": baseline,
            "reported": None,
            "observed": None,
            "corrected": None,
            "actual": actual,
            "attainment": attainment,
            "score": None if attainment is None else round(attainment * 100, 2),
            "value_added": None,
            "distorted": False,
        }
        if source == SRC.REPORTED:
            cell = replaced.get(str(pk), {})
            provenance = {}
            if figure:
                entered, verified = people.get(figure, (None, None))
                provenance = {"figure": figure, "entered_by": entered, "verified_by": verified}
                row["reported"] = cell.get("reported", actual)
            if "observed" in cell:
                row.update(observed=cell["observed"], distorted=True)
                provenance.update(inspection=cell["inspection"], note=notes["distorted"])
            if "corrected" in cell:
                row["corrected"] = cell["corrected"]
                provenance.update(appeal=cell["appeal"], note=notes["corrected"])
            if not figure and "corrected" not in cell:
                provenance = {"note": notes["missing"]}
        else:
            provenance = records.get(str(pk), {})
            if actual is None:
                provenance = {**provenance, "note": notes["no_data"]}
        row["provenance"] = provenance
        if baseline is not None and actual is not None:
            indicator = found.get(pk)
            cost = indicator is not None and indicator.direction == Indicator.Direction.COST
            row["value_added"] = value_added(baseline, actual, cost=cost)
        rows.append(row)
    dimensions = []
    for d in columns["dimensions"]:
        mine, rows = rows[: d["size"]], rows[d["size"] :]
        present = [i for i in mine if i["attainment"] is not None]
        weight = sum(i["weight"] for i in present)
        score = sum(i["weight"] * i["attainment"] for i in present)
        if mine:
            dimensions.append(
                {
                    "id": d["id"],
                    "code": d["code"],
                    "name": _dimension_name(d["code"]),
                    "weight": d["weight"],
                    "cr": d["cr"],
                    "indicators": mine,
                    "score": round(100 * score / weight, 2) if weight else None,
                }
            )
    return {
        "formula": notes["formula"],
        "source_weights": columns["source_weights"],
        "dimensions": dimensions,
        "inspections": b.get("inspections", []),
        "survey": b.get("survey", {}),
        "interval": {"low": result.low, "high": result.high},
    }


# Numbers as the sheet prints them.


def number(value, places=2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e12:
        return str(int(value))
    return f"{value:.{places}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def share(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def figure_text(value, indicator: dict) -> str:
    """A rate as a percentage, anything else with its unit."""
    if value is None:
        return "—"
    if indicator.get("source_code") in RATES:
        return share(value)
    return f"{number(value)}{indicator.get('unit') or ''}"


# Provenance as lines of text and links.


def _period_text(period: dict | None) -> str:
    if not period:
        return ""
    return f"{period['start']} — {period['end']}"


def _ratio(top, bottom) -> str:
    if bottom is None:
        return number(top)
    return f"{number(top)} / {number(bottom)}"


def _record_lines(provenance: dict) -> list[str]:
    lines = []
    if provenance.get("definition"):
        # Kept in the default language by sources.py: shown in the page's.
        lines.append(_("口径：%(d)s") % {"d": _(provenance["definition"])})
    filters = provenance.get("filters") or {}
    where = filters.get("area") or filters.get("lead_unit") or filters.get("party_org")
    if where:
        lines.append(_("范围：%(w)s") % {"w": where})
    if provenance.get("period"):
        lines.append(
            _("统计期 %(p)s：%(r)s")
            % {
                "p": _period_text(provenance["period"]),
                "r": _ratio(provenance.get("numerator"), provenance.get("denominator")),
            }
        )
    baseline = provenance.get("baseline") or {}
    if baseline.get("period"):
        lines.append(
            _("基期 %(p)s：%(r)s")
            % {
                "p": _period_text(baseline["period"]),
                "r": _ratio(baseline.get("numerator"), baseline.get("denominator")),
            }
        )
    if provenance.get("record_ids"):
        lines.append(_("台账记录 %(n)d 条") % {"n": len(provenance["record_ids"])})
    for key in ("reason", "note"):
        if provenance.get(key):
            lines.append(_(str(provenance[key])))
    return lines


def _record_links(indicator: dict, provenance: dict, subject: Subject) -> list[tuple[str, str]]:
    source = indicator.get("source_code")
    period = provenance.get("period") or {}
    start, end = period.get("start", ""), period.get("end", "")
    filters = provenance.get("filters") or {}
    if source in CONCERN_SOURCES and filters.get("area_id"):
        url = reverse("rates:page") + f"?by=community&from={start[:7]}&to={end[:7]}"
        return [(_("诉求三率"), url)]
    if source in POINTS_FIGURES and filters.get("area_id"):
        url = reverse("points:community_records", args=[filters["area_id"], POINTS_FIGURES[source]])
        return [(_("走访与议事记录"), f"{url}?from={start}&to={end}")]
    org = filters.get("party_org_id")
    year = start[:4]
    if source == SRC.PARTY_COMPLIANCE and org:
        return [(_("党组织台账"), reverse("party:org", args=[org]) + f"?year={year}")]
    if source == SRC.PARTY_FIGURE and org and provenance.get("figure"):
        url = reverse("party:figure", args=[org, provenance["figure"]])
        return [(_("台账记录"), f"{url}?year={year}")]
    return []


def _reported_lines(row: dict, figure: ReportedFigure | None) -> list[str]:
    provenance = row["provenance"]
    lines = []
    if figure is not None:
        who = _staff_name(figure.entered_by)
        lines.append(
            _("%(who)s 于 %(at)s 填报 %(v)s（基期 %(b)s）")
            % {
                "who": who,
                "at": timezone.localtime(figure.entered_at).strftime("%Y-%m-%d"),
                "v": figure_text(figure.value, row),
                "b": figure_text(figure.baseline, row),
            }
        )
        if figure.verified_by_id:
            lines.append(
                _("%(who)s 于 %(at)s 核验")
                % {
                    "who": _staff_name(figure.verified_by),
                    "at": timezone.localtime(figure.verified_at).strftime("%Y-%m-%d"),
                }
            )
        names = [e.name for e in figure.evidence.all()]
        if names:
            lines.append(_("证明材料：%(n)s") % {"n": "、".join(names)})
        if figure.note:
            lines.append(_("填报说明：%(n)s") % {"n": figure.note})
    if row.get("distorted"):
        lines.append(
            _("实地核查核实值 %(o)s，与填报值相差超过容差：数据失真，以核实值计")
            % {"o": figure_text(row.get("observed"), row)}
        )
    if provenance.get("appeal"):
        lines.append(
            _("申诉（编号 %(a)s）成立，复核认定 %(v)s")
            % {"a": provenance["appeal"], "v": figure_text(row.get("corrected"), row)}
        )
    if figure is None and provenance.get("note"):
        lines.append(str(provenance["note"]))
    return lines


def _staff_name(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()


def _reported_links(row, figure, subject, tasks: dict) -> list[tuple[str, str]]:
    links = []
    if figure is not None:
        links.append(
            (_("填报记录"), reverse("evaluation:figure_entry", args=[subject.pk, row["id"]]))
        )
        links += [
            (e.name, reverse("evaluation:figure_evidence", args=[e.pk]))
            for e in figure.evidence.all()
        ]
    task = tasks.get(row["provenance"].get("inspection"))
    if task:
        links.append((_("核查记录"), reverse("evaluation:inspection_task", args=[task])))
    return links


# The sheet.


def _grade_edges(result: Result, bands: dict) -> str:
    low = grades.label(composite.grade(result.low, bands)) if result.low is not None else ""
    high = grades.label(composite.grade(result.high, bands)) if result.high is not None else ""
    return f"{low} — {high}" if low != high else low


def _ties(result: Result) -> dict:
    """The subjects tied with this one (intervals overlapping) and the ranks they span."""
    if result.tie_group is None:
        return {"names": [], "first": result.rank, "last": result.rank}
    group = list(
        Result.objects.filter(subject__cycle_id=result.subject.cycle_id, tie_group=result.tie_group)
        .select_related("subject")
        .order_by("rank", "subject__name")
    )
    ranks = [r.rank for r in group]
    return {
        "names": [r.subject.name for r in group if r.pk != result.pk],
        "first": min(ranks),
        "last": max(ranks),
    }


def build(result: Result, viewer: Viewer) -> dict:
    """Everything the page, the PDF and the workbook show, in plain values."""
    subject, cycle = result.subject, result.subject.cycle
    b = explained(result)
    figure_ids = [
        i["provenance"]["figure"]
        for d in b.get("dimensions", [])
        for i in d["indicators"]
        if i.get("source_code") == SRC.REPORTED and i["provenance"].get("figure")
    ]
    figures = {
        f.pk: f
        for f in ReportedFigure.objects.filter(pk__in=figure_ids)
        .select_related("entered_by__staff", "verified_by__staff")
        .prefetch_related("evidence")
    }
    tasks = {i["id"]: i.get("task") for i in b.get("inspections", [])}
    dimensions = []
    for d in b.get("dimensions", []):
        rows = []
        for i in d["indicators"]:
            provenance = i["provenance"]
            if i.get("source_code") == SRC.REPORTED:
                figure = figures.get(provenance.get("figure"))
                lines = _reported_lines(i, figure)
                links = _reported_links(i, figure, subject, tasks) if viewer.manager else []
            else:
                lines = _record_lines(provenance)
                links = _record_links(i, provenance, subject) if viewer.manager else []
            rows.append(
                {
                    **i,
                    "baseline_text": figure_text(i["baseline"], i),
                    "actual_text": figure_text(i["actual"], i),
                    "reported_text": figure_text(i.get("reported"), i),
                    "observed_text": figure_text(i.get("observed"), i),
                    "target_text": figure_text(i["target"], i),
                    "floor_text": figure_text(i["floor"], i),
                    "attainment_text": share(i["attainment"]),
                    "value_added_text": share(i["value_added"]),
                    "score_text": number(i["score"]),
                    "weighted": i["weight"] * d["weight"],
                    "lines": lines,
                    "links": links,
                }
            )
        dimensions.append({**d, "score_text": number(d.get("score")), "indicators": rows})
    weights = b.get("source_weights", {})
    components = [
        {
            "key": "quantitative",
            "label": _("定量"),
            "weight": weights.get("quantitative"),
            "score": result.quantitative,
        },
        {
            "key": "inspection",
            "label": _("实看"),
            "weight": weights.get("inspection"),
            "score": result.inspection,
        },
        {
            "key": "survey",
            "label": _("民评"),
            "weight": weights.get("survey"),
            "score": result.survey,
        },
    ]
    checked = {
        i["provenance"]["figure"]: i["name"]
        for d in b.get("dimensions", [])
        for i in d["indicators"]
        if i.get("source_code") == SRC.REPORTED and i["provenance"].get("figure")
    }
    inspections = [
        {
            **i,
            "what": checked.get(i["figure"], _("填报数据")) if i.get("figure") else _("现场查看"),
            "at_text": timezone.localtime(datetime.fromisoformat(i["at"])).strftime(
                "%Y-%m-%d %H:%M"
            ),
            "mean_text": number(i["mean"]),
            "criteria_text": "、".join(f"{k} {number(float(v))}" for k, v in i["criteria"].items()),
            "link": reverse("evaluation:inspection_task", args=[i["task"]])
            if viewer.manager and i.get("task")
            else "",
        }
        for i in b.get("inspections", [])
    ]
    survey = b.get("survey", {"groups": [], "ballots": 0, "min_ballots": cycle.min_ballots})
    groups = [
        {
            "name": g["name"],
            "weight": g["weight"],
            "n": g["n"],
            "scored": g.get("scored", g["n"]),
            "sufficient": g["sufficient"],
            "index": g["index"] if g["sufficient"] else None,
            "index_text": share(g["index"]) if g["sufficient"] else _("样本不足"),
        }
        for g in survey["groups"]
    ]
    appeals = [
        {
            "id": a.pk,
            "status": a.get_status_display(),
            "filed_at": timezone.localtime(a.filed_at).strftime("%Y-%m-%d"),
            "decision": a.decision,
            "total_before": a.total_before,
            "total_after": a.total_after,
        }
        for a in Appeal.objects.filter(subject=subject).order_by("filed_at")
    ]
    ties = _ties(result)
    return {
        "subject": subject,
        "cycle": cycle,
        "result": result,
        "title": _("%(s)s · %(c)s 考核得分说明") % {"s": subject.name, "c": cycle.name},
        "total_text": number(result.total),
        "interval_text": f"[{number(result.low)}, {number(result.high)}]",
        "straddles": result.straddles,
        "grade_edges": _grade_edges(result, cycle.grade_bands),
        "bands": cycle.grade_bands,
        "rank": result.rank,
        "ties": ties,
        "tied": bool(ties["names"]),
        "components": components,
        "dimensions": dimensions,
        "scheme_cr": subject.scheme.ahp_cr,
        "inspections": inspections,
        "survey": {**survey, "groups": groups},
        "formula": b.get("formula", ""),
        "appeals": appeals,
        "computed_at": timezone.localtime(result.computed_at).strftime("%Y-%m-%d %H:%M"),
        "version": result.version,
        "manager": viewer.manager,
    }


@login_required
@require_GET
def sheet_page(request, subject_id):
    result = readable_result(request.user, subject_id)
    sheet = build(result, Viewer(manager=scope.is_manager(request.user)))
    return render(request, "evaluation/sheet_page.html", {"sheet": sheet})


def _download(request, subject_id, kind: str):
    result = readable_result(request.user, subject_id)
    sheet = build(result, Viewer(manager=scope.is_manager(request.user)))
    if kind == "pdf":
        body, content_type = sheet_pdf.render(sheet), "application/pdf"
    else:
        body = sheet_xlsx.render(sheet)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit.record(
        "evaluation_sheet.download",
        actor=request.user,
        obj=result.subject,
        detail={"format": kind, "version": result.version, "total": result.total},
    )
    response = HttpResponse(body, content_type=content_type)
    name = f"{result.subject.name}-{result.subject.cycle.name}-考核得分说明.{kind}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def sheet_pdf_view(request, subject_id):
    return _download(request, subject_id, "pdf")


@login_required
@require_GET
def sheet_xlsx_view(request, subject_id):
    return _download(request, subject_id, "xlsx")
