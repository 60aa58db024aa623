"""A deliberately plain count of availability by events and by time slices, for checking the
set-based one (slm_analysis/check_availability.py and its two SQL files).

It asks of every check result in turn whether it counts — the customer's, a polled stream,
before the as-of instant, inside the period, from the monitored_since instant, inside an open
interval of the calendar and inside no maintenance window — then groups the counted ones by
slice index ⌊t / S⌋. Slices of a stretch of time are found by listing the slice indices of
every open interval and keeping those whose part of the open interval is not all maintenance.
No interval arithmetic is shared with the code under test. Instants are epoch microseconds.
The rules are those of docs/metrics.md, *Availability from checks*.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    customer: str
    service: str
    stream: str
    t: int
    ok: bool
    latency_ms: float | None


@dataclass(frozen=True)
class Scope:
    """One (period, service): bounds, the calendar's open intervals over [ps, pe), maintenance
    windows, the declared monitored_since instant (or None) and the as-of instant."""

    ps: int
    pe: int
    open: list[tuple[int, int]]
    maintenance: list[tuple[int, int]]
    since: int | None
    as_of: int


def _inside(t: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= t < e for s, e in spans)


def counted(rows: list[Row], customer: str, service: str, sc: Scope) -> list[Row]:
    """The results that count for one (period, service)."""
    lo = max(sc.ps, sc.since if sc.since is not None else sc.ps)
    hi = min(sc.pe, sc.as_of)
    return [
        r
        for r in rows
        if r.customer == customer
        and r.service == service
        and r.stream == "polled"
        and lo <= r.t < hi
        and _inside(r.t, sc.open)
        and not _inside(r.t, sc.maintenance)
    ]


def events(rows: list[Row], latency_ms: float | None) -> tuple[int, int, int]:
    """(valid, good, failed)."""
    good = sum(
        1
        for r in rows
        if r.ok
        and (latency_ms is None or (r.latency_ms is not None and r.latency_ms <= latency_ms))
    )
    return len(rows), good, sum(1 for r in rows if not r.ok)


def _uncovered(s: int, e: int, cuts: list[tuple[int, int]]) -> bool:
    """Whether some of [s, e) is outside every cut (walks the sorted cuts)."""
    cur = s
    for cs, ce in sorted(cuts):
        if cs > cur:
            break
        cur = max(cur, ce)
        if cur >= e:
            return False
    return cur < e


def slice_indices(sc: Scope, lo: int, hi: int, size: int) -> set[int]:
    """Slices k with some open, unmaintained time of [lo, hi) in [k·size, (k+1)·size)."""
    out: set[int] = set()
    for a, b in sc.open:
        a, b = max(a, lo), min(b, hi)
        if a >= b:
            continue
        for k in range(a // size, (b - 1) // size + 1):
            s, e = max(a, k * size), min(b, (k + 1) * size)
            cuts = [(cs, ce) for cs, ce in sc.maintenance if cs < e and ce > s]
            if s < e and (not cuts or _uncovered(s, e, cuts)):
                out.add(k)
    return out


@dataclass(frozen=True)
class SliceCounts:
    measured: int
    good: int
    no_data: int
    period_slices: int
    ratio_sum: float


def timeslices(
    rows: list[Row],
    sc: Scope,
    first_result: int | None,
    size: int,
    ratio: float | None,
    percentile: int | None,
    latency_ms: float | None,
) -> SliceCounts:
    """Slices of one (period, service) from its counted results; ``first_result`` is the
    service's first polled result before the as-of instant (where an undeclared feed
    starts)."""
    groups: dict[int, list[Row]] = {}
    for r in rows:
        groups.setdefault(r.t // size, []).append(r)
    good = 0
    ratio_sum = 0.0
    for members in groups.values():
        n = len(members)
        n_ok = sum(1 for r in members if r.ok)
        fast = sum(
            1
            for r in members
            if r.ok and latency_ms is not None and r.latency_ms is not None
            and r.latency_ms <= latency_ms
        )  # fmt: skip
        ratio_ok = ratio is None or n_ok / n >= ratio
        latency_ok = percentile is None or 100 * fast >= percentile * n
        good += ratio_ok and latency_ok
        ratio_sum += n_ok / n
    feed = sc.since if sc.since is not None else first_result
    if feed is None:
        fed: set[int] = set()
    else:
        fed = slice_indices(sc, max(sc.ps, feed), min(sc.pe, sc.as_of), size)
    assert set(groups) <= fed
    return SliceCounts(
        len(groups), good, len(fed) - len(groups), len(slice_indices(sc, sc.ps, sc.pe, size)),
        ratio_sum,
    )  # fmt: skip
