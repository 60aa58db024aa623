"""`slm budgets` (table and --json) and the error budgets `slm attainment --json` adds.

The numbers are those worked out in tests/unit/test_budgets.py: the hand-worked case of
tests/hand_worked.py (October decided, November to date as of 2 November 12:00) and the TICKETS
case of tests/budget_cases.py (November to date as of 10 November 12:00). Run through click's
CliRunner as in test_cli_tables.py (stdout is not a terminal: tables are laid out whole).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from budget_cases import build_tickets
from click.testing import CliRunner, Result
from hand_worked import build

from slm_analysis.cli import main

Slm = Callable[..., Result]


@pytest.fixture
def slm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Slm:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "SLM_DB", "SLM_CATALOGUE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(
            main, ["--db", "w.duckdb", "--catalogue", "catalogue.yaml", *args]
        )

    return invoke


def cells(stdout: str) -> list[list[str]]:
    """The body rows of a rich table, cell by cell (stripped)."""
    return [
        [c.strip() for c in line.split("│")[1:-1]]
        for line in stdout.splitlines()
        if line.startswith("│")
    ]


HEADER = ["target", "budget in", "allowed", "consumed", "remaining", "used", "burn 1h",
          "burn 6h", "burn 1d", "burn 3d", "alerts", "outlook"]  # fmt: skip


def test_budgets_table_of_a_decided_month(slm: Slm, tmp_path: Path) -> None:
    """October: allowances, consumption and when each budget ran out; no burn rates or alerts
    for a month that has ended (blank, not 0). P1 response allows ⌊0.2⌋ = 0 misses; resolution
    1 of 1; availability 2,678.4 s (44m 38s) against 6 h down: −18,921.6 s (−5h 15m), 806 %,
    ran out 20 October 00:44:39; incident count 5 of 10."""
    build(tmp_path)
    r = slm("budgets", "--customer", "c", "--period", "2026-10", "--as-of", "2026-11-02T12:00:00Z")
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout.splitlines()[0].strip() == "c 2026-10 error budgets"
    assert [c.strip() for c in r.stdout.splitlines()[2].split("┃")[1:-1]] == HEADER
    blank = [""] * 5
    assert cells(r.stdout) == [
        ["p1-resp", "misses", "0", "0", "0", "–", *blank, "none allowed at this volume, none used"],
        ["res", "misses", "1", "1", "0", "100 %", *blank, "exhausted, ran out 2026-10-08 15:00"],
        ["av", "downtime", "44m 38s", "6h 00m", "-5h 15m", "806 %", *blank,
         "overspent, ran out 2026-10-20 00:44"],
        ["csat", "–", "–", "–", "–", "–", *blank, "no error budget (satisfaction)"],
        ["count", "incidents", "10", "5", "5", "50 %", *blank, "within budget"],
    ]  # fmt: skip


def test_budgets_table_with_alerts_firing(slm: Slm, tmp_path: Path) -> None:
    """TICKETS as of 10 November 12:00: 1200/19 projected tickets allow 6 misses at 90 % and
    3 at 95 %; 3 used. Burn rates over 1 h / 6 h / 1 d / 3 d: 10, 6.67, 5, 2.86 at 90 % and
    twice that at 95 %. The 5 m window holds no ticket, so the 1 h page does not fire even at
    95 % (20 > 14.4: only the long window is over k); the other three rules fire for both."""
    build_tickets(tmp_path)
    r = slm("budgets", "--customer", "c", "--period", "2026-11", "--as-of", "2026-11-10T12:00:00Z")
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout.splitlines()[0].strip() == (
        "c 2026-11 error budgets, to date (as of 2026-11-10 12:00 UTC)"
    )
    alerts = "page 6h/30m, ticket 1d/2h, ticket 3d/6h"
    assert cells(r.stdout) == [
        ["res90", "misses (projected)", "6", "3", "3", "50 %", "10.0×", "6.7×", "5.0×", "2.9×",
         alerts, "runs out 2026-11-12 00:00 at the 1d burn"],
        ["res95", "misses (projected)", "3", "3", "0", "100 %", "20.0×", "13.3×", "10.0×",
         "5.7×", alerts, "exhausted, ran out 2026-11-10 11:45"],
    ]  # fmt: skip


def test_budgets_json(slm: Slm, tmp_path: Path) -> None:
    build_tickets(tmp_path)
    r = slm("budgets", "--customer", "c", "--period", "2026-11", "--as-of", "2026-11-10T12:00:00Z",
            "--json")  # fmt: skip
    assert (r.exit_code, r.stderr) == (0, "")
    records = json.loads(r.stdout)
    assert [(x["id"], x["objective"], x["unit"], x["in_progress"], x["as_of"]) for x in records] == [
        ("res90", 90.0, "%", True, "2026-11-10T12:00:00+00:00"),
        ("res95", 95.0, "%", True, "2026-11-10T12:00:00+00:00"),
    ]  # fmt: skip
    b = records[0]["error_budget"]
    assert {k: b[k] for k in ("unit", "basis", "projected", "error_budget_target", "allowed",
                              "consumed", "remaining", "consumed_percent", "state")} == {
        "unit": "misses", "basis": "tickets projected for the period", "projected": True,
        "error_budget_target": 0.1, "allowed": 6, "consumed": 3, "remaining": 3,
        "consumed_percent": 50.0, "state": "within budget",
    }  # fmt: skip
    assert b["basis_amount"] == pytest.approx(1200 / 19)
    assert b["burn_rates"] == {
        "5m": None, "30m": 10.0, "1h": 10.0, "2h": 10.0, "6h": pytest.approx(20 / 3),
        "1d": 5.0, "3d": pytest.approx(20 / 7),
    }  # fmt: skip
    assert [(a["severity"], a["long_window"], a["short_window"], a["fires"]) for a in b["alerts"]] == [
        ("page", "1h", "5m", False), ("page", "6h", "30m", True),
        ("ticket", "1d", "2h", True), ("ticket", "3d", "6h", True),
    ]  # fmt: skip
    assert (b["current_window"], b["exhaustion_at"], b["exhausted_at"]) == (
        "1d",
        "2026-11-12T00:00:00+00:00",
        None,
    )
    assert records[1]["error_budget"]["exhausted_at"] == "2026-11-10T11:45:00+00:00"


def test_attainment_json_carries_each_error_budget(slm: Slm, tmp_path: Path) -> None:
    """November to date (hand-worked): the attainment record keeps its fields and gains
    ``error_budget``: availability 2,592 s allowed over the whole month, nothing burning;
    resolution 5 misses allowed of 20 projected tickets, 4 left, running out on 14 November
    at the 3 d burn; mean satisfaction: none."""
    build(tmp_path)
    r = slm("attainment", "--customer", "c", "--period", "2026-11", "--as-of",
            "2026-11-02T12:00:00Z", "--json")  # fmt: skip
    assert (r.exit_code, r.stderr) == (0, "")
    records = {x["id"]: x for x in json.loads(r.stdout)}
    assert list(records["av"]) == [
        "id", "agreement", "service", "metric", "method", "period", "objective", "warning",
        "achieved", "status", "met", "rag", "in_progress", "as_of", "n", "interval", "unit",
        "coverage", "no_data_s", "open", "note", "rolling_12_months", "error_budget",
    ]  # fmt: skip
    av = records["av"]["error_budget"]
    assert (av["unit"], av["basis"], av["allowed"], av["consumed"], av["remaining"]) == (
        "seconds",
        "scheduled time of the whole period",
        2592.0,
        0.0,
        2592.0,
    )
    assert av["burn_rates"] == dict.fromkeys(["5m", "30m", "1h", "2h", "6h", "1d", "3d"], 0.0)
    assert not any(a["fires"] for a in av["alerts"])
    res = records["res"]["error_budget"]
    assert (res["allowed"], res["consumed"], res["remaining"], res["basis_amount"]) == (
        5,
        1,
        4,
        20.0,
    )
    assert res["exhaustion_at"] == "2026-11-14T12:00:00+00:00"
    assert records["csat"]["error_budget"] is None


def test_attainment_json_of_a_decided_month_has_no_burn_rates(slm: Slm, tmp_path: Path) -> None:
    build(tmp_path)
    r = slm("attainment", "--customer", "c", "--period", "2026-10", "--as-of",
            "2026-11-02T12:00:00Z", "--json")  # fmt: skip
    av = {x["id"]: x for x in json.loads(r.stdout)}["av"]["error_budget"]
    assert (av["state"], av["exhausted_at"], av["burn_rates"], av["alerts"]) == (
        "overspent",
        "2026-10-20T00:44:39+00:00",
        None,
        None,
    )
    assert av["allowed"] == pytest.approx(2678.4) and av["remaining"] == pytest.approx(-18921.6)
