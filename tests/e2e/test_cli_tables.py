"""The table (non-JSON) output of `slm attainment` and `slm status`, compared whole.

Run through click's CliRunner: stdout is not a terminal, so the tables are laid out whole (each
table exactly as wide as its content) and without colour. Colour can
still be forced by FORCE_COLOR or TTY_COMPATIBLE in the environment, so both are removed.

Column widths, worked out by hand: each column is as wide as its longest cell or header, plus
one space each side, with a border between columns and at both ends; the title is centred over
the table (the odd space on the right).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hand_worked import build, utc

from slm_analysis import warehouse
from slm_analysis.cli import main

FIX = Path(__file__).resolve().parents[1] / "fixtures"


Slm = Callable[..., Result]


@pytest.fixture
def slm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Slm:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "SLM_DB", "SLM_CATALOGUE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args))

    return invoke


# The hand-worked case of tests/hand_worked.py (its docstring has every row), October 2026:
#   p1-resp  O1 1 h (= the threshold), O2 30 min: 2 of 2 = 100 % (shown with 2 decimals at 99 %
#            and over); Wilson 95 % for 2 of 2: z² = 3.8415, centre (1 + z²/4) / (1 + z²/2) =
#            0.6712, half z·√(z²/16) / (1 + z²/2) = 0.3288: 34.2–100.0. Twelve months: S1 (0 of
#            1) + 2 of 2 = 2 of 3 = 66.7 %. Met.
#   res      O1, O2, O3 met, O4 6 h breached: 3 of 4 = 75.0 %; Wilson for 3 of 4: centre
#            (0.75 + z²/8) / (1 + z²/4) = 0.6275, half z·√(0.75·0.25/4 + z²/64) / (1 + z²/4) =
#            0.3269: 30.1–95.4. Twelve months 1 of 2 + 3 of 4 = 4 of 6 = 66.7 %. At risk (< 90).
#   av       738 / 744 h = 99.19 %, 1 outage. Twelve months: monitored from 1 January 2026, so
#            January–October = 304 days = 7296 h with 6 h down: 99.918 % → 99.92 %. Missed.
#   csat     no response in October: –, n 0. Twelve months: September's 4.5 → 4.50 / 5.
#   count    O1..O5 = 5 of at most 10: Met. Twelve months: September 2 + October 5 = 7.
# Every value has its unit: the intervals are percentages ("34.2–100.0 %", as wide as the
# header), the incident count's objective, value and twelve-month total are incidents.
# Widths: target 7 ("p1-resp"), service 7, objective 12 ("10 incidents"), achieved 11
# ("5 incidents"), n 1, 95 % interval 13 (header), 12 months 11 ("7 incidents"), status 7
# ("At risk") → 69 + 2 × 8 padding + 9 borders = 94 wide; "c 2026-10" (9) centred: 42 | 43.
OCTOBER = (
    "                                          c 2026-10                                           \n"
    "┏━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━┓\n"
    "┃ target  ┃ service ┃ objective    ┃ achieved    ┃ n ┃ 95 % interval ┃ 12 months   ┃ status  ┃\n"
    "┡━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━┩\n"
    "│ p1-resp │ email   │ 90 %         │ 100.00 %    │ 2 │ 34.2–100.0 %  │ 66.7 %      │ Met     │\n"
    "│ res     │ email   │ 75 %         │ 75.0 %      │ 4 │ 30.1–95.4 %   │ 66.7 %      │ At risk │\n"
    "│ av      │ email   │ 99.9 %       │ 99.19 %     │ 1 │ –             │ 99.92 %     │ Missed  │\n"
    "│ csat    │ email   │ 4 / 5        │ –           │ 0 │ –             │ 4.50 / 5    │ No data │\n"
    "│ count   │ email   │ 10 incidents │ 5 incidents │ 5 │ –             │ 7 incidents │ Met     │\n"
    "└─────────┴─────────┴──────────────┴─────────────┴───┴───────────────┴─────────────┴─────────┘\n"
)


def test_attainment_table_of_a_decided_month(slm: Slm, tmp_path: Path) -> None:
    """--as-of pins the data's end (its latest timestamp, O5's opening on 31 October 22:00,
    would leave October running)."""
    build(tmp_path)
    r = slm("--db", "w.duckdb", "--catalogue", "catalogue.yaml", "attainment", "--customer",
            "c", "--period", "2026-10", "--as-of", "2026-11-02T12:00:00Z")  # fmt: skip
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == OCTOBER


# November to date (as of 2 November 12:00 UTC):
#   p1-resp  no P1 ticket: –, n 0; twelve months (December 2025–November 2026) 2 of 3 = 66.7 %.
#   res      O5 breached on 1 November 02:00 while running: counted, 0 of 1 = 0.0 %; Wilson for
#            0 of 1: low 0, high 2·(z²/2) / (1 + z²) = 0.7934 → 0.0–79.3. Twelve months 4 of 7 =
#            57.1 %.
#   av       36 h (1 November 00:00 to 2 November 12:00) without an outage: 100.00 %, over 36 of
#            November's 720 h = 5 % of it; twelve months 7296 + 36 = 7332 h, 6 h down: 99.918 %.
#   csat     –; twelve months 4.50 / 5.    count: after the last incident opening: no data; 7.
# Every status is In progress or No data. Widths: achieved 22 ("100.00 % (5 % covered)"),
# status 11 ("In progress"), the rest as in October → 7 + 7 + 12 + 22 + 1 + 13 + 11 + 11 = 84,
# + 16 + 9 = 109 wide; the title (47) centred: 31 | 31.
NOVEMBER = (
    "                               c 2026-11, to date (as of 2026-11-02 12:00 UTC)                               \n"
    "┏━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━┓\n"
    "┃ target  ┃ service ┃ objective    ┃ achieved               ┃ n ┃ 95 % interval ┃ 12 months   ┃ status      ┃\n"
    "┡━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━┩\n"
    "│ p1-resp │ email   │ 90 %         │ –                      │ 0 │ –             │ 66.7 %      │ No data     │\n"
    "│ res     │ email   │ 75 %         │ 0.0 %                  │ 1 │ 0.0–79.3 %    │ 57.1 %      │ In progress │\n"
    "│ av      │ email   │ 99.9 %       │ 100.00 % (5 % covered) │ 0 │ –             │ 99.92 %     │ In progress │\n"
    "│ csat    │ email   │ 4 / 5        │ –                      │ 0 │ –             │ 4.50 / 5    │ No data     │\n"
    "│ count   │ email   │ 10 incidents │ –                      │ 0 │ –             │ 7 incidents │ No data     │\n"
    "└─────────┴─────────┴──────────────┴────────────────────────┴───┴───────────────┴─────────────┴─────────────┘\n"
)


def test_attainment_table_of_a_running_month(slm: Slm, tmp_path: Path) -> None:
    build(tmp_path)
    r = slm("--db", "w.duckdb", "--catalogue", "catalogue.yaml", "attainment", "--customer",
            "c", "--period", "2026-11", "--as-of", "2026-11-02T12:00:00Z")  # fmt: skip
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == NOVEMBER


# Three fixture exports loaded without a catalogue (every row unmapped):
#   servicenow_incidents.csv  6 rows; 30 February, resolved before opened and priority
#       "9 - Whatever" quarantined: 3 loaded (INC0000001 2 March 09:15, INC0000006 6 March
#       12:00, INC0000002 29 March 00:30).
#   survey_responses.csv      4 rows; score 9 on the 1–5 scale quarantined: 3 loaded (3 March
#       09:32:20, 4 March 12:11:49, 6 March 08:45).
#   servicenow_outages.csv    4 rows; one ends before it begins: 3 loaded (4 March 10:00,
#       5 March 08:00, the planned one 7 March 22:00).
# 3 + 1 + 1 = 5 rows quarantined. Loads newest first. Widths of the first table: 9, 10, 4, 8,
# 20, 20, 11 → 104 wide ("Warehouse w.duckdb", 18: 43 | 43); of the loads: 2, 24, 20, 4, 6,
# 11, 7 → 96 wide ("Loads": 45 | 46). Numbers are right-aligned, the rest left-aligned.
# The loads' seconds are wall-clock times that vary from run to run: each is replaced by N.NN
# (the only normalisation).
STATUS = (
    "                                           Warehouse w.duckdb                                           \n"
    "┏━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┓\n"
    "┃ table     ┃ source     ┃ rows ┃ unmapped ┃ from                 ┃ to                   ┃ quarantined ┃\n"
    "┡━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━┩\n"
    "│ incidents │ servicenow │    3 │        3 │ 2026-03-02T09:15:00Z │ 2026-03-29T00:30:00Z │           3 │\n"
    "│ outages   │ servicenow │    3 │        3 │ 2026-03-04T10:00:00Z │ 2026-03-07T22:00:00Z │           1 │\n"
    "│ surveys   │ survey     │    3 │        3 │ 2026-03-03T09:32:20Z │ 2026-03-06T08:45:00Z │           1 │\n"
    "└───────────┴────────────┴──────┴──────────┴──────────────────────┴──────────────────────┴─────────────┘\n"
    "                                             Loads                                              \n"
    "┏━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━┓\n"
    "┃ id ┃ file                     ┃ format               ┃ read ┃ loaded ┃ quarantined ┃ seconds ┃\n"
    "┡━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━┩\n"
    "│  3 │ servicenow_outages.csv   │ servicenow-outages   │    4 │      3 │           1 │    N.NN │\n"
    "│  2 │ survey_responses.csv     │ survey-responses     │    4 │      3 │           1 │    N.NN │\n"
    "│  1 │ servicenow_incidents.csv │ servicenow-incidents │    6 │      3 │           3 │    N.NN │\n"
    "└────┴──────────────────────────┴──────────────────────┴──────┴────────┴─────────────┴─────────┘\n"
    "5 rows are quarantined; `slm quarantine` lists them with their reasons\n"
)


def seconds(text: str) -> str:
    """The loads table's wall-clock seconds (right-aligned before a border) as N.NN."""
    return re.sub(r"\d+\.\d\d(?= │\n)", "N.NN", text)


