"""Statistics over period series: trends, control charts and the effect of an action
(docs/metrics.md, *Trends, control charts and action effects*).

Pure maths: plain sequences in (one value per period, oldest first; ``None`` or NaN = no data
that period), frozen dataclasses out. No warehouse, no catalogue.

- ``trend``: Theil–Sen slope with the Mann–Kendall test, variance corrected for
  autocorrelation (Hamed & Rao 1998) when the ranks are autocorrelated; verdict improving /
  stable / deteriorating at a stated confidence, and when a deteriorating line crosses the
  objective;
- ``xmr``: individuals (XmR) control chart with Wheeler's run rules;
- ``share_effect`` / ``mean_effect``: did a change (an action) move the measure — after minus
  before, with an interval and a verdict.

The building blocks (``mann_kendall``, ``sen_slope``, ``hamed_rao_factor``, ``wilson``,
``dispersion``) are public so that the hand-worked tests can check each number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .distributions import norm_ppf, norm_sf, rankdata, t_ppf, t_sf
from .errors import InputError

# Wheeler's bias-correction constant d2 for moving ranges of two: sigma = mean MR / d2
D2 = 1.128
XMR_LIMIT = 2.66  # ≈ 3/1.128: natural process limits = centre ± 2.66 mean moving ranges
RUN_LENGTH = 8  # successive values on one side of the centre line
OUTER_SIGMA = 1.5  # "3 of 4 successive beyond centre ± 1.5 sigma" (the outer half of the band)

VERDICTS = ("improving", "stable", "deteriorating", "too few periods")
EFFECT_VERDICTS = ("improved", "worsened", "no detectable change", "not measurable")


# --------------------------------------------------------------------------------- input
def _confidence(confidence: float) -> float:
    if not 0.5 <= confidence < 1:
        raise InputError(
            f"confidence {confidence!r} is not a probability between 0.5 and 1; "
            "give it as a fraction, e.g. 0.95 for 95 %"
        )
    return confidence


@lru_cache
def z_two_sided(confidence: float) -> float:
    """The standard normal quantile at 1 − (1 − confidence)/2 (1.96 at 95 %)."""
    return float(norm_ppf(1 - (1 - confidence) / 2))


@lru_cache
def z_one_sided(confidence: float) -> float:
    """The standard normal quantile at ``confidence`` (1.645 at 95 %)."""
    return float(norm_ppf(confidence))


def _present(values: Sequence[float | None], what: str = "values") -> list[int]:
    """Positions of the values with data (None and NaN are no data; ±inf is an error)."""
    positions = []
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if not math.isfinite(v):
            raise InputError(
                f"{what}[{i}] is {v!r}; give a finite number, or None for a period with no data"
            )
        positions.append(i)
    return positions


# -------------------------------------------------------------------------- Mann–Kendall
@dataclass(frozen=True)
class MannKendall:
    """The Mann–Kendall statistic S, its variance under no trend (ties corrected, times the
    autocorrelation factor), the continuity-corrected normal score Z and its two-sided p."""

    s: int
    variance: float
    z: float
    p_value: float


def mann_kendall_s(values: Sequence[float]) -> int:
    """S = Σ_{i<j} sign(x_j − x_i) over the values in time order."""
    x = np.asarray(values, dtype=float)
    return int(np.sign(x[None, :] - x[:, None])[np.triu_indices(len(x), 1)].sum())


def mann_kendall_variance(values: Sequence[float]) -> float:
    """Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18, the sum over groups of t tied values."""
    n = len(values)
    _, counts = np.unique(np.asarray(values, dtype=float), return_counts=True)
    ties = int(sum(int(t) * (int(t) - 1) * (2 * int(t) + 5) for t in counts))
    return (n * (n - 1) * (2 * n + 5) - ties) / 18


def mann_kendall(values: Sequence[float], factor: float = 1.0) -> MannKendall:
    """The two-sided Mann–Kendall test, Var(S) multiplied by ``factor`` (n/n*, ≥ 1)."""
    s = mann_kendall_s(values)
    variance = mann_kendall_variance(values) * factor
    if variance <= 0:  # every value the same: no evidence of anything
        return MannKendall(s, variance, 0.0, 1.0)
    z = (s - np.sign(s)) / math.sqrt(variance)
    return MannKendall(s, variance, float(z), 2 * norm_sf(abs(z)))


def lag1_autocorrelation(values: Sequence[float], positions: Sequence[int], slope: float) -> float:
    """ρ̂₁: the lag-1 autocorrelation of the ranks of the series detrended by ``slope``,
    Σ (r_i − r̄)(r_{i+1} − r̄) / Σ (r_i − r̄)² (0 when every rank is the same)."""
    detrended = np.asarray(values, dtype=float) - slope * np.asarray(positions, dtype=float)
    r = rankdata(detrended)
    r = r - r.mean()
    denom = float(r @ r)
    return 0.0 if denom == 0 else float(r[:-1] @ r[1:]) / denom


def hamed_rao_factor(rho1: float, n: int, confidence: float) -> float:
    """Hamed & Rao's (1998) variance factor n/n* for an AR(1) series, at least 1.

    ρ₁ = (n·ρ̂₁ + 1)/(n − 4) is Kendall's bias correction of the lag-1 autocorrelation of the
    detrended ranks (capped at 0.95). Only when it exceeds z/√n (one-sided at
    ``confidence``) is n/n* = 1 + 2/(n(n−1)(n−2)) Σ_{k=1}^{n−2} (n−k)(n−k−1)(n−k−2) ρ₁^k
    applied: ρ_k = ρ₁^k, because with a few dozen periods the lags beyond 1 are mostly noise.
    Negative autocorrelation makes the plain test conservative and is left alone."""
    if n < 5:
        return 1.0
    rho = min((n * rho1 + 1) / (n - 4), 0.95)
    if rho <= z_one_sided(confidence) / math.sqrt(n):
        return 1.0
    k = np.arange(1, n - 1)
    weights = (n - k) * (n - k - 1) * (n - k - 2)
    return max(1.0, 1 + 2 / (n * (n - 1) * (n - 2)) * float((weights * rho**k).sum()))


# ---------------------------------------------------------------------------- Theil–Sen
@dataclass(frozen=True)
class SenSlope:
    """Theil–Sen slope (median of the pairwise slopes), Conover's intercept
    (median(y) − slope·median(x)) and Sen's (1968) interval for the slope."""

    slope: float
    intercept: float
    low: float
    high: float


