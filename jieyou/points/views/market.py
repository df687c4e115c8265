"""The market book's pages under /points/market/ and the residents' question box on a point's
public page. Every list and fetch goes through points.scope (out of scope is a 404); changes
are for the keepers of the market's community; phones are shown masked, and a full number
only one audited look at a time."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jieyou.core.masking import mask_phone
from jieyou.people import access

from .. import scope
from ..actions import market as actions
from ..forms import add_action_error
from ..models import (
    Market,
    MarketClosure,
    SeasonalProduce,
    ServicePoint,
)
from ..queries import market as queries
from .market_forms import (
    QUESTION_LENGTH,
    AskForm,
    ClosureForm,
    MarketForm,
    RegistrationForm,
    SeasonalForm,
    kept_points,
)

BOOK_WEEKS = 8
VENDOR_PAGE = 200


# ---- access ----------------------------------------------------------------------------------


def _reads(user) -> None:
    if not scope.communities_for(user).exists():
        raise Http404


def _keeps(user, market: Market) -> bool:
    return scope.may_keep(user, market.point.community)


def _require_keeper(user, market: Market) -> None:
    if not _keeps(user, market):
        raise Http404


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _date_param(request, name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


# ---- markets --------------------------------------------------------------------------------


@login_required
def market_list(request):
    user = request.user
    _reads(user)
    today = timezone.localdate()
    markets = queries.markets_for(user).order_by("point__community__path", "point__name", "name")
    point = None
    if request.GET.get("point"):
        point = access.get_or_404(scope.points_for(user), pk=request.GET["point"])
        markets = markets.filter(point=point)
    markets = list(markets)
    closed = queries.closures_of(markets, today, today + timedelta(days=queries.HORIZON))
    for market in markets:
        market.next_day = queries.next_market_day(market, today, closed=closed[market.pk])
        market.next_lines = (
            len(queries.registrations_on([market], market.next_day)) if market.next_day else 0
        )
        market.keeps = _keeps(user, market)
        market.schedule = queries.schedule_label(market)
    return render(
        request,
        "points/market_list.html",
        {"markets": markets, "point": point, "may_add": bool(kept_points(user)), "today": today},
    )


def _market(user, pk: int) -> Market:
    return access.get_or_404(queries.markets_for(user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def market_new(request):
    user = request.user
    if not kept_points(user):
        raise Http404
    initial = {"point": request.GET.get("point"), "weekdays": ["5"]}
    form = MarketForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        market = form.save(user)
        if market is not None:
            messages.success(request, _("已新建集市：%(name)s") % {"name": market.name})
            return redirect("points:market_book", pk=market.pk)
    return render(request, "points/market_form.html", {"form": form, "title": _("新建集市")})


@login_required
@require_http_methods(["GET", "POST"])
def market_edit(request, pk: int):
    user = request.user
    market = _market(user, pk)
    _require_keeper(user, market)
    form = MarketForm(request.POST or None, user=user, market=market)
    if request.method == "POST" and form.is_valid() and form.save(user) is not None:
        messages.success(request, _("已保存"))
        return redirect("points:market_book", pk=market.pk)
    return render(
        request,
        "points/market_form.html",
        {"form": form, "market": market, "title": _("修改集市：%(name)s") % {"name": market.name}},
    )


@login_required
def market_book(request, pk: int):
    """The book as the paper one reads: each market day ahead, who comes with what."""
    user = request.user
    market = _market(user, pk)
    today = timezone.localdate()
    start = _date_param(request, "start", today)
    end = start + timedelta(weeks=BOOK_WEEKS) - timedelta(days=1)
    days = queries.book([market], start, end)
    for day in days:
        for line in day.lines:
            line.phone_masked = mask_phone(line.vendor.phone)
    market.schedule = queries.schedule_label(market)
    context = {
        "market": market,
        "days": days,
        "start": start,
        "end": end,
        "earlier": start - timedelta(weeks=BOOK_WEEKS),
        "later": end + timedelta(days=1),
        "today": today,
        "keeps": _keeps(user, market),
        "can_unmask": access.scope_for(user).can_unmask,
        "in_season": queries.in_season(start),
    }
    return render(request, "points/market_book.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def market_register(request, pk: int):
    user = request.user
    market = _market(user, pk)
    _require_keeper(user, market)
    day = _date_param(request, "day", None) if request.GET.get("day") else None
    if day is None:
        day = queries.next_market_day(market, timezone.localdate())
    form = RegistrationForm(request.POST or None, initial={"first_day": day})
    if request.method == "POST" and form.is_valid():
        line = form.save(user, market)
        if line is not None:
            messages.success(
                request,
                _("已登记：%(vendor)s，%(products)s")
                % {"vendor": line.vendor.name, "products": line.products},
            )
            return redirect(f"{_book_url(market)}?start={line.first_day.isoformat()}")
    return render(
        request,
        "points/market_register.html",
        {"form": form, "market": market, "title": _("登记摊主")},
    )


def _book_url(market: Market) -> str:
    return reverse("points:market_book", args=[market.pk])


@login_required
@require_POST
def registration_cancel(request, pk: int):
    user = request.user
    line = access.get_or_404(queries.registrations_for(user), pk=pk)
    _require_keeper(user, line.market)
    try:
        actions.registration_cancel(
            actor=user, registration=line, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已取消 %(vendor)s 的登记") % {"vendor": line.vendor.name})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(
        f"{_book_url(line.market)}?start={max(line.first_day, timezone.localdate()).isoformat()}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def market_closures(request, pk: int):
    user = request.user
    market = _market(user, pk)
    keeps = _keeps(user, market)
    if request.method == "POST" and not keeps:
        raise Http404
    initial = {"day": _date_param(request, "day", None)} if request.GET.get("day") else None
    form = ClosureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.closure_add(actor=user, market=market, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("已登记停市"))
            return redirect("points:market_closures", pk=market.pk)
    closures = market.closures.order_by("-day")
    return render(
        request,
        "points/market_closures.html",
        {
            "market": market,
            "form": form,
            "closures": closures,
            "keeps": keeps,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def closure_remove(request, pk: int):
    user = request.user
    closures = scope.scoped(MarketClosure.objects.all(), user, "market__point__community")
    closure = access.get_or_404(closures.select_related("market__point__community"), pk=pk)
    _require_keeper(user, closure.market)
    actions.closure_remove(actor=user, closure=closure)
    messages.success(request, _("已撤销停市"))
    return redirect("points:market_closures", pk=closure.market_id)


# ---- vendors --------------------------------------------------------------------------------


@login_required
def vendor_list(request):
    user = request.user
    _reads(user)
    name = (request.GET.get("q") or "").strip()[:50]
    lines = queries.registrations_for(user).filter(cancelled_at__isnull=True)
    vendors = (
        queries.vendors_for(user)
        .annotate(
            lines=Count("registrations", filter=Q(registrations__in=lines)),
            last_day=Max("registrations__last_day", filter=Q(registrations__in=lines)),
        )
        .order_by("-last_day", "name")
    )
    if name:
        vendors = vendors.filter(name__contains=name)
    vendors = list(vendors[:VENDOR_PAGE])
    for vendor in vendors:
        vendor.phone_masked = mask_phone(vendor.phone)
    return render(
        request,
        "points/market_vendors.html",
        {"vendors": vendors, "q": name, "can_unmask": access.scope_for(user).can_unmask},
    )


@never_cache
@login_required
@require_POST
def vendor_reveal(request, pk: int):
    """One full number for a role that calls vendors; the look is audited in the action."""
    user = request.user
    if not access.scope_for(user).can_unmask:
        raise Http404
    vendor = access.get_or_404(queries.vendors_for(user), pk=pk)
    value = actions.vendor_reveal(actor=user, vendor=vendor)
    return render(request, "points/market_revealed.html", {"value": value})


# ---- seasonal produce -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def seasonal_list(request):
    user = request.user
    _reads(user)
    edits = actions.may_edit_seasonal(user)
    if request.method == "POST" and not edits:
        raise Http404
    form = SeasonalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A name already on the list is changed in place: its months are what is being fixed.
        produce = SeasonalProduce.objects.filter(name=form.cleaned_data["name"].strip()).first()
        try:
            actions.seasonal_produce_save(actor=user, produce=produce, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("points:market_seasonal")
    month = timezone.localdate().month
    rows = []
    for item in SeasonalProduce.objects.all():
        months = sorted(queries.months_of(item.months))
        rows.append({"item": item, "months": months, "now": month in months})
    rows.sort(key=lambda r: (not r["now"], r["item"].name))
    return render(
        request,
        "points/market_seasonal.html",
        {"rows": rows, "form": form, "edits": edits, "month": month},
    )


@login_required
@require_POST
def seasonal_remove(request, pk: int):
    user = request.user
    if not actions.may_edit_seasonal(user):
        raise Http404
    produce = get_object_or_404(SeasonalProduce, pk=pk)
    actions.seasonal_produce_remove(actor=user, produce=produce)
    messages.success(request, _("已从时令表中移除：%(name)s") % {"name": produce.name})
    return redirect("points:market_seasonal")


# ---- the question ---------------------------------------------------------------------------


def _render_answer(request, template: str, context: dict):
    """The answer alone for HTMX, in place in the box; the whole page without JavaScript."""
    response = render(
        request, "points/market_answer.html" if _is_htmx(request) else template, context
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def market_ask(request):
    """The question box for staff: the answer names the vendors with masked phones."""
    user = request.user
    _reads(user)
    form = AskForm(request.GET or None, user=user)
    answer = None
    if request.GET and form.is_valid():
        point = form.cleaned_data["point"]
        markets = queries.markets_for(user).filter(active=True)
        if point is not None:
            markets = markets.filter(point=point)
        today = form.cleaned_data["today"] or timezone.localdate()
        answer = queries.ask(
            form.cleaned_data["q"], markets=markets, today=today, reveal_phones=True
        )
    return _render_answer(
        request, "points/market_ask.html", {"form": form, "answer": answer, "staff": True}
    )


@require_GET
def public_ask(request, pk: int):
    """The same question on a point's public page: vendors and stalls, never a phone."""
    point = get_object_or_404(ServicePoint, pk=pk, active=True)
    question = (request.GET.get("q") or "").strip()[:QUESTION_LENGTH]
    answer = None
    if question:
        markets = point.markets.filter(active=True)
        answer = queries.ask(question, markets=markets, today=timezone.localdate())
    return _render_answer(
        request,
        "points/market_ask_public.html",
        {"point": point, "answer": answer, "question": question, "staff": False},
    )
