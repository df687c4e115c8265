"""/api/v1/places/: the area tree and the grids, inside the caller's scope."""

from django.db.models import Prefetch
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from jieyou.people import access
from jieyou.people.models import Staff

from .models import Area

router = Router(tags=["places"])


class AreaOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    code: str
    parent_id: int | None
    latitude: float | None = None
    longitude: float | None = None

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())


class WorkerOut(Schema):
    id: int
    name: str
    employment: str


class GridOut(Schema):
    id: int
    name: str
    code: str
    community_id: int
    community_name: str
    area_ids: list[int]
    workers: list[WorkerOut]

    @staticmethod
    def resolve_community_name(obj):
        return obj.community.name

    @staticmethod
    def resolve_area_ids(obj):
        return [a.pk for a in obj.areas.all()]

    @staticmethod
    def resolve_workers(obj):
        return list(obj.workers.all())


@router.get("/areas", response=list[AreaOut], summary="区划列表")
@paginate(PageNumberPagination, page_size=100)
def area_list(request, parent: int | None = None, kind: Area.Kind | None = None):
    areas = access.areas(request.auth)
    if parent is not None:
        areas = areas.filter(parent=access.get_or_404(areas, pk=parent))
    if kind is not None:
        areas = areas.filter(kind=kind)
    return areas.order_by("path")


@router.get("/areas/{area_id}", response=AreaOut, summary="区划详情")
def area_detail(request, area_id: int):
    return access.get_or_404(access.areas(request.auth), pk=area_id)


def _grids(user):
    workers = Staff.objects.filter(role=Staff.Role.GRID_WORKER).order_by("name")
    return (
        access.grids(user)
        .select_related("community")
        .prefetch_related("areas", Prefetch("workers", queryset=workers))
    )


@router.get("/grids", response=list[GridOut], summary="网格列表")
def grid_list(request):
    return list(_grids(request.auth))


@router.get("/grids/{grid_id}", response=GridOut, summary="网格详情")
def grid_detail(request, grid_id: int):
    return access.get_or_404(_grids(request.auth), pk=grid_id)
