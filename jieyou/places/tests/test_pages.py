import pytest
from django.urls import reverse

from jieyou.testing.personal_data import assert_no_personal_numbers


def get(client, url):
    response = client.get(url)
    assert_no_personal_numbers(response.content)
    return response


def test_tree_lists_the_roots_of_the_scope(cast, client_for):
    county = get(client_for(cast.county_admin), reverse("places:tree"))
    assert [a.name for a in county.context["roots"]] == ["木垒哈萨克自治县"]
    worker = get(client_for(cast.grid_worker), reverse("places:tree"))
    assert [a.name for a in worker.context["roots"]] == ["明珠社区"]


def test_area_detail_has_breadcrumbs_children_and_grids(cast, client_for):
    response = get(client_for(cast.secretary), reverse("places:area", args=[cast.mingzhu.pk]))
    assert response.status_code == 200
    # The secretary may not open the town or county: named, not linked.
    assert [(a.name, linked) for a, linked in response.context["crumbs"]] == [
        ("木垒哈萨克自治县", False),
        ("木垒镇", False),
    ]
    children = {a.name: a for a in response.context["children"]}
    assert children["蓝天家园小区"].n_children == 2
    assert children["蓝天家园小区"].n_residents == 2
    assert [g.name for g in response.context["grids"]] == ["明珠第一网格"]
    html = response.content.decode()
    assert reverse("places:area", args=[cast.town.pk]) not in html
    assert reverse("places:grid", args=[cast.mingzhu_grid.pk]) in html


def test_county_admin_breadcrumbs_link_up(cast, client_for):
    response = get(client_for(cast.county_admin), reverse("places:area", args=[cast.lantian.pk]))
    assert [linked for _a, linked in response.context["crumbs"]] == [True, True, True]


def test_grid_list_and_detail(cast, client_for):
    client = client_for(cast.grid_worker)
    listing = get(client, reverse("places:grids"))
    assert [g.name for g in listing.context["grids"]] == ["明珠第一网格"]
    detail = get(client, reverse("places:grid", args=[cast.mingzhu_grid.pk]))
    assert [w.name for w in detail.context["workers"]] == ["陈丹"]
    assert [a.name for a in detail.context["covered"]] == ["蓝天家园小区", "7号楼", "8号楼"]
    assert detail.context["resident_count"] == 2
    assert f"{reverse('people:residents')}?grid={cast.mingzhu_grid.pk}" in detail.content.decode()


@pytest.mark.parametrize(
    "name,obj",
    [
        ("places:area", "mingzhu"),
        ("places:area", "lantian"),
        ("places:area", "building7"),
        ("places:area", "town"),
        ("places:grid", "mingzhu_grid"),
    ],
)
def test_outsider_gets_404_on_mingzhu(cast, client_for, name, obj):
    response = client_for(cast.outsider).get(reverse(name, args=[getattr(cast, obj).pk]))
    assert response.status_code == 404


def test_outsider_lists_show_nothing_of_mingzhu(cast, client_for):
    client = client_for(cast.outsider)
    for url in (reverse("places:tree"), reverse("places:grids")):
        html = get(client, url).content.decode()
        assert "明珠" not in html and "蓝天" not in html


def test_handler_and_unknown_ids_get_404(cast, client_for):
    client = client_for(cast.handler)
    assert client.get(reverse("places:grid", args=[cast.mingzhu_grid.pk])).status_code == 404
    assert (
        client_for(cast.county_admin).get(reverse("places:area", args=[999999])).status_code == 404
    )


def test_pages_need_sign_in(client, cast):
    response = client.get(reverse("places:area", args=[cast.mingzhu.pk]))
    assert response.status_code == 302
