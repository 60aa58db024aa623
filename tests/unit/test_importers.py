"""Importers: detect, validate, quarantine, map, idempotent, all-or-nothing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis.catalogue import parse_catalogue
from slm_analysis.errors import InputError, MappingError
from slm_analysis.importers import FORMATS, detect_format, load_file
from slm_analysis.importers.mapping import load_mapping
from slm_analysis.warehouse import TABLES, sql

FIX = Path(__file__).parent.parent / "fixtures"
BUILT_IN_LAYOUTS = (
    "%Y-%m-%d %H:%M:%S, %Y-%m-%dT%H:%M:%S, %Y-%m-%d %H:%M, %Y-%m-%dT%H:%M, %d/%m/%Y %H:%M:%S, "
    "%d/%m/%Y %H:%M, %Y-%m-%d, ISO 8601 with an offset (e.g. 2026-10-05T14:23:11Z)"
)
NOT_A_DATE_TIME = f"not a valid date-time; layouts tried: {BUILT_IN_LAYOUTS}"
CATALOGUE = parse_catalogue("""
customers: [{id: acme, name: Acme}]
services: [{id: email, name: Email}, {id: webshop, name: Web Shop}]
mapping:
  - {match: {company: Acme Retail Ltd, business_service: Email}, customer: acme, service: email}
  - {match: {company: Acme Retail Ltd, business_service: Web Shop}, customer: acme, service: webshop}
