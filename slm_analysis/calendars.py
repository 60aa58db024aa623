"""Service-hours calendars: local weekly hours, holidays and closures → UTC open intervals.

A calendar is evaluated per *local date*: each weekday segment (``08:00–18:00``) is placed on
that date in the calendar's IANA zone and converted to UTC, so a DST change shortens or
lengthens the segment it falls in, and a holiday removes the segments that start on that local
date. A segment may cross midnight (``22:00–06:00``); it belongs to the date it starts on.

Wall-clock rules at DST changes: a local time that does not exist (the spring-forward gap) is
taken as the instant the clock jumps past it; a local time that occurs twice (fall-back) is
taken at its first occurrence.

This module is pure: "now", the window and the calendar are always parameters.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from .errors import InputError

DAY = 86400
Interval = tuple[datetime, datetime]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Segment:
    """Open hours on one weekday, in local seconds after midnight; ``end`` may exceed a day."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}–{_hhmm(self.end % DAY or DAY)}"


@dataclass(frozen=True)
class Calendar:
    """When a service is open: the object analysts use for ``elapsed`` and ``due``.

    ``weekly`` maps weekday (0 = Monday) to segments. ``holiday_country`` / ``holiday_subdiv``
    name public holidays from the ``holidays`` package; ``closures`` are extra closed dates.
    """

    name: str
    zone: str = "UTC"
    weekly: dict[int, tuple[Segment, ...]] = field(default_factory=dict)
    holiday_country: str | None = None
    holiday_subdiv: str | None = None
    closures: frozenset[date] = frozenset()
    always_open: bool = False

    @classmethod
    def twenty_four_seven(cls, name: str = "24x7", zone: str = "UTC") -> Calendar:
        """A calendar that is always open."""
        return cls(name=name, zone=zone, always_open=True)

    @classmethod
    def office_hours(
        cls,
        name: str,
        zone: str,
        hours: str = "09:00-17:00",
        days: Iterable[int] = range(5),
        holiday_country: str | None = None,
        holiday_subdiv: str | None = None,
        closures: Iterable[date] = (),
    ) -> Calendar:
        """Same hours on each of ``days`` (0 = Monday); e.g. Mon–Fri 09:00–17:00."""
        seg = parse_segment(hours)
        return cls(
            name=name,
            zone=zone,
            weekly={d: (seg,) for d in days},
            holiday_country=holiday_country,
            holiday_subdiv=holiday_subdiv,
            closures=frozenset(closures),
        )

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @cached_property
    def _holidays(self) -> holidays_lib.HolidayBase | None:
        if not self.holiday_country:
            return None
        return holidays_lib.country_holidays(self.holiday_country, subdiv=self.holiday_subdiv)

    # ------------------------------------------------------------------ what is closed
    def is_holiday(self, day: date) -> bool:
        """True when ``day`` (a local date) is a public holiday or an explicit closure."""
        if day in self.closures:
            return True
        return self._holidays is not None and day in self._holidays

    def holiday_name(self, day: date) -> str | None:
        if day in self.closures:
            return "closure"
        if self._holidays is not None and day in self._holidays:
            return str(self._holidays.get(day))
        return None

    # ------------------------------------------------------------------ open intervals
    def open_intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """Merged UTC open intervals intersecting [start, end), clipped to it."""
        a, b = _utc(start, "start"), _utc(end, "end")
        if b <= a:
            return []
        if self.always_open:
            return [(a, b)]
        out: list[Interval] = []
        for s, e in self._day_intervals(a.astimezone(self.tz).date() - timedelta(days=2), b):
            s, e = max(s, a), min(e, b)
            if s >= e:
                continue
            if out and s <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], e))
            else:
                out.append((s, e))
        return out

    def holiday_intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """UTC time in [start, end) that would be open but for a holiday or closure."""
        a, b = _utc(start, "start"), _utc(end, "end")
        if b <= a or self.always_open or not (self.holiday_country or self.closures):
            return []
        first = a.astimezone(self.tz).date() - timedelta(days=2)
        spans = [(max(s, a), min(e, b)) for s, e in self._day_intervals(first, b, holidays=True)]
        return _subtract(_normalise([x for x in spans if x[1] > x[0]]), self.open_intervals(a, b))

    def _day_intervals(
        self, first_day: date, until: datetime, holidays: bool = False
    ) -> Iterator[Interval]:
        """Unmerged UTC intervals of each local date from ``first_day`` until past ``until``
        (of the holiday dates instead when ``holidays``)."""
        day = first_day
        while True:
            day_start = _to_utc(datetime.combine(day, time()), self.tz)
            if day_start - timedelta(days=1) >= until:
                return
            if self.is_holiday(day) == holidays:
                for seg in self.weekly.get(day.weekday(), ()):
                    local0 = datetime.combine(day, time())
                    s = _to_utc(local0 + timedelta(seconds=seg.start), self.tz)
                    e = _to_utc(local0 + timedelta(seconds=seg.end), self.tz)
                    if e > s:
                        yield s, e
            day += timedelta(days=1)

    # ------------------------------------------------------------------ the clock
    def elapsed(self, start: datetime, end: datetime, pauses: Sequence[Interval] = ()) -> timedelta:
        """Open time in [start, end) that is not inside any pause."""
        free = self.free_intervals(start, end, pauses)
        return sum((e - s for s, e in free), timedelta(0))

    def free_intervals(
        self, start: datetime, end: datetime, pauses: Sequence[Interval] = ()
    ) -> list[Interval]:
        """Merged UTC open intervals in [start, end) minus ``pauses`` (e.g. maintenance)."""
        a, b = _utc(start, "start"), _utc(end, "end")
        if b <= a:
            return []
        return _subtract(self.open_intervals(a, b), _normalise(pauses))

    def due(
        self,
        start: datetime,
        duration: timedelta,
        pauses: Sequence[Interval] = (),
        horizon: timedelta = timedelta(days=3660),
    ) -> datetime:
        """The first instant at which ``elapsed(start, t, pauses)`` reaches ``duration``."""
        a = _utc(start, "start")
        if duration <= timedelta(0):
            return a
        remaining = duration
        window = timedelta(days=31)
        lo = a
        while lo - a < horizon:
            hi = lo + window
            for s, e in _subtract(self.open_intervals(lo, hi), _normalise(pauses)):
                if e - s >= remaining:
                    return s + remaining
                remaining -= e - s
            lo = hi
        raise InputError(
            f"calendar {self.name!r} has less than {duration} of open time in the "
            f"{horizon.days} days after {a:%Y-%m-%d %H:%M} UTC; give it open hours"
        )

    # ------------------------------------------------------------------ for SQL
    def cumulative(
        self, start: datetime, end: datetime, holidays: bool = False
    ) -> tuple[list[int], list[int], list[int]]:
        """Open intervals (or holiday intervals) as epoch seconds with the seconds before each:
        (starts, ends, cum)."""
        starts: list[int] = []
        ends: list[int] = []
        cums: list[int] = []
        total = 0
        spans = self.holiday_intervals(start, end) if holidays else self.open_intervals(start, end)
        for s, e in spans:
            si, ei = int(s.timestamp()), int(e.timestamp())
            starts.append(si)
            ends.append(ei)
            cums.append(total)
            total += ei - si
        return starts, ends, cums

    def working_day_seconds(self) -> int:
        """Open seconds of a usual working day: the most common daily total of the weekly
        hours (the longer on a tie); 24 hours for a 24x7 calendar."""
        if self.always_open:
            return DAY
        totals = [sum(s.end - s.start for s in self.weekly.get(d, ())) for d in range(7)]
        totals = [t for t in totals if t > 0]
        if not totals:
            raise InputError(f"calendar {self.name!r} has no open hours, so no working day")
        return max(totals, key=lambda t: (totals.count(t), t))

    # ------------------------------------------------------------------ describe
    def describe(self) -> str:
        """Plain-language description: ``Mon–Fri 08:00–18:00 Europe/London excluding …``."""
        if self.always_open:
            return f"24 hours a day, 7 days a week ({self.zone})"
        groups: list[tuple[list[int], tuple[Segment, ...]]] = []
        for d in range(7):
            segs = self.weekly.get(d, ())
            if not segs:
                continue
            if groups and groups[-1][1] == segs and groups[-1][0][-1] == d - 1:
                groups[-1][0].append(d)
            else:
                groups.append(([d], segs))
        parts = []
        for days, segs in groups:
            names = [WEEKDAYS[d].capitalize() for d in days]
            label = names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}"
            parts.append(f"{label} {', '.join(str(s) for s in segs)}")
        text = f"{'; '.join(parts) or 'never open'} {self.zone}"
        if self.holiday_country:
            region = self.holiday_country + (
                f"-{self.holiday_subdiv}" if self.holiday_subdiv else ""
            )
            text += f" excluding public holidays in {region}"
        if self.closures:
            closed = sorted(self.closures)
            shown = ", ".join(d.isoformat() for d in closed[:3])
            more = f" and {len(closed) - 3} more" if len(closed) > 3 else ""
            text += f", closed {shown}{more}"
        return text


