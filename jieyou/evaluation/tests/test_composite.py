"""The composite score over subjects, from hand-computed inputs."""

import numpy as np
import pytest

from jieyou.evaluation import composite

BANDS = {"优秀": 90, "良好": 80, "一般": 60}


def inputs(attainment, inspection, ballots, **kw):
    return composite.Inputs(
        attainment=np.array(attainment, dtype=float),
        indicator_weights=np.array([0.6, 0.4]),
        inspection=np.array(inspection, dtype=float),
        ballots=np.array(ballots, dtype=np.int64),
        group_weights=np.array([0.7, 0.3]),
        source_weights=kw.pop("source_weights", (0.4, 0.2, 0.4)),
        **kw,
    )


ONE = inputs([[1.0, 0.5]], [80], [[[30, 10, 5, 2], [3, 1, 0, 0]]])


def test_components_and_total_by_hand():
    out = composite.score(ONE, keys=np.array([7]))
    # 定量 100 × (0.6 × 1 + 0.4 × 0.5) = 80; the public's index (30 + 0.8 × 10) / 45; the
    # departments gave 4 ballots (< 10): 样本不足, left out of the survey score.
    assert out.quantitative[0] == pytest.approx(80)
    assert out.group_index[0, 0] == pytest.approx(38 / 45)
    assert list(out.sufficient[0]) == [True, False]
    assert out.survey[0] == pytest.approx(100 * 38 / 45)
    assert out.total[0] == pytest.approx(0.4 * 80 + 0.2 * 80 + 0.4 * 100 * 38 / 45)
    assert out.low[0] < out.total[0] < out.high[0]


def test_missing_sources_and_indicators_renormalise():
    out = composite.score(inputs([[np.nan, 0.5]], [np.nan], [[[0, 0, 0, 0]] * 2]), keys=[1])
    assert out.quantitative[0] == pytest.approx(50)
    assert np.isnan(out.inspection[0]) and np.isnan(out.survey[0])
    assert out.total[0] == pytest.approx(50)
    assert out.low[0] == out.high[0] == out.total[0]


def test_over_achievement_is_capped_at_full_marks():
    out = composite.score(inputs([[1.2, 1.2]], [np.nan], [[[0, 0, 0, 0]] * 2]), keys=[1])
    assert out.quantitative[0] == 100


def test_adding_a_subject_changes_nobody_elses_numbers():
    two = inputs(
        [[1.0, 0.5], [0.9, 0.9]],
        [80, 70],
        [[[30, 10, 5, 2], [3, 1, 0, 0]], [[12, 9, 3, 1], [10, 2, 0, 0]]],
    )
    three = inputs(
        [[1.0, 0.5], [0.9, 0.9], [1.2, 1.2]],
        [80, 70, 100],
        [
            [[30, 10, 5, 2], [3, 1, 0, 0]],
            [[12, 9, 3, 1], [10, 2, 0, 0]],
            [[50, 0, 0, 0], [20, 0, 0, 0]],
        ],
    )
    a = composite.score(two, keys=np.array([11, 12]))
    b = composite.score(three, keys=np.array([11, 12, 13]))
    for name in ("total", "low", "high"):
        assert np.allclose(getattr(a, name), getattr(b, name)[:2])
    rank_a, _ = composite.ranks_and_ties(a.total, a.low, a.high)
    rank_b, _ = composite.ranks_and_ties(b.total, b.low, b.high)
    # The newcomer goes first; the other two keep their order.
    assert list(rank_b) == [r + 1 for r in rank_a] + [1]


def test_grades_from_bands():
    assert [composite.grade(x, BANDS) for x in (95, 90, 89.99, 80, 60, 59.9)] == [
        "优秀",
        "优秀",
        "良好",
        "良好",
        "一般",
        "较差",
    ]


def test_overlapping_intervals_are_tied_and_equal_totals_share_a_rank():
    total = np.array([91.0, 90.0, 90.0, 70.0])
    low = np.array([89.0, 88.0, 87.0, 65.0])
    high = np.array([93.0, 92.0, 91.0, 75.0])
    rank, tie = composite.ranks_and_ties(total, low, high)
    assert list(rank) == [1, 2, 2, 4]
    assert tie[0] == tie[1] == tie[2] != tie[3]


def test_bootstrap_is_seeded_by_the_subject_key():
    a = composite.score(ONE, keys=np.array([7]))
    b = composite.score(ONE, keys=np.array([7]))
    c = composite.score(ONE, keys=np.array([8]))
    assert (a.low[0], a.high[0]) == (b.low[0], b.high[0])
    assert (a.low[0], a.high[0]) != (c.low[0], c.high[0])


def test_a_long_ranking_of_overlapping_neighbours_is_not_one_tie():
    # Each interval overlaps its neighbours' but not those three places away.
    total = np.arange(100.0, 80.0, -1.0)
    rank, tie = composite.ranks_and_ties(total, total - 1.5, total + 1.5)
    assert list(rank) == list(range(1, 21))
    # Groups of four: the opener's interval reaches three places down, not four.
    assert list(tie) == [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4


def test_intervals_do_not_depend_on_blocks_or_threads(monkeypatch):
    rng = np.random.default_rng(3)
    many = inputs(
        rng.uniform(0, 1.2, (9, 2)),
        rng.uniform(50, 100, 9),
        rng.integers(0, 30, (9, 2, 4)),
    )
    keys = np.arange(100, 109)
    monkeypatch.setattr(composite, "WORKERS", 1)
    monkeypatch.setattr(composite, "BLOCK", 256)
    one = composite.score(many, keys=keys)
    monkeypatch.setattr(composite, "WORKERS", 3)
    monkeypatch.setattr(composite, "BLOCK", 2)
    split = composite.score(many, keys=keys)
    assert not np.isnan(one.low).all()
    for name in ("total", "low", "high"):
        assert np.array_equal(getattr(one, name), getattr(split, name), equal_nan=True)


def test_an_interval_is_the_percentiles_of_the_resampled_totals():
    # One group of 20 raters: 12 satisfied, 8 unsatisfied; the interval must be the 2.5 % and
    # 97.5 % points of 0.4 × 80 + 0.2 × 80 + 0.4 × 100 × (resampled share satisfied).
    one = inputs([[1.0, 0.5]], [80], [[[12, 0, 8, 0], [0, 0, 0, 0]]])
    out = composite.score(one, keys=np.array([5]))
    drawn = np.random.default_rng(5).multinomial([20], [[0.6, 0.0, 0.4, 0.0]], size=(1000, 1))
    share = drawn[:, 0, 0] / 20
    totals = 0.4 * 80 + 0.2 * 80 + 0.4 * 100 * share
    assert (out.low[0], out.high[0]) == pytest.approx(tuple(np.quantile(totals, [0.025, 0.975])))
