"""Deliberately plain versions of the set-based and searched parts of error budgets, for
checking ``slm_analysis.budgets``: a loop over every ticket for every window, and a walk over
every second for the instant a budget ran out. The rules are those of docs/metrics.md, *Error
budgets and burn rates*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    target_key: str
    counted_at: int  # epoch microseconds
    met: bool


def ticket_windows(
    tickets: list[Ticket], keys: list[str], at: int, windows: dict[str, int]
) -> list[tuple[str, str, int, int]]:
    """(key, window, tickets counted in (at − w, at], missed ones) for every key and window,
    in the order given; w in microseconds."""
    out = []
    for key in keys:
        for name, length in windows.items():
            valid = bad = 0
            for t in tickets:
                if t.target_key == key and at - length < t.counted_at <= at:
                    valid += 1
                    if not t.met:
                        bad += 1
            out.append((key, name, valid, bad))
    return out


def first_second(down: Callable[[int], float], need: float, stop: int) -> int:
    """The first whole second t in 1..stop with down(t) ≥ need, by trying them all."""
    for t in range(1, stop + 1):
        if down(t) >= need:
            return t
    raise AssertionError("the downtime never reaches the allowance")


def downtime(stretches: list[tuple[int, int, float]], t: int) -> float:
    """Σ weight × |[s, e) ∩ [0, t)| over the stretches (several services overlap freely)."""
    return sum(w * max(0, min(e, t) - s) for s, e, w in stretches)
