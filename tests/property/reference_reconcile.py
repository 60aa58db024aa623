"""A plain-Python reconciliation for checking the set-based one, in a small world: calendar
Mon–Fri 09:00–17:00 UTC, resolution within 4 business hours, the clock paused in On Hold and
stopped at resolution, no reopens. Elapsed time is counted minute by minute
(reference_clock.open_minutes); the variants are written out by hand: no pauses, 24x7 time,
the stop at closure (a resolved ticket not yet closed runs to the as-of instant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .reference_clock import MINUTE, open_minutes

OFFICE = {d: [(9 * 60, 17 * 60)] for d in range(5)}
THRESHOLD = 4 * 60  # minutes


@dataclass(frozen=True)
class Ticket:
    number: str
    opened: datetime
    resolved: datetime
    closed: datetime | None
    hold: tuple[datetime, datetime] | None  # an On Hold stretch
    vendor: bool | None


def _minutes(a: datetime, b: datetime) -> set[datetime]:
    out, t = set(), a
    while t < b:
        out.add(t)
        t += MINUTE
    return out


def verdict(t: Ticket, stop: datetime, office: bool, pauses: bool, as_of: datetime) -> bool | None:
    """Met (True), missed (False) or no verdict yet (None) of one clock of ``t``."""
    end = min(stop, as_of)
    counted = (
        open_minutes("UTC", OFFICE, set(), t.opened, end) if office else _minutes(t.opened, end)
    )
    if pauses and t.hold:
        counted -= _minutes(*t.hold)
    met = len(counted) <= THRESHOLD
    return None if stop > as_of and met else met


def reason(t: Ticket, as_of: datetime) -> str | None:
    """None when ours agrees with the vendor (or it has none), else the first fitting reason."""
    ours = verdict(t, t.resolved, True, True, as_of)
    if t.vendor is None or ours == t.vendor:
        return None
    variants = [
        ("pause states", verdict(t, t.resolved, True, False, as_of)),
        ("calendar", verdict(t, t.resolved, False, True, as_of)),
        (
            "different stop time",
            verdict(t, t.closed or as_of + timedelta(days=999), True, True, as_of),
        ),
    ]
    return next((why for why, v in variants if v == t.vendor), "target definition unknown")
