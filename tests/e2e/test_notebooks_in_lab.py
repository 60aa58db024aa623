"""The notebooks run as an analyst runs them in JupyterLab: a kernel started in notebooks/ (as
JupyterLab starts it, in the notebook's folder), every cell in order as *Run All* does, no
injected parameters, no SLM_* variables — the workspace is found by walking up from
notebooks/ to the committed slm.toml. (tests/e2e/test_packs.py runs them under papermill.)"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from slm_analysis.paths import workspace

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def checkout(demo_env: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checkout as an analyst has it after `slm demo`, in a temporary folder: the committed
    slm.toml, notebooks/ with the same links to the package's notebooks, and the session's demo
    catalogue, warehouse and review files where slm.toml puts them."""
    root = tmp_path_factory.mktemp("checkout")
    shutil.copy(ROOT / "slm.toml", root / "slm.toml")
    (root / "notebooks").mkdir()
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        (root / "notebooks" / notebook.name).symlink_to(notebook.resolve())
    ws = workspace(root)
    ws.warehouse.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(demo_env["db"], ws.warehouse)
    shutil.copy2(demo_env["catalogue"], ws.catalogue)
    shutil.copytree(demo_env["root"] / "reviews", ws.reviews)
    return root


def kernel_says(km: KernelManager, code: str) -> str:
    """What ``code`` prints in the kernel of ``km``."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        printed: list[str] = []

        def keep(msg: dict[str, Any]) -> None:
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])

        kc.execute_interactive(code, output_hook=keep, timeout=60)
    finally:
        kc.stop_channels()
    return "".join(printed)


def run_all(path: Path, env: dict[str, str]) -> tuple[str, nbformat.NotebookNode]:
    """Run the notebook at ``path`` as JupyterLab's *Run All* does, in a new kernel started in
    the notebook's folder: what the kernel says its folder and SLM_HOME are, and the run."""
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(path.parent), env=env)
    try:
        where = kernel_says(km, "import os; print(os.getcwd(), os.environ.get('SLM_HOME'))")
        NotebookClient(nb, km=km, timeout=600, allow_errors=True).execute()
    finally:
        km.shutdown_kernel(now=True)
    return where, nb


def test_every_notebook_runs_with_its_kernel_in_notebooks(checkout: Path) -> None:
    folder = checkout / "notebooks"
    paths = sorted(folder.glob("*.ipynb"))
    assert [p.name for p in paths] == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLM_")}
    errors: dict[str, list[str]] = {}
    html = ""
    for path in paths:
        where, nb = run_all(path, env)
        assert where == f"{folder.resolve()} None\n", path.name
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), path.name
        found = [
            f"cell {n}: {o.ename}: {o.evalue}"
            for n, c in enumerate(nb.cells, 1)
            for o in c.get("outputs", [])
            if o.output_type == "error"
        ]
        if found:
            errors[path.name] = found
        html += "".join(o.get("data", {}).get("text/html", "") for c in code for o in c.outputs)
    assert errors == {}
    # the defaults of the parameters cells (acme, 2026-10) against the workspace's warehouse
    assert "Acme Retail Ltd" in html
