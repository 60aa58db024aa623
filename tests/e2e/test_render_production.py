"""`slm render` for schedulers: `--shard I/N` partitions `--all` exactly (n = 1..4, each pack
rendered once), one line per published pack (and an error per failed one) when not on a
terminal, the index of the period afterwards, and a timed-out cell is reported by its source."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from click.testing import CliRunner

from slm_analysis import packs
from slm_analysis.cli import main
from slm_analysis.errors import RenderError

ROOT = Path(__file__).resolve().parents[2]
IDS = ["kilo", "alpha", "juliet", "bravo", "india", "charlie", "hotel"]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A catalogue of seven customers, one of whose agreements ended before 2026."""
    lines = ["customers:"] + [f"  - {{id: {c}, name: {c.title()} Ltd}}" for c in IDS]
    lines += ["services: [{id: s, name: S}]", "agreements:"]
    for c in IDS:
        end = ", effective_to: 2025-12-31" if c == "bravo" else ""
        lines.append(f"  - {{id: {c}-sla, customer: {c}, services: [s], targets: []{end}}}")
    (tmp_path / "catalogue.yaml").write_text("\n".join(lines) + "\n")
    return tmp_path


def slm(workspace: Path, *args: str) -> Any:
    return CliRunner().invoke(
        main,
        ["--catalogue", str(workspace / "catalogue.yaml"), "--db", str(workspace / "w.duckdb"),
         "render", "--period", "2026-10", "--reports", str(workspace / "reports"), *args],
    )  # fmt: skip


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """render_pack replaced by a stub that publishes a pack in a moment (charlie's fails)."""
    calls: list[str] = []

    def stub(customer: str, period: str, **kwargs: Any) -> packs.PackResult:
        calls.append(customer)
        if customer == "charlie":
            raise RenderError(f"pack for {customer} {period} not published: cell 3 failed")
        pack = Path(kwargs["reports"]) / customer / period
        pack.mkdir(parents=True)
        (pack / "service_review.html").write_text("<html></html>")
        summary = {"customer_name": f"{customer.title()} Ltd", "overall": "Met"}
        (pack / "manifest.json").write_text(json.dumps({"summary": summary}))
        return packs.PackResult(customer, period, True, html=str(pack / "service_review.html"),
                                seconds=2.25, status="Met")  # fmt: skip

    monkeypatch.setattr(packs, "render_pack", stub)
    return calls


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_shards_of_the_cli_partition_all_and_render_each_pack_once(
    workspace: Path, rendered: list[str], n: int
) -> None:
    everyone = slm(workspace, "--all", "--dry-run")
    assert everyone.exit_code == 0
    expected = [f"{c}\t2026-10" for c in IDS if c != "bravo"]
    assert everyone.output.splitlines() == expected
    listed = []
    for i in range(n):
        r = slm(workspace, "--all", "--shard", f"{i}/{n}", "--dry-run")
        assert r.exit_code == 0
        listed += r.output.splitlines()
    assert sorted(listed) == sorted(expected) and rendered == []  # --dry-run renders nothing
    for i in range(n):
        slm(workspace, "--all", "--shard", f"{i}/{n}")
    assert sorted(rendered) == sorted(c for c in IDS if c != "bravo")  # each once
    index = (workspace / "reports" / "index-2026-10.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="(\w+)/2026-10/service_review.html">', index) == sorted(
        c for c in IDS if c not in ("bravo", "charlie")
    )


def test_render_prints_one_line_per_pack_and_exits_1_when_one_failed(
    workspace: Path, rendered: list[str]
) -> None:
    r = CliRunner().invoke(
        main,
        ["--catalogue", str(workspace / "catalogue.yaml"), "--db", str(workspace / "w.duckdb"),
         "render", "--all", "--period", "2026-10", "--reports", str(workspace / "reports"),
         "--shard", "1/2"],
    )  # fmt: skip
    reports = workspace / "reports"
    assert r.exit_code == 0
    # sorted ids: alpha bravo charlie hotel india juliet kilo → shard 1/2: bravo hotel juliet;
    # bravo's agreement ended, so juliet and hotel in catalogue order
    assert r.stdout == (  # the stub's 2.25 s to one decimal
        f"juliet\t2026-10\tMet\t2.2 s\t{reports / 'juliet/2026-10/service_review.html'}\n"
        f"hotel\t2026-10\tMet\t2.2 s\t{reports / 'hotel/2026-10/service_review.html'}\n"
    )
    assert r.stderr == ""
    r = slm(workspace, "--all", "--shard", "0/2")
    assert r.stdout.splitlines() == [  # the published packs; the failed one on stderr
        f"kilo\t2026-10\tMet\t2.2 s\t{reports / 'kilo/2026-10/service_review.html'}",
        f"alpha\t2026-10\tMet\t2.2 s\t{reports / 'alpha/2026-10/service_review.html'}",
        f"india\t2026-10\tMet\t2.2 s\t{reports / 'india/2026-10/service_review.html'}",
    ]
    assert r.stderr == "error: pack for charlie 2026-10 not published: cell 3 failed\n"
    assert r.exit_code == 1


