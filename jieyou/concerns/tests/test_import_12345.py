import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jieyou.concerns import actions as a
from jieyou.concerns.models import Concern
from jieyou.testing.personal_data import assert_no_personal_numbers

HEADER = ["工单编号", "来电时间", "诉求内容", "地址", "分类", "联系电话"]
TZ = ZoneInfo("Asia/Shanghai")


def sheet(*rows, header=HEADER) -> io.BytesIO:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "12345.xlsx"
    return out


ROWS = [
    (
        "GD20240715001",
        datetime(2024, 7, 15, 9, 30),
        "蓝天家园7号楼楼顶有人养鸽子，电话13912345678",
        "明珠社区蓝天家园小区7号楼",
        "违法建设",
        "13912345678",
    ),
    ("GD20240716002", "2024-07-16 20:05", "小区门口占道经营", "明珠社区某路口", "占道", ""),
]


def run(cast, fileobj, user=None):
    return a.concerns_import_12345(
        actor=user or cast.secretary, community=cast.mingzhu, fileobj=fileobj
    )


def test_orders_become_concerns(cast):
    check, created = run(cast, sheet(*ROWS))
    assert check.ok and len(created) == 2
    first, second = Concern.objects.order_by("external_id")
    assert first.external_id == "GD20240715001"
    assert first.channel == Concern.Channel.HOTLINE_12345
    assert first.submitted_at == datetime(2024, 7, 15, 9, 30, tzinfo=TZ)
    assert first.area == cast.building7 and first.category.code == "WJ"
    assert first.contact_phone == "+8613912345678"
    assert first.address == "明珠社区蓝天家园小区7号楼"
    # Unknown category → 其他, unknown place → the community, each with a note.
    assert second.category.code == "QT" and second.area == cast.mingzhu
    assert {(n["row"], n["column"]) for n in check.notes} == {(3, "分类"), (3, "地址")}


def test_importing_again_skips_what_is_there(cast):
    run(cast, sheet(*ROWS))
    more = ("GD20240717003", datetime(2024, 7, 17, 8, 0), "路灯不亮", "蓝天家园", "水电气暖", "")
    check, created = run(cast, sheet(*ROWS, more))
    assert [c.external_id for c in created] == ["GD20240717003"]
    assert [d["row"] for d in check.duplicates] == [2, 3]
    assert Concern.objects.count() == 3


def test_any_bad_row_imports_nothing(cast):
    bad = [
        ("GD1", "昨天上午", "内容", "", "", ""),
        ("", datetime(2024, 7, 1, 8, 0), "", "", "", "12345"),
        ("GD20240715001", datetime(2024, 7, 1), "重复编号", "", "", ""),
        ("GD9", datetime(2099, 1, 1), "=HYPERLINK(1)", "", "", ""),
    ]
    check, created = run(cast, sheet(*ROWS, *bad))
    assert not check.ok and created == []
    assert not Concern.objects.exists()
    problems = {(e["row"], e["column"]) for e in check.errors}
    assert problems == {
        (4, "来电时间"),
        (5, "工单编号"),
        (5, "诉求内容"),
        (5, "联系电话"),
        (6, "工单编号"),
        (7, "来电时间"),
        (7, "诉求内容"),
    }
    assert any("与第2行的工单编号重复" in e["reason"] for e in check.errors)


def test_missing_columns_and_bad_files_are_reported(cast):
    check, _created = run(cast, sheet(("1", "2"), header=["工单编号", "地址"]))
    assert [e["column"] for e in check.errors] == ["来电时间", "诉求内容"]
    check, _created = run(cast, io.BytesIO(b"not a spreadsheet"))
    assert "不是有效的 Excel" in check.errors[0]["reason"]


@pytest.mark.parametrize("who", ["grid_worker", "handler", "outsider"])
def test_only_dispatchers_of_the_community_may_import(cast, who):
    with pytest.raises(PermissionDenied):
        run(cast, sheet(*ROWS), user=getattr(cast, who))
    assert not Concern.objects.exists()


def test_import_page(cast, client_for):
    client = client_for(cast.secretary)
    assert client.get("/concerns/import-12345/").status_code == 200
    upload = SimpleUploadedFile("12345.xlsx", sheet(*ROWS).getvalue())
    response = client.post("/concerns/import-12345/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "新增 2 件诉求" in html
    assert_no_personal_numbers(html)
    assert Concern.objects.count() == 2


def test_import_page_shows_row_errors(cast, client_for):
    upload = SimpleUploadedFile(
        "12345.xlsx", sheet(("GD1", "不是时间", "内容", "", "", "")).getvalue()
    )
    html = client_for(cast.secretary).post("/concerns/import-12345/", {"file": upload}).content
    assert "没有导入任何工单" in html.decode() and "来电时间" in html.decode()


def test_import_page_and_the_outsider(cast, client_for):
    assert client_for(cast.grid_worker).get("/concerns/import-12345/").status_code == 404
    assert client_for(cast.outsider).get("/concerns/import-12345/").status_code == 404
    # A county admin picking a community; a secretary naming another community gets a 404.
    upload = SimpleUploadedFile("12345.xlsx", sheet(*ROWS).getvalue())
    response = client_for(cast.secretary).post(
        "/concerns/import-12345/", {"file": upload, "community": cast.xihe.pk}
    )
    assert response.status_code == 404
    upload = SimpleUploadedFile("12345.xlsx", sheet(*ROWS).getvalue())
    response = client_for(cast.county_admin).post(
        "/concerns/import-12345/", {"file": upload, "community": cast.mingzhu.pk}
    )
    assert response.status_code == 200 and Concern.objects.count() == 2