def test_status_tables(slm: Slm, tmp_path: Path) -> None:
    for kind, name in [
        ("incidents", "servicenow_incidents.csv"),
        ("surveys", "survey_responses.csv"),
        ("outages", "servicenow_outages.csv"),
    ]:
        shutil.copy(FIX / name, tmp_path / name)
        loaded = slm("--db", "w.duckdb", "--catalogue", "none.yaml", "load", kind, name,
                     "--timezone", "UTC")  # fmt: skip
        assert loaded.exit_code == 0, loaded.stderr
    r = slm("--db", "w.duckdb", "status")
    assert (r.exit_code, r.stderr) == (0, "")
    assert seconds(r.stdout) == STATUS


def test_status_lists_the_newest_twenty_loads(slm: Slm, tmp_path: Path) -> None:
    """21 loads in the load log (written directly, so that their seconds are known: load i
    took i / 4 s) and no quarantined row: the loads table shows loads 21 down to 2, says how
    to see them all, and there is no quarantine line."""
    with warehouse.session(tmp_path / "w.duckdb") as con:
        for i in range(1, 22):
            con.execute(
                "insert into load_log values ($i, 'incidents', 'servicenow-incidents', $p, "
                "'0', 1, 1, 0, 1, $s, $s + to_milliseconds($ms), [], null)",
                {"i": i, "p": f"export-{i:02d}.csv", "s": utc(2026, 3, 10, 8, i),
                 "ms": 250 * i},
            )  # fmt: skip
    out = slm("--db", "w.duckdb", "status").stdout.splitlines()
    # no table holds a row: the first table is its header alone
    assert out[:5] == [
        " " * 22 + "Warehouse w.duckdb" + " " * 22,  # 62 wide: 5+6+4+8+4+2+11, padded
        "┏━━━━━━━┳━━━━━━━━┳━━━━━━┳━━━━━━━━━━┳━━━━━━┳━━━━┳━━━━━━━━━━━━━┓",
        "┃ table ┃ source ┃ rows ┃ unmapped ┃ from ┃ to ┃ quarantined ┃",
        "┡━━━━━━━╇━━━━━━━━╇━━━━━━╇━━━━━━━━━━╇━━━━━━╇━━━━╇━━━━━━━━━━━━━┩",
        "└───────┴────────┴──────┴──────────┴──────┴────┴─────────────┘",
    ]
    # loads: id 2, file 13 ("export-21.csv"), format 20, read 4, loaded 6, quarantined 11,
    # seconds 7 → 85 wide; "Loads (newest 20 of 21)" (23) centred: 31 | 31
    assert out[5] == " " * 31 + "Loads (newest 20 of 21)" + " " * 31
    assert out[9] == (
        "│ 21 │ export-21.csv │ servicenow-incidents │    1 │      1 │           0 │    5.25 │"
    )
    assert out[28] == (
        "│  2 │ export-02.csv │ servicenow-incidents │    1 │      1 │           0 │    0.50 │"
    )
    assert [line.split("│")[1].strip() for line in out[9:29]] == [str(i) for i in range(21, 1, -1)]
    assert out[29].startswith("└")
    assert out[30:] == ["`slm status --format tsv` lists every load"]


