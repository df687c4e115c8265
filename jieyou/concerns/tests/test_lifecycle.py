from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jieyou.concerns import actions as a
from jieyou.concerns.actions import ConcernError
from jieyou.concerns.models import Category, Concern, ConcernEvent, Notification

S = Concern.Status
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def concern(cast):
    return a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code="WJ"),
        description="楼顶搭建鸽棚，鸽子粪便污染晾晒衣物",
        channel=Concern.Channel.VISIT,
        area=cast.building7,
        reporter=cast.resident,
    )


def test_submit_sets_level_deadlines_and_receipt(concern):
    assert concern.status == S.SUBMITTED
    assert concern.level == "county"
    assert len(concern.receipt_code) == 10
    assert concern.resolution_due > concern.response_due > concern.submitted_at
    assert list(concern.events.values_list("action", flat=True)) == ["submit"]


def test_happy_path_to_closed_with_event_history(cast, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        concern = _story(cast)
    # The reporter was texted the receipt and the resolution, with the tracking address.
    texts = [text for phone, text in outbox if phone == cast.resident.phone]
    assert len(texts) == 2 and all(f"/t/{concern.receipt_code}" in t for t in texts)


def _story(cast):
    concern = a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code="WJ"),
        description="楼顶搭建鸽棚",
        channel=Concern.Channel.VISIT,
        area=cast.building7,
        reporter=cast.resident,
    )
    a.concern_accept(actor=cast.secretary, concern=concern)
    a.concern_dispatch(
        actor=cast.secretary,
        concern=concern,
        lead_unit=cast.property_co,
        assisting_units=[cast.enforcement],
        note="物业牵头，执法队配合",
    )
    assert Notification.objects.filter(user=cast.handler, kind="assigned").exists()
    a.concern_claim(actor=cast.handler, concern=concern)
    a.concern_progress(actor=cast.handler, concern=concern, note="上门普法，当事人承诺自行拆除")
    a.concern_resolve(actor=cast.handler, concern=concern, note="鸽棚已拆除")
    due = Notification.objects.get(user=cast.grid_worker, kind="follow_up_due")
    follow_up = a.concern_follow_up(
        actor=cast.grid_worker,
        concern=concern,
        method="visit",
        solved=True,
        satisfaction="satisfied",
    )
    concern.refresh_from_db()
    due.refresh_from_db()
    assert concern.status == S.CLOSED
    assert concern.closed_at == follow_up.at
    assert due.read_at is not None
    assert set(concern.assisting_units.all()) == {cast.enforcement}
    steps = list(ConcernEvent.objects.filter(concern=concern).values_list("action", "to_status"))
    assert steps == [
        ("submit", S.SUBMITTED),
        ("accept", S.ACCEPTED),
        ("dispatch", S.IN_PROGRESS),
        ("claim", S.IN_PROGRESS),
        ("progress", S.IN_PROGRESS),
        ("resolve", S.RESOLVED),
        ("follow_up", S.CLOSED),
    ]
    return concern


def test_only_a_handler_of_the_lead_unit_claims(cast, concern):
    a.concern_accept(actor=cast.secretary, concern=concern)
    a.concern_dispatch(actor=cast.secretary, concern=concern, lead_unit=cast.property_co)
    with pytest.raises(ConcernError, match="主办单位"):
        a.concern_claim(actor=cast.grid_worker, concern=concern)
    a.concern_claim(actor=cast.handler, concern=concern)
    with pytest.raises(ConcernError, match="已有承办人"):
        a.concern_claim(actor=cast.handler, concern=concern)


def test_not_solved_goes_back_to_the_same_handler(cast, concern):
    a.concern_accept(actor=cast.secretary, concern=concern)
    a.concern_resolve(actor=cast.secretary, concern=concern, note="已沟通")
    a.concern_follow_up(
        actor=cast.grid_worker,
        concern=concern,
        method="call",
        solved=False,
        satisfaction="unsatisfied",
    )
    concern.refresh_from_db()
    assert concern.status == S.IN_PROGRESS
    assert concern.handler == cast.secretary
    assert concern.resolved_at is None


def test_only_the_handler_resolves(cast, concern):
    a.concern_accept(actor=cast.secretary, concern=concern)
    with pytest.raises(ConcernError, match="只有承办人"):
        a.concern_resolve(actor=cast.grid_worker, concern=concern, note="我来办结")
    concern.refresh_from_db()
    assert concern.status == S.ACCEPTED


def test_handler_cannot_follow_up_their_own_work(cast, concern):
    a.concern_accept(actor=cast.secretary, concern=concern)
    a.concern_resolve(actor=cast.secretary, concern=concern, note="已拆除")
    with pytest.raises(ConcernError, match="未参与办理"):
        a.concern_follow_up(
            actor=cast.secretary,
            concern=concern,
            method="call",
            solved=True,
            satisfaction="satisfied",
        )
    assert not concern.follow_ups.exists()


def test_second_accept_loses(cast, concern):
    a.concern_accept(actor=cast.secretary, concern=concern)
    with pytest.raises(ConcernError, match="不能受理"):
        a.concern_accept(actor=cast.grid_worker, concern=concern)
    concern.refresh_from_db()
    assert concern.handler == cast.secretary


