"""Packs end to end: papermill → gate → offline HTML → manifest; failures never published."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from slm_analysis.errors import RenderError
from slm_analysis.packs import render_pack

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
pytestmark = pytest.mark.slow


def test_committed_notebooks_are_thin_and_parameterised() -> None:
    """(Outputs: tests/unit/test_notebooks_committed.py.)"""
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path
        # magics (`%%sql`) read as the calls IPython makes of them
        python = TransformerManager().transform_cell
        tree = ast.parse("\n".join(python(c.source) for c in nb.cells if c.cell_type == "code"))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        strings = [
            n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
        in_sql_cells = {id(n) for call in _sql_magics(tree) for n in ast.walk(call)}
        assert not [n.value for n in strings if "/" in n.value], path
        # SQL only in %sql / %%sql cells, which exist to show it
        assert not [
            n.value for n in strings if "select " in n.value.lower() and id(n) not in in_sql_cells
        ], path


def _sql_magics(tree: ast.AST) -> list[ast.Call]:
    """The ``%sql`` and ``%%sql`` magics of a notebook's code (as IPython runs them)."""
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in ("run_line_magic", "run_cell_magic")
        and n.args
        and isinstance(n.args[0], ast.Constant)
        and n.args[0].value == "sql"
    ]


def test_rendered_pack_is_self_contained(demo_pack: Path) -> None:
    html = demo_pack.read_text(encoding="utf-8")
    assert html.count("Plotly.newPlot") >= 5
    # plotly.js is inlined once, and the basic bundle is enough for the pack's charts
    assert html.count("* plotly.js (basic - minified) v4.1.1") == 1
    assert len(html.encode()) < 2_500_000
    external = re.findall(
        r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']?(?:https?:)?//""", html
    )
    assert external == []
    for forbidden in (
        "require.min.js",
        "MathJax.js",
        "mermaid",
        "papermill-error-cell",
        "import slm_analysis",
        "open_review(",
        'data-mime-type="application/vnd.jupyter.stderr"',
    ):
        assert forbidden not in html
    assert "Acme Retail Ltd" in html and "Globex" not in html
    # the demo's ticket title with a <script> tag is shown as text, not run
    assert "<script> tag in basket" not in html
    manifest = json.loads((demo_pack.parent / "manifest.json").read_text())
    assert manifest["parameters"]["customer"] == "acme" and manifest["charts"] >= 5
    assert {o["file"] for o in manifest["outputs"]} == {
        "service_review.ipynb",
        "service_review.html",
    }
    assert all("globex" not in x["file"] for x in manifest["inputs"]["exports"])


