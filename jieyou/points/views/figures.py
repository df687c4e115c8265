"""The community page: a community's (town's, county's) figures for a period, each opening
to the records it counts, and a month-by-month chart.

Readers are the roles of points.scope.READER_ROLES, for the areas of their scope; any other
area, or any other role, is a 404.
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jieyou.concerns import scope as concern_scope
from jieyou.core.masking import mask_phone, mask_text
from jieyou.people import access
from jieyou.people.models import Household
from jieyou.places.models import Area

from ..models import (
    Event,
    Meeting,
    MeetingSuggestion,
    ServiceDelivery,
    Vendor,
    Visit,
    Volunteer,
    VolunteerActivity,
)
from ..queries import figures as q
from ..scope import READER_ROLES

K = Area.Kind
PAGE_KINDS = (K.COUNTY, K.TOWN, K.COMMUNITY)
LONGEST_DAYS = 366 * 10
RECORDS_PER_PAGE = 50


def readable_areas(user):
    """The county, towns and communities this user may read the figures of."""
    if access.scope_for(user).role not in READER_ROLES:
        return Area.objects.none()
    return access.areas(user).filter(kind__in=PAGE_KINDS)


def area_for(user, area_id) -> Area:
    return access.get_or_404(readable_areas(user), pk=area_id)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def period(area: Area, start_text: str | None, end_text: str | None) -> tuple[date, date]:
    """The days asked for (`from`, `to`, ISO dates); by default the whole of the latest year
    with meetings or visits (figures.latest_year).
    Reversed dates are put in order; a span longer than ten years keeps its last ten."""
    start, end = _date(start_text), _date(end_text)
    if start is None and end is None:
        year = q.latest_year(area)
        return date(year, 1, 1), date(year, 12, 31)
    if start is None:
        start = date(end.year, 1, 1)
    if end is None:
        end = date(start.year, 12, 31)
    if start > end:
        start, end = end, start
    return max(start, end - timedelta(days=LONGEST_DAYS)), end


def figure_list(figures: q.CommunityFigures) -> list[dict]:
    """Every figure with its label, unit, value and split by kind, in FIGURES' order."""
    shown = []
    for name, spec in q.FIGURES.items():
        kinds = [
            {"kind": value, "label": str(label), "value": figures.value(name, value)}
            for value, label in spec.kinds
        ]
        shown.append(
            {
                "name": name,
                "label": str(spec.label),
                "unit": str(spec.unit),
                "value": figures.value(name),
                "kinds": [k for k in kinds if k["value"]],
            }
        )
    return shown


# How the page groups the figures: (heading, figure names).
SECTION_FIGURES = (
    (gettext_lazy("议事协商"), ("meetings", "suggestions", "suggestions_resolved")),
    (gettext_lazy("入户走访"), ("households_visited", "households", "visits")),
    (gettext_lazy("便民服务"), ("deliveries", "delivery_people")),
    (gettext_lazy("活动"), ("events", "event_people")),
    (gettext_lazy("解忧智囊团"), ("volunteers", "volunteers_active", "activities")),
    (gettext_lazy("解忧集市"), ("market_days", "vendors")),
)


CHART_SERIES = {
    "meetings": gettext_lazy("会议"),
    "events": gettext_lazy("活动"),
    "activities": gettext_lazy("智囊团活动"),
    "deliveries": gettext_lazy("便民服务"),
    "visits": gettext_lazy("入户走访"),
}
# Visits and services given run to hundreds a month, the rest to a handful: their own axis.
RIGHT_AXIS = {"deliveries", "visits"}


def chart_data(figures: q.CommunityFigures) -> dict:
    months = list(figures.monthly)
    return {
        "labels": months,
        "series": [
            {
                "key": key,
                "name": str(name),
                "data": [figures.monthly[m][key] for m in months],
                "axis": 1 if key in RIGHT_AXIS else 0,
            }
            for key, name in CHART_SERIES.items()
        ],
        "axes": [_("会议、活动（次）"), _("走访、服务（次）")],
    }


def _query(start: date, end: date) -> str:
    return f"from={start:%Y-%m-%d}&to={end:%Y-%m-%d}"


@login_required
@require_GET
def community_home(request):
    """The reader's own area: the county for the county, the community for its staff."""
    areas = readable_areas(request.user).order_by("path")
    top = areas.first()
    if top is None:
        raise Http404
    return redirect("points:community", area_id=top.pk)


@login_required
@require_GET
def community_page(request, area_id):
    user = request.user
    area = area_for(user, area_id)
    start, end = period(area, request.GET.get("from"), request.GET.get("to"))
    figures = q.community_figures(area=area, start=start, end=end)
    listed = {f["name"]: f for f in figure_list(figures)}
    sections = [(title, [listed[n] for n in names]) for title, names in SECTION_FIGURES]
    this_year = timezone.localdate().year
    context = {
        "area": area,
        "parent": readable_areas(user).filter(pk=area.parent_id).first(),
        "children": readable_areas(user).filter(parent=area).order_by("path"),
        "start": start,
        "end": end,
        "query": _query(start, end),
        "years": [this_year - 2, this_year - 1, this_year],
        "figures": figures,
        "sections": sections,
        "share": None if figures.coverage.share is None else round(figures.coverage.share * 100, 1),
        "sentence": figures.sentence(),
        "chart": chart_data(figures),
    }
    return render(request, "points/community_page.html", context)


