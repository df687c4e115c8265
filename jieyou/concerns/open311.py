"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2), JSON and XML.

A service is an active concern category. `POST requests` takes a form-encoded report from a
registered system (`api_key`, see `manage.py apikey`) and honours `Idempotency-Key`. Every GET
is public and carries no personal data: no phone, no names, descriptions through mask_text.
Errors are a list of `{code, description}` with 400, 403 or 404 (and 409/422 for a repeated
Idempotency-Key).

Where a report lands: the nearest compound or building with coordinates within
NEAREST_KM of lat/long; else the compound (and building) named in address_string or the
`building` attribute; else settings.JIEYOU_OPEN311_DEFAULT_AREA_CODE, or the root county.
"""

import functools
import math
from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from jieyou.core import idempotency
from jieyou.core.masking import mask_text
from jieyou.core.validators import normalize_phone
from jieyou.people.actions import token_digest
from jieyou.people.models import ApiClient
from jieyou.places import queries as places

from . import actions, xml
from .models import Category, Concern, ConcernEvent
from .states import ACTION_LABELS

S = Concern.Status
CLOSED = (S.CLOSED, S.REJECTED, S.MERGED)
NEAREST_KM = 3.0
DEFAULT_DAYS = 90
MAX_RESULTS = 1000
TOKEN_SALT = "jieyou.open311.token"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Categories whose reports are about a particular building ask which one.
BUILDING_CODES = {"WY", "WJ"}
# Group and keywords of the seeded categories, for clients that sort services into menus.
CATALOGUE = {
    "MD": ("社会治理", "邻里纠纷,家庭矛盾,调解"),
    "WJ": ("城市管理", "违建,私搭乱建,鸽棚,楼顶加盖"),
    "ZY": ("城市管理", "占道,楼道堆物,占用车位"),
    "HJ": ("城市管理", "垃圾,卫生,污水,噪音"),
    "WY": ("物业小区", "物业,电梯,门禁,地下室"),
    "SD": ("公共服务", "停水,停电,燃气,供暖"),
    "YL": ("民生保障", "养老,助残,独居老人"),
    "BM": ("民生保障", "便民,办事,代办"),
    "ZC": ("民生保障", "政策,咨询,补贴"),
    "AQ": ("公共安全", "安全隐患,消防,飞线充电"),
    "QY": ("营商环境", "企业,个体户,营商"),
    "QT": ("其他", "其他"),
}


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


def _render(fmt: str, data, *, root: str, item: str | None = None, status: int = 200):
    if fmt == "xml":
        return HttpResponse(
            xml.render(data, root=root, item=item), status=status, content_type=CONTENT_TYPES["xml"]
        )
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _errors(fmt: str, code: int, description: str) -> HttpResponse:
    return _render(
        fmt, [{"code": code, "description": description}], root="errors", item="error", status=code
    )


def open311(view):
    """Answer an Open311Error in the format the client asked for."""

    @functools.wraps(view)
    def wrapped(request, *args, fmt, **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _errors(fmt, exc.code, exc.description)

    return wrapped


def _local(dt: datetime | None) -> str | None:
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def _hours(category: Category) -> str:
    notice = _("受理后%(r)d小时内响应，%(d)d小时内办结") % {
        "r": category.response_hours,
        "d": category.resolution_hours,
    }
    return notice + (_("（按工作日计）") if category.working_days else "")


def _service(category: Category) -> dict:
    group, keywords = CATALOGUE.get(category.code, (None, category.name))
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _hours(category),
        "metadata": True,
        "type": "realtime",
        "keywords": keywords,
        "group": group,
    }


def _attributes(category: Category) -> list[dict]:
    attributes = [
        {
            "variable": True,
            "code": "urgency",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("不填为“一般”"),
            "order": 1,
            "description": _("紧急程度"),
            "values": [{"key": k, "name": str(v)} for k, v in Concern.Urgency.choices],
        }
    ]
    if category.code in BUILDING_CODES:
        attributes.append(
            {
                "variable": True,
                "code": "building",
                "datatype": "string",
                "required": False,
                "datatype_description": _("例如“7号楼”"),
                "order": 2,
                "description": _("问题所在楼栋"),
            }
        )
    return attributes


def _category(code: str) -> Category:
    found = Category.objects.filter(code=code, active=True).first()
    if found is None:
        raise Open311Error(404, _("service_code 不存在：%(c)s") % {"c": code})
    return found


@require_GET
@open311
def discovery(request, *, fmt):
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": fmt}))
    data = {
        "changeset": "2025-01-01T00:00:00+08:00",
        "contact": _("请联系县级平台管理员申请接入密钥（api_key）"),
        "key_service": _("由县级平台管理员使用 manage.py apikey create 创建"),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base.rsplit("/", 1)[0],
                "changeset": "2025-01-01T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(fmt, data, root="discovery")


@require_GET
@open311
def services(request, *, fmt):
    data = [_service(c) for c in Category.objects.filter(active=True)]
    return _render(fmt, data, root="services", item="service")


@require_GET
@open311
def service_definition(request, code, *, fmt):
    category = _category(code)
    data = {"service_code": category.code, "attributes": _attributes(category)}
    return _render(fmt, data, root="service_definition")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311
def requests(request, *, fmt):
    if request.method == "GET":
        return _render(fmt, _find(request.GET), root="service_requests", item="request")
    client = _client(request.POST.get("api_key", ""))
    return idempotency.once(
        request,
        owner=f"client:{client.pk}",
        # The fields, not the raw bytes: an urlencoded and a multipart sending are one request.
        body=urlencode(sorted(request.POST.lists()), doseq=True).encode(),
        run=lambda: _create(request.POST, client, fmt),
        error=lambda code, message: _errors(fmt, code, message),
    )


@require_GET
@open311
def request_detail(request, request_id, *, fmt):
    found = _find({"service_request_id": request_id})
    if not found:
        raise Open311Error(404, _("service_request_id 不存在：%(id)s") % {"id": request_id})
    return _render(fmt, found, root="service_requests", item="request")


@require_GET
@open311
def token(request, token_id, *, fmt):
    try:
        pk = signing.Signer(salt=TOKEN_SALT).unsign(token_id)
    except signing.BadSignature:
        raise Open311Error(404, _("token 不存在")) from None
    data = [{"service_request_id": pk, "token": token_id}]
    return _render(fmt, data, root="service_requests", item="request")


def _client(key: str) -> ApiClient:
    if not key:
        raise Open311Error(403, _("缺少 api_key"))
    found = ApiClient.objects.filter(digest=token_digest(key), revoked_at__isnull=True).first()
    if found is None:
        raise Open311Error(403, _("api_key 无效或已停用"))
    return found


def _number(form, name: str, limit: float) -> float | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, _("%(p)s 必须是数字") % {"p": name}) from None
    if not math.isfinite(value) or abs(value) > limit:
        raise Open311Error(400, _("%(p)s 超出范围") % {"p": name})
    return value


def _create(form, client: ApiClient, fmt: str) -> HttpResponse:
    code = form.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("缺少 service_code"))
    category = _category(code)
    description = form.get("description", "")
    if len(description) > 4000:
        raise Open311Error(400, _("description 不能超过4000字"))
    if not description.strip():
        raise Open311Error(400, _("缺少 description"))
    lat, lon = _number(form, "lat", 90), _number(form, "long", 180)
    if (lat is None) != (lon is None):
        raise Open311Error(400, _("lat 和 long 须同时提供"))
    urgency = form.get("attribute[urgency]", "") or Concern.Urgency.NORMAL
    if urgency not in Concern.Urgency.values:
        raise Open311Error(400, _("attribute[urgency] 的取值无效：%(v)s") % {"v": urgency})
    phone = ""
    if form.get("phone", "").strip():
        try:
            phone = normalize_phone(form["phone"])
        except ValidationError:
            raise Open311Error(400, _("phone 格式不正确")) from None
    building = form.get("attribute[building]", "").strip() if code in BUILDING_CODES else ""
    address = " ".join(p for p in (form.get("address_string", "").strip(), building) if p)
    area = (
        (places.nearest_place(lat, lon, within_km=NEAREST_KM) if lat is not None else None)
        or places.place_named_in(address)
        or places.area_or_root(settings.JIEYOU_OPEN311_DEFAULT_AREA_CODE)
    )
    name = f"{form.get('last_name', '').strip()}{form.get('first_name', '').strip()}"
    try:
        concern = actions.concern_submit_by_client(
            client=client,
            category=category,
            description=description,
            area=area,
            address=address[:200],
            latitude=None if lat is None else round(Decimal(str(lat)), 6),
            longitude=None if lon is None else round(Decimal(str(lon)), 6),
            contact_phone=phone,
            contact_name=name[:50],
            urgency=urgency,
        )
    except ValidationError as exc:
        raise Open311Error(400, exc.messages[0]) from None
    data = [
        {
            "service_request_id": str(concern.pk),
            "token": signing.Signer(salt=TOKEN_SALT).sign(str(concern.pk)),
            "service_notice": _hours(category),
            "account_id": None,
        }
    ]
    return _render(fmt, data, root="service_requests", item="request")


def _when(raw: str, name: str, *, end: bool = False) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        day = None if moment else parse_date(raw)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    if moment is None:
        raise Open311Error(400, _("%(p)s 须为 ISO 8601 日期时间") % {"p": name})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _find(params) -> list[dict]:
    concerns = Concern.objects.select_related("category", "area", "lead_unit")
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        # The spec: with ids given, every other filter is ignored.
        if not all(i.isdigit() for i in ids):
            raise Open311Error(400, _("service_request_id 须为数字，多个用逗号分隔"))
        concerns = concerns.filter(pk__in=ids)
    else:
        concerns = _filtered(concerns, params)
    latest = ConcernEvent.objects.filter(concern=OuterRef("pk")).order_by("-at", "-id")
    concerns = concerns.annotate(
        last_action=Subquery(latest.values("action")[:1]),
        last_at=Subquery(latest.values("at")[:1]),
    ).order_by("-submitted_at", "-pk")[:MAX_RESULTS]
    return [_request(c) for c in concerns]


def _filtered(concerns, params):
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    if codes:
        concerns = concerns.filter(category__code__in=codes)
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status 只能是 open 或 closed"))
    if statuses == {"open"}:
        concerns = concerns.exclude(status__in=CLOSED)
    elif statuses == {"closed"}:
        concerns = concerns.filter(status__in=CLOSED)
    start = _when(params.get("start_date", ""), "start_date")
    end = _when(params.get("end_date", ""), "end_date", end=True)
    if start is None and end is None:
        start = timezone.now() - timedelta(days=DEFAULT_DAYS)
    if start is not None:
        concerns = concerns.filter(submitted_at__gte=start)
    if end is not None:
        concerns = concerns.filter(submitted_at__lt=end)
    return concerns


def _request(concern: Concern) -> dict:
    closed = concern.status in CLOSED
    return {
        "service_request_id": str(concern.pk),
        "status": "closed" if closed else "open",
        "status_notes": str(ACTION_LABELS.get(concern.last_action, concern.get_status_display())),
        "service_name": concern.category.name,
        "service_code": concern.category.code,
        "description": mask_text(concern.description),
        "agency_responsible": concern.lead_unit.name if concern.lead_unit_id else None,
        "service_notice": _hours(concern.category),
        "requested_datetime": _local(concern.submitted_at),
        "updated_datetime": _local(
            concern.closed_at if closed and concern.closed_at else concern.last_at
        ),
        "expected_datetime": _local(concern.resolution_due),
        "address": mask_text(concern.address) or concern.area.name,
        "address_id": str(concern.area_id),
        "zipcode": None,
        "lat": float(concern.latitude) if concern.latitude is not None else None,
        "long": float(concern.longitude) if concern.longitude is not None else None,
        "media_url": None,
    }
