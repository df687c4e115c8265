import pytest
from django.urls import reverse

from jieyou.people import actions as people
from jieyou.places import actions as places
from jieyou.testing.personal_data import assert_no_personal_numbers


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_grid_worker_sees_their_grid_and_residents_to_visit(cast, client_for):
    response = client_for(cast.grid_worker).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "明珠第一网格" in html
    assert "冶大爷" in html  # 独居老人: on the visit list
    assert "李女士" not in html  # no care tag
    assert "周先生" not in html
    assert response.context["figures"] == {"households": 2, "residents": 2}
    assert_no_personal_numbers(html)


def test_outsider_home_shows_nothing_of_mingzhu(cast, client_for):
    response = client_for(cast.outsider).get(reverse("home"))
    html = response.content.decode()
    assert "西河第一网格" in html
    assert "明珠" not in html
    assert "冶大爷" not in html
    assert_no_personal_numbers(html)


def test_secretary_sees_community_figures_and_grids_without_worker(cast, client_for):
    places.grid_create(actor=None, community=cast.mingzhu, name="明珠第二网格")
    response = client_for(cast.secretary).get(reverse("home"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["compounds"] == 1
    assert figures["buildings"] == 2
    assert figures["households"] == 2
    assert figures["residents"] == 2
    assert figures["care"] == 1
    assert figures["grids"] == 2
    assert [g.name for g in response.context["grids_without_worker"]] == ["明珠第二网格"]
    html = response.content.decode()
    assert "陈丹" in html
    assert_no_personal_numbers(html)


def test_county_admin_sees_per_community_counts(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.county_admin)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    rows = {a.name: a for a in response.context["county_rows"]}
    assert rows["明珠社区"].n_residents == 2
    assert rows["西河社区"].n_residents == 1
    assert rows["明珠社区"].n_grids == 1
    assert rows["明珠社区"].n_unstaffed == 0
    assert rows["木垒镇"].n_residents == 3
    assert_no_personal_numbers(response.content)


def test_county_home_query_count_does_not_grow_with_communities(cast, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.county_admin)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for i in range(3, 8):
        places.area_create(
            actor=None,
            name=f"测试社区{i}",
            kind="community",
            parent=cast.town,
            code=f"65232810000{i}",
        )
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(after) == len(before)


def test_handler_sees_their_unit(cast, client_for):
    response = client_for(cast.handler).get(reverse("home"))
    assert response.context["unit"] == cast.property_co
    assert "蓝天物业公司" in response.content.decode()


@pytest.mark.parametrize("role", ["evaluator"])
def test_evaluator_sees_what_they_can_open(cast, client_for, role):
    response = client_for(getattr(cast, role)).get(reverse("home"))
    html = response.content.decode()
    assert reverse("places:tree") in html
    assert reverse("people:units") in html
    assert reverse("people:residents") not in html


def test_user_without_role_gets_a_plain_message(db, client_for):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("norole", password="x")
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()


def test_care_list_counts_a_resident_with_two_care_tags_once(cast, client_for):
    people.resident_create(
        actor=None, name="赵大爷", area=cast.building8, tags=["独居老人", "低保"]
    )
    response = client_for(cast.grid_worker).get(reverse("home"))
    assert response.context["care_count"] == 2
