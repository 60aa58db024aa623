"""Load export files into the warehouse: detect → stage → validate → map → upsert, one transaction.

Rows that fail validation go to ``quarantine`` with file, line, column, value and reason. A file
that is not what it claims (unknown format, missing columns, undecodable, empty) is rejected
with one ``InputError`` and the warehouse is left unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ..catalogue import MAPPING_FIELDS, Catalogue
from ..errors import InputError, first_lines
from ..warehouse import KEYS, query, quote_ident, row, scalar, sql, transaction
from .formats import FORMATS, KINDS, Format
from .mapping import ImportMapping


@dataclass
class LoadResult:
    """What one file's load did; ``warnings`` are shown in the summary."""

    path: str
    kind: str
    format: str
    load_id: int
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_unmapped: int
    seconds: float
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.path}: {self.format}, {self.rows_read} rows read, "
            f"{self.rows_loaded} new or changed, "
            f"{self.rows_quarantined} quarantined, {self.rows_unmapped} unmapped "
            f"({self.seconds:.2f} s)"
        )
        return "\n".join([text, *(f"  warning: {w}" for w in self.warnings)])


def load_files(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    paths: Sequence[str | Path],
    *,
    catalogue: Catalogue | None = None,
    format: str | None = None,
    customer: str | None = None,
    service: str | None = None,
    timezone: str | None = None,
    scale: int = 5,
    mapping: ImportMapping | None = None,
) -> list[LoadResult]:
    """Load each file in its own transaction; stops at the first rejected file."""
    return [
        load_file(
            con,
            kind,
            p,
            catalogue=catalogue,
            format=format,
            customer=customer,
            service=service,
            timezone=timezone,
            scale=scale,
            mapping=mapping,
        )
        for p in paths
    ]


