"""Fast start: `slm --version` and `slm status` import only what they use.

Each command runs in a fresh interpreter under ``python -X importtime``, which writes one line
per module imported to standard error; the test reads the names from those lines. Timing is
not asserted here (benchmarks/cli_start.py measures it); what is asserted is behaviour: the
notebook, plotting and statistics libraries — seconds of imports between them — are never
loaded by these commands, nor pandas and pydantic by `slm status`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from slm_analysis import warehouse

# never imported by `slm --version` or `slm status`
HEAVY = {"plotly", "papermill", "nbconvert", "nbformat", "jupyter_client", "scipy", "jsonschema"}
# not by `slm status` either: the catalogue's and the loader's libraries
LOADER = {"pandas", "numpy", "pydantic", "yaml", "holidays", "icalendar"}


def imported(*args: str, cwd: Path) -> tuple[int, str, set[str]]:
    """Exit code, standard output and the top-level packages imported by ``slm ARGS``."""
    env = {k: v for k, v in os.environ.items() if k not in ("SLM_DB", "SLM_CATALOGUE")}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "slm_analysis", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in run.stderr.splitlines()
        if line.startswith("import time:") and not line.endswith("| imported package")
    }
    return run.returncode, run.stdout, names


def test_version_imports_no_heavy_library(tmp_path: Path) -> None:
    code, out, names = imported("--version", cwd=tmp_path)
    assert (code, out) == (0, "slm, version 0.1.0\n")
    assert "slm_analysis" in names and "click" in names  # the lines were read
    assert names & (HEAVY | LOADER | {"duckdb", "rich"}) == set()


def test_status_imports_neither_notebook_nor_loader_libraries(tmp_path: Path) -> None:
    with warehouse.session(tmp_path / "w.duckdb"):
        pass  # an empty warehouse of the current schema
    code, out, names = imported("--db", "w.duckdb", "status", cwd=tmp_path)
    assert code == 0
    assert out.startswith(" " * 22 + "Warehouse w.duckdb")
    assert {"duckdb", "rich", "slm_analysis"} <= names
    assert names & (HEAVY | LOADER) == set()


def test_status_json_imports_no_table_library(tmp_path: Path) -> None:
    with warehouse.session(tmp_path / "w.duckdb"):
        pass
    code, out, names = imported("--db", "w.duckdb", "status", "--format", "json", cwd=tmp_path)
    assert code == 0
    assert out.startswith('{\n  "warehouse": "w.duckdb",')
    assert names & (HEAVY | LOADER | {"rich"}) == set()
