"""Loading the demo county into the database, through the same actions as everyone else.

Every record is looked up by its natural key first (area code or name within its parent,
grid name within its community, unit name, username, ID number), so a second load adds
nothing, and loading over the test cast only adds what the cast lacks.
"""

from collections import Counter

from django.contrib.auth import get_user_model
from django.db import transaction

from jieyou.core import audit
from jieyou.people import actions as people
from jieyou.people.models import Household, Resident, Staff, Tag, Unit
from jieyou.places import actions as places
from jieyou.places.models import Area, Grid

from . import concerns as concerns_demo
from . import county, generate, market, point_records
from . import evaluation as evaluation_demo
from . import party as party_demo
from . import points as points_demo

K = Area.Kind
BATCH = 2000


def load(*, residents: int, seed: int) -> Counter:
    """Build the county and `residents` generated residents; return what was created."""
    loader = _Loader()
    with transaction.atomic():
        loader.places()
        loader.units()
        loader.staff()
        loader.seed_residents()
        loader.generated_residents(generate.plan(seed=seed, n=residents), seed=seed)
        party_demo.load(loader.created)
        concerns_demo.load(loader.created, seed=seed)
        points_demo.load(loader.created, seed=seed)
        market.load(loader.created, seed=seed)
        point_records.load(loader.created, seed=seed)
        evaluation_demo.load(loader.created, seed=seed)
    return loader.created


class _Loader:
    def __init__(self):
        self.created: Counter = Counter()
        self.areas: dict[tuple, Area] = {}  # (parent id, name) → area

    def area(self, name: str, kind: str, parent: Area | None, code: str = "") -> Area:
        key = (parent.pk if parent else None, name)
        if key not in self.areas:
            # A coded area is known by its code, any other by its name under its parent.
            found = Area.objects.filter(code=code) if code else Area.objects.filter(parent=parent)
            area = (found if code else found.filter(name=name)).first()
            if area is None:
                area = places.area_create(
                    actor=None, name=name, kind=kind, parent=parent, code=code
                )
                self.created["areas"] += 1
            self.areas[key] = area
        return self.areas[key]

    def places(self) -> None:
        self.county = self.area(county.COUNTY[0], K.COUNTY, None, county.COUNTY[1])
        self.town = self.area(county.TOWN[0], K.TOWN, self.county, county.TOWN[1])
        self.communities: dict[str, Area] = {}
        self.compounds: dict[str, Area] = {}
        self.grids: dict[str, Grid] = {}
        for c in county.COMMUNITIES:
            community = self.area(c.name, K.COMMUNITY, self.town, c.code)
            self.communities[c.name] = community
            for name in c.compounds:
                self.compounds[name] = self.area(name, K.COMPOUND, community)
            for grid_name, compound in c.grids:
                grid = Grid.objects.filter(community=community, name=grid_name).first()
                if grid is None:
                    grid = places.grid_create(
                        actor=None,
                        community=community,
                        name=grid_name,
                        areas=[self.compounds[compound]],
                    )
                    self.created["grids"] += 1
                self.grids[grid_name] = grid

    def named_area(self, name: str) -> Area:
        if name == county.COUNTY[0]:
            return self.county
        if name == county.TOWN[0]:
            return self.town
        return self.communities.get(name) or self.compounds[name]

    def units(self) -> None:
        existing = set(Unit.objects.values_list("name", flat=True))
        for u in county.UNITS:
            if u.name not in existing:
                people.unit_create(
                    actor=None, name=u.name, kind=u.kind, area=self.named_area(u.area)
                )
                self.created["units"] += 1

    def staff(self) -> None:
        existing = set(get_user_model().objects.values_list("username", flat=True))
        for s in county.STAFF:
            if s.username in existing:
                continue
            people.staff_create(
                actor=None,
                username=s.username,
                password=county.DEMO_PASSWORD,
                name=s.name,
                role=s.role,
                area=self.named_area(s.area) if s.area else None,
                unit=Unit.objects.get(name=s.unit) if s.unit else None,
                grids=[self.grids[g] for g in s.grids],
                employment=s.employment,
            )
            self.created["staff"] += 1

    def building(self, compound: str, name: str) -> Area:
        return self.area(name, K.BUILDING, self.compounds[compound])

    def seed_residents(self) -> None:
        for r in county.RESIDENTS:
            building = self.building(r.compound, r.building)
            if Resident.objects.filter(area=building, name=r.name).exists():
                continue
            people.resident_create(
                actor=None,
                name=r.name,
                area=building,
                gender=r.gender,
                birth_year=r.birth_year,
                phone=r.phone,
                id_number=r.id_number,
                room=r.room,
                tags=r.tags,
            )
            self.created["residents"] += 1

    def generated_residents(self, plan: list[generate.GeneratedResident], *, seed: int) -> None:
        """Thousands of residents: rows are written in batches instead of one action each,
        with the same pinyin keys the action would store, and one audit entry per batch."""
        tags = {name: Tag.objects.get_or_create(name=name)[0] for r in plan for name in r.tags}
        for start in range(0, len(plan), BATCH):
            batch = plan[start : start + BATCH]
            known = set(
                Resident.objects.filter(id_number__in=[r.id_number for r in batch]).values_list(
                    "id_number", flat=True
                )
            )
            batch = [r for r in batch if r.id_number not in known]
            if not batch:
                continue
            households = self.households(batch)
            Resident.objects.bulk_create(
                Resident(
                    **people.resident_fields(r.name),
                    gender=r.gender,
                    birth_year=r.birth_year,
                    phone=r.phone,
                    id_number=r.id_number,
                    area=self.building(r.compound, r.building),
                    household_id=households[(r.compound, r.building, r.room)],
                )
                for r in batch
            )
            ids = dict(
                Resident.objects.filter(id_number__in=[r.id_number for r in batch]).values_list(
                    "id_number", "pk"
                )
            )
            Resident.tags.through.objects.bulk_create(
                Resident.tags.through(resident_id=ids[r.id_number], tag_id=tags[name].pk)
                for r in batch
                for name in r.tags
            )
            audit.record("demo.residents_load", detail={"seed": seed, "created": len(batch)})
            self.created["residents"] += len(batch)

    def households(self, batch) -> dict[tuple, int]:
        """(compound, building, room) → household id, creating the missing households."""
        wanted = {(r.compound, r.building, r.room) for r in batch}
        by_building = {key: self.building(*key[:2]) for key in wanted}
        building_ids = {b.pk for b in by_building.values()}
        existing = _household_ids(building_ids)
        missing = {(by_building[key].pk, key[2]) for key in wanted} - existing.keys()
        if missing:
            Household.objects.bulk_create(
                Household(building_id=building_id, room=room)
                for building_id, room in sorted(missing)
            )
            existing = _household_ids(building_ids)
        return {key: existing[(by_building[key].pk, key[2])] for key in wanted}


def _household_ids(building_ids) -> dict[tuple[int, str], int]:
    rows = Household.objects.filter(building_id__in=building_ids)
    return {(b, room): pk for pk, b, room in rows.values_list("pk", "building_id", "room")}


def sign_ins() -> list[tuple[str, str, str, str]]:
    """(role, name, username, where) for each demo sign-in; all share county.DEMO_PASSWORD."""
    roles = dict(Staff.Role.choices)
    return [
        (str(roles[s.role]), s.name, s.username, s.note or s.area)
        for s in county.STAFF
        if s.sign_in
    ]