def pairwise_slopes(values: Sequence[float], positions: Sequence[int]) -> np.ndarray:
    """(y_j − y_i)/(x_j − x_i) over every pair i < j of periods, sorted."""
    y = np.asarray(values, dtype=float)
    x = np.asarray(positions, dtype=float)
    upper = np.triu_indices(len(y), 1)
    return np.sort((y[None, :] - y[:, None])[upper] / (x[None, :] - x[:, None])[upper])


def sen_interval(slopes: np.ndarray, variance: float, confidence: float) -> tuple[float, float]:
    """Sen's (1968) interval: of the N sorted pairwise slopes, the M1-th and the (M2+1)-th
    (1-based), M1 = (N − C)/2 and M2 = (N + C)/2 rounded, C = z·√Var(S), with ``variance``
    the Mann–Kendall variance (corrected for autocorrelation, so the interval widens with
    it); scipy.stats.theilslopes gives the same interval from the plain variance."""
    c = z_two_sided(confidence) * math.sqrt(max(variance, 0.0))
    m1 = max(int(np.round((len(slopes) - c) / 2)) - 1, 0)
    m2 = min(int(np.round((len(slopes) + c) / 2)), len(slopes) - 1)
    return float(slopes[m1]), float(slopes[m2])


def sen_slope(
    values: Sequence[float], positions: Sequence[int], confidence: float, variance: float
) -> SenSlope:
    """The Theil–Sen line of ``values`` at ``positions`` with Sen's interval for its slope."""
    slopes = pairwise_slopes(values, positions)
    slope = float(np.median(slopes))
    intercept = float(np.median(values)) - slope * float(np.median(positions))
    return SenSlope(slope, intercept, *sen_interval(slopes, variance, confidence))


