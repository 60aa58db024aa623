"""The DuckDB warehouse: connect, declared schema and version, transactions, SQL files.

DuckDB allows one writing process per file. Connections are short-lived: open, do one job,
close — so an analyst's notebook never blocks a scheduled load for longer than a query. A
writer that finds the file locked retries until ``timeout`` and then stops with a clear message.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # pandas costs most of a second to import: `slm status` does without it
    import pandas as pd

from .defaults import YEARS
from .errors import WarehouseError, first_lines
from .paths import DEFAULT_DB, SQL_DIR, db_path

SCHEMA_VERSION = "8"
# in-place upgrades from an older schema version to the next (the statements, in sql/)
MIGRATIONS = {
    "2": "migrate_2_to_3",
    "3": "migrate_3_to_4",
    "4": "migrate_4_to_5",
    "5": "migrate_5_to_6",
    "6": "migrate_6_to_7",
    "7": "migrate_7_to_8",
}
TABLES = (
    "incidents",
    "incident_states",
    "outages",
    "downtime_days",
    "checks",
    "surveys",
    "maintenance_windows",
    "actions",
    "load_log",
    "quarantine",
)
# The key of each loaded table: one row per key, kept by the loader (importers.load._upsert)
# rather than by a PRIMARY KEY index, whose upkeep cost more than the rest of a 1M-row load.
KEYS: dict[str, tuple[str, ...]] = {
    "incidents": ("source", "number"),
    "incident_states": ("source", "number", "start_at", "state"),
    "outages": ("source", "outage_id"),
    "downtime_days": ("source", "component", "day"),
    "checks": ("source", "check_name", "checked_at"),
    "surveys": ("source", "response_id"),
    "maintenance_windows": ("source", "window_id"),
    "actions": ("source", "action_id"),
}


@cache
def sql(name: str) -> str:
    """The text of ``sql/<name>.sql`` shipped with the package."""
    path = SQL_DIR / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def quote_ident(name: str) -> str:
    """The one way an identifier enters SQL: double-quoted with quotes doubled."""
    return '"' + str(name).replace('"', '""') + '"'


def connect(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    timeout: float = 30.0,
    create: bool | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (``:memory:`` for tests), creating the schema when writable.

    A read-only connection to a file that does not exist is a ``WarehouseError`` telling how to
    create one. A locked file is retried for ``timeout`` seconds.
    """
    target = ":memory:" if str(path) == ":memory:" else str(db_path(path))
    if target != ":memory:":
        p = Path(target)
        if not p.exists():
            if read_only or create is False:
                raise WarehouseError(
                    f"warehouse {p} does not exist; load data first (`slm load ...`) or run "
                    "`slm demo`, or point --db / SLM_DB at an existing warehouse"
                )
            p.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(target, read_only=read_only and target != ":memory:")
            break
        except duckdb.IOException as exc:
            locked = (
                "could not set lock" in str(exc).lower() or "conflicting lock" in str(exc).lower()
            )
            if not locked:
                raise WarehouseError(
                    f"cannot open warehouse {target}: {first_lines(exc)}; if the file is not a "
                    "DuckDB database, move it away and rebuild with `slm load`"
                ) from None
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"warehouse {target} is in use by another process and stayed locked for "
                    f"{timeout:.0f} s ({first_lines(exc)}); wait for the other load to finish, "
                    "or close the notebook kernel holding a write connection"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        except duckdb.Error as exc:
            if "in-memory database in read-only mode" in str(exc):  # a data file, read-only
                raise _data_file(target) from None
            raise WarehouseError(
                f"cannot open warehouse {target}: {first_lines(exc)}; if the file is not a "
                "DuckDB database, move it away and rebuild with `slm load`"
            ) from None
    if target != ":memory:" and scalar(
        con, "select path is null from duckdb_databases() where database_name = current_database()"
    ):  # DuckDB opens an existing CSV, JSON or Parquet file as a view in an in-memory database
        con.close()
        raise _data_file(target)
    con.execute("set TimeZone = 'UTC'")
    # DuckDB draws a progress bar on standard output for a query that runs over 2 s: it would
    # end up in piped CLI output (JSON included). In a Jupyter kernel without ipywidgets it is
    # off already, and changing the setting there is an error.
    if scalar(con, "select current_setting('enable_progress_bar')"):
        con.execute("set enable_progress_bar = false")
    # the default, relied on: a load's staged rows keep file order, which gives their lines
    con.execute("set preserve_insertion_order = true")
    if not read_only or target == ":memory:":
        ensure_schema(con)
    elif _version(con) in MIGRATIONS:  # an older warehouse: upgrade it in place once
        con.close()
        connect(target, timeout=timeout).close()
        return connect(target, read_only=True, timeout=timeout)
    else:
        _check_version(con, target)
    return con


