from datetime import timedelta

import jieba
import pytest
from django.conf import settings
from django.utils import timezone

from jieyou.concerns import actions as a
from jieyou.concerns import similar
from jieyou.concerns.models import Category, Concern
from jieyou.concerns.scope import concerns_for
from jieyou.places import actions as places
from jieyou.places.models import Area


def submit(cast, description, area, *, days_ago=0, code="WJ"):
    return a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code=code),
        description=description,
        channel=Concern.Channel.VISIT,
        area=area,
        at=timezone.now() - timedelta(days=days_ago),
    )


PIGEONS = "楼顶搭建鸽棚养鸽子，鸽子粪便污染晾晒的衣物"


def found(cast, text, area, **kwargs):
    return [c for c, _score in similar.similar_concerns(description=text, area=area, **kwargs)]


def test_jieba_keeps_its_cache_in_var():
    similar.words("初始化")
    assert jieba.dt.tmp_dir == str(settings.VAR_DIR)


def test_same_compound_similar_text_is_found_best_first(cast):
    close = submit(cast, "7号楼楼顶有人养鸽子，搭了鸽棚", cast.building8)
    closer = submit(cast, "楼顶搭建鸽棚养鸽子，粪便污染衣物", cast.building7)
    submit(cast, "小区路灯坏了，晚上很黑", cast.building7, code="SD")
    result = similar.similar_concerns(description=PIGEONS, area=cast.building7)
    assert [c for c, _s in result] == [closer, close]
    assert all(50 <= score <= 100 for _c, score in result)


def test_other_places_closed_and_old_concerns_are_left_out(cast):
    submit(cast, PIGEONS, cast.shuangmao1)  # another community
    submit(cast, PIGEONS, cast.building7, days_ago=31)
    done = submit(cast, PIGEONS, cast.building7)
    a.concern_reject(actor=cast.secretary, concern=done, reason="重复")
    assert found(cast, PIGEONS, cast.building7) == []


def test_at_most_five(cast):
    for i in range(7):
        submit(cast, f"{PIGEONS}（第{i}次反映）", cast.building7)
    assert len(found(cast, PIGEONS, cast.building7)) == 5


def test_the_grid_ties_compounds_together(cast):
    sunshine = places.area_create(
        actor=None, name="阳光小区", kind=Area.Kind.COMPOUND, parent=cast.mingzhu
    )
    across = submit(cast, PIGEONS, sunshine)
    assert found(cast, PIGEONS, cast.building7) == []
    places.grid_set_areas(actor=None, grid=cast.mingzhu_grid, areas=[cast.lantian, sunshine])
    assert found(cast, PIGEONS, cast.building7) == [across]


def test_within_narrows_to_what_the_asker_may_see(cast):
    submit(cast, PIGEONS, cast.building7)
    assert found(cast, PIGEONS, cast.building7, within=concerns_for(cast.outsider)) == []
    assert len(found(cast, PIGEONS, cast.building7, within=concerns_for(cast.grid_worker))) == 1


@pytest.mark.parametrize("text", ["", "   ", "。。。"])
def test_empty_text_finds_nothing(cast, text):
    submit(cast, PIGEONS, cast.building7)
    assert found(cast, text, cast.building7) == []
