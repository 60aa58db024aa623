"""Hand-worked cases of error budgets shared by the budget tests and the CLI tests (the
numbers are worked out in tests/unit/test_budgets.py).

TICKETS: November 2026 as of 10 November 12:00 UTC (NOV10), resolution within 4 h at 90 % and
at 95 %, 24x7 UTC, twenty tickets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from slm_analysis import warehouse

NOV10 = datetime(2026, 11, 10, 12, tzinfo=UTC)


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


TICKETS = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: C, timezone: UTC}]
services: [{id: web, name: Web}]
agreements:
  - id: sla
    customer: c
    services: [web]
    targets:
      - {id: res90, metric: resolution_time, within: 4h, calendar: always, objective: 90}
      - {id: res95, metric: resolution_time, within: 4h, calendar: always, objective: 95}
"""
# E1..E16 opened every 12 h from 1 November 00:00 (E14 on 7 November 12:00), resolved 1 h
# later — E3 (2 November 00:00) after 6 h: missed, counted 06:00. Then, near the as-of instant:
RECENT = [  # number, opened, resolved
    ("R4", utc(2026, 11, 9, 20), utc(2026, 11, 9, 21)),  # met, counted 9 Nov 21:00
    ("R2", utc(2026, 11, 10, 9), utc(2026, 11, 10, 10)),  # met, counted 10:00
    ("R1", utc(2026, 11, 10, 5), utc(2026, 11, 10, 11)),  # 6 h: missed, counted 11:00
    ("R3", utc(2026, 11, 10, 6), utc(2026, 11, 10, 11, 45)),  # 5 h 45: missed, counted 11:45
]


def fill_tickets(con: duckdb.DuckDBPyConnection) -> None:
    """The twenty tickets, written straight into the incidents table (load 0)."""
    early = [
        (
            f"E{k}",
            utc(2026, 11, 1) + timedelta(hours=12 * (k - 1)),
            timedelta(hours=6 if k == 3 else 1),
        )
        for k in range(1, 17)
    ]
    for number, opened, resolved in [(n, o, o + d) for n, o, d in early] + RECENT:
        con.execute(
            "insert into incidents (source, number, customer, service, priority, state, "
            "opened_at, resolved_at, load_id) values ('t', $n, 'c', 'web', 3, 'Resolved', $o, "
            "$r, 0)",
            {"n": number, "o": opened, "r": resolved},
        )


def build_tickets(root: Path) -> tuple[Path, Path]:
    """The TICKETS catalogue file and a warehouse file holding its tickets, under ``root``."""
    catalogue = root / "catalogue.yaml"
    catalogue.write_text(TICKETS, encoding="utf-8")
    db = root / "w.duckdb"
    with warehouse.session(db) as con:
        fill_tickets(con)
    return catalogue, db
