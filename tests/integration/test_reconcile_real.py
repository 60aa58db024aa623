"""Reconciliation with ``made_sla`` on the real ServiceNow sample (600 incidents of the UCI
event log, shared data folder; skipped without it).

The stated target definition (``DEFINITION``): resolution within 90 hours on 24x7 time, the
clock paused in Awaiting User Info and stopped at resolution, reopened tickets counting every
cycle — once for P1/P2 and once for P3/P4 — and, to show the calendar at work, P3/P4 within
36 business hours Mon–Fri 08:00–18:00 UTC. 90 hours is read from the data: every P3/P4
incident the tool flags ``made_sla`` was resolved within 88 h of opening (wall clock), every
one it flags missed but one took 91 h or more. P1/P2 incidents are flagged missed whatever
their time (one P1 excepted), even when resolved within the hour.

Checked by hand (opened → resolved, closed; state history):
- INC0000295 (P3): 29 Feb 14:09 → 4 Mar 09:33 = 91 h 24 m, Awaiting User Info 1 Mar 16:37 →
  4 Mar 09:33 (64 h 56 m): ours 26 h 28 m, met; made_sla false; without pauses 91 h 24 m >
  90 h, missed: reason *pause states* (closing on 9 Mar would miss too).
- INC0000379 (P3): 29 Feb 16:25 → 20:25 (4 h, met), closed 23 May; made_sla false: only a
  clock stopped at closure (2010 h 42 m) misses: *different stop time*.
- INC0000797 (P3): 1 Mar 15:27 → 7 Mar 08:26, no pause: 32 h 59 m of office time (met
  against 36 h), 136 h 59 m on 24x7 time (missed, as made_sla says): *calendar*.
- INC0000064 (P3): 29 Feb 07:10 → 3 Mar 16:00: 38 h office time (missed against 36 h),
  made_sla true; every variant measures more time (no pauses to remove; 24x7 and closure
  only add): *target definition unknown*.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_real_exports import FULL_LOG, needs_shared

from slm_analysis import warehouse
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.importers import load_file
from slm_analysis.reconcile import reconcile

DEFINITION = """
calendars:
  always: {timezone: UTC, hours: 24x7}
  office: {timezone: UTC, hours: {mon-fri: "08:00-18:00"}}
customers: [{id: c, name: C}]
services: [{id: s, name: S}]
agreements:
  - id: a
    customer: c
    services: [s]
    clock: {pause_states: [Awaiting User Info]}
    targets:
      - {id: p12-res, metric: resolution_time, priority: [1, 2], within: 90h, calendar: always,
         objective: 90}
      - {id: p34-res, metric: resolution_time, priority: [3, 4], within: 90h, calendar: always,
         objective: 90}
      - {id: p34-office, metric: resolution_time, priority: [3, 4], within: 36h,
         calendar: office, objective: 90}
"""


COUNTS = ["id", "n", "agree", "ours_met_vendor_missed", "ours_missed_vendor_met",
          "no_vendor_verdict", "n_reopen", "n_pauses", "n_calendar", "n_stop", "n_unknown"]  # fmt: skip


def loaded(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding the event log at ``path`` as customer c, service s."""
    con = warehouse.connect(":memory:")
    load_file(con, "incidents", path, timezone="UTC", customer="c", service="s")
    return con


@pytest.fixture(scope="module")
def uci() -> duckdb.DuckDBPyConnection:
    return loaded(FULL_LOG)


@needs_shared
def test_made_sla_against_a_stated_definition(uci: duckdb.DuckDBPyConnection) -> None:
    r = reconcile(uci, parse_catalogue(DEFINITION), "c", "2016")
    assert r.summary[COUNTS].values.tolist() == [
        ["p12-res", 36, 10, 26, 0, 0, 0, 4, 0, 22, 0],
        ["p34-res", 564, 483, 81, 0, 0, 0, 80, 0, 1, 0],
        ["p34-office", 564, 475, 87, 2, 0, 0, 77, 6, 4, 2],
    ]
    rates = [round(x, 1) for x in r.summary["agreement_rate"]]
    assert rates == [27.8, 85.6, 84.2]
    by_number = r.tickets.set_index(["id", "number"])
    for key, reason, others in [
        (("p34-res", "INC0000295"), "pause states", ["different stop time"]),
        (("p34-res", "INC0000379"), "different stop time", []),
        (("p34-office", "INC0000797"), "calendar", ["different stop time"]),
        (("p34-office", "INC0000064"), "target definition unknown", []),
    ]:
        assert (by_number.loc[key, "reason"], by_number.loc[key, "other_reasons"]) == (
            reason,
            others,
        )
    assert by_number.loc[("p34-res", "INC0000295"), "elapsed_s"] == 26 * 3600 + 28 * 60
    assert by_number.loc[("p34-res", "INC0000295"), "explanation"] == (
        "without pauses: 91h 24m against 90h 00m, missed as the source tool says"
    )
    assert by_number.loc[("p34-office", "INC0000797"), "elapsed_s"] == 32 * 3600 + 59 * 60
    assert by_number.loc[("p34-office", "INC0000064"), "elapsed_s"] == 38 * 3600


def test_made_sla_on_the_committed_slice() -> None:
    """The same definition on the first 40 incidents of the sample (tests/fixtures, runs
    everywhere): P3/P4 agree on 34 of 38 (89.5 %); the four disagreements all fit a clock
    without the Awaiting User Info pause; the two P1/P2 tickets fit only a stop at closure;
    INC0000064 is the hand-checked *target definition unknown* above (38 h office time)."""
    con = loaded(Path(__file__).parents[1] / "fixtures" / "servicenow_event_log_slice.csv")
    r = reconcile(con, parse_catalogue(DEFINITION), "c", "2016")
    assert r.summary[COUNTS].values.tolist() == [
        ["p12-res", 2, 0, 2, 0, 0, 0, 0, 0, 2, 0],
        ["p34-res", 38, 34, 4, 0, 0, 0, 4, 0, 0, 0],
        ["p34-office", 38, 32, 5, 1, 0, 0, 5, 0, 0, 1],
    ]
    assert [round(x, 1) for x in r.summary["agreement_rate"]] == [0.0, 89.5, 84.2]
    by_number = r.tickets.set_index(["id", "number"])
    unknown = by_number.loc[("p34-office", "INC0000064")]
    assert (unknown["reason"], unknown["elapsed_s"]) == ("target definition unknown", 38 * 3600)
    assert by_number.loc[("p12-res", "INC0000062"), "explanation"] == (
        "stopped at closure: 129h 02m against 90h 00m, missed as the source tool says"
    )
