"""Stop times derived by the SQL clock against the plain-Python walk in reference_stops.

Hypothesis generates tickets as random walks over New / In Progress / On Hold / Resolved /
Closed / Canceled (reopens included), snapshots with or without resolved_at, closed_at and a
first response, and agreements with every reopen rule, both resolution stops and the cancelled
switch. Each (ticket, target) must be excluded, a finding, or a clock with the same start,
stop, elapsed time, verdict and counting instant. An always-open calendar keeps the arithmetic
plain; the calendar itself is checked by the other property tests.
"""

from __future__ import annotations

from datetime import UTC, datetime

import hypothesis.strategies as st
import pandas as pd
from hypothesis import HealthCheck, event, example, given, settings

from slm_analysis import measures, warehouse
from slm_analysis.catalogue import parse_catalogue

from .reference_stops import Clock, Rules, Ticket, outcome, walk

BASE = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp())
AS_OF = BASE + 90 * 86400
STATES = ["New", "In Progress", "On Hold", "Resolved", "Closed", "Canceled"]
# the next state of a walk: reopens (Resolved → In Progress) are common, endings rarer
NEXT = [
    "In Progress",
    "In Progress",
    "On Hold",
    "Resolved",
    "Resolved",
    "New",
    "Closed",
    "Canceled",
]
TERMINAL = ("Closed", "Canceled")


@st.composite
def tickets(draw: st.DrawFn) -> Ticket:
    opened = BASE + draw(st.integers(0, 20 * 1440)) * 60
    history: list[tuple[str, int, int | None]] = []
    if draw(st.integers(0, 5)):  # most tickets have a history
        t, state = opened, draw(st.sampled_from(["New", "New", "In Progress"]))
        for _ in range(draw(st.integers(0, 8))):
            step = draw(st.integers(1, 600)) * 60
            history.append((state, t, t + step))
            if state in TERMINAL:
                break
            t += step
            state = draw(st.sampled_from([s for s in NEXT if s != state]))
        else:
            history.append((state, t, None))
        if history[-1][0] in TERMINAL and history[-1][2] is not None:
            history[-1] = (history[-1][0], history[-1][1], None)
    last = history[-1][0] if history else draw(st.sampled_from(STATES))
    state = last if draw(st.integers(0, 9)) else draw(st.sampled_from(STATES))

    def instant(none: int = 5) -> int | None:  # none, the last entry, any entry, any time
        choice = draw(st.integers(0, 9))
        if choice < none:
            return None
        if choice == 9 or not history:
            return opened + draw(st.integers(0, 3000)) * 60
        if choice < 7:
            return history[-1][1]
        return draw(st.sampled_from([s for _, s, _ in history]))

    return Ticket(
        state=state,
        opened=opened,
        resolved_at=instant(none=7),
        closed_at=instant(),
        first_response_at=None if draw(st.integers(0, 3)) else instant(),
        history=tuple(history),
    )


@st.composite
def agreements(draw: st.DrawFn) -> dict[str, object]:
    return {
        "reopen": draw(st.sampled_from(["all", "first", "last", "largest_span"])),
        "resolution_stop": draw(st.sampled_from(["resolved", "closed"])),
        "exclude_cancelled": draw(st.booleans()),
        "resolution_within": draw(st.integers(1, 40)) * 1800,
        "response_within": draw(st.integers(1, 8)) * 900,
    }


def catalogue(a: dict[str, object]) -> str:
    return f"""
calendars: {{always: {{timezone: UTC, hours: 24x7}}}}
customers: [{{id: c, name: C}}]
services: [{{id: s, name: S}}]
agreements:
  - id: a
    customer: c
    services: [s]
    clock: {{pause_states: [On Hold], reopen: {a["reopen"]},
             resolution_stop: {a["resolution_stop"]},
             exclude_cancelled: {str(a["exclude_cancelled"]).lower()}}}
    targets:
      - {{id: res, metric: resolution_time, within: {a["resolution_within"]}s, calendar: always,
         objective: 90}}
      - {{id: resp, metric: response_time, within: {a["response_within"]}s, calendar: always,
         objective: 90}}
"""


