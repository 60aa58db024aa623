"""The simulated forecasts (``forecast_sampled``) are calibrated, checked as
``test_forecast_calibration`` checks the exact ones: seeded histories from known processes, a
forecast at a random point of the period in progress, the rest realised from the same process
and judged; the same reliability table (deciles, 3 binomial SE + 0.03) and Brier skill.

- Values (MTTA / MTTR, lower is better; mean or p90): 3–24 past months, volume ~ Poisson(λ),
  λ ~ U(5, 60); each month's values lognormal with a month effect N(0, τ²) on the log mean,
  τ ~ U(0, 0.4), σ ~ U(0.5, 1.2); a few clocks of the month still running, from the same law.
- Scores (a mean satisfaction score on 1–5, higher is better): each month's score
  probabilities Dirichlet around a base drawn per history.
- Check results: a 30-day month of 5-minute checks; outages a Poisson process (0.05–0.5 a day,
  lognormal durations of median 10–90 min, which may run past midnight) and sporadic failures
  (0–0.2 %); 3–12 past months.
- MTBF / MTRS: the outage process of the availability calibration case.

Objectives are set from what the forecast sees, moved at random (as there).
"""

from __future__ import annotations

import math

import numpy as np

from slm_analysis.forecast_sampled import (
    Days,
    Values,
    check_forecast,
    outage_forecast,
    value_forecast,
)
from slm_analysis.reliability import nearest_rank
from slm_analysis.status import meets

from .test_forecast_calibration import MONTH, brier, forecasts, reliability_failures

DAY = 288  # 5-minute checks a day


def _stat(values: np.ndarray, percentile: float | None) -> float:
    return float(values.mean()) if percentile is None else nearest_rank(list(values), percentile)


def value_case(rng: np.random.Generator) -> tuple[float | None, bool]:
    h = int(rng.integers(3, 25))
    lam, tau, sigma = rng.uniform(5, 60), rng.uniform(0, 0.4), rng.uniform(0.5, 1.2)
    base = rng.uniform(7, 10)
    percentile = None if rng.random() < 0.5 else 90.0

    def month() -> np.ndarray:
        return rng.lognormal(base + rng.normal(0, tau), sigma, int(rng.poisson(lam)))

    history = [list(month()) for _ in range(h)]
    whole = month()
    elapsed = float(rng.uniform(0, 1))
    seen = whole[: int(rng.binomial(len(whole), elapsed))]
    running = min(int(rng.integers(0, 3)), len(whole) - len(seen))
    pooled = np.concatenate([*map(np.asarray, history), seen])
    objective = _stat(pooled, percentile) * float(rng.uniform(0.8, 1.25))
    f = value_forecast(
        values=Values(history, list(seen), running), elapsed=elapsed, objective=objective,
        higher_is_better=False, percentile=percentile, draws=1000,
        seed=int(rng.integers(0, 2**31)),
    )  # fmt: skip
    return f.probability, len(whole) > 0 and meets(_stat(whole, percentile), objective, False)


def score_case(rng: np.random.Generator) -> tuple[float | None, bool]:
    h = int(rng.integers(3, 25))
    lam, base = rng.uniform(5, 40), rng.dirichlet([1, 1, 2, 4, 4])
    kappa = rng.uniform(20, 200)

    def month() -> np.ndarray:
        return rng.choice(5, size=int(rng.poisson(lam)), p=rng.dirichlet(kappa * base)) + 1.0

    history = [list(month()) for _ in range(h)]
    whole = month()
    elapsed = float(rng.uniform(0, 1))
    seen = whole[: int(rng.binomial(len(whole), elapsed))]
    pooled = np.concatenate([*map(np.asarray, history), seen])
    objective = round(float(pooled.mean()) + float(rng.uniform(-0.3, 0.3)), 1)
    f = value_forecast(
        values=Values(history, list(seen)), elapsed=elapsed, objective=objective,
        higher_is_better=True, draws=1000, seed=int(rng.integers(0, 2**31)),
    )  # fmt: skip
    return f.probability, len(whole) > 0 and meets(float(whole.mean()), objective, True)


def check_month(
    rng: np.random.Generator, per_day: float, median: float, flaky: float
) -> np.ndarray:
    """Good (True) or bad for each 5-minute check of a 30-day month."""
    good = rng.random(30 * DAY) >= flaky
    for _ in range(int(rng.poisson(per_day * 30))):
        start = int(rng.integers(0, 30 * DAY))
        length = max(1, math.ceil(rng.lognormal(math.log(median), 1.0) / 300))
        good[start : start + length] = False
    return good


