"""Malformed input never crashes an importer: each file loads (bad rows quarantined) or is
rejected with an InputError (or a QuarantineLimitError when most rows are bad) naming the file,
a rejected file leaves the warehouse as it was, and no key is ever stored twice."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from slm_analysis import warehouse
from slm_analysis.errors import InputError, QuarantineLimitError
from slm_analysis.importers import FORMATS, load_file

FIX = Path(__file__).parent.parent / "fixtures"
KINDS = sorted({(f.kind, f.name) for f in FORMATS.values()})
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "?",
            "-100",
            "2026-02-30 10:00:00",
            "29/2/2016 01:23",
            "1 - Critical",
            "9 - Odd",
            "2026-10-05T14:23:00Z",
            "true",
            "up",
            "Planned Outage",
            "maintenance",
            '"',
            "a,b",
            "\n",
            "\x00",
            "ü",
            "1e309",
            "-5",
        ]
    ),
)


@st.composite
def table(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    """A kind, and a header (some of a format's columns) with rows of awkward cells."""
    kind, name = draw(st.sampled_from(KINDS))
    fmt = FORMATS[name]
    header = [
        n for c in fmt.columns for n in ([c] if draw(st.booleans()) or c in fmt.required else [])
    ]
    header += list(fmt.signature)
    header = list(dict.fromkeys(header))
    rows = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)), max_size=8))
    return kind, header, rows


def write_csv(lines: list[list[str]], ends: list[str]) -> str:
    """CSV text, line i ending in ends[i]; a cell with a CR or LF in it is quoted."""
    out = []
    for cells, end in zip(lines, ends, strict=True):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(cells)  # quotes cells with CR or LF
        out.append(buf.getvalue().removesuffix("\r\n") + end)
    return "".join(out)


NEWLINES = ["\n", "\r\n", "\r"]


@st.composite
def export(draw: st.DrawFn) -> tuple[str, bytes]:
    kind, header, rows = draw(table())
    style = draw(st.sampled_from(["csv", "json-lines", "records"]))
    if style == "csv":  # lines that end in LF, CRLF or CR, or (rarely) a mixture
        newline = draw(st.sampled_from([*NEWLINES, "mixed"]))
        ends = [
            draw(st.sampled_from(NEWLINES)) if newline == "mixed" else newline
            for _ in range(len(rows) + 1)
        ]
        text = write_csv([header, *rows], ends)
    elif style == "json-lines":
        text = "\n".join(json.dumps(dict(zip(header, r, strict=True))) for r in rows) or "{}"
    else:
        text = json.dumps({"records": [dict(zip(header, r, strict=True)) for r in rows]})
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # damage the file: cut it, or add stray bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=6))
    return kind, data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=export())
def test_importers_never_crash(case: tuple[str, bytes]) -> None:
    kind, data = case
    con = warehouse.connect(":memory:")
    load_file(con, "incidents", FIX / "servicenow_incidents_labels.csv")
    tables = list(warehouse.TABLES)
    before = {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "export.csv"
        path.write_bytes(data)
        try:
            result = load_file(con, kind, path, timezone="Europe/London")
        except (InputError, QuarantineLimitError) as exc:  # unreadable, or mostly invalid
            assert str(path) in str(exc)
            after = {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}
            assert after == before
        else:
            assert 0 <= result.rows_quarantined <= result.rows_read
    for table, key in warehouse.KEYS.items():  # no key index: the loader keeps keys unique
        repeated = con.execute(
            f"select count(*) from (select 1 from {table} group by {', '.join(key)} "
            "having count(*) > 1)"
        ).fetchall()
        assert repeated == [(0,)], table
    con.close()


def _load(path: Path, kind: str) -> tuple[dict[str, list[tuple[object, ...]]], type | None]:
    """The tables after loading ``path`` into a fresh warehouse (the quarantine without the
    load's path), or the type of the error that refused it."""
    con = warehouse.connect(":memory:")
    try:
        load_file(con, kind, path, timezone="Europe/London")
    except (InputError, QuarantineLimitError) as exc:
        con.close()
        return {}, type(exc)
    tables = {
        t: con.execute(
            f"select * exclude ({'load_id, path' if t == 'quarantine' else 'load_id'}) "
            f"from {t} order by all"
        ).fetchall()
        for t in warehouse.TABLES
        if t != "load_log"
    }
    con.close()
    return tables, None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=table(), newline=st.sampled_from(["\r\n", "\r"]))
def test_crlf_and_cr_exports_load_like_their_lf_twin(
    case: tuple[str, list[str], list[list[str]]], newline: str
) -> None:
    """A CSV file whose lines all end in CRLF (CR) loads exactly as the same file converted to
    LF line endings (dos2unix, mac2unix: every CRLF (CR) becomes LF, inside quoted values too)
    does — or both are refused."""
    kind, header, rows = case
    data = write_csv([header, *rows], [newline] * (len(rows) + 1)).encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory() as d:
        path, twin = Path(d) / "export.csv", Path(d) / "export-lf.csv"
        path.write_bytes(data)
        twin.write_bytes(data.replace(newline.encode(), b"\n"))
        assert _load(path, kind) == _load(twin, kind)
