"""A memo keeps values for its time, forgets them when its models are saved, keeps no None."""

from jieyou.concerns.models import Category
from jieyou.core import memo
from jieyou.core.memo import Memo


def _counting(value):
    calls = []

    def load():
        calls.append(1)
        return value

    return load, calls


def test_a_value_is_kept_for_its_time_then_read_again(monkeypatch):
    kept = Memo(ttl=10)
    now = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: now[0])
    load, calls = _counting("甲")
    assert kept.get("k", load) == "甲" and kept.get("k", load) == "甲"
    assert len(calls) == 1
    now[0] += 10.5
    assert kept.get("k", load) == "甲"
    assert len(calls) == 2


def test_nothing_found_is_not_kept():
    kept = Memo()
    load, calls = _counting(None)
    assert kept.get("k", load) is None and kept.get("k", load) is None
    assert len(calls) == 2


def test_saving_a_row_of_its_model_forgets_everything(db):
    kept = Memo(Category)
    load, calls = _counting("甲")
    kept.get("k", load)
    category = Category.objects.get(code="HJ")
    category.name = "环境卫生（新）"
    category.save()
    kept.get("k", load)
    assert len(calls) == 2


def test_a_full_memo_starts_again():
    kept = Memo(size=2)
    for key in "abc":
        kept.get(key, lambda key=key: key)
    load, calls = _counting("a")
    kept.get("a", load)
    assert len(calls) == 1  # "a" went when "c" found the memo full
    assert kept.get("c", lambda: "other") == "c"