""")


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    return {
        t: con.execute(f"select * exclude (load_id) from {t} order by all").df()
        if t not in ("load_log", "quarantine")
        else con.execute(f"select * from {t} order by all").df()
        for t in TABLES
    }


def test_servicenow_export_loads_with_quarantine_and_mapping(
    con: duckdb.DuckDBPyConnection,
) -> None:
    r = load_file(
        con,
        "incidents",
        FIX / "servicenow_incidents.csv",
        catalogue=CATALOGUE,
        timezone="Europe/London",
    )
    assert (r.format, r.rows_read, r.rows_loaded, r.rows_quarantined, r.rows_unmapped) == (
        "servicenow-incidents",
        6,
        3,
        3,
        1,
    )
    q = con.execute(
        "select line, column_name, value, reason from quarantine order by line"
    ).fetchall()
    assert q == [
        (4, "opened_at", "2026-02-30 09:15:00", NOT_A_DATE_TIME),
        (5, "resolved_at", "2026-03-03 09:00:00", "resolved before opened"),
        (6, "priority", "9 - Whatever", "priority is not 1-5 or a ServiceNow priority name"),
    ]
    rows = con.execute(
        "select number, customer, service, priority, state, opened_at, resolved_at, major, "
        "vendor_made_sla from incidents order by number"
    ).fetchall()
    london_gmt = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)  # GMT in March before the 29th
    assert rows[0] == (
        "INC0000001",
        "acme",
        "email",
        1,
        "Closed",
        london_gmt,
        datetime(2026, 3, 2, 11, 15, tzinfo=UTC),
        False,
        True,
    )
    # 29 March 2026 00:30 London is still GMT (the clocks go forward at 01:00)
    assert rows[1][5] == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert rows[1][6] == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # BST: 10:00 local
    assert rows[1][7] is True  # major_incident_state accepted
    assert rows[2][:3] == ("INC0000006", None, None)  # unmapped: kept, not dropped
    assert "no --timezone" not in " ".join(r.warnings)


def test_label_headers_and_raw_codes(con: duckdb.DuckDBPyConnection) -> None:
    r = load_file(con, "incidents", FIX / "servicenow_incidents_labels.csv", catalogue=CATALOGUE)
    assert r.format == "servicenow-incidents" and r.rows_loaded == 2
    assert any("read as UTC" in w for w in r.warnings)
    rows = con.execute(
        "select number, priority, state, customer from incidents order by 1"
    ).fetchall()
    assert rows == [("INC0000101", 2, "Resolved", "acme"), ("INC0000102", 4, "On Hold", "acme")]


def test_loading_twice_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    path = FIX / "servicenow_incidents.csv"
    load_file(con, "incidents", path, catalogue=CATALOGUE, timezone="Europe/London")
    tables = [t for t in TABLES if t != "load_log"]
    # the quarantine is the latest load's: same rows, the new load's id
    query = {
        t: f"select * {'exclude (load_id)' if t == 'quarantine' else ''} from {t} order by all"
        for t in tables
    }
    before = {t: con.execute(query[t]).df() for t in tables}
    again = load_file(con, "incidents", path, catalogue=CATALOGUE, timezone="Europe/London")
    assert (again.rows_loaded, again.rows_quarantined) == (0, 3)
    for t in tables:
        pd.testing.assert_frame_equal(con.execute(query[t]).df(), before[t])


def test_newer_update_wins_and_older_export_does_not_overwrite(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    src = (FIX / "servicenow_incidents_labels.csv").read_text()
    newer = tmp_path / "newer.csv"
    newer.write_text(
        src.replace("Label headers and raw codes", "Renamed later")
        .replace("Resolved,Closed", "Resolved,Closed,Updated")
        .replace("09:00:00,\n", "09:00:00,,2026-03-11 00:00:00\n", 1)
        .replace("EXCH-01,,\n", "EXCH-01,,,2026-03-11 00:00:00\n")
    )
    older = tmp_path / "older.csv"
    older.write_text(
        newer.read_text().replace("Renamed later", "Old title").replace("2026-03-11", "2026-03-10")
    )
    load_file(con, "incidents", newer, catalogue=CATALOGUE)
    load_file(con, "incidents", older, catalogue=CATALOGUE)
    title = con.execute("select short_description from incidents where number = 'INC0000101'")
    assert title.fetchall() == [("Renamed later",)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"PAR1 not really parquet", "cannot be read as a PARQUET file: .*magic bytes"),
        ("number\topened_at\n".encode("utf-16"), "is UTF-16 text; .*iconv -f UTF-16"),
        (b"number,opened,priority\nINC1,2026-01-01,1\n", "matches no known incidents format"),
        (
            "number;opened_at;priority;state\nINC1;2026-01-01 10:00:00;1;Ny\n\xe9\n".encode(
                "latin-1"
            ),
            "not UTF-8",
        ),
    ],
)
def test_bad_files_are_rejected_and_the_warehouse_is_unchanged(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, content: bytes, message: str
) -> None:
    load_file(con, "incidents", FIX / "servicenow_incidents.csv", catalogue=CATALOGUE)
    before = snapshot(con)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        load_file(con, "incidents", bad, catalogue=CATALOGUE)
    assert str(bad) in str(info.value)
    assert "LINE 1" not in str(info.value)  # DuckDB's quote of our SQL is left out
    after = snapshot(con)
    for t in TABLES:
        pd.testing.assert_frame_equal(after[t], before[t])


def test_truncated_last_line_is_rejected_whole(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    text = (FIX / "servicenow_incidents.csv").read_text()
    cut = tmp_path / "cut.csv"
    cut.write_text(text[: text.rindex(",Initech")])  # last row loses its trailing columns
    with pytest.raises(InputError, match="cannot be read"):
        load_file(con, "incidents", cut, catalogue=CATALOGUE)
    assert con.execute("select count(*) from incidents").fetchall() == [(0,)]


def test_forced_format_must_fit_and_kind_must_match(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError, match="required column"):
        load_file(
            con,
            "incidents",
            FIX / "servicenow_incidents_labels.csv",
            format="servicenow-state-metrics",
        )
    with pytest.raises(InputError, match="holds outages, not incidents"):
        load_file(con, "incidents", FIX / "servicenow_incidents.csv", format="servicenow-outages")
    with pytest.raises(InputError, match="unknown kind"):
        load_file(con, "tickets", FIX / "servicenow_incidents.csv")


def test_whole_file_customer_override(con: duckdb.DuckDBPyConnection) -> None:
    load_file(
        con,
        "incidents",
        FIX / "servicenow_incidents.csv",
        catalogue=CATALOGUE,
        customer="acme",
        service="email",
    )
    assert con.execute("select distinct customer, service from incidents").fetchall() == [
        ("acme", "email")
    ]


def test_detection_by_header() -> None:
    assert (
        detect_format(["number", "opened_at", "priority", "state"]).name == "servicenow-incidents"
    )  # type: ignore[union-attr]
    assert (
        detect_format(["id", "definition", "value", "start", "end"]).name
        == "servicenow-state-metrics"
    )  # type: ignore[union-attr]
    assert detect_format(["timestamp", "check", "status"]).name == "uptime-checks"  # type: ignore[union-attr]
    assert detect_format(["foo", "bar"]) is None


def test_servicenow_json_export_and_json_lines(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    r = load_file(con, "incidents", FIX / "servicenow_incidents.json", catalogue=CATALOGUE)
    assert (r.format, r.rows_read, r.rows_loaded, r.rows_quarantined) == (
        "servicenow-incidents",
        3,
        2,
        1,
    )
    rows = con.execute(
        "select number, priority, state, customer, service from incidents order by 1"
    ).fetchall()
    assert rows == [
        ("INC0000101", 2, "Resolved", "acme", "email"),
        ("INC0000102", 4, "On Hold", "acme", "email"),
    ]
    checks = load_file(con, "checks", FIX / "uptime_checks.jsonl", customer="acme", service="email")
    assert (checks.format, checks.rows_loaded) == ("uptime-checks", 3)
    assert con.execute("select ok, latency_ms from checks order by checked_at").fetchall() == [
        (True, 120.0),
        (False, None),
        (True, 130.5),
    ]
    broken = tmp_path / "broken.json"
    broken.write_text((FIX / "servicenow_incidents.json").read_text()[:300])
    before = snapshot(con)
    with pytest.raises(InputError, match="cannot be read as a JSON file"):
        load_file(con, "incidents", broken)
    after = snapshot(con)
    for t in TABLES:
        pd.testing.assert_frame_equal(after[t], before[t])


def test_prometheus_query_range_loads_as_checks(con: duckdb.DuckDBPyConnection) -> None:
    r = load_file(con, "checks", FIX / "prometheus_up_query_range.json")
    assert (r.format, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("uptime-checks", 6, 6, 0)
    got = con.execute("select check_name, checked_at, ok from checks order by 1, 2").fetchall()
    t0 = datetime(2026, 3, 10, 8, tzinfo=UTC)  # 1773129600
    assert got[:4] == [
        ("mail-1:25", t0, True),
        ("mail-1:25", t0 + timedelta(seconds=15), True),
        ("mail-1:25", t0 + timedelta(seconds=30), False),
        ("mail-1:25", t0 + timedelta(seconds=45), True),
    ]
    assert got[4:] == [("shop", t0, True), ("shop", t0 + timedelta(seconds=15), False)]


def test_generic_file_with_a_mapping(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    mapping = load_mapping(FIX / "generic_tickets.mapping.yaml")
    r = load_file(
        con, "incidents", FIX / "generic_tickets.tsv", catalogue=CATALOGUE, mapping=mapping
    )
    assert (r.format, r.rows_read, r.rows_loaded, r.rows_quarantined) == (
        "servicenow-incidents",
        3,
        2,
        1,
    )
    assert "no --timezone" not in " ".join(r.warnings)  # the mapping's zone
    rows = con.execute(
        "select number, priority, state, opened_at, resolved_at, customer, "
        "service, short_description from incidents order by 1"
    ).fetchall()
    assert rows == [
        (
            "T-1",
            1,
            "Resolved",
            datetime(2026, 3, 5, 13, tzinfo=UTC),
            datetime(2026, 3, 5, 15, 30, tzinfo=UTC),
            "acme",
            "email",
            "Mail down",
        ),
        (
            "T-2",
            3,
            "On Hold",
            datetime(2026, 3, 6, 8, 15, tzinfo=UTC),
            None,
            "acme",
            "email",
            "Slow search",
        ),
    ]
    # the column as the file names it; the mapping's layout is tried first
    assert con.execute("select line, column_name, value, reason from quarantine").fetchall() == [
        (
            4,
            "Created",
            "31.02.2026 09:15",
            f"not a valid date-time; layouts tried: %d.%m.%Y %H:%M, {BUILT_IN_LAYOUTS}",
        )
    ]
    # the same rows as Parquet load the same
    pq = tmp_path / "tickets.parquet"
    duckdb.execute(
        f"copy (select * from read_csv('{FIX / 'generic_tickets.tsv'}', "
        f"all_varchar = true)) to '{pq}' (format parquet)"
    )
    before = con.execute("select * exclude (load_id) from incidents order by all").fetchall()
    again = load_file(con, "incidents", pq, catalogue=CATALOGUE, mapping=mapping)
    assert again.rows_loaded == 0
    assert (
        con.execute("select * exclude (load_id) from incidents order by all").fetchall() == before
    )


def test_event_log_mode_for_process_mining_logs(con: duckdb.DuckDBPyConnection) -> None:
    r = load_file(
        con,
        "incidents",
        FIX / "process_log.csv",
        mapping=load_mapping(FIX / "process_log.mapping.yaml"),
        customer="acme",
        service="email",
    )
    assert (r.format, r.rows_read, r.rows_quarantined) == ("servicenow-event-log", 7, 0)
    snap = con.execute("select number, state, priority, opened_at from incidents order by 1")
    assert snap.fetchall() == [
        ("C1", "Resolved", 3, datetime(2026, 3, 2, 8, tzinfo=UTC)),
        ("C2", "Resolved", 3, datetime(2026, 3, 3, 10, tzinfo=UTC)),
    ]
    hold = con.execute(
        "select start_at, end_at from incident_states where number = 'C1' "
        "and state = 'Awaiting User Info'"
    ).fetchall()
    assert hold == [(datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC))]


def test_mapping_mistakes_are_listed_with_their_lines(tmp_path: Path) -> None:
    from slm_analysis.errors import MappingError

    bad = tmp_path / "m.yaml"
    bad.write_text("kind: incidents\ncolumns:\n  number: Ticket\n  opend_at: Created\n")
    with pytest.raises(MappingError) as info:
        load_mapping(bad)
    text = str(info.value)
    assert text.startswith("the import mapping has 1 mistake:")
    assert "unknown field(s) opend_at" in text and "required field(s) opened_at, priority" in text


def test_status_change_stream_loads_as_status_changes(con: duckdb.DuckDBPyConnection) -> None:
    # Uptime Kuma's "important heartbeats": a row only when the monitor flips
    r = load_file(con, "checks", FIX / "uptime_kuma_important_heartbeats.csv", timezone="UTC")
    assert (r.format, r.rows_loaded, r.rows_quarantined) == ("uptime-kuma-heartbeats", 3, 0)
    got = con.execute(
        "select source, check_name, checked_at, ok, latency_ms, stream from checks order by 3"
    )
    assert got.fetchall() == [
        ("uptime-kuma", "shop-https", datetime(2026, 3, 10, 8, tzinfo=UTC), True, 120.0,
         "status-change"),
        ("uptime-kuma", "shop-https", datetime(2026, 3, 10, 9, 12, 30, tzinfo=UTC), False, None,
         "status-change"),
        ("uptime-kuma", "shop-https", datetime(2026, 3, 10, 9, 20, tzinfo=UTC), True, 140.0,
         "status-change"),
    ]  # fmt: skip


def test_heartbeats_that_changed_nothing_are_skipped_in_a_status_change_stream(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A full Uptime Kuma heartbeat export flags its flips `important`; read as a status-change
    stream only those are kept; read as polled results (--format uptime-checks) every row is."""
    f = tmp_path / "heartbeats.csv"
    f.write_text(
        "monitor_name,time,status,msg,ping,important\n"
        "shop,2026-03-10 08:00:00,1,OK,120,1\n"
        "shop,2026-03-10 08:01:00,1,OK,121,0\n"
        "shop,2026-03-10 08:02:00,0,timeout,,1\n"
        "shop,2026-03-10 08:03:00,0,timeout,,false\n"
    )
    r = load_file(con, "checks", f, timezone="UTC")
    assert (r.format, r.rows_read, r.rows_loaded) == ("uptime-kuma-heartbeats", 4, 2)
    assert "2 rows skipped as not relevant to checks" in r.warnings
    stored = "select source, stream, count(*) from checks group by all order by all"
    assert con.execute(stored).fetchall() == [("uptime-kuma", "status-change", 2)]
    # the same file again, read the other way, replaces what its first load wrote
    polled = load_file(con, "checks", f, timezone="UTC", format="uptime-checks")
    assert (polled.rows_read, polled.rows_loaded) == (4, 4)
    assert con.execute(stored).fetchall() == [("monitoring", "polled", 4)]


