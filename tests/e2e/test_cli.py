"""The CLI contract of DESIGN §7: exit codes, clean messages, JSON shapes, docs in sync."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from slm_analysis.cli import main

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import cli_reference  # noqa: E402

NOT_A_DATE_TIME = (
    "not a valid date-time; layouts tried: %Y-%m-%d %H:%M:%S, %Y-%m-%dT%H:%M:%S, %Y-%m-%d %H:%M, "
    "%Y-%m-%dT%H:%M, %d/%m/%Y %H:%M:%S, %d/%m/%Y %H:%M, %Y-%m-%d, ISO 8601 with an offset "
    "(e.g. 2026-10-05T14:23:11Z)"
)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slm_analysis", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_docs_cli_reference_matches_help() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert doc == cli_reference.render(), (
        "docs/cli.md is out of date: run `.venv/bin/python scripts/cli_reference.py`"
    )


def test_every_command_has_help_describing_its_options() -> None:
    runner = CliRunner()
    for name, cmd in main.commands.items():  # type: ignore[attr-defined]
        out = runner.invoke(main, [name, "--help"], terminal_width=200).output
        assert cmd.help and cmd.help.split("\n")[0] in out
        for param in cmd.params:
            if getattr(param, "help", None):
                assert param.opts[0] in out, (name, param.opts)


def test_catalogue_mistakes_exit_2_with_one_line_each_and_no_traceback(tmp_path: Path) -> None:
    cat = tmp_path / "catalogue.yaml"
    cat.write_text("""
calendars: {office: {timezone: Europe/London, hours: {mon-fri: "09:00-17:00"}}}
customers: [{id: acme, name: Acme}]
services: [{id: email, name: Email}]
agreements:
  - id: sla
    customer: acme
    services: [email]
    targets:
      - {id: a, metric: resolution_time, priority: 1, within: 4 hurs, calendar: office, objective: 95}
      - {id: b, metric: resolution_time, priority: 2, within: 8h, calendar: offce, objective: 90}
      - {id: c, metric: availability, calendar: office, objective: 120}
