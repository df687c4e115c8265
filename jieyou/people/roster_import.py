"""Reading and checking a resident roster (xlsx) before anything is written.

`check_roster` reads the whole file once, in openpyxl's read-only mode, and returns every
problem with the spreadsheet's own row number, so that a secretary can fix the file in one
pass. It only reads the database (the community's compounds and buildings, and residents
already registered); `actions.roster_import` is the writer.
"""

import re
import zipfile
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from jieyou.core.masking import mask_text
from jieyou.core.validators import (
    id_number_birth_year,
    id_number_gender,
    normalize_id_number,
    normalize_phone,
)
from jieyou.places import queries as places
from jieyou.places.models import Area

from .models import Resident

SHEET = "居民花名册"
NAME, GENDER, BIRTH_YEAR, PHONE, ID_NUMBER = "姓名", "性别", "出生年份", "手机号", "身份证号"
COMPOUND, BUILDING, ROOM, TAGS = "小区", "楼栋", "房号", "标签"
COLUMNS = (NAME, GENDER, BIRTH_YEAR, PHONE, ID_NUMBER, COMPOUND, BUILDING, ROOM, TAGS)
REQUIRED = (NAME, COMPOUND)
# Headers people actually type for the same column.
ALIASES = {
    "手机": PHONE,
    "手机号码": PHONE,
    "联系电话": PHONE,
    "电话": PHONE,
    "身份证": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "公民身份号码": ID_NUMBER,
    "小区名称": COMPOUND,
    "楼号": BUILDING,
    "楼栋号": BUILDING,
    "房间号": ROOM,
    "门牌号": ROOM,
    "居民标签": TAGS,
}
MAX_CELL_CHARS = 200
MAX_NAME_CHARS = Resident._meta.get_field("name").max_length
MAX_ROOM_CHARS = 20
MAX_TAG_CHARS = 20
# A zip of 50 MB can unpack to gigabytes; openpyxl keeps all shared strings in memory.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
# Past this many, more lines help nobody: the file needs fixing at its source.
MAX_LISTED_PROBLEMS = 10_000
# The database's limit on bound parameters (SQLite) is far above this.
LOOKUP_BATCH = 900

_HEADER_NOISE = re.compile(r"[\s*＊]|[(（]\s*必填\s*[)）]")
_TAG_SPLIT = re.compile(r"[、，,\s]+")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?年?$")
_GENDERS = {"男": Resident.Gender.MALE, "女": Resident.Gender.FEMALE}
_GENDER_NAMES = {Resident.Gender.MALE: "男", Resident.Gender.FEMALE: "女"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class Row(NamedTuple):
    """One checked roster line, ready to write; kept small because a roster has 100,000."""

    row: int
    name: str
    gender: str
    birth_year: int | None
    phone: str
    id_number: str | None
    area_id: int
    building_id: int | None
    room: str
    tags: tuple[str, ...]


@dataclass
class RosterCheck:
    rows: list[Row] = field(default_factory=list)  # to be written
    errors: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)  # already registered: skipped
    total: int = 0  # data rows read (blank lines not counted)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def error(self, row: int | None, column: str, reason: str, cell: str = "") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_PROBLEMS:
            self.errors.append({"row": row, "column": column, "reason": reason, "cell": cell})

    def finish(self) -> None:
        hidden = self.error_count - len(self.errors)
        if hidden > 0:
            self.errors.append(
                {
                    "row": None,
                    "column": "",
                    "reason": _("另有 %(n)d 个问题未列出，请先改正以上问题后重新导入")
                    % {"n": hidden},
                    "cell": "",
                }
            )


def check_roster(fileobj, *, community: Area) -> RosterCheck:
    """Read and check a roster for one community; the result says what may be written."""
    check = RosterCheck()
    workbook = _open(fileobj, check)
    if workbook is None:
        return check
    try:
        if SHEET not in workbook.sheetnames:
            found = "、".join(mask_text(n) for n in workbook.sheetnames) or _("（无）")
            check.error(
                None,
                "",
                _("找不到工作表「%(sheet)s」；文件中的工作表有：%(found)s")
                % {"sheet": SHEET, "found": found},
            )
            return check
        sheet = workbook[SHEET]
        # The stored dimension is often wrong in files written by other programs.
        sheet.reset_dimensions()
        _check_rows(sheet.iter_rows(values_only=True), community, check)
        if check.total == 0 and check.ok:
            check.error(2, "", _("表中没有居民数据（第1行是表头，从第2行起每行一位居民）"))
    finally:
        workbook.close()
    if check.rows:
        _skip_registered(check, community)
    check.finish()
    return check


