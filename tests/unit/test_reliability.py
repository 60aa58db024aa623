"""MTTA, MTTR, reopen rate, MTRS and MTBF: hand-worked (customer ``c``, October 2026).

Calendars: ``office`` Mon–Fri 09:00–17:00 UTC, closed on Monday 12 October (a closure date);
``always`` 24x7 UTC. Agreement ``sla`` (UTC) over email and crm, pause state On Hold, reopen
rule ``all`` (the clock is paused while an incident sits resolved). Weekdays: 2 Oct is a Friday,
5 Oct a Monday, 9 Oct a Friday, 12 Oct the closed Monday, 14 Oct a Wednesday.

Incidents (service email unless said; first response where the export gives one):

- S1 P3  Mon 7 Sep 09:00 → 14:00                         response: resolution (5 h);  office 5 h
- F  P2  Wed 30 Sep 16:00, responded 16:10 → Thu 1 Oct 10:00
                                         response 10 min (September); office 16–17 + 09–10 = 2 h
- A  P1  Fri 2 Oct 16:00, responded 16:20 → Mon 5 Oct 10:00
                                         response 20 min; office 16–17 + 09–10 = 2 h; wall 66 h
- B  P2  Fri 9 Oct 15:00, responded 15:30 → Tue 13 Oct 11:00
                                         response 30 min; office Fri 15–17 + Tue 09–11 = 4 h
                                         (Monday 12 October is closed)
- C  P3  Wed 14 Oct 09:00, no first response; history New 09–10, In Progress 10–12, On Hold
         12–14, In Progress 14–16, Resolved 16:00 → Thu 09:00, In Progress 09–11, Resolved 11:00
                                         response: first move 10:00 = 1 h; office open time
                                         Wed 09–17 + Thu 09–11 = 10 h, less On Hold 2 h and the
                                         resolved stretch's Wed 16–17 = 7 h; reopened (history)
- D  P1  crm, Mon 19 Oct 08:00, responded 08:05 → 12:00, reopen_count 1 (no history)
                                         response 5 min; office 09–12 = 3 h; wall 4 h; reopened
- E  P3  Thu 29 Oct 10:00, responded 10:30, still In Progress  response 30 min; resolution open
- G  P3  Tue 20 Oct 09:00, Canceled, closed 10:00              cancelled: in no measure

Outages (email; both services monitored from 1 January): 30 Sep 23:00 → 1 Oct 01:00 full (1 h
in each month), 10 Oct 10:00 → 12:00 full, 20 Oct 00:00 → 03:00 partial (× 0.5 = 1.5 h).
The data is complete to 2 November 12:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd
import pytest

from slm_analysis import measures, reliability
from slm_analysis.catalogue import parse_catalogue

CATALOGUE = """
calendars:
  office: {timezone: UTC, hours: {mon-fri: "09:00-17:00"}, closures: [2026-10-12]}
  always: {timezone: UTC, hours: 24x7}
customers: [{id: c, name: C, timezone: UTC}]
services:
  - {id: email, name: Email, monitored_since: 2026-01-01}
  - {id: crm, name: CRM, monitored_since: 2026-01-01}
agreements:
  - id: sla
    customer: c
    services: [email, crm]
    clock: {pause_states: [On Hold]}
    targets:
      - {id: mtta, metric: mtta, calendar: always, objective: 30m, warning: 20m}
      - {id: mttr, metric: mttr, calendar: office, objective: 8h}
      - {id: mttr-p90, metric: mttr, statistic: p90, calendar: office, objective: 6h}
      - {id: p1-mttr, metric: mttr, statistic: p50, priority: 1, calendar: always,
         objective: 4h}
      - {id: reopen, metric: reopen_rate, objective: 20}
      - {id: mtbf, metric: mtbf, services: [email], calendar: always, objective: 100h}
      - {id: mtrs, metric: mtrs, services: [email], calendar: always, objective: 2h}
      - {id: crm-mtbf, metric: mtbf, services: [crm], calendar: always, objective: 100h}
      - {id: crm-mtbf-long, metric: mtbf, services: [crm], calendar: always,
         objective: 1000h}
      - {id: crm-mtrs, metric: mtrs, services: [crm], calendar: always, objective: 2h}
