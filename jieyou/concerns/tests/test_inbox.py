from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from jieyou.concerns import actions as a
from jieyou.concerns.actions import ConcernError
from jieyou.concerns.models import Category, Concern, Notification
from jieyou.people import access
from jieyou.testing.personal_data import assert_no_personal_numbers

K = Notification.Kind


def _concern(cast, area=None):
    return a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code="WY"),
        description="电梯停运三天，联系13912345678",
        channel=Concern.Channel.SERVICE_POINT,
        area=area or cast.building7,
    )


@pytest.fixture
def assigned(cast):
    """Two concerns dispatched to the property company: two unread reminders for its handler."""
    made = []
    for _ in range(2):
        concern = _concern(cast)
        a.concern_accept(actor=cast.secretary, concern=concern)
        a.concern_dispatch(actor=cast.secretary, concern=concern, lead_unit=cast.property_co)
        made.append(concern)
    return made


def test_inbox_lists_reminders_unread_first(cast, client_for, assigned):
    old = Notification.objects.filter(user=cast.handler).order_by("pk").first()
    Notification.objects.filter(pk=old.pk).update(read_at=timezone.now())
    Notification.objects.filter(user=cast.handler).exclude(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    response = client_for(cast.handler).get(reverse("concerns:inbox"))
    assert response.status_code == 200
    items = list(response.context["page"])
    assert [n.read_at is None for n in items] == [True, False]
    assert response.context["unread"] == 1
    html = response.content.decode()
    assert "新派单" in html and assigned[0].receipt_code in html
    assert_no_personal_numbers(html)


def test_nav_shows_unread_count(cast, client_for, assigned):
    html = client_for(cast.handler).get(reverse("concerns:tasks")).content.decode()
    assert reverse("concerns:inbox") in html
    assert "2 条未读" in html
    # A role that works no concerns gets neither the entry nor the count query.
    html = client_for(cast.evaluator).get(reverse("home")).content.decode()
    assert reverse("concerns:inbox") not in html


def test_nav_count_is_one_query(cast, assigned, django_assert_num_queries):
    template = Template("{% load concerns_tags %}{% concerns_nav user as cn %}{{ cn.unread }}")
    user = cast.handler
    access.scope_for(user)  # built once per request by every page already
    with django_assert_num_queries(1):
        assert template.render(Context({"user": user})) == "2"


def test_mark_one_read_with_htmx_returns_the_row(cast, client_for, assigned):
    client = client_for(cast.handler)
    first = Notification.objects.filter(user=cast.handler).first()
    url = reverse("concerns:inbox_read", args=[first.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in response.content.decode()
    assert "未读" not in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(user=cast.handler, read_at__isnull=True).count() == 1


def test_mark_all_read(cast, client_for, assigned):
    response = client_for(cast.handler).post(reverse("concerns:inbox_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=cast.handler, read_at__isnull=True).exists()


def test_someone_elses_reminder_is_404(cast, client_for, assigned):
    theirs = Notification.objects.filter(user=cast.handler).first()
    url = reverse("concerns:inbox_read", args=[theirs.pk])
    assert client_for(cast.outsider).post(url).status_code == 404
    client_for(cast.outsider).post(reverse("concerns:inbox_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client_for(cast.outsider).get(reverse("concerns:inbox"))
    assert list(response.context["page"]) == []


def test_notification_read_action_guards_the_owner(cast, assigned):
    theirs = Notification.objects.filter(user=cast.handler).first()
    with pytest.raises(ConcernError):
        a.notification_read(actor=cast.outsider, notification=theirs)
    assert a.notification_read(actor=cast.handler, notification=theirs) == 1
    assert a.notification_read(actor=cast.handler, notification=theirs) == 0
    assert a.notification_read(actor=cast.handler) == 1


def test_read_needs_post(cast, client_for, assigned):
    first = Notification.objects.filter(user=cast.handler).first()
    response = client_for(cast.handler).get(reverse("concerns:inbox_read", args=[first.pk]))
    assert response.status_code == 405


def test_follow_up_reminder_reaches_grid_worker_inbox(cast, client_for, assigned):
    concern = assigned[0]
    a.concern_claim(actor=cast.handler, concern=concern)
    a.concern_resolve(actor=cast.handler, concern=concern, note="电梯已修复")
    response = client_for(cast.grid_worker).get(reverse("concerns:inbox"))
    kinds = [n.kind for n in response.context["page"]]
    assert kinds == [K.FOLLOW_UP_DUE]
    home = client_for(cast.grid_worker).get(reverse("home"))
    assert home.context["concern_figures"]["follow_up"] == 1
