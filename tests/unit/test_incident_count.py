"""``IncidentCountTarget`` under a quarterly agreement, with priority and service selectors.

(The monthly case — 3 incidents against "at most 2 a month" Missed, the quarter's 6, a week's
2 × 12/52, months outside the feed No data — is in test_measures.py; this file adds what it
does not cover.)

Agreement ``q`` reviews per quarter, in UTC, over email and crm:

- ``p1``:  at most 6 Priority 1 incidents per quarter, warning 3 — per month 6 / 3 = 2 (warning
  1), per half year 12 (6), per ISO week 2 × 12/52 = 6/13
- ``crm``: at most 3 incidents of any priority on crm per quarter — per month 1

Incidents (opened; all at 09:00 UTC unless said):

- J1  P1 email  1 Jul 00:00  — the customer's first incident: the feed starts in July
- O1  P1 email  1 Oct
- O2  P1 crm    2 Oct
- O3  P1 email  3 Oct
- O4  P2 email  4 Oct       — not Priority 1
- D1  P3 crm    5 Dec
- D2  P4 crm    6 Dec       — the customer's last incident: the feed ends in December

The data is complete to 10 January 2027.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd
import pytest

from slm_analysis import measures
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.errors import CatalogueError

QUARTERLY = """
customers: [{id: c, name: C, timezone: UTC}]
services: [{id: email, name: Email}, {id: crm, name: CRM}]
agreements:
  - id: q
    customer: c
    services: [email, crm]
    review_period: quarter
    targets:
      - {id: p1, metric: incident_count, priority: 1, objective: 6, warning: 3}
      - {id: crm, name: CRM incidents, metric: incident_count, services: [crm], objective: 3}
"""
AS_OF = datetime(2027, 1, 10, tzinfo=UTC)


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


@pytest.fixture
def counted(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    for number, priority, service, opened in [
        ("J1", 1, "email", utc(2026, 7, 1)),
        ("O1", 1, "email", utc(2026, 10, 1, 9)),
        ("O2", 1, "crm", utc(2026, 10, 2, 9)),
        ("O3", 1, "email", utc(2026, 10, 3, 9)),
        ("O4", 2, "email", utc(2026, 10, 4, 9)),
        ("D1", 3, "crm", utc(2026, 12, 5, 9)),
        ("D2", 4, "crm", utc(2026, 12, 6, 9)),
    ]:
        con.execute(
            "insert into incidents (source, number, customer, service, priority, state, "
            "opened_at, load_id) values ('t', $n, 'c', $s, $p, 'New', $o, 0)",
            {"n": number, "s": service, "p": priority, "o": opened},
        )
    return con


def record(con: duckdb.DuckDBPyConnection, period: str, target: str) -> pd.Series:
    cat = parse_catalogue(QUARTERLY)
    att = measures.attainment(con, cat, "c", period, as_of=AS_OF)
    return att.set_index("id").loc[target]


@pytest.mark.parametrize(
    ("period", "achieved", "objective", "warning", "status"),
    [
        ("2026-06", None, 2.0, 1.0, "No data"),  # before J1: the feed had not started
        ("2026-07", 1.0, 2.0, 1.0, "Met"),  # J1; at the warning level is still Met
        ("2026-08", 0.0, 2.0, 1.0, "Met"),  # inside the feed: none is 0, not no data
        ("2026-10", 3.0, 2.0, 1.0, "Missed"),  # O1, O2, O3 (O4 is P2): 3 > 2
        ("2026-11", 0.0, 2.0, 1.0, "Met"),
        ("2026-Q3", 1.0, 6.0, 3.0, "Met"),  # J1
        ("2026-Q4", 3.0, 6.0, 3.0, "Met"),  # the month's 3 is within the quarter's 6 and 3
        ("2026-H2", 4.0, 12.0, 6.0, "Met"),  # J1 + O1..O3
        ("2026-W40", 3.0, 6 / 13, 3 / 13, "Missed"),  # Mon 28 Sep – Sun 4 Oct: O1..O3
    ],
)
def test_a_quarterly_allowance_scales_to_the_period_measured(
    counted: duckdb.DuckDBPyConnection,
    period: str,
    achieved: float | None,
    objective: float,
    warning: float,
    status: str,
) -> None:
    r = record(counted, period, "p1")
    got = None if pd.isna(r["achieved"]) else r["achieved"]
    assert (got, r["status"], r["unit"], r["higher_is_better"]) == (
        achieved,
        status,
        "incidents",
        False,
    )
    assert r["objective"] == pytest.approx(objective, rel=1e-12)
    assert r["warning"] == pytest.approx(warning, rel=1e-12)
    assert r["rag"] == {"Met": "green", "Missed": "red", "No data": "grey"}[status]


def test_the_service_selector_counts_only_its_services(counted: duckdb.DuckDBPyConnection) -> None:
    """crm: O2 in October (1 against 1 a month: Met, exactly at the objective), D1 and D2 in
    December (2 against 1: Missed), and the quarter 3 against 3: Met. August has no crm
    incident but the customer's feed runs (it is the customer's, not the service's): 0, Met."""
    for period, achieved, objective, status in [
        ("2026-08", 0.0, 1.0, "Met"),
        ("2026-10", 1.0, 1.0, "Met"),
        ("2026-12", 2.0, 1.0, "Missed"),
        ("2026-Q4", 3.0, 3.0, "Met"),
    ]:
        r = record(counted, period, "crm")
        assert (r["achieved"], r["objective"], r["status"], r["n"]) == (
            achieved,
            objective,
            status,
            int(achieved),
        ), period
        assert r["service"] == "crm" and r["name"] == "CRM incidents"


