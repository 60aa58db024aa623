"""Load export files into the warehouse: detect → stage → validate → write → log, one transaction.

Rows that fail validation go to ``quarantine`` with file, line, column (as the file names it),
value and reason. A file that is not what it claims (unknown format, missing columns,
undecodable, empty) is rejected with one ``InputError``, and a file most of whose rows fail
(more than ``max_quarantined`` per cent) with a ``QuarantineLimitError``: either way the
warehouse is left unchanged. Every temporary object a load creates on the connection is
dropped when it ends, whether it succeeded or not.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ..catalogue import MAPPING_FIELDS, Catalogue
from ..defaults import MAX_QUARANTINED, YEARS
from ..errors import InputError, QuarantineGroup, QuarantineLimitError, first_lines
from ..ids import check_id
from ..warehouse import KEYS, plausible, quote_ident, row, scalar, sql, transaction
from .formats import FORMATS, KINDS, Format
from .mapping import ImportMapping
from .sources import (
    CSV,
    JSON,
    PARQUET,
    Source,
    check_line_endings,
    direct_compression,
    inspect,
    may_hold_nul,
    unpacked,
)

# the date-time layout most of a file's values have is found on this many of its first records
SAMPLE = 1000
# records named in the message that refuses a load for keys other customers' records hold
_COLLISIONS_SHOWN = 3


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


@dataclass(frozen=True)
class _Job:
    """One file's load as asked for, checked before anything is read."""

    kind: str
    source: Source
    fmt: Format | None  # None until a JSON or Parquet file's fields are known
    format_name: str | None
    mapping: ImportMapping | None
    catalogue: Catalogue | None
    customer: str | None
    service: str | None
    zone: str
    zone_given: bool
    scale: int
    max_quarantined: float
    instance: str | None  # --source: the system the file comes from (None: the format's family)
    shared: bool  # the source serves several customers: a record may move between them


