"""Benchmark: how fast `slm --version` and `slm status` start, as process wall time.

Each command runs as a fresh process (``python -m slm_analysis …``, what the ``slm`` script
runs) on the demo warehouse, 5 times by default, the commands interleaved round-robin so that
a change in the machine's load falls on all of them alike. Reported per command: the median
wall time, the median CPU time of the process (user + system: steadier on a shared machine,
where other processes' load adds to wall time but not to CPU time), and both as ratios to the
floor measured in the same run — ``python -c pass``, the interpreter starting and stopping.
``python -c "import duckdb"`` is timed too: the floor of any command that reads the warehouse.

With ``--before DIR`` the same commands also run the slm_analysis package found in DIR (e.g.
``git archive <commit> slm_analysis | tar -x -C DIR``), interleaved with the current code.

Requirement (issue 12): `slm --version` ≤ 0.3 s and `slm status` ≤ 1 s (median of 5).

    .venv/bin/slm demo --end 2026-10 --no-render   # the demo warehouse, once
    .venv/bin/python benchmarks/cli_start.py [--repeat N] [--db PATH] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMPTY = tempfile.mkdtemp(prefix="slm-bench-")


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one process running ``argv``, in an empty
    folder (so that ``-m slm_analysis`` finds the package installed or on PYTHONPATH, not one
    in the current folder)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(
        argv, env=env, cwd=EMPTY, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed: {done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--db", type=Path, default=Path("data/warehouse.duckdb"))
    ap.add_argument("--before", type=Path, help="a folder holding an older slm_analysis")
    args = ap.parse_args()
    if not args.db.exists():
        sys.exit(f"no warehouse at {args.db}: run `.venv/bin/slm demo --end 2026-10 --no-render`")
    db = str(args.db.resolve())
    py = sys.executable
    env = {k: v for k, v in os.environ.items() if k not in ("SLM_DB", "SLM_CATALOGUE")}
    slm = [py, "-m", "slm_analysis"]
    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass (floor)": ([py, "-c", "pass"], env),
        "python -c 'import duckdb'": ([py, "-c", "import duckdb"], env),
        "slm --version": ([*slm, "--version"], env),
        "slm status": ([*slm, "--db", db, "status"], env),
    }
    if args.before:
        old = {**env, "PYTHONPATH": str(args.before.resolve())}
        cases["before: slm --version"] = ([*slm, "--version"], old)
        cases["before: slm status"] = ([*slm, "--db", db, "status"], old)
    load_before = os.getloadavg()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for argv, e in cases.values():  # one warm-up each: the page cache, .pyc files
        run_once(argv, e)
    for _ in range(args.repeat):
        for name, (argv, e) in cases.items():
            times[name].append(run_once(argv, e))
    load_after = os.getloadavg()
    floor_wall = statistics.median(w for w, _ in times["python -c pass (floor)"])
    floor_cpu = statistics.median(c for _, c in times["python -c pass (floor)"])
    print(
        f"{'command':28} {'wall (median)':>14} {'× floor':>8} {'CPU (median)':>13} {'× floor':>8}"
    )
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(
            f"{name:28} {wall:>12.3f} s {wall / floor_wall:>7.1f}× {cpu:>11.3f} s "
            f"{cpu / floor_cpu:>7.1f}×"
        )
    print(
        f"machine              {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.machine()}, {args.repeat} runs per command (median), interleaved"
    )
    print(
        "load average         before "
        + " ".join(f"{x:.2f}" for x in load_before)
        + ", after "
        + " ".join(f"{x:.2f}" for x in load_after)
    )


if __name__ == "__main__":
    main()
