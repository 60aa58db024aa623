"""Forecasts by simulation, for the targets whose end value is not a share of counts
(docs/metrics.md, *Forecasts for a period in progress*).

Pure maths, like ``forecast``: plain numbers and sequences in, a ``forecast.Forecast`` out.

- ``value_forecast``: a mean or a nearest-rank percentile of per-ticket values (MTTA, MTTR in
  business seconds) or of per-response scores (a mean satisfaction score). The number of
  values still to come is ``forecast.remaining_tickets``'s negative binomial; each draw takes
  one past period at random and resamples the values to come from it together with this
  period's so far (a two-stage bootstrap: the spread between periods is kept).
- ``outage_forecast``: MTBF or MTRS, from ``forecast.simulated_outages`` — the same outage
  process as the availability forecast — added to the outages and downtime so far.
- ``check_forecast``: availability measured from check results or time slices (good / valid):
  the days still to come are whole days resampled from past and this period's days (a day
  block bootstrap: failures that cluster within a day stay together).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .forecast import (
    DECIDED,
    FEW_OUTAGES,
    HIGH_Q,
    LOW_Q,
    MIN_TICKETS,
    Floats,
    Forecast,
    check_elapsed,
    check_objective,
    keep_open,
    meets_each,
    no_forecast,
    no_simulation,
    outage_method,
    remaining_tickets,
    require,
    service_basis,
    simulated_outages,
    volume_note,
)
from .reliability import nearest_rank
from .status import meets

# fewest whole days, past and this period's, that a check-based forecast resamples
MIN_DAYS = 7
# the most values to come (expected, over all draws) a value forecast draws: fewer draws for a
# target with very many tickets, but never fewer than MIN_DRAWS
MAX_VALUES = 5_000_000
MIN_DRAWS = 200
BOOTSTRAP = "bootstrap"
DAY_BLOCKS = "day-block bootstrap"


@dataclass(frozen=True)
class Values:
    """The per-ticket values (or scores) of one target: one list per past whole period, oldest
    first, and this period's so far with the clocks still running (``open_now``)."""

    history: list[list[float]] = field(default_factory=list)
    current: list[float] = field(default_factory=list)
    open_now: int = 0


@dataclass(frozen=True)
class Days:
    """Good and valid check results (or slices) of one target per whole day: past periods' and
    this period's so far, the days of the period still to come (a fraction for the rest of
    today), and how many past periods ``history`` covers."""

    history: list[tuple[int, int]] = field(default_factory=list)
    current: list[tuple[int, int]] = field(default_factory=list)
    days_left: float = 0.0
    periods: int = 0


def _statistic(values: Floats, percentile: float | None) -> float:
    if percentile is None:
        return float(values.mean())
    return nearest_rank(values.tolist(), percentile)


def _end(
    ends: Floats, has: np.ndarray, met: np.ndarray, draws: int, no_data: np.ndarray | None = None
) -> tuple[float, float, float | None, float | None, float | None]:
    """P(met), P(No data) — by default the draws without an end value — and the median and
    80 % interval of the end values of the draws with one."""
    p_no_data = float(np.mean(~has if no_data is None else no_data))
    if not has.any():
        return 0.0, 1.0, None, None, None
    mid, low, high = (
        float(x) for x in np.quantile(ends[has], (0.5, LOW_Q, HIGH_Q), method="inverted_cdf")
    )
    return keep_open(float(np.mean(met)), 0.5 / draws), p_no_data, mid, low, high


# ---------------------------------------------------------------- per-ticket values


