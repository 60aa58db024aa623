"""Durations as people write them: ``4h``, ``30m``, ``2h30m``, ``3 days``, ``PT4H``."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*", re.IGNORECASE)
_ISO = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.IGNORECASE)

DURATION_HELP = "a duration such as 30m, 4h, 2h30m, 3d, '4 hours' or PT4H"
# the longest duration read: a target's `within` or a maintenance window's length is at most a
# (leap) year; longer is a typing slip, and days by the billion overflow date arithmetic
MAX_DAYS = 366


class Span(timedelta):
    """A parsed duration that remembers how many days (``d``) it was written with, so that an
    agreement can read ``2d`` as two working days instead of 48 hours."""

    written_days: float = 0.0

    def __new__(cls, seconds: float, written_days: float = 0.0) -> Span:
        span = super().__new__(cls, seconds=seconds)
        span.written_days = written_days
        return span


def parse_duration(text: str | int | float | timedelta) -> Span:
    """Parse a duration; a bare number is seconds. Raises ``ValueError`` with the expected form.

    ``d`` means 24 hours of the target's calendar time (ServiceNow semantics) unless the
    agreement's ``clock.day`` says ``working_day``.
    """
    if isinstance(text, Span):
        return text
    if isinstance(text, timedelta):
        return Span(text.total_seconds())
    if isinstance(text, bool):
        raise ValueError(f"expected {DURATION_HELP}")
    if isinstance(text, int | float):
        return Span(_bounded(text, text))
    value = str(text).strip()
    if m := _ISO.match(value):
        if not any(m.groups()):
            raise ValueError(f"{value!r} is not {DURATION_HELP}")
        d, h, mi, s = (int(g or 0) for g in m.groups())
        return Span(_bounded(d * 86400 + h * 3600 + mi * 60 + s, value), written_days=d)
    pos, total, days = 0, 0.0, 0.0
    for part in _PART.finditer(value):
        if part.start() != pos:
            break
        unit = _UNITS.get(part[2].lower())
        if unit is None:
            raise ValueError(f"{value!r}: unknown unit {part[2]!r}; expected {DURATION_HELP}")
        total += float(part[1]) * unit
        if unit == 86400:
            days += float(part[1])
        pos = part.end()
    if pos != len(value) or pos == 0:
        raise ValueError(f"{value!r} is not {DURATION_HELP}")
    return Span(round(_bounded(total, value)), written_days=days)


def _bounded(seconds: float, written: object) -> float:
    """``seconds``, when at most ``MAX_DAYS`` days; else a ``ValueError`` saying so."""
    if not seconds <= MAX_DAYS * 86400:  # NaN included
        raise ValueError(
            f"{written!r} is longer than {MAX_DAYS} days, the longest duration read (a target's "
            "time or a maintenance window is at most a year)"
        )
    return seconds


def format_duration(value: timedelta | float | int | None) -> str:
    """``timedelta(hours=26, minutes=5)`` → ``26h 05m``; seconds shown only under a minute."""
    if value is None:
        return "–"
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{seconds}s"
    h, rem = divmod(seconds, 3600)
    m = rem // 60
    if h == 0:
        return f"{sign}{m}m"
    return f"{sign}{h}h {m:02d}m"


def describe_duration(value: timedelta, largest: str = "day") -> str:
    """Plain words: ``4 hours``, ``30 minutes``, ``3 days``, ``2 hours 30 minutes``.

    ``largest="hour"`` never uses days (``40 hours``), which is unambiguous for business time.
    """
    seconds = int(value.total_seconds())
    parts = []
    units = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
    for unit, size in units[1:] if largest == "hour" else units:
        n, seconds = divmod(seconds, size)
        if n:
            parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
    return " ".join(parts) or "0 minutes"
