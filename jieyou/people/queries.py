"""Reads of residents for pages, the API and other apps; callers pass an access-scoped queryset."""

import re

from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from jieyou.places import queries as places

from .models import Household, Resident

# Tags that mean a resident should be visited rather than waited for.
CARE_TAGS = ("独居老人", "空巢老人", "残疾", "低保", "特困", "留守儿童", "重病")

_ASCII_QUERY = re.compile(r"^[a-z]+$")


def search_residents(residents: QuerySet[Resident], q: str) -> QuerySet[Resident]:
    """Chinese text matches a name substring; Latin letters match pinyin or initials.

    `zdy` and `zhao` find 赵大爷 through the keys stored with each name; `daye` finds him
    through the full pinyin.
    """
    q = (q or "").strip()
    if not q:
        return residents
    key = q.lower().replace(" ", "")
    if _ASCII_QUERY.match(key):
        return residents.filter(Q(name_initials__startswith=key) | Q(name_pinyin__contains=key))
    return residents.filter(name__contains=q)


def in_grid(residents: QuerySet[Resident], grid) -> QuerySet[Resident]:
    """Residents living in the compounds and buildings a grid covers."""
    return residents.filter(places.under_paths(places.grid_paths([grid.pk]), "area__path"))


def in_care(residents: QuerySet[Resident]) -> QuerySet[Resident]:
    # A subquery rather than a join: a resident with two care tags is still one resident.
    return residents.filter(
        pk__in=Resident.tags.through.objects.filter(tag__name__in=CARE_TAGS).values("resident_id")
    )


def count_under(queryset: QuerySet, field: str) -> Coalesce:
    """For an Area queryset: per area, how many rows of `queryset` lie under its path.

    One correlated subquery instead of a query per area; COUNT as a plain function keeps
    the subquery free of GROUP BY, so it yields exactly one number.
    """
    counted = (
        queryset.filter(**{f"{field}__startswith": OuterRef("path")})
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def households_under(paths) -> QuerySet[Household]:
    return Household.objects.filter(places.under_paths(list(paths), "building__path"))


def count_residents_under(residents: QuerySet[Resident], area) -> int:
    return residents.filter(area__path__startswith=area.path).count()
