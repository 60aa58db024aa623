"""Line endings: a CSV export whose lines end in CRLF (Windows, Excel) or CR (old Macs) loads
exactly like the same file with LF line endings, for every importer, compressed or not; a file
whose lines end in more than one way is refused with a message saying how to fix it."""

from __future__ import annotations

import gzip
import io
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_compressed_exports import contents  # every table as loaded, without load ids/paths

from slm_analysis import warehouse
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.errors import InputError
from slm_analysis.importers import LoadResult, load, load_file, sources
from slm_analysis.importers.mapping import load_mapping

FIX = Path(__file__).parent.parent / "fixtures"
CATALOGUE = parse_catalogue("""
customers: [{id: acme, name: Acme}]
services: [{id: email, name: Email}, {id: webshop, name: Web Shop}]
mapping:
  - {match: {company: Acme Retail Ltd, business_service: Email}, customer: acme, service: email}
  - {match: {company: Acme Retail Ltd, business_service: Web Shop}, customer: acme, service: webshop}
  - {match: {cmdb_ci: EXCH-CLUSTER-01}, customer: acme, service: email}
  - {match: {cmdb_ci: SHOP-WEB-PROD}, customer: acme, service: webshop}
""")

# one LF fixture per importer family: kind, file, mapping
FAMILIES = [
    ("incidents", "servicenow_incidents.csv", None),  # ServiceNow list export
    ("incidents", "servicenow_event_log_slice.csv", None),  # ServiceNow event log
    ("incidents", "servicenow_state_metrics.csv", None),  # ServiceNow state metrics
    ("incidents", "jira_all_fields.csv", None),  # Jira all fields, with a BOM
    ("incidents", "jira_all_fields_es.csv", None),  # Jira in Spanish, `;` separators
    ("incidents", "generic_tickets.tsv", "generic_tickets.mapping.yaml"),  # mapping, TSV
    ("incidents", "process_log.csv", "process_log.mapping.yaml"),  # mapping, event-log mode
    ("outages", "servicenow_outages.csv", None),  # ServiceNow outages
    ("outages", "github_status_downtime_slice.csv", None),  # status-page windows
    ("checks", "uptime_kuma_important_heartbeats.csv", None),  # uptime checks
    ("surveys", "survey_responses.csv", None),  # survey responses
    ("maintenance", "servicenow_changes.csv", None),  # ServiceNow changes
    ("actions", "improvement_actions.csv", None),  # action register
]


def outside_quotes(data: bytes, newline: bytes) -> bytes:
    """``data`` (LF line endings) with each line end outside quoted values replaced by
    ``newline``: what Excel writes (a cell's own line breaks stay LF)."""
    parts = data.split(b'"')
    return b'"'.join(p.replace(b"\n", newline) if i % 2 == 0 else p for i, p in enumerate(parts))


VARIANTS = {
    # unix2dos / unix2mac: every LF becomes CRLF (CR), inside quoted values too
    "crlf": lambda d: d.replace(b"\n", b"\r\n"),
    "cr": lambda d: d.replace(b"\n", b"\r"),
    # Excel: the lines end in CRLF (CR), a cell's line breaks stay LF
    "crlf-excel": lambda d: outside_quotes(d, b"\r\n"),
    "cr-excel": lambda d: outside_quotes(d, b"\r"),
    # compressed: DuckDB reads gzip as it streams; a zip member is unpacked first
    "crlf.gz": lambda d: gzip.compress(d.replace(b"\n", b"\r\n"), mtime=0),
    "cr.zip": lambda d: _zip(d.replace(b"\n", b"\r")),
}


