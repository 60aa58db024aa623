"""Quarantine you can act on: reasons in the file's own words, a listing, a load refused when
most rows fail, loads that leave nothing behind on the connection, honest status figures."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis.errors import InputError, QuarantineGroup, QuarantineLimitError
from slm_analysis.importers import Quarantine, QuarantinedRow, load_file, quarantined, status
from slm_analysis.importers import load as load_module
from slm_analysis.importers.mapping import load_mapping
from slm_analysis.warehouse import TABLES

FIX = Path(__file__).parent.parent / "fixtures"
BUILT_IN = (
    "%Y-%m-%d %H:%M:%S, %Y-%m-%dT%H:%M:%S, %Y-%m-%d %H:%M, %Y-%m-%dT%H:%M, %d/%m/%Y %H:%M:%S, "
    "%d/%m/%Y %H:%M, %Y-%m-%d, ISO 8601 with an offset (e.g. 2026-10-05T14:23:11Z)"
)
NOT_A_DATE_TIME = f"not a valid date-time; layouts tried: {BUILT_IN}"
DOTTED = f"not a valid date-time; layouts tried: %d.%m.%Y %H:%M, {BUILT_IN}"


def everything(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    return {t: con.execute(f"select * from {t} order by all").df() for t in TABLES}


def leftovers(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, ...]]]:
    """The temporary objects on the connection."""
    return {
        "tables": con.execute("select table_name from duckdb_tables() where temporary").fetchall(),
        "views": con.execute(
            "select view_name from duckdb_views() where temporary and not internal"
        ).fetchall(),
        "macros": con.execute(
            "select function_name from duckdb_functions() where database_name = 'temp'"
        ).fetchall(),
        "variables": con.execute("select name from duckdb_variables()").fetchall(),
    }


# ---------------------------------------------------------------------------- refused loads
def test_a_mostly_quarantined_file_is_refused_and_nothing_is_written(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load_file(con, "incidents", FIX / "servicenow_incidents.csv", timezone="UTC")
    before = everything(con)
    path = FIX / "servicenow_incidents_dotted.csv"
    with pytest.raises(QuarantineLimitError) as info:
        load_file(con, "incidents", path, timezone="UTC")
    err = info.value
    assert err.exit_code == 1
    # three of the four rows have dotted day-first dates: 75 % > 50 %
    assert (err.path, err.rows, err.quarantined, err.limit) == (str(path), 4, 3, 50.0)
    assert err.groups == [QuarantineGroup("opened_at", NOT_A_DATE_TIME, 3, 2, "02.03.2026 09:15")]
    assert str(err) == (
        f"{path}: 3 of 4 rows (75 %) fail validation, more than the 50 % a load may quarantine; "
        "nothing was loaded (the warehouse is unchanged).\n"
        "The file probably needs a mapping (--mapping M.yaml naming its columns) or a date "
        "format (timestamp_format in the mapping). Why the rows fail:\n"
        f'  - opened_at: 3 rows, first on line 2 ("02.03.2026 09:15"): {NOT_A_DATE_TIME}\n'
        "To load the valid rows anyway and quarantine the rest, pass --max-quarantined 100."
    )
    after = everything(con)  # quarantine and load log included
    for t, df in before.items():
        pd.testing.assert_frame_equal(after[t], df, obj=t)


def test_the_escape_hatch_and_the_fix_the_message_suggests(
    con: duckdb.DuckDBPyConnection,
) -> None:
    path = FIX / "servicenow_incidents_dotted.csv"
    r = load_file(con, "incidents", path, timezone="UTC", max_quarantined=100)
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (4, 1, 3)
    assert con.execute("select number, opened_at from incidents").fetchall() == [
        ("INC0000203", datetime(2026, 3, 4, 8, 30, tzinfo=UTC))
    ]
    assert con.execute(
        "select line, column_name, value from quarantine order by line"
    ).fetchall() == [
        (2, "opened_at", "02.03.2026 09:15"),
        (3, "opened_at", "03.03.2026 10:00"),
        (5, "opened_at", "05.03.2026 16:45"),
    ]
    # with the date format in a mapping every row loads (Berlin: CET, one hour ahead of UTC)
    mapping = load_mapping(FIX / "servicenow_incidents_dotted.mapping.yaml")
    again = load_file(con, "incidents", path, mapping=mapping)
    assert (again.rows_read, again.rows_loaded, again.rows_quarantined) == (4, 4, 0)
    assert con.execute("select count(*) from quarantine").fetchall() == [(0,)]
    got = con.execute("select number, opened_at, resolved_at from incidents order by 1")
    assert got.fetchall() == [
        (
            "INC0000201",
            datetime(2026, 3, 2, 8, 15, tzinfo=UTC),
            datetime(2026, 3, 2, 10, 15, tzinfo=UTC),
        ),
        ("INC0000202", datetime(2026, 3, 3, 9, tzinfo=UTC), None),
        ("INC0000203", datetime(2026, 3, 4, 7, 30, tzinfo=UTC), None),
        ("INC0000204", datetime(2026, 3, 5, 15, 45, tzinfo=UTC), None),
    ]


def test_the_threshold_is_more_than_half_of_the_relevant_rows(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # 3 of 6 rows fail: exactly 50 % is allowed by default, not under a 49.9 % limit
    path = FIX / "servicenow_incidents.csv"
    with pytest.raises(QuarantineLimitError) as info:
        load_file(con, "incidents", path, timezone="UTC", max_quarantined=49.9)
    assert [(g.column, g.rows, g.first_line, g.example) for g in info.value.groups] == [
        ("opened_at", 1, 4, "2026-02-30 09:15:00"),
        ("resolved_at", 1, 5, "2026-03-03 09:00:00"),
        ("priority", 1, 6, "9 - Whatever"),
    ]
    assert "3 of 6 rows (50 %) fail validation, more than the 49.9 %" in str(info.value)
    assert load_file(con, "incidents", path, timezone="UTC").rows_quarantined == 3
    with pytest.raises(InputError, match="max_quarantined is 120; give a per cent from 0 to 100"):
        load_file(con, "incidents", path, max_quarantined=120)


def test_skipped_rows_do_not_count_towards_the_threshold(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # two metric rows of another definition are skipped; of the two state rows one fails
    path = tmp_path / "metrics.csv"
    path.write_text(
        "id,definition,value,start,end\n"
        "INC1,Assigned to Duration,Agent 1,2026-03-02 09:00:00,2026-03-02 10:00:00\n"
        "INC1,Incident State Duration,New,2026-03-02 09:00:00,2026-03-02 10:00:00\n"
        "INC1,Assigned to Duration,Agent 2,2026-03-02 10:00:00,\n"
        "INC1,Incident State Duration,Resolved,2026-03-02 10:00,2026-03-02 10:00:00 +1\n"
    )
    r = load_file(con, "incidents", path, timezone="UTC")
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (4, 1, 1)
    assert con.execute("select line, column_name, value from quarantine").fetchall() == [
        (5, "end", "2026-03-02 10:00:00 +1")
    ]


# ---------------------------------------------------------------------------- reasons
def test_event_log_mapping_with_timestamp_format_and_no_opening_time(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Was: DuckDB "parameter count mismatch", reported as an unreadable file."""
    mapping = load_mapping(FIX / "process_log_dayfirst.mapping.yaml")
    r = load_file(
        con,
        "incidents",
        FIX / "process_log_dayfirst.csv",
        mapping=mapping,
        customer="acme",
        service="email",
    )
    assert (r.format, r.rows_read, r.rows_quarantined, r.warnings) == (
        "servicenow-event-log",
        8,
        1,
        [
            "1 row quarantined; `slm quarantine --file "
            f"{FIX / 'process_log_dayfirst.csv'}` lists them with their reasons"
        ],
    )
    # Europe/Berlin in March is UTC+1; each case opened with its first update
    snap = con.execute("select number, state, priority, opened_at from incidents order by 1")
    assert snap.fetchall() == [
        ("C1", "Resolved", 3, datetime(2026, 3, 2, 7, tzinfo=UTC)),
        ("C2", "Resolved", 3, datetime(2026, 3, 3, 9, tzinfo=UTC)),
    ]
    states = con.execute(
        "select number, state, start_at, end_at from incident_states order by number, start_at"
    ).fetchall()
    t = lambda d, h, m=0: datetime(2026, 3, d, h, m, tzinfo=UTC)  # noqa: E731
    assert states == [
        ("C1", "New", t(2, 7), t(2, 7, 20)),
        ("C1", "In Progress", t(2, 7, 20), t(2, 8)),
        ("C1", "Awaiting User Info", t(2, 8), t(2, 10)),
        ("C1", "In Progress", t(2, 10), t(2, 11)),
        ("C1", "Resolved", t(2, 11), None),
        ("C2", "New", t(3, 9), t(3, 9, 45)),
        ("C2", "Resolved", t(3, 9, 45), None),
    ]
    # the reason names the file's column (not sys_updated_at) and the mapping's layout first
    assert con.execute("select line, column_name, value, reason from quarantine").fetchall() == [
        (9, "timestamp", "31.03.2026 25:00", DOTTED)
    ]


