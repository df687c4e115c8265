"""The market book (集市登记本) changed: markets and their closures, vendors' registrations,
the seasonal produce list. Only the keepers of the market's community may change it.

A registration covers every market day from its first to its last day. Its products are kept
one row each under their canonical name (products.canonical), so that the question "有卖白菜
的吗" finds the vendor who wrote 黄芽白. Vendors' phone numbers are personal data: stored once
in E.164, never written into the audit log, revealed only one audited look at a time.
"""

import re
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieyou.core import audit
from jieyou.core.validators import normalize_phone
from jieyou.people import access
from jieyou.people.models import Staff

from .. import products as vocabulary
from ..errors import PointsError
from ..models import (
    Market,
    MarketClosure,
    RegisteredProduct,
    SeasonalProduce,
    ServicePoint,
    Vendor,
    VendorRegistration,
)
from ..queries.market import market_days, scheduled
from ..scope import may_keep

# Registrations reach at most this far: a season, not a standing order.
LONGEST_REGISTRATION = timedelta(days=366)
# The seasonal list is the county's: its admin and the community secretaries who set what
# their market sells keep it.
SEASONAL_ROLES = {Staff.Role.COUNTY_ADMIN, Staff.Role.COMMUNITY_SECRETARY}


def _refuse(field: str, message: str):
    raise PointsError({field: [message]})


def _check_keeper(actor, point: ServicePoint) -> None:
    """`actor=None` is the system itself (the demo loader, a command), never a web request."""
    if actor is not None and not may_keep(actor, point.community):
        _refuse("market", _("集市：您无权维护该社区的集市登记本"))


def _day_text(day: date) -> str:
    return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def _weekdays(value) -> str:
    """ "5", "1,3,5", "135" or [1, 3, 5] → "135"."""
    if isinstance(value, str):
        digits = re.sub(r"[\s,，、]", "", value)
    else:
        digits = "".join(str(v) for v in value or ())
    if not digits or any(ch not in "1234567" for ch in digits):
        _refuse("weekdays", _("集市日：须填 1 到 7 的数字（1=周一 … 7=周日），如 5 表示每周五"))
    return "".join(sorted(set(digits)))


def market_save(
    *,
    actor,
    point: ServicePoint,
    market: Market | None = None,
    name: str,
    weekdays,
    opens: time | None = None,
    closes: time | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    active: bool = True,
) -> Market:
    """Create a market at a point (market=None) or change one; a market stays at its point."""
    _check_keeper(actor, point)
    if market is not None and market.point_id != point.pk:
        _refuse("point", _("解忧铺：集市不能移到别的解忧铺"))
    name = (name or "").strip()
    if not name:
        _refuse("name", _("名称：不能为空"))
    if len(name) > 50:
        _refuse("name", _("名称：不能超过50个字"))
    same_name = Market.objects.filter(point=point, name=name)
    if market is not None:
        same_name = same_name.exclude(pk=market.pk)
    if same_name.exists():
        _refuse("name", _("名称：本解忧铺已有同名的集市"))
    days = _weekdays(weekdays)
    if (opens is None) != (closes is None):
        _refuse("closes", _("开市、闭市时间：须同时填写或同时留空"))
    if opens is not None and closes <= opens:
        _refuse("closes", _("闭市时间：须晚于开市时间"))
    if first_day and last_day and last_day < first_day:
        _refuse("last_day", _("截止日期：不能早于起始日期"))
    values = {
        "name": name,
        "weekdays": days,
        "opens": opens,
        "closes": closes,
        "first_day": first_day,
        "last_day": last_day,
        "active": active,
    }
    with transaction.atomic():
        if market is None:
            market = Market.objects.create(point=point, **values)
            audit.record("market.create", actor=actor, obj=market, detail={"name": name})
            return market
        market = Market.objects.select_for_update().get(pk=market.pk)
        changed = [f for f, v in values.items() if getattr(market, f) != v]
        for f in changed:
            setattr(market, f, values[f])
        if changed:
            market.save(update_fields=changed)
            audit.record("market.update", actor=actor, obj=market, detail={"fields": changed})
    return market


def closure_add(*, actor, market: Market, day: date, reason: str) -> MarketClosure:
    """Call off one market day (snow, a holiday); its registrations stay in the book."""
    _check_keeper(actor, market.point)
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("原因：请写明停市原因"))
    if len(reason) > 100:
        _refuse("reason", _("原因：不能超过100个字"))
    if not scheduled(market, day):
        _refuse("day", _("日期：%(day)s 不是该集市的集市日") % {"day": _day_text(day)})
    with transaction.atomic():
        Market.objects.select_for_update().get(pk=market.pk)
        if MarketClosure.objects.filter(market=market, day=day).exists():
            _refuse("day", _("日期：%(day)s 已登记停市") % {"day": _day_text(day)})
        closure = MarketClosure.objects.create(market=market, day=day, reason=reason)
        audit.record(
            "market.closure_add",
            actor=actor,
            obj=closure,
            detail={"market": market.pk, "day": day.isoformat(), "reason": reason},
        )
    return closure