def test_words_and_the_rolling_total(counted: duckdb.DuckDBPyConnection) -> None:
    """The sentence states the allowance per quarter; the generated name is "Incident count";
    the rolling figure of December (the twelve months to December: the year 2026) is the
    twelve months' total (J1 + O1..O3 = 4), not judged against anything."""
    r = record(counted, "2026-12", "p1")
    assert r["sentence"] == "No more than 6 Priority 1 incidents per quarter"
    assert r["name"] == "Incident count"
    assert (r["rolling_period"], r["rolling_achieved"]) == ("2026", 4.0)  # Jan–Dec 2026 is the year
    assert record(counted, "2026-12", "crm")["sentence"] == "No more than 3 incidents per quarter"


def test_a_running_month_is_in_progress_whatever_the_count(
    counted: duckdb.DuckDBPyConnection,
) -> None:
    """As of 3 October 12:00 the month already has 3 P1 incidents (over its 2), but October
    has not ended: In progress, no credit, not Missed."""
    cat = parse_catalogue(QUARTERLY)
    att = measures.attainment(counted, cat, "c", "2026-10", as_of=utc(2026, 10, 3, 12))
    r = att.set_index("id").loc["p1"]
    assert (r["achieved"], r["status"], r["met"], r["in_progress"]) == (
        3.0,
        "In progress",
        None,
        True,
    )


CREDITED = """
customers: [{id: c, name: C, timezone: UTC}]
services: [{id: email, name: Email}]
agreements:
  - {id: m, customer: c, services: [email], targets: [
      {id: n, metric: incident_count, objective: 2, credits: [{above: 2, credit_percent: 10},
                                                              {above: 3, credit_percent: 25}]}]}
"""


def test_an_incident_count_credit_applies_above_its_level(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """At most 2 incidents a month; 10 % credit above 2, 25 % above 3. August 1 incident (Met,
    no credit), September none (Met, no credit), October 4 (Missed; 4 > 2 and 4 > 3: the
    larger tier, 25 %), November 3 (4 > 2 only: 10 %)."""
    opened = [utc(2026, 8, 20, 9)] + [utc(2026, 10, d, 9) for d in range(1, 5)]
    opened += [utc(2026, 11, d, 9) for d in range(1, 4)]
    for i, at in enumerate(opened):
        con.execute(
            "insert into incidents (source, number, customer, service, priority, state, "
            "opened_at, load_id) values ('t', $n, 'c', 'email', 3, 'New', $o, 0)",
            {"n": f"I{i}", "o": at},
        )
    cat = parse_catalogue(CREDITED)
    got = {
        month: tuple(
            measures.attainment(con, cat, "c", month, as_of=AS_OF).iloc[0][
                ["achieved", "status", "credit_percent"]
            ]
        )
        for month in ("2026-08", "2026-09", "2026-10", "2026-11")
    }
    assert got == {
        "2026-08": (1.0, "Met", 0.0),
        "2026-09": (0.0, "Met", 0.0),
        "2026-10": (4.0, "Missed", 25.0),
        "2026-11": (3.0, "Missed", 10.0),
    }


def test_a_credit_tier_on_the_wrong_side_is_refused() -> None:
    with pytest.raises(CatalogueError) as e:
        parse_catalogue(CREDITED.replace("above: 2,", "below: 3,"), "c.yaml")
    assert "credit tier `below: 3`: this target is better lower, so its credits apply to " in str(
        e.value
    )
    assert "write `above:` (e.g. {above: 2, credit_percent: 10})" in str(e.value)
    with pytest.raises(CatalogueError, match=r"either `below`.*or `above`"):
        parse_catalogue(CREDITED.replace("above: 2,", "above: 2, below: 1,"), "c.yaml")
