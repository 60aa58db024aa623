"""The forecasts are calibrated: events forecast with probability p happen about p of the time.

Many seeded histories are generated from known processes, each with a period in progress; the
forecast is made at a random point of the period, then the rest of the period is realised from
the same process and judged (``status.meets``, as the status word is).

- Tickets: a history of 3–24 months; volume ~ Poisson(λ) with λ ~ U(3, 80) per history, in half
  the histories times a Gamma(10, 1/10) factor per month (volumes spread beyond Poisson); each
  month's met share ~ Beta(μκ, (1 − μ)κ), μ ~ U(0.75, 0.99), κ ~ U(20, 300); the tickets of the
  month in progress arrive uniformly in its scheduled time.
- Availability: a 30-day 24x7 month, 3–24 past months; outages a Poisson process with
  U(0.3, 5) a month, durations exponential or lognormal (median 5–60 min, σ 0.5–1.5), an outage
  ending at the month's end at the latest.

The objective is set from what the forecast can see (the pooled share or downtime so far, moved
at random): an objective drawn from the hidden μ would carry information the forecast does not
have, and calibration is about the forecast given its inputs.

Reliability table: the predictions binned by decile; in every bin with at least 30 forecasts,
|observed frequency − mean prediction| ≤ 3 binomial standard errors of the mean prediction +
a model slack of 0.03 (the Beta and Gamma priors are fitted by moments, then used as if known;
the availability durations are a finite sample, and its probabilities are simulated with 2,000
draws). And the Brier score beats climatology (always forecasting the base rate). The check
itself is shown to reject a miscalibrated forecast (p²) on the same outcomes.
"""

from __future__ import annotations

import numpy as np

from slm_analysis.forecast import availability_forecast, share_forecast
from slm_analysis.status import meets

SLACK = 0.03
MIN_BIN = 30
MONTH = 30 * 86_400.0


def reliability_failures(ps: np.ndarray, ys: np.ndarray) -> list[str]:
    """The populated decile bins whose observed frequency is off by more than the tolerance."""
    bins = np.minimum((ps * 10).astype(int), 9)
    failures = []
    populated = 0
    for b in range(10):
        sel = bins == b
        count = int(sel.sum())
        if count < MIN_BIN:
            continue
        populated += 1
        mean, observed = float(ps[sel].mean()), float(ys[sel].mean())
        tolerance = 3 * np.sqrt(mean * (1 - mean) / count) + SLACK
        if abs(observed - mean) > tolerance:
            failures.append(f"bin {b}: {count} forecasts, mean {mean:.3f}, observed {observed:.3f}")
    assert populated >= 6, f"only {populated} populated bins: the generator is too one-sided"
    return failures


def brier(ps: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    """The forecast's Brier score and climatology's (the base rate forecast every time)."""
    return float(np.mean((ps - ys) ** 2)), float(ys.mean() * (1 - ys.mean()))


def ticket_case(rng: np.random.Generator, months: tuple[int, int]) -> tuple[float | None, bool]:
    h = int(rng.integers(*months))
    lam, spread = rng.uniform(3, 80), rng.random() < 0.5
    mu, kappa = rng.uniform(0.75, 0.99), rng.uniform(20, 300)

    def volume() -> int:
        return int(rng.poisson(lam * (rng.gamma(10, 0.1) if spread else 1.0)))

    def share() -> float:
        return float(rng.beta(mu * kappa, (1 - mu) * kappa))

    history = []
    for _ in range(h):
        n = volume()
        history.append((int(rng.binomial(n, share())), n))
    elapsed = float(rng.uniform(0, 1))
    total, p = volume(), share()
    n = int(rng.binomial(total, elapsed))
    met, rest = int(rng.binomial(n, p)), int(rng.binomial(total - n, p))
    seen = (sum(k for k, _ in history) + met + 1) / (sum(v for _, v in history) + n + 2)
    objective = float(np.clip(round(200 * (seen + rng.uniform(-0.03, 0.03))) / 2, 50, 99.5))
    f = share_forecast(met=met, n=n, elapsed=elapsed, history=history, objective=objective)
    return f.probability, total > 0 and meets(100 * (met + rest) / total, objective, True)


def outage_case(rng: np.random.Generator) -> tuple[float | None, bool]:
    h = int(rng.integers(3, 25))
    rate = rng.uniform(0.3, 5) / MONTH
    lognormal, median, sigma = rng.random() < 0.5, rng.uniform(300, 3600), rng.uniform(0.5, 1.5)

    def lengths(k: int) -> np.ndarray:
        if lognormal:
            return rng.lognormal(np.log(median), sigma, k)
        return rng.exponential(median, k)

    history = lengths(int(rng.poisson(rate * MONTH * h)))
    now = float(rng.uniform(0, 1)) * MONTH
    so_far = lengths(int(rng.poisson(rate * now)))
    down = min(float(so_far.sum()), now)
    starts = rng.uniform(now, MONTH, int(rng.poisson(rate * (MONTH - now))))
    later = np.minimum(lengths(len(starts)), MONTH - starts)  # an outage ends with the month
    total = min(down + float(later.sum()), MONTH)
    seen = (history.sum() + down) / (h * MONTH + now)
    objective = min(round(100 * (1 - rng.uniform(0.3, 3) * seen), 3), 99.999)
    f = availability_forecast(
        downtime_s=down,
        scheduled_s=now,
        period_scheduled_s=MONTH,
        history_outages_s=list(history),
        history_scheduled_s=h * MONTH,
        objective=objective,
        draws=2000,
        seed=int(rng.integers(0, 2**31)),
        outages_s=list(so_far),
    )
    return f.probability, meets(100 * (MONTH - total) / MONTH, objective, True)


def forecasts(
    cases: list[tuple[float | None, bool]], least: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Predictions and outcomes of the cases that could be forecast (at least ``least`` of
    them)."""
    made = [(p, y) for p, y in cases if p is not None]
    assert len(made) >= least * len(cases)
    return np.array([p for p, _ in made]), np.array([y for _, y in made], dtype=float)


def test_ticket_forecasts_are_calibrated() -> None:
    rng = np.random.default_rng(20261)
    ps, ys = forecasts([ticket_case(rng, (3, 25)) for _ in range(3000)])
    assert reliability_failures(ps, ys) == []
    score, climatology = brier(ps, ys)
    assert score < 0.7 * climatology
    assert reliability_failures(ps**2, ys) != []  # the check can tell a bad forecast


def test_ticket_forecasts_on_short_histories_have_skill() -> None:
    # 0–2 past months: the Beta prior is the weak fallback, so calibration rests on it (see
    # docs/metrics.md); the forecast still beats the base rate clearly
    rng = np.random.default_rng(20262)
    # (with few tickets seen in all there is no forecast: at least 10 are needed)
    ps, ys = forecasts([ticket_case(rng, (0, 3)) for _ in range(800)], least=0.6)
    score, climatology = brier(ps, ys)
    assert score < 0.8 * climatology


def test_availability_forecasts_are_calibrated() -> None:
    rng = np.random.default_rng(20263)
    ps, ys = forecasts([outage_case(rng) for _ in range(3000)])
    assert reliability_failures(ps, ys) == []
    score, climatology = brier(ps, ys)
    assert score < 0.7 * climatology
    assert reliability_failures(ps**2, ys) != []
