"""The SQL clock against a minute-by-minute brute force that shares no code with the library.

Instants, pauses and segments fall on whole minutes so that counting minutes is exact.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import hypothesis.strategies as st
from hypothesis import HealthCheck, example, given, settings

from slm_analysis import measures, warehouse
from slm_analysis.catalogue import parse_catalogue

from .reference_clock import elapsed_and_due, open_minutes, paused_minutes

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# zones with their DST changes (Lord Howe shifts by 30 minutes; Kathmandu is UTC+5:45), and a
# start two days before each change so that the changes fall inside the clocks
ZONE_ANCHORS = {
    "Europe/London": [datetime(2024, 3, 29, tzinfo=UTC), datetime(2024, 10, 25, tzinfo=UTC)],
    "America/New_York": [datetime(2024, 3, 8, tzinfo=UTC), datetime(2024, 11, 1, tzinfo=UTC)],
    "Australia/Lord_Howe": [datetime(2024, 4, 5, tzinfo=UTC), datetime(2024, 10, 4, tzinfo=UTC)],
    "Asia/Kathmandu": [datetime(2024, 6, 1, tzinfo=UTC)],
    "UTC": [datetime(2024, 6, 1, tzinfo=UTC)],
}
AS_OF = datetime(2024, 12, 31, tzinfo=UTC)


def hhmm(m: int) -> str:
    return f"{m // 60 % 24:02d}:{m % 60:02d}"


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, object]:
    zone = draw(st.sampled_from(sorted(ZONE_ANCHORS)))
    hours: dict[int, list[tuple[int, int]]] = {}
    for d in range(7):
        for _ in range(draw(st.integers(0, 2))):
            # half of the segments start or end in the small hours, where DST changes happen
            s = draw(st.one_of(st.integers(0, 95), st.integers(0, 16))) * 15
            hours.setdefault(d, []).append((s, s + draw(st.integers(1, 48)) * 15))
    if not hours:
        hours = {2: [(600, 660)]}
    anchor = draw(st.sampled_from(ZONE_ANCHORS[zone]))
    closures = set(
        draw(
            st.lists(
                st.integers(-3, 12).map(lambda k: (anchor + timedelta(days=k)).date()), max_size=3
            )
        )
    )
    t0 = anchor + timedelta(minutes=draw(st.integers(0, 2 * 1440)))
    stop = t0 + timedelta(minutes=draw(st.integers(0, 6 * 1440)))
    pauses = []
    for offset in draw(st.lists(st.integers(-600, 6 * 1440), max_size=2, unique=True)):
        p0 = t0 + timedelta(minutes=offset)
        pauses.append((p0, p0 + timedelta(minutes=draw(st.integers(1, 1440)))))
    within = timedelta(minutes=draw(st.integers(1, 20 * 60)))
    return {
        "zone": zone,
        "hours": hours,
        "closures": closures,
        "t0": t0,
        "stop": stop,
        "pauses": pauses,
        "within": within,
    }


def catalogue(sc: dict[str, object]) -> str:
    hours = sc["hours"]
    assert isinstance(hours, dict)
    hrs = ", ".join(
        f"{DAYS[d]}: [{', '.join(repr(hhmm(s) + '-' + hhmm(e)) for s, e in segs)}]"
        for d, segs in hours.items()
    )
    cls = ", ".join(d.isoformat() for d in sc["closures"])  # type: ignore[attr-defined]
    minutes = int(sc["within"] / timedelta(minutes=1))  # type: ignore[operator]
    return f"""
calendars: {{cal: {{timezone: {sc["zone"]}, hours: {{{hrs}}}, closures: [{cls}]}}}}
customers: [{{id: c, name: C}}]
services: [{{id: s, name: S}}]
agreements:
  - {{id: a, customer: c, services: [s], clock: {{pause_states: [On Hold]}},
     targets: [{{id: t, metric: resolution_time, within: {minutes}m, calendar: cal, objective: 90}}]}}
"""


def night(zone: str, t0: datetime, days: int = 3) -> dict[str, object]:
    """A 01:30-03:30 (local) segment every night around a DST change: the edge cases."""
    return {
        "zone": zone,
        "hours": {d: [(90, 210)] for d in range(7)},
        "closures": set(),
        "t0": t0,
        "stop": t0 + timedelta(days=days),
        "pauses": [],
        "within": timedelta(hours=5),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenario())
@example(sc=night("Europe/London", datetime(2024, 3, 30, tzinfo=UTC)))  # spring gap
@example(sc=night("Europe/London", datetime(2024, 10, 26, tzinfo=UTC)))  # autumn overlap
@example(sc=night("Australia/Lord_Howe", datetime(2024, 10, 5, tzinfo=UTC)))  # 30-min shift
@example(sc=night("America/New_York", datetime(2024, 3, 9, tzinfo=UTC)))
def test_sql_clock_equals_minute_brute_force(sc: dict[str, object]) -> None:
    cat = parse_catalogue(catalogue(sc))
    t0, stop = sc["t0"], sc["stop"]
    assert isinstance(t0, datetime) and isinstance(stop, datetime)
    con = warehouse.connect(":memory:")
    try:
        con.execute(
            "insert into incidents (source, number, customer, service, priority, state, "
            "opened_at, resolved_at, load_id) values ('t', 'I', 'c', 's', 3, 'x', $o, $r, 0)",
            {"o": t0, "r": stop},
        )
        for p0, p1 in sc["pauses"]:  # type: ignore[attr-defined]
            con.execute(
                "insert into incident_states values ('t', 'I', 'On Hold', $s, $e, 0)",
                {"s": p0, "e": p1},
            )
        row = measures.ticket_clocks(con, cat, "c", as_of=AS_OF).iloc[0]
    finally:
        con.close()
    clipped = [(max(a, t0), min(b, stop)) for a, b in sc["pauses"]]  # type: ignore[attr-defined]
    within = sc["within"]
    assert isinstance(within, timedelta)
    horizon = stop + timedelta(days=25)
    open_set = open_minutes(str(sc["zone"]), sc["hours"], sc["closures"], t0, horizon)  # type: ignore[arg-type]
    elapsed, due = elapsed_and_due(open_set, paused_minutes(clipped), t0, stop, within)
    assert row["business_elapsed"] == elapsed.total_seconds()
    assert row["met"] == (elapsed <= within)
    if due is not None:
        assert row["due_at"].to_pydatetime() == due
