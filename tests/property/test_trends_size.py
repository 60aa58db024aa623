"""The trend test and the action-effect comparison on many generated series (seeded numpy):
their false-positive rates stay within the stated level and their intervals cover the truth
about as often as they claim (docs/metrics.md, *Trends, control charts and action effects*).

Tolerances: with R simulated series and a nominal rate a, the observed rate has standard
deviation √(a(1 − a)/R); a rate "within the level" is at most a + 3 standard deviations
(R = 2000, a = 5 %: 5 % + 1.46 pp = 6.46 %), a coverage "about 95 %" at least
95 % − 3 standard deviations (R = 1000: 92.9 %). The seeds are fixed, so each run is the
same; the margins say how far a change of seed may move the rates.

AR(1) series with φ = 0.5 over 24 periods are genuinely hard: the plain Mann–Kendall test
calls about 22 % of them a trend. The Hamed–Rao correction brings that to about 12 %, not to
5 %: the autocorrelation must be estimated from the same 24 values, and a wandering series
that looks like a trend hides part of its autocorrelation in the slope. The test asserts the
honest bound of 15 % and that the correction does better than the plain test.
"""

from __future__ import annotations

import math

import numpy as np

from slm_analysis.trends import mann_kendall, mean_effect, share_effect, trend

LEVEL = 0.05


def within(rate: float, level: float, runs: int) -> bool:
    return rate <= level + 3 * math.sqrt(level * (1 - level) / runs)


def covers(rate: float, level: float, runs: int) -> bool:
    return rate >= 1 - level - 3 * math.sqrt(level * (1 - level) / runs)


def ar1(rng: np.random.Generator, runs: int, length: int, phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit innovations, one per row."""
    e = rng.normal(size=(runs, length))
    x = np.empty_like(e)
    x[:, 0] = e[:, 0] / math.sqrt(1 - phi**2)
    for t in range(1, length):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x


def false_positives(series: np.ndarray) -> float:
    return float(
        np.mean([trend(list(x), higher_is_better=True).verdict != "stable" for x in series])
    )


def test_independent_flat_series_claim_a_trend_within_the_level() -> None:
    """2000 series of 24 i.i.d. normal values: at most 6.46 % are called a trend."""
    series = ar1(np.random.default_rng(2026), 2000, 24, 0.0)
    assert within(false_positives(series), LEVEL, 2000)


def test_autocorrelated_flat_series_are_corrected() -> None:
    """2000 AR(1) series, φ = 0.5, 24 periods: at most 15 % are called a trend (the plain test:
    about 22 %)."""
    series = ar1(np.random.default_rng(2027), 2000, 24, 0.5)
    rate = false_positives(series)
    plain = float(np.mean([mann_kendall(list(x)).p_value < LEVEL for x in series]))
    assert rate <= 0.15
    assert plain - rate >= 0.05


def test_a_known_slope_is_found_and_covered() -> None:
    """1000 series: −0.25 per period plus N(0, 1) over 24 periods. Sen's interval covers −0.25
    in about 95 % of them, and the verdict is "deteriorating" in nearly all (the slope is 6
    standard deviations over the series)."""
    rng = np.random.default_rng(2028)
    series = -0.25 * np.arange(24) + rng.normal(size=(1000, 24))
    results = [trend(list(x), higher_is_better=True) for x in series]
    covered = np.mean([t.slope_low <= -0.25 <= t.slope_high for t in results])  # type: ignore[operator]
    assert covers(float(covered), LEVEL, 1000)
    assert np.mean([t.verdict == "deteriorating" for t in results]) >= 0.95


# ---------------------------------------------------------------------------- action effects
def months(
    rng: np.random.Generator, runs: int, k: int, share: float, icc: float
) -> tuple[np.ndarray, np.ndarray]:
    """(met, n) for ``k`` months of 30–90 tickets; each month's true share is ``share``
    (binomial) or drawn from a beta distribution with that mean and intra-month correlation
    ``icc`` (beta-binomial: real month-to-month variation)."""
    n = rng.integers(30, 91, size=(runs, k))
    if icc == 0:
        p = np.full((runs, k), share)
    else:
        a, b = share * (1 - icc) / icc, (1 - share) * (1 - icc) / icc
        p = rng.beta(a, b, size=(runs, k))
    return rng.binomial(n, p), n


def effects(
    seed: int, runs: int, k: int, share: float, step: float, icc: float
) -> tuple[float, float]:
    """Share effects on ``runs`` generated histories of k months before and k after a step of
    ``step``; returns (rate of claimed changes, rate of intervals covering the step)."""
    rng = np.random.default_rng(seed)
    m1, n1 = months(rng, runs, k, share, icc)
    m2, n2 = months(rng, runs, k, share + step, icc)
    claims = covered = 0
    for i in range(runs):
        e = share_effect(list(zip(m1[i], n1[i], strict=True)), list(zip(m2[i], n2[i], strict=True)))
        assert e.low is not None and e.high is not None
        claims += e.verdict != "no detectable change"
        covered += e.low <= 100 * step <= e.high
    return claims / runs, covered / runs


def test_no_step_is_claimed_where_there_is_none() -> None:
    """2000 histories of 6 + 6 months at 85 %, binomial and beta-binomial (icc 0.05, φ ≈ 3):
    at most 6.46 % claim a change. Without the over-dispersion allowance the beta-binomial
    months would claim one about 10 % of the time."""
    for icc in (0.0, 0.05):
        claims, _ = effects(31, 2000, 6, 0.85, 0.0, icc)
        assert within(claims, LEVEL, 2000), (icc, claims)


def test_a_step_is_sized_right() -> None:
    """1000 histories of 6 + 6 months with a step from 80 % to 90 % after the action (beta-
    binomial, icc 0.02): the interval covers +10 pp in about 95 % of them."""
    claims, covered = effects(32, 1000, 6, 0.80, 0.10, 0.02)
    assert covers(covered, LEVEL, 1000)
    assert claims > 0.5  # and the step is usually detected


def test_mean_effect_false_positives_and_coverage() -> None:
    """Welch's t on 6 + 6 periods of N(99.5, 0.2²) availability: at most 6.46 % of 2000 null
    histories claim a change; with a step of +0.3 the interval covers it in about 95 %."""
    rng = np.random.default_rng(33)
    before = rng.normal(99.5, 0.2, size=(2000, 6))
    after = rng.normal(99.5, 0.2, size=(2000, 6))
    null = [
        mean_effect(list(b), list(a), higher_is_better=True)
        for b, a in zip(before, after, strict=True)
    ]
    assert within(float(np.mean([e.verdict != "no detectable change" for e in null])), LEVEL, 2000)
    stepped = [
        mean_effect(list(b), list(a + 0.3), higher_is_better=True)
        for b, a in zip(before[:1000], after[:1000], strict=True)
    ]
    covered = np.mean([e.low <= 0.3 <= e.high for e in stepped])  # type: ignore[operator]
    assert covers(float(covered), LEVEL, 1000)
