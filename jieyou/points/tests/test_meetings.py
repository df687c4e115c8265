from datetime import date, timedelta

import pytest
from django.utils import timezone

from jieyou.concerns import actions as concern_actions
from jieyou.concerns.models import Category, Concern
from jieyou.points.actions.meetings import meeting_add_suggestion, meeting_record
from jieyou.points.errors import PointsError
from jieyou.points.models import Meeting, MeetingSuggestion
from jieyou.points.queries.records import meetings_for, with_suggestion_counts

from .records_support import api, page

API = "/api/v1/points"
M = Meeting.Kind


def _record(cast, point=None, **overrides):
    fields = {
        "actor": cast.secretary,
        "community": cast.mingzhu,
        "point": point,
        "kind": M.OWNERS,
        "held_on": date(2024, 9, 6),
        "attendance": 23,
        "topics": "楼顶鸽棚；地下室门外门",
        "minutes": "冶大爷（电话 13812345678，身份证 652328195603150011）到会说明情况。",
        "decisions": "请执法队上门普法",
        "suggestions": [
            {"category": Category.objects.get(code="WJ"), "description": "7号楼楼顶鸽棚要拆除"},
            {
                "category": "HJ",
                "description": "8号楼门口垃圾桶太少",
                "area": cast.building8,
            },
        ],
    }
    return meeting_record(**{**fields, **overrides})


def test_suggestions_become_concerns_with_channel_meeting_and_the_meeting_link(cast, point):
    meeting = _record(cast, point)
    links = list(MeetingSuggestion.objects.filter(meeting=meeting).select_related("concern"))
    assert len(links) == 2
    first, second = (link.concern for link in links)
    assert {first.channel, second.channel} == {Concern.Channel.MEETING}
    assert first.category.code == "WJ" and second.category.code == "HJ"
    # No place named: the compound of the point where the meeting was held.
    assert first.area == cast.lantian
    assert second.area == cast.building8
    assert first.reporter is None and first.contact_phone == ""
    assert "业主会议" in first.contact_name and "2024-09-06" in first.contact_name
    assert first.status == Concern.Status.SUBMITTED
    assert first.events.filter(action="submit").count() == 1


def test_without_a_point_the_suggestion_belongs_to_the_community(cast):
    meeting = _record(
        cast,
        None,
        suggestions=[{"category": "MD", "description": "邻里停车纠纷"}],
    )
    assert meeting.suggestions.get().concern.area == cast.mingzhu


def test_a_refused_suggestion_records_nothing(cast, point):
    before = Concern.objects.count()
    with pytest.raises(PointsError) as refused:
        _record(
            cast,
            point,
            suggestions=[
                {"category": "WJ", "description": "鸽棚"},
                {"category": "WJ", "description": "   "},
            ],
        )
    assert "suggestions" in refused.value.message_dict
    assert Meeting.objects.count() == 0
    assert Concern.objects.count() == before


def test_a_suggestion_placed_in_another_community_is_refused(cast, point):
    with pytest.raises(PointsError) as refused:
        _record(
            cast,
            point,
            suggestions=[{"category": "WJ", "description": "门外门", "area": cast.shuangmao}],
        )
    assert "本社区" in refused.value.message_dict["suggestions"][0]


def test_guards_name_the_field(cast, point, xihe_point):
    tomorrow = timezone.localdate() + timedelta(days=1)
    cases = [
        ({"held_on": tomorrow}, "held_on"),
        ({"topics": "  "}, "topics"),
        ({"kind": "party"}, "kind"),
        ({"point": xihe_point}, "point"),
        ({"attendance": -1}, "attendance"),
    ]
    for overrides, field in cases:
        with pytest.raises(PointsError) as refused:
            _record(cast, **{"point": point, **overrides})
        assert field in refused.value.message_dict, overrides


def test_only_keepers_of_the_community_record(cast, point):
    for user in (cast.outsider, cast.evaluator, cast.handler):
        with pytest.raises(PointsError):
            _record(cast, point, actor=user)
    assert Meeting.objects.count() == 0


def test_a_later_suggestion_is_linked_too(cast, point):
    meeting = _record(cast, point, suggestions=[])
    suggestion = meeting_add_suggestion(
        actor=cast.grid_worker,
        meeting=meeting,
        category=Category.objects.get(code="BM"),
        description="希望增设快递代收点",
    )
    assert suggestion.meeting == meeting
    assert suggestion.concern.channel == Concern.Channel.MEETING
    with pytest.raises(PointsError):
        meeting_add_suggestion(
            actor=cast.outsider,
            meeting=meeting,
            category=Category.objects.get(code="BM"),
            description="越权",
        )
    assert meeting.suggestions.count() == 1


def test_suggestions_count_as_solved_only_when_closed(cast, point):
    meeting = _record(cast, point)
    concern = meeting.suggestions.first().concern
    concern_actions.concern_accept(actor=cast.grid_worker, concern=concern)
    concern_actions.concern_resolve(actor=cast.grid_worker, concern=concern, note="已拆除")
    counted = with_suggestion_counts(meetings_for(cast.secretary)).get(pk=meeting.pk)
    assert (counted.n_suggestions, counted.n_closed) == (2, 0)
    concern_actions.concern_follow_up(
        actor=cast.secretary, concern=concern, method="visit", solved=True, satisfaction="satisfied"
    )
    counted = with_suggestion_counts(meetings_for(cast.secretary)).get(pk=meeting.pk)
    assert (counted.n_suggestions, counted.n_closed) == (2, 1)