# ------------------------------------------------------------------------------- trend
@dataclass(frozen=True)
class Trend:
    """A trend verdict over a period series (see ``trend``). Positions are indices into the
    series given; the Theil–Sen line is ``intercept + slope · position``."""

    verdict: str  # "improving" | "stable" | "deteriorating" | "too few periods"
    slope: float | None  # measure units per period (pp per period for a share in %)
    slope_low: float | None  # Sen's interval at `confidence`
    slope_high: float | None
    p_value: float | None  # two-sided Mann–Kendall, autocorrelation-corrected when needed
    confidence: float
    periods: int  # values used by the test
    autocorrelated: bool  # whether the Hamed–Rao correction widened the variance
    small_n: tuple[int, ...]  # positions with data whose n is below min_n (flagged)
    crossing: int | None  # deteriorating only: periods after the last one until the line
    # is on the wrong side of the objective (0: it already is)
    method: str
    intercept: float | None = None
    small_n_excluded: bool = False  # whether the small_n periods were left out of the test
    variance_factor: float = 1.0  # Hamed & Rao's n/n* applied to Var(S)

    def sentence(self, unit: str) -> str:
        """The verdict in words, e.g. "deteriorating by 0.8 pp per period (95 % interval 0.3
        to 1.2 pp), significant at 95 % (Mann–Kendall p = 0.01) over 24 periods"."""
        level = _percent(self.confidence)
        if self.slope is None or self.slope_low is None or self.slope_high is None:
            return f"too few periods for a trend ({self.periods} with data)"
        if self.verdict == "stable":
            lo, hi = self.slope_low, self.slope_high
            text = (
                f"stable: no significant trend at {level} ({_p(self.p_value)}) over "
                f"{self.periods} periods; slope {_num(self.slope, lo, hi)}{_unit(unit)} per "
                f"period ({level} interval {_num(lo, lo, hi)} to {_num(hi, lo, hi)}{_unit(unit)})"
            )
        else:
            # the slope and its interval as magnitudes in the verdict's direction
            sign = 1.0 if self.slope + (self.slope == 0) * self.slope_high >= 0 else -1.0
            lo, hi = sorted((sign * self.slope_low, sign * self.slope_high))
            text = (
                f"{self.verdict} by {_num(sign * self.slope, lo, hi)}{_unit(unit)} per period "
                f"({level} interval {_num(lo, lo, hi)} to {_num(hi, lo, hi)}{_unit(unit)}), "
                f"significant at {level} ({_p(self.p_value)}) over {self.periods} periods"
            )
        if self.autocorrelated:
            text += ", corrected for autocorrelation"
        if self.small_n:
            k = len(self.small_n)
            text += f"; {k} period{'s' if k > 1 else ''} with few tickets"
            text += " left out" if self.small_n_excluded else " flagged"
        if self.crossing == 0:
            text += "; the trend line is already on the wrong side of the objective"
        elif self.crossing is not None:
            k = self.crossing
            text += f"; on this line it misses the objective in {k} period{'s' * (k > 1)}"
        return text