def test_reasons_name_the_column_as_the_export_spells_it(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(
        "Number,Opened,Priority,State,Resolved\n"
        "INC1,2026-03-02 09:15:00,2 - High,Resolved,2026-03-02 10:15:00\n"
        "INC2,yesterday,2 - High,New,\n"
        "INC3,2026-03-02 09:15:00,2 - High,Resolved,soon\n"
        ",2026-03-02 09:15:00,2 - High,New,\n"
    )
    load_file(con, "incidents", path, timezone="UTC", max_quarantined=100)
    got = con.execute("select line, column_name, value, reason from quarantine order by line")
    assert got.fetchall() == [
        (3, "Opened", "yesterday", NOT_A_DATE_TIME),
        (4, "Resolved", "soon", NOT_A_DATE_TIME),
        (5, "Number", None, "missing incident number"),
    ]


def test_jira_reasons_list_the_jira_layouts(con: duckdb.DuckDBPyConnection) -> None:
    load_file(con, "incidents", FIX / "jira_all_fields.csv", timezone="Europe/London")
    assert con.execute("select line, column_name, value, reason from quarantine").fetchall() == [
        (
            5,
            "Created",
            "31/Feb/26 1:00 PM",
            "not a valid date-time; layouts tried: %d/%b/%y %I:%M %p, %d/%b/%Y %I:%M %p, "
            "%d/%b/%y %H:%M, %d/%b/%Y %H:%M, %Y-%m-%d %H:%M, %Y-%m-%d %H:%M:%S",
        )
    ]


# ---------------------------------------------------------------------------- listing
def test_the_quarantine_listing(con: duckdb.DuckDBPyConnection) -> None:
    assert quarantined(con) == Quarantine([], 0, {}, "")
    assert quarantined(con).text() == "no quarantined rows"
    incidents = FIX / "servicenow_incidents.csv"
    load_file(con, "incidents", incidents, timezone="UTC")
    tickets = FIX / "generic_tickets.tsv"
    load_file(con, "incidents", tickets, mapping=load_mapping(FIX / "generic_tickets.mapping.yaml"))
    everything_listed = quarantined(con)
    assert everything_listed.total == 4 and everything_listed.more == 0
    assert everything_listed.rows[0] == QuarantinedRow(
        2, "incidents", str(tickets), 4, "Created", "31.02.2026 09:15", DOTTED
    )
    assert [(r.load_id, r.line) for r in everything_listed.rows] == [(2, 4), (1, 4), (1, 5), (1, 6)]
    assert everything_listed.text() == "\n".join(
        [
            f"load 2, {tickets} (incidents): 1 row quarantined",
            f'  line 4  Created  "31.02.2026 09:15"  {DOTTED}',
            f"load 1, {incidents} (incidents): 3 rows quarantined",
            f'  line 4  opened_at    "2026-02-30 09:15:00"  {NOT_A_DATE_TIME}',
            '  line 5  resolved_at  "2026-03-03 09:00:00"  resolved before opened',
            '  line 6  priority     "9 - Whatever"         priority is not 1-5 or a ServiceNow '
            "priority name",
        ]
    )
    first_two = quarantined(con, limit=2)
    assert (first_two.total, first_two.more, len(first_two.rows)) == (4, 2, 2)
    assert first_two.text().splitlines()[-1] == (
        "… and 2 more (of 4); --limit 0 lists them all, --json gives them to a script"
    )
    assert (
        first_two.text().splitlines()[2] == f"load 1, {incidents} (incidents): 3 rows quarantined"
    )
    by_name = quarantined(con, file="servicenow_incidents.csv", limit=0)
    assert [r.line for r in by_name.rows] == [4, 5, 6]
    assert quarantined(con, file=str(tickets)).total == 1
    assert quarantined(con, load_id=1).total == 3
    assert quarantined(con, load_id=1, file="generic_tickets.tsv").text() == (
        "no quarantined rows for load 1 and file generic_tickets.tsv"
    )
    assert first_two.to_dict()["rows"] == [  # type: ignore[comparison-overlap]
        {
            "load_id": 2,
            "kind": "incidents",
            "file": str(tickets),
            "line": 4,
            "column": "Created",
            "value": "31.02.2026 09:15",
            "reason": DOTTED,
        },
        {
            "load_id": 1,
            "kind": "incidents",
            "file": str(incidents),
            "line": 4,
            "column": "opened_at",
            "value": "2026-02-30 09:15:00",
            "reason": NOT_A_DATE_TIME,
        },
    ]


# ---------------------------------------------------------------------------- the connection
def test_no_load_leaves_anything_on_the_connection(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    clean = leftovers(con)
    assert clean == {"tables": [], "views": [], "macros": [], "variables": []}
    cut = tmp_path / "cut.csv"
    text = (FIX / "servicenow_incidents.csv").read_text()
    cut.write_text(text[: text.rindex(",Initech")])
    repeated = tmp_path / "repeated.csv"
    repeated.write_text(
        "number,opened_at,priority,state\nINC1,2026-01-05 10:00:00,2,New\n"
        "INC1,2026-01-05 10:00:00,2,In Progress\n"
    )
    bad_mapping = tmp_path / "m.yaml"
    bad_mapping.write_text(
        "kind: incidents\nconstants: {state: New}\n"
        "columns: {number: Nope, opened_at: Created, priority: Severity}\n"
    )
    loads: list[tuple[Path, dict[str, object], type[Exception] | None]] = [
        (FIX / "servicenow_incidents.csv", {}, None),
        (FIX / "servicenow_incidents.json", {}, None),
        (FIX / "servicenow_incidents.zip", {}, None),
        (FIX / "servicenow_event_log_slice.csv", {}, None),
        (FIX / "jira_all_fields.csv", {}, None),
        (repeated, {}, None),
        (cut, {}, InputError),
        (FIX / "generic_tickets.tsv", {"mapping": load_mapping(bad_mapping)}, InputError),
        (FIX / "servicenow_incidents_dotted.csv", {}, QuarantineLimitError),
        (FIX / "servicenow_incidents.csv", {"format": "jira-all-fields"}, InputError),
    ]
    for path, options, error in loads:
        if error is None:
            load_file(con, "incidents", path, timezone="UTC", **options)  # type: ignore[arg-type]
        else:
            with pytest.raises(error):
                load_file(con, "incidents", path, timezone="UTC", **options)  # type: ignore[arg-type]
        assert leftovers(con) == clean, path


# ---------------------------------------------------------------------------- warnings, status
def test_the_timezone_warning_only_for_files_with_naive_date_times(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    def zone_warnings(kind: str, path: Path) -> list[str]:
        r = load_file(con, kind, path, customer="acme", service="email")
        return [w for w in r.warnings if "timezone" in w]

    assert zone_warnings("incidents", FIX / "servicenow_incidents_labels.csv") == [
        "no --timezone given: timestamps without an offset were read as UTC (pass --timezone, "
        "or timezone: in the mapping, if they are local times)"
    ]
    assert zone_warnings("checks", FIX / "uptime_checks.jsonl") == []
    assert zone_warnings("outages", FIX / "github_status_downtime_slice.csv") == []
    # offsets throughout the first 1,000 records, one naive value after them
    rows = [f"web,2026-03-10T08:{i // 60:02d}:{i % 60:02d}Z,up" for i in range(1500)]
    offsets = tmp_path / "offsets.csv"
    offsets.write_text("check,timestamp,status\n" + "\n".join(rows) + "\n")
    assert zone_warnings("checks", offsets) == []
    rows[1200] = "web,2026-03-10 09:00:00,up"
    late = tmp_path / "late.csv"
    late.write_text("check,timestamp,status\n" + "\n".join(rows) + "\n")
    assert len(zone_warnings("checks", late)) == 1


def test_status_lists_every_load_with_wall_clock_seconds(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = load_module._write

    def slow_write(*args: object, **kwargs: object) -> int:
        time.sleep(0.4)
        return write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module, "_write", slow_write)
    r = load_file(con, "incidents", FIX / "servicenow_event_log_slice.csv", timezone="UTC")
    monkeypatch.undo()
    nothing = load_file(
        con,
        "incidents",
        FIX / "servicenow_incidents_dotted.csv",
        timezone="UTC",
        max_quarantined=100,
    )
    again = load_file(con, "incidents", FIX / "servicenow_event_log_slice.csv", timezone="UTC")
    info = status(con)
    loads = info["loads"]
    assert [
        (x["load_id"], x["format"], x["rows_read"], x["rows_loaded"], x["rows_quarantined"])
        for x in loads  # type: ignore[attr-defined]
    ] == [
        (again.load_id, "servicenow-event-log", 258, 0, 0),
        (nothing.load_id, "servicenow-incidents", 4, 1, 3),
        (r.load_id, "servicenow-event-log", 258, r.rows_loaded, 0),
    ]
    # 40 incidents and their state histories
    assert r.rows_loaded == 40 + con.execute("select count(*) from incident_states").fetchone()[0]  # type: ignore[index]
    assert info["quarantined"] == 3  # the rows in the quarantine now
    first = loads[-1]  # type: ignore[index]
    assert first["seconds"] >= 0.4 and abs(first["seconds"] - r.seconds) < 0.1
    # a state history has no customer of its own: never reported as unmapped
    tables = {(t["table_name"], t["source"]): t for t in info["tables"]}  # type: ignore[attr-defined]
    assert tables[("incident_states", "servicenow")]["rows_unmapped"] is None
    assert tables[("incidents", "servicenow")]["rows_unmapped"] == 41
