"""The 15-minute service circle: which services lie within a walk of a building, and what
share of a community's households have at least one.

Distances are straight lines on the sphere (haversine); the walk is
`settings.POINTS_CIRCLE_METRES` (1,200 m by default). A service is where its own
coordinates say, else at its point. Buildings without coordinates are never guessed at:
they are listed apart, with their households, and left out of the share.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce

from jieyou.people import queries as people
from jieyou.places.models import Area

from ..models import Service

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
DEFAULT_METRES = 1200
M_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180


def radius_metres() -> int:
    return int(getattr(settings, "POINTS_CIRCLE_METRES", DEFAULT_METRES))


def haversine(lat1, lon1, lat2, lon2, *, radius: float = EARTH_RADIUS_M) -> float:
    """Great-circle distance between two points given in degrees, in the unit of `radius`."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlmb = math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * radius * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Located:
    service: Service
    latitude: float
    longitude: float


def located(services: QuerySet[Service]) -> list[Located]:
    """Services with a place: their own coordinates, else their point's."""
    rows = (
        services.annotate(
            at_lat=Coalesce(F("latitude"), F("point__latitude")),
            at_lon=Coalesce(F("longitude"), F("point__longitude")),
        )
        .filter(at_lat__isnull=False, at_lon__isnull=False)
        .select_related("point")
        .order_by("pk")
    )
    return [Located(s, float(s.at_lat), float(s.at_lon)) for s in rows]


class _Buckets:
    """Services filed by a grid of cells about one radius wide, so that each building looks
    only at the nine cells around it instead of at every service in the county."""

    def __init__(self, items: list[Located], metres: float):
        self.lat_step = max(metres / M_PER_DEGREE_LAT, 1e-6)
        self.cells: dict[tuple[int, int], list[Located]] = defaultdict(list)
        # Longitude cells are sized at the most northern latitude present, so they are never
        # narrower than the radius anywhere below it.
        top = max((abs(i.latitude) for i in items), default=0.0)
        shrink = max(math.cos(math.radians(min(top + self.lat_step, 89.0))), 1e-6)
        self.lon_step = self.lat_step / shrink
        for item in items:
            self.cells[self._cell(item.latitude, item.longitude)].append(item)

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.lat_step), math.floor(lon / self.lon_step)

    def around(self, lat: float, lon: float):
        row, col = self._cell(lat, lon)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                yield from self.cells.get((row + dr, col + dc), ())


def near(lat, lon, items: list[Located], metres: float, buckets: _Buckets | None = None):
    """(service, metres) within `metres` of a place, nearest first."""
    lat, lon = float(lat), float(lon)
    pool = buckets.around(lat, lon) if buckets is not None else items
    found = []
    for item in pool:
        d = haversine(lat, lon, item.latitude, item.longitude)
        if d <= metres:
            found.append((item.service, d))
    found.sort(key=lambda pair: (pair[1], pair[0].name, pair[0].pk))
    return found


def services_near(building: Area, services: QuerySet[Service], metres: float | None = None):
    """(service, metres) of `services` within the circle of a building, nearest first; empty
    when the building has no coordinates."""
    metres = radius_metres() if metres is None else metres
    if building.latitude is None or building.longitude is None:
        return []
    return near(building.latitude, building.longitude, located(services), metres)


@dataclass
class BuildingCircle:
    building: Area
    households: int
    services: list = field(default_factory=list)  # (service, metres), nearest first

    @property
    def covered(self) -> bool:
        return bool(self.services)


@dataclass
class Coverage:
    community: Area
    metres: float
    buildings: list[BuildingCircle]  # with coordinates, by name
    unplaced: list[tuple[Area, int]]  # buildings without coordinates, with their households

    @property
    def households(self) -> int:
        return sum(b.households for b in self.buildings)

    @property
    def covered_households(self) -> int:
        return sum(b.households for b in self.buildings if b.covered)

    @property
    def share(self) -> float | None:
        """Covered households / households in buildings with coordinates; None without any."""
        return self.covered_households / self.households if self.households else None

    @property
    def unplaced_households(self) -> int:
        return sum(n for _b, n in self.unplaced)

    @property
    def not_covered(self) -> list[BuildingCircle]:
        return [b for b in self.buildings if not b.covered]


def coverage(
    community: Area,
    services: QuerySet[Service],
    metres: float | None = None,
    *,
    items: list[Located] | None = None,
) -> Coverage:
    """Per building of the community, the services of `services` within the circle, and the
    share of households with at least one; pass active services only (or `items`, the same
    services already `located`, when asking for several communities)."""
    metres = radius_metres() if metres is None else metres
    counts = dict(
        people.households_under([community.path])
        .values("building_id")
        .annotate(n=Count("pk"))
        .values_list("building_id", "n")
    )
    buildings = Area.objects.filter(
        path__startswith=community.path, kind=Area.Kind.BUILDING
    ).order_by("parent__name", "name", "pk")
    items = located(services) if items is None else items
    buckets = _Buckets(items, metres)
    placed, unplaced = [], []
    for b in buildings.select_related("parent"):
        households = counts.get(b.pk, 0)
        if b.latitude is None or b.longitude is None:
            unplaced.append((b, households))
            continue
        placed.append(
            BuildingCircle(b, households, near(b.latitude, b.longitude, items, metres, buckets))
        )
    return Coverage(community, metres, placed, unplaced)
