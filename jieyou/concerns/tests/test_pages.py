import io

import pytest
from django.urls import reverse
from PIL import Image

from jieyou.concerns import actions as a
from jieyou.concerns.models import Category, Concern, ConcernEvent, ConcernPhoto
from jieyou.testing.personal_data import assert_no_personal_numbers

S = Concern.Status
HTMX = {"HTTP_HX_REQUEST": "true"}
# A resident often types numbers into the description; the pages must mask them.
DESCRIPTION = "7号楼楼顶鸽棚，联系我13912345678，身份证652328196803150022"


def _submit(cast, *, area=None, description=DESCRIPTION, code="WJ", **kwargs):
    return a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code=code),
        description=description,
        channel=Concern.Channel.VISIT,
        area=area or cast.building7,
        reporter=cast.resident,
        contact_phone="+8613912345678",
        **kwargs,
    )


@pytest.fixture
def concern(cast):
    return _submit(cast)


@pytest.fixture
def dispatched(cast, concern):
    """Accepted by the secretary and sent to the property company, not yet claimed."""
    a.concern_accept(actor=cast.secretary, concern=concern)
    # Accepting makes the secretary the handler; dispatching to the unit clears that.
    a.concern_dispatch(actor=cast.secretary, concern=concern, lead_unit=cast.property_co)
    concern.refresh_from_db()
    return concern


@pytest.fixture
def claimed(cast, dispatched):
    a.concern_claim(actor=cast.handler, concern=dispatched)
    dispatched.refresh_from_db()
    return dispatched


@pytest.fixture
def resolved(cast, claimed):
    a.concern_resolve(actor=cast.handler, concern=claimed, note="鸽棚已拆除")
    claimed.refresh_from_db()
    return claimed


def act(client, concern, action, data=None, htmx=True, **extra):
    url = reverse("concerns:act", args=[concern.pk, action])
    return client.post(url, data or {}, **(HTMX if htmx else {}), **extra)


def _status(concern):
    concern.refresh_from_db()
    return concern.status


# --- my tasks ---------------------------------------------------------------------------


def test_grid_worker_tasks_show_new_concern_in_grid_with_accept(cast, client_for, concern):
    response = client_for(cast.grid_worker).get(reverse("concerns:tasks"))
    assert response.status_code == 200
    cards = response.context["cards"]
    assert [c["concern"] for c in cards] == [concern]
    assert cards[0]["actions"] == ["accept"]  # 违法建设 is handled at county level
    html = response.content.decode()
    assert concern.receipt_code in html
    assert_no_personal_numbers(html)


def test_tasks_put_overdue_first(cast, client_for, concern):
    late = _submit(cast, description="8号楼门口垃圾堆放", code="HJ", area=cast.building8)
    Concern.objects.filter(pk=late.pk).update(overdue=True)
    cards = client_for(cast.grid_worker).get(reverse("concerns:tasks")).context["cards"]
    assert [c["concern"].pk for c in cards] == [late.pk, concern.pk]


def test_handler_tasks_offer_claim_of_unit_concern(cast, client_for, dispatched):
    response = client_for(cast.handler).get(reverse("concerns:tasks"))
    cards = response.context["cards"]
    assert [c["concern"] for c in cards] == [dispatched]
    assert "claim" in cards[0]["actions"] and "resolve" not in cards[0]["actions"]


@pytest.mark.parametrize("page", ["concerns:tasks", "concerns:queue"])
def test_intake_button_only_for_those_who_may_take_in(cast, client_for, dispatched, page):
    intake = f'href="{reverse("intake:staff")}"'
    for user in (cast.grid_worker, cast.secretary, cast.outsider):
        assert intake in client_for(user).get(reverse(page)).content.decode()
    # A unit's handler works what is sent to the unit; the intake form is a 404 for them.
    handler = client_for(cast.handler)
    assert intake not in handler.get(reverse(page)).content.decode()
    assert handler.get(reverse("intake:staff")).status_code == 404


def test_outsider_has_no_tasks_from_mingzhu(cast, client_for, concern):
    response = client_for(cast.outsider).get(reverse("concerns:tasks"))
    assert response.context["cards"] == []
    assert concern.receipt_code not in response.content.decode()


def test_accept_from_task_card_returns_the_card(cast, client_for, concern):
    response = act(client_for(cast.grid_worker), concern, "accept", {"frag": "task"})
    assert response.status_code == 200
    assert _status(concern) == S.ACCEPTED
    assert concern.handler == cast.grid_worker
    html = response.content.decode()
    assert f'id="task-{concern.pk}"' in html and "已受理" in html
    assert_no_personal_numbers(html)


