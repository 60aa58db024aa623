"""Plain-Python reference for slm_analysis.trends: the definitions written out literally, pair by
pair and window by window, with no numpy."""

from __future__ import annotations

import statistics
from collections import Counter


def sign(v: float) -> int:
    return (v > 0) - (v < 0)


def mk_s(xs: list[float]) -> int:
    return sum(sign(xs[j] - xs[i]) for i in range(len(xs)) for j in range(i + 1, len(xs)))


def mk_variance(xs: list[float]) -> float:
    n = len(xs)
    ties = sum(t * (t - 1) * (2 * t + 5) for t in Counter(xs).values())
    return (n * (n - 1) * (2 * n + 5) - ties) / 18


def theil_sen(xs: list[float], positions: list[int]) -> float:
    return statistics.median(
        (xs[j] - xs[i]) / (positions[j] - positions[i])
        for i in range(len(xs))
        for j in range(i + 1, len(xs))
    )


def outside(xs: list[float], upper: float, lower: float) -> set[int]:
    return {i for i, v in enumerate(xs) if v > upper or v < lower}


def in_runs(xs: list[float], centre: float, length: int = 8) -> set[int]:
    """Every value that belongs to some `length` successive values strictly on one side."""
    members: set[int] = set()
    for end in range(length - 1, len(xs)):
        window = range(end - length + 1, end + 1)
        for side in (1, -1):
            if all(sign(xs[i] - centre) == side for i in window):
                members |= set(window)
    return members


def three_of_four(xs: list[float], centre: float, band: float) -> tuple[set[int], set[int]]:
    """(values that complete the rule, values beyond the band that take part): j completes it
    when it and at least 2 of the 3 values before it are beyond on the same side."""
    completing: set[int] = set()
    members: set[int] = set()
    for side in (1, -1):
        beyond = [side * (v - centre) > band for v in xs]
        for j in range(len(xs)):
            window = [i for i in range(max(0, j - 3), j + 1) if beyond[i]]
            if beyond[j] and len(window) >= 3:
                completing.add(j)
                members |= set(window)
    return completing, members