def trend(
    values: Sequence[float | None],
    *,
    higher_is_better: bool,
    objective: float | None = None,
    n: Sequence[int | None] | None = None,
    confidence: float = 0.95,
    min_periods: int = 8,
    min_n: int = 10,
) -> Trend:
    """Is the series improving, stable or deteriorating at ``confidence``?

    ``values`` holds one value per period, oldest first (None or NaN: no data, skipped; the
    slope stays per period across the gap); ``n`` the number of tickets behind each value
    (None: not counted). Periods with data but fewer than ``min_n`` tickets are flagged in
    ``small_n`` and left out of the test while at least ``min_periods`` others remain. With
    fewer than ``min_periods`` values the verdict is "too few periods"."""
    confidence = _confidence(confidence)
    if min_periods < 3:
        raise InputError(f"min_periods is {min_periods}; a trend needs at least 3 periods")
    present = _present(values)
    if n is not None and len(n) != len(values):
        raise InputError(
            f"n has {len(n)} entries but values has {len(values)}; give one ticket count per "
            "period (None where it is not counted)"
        )
    small = tuple(i for i in present if n is not None and (c := n[i]) is not None and c < min_n)
    used = [i for i in present if i not in small]
    if len(used) < min_periods:
        used = present
    method = _trend_method(confidence, min_periods, min_n)
    if len(used) < min_periods:
        return Trend("too few periods", None, None, None, None, confidence, len(present),
                     False, small, None, method)  # fmt: skip
    y = [float(values[i]) for i in used]  # type: ignore[arg-type]
    slopes = pairwise_slopes(y, used)
    slope = float(np.median(slopes))
    factor = hamed_rao_factor(lag1_autocorrelation(y, used, slope), len(y), confidence)
    mk = mann_kendall(y, factor)
    intercept = float(np.median(y)) - slope * float(np.median(used))
    line = SenSlope(slope, intercept, *sen_interval(slopes, mk.variance, confidence))
    verdict = "stable"
    if mk.p_value < 1 - confidence:
        verdict = "improving" if (mk.s > 0) == higher_is_better else "deteriorating"
    crossing = None
    if verdict == "deteriorating" and objective is not None:
        crossing = _crossing(line, len(values) - 1, objective, higher_is_better)
    return Trend(
        verdict, line.slope, line.low, line.high, mk.p_value, confidence, len(used),
        factor > 1, small, crossing, method, line.intercept, used != present, factor,
    )  # fmt: skip


def _crossing(line: SenSlope, last: int, objective: float, higher_is_better: bool) -> int | None:
    """Periods after ``last`` until the line is strictly on the wrong side of the objective
    (below it when higher is better, above it otherwise): 0 if it already is, None if the
    line never gets there."""
    # distance still to go, in the direction of deterioration
    gap = line.intercept + line.slope * last - objective
    step = line.slope
    if not higher_is_better:
        gap, step = -gap, -step
    if gap < 0:
        return 0
    if step >= 0:
        return None
    return math.floor(gap / -step) + 1


def _trend_method(confidence: float, min_periods: int, min_n: int) -> str:
    return (
        "Theil–Sen slope with Sen's interval and the two-sided Mann–Kendall test (ties "
        "corrected), its variance corrected by Hamed & Rao (1998) for an AR(1) series when "
        "the bias-corrected lag-1 autocorrelation of the detrended ranks is significantly "
        "positive; verdict at "
        f"{_percent(confidence)} confidence over at least {min_periods} periods with data; "
        f"periods with fewer than {min_n} tickets are flagged and left out while "
        f"{min_periods} others remain."
    )


# ---------------------------------------------------------------------- formatting
def _percent(confidence: float) -> str:
    return f"{confidence * 100:g} %"


def _p(p: float | None) -> str:
    if p is None:
        return "no p-value"
    return "Mann–Kendall p < 0.001" if p < 0.001 else f"Mann–Kendall p = {p:.2g}"


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


_Fmt = Callable[[float], str]


def _formatter(x: np.ndarray, sigma: float) -> _Fmt:
    """Values of a chart with the decimals that give ``sigma`` two significant digits."""
    decimals = 1 if sigma <= 0 else max(0, 1 - math.floor(math.log10(sigma)))
    return lambda v: _minus(f"{v:.{decimals}f}")


def _minus(text: str) -> str:
    """A true minus sign, and no "−0"."""
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def _num(x: float, *scale: float) -> str:
    """``x`` with the decimals that give the largest of ``scale`` (and x) two significant
    digits, a true minus sign, no "−0"."""
    top = max([abs(x), *(abs(v) for v in scale)])
    decimals = 1 if top == 0 else max(1, 1 - math.floor(math.log10(top)))
    return _minus(f"{x:.{decimals}f}")


# -------------------------------------------------------------------------- control chart
@dataclass(frozen=True)
class Signal:
    """A special-cause signal on a control chart: ``index`` is the position of the value that
    completes the rule, ``run`` the positions of every value taking part."""

    index: int
    rule: str  # "outside limits" | "run of 8" | "3 of 4 beyond 1.5 sigma"
    text: str
    run: tuple[int, ...] = ()


