"""``load_files``: several files in one call, one transaction each, results in the order given.

Its contract (the docstring of ``importers.load.load_files``): each file is loaded in its own
transaction and the call stops at the first rejected file. So the files before a bad one stay
loaded (committed, in the load log), the bad one leaves nothing behind, the files after it are
not read, and the exception is the bad file's own, naming it.

The files: ``servicenow_incidents.csv`` (fixture; 6 rows: INC0000001, 0002 and 0006 load, 0003
has 30 February, 0004 is resolved before it opened and 0005 has priority "9 - Whatever": 3
quarantined) and a one-row export written here (INC0000009). No catalogue: every row is
unmapped.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from slm_analysis.errors import InputError, QuarantineLimitError
from slm_analysis.importers import load_files
from slm_analysis.warehouse import scalar

FIX = Path(__file__).parent.parent / "fixtures"
NOT_A_DATE_TIME = (
    "not a valid date-time; layouts tried: %Y-%m-%d %H:%M:%S, %Y-%m-%dT%H:%M:%S, %Y-%m-%d %H:%M, "
    "%Y-%m-%dT%H:%M, %d/%m/%Y %H:%M:%S, %d/%m/%Y %H:%M, %Y-%m-%d, ISO 8601 with an offset "
    "(e.g. 2026-10-05T14:23:11Z)"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    first = tmp_path / "first.csv"
    shutil.copy(FIX / "servicenow_incidents.csv", first)
    one = tmp_path / "one.csv"
    one.write_text(
        "number,opened_at,priority,state\nINC0000009,2026-03-10 08:00:00,2 - High,New\n",
        encoding="utf-8",
    )
    headless = tmp_path / "headless.csv"  # a header no incident format has
    headless.write_text("a,b\n1,2\n", encoding="utf-8")
    dotted = tmp_path / "dotted.csv"  # 3 of 4 rows with dates a spreadsheet rewrote
    shutil.copy(FIX / "servicenow_incidents_dotted.csv", dotted)
    return {"first": first, "one": one, "headless": headless, "dotted": dotted}


def loaded(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple[int, str]], int]:
    """Incident numbers in the warehouse, the load log (id, file name) and quarantined rows."""
    numbers = [r[0] for r in con.execute("select number from incidents order by 1").fetchall()]
    log = [
        (int(i), Path(p).name)
        for i, p in con.execute("select load_id, path from load_log order by 1").fetchall()
    ]
    quarantined = int(scalar(con, "select count(*) from quarantine"))
    return numbers, log, quarantined


def test_every_file_is_loaded_and_reported_in_the_order_given(
    con: duckdb.DuckDBPyConnection, files: dict[str, Path]
) -> None:
    """first.csv, one.csv, then first.csv again: three results in that order, loads 1, 2, 3.
    The repeat reads its 6 rows again but changes nothing (the same rows: 0 new or changed),
    so it wrote no unmapped row either (unmapped counts the rows a load wrote)."""
    results = load_files(
        con, "incidents", [files["first"], files["one"], files["first"]], timezone="UTC"
    )
    assert [
        (r.path, r.load_id, r.format, r.rows_read, r.rows_loaded, r.rows_quarantined,
         r.rows_unmapped)
        for r in results
    ] == [
        (str(files["first"]), 1, "servicenow-incidents", 6, 3, 3, 3),
        (str(files["one"]), 2, "servicenow-incidents", 1, 1, 0, 1),
        (str(files["first"]), 3, "servicenow-incidents", 6, 0, 3, 0),
    ]  # fmt: skip
    numbers, log, quarantined = loaded(con)
    assert numbers == ["INC0000001", "INC0000002", "INC0000006", "INC0000009"]
    assert log == [(1, "first.csv"), (2, "one.csv"), (3, "first.csv")]
    # the quarantine keeps the rows of each file's latest load: first.csv's 3 (load 3)
    assert quarantined == 3


def test_a_file_no_format_recognises_stops_the_call_after_the_files_before_it(
    con: duckdb.DuckDBPyConnection, files: dict[str, Path]
) -> None:
    """first.csv loads and stays loaded; headless.csv is rejected with its own message (the
    closest incident format, ServiceNow's list export, needs number, opened_at, priority and
    state; the file has a and b); one.csv after it is never read: INC0000009 is absent."""
    with pytest.raises(InputError) as err:
        load_files(
            con, "incidents", [files["first"], files["headless"], files["one"]], timezone="UTC"
        )
    assert str(err.value) == (
        f"{files['headless']}: header matches no known incidents format (closest: "
        "servicenow-incidents, missing number, opened_at, priority, state); the header has: a, "
        "b. If it is one of the known formats, pass --format F; otherwise name its columns in a "
        "mapping file (--mapping M.yaml, see docs/user-guide.md)"
    )
    assert err.value.exit_code == 2
    numbers, log, quarantined = loaded(con)
    assert numbers == ["INC0000001", "INC0000002", "INC0000006"]  # first.csv's, committed
    assert log == [(1, "first.csv")]  # nothing logged for headless.csv nor one.csv
    assert quarantined == 3  # first.csv's


def test_a_file_refused_for_its_failing_rows_leaves_nothing_and_stops_the_call(
    con: duckdb.DuckDBPyConnection, files: dict[str, Path]
) -> None:
    """dotted.csv: 3 of its 4 rows have dates like "02.03.2026 09:15" (75 % > the 50 % a load
    may quarantine): refused with exit code 1. Its one valid row (INC0000203) is not written
    either, and one.csv after it is not read."""
    with pytest.raises(QuarantineLimitError) as err:
        load_files(con, "incidents", [files["first"], files["dotted"], files["one"]])
    assert str(err.value) == (
        f"{files['dotted']}: 3 of 4 rows (75 %) fail validation, more than the 50 % a load may "
        "quarantine; nothing was loaded (the warehouse is unchanged).\n"
        "The file probably needs a mapping (--mapping M.yaml naming its columns) or a date "
        "format (timestamp_format in the mapping). Why the rows fail:\n"
        f'  - opened_at: 3 rows, first on line 2 ("02.03.2026 09:15"): {NOT_A_DATE_TIME}\n'
        "To load the valid rows anyway and quarantine the rest, pass --max-quarantined 100."
    )
    assert (err.value.exit_code, err.value.rows, err.value.quarantined) == (1, 4, 3)
    numbers, log, quarantined = loaded(con)
    assert numbers == ["INC0000001", "INC0000002", "INC0000006"]
    assert log == [(1, "first.csv")]
    assert quarantined == 3  # first.csv's only: the refused load quarantined nothing


def test_a_missing_file_is_found_only_when_its_turn_comes(
    con: duckdb.DuckDBPyConnection, files: dict[str, Path], tmp_path: Path
) -> None:
    """The paths are not checked up front: first.csv is loaded before the missing file stops
    the call."""
    missing = tmp_path / "missing.csv"
    with pytest.raises(InputError) as err:
        load_files(con, "incidents", [files["first"], missing, files["one"]], timezone="UTC")
    assert str(err.value) == f"{missing}: no such file; check the path"
    assert loaded(con)[1] == [(1, "first.csv")]


def test_no_files_is_no_loads(con: duckdb.DuckDBPyConnection) -> None:
    assert load_files(con, "incidents", []) == []
    assert loaded(con) == ([], [], 0)


def test_slm_load_reports_each_file_until_the_bad_one(
    files: dict[str, Path], tmp_path: Path
) -> None:
    """`slm load incidents first.csv headless.csv one.csv`: first.csv's summary (as
    ``test_every_file_is_loaded_…`` worked out), then headless.csv's error and exit 2; nothing
    about one.csv. The summary's wall-clock seconds are replaced by N.NN before comparing."""
    from click.testing import CliRunner

    from slm_analysis.cli import main

    db, none = tmp_path / "w.duckdb", tmp_path / "none.yaml"
    r = CliRunner().invoke(
        main,
        ["--db", str(db), "--catalogue", str(none), "load", "incidents", str(files["first"]),
         str(files["headless"]), str(files["one"]), "--timezone", "UTC"],
    )  # fmt: skip
    assert r.exit_code == 2
    assert re.sub(r"\(\d+\.\d\d s\)", "(N.NN s)", r.stdout) == (
        f"{files['first']}: servicenow-incidents, 6 rows read, 3 new or changed, 3 quarantined, "
        "3 unmapped (N.NN s)\n"
        "  warning: 3 rows matched no mapping rule of the catalogue; kept with no customer (add a "
        "mapping rule, or pass --customer/--service)\n"
        f"  warning: 3 rows quarantined; `slm quarantine --file {files['first']}` lists them with "
        "their reasons\n"
    )
    assert r.stderr == (
        f"warning: no catalogue at {none}; no mapping rules: records get no customer\n"
        f"error: {files['headless']}: header matches no known incidents format (closest: "
        "servicenow-incidents, missing number, opened_at, priority, state); the header has: a, "
        "b. If it is one of the known formats, pass --format F; otherwise name its columns in a "
        "mapping file (--mapping M.yaml, see docs/user-guide.md)\n"
    )