def test_failed_notebook_is_never_published(demo_env: dict[str, Path], tmp_path: Path) -> None:
    nb = nbformat.read(ROOT / "notebooks" / "service_review.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise ValueError('boom in cell')"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    reports = tmp_path / "reports"
    with pytest.raises(RenderError, match="ValueError: boom in cell") as info:
        render_pack(
            "acme",
            "2026-10",
            warehouse=demo_env["db"],
            catalogue=demo_env["catalogue"],
            reports=reports,
            template=broken,
        )
    assert "not published" in str(info.value)
    assert not (reports / "acme" / "2026-10").exists()
    assert (reports / "_failed" / "acme-2026-10.ipynb").exists()
    assert [p.name for p in (reports / "acme").iterdir()] == []  # no staging left behind


def test_render_cli_exit_code_on_failure(demo_env: dict[str, Path], tmp_path: Path) -> None:
    nb = nbformat.read(ROOT / "notebooks" / "service_review.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("1/0"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "slm_analysis",
            "--db",
            str(demo_env["db"]),
            "--catalogue",
            str(demo_env["catalogue"]),
            "render",
            "--customer",
            "globex",
            "--period",
            "2026-10",
            "--reports",
            str(tmp_path / "r"),
            "--template",
            str(broken),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 1
    assert "ZeroDivisionError" in r.stderr and "Traceback" not in r.stderr


def test_plain_papermill_cli_runs_the_notebook(demo_env: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.ipynb"
    env = {**os.environ, "SLM_DB": str(demo_env["db"]), "SLM_CATALOGUE": str(demo_env["catalogue"])}
    r = subprocess.run(
        [
            str(Path(sys.executable).parent / "papermill"),
            str(ROOT / "notebooks" / "service_review.ipynb"),
            str(out),
            "-p",
            "customer",
            "globex",
            "-p",
            "period",
            "2026-10",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    nb = nbformat.read(out, as_version=4)
    assert not nb.metadata.papermill.exception
    html = "".join(
        o.get("data", {}).get("text/html", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "Globex Logistics GmbH" in html


def test_bundle_choice_follows_the_trace_types() -> None:
    from slm_analysis.packs import plotly_bundle

    assert plotly_bundle({"scatter", "bar"}).lstrip().startswith("/**\n* plotly.js (basic")
    full = plotly_bundle({"scatter", "histogram"})
    assert "(basic" not in full[:200] and len(full) > 4_000_000


def test_every_notebook_runs_under_papermill(demo_env: dict[str, Path], tmp_path: Path) -> None:
    import papermill as pm

    params = {
        "customer": "globex",
        "period": "2026-10",
        "warehouse": str(demo_env["db"]),
        "catalogue": str(demo_env["catalogue"]),
    }
    for path in NOTEBOOKS:
        out = tmp_path / path.name
        pm.execute_notebook(
            str(path),
            str(out),
            parameters=params,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(ROOT),  # from the repository root; the lab test runs them in notebooks/
        )
        nb = nbformat.read(out, as_version=4)
        assert not nb.metadata.papermill.exception, path
        errors = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
            if o.get("output_type") == "error"
        ]
        assert errors == [], path


def test_the_running_month_renders_to_date(demo_env: dict[str, Path], tmp_path: Path) -> None:
    """November is still running when the demo's data ends (3 November 09:00 UTC): the pack
    says so on its cover and in its summary, and decides no target."""
    from slm_analysis.packs import render_pack

    result = render_pack(
        "acme", "2026-11", warehouse=demo_env["db"], catalogue=demo_env["catalogue"],
        reports=tmp_path,
    )  # fmt: skip
    html = Path(str(result.html)).read_text(encoding="utf-8")
    assert "November 2026, to date (as of 2026-11-03 09:00 UTC)" in html
    assert "November 2026 is in progress: the values are to date" in html
    assert 'Overall <span class="rag rag-grey">In progress</span>' in html
    targets = html[html.index('<table class="slm targets">') :]
    targets = targets[: targets.index("</table>")]
    badges = re.findall(r'<span class="rag rag-\w+">([^<]+)</span>', targets)
    assert badges and set(badges) <= {"In progress", "No data"}
    assert "No service credits are due." not in html  # nothing is decided yet


def test_a_template_that_fetches_anything_is_not_published(
    demo_env: dict[str, Path], tmp_path: Path
) -> None:
    """A custom template with a CSS url(https://…), a srcset and a relative image: three
    requests from an "offline" pack. The publish is refused and names them. On the way, what
    killed renders left is tidied: a staging folder (dead pid) and a replaced pack whose
    successor is published are removed, and a replaced pack whose successor never arrived (the
    kill came between the two renames) is put back."""
    nb = nbformat.read(ROOT / "notebooks" / "service_review.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_markdown_cell(
            '<div style="background: url(https://cdn.example/bg.png)">x</div>'
            '<img srcset="https://cdn.example/logo.png 2x"><img src="logo.png">'
        )
    )
    fetching = tmp_path / "fetching.ipynb"
    nbformat.write(nb, fetching)
    reports = tmp_path / "reports"
    stale = reports / "acme" / ".staging-2026-10-999999999-deadbeef"
    stale.mkdir(parents=True)
    (reports / "acme" / "2026-09").mkdir()
    (reports / "acme" / ".old-2026-09-0123abcd").mkdir()
    (reports / "acme" / ".old-2026-08-4567cdef" / "x").mkdir(parents=True)
    with pytest.raises(RenderError) as info:
        render_pack(
            "acme", "2026-10", warehouse=demo_env["db"], catalogue=demo_env["catalogue"],
            reports=reports, template=fetching,
        )  # fmt: skip
    assert str(info.value) == (
        "pack for acme 2026-10 not published: it refers to 3 resource(s) outside itself "
        "('https://cdn.example/bg.png', 'https://cdn.example/logo.png', 'logo.png'); packs must "
        "be self-contained — embed them as data: URIs or remove them from the template"
    )
    # nothing published, nothing staged; 2026-08 put back
    assert sorted(p.name for p in (reports / "acme").iterdir()) == ["2026-08", "2026-09"]
    assert (reports / "acme" / "2026-08" / "x").is_dir()


def test_a_customer_id_that_would_escape_reports_is_refused(tmp_path: Path) -> None:
    """`../../evil1` as a customer id: the catalogue is refused (exit 2) and nothing is
    written anywhere."""
    cat = tmp_path / "w" / "catalogue.yaml"
    cat.parent.mkdir()
    cat.write_text(
        "customers: [{id: ../../evil1, name: E}]\nservices: [{id: s, name: S}]\n"
        "agreements: [{id: a, customer: ../../evil1, services: [s], targets: []}]\n"
    )
    r = subprocess.run(
        [sys.executable, "-m", "slm_analysis", "--catalogue", str(cat), "--db",
         str(tmp_path / "w" / "w.duckdb"), "render", "--customer", "../../evil1", "--period",
         "2026-10", "--reports", str(tmp_path / "w" / "reports")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines()[:2] == [
        "error: the catalogue has 1 mistake:",
        f"  - {cat}:1: customers[0].id: found '../../evil1'; not a valid id; use letters, "
        "digits, '-' and '_', starting with a letter or digit, at most 64 characters (e.g. "
        "acme-retail)",
    ]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["catalogue.yaml", "w"]


def test_render_all_in_parallel_with_pdf_and_republish(
    demo_env: dict[str, Path], tmp_path: Path
) -> None:
    """`render --all --jobs 2 --pdf` publishes both customers' packs with a PDF printed by
    Chromium; rendering one again replaces it in place, leaving nothing else behind."""
    reports = tmp_path / "reports"
    common = [sys.executable, "-m", "slm_analysis", "--db", str(demo_env["db"]), "--catalogue",
              str(demo_env["catalogue"]), "render", "--period", "2026-10", "--reports",
              str(reports)]  # fmt: skip
    r = subprocess.run([*common, "--all", "--jobs", "2", "--pdf"], capture_output=True,
                       text=True, timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr
    # one line per pack as it finishes (in either order): customer, period, overall status,
    # seconds (masked), HTML and PDF
    assert sorted(re.sub(r"\t\d+\.\d s\t", "\tT s\t", r.stdout).splitlines()) == [
        f"{c}\t2026-10\tMissed\tT s\t{reports / c / '2026-10' / 'service_review.html'}\t"
        f"{reports / c / '2026-10' / 'service_review.pdf'}"
        for c in ("acme", "globex")
    ]
    index = (reports / "index-2026-10.html").read_text(encoding="utf-8")
    assert re.findall(r'<tr><td><a href="([^"]+)">([^<]+)</a></td>\n<td><span class="rag '
                      r'rag-\w+">(\w+)</span>.*?<a href="([^"]+)">PDF', index, re.DOTALL) == [
        ("acme/2026-10/service_review.html", "Acme Retail Ltd", "Missed",
         "acme/2026-10/service_review.pdf"),
        ("globex/2026-10/service_review.html", "Globex Logistics GmbH", "Missed",
         "globex/2026-10/service_review.pdf"),
    ]  # fmt: skip
    # the index says what each pack's summary says
    for c in ("acme", "globex"):
        pack = (reports / c / "2026-10" / "service_review.html").read_text(encoding="utf-8")
        assert 'Overall <span class="rag rag-red">Missed</span>' in pack
    for c in ("acme", "globex"):
        pdf = (reports / c / "2026-10" / "service_review.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 3
    first = json.loads((reports / "acme" / "2026-10" / "manifest.json").read_text())
    r = subprocess.run([*common, "--customer", "acme"], capture_output=True, text=True,
                       timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr
    second = json.loads((reports / "acme" / "2026-10" / "manifest.json").read_text())
    assert second["started_at"] >= first["started_at"] and second != first
    assert sorted(p.name for p in (reports / "acme").iterdir()) == ["2026-10"]
    assert sorted(p.name for p in (reports / "acme" / "2026-10").iterdir()) == [
        "manifest.json", "service_review.html", "service_review.ipynb"]  # fmt: skip