@dataclass(frozen=True)
class _Counts:
    read: int
    skipped: int
    quarantined: int


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
    max_quarantined: float = MAX_QUARANTINED,
    source: str | None = None,
    shared_source: bool = False,
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
            max_quarantined=max_quarantined,
            source=source,
            shared_source=shared_source,
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
    max_quarantined: float = MAX_QUARANTINED,
    source: str | None = None,
    shared_source: bool = False,
) -> LoadResult:
    """Load one export file of ``kind``; see the module docstring for the guarantees.

    With a ``mapping`` the file's columns are named by it instead of recognised by a format.
    ``max_quarantined``: the largest share (per cent) of the file's relevant rows that may fail
    validation; above it nothing is loaded (100 loads the valid rows whatever the rest).
    ``source`` names the system the file comes from (an id; default: the format's family, such
    as ``servicenow``): records are keyed by source and number, so two systems that number
    alike are kept apart. A load that would change the customer of a record that has one is
    refused unless ``shared_source`` (one system serving several customers). A file loaded
    again with the same content replaces what its earlier loads wrote.
    """
    started, started_at = time.perf_counter(), datetime.now(UTC)
    job = _detect(
        kind,
        Path(path),
        catalogue=catalogue,
        format_name=format,
        customer=customer,
        service=service,
        timezone=timezone,
        scale=scale,
        mapping=mapping,
        max_quarantined=max_quarantined,
        instance=source,
        shared=shared_source,
    )
    digest = _sha256_meanwhile(job.source.path)  # for the load log, while DuckDB reads the file
    scratch = _Scratch(con)
    try:
        with unpacked(job.source) as data, transaction(con):
            scratch.macros()
            fmt, naive = _stage(con, scratch, job, data)
            _door(con, scratch, job, fmt, data)
            _map(con, scratch, job)
            counts = _validate(con, job)
            sha256 = digest()
            load_id = int(scalar(con, "select nextval('load_id_seq')"))
            written = _write(con, scratch, job, fmt, load_id, _loads_of(con, sha256))
            unmapped = _unmapped(con, fmt, load_id)
            result = LoadResult(
                str(job.source.path),
                kind,
                fmt.name,
                load_id,
                counts.read,
                written.rows,
                counts.quarantined,
                unmapped,
                0.0,
                _warnings(job, fmt, naive, counts, unmapped, written),
            )
            _log(con, result, started_at, sha256, job.instance or fmt.source)
    finally:
        scratch.drop()
    _finished(con, load_id)
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------- detect
def _detect(
    kind: str,
    p: Path,
    *,
    catalogue: Catalogue | None,
    format_name: str | None,
    customer: str | None,
    service: str | None,
    timezone: str | None,
    scale: int,
    mapping: ImportMapping | None,
    max_quarantined: float,
    instance: str | None,
    shared: bool,
) -> _Job:
    """Check the arguments and recognise the file (its format, when its header tells)."""
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    if not 0 <= max_quarantined <= 100:
        raise InputError(f"max_quarantined is {max_quarantined:g}; give a per cent from 0 to 100")
    if not 2 <= scale <= 10:
        raise InputError(f"scale is {scale}; survey scores run from 1 to a scale of 2 to 10")
    if mapping is not None and mapping.kind != kind:
        raise InputError(f"the mapping is for {mapping.kind}, not {kind}")
    source = inspect(p)
    fmt: Format | None = None
    if mapping is not None:
        fmt = mapping.base
        timezone = timezone or mapping.timezone
        instance = instance or mapping.source
    elif source.header is not None:
        fmt = _choose_format(p, kind, source.header, format_name)
    for what, value in (("customer", customer), ("service", service), ("source", instance)):
        if value is not None:
            try:
                check_id(value)
            except ValueError as exc:
                raise InputError(f"--{what} {value!r}: {exc}") from None
    if catalogue is not None:
        if customer is not None:
            catalogue.customer(customer)
        if service is not None:
            catalogue.service(service)
    zone = timezone or "UTC"
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
    except Exception:
        raise InputError(
            f"unknown time zone {zone!r}; use an IANA name such as Europe/London"
        ) from None
    return _Job(
        kind=kind,
        source=source,
        fmt=fmt,
        format_name=format_name,
        mapping=mapping,
        catalogue=catalogue,
        customer=customer,
        service=service,
        zone=zone,
        zone_given=timezone is not None,
        scale=scale,
        max_quarantined=max_quarantined,
        instance=instance,
        shared=shared,
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
                f"missing (header has: {', '.join(header[:12])}); re-export with these columns, "
                "or name the file's columns in a mapping file (--mapping M.yaml)"
            )
        return fmt
    fmt = detect_format(header, kind)
    if fmt is None:
        options = [f for f in FORMATS.values() if f.kind == kind]
        near = min(options, key=lambda f: len(f.missing(header)))
        raise InputError(
            f"{p}: header matches no known {kind} format (closest: {near.name}, missing "
            f"{', '.join(near.missing(header)) or 'a signature column'}); the header has: "
            f"{', '.join(header[:12])}. If it is one of the known formats, pass --format F; "
            "otherwise name its columns in a mapping file (--mapping M.yaml, see "
            "docs/user-guide.md)"
        )
    return fmt


# ---------------------------------------------------------------------------- stage
_READ_ERRORS = (duckdb.InvalidInputException, duckdb.ConversionException, duckdb.IOException)


def _stage(
    con: duckdb.DuckDBPyConnection, scratch: _Scratch, job: _Job, data: Path
) -> tuple[Format, bool]:
    """Temp table ``staged``: the file's records through the format's staging query, in file
    order. Returns the format and whether the file has date-times without an offset."""
    try:
        _read(con, scratch, job.source, data)
        actual = [r[0] for r in con.execute("select column_name from (describe raw)").fetchall()]
        fmt = job.fmt or _choose_format(job.source.path, job.kind, actual, job.format_name)
        if job.mapping is not None:
            headers = _mapped_stage(con, scratch, job, fmt, actual)
        else:
            headers = _recognised_stage(scratch, fmt, actual)
        scratch.create(
            "table",
            "file_columns",
            "select unnest($names) as name, unnest($headers) as header",
            {"names": list(headers), "headers": list(headers.values())},
        )
        _staged(con, scratch, job, fmt)
        naive = not job.zone_given and _has_naive_timestamps(con, fmt)
    except _READ_ERRORS as exc:
        if job.source.layout == CSV:
            check_line_endings(job.source)  # the usual cause: lines that end in several ways
        what = job.source.describe("" if job.source.layout != CSV or not job.fmt else job.fmt.name)
        raise InputError(
            f"{job.source.path}: cannot be read as a {what} file: {first_lines(exc, 2)}; fix "
            "or re-export the file (a truncated or hand-edited export often causes this)"
        ) from None
    return fmt, naive


