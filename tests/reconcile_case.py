"""A hand-made case of reconciliation with the source tool's verdict — one ticket per reason —
shared by tests/unit/test_reconcile.py, the satisfaction tests and the CLI tests.

Calendar ``office``: Mon–Fri 09:00–17:00 UTC. Target ``res``: resolution within 4 business
hours; the agreement pauses in On Hold, counts every cycle of a reopened ticket (reopen: all)
and stops at resolution. October 2026: Monday 5th, Friday 9th, Monday 12th.

| ticket | opened → resolved (closed)          | ours (business)      | vendor | reason |
|--------|-------------------------------------|----------------------|--------|--------|
| AG     | Mon 5 09:00 → 11:00                 | 2 h, Met             | Met    | (agrees) |
| RO     | Tue 6 09:00 → 11:00, reopened 13:00 → 16:00 | 2 h + 3 h = 5 h, Missed | Met | reopen: first cycle only 2 h |
| PA     | Wed 7 09:00 → 15:00 (Thu 8 09:00), On Hold 10–13 | 3 h, Met   | Missed | pause states: 6 h without; stop at closure: 5 h too |
| CA     | Fri 9 15:00 → Mon 12 10:00 (10:30)  | 2 h + 1 h = 3 h, Met | Missed | calendar: 67 h on 24x7 time |
| ST     | Tue 13 09:00 → 12:00 (Wed 14 12:00) | 3 h, Met             | Missed | different stop time: 11 h to closure |
| UN     | Thu 15 09:00 → 15:00 (16:00)        | 6 h, Missed          | Met    | target definition unknown |
| NV     | Fri 16 09:00 → 10:00                | 1 h, Met             | (none) | not compared |
| NO     | Mon 2 Nov 09:00 → 10:00             | counted in November  | Met    | not in October |
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from slm_analysis import warehouse

CATALOGUE = """
calendars:
  office: {timezone: UTC, hours: {mon-fri: "09:00-17:00"}}
customers: [{id: c, name: Customer, timezone: UTC}]
services: [{id: email, name: Email}]
agreements:
  - id: sla
    customer: c
    services: [email]
    clock: {pause_states: [On Hold]}
    targets:
      - {id: res, metric: resolution_time, within: 4h, calendar: office, objective: 90}
"""
AS_OF = datetime(2026, 11, 2, 12, tzinfo=UTC)


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


TICKETS = [  # number, opened, resolved, closed, vendor verdict, reopen count
    ("AG", utc(2026, 10, 5, 9), utc(2026, 10, 5, 11), None, True, 0),
    ("RO", utc(2026, 10, 6, 9), utc(2026, 10, 6, 16), None, True, 1),
    ("PA", utc(2026, 10, 7, 9), utc(2026, 10, 7, 15), utc(2026, 10, 8, 9), False, 0),
    ("CA", utc(2026, 10, 9, 15), utc(2026, 10, 12, 10), utc(2026, 10, 12, 10, 30), False, 0),
    ("ST", utc(2026, 10, 13, 9), utc(2026, 10, 13, 12), utc(2026, 10, 14, 12), False, 0),
    ("UN", utc(2026, 10, 15, 9), utc(2026, 10, 15, 15), utc(2026, 10, 15, 16), True, 0),
    ("NV", utc(2026, 10, 16, 9), utc(2026, 10, 16, 10), None, None, 0),
    ("NO", utc(2026, 11, 2, 9), utc(2026, 11, 2, 10), None, True, 0),
]
STATES = [  # number, state, start, end
    ("RO", "In Progress", utc(2026, 10, 6, 9), utc(2026, 10, 6, 11)),
    ("RO", "Resolved", utc(2026, 10, 6, 11), utc(2026, 10, 6, 13)),  # reopened at 13:00
    ("RO", "In Progress", utc(2026, 10, 6, 13), utc(2026, 10, 6, 16)),
    ("RO", "Resolved", utc(2026, 10, 6, 16), None),
    ("PA", "On Hold", utc(2026, 10, 7, 10), utc(2026, 10, 7, 13)),
]


def fill(con: duckdb.DuckDBPyConnection) -> None:
    """The tickets above, written straight into the warehouse tables (load 0)."""
    for number, opened, resolved, closed, vendor, reopens in TICKETS:
        con.execute(
            "insert into incidents (source, number, customer, service, priority, state, "
            "opened_at, resolved_at, closed_at, vendor_made_sla, reopen_count, load_id) "
            "values ('t', $n, 'c', 'email', 3, $s, $o, $r, $c, $v, $k, 0)",
            {"n": number, "s": "Closed" if closed else "Resolved", "o": opened, "r": resolved,
             "c": closed, "v": vendor, "k": reopens},
        )  # fmt: skip
    for number, state, s, e in STATES:
        con.execute(
            "insert into incident_states values ('t', $n, $st, $s, $e, 0)",
            {"n": number, "st": state, "s": s, "e": e},
        )


def build(root: Path) -> tuple[Path, Path]:
    """The catalogue file and a warehouse file holding the case, under ``root``."""
    catalogue = root / "catalogue.yaml"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    db = root / "w.duckdb"
    with warehouse.session(db) as con:
        fill(con)
    return catalogue, db