def load_file(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: str | Path,
    *,
    catalogue: Catalogue | None = None,
    format: str | None = None,
    customer: str | None = None,
    service: str | None = None,
    timezone: str | None = None,
    scale: int = 5,
    mapping: ImportMapping | None = None,
) -> LoadResult:
    """Load one export file of ``kind``; see the module docstring for the guarantees.

    With a ``mapping`` the file's columns are named by it instead of recognised by a format.
    """
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    p = Path(path)
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    header, delimiter = _inspect(p)
    if mapping is not None:
        if mapping.kind != kind:
            raise InputError(f"the mapping is for {mapping.kind}, not {kind}")
        fmt: Format | None = mapping.base
        timezone = timezone or mapping.timezone
    else:
        fmt = _choose_format(p, kind, header, format) if header is not None else None
    if catalogue is not None:
        if customer is not None:
            catalogue.customer(customer)
        if service is not None:
            catalogue.service(service)
    warnings: list[str] = []
    zone = timezone
    if zone is None:
        zone = "UTC"
        warnings.append(
            "no --timezone given: timestamps without an offset (if any) were read as UTC"
        )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
    except Exception:
        raise InputError(
            f"unknown time zone {zone!r}; use an IANA name such as Europe/London"
        ) from None

    digest = _sha256_meanwhile(p)  # for the load log, computed while DuckDB reads the file
    with transaction(con):
        con.execute(sql("macros"))
        try:
            # CSV and Parquet are read where they lie, once, by the staging query; DuckDB reads
            # the file in parallel and keeps its order, so staged.rowid gives each record's line
            _read(con, p, delimiter)
            actual = [
                r[0] for r in con.execute("select column_name from (describe raw)").fetchall()
            ]
            if fmt is None:  # JSON or Parquet: the header is the records' keys
                fmt = _choose_format(p, kind, actual, format)
            if mapping is not None:
                _mapped_stage(con, p, fmt, mapping, actual, zone)
            else:
                resolved = fmt.resolve(actual)
                select = [
                    f"{quote_ident(resolved[c])} as {quote_ident(c)}"
                    if c in resolved
                    else f"null::varchar as {quote_ident(c)}"
                    for c in fmt.columns
                ]
                con.execute(
                    f"create or replace temp view stage as select {', '.join(select)} from raw"
                )
            staging = sql(fmt.staging)
            params = _params(
                staging,
                zone=zone,
                source=fmt.source,
                scale=scale,
                ts_format=_timestamp_format(con, fmt),
            )
            # staging queries select only the mapping fields their format has; the rest are null
            head = con.execute(f"select * from ({staging}) limit 0", params)
            present = {d[0] for d in head.description or ()}
            head.fetchall()
            missing = [
                f"null::{'boolean' if name == '_skip' else 'varchar'} as {quote_ident(name)}"
                for name in (*MAPPING_FIELDS, "_customer", "_service", "_skip")
                if name not in present
            ]
            con.execute(
                f"create or replace temp table staged as "
                f"select {', '.join(['*', *missing])} from ({staging})",
                params,
            )
        except (
            duckdb.InvalidInputException,
            duckdb.ConversionException,
            duckdb.IOException,
        ) as exc:
            what = (
                delimiter.upper()
                if delimiter in (JSON, PARQUET)
                else f"{fmt.name if fmt else ''} CSV"
            )
            raise InputError(
                f"{p}: cannot be read as a {what} file: {first_lines(exc, 2)}; fix or "
                "re-export the file (a truncated or hand-edited export often causes this)"
            ) from None
        _mapping_tables(con, catalogue, kind)
        con.execute(
            f"create or replace temp table combo_map as {sql('map_combos')}",
            {"customer": customer, "service": service},
        )
        con.execute(f"create or replace temp view mapped as {sql('map_records')}")
        load_id = int(scalar(con, "select nextval('load_id_seq')"))
        loaded = 0
        for table, derive in fmt.derive or ((fmt.table, ""),):
            if derive:
                con.execute(f"create or replace temp table derived as {sql(derive)}")
                loaded += _upsert(con, table, load_id, "derived")
            else:
                loaded += _upsert(con, table, load_id, "mapped", keys_in="staged")
        # the quarantine shows the latest load of each file
        con.execute("delete from quarantine where path = $path", {"path": str(p)})
        con.execute(
            "insert into quarantine select $load_id, $kind, $path, _line, _column, _value, _reason "
            "from mapped where _reason is not null",
            {"load_id": load_id, "kind": kind, "path": str(p)},
        )
        counts = row(
            con,
            "select count(*), count(*) filter (where _skip), "
            "count(*) filter (where _reason is not null) from staged",
        )
        assert counts is not None
        rows_read, skipped, quarantined = counts
        unmapped = 0
        if "customer" in _columns(con, fmt.table):  # a state history follows its incident
            unmapped = int(
                scalar(
                    con,
                    f"select count(*) from {quote_ident(fmt.table)} "
                    "where load_id = $load_id and customer is null",
                    {"load_id": load_id},
                )
            )
        if skipped:
            warnings.append(f"{_rows(skipped)} skipped as not relevant to {fmt.table}")
        if unmapped:
            warnings.append(
                f"{_rows(unmapped)} matched no mapping rule of the catalogue; kept with no "
                "customer (add a mapping rule, or pass --customer/--service)"
            )
        if quarantined:
            warnings.append(
                f"{_rows(quarantined)} quarantined; see `slm status` or the quarantine table"
            )
        con.execute(
            "insert into load_log values ($id, $kind, $format, $path, $sha, $read, $loaded, "
            "$quarantined, $unmapped, $started, now(), $warnings)",
            {
                "id": load_id,
                "kind": kind,
                "format": fmt.name,
                "path": str(p),
                "sha": digest(),
                "read": rows_read,
                "loaded": loaded,
                "quarantined": quarantined,
                "unmapped": unmapped,
                "started": started_at,
                "warnings": warnings,
            },
        )
        con.execute("drop view mapped")
        con.execute(f"drop {'table' if mapping is not None else 'view'} stage")
        con.execute(f"drop {'table' if delimiter == JSON else 'view'} raw")
        for variable in ("slm_path", "slm_delim", "slm_columns"):
            con.execute(f"reset variable {variable}")
        for t in ("staged", "combo_map", "derived", "map_rules", "map_conditions"):
            con.execute(f"drop table if exists {quote_ident(t)}")
    return LoadResult(
        str(p),
        kind,
        fmt.name,
        load_id,
        rows_read,
        loaded,
        quarantined,
        unmapped,
        time.perf_counter() - started,
        warnings,
    )


def detect_format(header: list[str], kind: str | None = None) -> Format | None:
    """The format whose columns the header carries (most matched columns wins)."""
    candidates = [
        f for f in FORMATS.values() if (kind is None or f.kind == kind) and f.matches(header)
    ]
    candidates.sort(key=lambda f: (len(f.signature), len(f.resolve(header))), reverse=True)
    return candidates[0] if candidates else None


