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
def export(draw: st.DrawFn) -> tuple[str, str, bytes]:
    kind, name = draw(st.sampled_from(KINDS))
    fmt = FORMATS[name]
    header = [
        n for c in fmt.columns for n in ([c] if draw(st.booleans()) or c in fmt.required else [])
    ]
    header += list(fmt.signature)
    header = list(dict.fromkeys(header))
    rows = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)), max_size=8))
    style = draw(st.sampled_from(["csv", "json-lines", "records"]))
    if style == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows(rows)
        text = buf.getvalue()
    elif style == "json-lines":
        text = "\n".join(json.dumps(dict(zip(header, r, strict=True))) for r in rows) or "{}"
    else:
        text = json.dumps({"records": [dict(zip(header, r, strict=True)) for r in rows]})
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # damage the file: cut it, or add stray bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=6))
    return kind, name, data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=export())
def test_importers_never_crash(case: tuple[str, str, bytes]) -> None:
    kind, _, data = case
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
