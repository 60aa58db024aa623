"""`slm render --redact-people`: no person name of the data in the pack, the executed notebook
or the manifest; each replaced by its customer's stable pseudonym."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from slm_analysis.packs import render_pack
from slm_analysis.redact import customer_key, pseudonym, workspace_secret

pytestmark = pytest.mark.slow


def people(demo_env: dict[str, Path]) -> set[str]:
    """Every person name of the demo: assignees and action owners in the warehouse (all
    customers), and the callers of the raw incident export (which the warehouse does not keep;
    the survey export has no respondent)."""
    with duckdb.connect(str(demo_env["db"]), read_only=True) as con:
        rows = con.execute(
            "select assigned_to from incidents union select owner from actions"
        ).fetchall()
    names = {n for (n,) in rows if n}
    with (demo_env["root"] / "raw" / "servicenow_incidents.csv").open(encoding="utf-8") as f:
        callers = {r["caller_id"] for r in csv.DictReader(f)}
    assert len(callers) > 100 and "Messaging Agent 3" in names and "Web Team lead" in names
    return names | callers


def test_no_person_name_is_left_in_a_redacted_pack(
    demo_env: dict[str, Path], demo_pack: Path, tmp_path: Path
) -> None:
    names = people(demo_env)
    plain = demo_pack.read_text(encoding="utf-8")
    shown = {n for n in names if n in plain}
    assert {"Web Team lead", "Service Desk"} <= shown  # the action owners, unredacted
    result = render_pack(
        "acme",
        "2026-10",
        warehouse=demo_env["db"],
        catalogue=demo_env["catalogue"],
        reports=tmp_path,
        redact_people=True,
    )
    outputs = {
        Path(p).name: Path(p).read_text(encoding="utf-8")
        for p in (result.html, result.notebook, result.manifest)
        if p is not None
    }
    assert set(outputs) == {"service_review.html", "service_review.ipynb", "manifest.json"}
    for file, text in outputs.items():
        assert [n for n in names if n in text] == [], file
    key = customer_key(workspace_secret(demo_env["catalogue"].parent), "acme")
    html = outputs["service_review.html"]
    for owner in shown:
        assert pseudonym(owner, key) in html
    assert "<dt>People</dt><dd>names replaced by pseudonyms (Person …)</dd>" in html
    assert "names replaced by pseudonyms" not in plain
    manifest = json.loads(outputs["manifest.json"])
    assert manifest["parameters"]["redact_people"] is True