def test_each_status_row_counts_its_own_quarantined_rows(tmp_path: Path) -> None:
    """Three incident exports: the ServiceNow list (3 rows quarantined: lines 4, 5, 6), its
    state metrics (1: line 6, a state ending before it starts; loaded into incident_states) and
    a Jira export (1: line 5, an impossible Created date; its issues go to incidents, its
    satisfaction ratings to surveys). Each row of `slm status` must count its own."""
    from slm_analysis.importers import load_file
    from slm_analysis.importers import status as load_status

    with warehouse.session(tmp_path / "w.duckdb") as con:
        for name in ("servicenow_incidents.csv", "servicenow_state_metrics.csv",
                     "jira_all_fields.csv"):  # fmt: skip
            load_file(con, "incidents", FIX / name, timezone="UTC")
        tables = load_status(con)["tables"]
    assert isinstance(tables, list)
    assert {(t["table_name"], t["source"]): t["quarantined"] for t in tables} == {
        ("incident_states", "servicenow"): 1,
        ("incidents", "jira"): 1,
        ("incidents", "servicenow"): 3,
        ("surveys", "jira"): 0,
    }


# The hand-worked case's one outage, OUT1 on 20 October 00:00–06:00 UTC, full, unplanned, from
# source t; 6 h inside the 24x7 service hours of av. Widths: service 7 ("service"), outage 6,
# impact 6, planned 7, start and end 16, in service hours 16, source 6 → 105 wide; the title
# "c 2026-10 outages (UTC)" (23) centred: 41 | 41.
OUTAGES = (
    "                                         c 2026-10 outages (UTC)                                         \n"
    "┏━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━┓\n"
    "┃ service ┃ outage ┃ impact ┃ planned ┃ start            ┃ end              ┃ in service hours ┃ source ┃\n"
    "┡━━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━┩\n"
    "│ email   │ OUT1   │ full   │ no      │ 2026-10-20 00:00 │ 2026-10-20 06:00 │ 6h 00m           │ t      │\n"
    "└─────────┴────────┴────────┴─────────┴──────────────────┴──────────────────┴──────────────────┴────────┘\n"
)


def test_outages_table_and_json(slm: Slm, tmp_path: Path) -> None:
    build(tmp_path)
    args = ("--db", "w.duckdb", "--catalogue", "catalogue.yaml", "outages", "--customer", "c",
            "--period", "2026-10", "--as-of", "2026-11-02T12:00:00Z")  # fmt: skip
    r = slm(*args)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == OUTAGES
    r = slm(*args, "--json")
    assert (r.exit_code, r.stderr) == (0, "")
    assert json.loads(r.stdout) == [
        {
            "service": "email", "outage_id": "OUT1", "title": "Mail down", "task": None,
            "impact": "full",
            "planned": False, "source": "t", "start_at": "2026-10-20T00:00:00+00:00",
            "end_at": "2026-10-20T06:00:00+00:00", "minutes": 360.0, "calendar": "always",
            "service_minutes": 360.0, "maintenance_minutes": 0.0, "first_failure_at": None,
            "first_failure_check": None, "first_success_at": None, "first_success_check": None,
            "checks": [],
        }
    ]  # fmt: skip
