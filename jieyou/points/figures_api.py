"""/api/v1/points/communities/{id}/…: a community's (town's, county's) figures, the records
behind each one, and visit coverage per grid and month; scoped like the community page."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from jieyou.people import access

from .queries import figures as q
from .views import figures as pages

router = Router()


class KindOut(Schema):
    kind: str
    label: str
    value: int


class FigureOut(Schema):
    name: str
    label: str
    unit: str
    value: int
    kinds: list[KindOut]


class CoverageOut(Schema):
    households: int
    visited: int
    share: float | None


class MonthOut(Schema):
    month: str
    meetings: int
    events: int
    activities: int
    deliveries: int
    visits: int


class FiguresOut(Schema):
    area_id: int
    area: str
    kind: str
    start: date
    end: date
    sentence: str
    coverage: CoverageOut
    figures: list[FigureOut]
    months: list[MonthOut]


class RecordOut(Schema):
    text: str


class GridMonthOut(Schema):
    grid_id: int
    grid: str
    community_id: int
    month: int
    households: int
    visited: int
    share: float | None


def _period(area, start_text: str | None, end_text: str | None) -> tuple[date, date]:
    return pages.period(area, start_text, end_text)


@router.get(
    "/communities/{area_id}/figures",
    response=FiguresOut,
    summary="社区（镇、县）解忧铺工作指标：会议、意见建议、走访覆盖、服务、活动、智囊团、集市",
)
def community_figures(
    request,
    area_id: int,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
):
    area = pages.area_for(request.auth, area_id)
    start_day, end_day = _period(area, start, end)
    figures = q.community_figures(area=area, start=start_day, end=end_day)
    c = figures.coverage
    return {
        "area_id": area.pk,
        "area": area.name,
        "kind": area.kind,
        "start": start_day,
        "end": end_day,
        "sentence": figures.sentence(),
        "coverage": {"households": c.households, "visited": c.visited, "share": c.share},
        "figures": pages.figure_list(figures),
        "months": [{"month": m, **values} for m, values in figures.monthly.items()],
    }


@router.get(
    "/communities/{area_id}/figures/{figure}",
    response=list[RecordOut],
    summary="某项指标背后的记录（kind 按类型筛选）",
)
@paginate(PageNumberPagination, page_size=100)
def figure_records(
    request,
    area_id: int,
    figure: str,
    kind: str | None = None,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
):
    user = request.auth
    area = pages.area_for(user, area_id)
    start_day, end_day = _period(area, start, end)
    found = pages.figure_records(figure, area, start_day, end_day, kind)
    return _Rows(figure, found, user)


class _Rows:
    """The records as the page's lines, turned into text only for the page asked for."""

    def __init__(self, figure, found, user):
        self.figure, self.found, self.user = figure, found, user

    def __len__(self):
        return len(self.found) if isinstance(self.found, list) else self.found.count()

    def count(self):
        return len(self)

    def __getitem__(self, index):
        rows = pages.record_rows(self.figure, self.found[index], self.user)
        return [{"text": row["text"]} for row in rows]


@router.get(
    "/communities/{area_id}/coverage",
    response=list[GridMonthOut],
    summary="各网格逐月入户走访覆盖率（走访住户 / 住户）",
)
def grid_coverage(request, area_id: int, year: int | None = None):
    area = pages.area_for(request.auth, area_id)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    grids = list(
        access.grids(request.auth)
        .filter(community__path__startswith=area.path)
        .order_by("community__path", "name")
    )
    coverage = q.coverage_by_grid_month(grids, year)
    return [
        {
            "grid_id": g.pk,
            "grid": g.name,
            "community_id": g.community_id,
            "month": month,
            "households": coverage[(g.pk, month)].households,
            "visited": coverage[(g.pk, month)].visited,
            "share": coverage[(g.pk, month)].share,
        }
        for g in grids
        for month in range(1, 13)
    ]
