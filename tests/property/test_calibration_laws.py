"""The calibration maths against brute force: the threshold a period needs, the objective met
in a share of periods (the strictest at its precision, never past what was achieved) and the
number of periods a share takes.

Achieved values are generated as attainment computes them (100 × met / n, or a mean of
seconds), objectives as customers write them (whole or tenths of a percent), shares as
fractions of periods.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import hypothesis.strategies as st
import pandas as pd
from hypothesis import given

from slm_analysis.calibration import (
    needed_within,
    objective_for_share,
    period_threshold,
    periods_needed,
)
from slm_analysis.status import meets

objectives = st.integers(1, 1000).map(lambda x: x / 10)  # 0.1 % … 100 %
shares = st.integers(1, 100).map(lambda x: x / 100)
rates = st.integers(1, 10_000).flatmap(lambda n: st.integers(0, n).map(lambda m: 100.0 * m / n))


@given(st.lists(st.integers(0, 400_000), min_size=1, max_size=60), objectives)
def test_period_threshold_is_the_least_that_meets(elapsed: list[int], objective: float) -> None:
    """The least of 0 and the elapsed times with which objective % of the tickets are within."""

    def enough(threshold: float) -> bool:
        within = sum(e <= threshold for e in elapsed)
        return meets(100.0 * within / len(elapsed), objective, True)

    least = next(c for c in sorted({0, *elapsed}) if enough(c))
    assert period_threshold(elapsed, objective) == least
    k = needed_within(len(elapsed), objective)
    assert k == next(j for j in range(len(elapsed) + 1) if meets(100.0 * j / len(elapsed),
                                                                  objective, True))  # fmt: skip


@given(st.integers(1, 500), shares)
def test_periods_needed_is_exact(measured: int, share: float) -> None:
    exact = Fraction(repr(share))
    k = periods_needed(measured, share)
    assert Fraction(k, measured) >= exact
    assert k == 1 or Fraction(k - 1, measured) < exact


@given(st.lists(rates, min_size=1, max_size=30), shares)
def test_objective_for_share_is_the_strictest_met(values: list[float], share: float) -> None:
    objective = objective_for_share(pd.Series(values), share)
    assert objective is not None
    k = periods_needed(len(values), share)
    tenths = Decimal(repr(objective)) * 10
    assert tenths == tenths.to_integral_value()  # written to 0.1 pp
    assert sum(meets(v, objective, True) for v in values) >= k
    assert sum(meets(v, objective + 0.1, True) for v in values) < k  # a tenth more: too few
    assert objective <= sorted(values, reverse=True)[k - 1]  # never past what was achieved


@given(st.lists(st.integers(1, 200_000), min_size=1, max_size=30), shares)
def test_lower_is_better_objective_is_the_lowest_met(seconds: list[int], share: float) -> None:
    """Mean times in seconds (lower is better), proposed to the whole minute."""
    frame = pd.DataFrame({"achieved": [float(s) for s in seconds], "in_progress": False,
                          "higher_is_better": False, "unit": "s"})  # fmt: skip
    objective = objective_for_share(frame, share)
    assert objective is not None and objective % 60 == 0
    k = periods_needed(len(seconds), share)
    assert sum(meets(v, objective, False) for v in seconds) >= k
    assert sum(meets(v, objective - 60, False) for v in seconds) < k
    assert objective >= sorted(seconds)[k - 1]
