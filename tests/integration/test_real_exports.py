"""Real public exports: the UCI ServiceNow event log and GitHub's status-page history.

Slices of both live in tests/fixtures (attribution in its README). The full files from the
project's shared data folder are loaded too when it is present beside the checkout (as in CI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis.importers import load_file
from slm_analysis.warehouse import TABLES

FIX = Path(__file__).parent.parent / "fixtures"
SHARED = Path(os.environ.get("SLM_SHARED_DATA", Path(__file__).parents[3] / "shared" / "data"))
FULL_LOG = SHARED / "servicenow-incident-event-log" / "incident_event_log_sample.csv"
FULL_STATUS = SHARED / "github-status-incidents" / "downtime_windows.csv"
needs_shared = pytest.mark.skipif(
    not FULL_LOG.exists(),
    reason=f"the shared public data set is not beside the checkout ({SHARED})",
)


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def test_event_log_slice_builds_snapshots_and_state_histories(
    con: duckdb.DuckDBPyConnection,
) -> None:
    r = load_file(
        con, "incidents", FIX / "servicenow_event_log_slice.csv", timezone="UTC", customer=None
    )
    assert (r.format, r.rows_read, r.rows_quarantined) == ("servicenow-event-log", 258, 0)
    assert con.execute("select count(*) from incidents").fetchall() == [(40,)]
    # INC0000045: New 29/2 01:23, Resolved 08:53 and 11:29, Closed 5/3 12:00
    snap = con.execute(
        "select state, priority, opened_at, resolved_at, closed_at, vendor_made_sla, "
        "assignment_group, reopen_count from incidents where number = 'INC0000045'"
    ).fetchall()
    assert snap == [
        (
            "Closed",
            3,
            utc(2016, 2, 29, 1, 16),
            utc(2016, 2, 29, 11, 29),
            utc(2016, 3, 5, 12),
            True,
            "Group 56",
            0,
        )
    ]
    states = con.execute(
        "select state, start_at, end_at from incident_states where number = 'INC0000045' "
        "order by start_at"
    ).fetchall()
    assert states == [
        ("New", utc(2016, 2, 29, 1, 23), utc(2016, 2, 29, 8, 53)),
        ("Resolved", utc(2016, 2, 29, 8, 53), utc(2016, 3, 5, 12)),
        ("Closed", utc(2016, 3, 5, 12), None),  # the final state is kept: its entry stops clocks
    ]
    awaiting = con.execute(
        "select count(distinct number) from incident_states where state = 'Awaiting User Info'"
    )
    assert awaiting.fetchall()[0][0] > 0


def test_event_log_reload_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    path = FIX / "servicenow_event_log_slice.csv"
    load_file(con, "incidents", path, timezone="UTC")
    before = {
        t: con.execute(f"select * from {t} order by all").df()
        for t in TABLES
        if t not in ("load_log", "quarantine")
    }
    again = load_file(con, "incidents", path, timezone="UTC")
    assert again.rows_loaded == 0
    for t, df in before.items():
        pd.testing.assert_frame_equal(con.execute(f"select * from {t} order by all").df(), df)


def test_status_page_windows_load_as_outages(con: duckdb.DuckDBPyConnection) -> None:
    r = load_file(con, "outages", FIX / "github_status_downtime_slice.csv", customer=None)
    assert (r.format, r.rows_loaded, r.rows_quarantined) == ("statuspage-downtime", 60, 0)
    got = con.execute("select impact, planned, count(*) from outages group by all order by all")
    assert got.fetchall() == [
        ("full", False, 10),
        ("full", True, 6),
        ("none", False, 3),
        ("partial", False, 41),
    ]
    first = con.execute("select start_at, end_at, title from outages where outage_id = '9632825'")
    assert first.fetchall() == [
        (utc(2022, 3, 26, 1, 43), utc(2022, 3, 26, 3, 35), "Incident with Codespaces")
    ]


@needs_shared
def test_full_public_samples_load_and_status_reports_them(tmp_path: Path) -> None:
    db = str(tmp_path / "w.duckdb")
    base = [
        sys.executable,
        "-m",
        "slm_analysis",
        "--db",
        db,
        "--catalogue",
        str(tmp_path / "none.yaml"),
    ]
    r = subprocess.run(
        [*base, "load", "incidents", str(FULL_LOG), "--timezone", "UTC"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    r = subprocess.run(
        [*base, "load", "outages", str(FULL_STATUS)], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    status = subprocess.run(
        [*base, "status", "--json"], capture_output=True, text=True, timeout=300
    )
    info = json.loads(status.stdout)
    tables = {(t["table_name"], t["source"]): t for t in info["tables"]}
    assert tables[("incidents", "servicenow")]["rows"] == 600
    assert tables[("incident_states", "servicenow")]["rows"] > 600
    assert tables[("outages", "statuspage")]["rows"] == 819
    with duckdb.connect(db, read_only=True) as con:
        planned = con.execute("select count(*) from outages where planned").fetchall()[0][0]
        with_history = con.execute("select count(distinct number) from incident_states").fetchall()[
            0
        ][0]
    assert planned == 18 and with_history == 600


UCI_CATALOGUE = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: C}]
services: [{id: s, name: S}]
agreements:
  - id: a
    customer: c
    services: [s]
    clock: {pause_states: [Awaiting User Info]}
    targets:
      - {id: res, metric: resolution_time, within: 4h, calendar: always, objective: 90}
      - {id: resp, metric: response_time, within: 1h, calendar: always, objective: 90}
"""