def test_claim_progress_resolve_by_handler(cast, client_for, dispatched):
    client = client_for(cast.handler)
    act(client, dispatched, "claim", {"frag": "task"})
    dispatched.refresh_from_db()
    assert dispatched.handler == cast.handler
    act(client, dispatched, "progress", {"frag": "task", "note": "已上门，联系13812345678"})
    event = ConcernEvent.objects.filter(concern=dispatched, action="progress").get()
    assert event.actor == cast.handler
    response = act(client, dispatched, "resolve", {"frag": "task", "note": "鸽棚已拆除"})
    assert _status(dispatched) == S.RESOLVED
    assert "已办结" in response.content.decode()


def test_progress_without_note_shows_the_guard_message(cast, client_for, claimed):
    response = act(client_for(cast.handler), claimed, "progress", {"frag": "task", "note": " "})
    assert response.status_code == 200
    assert "办理进展必须填写原因" in response.content.decode()
    assert not ConcernEvent.objects.filter(concern=claimed, action="progress").exists()


def test_escalate_with_reason_moves_up_the_ladder(cast, client_for, concern):
    concern.level = "grid"
    concern.save(update_fields=["level"])
    response = act(client_for(cast.grid_worker), concern, "escalate", {"reason": "需执法队处理"})
    assert response.status_code == 200
    concern.refresh_from_db()
    assert concern.level == "community"


def test_escalate_is_not_offered_at_county_level(cast, client_for, concern):
    assert concern.level == "county"
    response = client_for(cast.grid_worker).get(reverse("concerns:detail", args=[concern.pk]))
    assert "escalate" not in [x["name"] for x in response.context["actions"]]


# --- forbidden steps, through the page ----------------------------------------------------


def test_resolving_someone_elses_concern_shows_error(cast, client_for, claimed):
    response = act(client_for(cast.secretary), claimed, "resolve", {"note": "我来办结"})
    assert response.status_code == 200
    assert "只有承办人可以办结此诉求" in response.content.decode()
    assert _status(claimed) == S.IN_PROGRESS


def test_handler_rating_own_work_shows_error(cast, client_for, resolved):
    data = {"method": "call", "solved": "yes", "satisfaction": "satisfied"}
    response = act(client_for(cast.handler), resolved, "follow_up", data)
    assert response.status_code == 200
    assert "回访须由未参与办理的人员进行" in response.content.decode()
    assert _status(resolved) == S.RESOLVED
    assert not resolved.follow_ups.exists()


def test_handler_is_not_offered_the_follow_up_form(cast, client_for, resolved):
    detail = reverse("concerns:detail", args=[resolved.pk])
    offered = client_for(cast.handler).get(detail).context["actions"]
    assert "follow_up" not in [x["name"] for x in offered]
    offered = client_for(cast.grid_worker).get(detail).context["actions"]
    assert "follow_up" in [x["name"] for x in offered]


def test_follow_up_by_grid_worker_closes(cast, client_for, resolved):
    data = {"method": "visit", "solved": "yes", "satisfaction": "basic", "note": "居民确认"}
    response = act(client_for(cast.grid_worker), resolved, "follow_up", data)
    assert response.status_code == 200
    assert _status(resolved) == S.CLOSED
    assert resolved.follow_ups.get().satisfaction == "basic"
    assert "基本满意" in response.content.decode()


def test_follow_up_missing_answer_names_the_field(cast, client_for, resolved):
    response = act(client_for(cast.grid_worker), resolved, "follow_up", {"method": "visit"})
    assert "问题是否解决" in response.content.decode()
    assert _status(resolved) == S.RESOLVED


def test_reopening_closed_without_reason_shows_error(cast, client_for, resolved):
    a.concern_follow_up(actor=cast.grid_worker, concern=resolved, method="call", solved=True)
    client = client_for(cast.secretary)
    response = act(client, resolved, "reopen", {"reason": ""})
    assert response.status_code == 200
    assert "重新办理必须填写原因" in response.content.decode()
    assert _status(resolved) == S.CLOSED
    act(client, resolved, "reopen", {"reason": "居民反映鸽棚又搭起来了"})
    assert _status(resolved) == S.IN_PROGRESS


def test_grid_worker_may_not_dispatch_or_reject(cast, client_for, concern):
    client = client_for(cast.grid_worker)
    a.concern_accept(actor=cast.grid_worker, concern=concern)
    response = act(client, concern, "dispatch", {"lead_unit": cast.property_co.pk})
    assert "你的岗位不能派单" in response.content.decode()
    response = act(client, concern, "reject", {"reason": "不属于受理范围"})
    assert "只有社区书记或县级管理员可以审核此操作" in response.content.decode()
    assert _status(concern) == S.ACCEPTED


