"""The community page, its records lists and the figures API: scoped, in Chinese, the same
numbers as the queries. And the outsider (西河's grid worker) sees none of 明珠."""

import json
from datetime import date

import pytest
from django.urls import reverse

from jieyou.people import actions as people
from jieyou.points.models import Meeting
from jieyou.points.queries import figures as q
from jieyou.testing.personal_data import assert_no_personal_numbers

from . import figure_data as data

MK = Meeting.Kind
YEAR = "from=2024-01-01&to=2024-12-31"
YEAR_HTML = YEAR.replace("&", "&amp;")
API = "/api/v1/points/communities"


def page(area_id):
    return reverse("points:community", args=[area_id])


def figure_page(area_id, figure):
    return reverse("points:community_records", args=[area_id, figure])


@pytest.fixture
def records(cast, point, xihe_point, point_services):
    return data.build_records(
        cast, point, xihe_point, point_services, data.lantian_households(cast)
    )


@pytest.fixture
def call(client):
    """The API with a bearer token of the given user; every body is scanned for numbers."""
    keys = {}

    def request(user, url, status=200):
        if user.pk not in keys:
            keys[user.pk] = people.api_token_create(actor=None, user=user, name="测试")[1]
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {keys[user.pk]}")
        assert response.status_code == status, (url, response.content)
        assert_no_personal_numbers(response.content)
        return response.json()

    return request


def test_the_secretary_reads_her_community(records, client_for):
    cast = records
    response = client_for(cast.secretary).get(f"{page(cast.mingzhu.pk)}?{YEAR}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "召开业主会议 1 次，收集并解决群众意见建议 1 条" in body
    assert "明珠社区" in body
    # Each figure links to its records, for the same period.
    for name in q.FIGURES:
        assert f"{figure_page(cast.mingzhu.pk, name)}?{YEAR_HTML}" in body
    assert f"{figure_page(cast.mingzhu.pk, 'meetings')}?{YEAR_HTML}&amp;kind=residents" in body
    # The chart's data arrives as JSON, drawn by a static file; no inline script.
    chart = response.context["chart"]
    assert chart["labels"][0] == "2024-01" and len(chart["labels"]) == 12
    visits = next(s for s in chart["series"] if s["key"] == "visits")
    assert visits["data"][1] == 2  # one household visited twice in February
    assert 'id="community-chart-data" type="application/json"' in body
    assert "points/community.js" in body
    assert "<script>" not in body


def test_records_list_matches_the_figure(records, client_for):
    cast = records
    client = client_for(cast.secretary)
    figures = q.community_figures(area=cast.mingzhu, start=date(2024, 1, 1), end=date(2024, 12, 31))
    for name in ("meetings", "visits", "households_visited", "events", "volunteers", "vendors"):
        response = client.get(f"{figure_page(cast.mingzhu.pk, name)}?{YEAR}")
        assert response.status_code == 200
        assert response.context["page"].paginator.count == figures.value(name), name
        assert response.context["value"] == figures.value(name)
    owners = client.get(f"{figure_page(cast.mingzhu.pk, 'meetings')}?{YEAR}&kind=owners")
    assert [r["text"][:10] for r in owners.context["rows"]] == ["2024-03-01"]
    people = client.get(f"{figure_page(cast.mingzhu.pk, 'event_people')}?{YEAR}")
    assert people.context["value"] == 110 and people.context["summed"]
    # A resolved suggestion links to the concern, which the secretary may open.
    resolved = client.get(f"{figure_page(cast.mingzhu.pk, 'suggestions_resolved')}?{YEAR}")
    (row,) = resolved.context["rows"]
    assert row["url"].startswith("/concerns/")
    assert client.get(row["url"]).status_code == 200


def test_unknown_figure_or_kind_is_404(records, client_for):
    cast = records
    client = client_for(cast.secretary)
    assert client.get(figure_page(cast.mingzhu.pk, "nothing")).status_code == 404
    url = f"{figure_page(cast.mingzhu.pk, 'meetings')}?kind=party"
    assert client.get(url).status_code == 404


def test_the_outsider_gets_404(records, client_for):
    cast = records
    outsider = client_for(cast.outsider)
    for url in (
        page(cast.mingzhu.pk),
        figure_page(cast.mingzhu.pk, "meetings"),
        figure_page(cast.mingzhu.pk, "households"),
        page(cast.town.pk),
        page(cast.county.pk),
        page(cast.lantian.pk),
    ):
        assert outsider.get(url).status_code == 404, url
    # Their own community opens, and shows none of 明珠's records.
    own = outsider.get(f"{page(cast.xihe.pk)}?{YEAR}")
    assert own.status_code == 200
    assert own.context["figures"].meetings.meetings == 1
    listed = outsider.get(f"{figure_page(cast.xihe.pk, 'meetings')}?{YEAR}")
    assert all("西河社区" in r["text"] for r in listed.context["rows"])
    assert outsider.get(reverse("points:community_home")).url == page(cast.xihe.pk)


def test_who_reads_what(records, client_for):
    cast = records
    county = client_for(cast.county_admin)
    response = county.get(f"{page(cast.county.pk)}?{YEAR}")
    assert response.status_code == 200
    assert response.context["sentence"] == "召开业主会议 2 次，收集并解决群众意见建议 2 条"
    assert [a.name for a in response.context["children"]] == ["木垒镇"]
    assert county.get(reverse("points:community_home")).url == page(cast.county.pk)
    assert client_for(cast.evaluator).get(page(cast.town.pk)).status_code == 200
    secretary = client_for(cast.secretary)
    assert secretary.get(page(cast.town.pk)).status_code == 404
    assert secretary.get(page(cast.xihe.pk)).status_code == 404
    assert client_for(cast.grid_worker).get(page(cast.mingzhu.pk)).status_code == 200
    # A unit's handler keeps no community's figures.
    assert client_for(cast.handler).get(page(cast.mingzhu.pk)).status_code == 404
    assert client_for(cast.handler).get(reverse("points:community_home")).status_code == 404
    # Signed out: the sign-in page.
    assert secretary.logout() is None
    anonymous = secretary.get(page(cast.mingzhu.pk))
    assert anonymous.status_code == 302 and "login" in anonymous.url


def test_period_defaults_and_odd_dates(records, client_for):
    cast = records
    client = client_for(cast.secretary)
    # No period: the year of the latest meeting or visit.
    response = client.get(page(cast.mingzhu.pk))
    assert (response.context["start"], response.context["end"]) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
    )
    swapped = client.get(f"{page(cast.mingzhu.pk)}?from=2024-06-30&to=2024-03-01")
    assert (swapped.context["start"], swapped.context["end"]) == (
        date(2024, 3, 1),
        date(2024, 6, 30),
    )
    assert swapped.context["figures"].meetings.meetings == 1
    garbled = client.get(f"{page(cast.mingzhu.pk)}?from=2024-13-01&to=abc")
    assert garbled.status_code == 200
    assert garbled.context["start"].year == 2024


