"""A real phone-sized browser for the tests that need one: Debian's Chromium
(`apt-get install chromium fonts-noto-cjk`) driven by Playwright. CI installs it and must run
those tests; elsewhere they are skipped when Chromium is missing."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from jieyou.testing.cast import PASSWORD

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


def skip_without_chromium() -> None:
    """Called at a test module's top: skips the module where Chromium is missing, except on CI."""
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip(
            "Chromium is not installed (apt-get install chromium fonts-noto-cjk); CI runs it",
            allow_module_level=True,
        )


@contextmanager
def chromium():
    """Chromium, closed on the way out. Playwright's sync API keeps an event loop running in the
    test's thread, so the test sets DJANGO_ALLOW_ASYNC_UNSAFE: its own database calls are
    synchronous and safe there."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Playwright runs the test in a context of its own, where Django keeps a
            # connection of its own: left open, PostgreSQL refuses to drop the test database.
            connections.close_all()


def signed_in(browser, base_url: str, username: str):
    """A new phone (its context) and a page on which `username` has signed in."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('main form button[type="submit"]')
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return context, page
