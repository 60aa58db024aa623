"""The analyst's workbench on the demo: every method returns the columns and dtypes docs/api.md
documents, for every period form; durations are Timedelta, instants in the agreement's zone;
SQL (``wb.sql`` and JupySQL's ``%sql``) is read-only; pandas plots with plotly."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

import slm_analysis as slm
from slm_analysis.errors import InputError, UnknownNameError
from slm_analysis.workbench import Workbench

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, tzinfo=UTC)  # the demo's data ends 2026-11-03 09:00 UTC
ZONE = "Europe/London"  # acme's agreement
# every form Period.parse reads, and the October it resolves to when relative
PERIODS = [
    "2026-10", "2026-Q3", "2026-H1", "2026", "2026-W40", "2026-08..2026-10",
    "2026-W38..2026-W40", "last-month", "this-month",
]  # fmt: skip
QUICK = ["incidents", "clocks", "outages", "availability", "satisfaction"]
SLOW = ["attainment", "breaches", "trends"]


def documented() -> dict[str, dict[str, str]]:
    """method → column → dtype, read from the tables of docs/api.md."""
    out: dict[str, dict[str, str]] = {}
    method = None
    for line in (ROOT / "docs" / "api.md").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^### `wb\.(\w+)\(\)`", line):
            method = m[1]
            out[method] = {}
        elif method and (m := re.match(r"^\| `(\w+)` \| ([^|]+?) \|", line)):
            out[method][m[1]] = m[2]
        elif line.startswith("## "):
            method = None
    return out


def dtypes(df: pd.DataFrame) -> dict[str, str]:
    return {c: str(t).replace(ZONE, "zone") for c, t in df.dtypes.items()}


@pytest.fixture(scope="module")
def wb(demo_env: dict[str, Path]) -> Workbench:
    return slm.open("acme", warehouse=demo_env["db"], catalogue=demo_env["catalogue"], now=NOW)


def test_the_docs_document_every_method() -> None:
    assert sorted(documented()) == sorted([*QUICK, *SLOW, "timeline"])


@pytest.mark.parametrize("period", PERIODS)
def test_quick_methods_return_the_documented_columns_for_every_period_form(
    wb: Workbench, period: str
) -> None:
    docs = documented()
    for method in QUICK:
        df = getattr(wb, method)(period=period)
        assert dtypes(df) == docs[method], (method, period)


@pytest.mark.slow
@pytest.mark.parametrize("period", PERIODS)
def test_measured_methods_return_the_documented_columns_for_every_period_form(
    wb: Workbench, period: str
) -> None:
    docs = documented()
    expected = str(slm.Period.parse(period, NOW.date()))
    for method in SLOW:
        df = getattr(wb, method)(period=period)
        assert dtypes(df) == docs[method], (method, period)
        if method == "attainment":
            assert set(df["period"]) == {expected}


def test_the_default_period_is_the_last_whole_month_of_the_data(wb: Workbench) -> None:
    att = wb.attainment()
    assert set(att["period"]) == {"2026-10"}
    assert dtypes(att) == documented()["attainment"]
    assert list(att["status"]) == list(wb.attainment(period="2026-10")["status"])


def test_incidents_are_those_opened_in_the_period_in_the_agreements_zone(
    wb: Workbench,
) -> None:
    inc = wb.incidents(period="2026-10")
    assert len(inc) == 117
    assert inc["opened_at"].min() >= pd.Timestamp("2026-10-01", tz=ZONE)
    assert inc["opened_at"].max() < pd.Timestamp("2026-11-01", tz=ZONE)
    web = wb.incidents(service="webshop", period="2026-10")
    assert set(web["service"]) == {"webshop"}
    assert len(web) == (inc["service"] == "webshop").sum()


def test_clocks_are_timedeltas_and_match_the_library(
    wb: Workbench, demo_env: dict[str, Path]
) -> None:
    c = wb.clocks(period="2026-10")
    assert len(c) == 123 and set(c["period"]) == {"2026-10"}
    assert str(c["counted_at"].dt.tz) == ZONE
    with slm.session(demo_env["db"], read_only=True) as con:
        lib = slm.ticket_clocks(con, wb.catalogue, "acme")
    lib = lib[lib["period"] == "2026-10"]
    assert c["business_elapsed"].sum() == pd.Timedelta(seconds=lib["business_elapsed"].sum())
    assert c["threshold"].sum() == pd.Timedelta(seconds=int(lib["threshold_s"].sum()))
    one = wb.clocks(number="INC0010892")
    assert sorted(one["target"]) == ["acme-p1-resolution", "acme-p1-response"]
    row = one[one["target"] == "acme-p1-resolution"].iloc[0]
    assert row["business_elapsed"] == pd.Timedelta("4h14min15s")
    assert row["threshold"] == pd.Timedelta(hours=4)
    assert not row["met"]
    assert row["due_at"] == pd.Timestamp("2026-10-30 15:02:18", tz=ZONE)


def test_breaches_are_the_packs(wb: Workbench) -> None:
    b = wb.breaches(period="2026-10")
    review = wb.review(period="2026-10")
    assert list(b["number"]) == list(review.breaches["number"])
    assert list(b["target_name"]) == list(review.breaches["target_name"])
    assert len(b) == 22 and not b["met"].any()
    assert (b["business_elapsed"] > b["threshold"]).all()
    assert b.iloc[0][["number", "target_name"]].tolist() == ["INC0010892", "P1 resolution"]


def test_one_incidents_timeline(wb: Workbench) -> None:
    t = wb.timeline("INC0010892")
    assert dtypes(t) == documented()["timeline"]
    assert list(t["duration"]) == [
        pd.Timedelta("11min58s"),
        pd.Timedelta("4h2min17s"),
        pd.Timedelta(days=3),
    ]
    assert (t["end_at"] - t["start_at"] == t["duration"]).all()
    assert wb.timeline("INC-NOPE").empty


def test_availability_and_outages_in_the_zone(wb: Workbench) -> None:
    av = wb.availability(period="2026-10")
    assert (av["scheduled"] - av["downtime"] >= pd.Timedelta(0)).all()
    pct = 100 * (av["scheduled"] - av["downtime"]) / av["scheduled"]
    assert (pct.round(9) == av["availability"].round(9)).all()
    out = wb.outages(period="2026-10")
    assert str(out["start_at"].dt.tz) == ZONE
    assert (out["service_time"] <= out["duration"]).all()


def test_sql_is_read_only(wb: Workbench) -> None:
    n = wb.sql("select count(*) as n from incidents where customer = $c and priority = $p",
               c="acme", p=1)  # fmt: skip
    assert n["n"].tolist() == [35]
    with pytest.raises(InputError) as e:
        wb.sql("create table scratch as select 1 as x")
    assert str(e.value).startswith(
        "the workbench reads the warehouse and never changes it (Invalid Input Error: Cannot "
        'execute statement of type "CREATE" on database "warehouse" which is attached in '
        "read-only mode!); data changes by loading exports (`slm load KIND FILE`)"
    )
    with pytest.raises(InputError) as e:
        wb.sql("select * from nowhere")
    assert str(e.value).startswith("the query failed: Catalog Error: Table with name nowhere")
    assert wb.sql("select count(*) as n from duckdb_tables() where table_name = 'scratch'")[
        "n"
    ].tolist() == [0]


def test_names_that_do_not_fit_are_explained(wb: Workbench, demo_env: dict[str, Path]) -> None:
    with pytest.raises(UnknownNameError) as e:
        wb.outages(service="payroll")
    assert str(e.value) == (
        f"service 'payroll' is not a service of customer 'acme' in {demo_env['catalogue']}; "
        "its services are email, webshop"
    )
    both = slm.open(warehouse=demo_env["db"], catalogue=demo_env["catalogue"], now=NOW)
    with pytest.raises(InputError) as e:
        both.incidents()
    assert str(e.value) == (
        "name a customer: slm.open('id') or wb.attainment('id'); the customers in "
        f"{demo_env['catalogue']} are acme, globex"
    )
    assert len(both.incidents("globex", period="2026-10")) > 0
    with pytest.raises(UnknownNameError) as e:
        wb.chart("pie")
    assert str(e.value) == (
        "there is no chart 'pie'; the charts are attainment, tickets, availability, volumes, "
        "breaches, satisfaction, scores, budgets, improvement"
    )


def test_charts_and_pandas_plots_are_plotly_figures(wb: Workbench) -> None:
    assert pd.options.plotting.backend == "plotly"
    for name in ("attainment", "availability", "breaches"):
        assert isinstance(wb.chart(name, period="2026-10"), go.Figure)
    fig = wb.attainment(period="2026-10").plot(x="name", y="achieved", kind="bar")
    assert isinstance(fig, go.Figure)
    assert list(fig.data[0].x) == list(wb.attainment(period="2026-10")["name"])
    assert isinstance(pd.DataFrame({"n": [1, 2, 3]}).plot(), go.Figure)


def test_only_opening_a_workbench_changes_pandas_plotting() -> None:
    """`import slm_analysis` loads neither pandas nor the workbench nor JupySQL, and leaves
    pandas' plotting backend alone; `slm.open` makes it plotly."""
    code = (
        "import sys, slm_analysis as slm; "
        "print(sorted(m for m in ('pandas', 'slm_analysis.workbench', 'sql', 'sqlalchemy', "
        "'duckdb_engine', 'kaleido') if m in sys.modules)); "
        "import pandas as pd; print(pd.options.plotting.backend)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "matplotlib"]


def test_sql_cells_are_read_only(wb: Workbench) -> None:
    """JupySQL in a real IPython shell: `%sql` and a `%%sql` cell return the warehouse's
    rows as DataFrames, a write is refused and the next cell still runs."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        from slm_analysis.sql_magic import connect_magic

        connect_magic(wb.warehouse, shell)
        line = shell.run_cell(
            "%sql select priority, count(*) as n from incidents where customer = 'acme' "
            "group by priority order by priority"
        )
        assert line.success
        assert line.result.to_dict("list") == {"priority": [1, 2, 3, 4], "n": [35, 118, 664, 745]}
        cell = shell.run_cell("%%sql\nselect count(*) as n\nfrom incidents\nwhere priority = 1")
        assert cell.result["n"].tolist() == [65]
        write = shell.run_cell("%sql create table scratch as select 1 as x")
        assert not write.success
        assert "read-only mode" in str(write.error_in_exec)
        after = shell.run_cell(
            "%sql select count(*) as n from duckdb_tables() where table_name = 'scratch'"
        )
        assert after.success and after.result["n"].tolist() == [0]
        # the library's own connections still open beside JupySQL's
        assert len(wb.incidents(period="2026-10")) == 117
    finally:
        shell.run_line_magic("sql", "--close warehouse")
        InteractiveShell.clear_instance()


def test_load_ext_connects_sql_cells_to_the_workspace_warehouse(
    demo_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`%load_ext slm_analysis.sql_magic` without a workbench: the warehouse of $SLM_DB."""
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("SLM_DB", str(demo_env["db"]))
    shell = InteractiveShell.instance()
    try:
        assert shell.run_cell("%load_ext slm_analysis.sql_magic").success
        shell.user_ns["customer"] = "globex"
        found = shell.run_cell(
            "%sql select count(*) as n from incidents where customer = '{{customer}}'"
        )
        with slm.session(demo_env["db"], read_only=True) as con:
            (n,) = con.execute(
                "select count(*) from incidents where customer = 'globex'"
            ).fetchone() or (None,)
        assert found.result["n"].tolist() == [n] and n > 0
    finally:
        shell.run_line_magic("sql", "--close warehouse")
        InteractiveShell.clear_instance()


def test_a_workspace_folder_names_the_catalogue_and_the_warehouse(
    demo_env: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`slm.open(workspace=...)`: any folder inside a workspace (a notebook's) finds its
    catalogue and warehouse; an explicit warehouse still wins, $SLM_DB does not."""
    monkeypatch.setenv("SLM_DB", str(tmp_path / "elsewhere.duckdb"))
    (tmp_path / "slm.toml").write_text('[paths]\nwarehouse = "db/w.duckdb"\n', encoding="utf-8")
    (tmp_path / "catalogue.yaml").write_text(
        demo_env["catalogue"].read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "w.duckdb").symlink_to(demo_env["db"])
    (tmp_path / "notebooks").mkdir()
    wb = slm.open("acme", workspace=tmp_path / "notebooks", now=NOW)
    assert wb.warehouse == tmp_path / "db" / "w.duckdb"
    assert Path(wb.catalogue.source) == tmp_path / "catalogue.yaml"
    assert len(wb.incidents(period="2026-10")) == 117
    given = slm.open("acme", workspace=tmp_path, warehouse=demo_env["db"], now=NOW)
    assert given.warehouse == demo_env["db"]