def test_shard_mistakes_exit_2_with_a_fix(workspace: Path, rendered: list[str]) -> None:
    r = slm(workspace, "--customer", "alpha", "--shard", "0/2")
    assert (r.exit_code, r.stderr) == (2, "error: --shard splits --all; give --all with it\n")
    r = slm(workspace, "--all", "--shard", "2/2")
    assert r.exit_code == 2 and r.stderr == (
        "error: --shard '2/2' has no shard 2 of 2; give I/N with 0 <= I < N, shards numbered "
        "from 0 like Kubernetes' JOB_COMPLETION_INDEX (e.g. --shard 0/4 … --shard 3/4)\n"
    )
    assert rendered == []


def test_an_empty_shard_renders_nothing_and_says_so(workspace: Path, rendered: list[str]) -> None:
    r = slm(workspace, "--all", "--shard", "7/8")
    assert (r.exit_code, r.stdout) == (0, "")
    assert r.stderr == "shard 7/8 has no pack to render for 2026-10\n"
    assert rendered == [] and not (workspace / "reports").exists()


@pytest.mark.slow
def test_a_cell_that_times_out_is_named_and_nothing_is_published(
    demo_env: dict[str, Path], tmp_path: Path
) -> None:
    nb = nbformat.read(ROOT / "notebooks" / "service_review.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("import time\ntime.sleep(60)"))
    slow = tmp_path / "slow.ipynb"
    nbformat.write(nb, slow)
    with pytest.raises(RenderError) as info:
        packs.render_pack(
            "acme", "2026-10", warehouse=demo_env["db"], catalogue=demo_env["catalogue"],
            reports=tmp_path / "reports", template=slow, timeout=3,
        )  # fmt: skip
    assert str(info.value) == (
        "pack for acme 2026-10 not published: a cell ran longer than 3 s (`import time`); "
        "raise --timeout, or run the notebook in JupyterLab to see why it is slow"
    )
    assert [p.name for p in (tmp_path / "reports" / "acme").iterdir()] == []


def test_an_index_that_cannot_be_written_is_an_error_after_the_packs(
    workspace: Path, rendered: list[str]
) -> None:
    reports = workspace / "reports"
    (reports / "index-2026-10.html").mkdir(parents=True)  # in the way of the page
    r = slm(workspace, "--customer", "alpha")
    assert r.exit_code == 1
    assert (
        r.stdout == f"alpha\t2026-10\tMet\t2.2 s\t{reports / 'alpha/2026-10/service_review.html'}\n"
    )
    assert r.stderr == (
        f"error: the packs are published but the index {reports.resolve() / 'index-2026-10.html'} "
        "could not be written (Is a directory); make its folder writable and render again\n"
    )
    assert [p.name for p in reports.iterdir() if p.name.startswith(".")] == []  # no temp file


def test_the_index_lists_each_pack_as_soon_as_it_is_published(
    workspace: Path, rendered: list[str]
) -> None:
    """An interrupted run leaves an index of what it published: when a pack's line is
    reported, the period's index already links it (and every pack published before it)."""
    reports = workspace / "reports"
    linked: list[list[str]] = []

    def seen(r: packs.PackResult) -> None:
        index = (reports / "index-2026-10.html").read_text(encoding="utf-8")
        linked.append(re.findall(r'<a href="(\w+)/2026-10/service_review.html">', index))

    packs.render_many(
        [("kilo", "2026-10"), ("alpha", "2026-10"), ("juliet", "2026-10")],
        on_result=seen,
        reports=reports,
    )
    assert linked == [["kilo"], ["alpha", "kilo"], ["alpha", "juliet", "kilo"]]


@pytest.mark.slow
def test_a_scheduler_that_stops_reading_the_log_still_gets_every_pack(
    demo_env: dict[str, Path], tmp_path: Path
) -> None:
    """`slm render --all … | head -1`: the log's reader is gone before the first line; the
    packs are the product, so every pack is still rendered and the exit code is the render's."""
    reports = tmp_path / "reports"
    proc = subprocess.Popen(
        [sys.executable, "-m", "slm_analysis", "--db", str(demo_env["db"]), "--catalogue",
         str(demo_env["catalogue"]), "render", "--all", "--period", "2026-10", "--reports",
         str(reports)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    assert (proc.wait(timeout=600), proc.stderr.read()) == (0, b"")
    published = sorted(p.parent.parent.name for p in reports.glob("*/2026-10/manifest.json"))
    assert published == ["acme", "globex"]
