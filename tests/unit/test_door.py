"""What no column of any format may hold is stopped at the door: a date-time outside the
plausible years (defaults.YEARS) and a NUL character, wherever in the file. The record is
quarantined under the file's column with its value and a reason; the other records load."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from test_line_endings import CATALOGUE, FAMILIES, lf_load

from slm_analysis import warehouse
from slm_analysis.defaults import YEARS
from slm_analysis.importers import LoadResult, load_file, quarantined, sources
from slm_analysis.importers.mapping import load_mapping

FIX = Path(__file__).parent.parent / "fixtures"
FIX_NOTE = (
    '(UTC); correct the date in the export (a placeholder for "no date", such as 0001-01-01 '
    "or 9999-12-31, should be an empty cell)"
)
NUL_REASON = (
    "holds a NUL character (shown as ␀), which is not text; remove it from the export (it "
    "comes from a damaged file or a binary field)"
)

# per importer family: the header of a date-time column and a value in the file's own layout
# ({y}: the year); the first record of every fixture is valid and loaded
DATE_TIMES = {
    "servicenow_incidents.csv": ("opened_at", "{y}-12-31 10:00:00"),
    "servicenow_event_log_slice.csv": ("sys_updated_at", "31/12/{y} 10:00"),
    "servicenow_state_metrics.csv": ("start", "{y}-12-31 10:00:00"),
    "jira_all_fields.csv": ("Created", "25/Feb/{y} 10:17 PM"),
    "jira_all_fields_es.csv": ("Creada", "25/feb/{y} 10:17 p. m."),
    "generic_tickets.tsv": ("Created", "31.12.{y} 10:00"),
    "process_log.csv": ("timestamp", "{y}-12-31 10:00:00"),
    "servicenow_outages.csv": ("begin", "{y}-12-31 10:00:00"),
    "github_status_downtime_slice.csv": ("downtime_start", "{y}-03-26T01:43:00Z"),
    "uptime_kuma_important_heartbeats.csv": ("time", "{y}-12-31 10:00:00"),
    "survey_responses.csv": ("submitted", "{y}-12-31 10:00:00"),
    "servicenow_changes.csv": ("start_date", "{y}-12-31 10:00:00"),
    "improvement_actions.csv": ("opened", "{y}-12-31"),
}


def rewritten(tmp_path: Path, name: str, changes: dict[str, str], record: int = 0) -> Path:
    """The fixture ``name`` with the given columns of data record ``record`` (0: the first)
    set to new values; delimiter and BOM kept."""
    raw = (FIX / name).read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    delimiter = max((",", ";", "\t"), key=text.splitlines()[0].count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    for header, value in changes.items():
        rows[record + 1][rows[0].index(header)] = value
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode())
    return path


def load(
    con: duckdb.DuckDBPyConnection, kind: str, path: Path, mapping: str | None = None
) -> LoadResult:
    m = load_mapping(FIX / mapping) if mapping else None
    return load_file(
        con,
        kind,
        path,
        catalogue=CATALOGUE,
        timezone="Europe/London",
        mapping=m,
        max_quarantined=100,
    )


def stored_date_times(con: duckdb.DuckDBPyConnection) -> tuple[datetime, datetime]:
    """The earliest and latest date-time of every table."""
    columns = con.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = 'main' and "
        "data_type = 'TIMESTAMP WITH TIME ZONE' and not starts_with(column_name, 'started') "
        "and not starts_with(column_name, 'finished')"
    ).fetchall()
    found = [
        con.execute(f'select min("{c}"), max("{c}") from "{t}"').fetchone() for t, c in columns
    ]
    lows = [f[0] for f in found if f and f[0] is not None]
    highs = [f[1] for f in found if f and f[1] is not None]
    return min(lows), max(highs)


@pytest.mark.parametrize("year", ["9999", "0001"])
@pytest.mark.parametrize(("kind", "name", "mapping"), FAMILIES, ids=[f[1] for f in FAMILIES])
def test_every_importer_quarantines_a_date_time_outside_the_plausible_years(
    tmp_path: Path, kind: str, name: str, mapping: str | None, year: str
) -> None:
    """Before: year 0001 or 9999 loaded, and `slm attainment` then failed with
    "internal error: OverflowError"."""
    _, expected = lf_load(kind, name, mapping)
    header, layout = DATE_TIMES[name]
    value = layout.format(y=year)
    path = rewritten(tmp_path, name, {header: value})
    con = warehouse.connect(":memory:")
    r = load(con, kind, path, mapping)
    assert (r.rows_read, r.rows_quarantined) == (expected.rows_read, expected.rows_quarantined + 1)
    listed = [(q.line, q.column, q.value, q.reason) for q in quarantined(con, limit=0).rows]
    assert listed[0] == (
        2,
        header,
        value if mapping is None or name == "process_log.csv" else f"{year}-12-31 10:00:00",
        f"year {year} is outside the plausible years 1970–2100 {FIX_NOTE}",
    )
    first, last = stored_date_times(con)
    assert datetime(YEARS[0], 1, 1, tzinfo=UTC) <= first <= last < datetime(2101, 1, 1, tzinfo=UTC)


def test_a_date_time_no_staging_query_checks_is_quarantined_too(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """An incident's update time (which the ServiceNow staging query reads but does not check)
    and a Jira rating date: every stored date-time is judged, not only the checked ones."""
    path = rewritten(
        tmp_path, "servicenow_incidents.csv", {"sys_updated_on": "9999-12-31 23:59:59"}
    )
    r = load(con, "incidents", path)
    assert r.rows_quarantined == 4  # the fixture's three, and this one
    (q,) = [q for q in quarantined(con).rows if q.line == 2]
    assert (q.column, q.value) == ("sys_updated_on", "9999-12-31 23:59:59")
    path = rewritten(
        tmp_path, "jira_all_fields.csv", {"Custom field (Satisfaction date)": "27/Feb/1969 8:00 AM"}
    )
    load(con, "incidents", path)
    (q,) = [q for q in quarantined(con, file=str(path)).rows if q.line == 2]
    assert (q.column, q.reason) == (
        "Custom field (Satisfaction date)",
        f"year 1969 is outside the plausible years 1970–2100 {FIX_NOTE}",
    )
    assert con.execute("select count(*) from surveys where response_id = 'SUP-101'").fetchone() == (
        0,
    )


def test_the_first_and_last_plausible_instants_load(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = rewritten(
        tmp_path,
        "servicenow_outages.csv",
        {"begin": "1970-01-01T00:00:00Z", "end": "2100-12-31T23:59:59Z"},
    )
    r = load(con, "outages", path)
    _, expected = lf_load("outages", "servicenow_outages.csv", None)
    assert r.rows_quarantined == expected.rows_quarantined
    assert stored_date_times(con) == (
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC),
    )


def test_a_rejected_record_is_quarantined_for_its_implausible_year(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Opened in 9999 and resolved in 2026 reads as "resolved before opened" to the staging
    query; the year is the mistake to fix, so it is the reason given."""
    path = rewritten(tmp_path, "servicenow_incidents.csv", {"opened_at": "9999-03-02 09:15:00"})
    load(con, "incidents", path)
    (q,) = [q for q in quarantined(con).rows if q.line == 2]
    assert (q.column, q.reason) == (
        "opened_at",
        f"year 9999 is outside the plausible years 1970–2100 {FIX_NOTE}",
    )


