"""Reporting periods in an agreement's zone: months, quarters, halves, years, ISO weeks, ranges.

Forms read by ``Period.parse``: ``2026-10`` (month), ``2026-Q3``, ``2026-H1``, ``2026``,
``2026-W07`` (ISO week, Monday to Sunday), inclusive ranges of months or weeks
(``2026-01..2026-06``, ``2026-W01..2026-W10``) and relative names resolved against a given day
(``last-month``, ``this-quarter``, ``next-week`` …). A ``Period`` is a run of whole months or
whole ISO weeks; its kind is checked against its span when it is built, so a period whose label
does not describe its span cannot exist.

A period named by a user (any form ``Period.parse`` reads, the named constructors, an as-of
instant) must lie in the plausible years (``defaults.YEARS``, 1970–2100), the same years a load
accepts in its records. Periods reached by arithmetic from a named one — the rolling twelve months
of January 1970, the month after December 2100 — may fall outside them: they exist, and there is
simply no data in them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from .defaults import YEARS
from .errors import InputError

Kind = Literal["month", "quarter", "half", "year", "week", "range"]
Unit = Literal["month", "week"]
# kind → (unit, units per period, allowed first months of the year)
_SHAPES: dict[str, tuple[str, int, tuple[int, ...]]] = {
    "month": ("month", 1, tuple(range(1, 13))),
    "quarter": ("month", 3, (1, 4, 7, 10)),
    "half": ("month", 6, (1, 7)),
    "year": ("month", 12, (1,)),
    "week": ("week", 1, ()),
}
FIRST_YEAR, LAST_YEAR = YEARS
MAX_RANGE = {"month": 120, "week": 522}  # the longest range, in its units: ten years
RELATIVE_UNITS = ("week", "month", "quarter", "half", "year")
HELP = (
    "write a month as 2026-10, a quarter 2026-Q3, a half 2026-H1, a year 2026, an ISO week "
    "2026-W07, a range 2026-01..2026-06 (or 2026-W01..2026-W10), or last-month / this-month / "
    "next-month (also -week, -quarter, -half, -year)"
)

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)
_QUARTER = re.compile(r"^(\d{4})-Q(\d)$", re.ASCII)
_HALF = re.compile(r"^(\d{4})-H(\d)$", re.ASCII)
_YEAR = re.compile(r"^(\d{4})$", re.ASCII)
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.ASCII)
_RELATIVE = re.compile(r"^(last|this|next)-(week|month|quarter|half|year)$")


@dataclass(frozen=True, order=True)
class Period:
    """``count`` whole months (or ISO weeks) starting on the local date ``first``.

    Build one with ``Period.parse`` or the named constructors (``Period.of_month(2026, 10)``);
    the constructor refuses a ``kind`` that does not describe the span.
    """

    first: date
    count: int
    kind: Kind
    unit: Unit = "month"

    def __post_init__(self) -> None:
        _check_shape(self.first, self.count, self.kind, self.unit)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        return cls(_first_of(year, month), 1, "month")

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise InputError(f"quarter {quarter} does not exist; quarters are Q1–Q4")
        return cls(_first_of(year, 3 * quarter - 2), 3, "quarter")

    @classmethod
    def of_half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise InputError(f"half {half} does not exist; halves are H1 and H2")
        return cls(_first_of(year, 6 * half - 5), 6, "half")

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(_first_of(year, 1), 12, "year")

    @classmethod
    def of_week(cls, year: int, week: int) -> Period:
        _check_year(year)
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise InputError(
                f"week {week} does not exist in ISO year {year} "
                f"(it has {date(year, 12, 28).isocalendar().week} weeks)"
            ) from None
        return cls(monday, 1, "week", "week")

    @classmethod
    def span(cls, first: Period, last: Period) -> Period:
        """The inclusive run from ``first`` to ``last`` (both months or both weeks); a run that
        is exactly a month, quarter, half or year is that period."""
        if first.unit != last.unit or first.count != 1 or last.count != 1:
            raise InputError(
                f"a range runs from one month to another or one week to another, not "
                f"{first} to {last}"
            )
        if last < first:
            raise InputError(f"range {first}..{last} ends before it starts; swap its ends")
        count = _units_between(first.first, last.first, first.unit) + 1
        most = MAX_RANGE[first.unit]
        if count > most:
            raise InputError(
                f"range {first}..{last} runs {count} {first.unit}s; a range runs at most {most} "
                f"{first.unit}s (ten years: each {first.unit} is measured on its own, and longer "
                "ranges take minutes) — report a longer span year by year"
            )
        for kind, (unit, n, starts) in _SHAPES.items():
            if (
                unit == first.unit
                and n == count
                and (unit == "week" or first.first.month in starts)
            ):
                return cls(first.first, count, kind, first.unit)  # type: ignore[arg-type]
        return cls(first.first, count, "range", first.unit)

    @classmethod
    def parse(cls, text: str | Period, today: date | None = None) -> Period:
        """Read any period form; relative names need ``today`` (the day in the agreement's
        zone, see ``today_in``). Anything else is an ``InputError`` that lists the forms."""
        if isinstance(text, Period):
            return text
        value = str(text).strip()
        if ".." in value:
            a, _, b = value.partition("..")
            return cls.span(cls._one(a.strip(), value, today), cls._one(b.strip(), value, today))
        return cls._one(value, value, today)

    @classmethod
    def _one(cls, value: str, whole: str, today: date | None) -> Period:
        upper = value.upper()
        if m := _MONTH.match(value):
            return cls.of_month(int(m[1]), int(m[2]))
        if m := _QUARTER.match(upper):
            return cls.of_quarter(int(m[1]), int(m[2]))
        if m := _HALF.match(upper):
            return cls.of_half(int(m[1]), int(m[2]))
        if m := _YEAR.match(value):
            return cls.of_year(int(m[1]))
        if m := _WEEK.match(upper):
            return cls.of_week(int(m[1]), int(m[2]))
        if m := _RELATIVE.match(value.lower()):
            if today is None:
                raise InputError(f"period {whole!r} is relative; give the day it is relative to")
            shift = {"last": -1, "this": 0, "next": 1}[m[1]]
            return cls.containing(today, m[2]).shift(shift)  # type: ignore[arg-type]
        raise InputError(f"period {whole!r} is not a period; {HELP}")

    @classmethod
    def containing(cls, day: date, kind: Kind) -> Period:
        """The period of ``kind`` (not ``range``) that contains the local date ``day``."""
        if kind == "week":
            iso = day.isocalendar()
            return cls.of_week(iso.year, iso.week)
        _, n, _ = _SHAPES[kind]
        return cls(_first_of(day.year, (day.month - 1) // n * n + 1), n, kind)

    # ------------------------------------------------------------------ properties
    @property
    def end(self) -> date:
        """The local date after the last day (exclusive)."""
        return _add_units(self.first, self.count, self.unit)

    def __str__(self) -> str:
        y = self.first.year
        if self.kind == "month":
            return f"{y}-{self.first.month:02d}"
        if self.kind == "quarter":
            return f"{y}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{y}-H{(self.first.month - 1) // 6 + 1}"
        if self.kind == "year":
            return str(y)
        if self.kind == "week":
            iso = self.first.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        return f"{self.first_unit()}..{self.last_unit()}"

    def label(self) -> str:
        """Human label: ``October 2026``, ``Q3 2026``, ``H1 2026``, ``2026``,
        ``Week 7 2026 (9–15 Feb)``, ``January – June 2026``."""
        y = self.first.year
        if self.kind == "month":
            return self.first.strftime("%B %Y")
        if self.kind in ("quarter", "half"):
            return f"{str(self).split('-')[1]} {y}"
        if self.kind == "year":
            return str(y)
        last = self.end - timedelta(days=1)
        if self.kind == "week":
            iso = self.first.isocalendar()
            return f"Week {iso.week} {iso.year} ({_day_span(self.first, last)})"
        if self.unit == "week":
            return (
                f"Weeks {self.first_unit()} to {self.last_unit()} ({_day_span(self.first, last)})"
            )
        a, b = self.first, last
        if a.year == b.year:
            return f"{a:%B} – {b:%B %Y}"
        return f"{a:%B %Y} – {b:%B %Y}"

    def first_unit(self) -> Period:
        return Period(self.first, 1, self.unit, self.unit)

    def last_unit(self) -> Period:
        return self.first_unit().shift(self.count - 1)

    # ------------------------------------------------------------------ arithmetic
    def shift(self, n: int) -> Period:
        """The period of the same kind and length ``n`` periods later (negative: earlier)."""
        first = _add_units(self.first, n * self.count, self.unit)
        return Period(first, self.count, self.kind, self.unit)

    def previous(self) -> Period:
        return self.shift(-1)

    def history(self, count: int) -> list[Period]:
        """The ``count`` periods ending with this one, oldest first."""
        return [self.shift(-i) for i in range(count - 1, -1, -1)]

    def units(self) -> list[Period]:
        """The months (or weeks) the period is made of, in order."""
        first = self.first_unit()
        return [first.shift(i) for i in range(self.count)]

    def rolling_year(self) -> Period:
        """The twelve months (52 weeks for week periods) ending with this period."""
        last = self.last_unit()
        n = 52 if self.unit == "week" else 12
        return Period.span(last.shift(-(n - 1)), last)

    def local_bounds(self) -> tuple[datetime, datetime]:
        """Naive local start (inclusive) and end (exclusive)."""
        return _midnight(self.first), _midnight(self.end)

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """UTC instants [start, end) of the period in time zone ``zone``."""
        tz = ZoneInfo(zone)
        start, end = self.local_bounds()
        return (
            start.replace(tzinfo=tz).astimezone(UTC),
            end.replace(tzinfo=tz).astimezone(UTC),
        )


def parse_instant(value: str | datetime | None) -> datetime | None:
    """An instant given by a user (``--as-of``): ISO 8601, UTC unless it carries an offset;
    None or "" for none."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(
                f"{value!r} is not an instant; write ISO 8601 such as 2026-11-01T00:00 (UTC) "
                "or 2026-11-01T00:00+01:00"
            ) from None
    try:
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
        moment = datetime.min.replace(tzinfo=UTC)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise InputError(
            f"{value!s} is outside the plausible years {FIRST_YEAR}–{LAST_YEAR} (UTC); give an "
            "instant such as 2026-11-01T00:00"
        )
    return moment


