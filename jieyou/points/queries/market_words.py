"""The words of a market question, read without a database: the day it means ("周五",
"下周五", "明天", "11月15日"), the products it names, and the Chinese of the answer (两天,
十二位, 11月15日（周五）)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import products as vocabulary

WEEKDAY_NAMES = tuple(
    gettext_lazy(name) for name in ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
)

# --- Chinese numbers ------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int, *, counting: bool = True) -> str:
    """0–99 in Chinese characters: 2 → 两 when it counts something (两天, 两位), 12 → 十二,
    22 → 二十二; larger numbers stay in digits, as a notice board would write them."""
    if n < 0 or n >= 100:
        return str(n)
    if n == 2 and counting:
        return "两"
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _parse_chinese_number(text: str) -> int | None:
    """十五 → 15, 二十二 → 22, 7 → 7; None when it is no number up to 99."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        t = _DIGITS.index(tens) if tens else 1
        o = _DIGITS.index(ones) if ones else 0
        return t * 10 + o if tens in ("", *_DIGITS) and len(ones) <= 1 else None
    return _DIGITS.index(text) if len(text) == 1 and text in _DIGITS else None


def day_label(day: date) -> str:
    """11月15日（周五）"""
    return _("%(month)d月%(day)d日（%(weekday)s）") % {
        "month": day.month,
        "day": day.day,
        "weekday": WEEKDAY_NAMES[day.weekday()],
    }


def month_day(day: date) -> str:
    """11月15日"""
    return _("%(month)d月%(day)d日") % {"month": day.month, "day": day.day}


def join_names(names: list[str]) -> str:
    """白菜 / 白菜和大葱 / 白菜、大葱和土豆"""
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + _("和") + names[-1]


def days_left_phrase(days: int, *, soft: bool = False) -> str:
    """还有两天 (soft: 还有两天呢), 明天就是集市, 集市就在今天."""
    if days <= 0:
        return _("集市就在今天")
    if days == 1:
        return _("明天就是集市")
    if soft:
        return _("还有%(n)s天呢") % {"n": chinese_number(days)}
    return _("还有%(n)s天") % {"n": chinese_number(days)}


# --- reading the question (pure) ------------------------------------------------------------


@dataclass(frozen=True)
class AskedDay:
    day: date
    words: str  # as the question said it: 周五, 这周五, 下周五, 明天, 11月15日


_WEEKDAY_OF = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}
_WEEKDAY_OF.update({str(i): i for i in range(1, 8)})
_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_DAY_PATTERNS = (
    (
        "weekday",
        re.compile(r"(这|本|下下|下|上)?(?:一?个)?(周|星期|礼拜)([一二三四五六日天七1-7])"),
    ),
    ("relative", re.compile(r"大后天|后天|明天|明日|今天|今日")),
    (
        "date",
        re.compile(
            r"(?:(\d{1,2}|[一二三四五六七八九十]{1,3})月)?"
            r"(\d{1,2}|[一二三四五六七八九十]{1,3})[日号](?![摊楼位门窗柜口])"
        ),
    ),
)


def parse_day(question: str, today: date) -> AskedDay | None:
    """The day a question means, or None when it names none.

    周五 / 星期五 / 礼拜五 is the coming Friday (today, when today is a Friday); 这周五 /
    本周五 the Friday of this week (Monday to Sunday), which may have passed; 下周五 the
    Friday of next week, 下下周五 the week after; 今天, 明天, 后天, 大后天 count from today;
    11月15日 / 15号 name a date (this month, or next month when the day has passed).
    """
    text = question or ""
    matches = []
    for kind, pattern in _DAY_PATTERNS:
        for m in pattern.finditer(text):
            matches.append((m.start(), kind, m))
    for _start, kind, m in sorted(matches, key=lambda x: x[0]):
        day = _day_of(kind, m, today)
        if day is not None:
            return AskedDay(day, m.group(0))
    return None


def _day_of(kind: str, m: re.Match, today: date) -> date | None:
    if kind == "relative":
        return today + timedelta(days=_RELATIVE[m.group(0)])
    if kind == "weekday":
        prefix, weekday = m.group(1), _WEEKDAY_OF[m.group(3)]
        if prefix is None:
            return today + timedelta(days=(weekday - today.isoweekday()) % 7)
        monday = today - timedelta(days=today.weekday())
        weeks = {"这": 0, "本": 0, "下": 1, "下下": 2, "上": -1}[prefix]
        return monday + timedelta(weeks=weeks, days=weekday - 1)
    month_text, day_text = m.group(1), m.group(2)
    day_number = _parse_chinese_number(day_text)
    month = _parse_chinese_number(month_text) if month_text else None
    if day_number is None or (month_text and month is None):
        return None
    try:
        if month is None:
            found = date(today.year, today.month, day_number)
            if found < today:
                following = today.replace(day=1) + timedelta(days=32)
                found = date(following.year, following.month, day_number)
            return found
        found = date(today.year, month, day_number)
        # "1月3日" asked in December means the coming January.
        return found if found >= today - timedelta(days=60) else found.replace(year=today.year + 1)
    except ValueError:
        return None


# The words after 卖 up to a particle: "有卖羊肚菌的吗" → 羊肚菌, "卖羊肉和馕吗" → 羊肉, 馕.
_SELLING = re.compile(r"卖([^的吗呢吧没不啊呀么？?。，,！!\s]+)")
_AND = re.compile(r"和|跟|与|及|或|还有|[、，,/]")


def parse_products(question: str, *, extra: Iterable[str] = ()) -> list[vocabulary.Product]:
    """The products a question asks about (none: it asks what the market has).

    Product words are found with jieba and the synonym list (`products.products_in`); a
    question about something the list lacks ("有卖羊肚菌的吗") still names it after 卖.
    """
    found = vocabulary.products_in(question, extra=extra)
    if found:
        return found
    names: list[vocabulary.Product] = []
    for m in _SELLING.finditer(question or ""):
        for part in _AND.split(m.group(1)):
            part = part.strip()
            if (
                part
                and part not in vocabulary.GENERIC
                and len(part) <= vocabulary.MAX_NAME
                and not any(p.word == part for p in names)
            ):
                names.append(vocabulary.Product(part, vocabulary.canonical(part)))
    return names
