import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from jieyou.concerns import actions as a
from jieyou.concerns.models import Category, Concern, ConcernPhoto
from jieyou.testing.personal_data import assert_no_personal_numbers

from .test_photos import jpeg


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def public_data(cast, **extra):
    return {
        "category": Category.objects.get(code="HJ").pk,
        "description": "7号楼楼道里堆满杂物，联系我13912345678",
        "place": cast.building7.pk,
        "address": "2单元",
        "name": "李女士",
        "phone": "139 1234 5678",
        "website": "",
        **extra,
    }


# ---- the public QR form ----------------------------------------------------------------


def test_public_form_opens_without_an_account(cast, client):
    response = client.get(f"/c/{cast.lantian.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "环境卫生" in html and "7号楼" in html
    # Places of another community are not offered.
    assert "双茂小区" not in html
    assert 'class="hp"' in html and "style=" not in html
    assert client.get(f"/c/{cast.mingzhu.pk}/").status_code == 200


def test_public_form_needs_a_community_or_compound(cast, client):
    assert client.get(f"/c/{cast.building7.pk}/").status_code == 404
    assert client.get(f"/c/{cast.county.pk}/").status_code == 404
    assert client.get("/c/999999/").status_code == 404


def test_public_submission_is_stored_and_shows_the_receipt(cast, client):
    response = client.post(f"/c/{cast.lantian.pk}/", public_data(cast, photos=[jpeg(), jpeg()]))
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.channel == Concern.Channel.QR
    assert concern.area == cast.building7
    assert concern.contact_phone == "+8613912345678"
    assert concern.contact_name == "李女士"
    assert concern.reporter is None
    assert concern.events.get().actor is None
    assert concern.photos.filter(stage="intake").count() == 2
    html = response.content.decode()
    assert concern.receipt_code in html and f"/t/{concern.receipt_code}" in html
    assert_no_personal_numbers(html)


def test_a_robot_filling_the_hidden_field_is_told_it_worked(cast, client):
    response = client.post(f"/c/{cast.lantian.pk}/", public_data(cast, website="http://spam"))
    assert response.status_code == 200
    assert "回执码" in response.content.decode()
    assert not Concern.objects.exists()


def test_submissions_are_rate_limited_per_address(cast, client):
    for _ in range(5):
        assert client.post(f"/c/{cast.lantian.pk}/", public_data(cast)).status_code == 200
    response = client.post(f"/c/{cast.lantian.pk}/", public_data(cast))
    assert response.status_code == 429
    assert Concern.objects.count() == 5
    # Another address is not held up.
    other = client.post(f"/c/{cast.lantian.pk}/", public_data(cast), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_a_bad_second_photo_stores_nothing(cast, client, tmp_path):
    bad = SimpleUploadedFile("2.jpg", b"plain text, not a photo", content_type="image/jpeg")
    data = public_data(cast, photos=[jpeg(), bad], description="楼道堆满杂物")
    response = client.post(f"/c/{cast.lantian.pk}/", data)
    assert response.status_code == 200
    assert "第2张照片" in response.content.decode()
    assert not Concern.objects.exists() and not ConcernPhoto.objects.exists()
    assert not any(tmp_path.rglob("*.jpg"))
    # The phone typed is not shown back on the page (a service-point tablet is shared).
    assert_no_personal_numbers(response.content)


def test_ten_photos_are_refused_on_the_form(cast, client):
    photos = [jpeg() for _ in range(10)]
    response = client.post(f"/c/{cast.lantian.pk}/", public_data(cast, photos=photos))
    assert "最多上传 9 张照片" in response.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("description", "很" * 4001, "4000"),
        ("description", "   ", "必填"),
        ("phone", "12345", "电话号码格式不正确"),
        ("latitude", "abc", "数"),
    ],
)
def test_public_form_field_errors(cast, client, field, value, message):
    response = client.post(f"/c/{cast.lantian.pk}/", public_data(cast, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Concern.objects.exists()


def test_a_place_of_another_community_is_refused(cast, client):
    response = client.post(f"/c/{cast.lantian.pk}/", public_data(cast, place=cast.shuangmao1.pk))
    assert "所选地点不在可选范围内" in response.content.decode()
    assert not Concern.objects.exists()


def test_public_similar_shows_no_text(cast, client):
    a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code="HJ"),
        description="7号楼楼道堆放杂物很多，冶大爷13812345678说堵住了",
        channel=Concern.Channel.VISIT,
        area=cast.building7,
    )
    response = client.get(
        f"/c/{cast.lantian.pk}/similar/",
        {"description": "7号楼楼道里堆满了杂物", "place": cast.building7.pk},
    )
    html = response.content.decode()
    assert "环境卫生" in html and "已提交" in html
    assert "杂物" not in html and "冶大爷" not in html
    assert_no_personal_numbers(html)