def _zip(member: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("export.csv", member)
    return buf.getvalue()


def load_alone(
    kind: str, path: Path, mapping: str | None
) -> tuple[dict[str, pd.DataFrame], LoadResult]:
    con = warehouse.connect(":memory:")
    m = load_mapping(FIX / mapping) if mapping else None
    r = load_file(con, kind, path, catalogue=CATALOGUE, timezone="Europe/London", mapping=m)
    tables = contents(con)
    con.close()
    return tables, r


@cache
def lf_load(
    kind: str, name: str, mapping: str | None
) -> tuple[dict[str, pd.DataFrame], LoadResult]:
    return load_alone(kind, FIX / name, mapping)


def counts(r: LoadResult) -> tuple[str, int, int, int, int]:
    return (r.format, r.rows_read, r.rows_loaded, r.rows_quarantined, r.rows_unmapped)


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize(("kind", "name", "mapping"), FAMILIES, ids=[f[1] for f in FAMILIES])
def test_every_importer_loads_crlf_and_cr_files_like_lf(
    tmp_path: Path, kind: str, name: str, mapping: str | None, variant: str
) -> None:
    plain, expected = lf_load(kind, name, mapping)
    assert expected.rows_loaded > 0
    path = tmp_path / f"export-{variant}"
    path.write_bytes(VARIANTS[variant]((FIX / name).read_bytes()))
    tables, r = load_alone(kind, path, mapping)
    for t, df in plain.items():
        pd.testing.assert_frame_equal(tables[t], df, obj=t)
    assert counts(r) == counts(expected)
    assert r.warnings == [w.replace(str(FIX / name), str(path)) for w in expected.warnings]


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize(
    ("kind", "name"),
    [("checks", "uptime_checks.jsonl"), ("incidents", "servicenow_incidents.json")],
)
def test_json_exports_with_other_line_endings_load_alike(
    tmp_path: Path, kind: str, name: str, newline: bytes
) -> None:
    """JSON needs nothing: CR and LF are both whitespace between its values."""
    plain, expected = lf_load(kind, name, None)
    path = tmp_path / name
    path.write_bytes((FIX / name).read_bytes().replace(b"\n", newline))
    tables, r = load_alone(kind, path, None)
    for t, df in plain.items():
        pd.testing.assert_frame_equal(tables[t], df, obj=t)
    assert counts(r) == counts(expected) and expected.rows_loaded > 0


def test_line_breaks_in_quoted_values_and_quarantine_lines(tmp_path: Path) -> None:
    """The fixtures' quoted values hold line breaks: read as LF whatever the file's line ends,
    and a rejected row after one keeps its line (the record number plus one)."""
    path = tmp_path / "outages.csv"
    path.write_bytes((FIX / "servicenow_outages.csv").read_bytes().replace(b"\n", b"\r\n"))
    con = warehouse.connect(":memory:")
    r = load_file(con, "outages", path, catalogue=CATALOGUE, timezone="UTC")
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (4, 3, 1)
    titles = con.execute("select outage_id, title from outages order by 1").fetchall()
    assert titles[0] == ("OUT0001001", "Mail down:\nthe Exchange cluster failed over twice")
    assert titles[1] == ("OUT0001002", "Checkout slow, payments queued")
    q = con.execute("select path, line, column_name, value, reason from quarantine").fetchall()
    assert q == [
        (str(path), 5, "end", "2026-03-09 11:00:00", "outage ends before it begins"),
    ]


def _export(newlines: list[bytes]) -> bytes:
    """An incident export of len(newlines) - 1 rows, line i ending in newlines[i - 1]."""
    lines = [b"number,opened_at,priority,state,short_description"] + [
        b"INC%07d,2026-03-02 09:15:00,3 - Moderate,New,Row %d" % (i, i)
        for i in range(1, len(newlines))
    ]
    return b"".join(line + end for line, end in zip(lines, newlines, strict=True))


def _refused(tmp_path: Path, name: str, data: bytes) -> tuple[Path, str]:
    """Load ``data`` as ``name`` into a warehouse holding a fixture: the message of the
    InputError it fails with, the warehouse checked unchanged."""
    con = warehouse.connect(":memory:")
    load_file(con, "incidents", FIX / "servicenow_incidents.csv", catalogue=CATALOGUE)
    before = contents(con)
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        load_file(con, "incidents", path, timezone="UTC")
    after = contents(con)
    for t, df in before.items():
        pd.testing.assert_frame_equal(after[t], df, obj=t)
    con.close()
    return path, str(info.value)


DOS2UNIX = "Convert it — `dos2unix export.csv` makes every line end in LF — or export it again, then load it"
MAC = (
    "Convert it — `dos2unix export.csv` and then `mac2unix export.csv` make every line end in "
    "LF — or export it again, then load it"
)
SAME_WAY = (
    "a CSV file must end all its lines the same way (was it edited by hand, or joined from "
    "several exports?)."
)


@pytest.mark.parametrize(
    ("newlines", "found", "fix"),
    [
        (
            [b"\r\n"] * 3 + [b"\n"] + [b"\r\n"] * 2,
            "both CRLF (5 lines) and LF (1 line: line 4)",
            DOS2UNIX,
        ),
        (
            [b"\n"] * 4 + [b"\r\n"] * 3,
            "both LF (4 lines) and CRLF (3 lines, the first is line 5)",
            DOS2UNIX,
        ),
        ([b"\n", b"\r", b"\n", b"\n"], "both LF (3 lines) and CR (1 line: line 2)", MAC),
        ([b"\r"] * 4 + [b"\r\n"], "both CR (4 lines) and CRLF (1 line: line 5)", MAC),
        (
            [b"\r\n"] * 5 + [b"\n"] * 2 + [b"\r"],
            "CRLF (5 lines), LF (2 lines, the first is line 6) and CR (1 line: line 8)",
            MAC,
        ),
    ],
    ids=["crlf+lf", "lf+crlf", "lf+cr", "cr+crlf", "all-three"],
)
def test_mixed_line_endings_are_refused_saying_how_to_fix_them(
    tmp_path: Path, newlines: list[bytes], found: str, fix: str
) -> None:
    path, message = _refused(tmp_path, "export.csv", _export(newlines))
    assert message == f"{path}: lines end in {found}; {SAME_WAY} {fix}"


def test_windows_line_endings_added_twice_are_refused(tmp_path: Path) -> None:
    """CR CR LF: what `sed 's/$/\\r/'` (or a second unix2dos-like pass) makes of a CRLF file —
    such as the demo's exports, which Python's csv module writes with CRLF."""
    path, message = _refused(tmp_path, "export.csv", _export([b"\r\r\n"] * 4))
    assert message == (
        f"{path}: lines end in CR CR LF (4 lines): Windows line endings added to a file that had "
        "them already; export it again, or run `dos2unix export.csv` twice (every line then "
        "ends in LF), then load it"
    )


@pytest.mark.parametrize("name", ["export.csv", "export.csv.gz"])
def test_a_mixture_deep_in_a_large_file_is_found(tmp_path: Path, name: str) -> None:
    """Far past DuckDB's sniffing sample, and through gzip: the user's file is named, with the
    line of the odd line end."""
    ends = [b"\r\n"] * 150_001
    ends[123_456] = b"\n"  # line 123,457
    data = _export(ends)
    path, message = _refused(
        tmp_path, name, gzip.compress(data, mtime=0) if name.endswith(".gz") else data
    )
    assert message == (
        f"{path}: lines end in both CRLF (150,000 lines) and LF (1 line: line 123,457); "
        f"{SAME_WAY} Convert it — `dos2unix {name}` makes every line end in LF — or export it "
        "again, then load it"
    )


def test_a_uniform_file_that_fails_for_another_reason_keeps_the_reader_message(
    tmp_path: Path,
) -> None:
    data = (FIX / "servicenow_incidents.csv").read_bytes().replace(b"\n", b"\r\n")
    cut = data[: data.rindex(b",Initech")]  # the last row loses its trailing columns
    _, message = _refused(tmp_path, "cut.csv", cut)
    assert "cannot be read as a servicenow-incidents CSV file" in message
    assert "lines end in" not in message


# --------------------------------------------------------------------------- line_endings
def reference(data: bytes) -> dict[str, tuple[int, int]]:
    """line_endings, character by character."""
    found: dict[str, list[int]] = {}
    line, quoted, i = 1, False, 0
    while i < len(data):
        c = data[i : i + 1]
        if c == b'"':
            quoted = not quoted
        elif not quoted and c in (b"\r", b"\n"):
            kind, end = next(
                (k, e)
                for k, e in (
                    ("CR CR LF", b"\r\r\n"),
                    ("CRLF", b"\r\n"),
                    ("CR", b"\r"),
                    ("LF", b"\n"),
                )
                if data.startswith(e, i)
            )
            found.setdefault(kind, [0, line])[0] += 1
            line += 1
            i += len(end)
            continue
        i += 1
    return {
        k: (n, at) for k, (n, at) in sorted(found.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
    }


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(
        st.sampled_from([b"a", b",", b'"', b"\r", b"\n", b"\r\n", b"\r\r\n"]), max_size=40
    ),
    block=st.integers(1, 8),
)
def test_line_endings_match_a_character_by_character_count(
    data: list[bytes], block: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Whatever the block boundaries (a CR at the end of one block, its LF in the next; quotes
    open across blocks), the counts and first lines are those of a plain scan."""
    text = b"".join(data)
    path = tmp_path_factory.mktemp("ends") / "f.csv"
    path.write_bytes(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sources, "BLOCK", block)
        got = sources.line_endings(sources.Source(path, sources.CSV))
    want = reference(text)
    assert list(got.items()) == list(want.items())


def test_the_header_line_gives_the_newline(tmp_path: Path) -> None:
    for data, newline in [
        (b"a,b\n1,2\n", "\n"),
        (b"\xef\xbb\xbfa,b\r\n1,2\r\n", "\r\n"),
        (b"a,b\r1,2\r", "\r"),
        (b"a,b", "\n"),
    ]:
        path = tmp_path / "f.csv"
        path.write_bytes(data)
        assert sources.inspect(path).newline == newline, data
    path.write_bytes(b"a,b" + b"," * (sources.HEAD - 4) + b"\r\n1,2\r\n")  # CR ends the head
    assert sources.inspect(path).newline == "\r\n"


def test_an_lf_file_is_read_without_the_line_break_pass(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path: an LF file's records are read straight from read_csv (no per-value
    rewrite); a CRLF file's go through one."""
    created: list[str] = []
    create = load._Scratch.create

    def spy(self: load._Scratch, kind: str, name: str, *args: Any) -> None:
        created.append(name)
        create(self, kind, name, *args)

    monkeypatch.setattr(load._Scratch, "create", spy)
    load_file(con, "incidents", FIX / "servicenow_incidents.csv", timezone="UTC")
    assert "raw" in created and "raw_file" not in created
    created.clear()
    load_file(con, "incidents", FIX / "servicenow_incidents.csv.gz", timezone="UTC")
    assert "raw" in created and "raw_file" not in created