def _place(household: Household) -> str:
    building = household.building
    compound = building.parent.name if building.parent_id else ""
    return f"{compound}{building.name}{household.room}"


def record_rows(figure: str, found, user) -> list[dict]:
    """Each record as a line of text (numbers in free text masked) and, where the record
    has a page the user may open, a link."""
    rows = []
    visible_concerns: set[int] = set()
    if figure in ("suggestions", "suggestions_resolved"):
        ids = [s.concern_id for s in found]
        visible_concerns = set(
            concern_scope.concerns_for(user).filter(pk__in=ids).values_list("pk", flat=True)
        )
    for r in found:
        url = None
        if isinstance(r, Meeting):
            text = _("%(day)s %(kind)s · %(community)s · 参会 %(n)d 人 · %(topics)s") % {
                "day": f"{r.held_on:%Y-%m-%d}",
                "kind": r.get_kind_display(),
                "community": r.community.name,
                "n": r.attendance,
                "topics": mask_text(r.topics)[:60],
            }
        elif isinstance(r, MeetingSuggestion):
            c = r.concern
            text = _("%(day)s %(kind)s · %(code)s %(category)s · %(status)s · %(text)s") % {
                "day": f"{r.meeting.held_on:%Y-%m-%d}",
                "kind": r.meeting.get_kind_display(),
                "code": c.receipt_code,
                "category": c.category.name,
                "status": c.get_status_display(),
                "text": mask_text(c.description)[:60],
            }
            if c.pk in visible_concerns:
                url = reverse("concerns:detail", args=[c.pk])
        elif isinstance(r, Household):
            text = _place(r)
        elif isinstance(r, Visit):
            text = _("%(day)s %(place)s · %(purpose)s · %(grid)s") % {
                "day": f"{r.visited_on:%Y-%m-%d}",
                "place": _place(r.household),
                "purpose": r.get_purpose_display(),
                "grid": r.grid.name,
            }
        elif isinstance(r, ServiceDelivery):
            text = _("%(day)s %(service)s · %(point)s · %(n)d 人次") % {
                "day": f"{r.day:%Y-%m-%d}",
                "service": r.service.name,
                "point": r.service.point.name,
                "n": r.people,
            }
        elif isinstance(r, Event):
            text = _("%(day)s %(kind)s · %(title)s · %(point)s · %(n)d 人次") % {
                "day": f"{timezone.localtime(r.starts_at):%Y-%m-%d %H:%M}",
                "kind": r.get_kind_display(),
                "title": mask_text(r.title),
                "point": r.point.name,
                "n": r.people_served,
            }
        elif isinstance(r, Volunteer):
            text = _("%(name)s · %(background)s · %(community)s · %(roles)s") % {
                "name": r.name,
                "background": r.get_background_display(),
                "community": r.community.name,
                "roles": "、".join(str(role) for role in r.roles.all()) or "—",
            }
        elif isinstance(r, VolunteerActivity):
            text = _("%(day)s %(kind)s · %(name)s · %(hours)s 小时 · %(note)s") % {
                "day": f"{r.day:%Y-%m-%d}",
                "kind": r.get_kind_display(),
                "name": r.volunteer.name,
                "hours": r.hours,
                "note": mask_text(r.note)[:60],
            }
        elif isinstance(r, Vendor):
            text = f"{r.name} · {mask_phone(r.phone) or '—'}"
        elif isinstance(r, q.MarketDay):
            text = f"{r.day:%Y-%m-%d} {r.market.name} · {r.market.point.name}"
        else:
            text = mask_text(str(r))
        rows.append({"text": text, "url": url})
    return rows


RELATED = {
    "meetings": ("community",),
    "suggestions": ("meeting", "concern__category"),
    "suggestions_resolved": ("meeting", "concern__category"),
    "households": ("building__parent",),
    "households_visited": ("building__parent",),
    "visits": ("household__building__parent", "grid"),
    "deliveries": ("service__point",),
    "delivery_people": ("service__point",),
    "events": ("point",),
    "event_people": ("point",),
    "volunteers": ("community",),
    "volunteers_active": ("community",),
    "activities": ("volunteer",),
}


def figure_records(figure: str, area: Area, start: date, end: date, kind: str | None):
    """The records behind a figure with what their lines show, or a 404 for an unknown one."""
    try:
        found = q.records(figure, area=area, start=start, end=end, kind=kind or None)
    except KeyError:
        raise Http404 from None
    if figure in RELATED:
        found = found.select_related(*RELATED[figure])
    if figure in ("volunteers", "volunteers_active"):
        found = found.prefetch_related("roles")
    return found


@login_required
@require_GET
def community_records(request, area_id, figure):
    user = request.user
    area = area_for(user, area_id)
    start, end = period(area, request.GET.get("from"), request.GET.get("to"))
    kind = request.GET.get("kind") or None
    found = figure_records(figure, area, start, end, kind)
    spec = q.FIGURES[figure]
    page = Paginator(found, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "area": area,
        "start": start,
        "end": end,
        "query": _query(start, end),
        "label": spec.label,
        "kind_label": dict(spec.kinds).get(kind, ""),
        "unit": spec.unit,
        "value": q.records_value(figure, found),
        "summed": bool(spec.summed),
        "page": page,
        "rows": record_rows(figure, page.object_list, user),
    }
    return render(request, "points/community_records.html", context)
