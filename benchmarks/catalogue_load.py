"""Benchmark: loading and checking a catalogue of 10,000 customers and 10,000 services.

The generated catalogue is what a large managed-service provider might keep: a few calendars
(office hours with public holidays, 24x7), N customers, N services, one mapping rule per
customer, one agreement per customer (its own service plus a shared one; four targets: response,
resolution, availability, satisfaction) and a recurring maintenance window for every tenth
service, in block style as people write it.

Timed, each in a fresh process that reports its own time and peak memory (RSS):
- ``yaml``: the baseline, measured in the same run — PyYAML's C loader reading the file into
  Python objects (``yaml.load(text, Loader=yaml.CSafeLoader)``), nothing checked or validated;
  ``yaml-paused``: the same with Python's garbage collector paused, as slm pauses it;
- ``load``: ``load_catalogue(path)`` — the file read, the YAML limits (size, aliases, duplicate
  keys, nesting), every field and reference validated;
- ``check``: what ``slm check`` does, ``workflows.run_check`` on an empty warehouse file: the
  catalogue loaded, then every customer's agreements and data coverage looked up;
- ``laughs``: a "billion laughs" catalogue (nine anchors, each a list of nine aliases of the
  one before: 10⁹ values once expanded) refused by ``parse_catalogue``, against ``import``:
  a process that only imports the catalogue module (the floor of the peak RSS).

    .venv/bin/python benchmarks/catalogue_load.py [--customers N] [--repeat N] [--kinds K,K]
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

CALENDARS = """calendars:
  uk-office:
    timezone: Europe/London
    hours: {mon-fri: ["08:00-12:30", "13:30-18:00"]}
    holidays: {country: GB, subdivision: ENG}
  us-office:
    timezone: America/New_York
    hours: {mon-fri: "09:00-17:00"}
    holidays: {country: US, subdivision: NY}
  de-office:
    timezone: Europe/Berlin
    hours: {mon-fri: "08:00-17:00", sat: "09:00-12:00"}
    holidays: {country: DE, subdivision: BE}
  always:
    timezone: UTC
    hours: 24x7
"""
ZONES = ("Europe/London", "America/New_York", "Europe/Berlin")
OFFICES = ("uk-office", "us-office", "de-office")


def catalogue_text(n: int) -> str:
    """A catalogue of ``n`` customers, ``n`` services (plus one shared), ``n`` mapping rules,
    ``n`` agreements of four targets and ``n / 10`` maintenance windows."""
    out = [CALENDARS, "customers:\n"]
    for i in range(n):
        out.append(f"  - id: cust-{i:05d}\n    name: Customer {i}\n    timezone: {ZONES[i % 3]}\n")
    out.append("services:\n  - id: shared-portal\n    name: Shared portal\n")
    for i in range(n):
        out.append(
            f"  - id: svc-{i:05d}\n    name: Service {i}\n    owner: Team {i % 50}\n"
            f"    offerings: [Gold, Silver]\n"
        )
    out.append("mapping:\n")
    for i in range(n):
        out.append(
            f"  - match: {{company: Company {i}, business_service: [Service {i}, Portal]}}\n"
            f"    customer: cust-{i:05d}\n    service: svc-{i:05d}\n"
        )
    out.append("agreements:\n")
    for i in range(n):
        office = OFFICES[i % 3]
        out.append(
            f"""  - id: sla-{i:05d}
    customer: cust-{i:05d}
    services: [svc-{i:05d}, shared-portal]
    effective_from: 2025-01-01
    clock: {{pause_states: [On Hold, Awaiting Caller], reopen: first}}
    targets:
      - {{id: p1-response, metric: response_time, priority: 1, within: 15m, calendar: always, objective: 95}}
      - {{id: p2-resolution, metric: resolution_time, priority: [2, 3], within: 8h, calendar: {office}, objective: 90, warning: 92}}
      - {{id: availability, metric: availability, services: [svc-{i:05d}], calendar: {office}, objective: 99.5, credits: [{{below: 99, credit_percent: 5}}]}}
      - {{id: satisfaction, metric: satisfaction, objective: 4.2}}