def test_a_skipped_record_is_not_quarantined_for_its_year(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A cancelled change is not maintenance: skipped, whatever its dates."""
    records = list(csv.DictReader(io.StringIO((FIX / "servicenow_changes.csv").read_text())))
    cancelled = next(i for i, r in enumerate(records) if r["state"] == "Cancelled")
    path = rewritten(tmp_path, "servicenow_changes.csv", {"start_date": "9999-01-01"}, cancelled)
    r = load(con, "maintenance", path)
    _, expected = lf_load("maintenance", "servicenow_changes.csv", None)
    assert (r.rows_quarantined, r.rows_loaded) == (expected.rows_quarantined, expected.rows_loaded)


def test_the_limit_groups_implausible_years_by_column_and_year(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "old.csv"
    path.write_text(
        "number,opened_at,priority,state\n"
        + "".join(f"INC{i},0001-01-01 00:00:00,3,New\n" for i in range(3))
        + "INC9,2026-01-01 00:00:00,3,New\n"
    )
    from slm_analysis.errors import QuarantineGroup, QuarantineLimitError

    with pytest.raises(QuarantineLimitError) as info:
        load_file(con, "incidents", path, timezone="UTC")
    assert info.value.groups == [
        QuarantineGroup(
            "opened_at",
            f"year 0001 is outside the plausible years 1970–2100 {FIX_NOTE}",
            3,
            2,
            "0001-01-01 00:00:00",
        )
    ]


# ---------------------------------------------------------------------------- NUL characters
def big_export(tmp_path: Path, name: str = "nul.csv") -> tuple[Path, int]:
    """An incident export of over 64 KiB (the part read to recognise a file) with a NUL in a
    title well after it, and the line of that record."""
    lines = ["number,opened_at,short_description,priority,state,company,business_service"]
    lines += [
        f"INC{i:07d},2026-03-02 09:15:00,{'a long enough title ' * 3},3,New,Acme Retail Ltd,Email"
        for i in range(2000)
    ]
    lines.append("INC9999999,2026-03-02 09:15:00,before\x00after,3,New,Acme Retail Ltd,Email")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    assert path.read_bytes().index(b"\x00") > sources.HEAD
    return path, len(lines)


def test_a_nul_after_the_first_64_kib_is_quarantined_naming_line_and_column(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Before: only the first 64 KiB were looked at, and the NUL was stored."""
    path, line = big_export(tmp_path)
    r = load_file(con, "incidents", path, timezone="UTC")
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (2001, 2000, 1)
    (q,) = quarantined(con).rows
    assert (q.line, q.column, q.value, q.reason) == (
        line,
        "short_description",
        "before␀after",
        NUL_REASON,
    )
    assert con.execute(
        "select count(*) from incidents where contains(short_description, chr(0))"
    ).fetchone() == (0,)
    assert con.execute(
        "select count(*) from quarantine where contains(value, chr(0))"
    ).fetchone() == (0,)


@pytest.mark.parametrize("wrapper", ["gzip", "parquet"])
def test_a_nul_in_a_file_not_scanned_for_one_is_found_in_its_values(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, wrapper: str
) -> None:
    """A gzip-compressed CSV (read by DuckDB as it streams) and a Parquet file are not read
    byte by byte: their values are looked into."""
    plain, line = big_export(tmp_path)
    if wrapper == "gzip":
        path = tmp_path / "nul.csv.gz"
        path.write_bytes(gzip.compress(plain.read_bytes()))
    else:
        path = tmp_path / "nul.parquet"
        duckdb.execute(
            "copy (select * from read_csv($p, all_varchar = true)) to '"
            + str(path).replace("'", "''")
            + "' (format parquet)",
            {"p": str(plain)},
        )
    r = load_file(con, "incidents", path, timezone="UTC")
    assert r.rows_quarantined == 1
    (q,) = quarantined(con).rows
    assert (q.line, q.column, q.value) == (line, "short_description", "before␀after")


def test_a_json_nul_escape_is_quarantined(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """JSON writes a NUL as the escape \\u0000: no 0 byte in the file, a NUL in the value."""
    records = json.loads((FIX / "servicenow_incidents.json").read_text())
    records["records"][0]["short_description"] = "a\u0000b"
    path = tmp_path / "nul.json"
    path.write_text(json.dumps(records))
    assert b"\x00" not in path.read_bytes() and b"\\u0000" in path.read_bytes()
    r = load_file(con, "incidents", path, timezone="UTC", max_quarantined=100)
    _, expected = lf_load("incidents", "servicenow_incidents.json", None)
    assert r.rows_quarantined == expected.rows_quarantined + 1
    (q,) = [q for q in quarantined(con).rows if q.reason == NUL_REASON]
    assert (q.line, q.column, q.value) == (2, "short_description", "a␀b")


def test_a_nul_in_a_value_the_staging_query_rejects_is_not_stored_in_the_quarantine(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = rewritten(tmp_path, "servicenow_incidents.csv", {"opened_at": "2026-03-02\x00"})
    load(con, "incidents", path)
    (q,) = [q for q in quarantined(con).rows if q.line == 2]
    assert (q.column, q.value, q.reason) == ("opened_at", "2026-03-02␀", NUL_REASON)


def test_may_hold_nul_reads_the_plain_content_only(tmp_path: Path) -> None:
    path, _ = big_export(tmp_path)
    clean = tmp_path / "clean.csv"
    clean.write_bytes(path.read_bytes().replace(b"\x00", b" "))
    escaped = tmp_path / "e.json"
    escaped.write_text('[{"a": "x\\u0000y", "b": "1"}]')
    for p, expected in [(path, True), (clean, False), (escaped, True)]:
        assert sources.may_hold_nul(sources.inspect(p), p) is expected, p
    gz = tmp_path / "clean.csv.gz"
    gz.write_bytes(gzip.compress(clean.read_bytes()))
    assert sources.may_hold_nul(sources.inspect(gz), gz) is True  # not decompressed to look


def test_a_nul_early_in_the_records_is_quarantined_in_the_header_refused(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Where the NUL lies does not matter for a record; a header with one, or a head full of
    them, is a binary file."""
    path = rewritten(tmp_path, "servicenow_incidents.csv", {"short_description": "x\x00y"})
    assert path.read_bytes().index(b"\x00") < 400
    r = load(con, "incidents", path)
    assert [(q.line, q.column, q.value) for q in quarantined(con).rows if q.line == 2] == [
        (2, "short_description", "x␀y")
    ]
    assert r.rows_loaded > 0
    tiny = tmp_path / "tiny.csv"
    tiny.write_bytes(b"number,opened_at,priority,state\nINC1,2026-01-01,3,N\x00ew\n")
    r = load_file(con, "incidents", tiny, timezone="UTC", max_quarantined=100)
    assert (r.rows_read, r.rows_quarantined) == (1, 1)
    from slm_analysis.errors import InputError

    header = tmp_path / "header.csv"
    header.write_bytes(b"number,opened\x00_at,priority,state\nINC1,2026-01-01,3,New\n")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"number,opened_at,priority,state\n" + b"\x00\x01\x02" * 100)
    for p in (header, binary):
        with pytest.raises(InputError, match="is a binary file, not a CSV export"):
            load_file(con, "incidents", p)
