"""/api/v1/points/: service points, the catalogue search, what is open this week, and the
15-minute circle, scoped like the pages (out of scope: 404)."""

from datetime import date, time

from django.db.models import Prefetch
from django.utils import timezone
from ninja import Router, Schema

from jieyou.core.masking import mask_phone
from jieyou.people import access
from jieyou.places.models import Area
from jieyou.places.queries import under_paths

from . import scope
from .models import Service, Zone
from .queries import catalogue, circle

router = Router()
WEEK_PER_DAY = 100


class ZoneOut(Schema):
    kind: str
    label: str
    name: str
    note: str

    @staticmethod
    def resolve_label(obj):
        return str(obj)


class PointOut(Schema):
    id: int
    name: str
    community_id: int
    community: str
    area_id: int | None
    address: str
    hours: str
    phone: str
    latitude: float | None
    longitude: float | None
    active: bool
    zones: list[ZoneOut]

    @staticmethod
    def resolve_community(obj):
        return obj.community.name

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_zones(obj):
        return list(obj.zones.all())


class ServiceOut(Schema):
    id: int
    name: str
    name_pinyin: str
    name_initials: str
    point_id: int
    point: str
    provider_kind: str
    provider_kind_label: str
    provider: str
    unit_id: int | None
    weekdays: str
    starts: time | None
    ends: time | None
    schedule_note: str
    price_note: str
    active: bool

    @staticmethod
    def resolve_point(obj):
        return obj.point.name

    @staticmethod
    def resolve_provider_kind_label(obj):
        return str(obj.get_provider_kind_display())


class PointDetailOut(PointOut):
    services: list[ServiceOut]

    @staticmethod
    def resolve_services(obj):
        return list(obj.services.all())


class FoundOut(ServiceOut):
    rank: int


class SlotOut(Schema):
    service: ServiceOut
    starts: time | None
    ends: time | None


class DayOut(Schema):
    day: date
    weekday: str
    total: int
    slots: list[SlotOut]


class NearOut(Schema):
    service: ServiceOut
    metres: int


class BuildingCircleOut(Schema):
    building_id: int
    building: str
    compound: str
    latitude: float | None
    longitude: float | None
    metres: int
    services: list[NearOut]


class BuildingCoverageOut(Schema):
    building_id: int
    building: str
    compound: str
    households: int
    covered: bool
    services: int


class UnplacedOut(Schema):
    building_id: int
    building: str
    compound: str
    households: int


class CoverageOut(Schema):
    community_id: int
    community: str
    metres: int
    households: int
    covered_households: int
    share: float | None
    buildings: list[BuildingCoverageOut]
    without_coordinates: list[UnplacedOut]
    households_without_coordinates: int


def _points(user):
    return (
        scope.points_for(user)
        .select_related("community")
        .prefetch_related(Prefetch("zones", queryset=Zone.objects.order_by("kind", "name")))
    )


def _services(user):
    return scope.scoped(Service.objects.all(), user, "point__community").select_related("point")


@router.get("/points", response=list[PointOut], summary="解忧铺列表")
def point_list(request, active: bool | None = None):
    points = _points(request.auth).order_by("community__path", "name")
    if active is not None:
        points = points.filter(active=active)
    return list(points)


@router.get("/points/{point_id}", response=PointDetailOut, summary="解忧铺详情")
def point_detail(request, point_id: int):
    services = Service.objects.select_related("point").order_by("name")
    points = _points(request.auth).prefetch_related(Prefetch("services", queryset=services))
    return access.get_or_404(points, pk=point_id)


@router.get("/services", response=list[FoundOut], summary="搜索服务（汉字、拼音、首字母、提供方）")
def service_search(request, q: str = "", point: int | None = None):
    services = catalogue.active(_services(request.auth))
    if point is not None:
        services = services.filter(point_id=point)
    return list(catalogue.search(services, q))


@router.get("/services/this-week", response=list[DayOut], summary="未来七天开放的服务")
def this_week(
    request, point: int | None = None, start: date | None = None, per_day: int = WEEK_PER_DAY
):
    services = catalogue.active(_services(request.auth))
    if point is not None:
        access.get_or_404(scope.points_for(request.auth), pk=point)
        services = services.filter(point_id=point)
    per_day = max(1, min(per_day, WEEK_PER_DAY))
    days = catalogue.open_this_week(services, start or timezone.localdate(), per_day=per_day)
    return [
        {"day": d.day, "weekday": d.weekday, "total": d.total, "slots": [vars(s) for s in d.slots]}
        for d in days
    ]


def _buildings(user):
    paths = [c.path for c in scope.communities_for(user)]
    return Area.objects.filter(under_paths(paths), kind=Area.Kind.BUILDING).select_related("parent")


@router.get("/circle/buildings/{building_id}", response=BuildingCircleOut, summary="楼栋附近的服务")
def circle_building(request, building_id: int):
    building = access.get_or_404(_buildings(request.auth), pk=building_id)
    metres = circle.radius_metres()
    near = circle.services_near(building, catalogue.active(Service.objects.all()), metres)
    return {
        "building_id": building.pk,
        "building": building.name,
        "compound": building.parent.name if building.parent_id else "",
        "latitude": building.latitude,
        "longitude": building.longitude,
        "metres": metres,
        "services": [{"service": s, "metres": round(d)} for s, d in near],
    }


@router.get(
    "/circle/communities/{community_id}", response=CoverageOut, summary="社区15分钟服务圈覆盖率"
)
def circle_community(request, community_id: int):
    community = access.get_or_404(scope.communities_for(request.auth), pk=community_id)
    c = circle.coverage(community, catalogue.active(Service.objects.all()))
    return {
        "community_id": community.pk,
        "community": community.name,
        "metres": round(c.metres),
        "households": c.households,
        "covered_households": c.covered_households,
        "share": round(c.share, 4) if c.share is not None else None,
        "buildings": [
            {
                "building_id": b.building.pk,
                "building": b.building.name,
                "compound": b.building.parent.name,
                "households": b.households,
                "covered": b.covered,
                "services": len(b.services),
            }
            for b in c.buildings
        ],
        "without_coordinates": [
            {
                "building_id": b.pk,
                "building": b.name,
                "compound": b.parent.name,
                "households": n,
            }
            for b, n in c.unplaced
        ],
        "households_without_coordinates": c.unplaced_households,
    }
