"""Laws every calendar obeys: elapsed time is additive, and due inverts elapsed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from slm_analysis.catalogue import parse_catalogue

from .test_clock_matches_reference import calendars

INSTANTS = st.integers(0, 200 * 86400).map(
    lambda s: datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=s)
)


def build(cal: tuple[str, dict[str, list[str]], list[date]]):  # type: ignore[no-untyped-def]
    zone, hours, closures = cal
    hrs = ", ".join(f"{d}: [{', '.join(repr(s) for s in segs)}]" for d, segs in hours.items())
    cls = ", ".join(d.isoformat() for d in closures)
    text = (
        f"calendars: {{cal: {{timezone: {zone}, hours: {{{hrs}}}, closures: [{cls}]}}}}\n"
        "customers: [{id: c, name: C}]\nservices: [{id: s, name: S}]\n"
    )
    return parse_catalogue(text).calendar("cal")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cal=calendars(), points=st.lists(INSTANTS, min_size=3, max_size=3))
def test_elapsed_is_additive(cal, points) -> None:  # type: ignore[no-untyped-def]
    a, b, c = sorted(points)
    calendar = build(cal)
    assert calendar.elapsed(a, c) == calendar.elapsed(a, b) + calendar.elapsed(b, c)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cal=calendars(), start=INSTANTS, seconds=st.integers(1, 80 * 3600))
def test_due_inverts_elapsed(cal, start, seconds) -> None:  # type: ignore[no-untyped-def]
    calendar = build(cal)
    duration = timedelta(seconds=seconds)
    due = calendar.due(start, duration)
    assert calendar.elapsed(start, due) == duration
    assert calendar.elapsed(start, due - timedelta(seconds=1)) < duration  # the first such instant