@dataclass(frozen=True)
class ControlChart:
    """An XmR (individuals) chart: centre line, natural process limits, the mean moving range
    and the special-cause signals found by Wheeler's rules."""

    centre: float
    upper: float
    lower: float
    moving_range: float
    signals: tuple[Signal, ...]
    method: str
    sigma: float = 0.0  # mean moving range / 1.128
    points: int = 0  # values with data


XMR_METHOD = (
    "XmR (individuals) chart after Wheeler: centre line = mean, natural process limits = "
    "centre ± 2.66 × mean moving range; special causes: a value outside the limits, "
    f"{RUN_LENGTH} successive values on one side of the centre line, 3 of 4 successive values "
    "beyond centre ± 1.5 sigma on the same side (sigma = mean moving range / 1.128)."
)


def xmr(values: Sequence[float | None]) -> ControlChart | None:
    """The XmR chart of ``values`` (None or NaN: no data, skipped: moving ranges and runs go
    from one value with data to the next); None with fewer than 3 values."""
    positions = _present(values)
    if len(positions) < 3:
        return None
    x = np.array([values[i] for i in positions], dtype=float)
    centre = float(x.mean())
    mr = float(np.abs(np.diff(x)).mean())
    sigma = mr / D2
    upper, lower = centre + XMR_LIMIT * mr, centre - XMR_LIMIT * mr
    fmt = _formatter(x, sigma)
    signals = [
        Signal(p, "outside limits", f"{fmt(v)} above the upper limit {fmt(upper)}", (p,))
        if v > upper
        else Signal(p, "outside limits", f"{fmt(v)} below the lower limit {fmt(lower)}", (p,))
        for p, v in zip(positions, x, strict=True)
        if v > upper or v < lower
    ]
    signals += _runs(x, positions, centre, fmt)
    signals += _outer_thirds(x, positions, centre, OUTER_SIGMA * sigma, fmt)
    signals.sort(key=lambda s: (s.index, s.rule))
    return ControlChart(centre, upper, lower, mr, tuple(signals), XMR_METHOD, sigma, len(x))


def _runs(x: np.ndarray, positions: list[int], centre: float, fmt: _Fmt) -> list[Signal]:
    """One signal per maximal run of at least 8 successive values on one side of the centre
    (a value on the line ends a run), completed by its 8th value."""
    side = np.sign(x - centre)
    signals, start = [], 0
    for j in range(1, len(x) + 1):
        if j < len(x) and side[j] == side[start]:
            continue
        if side[start] != 0 and j - start >= RUN_LENGTH:
            where = "above" if side[start] > 0 else "below"
            text = f"{j - start} successive values {where} the centre line {fmt(centre)}"
            run = tuple(positions[start:j])
            signals.append(Signal(run[RUN_LENGTH - 1], f"run of {RUN_LENGTH}", text, run))
        start = j
    return signals


def _outer_thirds(
    x: np.ndarray, positions: list[int], centre: float, band: float, fmt: _Fmt
) -> list[Signal]:
    """3 of 4 successive values beyond centre ± band on the same side. A value completes the
    rule when it and at least two of the three values before it are beyond; completions whose
    beyond values overlap are one signal, at its first completion."""
    signals = []
    for sign, where in ((1, "above"), (-1, "below")):
        beyond = sign * (x - centre) > band
        runs: list[tuple[int, list[int]]] = []  # (completing value, beyond values), in x
        for j in (int(i) for i in np.flatnonzero(beyond)):
            window = [i for i in range(max(0, j - 3), j + 1) if beyond[i]]
            if len(window) < 3:
                continue
            if runs and window[0] <= runs[-1][1][-1]:
                runs[-1][1].extend(i for i in window if i > runs[-1][1][-1])
            else:
                runs.append((j, window))
        for j, members in runs:
            span = members[-1] - members[0] + 1
            line = fmt(centre + sign * band)
            rule = f"centre {'+' if sign > 0 else '−'} 1.5 sigma"
            text = f"{len(members)} of {span} successive values {where} {line} ({rule})"
            run = tuple(positions[i] for i in members)
            signals.append(Signal(positions[j], "3 of 4 beyond 1.5 sigma", text, run))
    return signals