@contextmanager
def session(
    path: str | Path | None = None, *, read_only: bool = False, timeout: float = 30.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection, closed on exit."""
    con = connect(path, read_only=read_only, timeout=timeout)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing: commit on success, roll back on any exception (Ctrl-C included)."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the declared tables when missing and record the schema version."""
    version = _version(con)
    if version is not None:
        while version in MIGRATIONS:
            with transaction(con):
                run_script(con, sql(MIGRATIONS[version]), years=list(YEARS), **plausible())
                version = str(int(version) + 1)
                con.execute(
                    "update meta set value = $v where key = 'schema_version'", {"v": version}
                )
        if version != SCHEMA_VERSION:
            raise WarehouseError(
                f"warehouse schema version {version} is not {SCHEMA_VERSION} (this slm); "
                "rebuild it from the raw exports: delete the file and `slm load` them again"
            )
        return
    with transaction(con):
        con.execute(sql("schema"))
        con.execute(
            "insert or replace into meta values ('schema_version', $v)", {"v": SCHEMA_VERSION}
        )


def run_script(con: duckdb.DuckDBPyConnection, text: str, **params: Any) -> None:
    """Run the statements of ``text`` in order, each with the ``params`` it names."""
    for statement in con.extract_statements(text):
        con.execute(statement, {k: params[k] for k in statement.named_parameters} or None)


def plausible() -> dict[str, datetime]:
    """The plausible years (``defaults.YEARS``) as the instants that bound them, UTC: ``first``
    (included) and ``end`` (the first instant after the last year)."""
    first, last = YEARS
    return {"first": datetime(first, 1, 1, tzinfo=UTC), "end": datetime(last + 1, 1, 1, tzinfo=UTC)}


def _version(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        return scalar(con, "select value from meta where key = 'schema_version'")  # type: ignore[no-any-return]
    except duckdb.CatalogException:
        return None


def _check_version(con: duckdb.DuckDBPyConnection, target: str) -> None:
    if _version(con) != SCHEMA_VERSION:
        raise WarehouseError(
            f"{target} is not an slm warehouse of schema version {SCHEMA_VERSION}; "
            "rebuild it with `slm load` (or `slm demo`)"
        )


def query(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run ``sql/<name>.sql`` with bound parameters and return a DataFrame."""
    return con.execute(sql(name), dict(params or {})).df()


def records(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run ``sql/<name>.sql`` with bound parameters and return its rows as dicts (column →
    Python value; NULL is None), without pandas."""
    cur = con.execute(sql(name), dict(params or {}))
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def temp_table(con: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame) -> None:
    """(Re)create temporary table ``name`` holding ``df``."""
    con.register("_slm_frame", df)
    try:
        con.execute(f"create or replace temp table {quote_ident(name)} as select * from _slm_frame")
    finally:
        con.unregister("_slm_frame")


@contextmanager
def inputs(con: duckdb.DuckDBPyConnection, tables: Mapping[str, pd.DataFrame]) -> Iterator[None]:
    """Temporary tables holding a query's input frames, dropped when it is done: nothing is
    left on the connection for another measure to read (or to overwrite)."""
    try:
        for name, df in tables.items():
            temp_table(con, name, df)
        yield
    finally:
        for name in tables:
            con.execute(f"drop table if exists {quote_ident(name)}")


def row(
    con: duckdb.DuckDBPyConnection, statement: str, params: Mapping[str, Any] | None = None
) -> tuple[Any, ...] | None:
    """The first row of a small query (the result is fully consumed)."""
    rows = con.execute(statement, dict(params or {})).fetchall()
    return rows[0] if rows else None


def _data_file(target: str) -> WarehouseError:
    return WarehouseError(
        f"{target} is a data file, not a warehouse: DuckDB would read it into memory and keep "
        f"nothing; give the warehouse's path with --db or SLM_DB (default {DEFAULT_DB}), and "
        "the export to `slm load`"
    )


def scalar(
    con: duckdb.DuckDBPyConnection, statement: str, params: Mapping[str, Any] | None = None
) -> Any:
    """The single value of a one-cell query."""
    r = row(con, statement, params)
    return None if r is None else r[0]
