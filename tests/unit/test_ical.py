"""iCalendar closures from files that may come from anywhere: bounded, and every unreadable
event a ValueError naming it (a catalogue Problem), never an internal error or a hang."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from slm_analysis.ical import MAX_OCCURRENCES, closure_dates


def ics(tmp_path: Path, *lines: str, name: str = "c.ics") -> Path:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "SUMMARY:Shutdown", *lines]
    path = tmp_path / name
    path.write_text("\r\n".join([*body, "END:VEVENT", "END:VCALENDAR", ""]))
    return path


@pytest.mark.parametrize("freq", ["SECONDLY", "MINUTELY", "HOURLY"])
def test_a_rule_finer_than_daily_is_refused_quickly(tmp_path: Path, freq: str) -> None:
    path = ics(tmp_path, "DTSTART;VALUE=DATE:20260101", f"RRULE:FREQ={freq}")
    started = time.monotonic()
    with pytest.raises(
        ValueError,
        match=rf"event 'Shutdown' cannot be read \(its RRULE repeats it more than "
        rf"{MAX_OCCURRENCES:,} times up to 2100-12-31; closures repeat daily at most\)",
    ):
        closure_dates(path)
    assert time.monotonic() - started < 10  # before: expanded to 2100, for ever


def test_a_daily_rule_is_expanded_within_the_plausible_years(tmp_path: Path) -> None:
    dates = closure_dates(ics(tmp_path, "DTSTART;VALUE=DATE:19000101", "RRULE:FREQ=DAILY"))
    assert min(dates) == date(1970, 1, 1)
    assert max(dates) == date(2100, 12, 31)
    assert len(dates) == (date(2101, 1, 1) - date(1970, 1, 1)).days


def test_an_event_running_for_centuries_is_cut_at_the_plausible_years(tmp_path: Path) -> None:
    path = ics(tmp_path, "DTSTART;VALUE=DATE:20260101", "DTEND;VALUE=DATE:99991231")
    dates = closure_dates(path)
    assert (min(dates), max(dates)) == (date(2026, 1, 1), date(2100, 12, 31))


def test_an_all_day_start_with_a_timed_end_closes_its_days(tmp_path: Path) -> None:
    """Before: TypeError (datetime minus date), an internal error at catalogue load."""
    path = ics(tmp_path, "DTSTART;VALUE=DATE:20260101", "DTEND:20260103T100000Z")
    assert closure_dates(path) == {date(2026, 1, 1), date(2026, 1, 2)}


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        (["DTSTART:garbage"], "Expected time, got: garbage"),
        (["DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=FOO"], "invalid 'FREQ': FOO"),
    ],
)
def test_an_unreadable_event_is_named(tmp_path: Path, lines: list[str], why: str) -> None:
    path = ics(tmp_path, *lines)
    with pytest.raises(ValueError, match=rf"c\.ics: event 'Shutdown' cannot be read \(.*{why}"):
        closure_dates(path)
