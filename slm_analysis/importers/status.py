"""What is loaded: rows per table, every load, and the quarantined records with their reasons."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import duckdb

from ..defaults import QUARANTINE_LIMIT
from ..warehouse import records, scalar, sql
from .formats import FORMATS


def status(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Rows per table and source, time ranges and quarantine counts, every load (newest first)
    with its rows read, loaded, quarantined and unmapped and its wall-clock seconds, and the
    rows in the quarantine now (each file's latest load)."""
    tables = records(
        con,
        "status_tables",
        {
            "format_names": list(FORMATS),
            "format_tables": [f.table for f in FORMATS.values()],
            "format_sources": [f.source for f in FORMATS.values()],
        },
    )
    return {
        "tables": tables,
        "loads": records(con, "status_loads"),
        "quarantined": int(scalar(con, "select count(*) from quarantine")),
    }


@dataclass(frozen=True)
class QuarantinedRow:
    """One record a load rejected: where it is, what was found, why."""

    load_id: int
    kind: str
    path: str  # the file as given to `slm load`
    line: int | None  # the header is line 1
    column: str | None  # as the file names it
    value: str | None
    reason: str


@dataclass(frozen=True)
class Quarantine:
    """Quarantined records, newest load first and in file order, maybe cut at a limit."""

    rows: list[QuarantinedRow]
    total: int  # records that match, listed or not
    per_load: dict[int, int] = field(default_factory=dict)  # records that match, per load
    filters: str = ""  # e.g. "load 7", for the message when nothing matches

    @property
    def more(self) -> int:
        """Matching records not listed."""
        return self.total - len(self.rows)

    def text(self) -> str:
        """The listing for a terminal: one heading per load, one line per record."""
        if not self.total:
            return f"no quarantined rows{' for ' + self.filters if self.filters else ''}"
        lines: list[str] = []
        for load_id in dict.fromkeys(r.load_id for r in self.rows):
            rows = [r for r in self.rows if r.load_id == load_id]
            n = self.per_load[load_id]
            lines.append(
                f"load {load_id}, {rows[0].path} ({rows[0].kind}): "
                f"{n} row{'' if n == 1 else 's'} quarantined"
            )
            cells = [
                (
                    "line ?" if r.line is None else f"line {r.line}",
                    r.column or "",
                    "(empty)" if r.value is None else json.dumps(r.value, ensure_ascii=False),
                    r.reason,
                )
                for r in rows
            ]
            widths = [max(len(c[i]) for c in cells) for i in range(3)]
            for line, column, value, reason in cells:
                lines.append(
                    f"  {line:<{widths[0]}}  {column:<{widths[1]}}  {value:<{widths[2]}}  {reason}"
                )
        if self.more:
            lines.append(
                f"… and {self.more} more (of {self.total}); --limit 0 lists them all, --json "
                "gives them to a script"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``slm quarantine --json``."""
        return {
            "total": self.total,
            "shown": len(self.rows),
            "rows": [
                {
                    "load_id": r.load_id,
                    "kind": r.kind,
                    "file": r.path,
                    "line": r.line,
                    "column": r.column,
                    "value": r.value,
                    "reason": r.reason,
                }
                for r in self.rows
            ],
        }


def quarantined(
    con: duckdb.DuckDBPyConnection,
    *,
    load_id: int | None = None,
    file: str | None = None,
    limit: int | None = QUARANTINE_LIMIT,
) -> Quarantine:
    """The quarantined records (each file's latest load keeps its own), newest load first:
    all, or those of one load, or of one file (its path as loaded, or just its name); at most
    ``limit`` (None or 0: all)."""
    found = con.execute(
        sql("quarantine_rows"), {"load_id": load_id, "file": file, "limit": limit or None}
    ).fetchall()
    rows = [QuarantinedRow(*r[:7]) for r in found]
    filters = " and ".join(
        text
        for text in (
            f"load {load_id}" if load_id is not None else "",
            f"file {file}" if file is not None else "",
        )
        if text
    )
    return Quarantine(
        rows,
        total=int(found[0][7]) if found else 0,
        per_load={int(r[0]): int(r[8]) for r in found},
        filters=filters,
    )