def test_non_htmx_error_renders_page_with_message_and_success_redirects(cast, client_for, claimed):
    client = client_for(cast.secretary)
    response = act(client, claimed, "resolve", {"note": "x"}, htmx=False)
    assert response.status_code == 200
    assert "只有承办人可以办结此诉求" in response.content.decode()
    response = act(client, claimed, "progress", {"note": "督办"}, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("concerns:detail", args=[claimed.pk])


# --- queues, dispatch, review ------------------------------------------------------------


def test_dispatch_form_sends_to_unit_with_assisting(cast, client_for, concern):
    a.concern_accept(actor=cast.secretary, concern=concern)
    data = {
        "lead_unit": cast.property_co.pk,
        "assisting_units": [cast.enforcement.pk, cast.property_co.pk],
        "handler": cast.handler.pk,
        "note": "物业牵头",
    }
    response = act(client_for(cast.secretary), concern, "dispatch", data)
    assert response.status_code == 200
    concern.refresh_from_db()
    assert concern.status == S.IN_PROGRESS
    assert concern.lead_unit == cast.property_co and concern.handler == cast.handler
    assert list(concern.assisting_units.all()) == [cast.enforcement]


def test_dispatch_refuses_unit_outside_scope(cast, client_for, concern):
    from jieyou.people.models import Unit

    far = Unit.objects.create(name="西河物业", kind=Unit.Kind.PROPERTY, area=cast.shuangmao)
    a.concern_accept(actor=cast.secretary, concern=concern)
    response = act(client_for(cast.secretary), concern, "dispatch", {"lead_unit": far.pk})
    assert "主办单位" in response.content.decode()
    assert _status(concern) == S.ACCEPTED


def test_reject_and_exempt_need_reviewer_reason(cast, client_for, concern):
    client = client_for(cast.secretary)
    response = act(client, concern, "reject", {"reason": ""})
    assert "不予受理必须填写原因" in response.content.decode()
    act(client, concern, "exempt", {"reason": "不属于政府职责范围"})
    concern.refresh_from_db()
    assert concern.exempt_reason == "不属于政府职责范围"
    act(client, concern, "reject", {"reason": "重复反映"})
    assert _status(concern) == S.REJECTED


def test_merge_by_receipt_code(cast, client_for, concern, django_capture_on_commit_callbacks):
    other = _submit(cast, description="7号楼楼顶鸽子很多，粪便污染")
    client = client_for(cast.secretary)
    response = act(client, other, "merge", {"into": "NOSUCHCODE"})
    assert "未找到可并入的办理中诉求" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, other, "merge", {"into": concern.receipt_code.lower()})
    other.refresh_from_db()
    assert other.status == S.MERGED and other.merged_into == concern


def test_merge_offers_similar_open_concerns(cast, client_for, concern):
    other = _submit(cast, description="7号楼楼顶鸽棚，鸽子粪便")
    response = client_for(cast.secretary).get(reverse("concerns:detail", args=[other.pk]))
    assert concern in [c for c, _score in response.context["similar"]]


def test_merge_cannot_reach_a_concern_outside_scope(cast, client_for, concern):
    far = _submit(cast, area=cast.shuangmao1, description="地下室门")
    response = act(client_for(cast.secretary), concern, "merge", {"into": far.receipt_code})
    assert "未找到可并入的办理中诉求" in response.content.decode()
    assert _status(concern) == S.SUBMITTED


def test_queue_filters_and_counts(cast, client_for, concern, claimed):
    late = _submit(cast, description="8号楼门口垃圾", code="HJ", area=cast.building8)
    Concern.objects.filter(pk=late.pk).update(overdue=True)
    _submit(cast, area=cast.shuangmao1, description="双茂小区地下室")
    client = client_for(cast.secretary)
    response = client.get(reverse("concerns:queue"))
    assert response.status_code == 200
    counts = {s: n for s, _label, n in response.context["status_counts"]}
    assert counts[S.SUBMITTED] == 1 and counts[S.IN_PROGRESS] == 1
    assert response.context["total"] == 2  # 双茂 is not the secretary's
    html = response.content.decode()
    assert_no_personal_numbers(html)
    assert "双茂小区地下室" not in html
    assert list(client.get(reverse("concerns:queue"), {"overdue": "1"}).context["page"]) == [late]
    hj = Category.objects.get(code="HJ").pk
    assert list(client.get(reverse("concerns:queue"), {"category": hj}).context["page"]) == [late]
    page = client.get(reverse("concerns:queue"), {"status": "in_progress"}).context["page"]
    assert list(page) == [claimed]
    grid = client.get(reverse("concerns:queue"), {"grid": cast.mingzhu_grid.pk}).context["page"]
    assert len(grid) == 2
    today = late.submitted_at.date().isoformat()
    assert len(client.get(reverse("concerns:queue"), {"since": today}).context["page"]) == 2
    assert len(client.get(reverse("concerns:queue"), {"until": "2000-01-01"}).context["page"]) == 0
    xihe_grid = {"grid": cast.xihe_grid.pk, "category": hj}
    assert list(client.get(reverse("concerns:queue"), xihe_grid).context["page"]) == [late]