""")
    r = run("--catalogue", str(cat), "check")
    assert r.returncode == 1  # check reports problems with exit 1
    assert r.stdout.count("error:") == 3 and "Traceback" not in r.stdout + r.stderr
    r = run(
        "--catalogue",
        str(cat),
        "--db",
        str(tmp_path / "w.duckdb"),
        "attainment",
        "--customer",
        "acme",
        "--period",
        "2026-10",
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[0] == "error: the catalogue has 3 mistakes:"
    assert "agreements[0].targets[0].within: found '4 hurs'" in lines[1]
    assert "agreements[0].targets[1].calendar: found 'offce'" in lines[2]
    assert "agreements[0].targets[2].objective: found 120" in lines[3]


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert run("attainment", "--customer", "x").returncode == 2
    r = run("--db", str(tmp_path / "none.duckdb"), "status")
    assert r.returncode == 2 and "does not exist" in r.stderr and "Traceback" not in r.stderr
    r = run(
        "--db",
        str(tmp_path / "w.duckdb"),
        "--catalogue",
        str(tmp_path / "c.yaml"),
        "load",
        "incidents",
        str(tmp_path / "missing.csv"),
    )
    assert r.returncode == 2 and "no such file" in r.stderr


def test_numbers_out_of_range_exit_2_with_the_range_and_nothing_run() -> None:
    """--jobs 0, --timeout -5, --scale 0 … are refused at the door, before any work."""
    runner = CliRunner()
    for args, usage, message in [
        (
            ["render", "--all", "--period", "2026-01", "--jobs", "0"],
            "Usage: slm render [OPTIONS]\nTry 'slm render --help' for help.",
            "Error: Invalid value for '--jobs': 0 is not in the range x>=1.",
        ),
        (
            ["render", "--all", "--period", "2026-01", "--timeout", "-5"],
            "Usage: slm render [OPTIONS]\nTry 'slm render --help' for help.",
            "Error: Invalid value for '--timeout': -5 is not in the range x>=1.",
        ),
        (
            ["load", "surveys", "responses.csv", "--scale", "0"],
            "Usage: slm load [OPTIONS] {incidents|outages|checks|surveys|maintenance|actions} "
            "FILES...\nTry 'slm load --help' for help.",
            "Error: Invalid value for '--scale': 0 is not in the range 2<=x<=10.",
        ),
        (
            ["demo", "--months", "0"],
            "Usage: slm demo [OPTIONS]\nTry 'slm demo --help' for help.",
            "Error: Invalid value for '--months': 0 is not in the range 1<=x<=120.",
        ),
        (
            ["quarantine", "--load", "-1"],
            "Usage: slm quarantine [OPTIONS]\nTry 'slm quarantine --help' for help.",
            "Error: Invalid value for '--load': -1 is not in the range x>=1.",
        ),
        (
            ["quarantine", "--limit", "-1"],
            "Usage: slm quarantine [OPTIONS]\nTry 'slm quarantine --help' for help.",
            "Error: Invalid value for '--limit': -1 is not in the range x>=0.",
        ),
        (
            ["demo", "--months", "121"],
            "Usage: slm demo [OPTIONS]\nTry 'slm demo --help' for help.",
            "Error: Invalid value for '--months': 121 is not in the range 1<=x<=120.",
        ),
        (
            ["load", "surveys", "responses.csv", "--scale", "11"],
            "Usage: slm load [OPTIONS] {incidents|outages|checks|surveys|maintenance|actions} "
            "FILES...\nTry 'slm load --help' for help.",
            "Error: Invalid value for '--scale': 11 is not in the range 2<=x<=10.",
        ),
        (
            ["load", "surveys", "responses.csv", "--max-quarantined", "101"],
            "Usage: slm load [OPTIONS] {incidents|outages|checks|surveys|maintenance|actions} "
            "FILES...\nTry 'slm load --help' for help.",
            "Error: Invalid value for '--max-quarantined': 101.0 is not in the range 0<=x<=100.",
        ),
    ]:
        r = runner.invoke(main, args, prog_name="slm", terminal_width=100)
        assert (r.exit_code, r.stdout) == (2, ""), args
        assert r.stderr == f"{usage}\n\n{message}\n"


def test_out_of_range_numbers_given_to_the_library_are_input_errors(tmp_path: Path) -> None:
    from slm_analysis.errors import InputError
    from slm_analysis.importers import load_file
    from slm_analysis.packs import render_many
    from slm_analysis.warehouse import connect
    from slm_analysis.workflows import run_demo

    csv = tmp_path / "responses.csv"
    csv.write_text("a,b\n1,2\n")
    for call, message in [
        (
            lambda: render_many([("acme", "2026-01")], workers=0),
            "workers is 0; give a whole number of at least 1",
        ),
        (
            lambda: render_many([("acme", "2026-01")], timeout=-5),
            "timeout is -5; give a whole number of at least 1",
        ),
        (
            lambda: run_demo(
                tmp_path / "w.duckdb", tmp_path / "c.yaml", tmp_path / "raw", months=0
            ),
            "months is 0; the demo writes 1 to 120 months of history",
        ),
        (
            lambda: run_demo(
                tmp_path / "w.duckdb", tmp_path / "c.yaml", tmp_path / "raw", months=121
            ),
            "months is 121; the demo writes 1 to 120 months of history",
        ),
        (
            lambda: run_demo(
                tmp_path / "w.duckdb", tmp_path / "c.yaml", tmp_path / "raw", end="1970-04"
            ),
            "--end 1970-04 with 13 months of history would write records from 1969-03 on, but "
            "they must lie in the plausible years 1970–2100; give a later --end or fewer --months",
        ),
        (
            lambda: load_file(connect(":memory:"), "surveys", csv, scale=0),
            "scale is 0; survey scores run from 1 to a scale of 2 to 10",
        ),
    ]:
        with pytest.raises(InputError) as err:
            call()
        assert str(err.value) == message
    assert not (tmp_path / "raw").exists()


def test_status_attainment_and_schema_on_the_demo(demo_env: dict[str, Path]) -> None:
    common = ["--db", str(demo_env["db"]), "--catalogue", str(demo_env["catalogue"])]
    st = run(*common, "status", "--json")
    assert st.returncode == 0
    info = json.loads(st.stdout)
    tables = {(t["table_name"], t["source"]): t for t in info["tables"]}
    assert tables[("incidents", "servicenow")]["rows"] > 2000
    assert tables[("incidents", "servicenow")]["rows_unmapped"] == 0
    assert {
        "checks",
        "outages",
        "surveys",
        "actions",
        "incident_states",
        "maintenance_windows",
    } <= {t for t, _ in tables}
    assert len(info["loads"]) == 7 and all(len(x["sha256"]) == 64 for x in info["loads"])
    att = run(*common, "attainment", "--customer", "acme", "--period", "2026-10", "--json")
    assert att.returncode == 0
    records = json.loads(att.stdout)
    assert {r["id"] for r in records} >= {"acme-p1-response", "webshop-availability", "acme-csat"}
    for r in records:
        assert set(r) >= {
            "id",
            "service",
            "metric",
            "objective",
            "achieved",
            "met",
            "status",
            "rag",
            "n",
            "interval",
            "rolling_12_months",
        }
        assert r["status"] in {"Met", "At risk", "Missed", "No data"}  # October is complete
        assert r["rag"] == {"Met": "green", "At risk": "amber", "Missed": "red"}.get(
            r["status"], "grey"
        )
        assert r["in_progress"] is False and r["as_of"] == "2026-11-03T09:00:00+00:00"
        assert r["rolling_12_months"]["period"] == "2025-11..2026-10"
    schema = run("schema")
    assert (
        schema.returncode == 0 and json.loads(schema.stdout)["title"] == "slm-workbench catalogue"
    )


def test_unknown_customer_is_a_clean_error(demo_env: dict[str, Path]) -> None:
    r = run(
        "--db",
        str(demo_env["db"]),
        "--catalogue",
        str(demo_env["catalogue"]),
        "attainment",
        "--customer",
        "initech",
        "--period",
        "2026-10",
    )
    assert r.returncode == 2
    assert (
        "customer 'initech' is not in" in r.stderr and "known customers: acme, globex" in r.stderr
    )


def test_implausible_years_are_quarantined_and_attainment_still_works(
    demo_env: dict[str, Path], tmp_path: Path
) -> None:
    """Before: incidents opened in year 0001 or 9999 loaded, and `slm attainment` then failed
    with "internal error: OverflowError"; outages likewise."""
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_env["db"], db)
    common = ["--db", str(db), "--catalogue", str(demo_env["catalogue"])]
    incidents = tmp_path / "incidents.csv"
    incidents.write_text(
        "number,opened_at,priority,state,company,business_service,resolved_at,sys_updated_on\n"
        "INC9000001,0001-01-01 00:00:00,2 - High,New,Acme Retail Ltd,Email,,\n"
        "INC9000002,2026-10-05 09:00:00,2 - High,Resolved,Acme Retail Ltd,Email,"
        "9999-12-31 10:00:00,\n"
        "INC9000003,2026-10-06 09:00:00,2 - High,Resolved,Acme Retail Ltd,Email,"
        "2026-10-06 11:00:00,2026-10-06 11:00:00\n"
    )
    outages = tmp_path / "outages.csv"
    outages.write_text(
        "number,type,cmdb_ci,begin,end\n"
        "OUT9000001,Outage,EXCH-CLUSTER-01,9999-01-01 00:00:00,9999-01-01 01:00:00\n"
        "OUT9000002,Outage,EXCH-CLUSTER-01,0001-01-01 00:00:00,2026-10-01 01:00:00\n"
        "OUT9000003,Outage,EXCH-CLUSTER-01,2026-10-07 00:00:00,2026-10-07 00:10:00\n"
    )
    for kind, path in (("incidents", incidents), ("outages", outages)):
        r = run(*common, "load", kind, str(path), "--timezone", "UTC", "--max-quarantined", "100")
        assert r.returncode == 0, r.stderr
        assert "3 rows read, 1 new or changed, 2 quarantined" in r.stdout
    r = run(*common, "quarantine", "--json")
    rows = [(q["file"], q["line"], q["column"], q["value"]) for q in json.loads(r.stdout)["rows"]]
    assert rows == [
        (str(outages), 2, "begin", "9999-01-01 00:00:00"),
        (str(outages), 3, "begin", "0001-01-01 00:00:00"),
        (str(incidents), 2, "opened_at", "0001-01-01 00:00:00"),
        (str(incidents), 3, "resolved_at", "9999-12-31 10:00:00"),
    ]
    assert {q["reason"].split(";")[0] for q in json.loads(r.stdout)["rows"]} == {
        "year 9999 is outside the plausible years 1970–2100 (UTC)",
        "year 0001 is outside the plausible years 1970–2100 (UTC)",
    }
    for args in (["attainment", "--period", "2026-10"], ["attainment", "--period", "2026"]):
        r = run(*common, *args, "--customer", "acme", "--json")
        assert r.returncode == 0 and "internal error" not in r.stderr, r.stderr
        assert json.loads(r.stdout)
    assert run(*common, "status").returncode == 0
    assert run(*common, "check").returncode == 0


def test_periods_and_instants_outside_the_plausible_years_exit_2(
    demo_env: dict[str, Path],
) -> None:
    """Before: --as-of 0001-01-01 was "internal error: OverflowError" and 1970-01 said "year
    1969 is outside 1970–2200" (its rolling twelve months)."""
    common = ["--db", str(demo_env["db"]), "--catalogue", str(demo_env["catalogue"])]
    for args, message in [
        (
            ["--period", "0000-01"],
            "error: year 0 is outside the plausible years 1970–2100; check the period's year\n",
        ),
        (
            ["--period", "9999-12"],
            "error: year 9999 is outside the plausible years 1970–2100; check the period's year\n",
        ),
        (
            ["--period", "2026-10", "--as-of", "0001-01-01"],
            "error: 0001-01-01 is outside the plausible years 1970–2100 (UTC); give an instant "
            "such as 2026-11-01T00:00\n",
        ),
        (
            ["--period", "2026-10", "--as-of", "9999-12-31T23:59:59-01:00"],
            "error: 9999-12-31T23:59:59-01:00 is outside the plausible years 1970–2100 (UTC); "
            "give an instant such as 2026-11-01T00:00\n",
        ),
    ]:
        r = run(*common, "attainment", "--customer", "acme", *args)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", message), args
    r = run(*common, "attainment", "--customer", "acme", "--period", "1970-01", "--json")
    assert r.returncode == 0, r.stderr
    assert {x["rolling_12_months"]["period"] for x in json.loads(r.stdout)} == {"1969-02..1970-01"}


