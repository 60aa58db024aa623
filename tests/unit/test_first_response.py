"""The first-response rule: where a response clock stops (docs/metrics.md, "Where a clock
stops"; sql/clock_stops.sql), the first known of

1. the export's first-response time (``first_response_at``),
2. the first entry into a state that is not one of ``clock.initial_states`` in the history
   (default New, Open, Draft, Registered, Logged, Submitted, Queued),
3. the resolution stop.

Hand-worked on a 24x7 UTC calendar (wall-clock arithmetic) against "respond within 1 h"; every
incident opens on Monday 5 October 2026 at 08:00 UTC unless said. The data ends 2 November.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis import measures
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.importers import load_file

AS_OF = datetime(2026, 11, 2, 12, tzinfo=UTC)
CATALOGUE = """
calendars:
  always: {{timezone: UTC, hours: 24x7}}
  office: {{timezone: UTC, hours: {{mon-fri: "09:00-17:00"}}}}
customers: [{{id: c, name: C}}]
services: [{{id: email, name: Email}}]
agreements:
  - id: a
    customer: c
    services: [email]
    clock: {clock}
    targets:
      - {{id: resp, metric: response_time, within: 1h, calendar: {calendar}, objective: 90}}
      - {{id: res, metric: resolution_time, within: 4h, calendar: {calendar}, objective: 90}}
"""
H = 3600
M = 60


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


OPENED = utc(2026, 10, 5, 8)


def incident(
    con: duckdb.DuckDBPyConnection,
    number: str,
    *,
    opened: datetime = OPENED,
    responded: datetime | None = None,
    resolved: datetime | None = None,
    state: str = "In Progress",
    history: Sequence[tuple[str, datetime, datetime | None]] = (),
) -> None:
    con.execute(
        "insert into incidents (source, number, customer, service, priority, state, opened_at, "
        "first_response_at, resolved_at, load_id) values ('t', $n, 'c', 'email', 3, $s, $o, $f, "
        "$r, 0)",
        {"n": number, "s": state, "o": opened, "f": responded, "r": resolved},
    )
    for st, s, e in history:
        con.execute(
            "insert into incident_states values ('t', $n, $st, $s, $e, 0)",
            {"n": number, "st": st, "s": s, "e": e},
        )


def response_clocks(
    con: duckdb.DuckDBPyConnection, clock: str = "{}", calendar: str = "always"
) -> pd.DataFrame:
    cat = parse_catalogue(CATALOGUE.format(clock=clock, calendar=calendar))
    clocks = measures.ticket_clocks(con, cat, "c", as_of=AS_OF)
    return clocks[clocks["target_key"] == "a/resp@0"].set_index("number")


def at(hour: int, minute: int = 0) -> datetime:
    return utc(2026, 10, 5, hour, minute)


def test_the_exports_first_response_wins_over_the_state_history(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """GIVEN: the history leaves New at 08:10, the export says first response 09:30: the
    response is 09:30, 1 h 30 min: missed (the history alone would give 10 min). EARLY: the
    export's 08:40 wins over a history that leaves New only at 09:00: 40 min, met."""
    incident(
        con,
        "GIVEN",
        responded=at(9, 30),
        history=[("New", at(8), at(8, 10)), ("In Progress", at(8, 10), None)],
    )
    incident(
        con,
        "EARLY",
        responded=at(8, 40),
        history=[("New", at(8), at(9)), ("In Progress", at(9), None)],
    )
    resp = response_clocks(con)
    assert resp.loc["GIVEN", "stop_at"] == at(9, 30)
    assert (resp.loc["GIVEN", "business_elapsed"], resp.loc["GIVEN", "met"]) == (90 * M, False)
    assert resp.loc["GIVEN", "breached_at"] == at(9)  # 1 h after opening
    assert resp.loc["EARLY", "stop_at"] == at(8, 40)
    assert (resp.loc["EARLY", "business_elapsed"], resp.loc["EARLY", "met"]) == (40 * M, True)


