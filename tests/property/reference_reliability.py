"""A plain-Python reading of MTTA, MTTR and reopen rate per month, for checking the SQL.

It takes each ticket's clock from ``reference_stops`` (the clocks' own reference: start, stop,
pauses, reopen rule), groups the stopped clocks by the UTC month of their counting instant and
the running ones by the month the ticket was opened, and reads a reopen off the state history by
walking it: an active state (one without a role) entered after a resolved one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from .reference_stops import Clock, Rules, Ticket, outcome


@dataclass
class Month:
    elapsed: list[int] = field(default_factory=list)  # stopped clocks' business seconds
    open: int = 0  # clocks running at as_of, by the month the ticket was opened
    reopened: int = 0


def month(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m")


def reopened(t: Ticket, rules: Rules, reopen_count: int | None, as_of: int) -> bool:
    if (reopen_count or 0) > 0:
        return True
    seen_resolved = False
    for state, start, _ in sorted(t.history, key=lambda h: h[1]):
        if start > as_of:
            break
        role = rules.role(state)
        if role == "resolved":
            seen_resolved = True
        elif role is None and seen_resolved:
            return True
    return False


def months(
    tickets: list[tuple[Ticket, int | None]], rules: Rules, as_of: int, count_reopens: bool
) -> dict[str, Month]:
    """Per month: the clocks of ``rules`` (with no threshold) of every ticket."""
    out: dict[str, Month] = {}
    for t, reopens in tickets:
        clock = outcome(t, rules, as_of)
        if not isinstance(clock, Clock):  # excluded (cancelled) or a finding
            continue
        if clock.counted_at is None:
            out.setdefault(month(t.opened), Month()).open += 1
            continue
        m = out.setdefault(month(clock.counted_at), Month())
        m.elapsed.append(clock.elapsed)
        if count_reopens and reopened(t, rules, reopens, as_of):
            m.reopened += 1
    return out