def test_careless_paths_are_named_clearly_and_nothing_is_lost(tmp_path: Path) -> None:
    """Before: `--db export.csv` loaded into an in-memory database (DuckDB opens a CSV file so)
    and exited 0 with nothing kept; a folder or a device given to `slm load` was "no such file";
    a file holding only a byte-order mark was "not a CSV header row: ''"."""
    fix = ROOT / "tests" / "fixtures"
    export = tmp_path / "export.csv"
    shutil.copy(fix / "servicenow_incidents.csv", export)
    before = export.read_bytes()
    for command in (["load", "incidents", str(export)], ["status"]):
        r = run("--db", str(export), "--catalogue", str(tmp_path / "none.yaml"), *command)
        assert (r.returncode, r.stdout) == (2, ""), command
        assert r.stderr.splitlines()[-1] == (
            f"error: {export} is a data file, not a warehouse: DuckDB would read it into memory "
            "and keep nothing; give the warehouse's path with --db or SLM_DB (default "
            "data/warehouse.duckdb), and the export to `slm load`"
        )
    assert export.read_bytes() == before
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf")
    base = ["--db", str(tmp_path / "w.duckdb"), "--catalogue", str(tmp_path / "none.yaml")]
    for path, message in [
        (tmp_path, "is a folder, not a file; give the export file in it"),
        (Path("/dev/null"), "is not a regular file (a device, pipe or socket); save the export "
         "to a file and load that"),
        (bom, "the file is empty; export again with the column header row"),
    ]:  # fmt: skip
        r = run(*base, "load", "incidents", str(path))
        assert (r.returncode, r.stderr.splitlines()[-1]) == (2, f"error: {path}: {message}")


