"""Closure dates from an iCalendar file (a bank-holiday feed, a company shutdown calendar).

Every VEVENT closes the local dates it covers: all-day events from DTSTART up to DTEND
(exclusive, as RFC 5545 defines), timed events the dates they start on; an RRULE repeats the
event (expanded up to 2100).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import icalendar
from dateutil.rrule import rrulestr

HORIZON = datetime(2100, 12, 31)


def closure_dates(path: str | Path) -> frozenset[date]:
    """The dates the file's events cover; ``ValueError`` naming the problem if it cannot."""
    p = Path(path)
    return _cached(str(p.resolve()), p.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _cached(path: str, mtime: int) -> frozenset[date]:
    del mtime  # part of the cache key only
    try:
        cal = icalendar.Calendar.from_ical(Path(path).read_bytes())
    except (ValueError, IndexError) as exc:
        raise ValueError(f"{path} is not an iCalendar file ({exc})") from None
    out: set[date] = set()
    for event in cal.walk("VEVENT"):
        start = event.get("DTSTART")
        if start is None:
            continue
        first = start.dt
        if isinstance(first, datetime):
            days = 1
            first_day = first.date()
        else:
            end = event.get("DTEND")
            days = max((end.dt - first).days, 1) if end is not None else 1
            first_day = first
        starts = [first_day]
        if event.get("RRULE"):
            raw = event["RRULE"].to_ical()
            text = raw.decode() if isinstance(raw, bytes) else str(raw)
            rule = rrulestr(text, dtstart=datetime.combine(first_day, datetime.min.time()))
            starts = [
                d.date()
                for d in rule.between(
                    datetime.combine(first_day, datetime.min.time()), HORIZON, inc=True
                )
            ]
        for s in starts:
            out.update(s + timedelta(days=k) for k in range(days))
    return frozenset(out)
