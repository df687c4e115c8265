from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from jieyou.points.actions.events import event_delete, event_save
from jieyou.points.errors import PointsError
from jieyou.points.models import Event
from jieyou.points.queries.records import events_for, month_calendar

from .records_support import api, page

API = "/api/v1/points"
LOCAL = ZoneInfo("Asia/Shanghai")
K = Event.Kind


def _at(day: int, hour: int, month: int = 10) -> datetime:
    return datetime(2024, month, day, hour, 0, tzinfo=LOCAL)


def _event(cast, point=None, **overrides):
    fields = {
        "actor": cast.secretary,
        "point": point,
        "kind": K.CLINIC,
        "title": "县医院义诊",
        "starts_at": _at(18, 10),
        "ends_at": _at(18, 12),
        "providers": "县人民医院",
        "people_served": 46,
        "note": "咨询电话 13912345678",
    }
    return event_save(**{**fields, **overrides})


def test_save_and_guards(cast, point, xihe_point):
    event = _event(cast, point)
    assert event.recorded_by == cast.secretary and event.people_served == 46
    changed = _event(cast, point, event=event, people_served=52, title="县医院义诊（复诊）")
    assert changed.pk == event.pk and changed.people_served == 52
    future = timezone.now() + timedelta(days=3)
    for overrides, field in [
        ({"title": ""}, "title"),
        ({"kind": "party"}, "kind"),
        ({"ends_at": _at(18, 9)}, "ends_at"),
        ({"people_served": -1}, "people_served"),
        ({"starts_at": future, "ends_at": None, "people_served": 5}, "people_served"),
        ({"point": xihe_point}, "point"),
        ({"actor": cast.outsider}, "point"),
    ]:
        with pytest.raises(PointsError) as refused:
            _event(cast, **{"point": point, **overrides})
        assert field in refused.value.message_dict, overrides
    assert Event.objects.count() == 1


def test_only_an_event_not_yet_started_may_be_deleted(cast, point):
    held = _event(cast, point)
    with pytest.raises(PointsError) as refused:
        event_delete(actor=cast.secretary, event=held)
    assert "starts_at" in refused.value.message_dict
    planned = _event(
        cast,
        point,
        title="爱心义剪",
        kind=K.HAIRCUT,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=None,
        people_served=0,
    )
    with pytest.raises(PointsError):
        event_delete(actor=cast.outsider, event=planned)
    event_delete(actor=cast.secretary, event=planned)
    assert list(Event.objects.all()) == [held]


def test_month_calendar_places_events_on_their_local_day(cast, point):
    _event(cast, point)
    # Midnight of 1 November in Beijing time is still 31 October in UTC.
    _event(cast, point, title="旧物置换", kind=K.SWAP, starts_at=_at(1, 0, 11), ends_at=None)
    weeks = month_calendar(events_for(cast.secretary), 2024, 10)
    assert weeks[0][0].day.isoformat() == "2024-09-30"  # weeks start on Monday
    days = {d.day.isoformat(): d for week in weeks for d in week}
    assert [e.title for e in days["2024-10-18"].events] == ["县医院义诊"]
    assert days["2024-10-31"].events == []
    assert [e.title for e in days["2024-11-01"].events] == ["旧物置换"]
    assert days["2024-11-01"].in_month is False


def test_pages_list_calendar_and_form(cast, point, client_for):
    event = _event(cast, point)
    client = client_for(cast.secretary)
    listing = page(client, "/points/events/", {"month": "2024-10"}).content.decode()
    assert "县医院义诊" in listing and "服务 46 人次" in listing
    calendar = page(
        client, "/points/events/calendar/", {"month": "2024-10", "community": cast.mingzhu.pk}
    ).content.decode()
    assert f"/points/events/{event.pk}/" in calendar and "周一" in calendar
    detail = page(client, f"/points/events/{event.pk}/").content.decode()
    assert "139****5678" in detail and "只能修改" in detail
    created = client.post(
        "/points/events/new/",
        {
            "point": point.pk,
            "kind": K.SKIT,
            "title": "法治小品",
            "starts_at": "2024-10-25T19:30",
            "ends_at": "2024-10-25T21:00",
            "providers": "县文工团",
            "people_served": "120",
            "note": "",
        },
    )
    assert created.status_code == 302
    skit = Event.objects.get(title="法治小品")
    assert timezone.localtime(skit.starts_at).hour == 19
    edit = page(client, f"/points/events/{skit.pk}/edit/").content.decode()
    assert 'value="2024-10-25T19:30"' in edit


def test_api_lists_calendar_and_posts(cast, point):
    _event(cast, point)
    listed = api(cast.grid_worker, "get", f"{API}/events", {"month": "2024-10"}).json()
    assert [e["title"] for e in listed["items"]] == ["县医院义诊"]
    assert listed["items"][0]["note"] == "咨询电话 139****5678"
    cal = api(
        cast.grid_worker,
        "get",
        f"{API}/events/calendar",
        {"month": "2024-10", "community": cast.mingzhu.pk},
    ).json()
    days = {d["day"]: d for week in cal["weeks"] for d in week}
    assert [e["title"] for e in days["2024-10-18"]["events"]] == ["县医院义诊"]
    body = {
        "point": point.pk,
        "kind": "policy",
        "title": "惠民政策宣讲",
        "starts_at": "2024-10-20T10:00:00+08:00",
        "people_served": 35,
    }
    created = api(cast.secretary, "post", f"{API}/events", body)
    assert created.status_code == 201, created.content
    assert created.json()["community_id"] == cast.mingzhu.pk
    bad = api(cast.secretary, "post", f"{API}/events", {**body, "title": ""})
    assert bad.status_code == 422 and "title" in bad.json()["errors"]


def test_outsider_gets_404_for_another_communitys_events(cast, point, client_for):
    event = _event(cast, point)
    client = client_for(cast.outsider)
    assert page(client, f"/points/events/{event.pk}/").status_code == 404
    assert page(client, f"/points/events/{event.pk}/edit/").status_code == 404
    assert client.post(f"/points/events/{event.pk}/delete/").status_code == 404
    assert page(client, "/points/events/", {"community": cast.mingzhu.pk}).status_code == 404
    month = {"month": "2024-10"}
    assert "县医院义诊" not in page(client, "/points/events/", month).content.decode()
    assert "县医院义诊" not in page(client, "/points/events/calendar/", month).content.decode()
    assert api(cast.outsider, "get", f"{API}/events/{event.pk}").status_code == 404
    assert api(cast.outsider, "get", f"{API}/events", month).json()["count"] == 0
    assert (
        api(
            cast.outsider, "get", f"{API}/events/calendar", {"community": cast.mingzhu.pk}
        ).status_code
        == 404
    )
    body = {"point": point.pk, "kind": "clinic", "title": "x", "starts_at": "2024-10-01T10:00"}
    assert api(cast.outsider, "post", f"{API}/events", body).status_code == 404
    assert Event.objects.count() == 1
