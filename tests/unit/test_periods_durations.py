from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from slm_analysis.durations import describe_duration, format_duration, parse_duration
from slm_analysis.periods import Period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", timedelta(hours=4)),
        ("30m", timedelta(minutes=30)),
        ("2h30m", timedelta(hours=2, minutes=30)),
        ("3 days", timedelta(days=3)),
        ("4 hours", timedelta(hours=4)),
        ("PT4H", timedelta(hours=4)),
        ("1d 2h", timedelta(hours=26)),
        (90, timedelta(seconds=90)),
    ],
)
def test_parse_duration(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["4 hurs", "four hours", "", "4", "h4", "PT", True])
def test_parse_duration_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(bad)  # type: ignore[arg-type]


def test_describe_and_format_duration() -> None:
    assert describe_duration(timedelta(hours=40), largest="hour") == "40 hours"
    assert describe_duration(timedelta(days=3)) == "3 days"
    assert describe_duration(timedelta(hours=2, minutes=30)) == "2 hours 30 minutes"
    assert format_duration(timedelta(hours=26, minutes=5)) == "26h 05m"
    assert format_duration(59) == "59s"
    assert format_duration(None) == "–"


def test_period_bounds_follow_the_zone() -> None:
    start, end = Period.parse("2026-11").bounds("Europe/Paris")
    assert start == datetime(2026, 10, 31, 23, tzinfo=UTC)  # CET = UTC+1 after 25 October
    assert end == datetime(2026, 11, 30, 23, tzinfo=UTC)
    start, _ = Period.parse("2026-07").bounds("Europe/Paris")
    assert start == datetime(2026, 6, 30, 22, tzinfo=UTC)  # CEST = UTC+2
