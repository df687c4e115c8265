import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from jieyou.core.models import AuditEntry
from jieyou.people.models import ApiToken, Resident, RosterImport, Staff, Tag
from jieyou.testing.personal_data import assert_no_personal_numbers


@pytest.fixture
def admin_client(db, client_for):
    return client_for(get_user_model().objects.create_superuser("root", password="x"))


def test_residents_tokens_and_uploads_are_not_in_admin():
    for model in (Resident, ApiToken, RosterImport):
        assert not admin.site.is_registered(model)


def test_staff_list_masks_phones(cast, admin_client):
    Staff.objects.filter(user=cast.grid_worker).update(phone="+8613512345678")
    response = admin_client.get(reverse("admin:people_staff_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "135****5678" in html
    assert_no_personal_numbers(html)


def test_unit_list_masks_phones(cast, admin_client):
    cast.property_co.phone = "+8613512345678"
    cast.property_co.save()
    response = admin_client.get(reverse("admin:people_unit_changelist"))
    assert_no_personal_numbers(response.content)


def test_staff_edit_is_audited_and_add_is_not_offered(cast, admin_client):
    staff = Staff.objects.get(user=cast.grid_worker)
    assert admin_client.get(reverse("admin:people_staff_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:people_staff_change", args=[staff.pk]),
        {
            "name": "陈丹",
            "role": "grid_worker",
            "area": cast.mingzhu.pk,
            "unit": "",
            "grids": [cast.mingzhu_grid.pk],
            "employment": "part",
            "phone": "",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.employment == "part"
    entry = AuditEntry.objects.filter(action="staff.update", object_id=str(staff.pk)).get()
    assert entry.detail["fields"] == ["employment"]


def test_tag_add_is_audited(db, admin_client):
    response = admin_client.post(reverse("admin:people_tag_add"), {"name": "残疾"})
    assert response.status_code == 302
    tag = Tag.objects.get(name="残疾")
    assert AuditEntry.objects.filter(action="tag.create", object_id=str(tag.pk)).exists()


def test_admin_is_closed_to_grid_workers(cast, client_for):
    response = client_for(cast.grid_worker).get(reverse("admin:people_staff_changelist"))
    assert response.status_code == 302
