"""A plain-Python reading of the share forecast's exact sum, for checking ``share_outcome``
(which sums a band of met counts per row with a pmf recurrence, vectorised).

Every (r remaining tickets, m of them met) pair is enumerated, m over all of 0..r, with the
beta-binomial pmf written out from log-gamma functions; the period's end is judged by the same
rule as the status word (``status.meets``). No scipy, no numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from slm_analysis.status import meets


def log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def betabinom_pmf(m: int, r: int, a: float, b: float) -> float:
    """C(r, m) B(m + a, r − m + b) / B(a, b)."""
    log_choose = math.lgamma(r + 1) - math.lgamma(m + 1) - math.lgamma(r - m + 1)
    return math.exp(log_choose + log_beta(m + a, r - m + b) - log_beta(a, b))


@dataclass
class Outcome:
    p_met: float
    p_no_data: float


def share_outcome(
    met: int,
    n: int,
    remaining: list[tuple[int, float]],
    a: float,
    b: float,
    objective: float,
    higher_is_better: bool,
) -> Outcome:
    p_met = p_none = 0.0
    for r, w in remaining:
        if n + r == 0:
            p_none += w
            continue
        for m in range(r + 1):
            if meets(100.0 * (met + m) / (n + r), objective, higher_is_better):
                p_met += w * betabinom_pmf(m, r, a, b)
    return Outcome(p_met, p_none)