def test_a_template_or_reports_folder_that_cannot_serve_exits_2(
    demo_env: dict[str, Path], tmp_path: Path
) -> None:
    """Before: a --reports that is a file was "internal error NotADirectoryError", a template
    that is not a notebook failed the pack blaming the .venv."""
    common = ["--db", str(demo_env["db"]), "--catalogue", str(demo_env["catalogue"])]
    afile = tmp_path / "afile"
    afile.write_text("x")
    cases = [
        (
            ["--reports", str(afile)],
            f"cannot make the folder {afile.resolve()}/acme for the pack (Not a directory); "
            "give --reports (or SLM_REPORTS) a folder you can write",
        ),
        (
            ["--template", str(demo_env["catalogue"])],
            f"notebook template {demo_env['catalogue']} is not a Jupyter notebook (not JSON); "
            "pass --template a .ipynb file (the default is notebooks/service_review.ipynb)",
        ),
        (
            ["--template", str(tmp_path)],
            f"notebook template {tmp_path} is not a Jupyter notebook (Is a directory); pass "
            "--template a .ipynb file (the default is notebooks/service_review.ipynb)",
        ),
    ]
    for args, message in cases:
        r = run(*common, "render", "--customer", "acme", "--period", "2026-10", *args)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", f"error: {message}\n"), args