def ts(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def insert(con: object, number: str, t: Ticket) -> None:
    con.execute(  # type: ignore[attr-defined]
        "insert into incidents (source, number, customer, service, priority, state, opened_at, "
        "resolved_at, closed_at, first_response_at, load_id) "
        "values ('t', $n, 'c', 's', 3, $st, $o, $r, $c, $f, 0)",
        {
            "n": number,
            "st": t.state,
            "o": ts(t.opened),
            "r": ts(t.resolved_at),
            "c": ts(t.closed_at),
            "f": ts(t.first_response_at),
        },
    )
    for state, s, e in t.history:
        con.execute(  # type: ignore[attr-defined]
            "insert into incident_states values ('t', $n, $st, $s, $e, 0)",
            {"n": number, "st": state, "s": ts(s), "e": ts(e)},
        )


def epoch(value: object) -> int | None:
    return None if pd.isna(value) else int(value.timestamp())  # type: ignore[attr-defined]


def same(row: pd.Series, ref: Clock) -> bool:
    return (
        epoch(row["start_at"]) == ref.start
        and epoch(row["stop_at"]) == ref.stop
        and bool(row["running"]) == ref.running
        and row["business_elapsed"] == ref.elapsed
        and bool(row["met"]) == ref.met
        and epoch(row["counted_at"]) == ref.counted_at
    )


# the shape of the UCI log's closed tickets without resolved_at: logged already resolved,
# closed_at when it closed days later (a resolution that is not reopened, then a closing)
LOGGED_RESOLVED = Ticket(
    state="Closed",
    opened=BASE,
    closed_at=BASE + 5 * 86400,
    history=(("Resolved", BASE, BASE + 5 * 86400), ("Closed", BASE + 5 * 86400, None)),
)
DEFAULTS = {
    "reopen": "all",
    "resolution_stop": "resolved",
    "exclude_cancelled": True,
    "resolution_within": 4 * 3600,
    "response_within": 3600,
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=agreements(), ts_=st.lists(tickets(), min_size=1, max_size=5))
@example(a=DEFAULTS, ts_=[LOGGED_RESOLVED])
@example(a={**DEFAULTS, "reopen": "last"}, ts_=[LOGGED_RESOLVED])
def test_sql_stops_equal_the_reference_walk(a: dict[str, object], ts_: list[Ticket]) -> None:
    cat = parse_catalogue(catalogue(a))
    con = warehouse.connect(":memory:")
    try:
        for i, t in enumerate(ts_):
            insert(con, f"I{i}", t)
        as_of = datetime.fromtimestamp(AS_OF, UTC)
        clocks = measures.ticket_clocks(con, cat, "c", as_of=as_of)
        found = measures.stop_findings(con, cat, "c", as_of=as_of)
    finally:
        con.close()
    rows = {} if clocks.empty else {(r.target_key, r.number): r for r in clocks.itertuples()}
    findings = {(k, n) for n, ks in zip(found["number"], found["targets"], strict=True) for k in ks}
    for i, t in enumerate(ts_):
        for key, metric, within in (
            ("a/res@0", "resolution_time", a["resolution_within"]),
            ("a/resp@1", "response_time", a["response_within"]),
        ):
            rules = Rules(
                metric=metric,
                within=int(within),  # type: ignore[call-overload]
                reopen=str(a["reopen"]),
                resolution_stop=str(a["resolution_stop"]),
                exclude_cancelled=bool(a["exclude_cancelled"]),
            )
            ref = outcome(t, rules, AS_OF)
            event(f"{metric}: {ref if isinstance(ref, str) else 'clock'}")
            w = walk(t, rules)
            if any(e is not None and e <= (w.last_active or 0) for _, e in w.resolved_spans):
                event(f"reopened, reopen: {a['reopen']}")
            if t.resolved_at is None and t.closed_at is None and w.final_resolution is not None:
                event("resolution from the history")
            where = (key, f"I{i}")
            if ref == "excluded":
                assert where not in rows and where not in findings, (where, t)
            elif ref == "finding":
                assert where in findings and where not in rows, (where, t)
            else:
                assert isinstance(ref, Clock) and where in rows, (where, t, ref)
                row = pd.Series(rows[where]._asdict())
                assert same(row, ref), (where, t, ref, row.to_dict())
                assert where not in findings