def _read(con: duckdb.DuckDBPyConnection, scratch: _Scratch, source: Source, data: Path) -> None:
    """``raw``: the file's records with every field as text — a view reading a CSV or Parquet
    file where it lies (path, delimiter, compression and column names bound as session
    variables, since a view takes no parameters), or a temp table for JSON. A CSV file whose
    lines end in CRLF or CR is read the same way, with its values' own line breaks read as LF
    (raw_csv_newlines.sql); an LF file's values are not touched. ``data`` is the file to read:
    the user's, or the content unpacked from it."""
    if source.layout == JSON:
        _read_json(con, scratch, source.path, data)
        return
    scratch.variable("slm_path", str(data))
    if source.layout == PARQUET:
        scratch.create("view", "raw", sql("raw_parquet"))
        return
    scratch.variable("slm_delim", source.delimiter)
    scratch.variable("slm_compression", direct_compression(source) or "none")
    names = con.execute(sql("raw_csv_names")).fetchall()
    scratch.variable("slm_columns", {n: "VARCHAR" for (n,) in names})
    if source.newline in (None, "\n"):
        scratch.create("view", "raw", sql("raw_csv"))
        return
    scratch.create("view", "raw_file", sql("raw_csv"))
    scratch.variable("slm_newline", source.newline)
    scratch.create("view", "raw", sql("raw_csv_newlines"))


_RECORDS = re.compile(rb'^\s*\{\s*"records"\s*:')
_PROMETHEUS = re.compile(rb'"resultType"\s*:\s*"matrix"')


def _read_json(con: duckdb.DuckDBPyConnection, scratch: _Scratch, p: Path, data: Path) -> None:
    """Temp table ``raw`` from a JSON export — ServiceNow's ``{"records": [...]}``, an array of
    objects, JSON lines, or a Prometheus ``query_range`` matrix — every field as text, like a
    CSV read."""
    with data.open("rb") as f:
        head = f.read(4096)
    if _PROMETHEUS.search(head):
        scratch.create("table", "raw", sql("prometheus_query_range"), {"path": str(data)})
        return
    objects = "json_objects_records" if _RECORDS.match(head) else "json_objects_rows"
    size = max(data.stat().st_size + 1, 1 << 24)
    scratch.create(
        "table", "json_objects", sql(objects), _params(sql(objects), path=str(data), size=size)
    )
    keys = [r[0] for r in con.execute(sql("json_keys")).fetchall()]
    if not keys:
        raise InputError(f"{p}: the JSON holds no records with fields; export the list again")
    structure = json.dumps(dict.fromkeys(keys, "VARCHAR"))
    scratch.create("table", "raw", sql("json_as_text"), {"structure": structure})
    scratch.drop_now("json_objects")


def _recognised_stage(scratch: _Scratch, fmt: Format, actual: list[str]) -> dict[str, str]:
    """Temp view ``stage``: the file's columns under the format's canonical names (null where
    the file lacks one). Returns canonical name → the file's header."""
    resolved = fmt.resolve(actual)
    select = [
        f"{quote_ident(resolved[c])} as {quote_ident(c)}"
        if c in resolved
        else f"null::varchar as {quote_ident(c)}"
        for c in fmt.columns
    ]
    scratch.create("view", "stage", f"select {', '.join(select)} from raw")
    return resolved


def _mapped_stage(
    con: duckdb.DuckDBPyConnection,
    scratch: _Scratch,
    job: _Job,
    fmt: Format,
    actual: list[str],
) -> dict[str, str]:
    """Temp table ``stage`` with the format's canonical columns, taken from the file's columns
    as the mapping names them, values translated, constants filled and date-times read with
    the mapping's formats. Returns canonical name → where the value comes from."""
    mapping = job.mapping
    assert mapping is not None
    missing = sorted(set(mapping.columns.values()) - set(actual))
    if missing:
        raise InputError(
            f"{job.source.path}: column(s) {', '.join(missing)} named by the mapping are not in "
            f"the file (it has: {', '.join(actual[:15])}); fix the mapping or the export"
        )
    # a process log has no opening time: the ticket opened with its first update
    first_update = mapping.event_log and "opened_at" not in mapping.columns | mapping.constants
    params: dict[str, object] = {}
    exprs = {
        name: "null::varchar"
        if first_update and name == "opened_at"
        else _mapped_column(mapping, fmt, name, params)
        for name in fmt.columns
    }
    select = ", ".join(f"{e} as {quote_ident(f)}" for f, e in exprs.items())
    scratch.create("table", "stage", f"select {select} from raw", params)
    headers = dict(mapping.columns)
    headers.update({name: f"{name} (the mapping's constant)" for name in mapping.constants})
    if first_update:
        con.execute(sql("stage_first_update"), {"zone": job.zone, **plausible()})
        headers["opened_at"] = f"{mapping.columns['sys_updated_at']} (its first update)"
    return headers


