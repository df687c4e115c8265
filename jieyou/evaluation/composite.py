"""From measured figures, inspection scores and ballot counts to totals, intervals, grades
and ties, for every subject of a cycle at once. Pure NumPy, no Django: actions/scoring.py
gathers the inputs and stores what comes out; the benchmark times this module against
loading the same rows.

Each subject's numbers depend only on its own inputs and fixed targets, floors and weights,
so adding or removing a subject never changes another's score (no rank reversal); for the
same reason a subject's resamples depend on its own ballots only (`_Draws`).
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


def _survey(counts: np.ndarray, group_weights, min_ballots: int, level_scores):
    """Per subject and group the index and whether the group counts; per subject 民评."""
    group_index = _group_index(counts, level_scores)
    # The sample an index stands on leaves 不了解 out, as surveys.survey_tally counts it.
    sufficient = counts[..., :3].sum(axis=-1) >= min_ballots
    gw = np.asarray(group_weights, dtype=float)
    survey = _weighted_mean(np.where(sufficient, group_index, np.nan), gw) * FULL_MARKS
    return group_index, sufficient, survey


@dataclass(frozen=True)
class Spread:
    """The bootstrap of 民评 alone: its `tail` and 1 − `tail` quantiles per subject (NaN where
    no group counts), and the whole resampled series of the few subjects where some resample
    left no scored answer in any group (there the total is not a fixed function of 民评)."""

    low: np.ndarray
    high: np.ndarray
    gaps: dict
    tail: float

    def rows(self, rows: np.ndarray) -> "Spread":
        """The spread of the subjects at `rows`, in that order."""
        where = {int(r): n for n, r in enumerate(rows)}
        gaps = {where[r]: v for r, v in self.gaps.items() if r in where}
        return Spread(self.low[rows], self.high[rows], gaps, self.tail)


def survey_spread(
    ballots,
    group_weights,
    *,
    min_ballots: int = 10,
    level_scores=DEFAULT_LEVEL_SCORES,
    resamples: int = 1000,
    confidence: float = 0.95,
) -> Spread:
    """Resample every subject's raters: the part of the interval that needs the ballots only,
    so that it can run while the figures are still being read."""
    counts = np.asarray(ballots, dtype=np.int64)
    gw = np.asarray(group_weights, dtype=float)
    _index, sufficient, survey = _survey(counts, gw, min_ballots, level_scores)
    tail = (1 - confidence) / 2
    low, high = np.full(len(counts), np.nan), np.full(len(counts), np.nan)
    gaps = {}
    scored = np.flatnonzero(~np.isnan(survey))
    draws = _Draws(resamples, counts[scored], sufficient[scored])

    def block_spread(block: np.ndarray) -> None:
        indices = [
            draws.group_index(g, counts[block, g], sufficient[block, g], level_scores)
            for g in range(counts.shape[1])
        ]
        replicas = _weighted_terms(indices, gw.astype(REPLICA)) * REPLICA(FULL_MARKS)
        gap = np.isnan(replicas).any(axis=1)
        whole = block[~gap]
        if len(whole):
            low[whole], high[whole] = np.quantile(replicas[~gap], [tail, 1 - tail], axis=1)
        for row in np.flatnonzero(gap):
            gaps[int(block[row])] = replicas[row]

    # NumPy's arithmetic and sorting let go of the GIL: blocks share the cores.
    blocks = [scored[start : start + BLOCK] for start in range(0, len(scored), BLOCK)]
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(block_spread, blocks))
    return Spread(low, high, gaps, tail)


def score(
    inputs: Inputs,
    *,
    spread: Spread | None = None,
    resamples: int = 1000,
    confidence: float = 0.95,
) -> Outcome:
    """Score every subject; each interval depends only on the subject's own inputs. `spread`
    is `survey_spread` of the same ballots when the caller has it already."""
    w = np.asarray(inputs.indicator_weights, dtype=float)
    quantitative = np.minimum(_weighted_mean(inputs.attainment, w) * FULL_MARKS, FULL_MARKS)
    inspection = np.asarray(inputs.inspection, dtype=float)
    counts = np.asarray(inputs.ballots, dtype=np.int64)
    group_index, sufficient, survey = _survey(
        counts, inputs.group_weights, inputs.min_ballots, inputs.level_scores
    )
    total = _combine(quantitative, inspection, survey, inputs.source_weights)
    if spread is None:
        spread = survey_spread(
            counts,
            inputs.group_weights,
            min_ballots=inputs.min_ballots,
            level_scores=inputs.level_scores,
            resamples=resamples,
            confidence=confidence,
        )
    low, high = _interval(quantitative, inspection, survey, total, spread, inputs.source_weights)
    return Outcome(quantitative, inspection, group_index, sufficient, survey, total, low, high)


def _interval(quantitative, inspection, survey, total, spread: Spread, source_weights):
    """The interval of the total from the spread of 民评.

    With the other sources held, a resample's total is (a + w·民评) / (d + w), a and d the
    weighted sum and the weights of 定量 and 实看 where present, w 民评's weight: increasing in
    民评, so its quantiles are those of 民评 carried through (linear interpolation commutes
    with it). A resample without any scored answer leaves 民评 out and its total is a / d, the
    value the same formula gives at 民评 = a / d; those few series are carried whole."""
    low, high = total.copy(), total.copy()
    w_q, w_i, w = (float(x) for x in source_weights)
    if w <= 0:
        return low, high
    present_q, present_i = ~np.isnan(quantitative), ~np.isnan(inspection)
    a = np.where(present_q, quantitative, 0.0) * w_q + np.where(present_i, inspection, 0.0) * w_i
    d = present_q * w_q + present_i * w_i
    lo, hi = spread.low.copy(), spread.high.copy()
    for row, replicas in spread.gaps.items():
        held = a[row] / d[row] if d[row] > 0 else np.nan
        filled = np.where(np.isnan(replicas), held, replicas)
        if not np.isnan(filled).all():
            lo[row], hi[row] = np.nanquantile(filled, [spread.tail, 1 - spread.tail])
    moved = ~np.isnan(survey) & ~np.isnan(lo)
    low[moved] = (a[moved] + w * lo[moved]) / (d[moved] + w)
    high[moved] = (a[moved] + w * hi[moved]) / (d[moved] + w)
    return low, high


# Subjects per pass over the resamples: bounds the memory (subjects × resamples floats).
BLOCK = 1024
WORKERS = min(4, os.cpu_count() or 1)
# Groups of up to this many raters draw from shared tables of positions; larger ones on their
# own. A bound on the tables' cost, paid once per group and size: resamples × n positions.
TABLE_LIMIT = 200
SEED = 20241113
# Resampled indices and 民评 in single precision: half the memory traffic of the bootstrap's
# arithmetic, and seven significant digits where the interval keeps two decimals.
REPLICA = np.float32


class _Draws:
    """Resamples of raters, one group at a time.

    Resampling a group of n raters with replacement is drawing n positions from 0…n−1. With
    the raters lined up by answer (满意, 基本满意, 不满意, 不了解), an answer's count in a
    resample is the number of drawn positions that fall in its stretch. So for each group and
    size n one table holds, per resample, how many positions fell below each m = 0…n, and every
    group of that size reads its counts off the table at its stretches' ends. The table depends
    on the group's position and n only, never on other subjects: equal ballots get equal
    intervals, whoever else is scored. A group above TABLE_LIMIT raters draws one multinomial
    per resample from a generator seeded by its own counts.

    The tables of one group position are built up front for every size among the subjects to
    score and laid end to end, so that a block's counts are three lookups into one array.
    """

    def __init__(self, resamples: int, counts: np.ndarray, sufficient: np.ndarray):
        self.resamples = resamples
        self._tables = []  # per group position: (tables end to end, first row of each size)
        for g in range(counts.shape[1]):
            sizes = counts[:, g].sum(axis=-1)
            wanted = np.unique(sizes[sufficient[:, g] & (sizes <= TABLE_LIMIT)])
            start = np.zeros(TABLE_LIMIT + 1, dtype=np.int64)
            tables = []
            at = 0
            for n in wanted.tolist():
                start[n] = at
                tables.append(self._table(g, n))
                at += n + 1
            joined = np.concatenate(tables) if tables else np.zeros((0, resamples), np.int32)
            self._tables.append((joined, start))

    def group_index(self, g: int, counts, sufficient, level_scores) -> np.ndarray:
        """Satisfaction index (subjects × resamples) of group g from its answer counts
        (subjects × 4); NaN where the group does not count or a resample has no scored answer."""
        # With c1, c2, c3 the resampled counts at or below 满意, 基本满意, 不满意, the index
        # Σ score × count / scored is (s1 − s2)·c1 + (s2 − s3)·c2 + s3·c3 over c3.
        s1, s2, s3 = level_scores
        index = np.full((len(counts), self.resamples), np.nan, dtype=REPLICA)
        sizes = counts.sum(axis=-1)
        ends = np.cumsum(counts[:, :3], axis=-1)
        joined, start = self._tables[g]
        small = np.flatnonzero(sufficient & (sizes <= TABLE_LIMIT))
        large = np.flatnonzero(sufficient & (sizes > TABLE_LIMIT))
        if len(small):
            at = start[sizes[small]]
            self._index_of(
                index, small, *(joined[at + ends[small, k]] for k in range(3)), s1, s2, s3
            )
        if len(large):
            drawn = np.stack([self._alone(g, counts[r]) for r in large], axis=1)
            self._index_of(index, large, *drawn, s1, s2, s3)
        return index

    @staticmethod
    def _index_of(index, rows, c1, c2, c3, s1, s2, s3) -> None:
        num = REPLICA(s1 - s2) * c1 + REPLICA(s2 - s3) * c2 + REPLICA(s3) * c3
        index[rows] = np.divide(num, c3, out=np.full(num.shape, np.nan, REPLICA), where=c3 > 0)

    def _table(self, g: int, n: int) -> np.ndarray:
        """(n + 1) × resamples: how many of a resample's n positions fall below m."""
        rng = np.random.default_rng([SEED, g, n])
        positions = rng.integers(0, n, size=(self.resamples, n))
        positions += np.arange(self.resamples)[:, None] * n
        hits = np.bincount(positions.ravel(), minlength=self.resamples * n)
        table = np.zeros((n + 1, self.resamples), dtype=np.int32)
        np.cumsum(hits.reshape(self.resamples, n).T, axis=0, out=table[1:])
        return table

    def _alone(self, g: int, counts) -> np.ndarray:
        """3 × resamples: resampled counts at or below each of the first three answers."""
        n = counts.sum()
        rng = np.random.default_rng([SEED, g, *counts.tolist()])
        drawn = rng.multinomial(n, counts / n, size=self.resamples)
        return np.cumsum(drawn[:, :3], axis=1).T


def _weighted_terms(values: list, weights) -> np.ndarray:
    """`_weighted_mean` over a short list of arrays (broadcast together) instead of a last
    axis: Σ w·v / Σ w over the values that are not NaN, NaN if none. In place: these arrays are
    subjects × resamples."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in values))
    dtype = np.result_type(*values)
    num, den = np.zeros(shape, dtype), np.zeros(shape, dtype)
    for v, w in zip(values, weights, strict=True):
        present = ~np.isnan(v)
        np.add(num, np.multiply(v, w), out=num, where=present)
        np.add(den, w, out=den, where=present)
    return np.divide(num, den, out=np.full(shape, np.nan, dtype), where=den > 0)


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
