"""slm_analysis.trends (numpy) against the plain-Python reference (reference_trends) on
hypothesis-generated series, ties and gaps included."""

from __future__ import annotations

import itertools
import math

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from slm_analysis import trends

from . import reference_trends as ref

# small integers and halves make ties common
value = st.integers(-20, 20).map(lambda v: v / 2)
series = st.lists(value, min_size=3, max_size=30)


@settings(max_examples=200, deadline=None)
@given(xs=series)
def test_mann_kendall_equals_the_reference(xs: list[float]) -> None:
    mk = trends.mann_kendall(xs)
    assert mk.s == ref.mk_s(xs)
    assert mk.variance == pytest.approx(ref.mk_variance(xs))


@settings(max_examples=200, deadline=None)
@given(xs=series, data=st.data())
def test_theil_sen_equals_the_reference(xs: list[float], data: st.DataObject) -> None:
    gaps = data.draw(st.lists(st.integers(1, 3), min_size=len(xs), max_size=len(xs)))
    positions = [sum(gaps[: i + 1]) for i in range(len(xs))]
    line = trends.sen_slope(xs, positions, 0.95, ref.mk_variance(xs))
    assert line.slope == pytest.approx(ref.theil_sen(xs, positions))
    assert line.low <= line.slope <= line.high


@settings(max_examples=300, deadline=None)
@given(xs=st.lists(value, min_size=3, max_size=40))
def test_xmr_rules_equal_the_reference(xs: list[float]) -> None:
    c = trends.xmr(xs)
    assert c is not None
    assert c.centre == pytest.approx(sum(xs) / len(xs))
    mr = sum(abs(b - a) for a, b in itertools.pairwise(xs)) / (len(xs) - 1)
    assert c.moving_range == pytest.approx(mr)
    by_rule: dict[str, list[trends.Signal]] = {}
    for s in c.signals:
        by_rule.setdefault(s.rule, []).append(s)
        assert s.index in s.run
    found = {s.index for s in by_rule.get("outside limits", [])}
    assert found == ref.outside(xs, c.upper, c.lower)
    runs = by_rule.get("run of 8", [])
    assert {i for s in runs for i in s.run} == ref.in_runs(xs, c.centre)
    assert all(s.index == s.run[7] for s in runs)
    completing, members = ref.three_of_four(xs, c.centre, 1.5 * c.sigma)
    outer = by_rule.get("3 of 4 beyond 1.5 sigma", [])
    assert {i for s in outer for i in s.run} == members
    assert {s.index for s in outer} <= completing
    # every completion lies inside the run of a signal
    for j in completing:
        assert any(s.run[0] <= j <= s.run[-1] and j in s.run for s in outer)


@settings(max_examples=200, deadline=None)
@given(
    before=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=6),
    after=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=6),
)
def test_share_effect_interval_holds_its_estimate(
    before: list[tuple[int, int]], after: list[tuple[int, int]]
) -> None:
    b = [(min(m, n), n) for m, n in before]
    a = [(min(m, n), n) for m, n in after]
    e = trends.share_effect(b, a)
    if sum(n for _, n in b) == 0 or sum(n for _, n in a) == 0:
        assert e.verdict == "not measurable"
        return
    assert e.low is not None and e.high is not None and e.change is not None
    assert -100 <= e.low <= e.change <= e.high <= 100
    assert e.dispersion is not None and e.dispersion >= 1
    assert e.p_value is not None and 0 <= e.p_value <= 1
    assert not math.isnan(e.low)
