"""A plain-Python reading of where a ticket clock starts, stops and pauses, for checking the SQL.

It shares no code with the library: it walks a ticket's state history one entry at a time (a
state with no role is active; entering one forgets the resolution and closing seen so far, so
what remains at the end is what followed the last reopen), applies the documented order of the
stop rules and the reopen rule, and measures on an always-open calendar by interval arithmetic.
Instants are integer epoch seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_MOVED = ("New", "Open", "Draft")


@dataclass(frozen=True)
class Ticket:
    state: str | None
    opened: int
    resolved_at: int | None = None
    closed_at: int | None = None
    first_response_at: int | None = None
    history: tuple[tuple[str, int, int | None], ...] = ()  # (state, start, end)


@dataclass(frozen=True)
class Rules:
    metric: str  # response_time | resolution_time
    within: int  # seconds
    reopen: str = "all"
    resolution_stop: str = "resolved"
    exclude_cancelled: bool = True
    pause_states: tuple[str, ...] = ("On Hold",)
    resolved_states: tuple[str, ...] = ("Resolved",)
    closed_states: tuple[str, ...] = ("Closed",)
    cancelled_states: tuple[str, ...] = ("Canceled", "Cancelled")

    def role(self, state: str | None) -> str | None:
        if state in self.resolved_states:
            return "resolved"
        if state in self.closed_states:
            return "closed"
        if state in self.cancelled_states:
            return "cancelled"
        return None


@dataclass
class Clock:
    start: int
    stop: int | None  # None: still running at as_of
    running: bool
    elapsed: int
    met: bool
    due: int
    counted_at: int | None


@dataclass
class Walk:
    """What a walk over the history found."""

    first_move: int | None = None
    final_resolution: int | None = None  # first resolved entry after the last active one
    closing: int | None = None  # first closed/cancelled entry after the last active one
    resolved_spans: list[tuple[int, int | None]] = field(default_factory=list)
    last_active: int | None = None


def walk(t: Ticket, rules: Rules) -> Walk:
    w = Walk()
    for state, start, end in sorted(t.history, key=lambda h: h[1]):
        if w.first_move is None and state not in NOT_MOVED:
            w.first_move = start
        role = rules.role(state)
        if role is None:
            w.final_resolution = w.closing = None
            w.last_active = start
        elif role == "resolved":
            w.resolved_spans.append((start, end))
            if w.final_resolution is None:
                w.final_resolution = start
        elif w.closing is None:
            w.closing = start
    return w


def first(*values: int | None) -> int | None:
    return next((v for v in values if v is not None), None)


def outcome(t: Ticket, rules: Rules, as_of: int) -> str | Clock:
    """'excluded', 'finding', or the clock of ticket ``t`` under ``rules``."""
    w = walk(t, rules)
    final = first(t.resolved_at, w.final_resolution, t.closed_at, w.closing)
    closing = first(t.closed_at, w.closing)
    responded = first(t.first_response_at, w.first_move, final)
    now = rules.role(t.state)
    if now == "cancelled" and rules.exclude_cancelled:
        return "excluded"
    if rules.metric == "response_time":
        stop, terminal = responded, now is not None
    elif rules.resolution_stop == "closed":
        stop, terminal = closing, now in ("closed", "cancelled")
    else:
        stop, terminal = final, now is not None
    if stop is None and terminal:
        return "finding"
    holds = [
        (s, e if e is not None else as_of) for st, s, e in t.history if st in rules.pause_states
    ]
    if rules.metric == "response_time":
        return measure(t.opened, stop, holds, rules.within, as_of)
    # reopen cycles: resolved stretches left for an active state, before the final resolution
    cycles = [
        (s, e)
        for s, e in w.resolved_spans
        if e is not None
        and w.last_active is not None
        and e <= w.last_active
        and e <= (final if final is not None else as_of)
    ]
    if not cycles or rules.reopen == "all":
        return measure(t.opened, stop, holds + cycles, rules.within, as_of)
    if rules.reopen == "first":
        return measure(t.opened, cycles[0][0], holds, rules.within, as_of)
    if rules.reopen == "last":
        return measure(max(e for _, e in cycles), stop, holds, rules.within, as_of)
    return largest_span(t.opened, stop, cycles, holds, rules.within, as_of)


def largest_span(
    opened: int,
    stop: int | None,
    cycles: list[tuple[int, int]],
    holds: list[tuple[int, int]],
    within: int,
    as_of: int,
) -> Clock:
    """Each cycle a clock of its own; the one with the most business time (the earliest on a
    tie) is kept, counted when the last cycle stops (or at its breach while one runs)."""
    starts = [opened] + [e for _, e in cycles]
    stops: list[int | None] = [s for s, _ in cycles] + [stop]
    clocks = [measure(a, b, holds, within, as_of) for a, b in zip(starts, stops, strict=True)]
    kept = sorted(clocks, key=lambda c: (-c.elapsed, c.start))[0]
    if any(c.running for c in clocks):
        kept.counted_at = kept.due if not kept.met else None
    else:
        kept.counted_at = max(c.stop for c in clocks if c.stop is not None)
    return kept


def measure(
    start: int, stop: int | None, pauses: list[tuple[int, int]], within: int, as_of: int
) -> Clock:
    """Elapsed (always-open calendar) over [start, end) less the union of the pauses clipped to
    it, and the due time (pauses after the clock's end do not move it)."""
    running = stop is None or stop > as_of
    end = max(min(as_of if stop is None else stop, as_of), start)
    merged: list[list[int]] = []
    for a, b in sorted((max(a, start), min(b, end)) for a, b in pauses):
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    elapsed = (end - start) - sum(b - a for a, b in merged)
    need, cur = within, start
    due = None
    for a, b in merged:
        if a - cur >= need:
            due = cur + need
            break
        need -= a - cur
        cur = b
    if due is None:
        due = cur + need
    met = elapsed <= within
    counted = (None if met else due) if running else stop
    return Clock(start, stop, running, elapsed, met, due, counted)
