import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from jieyou.core.models import AuditEntry
from jieyou.people import actions
from jieyou.people.models import Household, Resident, RosterImport
from jieyou.people.roster_import import COLUMNS, SHEET

HEADER = list(COLUMNS)


def id_number(birth: str = "19800101", seq: str = "123", region: str = "652328") -> str:
    body = region + birth + seq
    return body + ric.calc_check_digit(body + "0")


def bad_checksum() -> str:
    good = id_number()
    return good[:-1] + ("1" if good[-1] == "0" else "0")


def with_cell_text(data: io.BytesIO, placeholder: str, text: str) -> io.BytesIO:
    """Put text longer than openpyxl (and Excel) would ever write into a cell, as a crafted
    file could."""
    out = io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item in source.infolist():
            content = source.read(item.filename)
            if placeholder.encode() in content:
                content = content.replace(placeholder.encode(), text.encode())
            dest.writestr(item, content)
    out.seek(0)
    out.name = data.name
    return out


def xlsx(rows, *, header=HEADER, sheet=SHEET, name="花名册.xlsx") -> io.BytesIO:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = name
    return data


def row(
    name="王芳",
    gender=None,
    year=None,
    phone="13600001111",
    idn=None,
    compound="蓝天家园小区",
    building="7号楼",
    room="502",
    tags="低保、独居老人",
):
    return [name, gender, year, phone, idn, compound, building, room, tags]


def run(user, community, data):
    return actions.roster_import(actor=user, community=community, file_name=data.name, fileobj=data)


def problems(record):
    return {(e["row"], e["column"], e["reason"]) for e in record.errors}


def test_good_file_imports_everything(cast):
    before = Resident.objects.count()
    woman = id_number("19900512", "124")
    data = xlsx(
        [
            row(idn=woman),
            row(
                name="马建国",
                gender="男",
                year=1950,
                phone="0994-4821234",
                room="",
                building="",
                tags="残疾，空巢老人",
            ),
            row(name="赵大爷", gender=None, phone=None, building="8", room="101", tags=None),
        ]
    )
    record = run(cast.secretary, cast.mingzhu, data)

    assert record.status == RosterImport.Status.IMPORTED, record.errors
    assert (record.rows, record.created, record.duplicates) == (3, 3, [])
    assert Resident.objects.count() == before + 3
    wang = Resident.objects.get(id_number=woman)
    assert (wang.gender, wang.birth_year, wang.phone) == ("F", 1990, "+8613600001111")
    assert wang.area == cast.building7 and wang.household.room == "502"
    assert set(wang.tags.values_list("name", flat=True)) == {"低保", "独居老人"}
    ma = Resident.objects.get(name="马建国")
    assert ma.area == cast.lantian and ma.household is None and ma.phone == "+869944821234"
    assert set(ma.tags.values_list("name", flat=True)) == {"残疾", "空巢老人"}
    zhao = Resident.objects.get(name="赵大爷")
    assert (zhao.name_pinyin, zhao.name_initials) == ("zhaodaye", "zdy")
    assert zhao.area == cast.building8 and zhao.household.room == "101"
    entry = AuditEntry.objects.filter(action="resident.import").latest("id")
    assert entry.result == "ok" and entry.detail["residents"] == 3
    assert entry.object_id == str(record.pk)


def test_columns_match_by_header_text_in_any_order_with_common_aliases(cast):
    header = ["标签", "小区（必填）", "*姓名", "手机号码", "身份证号码", "楼栋"]
    data = xlsx(
        [["低保", "蓝天家园小区", "韩梅", "13600002222", id_number(), "7号楼"]], header=header
    )
    record = run(cast.secretary, cast.mingzhu, data)
    assert record.status == RosterImport.Status.IMPORTED, record.errors
    han = Resident.objects.get(name="韩梅")
    assert (han.phone, han.birth_year, han.gender) == ("+8613600002222", 1980, "M")