@needs_shared
def test_no_clock_of_the_full_event_log_runs_past_its_closed_event(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Every incident of the UCI sample ends Closed; 17 have no resolved_at. Each clock stops at
    or before the incident's Closed entry, and none is left running or unknown."""
    from slm_analysis import measures
    from slm_analysis.catalogue import parse_catalogue

    cat = parse_catalogue(UCI_CATALOGUE)
    load_file(con, "incidents", FULL_LOG, timezone="UTC", customer="c", service="s")
    clocks = measures.ticket_clocks(con, cat, "c")
    closed = con.execute(
        "select number, min(start_at) as closed_entry from incident_states "
        "where state = 'Closed' group by number"
    ).df()
    assert len(closed) == 600 and len(clocks) == 1200
    joined = clocks.merge(closed, on="number", how="left", validate="many_to_one")
    assert not joined["running"].any() and joined["stop_at"].notna().all()
    assert (joined["stop_at"] <= joined["closed_entry"]).all()
    assert measures.stop_findings(con, cat, "c").empty
    # the 17 without resolved_at were logged as Resolved days before their (automatic) closing:
    # they stop at that resolution, not at closed_at
    no_resolution = con.execute(
        "select i.number, i.closed_at, min(s.start_at) as resolved_entry from incidents as i "
        "join incident_states as s using (source, number) "
        "where i.resolved_at is null and s.state = 'Resolved' group by all"
    ).df()
    res = clocks[clocks["target_key"] == "a/res@0"].merge(no_resolution, on="number")
    assert len(res) == 17 and (res["stop_at"] == res["resolved_entry"]).all()
    days = (res["closed_at"] - res["stop_at"]).dt.total_seconds() / 86400
    assert days.min() > 4 and days.max() < 6


JIRA_CATALOGUE = """
customers: [{id: acme, name: Acme}]
services: [{id: email, name: Email}, {id: webshop, name: Web Shop}]
mapping:
  - {match: {company: Acme Retail Ltd, business_service: Email}, customer: acme, service: email}
  - {match: {company: Acme Retail Ltd, business_service: Web Shop}, customer: acme, service: webshop}
"""


def test_jira_all_fields_export_with_its_traps(con: duckdb.DuckDBPyConnection) -> None:
    from slm_analysis.catalogue import parse_catalogue

    cat = parse_catalogue(JIRA_CATALOGUE)
    r = load_file(
        con, "incidents", FIX / "jira_all_fields.csv", catalogue=cat, timezone="Europe/London"
    )
    # BOM, duplicated Watchers/Labels/Comment columns, `Custom field (…)` names
    assert (r.format, r.rows_read, r.rows_quarantined, r.rows_unmapped) == (
        "jira-all-fields",
        4,
        1,
        0,
    )
    assert con.execute("select line, column_name, value from quarantine").fetchall() == [
        (5, "Created", "31/Feb/26 1:00 PM")
    ]
    rows = con.execute(
        "select number, customer, service, priority, state, opened_at, first_response_at, "
        "resolved_at, vendor_made_sla, short_description from incidents order by number"
    ).fetchall()
    assert rows[0] == (
        "SUP-101",
        "acme",
        "email",
        2,
        "Resolved",
        utc(2026, 2, 25, 22, 17),
        utc(2026, 2, 25, 22, 30),
        utc(2026, 2, 26, 9),
        True,
        "Cannot log in to portal",
    )
    assert rows[1][:5] == ("SUP-102", "acme", "webshop", 1, "Waiting for customer")
    assert rows[1][8] is False  # "-1:20" remaining: the vendor says breached
    assert rows[1][9] == 'Checkout <b>broken</b>, "urgent"'
    surveys = con.execute(
        "select response_id, customer, service, score, submitted_at from surveys order by 1"
    )
    assert surveys.fetchall() == [
        ("SUP-101", "acme", "email", 5.0, utc(2026, 2, 27, 8)),
        ("SUP-103", "acme", "email", 2.0, utc(2026, 3, 4, 9)),
    ]


def test_localised_semicolon_jira_export_reads_the_same(con: duckdb.DuckDBPyConnection) -> None:
    from slm_analysis.catalogue import parse_catalogue

    cat = parse_catalogue(JIRA_CATALOGUE)
    load_file(
        con, "incidents", FIX / "jira_all_fields.csv", catalogue=cat, timezone="Europe/London"
    )
    english = con.execute(
        "select * exclude (load_id, short_description) from incidents order by number"
    ).fetchall()
    r = load_file(
        con, "incidents", FIX / "jira_all_fields_es.csv", catalogue=cat, timezone="Europe/London"
    )
    # Spanish headers, ';' separators, 'feb'/'p. m.' dates, 'Alta' priorities: only the one
    # retitled issue changes
    assert (r.format, r.rows_read, r.rows_quarantined, r.rows_loaded) == (
        "jira-all-fields",
        3,
        0,
        1,
    )
    assert (
        con.execute(
            "select * exclude (load_id, short_description) from incidents order by number"
        ).fetchall()
        == english
    )
    assert con.execute(
        "select short_description from incidents where number = 'SUP-101'"
    ).fetchall() == [("No puedo entrar; ayuda",)]


@needs_shared
def test_quarantine_on_the_real_event_log(tmp_path: Path) -> None:
    """The UCI sample is clean as the event log it is: nothing quarantined. Loaded through a
    mapping with a slip a user makes on its 36 columns (resolved_at mapped to the neighbouring
    resolved_by), every row fails: the load is refused with the reason in the file's own words,
    the escape hatch quarantines them, and `slm quarantine` and `slm status` show it."""
    mapping = tmp_path / "uci.yaml"
    mapping.write_text(
        "kind: incidents\nevent_log: true\ntimezone: UTC\n"
        'timestamp_format: "%d/%m/%Y %H:%M"\n'
        "columns: {number: number, incident_state: incident_state, opened_at: opened_at,\n"
        "  sys_updated_at: sys_updated_at, priority: priority, resolved_at: resolved_by,\n"
        "  closed_at: closed_at}\n"
    )
    base = [
        sys.executable,
        "-m",
        "slm_analysis",
        "--db",
        str(tmp_path / "w.duckdb"),
        "--catalogue",
        str(tmp_path / "none.yaml"),
    ]

    def slm(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*base, *args], capture_output=True, text=True, timeout=300)

    clean = slm("load", "incidents", str(FULL_LOG), "--timezone", "UTC")
    assert clean.returncode == 0, clean.stderr
    assert "4137 rows read, 2900 new or changed, 0 quarantined" in clean.stdout
    assert slm("quarantine").stdout == "no quarantined rows\n"

    layouts = (  # the mapping's layout first, each named once
        "%d/%m/%Y %H:%M, %Y-%m-%d %H:%M:%S, %Y-%m-%dT%H:%M:%S, %Y-%m-%d %H:%M, %Y-%m-%dT%H:%M, "
        "%d/%m/%Y %H:%M:%S, %Y-%m-%d, ISO 8601 with an offset (e.g. 2026-10-05T14:23:11Z)"
    )
    reason = f"not a valid date-time; layouts tried: {layouts}"
    refused = slm("load", "incidents", str(FULL_LOG), "--mapping", str(mapping))
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[1:] == [
        f"error: {FULL_LOG}: 4137 of 4137 rows (100 %) fail validation, more than the 50 % a "
        "load may quarantine; nothing was loaded (the warehouse is unchanged).",
        "Check the mapping's columns and its timestamp_format against the file. Why the rows fail:",
        f'  - resolved_by: 4137 rows, first on line 2 ("Resolved by 149"): {reason}',
        "To load the valid rows anyway and quarantine the rest, pass --max-quarantined 100.",
    ]
    assert len(json.loads(slm("status", "--json").stdout)["loads"]) == 1  # unchanged

    forced = slm(
        "load", "incidents", str(FULL_LOG), "--mapping", str(mapping), "--max-quarantined", "100"
    )
    assert forced.returncode == 0, forced.stderr
    assert "4137 rows read, 0 new or changed, 4137 quarantined" in forced.stdout
    listing = slm("quarantine", "--limit", "2")
    assert listing.stdout.splitlines() == [
        f"load 2, {FULL_LOG} (incidents): 4137 rows quarantined",
        f'  line 2  resolved_by  "Resolved by 149"  {reason}',
        f'  line 3  resolved_by  "Resolved by 149"  {reason}',
        "… and 4135 more (of 4137); --limit 0 lists them all, --json gives them to a script",
    ]
    everything = json.loads(slm("quarantine", "--limit", "0", "--json").stdout)
    assert (everything["total"], everything["shown"]) == (4137, 4137)
    assert {r["column"] for r in everything["rows"]} == {"resolved_by"}
    assert [r["line"] for r in everything["rows"]] == list(range(2, 4139))
    loads = json.loads(slm("status", "--json").stdout)["loads"]
    assert [
        (x["load_id"], x["rows_read"], x["rows_loaded"], x["rows_quarantined"]) for x in loads
    ] == [
        (2, 4137, 0, 4137),  # a load where nothing was accepted is listed too
        (1, 4137, 2900, 0),
    ]
