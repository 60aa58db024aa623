"""cli_output: the cells of TSV/CSV, and tables on a terminal narrower than their content."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

import numpy as np
import pytest

from slm_analysis import cli_output
from slm_analysis.cli_output import Grid, columns, delimited, flatten, raw


def test_raw_values() -> None:
    assert [
        raw(None), raw(math.nan), raw(True), raw(False), raw(0), raw(99.91776315789474),
        raw(np.int64(7)), raw(np.float64(0.5)), raw(datetime(2026, 10, 20, 6, tzinfo=UTC)),
        raw(date(2026, 10, 1)), raw([]), raw(["calendar", "reopen"]), raw([{"a": 1}]),
        raw({"1h": 2.5}),
    ] == [
        "", "", "true", "false", "0", "99.91776315789474", "7", "0.5",
        "2026-10-20T06:00:00+00:00", "2026-10-01", "", "calendar; reopen", '[{"a": 1}]',
        '{"1h": 2.5}',
    ]  # fmt: skip


GRIDS = [
    Grid("t", columns("a", "b"), [], ["id", "text"],
         [{"id": "x", "text": 'says "hi", twice'}, {"id": "y", "text": "tab\there"},
          {"id": "z"}]),
    Grid("u", columns("n"), [], ["n"], []),
]  # fmt: skip


def test_csv_quotes_commas_and_quotes_and_blocks_are_apart() -> None:
    assert delimited(GRIDS, ",") == ('id,text\nx,"says ""hi"", twice"\ny,tab\there\nz,\n\nn\n')


def test_tsv_escapes_tabs_and_line_breaks_and_quotes_nothing() -> None:
    grids = [*GRIDS, Grid("v", [], [], ["path"], [{"path": "C:\\exports\nnew"}])]
    assert delimited(grids, "\t") == (
        'id\ttext\nx\tsays "hi", twice\ny\ttab\\there\nz\t\n\nn\n\npath\nC:\\\\exports\\nnew\n'
    )


def test_flatten() -> None:
    assert flatten({"id": "a", "b": {"c": 1, "d": {"e": None}}, "f": [1]}) == {
        "id": "a", "b_c": 1, "b_d_e": None, "f": [1],
    }  # fmt: skip


def test_a_narrow_terminal_folds_ids_and_never_cuts_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a 40-column terminal a 50-character id wraps onto a second line of its cell; read
    back cell by cell it is whole (rich's default would end it with "…")."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr(cli_output.sys.stdout, "isatty", lambda: True)
    ident = "customer-relationship-management-p1-resolution-eu"
    cli_output.print_table(
        Grid("", columns("target", "status"), [[ident, "Met"]], ["id", "status"], [])
    )
    lines = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out).splitlines()  # no styles
    assert max(len(line) for line in lines) == 40
    body = [line.split("│")[1].strip() for line in lines if line.startswith("│")]
    assert "".join(body) == ident
    assert "…" not in "".join(lines)
