"""The set-based DuckDB clock agrees with the plain-Python calendar to the second.

Hypothesis generates calendars (zones with and without DST, several segments a day, segments
crossing midnight, closure dates), incidents (stopped and running) and pauses. The reference is
``Calendar.elapsed``/``Calendar.due``: a direct walk over open intervals.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from slm_analysis import measures, warehouse
from slm_analysis.calendars import Calendar
from slm_analysis.catalogue import parse_catalogue

ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/St_Johns",
    "Pacific/Chatham",
]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
BASE = datetime(2024, 1, 1, tzinfo=UTC)
AS_OF = datetime(2025, 2, 1, tzinfo=UTC)


@st.composite
def segments(draw: st.DrawFn) -> list[str]:
    out = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(st.integers(0, 23 * 60 + 45)) // 15 * 15
        length = draw(st.integers(15, 14 * 60)) // 15 * 15
        end = (start + length) % (24 * 60)
        out.append(f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
    return out


@st.composite
def calendars(draw: st.DrawFn) -> tuple[str, dict[str, list[str]], list[date]]:
    zone = draw(st.sampled_from(ZONES))
    hours = {d: s for d in DAYS if (s := draw(segments()))}
    if not hours:
        hours = {"wed": ["10:00-11:00"]}
    closures = draw(st.lists(st.dates(date(2024, 1, 1), date(2024, 12, 31)), max_size=6))
    return zone, hours, closures


@st.composite
def incidents(draw: st.DrawFn) -> list[dict[str, object]]:
    out = []
    for i in range(draw(st.integers(1, 6))):
        t0 = BASE + timedelta(seconds=draw(st.integers(0, 360 * 86400)))
        running = draw(st.booleans())
        stop = None if running else t0 + timedelta(seconds=draw(st.integers(0, 40 * 86400)))
        pauses = []
        starts = draw(st.lists(st.integers(-86400, 30 * 86400), max_size=3, unique=True))
        for offset in starts:  # a state history has one row per (start, state)
            p0 = t0 + timedelta(seconds=offset)
            pauses.append((p0, p0 + timedelta(seconds=draw(st.integers(1, 5 * 86400)))))
        out.append(
            {
                "number": f"I{i}",
                "t0": t0,
                "stop": stop,
                "pauses": pauses,
                "open_pause": draw(st.booleans()),
            }
        )
    return out


def _catalogue(zone: str, hours: dict[str, list[str]], closures: list[date], within: int) -> str:
    hrs = ", ".join(f"{d}: [{', '.join(repr(s) for s in segs)}]" for d, segs in hours.items())
    cls = ", ".join(d.isoformat() for d in closures)
    return f"""
calendars:
  cal: {{timezone: {zone}, hours: {{{hrs}}}, closures: [{cls}]}}
customers: [{{id: c, name: C}}]
services: [{{id: s, name: S}}]
agreements:
  - id: a
    customer: c
    services: [s]
    clock: {{pause_states: [On Hold]}}
    targets:
      - {{id: t, metric: resolution_time, within: {within}s, calendar: cal, objective: 90}}
"""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cal=calendars(), incs=incidents(), within=st.integers(60, 60 * 3600))
def test_sql_clock_equals_reference(
    cal: tuple[str, dict[str, list[str]], list[date]], incs: list[dict[str, object]], within: int
) -> None:
    zone, hours, closures = cal
    cat = parse_catalogue(_catalogue(zone, hours, closures, within))
    ref: Calendar = cat.calendar("cal")
    con = warehouse.connect(":memory:")
    try:
        for inc in incs:
            con.execute(
                "insert into incidents (source, number, customer, service, priority, state, "
                "opened_at, resolved_at, load_id) values ('t', $n, 'c', 's', 3, 'x', $o, $r, 0)",
                {"n": inc["number"], "o": inc["t0"], "r": inc["stop"]},
            )
            for k, (p0, p1) in enumerate(inc["pauses"]):  # type: ignore[attr-defined]
                still_open = inc["open_pause"] and k == len(inc["pauses"]) - 1  # type: ignore[arg-type]
                con.execute(
                    "insert into incident_states values ('t', $n, 'On Hold', $s, $e, 0)",
                    {"n": inc["number"], "s": p0, "e": None if still_open else p1},
                )
        clocks = measures.ticket_clocks(con, cat, "c", as_of=AS_OF).set_index("number")
    finally:
        con.close()
    for inc in incs:
        t0: datetime = inc["t0"]  # type: ignore[assignment]
        # a stop after the as-of instant is not known yet: the clock runs until as-of
        t_end: datetime = min(inc["stop"] or AS_OF, AS_OF)  # type: ignore[type-var]
        pauses = []
        for k, (p0, p1) in enumerate(inc["pauses"]):  # type: ignore[attr-defined]
            if inc["open_pause"] and k == len(inc["pauses"]) - 1:  # type: ignore[arg-type]
                p1 = AS_OF
            p0, p1 = max(p0, t0), min(p1, t_end)
            if p1 > p0:
                pauses.append((p0, p1))
        row = clocks.loc[inc["number"]]
        elapsed = ref.elapsed(t0, t_end, pauses)
        assert row["business_elapsed"] == elapsed.total_seconds(), inc
        assert row["met"] == (elapsed <= timedelta(seconds=within))
        due = ref.due(t0, timedelta(seconds=within), pauses)
        assert row["due_at"].to_pydatetime() == due, (inc, row["due_at"], due)
        # holiday time = what the calendar would be open without its closures, minus open time
        no_closures = replace(ref, closures=frozenset())
        holiday = no_closures.elapsed(t0, t_end) - ref.elapsed(t0, t_end)
        assert row["holiday_elapsed"] == holiday.total_seconds(), inc