def _mapped_column(
    mapping: ImportMapping, fmt: Format, name: str, params: dict[str, object]
) -> str:
    """The expression giving canonical column ``name`` from the mapped file; the values it
    needs are added to ``params``."""

    def bind(value: object) -> str:
        key = f"p{len(params)}"
        params[key] = value
        return f"${key}"

    if name in mapping.columns:
        e = quote_ident(mapping.columns[name])
    elif name in mapping.constants:
        e = f"{bind(str(mapping.constants[name]))}::varchar"
    else:
        return "null::varchar"
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
    return e


def _staged(con: duckdb.DuckDBPyConnection, scratch: _Scratch, job: _Job, fmt: Format) -> None:
    """Temp table ``staged``: ``stage`` through the format's staging query, every mapping
    field present (null when the format has none)."""
    staging = sql(fmt.staging)
    layouts = list(  # a mapping's own layouts first, each layout named once
        dict.fromkeys(
            [
                *(job.mapping.timestamp_format if job.mapping else []),
                *scalar(con, f"select {quote_ident(fmt.layouts)}()"),
            ]
        )
    )
    params = _params(
        staging,
        zone=job.zone,
        source=job.instance or fmt.source,
        scale=job.scale,
        ts_format=_timestamp_format(con, fmt),
        layouts=layouts,
        stream=(job.mapping.stream if job.mapping else None) or fmt.stream,
    )
    head = con.execute(f"select * from ({staging}) limit 0", params)
    present = {d[0] for d in head.description or ()}
    head.fetchall()
    missing = [
        f"null::{'boolean' if name == '_skip' else 'varchar'} as {quote_ident(name)}"
        for name in (*MAPPING_FIELDS, "_customer", "_service", "_skip")
        if name not in present
    ]
    scratch.create(
        "table", "staged", f"select {', '.join(['*', *missing])} from ({staging})", params
    )


def _timestamp_values(fmt: Format) -> str:
    """A query of the date-time texts of the first ``SAMPLE`` records of ``stage``, one row per
    value (column ``v``)."""
    columns = ", ".join(quote_ident(c) for c in fmt.timestamps)
    return (
        f"(unpivot (select {columns} from stage limit {SAMPLE}) on {columns} into name c value v)"
    )


def _timestamp_format(con: duckdb.DuckDBPyConnection, fmt: Format) -> str:
    """The layout (of ``slm_ts_formats()``, or ``offset``) most date-times in the first
    ``SAMPLE`` records of ``stage`` have: the staging queries try it first. Values in other
    layouts still parse, more slowly. Ties and no date-times give the first layout."""
    layouts = [r[0] for r in con.execute("select unnest(slm_ts_formats())").fetchall()]
    if not fmt.timestamps:
        return str(layouts[0])
    counts = row(
        con,
        "select "
        + "".join(f"count(try_strptime(v, $f{i})), " for i in range(len(layouts)))
        + f"count(*) filter (where slm_has_offset(v)) from {_timestamp_values(fmt)}",
        {f"f{i}": layout for i, layout in enumerate(layouts)},
    )
    assert counts is not None
    best = max(range(len(counts)), key=lambda i: (counts[i], -i))
    return str(layouts[best]) if best < len(layouts) else "offset"