def test_load_with_a_mapping_file(tmp_path: Path) -> None:
    fix = ROOT / "tests" / "fixtures"
    base = ["--db", str(tmp_path / "w.duckdb"), "--catalogue", str(tmp_path / "none.yaml")]
    r = run(
        *base,
        "load",
        "incidents",
        str(fix / "generic_tickets.tsv"),
        "--mapping",
        str(fix / "generic_tickets.mapping.yaml"),
    )
    assert r.returncode == 0, r.stderr
    assert "3 rows read, 2 new or changed, 1 quarantined" in r.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: outages\ncolumns: {number: x}\n")
    r = run(*base, "load", "incidents", str(fix / "generic_tickets.tsv"), "--mapping", str(bad))
    assert r.returncode == 2 and "the import mapping has 1 mistake" in r.stderr
    assert "Traceback" not in r.stderr


def test_periods_after_the_data_are_refused_and_the_running_one_is_to_date(
    demo_env: dict[str, Path],
) -> None:
    """The demo's data ends 2026-11-03 09:00 UTC: November is to date, December is refused
    (exit 2) by attainment and render alike, with the data's end in the message."""
    common = ["--db", str(demo_env["db"]), "--catalogue", str(demo_env["catalogue"])]
    refused = (
        "error: period 2026-12 (December 2026) starts after the data ends (2026-11-03 09:00 "
        "UTC); choose a period up to 2026-11, or load newer exports first\n"
    )
    r = run(*common, "attainment", "--customer", "acme", "--period", "2026-12")
    assert (r.returncode, r.stdout, r.stderr) == (2, "", refused)
    reports = demo_env["root"] / "refused-reports"
    r = run(
        *common, "render", "--customer", "acme", "--period", "2026-12", "--reports", str(reports)
    )
    assert (r.returncode, r.stdout, r.stderr) == (2, "", refused)
    assert not reports.exists() or not any(reports.rglob("*.html"))
    r = run(*common, "attainment", "--customer", "acme", "--period", "2026-11", "--json")
    records = json.loads(r.stdout)
    assert {x["status"] for x in records} <= {"In progress", "No data"}
    assert all(x["in_progress"] and x["met"] is None for x in records)
    table = run(*common, "attainment", "--customer", "acme", "--period", "2026-11").stdout
    assert "acme 2026-11, to date (as of 2026-11-03 09:00 UTC)" in table