def _choose_format(p: Path, kind: str, header: list[str], name: str | None) -> Format:
    if name is not None:
        fmt = FORMATS.get(name)
        if fmt is None:
            raise InputError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}")
        if fmt.kind != kind:
            raise InputError(f"format {name!r} holds {fmt.kind}, not {kind}")
        missing = fmt.missing(header)
        if missing:
            raise InputError(
                f"{p}: is not a {name} export: required column(s) {', '.join(missing)} "
                f"missing (header has: {', '.join(header[:12])}); re-export with these columns "
                "or give a mapping"
            )
        return fmt
    fmt = detect_format(header, kind)
    if fmt is None:
        options = [f for f in FORMATS.values() if f.kind == kind]
        near = min(options, key=lambda f: len(f.missing(header)))
        raise InputError(
            f"{p}: header matches no known {kind} format (closest: {near.name}, missing "
            f"{', '.join(near.missing(header)) or 'a signature column'}); the header has: "
            f"{', '.join(header[:12])}. Pass --format, or check the file is a {kind} export"
        )
    return fmt


JSON = "json"
PARQUET = "parquet"
_RECORDS = re.compile(rb'^\s*\{\s*"records"\s*:')
_PROMETHEUS = re.compile(rb'"resultType"\s*:\s*"matrix"')


def _read(con: duckdb.DuckDBPyConnection, p: Path, delimiter: str) -> None:
    """``raw``: the file's records with every field as text — a view reading a CSV or Parquet
    file where it lies (path, delimiter and column names bound as session variables, since a
    view takes no parameters), or a temp table for JSON."""
    if delimiter == JSON:
        _read_json(con, p)
        return
    con.execute("set variable slm_path = $path", {"path": str(p)})
    if delimiter == PARQUET:
        con.execute(f"create or replace temp view raw as {sql('raw_parquet')}")
        return
    con.execute("set variable slm_delim = $delim", {"delim": delimiter})
    names = con.execute(sql("raw_csv_names")).fetchall()
    con.execute(
        "set variable slm_columns = $columns", {"columns": {n: "VARCHAR" for (n,) in names}}
    )
    con.execute(f"create or replace temp view raw as {sql('raw_csv')}")


def _timestamp_format(con: duckdb.DuckDBPyConnection, fmt: Format) -> str:
    """The layout (of ``slm_ts_formats()``, or ``offset``) most date-times in the first 1,000
    records of ``stage`` have: the staging queries try it first. Values in other layouts still
    parse, more slowly. Ties and no date-times give the first layout."""
    layouts = [r[0] for r in con.execute("select unnest(slm_ts_formats())").fetchall()]
    if not fmt.timestamps:
        return str(layouts[0])
    columns = ", ".join(quote_ident(c) for c in fmt.timestamps)
    counts = row(
        con,
        "select "
        + "".join(f"count(try_strptime(v, $f{i})), " for i in range(len(layouts)))
        + "count(*) filter (where slm_has_offset(v)) from (unpivot "
        f"(select {columns} from stage limit 1000) on {columns} into name c value v)",
        {f"f{i}": layout for i, layout in enumerate(layouts)},
    )
    assert counts is not None
    best = max(range(len(counts)), key=lambda i: (counts[i], -i))
    return str(layouts[best]) if best < len(layouts) else "offset"


def _read_json(con: duckdb.DuckDBPyConnection, p: Path) -> None:
    """Temp table ``raw`` from a JSON export — ServiceNow's ``{"records": [...]}``, an array of
    objects, JSON lines, or a Prometheus ``query_range`` matrix — every field as text, like a
    CSV read."""
    with p.open("rb") as f:
        head = f.read(4096)
    if _PROMETHEUS.search(head):
        con.execute(
            f"create or replace temp table raw as {sql('prometheus_query_range')}", {"path": str(p)}
        )
        return
    objects = "json_objects_records" if _RECORDS.match(head) else "json_objects_rows"
    con.execute(
        f"create or replace temp table json_objects as {sql(objects)}",
        _params(sql(objects), path=str(p), size=max(p.stat().st_size + 1, 1 << 24)),
    )
    keys = [r[0] for r in con.execute(sql("json_keys")).fetchall()]
    if not keys:
        raise InputError(f"{p}: the JSON holds no records with fields; export the list again")
    structure = json.dumps(dict.fromkeys(keys, "VARCHAR"))
    con.execute(
        f"create or replace temp table raw as {sql('json_as_text')}", {"structure": structure}
    )
    con.execute("drop table json_objects")


