"""The market question: its words read without a database, then answered from a book."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jieyou.points import products
from jieyou.points.actions import market as market_actions
from jieyou.points.queries import market as q
from jieyou.points.queries import market_words as words

WED = date(2024, 11, 13)  # the day 赵大爷 asks
FRI = date(2024, 11, 15)
LOCAL = ZoneInfo("Asia/Shanghai")


# --- words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("白菜", "大白菜"),
        ("黄芽白", "大白菜"),
        ("大白菜", "大白菜"),
        ("葱", "大葱"),
        ("番茄", "西红柿"),
        ("洋芋", "土豆"),
        ("马铃薯", "土豆"),
        ("红苕", "红薯"),
        ("地瓜", "红薯"),
        ("油菜", "油白菜"),
        ("皮牙子", "洋葱"),
        ("黄萝卜", "胡萝卜"),
        ("尖椒", "辣椒"),
        ("本地大葱", "大葱"),
        ("羊肚菌", "羊肚菌"),
    ],
)
def test_canonical_names(word, expected):
    assert products.canonical(word) == expected


def test_cabbage_is_not_rape_greens():
    """白菜 and 油白菜 are two vegetables: neither canonicalises to the other."""
    assert products.canonical("白菜") != products.canonical("油白菜")
    assert products.canonical("小白菜") not in {"大白菜", "油白菜"}
    assert products.canonical("洋白菜") != products.canonical("白菜")
    assert [p.canonical for p in products.products_in("有卖油白菜的吗")] == ["油白菜"]
    assert [p.canonical for p in products.products_in("有卖白菜的吗")] == ["大白菜"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("周五的集市有卖白菜和大葱的吗？", ["大白菜", "大葱"]),
        ("周五集市有卖白菜和大葱的吗", ["大白菜", "大葱"]),
        ("周五有白菜大葱吗", ["大白菜", "大葱"]),
        ("礼拜五有卖洋芋的没", ["土豆"]),
        ("明天有皮牙子吗", ["洋葱"]),
        ("有卖番茄的吗", ["西红柿"]),
        ("有苹果、梨和葡萄吗？", ["苹果", "梨", "葡萄"]),
        # near misses typed on a pinyin keyboard
        ("有卖白采的吗", ["大白菜"]),
        ("周五有土逗吗", ["土豆"]),
        ("有卖哈蜜瓜的吗", ["哈密瓜"]),
        # general questions and people name no product
        ("周五集市开吗", []),
        ("有卖菜的吗", []),
        ("姜师傅周五来吗", []),
    ],
)
def test_products_in_sentences(sentence, expected):
    assert [p.canonical for p in products.products_in(sentence)] == expected


def test_products_keep_the_askers_word():
    found = products.products_in("周五的集市有卖白菜和大葱的吗？")
    assert [p.word for p in found] == ["白菜", "大葱"]


def test_split_products():
    assert products.split_products("大葱、土豆，红薯 苹果,大葱") == ["大葱", "土豆", "红薯", "苹果"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("周五的集市有卖白菜和大葱的吗？", FRI),
        ("星期五有大葱吗", FRI),
        ("礼拜五有大葱吗", FRI),
        ("这周五有大葱吗", FRI),
        ("本周五呢", FRI),
        ("下周五有大葱吗", date(2024, 11, 22)),
        ("下个礼拜五呢", date(2024, 11, 22)),
        ("下下周五", date(2024, 11, 29)),
        ("今天有集市吗", WED),
        ("明天有大葱吗", date(2024, 11, 14)),
        ("后天有大葱吗", FRI),
        ("大后天有大葱吗", date(2024, 11, 16)),
        ("这周三", WED),
        ("上周五", date(2024, 11, 8)),
        ("周日有吗", date(2024, 11, 17)),
        ("星期天有吗", date(2024, 11, 17)),
        ("11月22日有吗", date(2024, 11, 22)),
        ("十五号有大葱吗", FRI),
        ("5号有吗", date(2024, 12, 5)),
        ("1月3日有吗", date(2025, 1, 3)),
    ],
)
def test_parse_day(sentence, expected):
    found = words.parse_day(sentence, WED)
    assert found is not None and found.day == expected


def test_parse_day_none_and_not_a_stall():
    assert words.parse_day("有卖白菜的吗", WED) is None
    assert words.parse_day("3号摊位卖什么", WED) is None


def test_plain_weekday_on_that_weekday_is_today():
    assert words.parse_day("周五有吗", FRI).day == FRI
    assert words.parse_day("周五有吗", date(2024, 11, 16)).day == date(2024, 11, 22)


def test_parse_products_after_sell():
    assert [p.word for p in words.parse_products("有卖羊肚菌的吗")] == ["羊肚菌"]
    assert [p.word for p in words.parse_products("有没有卖鹰嘴豆和沙棘的")] == ["鹰嘴豆", "沙棘"]
    assert words.parse_products("周五有人卖吗") == []


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "零"),
        (1, "一"),
        (2, "两"),
        (3, "三"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (22, "二十二"),
        (99, "九十九"),
        (100, "100"),
    ],
)
def test_chinese_numbers(n, text):
    assert words.chinese_number(n) == text


def test_days_left_phrases():
    assert words.days_left_phrase(2, soft=True) == "还有两天呢"
    assert words.days_left_phrase(9) == "还有九天"
    assert words.days_left_phrase(1) == "明天就是集市"
    assert words.days_left_phrase(0) == "集市就在今天"


# --- a book ---------------------------------------------------------------------------------


def _at(day: date, hour: int = 10):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL), tick=False
    )


@pytest.fixture
def friday_market(cast, point):
    return market_actions.market_save(
        actor=cast.secretary, point=point, name="解忧集市", weekdays="5"
    )


def _register(cast, market, name, phone, goods, first, last=None, stall="", on=date(2024, 11, 10)):
    with _at(on):
        return market_actions.vendor_register(
            actor=cast.grid_worker,
            market=market,
            name=name,
            phone=phone,
            products=goods,
            first_day=first,
            last_day=last,
            stall=stall,
        )


@pytest.fixture
def book(cast, friday_market):
    """On 15 November: 马建军 brings 大葱 and 土豆, 李秀英 油白菜 and 苹果; 王强 brings 白菜
    only from 22 November."""
    _register(cast, friday_market, "马建军", "13899001122", "大葱、土豆", FRI, stall="1号")
    _register(cast, friday_market, "李秀英", "13677889900", "油白菜，苹果", FRI, stall="2号")
    _register(cast, friday_market, "王强", "15999887766", "黄芽白", date(2024, 11, 22))
    return friday_market


def _ask(question, market, today=WED, **kw):
    return q.ask(question, markets=[market], today=today, **kw)


@pytest.mark.parametrize(
    "question",
    [
        "周五的集市有卖白菜和大葱的吗？",
        "周五的集市有卖白菜和大葱的吗",
        "周五集市有卖白菜和大葱吗",
        "星期五有没有卖白菜、大葱的",
        "礼拜五有黄芽白和葱吗？",
        "这周五有大白菜和大葱吗",
        "后天有白菜和葱没有",
        "有卖白菜和大葱的吗",  # no day: the next market day, which is Friday
    ],
)
def test_the_seed_question_in_many_phrasings(book, question):
    answer = _ask(question, book)
    assert answer.day == FRI and answer.days_left == 2
    by_product = {p.canonical: [s.vendor for s in p.vendors] for p in answer.products}
    # 李秀英's 油白菜 is not 白菜.
    assert by_product == {"大白菜": [], "大葱": ["马建军"]}
    onion = answer.products[1].word  # as asked: 大葱 or 葱
    assert answer.text == f"目前只有卖{onion}的登记了，还有两天呢。"


def test_the_seed_answer_word_for_word(book):
    answer = _ask("周五的集市有卖白菜和大葱的吗？", book)
    assert answer.text == "目前只有卖大葱的登记了，还有两天呢。"


def test_one_product_found_names_the_vendors(book):
    answer = _ask("周五有卖苹果的吗？", book)
    assert answer.text == "周五有卖苹果的：李秀英（2号摊位），还有两天。"


def test_every_product_found(book):
    answer = _ask("周五有大葱和土豆吗", book)
    assert answer.text == "周五卖大葱和土豆的都登记了，还有两天。"
    assert [[s.vendor for s in p.vendors] for p in answer.products] == [["马建军"], ["马建军"]]


def test_a_product_nobody_registered(book):
    answer = _ask("周五有卖韭菜的吗", book)
    assert answer.products[0].vendors == []
    assert answer.text == "还没有人登记卖韭菜，还有两天。"


def test_a_product_outside_the_vocabulary(book):
    answer = _ask("周五有卖羊肚菌的吗", book)
    assert [p.canonical for p in answer.products] == ["羊肚菌"]
    assert answer.text.startswith("还没有人登记卖羊肚菌")


def test_no_product_lists_the_day(book):
    answer = _ask("集市上都有啥", book)
    assert [s.vendor for s in answer.vendors] == ["马建军", "李秀英"]
    assert answer.text == (
        "11月15日（周五）的集市已有两位摊主登记：马建军（1号摊位）卖大葱、土豆；"
        "李秀英（2号摊位）卖油白菜、苹果。还有两天。"
    )
    assert _ask("周五集市开吗", book).text.startswith("周五的集市已有两位摊主登记")
    assert _ask("下下周五集市开吗", book).text == "下下周五的集市还没有人登记，还有十六天。"


def test_next_week_finds_the_later_registration(book):
    answer = _ask("下周五有白菜吗", book)
    assert answer.day == date(2024, 11, 22) and answer.days_left == 9
    assert [s.vendor for s in answer.products[0].vendors] == ["王强"]
    assert answer.text == "下周五有卖白菜的：王强，还有九天。"


def test_a_day_with_no_market(book):
    answer = _ask("明天有大葱吗", book)
    assert answer.day is None and answer.products == []
    assert answer.next_day == FRI
    assert answer.text == "明天（11月14日）没有集市，下一次集市是11月15日（周五），还有两天。"


def test_a_closed_market_day(cast, book):
    market_actions.closure_add(actor=cast.secretary, market=book, day=FRI, reason="大雪")
    answer = _ask("周五的集市有卖白菜和大葱的吗？", book)
    assert answer.day is None and answer.closed == "解忧集市停市（大雪）"
    assert answer.next_day == date(2024, 11, 22)
    assert answer.text == (
        "周五（11月15日）没有集市：解忧集市停市（大雪），下一次集市是11月22日（周五），还有九天。"
    )
    # With no day asked, the closed Friday is skipped.
    assert _ask("有白菜吗", book).day == date(2024, 11, 22)


def test_a_season_that_ended(cast, point):
    summer = market_actions.market_save(
        actor=cast.secretary,
        point=point,
        name="夏季瓜果集市",
        weekdays="5",
        first_day=date(2024, 5, 1),
        last_day=date(2024, 10, 31),
    )
    answer = _ask("周五有哈密瓜吗", summer)
    assert answer.day is None
    assert "夏季瓜果集市本季已于10月31日收市" in answer.text
    assert answer.text.endswith("近期没有集市安排。")
    assert _ask("有哈密瓜吗", summer).text == "夏季瓜果集市本季已于10月31日收市，近期没有集市安排。"


def test_a_season_not_yet_begun_points_to_its_first_day(cast, point):
    spring = market_actions.market_save(
        actor=cast.secretary, point=point, name="春季集市", weekdays="6", first_day=date(2025, 3, 1)
    )
    answer = _ask("周六有菠菜吗", spring)
    assert "春季集市3月1日才开市" in answer.text
    assert answer.next_day == date(2025, 3, 1)


def test_a_day_already_past(book):
    answer = _ask("上周五有大葱吗", book)
    assert answer.text.startswith("上周五（11月8日）已经过去了，下一次集市是11月15日（周五）")


def test_the_book_as_it_stood_on_the_day_asked(cast, book):
    """A line written on Thursday is not in the answer given on Wednesday."""
    _register(cast, book, "赵兰", "13566778899", "大白菜", FRI, on=date(2024, 11, 14))
    assert _ask("周五有白菜吗", book).products[0].vendors == []
    thursday = _ask("周五有白菜吗", book, today=date(2024, 11, 14))
    assert [s.vendor for s in thursday.products[0].vendors] == ["赵兰"]
    assert thursday.text.endswith("明天就是集市。")


def test_a_cancelled_line_is_gone(cast, book):
    line = book.registrations.get(vendor__name="马建军")
    with _at(date(2024, 11, 14)):
        market_actions.registration_cancel(actor=cast.secretary, registration=line)
    assert "马建军" not in [r.vendor.name for r in q.registrations_on([book], FRI)]
    assert _ask("周五有大葱吗", book, today=date(2024, 11, 14)).products[0].vendors == []
    # Asked on Wednesday, before the line was struck, the book still held it.
    assert [s.vendor for s in _ask("周五有大葱吗", book).products[0].vendors] == ["马建军"]


def test_phones_only_when_asked_for(book):
    staff = _ask("周五有大葱吗", book, reveal_phones=True)
    assert staff.products[0].vendors[0].phone == "138****1122"
    public = _ask("周五有大葱吗", book)
    assert public.products[0].vendors[0].phone == ""


def test_in_season_list(cast, book):
    market_actions.seasonal_produce_save(actor=cast.county_admin, name="大白菜", months="10-2")
    market_actions.seasonal_produce_save(actor=cast.county_admin, name="哈密瓜", months="7,8,9")
    answer = _ask("周五有哈密瓜吗", book)
    assert answer.in_season == ["大白菜"]
    assert answer.products[0].in_season is False
    assert answer.text == "还没有人登记卖哈密瓜，还有两天。哈密瓜现在不当季。"
    assert _ask("周五有白菜吗", book).products[0].in_season is True
