from datetime import date, timedelta

import pytest
from django.utils import timezone

from jieyou.points.actions.volunteers import activity_record, volunteer_retire, volunteer_save
from jieyou.points.errors import PointsError
from jieyou.points.models import Volunteer, VolunteerActivity, VolunteerRole

from .records_support import api, page

API = "/api/v1/points"
B = Volunteer.Background
R = VolunteerRole.Role


def _volunteer(cast, **overrides):
    fields = {
        "actor": cast.secretary,
        "community": cast.mingzhu,
        "name": "王建国",
        "phone": "139 1234 5678",
        "background": B.VETERAN_MEMBER,
        "roles": [R.PATROL, R.MEDIATOR],
        "unit": cast.property_co,
        "joined_on": date(2024, 3, 1),
    }
    return volunteer_save(**{**fields, **overrides})


def test_save_stores_the_phone_in_e164_and_the_roles(cast):
    volunteer = _volunteer(cast)
    assert volunteer.phone == "+8613912345678"
    assert set(volunteer.roles.values_list("role", flat=True)) == {R.PATROL, R.MEDIATOR}
    changed = _volunteer(cast, volunteer=volunteer, roles=[R.MEDIATOR, R.LIAISON], phone="")
    assert changed.pk == volunteer.pk and changed.phone == ""
    assert set(changed.roles.values_list("role", flat=True)) == {R.MEDIATOR, R.LIAISON}
    assert VolunteerRole.objects.filter(volunteer=volunteer).count() == 2


def test_save_guards_name_the_field(cast):
    tomorrow = timezone.localdate() + timedelta(days=1)
    for overrides, field in [
        ({"name": " "}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"background": "hero"}, "background"),
        ({"roles": ["captain"]}, "roles"),
        ({"joined_on": tomorrow}, "joined_on"),
        ({"resident": cast.xihe_resident}, "resident"),
        ({"actor": cast.outsider}, "community"),
    ]:
        with pytest.raises(PointsError) as refused:
            _volunteer(cast, **overrides)
        assert field in refused.value.message_dict, overrides
    assert Volunteer.objects.count() == 0


def test_activity_log_and_retirement(cast, point, xihe_point):
    volunteer = _volunteer(cast)
    activity = activity_record(
        actor=cast.grid_worker,
        volunteer=volunteer,
        kind=VolunteerActivity.Kind.PATROL,
        day=date(2024, 7, 20),
        hours="2.5",
        note="夜间巡逻",
        point=point,
    )
    assert activity.hours == pytest.approx(2.5) and activity.recorded_by == cast.grid_worker
    for overrides, field in [
        ({"kind": "nap"}, "kind"),
        ({"hours": 25}, "hours"),
        ({"point": xihe_point}, "point"),
        ({"actor": cast.outsider}, "community"),
    ]:
        with pytest.raises(PointsError) as refused:
            activity_record(
                **{
                    "actor": cast.secretary,
                    "volunteer": volunteer,
                    "kind": "patrol",
                    "day": date(2024, 7, 21),
                    **overrides,
                }
            )
        assert field in refused.value.message_dict, overrides
    volunteer_retire(actor=cast.secretary, volunteer=volunteer)
    volunteer.refresh_from_db()
    assert volunteer.active is False
    with pytest.raises(PointsError):
        activity_record(
            actor=cast.secretary, volunteer=volunteer, kind="patrol", day=date(2024, 7, 22)
        )
    assert VolunteerActivity.objects.filter(volunteer=volunteer).count() == 1


def test_pages_list_by_role_with_masked_phones(cast, point, client_for):
    patrol = _volunteer(cast)
    _volunteer(cast, name="阿依古丽", phone="13812345678", roles=[R.OUTREACH])
    client = client_for(cast.secretary)
    listing = page(client, "/points/volunteers/")
    text = listing.content.decode()
    assert listing.status_code == 200
    assert "139****5678" in text and "138****5678" in text
    assert "巡逻员 1" in text and "宣讲员 1" in text
    by_role = page(client, "/points/volunteers/", {"role": R.PATROL}).content.decode()
    assert "王建国" in by_role and "阿依古丽" not in by_role
    posted = client.post(
        f"/points/volunteers/{patrol.pk}/activity/",
        {"kind": "mediation", "day": "2024-08-01", "hours": "1.5", "note": "调解邻里纠纷"},
    )
    assert posted.status_code == 302
    detail = page(client, f"/points/volunteers/{patrol.pk}/").content.decode()
    assert "调解邻里纠纷" in detail and "139****5678" in detail


