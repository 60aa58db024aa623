"""Benchmark: rendering review packs — one pack against the floor, and ``--jobs 2`` against 1.

Workspace: the demo (``slm demo --end 2026-10``: acme and globex) built once under
``benchmarks/out/render/`` and reused. Three measurements, each against a baseline timed in the
same run:

1. One pack end to end (``render_pack("acme", "2026-10")``: catalogue, period check, papermill,
   gate, HTML export, manifest, publish) against the floor: papermill executing a trivial
   notebook in-process with the same settings (``packs._execute``: IPC kernel, immediate
   shutdown) plus the same HTML export (``packs._to_html``). Pack and floor runs alternate, so
   drift in the machine's load counts against both. Issue 12's target: ≤ 1.5× the floor.
2. Where the pack's time goes: the executed notebook's per-cell durations (papermill records
   them), the kernel's start and stop (total minus the cells), and the HTML export of the pack.
3. Eight packs (acme and globex × 2026-07 … 2026-10) with ``render_many(workers=1)`` and
   ``workers=2``, alternating. Target: ``--jobs 2`` ≥ 1.8× faster.

    .venv/bin/python benchmarks/render.py [--repeat N] [--parallel-repeat N]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from slm_analysis import packs
from slm_analysis.periods import Period
from slm_analysis.workflows import run_demo

OUT = Path(__file__).resolve().parent / "out" / "render"
PERIODS = ("2026-07", "2026-08", "2026-09", "2026-10")
CUSTOMERS = ("acme", "globex")
PARAMETERS = (  # the pack notebook's parameters, so papermill injects the same cell
    'customer: str = "acme"\nperiod: str = "2026-10"\nwarehouse: str = ""\n'
    'catalogue: str = ""\nas_of: str = ""'
)


def workspace() -> tuple[Path, Path]:
    """The demo warehouse and catalogue (built on first use)."""
    db, cat = OUT / "warehouse.duckdb", OUT / "catalogue.yaml"
    if not (db.exists() and cat.exists()):
        OUT.mkdir(parents=True, exist_ok=True)
        run_demo(db, cat, OUT / "raw", end="2026-10", render=False, echo=lambda _: None)
    return db, cat


def trivial_notebook(folder: Path) -> Path:
    """A notebook with the pack's parameters cell and one cell that prints a line."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("print(customer, period)")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "trivial.ipynb"
    nbformat.write(nb, path)
    return path


def floor_run(tpl: Path, scratch: Path) -> float:
    """papermill on the trivial notebook + the pack's HTML export, as render_pack calls them."""
    started = datetime.now(UTC)
    t = time.perf_counter()
    out = scratch / "trivial-out.ipynb"
    params = {
        "customer": "acme",
        "period": "2026-10",
        "warehouse": "",
        "catalogue": "",
        "as_of": "",
    }
    packs._execute(tpl, out, params, 600, scratch, "acme", Period.parse("2026-10"))
    packs._to_html(nbformat.read(out, as_version=4), tpl, started)
    return time.perf_counter() - t


def pack_run(db: Path, cat: Path, reports: Path) -> tuple[float, Path]:
    t = time.perf_counter()
    r = packs.render_pack("acme", "2026-10", warehouse=db, catalogue=cat, reports=reports)
    assert r.ok and r.notebook
    return time.perf_counter() - t, Path(r.notebook)


def breakdown(executed: Path, wall: float) -> None:
    """Where one pack's time went, from papermill's per-cell durations."""
    nb = nbformat.read(executed, as_version=4)
    total = float(nb.metadata.papermill.duration)
    cells = [
        (float(c.metadata.papermill.duration or 0), c.source.splitlines()[-1][:60])
        for c in nb.cells
        if c.cell_type == "code" and "papermill" in c.metadata
    ]
    in_cells = sum(d for d, _ in cells)
    t = time.perf_counter()
    packs._to_html(nb, executed, datetime.now(UTC))
    export = time.perf_counter() - t
    print(f"  pack wall                  {wall:6.2f} s")
    print(f"  papermill total            {total:6.2f} s")
    print(f"    kernel start/stop etc.   {total - in_cells:6.2f} s")
    print(f"    all {len(cells):2d} cells             {in_cells:6.2f} s")
    for d, src in sorted(cells, reverse=True)[:6]:
        print(f"      {d:6.2f} s  {src}")
    print(f"  HTML export (again)        {export:6.2f} s")
    print(f"  rest (catalogue, checks, manifest, publish) {wall - total - export:6.2f} s")


