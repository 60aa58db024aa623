"""slm_analysis.distributions equals scipy.stats, value for value (the same special functions
by the same formulae), over the arguments the forecasts and trends use and their edges."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
from hypothesis import given, settings
from scipy import stats

from slm_analysis import distributions as d

probability = st.floats(1e-12, 1 - 1e-12)
shape = st.floats(0.05, 5_000)
count = st.integers(-3, 400)


@settings(max_examples=300, deadline=None)
@given(q=probability, df=st.floats(1, 500), x=st.floats(-40, 40))
def test_normal_and_t(q: float, df: float, x: float) -> None:
    assert d.norm_ppf(q) == stats.norm.ppf(q)
    assert d.norm_sf(x) == stats.norm.sf(x)
    assert d.t_ppf(q, df) == stats.t.ppf(q, df)
    assert d.t_sf(x, df) == stats.t.sf(x, df)


@settings(max_examples=300, deadline=None)
@given(q=st.lists(probability, min_size=1, max_size=4), n=shape, p=st.floats(0.001, 0.999),
       k=st.lists(count, min_size=1, max_size=6))  # fmt: skip
def test_negative_binomial(q: list[float], n: float, p: float, k: list[int]) -> None:
    np.testing.assert_array_equal(d.nbinom_ppf(q, n, p), stats.nbinom.ppf(q, n, p))
    np.testing.assert_array_equal(d.nbinom_pmf(k, n, p), stats.nbinom.pmf(k, n, p))
    np.testing.assert_array_equal(d.nbinom_cdf(k, n, p), stats.nbinom.cdf(k, n, p))


@settings(max_examples=300, deadline=None)
@given(k=st.lists(count, min_size=1, max_size=6), n=st.integers(0, 300), a=shape, b=shape)
def test_beta_binomial(k: list[int], n: int, a: float, b: float) -> None:
    ns = np.full(len(k), n)
    np.testing.assert_array_equal(
        d.betabinom_logpmf(k, ns, a, b), stats.betabinom.logpmf(k, ns, a, b)
    )


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.sampled_from([0.0, 1.5, -2.0, 3.25, 7.0]) | st.floats(-1e6, 1e6), max_size=30
    )
)
def test_ranks(values: list[float]) -> None:
    np.testing.assert_array_equal(d.rankdata(values), stats.rankdata(values))
