"""The market book read back: market days, who registered for them, and the question residents
ask at the counter ("周五的集市有卖白菜和大葱的吗？").

The question is read by the pure functions of `market_words` (`parse_day`, `parse_products`)
and answered from the book by `ask`, which returns the facts and a Chinese sentence like the one 严婷婷 gave 赵大爷:
"目前只有卖大葱的登记了，还有两天呢。"
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core.masking import mask_phone

from .. import products as vocabulary
from .. import scope
from ..models import (
    Market,
    MarketClosure,
    RegisteredProduct,
    SeasonalProduce,
    Vendor,
    VendorRegistration,
)
from .market_words import (
    WEEKDAY_NAMES,
    chinese_number,
    day_label,
    days_left_phrase,
    join_names,
    month_day,
    parse_day,
    parse_products,
)

# How far ahead "the next market day" is looked for: a season may start months later.
HORIZON = 400


# --- what a user may see ---------------------------------------------------------------------


def markets_for(user):
    return scope.scoped(Market.objects.all(), user, "point__community").select_related(
        "point__community"
    )


def registrations_for(user):
    return scope.scoped(
        VendorRegistration.objects.all(), user, "market__point__community"
    ).select_related("market__point__community", "vendor")


def vendors_for(user):
    """Vendors with a line in a book the user may read."""
    return Vendor.objects.filter(pk__in=registrations_for(user).values("vendor_id"))


# --- the schedule ---------------------------------------------------------------------------


def _weekdays(market: Market) -> set[int]:
    return {int(ch) for ch in market.weekdays if ch in "1234567"}


def scheduled(market: Market, day: date) -> bool:
    """Whether the market's schedule and season hold it on this day (closures aside)."""
    return (
        market.active
        and day.isoweekday() in _weekdays(market)
        and (market.first_day is None or day >= market.first_day)
        and (market.last_day is None or day <= market.last_day)
    )


def schedule_label(market: Market) -> str:
    """每周五 10:00–13:00, 每周二、周五, with the season when it has one."""
    days = sorted(_weekdays(market))
    text = (
        _("每天")
        if len(days) == 7
        else _("每%(days)s") % {"days": "、".join(str(WEEKDAY_NAMES[d - 1]) for d in days)}
    )
    if market.opens and market.closes:
        text += f" {market.opens:%H:%M}–{market.closes:%H:%M}"
    if market.first_day or market.last_day:
        start = month_day(market.first_day) if market.first_day else ""
        end = month_day(market.last_day) if market.last_day else ""
        text += _("（%(start)s至%(end)s）") % {"start": start, "end": end}
    return text


def closures_of(markets: Iterable[Market], start: date, end: date) -> dict[int, dict[date, str]]:
    """market id → {closed day: reason} between start and end."""
    found: dict[int, dict[date, str]] = {m.pk: {} for m in markets}
    rows = MarketClosure.objects.filter(
        market_id__in=list(found), day__gte=start, day__lte=end
    ).values_list("market_id", "day", "reason")
    for market_id, day, reason in rows:
        found[market_id][day] = reason
    return found


def market_days(market: Market, start: date, end: date, *, closed=None) -> list[date]:
    """The days the market is held between start and end: its weekdays, inside its season,
    less its closures (`closed`, the {day: reason} of closures_of, saves the query)."""
    if end < start:
        return []
    if closed is None:
        closed = closures_of([market], start, end)[market.pk]
    days = []
    day = start
    while day <= end:
        if scheduled(market, day) and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def next_market_day(market: Market, today: date, *, closed=None) -> date | None:
    """The first day on or after today the market is held, or None within HORIZON days."""
    end = today + timedelta(days=HORIZON)
    if market.last_day is not None:
        end = min(end, market.last_day)
    start = max(today, market.first_day) if market.first_day else today
    if closed is None:
        closed = closures_of([market], start, end).get(market.pk, {})
    day = start
    while day <= end:
        if scheduled(market, day) and day not in closed:
            return day
        day += timedelta(days=1)
    return None


# --- the book -------------------------------------------------------------------------------


def registrations_on(
    markets: Iterable[Market], day: date, *, as_of: date | None = None
) -> list[VendorRegistration]:
    """The book's lines for one market day, with vendor and product rows. `as_of` reads the
    book as it stood at the end of that day: later entries are not there yet, and a line
    cancelled later still is."""
    lines = VendorRegistration.objects.filter(
        market__in=list(markets), first_day__lte=day, last_day__gte=day
    )
    if as_of is None:
        lines = lines.filter(cancelled_at__isnull=True)
    else:
        end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
        lines = lines.filter(registered_at__lt=end).filter(
            Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=end)
        )
    return list(
        lines.select_related("vendor", "market")
        .prefetch_related(Prefetch("product_rows", queryset=RegisteredProduct.objects.all()))
        .order_by("stall", "id")
    )


@dataclass
class BookDay:
    day: date
    market: Market
    closed: str = ""  # the closure's reason when the market does not take place
    lines: list[VendorRegistration] = field(default_factory=list)


