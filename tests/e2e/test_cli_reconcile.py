"""`slm reconcile` (table and --json) on the hand-made case of tests/reconcile_case.py: October
2026, one target, six tickets compared, one agreeing, one ticket per reason, one without a
vendor verdict. Run through click's CliRunner as in test_cli_budgets.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from reconcile_case import build

from slm_analysis.cli import main

Slm = Callable[..., Result]
AS_OF = "2026-11-02T12:00:00Z"


@pytest.fixture
def slm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Slm:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "SLM_DB", "SLM_CATALOGUE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    build(tmp_path)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(
            main, ["--db", "w.duckdb", "--catalogue", "catalogue.yaml", *args]
        )

    return invoke


def cells(stdout: str) -> list[list[str]]:
    """The body rows of rich tables, cell by cell (stripped)."""
    return [
        [c.strip() for c in line.split("│")[1:-1]]
        for line in stdout.splitlines()
        if line.startswith("│")
    ]


def test_reconcile_tables(slm: Slm) -> None:
    r = slm("reconcile", "--customer", "c", "--period", "2026-10", "--as-of", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    assert lines[0].strip() == "c 2026-10 agreement with the source tool's verdict"
    assert [c.strip() for c in lines[2].split("┃")[1:-1]] == [
        "target", "compared", "agree", "agreement", "95 % interval", "ours met, tool missed",
        "ours missed, tool met", "no tool verdict", "reasons",
    ]  # fmt: skip
    assert "Tickets where the verdicts differ" in r.stdout
    assert cells(r.stdout) == [
        ["res", "6", "1", "16.7 %", "3.0–56.4 %", "3", "2", "1",
         "reopen 1, pause states 1, calendar 1, different stop time 1, target definition "
         "unknown 1"],
        ["res", "RO", "P3", "5h 00m", "4h 00m", "Missed", "Met", "reopen",
         "with reopen rule first: 2h 00m against 4h 00m, met as the source tool says"],
        ["res", "PA", "P3", "3h 00m", "4h 00m", "Met", "Missed", "pause states",
         "without pauses: 6h 00m against 4h 00m, missed as the source tool says"],
        ["res", "CA", "P3", "3h 00m", "4h 00m", "Met", "Missed", "calendar",
         "on 24x7 time: 67h 00m against 4h 00m, missed as the source tool says"],
        ["res", "ST", "P3", "3h 00m", "4h 00m", "Met", "Missed", "different stop time",
         "stopped at closure: 11h 00m against 4h 00m, missed as the source tool says"],
        ["res", "UN", "P3", "6h 00m", "4h 00m", "Missed", "Met", "target definition unknown",
         "no reopen, pause, calendar or stop change gives the source tool's verdict"],
    ]  # fmt: skip


def test_reconcile_json(slm: Slm) -> None:
    r = slm("reconcile", "--customer", "c", "--period", "2026-10", "--as-of", AS_OF, "--json")
    assert (r.exit_code, r.stderr) == (0, "")
    out = json.loads(r.stdout)
    assert out["as_of"] == "2026-11-02T12:00:00+00:00"
    [s] = out["summary"]
    assert {k: s[k] for k in ("id", "n", "agree", "no_vendor_verdict", "n_unknown")} == {
        "id": "res", "n": 6, "agree": 1, "no_vendor_verdict": 1, "n_unknown": 1,
    }  # fmt: skip
    assert round(s["agreement_rate"], 4) == 16.6667
    pa = next(t for t in out["tickets"] if t["number"] == "PA")
    assert pa == {
        "agreement": "sla", "id": "res", "name": "All resolution", "period": "2026-10",
        "source": "t", "number": "PA", "priority": 3, "reopen_count": 0,
        "start_at": "2026-10-07T09:00:00+00:00", "stop_at": "2026-10-07T15:00:00+00:00",
        "elapsed_s": 10800.0, "threshold_s": 14400, "ours": "Met", "vendor": "Missed",
        "reason": "pause states",
        "explanation": "without pauses: 6h 00m against 4h 00m, missed as the source tool says",
        "other_reasons": ["different stop time"],
    }  # fmt: skip


def test_reconcile_of_a_month_where_all_agree_and_of_a_customer_without_ticket_targets(
    slm: Slm, tmp_path: Path
) -> None:
    r = slm("reconcile", "--customer", "c", "--period", "2026-11", "--as-of", AS_OF)
    assert r.exit_code == 0
    assert "to date (as of 2026-11-02 12:00 UTC)" in r.stdout.splitlines()[0]
    assert cells(r.stdout) == [["res", "1", "1", "100.0 %", "20.7–100.0 %", "0", "0", "0", "–"]]
    assert r.stdout.splitlines()[-1] == "No ticket where the two verdicts differ."
    text = (tmp_path / "catalogue.yaml").read_text(encoding="utf-8")
    (tmp_path / "catalogue.yaml").write_text(
        text.replace("metric: resolution_time, within: 4h, calendar: office, objective: 90",
                     "metric: satisfaction, objective: 4"),
        encoding="utf-8",
    )  # fmt: skip
    r = slm("reconcile", "--customer", "c", "--period", "2026-10", "--as-of", AS_OF)
    assert (r.exit_code, r.stdout) == (
        0,
        "c 2026-10: no response or resolution target to reconcile\n",
    )


def test_reconcile_refuses_an_unknown_customer(slm: Slm) -> None:
    r = slm("reconcile", "--customer", "nobody", "--period", "2026-10")
    assert r.exit_code == 2
    assert "nobody" in r.stderr and "Traceback" not in r.stderr
