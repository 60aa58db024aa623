"""Reporting periods: ``2026-10`` (a month) or ``2026-Q3`` (a quarter), in an agreement's zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from .errors import InputError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month or quarter; ``months`` is 1 or 3."""

    year: int
    month: int
    months: int = 1

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        """Read ``YYYY-MM`` or ``YYYY-Qn``; anything else is an ``InputError``."""
        if isinstance(text, Period):
            return text
        value = str(text).strip()
        if m := _MONTH.match(value):
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12:
                return cls(year, month, 1)
        elif m := _QUARTER.match(value):
            return cls(int(m[1]), 3 * int(m[2]) - 2, 3)
        raise InputError(
            f"period {value!r} is not a period; write a month as YYYY-MM (2026-10) "
            "or a quarter as YYYY-Qn (2026-Q3)"
        )

    @property
    def kind(self) -> str:
        return "month" if self.months == 1 else "quarter"

    def __str__(self) -> str:
        if self.months == 3:
            return f"{self.year}-Q{(self.month - 1) // 3 + 1}"
        return f"{self.year}-{self.month:02d}"

    def label(self) -> str:
        """Human label: ``October 2026`` or ``Q3 2026``."""
        if self.months == 3:
            return f"Q{(self.month - 1) // 3 + 1} {self.year}"
        return datetime(self.year, self.month, 1).strftime("%B %Y")

    def shift(self, n: int) -> Period:
        """The period ``n`` periods later (negative: earlier)."""
        index = self.year * 12 + (self.month - 1) + n * self.months
        return Period(index // 12, index % 12 + 1, self.months)

    def previous(self) -> Period:
        return self.shift(-1)

    def months_in(self) -> list[Period]:
        """The months of this period (itself for a month)."""
        return [Period(self.year, self.month + i) for i in range(self.months)]

    def history(self, count: int) -> list[Period]:
        """The ``count`` periods ending with this one, oldest first."""
        return [self.shift(-i) for i in range(count - 1, -1, -1)]

    def local_bounds(self) -> tuple[datetime, datetime]:
        """Naive local start (inclusive) and end (exclusive)."""
        return datetime(self.year, self.month, 1), _naive(self.shift(1))

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """UTC instants [start, end) of the period in time zone ``zone``."""
        tz = ZoneInfo(zone)
        start, end = self.local_bounds()
        return (
            start.replace(tzinfo=tz).astimezone(UTC),
            end.replace(tzinfo=tz).astimezone(UTC),
        )


def _naive(p: Period) -> datetime:
    return datetime(p.year, p.month, 1)
