"""The set-based ticket windows of burn rates (sql/budget_ticket_windows.sql) and the search
for the second a downtime budget ran out agree with plain references (reference_budgets.py);
and a ticket budget is never overspent exactly when the target is met.

Hypothesis generates tickets of three target versions counted around the window edges (on
them, a microsecond either side), met or not, windows of any length; and downtime made of
full and partial stretches of one to three services, with allowances anywhere up to the
total downtime.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import duckdb
import hypothesis.strategies as st
import pandas as pd
from hypothesis import given, settings

from slm_analysis import budgets

from .reference_budgets import Ticket, downtime, first_second, ticket_windows

AT = datetime(2026, 11, 10, 12, tzinfo=UTC)
AT_US = int(AT.timestamp()) * 1_000_000
KEYS = ["a/x@0", "a/y@0", "b/x@1"]
CON = duckdb.connect()  # the query reads only bound values: one connection serves every case


@st.composite
def tickets(draw: st.DrawFn) -> list[Ticket]:
    edges = [0, 300, 3600, 7200, 86_400, 259_200]  # seconds before AT: window edges
    out = []
    for _ in range(draw(st.integers(0, 40))):
        before = draw(
            st.one_of(
                st.integers(-3600, 300_000).map(lambda s: s * 1_000_000),
                st.sampled_from(edges).flatmap(
                    lambda e: st.sampled_from([e * 1_000_000 - 1, e * 1_000_000, e * 1_000_000 + 1])
                ),
            )
        )
        out.append(Ticket(draw(st.sampled_from(KEYS)), AT_US - before, draw(st.booleans())))
    return out


@settings(max_examples=100, deadline=None)
@given(
    found=tickets(),
    keys=st.lists(st.sampled_from([*KEYS, "none"]), min_size=1, max_size=4, unique=True),
    windows=st.dictionaries(
        st.sampled_from(list(budgets.WINDOWS)),
        st.one_of(st.sampled_from(list(budgets.WINDOWS.values())), st.integers(1, 400_000)),
        min_size=1,
    ),
)
def test_ticket_windows_match_the_reference(
    found: list[Ticket], keys: list[str], windows: dict[str, int]
) -> None:
    clocks = pd.DataFrame(
        {
            "target_key": [t.target_key for t in found],
            "counted_at": [AT + timedelta(microseconds=t.counted_at - AT_US) for t in found],
            "met": [t.met for t in found],
        }
    )
    got = budgets.ticket_windows(CON, clocks, keys, AT, windows)
    expected = ticket_windows(found, keys, AT_US, {k: v * 1_000_000 for k, v in windows.items()})
    assert list(got.itertuples(index=False, name=None)) == expected


@st.composite
def outages(draw: st.DrawFn) -> tuple[list[tuple[int, int, float]], int]:
    """Stretches (start, end, weight) over [0, length) of one to three services, and the
    number of services (the steepest the downtime can rise)."""
    length = draw(st.integers(10, 5_000))
    services = draw(st.integers(1, 3))
    stretches = []
    for _ in range(services):
        t = 0
        for _ in range(draw(st.integers(0, 4))):  # one service's stretches do not overlap
            s = draw(st.integers(t, length))
            e = draw(st.integers(s, min(length, s + draw(st.integers(0, length)))))
            stretches.append((s, e, draw(st.sampled_from([1.0, 0.5, 0.3]))))
            t = e
    return stretches, services


@settings(max_examples=300, deadline=None)
@given(case=outages(), share=st.floats(0.0001, 1.0))
def test_the_second_a_budget_ran_out_matches_a_walk_over_every_second(
    case: tuple[list[tuple[int, int, float]], int], share: float
) -> None:
    stretches, services = case
    stop = max((e for _, e, _ in stretches), default=0)
    total = downtime(stretches, stop)
    if total <= 0:
        return
    need = total * share
    start = datetime(2026, 10, 1, tzinfo=UTC)
    looks = []

    def down(t: datetime) -> float:
        looks.append(t)
        return downtime(stretches, int((t - start).total_seconds()))

    got = budgets._first_second(down, need, start, start + timedelta(seconds=stop), total, services)
    assert got == start + timedelta(
        seconds=first_second(lambda t: downtime(stretches, t), need, stop)
    )
    assert len(looks) <= 2 * math.ceil(math.log2(stop + 1)) + 2  # a search, not a walk


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 5000),
    data=st.data(),
    objective=st.sampled_from([50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 100, 33.3]),
)
def test_a_ticket_budget_is_overspent_exactly_when_the_target_is_missed(
    n: int, data: st.DataObject, objective: float
) -> None:
    """met / n ≥ objective (exactly, in fractions) ⇔ misses ≤ ⌊(1 − objective) × n⌋."""
    met = data.draw(st.integers(0, n))
    b = budgets.miss_budget(objective, n, met, "misses")
    assert (b["remaining"] >= 0) == (Fraction(met, n) * 100 >= Fraction(str(objective)))
