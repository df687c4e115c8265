import pytest
from django.core.cache import cache
from django.test import Client

from jieyou.concerns import actions as a
from jieyou.concerns.models import Category, Concern, FollowUp
from jieyou.testing.personal_data import assert_no_personal_numbers

S = Concern.Status


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def concern(cast):
    return a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code="WJ"),
        description="李女士反映楼顶搭建鸽棚，电话13912345678",
        channel=Concern.Channel.VISIT,
        area=cast.building7,
        reporter=cast.resident,
        contact_name="李女士",
    )


@pytest.fixture
def resolved(cast, concern):
    a.concern_accept(actor=cast.secretary, concern=concern)
    a.concern_dispatch(actor=cast.secretary, concern=concern, lead_unit=cast.property_co)
    a.concern_claim(actor=cast.handler, concern=concern)
    a.concern_resolve(actor=cast.handler, concern=concern, note="物业经办人已拆除鸽棚")
    return concern


def test_progress_without_personal_data(cast, client, resolved):
    response = client.get(f"/t/{resolved.receipt_code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "违法建设" in html and "已办结待回访" in html
    for label in ("提交", "受理", "派单", "认领", "办结"):
        assert label in html
    for private in ("李女士", "鸽棚", "物业经办人", "陈丹", "明珠书记", "/concerns/photo/"):
        assert private not in html
    assert_no_personal_numbers(html)


def test_lower_case_codes_are_found(client, concern):
    assert client.get(f"/t/{concern.receipt_code.lower()}").status_code == 200


def test_unknown_codes_are_404_and_guessing_is_stopped(client, concern):
    for i in range(10):
        assert client.get(f"/t/WRONGCODE{i}").status_code == 404
    assert client.get(f"/t/{concern.receipt_code}").status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert other.get(f"/t/{concern.receipt_code}").status_code == 200


def test_resident_confirms_and_rates(client, resolved):
    response = client.post(
        f"/t/{resolved.receipt_code}", {"answer": "confirm", "satisfaction": "satisfied"}
    )
    assert "已收到您的反馈" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == S.CLOSED
    follow_up = FollowUp.objects.get(concern=resolved)
    assert (follow_up.method, follow_up.by, follow_up.solved) == ("self", None, True)
    assert follow_up.satisfaction == "satisfied"
    # Closed: the forms are gone, and a second answer is refused.
    again = client.post(
        f"/t/{resolved.receipt_code}", {"answer": "confirm", "satisfaction": "basic"}
    )
    assert "不能回访" in again.content.decode()
    assert FollowUp.objects.count() == 1


def test_resident_contests(cast, client, resolved):
    client.post(f"/t/{resolved.receipt_code}", {"answer": "contest", "reason": "鸽子又回来了"})
    resolved.refresh_from_db()
    assert resolved.status == S.IN_PROGRESS
    follow_up = FollowUp.objects.get(concern=resolved)
    assert not follow_up.solved and follow_up.note == "鸽子又回来了"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": "confirm"}, "请选择满意程度"),
        ({"answer": "contest", "reason": " "}, "请说明"),
        ({"answer": "maybe"}, "请选择"),
    ],
)
def test_incomplete_answers_change_nothing(client, resolved, data, message):
    response = client.post(f"/t/{resolved.receipt_code}", data)
    assert message in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == S.RESOLVED and not FollowUp.objects.exists()


def test_forms_only_while_resolved(client, concern):
    html = client.get(f"/t/{concern.receipt_code}").content.decode()
    assert "确认已解决" not in html
    client.post(f"/t/{concern.receipt_code}", {"answer": "confirm", "satisfaction": "satisfied"})
    assert not FollowUp.objects.exists()


def test_answers_need_the_csrf_token(resolved):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/t/{resolved.receipt_code}", {"answer": "confirm", "satisfaction": "satisfied"}
    )
    assert response.status_code == 403
    resolved.refresh_from_db()
    assert resolved.status == S.RESOLVED


def test_merged_concern_shows_the_progress_it_joined(cast, client, concern):
    other = a.concern_submit(
        actor=None,
        category=concern.category,
        description="楼顶鸽子",
        channel=Concern.Channel.QR,
        area=cast.building7,
    )
    a.concern_accept(actor=cast.secretary, concern=concern)
    a.concern_merge(actor=cast.secretary, concern=other, into=concern, reason="同一件事")
    html = client.get(f"/t/{other.receipt_code}").content.decode()
    assert "已合并" in html and "已受理" in html
    assert concern.receipt_code not in html


def test_staff_see_the_same_public_page(cast, client_for, concern):
    """The page is public; staff signed in get no more on it (and the outsider no less)."""
    for user in (cast.grid_worker, cast.outsider):
        html = client_for(user).get(f"/t/{concern.receipt_code}").content.decode()
        assert "鸽棚" not in html
        assert_no_personal_numbers(html)
