"""Warehouse: declared schema and version, locks between processes, all-or-nothing loads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from slm_analysis import warehouse
from slm_analysis.errors import WarehouseError
from slm_analysis.importers import load_file
from slm_analysis.importers.status import quarantined

FIX = Path(__file__).parent.parent / "fixtures"


def hold_write_lock(db: Path) -> subprocess.Popen[bytes]:
    """A process holding the warehouse's write lock until a line arrives on its stdin."""
    code = textwrap.dedent(f"""
        import sys, duckdb
        con = duckdb.connect({str(db)!r})
        print("locked", flush=True)
        sys.stdin.readline()
        con.close()
        print("released", flush=True)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"locked"
    return proc


def test_schema_is_declared_and_versioned(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert set(warehouse.TABLES) <= tables
        version = warehouse.scalar(con, "select value from meta where key = 'schema_version'")
        assert version == warehouse.SCHEMA_VERSION
        con.execute("update meta set value = '0' where key = 'schema_version'")
    with pytest.raises(WarehouseError, match=f"schema version 0 is not {version}"):
        warehouse.connect(db)


def test_missing_or_foreign_files_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="does not exist; load data first"):
        warehouse.connect(tmp_path / "none.duckdb", read_only=True)
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(WarehouseError, match="not an slm warehouse"):
        warehouse.connect(other, read_only=True)
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    with pytest.raises(WarehouseError, match="cannot open warehouse"):
        warehouse.connect(junk)


def test_second_writer_waits_for_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While another process holds the write lock the load retries (connect's retry loop is
    seen to sleep, and nothing is loaded yet); once the lock is released it goes ahead. No
    stopwatch bounds to break."""
    db = tmp_path / "w.duckdb"
    warehouse.connect(db).close()
    holder = hold_write_lock(db)
    done: list[int] = []
    retrying = threading.Event()
    sleep = time.sleep

    def waiting(seconds: float) -> None:
        retrying.set()
        sleep(seconds)

    monkeypatch.setattr(warehouse.time, "sleep", waiting)

    def load() -> None:
        with warehouse.session(db, timeout=60) as con:
            done.append(
                load_file(con, "incidents", FIX / "servicenow_incidents_labels.csv").rows_read
            )

    writer = threading.Thread(target=load)
    writer.start()
    assert retrying.wait(timeout=60)  # the lock was found taken and is being waited for
    assert writer.is_alive() and done == []
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.write(b"go\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == b"released"
    writer.join(timeout=60)
    assert done == [2] and holder.wait(timeout=20) == 0


def test_second_writer_gives_up_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    warehouse.connect(db).close()
    holder = hold_write_lock(db)
    try:
        with pytest.raises(WarehouseError, match=r"in use by another process.*stayed locked"):
            warehouse.connect(db, timeout=0.5)
    finally:
        holder.kill()
        holder.wait()


def test_killed_load_leaves_the_previous_state_intact(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        load_file(con, "incidents", FIX / "servicenow_incidents_labels.csv")
        before = con.execute("select * from incidents order by all").fetchall()
    big = tmp_path / "big.csv"
    header = (FIX / "servicenow_incidents.csv").read_text().splitlines()[0]
    with big.open("w") as f:
        f.write(header + "\n")
        for i in range(400_000):
            f.write(
                f"INC9{i:07d},2026-03-02 09:15:00,t,c,4 - Low,New,Software,g,a,Acme,Email,"
                f"EXCH-01,,,0,,,2026-03-02 09:15:00\n"
            )
    # the child says when its rows are written inside the load's transaction, then waits to
    # be killed before the commit: the kill always lands mid-transaction
    code = textwrap.dedent("""
        import sys, time
        from slm_analysis import warehouse
        from slm_analysis.importers import load, load_file
        write = load._write
        def written(*args, **kwargs):
            n = write(*args, **kwargs)
            print("written", n.rows, flush=True)
            time.sleep(120)
            return n
        load._write = written
        with warehouse.session(sys.argv[1]) as con:
            load_file(con, "incidents", sys.argv[2])
    """)
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(big)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"written 400000"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with warehouse.session(db, read_only=True) as con:
        assert con.execute("select * from incidents order by all").fetchall() == before
        assert warehouse.scalar(con, "select count(*) from load_log") == 1


def test_transaction_rolls_back_on_error(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RuntimeError), warehouse.transaction(con):
        con.execute("insert into meta values ('x', 'y')")
        raise RuntimeError("boom")
    assert warehouse.scalar(con, "select count(*) from meta where key = 'x'") == 0


def test_a_schema_2_warehouse_is_upgraded_in_place(tmp_path: Path) -> None:
    """Schema 3 keeps the customer of quarantined rows, schema 4 the source of each load, schema
    5 the stream kind of each check row; a schema-2 file (no such columns) opened — even
    read-only — is upgraded once, its rows kept."""
    db = tmp_path / "old.duckdb"
    with warehouse.session(db) as con:
        con.execute("alter table quarantine drop column customer")
        con.execute("alter table load_log drop column source")
        con.execute("alter table checks drop column stream")
        con.execute("alter table outages drop column task")
        con.execute("insert into quarantine values (1, 'incidents', 'f.csv', 2, 'x', 'v', 'r')")
        con.execute("update meta set value = '2' where key = 'schema_version'")
    with warehouse.session(db, read_only=True) as con:
        assert (
            warehouse.scalar(con, "select value from meta where key = 'schema_version'")
            == warehouse.SCHEMA_VERSION
        )
        assert con.execute("select line, reason, customer from quarantine").fetchall() == [
            (2, "r", None)
        ]


def test_a_schema_4_warehouse_keeps_its_checks_as_polled(tmp_path: Path) -> None:
    """Schema 5 records the stream kind of each check row; rows loaded before it came from the
    polled formats and are upgraded in place as polled."""
    db = tmp_path / "old.duckdb"
    with warehouse.session(db) as con:
        con.execute("alter table checks drop column stream")
        con.execute(
            "insert into checks values ('monitoring', 'shop', 'acme', 'webshop', "
            "'2026-03-10 08:00:00+00', true, 120, 1)"
        )
        con.execute("update meta set value = '4' where key = 'schema_version'")
    with warehouse.session(db, read_only=True) as con:
        assert (
            warehouse.scalar(con, "select value from meta where key = 'schema_version'")
            == warehouse.SCHEMA_VERSION
        )
        assert con.execute("select check_name, ok, stream from checks").fetchall() == [
            ("shop", True, "polled")
        ]


def test_a_schema_5_warehouse_quarantines_its_implausible_dates(tmp_path: Path) -> None:
    """A warehouse loaded before the door checked years may hold 0001-01-01 or 9999-12-31, which
    overflowed the measures ("internal error: OverflowError"). Upgrading moves those rows — and
    only those — to the quarantine under the load that stored them, naming column and value."""
    db = tmp_path / "old.duckdb"
    with warehouse.session(db) as con:
        con.execute(
            "insert into load_log values (7, 'incidents', 'servicenow-incidents', 'inc.csv', "
            "'x', 3, 3, 0, 0, now(), now(), [], 'servicenow')"
        )
        con.execute(
            "insert into incidents (source, number, customer, opened_at, resolved_at, load_id) "
            "values ('servicenow', 'INC1', 'acme', '2026-03-02 09:00+00', '2026-03-02 10:00+00', 7),"
            " ('servicenow', 'INC2', 'acme', '0001-01-01 00:00+00', null, 7),"
            " ('servicenow', 'INC3', 'globex', '2026-03-02 09:00+00', '9999-12-31 00:00+00', 7)"
        )
        con.execute(
            "insert into incident_states values ('servicenow', 'INC1', 'New', "
            "'2026-03-02 09:00+00', '2101-01-01 00:00+00', 7)"
        )
        con.execute("update meta set value = '5' where key = 'schema_version'")
    with warehouse.session(db, read_only=True) as con:
        assert con.execute("select number from incidents").fetchall() == [("INC1",)]
        assert con.execute("select count(*) from incident_states").fetchone() == (0,)
        assert con.execute(
            "select load_id, kind, path, line, column_name, value, customer from quarantine "
            "order by value"
        ).fetchall() == [
            (7, "incidents", "inc.csv", None, "opened_at", "0001-01-01 00:00:00+00", "acme"),
            (7, "incidents", "inc.csv", None, "end_at", "2101-01-01 00:00:00+00", None),
            (7, "incidents", "inc.csv", None, "resolved_at", "9999-12-31 00:00:00+00", "globex"),
        ]
        assert warehouse.scalar(con, "select min(reason) from quarantine") == (
            "year 0001 is outside the plausible years 1970–2100 (UTC); it was stored before slm "
            "checked dates at the door and is taken out of the incidents table; correct the date "
            'in the export (a placeholder for "no date" should be an empty cell) and load it again'
        )
        listing = quarantined(con).text().splitlines()
        assert listing[0] == "load 7, inc.csv (incidents): 3 rows quarantined"
        assert listing[1].startswith('  line ?  end_at       "2101-01-01 00:00:00+00"  year 2101 ')


def test_no_progress_bar_reaches_standard_output(tmp_path: Path) -> None:
    """DuckDB draws a progress bar on stdout for queries over 2 s (it broke this file's kill
    test under load): every connection turns it off, so piped CLI output stays clean."""
    for con in (warehouse.connect(tmp_path / "w.duckdb"), warehouse.connect(":memory:")):
        assert warehouse.scalar(con, "select current_setting('enable_progress_bar')") is False
        con.close()


def test_a_schema_6_warehouse_gets_the_day_table(tmp_path: Path) -> None:
    """Schema 7 adds downtime_days (status-page day tables); a schema-6 file gets it in place."""
    db = tmp_path / "old.duckdb"
    with warehouse.session(db) as con:
        con.execute("drop table downtime_days")
        con.execute("update meta set value = '6' where key = 'schema_version'")
    with warehouse.session(db, read_only=True) as con:
        assert (
            warehouse.scalar(con, "select value from meta where key = 'schema_version'")
            == warehouse.SCHEMA_VERSION
        )
        assert warehouse.scalar(con, "select count(*) from downtime_days") == 0


def test_a_schema_7_warehouse_gets_the_outages_task(tmp_path: Path) -> None:
    """Schema 8 records the incident or change behind an outage; older records have none."""
    db = tmp_path / "old.duckdb"
    with warehouse.session(db) as con:
        con.execute("alter table outages drop column task")
        con.execute(
            "insert into outages values ('servicenow', 'OUT1', 'acme', 'web', "
            "'2026-03-10 08:00:00+00', '2026-03-10 09:00:00+00', 'full', false, 'Down', null, 1)"
        )
        con.execute("update meta set value = '7' where key = 'schema_version'")
    with warehouse.session(db, read_only=True) as con:
        assert con.execute("select outage_id, task from outages").fetchall() == [("OUT1", None)]