# --------------------------------------------------------------------------- action effects
@dataclass(frozen=True)
class Effect:
    """After minus before, in measure units (pp for shares), with its interval and verdict."""

    verdict: str  # "improved" | "worsened" | "no detectable change" | "not measurable"
    change: float | None
    low: float | None
    high: float | None
    p_value: float | None
    before: int  # periods with data on each side
    after: int
    n_before: int | None  # tickets, for shares
    n_after: int | None
    method: str
    confidence: float = 0.95
    higher_is_better: bool = True
    dispersion: float | None = None  # shares: the over-dispersion factor φ applied

    def sentence(self, unit: str) -> str:
        """E.g. "improved by 4.2 pp (95 % interval 1.1 to 7.3 pp)" or "no detectable change
        (95 % interval −2.0 to 3.1 pp)"; an improvement or a worsening is given as a size,
        with its interval in the same direction."""
        if self.change is None or self.low is None or self.high is None:
            return f"not measurable ({self.before} periods before, {self.after} after)"
        level, u = _percent(self.confidence), _unit(unit)
        if self.verdict == "no detectable change":
            lo, hi = self.low, self.high
            return f"no detectable change ({level} interval {_num(lo, hi)} to {_num(hi, lo)}{u})"
        sign = 1.0 if self.change >= 0 else -1.0
        lo, hi = sorted((sign * self.low, sign * self.high))
        by = _num(sign * self.change, lo, hi)
        return f"{self.verdict} by {by}{u} ({level} interval {_num(lo, hi)} to {_num(hi, lo)}{u})"


def _effect_verdict(low: float, high: float, higher_is_better: bool) -> str:
    """The verdict of an interval for after − before: a change only when it excludes 0."""
    if low > 0 or high < 0:
        return "improved" if (low > 0) == higher_is_better else "worsened"
    return "no detectable change"


def wilson(met: float, n: float, z: float) -> tuple[float, float]:
    """Wilson score interval for a share met/n (n may be an effective, fractional count)."""
    p = met / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def dispersion(*sides: Sequence[tuple[int, int]]) -> float:
    """The quasi-binomial over-dispersion φ = max(1, Pearson χ²/(k − s)): χ² sums
    (met_i − n_i·p)² / (n_i·p·(1 − p)) over the k periods with tickets, p the pooled share of
    each period's side, s the number of sides; 1 when there are no residual degrees of
    freedom or every share is 0 % or 100 %."""
    chi2, k, s = 0.0, 0, 0
    for side in sides:
        periods = [(m, n) for m, n in side if n > 0]
        if not periods:
            continue
        p = sum(m for m, _ in periods) / sum(n for _, n in periods)
        s += 1
        k += len(periods)
        if 0 < p < 1:
            chi2 += sum((m - n * p) ** 2 / (n * p * (1 - p)) for m, n in periods)
    return max(1.0, chi2 / (k - s)) if k > s else 1.0


def share_effect(
    before: Sequence[tuple[int, int]],
    after: Sequence[tuple[int, int]],
    *,
    higher_is_better: bool = True,
    confidence: float = 0.95,
) -> Effect:
    """Did the share of tickets met change? ``before`` and ``after`` hold (met, n) per period.

    The pooled shares of each side are compared with Newcombe's hybrid score interval for
    the difference (built from the two Wilson intervals), on effective counts n/φ where φ is
    the quasi-binomial over-dispersion of the periods around their side's pooled share; when
    φ > 1 the quantile is Student's t on the k − 2 residual degrees of freedom instead of the
    normal one. The p-value is the pooled two-proportion z (or t) test on the same counts."""
    confidence = _confidence(confidence)
    sides = [_checked_counts(before, "before"), _checked_counts(after, "after")]
    (m1, n1, k1), (m2, n2, k2) = (_totals(side) for side in sides)
    phi = dispersion(*sides)
    method = SHARE_METHOD.format(level=_percent(confidence))
    if n1 == 0 or n2 == 0:
        return Effect("not measurable", None, None, None, None, k1, k2, n1, n2, method,
                      confidence, higher_is_better)  # fmt: skip
    df = k1 + k2 - 2
    z = z_two_sided(confidence) if phi == 1 else t_ppf(1 - (1 - confidence) / 2, df)
    e1, e2 = n1 / phi, n2 / phi
    p1, p2 = m1 / n1, m2 / n2
    (l1, u1), (l2, u2) = wilson(p1 * e1, e1, z), wilson(p2 * e2, e2, z)
    d = p2 - p1
    low = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    pooled = (m1 + m2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / e1 + 1 / e2))
    if se == 0:
        p_value = 1.0
    elif phi == 1:
        p_value = 2 * norm_sf(abs(d) / se)
    else:
        p_value = 2 * t_sf(abs(d) / se, df)
    return Effect(
        _effect_verdict(low, high, higher_is_better), 100 * d, 100 * low, 100 * high, p_value,
        k1, k2, n1, n2, method, confidence, higher_is_better, phi,
    )  # fmt: skip


