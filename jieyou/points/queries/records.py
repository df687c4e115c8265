"""Scoped reads of meetings, visits, volunteers and events for the pages and the API."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet

from jieyou.concerns import scope as concern_scope
from jieyou.concerns import states as concern_states
from jieyou.concerns.models import Concern
from jieyou.people.models import Household

from ..models import (
    Event,
    Meeting,
    MeetingSuggestion,
    Visit,
    Volunteer,
    VolunteerActivity,
)
from ..scope import scoped

LOCAL = ZoneInfo("Asia/Shanghai")


def meetings_for(user) -> QuerySet[Meeting]:
    return scoped(Meeting.objects.all(), user, "community").select_related("community", "point")


def meeting_detail_for(user) -> QuerySet[Meeting]:
    suggestions = MeetingSuggestion.objects.select_related(
        "concern__category", "concern__area"
    ).order_by("id")
    return meetings_for(user).prefetch_related(Prefetch("suggestions", suggestions))


def with_suggestion_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Each meeting with `n_suggestions` and `n_closed` (suggestions whose concern is closed,
    that is resolved and confirmed on follow-up)."""
    return meetings.annotate(
        n_suggestions=Count("suggestions"),
        n_closed=Count("suggestions", filter=Q(suggestions__concern__status="closed")),
    ).order_by("-held_on", "-id")


def visits_for(user) -> QuerySet[Visit]:
    return scoped(Visit.objects.all(), user, "grid__community").select_related(
        "household__building__parent", "grid", "worker__staff"
    )


def volunteers_for(user) -> QuerySet[Volunteer]:
    return (
        scoped(Volunteer.objects.all(), user, "community")
        .select_related("community", "unit")
        .prefetch_related("roles")
    )


def activities_for(user) -> QuerySet[VolunteerActivity]:
    return scoped(VolunteerActivity.objects.all(), user, "volunteer__community").select_related(
        "volunteer", "point"
    )


def events_for(user) -> QuerySet[Event]:
    return scoped(Event.objects.all(), user, "point__community").select_related("point__community")


def search_households(households: QuerySet[Household], q: str) -> QuerySet[Household]:
    """Households by building and room ("7号楼301", "7号楼 301", "301") or a resident's name."""
    q = (q or "").strip()
    if not q:
        return households.none()
    words = q.replace("-", " ").split()
    match = Q(residents__name__contains=q) | Q(room__startswith=q)
    if len(words) == 1 and "号楼" in q:
        building, _sep, room = q.partition("号楼")
        match |= Q(building__name=f"{building}号楼", room__startswith=room)
    elif len(words) >= 2:
        match |= Q(building__name__contains=words[0], room__startswith=words[-1])
    match |= Q(building__name__contains=q) | Q(building__parent__name__contains=q)
    return (
        households.filter(pk__in=households.filter(match).values("pk"))
        .select_related("building__parent")
        .prefetch_related("residents")
        .order_by("building__parent__name", "building__name", "room")
    )


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first day of the month and the first day of the next."""
    first = date(year, month, 1)
    return first, date(year + month // 12, month % 12 + 1, 1)


def parse_month(text: str | None, default: date) -> tuple[int, int]:
    """`2024-07` → (2024, 7); anything unreadable gives the default's month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        date(year, month, 1)
        return year, month
    except (TypeError, ValueError):
        return default.year, default.month


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def month_key(year: int, month: int, by: int = 0) -> str:
    """`2024-07` for the month `by` months from the given one."""
    year, month = shift_month(year, month, by)
    return f"{year:04d}-{month:02d}"


@dataclass
class Day:
    day: date
    in_month: bool
    events: list = field(default_factory=list)


def month_calendar(events: QuerySet[Event], year: int, month: int) -> list[list[Day]]:
    """Weeks (Monday first) of the month with each day's events, by local start time."""
    first, after = month_bounds(year, month)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start = datetime.combine(weeks[0][0], datetime.min.time(), tzinfo=LOCAL)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), datetime.min.time(), tzinfo=LOCAL)
    by_day: dict[date, list[Event]] = {}
    for event in events.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at"):
        by_day.setdefault(event.starts_at.astimezone(LOCAL).date(), []).append(event)
    return [[Day(d, first <= d < after, by_day.get(d, [])) for d in week] for week in weeks]


def events_in_month(events: QuerySet[Event], year: int, month: int) -> QuerySet[Event]:
    first, after = month_bounds(year, month)
    start = datetime.combine(first, datetime.min.time(), tzinfo=LOCAL)
    end = datetime.combine(after, datetime.min.time(), tzinfo=LOCAL)
    return events.filter(starts_at__gte=start, starts_at__lt=end)


# Suggestions still waiting on someone: being handled, or resolved and waiting for the
# follow-up that closes them.
SUGGESTION_OPEN = (*concern_states.OPEN, Concern.Status.RESOLVED)


def open_suggestions_for(user) -> QuerySet[MeetingSuggestion]:
    """Suggestions raised at meetings of the user's communities whose concern is not yet
    closed, and whose concern the user may see: a grid worker's are those placed in their
    grids (or assigned to them), a community's staff see the whole community's."""
    visible = concern_scope.concerns_for(user).filter(status__in=SUGGESTION_OPEN)
    return (
        scoped(MeetingSuggestion.objects.all(), user, "meeting__community")
        .filter(concern__in=visible.values("pk"))
        .select_related("meeting", "concern__category", "concern__area")
        .order_by("meeting__held_on", "pk")
    )
