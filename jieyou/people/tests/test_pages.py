import pytest
from django.urls import reverse

from jieyou.core.models import AuditEntry
from jieyou.people import actions
from jieyou.people.models import Resident
from jieyou.testing.personal_data import assert_no_personal_numbers


def get(client, url, data=None, **headers):
    response = client.get(url, data or {}, **headers)
    assert_no_personal_numbers(response.content)
    return response


@pytest.fixture
def zhao(cast):
    return actions.resident_create(
        actor=None, name="赵大爷", area=cast.building8, phone="+8613612345678", tags=["空巢老人"]
    )


def names(response):
    return [r.name for r in response.context["page"]]


def test_grid_worker_sees_their_residents_masked(cast, client_for):
    response = get(client_for(cast.grid_worker), reverse("people:residents"))
    assert response.status_code == 200
    assert sorted(names(response)) == ["冶大爷", "李女士"]
    assert "139****5678" in response.content.decode()


@pytest.mark.parametrize("q", ["zdy", "zhao", "ZDY", "daye", "赵", "大爷"])
def test_search_by_initials_pinyin_and_chinese(cast, client_for, zhao, q):
    response = get(client_for(cast.secretary), reverse("people:residents"), {"q": q})
    assert "赵大爷" in names(response)
    assert "李女士" not in names(response)


def test_initials_match_only_from_the_start(cast, client_for, zhao):
    response = get(client_for(cast.secretary), reverse("people:residents"), {"q": "dy"})
    assert "赵大爷" not in names(response)
    assert "冶大爷" not in names(response)  # yedaye: "dy" is neither a prefix of yd nor in yedaye