def _sha256_meanwhile(p: Path) -> Callable[[], str]:
    """Start hashing the file in a daemon thread (hashlib releases the GIL, and a Ctrl-C exits
    without waiting for it); the returned function waits for the hex digest."""
    digest: list[str] = []

    def run() -> None:
        try:
            with p.open("rb") as f:
                digest.append(hashlib.file_digest(f, "sha256").hexdigest())
        except OSError:
            pass  # reported by result()

    thread = threading.Thread(target=run, name="slm-sha256", daemon=True)
    thread.start()

    def result() -> str:
        thread.join()
        if not digest:
            raise InputError(f"{p}: could not be read to the end; check the file is still there")
        return digest[0]

    return result


def _inspect(p: Path) -> tuple[list[str] | None, str]:
    """Header names and delimiter (``json``/``parquet`` and no header for those); rejects
    missing, empty and undecodable files."""
    if not p.is_file():
        raise InputError(f"{p}: no such file; check the path")
    try:
        with p.open("rb") as f:
            head = f.read(1 << 16)
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror}); check its permissions") from None
    if not head.strip():
        raise InputError(f"{p}: the file is empty; export again with the column header row")
    if head.startswith(b"PAR1"):
        return None, PARQUET
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        raise InputError(
            f"{p}: is UTF-16 text; export as CSV (UTF-8), or convert it with "
            f"`iconv -f UTF-16 -t UTF-8 {p.name} > {p.stem}-utf8{p.suffix}`"
        )
    if b"\x00" in head:
        raise InputError(f"{p}: is a binary file, not a CSV export; export as CSV (UTF-8)")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(head) < 1 << 16 or exc.start < len(head) - 4:  # a char cut at the block end is fine
            raise InputError(
                f"{p}: byte {exc.start} is not UTF-8; export as UTF-8 CSV (or convert with "
                "`iconv -f latin1 -t utf-8`)"
            ) from None
        text = head[: exc.start].decode("utf-8-sig")
    if text.lstrip()[:1] in ("{", "["):
        return None, JSON
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    if len(header) < 2:
        raise InputError(f"{p}: the first line is not a CSV header row: {first[:80]!r}")
    return [c.strip() for c in header], delimiter


def _mapped_stage(
    con: duckdb.DuckDBPyConnection,
    p: Path,
    fmt: Format,
    mapping: ImportMapping,
    actual: list[str],
    zone: str,
) -> None:
    """Temp table ``stage`` with the format's canonical columns, taken from the file's columns
    as the mapping names them, values translated, constants filled and date-times read with
    the mapping's formats."""
    missing = sorted(set(mapping.columns.values()) - set(actual))
    if missing:
        raise InputError(
            f"{p}: column(s) {', '.join(missing)} named by the mapping are not in the file "
            f"(it has: {', '.join(actual[:15])}); fix the mapping or the export"
        )
    q = quote_ident
    params: dict[str, object] = {}

    def bind(value: object) -> str:
        name = f"p{len(params)}"
        params[name] = value
        return f"${name}"

    exprs: dict[str, str] = {}
    for name in fmt.columns:
        if name in mapping.columns:
            e = q(mapping.columns[name])
        elif name in mapping.constants:
            e = f"{bind(str(mapping.constants[name]))}::varchar"
        else:
            e = "null::varchar"
        if name in mapping.values:
            table = mapping.values[name]
            e = (
                f"coalesce(map_extract(map({bind(list(table))}::varchar[], "
                f"{bind([str(v) for v in table.values()])}::varchar[]), {e})[1], {e})"
            )
        if name in fmt.timestamps and mapping.timestamp_format:
            e = (
                f"coalesce(strftime(try_strptime({e}, {bind(mapping.timestamp_format)}"
                f"::varchar[]), '%Y-%m-%d %H:%M:%S'), {e})"
            )
        exprs[name] = e
    first_update = mapping.event_log and "opened_at" not in mapping.columns | mapping.constants
    if first_update:
        exprs["opened_at"] = "null::varchar"
    select = ", ".join(f"{e} as {q(f)}" for f, e in exprs.items())
    con.execute(f"create or replace temp table stage as select {select} from raw", params)
    if first_update:  # a process log has no opening time: the ticket opened with its first update
        con.execute(sql("stage_first_update"), {"zone": zone})


