"""Recurrence rules recognised as matching nothing before dateutil walks them to the year
9999 — and only those: a rule that matches, however rarely, is left to expand."""

from __future__ import annotations

from datetime import datetime

import pytest

from slm_analysis.rrules import matches_nothing, parts

START = datetime(2026, 1, 5, 2, 0)  # a Monday, 02:00


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "RRULE:FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=SECONDLY;BYYEARDAY=367",
    ],
)
def test_rules_matching_nothing(rule: str) -> None:
    assert matches_nothing(rule, START)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",  # leap years
        "FREQ=DAILY;BYDAY=1MO",  # an ordinal means nothing below monthly: every Monday
        "FREQ=HOURLY;INTERVAL=5;BYHOUR=3",
        "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30",  # walked to 9999 in under a second anyway
        "FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20260101T000000",  # ends before it starts: nothing to walk
    ],
)
def test_rules_that_match_or_are_cheap_to_walk(rule: str) -> None:
    assert not matches_nothing(rule, START)


def test_parts_read_the_rule_text() -> None:
    assert parts("RRULE:freq=daily; byday=mo,tu") == {"FREQ": "DAILY", "BYDAY": "MO,TU"}
