import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections, connection

from jieyou.concerns import actions as a
from jieyou.concerns import queries
from jieyou.concerns.actions import ConcernError
from jieyou.concerns.models import Category, Concern

TZ = ZoneInfo("Asia/Shanghai")
MAY = datetime(2024, 5, 6, 9, 0, tzinfo=TZ)


def _concern(cast, area, *, hours_to_accept=None, follow_up=None, exempt=False, reject=False):
    """One concern of a hand-built month; HJ gives 12 hours to respond."""
    c = a.concern_submit(
        actor=None,
        category=Category.objects.get(code="HJ"),
        description="楼道堆放杂物",
        channel=Concern.Channel.QR,
        area=area,
        at=MAY,
    )
    if reject:
        a.concern_reject(actor=cast.secretary, concern=c, reason="重复反映")
        return c
    if hours_to_accept is not None:
        a.concern_accept(actor=cast.secretary, concern=c, at=MAY + timedelta(hours=hours_to_accept))
    if follow_up is not None:
        a.concern_resolve(actor=cast.secretary, concern=c, note="已清理")
        solved, satisfaction = follow_up
        a.concern_follow_up(
            actor=cast.grid_worker,
            concern=c,
            method="call",
            solved=solved,
            satisfaction=satisfaction,
        )
    if exempt:
        a.concern_exempt(actor=cast.secretary, concern=c, reason="属上级部门职责")
    return c


def test_three_rates_on_a_hand_computed_month(cast):
    b7 = cast.building7
    _concern(cast, b7, hours_to_accept=2, follow_up=(True, "satisfied"))
    _concern(cast, b7, hours_to_accept=5, follow_up=(True, "basic"))
    _concern(cast, b7, hours_to_accept=30, follow_up=(False, "unsatisfied"))  # late
    _concern(cast, b7, hours_to_accept=1, follow_up=(True, ""))  # no satisfaction answer
    _concern(cast, b7)  # never accepted, deadline passed: due and missed
    _concern(cast, b7, hours_to_accept=1, follow_up=(True, "unsatisfied"), exempt=True)
    _concern(cast, b7, reject=True)
    now = MAY + timedelta(days=20)
    r = queries.rates(Concern.objects.filter(area__path__startswith=cast.mingzhu.path), now=now)
    # 5 countable concerns, all due; 3 accepted within 12 hours.
    assert (r.concerns, r.due, r.responded_in_time) == (5, 5, 3)
    assert r.response_rate == pytest.approx(0.6)
    # 4 follow-ups, 3 solved; 3 answered satisfaction: 1 + 0.8 + 0.
    assert r.resolution_rate == pytest.approx(0.75)
    assert r.satisfaction_rate == pytest.approx(1.8 / 3)
    assert r.composite == pytest.approx((10 * 0.6 + 45 * 0.75 + 45 * 0.6) / 100)
    assert queries.exempted(Concern.objects.all()).count() == 1


def test_rates_group_by_area_and_leave_other_communities_alone(cast):
    _concern(cast, cast.building7, hours_to_accept=1, follow_up=(True, "satisfied"))
    _concern(cast, cast.shuangmao1, hours_to_accept=20)
    grouped = queries.rates_by(Concern.objects.all(), "area", now=MAY + timedelta(days=1))
    assert grouped[cast.building7.pk].response_rate == 1.0
    assert grouped[cast.building7.pk].satisfaction_rate == 1.0
    assert grouped[cast.shuangmao1.pk].response_rate == 0.0
    assert grouped[cast.shuangmao1.pk].resolution_rate is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_have_one_winner():
    if connection.vendor != "postgresql":
        pytest.skip("row locks race only on PostgreSQL; SQLite serialises writers")
    from jieyou.testing.cast import build_cast

    cast = build_cast()
    # A transactional test before this one may have flushed the categories the migration added.
    category, _new = Category.objects.get_or_create(code="HJ", defaults={"name": "环境卫生"})
    c = a.concern_submit(
        actor=None,
        category=category,
        description="路灯不亮",
        channel=Concern.Channel.QR,
        area=cast.lantian,
    )
    barrier = threading.Barrier(4)
    outcomes = []

    def accept(user):
        close_old_connections()
        barrier.wait()
        try:
            a.concern_accept(actor=user, concern=c)
            outcomes.append(("won", user.pk))
        except ConcernError:
            outcomes.append(("lost", user.pk))
        finally:
            connection.close()

    users = [cast.secretary, cast.grid_worker, cast.county_admin, cast.cadre]
    threads = [threading.Thread(target=accept, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [pk for result, pk in outcomes if result == "won"]
    assert len(winners) == 1
    c.refresh_from_db()
    assert c.handler_id == winners[0]
    assert c.events.filter(action="accept").count() == 1