def closure_remove(*, actor, closure: MarketClosure) -> None:
    """The market takes place after all."""
    _check_keeper(actor, closure.market.point)
    with transaction.atomic():
        audit.record(
            "market.closure_remove",
            actor=actor,
            obj=closure,
            detail={"market": closure.market_id, "day": closure.day.isoformat()},
        )
        closure.delete()


def _phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        _refuse("phone", _("手机号：不能为空，登记本要能联系到摊主"))
    try:
        return normalize_phone(value)
    except ValidationError as error:
        _refuse("phone", _("手机号：%(rule)s") % {"rule": error.messages[0]})


def _product_rows(text: str) -> list[tuple[str, str]]:
    """(name as written, canonical name) for each product of a book line, each product once."""
    rows, seen = [], set()
    for name in vocabulary.split_products(text):
        if len(name) > vocabulary.MAX_NAME:
            _refuse(
                "products",
                _("品种：“%(name)s”太长，每个品种不超过%(n)d个字，多个品种用顿号隔开")
                % {"name": name, "n": vocabulary.MAX_NAME},
            )
        canonical = vocabulary.canonical(name)
        if canonical not in seen:
            seen.add(canonical)
            rows.append((name, canonical))
    if not rows:
        _refuse("products", _("品种：请至少填写一个品种，多个品种用顿号隔开"))
    return rows


def _shared_day(market, first_a, last_a, first_b, last_b) -> date | None:
    """The first market day two registrations both cover, if any."""
    start, end = max(first_a, first_b), min(last_a, last_b)
    days = market_days(market, start, end) if start <= end else []
    return days[0] if days else None


def vendor_register(
    *,
    actor,
    market: Market,
    name: str,
    phone: str,
    products: str,
    first_day: date,
    last_day: date | None = None,
    stall: str = "",
    note: str = "",
) -> VendorRegistration:
    """Write a line in the book: this vendor (found by name and phone, or added) brings these
    products on every market day from first_day to last_day (one day when last_day is None).

    Refused: dates holding no market day, a vendor already in the book for one of those days,
    a stall another vendor holds on one of them.
    """
    _check_keeper(actor, market.point)
    if actor is None:
        _refuse("market", _("登记人：须由工作人员登记"))
    if not market.active:
        _refuse("market", _("集市：该集市已停用"))
    name = (name or "").strip()
    if not name:
        _refuse("name", _("摊主：姓名不能为空"))
    if len(name) > 50:
        _refuse("name", _("摊主：姓名不能超过50个字"))
    phone = _phone(phone)
    rows = _product_rows(products)
    products_text = "、".join(n for n, _c in rows)
    if len(products_text) > 200:
        _refuse("products", _("品种：合计不能超过200个字"))
    stall = (stall or "").strip()
    if len(stall) > 20:
        _refuse("stall", _("摊位：不能超过20个字"))
    note = (note or "").strip()[:100]
    last_day = last_day or first_day
    if last_day < first_day:
        _refuse("last_day", _("至：不能早于开始日期"))
    if last_day - first_day > LONGEST_REGISTRATION:
        _refuse("last_day", _("至：一次登记最长一年"))
    days = market_days(market, first_day, last_day)
    if not days:
        _refuse(
            "first_day",
            _("日期：%(start)s 至 %(end)s 之间没有集市日")
            % {"start": _day_text(first_day), "end": _day_text(last_day)},
        )
    with transaction.atomic():
        # One book per market: lines are checked against each other one at a time.
        Market.objects.select_for_update().get(pk=market.pk)
        vendor = Vendor.objects.filter(name=name, phone=phone).first()
        if vendor is None:
            vendor = Vendor.objects.create(name=name, phone=phone, note=note)
            audit.record("market.vendor_create", actor=actor, obj=vendor, detail={"name": name})
        others = VendorRegistration.objects.filter(
            market=market,
            cancelled_at__isnull=True,
            first_day__lte=last_day,
            last_day__gte=first_day,
        ).select_related("vendor")
        for other in others:
            if other.vendor_id != vendor.pk and not (stall and other.stall == stall):
                continue
            shared = _shared_day(market, first_day, last_day, other.first_day, other.last_day)
            if shared is None:
                continue
            if other.vendor_id == vendor.pk:
                _refuse(
                    "first_day",
                    _("日期：%(vendor)s 在 %(day)s 已有登记，请先取消原登记")
                    % {"vendor": name, "day": _day_text(shared)},
                )
            _refuse(
                "stall",
                _("摊位：%(stall)s 在 %(day)s 已由 %(vendor)s 登记")
                % {"stall": stall, "day": _day_text(shared), "vendor": other.vendor.name},
            )
        registration = VendorRegistration.objects.create(
            market=market,
            vendor=vendor,
            products=products_text,
            stall=stall,
            first_day=first_day,
            last_day=last_day,
            registered_by=actor,
        )
        RegisteredProduct.objects.bulk_create(
            RegisteredProduct(registration=registration, name=n, canonical=c) for n, c in rows
        )
        audit.record(
            "market.vendor_register",
            actor=actor,
            obj=registration,
            detail={
                "market": market.pk,
                "vendor": vendor.pk,
                "products": products_text,
                "first_day": first_day.isoformat(),
                "last_day": last_day.isoformat(),
                "market_days": len(days),
            },
        )
    return registration


