"""Forecasts for a period in progress, hand-worked (slm_analysis/forecast.py; docs/metrics.md,
*Forecasts for a period in progress*).

Notation: NB(s, p) is the negative binomial with pmf C(r + s − 1, r) p^s (1 − p)^r (scipy's
``nbinom``), BB(r, α, β) the beta-binomial with pmf C(r, m) B(m + α, r − m + β) / B(α, β).
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest
from scipy import special, stats

from slm_analysis import forecast
from slm_analysis.errors import InputError
from slm_analysis.forecast import (
    Forecast,
    availability_forecast,
    count_forecast,
    remaining_tickets,
    share_forecast,
    share_outcome,
    share_prior,
    ticket_rate_prior,
)

MONTH = 30 * 86_400.0  # a 30-day month, 24x7: 2,592,000 scheduled seconds


def outcome(met: int, n: int, rs: list[int], ws: list[float], a: float, b: float, obj: float):
    return share_outcome(
        met=met,
        n=n,
        remaining=np.array(rs, dtype=np.int64),
        weights=np.array(ws),
        alpha=a,
        beta=b,
        objective=obj,
    )


# ------------------------------------------------------------------ the exact sum


def test_two_tickets_left_known_beta_binomial() -> None:
    # 7 of 8 met so far, exactly 2 tickets to come, their share ~ Beta(3, 1); objective 90 %.
    # BB(2, 3, 1): P(m=0) = B(3, 3)/B(3, 1) = (1/30)·3 = 0.1; P(m=1) = 2·B(4, 2)/B(3, 1) =
    # 2·(1/20)·3 = 0.3; P(m=2) = B(5, 1)/B(3, 1) = (1/5)·3 = 0.6. The period ends at 7/10 = 70 %,
    # 8/10 = 80 % or 9/10 = 90 %: only two more met meets 90 %.
    out = outcome(7, 8, [2], [1.0], 3, 1, 90)
    assert out.p_met == pytest.approx(0.6, rel=1e-12)
    assert out.p_no_data == 0
    # cumulative: 70 % → 0.1, 80 % → 0.4, 90 % → 1: median 90, 10 % quantile 70, 90 % → 90
    assert (out.expected, out.low, out.high) == pytest.approx((90, 70, 90))


def test_more_tickets_can_rescue_a_share() -> None:
    # same, but 0, 1 or 2 tickets to come with probabilities ¼, ½, ¼: 0 left ends at 7/8 =
    # 87.5 %, 1 left at best 8/9 = 88.9 % (both missed), 2 left as above: P = ¼ · 0.6
    out = outcome(7, 8, [0, 1, 2], [0.25, 0.5, 0.25], 3, 1, 90)
    assert out.p_met == pytest.approx(0.15, rel=1e-12)


def test_no_ticket_at_all_is_no_data_not_met() -> None:
    # nothing so far; 0 or 1 ticket to come (0.4, 0.6), Beta(1, 1): one ticket is met with
    # probability ½ (100 %) or not (0 %). P(no data) = 0.4; P(met at 50 %) = 0.6 · ½ = 0.3.
    out = outcome(0, 0, [0, 1], [0.4, 0.6], 1, 1, 50)
    assert out.p_no_data == pytest.approx(0.4)
    assert out.p_met == pytest.approx(0.3)
    # given a ticket: 0 % or 100 % each ½ — the median is the smallest value reaching ½
    assert (out.expected, out.low, out.high) == (0, 0, 100)


def test_closed_form_with_no_history() -> None:
    # 10 of 10 met at half time, no past periods, objective 100 %: met only if every further
    # ticket is. Volume: Gamma(½ + 10, 0 + ½) → R ~ NB(10.5, p = ½ / (½ + ½) = ½); share:
    # Jeffreys Beta(½, ½) + 10 met → Beta(10.5, 0.5), so P(all r met) = (10.5)_r / (11)_r.
    # Σ_r NB(r) (α)_r / (α + β)_r = p^s ₂F₁(s, α; α + β; 1 − p) = ½^10.5 ₂F₁(10.5, 10.5; 11; ½).
    expected = 0.5**10.5 * special.hyp2f1(10.5, 10.5, 11, 0.5)
    by_hand = 0.0
    term = 0.5**10.5  # NB(0)·1
    for r in range(3000):
        by_hand += term
        term *= (10.5 + r) / (r + 1) * 0.5 * (10.5 + r) / (11 + r)
    assert expected == pytest.approx(by_hand, rel=1e-12)
    f = share_forecast(met=10, n=10, elapsed=0.5, history=[], objective=100)
    assert f.probability == pytest.approx(expected, rel=1e-9)
    assert f.history == 0 and f.model == "beta-binomial" and not f.decided
    assert (
        f.sentence()
        == f"{100 * expected:.0f} % likely to be met (beta-binomial on this period so far)"
    )


def test_a_share_behind_the_objective_is_unlikely_but_not_lost() -> None:
    # 7 of 10 met at half time, no history, objective 90 %: at the expected 21 tickets even all
    # further tickets met give 18/21 = 85.7 %; only 30 or more tickets (all met) reach 90 %.
    # By hand: Σ_r NB(r; 10.5, ½) · P(BB(r, 7.5, 3.5) ≥ ⌈0.9(10 + r)⌉ − 7).
    by_hand = sum(
        stats.nbinom.pmf(r, 10.5, 0.5)
        * stats.betabinom.sf(math.ceil(0.9 * (10 + r)) - 8, r, 7.5, 3.5)
        for r in range(400)
    )
    f = share_forecast(met=7, n=10, elapsed=0.5, history=[], objective=90)
    assert 0 < by_hand < 0.01
    assert f.probability == pytest.approx(by_hand, rel=1e-6)
    assert f.note == ""  # not lost: more tickets can still come
    assert f.sentence().startswith("< 1 % likely to be met")


# ------------------------------------------------------------------ priors and volumes


def test_ticket_rate_prior_hand_worked() -> None:
    # Poisson-like volumes (s² = 4 ≤ m = 12): Gamma(Σ = 36, H = 3)
    assert ticket_rate_prior([10, 12, 14]) == pytest.approx((36, 3))
    # 5, 15, 25, 15: m = 15, s² = 200/3; τ² = (200/3 − 15) + (200/3)/4 = 155/3 + 50/3 = 205/3;
    # shape m²/τ² = 675/205 = 135/41, rate m/τ² = 45/205 = 9/41
    assert ticket_rate_prior([5, 15, 25, 15]) == pytest.approx((135 / 41, 9 / 41))
    assert ticket_rate_prior([7]) == pytest.approx((7, 1))  # one period: s² taken as m
    assert ticket_rate_prior([0, 0]) == (0.5, 2.0)
    assert ticket_rate_prior([]) == (0.5, 0.0)


def test_remaining_tickets_negative_binomial() -> None:
    # volumes 10, 12, 14 → Gamma(36, 3); 6 tickets in half the period → Gamma(42, 3.5);
    # the other half: NB(42, p = 3.5 / (3.5 + 0.5) = 7/8): P(0) = (7/8)^42, mean 42·(1/8)/(7/8) = 6
    r, w, run = remaining_tickets(n=6, elapsed=0.5, volumes=[10, 12, 14])
    assert run == 1 and r[0] == 0 and w[0] == pytest.approx((7 / 8) ** 42, rel=1e-10)
    assert float((r * w).sum()) == pytest.approx(6, rel=1e-9)
    assert w.sum() == pytest.approx(1)
    # the period over: nothing remains
    r, w, run = remaining_tickets(n=6, elapsed=1, volumes=[10])
    assert list(r) == [0] and list(w) == [1]


def test_share_prior_pooled_when_shares_vary_no_more_than_binomial_noise() -> None:
    # 9, 8, 10 of 10: μ = 27.5/31; q = μ(1 − μ) = 96.25/961; the shares' variance 0.01 is
    # under the binomial noise q·mean(1/n) = q/10 ≈ 0.01002, so σ² = 0; variance q·30/30² =
    # q/30, c = 30 − 1 = 29: α = 29·27.5/31, β = 29·3.5/31
    a, b = share_prior([(9, 10), (8, 10), (10, 10)])
    assert (a, b) == pytest.approx((29 * 27.5 / 31, 29 * 3.5 / 31), rel=1e-12)


def test_share_prior_method_of_moments() -> None:
    # 10, 5, 10, 5 of 10: μ = 30.5/41, q = μ(1 − μ); shares 1, ½, 1, ½: s² = 1/12;
    # σ² = (1/12 − q/10) / 0.9; variance = σ² + (σ²·400 + q·40) / 1600; c = q / variance − 1
    mu = F(61, 82)
    q = mu * (1 - mu)
    s2 = (1 / F(12) - q / 10) / F(9, 10)
    var = s2 + (s2 * 400 + q * 40) / 1600
    c = q / var - 1
    a, b = share_prior([(10, 10), (5, 10), (10, 10), (5, 10)])
    assert (a, b) == pytest.approx((float(mu * c), float((1 - mu) * c)), rel=1e-12)
    assert 1 < float(c) < 1.1  # widely spread shares: a weak prior


def test_share_prior_short_and_empty_histories() -> None:
    # one period of 9/10: μ = 9.5/11, weak: c = min(10, 10) = 10
    assert share_prior([(9, 10)]) == pytest.approx((95 / 11, 15 / 11))
    assert share_prior([(1, 2)]) == pytest.approx((1, 1))  # c = min(2, 10), μ = ½
    assert share_prior([]) == (0.5, 0.5)
    assert share_prior([(0, 0), (0, 0)]) == (0.5, 0.5)  # periods without tickets say nothing


# ------------------------------------------------------------------ decided and certain


def test_a_period_that_has_ended_is_decided_exactly() -> None:
    met = share_forecast(met=19, n=20, elapsed=1, history=[(9, 10)] * 5, objective=95)
    assert (met.probability, met.expected, met.decided) == (1.0, 95.0, True)
    assert met.sentence() == "met (the period has ended)"
    missed = share_forecast(met=18, n=20, elapsed=1, history=[], objective=95)
    assert missed.probability == 0.0 and missed.sentence() == "missed (the period has ended)"
    empty = share_forecast(met=0, n=0, elapsed=1, history=[(9, 10)] * 5, objective=95)
    assert empty.probability is None and "No data" in empty.note


def test_a_miss_against_100_percent_is_lost_for_certain() -> None:
    f = share_forecast(met=9, n=10, elapsed=0.3, history=[(50, 50)] * 6, objective=100)
    assert f.probability == 0.0
    assert f.note.startswith("already missed")
    assert f.sentence() == "cannot be met (beta-binomial on 6 past periods)"
    # lower is better at 0 %: one counted ticket loses it
    low = share_forecast(
        met=1, n=10, elapsed=0.3, history=[(0, 50)] * 6, objective=0, higher_is_better=False
    )
    assert low.probability == 0.0


def test_an_objective_of_0_percent_is_met_unless_no_ticket_comes() -> None:
    f = share_forecast(met=0, n=0, elapsed=0, history=[(1, 2)] * 6, objective=0)
    # volumes 2 × 6 → Gamma(12, 6); not started: NB(12, 6/7); P(no ticket) = (6/7)^12
    assert f.p_no_data == pytest.approx((6 / 7) ** 12, rel=1e-9)
    assert f.probability == pytest.approx(1 - (6 / 7) ** 12, rel=1e-9)


def test_the_next_period_can_end_with_no_tickets() -> None:
    # volumes 1, 1, 2, 2, 1, 3: m = 5/3, s² = 2/3 ≤ m: Gamma(10, 6); not started: NB(10, 6/7)
    history = [(1, 1), (0, 1), (1, 2), (2, 2), (1, 1), (3, 3)]
    f = share_forecast(met=0, n=0, elapsed=0, history=history, objective=80)
    assert f.p_no_data == pytest.approx((6 / 7) ** 10, rel=1e-9)
    assert f.sentence("months").endswith("; 21 % likely to end with no tickets (No data)")
    assert "on 6 past months" in f.sentence("months")


def test_too_little_to_forecast_from() -> None:
    f = share_forecast(met=9, n=9, elapsed=0.5, history=[], objective=90)
    assert f.probability is None and "at least 10" in f.note
    assert f.sentence().startswith("no forecast: too few tickets")
    f = share_forecast(met=4, n=4, elapsed=0.5, history=[(5, 5)], objective=90)
    assert f.probability is None  # 9 tickets in all
    assert share_forecast(met=5, n=5, elapsed=0.5, history=[(5, 5)], objective=90).probability
    # tickets but no scheduled time gone and no past volume: no rate to project
    f = share_forecast(met=12, n=12, elapsed=0, history=[], objective=90)
    assert f.probability is None and "nothing to project the volume from" in f.note
    # 10 tickets in the first millionth of the period, no past: some 10.5 million more expected
    f = share_forecast(met=10, n=10, elapsed=1e-6, history=[], objective=90)
    assert f.probability is None
    assert f.note.startswith("the volume still to come is too uncertain to project (about 10,4")
    assert count_forecast(count=10, elapsed=1e-6, history=[], objective=90).probability is None


def test_large_volumes_group_remaining_counts_and_stay_close(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # next month of a target with about 3,000 tickets a month (spread 600): the exact sum has
    # some 3 million cells; by default the remaining counts are summed in runs of 3
    rng = np.random.default_rng(7)
    history = [(int(rng.binomial(int(v), 0.93)), int(v)) for v in rng.normal(3000, 600, 12)]
    args = {"met": 0, "n": 0, "elapsed": 0.0, "history": history, "objective": 93}
    grouped = share_forecast(**args)
    assert grouped.method.endswith("summed over runs of 3 remaining-ticket counts.")
    monkeypatch.setattr(forecast, "MAX_CELLS", 10**9)
    exact = share_forecast(**args)
    assert exact.method.endswith("summed exactly.")
    assert grouped.probability == pytest.approx(exact.probability, abs=1e-6)
    assert grouped.expected == pytest.approx(exact.expected, abs=1e-3)
    assert (grouped.low, grouped.high) == pytest.approx((exact.low, exact.high), abs=1e-3)


def test_bad_input_names_the_argument() -> None:
    with pytest.raises(InputError, match=r"met / n is 11 / 10; give 0 ≤ met ≤ n"):
        share_forecast(met=11, n=10, elapsed=0.5, history=[], objective=90)
    with pytest.raises(InputError, match=r"elapsed is 1.5; give the share"):
        share_forecast(met=1, n=1, elapsed=1.5, history=[], objective=90)
    with pytest.raises(InputError, match=r"objective is 120; give a percentage"):
        share_forecast(met=1, n=1, elapsed=0.5, history=[], objective=120)
    with pytest.raises(InputError, match=r"history\[1\] is \(3, 2\)"):
        share_forecast(met=1, n=1, elapsed=0.5, history=[(1, 2), (3, 2)], objective=90)
    with pytest.raises(InputError, match=r"downtime_s is 20.0 \(more than scheduled_s = 10.0\)"):
        availability_forecast(
            downtime_s=20.0, scheduled_s=10.0, period_scheduled_s=100.0,
            history_outages_s=[], history_scheduled_s=0.0, objective=99,
        )  # fmt: skip


# ------------------------------------------------------------------ incident counts


def test_count_forecast_hand_worked() -> None:
    # 3 so far at half time, past counts 10, 12, 14 → Gamma(36 + 3, 3 + ½); rest NB(39, 3.5/4);
    # at most 10 in the month ⇔ at most 7 more: Σ_{r ≤ 7} C(r + 38, r) (7/8)^39 (1/8)^r
    by_hand = sum(math.comb(r + 38, r) * (7 / 8) ** 39 * (1 / 8) ** r for r in range(8))
    f = count_forecast(count=3, elapsed=0.5, history=[10, 12, 14], objective=10)
    assert f.probability == pytest.approx(by_hand, rel=1e-9)
    assert f.model == "negative binomial" and f.history == 3
    over = count_forecast(count=11, elapsed=0.5, history=[10, 12, 14], objective=10)
    assert over.probability == 0.0 and "can only grow" in over.note
    done = count_forecast(count=10, elapsed=1, history=[], objective=10)
    assert (done.probability, done.decided) == (1.0, True)


# ------------------------------------------------------------------ availability


def test_availability_decided_and_certain() -> None:
    # 99.9 % of a 30-day month allows 2,592 s
    def at_end(down: float) -> Forecast:
        return availability_forecast(
            downtime_s=down, scheduled_s=MONTH, period_scheduled_s=MONTH,
            history_outages_s=[600.0], history_scheduled_s=MONTH, objective=99.9,
        )  # fmt: skip

    assert (at_end(2592).probability, at_end(2592).decided) == (1.0, True)
    assert at_end(2593).probability == 0.0
    half = MONTH / 2
    lost = availability_forecast(
        downtime_s=3000, scheduled_s=half, period_scheduled_s=MONTH,
        history_outages_s=[600.0], history_scheduled_s=MONTH, objective=99.9,
    )  # fmt: skip
    assert lost.probability == 0.0 and lost.note.startswith("already missed")
    # 40 %: met even if down for the whole second half (50 %)
    safe = availability_forecast(
        downtime_s=0, scheduled_s=half, period_scheduled_s=MONTH,
        history_outages_s=[], history_scheduled_s=0, objective=40,
    )  # fmt: skip
    assert safe.probability == 1.0 and safe.note.startswith("met even if")


def test_availability_simulation_matches_the_negative_binomial() -> None:
    # 4 past outages of 1,800 s each over 4 months; half of this month gone, no downtime:
    # E = 4.5 months of scheduled time, rate ~ Gamma(4.5, E); over the remaining half month
    # N ~ NB(4.5, E / (E + ½ month) = 0.9). 99.9 % allows 2,592 s: one outage (1,800 s) but not
    # two. P(met) = P(N ≤ 1) = 0.9^4.5 · (1 + 4.5 · 0.1) = 0.90252…
    exact = 0.9**4.5 * 1.45
    f = availability_forecast(
        downtime_s=0, scheduled_s=MONTH / 2, period_scheduled_s=MONTH,
        history_outages_s=[1800.0] * 4, history_scheduled_s=4 * MONTH, objective=99.9,
        draws=200_000, seed=3, history_periods=4,
    )  # fmt: skip
    se = math.sqrt(exact * (1 - exact) / 200_000)
    assert abs(f.probability - exact) < 4 * se
    # P(N = 0) = 0.9^4.5 = 0.622: median and high 100 %; P(N ≥ 2) = 0.0975 < 0.1 ≤ P(N ≥ 1):
    # the 10 % quantile is one outage, 100 · (1 − 1,800 / 2,592,000) %
    assert (f.expected, f.high) == (100.0, 100.0)
    assert f.low == pytest.approx(100 * (1 - 1800 / MONTH))
    assert f.note == "only 4 outages to take durations from: longer ones are under-represented"
    assert (
        f.sentence("months")
        == f"{100 * f.probability:.0f} % likely to be met (simulated outages on 4 past months)"
    )


def test_availability_is_reproducible_by_seed() -> None:
    args = {
        "downtime_s": 900.0, "scheduled_s": MONTH / 3, "period_scheduled_s": MONTH,
        "history_outages_s": [300.0, 1200.0, 2400.0, 600.0, 60.0, 5400.0],
        "history_scheduled_s": 6 * MONTH, "objective": 99.8, "draws": 5000,
    }  # fmt: skip
    assert availability_forecast(**args, seed=1) == availability_forecast(**args, seed=1)
    a, b = availability_forecast(**args, seed=1), availability_forecast(**args, seed=2)
    assert a.probability != b.probability
    assert abs(a.probability - b.probability) < 0.04  # 4 SE of the difference at 5,000 draws
    assert "on 4,320 h of past service" in a.sentence()


def test_availability_without_durations_or_exposure() -> None:
    # a year without outages: P(no outage in the remaining half month) = (12 / 12.5)^½ = 98 %
    f = availability_forecast(
        downtime_s=0, scheduled_s=MONTH / 2, period_scheduled_s=MONTH,
        history_outages_s=[], history_scheduled_s=11.5 * MONTH, objective=99.9,
    )  # fmt: skip
    assert f.probability is None
    assert f.note == "no outage seen yet to take durations from; no further outage is 98 % likely"
    # this period's own outage is enough to simulate from
    own = availability_forecast(
        downtime_s=600, scheduled_s=MONTH / 2, period_scheduled_s=MONTH,
        history_outages_s=[], history_scheduled_s=0, objective=99.9, outages_s=[600.0],
        draws=2000,
    )  # fmt: skip
    assert own.probability is not None and 0 < own.probability < 1
    none = availability_forecast(
        downtime_s=0, scheduled_s=0, period_scheduled_s=MONTH,
        history_outages_s=[], history_scheduled_s=0, objective=99.9,
    )  # fmt: skip
    assert none.probability is None and "no scheduled time observed" in none.note
    # one outage in the first minute, no past: (1 + ½) / 60 s × 2,591,940 s ≈ 64,798 to come
    wild = availability_forecast(
        downtime_s=30, scheduled_s=60, period_scheduled_s=MONTH,
        history_outages_s=[], history_scheduled_s=0, objective=99.9, outages_s=[30.0],
    )  # fmt: skip
    assert wild.probability is None
    assert wild.note == (
        "too little time observed to project outages (1 in 60 scheduled seconds: about 64,798 "
        "more expected)"
    )
    empty = availability_forecast(
        downtime_s=0, scheduled_s=0, period_scheduled_s=0,
        history_outages_s=[600.0], history_scheduled_s=MONTH, objective=99.9,
    )  # fmt: skip
    assert empty.probability is None and "No data" in empty.note


# ------------------------------------------------------------------ the sentence


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.73, "73 % likely to be met"),
        (0.995, "> 99 % likely to be met"),
        (0.004, "< 1 % likely to be met"),
        (1.0, "certain to be met"),
        (0.0, "cannot be met"),
    ],
)
def test_sentence(p: float, text: str) -> None:
    f = Forecast(p, 95.0, 93.0, 97.0, "…", model="beta-binomial", history=24)
    assert f.sentence("months") == f"{text} (beta-binomial on 24 past months)"
