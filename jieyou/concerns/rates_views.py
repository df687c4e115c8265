"""The rates pages: the three rates per town, community, grid or lead unit over a span of
months, the composite month by month, and the concerns left out as exempted.

Figures only, no personal data: county and community staff see their own areas, and the
county's evaluators see the county. Everyone else gets a 404.
"""

import io
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Max, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from jieyou.core.masking import mask_text
from jieyou.core.spreadsheet import neutralise
from jieyou.people import access
from jieyou.people.models import Staff
from jieyou.places.queries import under_paths

from . import queries, scope
from .models import Concern

R = Staff.Role
RATE_ROLES = {R.COUNTY_ADMIN, R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF, R.EVALUATOR}
GROUPS = {
    "town": gettext_lazy("镇（街道）"),
    "community": gettext_lazy("社区"),
    "grid": gettext_lazy("网格"),
    "unit": gettext_lazy("主办单位"),
}
LONGEST_SPAN = 36  # months; a wider span is cut to its last three years


@dataclass
class Row:
    name: str
    rates: queries.Rates


def _rated_concerns(user) -> QuerySet[Concern]:
    """The concerns placed in the user's areas, for the roles that read the rates."""
    found = access.scope_for(user)
    if found.role not in RATE_ROLES:
        raise Http404
    return Concern.objects.filter(under_paths(list(found.area_paths), "area__path"))


def _month(text: str | None) -> date | None:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def _span(request, concerns: QuerySet[Concern]) -> tuple[date, date]:
    """The months asked for; by default the twelve months up to the latest concern."""
    latest = concerns.aggregate(m=Max("submitted_at"))["m"] or timezone.now()
    latest = timezone.localtime(latest).date().replace(day=1)
    last = _month(request.GET.get("to")) or latest
    first = _month(request.GET.get("from")) or _months_before(last, 11)
    if first > last:
        first, last = last, first
    return max(first, _months_before(last, LONGEST_SPAN - 1)), last


