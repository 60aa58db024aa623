"""The end values of ``value_forecast``'s draws against the plain definition: given the same
random stream, each draw's mean or nearest-rank percentile of (values so far + the values it
resampled) computed directly — concatenate, add up or sort and take the ⌈p·n/100⌉-th — equals
what the vectorised code (a weighted bincount; counts, cumulative sums and a search) finds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slm_analysis.forecast_sampled import _value_ends
from slm_analysis.reliability import nearest_rank

value = st.integers(0, 20).map(float)  # few distinct values: ties are the hard part
values = st.lists(value, max_size=8)


def reference(
    now: list[float], past: list[list[float]], to_come: list[int], percentile: float, seed: int
) -> list[float | None]:
    """Each draw's end value, consuming the generator as ``_value_ends`` does."""
    rng = np.random.default_rng(seed)
    pools = [sorted([*p, *now]) for p in past] or [sorted(now)]
    pick = rng.integers(0, len(pools), size=len(to_come))
    out: list[float | None] = []
    for d, m in enumerate(to_come):
        if m + len(now) == 0:
            out.append(None)
            continue
        pool = pools[pick[d]]
        drawn = [pool[i] for i in rng.integers(0, len(pool), size=m)]
        out.append(nearest_rank([*now, *drawn], percentile))
    return out


@settings(max_examples=150, deadline=None)
@given(
    now=values,
    past=st.lists(st.lists(value, min_size=1, max_size=8), max_size=3),
    to_come=st.lists(st.integers(0, 6), min_size=1, max_size=6),
    percentile=st.sampled_from([1.0, 33.0, 50.0, 90.0, 100.0]),
    seed=st.integers(0, 2**16),
)
def test_percentile_ends_match_the_definition(
    now: list[float], past: list[list[float]], to_come: list[int], percentile: float, seed: int
) -> None:
    if not past and not now:
        to_come = [0] * len(to_come)  # nothing to resample from: only empty draws
    ends, has = _value_ends(
        np.array(now, dtype=float), [np.array(p, dtype=float) for p in past],
        np.array(to_come), percentile, np.random.default_rng(seed),
    )  # fmt: skip
    got = [float(e) if h else None for e, h in zip(ends, has, strict=True)]
    assert got == reference(now, past, to_come, percentile, seed)


def reference_mean(
    now: list[float], past: list[list[float]], to_come: list[int], seed: int
) -> list[float | None]:
    """Each draw's mean, consuming the generator as ``_value_ends`` does for a mean: the
    pools, then one uniform number per value to come, in draw order."""
    rng = np.random.default_rng(seed)
    pools = [[*p, *now] for p in past] or [now]
    pick = rng.integers(0, len(pools), size=len(to_come))
    u = iter(rng.random(sum(to_come)))
    out: list[float | None] = []
    for d, m in enumerate(to_come):
        pool = pools[pick[d]]
        drawn = [pool[int(next(u) * len(pool))] for _ in range(m)]
        every = [*now, *drawn]
        out.append(sum(every) / len(every) if every else None)
    return out


@settings(max_examples=150, deadline=None)
@given(
    now=values,
    past=st.lists(st.lists(value, min_size=1, max_size=8), max_size=3),
    to_come=st.lists(st.integers(0, 6), min_size=1, max_size=6),
    seed=st.integers(0, 2**16),
)
def test_mean_ends_match_the_definition(
    now: list[float], past: list[list[float]], to_come: list[int], seed: int
) -> None:
    if not past and not now:
        to_come = [0] * len(to_come)
    ends, has = _value_ends(
        np.array(now, dtype=float), [np.array(p, dtype=float) for p in past],
        np.array(to_come), None, np.random.default_rng(seed),
    )  # fmt: skip
    got = [float(e) if h else None for e, h in zip(ends, has, strict=True)]
    want = reference_mean(now, past, to_come, seed)
    assert [g is None for g in got] == [w is None for w in want]
    assert all(
        g == pytest.approx(w, abs=1e-9) for g, w in zip(got, want, strict=True) if w is not None
    )