def test_reimporting_the_same_file_adds_nothing(cast):
    rows = [row(idn=id_number()), row(name="张三", phone="13600003333", idn=None)]
    first = run(cast.secretary, cast.mingzhu, xlsx(rows))
    assert first.created == 2
    count, households = Resident.objects.count(), Household.objects.count()

    again = run(cast.secretary, cast.mingzhu, xlsx(rows))

    assert again.status == RosterImport.Status.IMPORTED and again.created == 0
    assert Resident.objects.count() == count and Household.objects.count() == households
    assert [(d["row"], d["column"], d["reason"]) for d in again.duplicates] == [
        (2, "身份证号", "已存在（第2行），未重复导入"),
        (3, "姓名+手机号", "已存在（第3行），未重复导入"),
    ]


def test_people_already_registered_are_reported_not_doubled(cast):
    data = xlsx(
        [
            row(name="李女士", phone=None, idn="652328196803150022", gender="女", year=1968),
            row(name="冶大爷", phone="138 1234 5678", idn=None, gender="男"),
            row(name="新居民", phone="13600004444", idn=None),
        ]
    )
    record = run(cast.secretary, cast.mingzhu, data)
    assert record.status == RosterImport.Status.IMPORTED and record.created == 1
    assert [d["row"] for d in record.duplicates] == [2, 3]
    assert Resident.objects.filter(name="冶大爷").count() == 1


def test_same_person_twice_in_the_file_is_an_error_on_the_later_row(cast):
    before = Resident.objects.count()
    same = id_number()
    data = xlsx(
        [
            row(name="甲", idn=same, phone="13600005555"),
            row(name="乙", phone="13600006666"),
            row(name="丙", idn=same, phone="13600007777"),
            row(name="乙", phone="136 0000 6666"),
        ]
    )
    record = run(cast.secretary, cast.mingzhu, data)
    assert record.status == RosterImport.Status.REJECTED
    assert problems(record) == {
        (4, "身份证号", "与第2行的身份证号重复"),
        (5, "手机号", "与第3行的姓名和手机号重复"),
    }
    assert Resident.objects.count() == before


TEN_MB = 10 * 1024 * 1024
BROKEN = {
    "bad checksum": (
        lambda: xlsx([row(idn=bad_checksum()), row(name="好人", idn=id_number("19700101"))]),
        {(2, "身份证号", "身份证号校验位错误")},
    ),
    "missing column": (
        lambda: xlsx([["王芳", "女"]], header=["姓名", "性别"]),
        {(1, "小区", "缺少必填列“小区”（第1行应为表头：" + "、".join(COLUMNS) + "）")},
    ),
    "formula cell": (
        lambda: xlsx([row(name='=HYPERLINK("http://x","点我")'), row(name="好人")]),
        {(2, "姓名", "不允许使用公式，请改为直接填写内容")},
    ),
    "10 MB text cell": (
        lambda: with_cell_text(
            xlsx([row(tags="PLACEHOLDER"), row(name="好人")]), "PLACEHOLDER", "长" * TEN_MB
        ),
        {(2, "标签", f"内容过长（{TEN_MB} 字），上限 200")},
    ),
    "wrong sheet": (
        lambda: xlsx([row()], sheet="Sheet1"),
        {(None, "", "找不到工作表「居民花名册」；文件中的工作表有：Sheet1")},
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_file_leaves_database_unchanged_and_explains(cast, case):
    make, expected = BROKEN[case]
    before = (Resident.objects.count(), Household.objects.count())

    record = run(cast.secretary, cast.mingzhu, make())

    assert record.status == RosterImport.Status.REJECTED
    assert record.created == 0
    assert problems(record) == expected
    assert (Resident.objects.count(), Household.objects.count()) == before
    entry = AuditEntry.objects.filter(action="resident.import").latest("id")
    assert entry.result == "rejected"


def test_every_row_problem_is_listed_with_row_and_column(cast):
    before = Resident.objects.count()
    data = xlsx(
        [
            row(name="", gender="男的"),
            row(year=1850, phone="12345"),
            row(idn=id_number("19800101", "123"), gender="女", year=1981),
            row(compound="不存在小区", room="101"),
            row(building="99号楼"),
            row(building="", room="302"),
            row(idn=652328198001011234.0),
            row(name="好人"),
        ]
    )
    record = run(cast.secretary, cast.mingzhu, data)
    assert record.status == RosterImport.Status.REJECTED
    assert problems(record) == {
        (2, "姓名", "必填，不能为空"),
        (2, "性别", "应填“男”或“女”"),
        (3, "出生年份", f"应为 1900 至 {timezone.localdate().year} 之间的四位年份"),
        (3, "手机号", "手机号格式不正确，应为11位手机号或带区号的固定电话"),
        (4, "出生年份", "与身份证号中的出生年份（1980）不一致"),
        (4, "性别", "与身份证号中的性别（男）不一致"),
        (5, "小区", "“不存在小区”不是明珠社区的小区；可选：蓝天家园小区"),
        (6, "楼栋", "“99号楼”不是“蓝天家园小区”的楼栋"),
        (7, "房号", "填写房号时须同时填写楼栋"),
        (8, "身份证号", "身份证号被存成了数字，后几位已丢失；请把这一列设为“文本”格式后重新填写"),
    }
    assert {e["cell"] for e in record.errors if e["row"] == 2} == {"A2", "B2"}
    assert Resident.objects.count() == before


def test_a_compound_of_another_community_is_unknown(cast):
    record = run(cast.secretary, cast.mingzhu, xlsx([row(compound="双茂小区", building="1号楼")]))
    assert (2, "小区", "“双茂小区”不是明珠社区的小区；可选：蓝天家园小区") in problems(record)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"name,phone\n", "无法读取文件：不是有效的 Excel（.xlsx）文件，或文件已损坏"),
        (b"PK\x03\x04broken", "无法读取文件：不是有效的 Excel（.xlsx）文件，或文件已损坏"),
        (
            b"\xd0\xcf\x11\xe0" + b"\0" * 100,
            "这是旧版 .xls 文件或加密的文件；请在 Excel 中“另存为” .xlsx（不加密）后再导入",
        ),
    ],
)
def test_a_file_that_is_not_xlsx_gets_one_clear_error(cast, content, reason):
    data = io.BytesIO(content)
    data.name = "名单.xlsx"
    record = run(cast.secretary, cast.mingzhu, data)
    assert record.status == RosterImport.Status.REJECTED
    assert problems(record) == {(None, "", reason)}


