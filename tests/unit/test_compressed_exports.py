"""Compressed exports: gzip and single-file zip recognised by content and read as the file
inside; everything else in an archive is refused with one message saying what to do."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from slm_analysis import warehouse
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.errors import InputError
from slm_analysis.importers import LoadResult, load_file
from slm_analysis.importers.mapping import load_mapping
from slm_analysis.warehouse import TABLES

FIX = Path(__file__).parent.parent / "fixtures"
CATALOGUE = parse_catalogue("""
customers: [{id: acme, name: Acme}]
services: [{id: email, name: Email}, {id: webshop, name: Web Shop}]
mapping:
  - {match: {company: Acme Retail Ltd, business_service: Email}, customer: acme, service: email}
  - {match: {company: Acme Retail Ltd, business_service: Web Shop}, customer: acme, service: webshop}
""")


def contents(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every table as loaded, without what names the load (its id, the file's path)."""
    out = {}
    for t in TABLES:
        if t == "load_log":
            continue
        drop = "load_id, path" if t == "quarantine" else "load_id"
        out[t] = con.execute(f"select * exclude ({drop}) from {t} order by all").df()
    return out


def load_alone(
    path: Path, mapping: Path | None = None
) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str]], LoadResult]:
    """Load one file into a fresh warehouse: its tables, its load log (path, sha256), result."""
    con = warehouse.connect(":memory:")
    m = load_mapping(mapping) if mapping else None
    r = load_file(con, "incidents", path, catalogue=CATALOGUE, timezone="Europe/London", mapping=m)
    tables, log = contents(con), con.execute("select path, sha256 from load_log").fetchall()
    con.close()
    return tables, log, r


@pytest.mark.parametrize("name", ["servicenow_incidents.csv.gz", "servicenow_incidents.zip"])
def test_gzip_and_zip_load_like_the_plain_file(name: str) -> None:
    plain, _, _ = load_alone(FIX / "servicenow_incidents.csv")
    packed, log, r = load_alone(FIX / name)
    for t, df in plain.items():
        pd.testing.assert_frame_equal(packed[t], df, obj=t)
    assert len(plain["incidents"]) == 3 and len(plain["quarantine"]) == 3
    # the load log and the quarantine name the user's file, with its own sha256
    sha = hashlib.sha256((FIX / name).read_bytes()).hexdigest()
    assert log == [(str(FIX / name), sha)]
    assert (r.path, r.rows_read, r.rows_loaded, r.rows_quarantined) == (str(FIX / name), 6, 3, 3)


def test_compression_is_recognised_by_content_not_by_name(tmp_path: Path) -> None:
    plain, _, _ = load_alone(FIX / "servicenow_incidents.csv")
    for fixture, disguise in [
        ("servicenow_incidents.csv.gz", "export.csv"),
        ("servicenow_incidents.zip", "export.dat"),
    ]:
        shutil.copy(FIX / fixture, tmp_path / disguise)
        packed, _, _ = load_alone(tmp_path / disguise)
        for t, df in plain.items():
            pd.testing.assert_frame_equal(packed[t], df, obj=t)
    # and a plain file named .gz is read as the plain file it is
    shutil.copy(FIX / "servicenow_incidents.csv", tmp_path / "plain.csv.gz")
    named, _, _ = load_alone(tmp_path / "plain.csv.gz")
    pd.testing.assert_frame_equal(named["incidents"], plain["incidents"])


def test_json_in_gzip_and_parquet_in_zip(tmp_path: Path) -> None:
    json_plain, _, _ = load_alone(FIX / "servicenow_incidents.json")
    gz = tmp_path / "incidents.json.gz"
    gz.write_bytes(gzip.compress((FIX / "servicenow_incidents.json").read_bytes(), mtime=0))
    json_packed, _, _ = load_alone(gz)
    for t, df in json_plain.items():
        pd.testing.assert_frame_equal(json_packed[t], df, obj=t)
    assert len(json_plain["incidents"]) == 2

    pq = tmp_path / "tickets.parquet"
    duckdb.execute(
        f"copy (select * from read_csv('{FIX / 'generic_tickets.tsv'}', all_varchar = true)) "
        f"to '{pq}' (format parquet)"
    )
    zipped = tmp_path / "tickets.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.write(pq, "export/tickets.parquet")
    mapping = FIX / "generic_tickets.mapping.yaml"
    pq_plain, _, _ = load_alone(pq, mapping)
    pq_packed, _, _ = load_alone(zipped, mapping)
    for t, df in pq_plain.items():
        pd.testing.assert_frame_equal(pq_packed[t], df, obj=t)
    assert len(pq_plain["incidents"]) == 2 and len(pq_plain["quarantine"]) == 1


