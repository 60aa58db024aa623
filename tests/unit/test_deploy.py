"""The scheduling recipes under deploy/ parse, and the `slm render` command each one runs is one
the CLI accepts: it is run with --dry-run against a small catalogue, so a recipe cannot drift
from the CLI. The Airflow DAG is loaded by Airflow when it is installed (the `airflow` extra)
and always run against a stand-in for Airflow's DAG and BashOperator that records the tasks."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import runpy
import shlex
import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from click.testing import CliRunner

from slm_analysis.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DAG_FILE = DEPLOY / "airflow" / "slm_review_packs.py"
IDS = ["kilo", "alpha", "juliet", "bravo", "india", "charlie", "hotel"]


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    lines = ["customers:"] + [f"  - {{id: {c}, name: {c.title()}}}" for c in IDS]
    lines += ["services: [{id: s, name: S}]", "agreements:"]
    lines += [f"  - {{id: {c}-sla, customer: {c}, services: [s], targets: []}}" for c in IDS]
    path = tmp_path / "catalogue.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def dry_run(command: str, catalogue: Path, **values: str) -> list[str]:
    """The packs ``command`` (a shell command line running ``slm render``) would render: its
    arguments after ``slm`` through the real CLI with --dry-run."""
    for name, value in values.items():
        command = command.replace(name, value)
    words = shlex.split(command)
    start = next(i for i, w in enumerate(words) if w.endswith("slm")) + 1
    r = CliRunner().invoke(
        main, ["--catalogue", str(catalogue), *words[start:], "--dry-run"], catch_exceptions=False
    )
    assert r.exit_code == 0, r.output
    return r.stdout.splitlines()


class Recorder:
    """Stand-in for Airflow's DAG and BashOperator: records what the DAG file builds."""

    tasks: ClassVar[list[dict[str, Any]]] = []
    dags: ClassVar[list[dict[str, Any]]] = []

    class DAG:
        def __init__(self, **kwargs: Any) -> None:
            Recorder.dags.append(kwargs)

        def __enter__(self) -> Recorder.DAG:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    class BashOperator:
        def __init__(self, **kwargs: Any) -> None:
            Recorder.tasks.append(kwargs)


def run_dag_file(monkeypatch: pytest.MonkeyPatch) -> None:
    Recorder.tasks, Recorder.dags = [], []
    airflow = types.ModuleType("airflow")
    airflow.DAG = Recorder.DAG  # type: ignore[attr-defined]
    bash = types.ModuleType("airflow.operators.bash")
    bash.BashOperator = Recorder.BashOperator  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "airflow", airflow)
    monkeypatch.setitem(sys.modules, "airflow.operators", types.ModuleType("airflow.operators"))
    monkeypatch.setitem(sys.modules, "airflow.operators.bash", bash)
    monkeypatch.setitem(sys.modules, "airflow.providers", None)  # Airflow 2: no provider
    monkeypatch.delenv("SLM_DB", raising=False)
    runpy.run_path(str(DAG_FILE))


def test_the_airflow_dag_has_one_task_per_shard_covering_every_customer_once(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = importlib.util.find_spec("airflow") is not None  # the `airflow` extra
    tree = ast.parse(DAG_FILE.read_text(encoding="utf-8"))
    imported = {
        (n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
    } | {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported == {"__future__", "airflow", "datetime", "os"}  # runs on any Airflow worker
    run_dag_file(monkeypatch)
    [dag] = Recorder.dags
    assert (dag["dag_id"], dag["schedule"], dag["catchup"]) == (
        "slm_review_packs", "0 6 2 * *", False
    )  # fmt: skip
    assert [t["task_id"] for t in Recorder.tasks] == [f"render_shard_{i}" for i in range(4)]
    period = '{{ data_interval_end.subtract(months=1).strftime("%Y-%m") }}'
    assert [t["bash_command"] for t in Recorder.tasks] == [
        f"slm render --all --period {period} --shard {i}/4 --jobs 2" for i in range(4)
    ]
    rendered = [
        line
        for t in Recorder.tasks
        for line in dry_run(t["bash_command"], catalogue, **{period: "2026-10"})
    ]
    assert sorted(rendered) == sorted(f"{c}\t2026-10" for c in IDS)  # each customer once
    if installed:  # Airflow itself imports the file too
        monkeypatch.undo()
        from airflow.models import DagBag

        bag = DagBag(dag_folder=str(DAG_FILE), include_examples=False)
        assert bag.import_errors == {}
        assert sorted(bag.dags["slm_review_packs"].task_ids) == [
            f"render_shard_{i}" for i in range(4)
        ]


def test_the_kubernetes_indexed_job_shards_by_completion_index(catalogue: Path) -> None:
    docs = list(yaml.safe_load_all((DEPLOY / "kubernetes" / "review-packs-job.yaml").read_text()))
    assert len(docs) == 1
    job = docs[0]
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    n = spec["completions"]
    assert n == spec["parallelism"] == 4
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    [container] = spec["template"]["spec"]["containers"]
    assert container["command"][:2] == ["sh", "-c"]
    command = container["command"][2]
    assert f'--shard "$JOB_COMPLETION_INDEX/{n}"' in command
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["PERIOD"] == "last-month" and env["SLM_REPORTS"] == "/reports"
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {str(Path(env["SLM_DB"]).parent), str(Path(env["SLM_CATALOGUE"]).parent)} <= mounts
    rendered = [
        line
        for index in range(n)
        for line in dry_run(
            command.removeprefix("exec "),
            catalogue,
            **{"$PERIOD": "2026-10", "$JOB_COMPLETION_INDEX": str(index)},
        )
    ]
    assert sorted(rendered) == sorted(f"{c}\t2026-10" for c in IDS)  # each customer once


def test_the_systemd_units_and_the_cron_line_run_a_valid_command(catalogue: Path) -> None:
    service = configparser.ConfigParser(interpolation=None)
    service.read(DEPLOY / "systemd" / "slm-review-packs.service")
    assert service["Service"]["Type"] == "oneshot"
    timer = configparser.ConfigParser(interpolation=None)
    timer.read(DEPLOY / "systemd" / "slm-review-packs.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-02 06:00:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    everyone = sorted(f"{c}\t2026-10" for c in IDS)
    command = service["Service"]["ExecStart"]
    assert sorted(dry_run(command, catalogue, **{"last-month": "2026-10"})) == everyone
    [line] = [
        x for x in (DEPLOY / "cron" / "slm-review-packs").read_text().splitlines()
        if x and not x.startswith(("#", "SHELL="))
    ]  # fmt: skip
    fields = line.split(maxsplit=6)
    assert fields[:6] == ["0", "6", "2", "*", "*", "slm"]  # minute hour day month weekday user
    render = fields[6].split(" >> ")[0].split(".lock ", 1)[1]
    assert sorted(dry_run(render, catalogue, **{"last-month": "2026-10"})) == everyone