def value_forecast(
    *,
    values: Values,
    elapsed: float,
    objective: float,
    higher_is_better: bool,
    percentile: float | None = None,
    draws: int = 2000,
    seed: int = 0,
    nothing: str = "no tickets",
) -> Forecast:
    """P(the period's mean — or nearest-rank ``percentile`` — of its values meets
    ``objective``), given ``values`` (see ``Values``) and the share ``elapsed`` of the period's
    scheduled time gone. Simulated ``draws`` times with a seeded generator: the values still
    to come, as many as the running clocks plus a negative-binomial number of new tickets, each
    resampled from one past period (drawn at random) pooled with this period's values so far."""
    _check_values(values, elapsed, objective, draws)
    now = np.asarray(values.current, dtype=float)
    past = [np.asarray(h, dtype=float) for h in values.history if h]
    method = _value_method(len(values.history), len(past), draws, seed, percentile)
    if elapsed >= 1:
        if not len(now):
            return no_forecast(DECIDED, "nothing measured in the period: No data")
        value = _statistic(now, percentile)
        ok = meets(value, objective, higher_is_better)
        return Forecast(float(ok), value, value, value, DECIDED, decided=True)
    volumes = [len(h) for h in values.history]
    so_far = len(now) + values.open_now
    if so_far + sum(volumes) < MIN_TICKETS or (not past and len(now) < MIN_TICKETS):
        return no_forecast(method, _too_few(len(now), sum(volumes)), len(values.history))
    if note := volume_note(so_far, elapsed, volumes):
        return no_forecast(method, note, len(values.history))
    rng = np.random.default_rng(seed)
    r, w, _ = remaining_tickets(n=so_far, elapsed=elapsed, volumes=volumes)
    draws = max(MIN_DRAWS, min(draws, MAX_VALUES // max(values.open_now + int(r @ w), 1)))
    method = _value_method(len(values.history), len(past), draws, seed, percentile)
    to_come = values.open_now + r[rng.choice(len(r), size=draws, p=w)]
    ends, has = _value_ends(now, past, to_come, percentile, rng)
    met = has & meets_each(ends, objective, higher_is_better)
    p, p_none, mid, low, high = _end(ends, has, met, draws)
    return Forecast(p, mid, low, high, method, "", BOOTSTRAP, len(values.history), p_none,
                    nothing=nothing)  # fmt: skip


def _value_ends(
    now: Floats, past: list[Floats], to_come: np.ndarray, percentile: float | None,
    rng: np.random.Generator,
) -> tuple[Floats, np.ndarray]:  # fmt: skip
    """Per draw, the period's end value (NaN without any value) and whether it has one. Draw
    d resamples its values to come from one past period, drawn at random, pooled with ``now``
    (from ``now`` alone when there is no past period)."""
    draws = len(to_come)
    pools = [np.concatenate([p, now]) for p in past] or [now]
    pick = rng.integers(0, len(pools), size=draws)
    count = to_come + len(now)
    has = count > 0
    ends = np.full(draws, np.nan)
    if percentile is None:
        sizes = np.array([len(p) for p in pools])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        owner = np.repeat(np.arange(draws), to_come)
        at = starts[pick][owner] + (rng.random(len(owner)) * sizes[pick][owner]).astype(np.int64)
        sums = now.sum() + np.bincount(owner, weights=np.concatenate(pools)[at], minlength=draws)
        ends[has] = sums[has] / count[has]
        return ends, has
    ordered = [np.sort(p) for p in pools]
    now_up_to = [np.searchsorted(np.sort(now), o, side="right") for o in ordered]
    rank = np.maximum(1, np.ceil(percentile * count / 100 - 1e-9).astype(np.int64))
    for d in np.flatnonzero(has):
        o = ordered[pick[d]]
        drawn = np.bincount(rng.integers(0, len(o), size=int(to_come[d])), minlength=len(o))
        up_to = np.cumsum(drawn) + now_up_to[pick[d]]  # values ≤ o[i], for each i
        ends[d] = o[np.searchsorted(up_to, rank[d])]
    return ends, has


def _value_method(h: int, with_values: int, draws: int, seed: int, percentile: float | None) -> str:
    stat = "mean" if percentile is None else f"{percentile:g}th percentile (nearest rank)"
    return (
        f"Two-stage bootstrap of the {stat} ({draws} draws, seed {seed}): the values still to "
        f"come — one per running clock and a negative-binomial number of new tickets (their rate "
        f"Gamma, from {h} past periods' volumes and this period's so far) — each resampled from "
        f"one of {with_values} past periods, drawn at random, pooled with this period's values "
        "so far."
    )


def _too_few(now: int, past: int) -> str:
    return (
        f"too few values to forecast from: {now} in this period and {past} in the past ones "
        f"(at least {MIN_TICKETS}, and a past period with values or {MIN_TICKETS} in this one)"
    )


def _check_values(values: Values, elapsed: float, objective: float, draws: int) -> None:
    check_elapsed(elapsed)
    require(math.isfinite(objective), "objective", repr(objective), "give a finite number")
    require(values.open_now >= 0, "open_now", repr(values.open_now), "give a count ≥ 0")
    require(draws >= 1, "draws", repr(draws), "give at least 1 draw")
    for name, seq in (("current", values.current), *(
        (f"history[{i}]", h) for i, h in enumerate(values.history)
    )):  # fmt: skip
        require(all(math.isfinite(x) for x in seq), name, repr(list(seq)[:5]), "give finite values")


# ---------------------------------------------------------------- MTBF and MTRS


def outage_forecast(
    *,
    metric: Literal["mtbf", "mtrs"],
    outages: int,
    downtime_s: float,
    scheduled_s: float,
    period_scheduled_s: float,
    history_outages_s: Sequence[float],
    history_scheduled_s: float,
    objective: float,
    outages_s: Sequence[float] = (),
    history_periods: int = 0,
    draws: int = 20000,
    seed: int = 0,
) -> Forecast:
    """P(the period's MTBF (up time / outages) or MTRS (downtime / outages) meets
    ``objective`` seconds), given ``outages`` and ``downtime_s`` in the ``scheduled_s`` gone so
    far, by the outage simulation of ``forecast.availability_forecast`` (same arguments).
    No outage by the end: an MTRS has no value (No data); an MTBF is judged on the failure-free
    up time — Met when that reaches the objective, else No data (``measures``)."""
    _check_seconds(objective)
    require(outages >= 0, "outages", repr(outages), "give the outages so far (≥ 0)")
    require(0 <= downtime_s <= scheduled_s * (1 + 1e-9) <= period_scheduled_s * (1 + 1e-9) + 1e-9,
            "downtime_s, scheduled_s, period_scheduled_s",
            f"{downtime_s}, {scheduled_s}, {period_scheduled_s}",
            "give 0 ≤ downtime ≤ scheduled so far ≤ the period's scheduled seconds")  # fmt: skip
    pool = np.asarray([*history_outages_s, *outages_s], dtype=float)
    require(bool(np.all(pool > 0)), "outage durations", repr(pool[:5].tolist()), "give > 0 s")
    exposure = history_scheduled_s + scheduled_s
    method = (
        outage_method(draws, seed, len(pool), exposure)
        + f", added to the {outages} outages and the downtime so far; the {metric.upper()} of "
        "the period's end."
    )
    model, basis = "simulated outages", service_basis(history_periods, history_scheduled_s)
    left = max(period_scheduled_s - scheduled_s, 0.0)
    if period_scheduled_s <= 0:
        return no_forecast(method, "the period has no scheduled time: No data")
    count, extra = np.zeros(1, dtype=np.int64), np.zeros(1)
    if left > 0:
        if note := no_simulation(exposure, left, len(pool)):
            return no_forecast(method, note)
        count, extra = simulated_outages(pool, exposure, left, draws, seed)
    ends, has, met = _outage_ends(metric, outages + count, downtime_s + extra,
                                  period_scheduled_s, objective)  # fmt: skip
    nothing = ~has & ~met  # no outage and not Met: No data (an MTBF met failure-free is Met)
    if left == 0:
        if not met[0] and not has[0]:
            return no_forecast(DECIDED, "no outage in the period: No data")
        value = float(ends[0]) if has[0] else None
        return Forecast(float(met[0]), value, value, value, DECIDED, decided=True)
    p, p_none, mid, low, high = _end(ends, has, met, draws, nothing)
    note = f"only {len(pool)} outages to take durations from" if len(pool) < FEW_OUTAGES else ""
    return Forecast(p, mid, low, high, method, note, model, history_periods, p_none, basis=basis,
                    nothing="no outage")  # fmt: skip


def _outage_ends(
    metric: str, n: np.ndarray, down: Floats, whole: float, objective: float
) -> tuple[Floats, np.ndarray, np.ndarray]:
    """Per draw: the end value (NaN without outages), whether there is one, whether Met."""
    has = n > 0
    up = whole - down
    ends = np.where(has, (up if metric == "mtbf" else down) / np.maximum(n, 1), np.nan)
    if metric == "mtbf":
        judged = np.where(has, ends, up)  # no failure: judged on the failure-free up time
        return ends, has, meets_each(judged, objective, True)
    return ends, has, has & meets_each(np.nan_to_num(ends), objective, False)


def _check_seconds(objective: float) -> None:
    require(
        math.isfinite(objective) and objective > 0, "objective", repr(objective), "give seconds > 0"
    )


# ---------------------------------------------------------------- check results


def check_forecast(
    *,
    good: int,
    valid: int,
    days: Days,
    objective: float,
    draws: int = 4000,
    seed: int = 0,
) -> Forecast:
    """P(100·good / valid at the period's end meets ``objective``), given ``good`` of ``valid``
    results (or slices) so far and ``days``: each of the ``days.days_left`` still to come is a
    whole past or this period's day (good, valid) drawn at random, the last one scaled to the
    fraction left of it."""
    check_objective(objective)
    require(0 <= good <= valid, "good / valid", f"{good} / {valid}", "give 0 ≤ good ≤ valid")
    require(days.days_left >= 0, "days_left", repr(days.days_left), "give days ≥ 0")
    pool = _from_first_result([*days.history, *days.current])
    measured = int(np.count_nonzero(pool[:, 1]))
    method = (
        f"Day-block bootstrap ({draws} draws, seed {seed}): each of the {days.days_left:.1f} "
        f"days still to come is one of {len(pool)} whole days since the first result (past "
        "periods and this one) drawn at random, with its good and valid results; added to the "
        "results so far."
    )
    if days.days_left == 0:
        if valid == 0:
            return no_forecast(DECIDED, "no valid results in the period: No data")
        value = 100.0 * good / valid
        return Forecast(float(meets(value, objective, True)), value, value, value, DECIDED,
                        decided=True)  # fmt: skip
    if measured < MIN_DAYS:
        note = f"too few whole days with results to resample: {measured} (at least {MIN_DAYS})"
        return no_forecast(method, note, days.periods)
    whole = math.floor(days.days_left)
    weights = np.append(np.ones(whole), days.days_left - whole)
    pick = np.random.default_rng(seed).integers(0, len(pool), size=(draws, whole + 1))
    total_good = good + pool[pick, 0] @ weights
    total_valid = valid + pool[pick, 1] @ weights
    has = total_valid > 0
    ends = np.where(has, 100.0 * total_good / np.maximum(total_valid, 1e-300), np.nan)
    met = has & meets_each(np.nan_to_num(ends), objective, True)
    p, p_none, mid, low, high = _end(ends, has, met, draws)
    return Forecast(p, mid, low, high, method, "", DAY_BLOCKS, days.periods, p_none,
                    nothing="no valid results")  # fmt: skip


def _from_first_result(days: list[tuple[int, int]]) -> Floats:
    """The days from the first with a valid result on, as an array of (good, valid): the
    days before any check ran say nothing about the service."""
    first = next((i for i, (_, v) in enumerate(days) if v > 0), len(days))
    return np.asarray(days[first:], dtype=float).reshape(-1, 2)