def test_queue_is_not_for_evaluators_and_shows_outsider_nothing_of_mingzhu(
    cast, client_for, concern
):
    assert client_for(cast.evaluator).get(reverse("concerns:queue")).status_code == 404
    assert client_for(cast.evaluator).get(reverse("concerns:tasks")).status_code == 404
    response = client_for(cast.outsider).get(reverse("concerns:queue"))
    assert response.status_code == 200
    assert response.context["total"] == 0


# --- the concern page --------------------------------------------------------------------


def test_detail_masks_numbers_and_shows_the_timeline(cast, client_for, claimed):
    a.concern_progress(actor=cast.handler, concern=claimed, note="已回电 138-1234-5678")
    a.concern_resolve(actor=cast.handler, concern=claimed, note="鸽棚已拆除")
    response = client_for(cast.grid_worker).get(reverse("concerns:detail", args=[claimed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_personal_numbers(html)
    assert "139****5678" in html  # the contact phone, masked
    assert "652328********0022" in html  # the ID number typed into the description
    for label in ("提交", "受理", "派单", "认领", "办结"):
        assert label in html
    assert "明珠书记" in html and "物业经办人" in html
    assert "蓝天家园小区 › 7号楼" in html
    assert "鸽棚已拆除" in html and "138****5678" in html


def test_detail_lists_photos_by_scoped_address(cast, client_for, claimed):
    ConcernPhoto.objects.create(
        concern=claimed, token="abc123", image="x.jpg", stage="progress", width=1, height=1
    )
    response = client_for(cast.secretary).get(reverse("concerns:detail", args=[claimed.pk]))
    assert f'src="{reverse("intake:photo", args=["abc123"])}"' in response.content.decode()


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "roof.jpg"
    return buffer


def test_progress_with_photo_and_refused_photo(cast, client_for, claimed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(cast.handler)
    act(client, claimed, "progress", {"note": "现场照片", "photos": [_jpeg()]})
    assert claimed.photos.filter(stage="progress").count() == 1
    fake = io.BytesIO(b"not a picture")
    fake.name = "fake.jpg"
    response = act(client, claimed, "progress", {"note": "再传一张", "photos": [fake]})
    assert "不是有效的" in response.content.decode()
    assert claimed.photos.count() == 1
    assert ConcernEvent.objects.filter(concern=claimed, action="progress").count() == 1


def test_detail_offers_only_what_this_user_may_do(cast, client_for, dispatched):
    detail = reverse("concerns:detail", args=[dispatched.pk])
    handler = [x["name"] for x in client_for(cast.handler).get(detail).context["actions"]]
    assert "claim" in handler and "dispatch" not in handler and "resolve" not in handler
    secretary = [x["name"] for x in client_for(cast.secretary).get(detail).context["actions"]]
    assert "dispatch" in secretary and "claim" not in secretary and "exempt" in secretary
    worker = [x["name"] for x in client_for(cast.grid_worker).get(detail).context["actions"]]
    assert "reject" not in worker and "exempt" not in worker and "dispatch" not in worker


# --- the outsider ------------------------------------------------------------------------


ALL_ACTIONS = [
    "accept",
    "claim",
    "dispatch",
    "progress",
    "escalate",
    "resolve",
    "follow_up",
    "reject",
    "merge",
    "reopen",
    "exempt",
]


def test_outsider_gets_404_for_detail_and_every_action(cast, client_for, concern):
    client = client_for(cast.outsider)
    assert client.get(reverse("concerns:detail", args=[concern.pk])).status_code == 404
    for action in ALL_ACTIONS:
        response = act(client, concern, action, {"note": "x", "reason": "x"})
        assert response.status_code == 404, action
    assert _status(concern) == S.SUBMITTED
    assert concern.events.count() == 1


def test_unknown_action_is_404(cast, client_for, concern):
    response = act(client_for(cast.secretary), concern, "delete")
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, concern):
    response = client.get(reverse("concerns:detail", args=[concern.pk]))
    assert response.status_code == 302


def test_home_shows_concern_tasks(cast, client_for, dispatched):
    response = client_for(cast.handler).get(reverse("home"))
    figures = response.context["concern_figures"]
    assert figures["tasks"] == 1 and figures["assigned"] == 1
    assert dispatched.receipt_code in response.content.decode()
    secretary = client_for(cast.secretary).get(reverse("home")).context["concern_figures"]
    assert secretary["waiting"] == 0 and secretary["tasks"] == 0
    outsider = client_for(cast.outsider).get(reverse("home"))
    assert outsider.context["concern_figures"]["tasks"] == 0
    assert dispatched.receipt_code not in outsider.content.decode()
