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
    out = composite.score(ONE)
    # 定量 100 × (0.6 × 1 + 0.4 × 0.5) = 80; the public's index (30 + 0.8 × 10) / 45; the
    # departments gave 4 ballots (< 10): 样本不足, left out of the survey score.
    assert out.quantitative[0] == pytest.approx(80)
    assert out.group_index[0, 0] == pytest.approx(38 / 45)
    assert list(out.sufficient[0]) == [True, False]
    assert out.survey[0] == pytest.approx(100 * 38 / 45)
    assert out.total[0] == pytest.approx(0.4 * 80 + 0.2 * 80 + 0.4 * 100 * 38 / 45)
    assert out.low[0] < out.total[0] < out.high[0]


def test_missing_sources_and_indicators_renormalise():
    out = composite.score(inputs([[np.nan, 0.5]], [np.nan], [[[0, 0, 0, 0]] * 2]))
    assert out.quantitative[0] == pytest.approx(50)
    assert np.isnan(out.inspection[0]) and np.isnan(out.survey[0])
    assert out.total[0] == pytest.approx(50)
    assert out.low[0] == out.high[0] == out.total[0]


def test_over_achievement_is_capped_at_full_marks():
    out = composite.score(inputs([[1.2, 1.2]], [np.nan], [[[0, 0, 0, 0]] * 2]))
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
    a = composite.score(two)
    b = composite.score(three)
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


def test_equal_ballots_get_equal_intervals_and_other_ballots_others():
    twins = inputs(
        [[1.0, 0.5], [1.0, 0.5], [1.0, 0.5]],
        [80, 80, 80],
        [
            [[30, 10, 5, 2], [8, 3, 1, 0]],
            [[30, 10, 5, 2], [8, 3, 1, 0]],
            [[31, 9, 5, 2], [8, 3, 1, 0]],
        ],
    )
    out = composite.score(twins)
    assert (out.low[0], out.high[0]) == (out.low[1], out.high[1])
    assert (out.low[0], out.high[0]) != (out.low[2], out.high[2])
    again = composite.score(twins)
    assert np.array_equal(out.low, again.low) and np.array_equal(out.high, again.high)


@pytest.mark.parametrize("raters", [40, composite.TABLE_LIMIT + 60])
def test_the_interval_is_the_bootstrap_over_raters(raters):
    """A subject scored by one group only: its interval is the percentile bootstrap of the
    mean of the raters' scores (the reference method in scoring.py), up to the noise of 1,000
    resamples, with the shared tables (small groups) and drawn alone (large ones)."""
    from jieyou.evaluation.scoring import bootstrap_interval

    shares = np.array([0.55, 0.25, 0.15, 0.05])
    answers = np.round(shares * raters).astype(int)
    answers[0] += raters - answers.sum()
    one = composite.Inputs(
        attainment=np.full((1, 1), np.nan),
        indicator_weights=np.array([1.0]),
        inspection=np.array([np.nan]),
        ballots=answers[None, None, :],
        group_weights=np.array([1.0]),
        source_weights=(0.4, 0.2, 0.4),
    )
    out = composite.score(one, resamples=4000)
    # Each rater's answer as a score, 不了解 as NaN, and the index as the mean of the others.
    values = np.repeat([100.0, 80.0, 0.0, np.nan], answers)
    reference = bootstrap_interval(values, np.nanmean, resamples=20000, seed=5)
    width = reference[1] - reference[0]
    assert out.total[0] == pytest.approx(np.nanmean(values))
    assert out.low[0] == pytest.approx(reference[0], abs=0.05 * width)
    assert out.high[0] == pytest.approx(reference[1], abs=0.05 * width)


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
    monkeypatch.setattr(composite, "WORKERS", 1)
    monkeypatch.setattr(composite, "BLOCK", 256)
    one = composite.score(many)
    monkeypatch.setattr(composite, "WORKERS", 3)
    monkeypatch.setattr(composite, "BLOCK", 2)
    split = composite.score(many)
    assert not np.isnan(one.low).all()
    for name in ("total", "low", "high"):
        assert np.array_equal(getattr(one, name), getattr(split, name), equal_nan=True)


def test_an_interval_is_the_percentiles_of_the_resampled_totals():
    # One group of 20 raters: 12 satisfied, 8 unsatisfied; the interval must be the 2.5 % and
    # 97.5 % points of 0.4 × 80 + 0.2 × 80 + 0.4 × 100 × (resampled share satisfied).
    one = inputs([[1.0, 0.5]], [80], [[[12, 0, 8, 0], [0, 0, 0, 0]]])
    out = composite.score(one)
    # The documented draw: 1,000 resamples of 20 positions from the generator of the first
    # group and size 20; raters 0–11 answered 满意.
    positions = np.random.default_rng([composite.SEED, 0, 20]).integers(0, 20, (1000, 20))
    share = (positions < 12).mean(axis=1)
    totals = 0.4 * 80 + 0.2 * 80 + 0.4 * 100 * share
    assert (out.low[0], out.high[0]) == pytest.approx(tuple(np.quantile(totals, [0.025, 0.975])))


def test_a_resample_without_scored_answers_leaves_the_survey_out():
    # One group of 4 raters: 1 satisfied, 3 不了解, counted from one scored ballot. About a
    # third of the resamples draw no scored answer: their total is 定量 and 实看 alone.
    one = inputs([[1.0, 0.5]], [80], [[[1, 0, 0, 3], [0, 0, 0, 0]]], min_ballots=1)
    out = composite.score(one)
    positions = np.random.default_rng([composite.SEED, 0, 4]).integers(0, 4, (1000, 4))
    satisfied = (positions < 1).sum(axis=1)
    totals = np.where(satisfied > 0, 0.4 * 80 + 0.2 * 80 + 0.4 * 100, (0.4 * 80 + 0.2 * 80) / 0.6)
    assert 200 < (satisfied == 0).sum() < 450
    assert (out.low[0], out.high[0]) == pytest.approx(tuple(np.quantile(totals, [0.025, 0.975])))
