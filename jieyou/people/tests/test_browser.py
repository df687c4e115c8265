"""One real browser on a phone-sized screen: a grid worker signs in and sees their residents.

Runs Debian's Chromium (`apt-get install chromium fonts-noto-cjk`); CI installs it and must
run this test, elsewhere it is skipped when Chromium is missing.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from jieyou.testing.browser import PHONE, chromium, signed_in, skip_without_chromium
from jieyou.testing.cast import build_cast

UNMASKED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

skip_without_chromium()


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


def sign_in(browser, base_url: str, username: str):
    _context, page = signed_in(browser, base_url, username)
    page.goto(f"{base_url}/people/residents/")
    return page


def test_grid_worker_sees_own_residents_masked_on_a_phone(live_server, browser):
    # live_server tests run on a flushed, transactional database: the cast is built again.
    cast = build_cast()
    page = sign_in(browser, live_server.url, cast.grid_worker.username)

    text = page.inner_text("main")
    assert "李女士" in text
    assert "冶大爷" in text
    assert "周先生" not in text
    assert "139****5678" in text
    html = page.content()
    assert not UNMASKED_MOBILE.search(html)
    assert cast.resident.id_number not in html
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "residents-phone.png"), full_page=True)

    # and the outsider, 林淑琴 of 西河社区, sees her own resident and none of 明珠's.
    other = sign_in(browser, live_server.url, cast.outsider.username).inner_text("main")
    assert "周先生" in other
    assert "李女士" not in other and "冶大爷" not in other
