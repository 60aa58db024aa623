"""One small, hand-worked review (customer ``c``, October 2026) shared by the headline, chart
and CLI-table tests, so that all three check the same numbers.

Everything runs on a 24x7 UTC calendar and in a UTC agreement, so that every elapsed time is
plain wall-clock arithmetic. The data is complete to ``AS_OF`` (2 November 12:00 UTC).

Targets (agreement ``sla``, service ``email``, in this order):

- ``p1-resp``  P1 response within 1 h, objective 90 %             (title "P1 response")
- ``res``      resolution of all priorities within 4 h, objective 75 %, warning 90 %
                                                                   (title "All resolution")
- ``av``       availability, objective 99.9 %, credits 5 % below 99.9 and 10 % below 99.5
                                                                   (title "Email availability")
- ``csat``     mean satisfaction, objective 4 on a 1–5 scale     (title "Satisfaction")
- ``count``    at most 10 incidents a month                       (title "Incident count")

Incidents (number, priority, opened → resolved; first response where the export gives one):

- S1  P1  7 Sep 08:00 → 10:00   no first response: the response stops at the resolution, 2 h
- S2  P2 14 Sep 08:00 → 14:00   6 h
- O1  P1  5 Oct 08:00 → 09:00   no first response: response 1 h (= the threshold: met)
- O2  P1  6 Oct 08:00 → 11:00   first response 08:30: response 30 min
- O3  P2  7 Oct 08:00 → 12:00   4 h (= the threshold: met)
- O4  P3  8 Oct 08:00 → 15:00   On Hold 09:00–10:00: 7 h wall clock, 6 h business, breached
- O5  P3 31 Oct 22:00 → open    breaches at 1 Nov 02:00: counted in November, not October

Outages: one full outage of 6 h on 20 October 00:00–06:00 (the service is monitored from
1 January 2026). Surveys: two responses in September scoring 5 and 4; none in October.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from slm_analysis import warehouse

CATALOGUE = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: Customer, timezone: UTC}]
services: [{id: email, name: Email, monitored_since: 2026-01-01}]
agreements:
  - id: sla
    customer: c
    services: [email]
    targets:
      - {id: p1-resp, metric: response_time, priority: 1, within: 1h, calendar: always,
         objective: 90}
      - {id: res, metric: resolution_time, within: 4h, calendar: always, objective: 75,
         warning: 90}
      - {id: av, metric: availability, calendar: always, objective: 99.9,
         credits: [{below: 99.9, credit_percent: 5}, {below: 99.5, credit_percent: 10}]}
      - {id: csat, metric: satisfaction, measure: mean, objective: 4}
      - {id: count, metric: incident_count, objective: 10}
"""
AS_OF = datetime(2026, 11, 2, 12, tzinfo=UTC)


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


INCIDENTS = [  # number, priority, opened, resolved, first response
    ("S1", 1, utc(2026, 9, 7, 8), utc(2026, 9, 7, 10), None),
    ("S2", 2, utc(2026, 9, 14, 8), utc(2026, 9, 14, 14), None),
    ("O1", 1, utc(2026, 10, 5, 8), utc(2026, 10, 5, 9), None),
    ("O2", 1, utc(2026, 10, 6, 8), utc(2026, 10, 6, 11), utc(2026, 10, 6, 8, 30)),
    ("O3", 2, utc(2026, 10, 7, 8), utc(2026, 10, 7, 12), None),
    ("O4", 3, utc(2026, 10, 8, 8), utc(2026, 10, 8, 15), None),
    ("O5", 3, utc(2026, 10, 31, 22), None, None),
]


def fill(con: duckdb.DuckDBPyConnection) -> None:
    """The rows above, written straight into the warehouse tables (load 0: no load log)."""
    for number, priority, opened, resolved, responded in INCIDENTS:
        con.execute(
            "insert into incidents (source, number, customer, service, short_description, "
            "priority, state, opened_at, first_response_at, resolved_at, load_id) values "
            "('t', $n, 'c', 'email', $d, $p, $s, $o, $f, $r, 0)",
            {
                "n": number,
                "d": f"Incident {number}",
                "p": priority,
                "s": "In Progress" if resolved is None else "Resolved",
                "o": opened,
                "f": responded,
                "r": resolved,
            },
        )
    con.execute(
        "insert into incident_states values ('t', 'O4', 'On Hold', $s, $e, 0)",
        {"s": utc(2026, 10, 8, 9), "e": utc(2026, 10, 8, 10)},
    )
    con.execute(
        "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('t', 'OUT1', 'c', 'email', $s, $e, 'full', false, "
        "'Mail down', null, 0)",
        {"s": utc(2026, 10, 20, 0), "e": utc(2026, 10, 20, 6)},
    )
    for rid, when, score in (("R1", utc(2026, 9, 8, 9), 5), ("R2", utc(2026, 9, 15, 9), 4)):
        con.execute(
            "insert into surveys values ('t', $r, 'c', 'email', null, $t, $score, 5, null, 0)",
            {"r": rid, "t": when, "score": score},
        )


def build(root: Path) -> tuple[Path, Path]:
    """The catalogue file and a warehouse file holding the case, under ``root``."""
    catalogue = root / "catalogue.yaml"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    db = root / "w.duckdb"
    with warehouse.session(db) as con:
        fill(con)
    return catalogue, db