def test_load_refusal_quarantine_listing_and_status(tmp_path: Path) -> None:
    """The whole loop on exact output: a compressed export loads, a file whose dates need a
    format is refused (exit 1) with the reasons, the escape hatch loads its valid row, `slm
    quarantine` lists the rejected rows and `slm status` every load."""
    fix = ROOT / "tests" / "fixtures"
    for name in ("servicenow_incidents.csv.gz", "servicenow_incidents_dotted.csv"):
        shutil.copy(fix / name, tmp_path / name)
    env = {**os.environ, "COLUMNS": "120", "SLM_DB": "w.duckdb", "SLM_CATALOGUE": "none.yaml"}

    def slm(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "slm_analysis", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
        )

    def seconds(text: str) -> str:  # wall-clock figures vary from run to run
        return re.sub(r"\d+\.\d\d( s\)| │)", r"N.NN\1", text)

    gz = slm("load", "incidents", "servicenow_incidents.csv.gz", "--timezone", "UTC")
    assert gz.returncode == 0, gz.stderr
    assert seconds(gz.stdout) == (
        "servicenow_incidents.csv.gz: servicenow-incidents, 6 rows read, 3 new or changed, "
        "3 quarantined, 3 unmapped (N.NN s)\n"
        "  warning: 3 rows matched no mapping rule of the catalogue; kept with no customer (add a "
        "mapping rule, or pass --customer/--service)\n"
        "  warning: 3 rows quarantined; `slm quarantine --file servicenow_incidents.csv.gz` lists "
        "them with their reasons\n"
    )
    refused = slm("load", "incidents", "servicenow_incidents_dotted.csv", "--timezone", "UTC")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (
        "warning: no catalogue at none.yaml; no mapping rules: records get no customer\n"
        "error: servicenow_incidents_dotted.csv: 3 of 4 rows (75 %) fail validation, more than "
        "the 50 % a load may quarantine; nothing was loaded (the warehouse is unchanged).\n"
        "The file probably needs a mapping (--mapping M.yaml naming its columns) or a date "
        "format (timestamp_format in the mapping). Why the rows fail:\n"
        f'  - opened_at: 3 rows, first on line 2 ("02.03.2026 09:15"): {NOT_A_DATE_TIME}\n'
        "To load the valid rows anyway and quarantine the rest, pass --max-quarantined 100.\n"
    )
    forced = slm("load", "incidents", "servicenow_incidents_dotted.csv", "--max-quarantined", "100")
    assert forced.returncode == 0, forced.stderr
    assert "4 rows read, 1 new or changed, 3 quarantined" in forced.stdout
    listing = slm("quarantine", "--limit", "4")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout == (
        "load 2, servicenow_incidents_dotted.csv (incidents): 3 rows quarantined\n"
        f'  line 2  opened_at  "02.03.2026 09:15"  {NOT_A_DATE_TIME}\n'
        f'  line 3  opened_at  "03.03.2026 10:00"  {NOT_A_DATE_TIME}\n'
        f'  line 5  opened_at  "05.03.2026 16:45"  {NOT_A_DATE_TIME}\n'
        "load 1, servicenow_incidents.csv.gz (incidents): 3 rows quarantined\n"
        f'  line 4  opened_at  "2026-02-30 09:15:00"  {NOT_A_DATE_TIME}\n'
        "… and 2 more (of 6); --limit 0 lists them all, --json gives them to a script\n"
    )
    one = json.loads(slm("quarantine", "--file", "servicenow_incidents.csv.gz", "--json").stdout)
    assert (one["total"], one["shown"]) == (3, 3)
    assert one["rows"][2] == {
        "load_id": 1,
        "kind": "incidents",
        "file": "servicenow_incidents.csv.gz",
        "line": 6,
        "column": "priority",
        "value": "9 - Whatever",
        "reason": "priority is not 1-5 or a ServiceNow priority name",
    }
    assert slm("quarantine", "--load", "7").stdout == "no quarantined rows for load 7\n"
    st = slm("status")
    assert st.returncode == 0, st.stderr
    # rich pads the centred titles with spaces; compared without them
    assert [line.rstrip() for line in seconds(st.stdout).splitlines()] == [
        "                                           Warehouse w.duckdb",
        "┏━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┓",
        "┃ table     ┃ source     ┃ rows ┃ unmapped ┃ from                 ┃ to                   ┃ quarantined ┃",
        "┡━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━┩",
        "│ incidents │ servicenow │    4 │        4 │ 2026-03-02T09:15:00Z │ 2026-03-29T00:30:00Z │           6 │",
        "└───────────┴────────────┴──────┴──────────┴──────────────────────┴──────────────────────┴─────────────┘",
        "                                                 Loads",
        "┏━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━┓",
        "┃ id ┃ file                            ┃ format               ┃ read ┃ loaded ┃ quarantined ┃ seconds ┃",
        "┡━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━┩",
        "│  2 │ servicenow_incidents_dotted.csv │ servicenow-incidents │    4 │      1 │           3 │    N.NN │",
        "│  1 │ servicenow_incidents.csv.gz     │ servicenow-incidents │    6 │      3 │           3 │    N.NN │",
        "└────┴─────────────────────────────────┴──────────────────────┴──────┴────────┴─────────────┴─────────┘",
        "6 rows are quarantined; `slm quarantine` lists them with their reasons",
    ]
    loads = json.loads(slm("status", "--json").stdout)["loads"]
    assert [(x["load_id"], x["path"], x["rows_quarantined"]) for x in loads] == [
        (2, "servicenow_incidents_dotted.csv", 3),
        (1, "servicenow_incidents.csv.gz", 3),
    ]
    assert all(x["seconds"] > 0.05 for x in loads)  # wall clock, not the transaction's start


