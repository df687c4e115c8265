"""Reading and checking a 12345 hotline work-order sheet (xlsx) before anything is written.

`check_orders` reads the whole file and returns every problem with the spreadsheet's row
number, like the resident roster import (whose file checks and problem list it reuses).
Orders already imported (same 工单编号) are listed and skipped, so a sheet can be imported
again after the next day's orders were added to it. `actions.concerns_import_12345` writes.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from rapidfuzz import fuzz

from jieyou.core.masking import mask_text
from jieyou.core.validators import normalize_phone
from jieyou.people.roster_import import (
    _HEADER_NOISE,
    LOOKUP_BATCH,
    RosterCheck,
    _numbered,
    _open,
)
from jieyou.places import queries as places
from jieyou.places.models import Area

from .models import Category, Concern

ORDER, CALLED_AT, TEXT, ADDRESS, CATEGORY, PHONE = (
    "工单编号",
    "来电时间",
    "诉求内容",
    "地址",
    "分类",
    "联系电话",
)
COLUMNS = (ORDER, CALLED_AT, TEXT, ADDRESS, CATEGORY, PHONE)
REQUIRED = (ORDER, CALLED_AT, TEXT)
ALIASES = {"工单号": ORDER, "受理时间": CALLED_AT, "来电内容": TEXT, "诉求地址": ADDRESS}
ALIASES |= {"问题分类": CATEGORY, "来电号码": PHONE, "电话": PHONE, "手机号": PHONE}
OTHER = "QT"
MAX_ORDER_CHARS = Concern._meta.get_field("external_id").max_length
MAX_TEXT_CHARS = 4000
MAX_ADDRESS_CHARS = Concern._meta.get_field("address").max_length
# A compound name this close to a stretch of the address counts as named there.
PLACE_MATCH = 85
SHANGHAI = ZoneInfo("Asia/Shanghai")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


class Order(NamedTuple):
    row: int
    external_id: str
    called_at: datetime
    description: str
    address: str
    category_id: int
    area_id: int
    phone: str


@dataclass
class OrderCheck(RosterCheck):
    orders: list[Order] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)  # written, with something to know


class _Places:
    """The compounds (and their buildings) of one community, found by name in an address."""

    def __init__(self, community: Area):
        self.community = community
        self.compounds: list[tuple[str, int]] = []
        self.buildings: dict[int, list[tuple[str, int]]] = {}
        rows = places.areas_under([community.path]).filter(
            kind__in=(Area.Kind.COMPOUND, Area.Kind.BUILDING)
        )
        for area in rows.values("pk", "name", "kind", "parent_id"):
            if area["kind"] == Area.Kind.COMPOUND:
                self.compounds.append((area["name"], area["pk"]))
            else:
                self.buildings.setdefault(area["parent_id"], []).append((area["name"], area["pk"]))

    def find(self, address: str) -> int | None:
        """The building or compound the address names; None when it names none of ours."""
        best, best_score = None, 0.0
        for name, pk in self.compounds:
            short = name.removesuffix("小区")
            if name in address or (len(short) >= 2 and short in address):
                score = 100.0
            else:
                score = fuzz.partial_ratio(name, address)
            if score > best_score:
                best, best_score = pk, score
        if best is None or best_score < PLACE_MATCH:
            return None
        for name, pk in self.buildings.get(best, ()):
            if name in address:
                return pk
        return best


def check_orders(fileobj, *, community: Area) -> OrderCheck:
    check = OrderCheck()
    workbook = _open(fileobj, check)
    if workbook is None:
        return check
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        _check_rows(sheet.iter_rows(values_only=True), community, check)
        if check.total == 0 and check.ok:
            check.error(2, "", _("表中没有工单（第1行是表头，从第2行起每行一张工单）"))
    finally:
        workbook.close()
    if check.orders:
        _skip_imported(check)
    check.finish()
    return check


def _header(values, check: OrderCheck) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    for index, value in enumerate(values or ()):
        if not isinstance(value, str):
            continue
        text = _HEADER_NOISE.sub("", value)
        column = ALIASES.get(text, text)
        if column in COLUMNS and column not in positions:
            positions[column] = index
    missing = [c for c in REQUIRED if c not in positions]
    for column in missing:
        check.error(
            1,
            column,
            _("缺少必填列“%(col)s”（第1行应为表头：%(all)s）")
            % {"col": column, "all": "、".join(COLUMNS)},
        )
    return None if missing else positions


def _check_rows(rows, community: Area, check: OrderCheck) -> None:
    rows = _numbered(rows, check)
    first = next(rows, None)
    header = _header(first[1] if first else None, check)
    if header is None:
        return
    letters = {column: get_column_letter(index + 1) for column, index in header.items()}
    categories = {c.name: c.pk for c in Category.objects.filter(active=True)}
    other = Category.objects.get(code=OTHER).pk
    where = _Places(community)
    seen: dict[str, int] = {}
    now = timezone.now()
    for number, values in rows:
        cells = {c: values[i] if i < len(values) else None for c, i in header.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        check.total += 1
        ok = True

        def error(column, reason, number=number):
            nonlocal ok
            ok = False
            check.error(number, column, reason, f"{letters.get(column, '')}{number}")

        texts = {}
        for column, value in cells.items():
            if column == CALLED_AT:
                continue
            if isinstance(value, str) and value[:1] == "=":
                error(column, _("不允许使用公式，请改为直接填写内容"))
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            texts[column] = "" if value is None else str(value).strip()

        order = texts.get(ORDER, "")
        if not order:
            error(ORDER, _("必填，不能为空"))
        elif len(order) > MAX_ORDER_CHARS:
            error(ORDER, _("工单编号过长，上限 %(max)d 字") % {"max": MAX_ORDER_CHARS})
        elif (earlier := seen.setdefault(order, number)) != number:
            error(ORDER, _("与第%(n)d行的工单编号重复") % {"n": earlier})

        called_at = _time(cells.get(CALLED_AT))
        if called_at is None:
            error(CALLED_AT, _("应为日期时间，例如 2024-07-15 09:30"))
        elif called_at > now:
            error(CALLED_AT, _("来电时间晚于现在"))

        description = texts.get(TEXT, "")
        if not description:
            error(TEXT, _("必填，不能为空"))
        elif len(description) > MAX_TEXT_CHARS:
            error(
                TEXT,
                _("诉求内容过长（%(n)d 字），上限 %(max)d")
                % {"n": len(description), "max": MAX_TEXT_CHARS},
            )

        address = texts.get(ADDRESS, "")
        if len(address) > MAX_ADDRESS_CHARS:
            error(ADDRESS, _("地址过长，上限 %(max)d 字") % {"max": MAX_ADDRESS_CHARS})

        phone = ""
        if text := texts.get(PHONE):
            try:
                phone = normalize_phone(text)
            except ValidationError:
                error(PHONE, _("电话号码格式不正确，应为11位手机号或带区号的固定电话"))

        if not ok:
            continue
        name = texts.get(CATEGORY, "")
        category = categories.get(name)
        if category is None:
            category = other
            check.notes.append(
                {
                    "row": number,
                    "column": CATEGORY,
                    "reason": _("分类“%(v)s”未识别，已归入“其他”") % {"v": mask_text(name)}
                    if name
                    else _("未填分类，已归入“其他”"),
                }
            )
        area = where.find(address) if address else None
        if area is None:
            area = community.pk
            check.notes.append(
                {
                    "row": number,
                    "column": ADDRESS,
                    "reason": _("地址中没有找到本社区的小区，地点记为%(c)s")
                    % {"c": community.name},
                }
            )
        check.orders.append(
            Order(number, order, called_at, description, address, category, area, phone)
        )


def _time(value) -> datetime | None:
    """来电时间 as an aware datetime; the sheet's times are Beijing time."""
    if isinstance(value, str):
        for pattern in TIME_FORMATS:
            try:
                value = datetime.strptime(value.strip(), pattern)
                break
            except ValueError:
                continue
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=SHANGHAI) if timezone.is_naive(value) else value


def _skip_imported(check: OrderCheck) -> None:
    ids = [o.external_id for o in check.orders]
    known: set[str] = set()
    for start in range(0, len(ids), LOOKUP_BATCH):
        known.update(
            Concern.objects.filter(external_id__in=ids[start : start + LOOKUP_BATCH]).values_list(
                "external_id", flat=True
            )
        )
    if not known:
        return
    fresh = []
    for order in check.orders:
        if order.external_id in known:
            check.duplicates.append(
                {
                    "row": order.row,
                    "column": ORDER,
                    "reason": _("工单 %(id)s 已导入过，本次跳过") % {"id": order.external_id},
                }
            )
        else:
            fresh.append(order)
    check.orders = fresh