def _open(fileobj, check: RosterCheck):
    """The workbook, or None with one clear error when the file is not a usable xlsx."""
    limit = settings.JIEYOU_MAX_UPLOAD_BYTES
    size = _size(fileobj)
    if size > limit:
        check.error(
            None,
            "",
            _("文件过大（%(size).1f MB），上限 %(limit)d MB")
            % {"size": size / 2**20, "limit": limit // 2**20},
        )
        return None
    fileobj.seek(0)
    if fileobj.read(4) == _OLE_MAGIC:
        check.error(
            None,
            "",
            _("这是旧版 .xls 文件或加密的文件；请在 Excel 中“另存为” .xlsx（不加密）后再导入"),
        )
        return None
    fileobj.seek(0)
    not_xlsx = _("无法读取文件：不是有效的 Excel（.xlsx）文件，或文件已损坏")
    try:
        with zipfile.ZipFile(fileobj) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        check.error(None, "", not_xlsx)
        return None
    if unpacked > MAX_UNPACKED_BYTES:
        check.error(
            None,
            "",
            _("文件解压后过大（%(size)d MB），上限 %(limit)d MB；请分成几个文件导入")
            % {"size": unpacked // 2**20, "limit": MAX_UNPACKED_BYTES // 2**20},
        )
        return None
    fileobj.seek(0)
    try:
        return load_workbook(fileobj, read_only=True, data_only=False)
    # A damaged upload can fail inside openpyxl in many ways; each means the same to the user.
    except Exception:
        check.error(None, "", not_xlsx)
        return None


def _size(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
    return size


def _header(values, check: RosterCheck) -> dict[str, int] | None:
    """Column name → index, matched by header text in any order; None when unusable."""
    positions: dict[str, int] = {}
    for index, value in enumerate(values or ()):
        if not isinstance(value, str):
            continue
        text = _HEADER_NOISE.sub("", value)
        column = ALIASES.get(text, text)
        if column not in COLUMNS:
            continue
        if column in positions:
            check.error(
                1,
                column,
                _("“%(col)s”列出现了两次（%(a)s 列和 %(b)s 列）")
                % {
                    "col": column,
                    "a": get_column_letter(positions[column] + 1),
                    "b": get_column_letter(index + 1),
                },
            )
            continue
        positions[column] = index
    missing = [c for c in REQUIRED if c not in positions]
    for column in missing:
        check.error(
            1,
            column,
            _("缺少必填列“%(col)s”（第1行应为表头：%(all)s）")
            % {"col": column, "all": "、".join(COLUMNS)},
        )
    return None if missing or check.error_count else positions


class _Places:
    """The compounds and buildings of one community, looked up by the names people type."""

    def __init__(self, community: Area):
        self.community = community
        self.compounds: dict[str, int] = {}
        self.buildings: dict[tuple[int, str], int] = {}
        rows = (
            places.areas_under([community.path])
            .filter(kind__in=[Area.Kind.COMPOUND, Area.Kind.BUILDING])
            .values_list("pk", "name", "kind", "parent_id")
        )
        for pk, name, kind, parent_id in rows:
            if kind == Area.Kind.COMPOUND and parent_id == community.pk:
                self.compounds[name] = pk
            elif kind == Area.Kind.BUILDING:
                self.buildings[parent_id, name] = pk

    def building(self, compound_id: int, text: str) -> int | None:
        found = self.buildings.get((compound_id, text))
        if found is None and text.isdigit():
            # "7" in the sheet means 7号楼 (or 7栋, 7幢) in the place tree.
            for suffix in ("号楼", "栋", "幢", "号"):
                found = self.buildings.get((compound_id, text + suffix))
                if found is not None:
                    break
        return found

    def compound_hint(self) -> str:
        names = sorted(self.compounds)
        shown = "、".join(names[:10]) + ("…" if len(names) > 10 else "")
        return shown or _("（该社区还没有小区，请先在区划中添加）")


def _check_rows(rows, community: Area, check: RosterCheck) -> None:
    rows = _numbered(rows, check)
    first = next(rows, None)
    header = _header(first[1] if first else None, check)
    if header is None:
        return
    where = _Places(community)
    letters = {column: get_column_letter(index + 1) for column, index in header.items()}
    order = [(column, header[column]) for column in COLUMNS if column in header]
    this_year = timezone.localdate().year
    seen_ids: dict[str, int] = {}
    seen_phones: dict[tuple[str, str], int] = {}
    seen_rooms: dict[tuple[str, int, str], int] = {}
    for number, values in rows:
        texts, failed = _cells(values, order, number, letters, check)
        if texts is None:
            continue
        check.total += 1
        if failed:
            continue
        row = _check_row(number, texts, letters, where, this_year, check)
        if row is None or _repeated(row, seen_ids, seen_phones, seen_rooms, letters, check):
            continue
        check.rows.append(row)


def _numbered(rows, check: RosterCheck):
    """(spreadsheet row number, values); a sheet cut or damaged part-way ends in one error,
    and the rows before it are still checked."""
    number = 0
    try:
        for number, values in enumerate(rows, start=1):
            yield number, values
    # Damaged XML or zip data fails inside openpyxl or the XML parser in many ways.
    except Exception:
        check.error(
            number + 1, "", _("第%(n)d行起的内容无法读取，文件可能已损坏") % {"n": number + 1}
        )


def _cells(values, order, number: int, letters, check: RosterCheck):
    """(text by column, whether a cell failed its check); the text is None for a blank line."""
    texts: dict[str, str] = dict.fromkeys((column for column, _i in order), "")
    failed = False
    width = len(values)
    for column, index in order:
        value = values[index] if index < width else None
        if value is None:
            continue
        cell = f"{letters[column]}{number}"
        if isinstance(value, str):
            if value[:1] == "=":
                check.error(number, column, _("不允许使用公式，请改为直接填写内容"), cell)
                failed = True
                continue
            if len(value) > MAX_CELL_CHARS:
                check.error(
                    number,
                    column,
                    _("内容过长（%(n)d 字），上限 %(max)d")
                    % {"n": len(value), "max": MAX_CELL_CHARS},
                    cell,
                )
                failed = True
                continue
            texts[column] = value.strip()
        elif isinstance(value, bool):
            texts[column] = _("是") if value else _("否")
        elif isinstance(value, int):
            texts[column] = str(value)
        elif isinstance(value, float):
            if column == ID_NUMBER and value >= 1e15:
                check.error(
                    number,
                    column,
                    _("身份证号被存成了数字，后几位已丢失；请把这一列设为“文本”格式后重新填写"),
                    cell,
                )
                failed = True
                continue
            texts[column] = str(int(value)) if value.is_integer() else str(value)
        elif hasattr(value, "year") and column == BIRTH_YEAR:
            texts[column] = str(value.year)
        elif hasattr(value, "isoformat"):
            texts[column] = value.isoformat()
        else:
            # Array and data-table formulas arrive as objects rather than "=…" text.
            check.error(number, column, _("不允许使用公式，请改为直接填写内容"), cell)
            failed = True
    if not failed and not any(texts.values()):
        return None, False
    return texts, failed


def _check_row(number, texts, letters, where: _Places, this_year, check) -> Row | None:
    ok = True

    def error(column: str, reason: str) -> None:
        nonlocal ok
        ok = False
        check.error(number, column, reason, f"{letters[column]}{number}")

    name = texts[NAME]
    if not name:
        error(NAME, _("必填，不能为空"))
    elif len(name) > MAX_NAME_CHARS:
        error(
            NAME, _("姓名过长（%(n)d 字），上限 %(max)d") % {"n": len(name), "max": MAX_NAME_CHARS}
        )

    gender = ""
    if text := texts.get(GENDER):
        gender = _GENDERS.get(text, "")
        if not gender:
            error(GENDER, _("应填“男”或“女”"))

    birth_year = None
    if text := texts.get(BIRTH_YEAR):
        match = _YEAR.match(text)
        birth_year = int(match[1]) if match else None
        if birth_year is None or not 1900 <= birth_year <= this_year:
            birth_year = None
            error(BIRTH_YEAR, _("应为 1900 至 %(y)d 之间的四位年份") % {"y": this_year})

    phone = ""
    if text := texts.get(PHONE):
        try:
            phone = normalize_phone(text)
        except ValidationError:
            # The message of normalize_phone repeats the number; the row and column suffice.
            error(PHONE, _("手机号格式不正确，应为11位手机号或带区号的固定电话"))

    id_number = None
    if text := texts.get(ID_NUMBER):
        try:
            id_number = normalize_id_number(text)
        except ValidationError as e:
            error(ID_NUMBER, e.messages[0])
    if id_number:
        id_year, id_gender = id_number_birth_year(id_number), id_number_gender(id_number)
        if birth_year is None and not texts.get(BIRTH_YEAR):
            birth_year = id_year
        elif birth_year is not None and birth_year != id_year:
            error(BIRTH_YEAR, _("与身份证号中的出生年份（%(y)d）不一致") % {"y": id_year})
        if not gender and not texts.get(GENDER):
            gender = id_gender
        elif gender and gender != id_gender:
            error(GENDER, _("与身份证号中的性别（%(g)s）不一致") % {"g": _GENDER_NAMES[id_gender]})

    compound_id = building_id = None
    if text := texts[COMPOUND]:
        compound_id = where.compounds.get(text)
        if compound_id is None:
            error(
                COMPOUND,
                _("“%(v)s”不是%(c)s的小区；可选：%(hint)s")
                % {"v": mask_text(text), "c": where.community.name, "hint": where.compound_hint()},
            )
    else:
        error(COMPOUND, _("必填，不能为空"))
    if (text := texts.get(BUILDING)) and compound_id is not None:
        building_id = where.building(compound_id, text)
        if building_id is None:
            error(
                BUILDING,
                _("“%(v)s”不是“%(c)s”的楼栋") % {"v": mask_text(text), "c": texts[COMPOUND]},
            )

    room = texts.get(ROOM, "")
    if room:
        if len(room) > MAX_ROOM_CHARS:
            error(
                ROOM,
                _("房号过长（%(n)d 字），上限 %(max)d") % {"n": len(room), "max": MAX_ROOM_CHARS},
            )
        elif not texts.get(BUILDING):
            error(ROOM, _("填写房号时须同时填写楼栋"))

    tags: tuple[str, ...] = ()
    if text := texts.get(TAGS):
        tags = tuple(dict.fromkeys(t for t in _TAG_SPLIT.split(text) if t))
        for tag in tags:
            if len(tag) > MAX_TAG_CHARS:
                error(
                    TAGS,
                    _("标签“%(t)s”过长，上限 %(max)d 字")
                    % {"t": mask_text(tag), "max": MAX_TAG_CHARS},
                )

    if not ok:
        return None
    return Row(
        number,
        name,
        gender,
        birth_year,
        phone,
        id_number,
        building_id or compound_id,
        building_id,
        room,
        tags,
    )


def _repeated(row: Row, seen_ids, seen_phones, seen_rooms, letters, check) -> bool:
    """Report a person listed twice in the same file, on the later line."""
    if row.id_number:
        first = seen_ids.setdefault(row.id_number, row.row)
        if first != row.row:
            check.error(
                row.row,
                ID_NUMBER,
                _("与第%(n)d行的身份证号重复") % {"n": first},
                f"{letters[ID_NUMBER]}{row.row}",
            )
            return True
    if row.phone:
        first = seen_phones.setdefault((row.name, row.phone), row.row)
        if first != row.row:
            check.error(
                row.row,
                PHONE,
                _("与第%(n)d行的姓名和手机号重复") % {"n": first},
                f"{letters[PHONE]}{row.row}",
            )
            return True
    if not row.id_number and not row.phone:
        first = seen_rooms.setdefault((row.name, row.area_id, row.room), row.row)
        if first != row.row:
            check.error(
                row.row,
                NAME,
                _("与第%(n)d行重复（姓名、住址相同，且都没有手机号和身份证号）") % {"n": first},
                f"{letters[NAME]}{row.row}",
            )
            return True
    return False


def _skip_registered(check: RosterCheck, community: Area) -> None:
    """Take out rows whose person is already registered, and list them as duplicates.

    ID numbers are unique across the county; a name with the same phone is the same person
    wherever they are registered. Without either, the same name at the same address in this
    community counts as the same person, so that importing a file twice adds nothing.
    """
    ids = [r.id_number for r in check.rows if r.id_number]
    phones = list({r.phone for r in check.rows if r.phone})
    known_ids: set[str] = set()
    for start in range(0, len(ids), LOOKUP_BATCH):
        known_ids.update(
            Resident.objects.filter(id_number__in=ids[start : start + LOOKUP_BATCH]).values_list(
                "id_number", flat=True
            )
        )
    known_phones: set[tuple[str, str]] = set()
    for start in range(0, len(phones), LOOKUP_BATCH):
        known_phones.update(
            Resident.objects.filter(phone__in=phones[start : start + LOOKUP_BATCH]).values_list(
                "name", "phone"
            )
        )
    known_rooms = set()
    if any(not r.id_number and not r.phone for r in check.rows):
        known_rooms = {
            (name, area_id, room or "")
            for name, area_id, room in Resident.objects.filter(
                area__path__startswith=community.path, phone="", id_number__isnull=True
            ).values_list("name", "area_id", "household__room")
        }
    if not (known_ids or known_phones or known_rooms):
        return
    fresh = []
    for row in check.rows:
        if row.id_number in known_ids:
            column = ID_NUMBER
        elif (row.name, row.phone) in known_phones:
            column = f"{NAME}+{PHONE}"
        elif (
            not row.id_number and not row.phone and (row.name, row.area_id, row.room) in known_rooms
        ):
            column = NAME
        else:
            fresh.append(row)
            continue
        check.duplicates.append(
            {
                "row": row.row,
                "column": column,
                "reason": _("已存在（第%(n)d行），未重复导入") % {"n": row.row},
                "name": mask_text(row.name),
            }
        )
    check.rows = fresh