def test_reject_needs_reason_and_reviewer(cast, concern):
    with pytest.raises(ConcernError):
        a.concern_reject(actor=cast.secretary, concern=concern, reason=" ")
    with pytest.raises(ConcernError, match="社区书记"):
        a.concern_reject(actor=cast.grid_worker, concern=concern, reason="不属于受理范围")
    a.concern_reject(actor=cast.secretary, concern=concern, reason="不属于受理范围")
    concern.refresh_from_db()
    assert concern.status == S.REJECTED


def test_reopen_closed_needs_reason(cast, concern):
    a.concern_accept(actor=cast.secretary, concern=concern)
    a.concern_resolve(actor=cast.secretary, concern=concern, note="已办结")
    a.concern_follow_up(
        actor=cast.grid_worker, concern=concern, method="call", solved=True, satisfaction="basic"
    )
    with pytest.raises(ConcernError, match="原因"):
        a.concern_reopen(actor=cast.secretary, concern=concern, reason="")
    a.concern_reopen(actor=cast.secretary, concern=concern, reason="居民反映鸽棚又搭起来了")
    concern.refresh_from_db()
    assert concern.status == S.IN_PROGRESS and concern.closed_at is None


def test_escalation_climbs_the_ladder_and_stops_at_county(cast):
    c = a.concern_submit(
        actor=None,
        category=Category.objects.get(code="HJ"),
        description="垃圾未清运",
        channel=Concern.Channel.QR,
        area=cast.lantian,
    )
    levels = []
    for _ in range(3):
        a.concern_escalate(actor=cast.grid_worker, concern=c, reason="网格无法解决")
        c.refresh_from_db()
        levels.append(c.level)
    assert levels == ["community", "town", "county"]
    with pytest.raises(ConcernError, match="县级"):
        a.concern_escalate(actor=cast.grid_worker, concern=c, reason="再上报")


def test_merge_keeps_both_histories(cast, concern):
    other = a.concern_submit(
        actor=None,
        category=concern.category,
        description="楼顶鸽子太多",
        channel=Concern.Channel.QR,
        area=cast.building7,
    )
    a.concern_merge(actor=cast.secretary, concern=other, into=concern, reason="同一事项")
    other.refresh_from_db()
    assert other.status == S.MERGED and other.merged_into == concern
    assert concern.events.filter(action="merge", data__merged=other.pk).exists()
    with pytest.raises(ConcernError):
        a.concern_merge(actor=cast.secretary, concern=concern, into=concern)


def test_working_day_deadline_skips_the_national_day_holiday(cast):
    start = datetime(2024, 9, 30, 10, 0, tzinfo=TZ)  # the day before 国庆 (Oct 1–7 off)
    c = a.concern_submit(
        actor=None,
        category=Category.objects.get(code="ZC"),
        description="咨询养老补贴",
        channel=Concern.Channel.HOTLINE,
        area=cast.mingzhu,
        at=start,
    )
    # 24 working hours: the 14 left on Sep 30, then 10 on Oct 8, the first workday after.
    assert c.response_due.astimezone(TZ) == datetime(2024, 10, 8, 10, 0, tzinfo=TZ)
    assert c.resolution_due.astimezone(TZ) - start > timedelta(days=7)


def test_description_limits(cast):
    with pytest.raises(ConcernError, match="4000"):
        a.concern_submit(
            actor=None,
            category=Category.objects.get(code="QT"),
            description="长" * 4001,
            channel=Concern.Channel.QR,
            area=cast.mingzhu,
        )
    assert not Concern.objects.filter(description__startswith="长长").exists()


def test_tick_marks_overdue_once_and_escalates(cast):
    start = datetime(2024, 7, 1, 9, 0, tzinfo=TZ)
    c = a.concern_submit(
        actor=None,
        category=Category.objects.get(code="HJ"),
        description="垃圾桶满溢",
        channel=Concern.Channel.QR,
        area=cast.lantian,
        at=start,
    )
    assert a.concerns_mark_overdue(now=start + timedelta(hours=71)) == 0
    assert a.concerns_mark_overdue(now=start + timedelta(hours=73)) == 1
    assert a.concerns_mark_overdue(now=start + timedelta(hours=90)) == 0
    c.refresh_from_db()
    assert c.overdue and c.level == "community" and c.status == S.SUBMITTED
    assert c.events.filter(action="overdue").count() == 1


def test_follow_up_reminders_are_queued_once_and_stay_read(cast, concern):
    a.concern_accept(actor=cast.secretary, concern=concern)
    a.concern_resolve(actor=cast.secretary, concern=concern, note="已拆除")
    # The resolution already reminded the grid worker: the tick has nothing to add.
    assert a.concerns_queue_follow_ups() == 0
    Notification.objects.filter(concern=concern).update(read_at=concern.resolved_at)
    assert a.concerns_queue_follow_ups() == 0
    # A resolved concern nobody was reminded of (e.g. loaded in bulk) is queued, once.
    Notification.objects.filter(concern=concern).delete()
    assert a.concerns_queue_follow_ups() == 1
    assert a.concerns_queue_follow_ups() == 0
    assert Notification.objects.get(concern=concern).user == cast.grid_worker