def registration_cancel(*, actor, registration: VendorRegistration, reason: str = "") -> None:
    """Strike a line from the book; it stays there, marked cancelled."""
    _check_keeper(actor, registration.market.point)
    with transaction.atomic():
        registration = VendorRegistration.objects.select_for_update().get(pk=registration.pk)
        if registration.cancelled_at is not None:
            _refuse("registration", _("登记：这条登记已经取消过了"))
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["cancelled_at"])
        audit.record(
            "market.registration_cancel",
            actor=actor,
            obj=registration,
            detail={"reason": (reason or "").strip()[:200]},
        )


def vendor_reveal(*, actor, vendor: Vendor) -> str:
    """One vendor's full number for a role that calls vendors, with an audit record."""
    if not access.scope_for(actor).can_unmask:
        _refuse("phone", _("手机号：您的角色不能查看完整号码"))
    audit.record("market.vendor_reveal", actor=actor, obj=vendor, detail={"field": "phone"})
    return vendor.phone


def may_edit_seasonal(user) -> bool:
    return access.scope_for(user).role in SEASONAL_ROLES


def _months(value) -> str:
    """ "9,10,11,12", "9-12", "11-2" (over the new year) or [9, 10] → "9,10,11,12"."""
    if not isinstance(value, str):
        value = ",".join(str(v) for v in value or ())
    months: list[int] = []
    for part in re.split(r"[,，、\s]+", value.strip()):
        if not part:
            continue
        span = re.fullmatch(r"(\d{1,2})\s*[-~—至到]\s*(\d{1,2})", part)
        if span:
            start, end = int(span[1]), int(span[2])
            if not (1 <= start <= 12 and 1 <= end <= 12):
                _refuse("months", _("上市月份：月份须在 1 到 12 之间"))
            month = start
            while True:
                months.append(month)
                if month == end:
                    break
                month = month % 12 + 1
        elif part.isdigit() and 1 <= int(part) <= 12:
            months.append(int(part))
        else:
            _refuse("months", _("上市月份：“%(part)s”不是 1 到 12 的月份") % {"part": part})
    if not months:
        _refuse("months", _("上市月份：请至少填写一个月份，如 9,10,11 或 9-11"))
    return ",".join(str(m) for m in sorted(set(months)))


def seasonal_produce_save(
    *, actor, name: str, months, produce: SeasonalProduce | None = None
) -> SeasonalProduce:
    """Put a product on the seasonal list, or change its months (produce given)."""
    if actor is not None and not may_edit_seasonal(actor):
        _refuse("name", _("时令农产品：只有县管理员和社区书记可以维护"))
    name = (name or "").strip()
    if not name:
        _refuse("name", _("品名：不能为空"))
    if len(name) > 20:
        _refuse("name", _("品名：不能超过20个字"))
    month_text = _months(months)
    taken = SeasonalProduce.objects.filter(name=name)
    if produce is not None:
        taken = taken.exclude(pk=produce.pk)
    if taken.exists():
        _refuse("name", _("品名：“%(name)s”已在时令表中") % {"name": name})
    with transaction.atomic():
        if produce is None:
            produce = SeasonalProduce.objects.create(name=name, months=month_text)
        else:
            produce = SeasonalProduce.objects.select_for_update().get(pk=produce.pk)
            produce.name, produce.months = name, month_text
            produce.save(update_fields=["name", "months"])
        audit.record(
            "market.seasonal_save",
            actor=actor,
            obj=produce,
            detail={"name": name, "months": month_text},
        )
    return produce


def seasonal_produce_remove(*, actor, produce: SeasonalProduce) -> None:
    if actor is not None and not may_edit_seasonal(actor):
        _refuse("name", _("时令农产品：只有县管理员和社区书记可以维护"))
    with transaction.atomic():
        audit.record(
            "market.seasonal_remove", actor=actor, obj=produce, detail={"name": produce.name}
        )
        produce.delete()
