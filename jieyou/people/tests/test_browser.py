"""One real browser on a phone-sized screen: a grid worker signs in and sees their residents.

Runs Debian's Chromium (`apt-get install chromium fonts-noto-cjk`); CI installs it and must
run this test, elsewhere it is skipped when Chromium is missing.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from jieyou.testing.cast import PASSWORD, build_cast

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
UNMASKED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "Chromium is not installed (apt-get install chromium fonts-noto-cjk); CI runs this test",
        allow_module_level=True,
    )


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; the test's own
    # database calls are synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sign_in(browser, base_url: str, username: str):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('main form button[type="submit"]')
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
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
