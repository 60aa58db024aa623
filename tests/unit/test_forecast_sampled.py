"""The simulated forecasts on cases whose answer is known: exactly where the outcome is
certain, and within 3 simulation standard errors of an exact sum where it is not (the sum
worked from ``forecast.remaining_tickets``' negative binomial or the outage count's).
Calibration on generated histories: tests/property/test_forecast_sampled_calibration.py."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from slm_analysis.errors import InputError
from slm_analysis.forecast import remaining_tickets
from slm_analysis.forecast_sampled import (
    Days,
    Values,
    check_forecast,
    outage_forecast,
    value_forecast,
)

MONTH = 30 * 86_400.0
DRAWS = 20_000


def within(p: float | None, exact: float, draws: int = DRAWS) -> None:
    """``p`` is a simulated estimate of ``exact``: within 3 of its standard errors."""
    assert p is not None
    assert abs(p - exact) <= 3 * math.sqrt(exact * (1 - exact) / draws) + 1e-12, (p, exact)


# ---------------------------------------------------------------- values (MTTA, MTTR, scores)


def test_an_ended_period_is_decided_by_its_own_values() -> None:
    ended = Values(history=[[1.0] * 10], current=[10.0, 20.0, 60.0])
    mean = value_forecast(values=ended, elapsed=1, objective=30, higher_is_better=False)
    assert (mean.probability, mean.expected, mean.decided) == (1.0, 30.0, True)
    p90 = value_forecast(values=ended, elapsed=1, objective=50, higher_is_better=False,
                         percentile=90)  # fmt: skip
    assert (p90.probability, p90.expected) == (0.0, 60.0)  # nearest rank: the 3rd of 3
    nothing = value_forecast(values=Values([[1.0] * 10]), elapsed=1, objective=5,
                             higher_is_better=False)  # fmt: skip
    assert nothing.probability is None and "No data" in nothing.note


def test_each_draw_takes_one_past_period() -> None:
    """Two past periods, every value 1 in one and 3 in the other, none so far: a draw's
    values all come from one of them, so the mean is 1 or 3 (never 2), each half the time
    — when any ticket comes at all."""
    values = Values(history=[[1.0] * 10, [3.0] * 10])
    f = value_forecast(values=values, elapsed=0.5, objective=2, higher_is_better=False,
                       draws=DRAWS)  # fmt: skip
    r, w, _ = remaining_tickets(n=0, elapsed=0.5, volumes=[10, 10])
    p_none = float(w[r == 0].sum())
    within(f.probability, 0.5 * (1 - p_none))
    assert f.p_no_data == pytest.approx(p_none, abs=3 * math.sqrt(p_none / DRAWS))
    assert {f.low, f.high} <= {1.0, 3.0}


def test_mean_and_median_of_resampled_values_match_the_exact_sum() -> None:
    """One past period of ten values, five 0 and five 10, nothing so far: with r values to
    come the mean is at most 5 when at most half are 10 — P = Σ w_r P(Binomial(r, ½) ≤ r/2)
    over r ≥ 1; the median (p50, nearest rank) is 0 when at least ⌈r/2⌉ are 0."""
    values = Values(history=[[0.0] * 5 + [10.0] * 5])
    r, w, _ = remaining_tickets(n=0, elapsed=0.25, volumes=[10])
    mean_exact = sum(
        wi * stats.binom.cdf(ri // 2, ri, 0.5) for ri, wi in zip(r, w, strict=True) if ri
    )
    median_exact = sum(
        wi * stats.binom.sf(math.ceil(ri / 2) - 1, ri, 0.5)
        for ri, wi in zip(r, w, strict=True)
        if ri
    )
    mean = value_forecast(values=values, elapsed=0.25, objective=5, higher_is_better=False,
                          draws=DRAWS)  # fmt: skip
    median = value_forecast(values=values, elapsed=0.25, objective=0, higher_is_better=False,
                            percentile=50, draws=DRAWS, seed=7)  # fmt: skip
    within(mean.probability, float(mean_exact))
    within(median.probability, float(median_exact))


def test_values_so_far_and_running_clocks_count() -> None:
    """Every value ever seen is 7: the end mean is 7 whatever comes, and with two clocks
    still running the period cannot end empty."""
    values = Values(history=[[7.0] * 10] * 3, current=[], open_now=2)
    f = value_forecast(values=values, elapsed=0.9, objective=7, higher_is_better=False,
                       draws=500)  # fmt: skip
    assert f.p_no_data == 0 and f.expected == f.low == f.high == 7.0
    assert f.probability == 1 - 0.5 / 500  # every draw met: "> 99 %", not certain
    assert f.model == "bootstrap" and f.sentence("months").startswith("> 99 % likely")


def test_too_few_values_give_no_value_forecast() -> None:
    few = value_forecast(values=Values(history=[[5.0] * 3], current=[5.0] * 2), elapsed=0.5,
                         objective=5, higher_is_better=False)  # fmt: skip
    assert few.probability is None
    assert few.note.startswith("too few values to forecast from: 2 in this period and 3")
    with pytest.raises(InputError, match="history\\[0\\]"):
        value_forecast(values=Values(history=[[math.nan]]), elapsed=0.5, objective=5,
                       higher_is_better=False)  # fmt: skip


def test_the_same_inputs_give_the_same_forecast() -> None:
    values = Values(history=[[1.0, 2.0, 30.0]] * 5, current=[4.0, 8.0])
    a, b = (
        value_forecast(values=values, elapsed=0.4, objective=6, higher_is_better=False, seed=3)
        for _ in range(2)
    )
    assert a == b


# ---------------------------------------------------------------- check results by day


def test_an_ended_period_is_decided_by_its_results() -> None:
    f = check_forecast(good=95, valid=100, days=Days([(1, 1)] * 7, [], 0), objective=95)
    assert (f.probability, f.expected, f.decided) == (1.0, 95.0, True)


def test_identical_days_make_the_end_value_certain() -> None:
    days = Days(history=[(90, 100)] * 10, current=[], days_left=2.5)
    f = check_forecast(good=0, valid=0, days=days, objective=90, draws=400)
    assert f.expected == f.low == f.high == pytest.approx(90.0)
    assert f.probability == 1 - 0.5 / 400
    missed = check_forecast(good=0, valid=0, days=days, objective=90.5, draws=400)
    assert missed.probability == 0.5 / 400


def test_the_last_day_is_scaled_to_what_is_left_of_it() -> None:
    """Half the days all good, half all bad; 100 of 100 so far and 1.5 days left: the end is
    (100 + g₁ + ½g₂) / 250 — 100, 80, 60 or 40 % — so 70 % is met exactly when the whole
    day drawn is a good one."""
    days = Days(history=[(100, 100), (0, 100)] * 4, current=[], days_left=1.5)
    f = check_forecast(good=100, valid=100, days=days, objective=70, draws=DRAWS)
    within(f.probability, 0.5)
    assert f.low == pytest.approx(40.0) and f.high == pytest.approx(100.0)


def test_too_few_days_with_results_give_no_check_forecast() -> None:
    """Six days with results (and empty days, which say nothing) are too few to resample;
    the empty days before the first result are not even resampled."""
    days = Days([(0, 0)] * 100 + [(1, 1)] * 3 + [(0, 0)] * 2, [(1, 1)] * 3, 5)
    f = check_forecast(good=10, valid=10, days=days, objective=9)
    assert f.probability is None
    assert f.note == "too few whole days with results to resample: 6 (at least 7)"
    assert "one of 8 whole days since the first result" in f.method
    nothing = check_forecast(good=0, valid=0, days=Days([(0, 0)] * 200, [], 30), objective=9)
    assert nothing.probability is None


def test_a_check_forecast_says_what_it_learnt_from() -> None:
    days = Days([(288, 288)] * 10 + [(0, 288)] * 10, [], 30.0, periods=6)
    f = check_forecast(good=0, valid=0, days=days, objective=50)
    assert f.model == "day-block bootstrap" and f.history == 6
    assert f.sentence("months").endswith("(day-block bootstrap on 6 past months)")


# ---------------------------------------------------------------- MTBF and MTRS


def _outages(metric: str, objective: float, **kw: object) -> object:
    base = dict(
        outages=1, downtime_s=600.0, scheduled_s=MONTH / 2, period_scheduled_s=MONTH,
        history_outages_s=[600.0] * 9, history_scheduled_s=3 * MONTH, outages_s=[600.0],
        objective=objective, draws=DRAWS,
    )  # fmt: skip
    return outage_forecast(metric=metric, **{**base, **kw})  # type: ignore[arg-type]


def test_mtbf_matches_the_negative_binomial_count_of_outages() -> None:
    """Every outage 600 s; 1 so far in half a 30-day month, 10 seen over 3.5 months. The
    outages still to come are N ~ NegBin(10.5, E / (E + left)) (a Poisson count at a Gamma
    rate); MTBF = (M − 600(1 + N)) / (1 + N) reaches M/2 − 600 exactly when N ≤ 1."""
    f = _outages("mtbf", MONTH / 2 - 600)
    exposure, left = 3.5 * MONTH, MONTH / 2
    within(f.probability, float(stats.nbinom.cdf(1, 10.5, exposure / (exposure + left))))
    assert f.model == "simulated outages" and "MTBF" in f.method


def test_mtrs_of_equal_outages_is_their_length() -> None:
    met = _outages("mtrs", 600)
    assert met.expected == met.low == met.high == 600.0 and met.p_no_data == 0
    assert met.probability == 1 - 0.5 / DRAWS
    assert _outages("mtrs", 599).probability == 0.5 / DRAWS


def test_an_ended_period_without_outages() -> None:
    """No outage: MTBF is judged on its failure-free up time (Met when that reaches the
    objective), MTRS has no value (No data)."""
    kw = dict(outages=0, downtime_s=0.0, scheduled_s=MONTH, outages_s=[])
    mtbf = _outages("mtbf", MONTH, **kw)
    assert (mtbf.probability, mtbf.decided) == (1.0, True)
    mtrs = _outages("mtrs", 600, **kw)
    assert mtrs.probability is None and mtrs.note == "no outage in the period: No data"


def test_an_mtbf_met_without_failures_is_not_no_data() -> None:
    """No outage so far, a rare one in the past: most draws end failure-free, and with a day's
    objective an MTBF without failures is Met on its up time — none of it is No data."""
    f = _outages("mtbf", 86_400, outages=0, downtime_s=0.0, history_outages_s=[600.0] * 6,
                 history_scheduled_s=12 * MONTH, outages_s=[])  # fmt: skip
    assert f.probability is not None and f.probability > 0.99 and f.p_no_data == 0
    mtrs = _outages("mtrs", 6_000, outages=0, downtime_s=0.0, history_outages_s=[600.0] * 6,
                    history_scheduled_s=12 * MONTH, outages_s=[])  # fmt: skip
    # MTRS: no outage by the end is No data: NB(6.5, 12/12.5) gives 0 more with P 0.767
    assert mtrs.p_no_data == pytest.approx(stats.nbinom.pmf(0, 6.5, 12 / 12.5), abs=0.01)
    assert mtrs.sentence("months").endswith("likely to end with no outage (No data)")


def test_no_outage_ever_seen_gives_no_duration_to_resample() -> None:
    f = _outages("mtrs", 600, outages=0, downtime_s=0.0, history_outages_s=[], outages_s=[])
    assert f.probability is None and f.note.startswith("no outage seen yet")
