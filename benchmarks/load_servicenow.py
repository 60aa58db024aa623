"""Benchmark: loading a 1,000,000-incident ServiceNow list export, against DuckDB alone.

The baseline, measured in the same run on the same file, is DuckDB reading the CSV into a table
(`create table as select * from read_csv(...)`, types detected). The load is `load_file`:
detection, staging, validation with quarantine, mapping through catalogue rules and the
idempotent upsert, in one transaction. Both write to a database file (as `slm load` always
does), and then both to an in-memory database. Each measurement runs in a fresh process, which
reports its time and its own peak memory (RSS). Last, the same export gzip-compressed, and the
same export with Windows (CRLF) line endings, are loaded into a file, against DuckDB alone
reading the same file.

    .venv/bin/python benchmarks/load_servicenow.py [--rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from slm_analysis import warehouse
from slm_analysis.catalogue import parse_catalogue
from slm_analysis.importers import load_file

CATALOGUE = parse_catalogue("""
customers: [{id: acme, name: Acme}, {id: globex, name: Globex}]
services: [{id: email, name: Email}, {id: erp, name: ERP}]
mapping:
  - {match: {company: Acme Retail Ltd, business_service: Email}, customer: acme, service: email}
  - {match: {company: Globex Logistics GmbH, business_service: ERP}, customer: globex, service: erp}
