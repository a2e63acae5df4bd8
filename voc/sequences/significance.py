"""How much a pattern's confidence and lift can be trusted: a minimum number of journeys, a 95%
Wilson interval on the confidence and a hypergeometric (Fisher exact) p-value.

For a pattern seen (before the outcome) in ``count`` of the ``n`` journeys, ``with_outcome`` of
which reach the outcome, reached by ``n_outcome`` journeys in all:

    confidence       with_outcome / count                  NULL when count < min_journeys or
    lift             confidence / (n_outcome / n)          n_outcome < min_journeys (too few
                                                           journeys to say anything)
    confidence_low,  95% Wilson score interval of the confidence
    confidence_high
    p_value          two-sided Fisher exact test of "the pattern's journeys reach the outcome as
                     often as the others": the one-sided hypergeometric tail in the direction of
                     the lift, doubled (capped at 1). Small means the lift is no accident of
                     small counts.

Both engines (voc.sequences.patterns, voc.engines.spark.sequences) call ``pattern_scores``.
"""
from __future__ import annotations

import numpy as np
from scipy.stats import hypergeom

Z95 = 1.959963984540054


def wilson(k: np.ndarray, m: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of k successes in m trials (NaN where m = 0)."""
    k, m = np.asarray(k, dtype=float), np.asarray(m, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        den = 1 + z * z / m
        mid = (p + z * z / (2 * m)) / den
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / den
    return np.clip(mid - half, 0, 1), np.clip(mid + half, 0, 1)


def fisher_p(with_outcome: np.ndarray, count: np.ndarray, n: int, n_outcome: int) -> np.ndarray:
    """Two-sided p-value (doubled one-sided hypergeometric tail) of with_outcome among count draws
    from n journeys of which n_outcome reach the outcome."""
    k, m = np.asarray(with_outcome, dtype=float), np.asarray(count, dtype=float)
    if n <= 0:
        return np.full(len(k), np.nan)
    expected = m * n_outcome / n
    up = k >= expected
    tail = np.empty(len(k))
    # only the tail in the lift's direction (each is a sum of terms: computing both took twice as long)
    tail[up] = hypergeom.sf(k[up] - 1, n, n_outcome, m[up])       # P(X >= k)
    tail[~up] = hypergeom.cdf(k[~up], n, n_outcome, m[~up])       # P(X <= k)
    return np.minimum(1.0, 2 * tail)


def pattern_scores(count: np.ndarray, with_outcome: np.ndarray, n: int, n_outcome: int,
                   min_journeys: int) -> dict[str, np.ndarray]:
    """confidence, lift, confidence_low, confidence_high, p_value (see the module doc)."""
    count = np.asarray(count, dtype=float)
    with_outcome = np.asarray(with_outcome, dtype=float)
    enough = (count >= min_journeys) & (n_outcome >= min_journeys) & (count > 0)
    base = n_outcome / n if n > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        conf = np.where(enough, with_outcome / count, np.nan)
        lift = np.where(enough & (base > 0), conf / base, np.nan)
    lo, hi = wilson(with_outcome, count)
    p = fisher_p(with_outcome, count, n, n_outcome)
    nan = np.full(len(count), np.nan)
    return {"confidence": conf, "lift": lift, "confidence_low": np.where(enough, lo, nan),
            "confidence_high": np.where(enough, hi, nan), "p_value": np.where(enough, p, nan)}


def check_support(outcome: str, n_outcome: int, total: int, min_journeys: int) -> None:
    """Warn (E323) when an outcome rests on fewer than min_journeys journeys."""
    if total > 0 and n_outcome < min_journeys:
        from voc.errors import Errors
        from voc.sequences.engine import warn

        warn(Errors.E323, outcome=outcome, n=int(n_outcome), total=int(total), minimum=int(min_journeys))