def check_case(rng: np.random.Generator) -> tuple[float | None, bool]:
    per_day, median = rng.uniform(0.05, 0.5), rng.uniform(600, 5400)
    flaky = rng.uniform(0, 0.002)
    months = [check_month(rng, per_day, median, flaky) for _ in range(int(rng.integers(3, 13)))]
    history = [(int(d.sum()), DAY) for m in months for d in m.reshape(30, DAY)]
    whole = check_month(rng, per_day, median, flaky)
    at = int(rng.integers(0, 30 * DAY))
    current = [(int(d.sum()), DAY) for d in whole[: at // DAY * DAY].reshape(-1, DAY)]
    good, valid = int(whole[:at].sum()), at
    seen = (sum(g for g, _ in history) + good) / (sum(v for _, v in history) + valid)
    objective = min(round(100 * (1 - rng.uniform(0.3, 3) * (1 - seen)), 3), 99.999)
    f = check_forecast(
        good=good, valid=valid, days=Days(history, current, (30 * DAY - at) / DAY),
        objective=objective, draws=1000, seed=int(rng.integers(0, 2**31)),
    )  # fmt: skip
    return f.probability, meets(100 * float(whole.mean()), objective, True)


def mtbf_mtrs_case(rng: np.random.Generator, metric: str) -> tuple[float | None, bool]:
    h = int(rng.integers(3, 25))
    rate = rng.uniform(0.3, 5) / MONTH
    median, sigma = rng.uniform(300, 3600), rng.uniform(0.5, 1.5)

    def lengths(k: int) -> np.ndarray:
        return rng.lognormal(np.log(median), sigma, k)

    history = lengths(int(rng.poisson(rate * MONTH * h)))
    now = float(rng.uniform(0, 1)) * MONTH
    so_far = lengths(int(rng.poisson(rate * now)))
    down = min(float(so_far.sum()), now)
    starts = rng.uniform(now, MONTH, int(rng.poisson(rate * (MONTH - now))))
    later = np.minimum(lengths(len(starts)), MONTH - starts)
    n, total = len(so_far) + len(later), min(down + float(later.sum()), MONTH)
    seen_n = len(history) + len(so_far)
    if not seen_n:
        typical = median
    elif metric == "mtrs":
        typical = (history.sum() + down) / max(seen_n, 1)
    else:
        typical = (h * MONTH + now - history.sum() - down) / max(seen_n, 1)
    objective = float(typical * rng.uniform(0.5, 2))
    f = outage_forecast(
        metric=metric, outages=len(so_far), downtime_s=down, scheduled_s=now,  # type: ignore[arg-type]
        period_scheduled_s=MONTH, history_outages_s=list(history),
        history_scheduled_s=h * MONTH, objective=objective, outages_s=list(so_far),
        draws=2000, seed=int(rng.integers(0, 2**31)),
    )  # fmt: skip
    if metric == "mtrs":
        return f.probability, n > 0 and meets(total / n, objective, False)
    return f.probability, meets((MONTH - total) / n if n else MONTH - total, objective, True)


def _calibrated(cases: list[tuple[float | None, bool]], least: float = 0.95) -> None:
    ps, ys = forecasts(cases, least)
    assert reliability_failures(ps, ys) == []
    score, climatology = brier(ps, ys)
    assert score < 0.8 * climatology
    assert reliability_failures(ps**2, ys) != []  # the check can tell a bad forecast


def test_value_forecasts_are_calibrated() -> None:
    rng = np.random.default_rng(20271)
    _calibrated([value_case(rng) for _ in range(1500)])


def test_score_forecasts_are_calibrated() -> None:
    rng = np.random.default_rng(20272)
    _calibrated([score_case(rng) for _ in range(1500)])


def test_check_forecasts_are_calibrated() -> None:
    rng = np.random.default_rng(20273)
    _calibrated([check_case(rng) for _ in range(1500)])


def test_mtrs_forecasts_are_calibrated() -> None:
    rng = np.random.default_rng(20274)
    _calibrated([mtbf_mtrs_case(rng, "mtrs") for _ in range(2000)], least=0.8)


def test_mtbf_forecasts_are_calibrated() -> None:
    rng = np.random.default_rng(20275)
    _calibrated([mtbf_mtrs_case(rng, "mtbf") for _ in range(2000)], least=0.8)