def test_unpacked_copies_are_deleted(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    load_file(con, "incidents", FIX / "servicenow_incidents.zip", timezone="UTC")
    with pytest.raises(InputError):  # a failed load cleans up too
        load_file(con, "incidents", FIX / "servicenow_incidents.zip", format="jira-all-fields")
    truncated = tmp_path / "cut.zip"
    with zipfile.ZipFile(truncated, "w") as z:
        z.writestr("incidents.json", '{"records": [{"number": "INC1", "opened_at": ')
    with pytest.raises(InputError, match="cannot be read as a JSON"):
        load_file(con, "incidents", truncated)
    assert list(scratch.iterdir()) == []


def _tar(member: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("incidents.csv")
        info.size = len(member)
        t.addfile(info, io.BytesIO(member))
    return buf.getvalue()


def _zip(**members: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


CSV = (FIX / "servicenow_incidents.csv").read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            _zip(**{"a.csv": CSV, "b.csv": CSV, "c/": b""}),
            "the zip archive holds 2 files (a.csv, b.csv); unzip it and load the member you "
            "want (`unzip export.bin <member>`), or zip one export per archive",
        ),
        (_zip(), "the zip archive is empty; zip the export file itself"),
        (
            _zip(**{"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}),
            "is an Excel workbook; save the sheet as CSV UTF-8 and load that",
        ),
        (
            _tar(CSV),
            "is a tar archive; extract it (`tar -xf export.bin`) and load the file you want",
        ),
        (
            gzip.compress(_tar(CSV), mtime=0),
            "is a tar archive inside the gzip file; extract it (`tar -xf export.bin`) and load "
            "the file you want",
        ),
        (
            bz2.compress(CSV),
            "is a bzip2-compressed file, which slm does not read; decompress it (`bunzip2 -k "
            "export.bin`) and load the file inside (or recompress it with gzip or zip, which "
            "slm reads)",
        ),
        (
            lzma.compress(CSV),
            "is an xz-compressed file, which slm does not read; decompress it (`unxz -k "
            "export.bin`) and load the file inside (or recompress it with gzip or zip, which "
            "slm reads)",
        ),
        (
            b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(40),
            "is a 7-Zip archive, which slm does not read; extract it (`7z x export.bin`) and "
            "load the file inside (or recompress it with gzip or zip, which slm reads)",
        ),
        (
            b"Rar!\x1a\x07\x01\x00" + bytes(40),
            "is a RAR archive, which slm does not read; extract it (`unrar x export.bin`) and "
            "load the file inside (or recompress it with gzip or zip, which slm reads)",
        ),
        (
            _zip(**{"inner.csv.gz": gzip.compress(CSV, mtime=0)}),
            "holds another compressed file inside the zip file; decompress it and load the "
            "file inside",
        ),
        (
            gzip.compress(CSV, mtime=0)[:40],
            "cannot be decompressed (Compressed file ended before the end-of-stream marker was "
            "reached); the file is damaged or cut short; download or export it again",
        ),
        (
            gzip.compress(b"", mtime=0),
            "the file is empty; export again with the column header row",
        ),
    ],
    ids=[
        *("zip-of-2", "zip-empty", "xlsx", "tar", "tar-gz", "bz2", "xz", "7z", "rar"),
        *("zip-of-gz", "gz-cut", "gz-empty"),
    ],
)
def test_other_archives_are_refused_saying_what_to_do(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, content: bytes, message: str
) -> None:
    load_file(con, "incidents", FIX / "servicenow_incidents.csv", timezone="UTC")
    before = contents(con)
    path = tmp_path / "export.bin"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_file(con, "incidents", path, timezone="UTC")
    assert str(info.value) == f"{path}: {message}"
    after = contents(con)
    for t, df in before.items():
        pd.testing.assert_frame_equal(after[t], df, obj=t)


def test_a_gzip_export_cut_short_past_its_header_is_rejected_whole(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lines = ["number,opened_at,priority,state,short_description"]
    lines += [
        f"INC{i:07d},2026-01-01 10:00:00,3,New,{hashlib.md5(bytes(i)).hexdigest()}"
        for i in range(20000)
    ]
    data = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    path = tmp_path / "incidents.csv.gz"
    path.write_bytes(data[: len(data) * 4 // 5])  # the header decompresses; the end is missing
    with pytest.raises(InputError) as info:
        load_file(con, "incidents", path, timezone="UTC")
    assert str(info.value) == (
        f"{path}: cannot be read as a gzip-compressed servicenow-incidents CSV file: IO Error: "
        f"Unexpected end of GZIP stream: {path}; fix or re-export the file (a truncated or "
        "hand-edited export often causes this)"
    )
    assert con.execute("select count(*) from incidents").fetchall() == [(0,)]
