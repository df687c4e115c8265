import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from jieyou.concerns import actions as a
from jieyou.concerns.models import Category, Concern

TZ = ZoneInfo("Asia/Shanghai")
MARCH = datetime(2024, 3, 4, 9, 0, tzinfo=TZ)
URL = "/concerns/rates/"


def _concern(cast, area, *, at=MARCH, accept_after=1, answer=None):
    c = a.concern_submit(
        actor=None,
        category=Category.objects.get(code="HJ"),
        description="路灯不亮",
        channel=Concern.Channel.QR,
        area=area,
        at=at,
    )
    a.concern_accept(actor=cast.secretary, concern=c, at=at + timedelta(hours=accept_after))
    if answer is not None:
        a.concern_resolve(actor=cast.secretary, concern=c, note="已修复")
        a.concern_follow_up(
            actor=cast.grid_worker, concern=c, method="call", solved=answer, satisfaction="basic"
        )
    return c


@pytest.fixture
def month(cast):
    """March 2024: 明珠 two concerns (one answered on time, one late), 西河 one exempted and
    one counted; April: one in 明珠."""
    _concern(cast, cast.building7, answer=True)
    _concern(cast, cast.building8, accept_after=30)
    left_out = _concern(cast, cast.shuangmao1)
    a.concern_exempt(
        actor=cast.county_admin, concern=left_out, reason="属上级统一改造，联系人13912345678"
    )
    _concern(cast, cast.shuangmao1)
    _concern(cast, cast.building7, at=MARCH + timedelta(days=31))
    cast.left_out = left_out
    return cast


def _table(html: str) -> dict[str, list[str]]:
    """First table of the page: row name → cells."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_county_admin_sees_every_community_in_the_month(month, client_for):
    response = client_for(month.county_admin).get(
        URL, {"by": "community", "from": "2024-03", "to": "2024-03"}
    )
    assert response.status_code == 200
    rows = _table(response.content.decode())
    # 明珠: 2 concerns, 1 of 2 on time, one follow-up solved, 基本满意 = 80 %;
    # composite (10 × 50 + 45 × 100 + 45 × 80) / 100 = 86.
    assert rows["明珠社区"][:5] == ["2", "50.0%", "100.0%", "80.0%", "86.0%"]
    # 两位居民住在明珠: 2 concerns per 2 residents.
    assert rows["明珠社区"][5] == "1000.0"
    assert rows["西河社区"][0] == "1"  # the exempted one is left out
    html = response.content.decode()
    assert month.left_out.receipt_code in html
    assert "13912345678" not in html and "139****5678" in html
    assert "属上级统一改造" in html


def test_chart_data_is_json_and_the_page_has_no_inline_script(month, client_for):
    response = client_for(month.county_admin).get(URL, {"from": "2024-02", "to": "2024-04"})
    html = response.content.decode()
    data = json.loads(re.search(r'id="rates-chart-data"[^>]*>(.*?)</script>', html, re.S)[1])
    assert data["labels"] == ["2024-02", "2024-03", "2024-04"]
    assert data["concerns"] == [0, 3, 1]
    assert data["composite"][0] is None
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "echarts.min.js" in html and "charts.js" in html


def test_default_span_ends_with_the_latest_concern(month, client_for):
    response = client_for(month.county_admin).get(URL)
    assert response.context["last"].isoformat() == "2024-04-01"
    assert response.context["first"].isoformat() == "2023-05-01"
    assert response.context["group"] == "community"


def test_secretary_sees_her_grids_only(month, client_for):
    response = client_for(month.secretary).get(URL, {"from": "2024-03", "to": "2024-04"})
    assert response.context["group"] == "grid"
    rows = _table(response.content.decode())
    assert list(rows) == ["明珠社区·明珠第一网格"]
    assert rows["明珠社区·明珠第一网格"][0] == "3"
    # 西河's exempted concern is not hers to see.
    assert month.left_out.receipt_code not in response.content.decode()
    towns = client_for(month.secretary).get(URL, {"by": "town"})
    assert _table(towns.content.decode()) == {"没有可显示的单位": []}


def test_by_unit_and_by_town(month, client_for):
    client = client_for(month.county_admin)
    units = _table(
        client.get(URL, {"by": "unit", "from": "2024-03", "to": "2024-04"}).content.decode()
    )
    assert units["未派单（社区、网格自办）"][0] == "4"
    towns = _table(
        client.get(URL, {"by": "town", "from": "2024-03", "to": "2024-04"}).content.decode()
    )
    assert towns["木垒镇"][0] == "4"


def test_evaluator_reads_figures_without_links_to_cases(month, client_for):
    response = client_for(month.evaluator).get(URL, {"from": "2024-03", "to": "2024-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert month.left_out.receipt_code in html
    assert f"/concerns/{month.left_out.pk}/" not in html


def test_export_is_the_same_table(month, client_for):
    response = client_for(month.county_admin).get(
        URL + "export.xlsx", {"by": "community", "from": "2024-03", "to": "2024-03"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["三率"].iter_rows(values_only=True))
    assert rows[0][0] == "2024-03 — 2024-03"
    mingzhu = next(r for r in rows if r[0] == "明珠社区")
    assert mingzhu[1:5] == (2, 50.0, 100.0, 80.0)
    left = list(book["免考核"].iter_rows(values_only=True))
    assert left[1][0] == month.left_out.receipt_code
    assert "13912345678" not in left[1][4]


@pytest.mark.parametrize("who", ["outsider", "grid_worker", "handler"])
def test_other_roles_and_the_outsider_get_404(month, client_for, who):
    client = client_for(getattr(month, who))
    assert client.get(URL).status_code == 404
    assert client.get(URL + "export.xlsx").status_code == 404


def test_signed_out_goes_to_sign_in(month, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_nonsense_months_fall_back(month, client_for):
    response = client_for(month.county_admin).get(URL, {"from": "x", "to": "2024-13", "by": "?"})
    assert response.status_code == 200
    assert response.context["last"].isoformat() == "2024-04-01"
    # A reversed span is read the right way round; a long one is cut to three years.
    response = client_for(month.county_admin).get(URL, {"from": "2024-04", "to": "2019-01"})
    assert (response.context["first"].isoformat(), response.context["last"].isoformat()) == (
        "2021-05-01",
        "2024-04-01",
    )
