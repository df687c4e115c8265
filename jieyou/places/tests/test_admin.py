import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from jieyou.core.models import AuditEntry
from jieyou.places.models import Area, Grid


@pytest.fixture
def admin_client(db, client_for):
    user = get_user_model().objects.create_superuser("root", password="x")
    return client_for(user)


def area_form(**values):
    data = {"name": "", "kind": "", "parent": "", "code": "", "latitude": "", "longitude": ""}
    data.update(values)
    return data


def test_town_code_must_start_with_county_code(cast, admin_client):
    response = admin_client.post(
        reverse("admin:places_area_add"),
        area_form(name="新镇", kind="town", parent=cast.county.pk, code="650101101000"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["code"] == ["镇（街道）代码应以所属县代码 652328 开头"]
    assert "镇（街道）代码应以所属县代码 652328 开头" in response.content.decode()
    assert not Area.objects.filter(name="新镇").exists()


def test_kind_must_fit_parent(cast, admin_client):
    response = admin_client.post(
        reverse("admin:places_area_add"),
        area_form(name="错层小区", kind="compound", parent=cast.town.pk),
    )
    assert response.context["adminform"].form.errors["parent"] == ["小区的上级不能是镇（街道）"]


def test_add_goes_through_the_action_with_path_and_audit(cast, admin_client):
    response = admin_client.post(
        reverse("admin:places_area_add"),
        area_form(name="新镇", kind="town", parent=cast.county.pk, code="652328101000"),
    )
    assert response.status_code == 302
    town = Area.objects.get(name="新镇")
    assert town.path == f"{cast.county.path}{town.pk}/"
    assert AuditEntry.objects.filter(action="area.create", object_id=str(town.pk)).exists()


def test_moving_an_area_rewrites_paths_and_is_audited(cast, admin_client):
    building = Area.objects.create(name="临时楼", kind="building", parent=cast.lantian, path="")
    building.path = f"{cast.lantian.path}{building.pk}/"
    building.save()
    response = admin_client.post(
        reverse("admin:places_area_change", args=[cast.lantian.pk]),
        area_form(name="蓝天家园小区", kind="compound", parent=cast.xihe.pk),
    )
    assert response.status_code == 302
    building.refresh_from_db()
    assert building.path.startswith(cast.xihe.path)
    assert AuditEntry.objects.filter(action="area.update", object_id=str(cast.lantian.pk)).exists()


def test_cannot_move_an_area_under_itself(cast, admin_client):
    response = admin_client.post(
        reverse("admin:places_area_change", args=[cast.lantian.pk]),
        area_form(name="蓝天家园小区", kind="compound", parent=cast.mingzhu.pk),
    )
    assert response.status_code == 302  # same parent: fine
    response = admin_client.post(
        reverse("admin:places_area_change", args=[cast.mingzhu.pk]),
        area_form(name="明珠社区", kind="community", parent=cast.lantian.pk, code="652328100001"),
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors


def test_grid_admin_offers_only_own_community_and_audits(cast, admin_client):
    url = reverse("admin:places_grid_change", args=[cast.mingzhu_grid.pk])
    form = admin_client.get(url).context["adminform"].form
    offered = set(form.fields["areas"].queryset.values_list("name", flat=True))
    assert offered == {"蓝天家园小区", "7号楼", "8号楼"}
    response = admin_client.post(
        url, {"name": "明珠一格", "code": "MZ01", "areas": [cast.building7.pk]}
    )
    assert response.status_code == 302
    grid = Grid.objects.get(pk=cast.mingzhu_grid.pk)
    assert grid.name == "明珠一格"
    assert list(grid.areas.all()) == [cast.building7]
    assert AuditEntry.objects.filter(action="grid.update", object_id=str(grid.pk)).exists()


def test_grid_admin_add_refuses_areas_of_another_community(cast, admin_client):
    response = admin_client.post(
        reverse("admin:places_grid_add"),
        {"community": cast.mingzhu.pk, "name": "越界网格", "areas": [cast.shuangmao.pk]},
    )
    assert response.status_code == 200
    assert "双茂小区" in response.context["adminform"].form.errors["areas"][0]
    assert not Grid.objects.filter(name="越界网格").exists()