"""
        )
    out.append("maintenance:\n")
    for i in range(0, n, 10):
        out.append(
            f"  - id: patch-{i:05d}\n    services: [svc-{i:05d}]\n    timezone: {ZONES[i % 3]}\n"
            f"    start: 2025-01-05T02:00:00\n    rrule: FREQ=MONTHLY;BYDAY=1SU\n"
            f"    duration: 4h\n"
        )
    return "".join(out)


LAUGHS = (
    "customers: []\nservices: []\ncalendars:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"  {b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
)


def one(which: str, path: Path, db: Path) -> float:
    """Run one measurement in this process; its seconds."""
    if which in ("laughs", "import"):
        from slm_analysis.catalogue import parse_catalogue
        from slm_analysis.errors import CatalogueError

        t = time.perf_counter()
        if which == "laughs":
            try:
                parse_catalogue(LAUGHS, "laughs.yaml")
                raise AssertionError("a billion laughs was accepted")
            except CatalogueError as exc:
                assert "aliases of a file may add at most" in str(exc), str(exc)
        return time.perf_counter() - t
    if which in ("yaml", "yaml-paused"):
        t = time.perf_counter()
        if which == "yaml-paused":
            gc.disable()
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        elapsed = time.perf_counter() - t
        assert len(data["services"]) > 1
        return elapsed
    if which == "load":
        from slm_analysis.catalogue import load_catalogue

        t = time.perf_counter()
        cat = load_catalogue(path)
        elapsed = time.perf_counter() - t
        assert len(cat.services) > 1
        return elapsed
    from slm_analysis.workflows import run_check

    t = time.perf_counter()
    problems = run_check(db, path)
    elapsed = time.perf_counter() - t
    assert all(level != "error" or "no incidents loaded" in text for level, text in problems), (
        problems[:3]
    )
    return elapsed


def measure(which: str, path: Path, db: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one run in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", which, str(path), str(db)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    seconds, peak = json.loads(out)
    return seconds, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--kinds",
        default="yaml,yaml-paused,load,check,import,laughs",
        help="what to time, of yaml,yaml-paused,load,check,import,laughs (yaml, the baseline, "
        "always)",
    )
    ap.add_argument("--write", type=Path, help="only write the catalogue to this file")
    ap.add_argument("--empty-warehouse", type=Path, help=argparse.SUPPRESS)  # child
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)  # child: WHICH PATH DB
    args = ap.parse_args()
    if args.one:
        which, path, db = args.one
        seconds = one(which, Path(path), Path(db))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps([seconds, peak]))
        return
    if args.write:
        args.write.write_text(catalogue_text(args.customers), encoding="utf-8")
        return
    if args.empty_warehouse:
        from slm_analysis import warehouse

        warehouse.connect(args.empty_warehouse).close()
        return
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "catalogue.yaml"
        db = path.with_suffix(".duckdb")
        # written by children: on Linux a child's peak RSS counts the pages of the parent it was
        # forked from, so the parent stays small (no catalogue text, no DuckDB)
        me = [sys.executable, __file__]
        subprocess.run([*me, "--customers", str(args.customers), "--write", str(path)], check=True)
        subprocess.run([*me, "--empty-warehouse", str(db)], check=True)
        with path.open(encoding="utf-8") as f:
            lines = sum(1 for _ in f)
        print(
            f"catalogue: {args.customers:,} customers, {args.customers + 1:,} services, "
            f"{path.stat().st_size / 2**20:.1f} MiB, {lines:,} lines"
        )
        kinds = ["yaml", *(k for k in args.kinds.split(",") if k != "yaml")]
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}
        for _ in range(args.repeat):
            for k in kinds:  # alternating, so a busy spell of the machine hits all alike
                runs[k].append(measure(k, path, db))
        base = statistics.median(t for t, _ in runs["yaml"])
        for k in kinds:
            med = statistics.median(t for t, _ in runs[k])
            best = min(t for t, _ in runs[k])
            peak = max(m for _, m in runs[k])
            if k in ("import", "laughs"):
                print(f"{k:11}: median {med * 1000:.1f} ms, peak RSS {peak:.0f} MiB")
                continue
            print(
                f"{k:11}: median {med:.2f} s, best {best:.2f} s, {med / base:.2f}× the C "
                f"loader alone; peak RSS {peak:.0f} MiB (median of {args.repeat})"
            )
    print(
        f"python {platform.python_version()}, pyyaml {yaml.__version__} "
        f"(libyaml {yaml.__with_libyaml__}), {platform.machine()}"
    )


if __name__ == "__main__":
    main()
