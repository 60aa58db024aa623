"""`--format table|tsv|csv|json` of the table-printing commands, and tables piped whole.

Run through click's CliRunner as in test_cli_tables.py: stdout is not a terminal, so each
table is exactly as wide as its content, without colour.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hand_worked import build, utc
from reconcile_case import build as build_reconcile

from slm_analysis import warehouse
from slm_analysis.cli import main

Slm = Callable[..., Result]
AS_OF = "2026-11-02T12:00:00Z"


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


# The hand-worked October of tests/hand_worked.py (see test_cli_tables.py for the numbers) as
# raw values: objective, warning, achieved, interval and rolling values in the row's unit, the
# Wilson bounds at full precision — 2 of 2: low n / (n + z²) = 2 / 5.8415 = 34.238…; 3 of 4:
# 30.064… to 95.441… — availability 738 / 744 h = 99.1935…; twelve months 2 of 3 = 66.66…,
# 7296 h with 6 down = 99.9177…; coverage a share (1.0), no_data_s seconds, nothing empty
# written as anything but an empty cell.
ATTAINMENT_TSV = (
    "id\tagreement\tservice\tmetric\tmethod\tperiod\tunit\tobjective\twarning\tachieved\t"
    "status\tmet\trag\tin_progress\tas_of\tn\tinterval_low\tinterval_high\tcoverage\tno_data_s\t"
    "open\tnote\trolling_period\trolling_achieved\trolling_n\n"
    "p1-resp\tsla\temail\tresponse_time\t\t2026-10\t%\t90.0\t\t100.0\tMet\ttrue\tgreen\tfalse\t"
    "2026-11-02T12:00:00+00:00\t2\t34.2380227506653\t100.0\t\t\t\t\t2025-11..2026-10\t"
    "66.66666666666667\t3\n"
    "res\tsla\temail\tresolution_time\t\t2026-10\t%\t75.0\t90.0\t75.0\tAt risk\ttrue\tamber\t"
    "false\t2026-11-02T12:00:00+00:00\t4\t30.064184258240186\t95.44127391902994\t\t\t\t\t"
    "2025-11..2026-10\t66.66666666666667\t6\n"
    "av\tsla\temail\tavailability\ttime\t2026-10\t%\t99.9\t\t99.19354838709677\tMissed\tfalse\t"
    "red\tfalse\t2026-11-02T12:00:00+00:00\t1\t\t\t1.0\t0.0\t\t\t2025-11..2026-10\t"
    "99.91776315789474\t1\n"
    "csat\tsla\temail\tsatisfaction\t\t2026-10\t/ 5\t4.0\t\t\tNo data\t\tgrey\tfalse\t"
    "2026-11-02T12:00:00+00:00\t0\t\t\t\t\t\t\t2025-11..2026-10\t4.5\t2\n"
    "count\tsla\temail\tincident_count\t\t2026-10\tincidents\t10.0\t\t5.0\tMet\ttrue\tgreen\t"
    "false\t2026-11-02T12:00:00+00:00\t5\t\t\t1.0\t\t\t\t2025-11..2026-10\t7.0\t7\n"
)


def test_attainment_tsv(slm: Slm, tmp_path: Path) -> None:
    build(tmp_path)
    r = slm("attainment", "--customer", "c", "--period", "2026-10", "--as-of", AS_OF,
            "--format", "tsv")  # fmt: skip
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == ATTAINMENT_TSV


def test_attainment_csv_is_the_tsv_with_commas(slm: Slm, tmp_path: Path) -> None:
    """No value of the hand-worked case holds a comma or a quote, so the CSV is the TSV with
    its tabs turned into commas."""
    build(tmp_path)
    r = slm("attainment", "--customer", "c", "--period", "2026-10", "--as-of", AS_OF,
            "--format", "csv")  # fmt: skip
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == ATTAINMENT_TSV.replace("\t", ",")


def test_json_flag_is_format_json(slm: Slm, tmp_path: Path) -> None:
    build(tmp_path)
    args = ("outages", "--customer", "c", "--period", "2026-10", "--as-of", AS_OF)
    flag, option = slm(*args, "--json"), slm(*args, "--format", "json")
    assert (flag.exit_code, option.exit_code) == (0, 0)
    assert flag.stdout == option.stdout
    assert [o["outage_id"] for o in json.loads(flag.stdout)] == ["OUT1"]


def test_json_with_another_format_is_a_usage_error(slm: Slm) -> None:
    r = slm("status", "--json", "--format", "csv")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.splitlines()[-1] == (
        "Error: --json is --format json; it cannot go with --format csv"
    )


def test_unknown_format_is_a_usage_error(slm: Slm) -> None:
    r = slm("budgets", "--customer", "c", "--period", "2026-10", "--format", "xlsx")
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--format': 'xlsx' is not one of 'table', 'tsv', 'csv', 'json'."
    )


def test_outages_csv(slm: Slm, tmp_path: Path) -> None:
    """OUT1, 20 October 00:00–06:00 UTC, full: 360 minutes, all in the 24x7 service hours,
    none in maintenance; recorded, so no first failing or succeeding check (empty)."""
    build(tmp_path)
    r = slm("outages", "--customer", "c", "--period", "2026-10", "--as-of", AS_OF,
            "--format", "csv")  # fmt: skip
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == (
        "service,outage_id,title,task,impact,planned,source,start_at,end_at,minutes,calendar,"
        "service_minutes,maintenance_minutes,first_failure_at,first_failure_check,"
        "first_success_at,first_success_check,checks\n"
        "email,OUT1,Mail down,,full,false,t,2026-10-20T00:00:00+00:00,"
        "2026-10-20T06:00:00+00:00,360.0,always,360.0,0.0,,,,,\n"
    )


def test_reconcile_tsv_has_two_blocks(slm: Slm, tmp_path: Path) -> None:
    """The case of tests/reconcile_case.py: the agreement per target (1 of 6 agree = 16.67 %,
    its Wilson interval, one ticket per reason) and, after one empty line, the tickets where
    the verdicts differ, with elapsed and threshold in seconds and the other reasons that
    would also explain a ticket joined by "; "."""
    build_reconcile(tmp_path)
    r = slm("reconcile", "--customer", "c", "--period", "2026-10", "--as-of", AS_OF,
            "--format", "tsv")  # fmt: skip
    assert (r.exit_code, r.stderr) == (0, "")
    summary, tickets = r.stdout.split("\n\n")
    assert summary.splitlines() == [
        "agreement\tid\tname\tmetric\tperiod\tn\tagree\tagreement_pct\tinterval_low_pct\t"
        "interval_high_pct\tours_met_vendor_missed\tours_missed_vendor_met\tno_vendor_verdict\t"
        "n_reopen\tn_pauses\tn_calendar\tn_stop\tn_unknown",
        "sla\tres\tAll resolution\tresolution_time\t2026-10\t6\t1\t16.666666666666668\t"
        "3.0053369748306635\t56.35028221864702\t3\t2\t1\t1\t1\t1\t1\t1",
    ]
    lines = tickets.splitlines()
    assert lines[0] == (
        "agreement\tid\tname\tperiod\tsource\tnumber\tpriority\treopen_count\tstart_at\tstop_at\t"
        "elapsed_s\tthreshold_s\tours\tvendor\treason\texplanation\tother_reasons"
    )
    assert lines[2] == (
        "sla\tres\tAll resolution\t2026-10\tt\tPA\t3\t0\t2026-10-07T09:00:00+00:00\t"
        "2026-10-07T15:00:00+00:00\t10800.0\t14400\tMet\tMissed\tpause states\twithout pauses: "
        "6h 00m against 4h 00m, missed as the source tool says\tdifferent stop time"
    )
    assert [line.split("\t")[5] for line in lines[1:]] == ["RO", "PA", "CA", "ST", "UN"]


def test_status_tsv_lists_every_load(slm: Slm, tmp_path: Path) -> None:
    """21 loads (the table shows the newest 20): the TSV has them all, newest first, with no
    note after them; an empty warehouse table list still has its header row."""
    with warehouse.session(tmp_path / "w.duckdb") as con:
        for i in range(1, 22):
            con.execute(
                "insert into load_log values ($i, 'incidents', 'servicenow-incidents', $p, "
                "'0', 1, 1, 0, 1, $s, $s + to_milliseconds(250), [], null)",
                {"i": i, "p": f"export-{i:02d}.csv", "s": utc(2026, 3, 10, 8, i)},
            )
    r = slm("status", "--format", "tsv")
    assert (r.exit_code, r.stderr) == (0, "")
    tables, loads = r.stdout.split("\n\n")
    assert tables == "table_name\tsource\trows\trows_unmapped\tfirst_at\tlast_at\tquarantined"
    lines = loads.splitlines()
    assert len(lines) == 22
    assert lines[1] == (
        "21\tincidents\tservicenow-incidents\texport-21.csv\t0\t1\t1\t0\t1\t"
        "2026-03-10T08:21:00Z\t2026-03-10T08:21:00Z\t0.25\t"
    )
    assert [line.split("\t")[0] for line in lines[1:]] == [str(i) for i in range(21, 0, -1)]


def test_quarantine_tsv(slm: Slm, tmp_path: Path) -> None:
    """The ServiceNow fixture's three bad rows, one record each, in file order."""
    fix = Path(__file__).resolve().parents[1] / "fixtures" / "servicenow_incidents.csv"
    (tmp_path / "inc.csv").write_bytes(fix.read_bytes())
    assert slm("load", "incidents", "inc.csv", "--timezone", "UTC").exit_code == 0
    r = slm("quarantine", "--format", "tsv")
    assert (r.exit_code, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    assert lines[0] == "load_id\tkind\tfile\tline\tcolumn\tvalue\treason"
    assert [line.split("\t")[:5] for line in lines[1:]] == [
        ["1", "incidents", "inc.csv", "4", "opened_at"],
        ["1", "incidents", "inc.csv", "5", "resolved_at"],
        ["1", "incidents", "inc.csv", "6", "priority"],
    ]


# Ids at their longest (64 characters allowed; these are 61 and 63) and an agreement over four
# services of 60 characters: the service cell is 4 × 60 + 3 × 2 = 246 characters, the table
# 63 + 246 + 9 + 8 + 1 + 13 + 9 + 7 = 356 of content + 16 padding + 9 borders = 381 wide —
# wider than any fixed console width would allow, and laid out whole, one line per target.
LONG = [f"customer-relationship-management-{r}-production" for r in ("europe-west",
        "north-america", "asia-pacific", "south-america")]  # fmt: skip
SERVICES = [s + "-" + "x" * (59 - len(s)) for s in LONG]
TARGETS = ["customer-relationship-management-platform-priority-1-response",
           "customer-relationship-management-platform-priority-1-resolution"]  # fmt: skip


def test_long_ids_are_never_cut_when_piped(slm: Slm, tmp_path: Path) -> None:
    assert {len(s) for s in SERVICES} == {60} and [len(t) for t in TARGETS] == [61, 63]
    (tmp_path / "catalogue.yaml").write_text(
        "calendars: {always: {timezone: UTC, hours: 24x7}}\n"
        "customers: [{id: c, name: Customer, timezone: UTC}]\n"
        "services:\n"
        + "".join(f"  - {{id: {s}, name: S{i}}}\n" for i, s in enumerate(SERVICES))
        + f"agreements:\n  - id: sla\n    customer: c\n    services: [{', '.join(SERVICES)}]\n"
        "    targets:\n"
        f"      - {{id: {TARGETS[0]}, metric: response_time, priority: 1, within: 1h,\n"
        "         calendar: always, objective: 90}\n"
        f"      - {{id: {TARGETS[1]}, metric: resolution_time, priority: 1, within: 4h,\n"
        "         calendar: always, objective: 90}\n"
    )
    with warehouse.session(tmp_path / "w.duckdb"):
        pass
    r = slm("attainment", "--customer", "c", "--period", "2026-10", "--as-of", AS_OF)
    assert (r.exit_code, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    assert {len(line) for line in lines} == {381}
    services = ", ".join(SERVICES)
    assert lines[4:6] == [
        f"│ {t:<63} │ {services} │ 90 %      │ –        │ 0 │ –             │ –         │ No data │"
        for t in TARGETS
    ]
    assert len(lines) == 7  # title, three header lines, two rows, the bottom border


@pytest.mark.parametrize("fmt", ["table", "tsv"])
def test_a_reader_that_stops_reading_ends_slm_quietly(slm: Slm, tmp_path: Path, fmt: str) -> None:
    """`slm attainment | head -1`: the reader closed its end before slm wrote; slm stops with
    exit 0 and says nothing (rich would exit 1, click too, Python print a traceback)."""
    build(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "slm_analysis", "--db", "w.duckdb", "--catalogue",
         "catalogue.yaml", "attainment", "--customer", "c", "--period", "2026-10",
         "--as-of", AS_OF, "--format", fmt],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # gone before slm writes a byte
    assert (proc.wait(timeout=120), proc.stderr.read()) == (0, b"")
