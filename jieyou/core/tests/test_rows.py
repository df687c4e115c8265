"""A row and the row that points at it: both written with their values, or neither."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jieyou.concerns.models import Category, Concern, ConcernEvent
from jieyou.core.rows import insert_with_child


def _pair(cast, *, actor_id=None):
    now = timezone.now()
    concern = Concern(
        receipt_code="ROWS000001",
        category=Category.objects.get(code="HJ"),
        description="楼道里堆了杂物，100% 挡路",
        channel=Concern.Channel.API,
        area=cast.building7,
        latitude=Decimal("43.820000"),
        longitude=None,
        level="grid",
        submitted_at=now,
        response_due=now,
        resolution_due=now,
    )
    event = ConcernEvent(
        at=now, actor_id=actor_id, action="submit", to_status="submitted", data={"来源": "测试"}
    )
    return concern, event


def test_both_rows_are_written_with_their_values(cast):
    concern, event = _pair(cast, actor_id=cast.secretary.pk)
    insert_with_child(concern, event, "concern")
    assert concern.pk and event.pk and event.concern_id == concern.pk
    assert not concern._state.adding and not event._state.adding
    stored = Concern.objects.get(pk=concern.pk)
    assert stored.description == concern.description
    assert stored.latitude == Decimal("43.820000") and stored.longitude is None
    assert stored.submitted_at == concern.submitted_at
    assert stored.status == Concern.Status.SUBMITTED  # the model's default, as save() sends it
    assert ConcernEvent.objects.get(pk=event.pk).data == {"来源": "测试"}


def test_a_child_that_cannot_be_written_takes_the_parent_with_it(cast):
    concern, event = _pair(cast)
    event.at = None  # a column that may not be empty
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_child(concern, event, "concern")
    assert not Concern.objects.filter(receipt_code="ROWS000001").exists()