def today_in(zone: str, now: datetime | None = None) -> date:
    """The local date in ``zone`` at ``now`` (default: the current instant)."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()


# ---------------------------------------------------------------------------- helpers
def _check_year(year: int) -> None:
    """A year a user names: one of the plausible years."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(
            f"year {year} is outside the plausible years {FIRST_YEAR}–{LAST_YEAR}; check the "
            "period's year"
        )


def _first_of(year: int, month: int) -> date:
    _check_year(year)
    if not 1 <= month <= 12:
        raise InputError(f"month {month:02d} does not exist; months are 01–12")
    return date(year, month, 1)


def _check_shape(first: date, count: int, kind: str, unit: str) -> None:
    """Refuse a period whose kind does not describe its span (its years are checked where a
    user names it: arithmetic may reach a year or so beyond the plausible ones)."""
    aligned = first.isoweekday() == 1 if unit == "week" else first.day == 1
    if kind == "range":
        ok = count >= 2 and unit in ("month", "week")
    elif kind in _SHAPES:
        want_unit, n, starts = _SHAPES[kind]
        ok = unit == want_unit and count == n and (unit == "week" or first.month in starts)
    else:
        ok = False
    if not (ok and aligned):
        raise InputError(
            f"a {kind} cannot start on {first} and run {count} {unit}(s); build periods with "
            "Period.parse or Period.of_month/of_quarter/… or Period.span"
        )


def _add_units(d: date, n: int, unit: str) -> date:
    try:
        if unit == "week":
            return d + timedelta(weeks=n)
        index = d.year * 12 + d.month - 1 + n
        return date(index // 12, index % 12 + 1, 1)
    except (OverflowError, ValueError):
        raise InputError(
            f"{n} {unit}s from {d} is outside the calendar (years 1–9999); ask for fewer periods"
        ) from None


def _units_between(a: date, b: date, unit: str) -> int:
    if unit == "week":
        return (b - a).days // 7
    return (b.year - a.year) * 12 + b.month - a.month


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _day_span(a: date, b: date) -> str:
    if a.year != b.year:
        return f"{a:%-d %b %Y} – {b:%-d %b %Y}"
    if a.month != b.month:
        return f"{a:%-d %b} – {b:%-d %b}"
    return f"{a.day}–{b:%-d %b}"