def test_a_mapping_declares_a_status_change_stream(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    f = tmp_path / "flips.csv"
    f.write_text("probe;at;state\nweb;2026-03-10 08:00;UP\nweb;2026-03-10 09:00;DOWN\n")
    m = tmp_path / "flips.yaml"
    m.write_text(
        "kind: checks\nstream: status-change\ntimezone: UTC\n"
        "columns: {check_name: probe, checked_at: at, status: state}\n"
    )
    r = load_file(con, "checks", f, mapping=load_mapping(m))
    assert r.rows_loaded == 2
    got = con.execute("select check_name, ok, stream from checks order by checked_at")
    assert got.fetchall() == [("web", True, "status-change"), ("web", False, "status-change")]
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("kind: outages\nstream: polled\ncolumns: {outage_id: a}\n")
    with pytest.raises(MappingError, match="stream is for checks, not outages"):
        load_mapping(wrong)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_bad_rows_deep_in_a_large_file_keep_their_lines(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, newline: str
) -> None:
    """200,000 rows (~30 MB) are read in parallel chunks: a bad date in row 500, a bad priority
    in row 150,000 and a resolution before opening in the last row are quarantined with their
    own lines, and every other row loads once — whatever the file's line endings (a CRLF may
    fall across two chunks)."""
    path = tmp_path / "big.csv"
    duckdb.execute(f"""
        copy (
            select
                'INC' || lpad(i::varchar, 7, '0') as number,
                case when i = 500 then '2026-13-01 10:00:00'
                     else strftime(timestamp '2026-01-01' + to_seconds(i * 60), '%Y-%m-%d %H:%M:%S')
                end as opened_at,
                case when i = 150000 then '9 - Whatever' else '3 - Moderate' end as priority,
                'Closed' as state,
                case when i = 200000 then '2025-01-01 00:00:00'
                     else strftime(timestamp '2026-01-01 06:00' + to_seconds(i * 60), '%Y-%m-%d %H:%M:%S')
                end as resolved_at,
                repeat('Printer on floor ' || (i % 9) || ' keeps jamming; ', 3) as short_description,
                'Acme Retail Ltd' as company,
                'Email' as business_service
            from range(1, 200001) as t(i)
        ) to '{path}' (header)
    """)
    if newline != "\n":
        path.write_bytes(path.read_bytes().replace(b"\n", newline.encode()))
    r = load_file(con, "incidents", path, catalogue=CATALOGUE, timezone="UTC")
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined, r.rows_unmapped) == (
        200000,
        199997,
        3,
        0,
    )
    q = con.execute("select line, column_name, value from quarantine order by line").fetchall()
    assert q == [
        (501, "opened_at", "2026-13-01 10:00:00"),
        (150001, "priority", "9 - Whatever"),
        (200001, "resolved_at", "2025-01-01 00:00:00"),
    ]
    loaded = con.execute(
        "select count(*), count(distinct number), min(number), max(number) from incidents"
    ).fetchall()
    assert loaded == [(199997, 199997, "INC0000001", "INC0199999")]
    row = con.execute(
        "select opened_at, priority, customer from incidents where number = 'INC0123456'"
    ).fetchall()
    assert row == [(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=123456), 3, "acme")]