def _has_naive_timestamps(con: duckdb.DuckDBPyConnection, fmt: Format) -> bool:
    """Whether any date-time of ``stage`` lacks an offset (and so is read in the load's zone).
    The first ``SAMPLE`` records answer for the usual file; a longer file whose sample has
    offsets everywhere is read again, to its first value without one or to its end."""
    if not fmt.timestamps:
        return False
    naive = " or ".join(f"slm_naive({quote_ident(c)})" for c in fmt.timestamps)
    limits = [f"limit {SAMPLE}"]
    if scalar(con, "select count(*) from staged") > SAMPLE:
        limits.append("")
    return any(
        row(con, f"select 1 from (select * from stage {head}) where {naive} limit 1")
        for head in limits
    )


# ---------------------------------------------------------------------------- door
def _door(
    con: duckdb.DuckDBPyConnection, scratch: _Scratch, job: _Job, fmt: Format, data: Path
) -> None:
    """Reject the staged records that would store what no column of any format may hold: a NUL
    character in a text, or a date-time outside the plausible years (``defaults.YEARS``, in
    UTC). Each staging query checks its own format's rules; these two are checked here, once,
    on what would be stored: a cheap look over ``staged`` (text looked into only when
    ``may_hold_nul`` cannot rule NULs out), and only records it flags are read again to name
    the file's column and value (door_rejected.sql)."""
    types = dict(con.execute("select column_name, column_type from (describe staged)").fetchall())
    texts = [c for c, t in types.items() if t == "VARCHAR" and c not in ("_column", "_reason")]
    stamps = [c for c, t in types.items() if t == "TIMESTAMP WITH TIME ZONE"]
    params: dict[str, object] = {
        "texts": texts,
        "stamps": stamps,
        "nul": may_hold_nul(job.source, data),
        **plausible(),
    }
    scratch.create("table", "door_rows", sql("door_flagged"), params)
    if not scalar(con, "select count(*) from door_rows"):
        return
    columns = list(fmt.columns)
    read = columns if params["nul"] else list(fmt.timestamps)
    params.update(zone=job.zone, years=list(YEARS), columns=columns, read=read)
    scratch.create("table", "door", sql("door_rejected"), _params(sql("door_rejected"), **params))
    con.execute(sql("door_update"))


# ---------------------------------------------------------------------------- map
def _map(con: duckdb.DuckDBPyConnection, scratch: _Scratch, job: _Job) -> None:
    """Temp view ``mapped``: the relevant staged records with their line, customer and service;
    temp view ``rejected``: those that failed validation, as the quarantine shows them."""
    _mapping_tables(con, scratch, job.catalogue, job.kind)
    scratch.create(
        "table", "combo_map", sql("map_combos"), {"customer": job.customer, "service": job.service}
    )
    scratch.create("view", "mapped", sql("map_records"))
    scratch.create("view", "rejected", sql("quarantine_rejected"))


def _mapping_tables(
    con: duckdb.DuckDBPyConnection, scratch: _Scratch, catalogue: Catalogue | None, kind: str
) -> None:
    rules: list[tuple[int, str, str | None, int]] = []
    conditions: list[tuple[int, str, str]] = []
    for i, rule in enumerate(catalogue.mapping if catalogue else []):
        if kind not in rule.sources:
            continue
        rules.append((i, rule.customer, rule.service, len(rule.match)))
        for fld, values in rule.match.items():
            for v in [values] if isinstance(values, str) else values:
                conditions.append((i, fld, v))
    scratch.define(
        "map_rules", "rule_no integer, customer varchar, service varchar, n_fields integer"
    )
    scratch.define("map_conditions", "rule_no integer, field varchar, val varchar")
    if rules:
        con.executemany("insert into map_rules values (?, ?, ?, ?)", rules)
    if conditions:
        con.executemany("insert into map_conditions values (?, ?, ?)", conditions)


# ---------------------------------------------------------------------------- validate
def _validate(con: duckdb.DuckDBPyConnection, job: _Job) -> _Counts:
    """The rows read, skipped and quarantined; a ``QuarantineLimitError`` when more than
    ``max_quarantined`` per cent of the relevant (not skipped) rows failed validation."""
    counts = row(
        con,
        "select count(*), count(*) filter (where _skip), "
        "count(*) filter (where _reason is not null) from staged",
    )
    assert counts is not None
    c = _Counts(*counts)
    relevant = c.read - c.skipped
    if relevant and c.quarantined * 100 > job.max_quarantined * relevant:
        groups = [QuarantineGroup(*r) for r in con.execute(sql("quarantine_summary")).fetchall()]
        raise QuarantineLimitError(
            str(job.source.path),
            relevant,
            c.quarantined,
            job.max_quarantined,
            groups,
            mapped=job.mapping is not None,
        )
    return c