ATTAINMENT_CATALOGUE = """
calendars:
  office: {timezone: Europe/Paris, hours: {mon-fri: "09:00-17:00"}}
  always: {timezone: UTC, hours: 24x7}
customers: [{id: c, name: Customer, timezone: Europe/Paris}]
services: [{id: email, name: Email, monitored_since: 2026-01-01}]
agreements:
  - id: sla
    customer: c
    services: [email]
    targets:
      - {id: p1-resolution, metric: resolution_time, priority: 1, within: 4h, calendar: office,
         objective: 50, warning: 60}
      - {id: p1-response, metric: response_time, priority: 1, within: 1h, calendar: office,
         objective: 50}
      - {id: av, metric: availability, calendar: always, objective: 99.9, warning: 99.95}
"""


def test_attainment_table_piped_is_whole_and_exact(tmp_path: Path) -> None:
    """Piped (as a scheduler reads it) the table keeps whole ids and every column; the
    hand-worked values: resolution A met, B and D (running) breached = 1 of 3; no response time
    nor state history, so the response stops at the resolution: all late; 2 759 s down in
    October's 744 h = 99.897 %, a miss shown with the digits that miss. November is to date."""
    from datetime import UTC, datetime

    from slm_analysis import warehouse

    def utc(*a: int) -> datetime:
        return datetime(*a, tzinfo=UTC)

    cat = tmp_path / "c.yaml"
    cat.write_text(ATTAINMENT_CATALOGUE)
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        for number, opened, resolved in [
            ("A", utc(2026, 10, 5, 7), utc(2026, 10, 5, 10)),
            ("B", utc(2026, 10, 9, 13), utc(2026, 10, 12, 9, 30)),
            ("C", utc(2026, 10, 30, 14), utc(2026, 10, 31, 23, 30)),
            ("D", utc(2026, 10, 29, 8), None),
            ("E", utc(2026, 11, 2, 8), None),
        ]:
            con.execute(
                "insert into incidents (source, number, customer, service, priority, state, "
                "opened_at, resolved_at, load_id) values ('t', $n, 'c', 'email', 1, 'x', $o, "
                "$r, 0)",
                {"n": number, "o": opened, "r": resolved},
            )
        con.execute(
            "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('t', 'o1', 'c', 'email', $s, $s + interval 2759 "
            "second, 'full', false, null, null, 0)",
            {"s": utc(2026, 10, 14, 10)},
        )
    common = ["--db", str(db), "--catalogue", str(cat), "attainment", "--customer", "c"]
    r = run(*common, "--period", "2026-10")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == (
        "                                         c 2026-10                                         \n"
        "┏━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━┳━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┓\n"
        "┃ target        ┃ service ┃ objective ┃ achieved ┃ n ┃ 95 % interval ┃ 12 months ┃ status ┃\n"
        "┡━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━╇━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━┩\n"
        "│ p1-resolution │ email   │ 50 %      │ 33.3 %   │ 3 │ 6.1–79.2 %    │ 33.3 %    │ Missed │\n"
        "│ p1-response   │ email   │ 50 %      │ 0.0 %    │ 3 │ 0.0–56.1 %    │ 0.0 %     │ Missed │\n"
        "│ av            │ email   │ 99.9 %    │ 99.897 % │ 1 │ –             │ 99.99 %   │ Missed │\n"
        "└───────────────┴─────────┴───────────┴──────────┴───┴───────────────┴───────────┴────────┘\n"
    )
    r = run(*common, "--period", "2026-11")
    assert r.stdout.splitlines()[0].strip() == "c 2026-11, to date (as of 2026-11-02 08:00 UTC)"
    assert [line.split("│")[-2].strip() for line in r.stdout.splitlines()[4:7]] == [
        "In progress"
    ] * 3


