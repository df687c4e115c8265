from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from jieyou.core.models import AuditEntry
from jieyou.testing.cast import PASSWORD

START = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
# A page only signed-in users see, which depends on nothing but sign-in.
PAGE = "/accounts/password/"
LOGIN = "/accounts/login/"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(cast, clock):
    """A browser that signed in through the login page at START."""
    client = Client()
    response = client.post(LOGIN, {"username": "mz_grid", "password": PASSWORD})
    assert response.status_code == 302
    return client


def assert_sent_to_login(response, next_path=PAGE):
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={next_path}"


def test_idle_29_minutes_is_fine(signed_in, clock):
    clock.shift(timedelta(minutes=29))
    assert signed_in.get(PAGE).status_code == 200


def test_idle_31_minutes_signs_out_with_a_reason(signed_in, clock):
    clock.shift(timedelta(minutes=31))
    response = signed_in.get(PAGE)
    assert_sent_to_login(response)
    assert "_auth_user_id" not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert "30分钟未操作" in page
    row = AuditEntry.objects.filter(action="auth.logout").latest("id")
    assert row.detail == {"reason": "idle"}


def test_activity_restarts_the_idle_clock(signed_in, clock):
    for _ in range(3):
        clock.shift(timedelta(minutes=25))
        assert signed_in.get(PAGE).status_code == 200
    clock.shift(timedelta(minutes=31))
    assert_sent_to_login(signed_in.get(PAGE))


def test_twelve_hours_after_sign_in_even_an_active_session_ends(signed_in, clock):
    for _ in range(36):  # active every 20 minutes for 12 hours
        clock.shift(timedelta(minutes=20))
        assert signed_in.get(PAGE).status_code == 200
    clock.shift(timedelta(minutes=1))
    response = signed_in.get(PAGE)
    assert_sent_to_login(response)
    assert "12小时" in signed_in.get(response["Location"]).content.decode()
    row = AuditEntry.objects.filter(action="auth.logout").latest("id")
    assert row.detail == {"reason": "absolute"}


def test_an_htmx_request_gets_hx_redirect(signed_in, clock):
    clock.shift(timedelta(minutes=31))
    response = signed_in.get(PAGE, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == LOGIN
    assert "_auth_user_id" not in signed_in.session


def test_an_api_call_on_an_expired_session_is_unauthorised_not_redirected(signed_in, clock):
    assert signed_in.get("/api/v1/people/units").status_code == 200
    clock.shift(timedelta(minutes=31))
    assert signed_in.get("/api/v1/people/units").status_code == 401
    assert "_auth_user_id" not in signed_in.session


def test_a_junk_authorization_header_does_not_skip_the_clock(signed_in, clock):
    clock.shift(timedelta(minutes=31))
    response = signed_in.get("/api/v1/people/units", headers={"Authorization": "Bearer junk"})
    assert response.status_code == 401


def test_a_forced_sign_in_starts_the_clocks_too(cast, client_for, clock):
    client = client_for(cast.outsider)
    clock.shift(timedelta(minutes=29))
    assert client.get(PAGE).status_code == 200
    clock.shift(timedelta(minutes=31))
    assert_sent_to_login(client.get(PAGE))


def test_the_outsider_session_expires_alike_and_others_are_untouched(cast, client_for, clock):
    outsider = client_for(cast.outsider)
    clock.shift(timedelta(minutes=20))
    colleague = client_for(cast.grid_worker)
    clock.shift(timedelta(minutes=11))
    assert_sent_to_login(outsider.get(PAGE))
    assert colleague.get(PAGE).status_code == 200


def test_the_next_parameter_keeps_the_query_string(signed_in, clock):
    clock.shift(timedelta(minutes=31))
    response = signed_in.get(reverse("password_change") + "?a=1&b=2")
    assert response["Location"] == f"{LOGIN}?next=/accounts/password/%3Fa%3D1%26b%3D2"
