"""The admin saves points, zones, services and services given through the actions."""

import pytest
from django.contrib.auth import get_user_model

from jieyou.core.models import AuditEntry
from jieyou.points.models import Service, ServiceDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for):
    user = get_user_model().objects.create_superuser("p1_root", password="Root-Pass-2024!")
    return client_for(user), user


def test_admin_service_gets_pinyin_keys_and_an_audit_entry(admin_client, point):
    client, user = admin_client
    response = client.post(
        "/admin/points/service/add/",
        {"point": point.pk, "name": "修鞋", "provider_kind": "vendor", "weekdays": "3"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shoe = Service.objects.get(name="修鞋")
    assert (shoe.name_pinyin, shoe.name_initials) == ("xiuxie", "xx")
    assert AuditEntry.objects.filter(action="service.create", actor_id=user.pk).exists()


def test_admin_shows_the_actions_rule_on_the_form(admin_client, point):
    client, _user = admin_client
    response = client.post(
        "/admin/points/service/add/",
        {"point": point.pk, "name": "修鞋", "provider_kind": "vendor", "weekdays": "9"},
    )
    assert response.status_code == 200
    assert "服务日：只能填 1 到 7 的数字" in response.content.decode()
    assert not Service.objects.filter(name="修鞋").exists()


def test_admin_point_zones_through_the_action(admin_client, cast, point):
    client, user = admin_client
    zones = list(point.zones.order_by("pk"))
    data = {
        "community": cast.mingzhu.pk,
        "area": cast.lantian.pk,
        "name": point.name,
        "hours": "每天",
        "active": "on",
        "zones-TOTAL_FORMS": str(len(zones) + 1),
        "zones-INITIAL_FORMS": str(len(zones)),
        "zones-MIN_NUM_FORMS": "0",
        "zones-MAX_NUM_FORMS": "1000",
    }
    for i, z in enumerate(zones):
        data.update(
            {
                f"zones-{i}-id": z.pk,
                f"zones-{i}-point": point.pk,
                f"zones-{i}-kind": z.kind,
                f"zones-{i}-name": z.name,
                f"zones-{i}-note": z.note,
            }
        )
    data[f"zones-{len(zones)}-point"] = point.pk
    data[f"zones-{len(zones)}-kind"] = "legal"
    data["zones-0-DELETE"] = "on"
    response = client.post(f"/admin/points/servicepoint/{point.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    point.refresh_from_db()
    assert point.hours == "每天"
    kinds = set(point.zones.values_list("kind", flat=True))
    assert "legal" in kinds and zones[0].kind not in kinds
    assert AuditEntry.objects.filter(action="point.zones", actor_id=user.pk).exists()


def test_admin_delivery_is_recorded_by_the_signed_in_user(admin_client, point_services):
    client, user = admin_client
    haircut = point_services["理发"]
    response = client.post(
        "/admin/points/servicedelivery/add/",
        {"service": haircut.pk, "day": "2024-11-15", "people": "7"},
    )
    assert response.status_code == 302
    delivery = ServiceDelivery.objects.get(service=haircut)
    assert (delivery.people, delivery.recorded_by) == (7, user)