def _params(query: str, **values: object) -> dict[str, object]:
    """Only the parameters the query uses (DuckDB rejects unused ones)."""
    return {k: v for k, v in values.items() if f"${k}" in query}


def _mapping_tables(con: duckdb.DuckDBPyConnection, catalogue: Catalogue | None, kind: str) -> None:
    rules: list[tuple[int, str, str | None, int]] = []
    conditions: list[tuple[int, str, str]] = []
    for i, rule in enumerate(catalogue.mapping if catalogue else []):
        if kind not in rule.sources:
            continue
        rules.append((i, rule.customer, rule.service, len(rule.match)))
        for fld, values in rule.match.items():
            for v in [values] if isinstance(values, str) else values:
                conditions.append((i, fld, v))
    con.execute(
        "create or replace temp table map_rules (rule_no integer, customer varchar, "
        "service varchar, n_fields integer)"
    )
    con.execute(
        "create or replace temp table map_conditions (rule_no integer, field varchar, val varchar)"
    )
    if rules:
        con.executemany("insert into map_rules values (?, ?, ?, ?)", rules)
    if conditions:
        con.executemany("insert into map_conditions values (?, ?, ?)", conditions)


def _upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    load_id: int,
    relation: str,
    keys_in: str | None = None,
) -> int:
    """Write the valid rows of ``relation`` to ``table``, one row per key (``KEYS``), newest wins.

    Within the file the last row of a key wins; against the table, a row older than the stored
    one (by ``updated_at``, where the table has it) is skipped, and rows identical to what is
    stored are left alone. Rows that change are deleted and inserted again. The table has no
    key index, so this is what keeps keys unique. ``keys_in`` is a cheaper relation holding the
    same valid rows' keys (``staged``, behind the ``mapped`` view). Returns rows written.
    """
    cols = _columns(con, table)
    q = quote_ident
    keys = ", ".join(q(k) for k in KEYS[table])
    rows = f"(select * from {q(relation)} where _reason is null)"
    checked = rows
    if keys_in:
        checked = f"(select * from {q(keys_in)} where _reason is null and _skip is not true)"
    repeated = scalar(
        con, f"select count(*) from (select 1 from {checked} group by {keys} having count(*) > 1)"
    )
    if repeated:
        con.execute(
            f"create or replace temp table to_write as select * from {rows} "
            f"qualify row_number() over (partition by {keys} order by _line desc) = 1"
        )
        rows = "to_write"
    new_only = ""
    if scalar(con, f"select count(*) > 0 from {q(table)}"):
        join = " and ".join(f"t.{q(k)} = w.{q(k)}" for k in KEYS[table])
        same = " and ".join(
            f"t.{q(c)} is not distinct from w.{q(c)}" for c in cols if c != "load_id"
        )
        keep_stored = f"({same})"
        if "updated_at" in cols:
            keep_stored += " or coalesce(t.updated_at > w.updated_at, false)"
        con.execute(
            f"delete from {q(table)} as t using {rows} as w where {join} and not ({keep_stored})"
        )
        new_only = f"where not exists (select 1 from {q(table)} as t where {join})"
    select = ", ".join("$load_id as load_id" if c == "load_id" else f"w.{q(c)}" for c in cols)
    written = int(
        scalar(
            con,
            f"insert into {q(table)} by name select {select} from {rows} as w {new_only}",
            {"load_id": load_id},
        )
    )
    con.execute("drop table if exists to_write")
    return written


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of a warehouse table."""
    return [
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where table_name = $t and "
            "schema_name = 'main' and database_name = current_database() order by column_index",
            {"t": table},
        ).fetchall()
    ]


def status(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Rows per table and source, time ranges, quarantine counts and the recent loads."""
    tables = query(con, "status_tables")
    loads = query(con, "status_loads")
    return {
        "tables": tables.to_dict(orient="records"),
        "loads": loads.to_dict(orient="records"),
    }


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"
