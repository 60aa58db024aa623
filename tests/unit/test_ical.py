"""iCalendar closures from files that may come from anywhere: bounded, and every unreadable
event a ValueError naming it (a catalogue Problem), never an internal error or a hang."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from slm_analysis.ical import closure_dates


def ics(tmp_path: Path, *lines: str, name: str = "c.ics") -> Path:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "SUMMARY:Shutdown", *lines]
    path = tmp_path / name
    path.write_text("\r\n".join([*body, "END:VEVENT", "END:VCALENDAR", ""]))
    return path


@pytest.mark.parametrize("freq", ["SECONDLY", "MINUTELY", "HOURLY"])
def test_a_rule_finer_than_daily_is_refused_quickly(tmp_path: Path, freq: str) -> None:
    path = ics(tmp_path, "DTSTART;VALUE=DATE:20260101", f"RRULE:FREQ={freq};BYMONTHDAY=30")
    started = time.monotonic()
    with pytest.raises(
        ValueError,
        match=rf"event 'Shutdown' cannot be read \(its RRULE repeats it {freq.lower()}; "
        r"closures are whole dates, so a rule repeats daily at most",
    ):
        closure_dates(path)
    assert time.monotonic() - started < 10  # a hang guard: before, expanded to 9999 for ever


def test_a_daily_rule_repeating_more_than_the_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("slm_analysis.ical.MAX_OCCURRENCES", 1_000)
    path = ics(tmp_path, "DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=DAILY")
    with pytest.raises(ValueError, match=r"repeats it more than 1,000 times up to 2100-12-31"):
        closure_dates(path)


@pytest.mark.parametrize("freq", ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
def test_a_rule_matching_no_date_closes_its_start_only(tmp_path: Path, freq: str) -> None:
    """Before: dateutil walked every day to the year 9999 looking for a 30 February (a daily rule
    6 s, a secondly one 14 s) on every command. Now the start date, which RFC 5545 always
    counts as the first occurrence, and nothing else."""
    rule = f"RRULE:FREQ={freq};BYMONTH=2;BYMONTHDAY=30;UNTIL=20300101T000000Z"
    started = time.monotonic()
    assert closure_dates(ics(tmp_path, "DTSTART;VALUE=DATE:20260105", rule)) == {date(2026, 1, 5)}
    assert time.monotonic() - started < 10  # a hang guard, not a benchmark


def test_the_start_counts_as_an_occurrence_with_the_rule_s_dates(tmp_path: Path) -> None:
    # Monday 5 January 2026, then the last Monday of May: 25 May 2026 and 31 May 2027
    rule = "RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO;COUNT=2"
    assert closure_dates(ics(tmp_path, "DTSTART;VALUE=DATE:20260105", rule)) == {
        date(2026, 1, 5),
        date(2026, 5, 25),
        date(2027, 5, 31),
    }


def test_an_until_in_utc_bounds_an_all_day_rule(tmp_path: Path) -> None:
    """Before: "RRULE UNTIL values must be specified in UTC when DTSTART is timezone-aware", as
    feeds write all-day rules (UNTIL=…Z with a date start), refused the whole calendar."""
    rule = "RRULE:FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20260118T000000Z"
    dates = closure_dates(ics(tmp_path, "DTSTART;VALUE=DATE:20260103", rule))
    assert sorted(dates) == [date(2026, 1, d) for d in (3, 4, 10, 11, 17, 18)]  # UNTIL is inclusive


def test_a_daily_rule_with_set_positions_is_refused(tmp_path: Path) -> None:
    path = ics(tmp_path, "DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=DAILY;BYSETPOS=2")
    with pytest.raises(ValueError, match=r"BYSETPOS, which a daily rule's one day per step"):
        closure_dates(path)


def test_a_file_over_the_size_limit_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("slm_analysis.ical.MAX_BYTES", 100)
    path = ics(tmp_path, "DTSTART;VALUE=DATE:20260101", "DESCRIPTION:" + "x" * 100)
    with pytest.raises(ValueError, match=r"c\.ics is larger than 0 MiB"):
        closure_dates(path)


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
        (["DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=FOO"], "Expected frequency, got: FOO"),
    ],
)
def test_an_unreadable_event_is_named(tmp_path: Path, lines: list[str], why: str) -> None:
    path = ics(tmp_path, *lines)
    with pytest.raises(ValueError, match=rf"c\.ics: event 'Shutdown' cannot be read \(.*{why}"):
        closure_dates(path)