# ---------------------------------------------------------------------- helpers
def parse_segment(text: str) -> Segment:
    """``"08:00-18:00"`` → Segment; ``"22:00-06:00"`` crosses midnight; ``24:00`` allowed."""
    try:
        left, right = (p.strip() for p in text.replace("–", "-").split("-"))
        s, e = _seconds(left), _seconds(right)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not HH:MM-HH:MM") from exc
    if s >= DAY:
        raise ValueError(f"{text!r} starts at or after 24:00")
    if e <= s:
        e += DAY
    return Segment(s, e)


def _seconds(hhmm: str) -> int:
    hh, mm = hhmm.split(":")
    h, m = int(hh), int(mm)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(hhmm)
    return h * 3600 + m * 60


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            f"{what} {value.isoformat()} has no time zone; pass an aware datetime, "
            "e.g. datetime(2024, 4, 2, 9, tzinfo=ZoneInfo('Europe/London'))"
        )
    return value.astimezone(UTC)


def _to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """Wall-clock ``local`` in ``tz`` → UTC.

    A time in the spring-forward gap maps to the jump; a repeated time to its first occurrence.
    """
    first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == local:
        return first
    # Nonexistent wall time: the jump happens in [local - offset_after, local - offset_before].
    lo = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    hi = first
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid.astimezone(tz).replace(tzinfo=None) >= local:
            hi = mid
        else:
            lo = mid
    return hi


def _normalise(intervals: Sequence[Interval]) -> list[Interval]:
    """Sort and merge intervals (UTC); empty ones are dropped."""
    clean = sorted((_utc(s, "pause start"), _utc(e, "pause end")) for s, e in intervals if e > s)
    out: list[Interval] = []
    for s, e in clean:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _subtract(base: list[Interval], cuts: list[Interval]) -> list[Interval]:
    """``base`` minus ``cuts``; both sorted and merged."""
    if not cuts:
        return base
    out: list[Interval] = []
    cut_starts = [c[0] for c in cuts]
    for s, e in base:
        i = max(bisect.bisect_right(cut_starts, s) - 1, 0)
        cur = s
        while i < len(cuts) and cuts[i][0] < e:
            cs, ce = cuts[i]
            if ce > cur:
                if cs > cur:
                    out.append((cur, min(cs, e)))
                cur = max(cur, ce)
            if cur >= e:
                break
            i += 1
        if cur < e:
            out.append((cur, e))
    return out