def test_the_response_is_the_first_move_out_of_the_initial_states(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """No first-response time in the export. DRAFTED: New 08:00, Draft 08:20 (both initial),
    Assigned 08:45: the response is 08:45, 45 min, met. HELD: New until 09:15, then On Hold:
    any state outside the initial ones is a move, a pause state too: 1 h 15 min, missed.
    DIRECT: opened straight into In Progress at 08:00: 0 s."""
    incident(
        con,
        "DRAFTED",
        history=[("New", at(8), at(8, 20)), ("Draft", at(8, 20), at(8, 45)),
                 ("Assigned", at(8, 45), None)],
    )  # fmt: skip
    incident(
        con,
        "HELD",
        history=[("New", at(8), at(9, 15)), ("On Hold", at(9, 15), at(11)),
                 ("In Progress", at(11), None)],
    )  # fmt: skip
    incident(con, "DIRECT", history=[("In Progress", at(8), None)])
    resp = response_clocks(con)
    assert resp.loc["DRAFTED", "stop_at"] == at(8, 45)
    assert (resp.loc["DRAFTED", "business_elapsed"], resp.loc["DRAFTED", "met"]) == (45 * M, True)
    assert resp.loc["HELD", "stop_at"] == at(9, 15)
    assert (resp.loc["HELD", "business_elapsed"], resp.loc["HELD", "met"]) == (75 * M, False)
    assert resp.loc["HELD", "paused_business"] == 0  # the pause begins as the clock stops
    assert (resp.loc["DIRECT", "business_elapsed"], resp.loc["DIRECT", "met"]) == (0, True)
    assert not resp["running"].any()


def test_without_either_the_response_stops_at_the_resolution(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """RESOLVED: no first-response time, no history, resolved 09:20: the response is 09:20,
    1 h 20 min, missed. WAITING: still New (the history's only state is initial) and
    unresolved: the clock runs; it breached at 09:00 and counts in October. ANSWERED: the
    export's first response 08:30 on an unresolved ticket: 30 min, met, not running."""
    incident(con, "RESOLVED", resolved=at(9, 20), state="Resolved")
    incident(con, "WAITING", state="New", history=[("New", at(8), None)])
    incident(con, "ANSWERED", responded=at(8, 30))
    resp = response_clocks(con)
    assert resp.loc["RESOLVED", "stop_at"] == at(9, 20)
    assert (resp.loc["RESOLVED", "business_elapsed"], resp.loc["RESOLVED", "met"]) == (
        80 * M,
        False,
    )
    waiting = resp.loc["WAITING"]
    assert waiting["running"] and not waiting["met"] and pd.isna(waiting["stop_at"])
    assert (waiting["breached_at"], waiting["period"]) == (at(9), "2026-10")
    # running until the data ends: 5 Oct 08:00 → 2 Nov 12:00 = 28 days and 4 hours
    assert waiting["business_elapsed"] == (28 * 24 + 4) * H
    answered = resp.loc["ANSWERED"]
    assert (answered["business_elapsed"], answered["met"], answered["running"]) == (
        30 * M,
        True,
        False,
    )
    att = measures.attainment(
        con, parse_catalogue(CATALOGUE.format(clock="{}", calendar="always")), "c", "2026-10",
        as_of=AS_OF,
    ).set_index("id")  # fmt: skip
    assert (att.loc["resp", "n"], att.loc["resp", "n_met"]) == (3, 1)  # ANSWERED only


def test_pauses_before_the_response_do_not_count(con: duckdb.DuckDBPyConnection) -> None:
    """The export's first response 10:00; before it New 08:00–08:30, Awaiting Caller
    08:30–09:30 (a pause state), In Progress from 09:30. The history's first move is 08:30,
    but the export's time wins; 2 h less the 1 h pause is 1 h: met, exactly at the threshold."""
    incident(
        con,
        "PAUSED",
        responded=at(10),
        history=[("New", at(8), at(8, 30)), ("Awaiting Caller", at(8, 30), at(9, 30)),
                 ("In Progress", at(9, 30), None)],
    )  # fmt: skip
    row = response_clocks(con).loc["PAUSED"]
    assert row["stop_at"] == at(10)
    assert (row["business_elapsed"], row["paused_business"], row["met"]) == (H, H, True)
    assert row["due_at"] == at(10)  # 1 h of clock plus the 1 h pause


def test_a_response_over_a_weekend_counts_business_time(con: duckdb.DuckDBPyConnection) -> None:
    """Office hours Mon–Fri 09:00–17:00 UTC. Opened Friday 9 October 16:30, New until Monday
    12 October 09:45: 30 min on Friday + 45 min on Monday = 1 h 15 min, missed; the hour ran
    out at Monday 09:30."""
    incident(
        con,
        "WEEKEND",
        opened=utc(2026, 10, 9, 16, 30),
        history=[("New", utc(2026, 10, 9, 16, 30), utc(2026, 10, 12, 9, 45)),
                 ("In Progress", utc(2026, 10, 12, 9, 45), None)],
    )  # fmt: skip
    row = response_clocks(con, calendar="office").loc["WEEKEND"]
    assert (row["business_elapsed"], row["met"]) == (75 * M, False)
    assert row["due_at"] == utc(2026, 10, 12, 9, 30)
    # the wall clock: Fri 16:30 → Mon 09:45 = 2 days 17 h 15 min, of which 1 h 15 min open
    assert row["closed_elapsed"] == (2 * 24 + 17) * H + 15 * M - 75 * M


def test_the_resolution_clock_can_start_at_the_exports_first_response(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Opened 08:00, first response 09:00 (export), resolved 12:30: from opening 4 h 30 min
    (missed against 4 h); with ``resolution_start: first_response`` 3 h 30 min (met)."""
    incident(con, "R", responded=at(9), resolved=at(12, 30), state="Resolved")
    for clock, start, elapsed, met in [
        ("{}", at(8), 4 * H + 30 * M, False),
        ("{resolution_start: first_response}", at(9), 3 * H + 30 * M, True),
    ]:
        cat = parse_catalogue(CATALOGUE.format(clock=clock, calendar="always"))
        clocks = measures.ticket_clocks(con, cat, "c", as_of=AS_OF).set_index("target_key")
        res = clocks.loc["a/res@1"]  # the agreement's second target
        assert (res["start_at"], res["business_elapsed"], res["met"]) == (start, elapsed, met)


NOT_A_DATE_TIME = (
    "not a valid date-time; layouts tried: %Y-%m-%d %H:%M:%S, %Y-%m-%dT%H:%M:%S, %Y-%m-%d %H:%M, "
    "%Y-%m-%dT%H:%M, %d/%m/%Y %H:%M:%S, %d/%m/%Y %H:%M, %Y-%m-%d, ISO 8601 with an offset "
    "(e.g. 2026-10-05T14:23:11Z)"
)


def test_a_servicenow_exports_first_response_column_stops_the_response_clock(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A ServiceNow list export with a first_response_at column. INC1 responded at 08:20: 20
    min, met. INC2's is blank and it has no history: the response stops at its resolution
    (12:00), 4 h, missed. INC3's "soon" is no date-time: the row is quarantined rather than
    measured as if it had none."""
    export = tmp_path / "incidents.csv"
    export.write_text(
        "number,opened_at,priority,state,resolved_at,first_response_at\n"
        "INC1,2026-10-05 08:00:00,3 - Moderate,Resolved,2026-10-05 12:00:00,2026-10-05 08:20:00\n"
        "INC2,2026-10-05 08:00:00,3 - Moderate,Resolved,2026-10-05 12:00:00,\n"
        "INC3,2026-10-05 08:00:00,3 - Moderate,Resolved,2026-10-05 12:00:00,soon\n",
        encoding="utf-8",
    )
    result = load_file(con, "incidents", export, customer="c", service="email", timezone="UTC")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert con.execute("select line, column_name, value, reason from quarantine").fetchall() == [
        (4, "first_response_at", "soon", NOT_A_DATE_TIME)
    ]
    resp = response_clocks(con)
    assert sorted(resp.index) == ["INC1", "INC2"]
    assert (resp.loc["INC1", "stop_at"], resp.loc["INC1", "met"]) == (at(8, 20), True)
    assert resp.loc["INC1", "business_elapsed"] == 20 * M
    assert (resp.loc["INC2", "stop_at"], resp.loc["INC2", "met"]) == (at(12), False)
    assert resp.loc["INC2", "business_elapsed"] == 4 * H


@pytest.mark.parametrize("initial", ["New", "Open", "Draft", "Registered", "Logged",
                                     "Submitted", "Queued"])  # fmt: skip
def test_each_default_initial_state_is_waited_in(
    con: duckdb.DuckDBPyConnection, initial: str
) -> None:
    """Two hours in any default initial state, then In Progress: the response is at 10:00."""
    incident(con, "X", history=[(initial, at(8), at(10)), ("In Progress", at(10), None)])
    row = response_clocks(con).loc["X"]
    assert (row["stop_at"], row["business_elapsed"], row["met"]) == (at(10), 2 * H, False)
