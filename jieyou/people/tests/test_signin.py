import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jieyou.core.models import AuditEntry
from jieyou.testing.cast import PASSWORD

LOGIN = "/accounts/login/"
START = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def audit_rows(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# Sign-in


def test_login_page_is_chinese_and_has_a_form(db):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录" in page and "用户名" in page and "密码" in page
    assert 'autocomplete="current-password"' in page
    assert 'name="viewport"' in page


def test_sign_in_with_the_right_password(cast):
    client = Client()
    response = sign_in(client, "mz_grid", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(cast.grid_worker.pk)
    row = audit_rows("auth.login")[-1]
    assert (row.result, row.actor_id, row.actor_name) == ("ok", cast.grid_worker.pk, "mz_grid")
    assert row.client_addr == "127.0.0.1"


def test_sign_in_follows_a_local_next_but_not_a_foreign_one(cast):
    response = sign_in(Client(), "mz_grid", PASSWORD, next="/accounts/password/")
    assert response["Location"] == "/accounts/password/"
    response = sign_in(Client(), "mz_grid", PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_a_message_and_is_audited_without_the_password(cast):
    client = Client()
    response = sign_in(client, "mz_grid", "Wrong-Password-1")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    row = audit_rows("auth.login")[-1]
    assert row.result == "failed"
    assert row.actor_id is None
    assert row.detail == {"username": "mz_grid"}
    everything = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "Wrong-Password-1" not in everything
    assert PASSWORD not in everything


def test_unknown_user_is_refused_with_the_same_message(cast):
    response = sign_in(Client(), "nobody", PASSWORD)
    assert "用户名或密码不正确" in response.content.decode()
    assert audit_rows("auth.login")[-1].detail == {"username": "nobody"}


def test_an_inactive_account_cannot_sign_in(cast):
    get_user_model().objects.filter(pk=cast.outsider.pk).update(is_active=False)
    client = Client()
    sign_in(client, "xh_grid", PASSWORD)
    assert "_auth_user_id" not in client.session


def test_admin_login_failures_are_audited_too(cast):
    Client().post("/admin/login/", {"username": "county_admin", "password": "nope"})
    assert audit_rows("auth.login")[-1].detail == {"username": "county_admin"}


def test_sign_out_is_audited_and_ends_the_session(cast, client_for):
    client = client_for(cast.secretary)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    row = audit_rows("auth.logout")[-1]
    assert (row.actor_id, row.detail) == (cast.secretary.pk, {"reason": "user"})


def test_login_without_csrf_token_is_forbidden(cast):
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, "mz_grid", PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_with_csrf_token_works(cast):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    response = sign_in(client, "mz_grid", PASSWORD, csrfmiddlewaretoken=token)
    assert response.status_code == 302


# Lockout


def test_five_failures_lock_the_account_for_fifteen_minutes(cast):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        for attempt in range(1, 5):
            assert sign_in(client, "mz_grid", f"Wrong-{attempt}").status_code == 200
        fifth = sign_in(client, "mz_grid", "Wrong-5")
        assert fifth.status_code == 429
        assert "账号已锁定，请15分钟后再试" in fifth.content.decode()

        clock.shift(timedelta(minutes=1))
        sixth = sign_in(client, "mz_grid", PASSWORD)
        assert sixth.status_code == 429
        assert "_auth_user_id" not in client.session
        assert "账号已锁定，请14分钟后再试" in sixth.content.decode()

        clock.shift(timedelta(minutes=13, seconds=50))
        assert sign_in(client, "mz_grid", PASSWORD).status_code == 429

        clock.shift(timedelta(seconds=15))  # 15 minutes and 5 seconds after the fifth failure
        response = sign_in(client, "mz_grid", PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(cast.grid_worker.pk)


def test_lockout_is_audited_and_refused_attempts_are_not_counted_as_failures(cast):
    with time_machine.travel(START, tick=False):
        for attempt in range(5):
            sign_in(Client(), "mz_grid", f"Wrong-{attempt}")
        sign_in(Client(), "mz_grid", PASSWORD)
    failures = [r for r in audit_rows("auth.login") if r.result == "failed"]
    lockouts = audit_rows("auth.lockout")
    assert len(failures) == 5
    assert [(r.result, r.detail) for r in lockouts] == [("denied", {"username": "mz_grid"})] * 2
    assert lockouts[0].id > failures[-1].id


def test_a_locked_account_does_not_lock_anyone_else(cast):
    with time_machine.travel(START, tick=False):
        for attempt in range(5):
            sign_in(Client(), "xh_grid", f"Wrong-{attempt}")
        assert sign_in(Client(), "xh_grid", PASSWORD).status_code == 429
        assert sign_in(Client(), "mz_grid", PASSWORD).status_code == 302


def test_success_resets_the_failure_count(cast):
    with time_machine.travel(START, tick=False):
        for attempt in range(4):
            sign_in(Client(), "mz_grid", f"Wrong-{attempt}")
        assert sign_in(Client(), "mz_grid", PASSWORD).status_code == 302
        for attempt in range(4):
            sign_in(Client(), "mz_grid", f"Wrong-{attempt}")
        assert sign_in(Client(), "mz_grid", PASSWORD).status_code == 302


# Password rules and password change


@pytest.mark.parametrize(
    "password",
    [
        "Ab1-Ab1-x",  # 9 characters, four classes
        "jieyoumima2025",  # 10+ characters, two classes
        "JIEYOU-MIMA",  # two classes
    ],
)
def test_weak_passwords_are_refused(cast, password):
    with pytest.raises(ValidationError):
        validate_password(password, cast.grid_worker)


def test_ten_characters_of_three_classes_are_accepted(cast):
    validate_password("Tianshan-7", cast.grid_worker)


def test_the_class_rule_message_is_chinese(cast):
    with pytest.raises(ValidationError) as error:
        validate_password("jieyoumima2025", cast.grid_worker)
    assert "至少3类" in " ".join(error.value.messages)


def change_password(client, new, old=PASSWORD):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_password_change_page_needs_sign_in(db):
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_change_refuses_short_and_simple_passwords(cast, client_for):
    client = client_for(cast.outsider)
    assert "修改密码" in client.get(reverse("password_change")).content.decode()
    short = change_password(client, "Ab1-Ab1-x")
    assert short.status_code == 200
    assert [e.code for e in short.context["form"].errors.as_data()["new_password2"]] == [
        "password_too_short"
    ]
    simple = change_password(client, "jieyoumima2025")
    assert simple.status_code == 200
    errors = simple.context["form"].errors["new_password2"]
    assert errors == ["密码须包含小写字母、大写字母、数字、符号中的至少3类"]
    assert '<ul class="errorlist"' in simple.content.decode()
    wrong_old = change_password(client, "Tianshan-Road-7", old="not-it")
    assert wrong_old.status_code == 200
    assert "old_password" in wrong_old.context["form"].errors
    cast.outsider.refresh_from_db()
    assert cast.outsider.check_password(PASSWORD)
    assert not audit_rows("auth.password_change")


def test_password_change_keeps_the_session_and_is_audited(cast, client_for):
    client = client_for(cast.outsider)
    response = change_password(client, "Tianshan-Road-7")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(response["Location"]).status_code == 200
    cast.outsider.refresh_from_db()
    assert cast.outsider.check_password("Tianshan-Road-7")
    row = audit_rows("auth.password_change")[-1]
    assert (row.actor_id, row.object_type, row.object_id) == (
        cast.outsider.pk,
        "auth.user",
        str(cast.outsider.pk),
    )
    assert "Tianshan" not in json.dumps(row.detail)
    # The outsider changed only their own password; everyone else's still works.
    assert sign_in(Client(), "mz_grid", PASSWORD).status_code == 302
    assert sign_in(Client(), "xh_grid", "Tianshan-Road-7").status_code == 302
