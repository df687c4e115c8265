"""The demo market book answers 赵大爷's question as 严婷婷 did, and loads only once."""

from collections import Counter
from datetime import date

import pytest

from jieyou.demo import county
from jieyou.demo import load as demo_load
from jieyou.demo import market as demo_market
from jieyou.points.models import Market, MarketClosure, SeasonalProduce, Vendor, VendorRegistration
from jieyou.points.queries import market as q

SEED = 11
ASKED = date(2024, 11, 13)


def rows() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Market, MarketClosure, SeasonalProduce, Vendor, VendorRegistration)
    }


@pytest.fixture
def demo(cast):
    """What loading the demo county created (the market book is part of it)."""
    return demo_load.load(residents=40, seed=SEED)


def _jieyou_market():
    return Market.objects.get(name="解忧集市", point__name=county.SERVICE_POINTS["老城社区"])


def test_the_seed_question_on_the_seed_day(demo):
    market = _jieyou_market()
    answer = q.ask("周五的集市有卖白菜和大葱的吗？", markets=[market], today=ASKED)
    assert answer.text == "目前只有卖大葱的登记了，还有两天呢。"
    assert answer.day == date(2024, 11, 15) and answer.days_left == 2
    by_product = {p.canonical: [s.vendor for s in p.vendors] for p in answer.products}
    assert by_product["大白菜"] == [] and len(by_product["大葱"]) >= 1
    # In season on that Friday: the page's autumn and winter list.
    assert set(answer.in_season) == {"大白菜", "大葱", "土豆", "红薯", "苹果"}


def test_a_year_of_two_or_three_vendors_a_week(demo):
    market = _jieyou_market()
    days = q.market_days(market, demo_market.FIRST_DAY, demo_market.LAST_DAY)
    assert 45 <= len(days) <= 52  # Fridays of the year less the closed ones
    counts = [len(q.registrations_on([market], day)) for day in days]
    assert min(counts) >= 1 and max(counts) <= 3
    assert sum(counts) / len(counts) >= 2
    # Closed days are in the book as closures, and have no market.
    assert date(2024, 2, 9) not in days
    # Summer greens in July, the autumn list in November, as the page tells it.
    july = {
        row.canonical
        for day in days
        if day.month == 7
        for line in q.registrations_on([market], day)
        for row in line.product_rows.all()
    }
    assert july & {"油白菜", "菠菜", "韭菜", "哈密瓜", "葡萄"}
    assert not july & {"大白菜", "红薯"}


def test_other_markets_and_a_season_that_ended(demo):
    summer = Market.objects.get(name="瓜果集市")
    answer = q.ask("周六有哈密瓜吗", markets=[summer], today=ASKED)
    assert "本季已于10月31日收市" in answer.text
    assert Market.objects.filter(name="邻家早市").exists()


def test_phones_are_stored_once_in_e164(demo):
    phones = list(Vendor.objects.values_list("phone", flat=True))
    assert phones and all(p.startswith("+861") and len(p) == 14 for p in phones)
    # A vendor at two markets is one vendor.
    assert Vendor.objects.filter(name="赵德明").count() == 1


def test_a_second_load_adds_nothing(demo):
    before = rows()
    again = Counter()
    demo_market.load(again, seed=SEED)
    assert rows() == before
    assert sum(again.values()) == 0
    assert demo["vendor registrations"] == before["VendorRegistration"]
