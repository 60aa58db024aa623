"""A deliberately naive clock: minute by minute, for checking the real one.

An instant is open when it lies in a segment placed on a local date that is not a closure; a
segment starts at the first minute whose local wall-clock reading has reached its start (so a
start inside a spring-forward gap begins at the jump, and a repeated fall-back time at its
first occurrence) and ends likewise. Wall-clock readings come only from UTC → local
conversions, never from the local → UTC rules the real calendar uses.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)


def first_minute_reaching(wall: datetime, tz: ZoneInfo) -> datetime:
    """The first whole UTC minute whose local reading is at or after the naive ``wall``."""
    t = wall.replace(tzinfo=UTC) - timedelta(hours=16)
    while t.astimezone(tz).replace(tzinfo=None) < wall - timedelta(hours=2):
        t += timedelta(hours=1)
    while t.astimezone(tz).replace(tzinfo=None) < wall:
        t += MINUTE
    return t


def open_minutes(
    zone: str,
    hours: dict[int, list[tuple[int, int]]],
    closures: set[date],
    start: datetime,
    end: datetime,
) -> set[datetime]:
    """Every UTC minute in [start, end) that is open; segments are (start, end) local minutes
    after midnight, end may pass midnight."""
    tz = ZoneInfo(zone)
    out: set[datetime] = set()
    day = start.astimezone(tz).date() - timedelta(days=2)
    while datetime.combine(day, datetime.min.time()) < end.replace(tzinfo=None) + timedelta(days=2):
        if day not in closures:
            for s, e in hours.get(day.weekday(), []):
                midnight = datetime.combine(day, datetime.min.time())
                a = first_minute_reaching(midnight + timedelta(minutes=s), tz)
                b = first_minute_reaching(midnight + timedelta(minutes=e), tz)
                t = max(a, start)
                while t < min(b, end):
                    out.add(t)
                    t += MINUTE
        day += timedelta(days=1)
    return out


def paused_minutes(pauses: list[tuple[datetime, datetime]]) -> set[datetime]:
    out: set[datetime] = set()
    for a, b in pauses:
        t = a
        while t < b:
            out.add(t)
            t += MINUTE
    return out


def elapsed_and_due(
    open_set: set[datetime],
    paused: set[datetime],
    start: datetime,
    end: datetime,
    within: timedelta,
) -> tuple[timedelta, datetime | None]:
    """Business minutes in [start, end) and the instant they reach ``within`` (None if not
    within the open set's horizon)."""
    need = int(within / MINUTE)
    running = sorted(m for m in open_set if m >= start and m not in paused)
    elapsed = sum(1 for t in running if t < end)
    due = running[need - 1] + MINUTE if len(running) >= need else None
    return elapsed * MINUTE, due