def test_load_refuses_another_customers_number_and_keeps_named_sources_apart(
    tmp_path: Path,
) -> None:
    """Two customers' ServiceNow instances both number INC0000001: the second load is refused
    (exit 2, nothing loaded) until it names its own source."""
    fix = ROOT / "tests" / "fixtures"
    shutil.copy(fix / "servicenow_incidents.csv", tmp_path / "acme.csv")
    # globex's own export: the same numbers, other tickets (the same bytes would be the same
    # export loaded again, which replaces what it loaded before)
    text = (fix / "servicenow_incidents.csv").read_text(encoding="utf-8")
    (tmp_path / "globex.csv").write_text(text.replace("Caller", "Globex caller"), encoding="utf-8")
    env = {**os.environ, "SLM_DB": "w.duckdb", "SLM_CATALOGUE": "none.yaml"}

    def slm(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "slm_analysis", "load", "incidents", *args, "--timezone", "UTC"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
        )

    assert slm("acme.csv", "--customer", "acme").returncode == 0
    refused = slm("globex.csv", "--customer", "globex")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        "warning: no catalogue at none.yaml; no mapping rules: records get what "
        "--customer/--service give\n"
        "error: globex.csv: 3 rows would change the customer of incidents records that belong to "
        "another customer; nothing was loaded:\n"
        "  line 2: INC0000001 (source servicenow) is acme's, loaded from acme.csv; this file "
        "gives it to globex\n"
        "  line 3: INC0000002 (source servicenow) is acme's, loaded from acme.csv; this file "
        "gives it to globex\n"
        "  line 7: INC0000006 (source servicenow) is acme's, loaded from acme.csv; this file "
        "gives it to globex\n"
        "If the files come from different systems that number records alike, load each with its "
        "own --source NAME (for example --source globex-servicenow); if one system serves "
        "several customers and its records move between them (or a mapping was wrong), load "
        "with --shared-source.\n"
    )
    kept = slm("globex.csv", "--customer", "globex", "--source", "globex-snow")
    assert kept.returncode == 0, kept.stderr
    assert "6 rows read, 3 new or changed, 3 quarantined" in kept.stdout
    bad = slm("globex.csv", "--source", "a/b")
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[-1].startswith("error: --source 'a/b': ")