def test_api_figures_equal_the_page(records, call):
    cast = records
    found = call(cast.secretary, f"{API}/{cast.mingzhu.pk}/figures?{YEAR}")
    figures = q.community_figures(area=cast.mingzhu, start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert found["sentence"] == figures.sentence()
    assert {f["name"]: f["value"] for f in found["figures"]} == {
        name: figures.value(name) for name in q.FIGURES
    }
    meetings = next(f for f in found["figures"] if f["name"] == "meetings")
    assert {k["kind"]: k["value"] for k in meetings["kinds"]} == {"owners": 1, "residents": 1}
    assert found["coverage"] == {"households": 5, "visited": 2, "share": 0.4}
    assert len(found["months"]) == 12
    assert (found["start"], found["end"]) == ("2024-01-01", "2024-12-31")

    listed = call(cast.secretary, f"{API}/{cast.mingzhu.pk}/figures/visits?{YEAR}")
    assert listed["count"] == 3 and len(listed["items"]) == 3
    owners = call(cast.secretary, f"{API}/{cast.mingzhu.pk}/figures/meetings?{YEAR}&kind=owners")
    assert owners["count"] == 1
    call(cast.secretary, f"{API}/{cast.mingzhu.pk}/figures/nothing?{YEAR}", status=404)

    county = call(cast.county_admin, f"{API}/{cast.county.pk}/figures?{YEAR}")
    assert county["sentence"] == "召开业主会议 2 次，收集并解决群众意见建议 2 条"


def test_api_coverage_per_grid_and_month(records, call):
    cast = records
    rows = call(cast.secretary, f"{API}/{cast.mingzhu.pk}/coverage?year=2024")
    assert {r["grid"] for r in rows} == {"明珠第一网格"}
    by_month = {r["month"]: r for r in rows}
    assert len(by_month) == 12
    assert (by_month[2]["households"], by_month[2]["visited"]) == (5, 1)
    assert by_month[5]["share"] == pytest.approx(0.2)
    county = call(cast.county_admin, f"{API}/{cast.county.pk}/coverage?year=2024")
    assert {r["grid"] for r in county} == {"明珠第一网格", "西河第一网格"}
    xihe_may = next(r for r in county if r["grid"] == "西河第一网格" and r["month"] == 5)
    assert (xihe_may["households"], xihe_may["visited"]) == (1, 1)


def test_api_outsider_gets_404(records, call):
    cast = records
    for url in (
        f"{API}/{cast.mingzhu.pk}/figures?{YEAR}",
        f"{API}/{cast.mingzhu.pk}/figures/meetings?{YEAR}",
        f"{API}/{cast.mingzhu.pk}/coverage?year=2024",
        f"{API}/{cast.county.pk}/figures",
    ):
        body = call(cast.outsider, url, status=404)
        assert body == {"detail": "未找到"}
    own = call(cast.outsider, f"{API}/{cast.xihe.pk}/figures?{YEAR}")
    assert own["area"] == "西河社区"
    assert call(cast.handler, f"{API}/{cast.xihe.pk}/figures", status=404)


def test_chart_data_is_plain_json(records, client_for):
    cast = records
    response = client_for(cast.county_admin).get(f"{page(cast.county.pk)}?{YEAR}")
    body = response.content.decode()
    start = body.index('id="community-chart-data" type="application/json">') + len(
        'id="community-chart-data" type="application/json">'
    )
    data = json.loads(body[start : body.index("</script>", start)])
    meetings = next(s for s in data["series"] if s["key"] == "meetings")
    assert sum(meetings["data"]) == 3  # 明珠's two and 西河's one
