import pytest
from django.test import RequestFactory

from jieyou.core.middleware import client_address


def request(remote="10.0.0.2", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_header_is_ignored(settings):
    settings.PROXY_COUNT = 0
    assert client_address(request(forwarded="198.51.100.7")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("count", "forwarded", "client"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        # The client wrote the left entry itself; only our proxy's entry is believed.
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.2"),  # fewer hops than proxies: not through all of them
        (1, "", "10.0.0.2"),
        (1, None, "10.0.0.2"),
    ],
)
def test_trusted_proxies(settings, count, forwarded, client):
    settings.PROXY_COUNT = count
    assert client_address(request(forwarded=forwarded)) == client


def test_the_audit_log_and_lockout_record_the_same_address(cast, settings, client):
    from axes.models import AccessAttempt

    from jieyou.core.models import AuditEntry

    settings.PROXY_COUNT = 1
    client.post(
        "/accounts/login/",
        {"username": "mz_grid", "password": "Wrong-1"},
        headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.7"},
    )
    assert AuditEntry.objects.latest("id").client_addr == "198.51.100.7"
    assert AccessAttempt.objects.get(username="mz_grid").ip_address == "198.51.100.7"
