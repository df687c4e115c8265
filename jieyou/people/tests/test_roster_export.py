import io
import re

import pytest
from openpyxl import load_workbook

from jieyou.core.models import AuditEntry
from jieyou.people import actions
from jieyou.people.roster_export import EXPORT_COLUMNS, neutralise
from jieyou.people.roster_import import SHEET

FULL_PHONE = re.compile(r"1[3-9]\d{9}")
FULL_ID = re.compile(r"\d{17}[\dXx]")


def export(client, query=""):
    response = client.get(f"/people/roster/export.xlsx{query}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book[SHEET]
    header, *rows = sheet.iter_rows()
    assert tuple(c.value for c in header) == EXPORT_COLUMNS
    return rows


def by_name(rows):
    return {r[1].value: [c.value for c in r] for r in rows}


def test_secretary_exports_mingzhu_only_and_masked(cast, client_for):
    rows = export(client_for(cast.secretary))
    people = by_name(rows)
    assert set(people) == {"李女士", "冶大爷"}
    assert people["李女士"] == [
        "明珠社区",
        "李女士",
        "女",
        1968,
        "139****5678",
        "652328********0022",
        "蓝天家园小区",
        "7号楼",
        "301",
        None,
    ]
    assert people["冶大爷"][-1] == "独居老人"
    for row in rows:
        for cell in row:
            text = str(cell.value or "")
            assert not FULL_PHONE.search(text) and not FULL_ID.search(text), text
    entry = AuditEntry.objects.filter(action="resident.export").latest("id")
    assert entry.actor_id == cast.secretary.pk and entry.detail["count"] == 2


def test_outsider_exports_only_xihe_and_cannot_ask_for_mingzhu(cast, client_for):
    client = client_for(cast.outsider)
    assert set(by_name(export(client))) == {"周先生"}
    assert client.get(f"/people/roster/export.xlsx?area={cast.mingzhu.pk}").status_code == 404


def test_county_admin_may_narrow_the_export_to_one_community(cast, client_for):
    client = client_for(cast.county_admin)
    assert {"李女士", "冶大爷", "周先生"} <= set(by_name(export(client)))
    assert set(by_name(export(client, f"?area={cast.xihe.pk}"))) == {"周先生"}


def test_no_resident_scope_no_export(cast, client_for):
    assert client_for(cast.handler).get("/people/roster/export.xlsx").status_code == 404
    assert client_for(cast.evaluator).get("/people/roster/").status_code == 404


def test_grid_worker_sees_the_export_but_not_the_import_form(cast, client_for):
    page = client_for(cast.grid_worker).get("/people/roster/").content.decode()
    assert "导出花名册" in page and "上传并检查" not in page


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "-2+3", "\t=1"])
def test_formula_like_text_is_exported_as_text(cast, client_for, name):
    actions.resident_create(actor=None, name=name, area=cast.building7, tags=["=tag"])
    rows = export(client_for(cast.secretary))
    [row] = [r for r in rows if r[1].value == "'" + name]
    assert row[1].data_type == "s"
    assert row[-1].value == "'=tag"


def test_neutralise_leaves_ordinary_values_alone():
    assert neutralise("王芳") == "王芳"
    assert neutralise("7号楼") == "7号楼"
    assert neutralise(1968) == 1968
    assert neutralise(None) is None
    assert neutralise("=1") == "'=1"
    assert neutralise("\r") == "'\r"
