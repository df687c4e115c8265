from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from jieyou.core import audit
from jieyou.core.models import AuditEntry
from jieyou.people import actions
from jieyou.people.models import Staff
from jieyou.testing.cast import PASSWORD

URL = reverse("audit_log")


def staff(cast, username, role):
    return actions.staff_create(
        actor=None, username=username, password=PASSWORD, name=username, role=role, area=cast.county
    ).user


@pytest.fixture
def auditor(cast):
    return staff(cast, "auditor", Staff.Role.AUDITOR)


@pytest.fixture
def security_admin(cast):
    return staff(cast, "sec_admin", Staff.Role.SECURITY_ADMIN)


def test_auditor_and_security_admin_see_the_log_newest_first(
    cast, auditor, security_admin, client_for
):
    audit.record("test.first", actor=cast.secretary)
    audit.record("test.second", actor=cast.grid_worker)
    for user in (auditor, security_admin):
        response = client_for(user).get(URL)
        assert response.status_code == 200
        page = response.content.decode()
        assert "审计日志" in page
        # The sign-in of the viewer is newest, then test.second, then test.first.
        assert page.index("test.second") < page.index("test.first")


@pytest.mark.parametrize(
    "member", ["county_admin", "secretary", "grid_worker", "outsider", "handler", "evaluator"]
)
def test_everyone_else_gets_404(cast, client_for, member):
    client = client_for(getattr(cast, member))
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_filters_by_action_actor_and_date(cast, auditor, client_for):
    with time_machine.travel(datetime(2025, 1, 10, 3, 0, tzinfo=UTC)):
        audit.record("concern.accept", actor=cast.secretary)
    # 2025-01-11 17:00 UTC is already 2025-01-12 in Shanghai.
    with time_machine.travel(datetime(2025, 1, 11, 17, 0, tzinfo=UTC)):
        audit.record("concern.dispatch", actor=cast.grid_worker)
    client = client_for(auditor)

    page = client.get(URL, {"action": "concern."}).content.decode()
    assert "concern.accept" in page and "concern.dispatch" in page
    assert "staff.create" not in page

    page = client.get(URL, {"action": "concern.", "actor": "mz_grid"}).content.decode()
    assert "concern.dispatch" in page and "concern.accept" not in page

    page = client.get(
        URL, {"action": "concern.", "date_from": "2025-01-10", "date_to": "2025-01-11"}
    ).content.decode()
    assert "concern.accept" in page and "concern.dispatch" not in page

    page = client.get(URL, {"date_from": "2025-01-12", "date_to": "2025-01-12"}).content.decode()
    assert "concern.dispatch" in page and "concern.accept" not in page


def test_is_paginated_and_keeps_filters_in_page_links(cast, auditor, client_for):
    for n in range(55):
        audit.record("bulk.item", actor=cast.secretary, detail={"n": n})
    client = client_for(auditor)
    first = client.get(URL, {"action": "bulk."}).content.decode()
    assert first.count("<td>bulk.item</td>") == 50
    assert "action=bulk." in first and "page=2" in first
    second = client.get(URL, {"action": "bulk.", "page": 2}).content.decode()
    assert second.count("<td>bulk.item</td>") == 5
    assert "{&quot;n&quot;: 0}" in second


def test_detail_is_shown_masked(cast, auditor, client_for):
    audit.record("test.note", actor=cast.secretary, detail={"said": "call 13912345678"})
    page = client_for(auditor).get(URL, {"action": "test."}).content.decode()
    assert "139****5678" in page
    assert "13912345678" not in page


def test_an_entry_without_detail_shows_a_dash_not_an_empty_object(cast, auditor, client_for):
    audit.record("test.bare", actor=cast.secretary)
    response = client_for(auditor).get(URL, {"action": "test.bare"})
    row = response.content.decode().split("<td>test.bare</td>", 1)[1].split("</tr>", 1)[0]
    assert "<code>" not in row and "{}" not in row
    assert row.rstrip().endswith("<td>—</td>")


def test_verify_button_reports_an_intact_chain_and_is_audited(cast, auditor, client_for):
    client = client_for(auditor)
    response = client.post(URL + "?action=audit.", follow=True)
    assert response.redirect_chain[-1][0] == URL + "?action=audit."
    assert "审计链完整" in response.content.decode()
    row = AuditEntry.objects.latest("id")
    assert (row.action, row.result, row.actor_id) == ("audit.verify", "ok", auditor.pk)


def test_verify_button_names_the_broken_row(cast, auditor, client_for):
    target = audit.record("test.target", actor=cast.secretary)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET action = %s WHERE id = %s", ["test.edited", target.id]
        )
    response = client_for(auditor).post(URL, follow=True)
    assert f"审计链断裂于#{target.id}" in response.content.decode()
    row = AuditEntry.objects.latest("id")
    assert (row.action, row.result, row.detail["entry_id"]) == (
        "audit.verify",
        "failed",
        target.id,
    )