def test_live_search_returns_only_the_rows(cast, client_for, zhao):
    response = get(
        client_for(cast.secretary),
        reverse("people:residents"),
        {"q": "zdy"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "赵大爷" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_filter_by_tag_and_grid(cast, client_for, zhao):
    client = client_for(cast.secretary)
    tag = zhao.tags.get()
    assert names(get(client, reverse("people:residents"), {"tag": tag.pk})) == ["赵大爷"]
    by_grid = get(client, reverse("people:residents"), {"grid": cast.mingzhu_grid.pk})
    assert sorted(names(by_grid)) == ["冶大爷", "李女士", "赵大爷"]
    by_area = get(client, reverse("people:residents"), {"area": cast.building7.pk})
    assert sorted(names(by_area)) == ["冶大爷", "李女士"]


def test_pagination_fifty_a_page(cast, client_for):
    Resident.objects.bulk_create(
        Resident(**actions.resident_fields(f"测试{i:03d}"), area=cast.building7) for i in range(60)
    )
    client = client_for(cast.secretary)
    first = get(client, reverse("people:residents"), {"q": "ceshi"})
    assert len(names(first)) == 50
    second = get(client, reverse("people:residents"), {"q": "ceshi", "page": 2})
    assert len(names(second)) == 10
    assert "page=2" in first.content.decode()


def test_outsider_sees_none_and_gets_404(cast, client_for):
    client = client_for(cast.outsider)
    listing = get(client, reverse("people:residents"))
    assert names(listing) == ["周先生"]
    assert client.get(reverse("people:resident", args=[cast.resident.pk])).status_code == 404
    assert (
        client.get(reverse("people:residents"), {"grid": cast.mingzhu_grid.pk}).status_code == 404
    )
    assert client.get(reverse("people:residents"), {"area": cast.mingzhu.pk}).status_code == 404
    assert client.get(reverse("people:unit", args=[cast.property_co.pk])).status_code == 404


def test_resident_detail_is_masked_with_reveal_buttons(cast, client_for):
    response = get(
        client_for(cast.grid_worker), reverse("people:resident", args=[cast.resident.pk])
    )
    html = response.content.decode()
    assert "139****5678" in html
    assert "652328********0022" in html
    assert "7号楼301" in html
    assert "明珠第一网格" in html
    assert reverse("people:resident_reveal", args=[cast.resident.pk, "phone"]) in html


def test_reveal_returns_the_number_and_writes_an_audit_row(cast, client_for):
    client = client_for(cast.grid_worker)
    before = AuditEntry.objects.filter(action="resident.reveal").count()
    response = client.post(reverse("people:resident_reveal", args=[cast.resident.pk, "id_number"]))
    assert response.status_code == 200
    assert "652328196803150022" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.filter(action="resident.reveal").latest("id")
    assert AuditEntry.objects.filter(action="resident.reveal").count() == before + 1
    assert entry.actor_name == "mz_grid"
    assert entry.object_id == str(cast.resident.pk)
    assert entry.detail == {"field": "id_number"}


@pytest.mark.parametrize("who", ["outsider", "handler", "evaluator", "cadre"])
def test_reveal_is_404_for_others_and_leaves_no_audit(cast, client_for, who):
    before = AuditEntry.objects.filter(action="resident.reveal").count()
    response = client_for(getattr(cast, who)).post(
        reverse("people:resident_reveal", args=[cast.resident.pk, "phone"])
    )
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="resident.reveal").count() == before


def test_reveal_needs_post_and_a_known_field(cast, client_for):
    client = client_for(cast.grid_worker)
    url = reverse("people:resident_reveal", args=[cast.resident.pk, "phone"])
    assert client.get(url).status_code == 405
    bad = reverse("people:resident_reveal", args=[cast.resident.pk, "name"])
    assert client.post(bad).status_code == 404


def test_detail_without_unmask_role_has_no_reveal_button(cast, client_for):
    response = get(client_for(cast.cadre), reverse("people:resident", args=[cast.resident.pk]))
    assert "显示完整号码" not in response.content.decode()


def test_grid_worker_creates_a_resident(cast, client_for):
    client = client_for(cast.grid_worker)
    form = get(client, reverse("people:resident_create"))
    offered = {a.name for a in form.context["form"].fields["area"].queryset}
    assert offered == {"蓝天家园小区", "7号楼", "8号楼"}
    response = client.post(
        reverse("people:resident_create"),
        {
            "name": "马阿姨",
            "phone": "139 0994 1234",
            "id_number": "11010519491231002X",
            "area": cast.building8.pk,
            "room": "502",
        },
    )
    assert response.status_code == 302
    created = Resident.objects.get(name="马阿姨")
    assert created.phone == "+8613909941234"
    assert created.birth_year == 1949 and created.gender == "F"
    assert str(created.household) == "8号楼502"
    assert AuditEntry.objects.filter(action="resident.create", object_id=str(created.pk)).exists()
    detail = get(client, response["Location"])
    assert "139****1234" in detail.content.decode()


def test_create_form_reports_field_errors_in_chinese(cast, client_for):
    client = client_for(cast.grid_worker)
    response = client.post(
        reverse("people:resident_create"),
        {
            "name": "错号",
            "phone": "12345",
            "id_number": "110105194912310021",
            "area": cast.shuangmao1.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["id_number"] == ["身份证号校验位错误"]
    assert errors["area"] == ["所选区域不在你的负责范围内"]
    assert "电话号码" in errors["phone"][0]
    assert_no_personal_numbers(response.content.decode().replace("110105194912310021", ""))
    assert not Resident.objects.filter(name="错号").exists()


def test_create_refuses_duplicate_id_and_mismatched_birth_year(cast, client_for):
    response = client_for(cast.secretary).post(
        reverse("people:resident_create"),
        {"name": "重复", "id_number": "652328196803150022", "area": cast.building7.pk},
    )
    assert response.context["form"].errors["id_number"] == ["该身份证号已登记"]
    response = client_for(cast.secretary).post(
        reverse("people:resident_create"),
        {
            "name": "不符",
            "id_number": "11010519491231002X",
            "birth_year": 1950,
            "area": cast.building7.pk,
        },
    )
    assert response.context["form"].errors["birth_year"] == ["出生年份与身份证号不符"]


@pytest.mark.parametrize("who", ["handler", "evaluator"])
def test_create_is_404_for_roles_without_residents(cast, client_for, who):
    assert client_for(getattr(cast, who)).get(reverse("people:resident_create")).status_code == 404


def test_outsider_cannot_create_in_mingzhu(cast, client_for):
    response = client_for(cast.outsider).post(
        reverse("people:resident_create"), {"name": "越界", "area": cast.building7.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["area"] == ["所选区域不在你的负责范围内"]
    assert not Resident.objects.filter(name="越界").exists()


def test_units_list_and_detail(cast, client_for):
    client = client_for(cast.grid_worker)
    listing = get(client, reverse("people:units"))
    assert {u.name for u in listing.context["units"]} == {"县综合行政执法队", "蓝天物业公司"}
    detail = get(client, reverse("people:unit", args=[cast.property_co.pk]))
    assert [m.name for m in detail.context["members"]] == ["物业经办人"]


def test_handler_sees_only_their_unit(cast, client_for):
    client = client_for(cast.handler)
    assert [u.name for u in get(client, reverse("people:units")).context["units"]] == [
        "蓝天物业公司"
    ]
    assert client.get(reverse("people:unit", args=[cast.enforcement.pk])).status_code == 404


def test_staff_list_for_secretary_masked(cast, client_for):
    from jieyou.people.models import Staff

    Staff.objects.filter(user=cast.grid_worker).update(phone="+8613512345678")
    response = get(client_for(cast.secretary), reverse("people:staff"))
    names_ = {m.name for m in response.context["members"]}
    assert {"陈丹", "明珠书记", "明珠干部"} <= names_
    assert "林淑琴" not in names_
    assert "135****5678" in response.content.decode()


@pytest.mark.parametrize("who", ["grid_worker", "outsider", "handler", "evaluator"])
def test_staff_list_is_404_for_other_roles(cast, client_for, who):
    assert client_for(getattr(cast, who)).get(reverse("people:staff")).status_code == 404


def test_county_admin_staff_list_covers_county(cast, client_for):
    response = get(client_for(cast.county_admin), reverse("people:staff"))
    assert {"陈丹", "林淑琴"} <= {m.name for m in response.context["members"]}