""")


def generate(path: Path, rows: int, updated: str = "3 day") -> None:
    """A ServiceNow incident list export (field-name headers, display values), written by DuckDB;
    ``updated``: how long after its opening each incident was last updated."""
    duckdb.execute(f"""
        copy (
            select
                'INC' || lpad(i::varchar, 8, '0') as number,
                strftime(t, '%Y-%m-%d %H:%M:%S') as opened_at,
                'Short description ' || (i % 997) as short_description,
                'Caller ' || (i % 5000) as caller_id,
                ['1 - Critical', '2 - High', '3 - Moderate', '4 - Low'][1 + (i % 4)] as priority,
                case when i % 10 = 0 then 'In Progress' else 'Closed' end as state,
                'Software' as category,
                'Group ' || (i % 40) as assignment_group,
                'Agent ' || (i % 300) as assigned_to,
                case when i % 2 = 0 then 'Acme Retail Ltd' else 'Globex Logistics GmbH' end
                    as company,
                case when i % 2 = 0 then 'Email' else 'ERP' end as business_service,
                'CI-' || (i % 100) as cmdb_ci,
                case when i % 10 = 0 then '' else strftime(t + interval 7 hour, '%Y-%m-%d %H:%M:%S')
                    end as resolved_at,
                case when i % 10 = 0 then '' else strftime(t + interval 3 day, '%Y-%m-%d %H:%M:%S')
                    end as closed_at,
                0 as reopen_count,
                'true' as made_sla,
                '' as major_incident_state,
                strftime(t + interval '{updated}', '%Y-%m-%d %H:%M:%S') as sys_updated_on
            from (
                select range as i,
                    timestamp '2025-01-01' + to_seconds((range * 31) % 31536000) as t
                from range({rows})
            )
        ) to '{path}' (header, delimiter ',')
    """)


def baseline(path: Path, target: str) -> float:
    con = duckdb.connect(target)
    t = time.perf_counter()
    con.execute("create or replace table t as select * from read_csv($p)", {"p": str(path)})
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def ours(path: Path, target: str, which: str) -> float:
    """slm's load (``slm``); ``again``: the same export a second time into the warehouse the
    first load filled, which must write nothing; ``newer``: a newer export of the same
    incidents into it, which rewrites every row (``newer-shared``: with ``--shared-source``,
    which skips the check against other customers' records)."""
    con = warehouse.connect(target)
    t = time.perf_counter()
    r = load_file(
        con,
        "incidents",
        path,
        catalogue=CATALOGUE,
        timezone="Europe/London",
        shared_source=which == "newer-shared",
    )
    elapsed = time.perf_counter() - t
    written = 0 if which == "again" else r.rows_read
    assert r.rows_loaded == written and not r.rows_quarantined and not r.rows_unmapped, r.summary()
    con.close()
    return elapsed


def measure(which: str, path: Path, target: str) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one run in a fresh process."""
    run = subprocess.run(
        [sys.executable, __file__, "--one", which, str(path), target],
        capture_output=True,
        text=True,
    )
    if run.returncode:
        raise SystemExit(f"{which} {path} failed:\n{run.stderr}")
    out = run.stdout
    seconds, peak = json.loads(out)
    return seconds, peak


def versus(path: Path, folder: Path, prefix: str, repeat: int) -> tuple[float, float]:
    """Median seconds of DuckDB alone and of slm loading ``path`` into fresh warehouse files,
    alternating, ``repeat`` times each."""
    runs: dict[str, list[float]] = {"duckdb": [], "slm": []}
    for k in range(repeat):
        for which in runs:
            runs[which].append(measure(which, path, str(folder / f"{prefix}-{which}{k}.db"))[0])
    return statistics.median(runs["duckdb"]), statistics.median(runs["slm"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)  # child: WHICH PATH TARGET
    args = ap.parse_args()
    if args.one:
        which, path, target = args.one
        if which == "duckdb":
            seconds = baseline(Path(path), target)
        else:
            seconds = ours(Path(path), target, which)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps([seconds, peak]))
        return
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "incidents.csv"
        generate(path, args.rows)
        size = path.stat().st_size / 2**20
        print(f"export: {args.rows:,} incidents, {size:.0f} MiB")
        medians: dict[str, float] = {}
        for label in ("file", "memory"):
            runs: dict[str, list[tuple[float, float]]] = {"duckdb": [], "slm": []}
            for k in range(args.repeat):
                for which in runs:
                    target = ":memory:" if label == "memory" else str(Path(d) / f"{which}{k}.db")
                    runs[which].append(measure(which, path, target))
            b = statistics.median(t for t, _ in runs["duckdb"])
            o = statistics.median(t for t, _ in runs["slm"])
            medians[label] = o
            print(
                f"{label:6}: DuckDB read_csv → table {b:.2f} s; slm load {o:.2f} s; "
                f"ratio {o / b:.2f} (median of {args.repeat}); peak RSS DuckDB "
                f"{max(m for _, m in runs['duckdb']):.0f} MiB, slm {max(m for _, m in runs['slm']):.0f} MiB"
            )
        # the same export again into the filled warehouse file: nothing changes, nothing written
        repeat = statistics.median(
            measure("again", path, str(Path(d) / f"slm{k}.db"))[0] for k in range(args.repeat)
        )
        print(f"again : the same export into the loaded warehouse file {repeat:.2f} s")
        # a newer export of the same incidents into copies of the loaded warehouse: every row is
        # rewritten, after the check that no row is another customer's; --shared-source skips
        # that check (the baseline of this line). Each is updated two hours later: a minute
        # could land in the hour summer time skips, where the stored update stays the newer.
        newer = Path(d) / "incidents-newer.csv"
        generate(newer, args.rows, "3 day 2 hour")
        upd: dict[str, list[float]] = {"newer": [], "newer-shared": []}
        for k in range(args.repeat):
            for which in upd:
                db = Path(d) / f"{which}{k}.db"
                shutil.copyfile(Path(d) / f"slm{k}.db", db)
                upd[which].append(measure(which, newer, str(db))[0])
        o = statistics.median(upd["newer"])
        b = statistics.median(upd["newer-shared"])
        print(
            f"newer : a newer export into the loaded warehouse file {o:.2f} s; with "
            f"--shared-source (no key check) {b:.2f} s; ratio {o / b:.2f}"
        )
        # the same export gzip-compressed (DuckDB alone recognises it by its .gz suffix; slm by
        # its content), into a warehouse file
        packed = Path(d) / "incidents.csv.gz"
        with path.open("rb") as f, gzip.open(packed, "wb", compresslevel=6) as g:
            shutil.copyfileobj(f, g, 1 << 20)
        b, o = versus(packed, Path(d), "gz", args.repeat)
        print(
            f"gzip  : {packed.stat().st_size / 2**20:.0f} MiB compressed; DuckDB read_csv → table "
            f"{b:.2f} s; slm load {o:.2f} s; ratio {o / b:.2f}; slm gzip / plain "
            f"{o / medians['file']:.2f}"
        )
        # the same export with Windows line endings (CRLF), as Excel writes it, into a file
        crlf = Path(d) / "incidents-crlf.csv"
        with path.open("rb") as f, crlf.open("wb") as w:
            for block in iter(lambda: f.read(1 << 20), b""):
                w.write(block.replace(b"\n", b"\r\n"))  # no line breaks inside values
        b, o = versus(crlf, Path(d), "crlf", args.repeat)
        print(
            f"crlf  : DuckDB read_csv → table {b:.2f} s; slm load {o:.2f} s; ratio {o / b:.2f}; "
            f"slm CRLF / LF {o / medians['file']:.2f}"
        )
    print(f"python {platform.python_version()}, duckdb {duckdb.__version__}, {platform.machine()}")


if __name__ == "__main__":
    main()
