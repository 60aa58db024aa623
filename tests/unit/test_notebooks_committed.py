"""Notebooks are committed without outputs: no outputs, no execution counts, in the package's
notebooks and in the checkout's notebooks/ (links to them) alike, so diffs show only what
changed in the source."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = (ROOT / "notebooks", ROOT / "slm_analysis" / "notebooks")
NOTEBOOKS = sorted(
    p
    for folder in FOLDERS
    for p in folder.rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts  # JupyterLab's copies, ignored by git
)


def run_leftovers(path: Path) -> list[str]:
    """What a run left in the notebook at ``path``: one line per code cell with outputs or an
    execution count."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for number, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {number}: {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {number}: execution count {cell.execution_count}")
    return found


def test_there_are_notebooks_in_both_folders() -> None:
    assert {p.parent for p in NOTEBOOKS} == set(FOLDERS)
    assert "service_review.ipynb" in {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_without_outputs(path: Path) -> None:
    assert run_leftovers(path) == [], (
        f"{path.relative_to(ROOT)} was committed after a run; clear it (JupyterLab: Edit → Clear "
        "Outputs of All Cells, then save; or jupyter nbconvert --clear-output --inplace)"
    )


def test_a_run_notebook_is_caught(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("1 + 1", execution_count=3),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell(
            "print(2)", outputs=[nbformat.v4.new_output("stream", name="stdout", text="2\n")]
        ),
    ]
    nbformat.write(nb, tmp_path / "run.ipynb")
    assert run_leftovers(tmp_path / "run.ipynb") == [
        "cell 2: execution count 3",
        "cell 4: 1 output(s)",
    ]