def _months_before(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def _rows(user, group: str, concerns: QuerySet[Concern]) -> list[Row]:
    if group == "unit":
        by_unit = queries.rates_by(concerns, "lead_unit")
        units = access.units(user).filter(pk__in=[k for k in by_unit if k is not None])
        places = dict(units.values_list("pk", "area_id"))
        residents = queries.residents_under(set(places.values()))
        rows = []
        for unit in units.order_by("name"):
            rates = by_unit[unit.pk]
            rates.residents = residents.get(places[unit.pk])
            rows.append(Row(unit.name, rates))
        if None in by_unit:
            rows.append(Row(_("未派单（社区、网格自办）"), by_unit[None]))
        return rows
    if group == "grid":
        grids = access.grids(user).select_related("community").order_by("community__path", "name")
        tree = queries.rate_tree(concerns, grids=grids)
        residents = queries.residents_in_grids(grids)
        rows = []
        for grid in grids:
            rates = tree.grid(grid.pk)
            rates.residents = residents.get(grid.pk)
            rows.append(Row(f"{grid.community.name}·{grid.name}", rates))
        return rows
    areas = list(access.areas(user).filter(kind=group).order_by("path"))
    tree = queries.rate_tree(concerns, grids=[])
    residents = queries.residents_under([a.pk for a in areas])
    rows = []
    for area in areas:
        rates = tree.area(area.pk)
        rates.residents = residents.get(area.pk)
        rows.append(Row(area.name, rates))
    return rows


def _default_group(user) -> str:
    return "community" if access.scope_for(user).role in (R.COUNTY_ADMIN, R.EVALUATOR) else "grid"


def _figures(request):
    user = request.user
    concerns = _rated_concerns(user)
    first, last = _span(request, concerns)
    group = request.GET.get("by")
    if group not in GROUPS:
        group = _default_group(user)
    chosen = queries.in_months(concerns, first, last)
    return user, group, first, last, chosen


@login_required
@require_GET
def rates_page(request):
    user, group, first, last, chosen = _figures(request)
    total = queries.rates(chosen)
    total.residents = sum(
        queries.residents_under(
            access.areas(user)
            .filter(path__in=access.scope_for(user).area_paths)
            .values_list("pk", flat=True)
        ).values()
    )
    monthly = queries.rates_by(chosen, queries.by_month())
    chart = _chart(monthly, first, last)
    left_out = (
        queries.exempted(chosen).select_related("category", "area__parent").order_by("submitted_at")
    )
    linkable = set()
    if access.scope_for(user).role in scope.WORKING_ROLES:
        linkable = set(
            scope.concerns_for(user)
            .filter(pk__in=left_out.values("pk"))
            .values_list("pk", flat=True)
        )
    context = {
        "group": group,
        "groups": GROUPS,
        "group_label": GROUPS[group],
        "first": first,
        "last": last,
        "columns": COLUMNS,
        "rows": [(row.name, _shown(row.rates)) for row in _rows(user, group, chosen)],
        "total": _shown(total),
        "weights": queries.configured_composite_weights(),
        "satisfaction_weights": queries.configured_satisfaction_weights(),
        "chart": chart,
        "exempted": [
            (c, _place(c.area), mask_text(c.exempt_reason), c.pk in linkable)
            for c in left_out[:200]
        ],
        "exempted_count": left_out.count(),
    }
    return render(request, "concerns/rates.html", context)


def _chart(monthly: dict, first: date, last: date) -> dict:
    """Month labels and the composite (in %) and concern counts, a gap where a month has no
    composite, for charts.js."""
    by_month = {timezone.localtime(k).date().replace(day=1): v for k, v in monthly.items()}
    labels, composite, counts = [], [], []
    month = first
    while month <= last:
        rates = by_month.get(month, queries.Rates())
        labels.append(f"{month:%Y-%m}")
        composite.append(None if rates.composite is None else round(rates.composite * 100, 1))
        counts.append(rates.concerns)
        month = queries.next_month(month)
    return {
        "labels": labels,
        "composite": composite,
        "concerns": counts,
        "names": {"composite": _("综合得分"), "concerns": _("诉求件数")},
    }


COLUMNS = (
    gettext_lazy("诉求件数"),
    gettext_lazy("响应率"),
    gettext_lazy("解决率"),
    gettext_lazy("满意率"),
    gettext_lazy("综合得分"),
    gettext_lazy("每千人诉求"),
    gettext_lazy("超期件数"),
    gettext_lazy("回访次数"),
)


def _cells(rates: queries.Rates) -> list:
    def pct(x):
        return None if x is None else round(x * 100, 1)

    workload = rates.workload
    return [
        rates.concerns,
        pct(rates.response_rate),
        pct(rates.resolution_rate),
        pct(rates.satisfaction_rate),
        pct(rates.composite),
        None if workload is None else round(workload, 1),
        rates.overdue,
        rates.follow_ups,
    ]


def _place(area) -> str:
    """A building is named with its compound: "1号楼" alone says little."""
    if area.kind == area.Kind.BUILDING and area.parent_id:
        return f"{area.parent.name}{area.name}"
    return area.name


def _shown(rates: queries.Rates) -> list[str]:
    """The table cells as the page shows them; an empty rate is a dash, never 0 or 100 %."""
    shown = []
    for i, value in enumerate(_cells(rates)):
        if value is None:
            shown.append("—")
        elif 1 <= i <= 4:
            shown.append(f"{value:.1f}%")
        else:
            shown.append(str(value))
    return shown


@login_required
@require_GET
def rates_export(request):
    """The same table as an xlsx workbook, rates in per cent."""
    user, group, first, last, chosen = _figures(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("三率"))
    sheet.append([f"{first:%Y-%m} — {last:%Y-%m}"])
    sheet.append([str(GROUPS[group]), *(str(c) for c in COLUMNS)])
    for row in _rows(user, group, chosen):
        sheet.append([neutralise(row.name), *_cells(row.rates)])
    left = book.create_sheet(_("免考核"))
    left.append([_("回执码"), _("分类"), _("地点"), _("提交时间"), _("免考核原因")])
    for c in (
        queries.exempted(chosen).select_related("category", "area__parent").order_by("submitted_at")
    ):
        left.append(
            [
                c.receipt_code,
                c.category.name,
                _place(c.area),
                f"{timezone.localtime(c.submitted_at):%Y-%m-%d %H:%M}",
                neutralise(mask_text(c.exempt_reason)),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"rates-{group}-{first:%Y%m}-{last:%Y%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
