"""From measured figures, inspection scores and ballot counts to totals, intervals, grades
and ties, for every subject of a cycle at once. Pure NumPy, no Django: actions/scoring.py
gathers the inputs and stores what comes out; the benchmark times this module against
loading the same rows.

Each subject's numbers depend only on its own inputs and fixed targets, floors and weights,
so adding or removing a subject never changes another's score (no rank reversal); the
bootstrap of each subject is seeded by the subject's own key for the same reason.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

# Ballot answers in the order of the count arrays' last axis.
ANSWERS = ("satisfied", "basic", "unsatisfied", "unknown")
DEFAULT_LEVEL_SCORES = (1.0, 0.8, 0.0)  # 满意, 基本满意, 不满意; 不了解 carries no score
# Over-achievement of one indicator may make up for another (attainment up to its cap), but
# the quantitative component never exceeds full marks.
FULL_MARKS = 100.0


@dataclass(frozen=True)
class Inputs:
    """S subjects, I indicators, G rater groups.

    attainment: S×I, each indicator's attainment (0…cap); NaN where the figure does not
        exist and the indicator is left out for that subject (weights renormalised).
    indicator_weights: I, the indicator's weight within its dimension times the dimension's.
    inspection: S, the mean criterion score (0–100) of the subject's inspections, NaN if none.
    ballots: S×G×4, ballot counts by answer (ANSWERS order).
    group_weights: G; source_weights: (定量, 实看, 民评).
    """

    attainment: np.ndarray
    indicator_weights: np.ndarray
    inspection: np.ndarray
    ballots: np.ndarray
    group_weights: np.ndarray
    source_weights: tuple[float, float, float]
    min_ballots: int = 10
    level_scores: tuple[float, float, float] = DEFAULT_LEVEL_SCORES


@dataclass(frozen=True)
class Outcome:
    quantitative: np.ndarray  # S, 0–100 or NaN
    inspection: np.ndarray  # S, 0–100 or NaN
    group_index: np.ndarray  # S×G, satisfaction index 0–1, NaN where no scored answer
    sufficient: np.ndarray  # S×G, bool: enough ballots to be shown as a score
    survey: np.ndarray  # S, 0–100 or NaN
    total: np.ndarray  # S
    low: np.ndarray  # S, bootstrap interval over raters
    high: np.ndarray  # S


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ w·v / Σ w along the last axis over the entries that are not NaN; NaN if none."""
    present = ~np.isnan(values)
    num = (np.where(present, values, 0.0) * weights).sum(axis=-1)
    den = np.where(present, weights, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _group_index(counts: np.ndarray, level_scores) -> np.ndarray:
    """Satisfaction index per group from answer counts (…×4): 不了解 is left out."""
    scores = np.asarray(level_scores, dtype=float)
    scored = counts[..., :3]
    den = scored.sum(axis=-1)
    num = (scored * scores).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _combine(quantitative, inspection, survey, source_weights) -> np.ndarray:
    parts = np.stack([quantitative, inspection, survey], axis=-1)
    return _weighted_mean(parts, np.asarray(source_weights, dtype=float))


def score(
    inputs: Inputs, *, keys: np.ndarray, resamples: int = 1000, confidence: float = 0.95
) -> Outcome:
    """Score every subject. `keys` (S) are stable integers per subject (its database id) that
    seed its bootstrap, so its interval is the same whoever else is scored with it."""
    w = np.asarray(inputs.indicator_weights, dtype=float)
    quantitative = np.minimum(_weighted_mean(inputs.attainment, w) * FULL_MARKS, FULL_MARKS)
    inspection = np.asarray(inputs.inspection, dtype=float)
    counts = np.asarray(inputs.ballots, dtype=np.int64)
    group_index = _group_index(counts, inputs.level_scores)
    # The sample an index stands on leaves 不了解 out, as surveys.survey_tally counts it.
    sufficient = counts[..., :3].sum(axis=-1) >= inputs.min_ballots
    gw = np.asarray(inputs.group_weights, dtype=float)
    survey = _weighted_mean(np.where(sufficient, group_index, np.nan), gw) * FULL_MARKS
    total = _combine(quantitative, inspection, survey, inputs.source_weights)
    low, high = total.copy(), total.copy()
    scored = np.flatnonzero(~np.isnan(survey))
    keys = np.asarray(keys)

    def interval(block: np.ndarray) -> None:
        # Subjects × groups × answers × resamples: each answer's counts lie contiguous.
        draws = np.zeros((len(block), *counts.shape[1:], resamples), dtype=np.int64)
        for row, s in enumerate(block):
            _draw(draws[row], counts[s], sufficient[s], int(keys[s]))
        replicas = _replica_survey(draws, gw, inputs.level_scores)
        totals = _weighted_terms(
            [quantitative[block, None], inspection[block, None], replicas], inputs.source_weights
        )
        low[block], high[block] = _quantiles(totals, (1 - confidence) / 2)

    # Each subject draws from its own generator (NumPy's multinomial runs without the GIL, so
    # blocks of subjects share the cores); what follows the draws is done per block at once.
    blocks = [scored[start : start + BLOCK] for start in range(0, len(scored), BLOCK)]
    if len(blocks) > 1 and WORKERS > 1:
        with ThreadPoolExecutor(min(WORKERS, len(blocks))) as pool:
            list(pool.map(interval, blocks))
    else:
        for block in blocks:
            interval(block)
    return Outcome(quantitative, inspection, group_index, sufficient, survey, total, low, high)


BLOCK = 256
WORKERS = min(4, os.cpu_count() or 1)


def _replica_survey(draws: np.ndarray, gw: np.ndarray, level_scores) -> np.ndarray:
    """民评 (0–100) of each resample (subjects × resamples) from its answer counts
    (subjects × groups × answers × resamples): the satisfaction index of each group and their
    weighted mean, as `_group_index` and `_weighted_mean` compute them (the same sums in the
    same order), written out per answer and per group because NumPy's reductions over axes of
    three or four entries cost more than the arithmetic."""
    indices = []
    for g in range(draws.shape[1]):
        satisfied, basic, unsatisfied = (draws[:, g, a] for a in range(3))
        den = satisfied + basic + unsatisfied
        num = satisfied * level_scores[0] + basic * level_scores[1] + unsatisfied * level_scores[2]
        with np.errstate(invalid="ignore", divide="ignore"):
            indices.append(np.where(den > 0, num / np.where(den > 0, den, 1), np.nan))
    return _weighted_terms(indices, gw) * FULL_MARKS


def _weighted_terms(values: list, weights) -> np.ndarray:
    """`_weighted_mean` over a short list of arrays (broadcast together) instead of a last
    axis: Σ w·v / Σ w over the values that are not NaN, NaN if none."""
    num = den = 0.0
    for v, w in zip(values, weights, strict=True):
        present = ~np.isnan(v)
        num = num + np.where(present, v, 0.0) * w
        den = den + np.where(present, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _quantiles(values: np.ndarray, tail: float) -> tuple[np.ndarray, np.ndarray]:
    """The `tail` and 1 − `tail` quantiles of each row (linear interpolation, NaN left out, as
    np.nanquantile, which loops over the rows in Python)."""
    whole = ~np.isnan(values).any(axis=1)
    low, high = np.empty(len(values)), np.empty(len(values))
    if whole.any():
        low[whole], high[whole] = np.quantile(values[whole], [tail, 1 - tail], axis=1)
    for row in np.flatnonzero(~whole):
        low[row], high[row] = np.nanquantile(values[row], [tail, 1 - tail])
    return low, high


def _draw(out, counts, sufficient, key) -> None:
    """Resample each group's raters into out (groups × answers × resamples): a resample of n
    raters from answer shares p is one multinomial draw of n over p. Only the groups that
    count (enough ballots) are drawn: the others stay empty and carry no score."""
    drawn = np.flatnonzero(sufficient)
    n = counts[drawn].sum(axis=-1)
    p = np.divide(counts[drawn], n[:, None], dtype=float)
    rng = np.random.default_rng(key)
    resamples = out.shape[-1]
    out[drawn] = np.moveaxis(rng.multinomial(n, p, size=(resamples, len(n))), 0, -1)


def grade(value: float, bands: dict[str, float]) -> str:
    """The first grade whose lower bound the value reaches (bands from the highest); 较差 below."""
    for name, bound in sorted(bands.items(), key=lambda item: -item[1]):
        if value >= bound:
            return name
    return "较差"


def ranks_and_ties(total: np.ndarray, low: np.ndarray, high: np.ndarray):
    """Competition ranks by total (equal totals share a rank) and tie groups, shown as tied: a
    group opens at the best subject not yet placed and takes each next subject whose interval
    reaches the opener's. Measured against the opener, not chained from neighbour to
    neighbour, so a long ranking never collapses into one tie."""
    order = np.argsort(-total, kind="stable")
    rank = np.empty(len(total), dtype=int)
    tie = np.empty(len(total), dtype=int)
    group = 0
    group_low = None
    for position, s in enumerate(order):
        previous = order[position - 1] if position else None
        same = previous is not None and total[s] == total[previous]
        rank[s] = rank[previous] if same else position + 1
        if group_low is None or high[s] < group_low:
            group += 1
            group_low = low[s]
        tie[s] = group
    return rank, tie