def test_form_creates_and_keeps_the_stored_phone_when_left_empty(cast, client_for):
    client = client_for(cast.secretary)
    assert page(client, "/points/volunteers/new/").status_code == 200
    data = {
        "community": cast.mingzhu.pk,
        "name": "李大姐",
        "phone": "13712345678",
        "background": B.BUILDING_HEAD,
        "roles": [R.INFORMANT, R.LIAISON],
    }
    created = client.post("/points/volunteers/new/", data)
    assert created.status_code == 302
    volunteer = Volunteer.objects.get(name="李大姐")
    edit = page(client, f"/points/volunteers/{volunteer.pk}/edit/")
    assert "13712345678" not in edit.content.decode()
    client.post(f"/points/volunteers/{volunteer.pk}/edit/", {**data, "phone": "", "roles": []})
    volunteer.refresh_from_db()
    assert volunteer.phone == "+8613712345678"
    assert volunteer.roles.count() == 0


def test_api_lists_masked_phones_and_records_activities(cast, point):
    volunteer = _volunteer(cast)
    listed = api(cast.secretary, "get", f"{API}/volunteers", {"role": "patrol"}).json()
    assert listed["count"] == 1
    assert listed["items"][0]["phone"] == "139****5678"
    assert set(listed["items"][0]["roles"]) == {"patrol", "mediator"}
    body = {"kind": "service", "day": "2024-09-01", "hours": 3, "note": "帮拆门外门"}
    headers = {"Idempotency-Key": "act-1"}
    first = api(
        cast.grid_worker, "post", f"{API}/volunteers/{volunteer.pk}/activities", body, headers
    )
    again = api(
        cast.grid_worker, "post", f"{API}/volunteers/{volunteer.pk}/activities", body, headers
    )
    assert first.status_code == 201 and again.json() == first.json()
    assert VolunteerActivity.objects.count() == 1
    log = api(cast.secretary, "get", f"{API}/volunteers/{volunteer.pk}/activities").json()
    assert [a["kind"] for a in log["items"]] == ["service"]
    bad = api(
        cast.secretary, "post", f"{API}/volunteers/{volunteer.pk}/activities", {**body, "kind": "x"}
    )
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]


def test_outsider_gets_404_for_another_communitys_volunteers(cast, client_for):
    volunteer = _volunteer(cast)
    client = client_for(cast.outsider)
    assert page(client, f"/points/volunteers/{volunteer.pk}/").status_code == 404
    assert page(client, f"/points/volunteers/{volunteer.pk}/edit/").status_code == 404
    assert client.post(f"/points/volunteers/{volunteer.pk}/retire/").status_code == 404
    assert client.post(f"/points/volunteers/{volunteer.pk}/activity/", {}).status_code == 404
    assert page(client, "/points/volunteers/", {"community": cast.mingzhu.pk}).status_code == 404
    assert "王建国" not in page(client, "/points/volunteers/").content.decode()
    assert api(cast.outsider, "get", f"{API}/volunteers").json()["count"] == 0
    assert (
        api(cast.outsider, "get", f"{API}/volunteers", {"community": cast.mingzhu.pk}).status_code
        == 404
    )
    url = f"{API}/volunteers/{volunteer.pk}/activities"
    assert api(cast.outsider, "get", url).status_code == 404
    assert (
        api(cast.outsider, "post", url, {"kind": "patrol", "day": "2024-07-01"}).status_code == 404
    )
    volunteer.refresh_from_db()
    assert volunteer.active and not volunteer.activities.exists()