def test_a_file_over_the_upload_limit_is_refused_unread(cast, settings):
    settings.JIEYOU_MAX_UPLOAD_BYTES = 1024 * 1024
    data = xlsx([row(tags="x" * 100)] * 10)
    data.seek(0, 2)
    data.write(b"\0" * 1024 * 1024)
    data.seek(0)
    record = run(cast.secretary, cast.mingzhu, data)
    [(_row, _col, reason)] = problems(record)
    assert reason.startswith("文件过大（") and reason.endswith("上限 1 MB")


def test_an_empty_roster_is_an_error_not_a_silent_success(cast):
    record = run(cast.secretary, cast.mingzhu, xlsx([[None] * 9, [" "] * 9]))
    assert record.status == RosterImport.Status.REJECTED
    assert problems(record) == {(2, "", "表中没有居民数据（第1行是表头，从第2行起每行一位居民）")}


def test_only_importers_of_that_community_may_import(cast):
    for user, community in [
        (cast.outsider, cast.mingzhu),  # a grid worker may not import at all
        (cast.grid_worker, cast.mingzhu),
        (cast.cadre, cast.xihe),  # 明珠 staff, not 西河
        (cast.secretary, cast.lantian),  # a compound is not a community
    ]:
        with pytest.raises(PermissionDenied):
            run(user, community, xlsx([row()]))
    assert not RosterImport.objects.exists()


def test_county_admin_may_import_into_any_community(cast):
    record = run(cast.county_admin, cast.xihe, xlsx([row(compound="双茂小区", building="1号楼")]))
    assert record.status == RosterImport.Status.IMPORTED, record.errors
    assert Resident.objects.get(name="王芳").area == cast.shuangmao1


# Pages


def test_upload_page_imports_and_shows_the_result(cast, client_for):
    client = client_for(cast.secretary)
    page = client.get("/people/roster/")
    assert page.status_code == 200 and "上传并检查" in page.content.decode()

    response = client.post("/people/roster/", {"file": xlsx([row(idn=id_number())])})

    record = RosterImport.objects.get()
    assert response.status_code == 302 and response.url == f"/people/roster/{record.pk}/"
    result = client.get(response.url).content.decode()
    assert "导入完成，新增 1 位居民" in result


