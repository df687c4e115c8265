from django.urls import reverse

from jieyou.core.context import LARGE_TEXT_COOKIE


def test_large_text_toggle_sets_cookie_and_class(cast, client_for):
    client = client_for(cast.grid_worker)
    assert 'class="large-text"' not in client.get(reverse("home")).content.decode()
    response = client.post(reverse("large_text"), {"next": reverse("people:residents")})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:residents")
    assert response.cookies[LARGE_TEXT_COOKIE].value == "1"
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans" class="large-text">' in html
    client.post(reverse("large_text"), {"next": "/"})
    assert 'class="large-text"' not in client.get(reverse("home")).content.decode()


def test_large_text_toggle_refuses_foreign_redirect(cast, client_for):
    response = client_for(cast.grid_worker).post(
        reverse("large_text"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_english_switch_renders_english_nav(cast, client_for):
    client = client_for(cast.secretary)
    html = client.get(reverse("home")).content.decode()
    assert "居民" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en"' in html
    for word in ("Home", "Areas", "Grids", "Residents", "Units", "Staff"):
        assert f">{word}</a>" in html
    assert ">居民</a>" not in html


def test_nav_links_follow_the_role(cast, client_for):
    evaluator_nav = client_for(cast.evaluator).get(reverse("home")).content.decode()
    assert reverse("people:residents") not in evaluator_nav
    assert reverse("people:staff") not in evaluator_nav
    secretary_nav = client_for(cast.secretary).get(reverse("home")).content.decode()
    assert reverse("people:residents") in secretary_nav
    assert reverse("people:staff") in secretary_nav
    worker_nav = client_for(cast.grid_worker).get(reverse("home")).content.decode()
    assert reverse("people:staff") not in worker_nav
