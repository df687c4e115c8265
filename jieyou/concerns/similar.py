"""Open concerns that look like a new one: same compound or grid, last 30 days, similar words.

Two neighbours often report the same broken lamp. Showing the open ones at intake lets the
second reporter (or the worker typing for them) see that it is already on its way, and lets
a handler merge the two instead of working the same fix twice.
"""

import logging
import threading
from datetime import timedelta

import jieba
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from rapidfuzz import fuzz

from jieyou.places import queries as places
from jieyou.places.models import Area

from .models import Concern
from .states import OPEN

WINDOW = timedelta(days=30)
LIMIT = 5
THRESHOLD = 55
# The newest this many in the neighbourhood are scored; an older backlog is not a duplicate.
CANDIDATES = 300
# Words that say nothing about what is wrong.
STOPWORDS = frozenset(
    {
        *("的", "了", "是", "在", "有", "和", "就", "都", "也", "很", "我", "我们"),
        *("你", "他", "她", "请", "一下", "一个", "这个", "那个", "吗", "呢", "啊"),
    }
)

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


def words(text: str) -> str:
    """The meaningful words of a text, space-separated, for token-set comparison."""
    tokens = _tokenizer().lcut(text or "")
    return " ".join(
        t for t in tokens if t.strip() and t not in STOPWORDS and any(c.isalnum() for c in t)
    )


def neighbourhood(area: Area) -> list[str]:
    """Paths of the area's compound (or the community when no compound is known) and of
    every place covered by a grid that covers the area."""
    around = [*places.ancestors(area), area]
    compound = next((a for a in reversed(around) if a.kind == Area.Kind.COMPOUND), None)
    community = places.community_of(area)
    paths = [(compound or community or area).path]
    if community is not None:
        grids = places.grids_in([community.path]).filter(areas__in=[a.pk for a in around])
        paths += places.grid_paths(grids.values("pk"))
    return paths


def similar_concerns(
    *, description: str, area: Area, within: QuerySet[Concern] | None = None, exclude=None, now=None
) -> list[tuple[Concern, int]]:
    """Up to five (concern, score 0–100) best first; `within` narrows to what the asker may see."""
    text = words(description)
    if not text:
        return []
    now = now or timezone.now()
    candidates = (within if within is not None else Concern.objects.all()).filter(
        places.under_paths(neighbourhood(area), "area__path"),
        status__in=OPEN,
        submitted_at__gte=now - WINDOW,
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    candidates = candidates.select_related("category").order_by("-submitted_at")[:CANDIDATES]
    scored = []
    for concern in candidates:
        score = round(fuzz.token_set_ratio(text, words(concern.description)))
        if score >= THRESHOLD:
            scored.append((concern, score))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].submitted_at.timestamp()))
    return scored[:LIMIT]