# ---------------------------------------------------------------------------- write
@dataclass(frozen=True)
class _Written:
    rows: int  # new or changed rows written
    withdrawn: int  # rows an earlier load of the same content wrote that this load no longer has
    older: int = 0  # rows not written: the stored record, from another file, was updated later


def _loads_of(con: duckdb.DuckDBPyConnection, sha256: str) -> list[int]:
    """The earlier loads of a file with this content (whatever its path)."""
    return [
        int(r[0])
        for r in con.execute(
            "select load_id from load_log where sha256 = $sha", {"sha": sha256}
        ).fetchall()
    ]


def _write(
    con: duckdb.DuckDBPyConnection,
    scratch: _Scratch,
    job: _Job,
    fmt: Format,
    load_id: int,
    earlier: list[int],
) -> _Written:
    """Upsert the valid rows into the format's table(s)."""
    rows = withdrawn = older = 0
    for table, derive in fmt.derive or ((fmt.table, ""),):
        if derive:
            scratch.create("table", "derived", sql(derive))
            w = _upsert(con, scratch, job, table, load_id, earlier, "derived")
        else:
            w = _upsert(con, scratch, job, table, load_id, earlier, "mapped", keys_in="staged")
        rows, withdrawn, older = rows + w.rows, withdrawn + w.withdrawn, older + w.older
    return _Written(rows, withdrawn, older)


