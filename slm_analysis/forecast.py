"""Forecasts for a period in progress: how likely each target is to be met at the period's end
(docs/metrics.md, *Forecasts for a period in progress*).

Pure maths: plain numbers and sequences in, a frozen ``Forecast`` out — no DuckDB, no
catalogue. The caller measures the period so far and the past whole periods.

- ``share_forecast``: a share of tickets (response / resolution within a threshold, percent
  satisfied). Remaining tickets are negative binomial (a Gamma–Poisson rate learnt from past
  volumes and this period's traffic); their met count is beta-binomial (a Beta prior fitted by
  moments to past shares, updated with this period). P(met) is an exact sum of the two pmfs.
- ``count_forecast``: an incident count, from the same remaining-ticket distribution.
- ``availability_forecast``: a seeded simulation of outages over the remaining scheduled time
  (Poisson arrivals at a Gamma-posterior rate, durations resampled from past outages).

The building blocks (``ticket_rate_prior``, ``share_prior``, ``remaining_tickets``,
``share_outcome``) are public so that each can be checked by hand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import NDArray

from .distributions import betabinom_logpmf, nbinom_cdf, nbinom_pmf, nbinom_ppf
from .errors import InputError
from .status import meets

# fewest tickets — past periods and this one together — a share forecast is made from
MIN_TICKETS = 10
# fewest past periods with tickets whose spread the Beta prior is fitted to
MIN_PERIODS = 3
# the most tickets a shorter history counts for in the (then weak) Beta prior
WEAK_PRIOR_TICKETS = 10
# probability left out of each tail of the remaining-ticket distribution (and of the met count)
TAIL = 1e-12
# half-width of the band of met counts summed for each number of remaining tickets, in sd
BAND_SD = 8.0
# fewer outages seen than this: their durations are a thin sample, and the forecast says so
FEW_OUTAGES = 5
# the 80 % interval of the end-of-period value
LOW_Q, HIGH_Q = 0.1, 0.9
# the most (remaining tickets × met count) cells summed; beyond, remaining counts are grouped
# cells below this probability are summed into P(met) but left out of the median and 80 %
# interval of the end value: together under MAX_CELLS × 1e-14 = 1e-8 of probability, they
# cannot move a quantile at 0.1, 0.5 or 0.9, and sorting them cost most of a forecast's time
QUANTILE_FLOOR = 1e-14
MAX_CELLS = 1_000_000
# the most remaining-ticket counts listed one by one; beyond, they are grouped
MAX_ROWS = 100_000
# the most tickets expected still to come that a forecast projects
MAX_VOLUME = 10_000_000
# the most outages expected still to come that a forecast simulates
MAX_OUTAGES = 10_000

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Forecast:
    """The forecast of one target for the period in progress.

    ``probability``: P(the target's status is *Met* at the period's end); None when it cannot be
    forecast (``note`` says why). ``expected``, ``low``, ``high``: median and 80 % interval of
    the end-of-period value (measure units; % for shares and availability), given that there is
    one. ``p_no_data``: the chance that the period ends with nothing measured (no ticket): that
    outcome is *No data*, not *Met*. ``decided``: the period has ended and ``probability`` is
    exactly 1 or 0. ``model`` and ``history`` name the model and the past periods it learnt
    from, for ``sentence``; ``basis`` replaces "on N past periods" there when the past is not
    counted in periods ("on 2,160 h of past service").
    """

    probability: float | None
    expected: float | None
    low: float | None
    high: float | None
    method: str
    note: str = ""
    model: str = ""
    history: int = 0
    p_no_data: float = 0.0
    decided: bool = False
    basis: str = ""
    nothing: str = "no tickets"  # what a period that ends as No data has

    def sentence(self, periods: str = "periods") -> str:
        """``73 % likely to be met (beta-binomial on 24 past months)``; ``periods`` names the
        review period in the plural ("months", "quarters")."""
        if self.probability is None:
            return f"no forecast: {self.note}" if self.note else "no forecast"
        if self.decided:
            return (
                "met (the period has ended)"
                if self.probability
                else "missed (the period has ended)"
            )
        basis = self.basis or (
            f"on {self.history} past {periods}" if self.history else "on this period so far"
        )
        text = f"{_likelihood(self.probability)} ({self.model} {basis})"
        if self.p_no_data >= 0.005:
            text += f"; {100 * self.p_no_data:.0f} % likely to end with {self.nothing} (No data)"
        return text


def _likelihood(p: float) -> str:
    if p == 1:
        return "certain to be met"
    if p == 0:
        return "cannot be met"
    if p > 0.99:
        return "> 99 % likely to be met"
    if p < 0.01:
        return "< 1 % likely to be met"
    return f"{100 * p:.0f} % likely to be met"


def no_forecast(method: str, note: str, history: int = 0) -> Forecast:
    return Forecast(None, None, None, None, method, note, history=history)


def meets_each(values: Floats, objective: float, higher_is_better: bool) -> NDArray[np.bool_]:
    """``status.meets`` element-wise: its comparison works on arrays as it does on floats, so
    a forecast judges an outcome exactly as the status word will."""
    return cast("NDArray[np.bool_]", meets(cast(float, values), objective, higher_is_better))


def require(ok: bool, what: str, found: str, expected: str) -> None:
    if not ok:
        raise InputError(f"forecast: {what} is {found}; {expected}")


def check_objective(objective: float) -> None:
    require(
        math.isfinite(objective) and 0 <= objective <= 100,
        "objective",
        repr(objective),
        "give a percentage from 0 to 100",
    )


def check_elapsed(elapsed: float) -> None:
    require(
        math.isfinite(elapsed) and 0 <= elapsed <= 1,
        "elapsed",
        repr(elapsed),
        "give the share of the period's scheduled time gone, from 0 (not started) to 1 (ended)",
    )


# ---------------------------------------------------------------- volumes (tickets)


def ticket_rate_prior(volumes: Sequence[int]) -> tuple[float, float]:
    """Gamma (shape, rate) of a period's ticket rate, from past whole periods' volumes.

    Moments: mean m of the volumes; variance τ² = max(s² − m, 0) + max(s², m) / H — the
    spread of the rate between periods (the part of the sample variance s² beyond Poisson
    noise) plus the uncertainty of m itself. Shape m²/τ², rate m/τ²: for Poisson-like volumes
    (s² ≤ m) this is Gamma(Σ volumes, H), the posterior of one constant rate. One period: s² is
    taken as m. All volumes 0: Gamma(½, H). No history: Gamma(½, 0) (Jeffreys, improper until
    this period's traffic is added).
    """
    h = len(volumes)
    if h == 0:
        return 0.5, 0.0
    v = np.asarray(volumes, dtype=float)
    m = float(v.mean())
    if m == 0:
        return 0.5, float(h)
    s2 = float(v.var(ddof=1)) if h > 1 else m
    tau2 = max(s2 - m, 0.0) + max(s2, m) / h
    return m * m / tau2, m / tau2


def remaining_tickets(
    *, n: int, elapsed: float, volumes: Sequence[int]
) -> tuple[Ints, Floats, int]:
    """The numbers of tickets still to come in the period, their probabilities, and the run
    length k they are grouped in (1: every count on its own).

    The period's rate, Gamma(shape, rate) from ``ticket_rate_prior``, updated with this period so
    far (n tickets in the share ``elapsed`` of its scheduled time): Gamma(shape + n, rate +
    elapsed). Tickets arrive in proportion to scheduled time, so the remaining ones are
    Poisson(λ × (1 − elapsed)) given the rate λ: negative binomial(shape + n, p) with p =
    (rate + elapsed) / (rate + 1). Tails beyond ``TAIL`` are left out and the rest renormalised.
    More than ``MAX_ROWS`` counts are grouped in runs of k consecutive counts, each at its
    middle count with the run's probability. Needs rate + elapsed > 0.
    """
    shape, rate = ticket_rate_prior(volumes)
    shape, rate = shape + n, rate + elapsed
    if elapsed >= 1:
        return np.zeros(1, dtype=np.int64), np.ones(1), 1
    p = rate / (rate + 1 - elapsed)
    lo, hi = (int(x) for x in np.atleast_1d(nbinom_ppf([TAIL, 1 - TAIL], shape, p)))
    k = math.ceil((hi - lo + 1) / MAX_ROWS)
    starts = np.arange(lo, hi + 1, k, dtype=np.int64)
    if k == 1:
        w = nbinom_pmf(starts, shape, p)
        return starts, w / w.sum(), 1
    ends = np.minimum(starts + k - 1, hi)
    w = nbinom_cdf(ends, shape, p) - nbinom_cdf(starts - 1, shape, p)
    return np.minimum(starts + k // 2, hi), w / w.sum(), k


def volume_note(n: int, elapsed: float, volumes: Sequence[int]) -> str:
    """Why the tickets still to come cannot be projected ("" when they can): no rate to go on,
    or an expected ``MAX_VOLUME`` or more (a few tickets in a sliver of the period, no past)."""
    shape, rate = ticket_rate_prior(volumes)
    if rate + elapsed <= 0:
        return "no past periods and no scheduled time gone yet: nothing to project the volume from"
    expected = (shape + n) * (1 - elapsed) / (rate + elapsed)
    if expected >= MAX_VOLUME:
        return (
            f"the volume still to come is too uncertain to project (about {expected:,.0f} "
            f"more expected from {n} in {100 * elapsed:.2g} % of the period)"
        )
    return ""


# ---------------------------------------------------------------- shares (tickets)


def share_prior(history: Sequence[tuple[int, int]]) -> tuple[float, float]:
    """Beta (α, β) of a period's met share, from past whole periods' (met, n).

    Periods with tickets only. The mean μ = (Σ met + ½) / (Σ n + 1). With at least
    ``MIN_PERIODS`` such periods, method of moments: the between-period variance σ² = (s² −
    μ(1 − μ)·mean(1/nᵢ)) / mean(1 − 1/nᵢ), floored at 0 (s²: sample variance of the periods'
    shares; the subtracted part is binomial noise), plus the variance of the pooled mean,
    (σ²·Σnᵢ² + μ(1 − μ)·N) / N²; the Beta with that mean and variance has α + β = c =
    μ(1 − μ) / variance − 1 (at least 1). Fewer periods: a weak prior, c = min(N,
    ``WEAK_PRIOR_TICKETS``). None: Jeffreys Beta(½, ½). α = μc, β = (1 − μ)c.
    """
    periods = [(k, n) for k, n in history if n > 0]
    if not periods:
        return 0.5, 0.5
    met = np.array([k for k, _ in periods], dtype=float)
    ns = np.array([n for _, n in periods], dtype=float)
    total = float(ns.sum())
    mu = (float(met.sum()) + 0.5) / (total + 1)
    q = mu * (1 - mu)
    spread = float(np.mean(1 - 1 / ns))
    if len(periods) < MIN_PERIODS or spread == 0:
        c = min(total, WEAK_PRIOR_TICKETS)
        return mu * c, (1 - mu) * c
    s2 = float(np.var(met / ns, ddof=1))
    sigma2 = max((s2 - q * float(np.mean(1 / ns))) / spread, 0.0)
    variance = sigma2 + (sigma2 * float((ns**2).sum()) + q * total) / total**2
    c = max(q / variance - 1, 1.0)
    return mu * c, (1 - mu) * c


@dataclass(frozen=True)
class ShareOutcome:
    """The end-of-period share: P(met), P(no ticket at all), median and 80 % interval (None
    when the period surely ends with no ticket)."""

    p_met: float
    p_no_data: float
    expected: float | None
    low: float | None
    high: float | None
    run: int = 1  # remaining-ticket counts grouped in runs of this many (1: none)


def share_outcome(
    *,
    met: int,
    n: int,
    remaining: Ints,
    weights: Floats,
    alpha: float,
    beta: float,
    objective: float,
    higher_is_better: bool = True,
    run: int = 1,
) -> ShareOutcome:
    """Sum the joint pmf of (r remaining tickets, m of them met): ``weights`` for r, then
    beta-binomial(r, ``alpha``, ``beta``) for m. The period ends at (met + m) / (n + r), judged
    by ``status.meets``; n + r = 0 is *No data*. Each row sums m over a band around its mean
    (``_met_band``). Beyond ``MAX_CELLS`` cells, runs of consecutive r are summed as one, at
    the run's middle r with the run's total probability (``ShareOutcome.run`` says how many
    counts each row stands for, with ``run``: how many ``remaining`` were grouped in already)."""
    remaining, weights, k = _grouped(remaining, weights, alpha, beta)
    run *= k
    p_met = p_none = 0.0
    values: list[Floats] = []
    probs: list[Floats] = []
    rows = max(1, MAX_CELLS // (int(remaining.max()) + 1))
    for start in range(0, len(remaining), rows):
        r, w = remaining[start : start + rows], weights[start : start + rows]
        m, pmf = _met_band(r, alpha, beta)
        joint = w[:, None] * pmf
        ends = (n + r)[:, None]
        share = 100.0 * (met + m) / np.maximum(ends, 1)
        some = (ends > 0) & (m <= r[:, None]) & (joint > 0)
        p_none += float(joint[ends[:, 0] == 0].sum())
        p_met += float(joint[some & meets_each(share, objective, higher_is_better)].sum())
        kept = some & (joint > QUANTILE_FLOOR)  # the interval's cells: not the far tails
        values.append(share[kept])
        probs.append(joint[kept])
    if p_none >= 1 - TAIL:
        return ShareOutcome(0.0, 1.0, None, None, None, run)
    mid, low, high = weighted_quantiles(
        np.concatenate(values), np.concatenate(probs), (0.5, LOW_Q, HIGH_Q)
    )
    return ShareOutcome(keep_open(p_met, TAIL), p_none, mid, low, high, run)


def keep_open(p: float, floor: float) -> float:
    """A probability of an outcome that is not certain, kept within [floor, 1 − floor]: exact
    0 and 1 are kept for certain outcomes (what is cut off is below the computation's error)."""
    return min(max(p, floor), 1 - floor)


def _grouped(r: Ints, w: Floats, alpha: float, beta: float) -> tuple[Ints, Floats, int]:
    """``r`` and ``w`` in runs of k consecutive counts (the middle r, the run's probability),
    k the least that keeps rows × band width within ``MAX_CELLS``; k = 1 leaves them as they
    are."""
    k = math.ceil(len(r) * _band_width(r, alpha, beta) / MAX_CELLS)
    if k <= 1:
        return r, w, 1
    starts = np.arange(0, len(r), k)
    middle = r[np.minimum(starts + k // 2, len(r) - 1)]
    return middle, np.add.reduceat(w, starts), k


def _band_width(r: Ints, alpha: float, beta: float) -> float:
    """How many met counts the widest row of ``_met_band`` sums at first."""
    if min(alpha, beta) < 1:
        return float(r.max()) + 1
    return min(2 * BAND_SD * float(_betabinom_sd(r, alpha, beta).max()) + 2, float(r.max()) + 1)


def _betabinom_sd(r: Ints, alpha: float, beta: float) -> Floats:
    ab = alpha + beta
    return cast(Floats, np.sqrt(r * alpha * beta * (ab + r) / (ab * ab * (ab + 1))))


def _met_band(r: Ints, alpha: float, beta: float) -> tuple[Ints, Floats]:
    """For each r, met counts m over a band around the beta-binomial's mean, and their pmf
    (normalised in the row). With α, β ≥ 1 the pmf is log-concave, so the ratio of neighbours
    falls away from the mode and the mass beyond each edge is at most pmf(edge)·ρ / (1 − ρ), ρ
    the ratio there: the band (±``BAND_SD`` standard deviations, then twice, four times that)
    is the first whose edges leave at most ``TAIL`` of any row out. Otherwise, or failing
    that, the whole support 0..r."""
    mean = r * alpha / (alpha + beta)
    sd = _betabinom_sd(r, alpha, beta)
    for z in (BAND_SD, 2 * BAND_SD, 4 * BAND_SD) if min(alpha, beta) >= 1 else ():
        width = int(min(np.ceil(2 * z * sd.max()) + 2, r.max() + 1))
        lo = np.clip(np.floor(mean - z * sd), 0, np.maximum(r + 1 - width, 0)).astype(np.int64)
        m = lo[:, None] + np.arange(width, dtype=np.int64)[None, :]
        pmf = _betabinom_rows(m, r, alpha, beta)
        held = pmf.sum(axis=1)
        if np.all(_left_out(m, r, pmf, alpha, beta) <= TAIL * held):
            return m, pmf / held[:, None]
    m = np.broadcast_to(np.arange(int(r.max()) + 1, dtype=np.int64), (len(r), int(r.max()) + 1))
    pmf = _betabinom_rows(m, r, alpha, beta)
    return m, pmf / pmf.sum(axis=1)[:, None]


def _left_out(m: Ints, r: Ints, pmf: Floats, alpha: float, beta: float) -> Floats:
    """Per row, a bound on the log-concave pmf's mass below and above the band."""
    first, last = m[:, 0].astype(float), m[:, -1].astype(float)
    rr = r.astype(float)
    up = _ratio(last, rr, alpha, beta)  # pmf(last + 1) / pmf(last)
    down = 1 / _ratio(first - 1, rr, alpha, beta)  # pmf(first − 1) / pmf(first)
    with np.errstate(divide="ignore", invalid="ignore"):
        above = np.where(last >= rr, 0.0, np.where(up < 1, pmf[:, -1] * up / (1 - up), np.inf))
        below = np.where(first <= 0, 0.0, np.where(down < 1, pmf[:, 0] * down / (1 - down), np.inf))
    return cast(Floats, above + below)


def _ratio(k: Floats, r: Floats, alpha: float, beta: float) -> Floats:
    """pmf(k + 1) / pmf(k) of beta-binomial(r, α, β), for 0 ≤ k < r (else any value)."""
    inside = (k >= 0) & (k < r)
    num = np.where(inside, (r - k) * (k + alpha), 1.0)
    den = np.where(inside, (k + 1) * (r - k - 1 + beta), 1.0)
    return num / den


def _betabinom_rows(m: Ints, r: Ints, alpha: float, beta: float) -> Floats:
    """beta-binomial(r, α, β) pmf at consecutive m in each row (0 beyond r): scipy's at the
    row's first m, then by the ratio pmf(m + 1) / pmf(m) = (r − m)(m + α) / ((m + 1)(r − m −
    1 + β))."""
    first = np.atleast_1d(betabinom_logpmf(m[:, 0], r, alpha, beta))
    k = m[:, :-1].astype(float)
    rr = r[:, None].astype(float)
    inside = k < rr
    step = np.where(inside, np.log(_ratio(k, rr, alpha, beta)), -np.inf)
    logs = np.concatenate([first[:, None], first[:, None] + np.cumsum(step, axis=1)], axis=1)
    return cast(Floats, np.exp(logs))


def weighted_quantiles(values: Floats, probs: Floats, qs: Sequence[float]) -> list[float]:
    """The smallest value whose cumulative probability reaches each q (of the total given)."""
    order = np.argsort(values)  # equal values may come in any order: the value is the same
    ranked = values[order]
    cum = np.cumsum(probs[order])
    cum /= cum[-1]
    idx = np.searchsorted(cum, np.asarray(qs) - 1e-12)
    return [float(ranked[min(int(i), len(cum) - 1)]) for i in idx]


SHARE_MODEL = "beta-binomial"
DECIDED = "The period has ended: decided by its own figures."


def _share_method(history: Sequence[tuple[int, int]], run: int = 1) -> str:
    h = len(history)
    shares = sum(1 for _, n in history if n > 0)
    fit = (
        f"fitted by moments to {shares} past periods' shares"
        if shares >= MIN_PERIODS and any(n > 1 for _, n in history)
        else f"weak (fewer than {MIN_PERIODS} past periods with tickets)"
    )
    return (
        f"Remaining tickets negative binomial (their rate Gamma, from {h} past periods' volumes "
        f"and this period's traffic so far), their met share beta-binomial (Beta prior {fit}, "
        "updated with this period so far); the chance of meeting the objective summed "
        + ("exactly." if run == 1 else f"over runs of {run} remaining-ticket counts.")
    )


def share_forecast(
    *,
    met: int,
    n: int,
    elapsed: float,
    history: Sequence[tuple[int, int]],
    objective: float,
    higher_is_better: bool = True,
) -> Forecast:
    """P(the share 100·met/n meets ``objective`` at the period's end), given ``met`` of ``n``
    tickets so far, the share ``elapsed`` of the period's scheduled time gone (0: not started, 1:
    ended) and (met, n) of past whole periods. ``higher_is_better`` False: met when the share is
    at or under the objective (``met`` then counts the tickets the share is of)."""
    _check_share(met, n, elapsed, history, objective)
    if elapsed >= 1:
        return _decided_share(met, n, objective, higher_is_better)
    volumes = [k for _, k in history]
    method = _share_method(history)
    if note := _cannot_share(n, elapsed, volumes):
        return no_forecast(method, note, len(history))
    r, w, run = remaining_tickets(n=n, elapsed=elapsed, volumes=volumes)
    alpha, beta = share_prior(history)
    alpha, beta = alpha + met, beta + n - met
    if _band_width(r, alpha, beta) > MAX_CELLS:
        note = (
            f"the volume still to come is too uncertain to sum (up to {int(r.max()):,} more "
            "tickets are plausible)"
        )
        return no_forecast(method, note, len(history))
    out = share_outcome(
        met=met, n=n, remaining=r, weights=w, alpha=alpha, beta=beta, objective=objective,
        higher_is_better=higher_is_better, run=run,
    )  # fmt: skip
    certain = _share_certainty(met, n, objective, higher_is_better)
    lost = "already missed: no number of further tickets can bring it back"
    return Forecast(
        out.p_met if certain is None else float(certain) * (1 - out.p_no_data),
        out.expected, out.low, out.high, _share_method(history, out.run),
        lost if certain is False else "", SHARE_MODEL, len(history), out.p_no_data,
    )  # fmt: skip


def _cannot_share(n: int, elapsed: float, volumes: Sequence[int]) -> str:
    """Why there is too little to forecast a share from ("" when there is enough)."""
    seen = n + sum(volumes)
    if seen < MIN_TICKETS:
        return (
            f"too few tickets to forecast from: {seen} in this period and the past ones "
            f"(at least {MIN_TICKETS} are needed)"
        )
    return volume_note(n, elapsed, volumes)


def _share_certainty(met: int, n: int, objective: float, higher_is_better: bool) -> bool | None:
    """True when every end with a ticket meets the objective, False when none can (a miss
    against 100 %, or an event against 0 % when lower is better), None when it is open: with
    enough further tickets any other share can still reach the objective."""
    if higher_is_better:
        if objective >= 100 and met < n:
            return False
        return True if objective <= 0 and n > 0 else None
    if objective <= 0 and met > 0:
        return False
    return True if objective >= 100 and n > 0 else None


def _decided_share(met: int, n: int, objective: float, higher_is_better: bool) -> Forecast:
    if n == 0:
        return no_forecast(DECIDED, "no tickets in the period: No data, nothing to forecast")
    value = 100.0 * met / n
    ok = meets(value, objective, higher_is_better)
    return Forecast(1.0 if ok else 0.0, value, value, value, DECIDED, decided=True)


def _check_share(
    met: int, n: int, elapsed: float, history: Sequence[tuple[int, int]], objective: float
) -> None:
    require(0 <= met <= n, "met / n", f"{met} / {n}", "give 0 ≤ met ≤ n tickets so far")
    check_elapsed(elapsed)
    check_objective(objective)
    for i, (k, total) in enumerate(history):
        require(
            0 <= k <= total, f"history[{i}]", f"({k}, {total})", "give (met, n) with 0 ≤ met ≤ n"
        )


# ---------------------------------------------------------------- incident counts


def count_forecast(
    *,
    count: int,
    elapsed: float,
    history: Sequence[int],
    objective: float,
    higher_is_better: bool = False,
) -> Forecast:
    """P(the period's count meets ``objective``) — at most it, unless ``higher_is_better`` —
    given ``count`` so far, the share ``elapsed`` of scheduled time gone and past periods'
    counts. The remaining count is ``remaining_tickets``'s negative binomial; exact."""
    require(count >= 0, "count", repr(count), "give the number counted so far (≥ 0)")
    check_elapsed(elapsed)
    require(all(v >= 0 for v in history), "history", repr(list(history)), "give counts ≥ 0")
    require(
        math.isfinite(objective) and objective >= 0, "objective", repr(objective), "give a count"
    )
    method = (
        f"Remaining count negative binomial (its rate Gamma, from {len(history)} past "
        "periods' counts and this period's so far); the chance summed exactly."
    )
    if elapsed >= 1:
        ok = meets(float(count), objective, higher_is_better)
        return Forecast(1.0 if ok else 0.0, count, count, count, DECIDED, decided=True)
    if note := volume_note(count, elapsed, history):
        return no_forecast(method, note)
    r, w, run = remaining_tickets(n=count, elapsed=elapsed, volumes=history)
    if run > 1:
        method = method.replace("summed exactly", f"summed over runs of {run} counts")
    end = (count + r).astype(float)
    p = keep_open(float(w[meets_each(end, objective, higher_is_better)].sum()), TAIL)
    now = meets(float(count), objective, higher_is_better)
    note = ""
    if now == higher_is_better:  # a count only grows: this verdict cannot change
        p, note = float(now), "" if now else "already missed: the count can only grow"
    mid, low, high = weighted_quantiles(end, w, (0.5, LOW_Q, HIGH_Q))
    return Forecast(p, mid, low, high, method, note, "negative binomial", len(history))


# ---------------------------------------------------------------- availability


def outage_method(draws: int, seed: int, seen: int, exposure: float) -> str:
    """The first part of the method of a forecast by ``simulated_outages``."""
    return (
        f"Simulated outages ({draws} draws, seed {seed}): Poisson arrivals per scheduled second "
        f"at a Gamma-posterior rate ({seen} outages in {exposure / 3600:.0f} scheduled hours), "
        "durations resampled from those outages"
    )


def availability_forecast(
    *,
    downtime_s: float,
    scheduled_s: float,
    period_scheduled_s: float,
    history_outages_s: Sequence[float],
    history_scheduled_s: float,
    objective: float,
    draws: int = 20000,
    seed: int = 0,
    outages_s: Sequence[float] = (),
    history_periods: int = 0,
) -> Forecast:
    """P(100·(period_scheduled_s − downtime at the end) / period_scheduled_s meets
    ``objective``), given ``downtime_s`` in the ``scheduled_s`` gone so far, and the durations
    (scheduled seconds) of past periods' unplanned outages seen over ``history_scheduled_s``.
    ``outages_s``: this period's outages so far, when known (they inform rate and durations);
    ``history_periods``: how many past periods the history covers (for ``Forecast.sentence``).

    Simulated, ``draws`` times with a seeded generator (the same inputs give the same result):
    an outage rate per scheduled second ~ Gamma(K + ½, E) (K outages seen over E scheduled
    seconds, history and this period), a Poisson number of outages over the remaining scheduled
    time, each as long as one of the K seen (resampled); their sum — at most the remaining
    time — adds to the downtime so far.
    """
    _check_availability(downtime_s, scheduled_s, period_scheduled_s, history_outages_s,
                        history_scheduled_s, objective, draws, outages_s)  # fmt: skip
    pool = np.asarray([*history_outages_s, *outages_s], dtype=float)
    exposure = history_scheduled_s + scheduled_s
    method = outage_method(draws, seed, len(pool), exposure) + ", added to the downtime so far."
    model, basis = "simulated outages", service_basis(history_periods, history_scheduled_s)
    if period_scheduled_s <= 0:
        return no_forecast(method, "the period has no scheduled time: No data")
    left = max(period_scheduled_s - scheduled_s, 0.0)
    if left == 0:
        now = 100.0 * (period_scheduled_s - downtime_s) / period_scheduled_s
        return Forecast(float(meets(now, objective, True)), now, now, now, DECIDED, decided=True)
    if known := _availability_known(downtime_s, left, period_scheduled_s, objective):
        p, note = known
        return Forecast(p, None, None, None, method, note, model, history_periods, basis=basis)
    if note := no_simulation(exposure, left, len(pool)):
        return no_forecast(method, note)
    _, extra = simulated_outages(pool, exposure, left, draws, seed)
    value = 100.0 * (period_scheduled_s - downtime_s - extra) / period_scheduled_s
    p = keep_open(float(np.mean(meets_each(value, objective, True))), 0.5 / draws)
    mid, low, high = (
        float(x) for x in np.quantile(value, (0.5, LOW_Q, HIGH_Q), method="inverted_cdf")
    )
    note = (
        f"only {len(pool)} outage{'' if len(pool) == 1 else 's'} to take durations from: "
        "longer ones are under-represented"
        if len(pool) < FEW_OUTAGES
        else ""
    )
    return Forecast(p, mid, low, high, method, note, model, history_periods, basis=basis)


def _availability_known(
    downtime_s: float, left: float, period_s: float, objective: float
) -> tuple[float, str] | None:
    """(1 or 0, why) when the end is already known: the downtime so far already exceeds the
    allowance, or the period would meet the objective even down all the time left."""
    now = 100.0 * (period_s - downtime_s) / period_s
    if not meets(now, objective, True):
        return 0.0, "already missed: the downtime so far exceeds what the objective allows"
    if meets(100.0 * (period_s - downtime_s - left) / period_s, objective, True):
        return 1.0, "met even if the service is down for all the rest of the period"
    return None


def no_simulation(exposure: float, left: float, seen: int) -> str:
    """Why the outages to come cannot be simulated ("" when they can)."""
    if exposure <= 0:
        return "no scheduled time observed yet, in this period or the past ones"
    if seen == 0:
        clear = (exposure / (exposure + left)) ** 0.5  # P(no outage) under the Gamma(½, E) rate
        return (
            f"no outage seen yet to take durations from; no further outage is "
            f"{100 * clear:.0f} % likely"
        )
    expected = (seen + 0.5) / exposure * left
    if expected > MAX_OUTAGES:
        return (
            f"too little time observed to project outages ({seen} in {exposure:,.0f} scheduled "
            f"seconds: about {expected:,.0f} more expected)"
        )
    return ""


def service_basis(history_periods: int, history_scheduled_s: float) -> str:
    if history_periods or history_scheduled_s <= 0:
        return ""
    return f"on {history_scheduled_s / 3600:,.0f} h of past service"


def simulated_outages(
    pool: Floats, exposure: float, left: float, draws: int, seed: int
) -> tuple[Ints, Floats]:
    """The outages still to come over the remaining ``left`` scheduled seconds, in each of
    ``draws`` draws: how many, and their downtime (at most ``left``). The rate per scheduled
    second ~ Gamma(K + ½, ``exposure``) for the K outages of ``pool`` seen, their number
    Poisson, each as long as one of ``pool`` (resampled, in chunks of about ``MAX_CELLS``)."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(len(pool) + 0.5, 1.0 / exposure, size=draws)
    count = rng.poisson(rate * left)
    extra = np.zeros(draws)
    step = max(1, int(MAX_CELLS / max(float(count.mean()), 1.0)))
    for start in range(0, draws, step):
        part = count[start : start + step]
        owner = np.repeat(np.arange(len(part)), part)
        lengths = pool[rng.integers(0, len(pool), size=len(owner))]
        extra[start : start + step] = np.bincount(owner, weights=lengths, minlength=len(part))
    return count.astype(np.int64), cast(Floats, np.minimum(extra, left))


def _check_availability(
    downtime_s: float,
    scheduled_s: float,
    period_scheduled_s: float,
    history_outages_s: Sequence[float],
    history_scheduled_s: float,
    objective: float,
    draws: int,
    outages_s: Sequence[float],
) -> None:
    check_objective(objective)
    for name, value in (
        ("downtime_s", downtime_s),
        ("scheduled_s", scheduled_s),
        ("period_scheduled_s", period_scheduled_s),
        ("history_scheduled_s", history_scheduled_s),
    ):
        require(math.isfinite(value) and value >= 0, name, repr(value), "give seconds ≥ 0")
    require(
        downtime_s <= scheduled_s * (1 + 1e-9),
        "downtime_s",
        f"{downtime_s} (more than scheduled_s = {scheduled_s})",
        "downtime so far is part of the scheduled time so far",
    )
    require(
        scheduled_s <= period_scheduled_s * (1 + 1e-9),
        "scheduled_s",
        f"{scheduled_s} (more than period_scheduled_s = {period_scheduled_s})",
        "the scheduled time so far is part of the period's",
    )
    for name, seq in (("history_outages_s", history_outages_s), ("outages_s", outages_s)):
        require(all(d > 0 for d in seq), name, repr(list(seq)[:5]), "give durations > 0 s")
    require(draws >= 1, "draws", repr(draws), "give at least 1 draw")
