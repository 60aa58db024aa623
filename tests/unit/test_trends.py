"""Trends, control charts and action effects (slm_analysis.trends), hand-worked: every number
below is worked out in a comment (the rules: docs/metrics.md, *Trends, control charts and
action effects*). The simulations over many generated series are in
tests/property/test_trends_size.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from slm_analysis import trends
from slm_analysis.errors import InputError
from slm_analysis.trends import (
    hamed_rao_factor,
    lag1_autocorrelation,
    mann_kendall,
    mean_effect,
    sen_slope,
    share_effect,
    trend,
    xmr,
)

# The small series of the Mann–Kendall and Theil–Sen examples, at positions 0..5.
SERIES = [2.0, 4.0, 3.0, 4.0, 6.0, 5.0]


# ------------------------------------------------------------------------- Mann–Kendall
def test_mann_kendall_by_hand_with_a_tie() -> None:
    """S counts sign(x_j − x_i) over the 15 pairs i < j:
    from 2: 4 3 4 6 5 all higher                  +5
    from 4: 3 lower, 4 tied, 6 and 5 higher       +1
    from 3: 4 6 5 higher                          +3
    from 4: 6 5 higher                            +2
    from 6: 5 lower                               −1      S = 10.
    Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)]/18 with n = 6 and one pair of tied 4s (t = 2):
    (6·5·17 − 2·1·9)/18 = (510 − 18)/18 = 82/3.
    Z = (S − 1)/√Var = 9/√(82/3) = 1.72146…; two-sided p = erfc(Z/√2) = 0.08516…"""
    mk = mann_kendall(SERIES)
    assert mk.s == 10
    assert mk.variance == pytest.approx(82 / 3, rel=1e-15)
    assert mk.z == pytest.approx(9 / math.sqrt(82 / 3), rel=1e-12)
    assert mk.p_value == pytest.approx(math.erfc(mk.z / math.sqrt(2)), rel=1e-9)
    assert round(mk.p_value, 4) == 0.0852


def test_mann_kendall_falling_series_and_the_variance_factor() -> None:
    """The mirror image has S = −10 and Z = (S + 1)/√Var = −9/√(82/3); a variance factor of 2
    divides Z by √2."""
    mk = mann_kendall([-v for v in SERIES], factor=2.0)
    assert mk.s == -10
    assert mk.variance == pytest.approx(2 * 82 / 3)
    assert mk.z == pytest.approx(-9 / math.sqrt(2 * 82 / 3))


def test_mann_kendall_of_a_constant_series_claims_nothing() -> None:
    """Every pair tied: S = 0 and Var(S) = (n(n−1)(2n+5) − the same)/18 = 0; p = 1."""
    mk = mann_kendall([3.0] * 9)
    assert (mk.s, mk.variance, mk.z, mk.p_value) == (0, 0.0, 0.0, 1.0)


# --------------------------------------------------------------------------- Theil–Sen
def test_theil_sen_by_hand() -> None:
    """The 15 pairwise slopes of SERIES, sorted:
    −1 −1 0 ¼ ½ ½ 0.6 ⅔ ⅔ ⅔ 1 1 1.5 2 2 — the median (8th) is ⅔.
    Intercept = median(y) − slope·median(x) = 4 − ⅔·2.5 = 7/3.
    Sen's interval at 95 %: C = 1.959964·√(82/3) = 10.247; M1 = round((15 − C)/2) = 2,
    M2 = round((15 + C)/2) = 13: the 2nd and 14th slopes, −1 and 2.
    At 80 %: C = 1.281552·√(82/3) = 6.700; M1 = round(4.15) = 4, M2 = round(10.85) = 11:
    the 4th and 12th slopes, ¼ and 1."""
    variance = 82 / 3
    line = sen_slope(SERIES, range(6), 0.95, variance)
    assert line.slope == pytest.approx(2 / 3)
    assert line.intercept == pytest.approx(7 / 3)
    assert (line.low, line.high) == (-1.0, 2.0)
    narrow = sen_slope(SERIES, range(6), 0.80, variance)
    assert (narrow.low, narrow.high) == (0.25, 1.0)


def test_theil_sen_equals_scipy_with_the_plain_variance() -> None:
    rng = np.random.default_rng(3)
    y = list(rng.normal(size=15) + 0.2 * np.arange(15))
    ours = sen_slope(y, range(15), 0.9, trends.mann_kendall_variance(y))
    theirs = stats.theilslopes(y, np.arange(15), alpha=0.9)
    assert (ours.slope, ours.intercept, ours.low, ours.high) == pytest.approx(
        (theirs.slope, theirs.intercept, theirs.low_slope, theirs.high_slope)
    )


# ---------------------------------------------------------------------- autocorrelation
def test_lag1_autocorrelation_of_the_detrended_ranks_by_hand() -> None:
    """[1, 3, 2, 4] undetrended: ranks 1 3 2 4, deviations from 2.5: −1.5 .5 −.5 1.5;
    Σ d² = 5, Σ d_i·d_{i+1} = −.75 − .25 − .75 = −1.75: ρ̂₁ = −0.35.
    Detrended by slope 1: 1 2 0 1, ranks 2.5 4 1 2.5, deviations 0 1.5 −1.5 0;
    Σ d² = 4.5, Σ d_i·d_{i+1} = −2.25: ρ̂₁ = −0.5."""
    assert lag1_autocorrelation([1, 3, 2, 4], range(4), 0.0) == pytest.approx(-0.35)
    assert lag1_autocorrelation([1, 3, 2, 4], range(4), 1.0) == pytest.approx(-0.5)


def test_hamed_rao_factor_by_hand() -> None:
    """n = 8, ρ̂₁ = 0.25: bias-corrected ρ₁ = (8·0.25 + 1)/(8 − 4) = 0.75 > 1.644854/√8 =
    0.5816, so the correction applies with ρ_k = 0.75^k:
    weights (n−k)(n−k−1)(n−k−2) for k = 1..6: 210 120 60 24 6 0;
    Σ = 210·.75 + 120·.5625 + 60·.421875 + 24·.31640625 + 6·.2373046875 = 259.330078125;
    n/n* = 1 + 2/(8·7·6)·259.330078125 = 1 + 259.330078125/168 = 2.5436…
    ρ̂₁ = 0.1 gives ρ₁ = 1.8/4 = 0.45 < 0.5816: no correction; negative ρ̂₁: none either."""
    assert hamed_rao_factor(0.25, 8, 0.95) == pytest.approx(1 + 259.330078125 / 168, rel=1e-12)
    assert hamed_rao_factor(0.1, 8, 0.95) == 1.0
    assert hamed_rao_factor(-0.4, 8, 0.95) == 1.0


# ------------------------------------------------------------------------------ trend
FALLING = [95.0, 94, 93, 92, 91, 90, 89, 88]  # exactly one point per period down


def test_a_straight_falling_line_by_hand() -> None:
    """S = −28 (every pair falls), Var = 8·7·21/18 = 196/3, Z = −27/√(196/3) = −3.3404,
    p = 0.00084: deteriorating when higher is better. Detrended by the slope −1 every value
    is 95: no autocorrelation to correct. The line: slope −1 (every pairwise slope), intercept
    91.5 − (−1)·3.5 = 95, so 88 at the last period (7). Objective 85: the line is at 85 at
    period 10 (still met) and below at 11: crossing = 4."""
    t = trend(FALLING, higher_is_better=True, objective=85)
    assert t.verdict == "deteriorating"
    assert (t.slope, t.slope_low, t.slope_high, t.intercept) == (-1.0, -1.0, -1.0, 95.0)
    assert t.p_value == pytest.approx(math.erfc(27 / math.sqrt(196 / 3) / math.sqrt(2)))
    assert (t.periods, t.autocorrelated, t.variance_factor, t.small_n) == (8, False, 1.0, ())
    assert t.crossing == 4
    assert t.sentence("pp") == (
        "deteriorating by 1.0 pp per period (95 % interval 1.0 to 1.0 pp), significant at "
        "95 % (Mann–Kendall p < 0.001) over 8 periods; on this line it misses the objective "
        "in 4 periods"
    )


@pytest.mark.parametrize(
    ("objective", "crossing"),
    [(88, 1), (87.5, 1), (87, 2), (90, 0), (None, None)],  # the line is 88 at the last period
)
def test_crossing_is_the_first_period_strictly_on_the_wrong_side(
    objective: float | None, crossing: int | None
) -> None:
    """88 = 88 is still met: the line is below 88 one period later. 87.5: 87 at +1. 87: 87
    at +1 is met, 86 at +2 is not. 90: 88 is already below it."""
    assert trend(FALLING, higher_is_better=True, objective=objective).crossing == crossing


def test_the_same_line_is_improving_when_lower_is_better_and_never_crosses() -> None:
    t = trend(FALLING, higher_is_better=False, objective=100)
    assert (t.verdict, t.crossing) == ("improving", None)
    assert t.sentence("h").startswith("improving by 1.0 h per period")


def test_a_rising_line_crosses_an_upper_objective_when_lower_is_better() -> None:
    """MTTR 1, 2, … 8 hours against "at most 10 h": the line is 8 at period 7, 10 at 9 (met),
    11 at 10: crossing = 3."""
    t = trend([1.0, 2, 3, 4, 5, 6, 7, 8], higher_is_better=False, objective=10)
    assert (t.verdict, t.crossing) == ("deteriorating", 3)


def test_gaps_are_skipped_and_the_slope_stays_per_period() -> None:
    """y = position with two periods of no data (None, NaN): the slope is exactly 1 per
    period, and 8 values remain."""
    values = [0.0, None, 2, 3, math.nan, 5, 6, 7, 8, 9]
    t = trend(values, higher_is_better=True)
    assert (t.slope, t.periods, t.verdict) == (1.0, 8, "improving")


def test_too_few_periods_gives_no_verdict() -> None:
    t = trend([1.0, 2, 3, 4, 5, 6, 7, None], higher_is_better=True)
    assert (t.verdict, t.slope, t.p_value, t.periods, t.crossing) == (
        "too few periods", None, None, 7, None
    )  # fmt: skip
    assert t.sentence("pp") == "too few periods for a trend (7 with data)"


def test_small_n_periods_are_flagged_and_left_out_while_enough_remain() -> None:
    """Ten periods; period 2 has 3 tickets and period 9 has 9 (< 10): both flagged, both left
    out (8 remain). Over the first 8 periods only 7 would remain: then all 8 are used."""
    values = [80.0, 82, 0, 81, 83, 84, 82, 85, 86, 100]
    n = [50, 40, 3, 45, 50, 52, 48, 51, 49, 9]
    t = trend(values, higher_is_better=True, n=n)
    assert (t.small_n, t.small_n_excluded, t.periods) == ((2, 9), True, 8)
    assert t.sentence("pp").endswith("; 2 periods with few tickets left out")
    kept = trend(values[:8], higher_is_better=True, n=n[:8])
    assert (kept.small_n, kept.small_n_excluded, kept.periods) == ((2,), False, 8)
    assert kept.sentence("pp").endswith("; 1 period with few tickets flagged")


def test_a_flat_alternating_series_is_stable() -> None:
    """5 6 5 6 5 6 5 6: S = 4 − 0 … = 4 (each 5 before later 6s, minus each 6 before later
    5s: (4+3+2+1) − (3+2+1) = 4), Var = (8·7·21 − 2·4·3·13)/18 = (1176 − 312)/18 = 48,
    Z = 3/√48 = 0.433, p = 0.665: stable."""
    t = trend([5.0, 6] * 4, higher_is_better=True)
    assert t.verdict == "stable"
    assert t.p_value == pytest.approx(math.erfc(3 / math.sqrt(48) / math.sqrt(2)))
    # the 28 pairwise slopes sorted: −1 ×3, −⅓ ×2, −⅕, 0 ×12 (even gaps), 1/7, ⅕ ×2, ⅓ ×3,
    # 1 ×4; median 0. C = 1.96·√48 = 13.58: M1 = round(7.21) = 7, M2 = round(20.79) = 21;
    # the 7th slope is 0 and the 22nd ⅓
    assert t.sentence("") == (
        "stable: no significant trend at 95 % (Mann–Kendall p = 0.67) over 8 periods; "
        "slope 0.00 per period (95 % interval 0.00 to 0.33)"
    )


def test_known_slope_with_noise_gives_that_slope_and_verdict() -> None:
    """−0.8 pp per period plus N(0, 2²) noise over 24 periods: deteriorating, and the true
    slope lies in the interval; the same noise with no slope: stable."""
    noise = np.random.default_rng(11).normal(0, 2, 24)
    t = trend(list(90 - 0.8 * np.arange(24) + noise), higher_is_better=True)
    assert t.verdict == "deteriorating"
    assert t.slope_low is not None and t.slope_high is not None
    assert t.slope_low <= -0.8 <= t.slope_high
    assert trend(list(90 + noise), higher_is_better=True).verdict == "stable"


def test_a_strongly_autocorrelated_series_is_corrected() -> None:
    """A slow wave (period 12) with no trend over 24 periods: the detrended ranks are strongly
    autocorrelated, so the variance is widened (the plain test would see more than it is)."""
    y = list(np.sin(np.arange(24) * 2 * np.pi / 12) + 0.01 * np.arange(24))
    t = trend(y, higher_is_better=True)
    assert t.autocorrelated and t.variance_factor > 1
    plain = mann_kendall(y)
    assert t.p_value is not None and t.p_value > plain.p_value
    assert "corrected for autocorrelation" in t.sentence("")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"confidence": 95}, "confidence 95 is not a probability between 0.5 and 1"),
        ({"n": [1, 2]}, "n has 2 entries but values has 8"),
        ({"min_periods": 2}, "min_periods is 2; a trend needs at least 3 periods"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        trend(FALLING, higher_is_better=True, **kwargs)  # type: ignore[arg-type]


def test_an_infinite_value_is_refused_with_its_position() -> None:
    with pytest.raises(InputError, match=r"values\[2\] is inf; give a finite number, or None"):
        trend([1.0, 2.0, math.inf], higher_is_better=True)


# ------------------------------------------------------------------------------- XmR
def test_xmr_limits_by_hand() -> None:
    """10 12 11 13 12 11 10 12 11 25: mean 127/10 = 12.7; moving ranges 2 1 2 1 1 1 2 1 14,
    mean 25/9 = 2.777…; limits 12.7 ± 2.66·25/9 = 12.7 ± 7.3889: 20.0889 and 5.3111;
    sigma = (25/9)/1.128 = 2.4626, 1.5 sigma = 3.6939: bands 16.394 and 9.006.
    25 is above the upper limit (and alone beyond the band); no run reaches 8."""
    c = xmr([10.0, 12, 11, 13, 12, 11, 10, 12, 11, 25])
    assert c is not None
    assert c.centre == pytest.approx(12.7)
    assert c.moving_range == pytest.approx(25 / 9)
    assert c.upper == pytest.approx(12.7 + 2.66 * 25 / 9)
    assert c.lower == pytest.approx(12.7 - 2.66 * 25 / 9)
    assert c.sigma == pytest.approx(25 / 9 / 1.128)
    assert c.points == 10
    assert [(s.index, s.rule, s.run) for s in c.signals] == [(9, "outside limits", (9,))]
    assert c.signals[0].text == "25.0 above the upper limit 20.1"


def test_xmr_needs_three_values() -> None:
    assert xmr([1.0, None, 2.0]) is None
    assert xmr([1.0, None, 2.0, 3.0]) is not None


# a base with no signal: alternating around 0.05, mean 0.05, moving ranges ≥ 0.2
BASE = [0.45, -0.35, 0.25, -0.15, 0.35, -0.25, 0.15, -0.05] * 4


def test_base_series_has_no_signal() -> None:
    c = xmr(BASE)
    assert c is not None and c.signals == ()


def test_one_spike_is_outside_the_limits_and_nothing_else() -> None:
    x = list(BASE)
    x[5] = 3.0
    c = xmr(x)
    assert c is not None
    assert [(s.index, s.rule, s.run) for s in c.signals] == [(5, "outside limits", (5,))]


def test_a_run_of_eight_on_one_side_is_flagged_at_its_eighth_value() -> None:
    """Positions 9..16 lifted to 0.2, above the centre (0.064) and inside 1.5 sigma (0.557);
    8 lowered to −0.3 and 17 (−0.35) are below: the run is 9..16, completed at 16."""
    x = list(BASE)
    x[8] = -0.3
    for i in range(9, 17):
        x[i] = 0.2
    c = xmr(x)
    assert c is not None
    assert [(s.index, s.rule, s.run) for s in c.signals] == [(16, "run of 8", tuple(range(9, 17)))]
    assert c.signals[0].text.startswith("8 successive values above the centre line")


def test_three_of_four_beyond_one_and_a_half_sigma() -> None:
    """Positions 20, 21 and 23 raised to about 1 (beyond 1.5 sigma, inside the limits), 22
    left at its low value: the rule is completed at 23, by 20, 21 and 23."""
    x = list(BASE)
    x[20], x[21], x[23] = 1.0, 0.9, 1.1
    c = xmr(x)
    assert c is not None
    assert [(s.index, s.rule, s.run) for s in c.signals] == [
        (23, "3 of 4 beyond 1.5 sigma", (20, 21, 23))
    ]
    assert c.signals[0].text.startswith("3 of 4 successive values above")


def test_xmr_positions_skip_periods_without_data() -> None:
    """The spike keeps its position (6) in the series given, after a gap at 2."""
    x: list[float | None] = list(BASE)
    x[2] = None
    x[6] = 3.0
    c = xmr(x)
    assert c is not None and c.points == len(BASE) - 1
    assert [(s.index, s.rule) for s in c.signals] == [(6, "outside limits")]


# --------------------------------------------------------------------------- effects
@pytest.mark.parametrize(
    ("before", "after", "low", "high"),
    [  # Newcombe (1998), Statistics in Medicine 17:873–890, table II, method 10
        ((48, 80), (56, 70), 0.0524, 0.3339),
        ((3, 10), (9, 10), 0.1705, 0.8090),
        ((2, 7), (6, 7), 0.0582, 0.8062),
        ((0, 29), (5, 56), -0.0381, 0.1926),
        ((0, 20), (0, 10), -0.1611, 0.2775),
        ((0, 20), (10, 10), 0.6791, 1.0000),
    ],
)
def test_share_effect_reproduces_newcombes_published_intervals(
    before: tuple[int, int], after: tuple[int, int], low: float, high: float
) -> None:
    """One period on each side: no residual degrees of freedom, φ = 1, the plain hybrid score
    interval at 95 %."""
    e = share_effect([before], [after])
    assert e.dispersion == 1.0
    assert e.low is not None and e.high is not None
    assert (round(e.low / 100, 4), round(e.high / 100, 4)) == (low, high)


def test_share_effect_by_hand() -> None:
    """48/80 = 60 % before, 56/70 = 80 % after: +20 pp, interval 5.24 to 33.39 pp (above);
    pooled share 104/150, se = √(104/150·46/150·(1/80 + 1/70)) = 0.075439, z = 2.6511,
    p = 0.00802."""
    e = share_effect([(48, 80)], [(56, 70)])
    assert e.change == pytest.approx(20.0)
    p = 104 / 150
    z = 0.2 / math.sqrt(p * (1 - p) * (1 / 80 + 1 / 70))
    assert e.p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert (e.verdict, e.before, e.after, e.n_before, e.n_after) == ("improved", 1, 1, 80, 70)
    assert e.sentence("pp") == "improved by 20.0 pp (95 % interval 5.2 to 33.4 pp)"
    worse = share_effect([(48, 80)], [(56, 70)], higher_is_better=False)
    assert worse.verdict == "worsened"
    assert worse.sentence("pp") == "worsened by 20.0 pp (95 % interval 5.2 to 33.4 pp)"


def test_dispersion_by_hand() -> None:
    """Before 18/20 and 10/20, pooled 0.7: χ² = (18 − 14)²/(20·0.21) + (10 − 14)²/4.2 = 32/4.2;
    after 15/20 and 17/20, pooled 0.8: χ² = 1/3.2 + 1/3.2 = 2/3.2; k − s = 4 − 2 = 2:
    φ = (32/4.2 + 2/3.2)/2 = 4.1220."""
    before, after = [(18, 20), (10, 20)], [(15, 20), (17, 20)]
    phi = (32 / 4.2 + 2 / 3.2) / 2
    assert trends.dispersion(before, after) == pytest.approx(phi)
    e = share_effect(before, after)
    assert e.dispersion == pytest.approx(phi)
    # the interval is Newcombe's on 40/φ tickets a side with Student's t on 2 df
    t = stats.t.ppf(0.975, 2)
    n = 40 / phi
    l1, u1 = trends.wilson(0.7 * n, n, t)
    l2, u2 = trends.wilson(0.8 * n, n, t)
    assert e.low == pytest.approx(100 * (0.1 - math.hypot(0.8 - l2, u1 - 0.7)))
    assert e.high == pytest.approx(100 * (0.1 + math.hypot(u2 - 0.8, 0.7 - l1)))
    assert e.verdict == "no detectable change"
    assert e.sentence("pp").startswith("no detectable change (95 % interval −")


def test_binomial_periods_are_not_over_dispersed() -> None:
    """Before 8/10 and 6/10 around 0.7: χ² = 2/2.1 = 0.95 on 2 df (after adds 0): φ = 1."""
    assert trends.dispersion([(8, 10), (6, 10)], [(9, 10), (9, 10)]) == 1.0
    assert trends.dispersion([(10, 10), (5, 5)], [(0, 3)]) == 1.0  # 100 % and 0 %


def test_wilson_by_hand() -> None:
    """80/100 at z = 1.96: centre (0.8 + 1.96²/200)/(1 + 1.96²/100), half-width
    1.96/(1 + 1.96²/100)·√(0.0016 + 1.96²/40000): 0.7112 to 0.8666."""
    low, high = trends.wilson(80, 100, 1.96)
    assert (round(low, 4), round(high, 4)) == (0.7112, 0.8666)


def test_share_effect_not_measurable_without_tickets_on_a_side() -> None:
    e = share_effect([(0, 0), (0, 0)], [(5, 10)])
    assert (e.verdict, e.change, e.before, e.after) == ("not measurable", None, 0, 1)
    assert e.sentence("pp") == "not measurable (0 periods before, 1 after)"
    assert share_effect([], [(5, 10)]).verdict == "not measurable"


def test_share_effect_refuses_impossible_counts() -> None:
    with pytest.raises(InputError, match=r"after\[1\] is \(met=12, n=10\); give whole counts"):
        share_effect([(1, 2)], [(3, 4), (12, 10)])


def test_mean_effect_by_hand() -> None:
    """Before 1 2 3, after 4 5 6: +3; variances 1 and 1, se = √(1/3 + 1/3) = 0.8165;
    Welch df = (2/3)²/((1/3)²/2 + (1/3)²/2) = 4; t(0.975, 4) = 2.776445:
    3 ± 2.26695 = 0.733 to 5.267; p = 2·P(T₄ > 3.674) = 0.0213. Same as scipy's Welch test."""
    e = mean_effect([1.0, 2, 3], [4.0, 5, 6], higher_is_better=True)
    half = stats.t.ppf(0.975, 4) * math.sqrt(2 / 3)
    assert (e.change, e.low, e.high) == pytest.approx((3, 3 - half, 3 + half))
    welch = stats.ttest_ind([4.0, 5, 6], [1.0, 2, 3], equal_var=False)
    assert e.p_value == pytest.approx(welch.pvalue)
    ci = welch.confidence_interval(0.95)
    assert (e.low, e.high) == pytest.approx((ci.low, ci.high))
    assert round(e.p_value, 4) == 0.0213
    assert (e.verdict, e.before, e.after, e.n_before) == ("improved", 3, 3, None)
    assert e.sentence("") == "improved by 3.0 (95 % interval 0.7 to 5.3)"


