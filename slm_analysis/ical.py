"""Closure dates from an iCalendar file (a bank-holiday feed, a company shutdown calendar).

Every VEVENT closes the local dates it covers: all-day events from DTSTART up to DTEND
(exclusive, as RFC 5545 defines), timed events the dates they start on; an RRULE repeats the
event. Only dates in the plausible years (``defaults.YEARS``) are kept, and a rule may repeat an
event at most ``MAX_OCCURRENCES`` times up to their end: a file from elsewhere cannot make the
tool expand a minutely rule for ever. A file that cannot be read so is a ``ValueError`` naming
the file (and the event).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import icalendar
from dateutil.rrule import rrulestr

from .defaults import YEARS

FIRST_DAY = date(YEARS[0], 1, 1)
LAST_DAY = date(YEARS[1], 12, 31)
HORIZON = datetime.combine(LAST_DAY, datetime.min.time())
# repetitions of one event's rule up to HORIZON: a daily rule from 1900 fits, a minutely one not
MAX_OCCURRENCES = 100_000


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
    for n, event in enumerate(cal.walk("VEVENT"), 1):
        try:
            out.update(_event_dates(event))
        except (ValueError, TypeError, OverflowError, KeyError, AttributeError) as exc:
            name = event.get("SUMMARY") or event.get("UID") or f"number {n}"
            raise ValueError(
                f"{path}: event {str(name)!r} cannot be read ({exc}); fix or remove it"
            ) from None
    return frozenset(out)


def _event_dates(event: Any) -> set[date]:
    """The dates one VEVENT closes, within the plausible years."""
    start = event.get("DTSTART")
    if start is None:
        return set()
    first = start.dt
    if isinstance(first, datetime):
        days = 1
        first_day = first.date()
    else:
        end = event.get("DTEND")
        last = end.dt if end is not None else None
        if isinstance(last, datetime):  # an all-day start with a timed end
            last = last.date()
        days = max((last - first).days, 1) if last is not None else 1
        first_day = first
    starts = [first_day]
    if event.get("RRULE"):
        raw = event["RRULE"].to_ical()
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        rule = rrulestr(text, dtstart=datetime.combine(first_day, datetime.min.time()))
        starts = []
        for occurrence in rule:
            if occurrence > HORIZON:
                break
            if len(starts) == MAX_OCCURRENCES:
                raise ValueError(
                    f"its RRULE repeats it more than {MAX_OCCURRENCES:,} times up to "
                    f"{LAST_DAY}; closures repeat daily at most"
                )
            starts.append(occurrence.date())
    out: set[date] = set()
    for s in (s for s in starts if s <= LAST_DAY):
        # the event's days within the plausible years (an event may run for centuries)
        lo, end = max(s, FIRST_DAY), s + timedelta(days=min(days, (LAST_DAY - s).days + 1))
        out.update(lo + timedelta(days=k) for k in range((end - lo).days))
    return out