SHARE_METHOD = (
    "Pooled share after minus pooled share before, with Newcombe's hybrid score interval at "
    "{level} on effective counts n/φ (φ: quasi-binomial over-dispersion of the monthly "
    "shares, at least 1; Student's t quantile when φ > 1); the verdict is the interval's."
)


def _checked_counts(side: Sequence[tuple[int, int]], name: str) -> list[tuple[int, int]]:
    for i, pair in enumerate(side):
        met, n = pair
        if not (0 <= met <= n):
            raise InputError(
                f"{name}[{i}] is (met={met!r}, n={n!r}); give whole counts with "
                "0 ≤ met ≤ n, one pair per period"
            )
    return [(int(m), int(n)) for m, n in side]


def _totals(side: Sequence[tuple[int, int]]) -> tuple[int, int, int]:
    """Tickets met, tickets and periods with tickets."""
    return sum(m for m, _ in side), sum(n for _, n in side), sum(1 for _, n in side if n > 0)


def mean_effect(
    before: Sequence[float | None],
    after: Sequence[float | None],
    *,
    higher_is_better: bool,
    confidence: float = 0.95,
) -> Effect:
    """Did a per-period value (availability %, mean score, MTTR hours) change? Welch's t on
    the per-period values (None or NaN: no data, skipped); "not measurable" with fewer than
    2 periods on a side."""
    confidence = _confidence(confidence)
    x1 = np.array([before[i] for i in _present(before, "before")], dtype=float)
    x2 = np.array([after[i] for i in _present(after, "after")], dtype=float)
    method = MEAN_METHOD.format(level=_percent(confidence))
    if len(x1) < 2 or len(x2) < 2:
        return Effect("not measurable", None, None, None, None, len(x1), len(x2), None, None,
                      method, confidence, higher_is_better)  # fmt: skip
    d = float(x2.mean() - x1.mean())
    v1, v2 = x1.var(ddof=1) / len(x1), x2.var(ddof=1) / len(x2)
    se = math.sqrt(v1 + v2)
    if se == 0:  # every value the same on both sides: the difference is exact
        low = high = d
        p_value = 1.0 if d == 0 else 0.0
    else:
        df = (v1 + v2) ** 2 / (v1**2 / (len(x1) - 1) + v2**2 / (len(x2) - 1))
        q = t_ppf(1 - (1 - confidence) / 2, df)
        low, high = d - q * se, d + q * se
        p_value = 2 * t_sf(abs(d) / se, df)
    return Effect(
        _effect_verdict(low, high, higher_is_better) if se else _exact_verdict(d, higher_is_better),
        d, low, high, p_value, len(x1), len(x2), None, None, method, confidence,
        higher_is_better,
    )  # fmt: skip


def _exact_verdict(d: float, higher_is_better: bool) -> str:
    if d == 0:
        return "no detectable change"
    return "improved" if (d > 0) == higher_is_better else "worsened"


MEAN_METHOD = (
    "Mean of the periods after minus mean of the periods before, with Welch's t interval at "
    "{level} (unequal variances, Welch–Satterthwaite degrees of freedom)."
)