def test_pages_show_suggestion_status_and_mask_numbers_in_minutes(cast, point, client_for):
    meeting = _record(cast, point)
    client = client_for(cast.secretary)
    listing = page(client, "/points/meetings/")
    assert listing.status_code == 200
    assert "建议 2 条，已解决 0 条" in listing.content.decode()
    detail = page(client, f"/points/meetings/{meeting.pk}/")
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "138****5678" in text and "652328********0011" in text
    for link in meeting.suggestions.all():
        assert f"/concerns/{link.concern_id}/" in text
    assert "已提交" in text


def test_suggestions_link_to_the_concern_only_for_those_who_may_open_it(cast, point, client_for):
    meeting = _record(cast, point)
    links = [f'href="/concerns/{s.concern_id}/"' for s in meeting.suggestions.all()]
    secretary = page(client_for(cast.secretary), f"/points/meetings/{meeting.pk}/")
    assert all(link in secretary.content.decode() for link in links)
    # The evaluator reads the meeting but not the concerns: the codes show, unlinked.
    shown = page(client_for(cast.evaluator), f"/points/meetings/{meeting.pk}/")
    text = shown.content.decode()
    assert shown.status_code == 200
    assert not any(link in text for link in links)
    for s in meeting.suggestions.all():
        assert s.concern.receipt_code in text
        assert client_for(cast.evaluator).get(f"/concerns/{s.concern_id}/").status_code == 404


def test_form_adds_rows_without_saving_then_records(cast, point, client_for):
    client = client_for(cast.secretary)
    assert page(client, "/points/meetings/new/").status_code == 200
    data = {
        "community": cast.mingzhu.pk,
        "point": point.pk,
        "kind": M.COURTYARD,
        "held_on": "2024-10-12",
        "attendance": "15",
        "topics": "门外门问题",
        "minutes": "",
        "decisions": "",
        "s_category": ["WY", "", ""],
        "s_description": ["地下室门外门侵占楼道", "", ""],
        "s_area": ["", "", ""],
    }
    more = client.post("/points/meetings/new/", {**data, "add_row": "1"})
    assert more.status_code == 200
    assert more.content.decode().count('name="s_description"') == 4
    assert Meeting.objects.count() == 0
    saved = client.post("/points/meetings/new/", data)
    assert saved.status_code == 302
    meeting = Meeting.objects.get()
    assert saved["Location"] == f"/points/meetings/{meeting.pk}/"
    assert meeting.suggestions.get().concern.category.code == "WY"
    half = client.post(
        "/points/meetings/new/", {**data, "s_category": ["", ""], "s_description": ["无类别", ""]}
    )
    assert half.status_code == 422
    assert "问题类别：请选择" in half.content.decode()
    assert Meeting.objects.count() == 1


def test_outsider_gets_404_for_another_communitys_meetings(cast, point, client_for):
    meeting = _record(cast, point)
    client = client_for(cast.outsider)
    assert page(client, f"/points/meetings/{meeting.pk}/").status_code == 404
    assert page(client, "/points/meetings/", {"community": cast.mingzhu.pk}).status_code == 404
    assert "业主会议" not in page(client, "/points/meetings/").content.decode()
    posted = client.post(
        f"/points/meetings/{meeting.pk}/suggest/", {"category": "", "description": "x"}
    )
    assert posted.status_code == 404
    assert api(cast.outsider, "get", f"{API}/meetings/{meeting.pk}").status_code == 404
    assert (
        api(cast.outsider, "get", f"{API}/meetings", {"community": cast.mingzhu.pk}).status_code
        == 404
    )
    assert api(cast.outsider, "get", f"{API}/meetings").json()["count"] == 0
    body = {"community": cast.mingzhu.pk, "kind": "owners", "held_on": "2024-09-06", "topics": "x"}
    assert api(cast.outsider, "post", f"{API}/meetings", body).status_code == 404
    assert Meeting.objects.count() == 1


def test_api_records_a_meeting_once_per_idempotency_key(cast, point):
    body = {
        "community": cast.mingzhu.pk,
        "point": point.pk,
        "kind": "residents",
        "held_on": "2024-08-02",
        "attendance": 30,
        "topics": "小区停车",
        "minutes": "联系人 13912345678",
        "suggestions": [
            {"category": "ZY", "description": "楼道堆放杂物"},
            {"category": "HJ", "description": "垃圾清运不及时", "area": cast.building7.pk},
        ],
    }
    headers = {"Idempotency-Key": "meeting-2024-08-02"}
    first = api(cast.grid_worker, "post", f"{API}/meetings", body, headers)
    assert first.status_code == 201, first.content
    again = api(cast.grid_worker, "post", f"{API}/meetings", body, headers)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Meeting.objects.count() == 1
    detail = api(cast.secretary, "get", f"{API}/meetings/{first.json()['id']}").json()
    assert detail["minutes"] == "联系人 139****5678"
    assert [s["status"] for s in detail["suggestions"]] == ["submitted", "submitted"]
    assert detail["suggestions"][1]["area_id"] == cast.building7.pk
    assert (detail["n_suggestions"], detail["n_closed"]) == (2, 0)
    refused = api(
        cast.grid_worker,
        "post",
        f"{API}/meetings",
        {**body, "suggestions": [{"category": "NOPE", "description": "x"}]},
    )
    assert refused.status_code == 422 and "category" in refused.json()["errors"]