def book(markets: Iterable[Market], start: date, end: date) -> list[BookDay]:
    """Every scheduled day of these markets between start and end, like the paper book: the
    vendors registered for it, or the reason it is closed."""
    markets = list(markets)
    closed = closures_of(markets, start, end)
    days: list[BookDay] = []
    for market in markets:
        day = start
        while day <= end:
            if scheduled(market, day):
                days.append(BookDay(day, market, closed[market.pk].get(day, "")))
            day += timedelta(days=1)
    if not days:
        return days
    lines = (
        VendorRegistration.objects.filter(
            market__in=markets, cancelled_at__isnull=True, first_day__lte=end, last_day__gte=start
        )
        .select_related("vendor")
        .prefetch_related("product_rows")
        .order_by("stall", "id")
    )
    by_market: dict[int, list[VendorRegistration]] = {}
    for line in lines:
        by_market.setdefault(line.market_id, []).append(line)
    for book_day in days:
        if not book_day.closed:
            book_day.lines = [
                line
                for line in by_market.get(book_day.market.pk, [])
                if line.first_day <= book_day.day <= line.last_day
            ]
    days.sort(key=lambda d: (d.day, d.market.name))
    return days


def in_season(day: date) -> list[SeasonalProduce]:
    """The produce on the seasonal list for the day's month, in the order it was listed."""
    return [p for p in SeasonalProduce.objects.order_by("pk") if day.month in months_of(p.months)]


def months_of(text: str) -> set[int]:
    return {int(m) for m in re.findall(r"\d+", text or "") if 1 <= int(m) <= 12}


# --- the question answered ------------------------------------------------------------------


@dataclass
class Stall:
    """One vendor's line for the day, as the answer shows it."""

    vendor: str
    stall: str
    phone: str  # masked, and empty where phones are not shown
    products: list[str]
    market: str

    @property
    def label(self) -> str:
        if not self.stall:
            return self.vendor
        if self.stall.endswith(("摊", "摊位")):
            return _("%(vendor)s（%(stall)s）") % {"vendor": self.vendor, "stall": self.stall}
        return _("%(vendor)s（%(stall)s摊位）") % {"vendor": self.vendor, "stall": self.stall}


@dataclass
class ProductAnswer:
    word: str  # as asked
    canonical: str
    vendors: list[Stall]
    in_season: bool | None  # None: not on the seasonal list


@dataclass
class Answer:
    question: str
    today: date
    asked: str = ""  # the day as the question said it
    asked_day: date | None = None
    day: date | None = None  # the market day the answer is about
    days_left: int | None = None
    closed: str = ""  # why there is no market on the asked day
    next_day: date | None = None  # the next market day, when the asked day has none
    markets: list[str] = field(default_factory=list)
    products: list[ProductAnswer] = field(default_factory=list)
    vendors: list[Stall] = field(default_factory=list)  # everyone, when no product is asked
    in_season: list[str] = field(default_factory=list)
    text: str = ""


def _stall(line: VendorRegistration, reveal_phones: bool) -> Stall:
    return Stall(
        vendor=line.vendor.name,
        stall=line.stall,
        phone=mask_phone(line.vendor.phone) if reveal_phones else "",
        products=[row.name for row in line.product_rows.all()],
        market=line.market.name,
    )


def _no_market_reason(markets: list[Market], day: date, closed: dict[int, dict[date, str]]) -> str:
    for market in markets:
        if scheduled(market, day) and day in closed[market.pk]:
            return _("%(market)s停市（%(reason)s）") % {
                "market": market.name,
                "reason": closed[market.pk][day],
            }
    for market in markets:
        if not market.active or day.isoweekday() not in _weekdays(market):
            continue
        if market.last_day and day > market.last_day:
            return _season_ended(market)
        if market.first_day and day < market.first_day:
            return _("%(market)s%(day)s才开市") % {
                "market": market.name,
                "day": month_day(market.first_day),
            }
    return ""


def _season_ended(market: Market) -> str:
    return _("%(market)s本季已于%(day)s收市") % {
        "market": market.name,
        "day": month_day(market.last_day),
    }


def registered_names(markets: Iterable[Market], today: date) -> set[str]:
    """Canonical names registered from today on that the vocabulary lacks (羊肚菌)."""
    names = RegisteredProduct.objects.filter(
        registration__market__in=list(markets),
        registration__last_day__gte=today,
        registration__cancelled_at__isnull=True,
    ).values_list("canonical", flat=True)
    return {n for n in names.distinct() if n not in vocabulary.SYNONYMS}


