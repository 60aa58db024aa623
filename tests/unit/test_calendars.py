"""The calendar object of DESIGN §7: hand-worked values, exact to the second."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slm_analysis.calendars import Calendar, parse_segment
from slm_analysis.errors import InputError

LONDON = Calendar.office_hours(
    "uk", "Europe/London", "09:00-17:00", holiday_country="GB", holiday_subdiv="ENG"
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_reference_worked_example_easter_2024() -> None:
    # reference/sla-domain.md §B1: Easter holidays, DST start, a 3 h pause, 4 h target.
    opened, resolved = utc(2024, 3, 28, 16, 30), utc(2024, 4, 2, 14)
    pause = [(utc(2024, 4, 2, 9), utc(2024, 4, 2, 12))]
    assert LONDON.elapsed(opened, resolved, pause) == timedelta(hours=3, minutes=30)
    assert LONDON.due(opened, timedelta(hours=4), pause) == utc(2024, 4, 2, 14, 30)
    assert resolved - opened - timedelta(hours=3) == timedelta(days=4, hours=18, minutes=30)


def test_ignoring_holidays_would_give_the_false_breach_the_reference_describes() -> None:
    no_holidays = Calendar.office_hours("uk", "Europe/London", "09:00-17:00")
    assert no_holidays.due(utc(2024, 3, 28, 16, 30), timedelta(hours=4)) == utc(2024, 3, 29, 12, 30)


def test_dst_spring_forward_shrinks_and_fall_back_grows_a_night_segment() -> None:
    night = Calendar.office_hours("n", "Europe/London", "01:30-03:30", days=range(7))
    spring = night.open_intervals(utc(2024, 3, 31), utc(2024, 4, 1))
    assert spring == [(utc(2024, 3, 31, 1, 0), utc(2024, 3, 31, 2, 30))]  # 1 h 30 m
    autumn = night.open_intervals(utc(2024, 10, 27), utc(2024, 10, 28))
    assert autumn == [(utc(2024, 10, 27, 0, 30), utc(2024, 10, 27, 3, 30))]  # 3 h
    normal = night.open_intervals(utc(2024, 6, 1), utc(2024, 6, 2))
    assert normal == [(utc(2024, 6, 1, 0, 30), utc(2024, 6, 1, 2, 30))]  # BST = UTC+1


def test_segment_crossing_midnight_belongs_to_the_day_it_starts() -> None:
    cal = Calendar.office_hours("night", "UTC", "22:00-06:00", days=[4])  # Friday night
    got = cal.open_intervals(utc(2024, 6, 7), utc(2024, 6, 9))
    assert got == [(utc(2024, 6, 7, 22), utc(2024, 6, 8, 6))]
    assert parse_segment("22:00-06:00").end == 30 * 3600


def test_holiday_is_a_local_date_not_a_utc_date() -> None:
    # 2024-12-25 local in Auckland starts 2024-12-24 11:00 UTC
    nz = Calendar.office_hours(
        "nz", "Pacific/Auckland", "00:00-24:00", days=range(7), closures=[date(2024, 12, 25)]
    )
    got = nz.open_intervals(utc(2024, 12, 24), utc(2024, 12, 26))
    assert got == [
        (utc(2024, 12, 24), utc(2024, 12, 24, 11)),
        (utc(2024, 12, 25, 11), utc(2024, 12, 26)),
    ]


def test_several_segments_per_day_and_24x7() -> None:
    cal = Calendar(
        name="split",
        zone="UTC",
        weekly={0: (parse_segment("08:00-12:00"), parse_segment("13:00-17:00"))},
    )
    monday = utc(2024, 6, 3)
    assert cal.elapsed(monday, monday + timedelta(days=1)) == timedelta(hours=8)
    assert cal.due(monday, timedelta(hours=5)) == utc(2024, 6, 3, 14)
    always = Calendar.twenty_four_seven()
    assert always.elapsed(monday, monday + timedelta(days=3)) == timedelta(days=3)


def test_pauses_outside_open_time_cost_nothing_and_overlapping_pauses_merge() -> None:
    t0, t1 = utc(2024, 6, 3, 9), utc(2024, 6, 4, 17)  # Mon 09:00 → Tue 17:00 (BST!)
    cal = Calendar.office_hours("utc", "UTC", "09:00-17:00")
    pauses = [
        (utc(2024, 6, 3, 20), utc(2024, 6, 4, 8)),  # overnight: no effect
        (utc(2024, 6, 4, 10), utc(2024, 6, 4, 12)),
        (utc(2024, 6, 4, 11), utc(2024, 6, 4, 13)),
    ]  # overlaps: 3 h in total
    assert cal.elapsed(t0, t1, pauses) == timedelta(hours=16 - 3)


def test_due_and_elapsed_are_inverse_and_elapsed_is_additive() -> None:
    a, b, c = utc(2024, 3, 27, 10, 17), utc(2024, 4, 3, 8, 1), utc(2024, 4, 9, 15, 59)
    assert LONDON.elapsed(a, c) == LONDON.elapsed(a, b) + LONDON.elapsed(b, c)
    due = LONDON.due(a, timedelta(hours=13, minutes=7))
    assert LONDON.elapsed(a, due) == timedelta(hours=13, minutes=7)
    assert LONDON.elapsed(a, due - timedelta(seconds=1)) < timedelta(hours=13, minutes=7)


def test_local_datetimes_are_accepted_naive_ones_rejected() -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2024, 6, 3, 10, tzinfo=london)  # 09:00 UTC
    assert LONDON.elapsed(start, start + timedelta(hours=2)) == timedelta(hours=2)
    with pytest.raises(InputError, match="no time zone"):
        LONDON.elapsed(datetime(2024, 6, 3, 10), datetime(2024, 6, 3, 12))


def test_calendar_with_no_open_time_gives_a_clear_error() -> None:
    never = Calendar(name="never", zone="UTC")
    with pytest.raises(InputError, match="less than"):
        never.due(utc(2024, 1, 1), timedelta(hours=1), horizon=timedelta(days=60))


def test_describe_is_plain_language() -> None:
    assert LONDON.describe() == (
        "Mon–Fri 09:00–17:00 Europe/London excluding public holidays in GB-ENG"
    )
