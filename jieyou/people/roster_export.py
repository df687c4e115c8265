"""Writing rosters out as xlsx: the residents a user may see, the import template, and the
problem list of an import.

Every workbook is opened by people in Excel, so any text that Excel would read as a formula
(starting with = + - @, a tab or a carriage return) is written with a leading apostrophe.
Phone and ID numbers are masked; a full number is only ever revealed one at a time, audited.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jieyou.core import audit
from jieyou.core.masking import mask_id_number, mask_phone, mask_text
from jieyou.core.spreadsheet import neutralise
from jieyou.places import queries as places
from jieyou.places.models import Area

from . import access
from . import roster_import as roster
from .models import Resident, RosterImport

COMMUNITY = "社区"
EXPORT_COLUMNS = (COMMUNITY, *roster.COLUMNS)
_WIDTHS = {
    COMMUNITY: 14,
    roster.NAME: 12,
    roster.GENDER: 6,
    roster.BIRTH_YEAR: 10,
    roster.PHONE: 16,
    roster.ID_NUMBER: 22,
    roster.COMPOUND: 16,
    roster.BUILDING: 10,
    roster.ROOM: 8,
    roster.TAGS: 24,
}
_GENDER_NAMES = {Resident.Gender.MALE: "男", Resident.Gender.FEMALE: "女"}
CHUNK = 2000


def _text(value: str) -> str:
    return neutralise(mask_text(value))


def _set_widths(sheet, columns) -> None:
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column, 14)


def residents_write(*, actor, fileobj, area: Area | None = None) -> int:
    """Write the residents `actor` may see (under `area`, if given) to `fileobj`; return the count.

    `area` must come from access.areas(actor); the residents are always access.residents(actor).
    """
    residents = access.residents(actor)
    if area is not None:
        residents = residents.filter(area__path__startswith=area.path)
    names = _PlaceNames(access.areas(actor))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(roster.SHEET)
    _set_widths(sheet, EXPORT_COLUMNS)
    sheet.freeze_panes = "A2"
    sheet.append(EXPORT_COLUMNS)
    count = 0
    rows = (
        residents.select_related("household")
        .prefetch_related("tags")
        .order_by("area__path", "household__room", "name_pinyin", "pk")
    )
    for resident in rows.iterator(chunk_size=CHUNK):
        community, compound, building = names.of(resident.area_id)
        sheet.append(
            (
                _text(community),
                _text(resident.name),
                _GENDER_NAMES.get(resident.gender, ""),
                resident.birth_year,
                mask_phone(resident.phone),
                mask_id_number(resident.id_number),
                _text(compound),
                _text(building),
                _text(resident.household.room if resident.household else ""),
                _text("、".join(t.name for t in resident.tags.all())),
            )
        )
        count += 1
    book.save(fileobj)
    audit.record(
        "resident.export",
        actor=actor,
        obj=area,
        detail={"count": count, "area": area.pk if area else None},
    )
    return count


class _PlaceNames:
    """(community, compound, building) names for an area id, found once per area."""

    def __init__(self, areas):
        self.areas = {
            pk: (name, kind, parent_id)
            for pk, name, kind, parent_id in areas.values_list("pk", "name", "kind", "parent_id")
        }
        self.cache: dict[int, tuple[str, str, str]] = {}

    def of(self, area_id: int) -> tuple[str, str, str]:
        if area_id not in self.cache:
            found = {}
            current = area_id
            while current in self.areas:
                name, kind, parent_id = self.areas[current]
                found.setdefault(kind, name)
                current = parent_id
            self.cache[area_id] = (
                found.get(Area.Kind.COMMUNITY, ""),
                found.get(Area.Kind.COMPOUND, ""),
                found.get(Area.Kind.BUILDING, ""),
            )
        return self.cache[area_id]


def problems_write(record: RosterImport, fileobj) -> None:
    """The errors and skipped duplicates of one import, one line each, to fix in the sheet."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("问题清单"))
    header = (_("行号"), _("单元格"), _("列"), _("类别"), _("说明"))
    for index, width in enumerate((8, 10, 12, 10, 60), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for kind, problems in ((_("错误"), record.errors), (_("已存在"), record.duplicates)):
        for problem in problems:
            sheet.append(
                (
                    problem.get("row"),
                    neutralise(problem.get("cell", "")),
                    neutralise(problem.get("column", "")),
                    kind,
                    _text(problem.get("reason", "")),
                )
            )
    book.save(fileobj)


def template_write(fileobj, *, community: Area | None = None) -> None:
    """A blank roster with the header, text-formatted number columns and a sheet of rules.

    Phone and ID columns are text so that Excel does not turn an 18-digit ID number into
    6.52328E+17 and lose its last digits.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = roster.SHEET
    header = [f"{c}（必填）" if c in roster.REQUIRED else c for c in roster.COLUMNS]
    sheet.append(header)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(roster.COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = _WIDTHS[column] + (4 if column in roster.REQUIRED else 0)
        if column in (roster.PHONE, roster.ID_NUMBER, roster.ROOM, roster.BUILDING):
            dimension.number_format = "@"
    gender = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    gender.error = _("请选择“男”或“女”")
    sheet.add_data_validation(gender)
    gender_letter = get_column_letter(roster.COLUMNS.index(roster.GENDER) + 1)
    gender.add(f"{gender_letter}2:{gender_letter}100000")

    rules = book.create_sheet(_("填写说明"))
    rules.column_dimensions["A"].width = 100
    lines = [
        _("工作表名必须是“居民花名册”，第1行为表头，列的顺序可以调整。"),
        _("姓名、小区为必填；其余可不填。"),
        _("性别填“男”或“女”；出生年份填四位数字，如 1968。"),
        _("手机号填11位手机号，固定电话请带区号，如 0994-1234567。"),
        _(
            "身份证号填18位，会校验最后一位；填了身份证号时，出生年份和性别须与之一致（不填则自动取用）。"
        ),
        _("小区、楼栋须是本社区已有的名称；填写房号时须同时填写楼栋。"),
        _("标签之间用顿号、逗号或空格分隔，如：独居老人、低保。"),
        _("不能使用公式；每个单元格不超过 %(n)d 字。") % {"n": roster.MAX_CELL_CHARS},
        _("文件中任何一行有错都不会导入，请按问题清单改正后重新上传。"),
        _("身份证号相同，或姓名和手机号都相同的居民若已登记，不会重复导入。"),
    ]
    if community is not None:
        lines.append("")
        lines.append(_("%(c)s的小区和楼栋：") % {"c": community.name})
        lines.extend(_place_lines(community))
    for line in lines:
        rules.append([neutralise(line)])
    book.save(fileobj)


def _place_lines(community: Area) -> list[str]:
    compounds: dict[int, tuple[str, list[str]]] = {}
    areas = (
        places.areas_under([community.path])
        .filter(kind__in=[Area.Kind.COMPOUND, Area.Kind.BUILDING])
        .order_by("path")
        .values_list("pk", "name", "kind", "parent_id")
    )
    for pk, name, kind, parent_id in areas:
        if kind == Area.Kind.COMPOUND:
            compounds[pk] = (name, [])
        elif parent_id in compounds:
            compounds[parent_id][1].append(name)
    return [
        f"{name}：{'、'.join(buildings) or _('（无楼栋）')}"
        for name, buildings in compounds.values()
    ]


def export_file_name(area: Area | None) -> str:
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"{roster.SHEET}-{area.name if area else _('全部')}-{stamp}.xlsx"