def test_last_row_of_a_repeated_key_wins(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "repeated.csv"
    path.write_text(
        "number,opened_at,priority,state,short_description\n"
        "INC1,2026-01-05 10:00:00,2,New,first title\n"
        "INC2,2026-01-05 11:00:00,3,New,other\n"
        "INC1,2026-01-05 10:00:00,2,In Progress,second title\n"
    )
    r = load_file(con, "incidents", path, timezone="UTC")
    assert (r.rows_read, r.rows_loaded) == (3, 2)
    rows = con.execute(
        "select number, state, short_description from incidents order by number"
    ).fetchall()
    assert rows == [("INC1", "In Progress", "second title"), ("INC2", "New", "other")]


def test_staging_queries_keep_one_row_per_record_in_file_order() -> None:
    """A record's line comes from its position in `staged`: staging may not drop, add or
    reorder rows."""
    for fmt in FORMATS.values():
        text = re.sub(r"--[^\n]*", "", sql(fmt.staging)).lower()
        found = re.findall(r"\b(where|join|over|group by|qualify|union|order by|limit)\b", text)
        assert found == [], f"{fmt.staging}: {found}"


def test_servicenow_json_export_larger_than_duckdbs_object_limit(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A `{"records": [...]}` export is one JSON object; past 16 MB (DuckDB's default limit
    for one object) it must still load."""
    path = tmp_path / "incident.json"
    records = [
        {
            "number": f"INC{i:07d}",
            "opened_at": "2026-03-02 09:15:00",
            "priority": "2 - High",
            "state": "In Progress",
            "short_description": f"Ticket {i}: " + "details " * 110,
        }
        for i in range(20000)
    ]
    path.write_text(json.dumps({"records": records}))
    assert path.stat().st_size > 1 << 24
    r = load_file(con, "incidents", path, timezone="UTC")
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (20000, 20000, 0)
    last = con.execute("select priority, state from incidents where number = 'INC0019999'")
    assert last.fetchall() == [(2, "In Progress")]


def test_unreadable_file_is_rejected_with_the_reason(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.csv"
    path.write_text("number,opened_at,priority,state\n")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)  # root can read anything; pretend we cannot
    with pytest.raises(InputError, match=r"locked.csv: cannot be read \(Permission denied\)"):
        load_file(con, "incidents", path)


@pytest.mark.parametrize(
    ("kind", "name", "mapping"),
    [
        ("incidents", "servicenow_incidents.csv", None),
        ("incidents", "servicenow_incidents_labels.csv", None),
        ("incidents", "servicenow_incidents.json", None),
        ("incidents", "servicenow_event_log_slice.csv", None),
        ("incidents", "jira_all_fields.csv", None),
        ("incidents", "jira_all_fields_es.csv", None),
        ("incidents", "generic_tickets.tsv", "generic_tickets.mapping.yaml"),
        ("incidents", "process_log.csv", "process_log.mapping.yaml"),
        ("outages", "github_status_downtime_slice.csv", None),
        ("checks", "uptime_checks.jsonl", None),
        ("checks", "prometheus_up_query_range.json", None),
        ("checks", "uptime_kuma_important_heartbeats.csv", None),
        ("checks", "upptime_history.tsv", None),
        ("checks", "prometheus_up_changes.csv", None),
        ("outages", "statuspage_days.csv", None),
    ],
)
def test_every_fixture_loads_twice_to_the_same_contents(
    con: duckdb.DuckDBPyConnection, kind: str, name: str, mapping: str | None
) -> None:
    m = load_mapping(FIX / mapping) if mapping else None
    first = load_file(con, kind, FIX / name, catalogue=CATALOGUE, timezone="UTC", mapping=m)
    assert first.rows_loaded > 0
    query = {
        t: f"select * {'exclude (load_id)' if t == 'quarantine' else ''} from {t} order by all"
        for t in TABLES
        if t != "load_log"
    }
    before = {t: con.execute(q).df() for t, q in query.items()}
    again = load_file(con, kind, FIX / name, catalogue=CATALOGUE, timezone="UTC", mapping=m)
    assert again.rows_loaded == 0
    for t, q in query.items():
        pd.testing.assert_frame_equal(con.execute(q).df(), before[t])