def ask(
    question: str, *, markets: Iterable[Market], today: date, reveal_phones: bool = False
) -> Answer:
    """Answer a resident's question from the book of these markets, as read on `today`.

    Per product asked: who registered for the market day (vendor, stall, and a masked phone
    only when `reveal_phones`), with the days left; without products, everyone registered.
    """
    markets = [m for m in markets if m.active]
    answer = Answer(question=question, today=today, markets=[m.name for m in markets])
    asked = parse_day(question, today)
    horizon_end = max(today, asked.day if asked else today) + timedelta(days=HORIZON)
    closed = closures_of(markets, min(today, asked.day if asked else today), horizon_end)
    wanted = parse_products(question, extra=registered_names(markets, today))

    def next_from(day: date) -> date | None:
        days = [next_market_day(m, day, closed=closed[m.pk]) for m in markets]
        days = [d for d in days if d is not None]
        return min(days) if days else None

    if asked is not None:
        answer.asked, answer.asked_day = asked.words, asked.day
        when = _("%(words)s（%(day)s）") % {"words": asked.words, "day": month_day(asked.day)}
        if asked.day < today:
            answer.next_day = next_from(today)
            answer.text = _("%(when)s已经过去了，%(next)s") % {
                "when": when,
                "next": _next_sentence(answer.next_day, today),
            }
            return answer
        held = [m for m in markets if scheduled(m, asked.day) and asked.day not in closed[m.pk]]
        if not held:
            answer.closed = _no_market_reason(markets, asked.day, closed)
            answer.next_day = next_from(asked.day)
            following = _next_sentence(answer.next_day, today)
            if answer.closed:
                answer.text = _("%(when)s没有集市：%(reason)s，%(next)s") % {
                    "when": when,
                    "reason": answer.closed,
                    "next": following,
                }
            else:
                answer.text = _("%(when)s没有集市，%(next)s") % {"when": when, "next": following}
            return answer
        day, day_words = asked.day, asked.words
        market_words = _("%(day)s的集市") % {"day": asked.words}
    else:
        day = next_from(today)
        if day is None:
            ended = [m for m in markets if m.last_day and m.last_day < today]
            if not markets:
                answer.text = _("这里还没有集市。")
            elif ended:
                answer.text = _("%(reason)s，近期没有集市安排。") % {
                    "reason": _season_ended(ended[0])
                }
            else:
                answer.text = _("近期没有集市安排。")
            return answer
        held = [m for m in markets if scheduled(m, day) and day not in closed[m.pk]]
        day_words = market_words = _("%(day)s的集市") % {"day": day_label(day)}

    answer.day, answer.days_left = day, (day - today).days
    listed = list(SeasonalProduce.objects.order_by("pk"))
    answer.in_season = [p.name for p in listed if day.month in months_of(p.months)]
    seasonal = {vocabulary.canonical(p.name): p for p in listed}
    lines = registrations_on(held, day, as_of=today)
    tail = days_left_phrase(answer.days_left)
    if not wanted:
        answer.vendors = [_stall(line, reveal_phones) for line in lines]
        answer.text = _everyone_sentence(market_words, answer.vendors, tail)
        return answer
    for product in wanted:
        selling = [
            line
            for line in lines
            if any(row.canonical == product.canonical for row in line.product_rows.all())
        ]
        known = seasonal.get(product.canonical)
        answer.products.append(
            ProductAnswer(
                word=product.word,
                canonical=product.canonical,
                vendors=[_stall(line, reveal_phones) for line in selling],
                in_season=None if known is None else day.month in months_of(known.months),
            )
        )
    answer.text = _products_sentence(day_words, answer.products, answer.days_left)
    return answer


def _next_sentence(next_day: date | None, today: date) -> str:
    if next_day is None:
        return _("近期没有集市安排。")
    return _("下一次集市是%(day)s，%(tail)s。") % {
        "day": day_label(next_day),
        "tail": days_left_phrase((next_day - today).days),
    }


def _everyone_sentence(day_words: str, stalls: list[Stall], tail: str) -> str:
    if not stalls:
        return _("%(day)s还没有人登记，%(tail)s。") % {"day": day_words, "tail": tail}
    lines = "；".join(
        _("%(vendor)s卖%(products)s") % {"vendor": s.label, "products": "、".join(s.products)}
        for s in stalls
    )
    return _("%(day)s已有%(n)s位摊主登记：%(lines)s。%(tail)s。") % {
        "day": day_words,
        "n": chinese_number(len(stalls)),
        "lines": lines,
        "tail": tail,
    }


def _products_sentence(day_words: str, answers: list[ProductAnswer], days_left: int) -> str:
    found = [a for a in answers if a.vendors]
    missing = [a for a in answers if not a.vendors]
    tail = days_left_phrase(days_left)
    if not found:
        text = _("还没有人登记卖%(products)s，%(tail)s。") % {
            "products": join_names([a.word for a in missing]),
            "tail": tail,
        }
    elif missing:
        text = _("目前只有卖%(products)s的登记了，%(tail)s。") % {
            "products": join_names([a.word for a in found]),
            "tail": days_left_phrase(days_left, soft=True),
        }
    elif len(found) == 1:
        text = _("%(day)s有卖%(product)s的：%(vendors)s，%(tail)s。") % {
            "day": day_words,
            "product": found[0].word,
            "vendors": join_names([s.label for s in found[0].vendors]),
            "tail": tail,
        }
    else:
        text = _("%(day)s卖%(products)s的都登记了，%(tail)s。") % {
            "day": day_words,
            "products": join_names([a.word for a in found]),
            "tail": tail,
        }
    off_season = [a.word for a in missing if a.in_season is False]
    if off_season:
        text += _("%(products)s现在不当季。") % {"products": join_names(off_season)}
    return text
