"""/api/v1/points/market/: markets, their days with the vendors registered (phones masked), the
market question and vendor registration, scoped like the pages (out of scope: 404).

`GET /public/ask` needs no account and reveals only what a point's public page does: vendor
names and stalls, never a phone number.
"""

from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jieyou.core.masking import mask_phone
from jieyou.people import access

from . import scope
from .actions import market as actions
from .models import SeasonalProduce, ServicePoint, VendorRegistration
from .queries import market as queries

router = Router()
QUESTION_LENGTH = 100
# A long enough look ahead for a season's book, short enough to answer quickly.
LONGEST_SPAN = timedelta(days=120)


class FormErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


class MarketOut(Schema):
    id: int
    name: str
    point_id: int
    point: str
    community: str
    weekdays: str
    schedule: str
    opens: time | None
    closes: time | None
    first_day: date | None
    last_day: date | None
    active: bool

    @staticmethod
    def resolve_point(obj):
        return obj.point.name

    @staticmethod
    def resolve_community(obj):
        return obj.point.community.name

    @staticmethod
    def resolve_schedule(obj):
        return queries.schedule_label(obj)


class LineOut(Schema):
    id: int
    market_id: int
    vendor_id: int
    vendor: str
    phone: str
    products: list[str]
    canonical: list[str]
    stall: str
    first_day: date
    last_day: date
    cancelled: bool

    @staticmethod
    def resolve_vendor(obj):
        return obj.vendor.name

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.vendor.phone)

    @staticmethod
    def resolve_products(obj):
        return [row.name for row in obj.product_rows.all()]

    @staticmethod
    def resolve_canonical(obj):
        return [row.canonical for row in obj.product_rows.all()]

    @staticmethod
    def resolve_cancelled(obj):
        return obj.cancelled_at is not None


class DayOut(Schema):
    day: date
    market_id: int
    closed: str
    lines: list[LineOut]

    @staticmethod
    def resolve_market_id(obj):
        return obj.market.pk


class RegistrationIn(Schema):
    name: str
    phone: str
    products: str
    first_day: date
    last_day: date | None = None
    stall: str = ""
    note: str = ""


class CancelIn(Schema):
    reason: str = ""


class StallOut(Schema):
    vendor: str
    stall: str
    label: str
    phone: str
    products: list[str]
    market: str


class PublicStallOut(Schema):
    vendor: str
    stall: str
    label: str
    products: list[str]
    market: str


class ProductAnswerOut(Schema):
    word: str
    canonical: str
    in_season: bool | None
    vendors: list[StallOut]


class PublicProductAnswerOut(Schema):
    word: str
    canonical: str
    in_season: bool | None
    vendors: list[PublicStallOut]


class _Answer(Schema):
    question: str
    today: date
    text: str
    asked: str
    asked_day: date | None
    day: date | None
    days_left: int | None
    closed: str
    next_day: date | None
    markets: list[str]
    in_season: list[str]


class AnswerOut(_Answer):
    products: list[ProductAnswerOut]
    vendors: list[StallOut]


class PublicAnswerOut(_Answer):
    products: list[PublicProductAnswerOut]
    vendors: list[PublicStallOut]


def _reads(user) -> None:
    if not scope.communities_for(user).exists():
        raise Http404


def _market(user, market_id: int):
    return access.get_or_404(queries.markets_for(user), pk=market_id)


def _line(pk: int) -> VendorRegistration:
    return (
        VendorRegistration.objects.select_related("vendor")
        .prefetch_related("product_rows")
        .get(pk=pk)
    )


def _blank_question():
    return Status(
        422,
        {"detail": _("数据校验未通过"), "errors": {"q": [_("问题：请输入要问的话")]}},
    )


@router.get("/markets", response=list[MarketOut], summary="集市列表")
def market_list(request):
    user = request.auth
    _reads(user)
    return list(queries.markets_for(user).order_by("point__community__path", "name"))


@router.get("/markets/{market_id}", response=MarketOut, summary="集市详情")
def market_detail(request, market_id: int):
    return _market(request.auth, market_id)


@router.get(
    "/markets/{market_id}/days",
    response=list[DayOut],
    summary="集市日及登记的摊主（手机号脱敏；停市日注明原因）",
)
def market_days(request, market_id: int, start: date | None = None, end: date | None = None):
    market = _market(request.auth, market_id)
    start = start or timezone.localdate()
    end = end or start + timedelta(weeks=8) - timedelta(days=1)
    end = min(end, start + LONGEST_SPAN)
    return queries.book([market], start, end)


@router.post(
    "/markets/{market_id}/registrations",
    response={201: LineOut, 422: FormErrors},
    summary="登记摊主（同名同手机号的摊主只建一次）",
)
def registration_create(request, market_id: int, payload: RegistrationIn):
    user = request.auth
    market = _market(user, market_id)
    if not scope.may_keep(user, market.point.community):
        raise Http404
    try:
        line = actions.vendor_register(actor=user, market=market, **payload.dict())
    except ValidationError as error:
        errors = (
            {f: [str(m) for m in ms] for f, ms in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"__all__": [str(m) for m in error.messages]}
        )
        return Status(422, {"detail": _("数据校验未通过"), "errors": errors})
    return Status(201, _line(line.pk))


@router.post(
    "/registrations/{registration_id}/cancel",
    response={200: LineOut, 422: FormErrors},
    summary="取消一条登记",
)
def registration_cancel(request, registration_id: int, payload: CancelIn):
    user = request.auth
    line = access.get_or_404(queries.registrations_for(user), pk=registration_id)
    if not scope.may_keep(user, line.market.point.community):
        raise Http404
    try:
        actions.registration_cancel(actor=user, registration=line, reason=payload.reason)
    except ValidationError as error:
        return Status(
            422,
            {"detail": _("数据校验未通过"), "errors": {"registration": error.messages}},
        )
    return _line(line.pk)


@router.get(
    "/ask",
    response={200: AnswerOut, 422: FormErrors},
    summary="集市问答：按登记本回答“周五的集市有卖白菜和大葱的吗？”（手机号脱敏）",
)
def ask(request, q: str, point: int | None = None, today: date | None = None):
    user = request.auth
    _reads(user)
    markets = queries.markets_for(user).filter(active=True)
    if point is not None:
        found = access.get_or_404(scope.points_for(user), pk=point)
        markets = markets.filter(point=found)
    if not q.strip():
        return _blank_question()
    return queries.ask(
        q.strip()[:QUESTION_LENGTH],
        markets=markets,
        today=today or timezone.localdate(),
        reveal_phones=True,
    )


@router.get(
    "/public/ask",
    response={200: PublicAnswerOut, 422: FormErrors},
    auth=None,
    summary="居民的集市问答（无需登录；只含摊主姓名和摊位，不含手机号）",
)
def public_ask(request, q: str, point: int):
    found = get_object_or_404(ServicePoint, pk=point, active=True)
    if not q.strip():
        return _blank_question()
    markets = found.markets.filter(active=True)
    return queries.ask(q.strip()[:QUESTION_LENGTH], markets=markets, today=timezone.localdate())


class SeasonalOut(Schema):
    id: int
    name: str
    months: list[int]
    in_season: bool


@router.get("/seasonal", response=list[SeasonalOut], summary="时令蔬菜瓜果及上市月份")
def seasonal_list(request, month: int | None = None):
    _reads(request.auth)
    month = month or timezone.localdate().month
    return [
        {
            "id": p.pk,
            "name": p.name,
            "months": sorted(queries.months_of(p.months)),
            "in_season": month in queries.months_of(p.months),
        }
        for p in SeasonalProduce.objects.all()
    ]
