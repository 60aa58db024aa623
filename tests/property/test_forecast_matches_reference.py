"""The share forecast's exact sum (``forecast.share_outcome``: a band of met counts per row, a
pmf recurrence, vectorised) agrees with the plain enumeration of every (remaining, met) pair
(reference_forecast.py); and the forecast never rises as the objective rises.

Hypothesis draws tickets so far, a distribution of 0–60 remaining tickets, Beta parameters from
very weak (U-shaped) to very strong, objectives anywhere (0 and 100 included), either direction.
"""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

from slm_analysis import forecast

from .reference_forecast import share_outcome


@st.composite
def cases(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(0, 40))
    met = draw(st.integers(0, n))
    rs = sorted(draw(st.sets(st.integers(0, 60), min_size=1, max_size=8)))
    ws = [draw(st.floats(0.01, 1.0)) for _ in rs]
    total = sum(ws)
    return {
        "met": met,
        "n": n,
        "remaining": [(r, w / total) for r, w in zip(rs, ws, strict=True)],
        "a": draw(st.floats(0.05, 2000.0)),
        "b": draw(st.floats(0.05, 2000.0)),
        "objective": draw(st.one_of(st.sampled_from([0.0, 50.0, 90.0, 95.0, 100.0]),
                                    st.floats(0.0, 100.0))),
        "higher_is_better": draw(st.booleans()),
    }  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(cases())
def test_share_outcome_matches_the_enumeration(case: dict) -> None:
    remaining = case["remaining"]
    out = forecast.share_outcome(
        met=case["met"],
        n=case["n"],
        remaining=np.array([r for r, _ in remaining], dtype=np.int64),
        weights=np.array([w for _, w in remaining]),
        alpha=case["a"],
        beta=case["b"],
        objective=case["objective"],
        higher_is_better=case["higher_is_better"],
    )
    ref = share_outcome(**case)
    assert out.p_no_data == pytest.approx(ref.p_no_data, abs=1e-12)
    # share_outcome keeps an open outcome within [1e-12, 1 − 1e-12]
    assert out.p_met == pytest.approx(min(max(ref.p_met, 1e-12), 1 - 1e-12), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 30).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.floats(0.0, 0.99),
    st.lists(st.integers(0, 40).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
             min_size=0, max_size=8),
    st.floats(0.0, 100.0),
    st.floats(0.0, 100.0),
)  # fmt: skip
def test_a_higher_objective_is_never_more_likely_met(
    so_far: tuple[int, int],
    elapsed: float,
    history: list[tuple[int, int]],
    o1: float,
    o2: float,
) -> None:
    met, n = so_far
    lo, hi = sorted((o1, o2))
    easy = forecast.share_forecast(met=met, n=n, elapsed=elapsed, history=history, objective=lo)
    hard = forecast.share_forecast(met=met, n=n, elapsed=elapsed, history=history, objective=hi)
    assert (easy.probability is None) == (hard.probability is None)
    if easy.probability is not None and hard.probability is not None:
        assert 0 <= hard.probability <= easy.probability + 1e-12 <= 1 + 1e-12