# ---- staff intake -----------------------------------------------------------------------


def staff_data(cast, **extra):
    return {
        "channel": Concern.Channel.VISIT,
        "resident": cast.resident.pk,
        "category": Category.objects.get(code="WJ").pk,
        "description": "楼顶搭建鸽棚，鸽子粪便污染晾晒衣物",
        "place": "",
        "urgency": "normal",
        **extra,
    }


def test_grid_worker_logs_a_concern_for_a_resident(cast, client_for):
    client = client_for(cast.grid_worker)
    page = client.get("/concerns/intake/")
    assert page.status_code == 200 and "入户走访" in page.content.decode()
    response = client.post("/concerns/intake/", staff_data(cast, photos=[jpeg()]))
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.reporter == cast.resident
    assert concern.area == cast.building7  # the resident's home stands in for the place
    assert concern.channel == Concern.Channel.VISIT
    assert concern.events.get().actor == cast.grid_worker
    assert concern.photos.get().uploaded_by == cast.grid_worker
    assert concern.receipt_code in response.content.decode()


def test_hotline_call_without_a_resident(cast, client_for):
    client = client_for(cast.secretary)
    data = staff_data(
        cast,
        channel=Concern.Channel.HOTLINE,
        resident="",
        place=cast.lantian.pk,
        phone="13700001111",
    )
    client.post("/concerns/intake/", data)
    concern = Concern.objects.get()
    assert concern.channel == "hotline" and concern.reporter is None
    assert concern.contact_phone == "+8613700001111"


def test_place_is_required_without_a_resident(cast, client_for):
    response = client_for(cast.grid_worker).post("/concerns/intake/", staff_data(cast, resident=""))
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert not Concern.objects.exists()


def test_the_outsider_cannot_log_for_another_community(cast, client_for):
    client = client_for(cast.outsider)
    response = client.post("/concerns/intake/", staff_data(cast, place=cast.building7.pk))
    html = response.content.decode()
    assert "所选居民不在你的负责范围内" in html and "所选地点不在可选范围内" in html
    assert not Concern.objects.exists()
    # A place of their own is fine; the resident still is not theirs.
    response = client.post("/concerns/intake/", staff_data(cast, place=cast.shuangmao1.pk))
    assert not Concern.objects.exists()


def test_roles_without_residents_do_not_get_the_page(cast, client_for, client):
    assert client_for(cast.handler).get("/concerns/intake/").status_code == 404
    assert client_for(cast.evaluator).get("/concerns/intake/").status_code == 404
    assert client.get("/concerns/intake/").status_code == 302


def test_resident_search_is_scoped_and_masked(cast, client_for):
    response = client_for(cast.grid_worker).get("/concerns/intake/residents/", {"q": "lns"})
    html = response.content.decode()
    assert "李女士" in html and "139****5678" in html
    assert_no_personal_numbers(html)
    outsider = client_for(cast.outsider).get("/concerns/intake/residents/", {"q": "李"})
    assert "李女士" not in outsider.content.decode()


def test_staff_similar_lists_open_concerns_in_scope(cast, client_for):
    earlier = a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code="WJ"),
        description="7号楼楼顶有人养鸽子，搭了鸽棚，电话13812345678",
        channel=Concern.Channel.VISIT,
        area=cast.building8,
    )
    query = {"description": "楼顶搭建鸽棚养鸽子", "place": cast.building7.pk}
    html = client_for(cast.grid_worker).get("/concerns/intake/similar/", query).content.decode()
    assert earlier.receipt_code in html and "138****5678" in html
    assert_no_personal_numbers(html)
    # And the outsider? The place is not theirs.
    outsider = client_for(cast.outsider).get("/concerns/intake/similar/", query)
    assert outsider.status_code == 404
    by_resident = {"description": "鸽棚", "resident": cast.resident.pk}
    assert (
        client_for(cast.outsider).get("/concerns/intake/similar/", by_resident).status_code == 404
    )
