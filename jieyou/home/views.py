"""The home page: for each role, what needs my attention today."""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jieyou.concerns import scope as concerns
from jieyou.concerns.models import Concern, Notification
from jieyou.concerns.states import OPEN
from jieyou.core.context import LARGE_TEXT_COOKIE
from jieyou.evaluation import queries as evaluation_work
from jieyou.evaluation import scope as evaluation
from jieyou.people import access
from jieyou.people import queries as people
from jieyou.people.models import Staff
from jieyou.places.models import Area
from jieyou.points.queries import figures as point_figures
from jieyou.points.queries import market as market_queries
from jieyou.points.queries import market_words
from jieyou.points.queries import records as point_records

R = Staff.Role
K = Area.Kind
CARE_LIST_LIMIT = 50
TASK_LIST_LIMIT = 5
SUGGESTION_LIST_LIMIT = 5
EVENT_LIST_LIMIT = 10
MARKET_PRODUCT_LIMIT = 8


@login_required
def home(request):
    user = request.user
    scope = access.scope_for(user)
    staff = access.staff_of(user)
    context = {
        "scope": scope,
        "staff": staff,
        "evaluated": evaluation.own_published(user).exists(),
        **_concern_tasks(user),
        **_evaluation_work(user),
    }
    today = timezone.localdate()
    if scope.role == R.GRID_WORKER:
        context.update(_grid_worker(user, staff))
        context.update(_grid_worker_points(user, context["my_grids"], today))
    elif scope.role in (R.COMMUNITY_SECRETARY, R.COMMUNITY_STAFF):
        context.update(_community(user))
        context.update(_community_points(user, staff, today))
    elif scope.role == R.COUNTY_ADMIN:
        context.update(_county(user))
    elif scope.role == R.UNIT_HANDLER:
        context.update(_unit(user, staff))
    return render(request, "home/home.html", context)


def _concern_tasks(user):
    """What concerns ask of me: my open tasks, new assignments, overdue, follow-ups due; and
    for those who dispatch, what waits in their queue."""
    if access.scope_for(user).role not in concerns.WORKING_ROLES:
        return {}
    N, S = Notification.Kind, Concern.Status
    tasks = concerns.tasks_for(user)
    figures = tasks.aggregate(tasks=Count("pk"), overdue=Count("pk", filter=Q(overdue=True)))
    figures |= (
        concerns.reminders_for(user)
        .filter(read_at__isnull=True)
        .aggregate(
            assigned=Count("pk", filter=Q(kind=N.ASSIGNED)),
            follow_up=Count("pk", filter=Q(kind=N.FOLLOW_UP_DUE)),
        )
    )
    if concerns.can_dispatch(user):
        figures |= concerns.concerns_for(user).aggregate(
            waiting=Count("pk", filter=Q(status=S.SUBMITTED)),
            overdue_all=Count("pk", filter=Q(overdue=True, status__in=OPEN)),
            resolved=Count("pk", filter=Q(status=S.RESOLVED)),
        )
    return {
        "concern_figures": figures,
        "concern_tasks": tasks.select_related("category", "area")[:TASK_LIST_LIMIT],
    }


def _grid_worker(user, staff):
    scope = access.scope_for(user)
    residents = access.residents(user)
    care = (
        people.in_care(residents)
        .select_related("area", "household__building")
        .prefetch_related("tags")
        .order_by("area__path", "name_pinyin")
    )
    return {
        "my_grids": access.grids(user)
        .filter(workers=staff)
        .select_related("community")
        .annotate(n_areas=Count("areas")),
        "figures": {
            "households": people.households_under(scope.resident_paths).count(),
            "residents": residents.count(),
        },
        "care": care[:CARE_LIST_LIMIT],
        "care_count": care.count(),
        "care_tags": people.CARE_TAGS,
    }


def _open_suggestions(user):
    suggestions = point_records.open_suggestions_for(user)
    # One row more than shown says whether counting them all is needed.
    shown = list(suggestions[: SUGGESTION_LIST_LIMIT + 1])
    count = len(shown) if len(shown) <= SUGGESTION_LIST_LIMIT else suggestions.count()
    return {"open_suggestions": shown[:SUGGESTION_LIST_LIMIT], "open_suggestions_count": count}


def _grid_worker_points(user, my_grids, today):
    """This month's visit coverage of each of my grids, the next market day at my
    community's points, and the meeting suggestions in my grids still open."""
    grids = list(my_grids)
    coverage = point_figures.coverage_by_grid_month(grids, today.year)
    return {
        "my_grids": grids,
        "grid_coverage": [(grid, coverage[(grid.pk, today.month)]) for grid in grids],
        "next_market": _next_market(user, today),
        **_open_suggestions(user),
    }


