"""The visit form in a real phone browser: the draft survives a dropped network and an
answer lost on the way back, is sent again with its key, and makes one visit.

Runs Debian's Chromium (`apt-get install chromium fonts-noto-cjk`); skipped where it is
missing, as in people/tests/test_browser.py.
"""

import pytest

from jieyou.points.models import Visit
from jieyou.testing.browser import PHONE, chromium, signed_in, skip_without_chromium
from jieyou.testing.cast import build_cast

skip_without_chromium()


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        yield browser


def _status(page) -> str:
    return page.inner_text("[data-draft-status]")


def _wait_for_status(page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("[data-draft-status]")).to_contain_text(text, timeout=10000)


def test_a_draft_is_kept_offline_and_resent_once_online(live_server, browser):
    cast = build_cast()
    household = cast.resident.household
    context, page = signed_in(browser, live_server.url, cast.grid_worker.username)
    page.goto(f"{live_server.url}/points/visits/new/?household={household.pk}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.check('input[name="purpose"][value="hazard"]')
    page.fill('textarea[name="findings"]', "楼顶鸽棚，鸽粪污染晾晒衣物")

    # Typed text is on the phone before anything is sent: a reload brings it back.
    page.reload()
    assert page.input_value('textarea[name="findings"]') == "楼顶鸽棚，鸽粪污染晾晒衣物"
    key = page.input_value('input[name="client_key"]')

    context.set_offline(True)
    page.click('form[data-visit-draft] button[type="submit"]')
    _wait_for_status(page, "网络")
    assert "已保存" not in _status(page)
    assert Visit.objects.count() == 0

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _wait_for_status(page, "已保存")
    visit = Visit.objects.get()
    assert visit.client_key == key and visit.findings == "楼顶鸽棚，鸽粪污染晾晒衣物"
    assert page.evaluate("localStorage.getItem('jieyou.visitDrafts')") == "{}"


def test_an_answer_lost_on_the_way_back_does_not_make_a_second_visit(live_server, browser):
    cast = build_cast()
    household = cast.neighbour.household
    _context, page = signed_in(browser, live_server.url, cast.grid_worker.username)
    lost = []

    def lose_the_answer(route):
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server receives and saves the visit ...
            lost.append(True)
            route.abort()  # ... and the phone never hears back
        else:
            route.continue_()

    page.route("**/points/visits/new/", lose_the_answer)
    page.goto(f"{live_server.url}/points/visits/new/?household={household.pk}")
    page.check('input[name="purpose"][value="care"]')
    page.fill('textarea[name="findings"]', "独居老人，需要定期探访")
    page.click('form[data-visit-draft] button[type="submit"]')
    _wait_for_status(page, "网络")
    assert Visit.objects.count() == 1  # saved, but the phone does not know it yet

    page.evaluate("window.dispatchEvent(new Event('online'))")
    _wait_for_status(page, "已保存")
    assert Visit.objects.count() == 1
    page.click("[data-draft-status] a")
    page.wait_for_url(f"**/points/visits/{Visit.objects.get().pk}/")
    assert "发现问题，一键上报" in page.inner_text("main")
