"""The few probability functions the forecasts, trends and intervals use, from
``scipy.special`` — the functions ``scipy.stats`` evaluates them with, by the same formulae —
without importing ``scipy.stats``: it loads every distribution scipy has (about 0.7 s of CPU
in each fresh process, each pack's kernel among them). ``tests/property/test_distributions.py``
checks each against ``scipy.stats``.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special
from scipy.special import _ufuncs  # boost's negative binomial, as scipy.stats.nbinom uses

Floats = NDArray[np.float64]


def norm_ppf(q: float) -> float:
    """The standard normal quantile (``stats.norm.ppf``)."""
    return float(special.ndtri(q))


def norm_sf(x: float) -> float:
    """The standard normal survival function 1 − Φ(x) (``stats.norm.sf``)."""
    return float(special.ndtr(-x))


def t_ppf(q: float, df: float) -> float:
    """Student's t quantile (``stats.t.ppf``)."""
    return float(special.stdtrit(df, q))


def t_sf(x: float, df: float) -> float:
    """Student's t survival function (``stats.t.sf``)."""
    return float(special.stdtr(df, -x))


def nbinom_ppf(q: ArrayLike, n: float, p: float) -> Floats:
    """Negative binomial quantiles for 0 < q < 1: the least k with cdf(k) ≥ q
    (``stats.nbinom.ppf``)."""
    with np.errstate(over="ignore"):  # as scipy: see scipy gh-17432
        return cast(Floats, np.asarray(_ufuncs._nbinom_ppf(np.asarray(q, dtype=float), n, p)))


def nbinom_pmf(k: ArrayLike, n: float, p: float) -> Floats:
    """Negative binomial probability of k = 0, 1, … failures (``stats.nbinom.pmf``)."""
    x = np.asarray(k, dtype=float)
    inside = (x >= 0) & (x == np.floor(x))
    return cast(Floats, np.where(inside, _ufuncs._nbinom_pmf(np.maximum(x, 0), n, p), 0.0))


def nbinom_cdf(k: ArrayLike, n: float, p: float) -> Floats:
    """Negative binomial P(K ≤ k), 0 below the support (``stats.nbinom.cdf``)."""
    x = np.floor(np.asarray(k, dtype=float))
    return cast(Floats, np.where(x >= 0, _ufuncs._nbinom_cdf(np.maximum(x, 0), n, p), 0.0))


def betabinom_logpmf(k: ArrayLike, n: ArrayLike, a: float, b: float) -> Floats:
    """log P(K = k) of the beta-binomial(n, a, b), −inf outside 0 … n
    (``stats.betabinom.logpmf``)."""
    x: Floats = np.floor(np.asarray(k, dtype=float))
    r: Floats = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        combiln = -np.log(r + 1) - special.betaln(r - x + 1, x + 1)
        value = combiln + special.betaln(x + a, r - x + b) - special.betaln(a, b)
    return cast(Floats, np.where((x >= 0) & (x <= r), value, -np.inf))


def rankdata(values: ArrayLike) -> Floats:
    """Ranks 1 … n, ties given their average rank (``stats.rankdata``)."""
    x = np.asarray(values, dtype=float)
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=float)
    sorted_x = x[order]
    starts = np.flatnonzero(np.r_[True, sorted_x[1:] != sorted_x[:-1]])
    ends = np.r_[starts[1:], len(x)]
    average = (starts + ends + 1) / 2  # the mean of ranks starts+1 … ends
    ranks[order] = np.repeat(average, ends - starts)
    return ranks