def many(db: Path, cat: Path, workers: int, root: Path) -> float:
    reports = root / f"jobs{workers}"
    shutil.rmtree(reports, ignore_errors=True)
    jobs = [(c, p) for p in PERIODS for c in CUSTOMERS]
    t = time.perf_counter()
    results = packs.render_many(jobs, workers=workers, warehouse=db, catalogue=cat, reports=reports)
    wall = time.perf_counter() - t
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return wall


def cpu() -> float:
    """CPU seconds of this process and its finished children (the kernels): steadier than wall
    time on a shared machine, where other processes' load stretches wall time."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


CPU: dict[str, list[float]] = {}


def measured(label: str, fn: Callable[[], float]) -> Callable[[], float]:
    """``fn`` (returning its wall time) that also records its CPU seconds under ``label``."""

    def run() -> float:
        c = cpu()
        wall = fn()
        CPU.setdefault(label, []).append(cpu() - c)
        return wall

    return run


def alternate(
    a: Callable[[], float], b: Callable[[], float], repeat: int
) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for _ in range(repeat):
        xs.append(a())
        ys.append(b())
    return xs, ys


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="single-pack / floor pairs")
    ap.add_argument("--parallel-repeat", type=int, default=1, help="jobs 1 / jobs 2 pairs")
    ap.add_argument("--skip-parallel", action="store_true")
    args = ap.parse_args()
    db, cat = workspace()
    print(f"machine              {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.machine()}; load average before {load()}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="slm-bench-render-") as tmp:
        scratch = Path(tmp)
        tpl = trivial_notebook(scratch)
        floor_run(tpl, scratch)  # warm: first imports of papermill and nbconvert
        last: list[Path] = []

        def one_pack() -> float:
            wall, executed = pack_run(db, cat, scratch / "single")
            last.append(executed)
            return wall

        floors, pack_walls = alternate(
            measured("floor", lambda: floor_run(tpl, scratch)),
            measured("pack", one_pack),
            args.repeat,
        )
        floor, pack = statistics.median(floors), statistics.median(pack_walls)
        print(f"floor (trivial notebook + HTML export)  median {floor:.2f} s  "
              f"runs {', '.join(f'{x:.2f}' for x in floors)}")  # fmt: skip
        print(f"one pack end to end                     median {pack:.2f} s  "
              f"runs {', '.join(f'{x:.2f}' for x in pack_walls)}")  # fmt: skip
        print(f"pack / floor                            {pack / floor:.1f}x  (target <= 1.5x)")
        cf, cp = statistics.median(CPU["floor"]), statistics.median(CPU["pack"])
        print(f"CPU seconds (process + kernels)         floor {cf:.2f} s, pack {cp:.2f} s: "
              f"{cp / cf:.1f}x")  # fmt: skip
        breakdown(last[-1], pack_walls[-1])
        print(f"load average after single-pack runs: {load()}")
        if args.skip_parallel:
            return
        ones, twos = alternate(
            measured("jobs1", lambda: many(db, cat, 1, scratch)),
            measured("jobs2", lambda: many(db, cat, 2, scratch)),
            args.parallel_repeat,
        )
        one, two = min(ones), min(twos)
        print(f"8 packs, --jobs 1                       best {one:.1f} s  "
              f"runs {', '.join(f'{x:.1f}' for x in ones)}")  # fmt: skip
        print(f"8 packs, --jobs 2                       best {two:.1f} s  "
              f"runs {', '.join(f'{x:.1f}' for x in twos)}")  # fmt: skip
        print(f"speed-up                                {one / two:.2f}x  (target >= 1.8x)")
        print(f"CPU seconds (process + workers + kernels) --jobs 1 {min(CPU['jobs1']):.1f} s, "
              f"--jobs 2 {min(CPU['jobs2']):.1f} s")  # fmt: skip
        print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