"""
AS_OF = datetime(2026, 11, 2, 12, tzinfo=UTC)
H = 3600


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


INCIDENTS = [  # number, service, priority, state, opened, responded, resolved, closed, reopens
    ("S1", "email", 3, "Resolved", utc(2026, 9, 7, 9), None, utc(2026, 9, 7, 14), None, None),
    ("F", "email", 2, "Resolved", utc(2026, 9, 30, 16), utc(2026, 9, 30, 16, 10),
     utc(2026, 10, 1, 10), None, None),
    ("A", "email", 1, "Resolved", utc(2026, 10, 2, 16), utc(2026, 10, 2, 16, 20),
     utc(2026, 10, 5, 10), None, None),
    ("B", "email", 2, "Resolved", utc(2026, 10, 9, 15), utc(2026, 10, 9, 15, 30),
     utc(2026, 10, 13, 11), None, None),
    ("C", "email", 3, "Resolved", utc(2026, 10, 14, 9), None, utc(2026, 10, 15, 11), None,
     None),
    ("D", "crm", 1, "Resolved", utc(2026, 10, 19, 8), utc(2026, 10, 19, 8, 5),
     utc(2026, 10, 19, 12), None, 1),
    ("E", "email", 3, "In Progress", utc(2026, 10, 29, 10), utc(2026, 10, 29, 10, 30), None,
     None, None),
    ("G", "email", 3, "Canceled", utc(2026, 10, 20, 9), None, None, utc(2026, 10, 20, 10),
     None),
]  # fmt: skip
C_HISTORY = [  # C's state history
    ("New", utc(2026, 10, 14, 9), utc(2026, 10, 14, 10)),
    ("In Progress", utc(2026, 10, 14, 10), utc(2026, 10, 14, 12)),
    ("On Hold", utc(2026, 10, 14, 12), utc(2026, 10, 14, 14)),
    ("In Progress", utc(2026, 10, 14, 14), utc(2026, 10, 14, 16)),
    ("Resolved", utc(2026, 10, 14, 16), utc(2026, 10, 15, 9)),
    ("In Progress", utc(2026, 10, 15, 9), utc(2026, 10, 15, 11)),
    ("Resolved", utc(2026, 10, 15, 11), None),
]
OUTAGES = [  # id, start, end, impact
    ("O1", utc(2026, 9, 30, 23), utc(2026, 10, 1, 1), "full"),
    ("O2", utc(2026, 10, 10, 10), utc(2026, 10, 10, 12), "full"),
    ("O3", utc(2026, 10, 20, 0), utc(2026, 10, 20, 3), "partial"),
]


@pytest.fixture
def worked(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    fill(con)
    return con


def fill(con: duckdb.DuckDBPyConnection) -> None:
    """The rows above, written straight into the warehouse tables."""
    for number, service, prio, state, opened, responded, resolved, closed, reopens in INCIDENTS:
        con.execute(
            "insert into incidents (source, number, customer, service, priority, state, "
            "opened_at, first_response_at, resolved_at, closed_at, reopen_count, load_id) "
            "values ('t', $n, 'c', $s, $p, $st, $o, $f, $r, $cl, $ro, 0)",
            {"n": number, "s": service, "p": prio, "st": state, "o": opened, "f": responded,
             "r": resolved, "cl": closed, "ro": reopens},  # fmt: skip
        )
    for state, s, e in C_HISTORY:
        con.execute(
            "insert into incident_states values ('t', 'C', $st, $s, $e, 0)",
            {"st": state, "s": s, "e": e},
        )
    for oid, s, e, impact in OUTAGES:
        con.execute(
            "insert into outages values ('t', $i, 'c', 'email', $s, $e, $impact, false, "
            "null, null, 0)",
            {"i": oid, "s": s, "e": e, "impact": impact},
        )


def october(con: duckdb.DuckDBPyConnection, period: str = "2026-10") -> pd.DataFrame:
    cat = parse_catalogue(CATALOGUE)
    return measures.attainment(con, cat, "c", period, as_of=AS_OF).set_index("id")
