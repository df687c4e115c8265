"""Rows that every request reads and that change a few times a year, kept by each process.

A `Memo` keeps each value for `ttl` seconds. Saving or deleting a row of one of its models
through the ORM empties it at once in the process that saved; a change made anywhere else
(another worker, a queryset `update()`) is seen within `ttl`. Values are shared between
requests: callers treat them as read-only.
"""

import time

from django.db.models.signals import post_delete, post_save

_MEMOS: list["Memo"] = []


class Memo:
    def __init__(self, *models, ttl: float = 60.0, size: int = 50_000):
        self.ttl = ttl
        # A bound, so that a flood of distinct keys cannot grow a worker without limit.
        self.size = size
        self._kept: dict = {}
        for model in models:
            post_save.connect(self._forget, sender=model, weak=False)
            post_delete.connect(self._forget, sender=model, weak=False)
        _MEMOS.append(self)

    def get(self, key, load):
        """The value kept under `key`, or `load()`; a None is never kept, so that a row
        created a moment later is found."""
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.ttl:
            return kept[1]
        value = load()
        if value is not None:
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = (now, value)
        return value

    def clear(self) -> None:
        self._kept.clear()

    def _forget(self, **kwargs) -> None:
        self.clear()


def clear_all() -> None:
    """Forget everything every memo keeps (tests change rows behind the ORM between cases)."""
    for memo in _MEMOS:
        memo.clear()
