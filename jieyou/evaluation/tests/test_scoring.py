import pytest

from jieyou.evaluation import scoring as s

COFFEE, WINE, TEA, BEER, SODA, MILK, WATER = range(7)


def _saaty_drinks():
    """Saaty (2008): drink consumption in the US."""
    judgements = {
        (COFFEE, WINE): 9,
        (COFFEE, TEA): 5,
        (COFFEE, BEER): 2,
        (COFFEE, SODA): 1,
        (COFFEE, MILK): 1,
        (WATER, COFFEE): 2,
        (WATER, WINE): 9,
        (WATER, TEA): 9,
        (WATER, BEER): 3,
        (WATER, SODA): 2,
        (WATER, MILK): 3,
        (TEA, WINE): 3,
        (BEER, WINE): 9,
        (BEER, TEA): 3,
        (BEER, MILK): 1,
        (SODA, WINE): 9,
        (SODA, TEA): 4,
        (SODA, BEER): 2,
        (SODA, MILK): 2,
        (MILK, WINE): 9,
        (MILK, TEA): 3,
    }
    m = [[1.0] * 7 for _ in range(7)]
    for (a, b), v in judgements.items():
        m[a][b], m[b][a] = v, 1 / v
    return m


def test_ahp_saaty_drinks():
    r = s.ahp_weights(_saaty_drinks())
    assert r.weights == pytest.approx(
        [0.1775, 0.0191, 0.0418, 0.1164, 0.1896, 0.1288, 0.3268], abs=5e-4
    )
    assert r.lambda_max == pytest.approx(7.1766, abs=5e-4)
    assert r.cr == pytest.approx(0.0223, abs=5e-4)
    assert r.consistent


def test_ahp_four_criteria():
    r = s.ahp_weights([[1, 1, 5, 3], [1, 1, 5, 3], [1 / 5, 1 / 5, 1, 1 / 3], [1 / 3, 1 / 3, 3, 1]])
    assert r.weights == pytest.approx([0.3899, 0.3899, 0.0679, 0.1524], abs=5e-4)
    assert r.lambda_max == pytest.approx(4.0435, abs=5e-4)
    assert r.cr == pytest.approx(0.0161, abs=5e-4)


def test_ahp_inconsistent_matrix_is_flagged_and_bad_ones_refused():
    # a > b, b > c, yet c much greater than a.
    r = s.ahp_weights([[1, 5, 1 / 7], [1 / 5, 1, 5], [7, 1 / 5, 1]])
    assert r.cr >= s.CR_LIMIT and not r.consistent
    with pytest.raises(ValueError, match="互反"):
        s.ahp_weights([[1, 2], [2, 1]])
    with pytest.raises(ValueError, match="方阵"):
        s.ahp_weights([[1, 2, 3]])


def test_entropy_xu_2004():
    w = s.entropy_weights(
        [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
    )
    assert w == pytest.approx([0.4630, 0.3992, 0.1378, 0.0000], abs=5e-4)


def test_topsis_tzeng_huang_2011():
    c = s.topsis([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], [0.3, 0.4, 0.3], [True] * 3)
    assert c == pytest.approx([0.5037, 0.6581, 0.7482, 0.3340], abs=5e-4)


def test_wilson_45_of_50():
    assert s.wilson_interval(45, 50) == pytest.approx((0.7864, 0.9565), abs=5e-4)


def test_trimmed_mean_drops_highest_and_lowest():
    assert s.trimmed_mean([60, 90, 85, 100, 88]) == pytest.approx((90 + 85 + 88) / 3)
    with pytest.raises(ValueError):
        s.trimmed_mean([1, 2])


def test_satisfaction_index_leaves_out_dont_know():
    scores = {"满意": 1.0, "基本满意": 0.8, "不满意": 0.0, "不了解": None}
    assert s.satisfaction_index(
        {"满意": 6, "基本满意": 2, "不满意": 2, "不了解": 5}, scores
    ) == pytest.approx(7.6 / 10)
    assert s.satisfaction_index({"不了解": 3}, scores) is None


def test_attainment_is_fixed_to_target_and_floor():
    assert s.attainment(80, target=90, floor=60) == pytest.approx(2 / 3)
    assert s.attainment(200, target=90, floor=60) == 1.2
    assert s.attainment(10, target=90, floor=60) == 0.0
    assert s.attainment(3, target=2, floor=10, cost=True) == pytest.approx(7 / 8)
    with pytest.raises(ValueError):
        s.attainment(3, target=2, floor=10)


def test_no_rank_reversal_when_a_subject_is_added():
    """Scores against fixed targets do not move when someone joins; TOPSIS, relative to the
    group, may — which is why it is only a cross-check."""
    subjects = {"甲": [85, 70], "乙": [80, 75]}
    weights = [0.5, 0.5]

    def fixed(values):
        return sum(
            w * s.attainment(v, target=100, floor=50) for w, v in zip(weights, values, strict=True)
        )

    before = {k: fixed(v) for k, v in subjects.items()}
    subjects["丙"] = [99, 51]
    after = {k: fixed(v) for k, v in subjects.items()}
    assert before["甲"] == after["甲"] and before["乙"] == after["乙"]


def test_value_added_and_bootstrap():
    assert s.value_added(40, 50) == pytest.approx(0.25)
    assert s.value_added(40, 30, cost=True) == pytest.approx(0.25)
    assert s.value_added(0, 5) is None
    low, high = s.bootstrap_interval([1, 1, 1, 0.8, 0.8, 0, 1, 1, 0.8, 1], seed=7)
    assert 0.6 < low < 0.84 < high <= 1.0
    assert s.bootstrap_interval([1, 0, 1, 0], seed=1) == s.bootstrap_interval([1, 0, 1, 0], seed=1)


def test_scoring_stands_without_django():
    import subprocess
    import sys

    code = (
        "import sys, jieyou.evaluation.scoring; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