def test_mean_effect_lower_is_better_reads_as_an_improvement() -> None:
    """MTTR 10 12 9 h before, 6 7 5 h after: −4.33 h, an improvement given as a size."""
    e = mean_effect([10.0, 12, 9], [6.0, 7, 5], higher_is_better=False)
    assert e.verdict == "improved" and e.change == pytest.approx(-13 / 3)
    assert e.sentence("h").startswith("improved by 4.3 h (95 % interval ")


def test_mean_effect_needs_two_periods_a_side() -> None:
    e = mean_effect([99.0], [99.5, None, 99.9], higher_is_better=True)
    assert (e.verdict, e.before, e.after) == ("not measurable", 1, 2)


def test_mean_effect_with_no_spread_is_exact() -> None:
    """100 % every period on both sides: no change at all; 99 then 100 everywhere: an exact
    difference of 1."""
    same = mean_effect([100.0, 100], [100.0, 100], higher_is_better=True)
    assert (same.verdict, same.change, same.low, same.high) == ("no detectable change", 0, 0, 0)
    up = mean_effect([99.0, 99], [100.0, 100], higher_is_better=True)
    assert (up.verdict, up.change, up.low, up.high, up.p_value) == ("improved", 1, 1, 1, 0.0)


def test_methods_name_the_level() -> None:
    assert "Newcombe" in share_effect([(1, 2)], [(1, 2)], confidence=0.9).method
    assert "at 90 %" in share_effect([(1, 2)], [(1, 2)], confidence=0.9).method
    assert "Welch" in mean_effect([1.0, 2], [1.0, 2], higher_is_better=True).method
    assert "Hamed & Rao" in trend(FALLING, higher_is_better=True).method
