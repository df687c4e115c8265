"""Deadlines: calendar hours, or hours counted on China's official working days (with 调休)."""

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

LOCAL = ZoneInfo("Asia/Shanghai")
log = logging.getLogger(__name__)


def is_workday(day: date) -> bool:
    """The official calendar where published; beyond it, Monday to Friday (logged, since a
    deadline computed this way may move once the State Council publishes the year)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        log.warning("no official holiday schedule for %s; using weekdays", day.year)
        return day.weekday() < 5


def deadline(start: datetime, hours: float, *, working_days: bool = False) -> datetime:
    """The moment `hours` after `start`; with `working_days`, only hours on working days count."""
    if not working_days:
        return start + timedelta(hours=hours)
    cursor = start.astimezone(LOCAL)
    remaining = timedelta(hours=hours)
    while True:
        next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time(), LOCAL)
        if is_workday(cursor.date()):
            available = next_midnight - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(start.tzinfo)
            remaining -= available
        cursor = next_midnight
