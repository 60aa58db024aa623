"""How ``slm`` prints what a command found, defined once for every command that prints tables.

``--format table`` (the default) draws rich tables for people: on a terminal as wide as the
terminal allows (a cell too long wraps onto the next line, never cut with "…"); piped or
redirected, each table is exactly as wide as its content, so no id is ever cut.

``--format tsv`` and ``--format csv`` are for scripts and spreadsheets: per table, a header row
of field names, then one row per record with raw machine values — numbers as measured (full
precision), instants in ISO 8601 with their offset, durations in seconds, true/false, empty for
none, a list as its items joined by ``; ``. A unit is in the field's name (``seconds``,
``elapsed_s``, ``service_minutes``, ``agreement_pct``) or, where rows differ in unit, in the
record's ``unit`` field. A command with two tables prints two blocks separated by one empty
line. No titles and no notes: only data on standard output. CSV quotes as RFC 4180 does; TSV
quotes nothing and escapes a tab, line break or backslash inside a value as ``\\t``, ``\\n``,
``\\\\`` (linear TSV).

``--format json`` prints the command's JSON document (``--json`` is an alias).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import click

FORMATS = ("table", "tsv", "csv", "json")


@dataclass(frozen=True)
class Column:
    """A column of a table for people: its header, and whether it holds numbers (aligned
    right)."""

    header: str
    right: bool = False


@dataclass(frozen=True)
class Grid:
    """One table of a command's output: the text cells people read and the records scripts
    read (``fields`` is the header row of TSV/CSV, in order; a record may lack a field)."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    fields: Sequence[str]
    records: Sequence[Mapping[str, Any]]
    notes: Sequence[str] = field(default_factory=tuple)  # lines after the table (table only)


def columns(*headers: str, right: Sequence[str] = ()) -> list[Column]:
    """Columns from their headers; those named in ``right`` hold numbers."""
    return [Column(h, h in right) for h in headers]


def format_options(f: Callable[..., None]) -> Callable[..., None]:
    """``--format table|tsv|csv|json`` and ``--json`` (its alias for ``--format json``); the
    command receives ``fmt``. Giving ``--json`` with another format is a usage error."""

    @functools.wraps(f)
    def command(*args: Any, fmt: str | None, as_json: bool, **kwargs: Any) -> None:
        if as_json and fmt not in (None, "json"):
            raise click.UsageError(f"--json is --format json; it cannot go with --format {fmt}")
        f(*args, fmt="json" if as_json else fmt or "table", **kwargs)

    command = click.option(
        "--json", "as_json", is_flag=True, help="Print JSON (the same as --format json)."
    )(command)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default=None,
        help="table for people [default]; tsv or csv (a header row, raw values, units in the "
        "field names) or json for scripts.",
    )(command)


def emit(fmt: str, grids: Sequence[Grid], document: Any) -> None:
    """Print a command's output: its ``document`` as JSON, its grids' records as TSV/CSV or
    its grids as tables."""
    if fmt == "json":
        click.echo(dumps(document))
    elif fmt in ("tsv", "csv"):
        click.echo(delimited(grids, "\t" if fmt == "tsv" else ","), nl=False)
    else:
        for grid in grids:
            print_table(grid)


def print_table(grid: Grid) -> None:
    """A grid as a rich table with its notes after it."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=grid.title)
    for c in grid.columns:
        table.add_column(c.header, justify="right" if c.right else "left", overflow="fold")
    for row in grid.rows:
        table.add_row(*row)

    class Piped(Console):
        def on_broken_pipe(self) -> None:  # rich exits 1; slm's group decides (exit 0)
            raise BrokenPipeError

    console = Piped(width=None if sys.stdout.isatty() else natural_width(table))
    console.print(table)
    for note in grid.notes:
        click.echo(note)


def natural_width(table: Any) -> int:
    """The width a rich table takes with no cell wrapped: its widest row, borders included
    (a title wider than that wraps over the table)."""
    from rich.console import Console

    return int(Console(width=1_000_000).measure(table).maximum)


def delimited(grids: Sequence[Grid], delimiter: str) -> str:
    """The grids' records as delimited text: per grid a header row and its records, one empty
    line between grids."""
    blocks = []
    for grid in grids:
        rows = [grid.fields, *([raw(r.get(name)) for name in grid.fields] for r in grid.records)]
        if delimiter == "\t":
            blocks.append("".join("\t".join(map(tsv_escape, row)) + "\n" for row in rows))
            continue
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        blocks.append(out.getvalue())
    return "\n".join(blocks)


def tsv_escape(cell: str) -> str:
    """A TSV cell as linear TSV writes it: backslash, tab, line feed and carriage return
    escaped as ``\\``, ``\\t``, ``\\n``, ``\\r``; nothing quoted."""
    return cell.translate(_TSV_ESCAPES)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def raw(v: Any) -> str:
    """A value as a TSV/CSV cell: empty for None or NaN, true/false, ISO 8601 instants, full
    precision numbers, a list of plain values joined by ``; ``, anything nested as JSON."""
    v = clean(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime | date):
        return v.isoformat()
    if hasattr(v, "tolist"):  # numpy scalars and arrays
        return raw(v.tolist())
    if isinstance(v, list | tuple) and all(not isinstance(x, list | tuple | dict) for x in v):
        return "; ".join(raw(x) for x in v)
    if isinstance(v, list | tuple | dict):
        return json.dumps(v, default=_json, allow_nan=False, ensure_ascii=False)
    return str(v)


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON record with its nested mappings spread into ``parent_child`` fields."""
    out: dict[str, Any] = {}
    for k, v in record.items():
        if isinstance(v, Mapping):
            out.update(flatten(v, f"{prefix}{k}_"))
        else:
            out[f"{prefix}{k}"] = v
    return out


def clean(v: Any) -> Any:
    """None for a float NaN, else the value."""
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def dumps(value: Any) -> str:
    """JSON for scripts: strict (a NaN is an error here, never an invalid `NaN` token)."""
    return json.dumps(value, indent=2, default=_json, allow_nan=False)


def _json(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if hasattr(v, "tolist"):  # numpy scalars and arrays
        return v.tolist()
    return str(v)
