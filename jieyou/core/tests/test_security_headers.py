import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CSP = "Content-Security-Policy"


def assert_hardened(response):
    policy = response[CSP]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_home_page(cast, client_for):
    response = client_for(cast.secretary).get("/")
    assert response.status_code == 200
    assert_hardened(response)


def test_login_page(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert_hardened(response)


def test_admin_login(db):
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    assert_hardened(response)


def test_not_found_page(cast, client_for):
    response = client_for(cast.outsider).get("/no-such-page/")
    assert response.status_code == 404
    assert_hardened(response)


def test_api_response(cast, client_for):
    response = client_for(cast.outsider).get("/api/v1/people/units")
    assert response.status_code == 200
    assert_hardened(response)
    assert_hardened(Client().get("/api/v1/people/units"))  # the 401 as well


def test_lockout_page(cast):
    client = Client()
    for attempt in range(5):
        response = client.post(
            "/accounts/login/", {"username": "xh_grid", "password": f"Wrong-{attempt}"}
        )
    assert response.status_code == 429
    assert_hardened(response)


def test_session_cookie_is_http_only_and_same_site(cast):
    from jieyou.testing.cast import PASSWORD

    client = Client()
    client.post("/accounts/login/", {"username": "mz_grid", "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# Our policy allows no inline script or style, so templates must not contain any: it would
# silently not run in the browser.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on attribute": re.compile(r"\shx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def our_templates():
    root = Path(settings.BASE_DIR) / "jieyou"
    return sorted(p for p in root.rglob("templates/**/*.html") if ".venv" not in p.parts)


def test_templates_are_found():
    names = {p.name for p in our_templates()}
    assert {"base.html", "login.html", "audit_log.html"} <= names


@pytest.mark.parametrize("kind", INLINE)
def test_no_inline_code_in_our_templates(kind):
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in our_templates()
        for text in [path.read_text()]
        for m in INLINE[kind].finditer(text)
    ]
    assert offenders == [], f"{kind} in {offenders}"


def test_the_scan_would_catch_inline_code():
    sample = '<script>alert(1)</script><p style="color:red" onclick="x()">'
    found = [kind for kind, pattern in INLINE.items() if pattern.search(sample)]
    assert found == ["inline <script>", "style attribute", "event handler attribute"]
    assert not INLINE["inline <script>"].search('<script src="/static/x.js" defer></script>')


def test_production_mode_passes_the_deploy_check(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        JIEYOU_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="jieyou.example.cn",
        JIEYOU_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_mode_fails_the_deploy_check(tmp_path):
    """The deploy check is real: without production mode it does complain."""
    env = {k: v for k, v in os.environ.items() if k not in {"JIEYOU_ENV", "DEBUG"}}
    env.update(JIEYOU_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


def test_csrf_failure_page_is_chinese_and_keeps_the_policy(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    assert "Content-Security-Policy" in response