def _upsert(
    con: duckdb.DuckDBPyConnection,
    scratch: _Scratch,
    job: _Job,
    table: str,
    load_id: int,
    earlier: list[int],
    relation: str,
    keys_in: str | None = None,
) -> _Written:
    """Write the valid rows of ``relation`` to ``table``, one row per key (``KEYS``).

    Within the file the last row of a key wins. Against the table: a row that would change the
    customer of a stored record is refused (``_refuse_collisions``); what earlier loads of the
    same content (``earlier``) wrote is replaced — their rows this load no longer has are
    deleted, and their rows are rewritten whatever their ``updated_at`` (a reload with
    corrected settings corrects); any other stored row newer than the file's (by
    ``updated_at``, where the table has it) is kept ("newest wins"). Rows identical to what is
    stored are left alone; rows that change are deleted and inserted again. The table has no
    key index, so this is what keeps keys unique. ``keys_in`` is a cheaper relation holding the
    same valid rows' keys (``staged``, behind the ``mapped`` view).
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
    stored = scalar(con, f"select count(*) > 0 from {q(table)}")
    if repeated or stored:  # read the mapping view once, not once per statement below
        last = f"qualify row_number() over (partition by {keys} order by _line desc) = 1"
        scratch.create("table", "to_write", f"select * from {rows} {last if repeated else ''}")
        rows = "to_write"
    if not job.shared:
        _refuse_collisions(con, job, table, rows, cols)
    new_only, withdrawn, older = "", 0, 0
    if stored:
        join = " and ".join(f"t.{q(k)} = w.{q(k)}" for k in KEYS[table])
        withdrawn, older = _clear_stored(con, table, cols, rows, join, earlier)
        new_only = f"where not exists (select 1 from {q(table)} as t where {join})"
    select = ", ".join("$load_id as load_id" if c == "load_id" else f"w.{q(c)}" for c in cols)
    written = int(
        scalar(
            con,
            f"insert into {q(table)} by name select {select} from {rows} as w {new_only}",
            {"load_id": load_id},
        )
    )
    scratch.drop_now("to_write")
    return _Written(written, withdrawn, older)


def _clear_stored(
    con: duckdb.DuckDBPyConnection,
    table: str,
    cols: list[str],
    rows: str,
    join: str,
    earlier: list[int],
) -> tuple[int, int]:
    """Delete the stored rows ``rows`` replace: those of earlier loads of the same content that
    this load lacks (counted first), and those it changes — unless the stored one is newer by
    ``updated_at`` and no earlier load of the same content wrote it (counted second)."""
    q = quote_ident
    withdrawn = 0
    if earlier:
        withdrawn = int(
            scalar(
                con,
                f"delete from {q(table)} as t where list_contains($earlier, t.load_id) and "
                f"not exists (select 1 from {rows} as w where {join})",
                {"earlier": earlier},
            )
        )
    same = " and ".join(f"t.{q(c)} is not distinct from w.{q(c)}" for c in cols if c != "load_id")
    keep_stored, older = f"({same})", 0
    if "updated_at" in cols:
        newer = "t.updated_at > w.updated_at and not list_contains($earlier, t.load_id)"
        keep_stored += f" or coalesce({newer}, false)"
        older = int(
            scalar(
                con,
                f"select count(*) from {q(table)} as t join {rows} as w on {join} "
                f"where {newer} and not ({same})",
                {"earlier": earlier},
            )
        )
    con.execute(
        f"delete from {q(table)} as t using {rows} as w where {join} and not ({keep_stored})",
        _params(keep_stored, earlier=earlier),
    )
    return withdrawn, older


def _refuse_collisions(
    con: duckdb.DuckDBPyConnection, job: _Job, table: str, rows: str, cols: list[str]
) -> None:
    """An ``InputError`` when a row of the file has the key of a stored record that another
    customer holds — a record with a customer never changes hands (nor loses its customer)
    unless the source is shared. A state-history row is checked against its incident, when
    the load says whose it is (``--customer`` or a mapping)."""
    q = quote_ident
    if "customer" in cols:
        owner, keys, moved = table, KEYS[table], "t.customer is distinct from w.customer"
    elif table == "incident_states" and "customer" in _relation_columns(con, rows):
        owner, keys, moved = "incidents", KEYS["incidents"], "t.customer <> w.customer"
    else:
        return
    if not scalar(con, f"select count(*) > 0 from {q(owner)}"):
        return
    join = " and ".join(f"t.{q(k)} = w.{q(k)}" for k in keys)
    key = ", ".join(f"w.{q(k)}::varchar" for k in KEYS[table] if k != "source")
    found = con.execute(
        f"select concat_ws(' ', {key}), w.source, w._line, t.customer, w.customer, l.path, "
        f"count(*) over () from {rows} as w join {q(owner)} as t on {join} "
        "left join load_log as l on l.load_id = t.load_id "
        f"where t.customer is not null and {moved} order by w._line limit {_COLLISIONS_SHOWN}"
    ).fetchall()
    if not found:
        return
    examples = [
        f"line {line}: {k} (source {source}) is {theirs}'s, loaded from {path}; this file "
        f"gives it to {ours or 'no customer'}"
        for k, source, line, theirs, ours, path, _ in found
    ]
    total, ours, source = found[0][-1], found[0][4], found[0][1]
    raise InputError(
        f"{job.source.path}: {_rows(total)} would change the customer of {owner} records that "
        "belong to another customer; nothing was loaded:\n  "
        + "\n  ".join(examples)
        + ("\n  …" if total > len(found) else "")
        + "\nIf the files come from different systems that number records alike, load each "
        f"with its own --source NAME (for example --source {ours or 'other'}-{source}); if one "
        "system serves several customers and its records move between them (or a mapping "
        "was wrong), load with --shared-source."
    )


def _relation_columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    cur = con.execute(f"select * from {relation} limit 0")
    names = {d[0] for d in cur.description or ()}
    cur.fetchall()
    return names


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


def _unmapped(con: duckdb.DuckDBPyConnection, fmt: Format, load_id: int) -> int:
    """Rows this load wrote that no mapping rule gave a customer (a state history has no
    customer of its own: it follows its incident)."""
    if "customer" not in _columns(con, fmt.table):
        return 0
    return int(
        scalar(
            con,
            f"select count(*) from {quote_ident(fmt.table)} "
            "where load_id = $load_id and customer is null",
            {"load_id": load_id},
        )
    )


# ---------------------------------------------------------------------------- log
def _warnings(
    job: _Job, fmt: Format, naive: bool, counts: _Counts, unmapped: int, written: _Written
) -> list[str]:
    warnings = []
    if naive:
        warnings.append(
            "no --timezone given: timestamps without an offset were read as UTC (pass "
            "--timezone, or timezone: in the mapping, if they are local times)"
        )
    if counts.skipped:
        warnings.append(f"{_rows(counts.skipped)} skipped as not relevant to {fmt.table}")
    if unmapped:
        warnings.append(
            f"{_rows(unmapped)} matched no mapping rule of the catalogue; kept with no "
            "customer (add a mapping rule, or pass --customer/--service)"
        )
    if counts.quarantined:
        warnings.append(
            f"{_rows(counts.quarantined)} quarantined; `slm quarantine --file "
            f"{job.source.path}` lists them with their reasons"
        )
    if written.older:
        warnings.append(
            f"{_rows(written.older)} not written: another file loaded a later update of the "
            "same record (the newest update wins); to correct what an earlier file loaded "
            "(say, its time zone), load that same file again with the corrected settings"
        )
    if written.withdrawn:
        warnings.append(
            f"{_rows(written.withdrawn)} that an earlier load of this same file wrote are "
            "gone: this load has them under another key (other times or source) or not at all "
            "(quarantined or skipped)"
        )
    return warnings


def _log(
    con: duckdb.DuckDBPyConnection, r: LoadResult, started_at: datetime, sha256: str, source: str
) -> None:
    """Replace the file's quarantined rows with this load's (the quarantine keeps each file's
    latest load) and record the load."""
    con.execute("delete from quarantine where path = $path", {"path": r.path})
    con.execute(sql("quarantine_insert"), {"load_id": r.load_id, "kind": r.kind, "path": r.path})
    con.execute(
        "insert into load_log values ($id, $kind, $format, $path, $sha, $read, $loaded, "
        "$quarantined, $unmapped, $started, $finished, $warnings, $source)",
        {
            "id": r.load_id,
            "kind": r.kind,
            "format": r.format,
            "path": r.path,
            "sha": sha256,
            "read": r.rows_read,
            "loaded": r.rows_loaded,
            "quarantined": r.rows_quarantined,
            "unmapped": r.rows_unmapped,
            "started": started_at,
            "finished": datetime.now(UTC),
            "warnings": r.warnings,
            "source": source,
        },
    )


def _finished(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """The load's end by the wall clock, once committed (inside the transaction ``now()`` is
    the transaction's start)."""
    con.execute(
        "update load_log set finished_at = $t where load_id = $id",
        {"t": datetime.now(UTC), "id": load_id},
    )