def test_result_page_lists_errors_and_the_problem_list_downloads(cast, client_for):
    client = client_for(cast.secretary)
    client.post("/people/roster/", {"file": xlsx([row(idn=bad_checksum())])})
    record = RosterImport.objects.get()
    page = client.get(f"/people/roster/{record.pk}/").content.decode()
    assert "没有导入任何居民" in page and "身份证号校验位错误" in page

    download = client.get(f"/people/roster/{record.pk}/problems.xlsx")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert list(sheet.iter_rows(values_only=True))[1] == (
        2,
        "E2",
        "身份证号",
        "错误",
        "身份证号校验位错误",
    )


def test_outsider_cannot_import_into_mingzhu(cast, client_for):
    client = client_for(cast.outsider)
    data = xlsx([row()])
    response = client.post("/people/roster/", {"community": cast.mingzhu.pk, "file": data})
    assert response.status_code == 404
    # An importer of 明珠 cannot aim at 西河 either.
    response = client_for(cast.cadre).post(
        "/people/roster/", {"community": cast.xihe.pk, "file": xlsx([row()])}
    )
    assert response.status_code == 404
    assert not RosterImport.objects.exists()


def test_only_the_uploader_and_county_admin_see_an_import(cast, client_for):
    client_for(cast.secretary).post("/people/roster/", {"file": xlsx([row(name="")])})
    record = RosterImport.objects.get()
    for user in (cast.outsider, cast.cadre, cast.grid_worker, cast.handler):
        client = client_for(user)
        assert client.get(f"/people/roster/{record.pk}/").status_code == 404
        assert client.get(f"/people/roster/{record.pk}/problems.xlsx").status_code == 404
    admin = client_for(cast.county_admin)
    assert admin.get(f"/people/roster/{record.pk}/problems.xlsx").status_code == 200
    assert admin.get(f"/people/roster/{record.pk}/").status_code == 200


def test_county_admin_chooses_the_community(cast, client_for):
    client = client_for(cast.county_admin)
    page = client.get("/people/roster/").content.decode()
    assert 'name="community"' in page and "西河社区" in page
    response = client.post("/people/roster/", {"file": xlsx([row()])})
    assert response.status_code == 200 and "请选择要导入的社区" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_template_downloads_and_outsider_may_not_fetch_it(cast, client_for):
    response = client_for(cast.secretary).get(
        f"/people/roster/template.xlsx?community={cast.mingzhu.pk}"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = next(book[SHEET].iter_rows(values_only=True))
    assert header[:2] == ("姓名（必填）", "性别")
    rules = [r[0] for r in book["填写说明"].iter_rows(values_only=True)]
    assert "蓝天家园小区：7号楼、8号楼" in rules
    assert client_for(cast.outsider).get("/people/roster/template.xlsx").status_code == 404
    assert (
        client_for(cast.cadre)
        .get(f"/people/roster/template.xlsx?community={cast.xihe.pk}")
        .status_code
        == 404
    )


def test_a_sheet_damaged_part_way_is_rejected_whole(cast):
    good = xlsx([row(name=f"居民{i}", phone=f"1360000{i:04d}") for i in range(50)])
    damaged = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as dest:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content[: len(content) // 2]
            dest.writestr(item, content)
    damaged.seek(0)
    damaged.name = "坏文件.xlsx"
    before = Resident.objects.count()

    record = run(cast.secretary, cast.mingzhu, damaged)

    assert record.status == RosterImport.Status.REJECTED
    [(number, _column, reason)] = problems(record)
    assert reason == f"第{number}行起的内容无法读取，文件可能已损坏" and 2 < number < 52
    assert Resident.objects.count() == before


def test_a_file_that_unpacks_too_large_is_refused_unread(cast, monkeypatch):
    from jieyou.people import roster_import

    monkeypatch.setattr(roster_import, "MAX_UNPACKED_BYTES", 1024 * 1024)
    data = with_cell_text(xlsx([row(tags="PAD")]), "PAD", "0" * 2 * 1024 * 1024)
    record = run(cast.secretary, cast.mingzhu, data)
    assert problems(record) == {(None, "", "文件解压后过大（2 MB），上限 1 MB；请分成几个文件导入")}
