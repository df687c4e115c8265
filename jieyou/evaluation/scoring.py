"""The arithmetic of evaluation: pure functions, no Django, each with a published reference
(see docs/scoring.md and tests/test_scoring.py).

- AHP weights by the principal eigenvector, with Saaty's (1980) random index for the
  consistency ratio;
- entropy weights; TOPSIS closeness (vector normalisation; a cross-check, never the score);
- trimmed mean (去掉最高分和最低分), satisfaction index, Wilson score interval;
- attainment against a fixed target and floor (so adding a subject never reorders others),
  and value added against a baseline;
- a bootstrap interval over raters.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

# Saaty (1980) random consistency index for matrices of order 1..15.
RANDOM_INDEX = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)
CR_LIMIT = 0.10


@dataclass(frozen=True)
class AhpResult:
    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float

    @property
    def consistent(self) -> bool:
        return self.cr < CR_LIMIT


def ahp_weights(matrix: Sequence[Sequence[float]]) -> AhpResult:
    """Weights from a positive reciprocal pairwise-comparison matrix (a[i][j] = how much i
    matters more than j, a[j][i] = 1 / a[i][j])."""
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    if a.ndim != 2 or a.shape != (n, n) or n < 1:
        raise ValueError("判断矩阵必须是方阵")
    if n > len(RANDOM_INDEX):
        raise ValueError(f"判断矩阵最多{len(RANDOM_INDEX)}阶")
    if (a <= 0).any():
        raise ValueError("判断矩阵的元素必须为正数")
    if not np.allclose(a * a.T, 1.0, rtol=1e-3):
        raise ValueError("判断矩阵必须互反：a[j][i] 应等于 1 / a[i][j]")
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    weights = vector / vector.sum()
    lambda_max = float(values[k].real)
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n - 1]
    cr = ci / ri if ri else 0.0
    return AhpResult(tuple(float(w) for w in weights), lambda_max, ci, cr)


def entropy_weights(matrix: Sequence[Sequence[float]]) -> tuple[float, ...]:
    """Entropy weights of the columns (criteria) of a matrix of non-negative values, rows being
    alternatives: a criterion on which alternatives differ more weighs more."""
    x = np.asarray(matrix, dtype=float)
    m = x.shape[0]
    if m < 2 or (x < 0).any():
        raise ValueError("熵权法需要至少两个评价对象且数据非负")
    totals = x.sum(axis=0)
    p = np.divide(x, totals, out=np.zeros_like(x), where=totals > 0)
    logs = np.log(p, out=np.zeros_like(p), where=p > 0)
    entropy = -(p * logs).sum(axis=0) / np.log(m)
    diversity = 1.0 - entropy
    if diversity.sum() == 0:
        return tuple(1.0 / x.shape[1] for _ in range(x.shape[1]))
    return tuple(float(w) for w in diversity / diversity.sum())


def topsis(
    matrix: Sequence[Sequence[float]], weights: Sequence[float], benefit: Sequence[bool]
) -> tuple[float, ...]:
    """Relative closeness to the ideal solution, by vector normalisation."""
    x = np.asarray(matrix, dtype=float)
    norms = np.sqrt((x**2).sum(axis=0))
    v = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0) * np.asarray(weights)
    good = np.asarray(benefit, dtype=bool)
    best = np.where(good, v.max(axis=0), v.min(axis=0))
    worst = np.where(good, v.min(axis=0), v.max(axis=0))
    d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_best + d_worst
    return tuple(
        float(c) for c in np.divide(d_worst, total, out=np.zeros_like(total), where=total > 0)
    )


def trimmed_mean(values: Sequence[float], drop: int = 1) -> float:
    """The mean after dropping the `drop` highest and `drop` lowest values."""
    if len(values) <= 2 * drop:
        raise ValueError(f"去掉最高分和最低分各{drop}个后没有剩余分数")
    kept = sorted(values)[drop : len(values) - drop]
    return sum(kept) / len(kept)


def satisfaction_index(
    counts: dict[str, int], level_scores: dict[str, float | None]
) -> float | None:
    """Σ count × score ÷ Σ count over the levels that carry a score (不了解 carries None and is
    left out); None when nobody gave a scored answer."""
    scored = {k: c for k, c in counts.items() if level_scores.get(k) is not None}
    total = sum(scored.values())
    if not total:
        return None
    return sum(c * level_scores[k] for k, c in scored.items()) / total


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion."""
    if n <= 0:
        raise ValueError("样本量必须大于0")
    if not 0 <= successes <= n:
        raise ValueError("成功数必须在0与样本量之间")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return float((centre - margin) / denominator), float((centre + margin) / denominator)


def attainment(
    actual: float, target: float, floor: float, cost: bool = False, cap: float = 1.2
) -> float:
    """How far a figure went from its floor (0) to its target (1), capped; for a cost
    indicator (lower is better) the floor lies above the target."""
    if target == floor:
        raise ValueError("目标值与底线值不能相同")
    if cost != (floor > target):
        raise ValueError("成本型指标的底线应高于目标，效益型指标的底线应低于目标")
    share = (actual - floor) / (target - floor)
    return float(min(max(share, 0.0), cap))


def value_added(baseline: float, actual: float, cost: bool = False) -> float | None:
    """The change against the baseline as a share of it, positive when things got better;
    None when the baseline is zero."""
    if baseline == 0:
        return None
    change = (actual - baseline) / abs(baseline)
    return -change if cost else change


def bootstrap_interval(
    values: Sequence[float],
    statistic: Callable[[np.ndarray], float] = np.mean,
    *,
    resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """A percentile bootstrap interval of `statistic` over raters' values (seeded: the same
    ballots always give the same interval)."""
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        raise ValueError("样本太少，无法计算区间")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, x.size, size=(resamples, x.size))
    stats = np.apply_along_axis(statistic, 1, x[picks])
    tail = (1 - confidence) / 2
    return float(np.quantile(stats, tail)), float(np.quantile(stats, 1 - tail))