def _next_market(user, today):
    """The first day on or after today that one of the user's markets is held, the markets
    held then and the vendors registered for it; None when none is within the horizon."""
    markets = list(market_queries.markets_for(user).filter(active=True).order_by("pk"))
    if not markets:
        return None
    closed = market_queries.closures_of(
        markets, today, today + timedelta(days=market_queries.HORIZON)
    )
    days = {m.pk: market_queries.next_market_day(m, today, closed=closed[m.pk]) for m in markets}
    found = [d for d in days.values() if d is not None]
    if not found:
        return None
    day = min(found)
    held = [m for m in markets if days[m.pk] == day]
    lines = market_queries.registrations_on(held, day)
    products = dict.fromkeys(row.name for line in lines for row in line.product_rows.all())
    return {
        "day": day,
        "label": market_words.day_label(day),
        "days_left": market_words.days_left_phrase((day - today).days),
        "markets": held,
        "vendors": len({line.vendor_id for line in lines}),
        "products": list(products)[:MARKET_PRODUCT_LIMIT],
        "more_products": len(products) > MARKET_PRODUCT_LIMIT,
    }


def _community_points(user, staff, today):
    """The community's meeting figures of this year, its open meeting suggestions, this
    week's events, and the evaluation figures its staff still owe."""
    community = staff.area if staff is not None else None
    if community is None or community.kind != K.COMMUNITY:
        return {}
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    monday = today - timedelta(days=today.weekday())
    events = point_figures.events(community, monday, monday + timedelta(days=6))
    return {
        "community": community,
        "meeting_sentence": point_figures.meeting_figures(
            area=community, start=start, end=end
        ).sentence(),
        "figures_period": {"year": today.year, "from": start.isoformat(), "to": end.isoformat()},
        "week_events": events.select_related("point").order_by("starts_at", "pk")[
            :EVENT_LIST_LIMIT
        ],
        "figures_to_enter": evaluation_work.figures_to_enter(user),
        **_open_suggestions(user),
    }


def _evaluation_work(user):
    """Evaluation work waiting on the user: inspection tasks for anyone assigned one; for an
    evaluator or the county admin also figures to verify, appeals to decide and cycles to
    lock. Nothing on the user's own evaluation (evaluation.queries)."""
    if access.scope_for(user).role is None:
        return {}
    work = {"inspections": evaluation_work.inspections_to_do(user).count()}
    if evaluation.is_manager(user):
        work |= {
            "manager": True,
            "verify": evaluation_work.figures_to_verify(user).count(),
            "appeals": evaluation_work.appeals_to_decide(user).count(),
            "to_lock": list(evaluation_work.cycles_to_lock(user)),
        }
    elif not work["inspections"]:
        return {}
    return {"evaluation_work": work}


def _community(user):
    scope = access.scope_for(user)
    areas = access.areas(user)
    figures = areas.aggregate(
        compounds=Count("pk", filter=Q(kind=K.COMPOUND)),
        buildings=Count("pk", filter=Q(kind=K.BUILDING)),
    )
    residents = access.residents(user)
    figures["households"] = people.households_under(scope.resident_paths).count()
    figures["residents"] = residents.count()
    figures["care"] = people.in_care(residents).count()
    grids = (
        access.grids(user)
        .select_related("community")
        .prefetch_related("workers")
        .annotate(n_workers=Count("workers", distinct=True))
    )
    figures["grids"] = len(grids)
    return {
        "figures": figures,
        "grids": grids,
        "grids_without_worker": [g for g in grids if not g.n_workers],
    }


def _county(user):
    """Per town and community: the figures that show where coverage is thin."""
    residents = access.residents(user)
    households = people.households_under(access.scope_for(user).resident_paths)
    rows = (
        access.areas(user)
        .filter(kind__in=(K.TOWN, K.COMMUNITY))
        .annotate(
            n_residents=people.count_under(residents, "area__path"),
            n_households=people.count_under(households, "building__path"),
            n_grids=Count("grids", distinct=True),
            n_unstaffed=Count("grids", filter=Q(grids__workers__isnull=True), distinct=True),
        )
        .order_by("path")
    )
    return {"county_rows": rows, "figures": {"residents": residents.count()}}


def _unit(user, staff):
    unit = access.units(user).select_related("area").filter(pk=staff.unit_id).first()
    if unit is None:
        return {}
    colleagues = access.staff_members(user).filter(unit=unit).order_by("name")
    return {"unit": unit, "colleagues": colleagues}


@require_POST
def toggle_large_text(request):
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    response = redirect(target)
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        response.delete_cookie(LARGE_TEXT_COOKIE)
    else:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response


def csrf_failure(request, reason=""):
    """Django's own page is English with inline styles that our CSP blocks; say it plainly."""
    return render(request, "home/csrf_failure.html", status=403)
