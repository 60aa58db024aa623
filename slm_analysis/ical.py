"""Closure dates from an iCalendar file (a bank-holiday feed, a company shutdown calendar).

Every VEVENT closes the local dates it covers: all-day events from DTSTART up to DTEND
(exclusive, as RFC 5545 defines), timed events the dates they start on; an RRULE repeats the
event. Only dates in the plausible years (``defaults.YEARS``) are kept. A file from elsewhere
cannot make the tool work for long:
- a file over ``MAX_BYTES`` is not read;
- a rule repeats daily at most (closures are dates; ``FREQ=HOURLY`` and finer are refused);
- a rule whose parts match no date at all (``BYMONTH=2;BYMONTHDAY=30``) is recognised before
  it is expanded (``rrules.matches_nothing``); a weekly one with an unmatched BYSETPOS still
  walks to 9999, in about 3 s. Such an event closes its DTSTART date only, which always counts
  as the first occurrence (RFC 5545);
- one event repeats at most ``MAX_OCCURRENCES`` times up to the plausible years' end.
A file that cannot be read so is a ``ValueError`` naming the file (and the event).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import icalendar
from dateutil.rrule import rrulestr

from .defaults import YEARS
from .rrules import matches_nothing

FIRST_DAY = date(YEARS[0], 1, 1)
LAST_DAY = date(YEARS[1], 12, 31)
HORIZON = datetime.combine(LAST_DAY, datetime.min.time())
# repetitions of one event's rule up to HORIZON: a daily rule from 1900 fits, a minutely one not
MAX_OCCURRENCES = 100_000
MAX_BYTES = 10 * 2**20  # 10 MiB: a national bank-holiday feed for 50 years is about 100 KiB
DAILY_OR_COARSER = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def closure_dates(path: str | Path) -> frozenset[date]:
    """The dates the file's events cover; ``ValueError`` naming the problem if it cannot."""
    p = Path(path)
    return _cached(str(p.resolve()), p.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _cached(path: str, mtime: int) -> frozenset[date]:
    del mtime  # part of the cache key only
    with open(path, "rb") as f:
        raw = f.read(MAX_BYTES + 1)  # a device or pipe has no size to check beforehand
    if len(raw) > MAX_BYTES:
        raise ValueError(
            f"{path} is larger than {MAX_BYTES // 2**20} MiB; a closure calendar is far smaller "
            "(name the holiday or shutdown feed itself, not a whole mailbox's calendar)"
        )
    try:
        cal = icalendar.Calendar.from_ical(raw)
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
    starts = _starts(event["RRULE"], first_day) if event.get("RRULE") else [first_day]
    out: set[date] = set()
    for s in (s for s in starts if s <= LAST_DAY):
        # the event's days within the plausible years (an event may run for centuries)
        lo, end = max(s, FIRST_DAY), s + timedelta(days=min(days, (LAST_DAY - s).days + 1))
        out.update(lo + timedelta(days=k) for k in range((end - lo).days))
    return out


def _starts(recur: Any, first_day: date) -> list[date]:
    """The dates a rule (an ``icalendar`` vRecur) starts the event on, up to ``LAST_DAY``."""
    freq = str((recur.get("FREQ") or ["?"])[0]).upper()
    if freq not in DAILY_OR_COARSER:
        raise ValueError(
            f"its RRULE repeats it {freq.lower()}; closures are whole dates, so a rule repeats "
            "daily at most (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)"
        )
    if freq == "DAILY" and recur.get("BYSETPOS"):
        raise ValueError("its RRULE has BYSETPOS, which a daily rule's one day per step ignores")
    recur = _naive_until(recur)
    dtstart = datetime.combine(first_day, datetime.min.time())
    starts = [first_day]  # DTSTART always counts as the first occurrence (RFC 5545 §3.8.5.3)
    if matches_nothing(_text(recur), dtstart):
        return starts
    for occurrence in rrulestr(_text(recur), dtstart=dtstart):
        if occurrence > HORIZON:
            break
        if len(starts) > MAX_OCCURRENCES:
            raise ValueError(
                f"its RRULE repeats it more than {MAX_OCCURRENCES:,} times up to "
                f"{LAST_DAY}; closures repeat daily at most"
            )
        starts.append(occurrence.date())
    return starts


def _naive_until(recur: Any) -> Any:
    """The rule with an UNTIL in UTC (``…Z``, as feeds write it even for all-day events) made
    naive like the dates it bounds: dateutil refuses an aware UNTIL with a naive start."""
    until = [
        u.astimezone(UTC).replace(tzinfo=None)
        if isinstance(u, datetime) and u.tzinfo is not None
        else u
        for u in recur.get("UNTIL") or []
    ]
    return type(recur)({**recur, "UNTIL": until}) if until else recur


def _text(recur: Any) -> str:
    raw = recur.to_ical()
    return raw.decode() if isinstance(raw, bytes) else str(raw)
