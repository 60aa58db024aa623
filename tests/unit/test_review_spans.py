"""The outage history a review's forecasts bootstrap spans the whole periods of its series,
whatever their kind (a quarter's series is 24 quarters of months, not a range of quarters)."""

from __future__ import annotations

from slm_analysis.periods import Period
from slm_analysis.review import _whole_span


def test_a_series_of_quarters_spans_their_months() -> None:
    quarters = Period.parse("2026-Q3").history(24)
    assert _whole_span(quarters) == Period.parse("2020-10..2026-09")


def test_a_series_of_ranges_spans_from_the_first_month_to_the_last() -> None:
    ranges = Period.parse("2026-08..2026-10").history(3)
    assert _whole_span(ranges) == Period.parse("2026-02..2026-10")


def test_a_series_of_years_keeps_the_latest_ten_years() -> None:
    years = Period.parse("2026").history(24)
    assert _whole_span(years) == Period.parse("2017-01..2026-12")


def test_months_and_weeks_span_as_before() -> None:
    assert _whole_span(Period.parse("2026-10").history(24)) == Period.parse("2024-11..2026-10")
    assert _whole_span(Period.parse("2026-W40").history(3)) == Period.parse("2026-W38..2026-W40")
