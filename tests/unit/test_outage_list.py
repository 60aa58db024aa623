"""The outage list a pack shows, hand-worked: recorded and inferred outages in one list, each
with its minutes in the period, inside service hours and inside planned maintenance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from slm_analysis.catalogue import parse_catalogue
from slm_analysis.outages import OUTAGE_LIST_COLUMNS, outage_list

MIN = timedelta(minutes=1)
DAY = datetime(2026, 3, 1, tzinfo=UTC)

CATALOGUE = """
calendars:
  always: {hours: 24x7}
  edges: {timezone: Europe/Berlin, hours: {tue: "23:45-23:55", wed: "00:00-00:10"}}
customers: [{id: acme, name: Acme, timezone: ZONE}]
services: [{id: web, name: Web Shop, monitoring: {}}]
agreements:
  - id: sla
    customer: acme
    services: [web]
    targets: [{id: av, metric: availability, calendar: always, objective: 99.9}]
maintenance:
  - {id: patch, services: [web], start: 2026-03-01T02:45:00, end: 2026-03-01T03:15:00,
     timezone: UTC}
"""


def _checks(con: duckdb.DuckDBPyConnection, name: str, pattern: str, start: datetime,
            every: timedelta = MIN) -> None:  # fmt: skip
    rows = [
        ("monitoring", name, "acme", "web", start + i * every, c == "u", None, 1, "polled")
        for i, c in enumerate(pattern)
    ]
    con.executemany("insert into checks values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _record(con: duckdb.DuckDBPyConnection, oid: str, s: str, e: str, impact: str) -> None:
    con.execute(
        "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('servicenow', $i, 'acme', 'web', $s, $e, $impact, false, "
        "$title, null, 1)",
        {"i": oid, "s": s, "e": e, "impact": impact, "title": f"{oid} title"},
    )


def _at(hhmm: str, day: datetime = DAY) -> pd.Timestamp:
    h, m = hhmm.split(":")
    return pd.Timestamp(day + timedelta(hours=int(h), minutes=int(m)))


def test_an_inferred_outage_overlapping_a_record_and_maintenance(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # 1 March 2026 (UTC, 24x7), as of 12:00. Two checks a minute from 00:00 to 11:59:
    # web-https fails 02:00-02:59 → inferred down [02:00, 03:00), first success 03:00;
    # web-dns fails 08:00-08:19 → inferred down [08:00, 08:20), first success 08:20.
    # Recorded: OUT1 partial 02:30-03:30 (overlaps the first inferred outage: the same event,
    # so it carries that evidence), OUT2 full 05:30-05:40. Maintenance 02:45-03:15.
    cat = parse_catalogue(CATALOGUE.replace("ZONE", "UTC"))
    _checks(con, "web-https", "u" * 120 + "f" * 60 + "u" * 540, DAY)
    _checks(con, "web-dns", "u" * 480 + "f" * 20 + "u" * 220, DAY)
    _record(con, "OUT1", "2026-03-01 02:30:00+00", "2026-03-01 03:30:00+00", "partial")
    _record(con, "OUT2", "2026-03-01 05:30:00+00", "2026-03-01 05:40:00+00", "full")
    got = outage_list(con, cat, "acme", "2026-03", as_of=DAY + 12 * 60 * MIN)
    assert list(got.columns) == OUTAGE_LIST_COLUMNS
    rows = got.to_dict("records")
    assert [(r["outage_id"], r["source"], r["impact"]) for r in rows] == [
        ("OUT1", "servicenow; checks: web-https", "partial"),
        ("OUT2", "servicenow", "full"),
        (None, "checks: web-dns", "full"),
    ]
    # OUT1: 60 minutes, all in service hours (24x7), 30 of them (02:45-03:15) in maintenance
    # OUT2: 10 minutes, none in maintenance; the inferred one: 08:00-08:20, 20 minutes
    assert [(r["minutes"], r["service_minutes"], r["maintenance_minutes"]) for r in rows] == [
        (60.0, 60.0, 30.0),
        (10.0, 10.0, 0.0),
        (20.0, 20.0, 0.0),
    ]
    assert [(r["start_at"], r["end_at"]) for r in rows] == [
        (_at("02:30"), _at("03:30")),
        (_at("05:30"), _at("05:40")),
        (_at("08:00"), _at("08:20")),
    ]
    evidence = [
        (r["first_failure_at"], r["first_failure_check"], r["first_success_at"],
         r["first_success_check"], r["checks"])
        for r in rows
    ]  # fmt: skip
    assert [evidence[0], evidence[2]] == [
        (_at("02:00"), "web-https", _at("03:00"), "web-https", ["web-https"]),
        (_at("08:00"), "web-dns", _at("08:20"), "web-dns", ["web-dns"]),
    ]
    # OUT2 has no check evidence: no instant (NaT), no check
    assert [pd.isna(x) for x in evidence[1][:4]] == [True] * 4 and evidence[1][4] == []
    assert set(got["calendar"]) == {"always"}


@pytest.mark.parametrize(
    ("month", "minutes", "in_hours"),
    [
        # March ends at 1 April 00:00 Berlin (31 March 22:00 UTC): 23:40 → 24:00 local is 20
        # minutes, of which the calendar's Tuesday 23:45-23:55 holds 10
        ("2026-03", 20.0, 10.0),
        # April: 00:00 → 00:25 local is 25 minutes, of which Wednesday 00:00-00:10 holds 10
        ("2026-04", 25.0, 10.0),
    ],
)
def test_an_outage_across_a_month_boundary_in_berlin(
    con: duckdb.DuckDBPyConnection, month: str, minutes: float, in_hours: float
) -> None:
    # A check every 5 minutes from 31 March 21:00 UTC: up to 21:35, failing 21:40-22:20, up
    # from 22:25 (Berlin is UTC+2): down 23:40 local on 31 March to 00:25 local on 1 April.
    cat = parse_catalogue(CATALOGUE.replace("ZONE", "Europe/Berlin"))
    start = datetime(2026, 3, 31, 21, tzinfo=UTC)
    _checks(con, "web-https", "u" * 8 + "f" * 9 + "u" * 7, start, every=5 * MIN)
    got = outage_list(
        con, cat, "acme", month, as_of=datetime(2026, 4, 1, 23, tzinfo=UTC), calendar="edges"
    )
    [row] = got.to_dict("records")
    # the outage's own start and end in both months, its minutes counted in each
    assert (row["start_at"], row["end_at"]) == (
        pd.Timestamp(datetime(2026, 3, 31, 21, 40, tzinfo=UTC)),
        pd.Timestamp(datetime(2026, 3, 31, 22, 25, tzinfo=UTC)),
    )
    assert (row["minutes"], row["service_minutes"], row["calendar"]) == (minutes, in_hours, "edges")
    assert (row["source"], row["first_failure_check"], row["first_success_check"]) == (
        "checks: web-https", "web-https", "web-https"
    )  # fmt: skip


def test_each_record_names_the_incident_or_change_behind_it(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """ServiceNow's cmdb_ci_outage `task_number` is loaded as the outage's task, listed, and
    shown in the pack's outage table after the record (escaped like every value)."""
    from pathlib import Path

    from slm_analysis import present
    from slm_analysis.importers import load_file

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    load_file(con, "outages", fixtures / "servicenow_outages.csv", customer="acme", service="web")
    assert con.execute("select outage_id, task from outages order by 1").fetchall() == [
        ("OUT0001001", "INC0010042"),
        ("OUT0001002", None),
        ("OUT0001003", "CHG0030007"),
    ]  # OUT0001004 ends before it begins: quarantined
    cat = parse_catalogue(CATALOGUE.replace("ZONE", "UTC").replace(", monitoring: {}", ""))
    found = outage_list(con, cat, "acme", "2026-03", as_of=datetime(2026, 4, 1, tzinfo=UTC))
    assert list(found["task"]) == ["INC0010042", None, "CHG0030007"]
    row = found.iloc[0]
    assert present._outage_name(row) == (
        "OUT0001001 — Mail down:\nthe Exchange cluster failed over twice (INC0010042)"
    )
    assert present._outage_name(row.replace("INC0010042", "<b>x</b>")).endswith(
        " (&lt;b&gt;x&lt;/b&gt;)"
    )