# ---------------------------------------------------------------------------- helpers
class _Scratch:
    """The temporary objects of one load (tables, views, macros, session variables), dropped
    by ``drop`` — called in ``finally``, after the transaction has ended either way."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.objects: dict[str, str] = {}  # name → table, view or macro
        self.variables: set[str] = set()

    def macros(self) -> None:
        """The parsing helpers of macros.sql."""
        text = sql("macros")
        for name in re.findall(r"create or replace temp macro (\w+)", text):
            self.objects[name] = "macro"
        self.con.execute(text)

    def create(
        self, kind: str, name: str, select: str, params: dict[str, Any] | None = None
    ) -> None:
        """Create (or replace) temp ``kind`` (table or view) ``name`` as ``select``."""
        self.objects[name] = kind
        self.con.execute(f"create or replace temp {kind} {quote_ident(name)} as {select}", params)

    def define(self, name: str, columns: str) -> None:
        """Create (or replace) an empty temp table ``name`` with ``columns`` (DDL)."""
        self.objects[name] = "table"
        self.con.execute(f"create or replace temp table {quote_ident(name)} ({columns})")

    def variable(self, name: str, value: object) -> None:
        self.variables.add(name)
        self.con.execute(f"set variable {quote_ident(name)} = $value", {"value": value})

    def drop_now(self, name: str) -> None:
        """Drop one object before the load ends."""
        kind = self.objects.pop(name, None)
        if kind is not None:
            self.con.execute(f"drop {kind} if exists {quote_ident(name)}")

    def drop(self) -> None:
        statements = [
            f"drop {kind} if exists {quote_ident(name)};"
            for name, kind in reversed(self.objects.items())
        ]
        statements += [f"reset variable {quote_ident(v)};" for v in sorted(self.variables)]
        if statements:
            self.con.execute("\n".join(statements))
        self.objects.clear()
        self.variables.clear()


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


def _params(query: str, **values: object) -> dict[str, object]:
    """Only the parameters the query uses (DuckDB rejects unused ones)."""
    return {k: v for k, v in values.items() if f"${k}" in query}


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"
