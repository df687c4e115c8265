import pytest
from django.test import Client

from jieyou.testing.cast import build_cast


def pytest_configure(config):
    from django.conf import settings

    # Sign-in speed is not under test; a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.JIEYOU_SMS_BACKEND = "jieyou.core.sms.MemoryBackend"


@pytest.fixture(autouse=True)
def default_language():
    """A request with the English cookie leaves English active in the thread (LocaleMiddleware
    activates and never resets); every test starts and ends in the default language."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def forget_memos():
    """Rows kept by a worker belong to the test that read them: ids come back after a rollback."""
    from jieyou.core import memo

    memo.clear_all()
    yield
    memo.clear_all()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_cast()


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def client_for(db):
    """`client_for(user)` → a test client with that user signed in (sign-in itself is tested
    through the login page)."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def outbox():
    """Text messages sent during the test, as (phone, text)."""
    from jieyou.core.sms import MemoryBackend

    MemoryBackend.outbox.clear()
    return MemoryBackend.outbox
