"""The pages shown for a missing or out-of-scope address and for a server error: in Chinese,
with a way back, instead of Django's English one-liners."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_out_of_scope_page_is_a_chinese_404_with_a_way_home(cast, client_for):
    url = f"/people/residents/{cast.resident.pk}/"
    assert client_for(cast.grid_worker).get(url).status_code == 200
    response = client_for(cast.outsider).get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert "<h1>页面不存在</h1>" in html and 'href="/"' in html
    assert "Not Found" not in html and cast.resident.name not in html


def test_anonymous_404_on_a_public_address(db, client):
    response = client.get("/p/999999/")
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in response.content.decode()


def test_server_error_page_is_chinese_and_needs_no_request_context(db):
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>系统出错</h1>" in html and "Server Error" not in html
