"""The service catalogue as residents ask it: "修家电", "jiadian", "jdwx", a provider's name,
and what is open on each of the coming seven days.

Search is one SQL query over the caller's (scoped) queryset: the name, its stored pinyin
keys and the provider are matched in the database and ranked there, exact before partial,
so no request loads the catalogue into Python.
"""

import logging
import re
import threading
from dataclasses import dataclass
from datetime import date, time, timedelta

import jieba
from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from ..models import Service, Zone

LIMIT = 50
MAX_QUERY = 40
# Words that tell nothing about which service is wanted ("我想理发", "哪里能修家电？").
STOPWORDS = frozenset(
    {
        *("的", "了", "吗", "呢", "啊", "吧", "呀", "么", "我", "你", "想", "要", "能", "可以"),
        *("在", "哪", "哪里", "哪儿", "有", "没有", "去", "找", "办", "会", "帮", "一下", "这里"),
        *("什么", "怎么", "谁", "是", "和", "给", "请问", "附近", "服务"),
    }
)
_LATIN = re.compile(r"^[a-z0-9]+$")
_DROP = re.compile(r"[\s'’·,，。.？?！!、;；:：“”\"()（）]+")
WEEKDAY_NAMES = (
    _("周一"),
    _("周二"),
    _("周三"),
    _("周四"),
    _("周五"),
    _("周六"),
    _("周日"),
)

# Rank of a match: lower comes first.
EXACT, PREFIX, PART, WORD, PROVIDER = range(5)

_ready = threading.Lock()
_initialised = False


def _tokenizer():
    """jieba's dictionary cache goes to var/, not /tmp; loaded once, on first use."""
    global _initialised
    if not _initialised:
        with _ready:
            if not _initialised:
                jieba.setLogLevel(logging.WARNING)
                jieba.dt.tmp_dir = str(settings.VAR_DIR)
                jieba.dt.initialize()
                _initialised = True
    return jieba.dt


def normalize(text: str) -> str:
    return _DROP.sub("", (text or "").strip().lower())[:MAX_QUERY]


def words(text: str) -> list[str]:
    """The words of a Chinese query that may name a service, longest first; single
    characters only when the query has no longer word ("修")."""
    tokens = {
        t
        for t in _tokenizer().lcut_for_search(text)
        if t.strip() and t not in STOPWORDS and not _LATIN.match(t)
    }
    longer = [t for t in tokens if len(t) > 1]
    chosen = longer or list(tokens)
    return sorted(chosen, key=lambda t: (-len(t), t))


def search(services: QuerySet[Service], text: str, *, limit: int = LIMIT) -> QuerySet[Service]:
    """Services of `services` matching `text`, annotated with `rank` (0 exact … 4 provider),
    best first: exact name or key, then prefix, then substring, then a jieba word of the
    query, then the provider's or unit's name. An empty query finds nothing."""
    q = normalize(text)
    if not q:
        return services.none()
    if _LATIN.match(q):
        exact = Q(name_pinyin=q) | Q(name_initials=q)
        prefix = Q(name_pinyin__startswith=q) | Q(name_initials__startswith=q)
        part = Q(name_pinyin__contains=q) | Q(name_initials__contains=q)
        # Pinyin is matched on names only: a provider's name is Chinese and rarely keyed.
        word = provider = None
    else:
        exact = Q(name=q)
        prefix = Q(name__startswith=q)
        part = Q(name__contains=q)
        word = Q()
        for w in words(q):
            if w != q:
                word |= Q(name__contains=w)
        word = word or None
        provider = Q(provider__contains=q) | Q(unit__name__contains=q)
    ranks = [(EXACT, exact), (PREFIX, prefix), (PART, part), (WORD, word), (PROVIDER, provider)]
    ranks = [(rank, cond) for rank, cond in ranks if cond is not None]
    matched = Q()
    for _rank, cond in ranks:
        matched |= cond
    rank = Case(
        *(When(cond, then=Value(r)) for r, cond in ranks),
        default=Value(PROVIDER + 1),
        output_field=IntegerField(),
    )
    return (
        services.filter(matched)
        .annotate(rank=rank, name_length=Length("name"))
        .order_by("rank", "name_length", "name", "point_id", "pk")[:limit]
    )


def active(services: QuerySet[Service]) -> QuerySet[Service]:
    """Services residents can get: the service and its point both in use."""
    return services.filter(active=True, point__active=True)


@dataclass(frozen=True)
class Slot:
    service: Service
    starts: time | None
    ends: time | None


@dataclass(frozen=True)
class Day:
    day: date
    weekday: str
    is_today: bool
    slots: list[Slot]
    total: int  # services open that day; more than len(slots) when cut at `per_day`

    @property
    def more(self) -> int:
        return self.total - len(self.slots)


def open_this_week(
    services: QuerySet[Service], today: date, *, per_day: int | None = None
) -> list[Day]:
    """For today and the six days after it, the services open that day, earliest first
    (untimed ones last), at most `per_day` of them a day. Services given by appointment (no
    service days) are on no day. One query a day, so a county-wide week is not loaded whole."""
    ordered = (
        services.exclude(weekdays="")
        .select_related("point")
        .order_by(F("starts").asc(nulls_last=True), "name", "point__name", "pk")
    )
    days = []
    for offset in range(7):
        day = today + timedelta(days=offset)
        that_day = ordered.filter(weekdays__contains=str(day.isoweekday()))
        rows = list(that_day[:per_day] if per_day is not None else that_day)
        total = that_day.count() if per_day is not None and len(rows) == per_day else len(rows)
        slots = [Slot(s, s.starts, s.ends) for s in rows]
        days.append(Day(day, str(WEEKDAY_NAMES[day.weekday()]), offset == 0, slots, total))
    return days


def by_appointment(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.filter(weekdays="").order_by("name", "pk")


def weekday_labels(weekdays: str) -> str:
    """ "135" → "周一、周三、周五"."""
    return "、".join(str(WEEKDAY_NAMES[int(d) - 1]) for d in weekdays if d in "1234567")


ZONE_ORDER = {kind: i for i, kind in enumerate(Zone.Kind.values)}


def zones_in_order(point) -> list[Zone]:
    """A point's zones in the order the seed page lists them (蔬菜集市区 … “万事帮”区)."""
    return sorted(point.zones.all(), key=lambda z: (ZONE_ORDER.get(z.kind, 99), z.name, z.pk))
