"""``slm``: a thin shell over the library. Parse → one library call → message and exit code.

Exit codes: 0 ok, 1 the work found problems (a failed pack, check errors, a load refused because
most rows fail validation), 2 bad usage or input.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .cli_output import Grid, columns, emit, format_options
from .cli_output import clean as _clean
from .defaults import DEMO_MAX_MONTHS, MAX_QUARANTINED, QUARANTINE_LIMIT
from .errors import SlmError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
STATUS_LOADS = 20  # loads `slm status` shows (--json gives all)


class Ctx:
    def __init__(self, db: str | None, catalogue: str | None) -> None:
        from .paths import catalogue_path, db_path

        self.db = db_path(db)
        self.catalogue = catalogue_path(catalogue)


def _fail(exc: SlmError) -> NoReturn:
    click.echo(f"error: {exc.message}", err=True)
    sys.exit(exc.exit_code)


def _reader_gone() -> NoReturn:
    """The reader of slm's output stopped reading (``slm … | head``): its choice, not a failure,
    so slm stops quietly with exit 0."""
    _stdout_to_devnull()
    sys.exit(0)


def _stdout_to_devnull() -> None:
    """The rest of stdout goes to /dev/null (its reader is gone), so that no later write, nor
    the interpreter's last flush, has anywhere to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class SlmGroup(click.Group):
    """Turns every ``SlmError`` into a clean message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a reader gone shows here, not at the interpreter's exit
            return result
        except BrokenPipeError:
            _reader_gone()
        except SlmError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            click.echo(
                "interrupted; nothing was half-written (each load is one transaction)", err=True
            )
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if os.environ.get("SLM_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in slm; "
                "rerun with SLM_DEBUG=1 for the traceback and report it.",
                err=True,
            )
            sys.exit(1)


@click.group(cls=SlmGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="slm")
@click.option(
    "--db",
    envvar="SLM_DB",
    metavar="PATH",
    help="Warehouse file. [env SLM_DB; default: the workspace's warehouse (slm.toml)]",
)
@click.option(
    "--catalogue",
    envvar="SLM_CATALOGUE",
    metavar="PATH",
    help="Catalogue YAML. [env SLM_CATALOGUE; default: the workspace's catalogue (slm.toml)]",
)
@click.pass_context
def main(ctx: click.Context, db: str | None, catalogue: str | None) -> None:
    """slm-workbench: service level attainment, availability and offline review packs.

    Load exports into the warehouse, check the catalogue, compute attainment and render
    the service review packs customers open offline.
    """
    ctx.obj = Ctx(db, catalogue)


# ---------------------------------------------------------------------------- demo
@main.command(context_settings=CONTEXT)
@click.option(
    "--end",
    "end",
    metavar="PERIOD",
    default=None,
    help="Last month of demo data, e.g. 2026-10. [default: last complete month]",
)
@click.option(
    "--months",
    default=13,
    show_default=True,
    type=click.IntRange(1, DEMO_MAX_MONTHS),
    metavar="N",
    help="Months of history.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="Where the demo exports are written. [default: raw/demo beside the warehouse, i.e. "
    "data/raw/demo]",
)
@click.option(
    "--reports",
    type=click.Path(path_type=Path),
    default=None,
    help="Where packs go. [env SLM_REPORTS; default: the workspace's reports folder (slm.toml)]",
)
@click.option("--no-render", is_flag=True, help="Load the demo data but render no packs.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing catalogue or warehouse that was not written by the demo.",
)
@click.pass_obj
def demo(
    obj: Ctx,
    end: str | None,
    months: int,
    out: Path | None,
    reports: Path | None,
    no_render: bool,
    force: bool,
) -> None:
    """Write demo exports and a catalogue, load them, and render the demo packs.

    The exports are in real formats (ServiceNow incident list and state metrics, outage and
    change records, uptime checks, surveys, an action register) and are loaded through the
    same importers as your files.
    """
    from .workflows import run_demo

    result = run_demo(
        obj.db,
        obj.catalogue,
        out or obj.db.parent / "raw" / "demo",
        end=end,
        months=months,
        reports=reports,
        render=not no_render,
        force=force,
        echo=click.echo,
    )
    if result.failed:
        sys.exit(1)


# ---------------------------------------------------------------------------- init
@main.command(context_settings=CONTEXT)
@click.argument("directory", default=".", type=click.Path(path_type=Path), metavar="[DIR]")
def init(directory: Path) -> None:
    """Start a workspace for your own data in DIR (default: the current folder).

    Writes slm.toml (which marks the workspace), a commented starter catalogue.yaml and its
    JSON Schema, a mapping template for exports slm does not recognise, the notebooks, and a
    .gitignore that keeps data/ and reports/ out of git; creates data/raw, reports, reviews.
    Never overwrites a file: it refuses, naming them, when any is already there.
    """
    from .scaffold import init_workspace, next_steps

    result = init_workspace(directory)
    click.echo(f"created a workspace in {result.root}:")
    for name in (*result.files, *(f"{folder}/" for folder in result.folders)):
        click.echo(f"  {name}")
    click.echo("next:")
    for step in next_steps(result, directory):
        click.echo(f"  {step}")
    click.echo("or try the demo in it first: slm demo")


# ---------------------------------------------------------------------------- load
@main.command(context_settings=CONTEXT)
@click.argument(
    "kind",
    type=click.Choice(["incidents", "outages", "checks", "surveys", "maintenance", "actions"]),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", metavar="F", help="Export format (default: detected from the header)."
)
@click.option("--customer", metavar="C", help="Assign every record of the file(s) to customer C.")
@click.option("--service", metavar="S", help="Assign every record of the file(s) to service S.")
@click.option(
    "--timezone",
    metavar="ZONE",
    help="IANA zone of timestamps without an offset (default: UTC, with a warning when the "
    "file has such timestamps).",
)
@click.option(
    "--scale",
    default=5,
    show_default=True,
    type=click.IntRange(2, 10),
    metavar="N",
    help="Survey score scale: scores run from 1 to N (as in satisfaction targets).",
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path),
    metavar="M.yaml",
    help="Mapping YAML naming the columns of a generic CSV/TSV/Parquet/JSON file "
    "(see docs/user-guide.md).",
)
@click.option(
    "--max-quarantined",
    type=click.FloatRange(0, 100),
    default=MAX_QUARANTINED,
    show_default=True,
    metavar="PCT",
    help="Refuse a file (exit 1, nothing loaded) when more than PCT % of its rows fail "
    "validation; 100 loads the valid rows whatever the rest.",
)
@click.option(
    "--source",
    metavar="NAME",
    help="The system the files come from (an id, e.g. acme-snow; default: the format's family, "
    "e.g. servicenow). Records are keyed by source and number: give each system its own name.",
)
@click.option(
    "--shared-source",
    is_flag=True,
    help="The source serves several customers: a record may move from one customer to another "
    "(otherwise such a load is refused).",
)
@click.pass_obj
def load(
    obj: Ctx,
    kind: str,
    files: tuple[Path, ...],
    fmt: str | None,
    customer: str | None,
    service: str | None,
    timezone: str | None,
    scale: int,
    mapping: Path | None,
    max_quarantined: float,
    source: str | None,
    shared_source: bool,
) -> None:
    """Load export FILES of KIND into the warehouse, each file in one transaction.

    Files may be CSV, JSON or Parquet, also gzip-compressed or alone in a zip archive. Rows that
    fail validation are quarantined with file, line, column, value and reason (`slm
    quarantine` lists them); a file where most rows fail is refused. Loading the same file
    again changes nothing; loading it with other settings (--timezone, --mapping, --customer)
    replaces what it loaded before; of two different files, the newer update wins.
    """
    from .catalogue import load_catalogue
    from .errors import InputError
    from .importers import load_file
    from .importers.mapping import load_mapping
    from .warehouse import session

    if mapping is not None and fmt is not None:
        raise InputError("give --format or --mapping, not both")
    rules = load_mapping(mapping) if mapping is not None else None
    cat = load_catalogue(obj.catalogue) if obj.catalogue.exists() else None
    if cat is None:
        given = "what --customer/--service give" if customer or service else "no customer"
        click.echo(
            f"warning: no catalogue at {obj.catalogue}; no mapping rules: records get {given}",
            err=True,
        )
    from rich.console import Console

    console = Console(stderr=True)
    with session(obj.db) as con:
        for n, f in enumerate(files, 1):
            # a spinner on a terminal (long loads take seconds); nothing when piped or in cron
            with console.status(f"loading {f} ({n}/{len(files)})", spinner="dots"):
                r = load_file(
                    con,
                    kind,
                    f,
                    catalogue=cat,
                    format=fmt,
                    customer=customer,
                    service=service,
                    timezone=timezone,
                    scale=scale,
                    mapping=rules,
                    max_quarantined=max_quarantined,
                    source=source,
                    shared_source=shared_source,
                )
            click.echo(r.summary())


# ---------------------------------------------------------------------------- status
# the fields of `slm status --format tsv|csv`: the JSON records' keys
STATUS_FIELDS = ("table_name", "source", "rows", "rows_unmapped", "first_at", "last_at",
                 "quarantined")  # fmt: skip
LOAD_FIELDS = ("load_id", "kind", "format", "path", "sha256", "rows_read", "rows_loaded",
               "rows_quarantined", "rows_unmapped", "started_at", "finished_at", "seconds",
               "warnings")  # fmt: skip


@main.command(context_settings=CONTEXT)
@format_options
@click.pass_obj
def status(obj: Ctx, fmt: str) -> None:
    """Show what is loaded: rows per table and source, time ranges, quarantine, loads.

    The table lists the newest 20 loads; tsv, csv and json list every load."""
    from .importers import status as load_status
    from .warehouse import session

    with session(obj.db, read_only=True) as con:
        info = load_status(con)
    tables: list[dict[str, Any]] = info["tables"]  # type: ignore[assignment]
    loads: list[dict[str, Any]] = info["loads"]  # type: ignore[assignment]
    shown = loads[:STATUS_LOADS] if fmt == "table" else loads
    quarantined = int(info["quarantined"])  # type: ignore[call-overload]
    noun = "row is" if quarantined == 1 else "rows are"
    notes = [
        *(["`slm status --format tsv` lists every load"] if len(loads) > len(shown) else []),
        *([f"{quarantined} {noun} quarantined; `slm quarantine` lists them with their reasons"]
          if quarantined else []),
    ]  # fmt: skip
    warehouse = Grid(
        f"Warehouse {obj.db}",
        columns("table", "source", "rows", "unmapped", "from", "to", "quarantined",
                right=("rows", "unmapped", "quarantined")),
        [
            [r["table_name"], r["source"], str(r["rows"]),
             "–" if _clean(r["rows_unmapped"]) is None else str(int(r["rows_unmapped"])),
             r["first_at"] or "", r["last_at"] or "", str(r["quarantined"])]
            for r in tables
        ],
        STATUS_FIELDS,
        tables,
    )  # fmt: skip
    load_log = Grid(
        f"Loads (newest {len(shown)} of {len(loads)})" if len(loads) > len(shown) else "Loads",
        columns("id", "file", "format", "read", "loaded", "quarantined", "seconds",
                right=("id", "read", "loaded", "quarantined", "seconds")),
        [
            [str(r["load_id"]), r["path"], r["format"], str(r["rows_read"]),
             str(r["rows_loaded"]), str(r["rows_quarantined"]), f"{r['seconds']:.2f}"]
            for r in shown
        ],
        LOAD_FIELDS,
        shown,
        notes,
    )  # fmt: skip
    emit(fmt, [warehouse, load_log], {"warehouse": str(obj.db), **info})


# ---------------------------------------------------------------------------- quarantine
@main.command(context_settings=CONTEXT)
@click.option(
    "--load",
    "load_id",
    type=click.IntRange(min=1),
    metavar="ID",
    help="Only the rows of load ID (`slm status` lists the loads).",
)
@click.option(
    "--file",
    "file",
    metavar="F",
    help="Only the rows of file F (its path as given to `slm load`, or just its name).",
)
@click.option(
    "--limit",
    default=QUARANTINE_LIMIT,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="N",
    help="List at most N rows (0: all).",
)
@format_options
@click.pass_obj
def quarantine(obj: Ctx, load_id: int | None, file: str | None, limit: int, fmt: str) -> None:
    """List quarantined rows: file, line, column, value and reason, newest load first.

    The quarantine keeps the rows of each file's latest load.
    """
    from .importers import quarantined
    from .warehouse import session

    with session(obj.db, read_only=True) as con:
        found = quarantined(con, load_id=load_id, file=file, limit=limit)
    if fmt == "table":  # a listing grouped by load reads better than a table
        click.echo(found.text())
        return
    document = found.to_dict()
    rows: list[dict[str, Any]] = document["rows"]  # type: ignore[assignment]
    fields = ("load_id", "kind", "file", "line", "column", "value", "reason")
    emit(fmt, [Grid("", [], [], fields, rows)], document)


# ---------------------------------------------------------------------------- check
@main.command(context_settings=CONTEXT)
@click.option(
    "--period",
    metavar="P",
    help="Also check each customer's review file of this period (<customer>/<period>.md in the "
    "workspace's reviews folder): its mistakes, and missed targets it gives no reason for.",
)
@click.option("--customer", metavar="C", help="With --period: only this customer's review file.")
@click.pass_obj
def check(obj: Ctx, period: str | None, customer: str | None) -> None:
    """Check the catalogue and the data coverage; exit 1 when there are errors."""
    from .workflows import run_check

    if customer and not period:
        raise click.UsageError("--customer needs --period: the review file of which period?")
    problems = run_check(obj.db, obj.catalogue, period=period, customer=customer)
    for level, text in problems:
        click.echo(f"{level}: {text}")
    errors = sum(1 for level, _ in problems if level == "error")
    click.echo(f"{errors} error(s), {len(problems) - errors} warning(s)")
    if errors:
        sys.exit(1)


# ---------------------------------------------------------------------------- attainment
AS_OF_HELP = (
    "The instant the exports are complete to, ISO 8601 (UTC unless it has an offset), when "
    "later than their latest timestamp. [default: the latest timestamp]"
)
PERIOD_HELP = (
    "2026-10, 2026-Q3, 2026-H1, 2026, 2026-W07, 2026-01..2026-06, last-month, this-quarter …"
)


def customer_period_options(f: Callable[..., None]) -> Callable[..., None]:
    """The options of the commands that measure one customer's period: --customer, --period,
    --format (and --json) and --as-of."""
    options = [
        click.option(
            "--customer", required=True, metavar="C", help="Customer id from the catalogue."
        ),
        click.option("--period", required=True, metavar="P", help=f"Period: {PERIOD_HELP}"),
    ]
    f = click.option("--as-of", "as_of", metavar="INSTANT", help=AS_OF_HELP)(f)
    f = format_options(f)
    for option in reversed(options):  # as decorators apply: the last written first
        f = option(f)
    return f


@main.command(context_settings=CONTEXT)
@customer_period_options
@click.pass_obj
def attainment(obj: Ctx, customer: str, period: str, fmt: str, as_of: str | None) -> None:
    """One record per target: objective, achieved, status, n, the 95 % interval and the
    rolling twelve-month figure. A running period is measured to date (status In progress);
    a period after the data is refused. JSON adds each target's error budget (see `slm
    budgets`)."""
    from .budgets import budget_record
    from .budgets import measure as measure_budgets
    from .catalogue import load_catalogue
    from .measures import attainment as measure
    from .measures import period_window
    from .warehouse import session

    cat = load_catalogue(obj.catalogue)
    cat.customer(customer)
    with session(obj.db, read_only=True) as con:
        p, moment, running = period_window(con, cat, customer, period, as_of=as_of)
        if fmt == "json":
            report = measure_budgets(con, cat, customer, p, as_of=moment)
            df = report.attainment
        else:
            df = measure(con, cat, customer, p, as_of=moment)
    rows = df.to_dict(orient="records")
    records = [_attainment_record(r, moment) for r in rows]
    if fmt == "json":
        for rec in records:
            rec["error_budget"] = budget_record(report, rec["agreement"], rec["id"], rec["period"])
    when = f", to date (as of {moment:%Y-%m-%d %H:%M} UTC)" if running else ""
    grid = Grid(
        f"{customer} {p}{when}",
        columns("target", "service", "objective", "achieved", "n", "95 % interval",
                "12 months", "status"),
        [_attainment_cells(r, row) for r, row in zip(records, rows, strict=True)],
        ATTAINMENT_FIELDS,
        [_attainment_fields(r) for r in records],
    )  # fmt: skip
    emit(fmt, [grid], records)


# the fields of `slm attainment --format tsv|csv`: objective, warning, achieved, interval_low,
# interval_high and rolling_achieved are in `unit` (%, / 5, s or incidents)
ATTAINMENT_FIELDS = ("id", "agreement", "service", "metric", "method", "period", "unit",
                     "objective", "warning", "achieved", "status", "met", "rag", "in_progress",
                     "as_of", "n", "interval_low", "interval_high", "coverage", "no_data_s",
                     "open", "note", "rolling_period", "rolling_achieved", "rolling_n")  # fmt: skip


def _attainment_fields(r: dict[str, Any]) -> dict[str, Any]:
    """A target's JSON record as one flat TSV/CSV record (ATTAINMENT_FIELDS)."""
    rolling = r["rolling_12_months"]
    return {
        **r,
        "interval_low": r["interval"][0],
        "interval_high": r["interval"][1],
        "rolling_period": rolling["period"],
        "rolling_achieved": rolling["achieved"],
        "rolling_n": rolling["n"],
    }


def _attainment_cells(r: dict[str, Any], row: dict[Any, Any]) -> list[str]:
    """A target's row of the `slm attainment` table, every value with its unit."""
    from .review import describe
    from .status import format_objective

    lo, hi = r["interval"]
    unit = str(row["unit"])
    return [
        str(r["id"]),
        str(r["service"]),
        _counted(format_objective(row["objective"], unit), unit),
        _counted(describe(row), unit) + _covered(row) + _open(row),
        str(r["n"]),
        "–" if lo is None else f"{lo:.1f}–{hi:.1f} {unit}",
        _counted(describe(row, "rolling_achieved"), unit),
        str(r["status"]),
    ]


def _counted(text: str, unit: str) -> str:
    """``10 incidents`` for a count shown bare (``10``); other values have their unit."""
    return f"{text} {unit}" if unit == "incidents" and text != "–" else text


def _covered(row: dict[Any, Any]) -> str:
    """`` (69 % covered)`` after an availability measured over part of the period."""
    from .status import coverage_text

    cov = _clean(row["coverage"])
    if cov is None or cov >= 1 or _clean(row["achieved"]) is None:
        return ""
    return f" ({coverage_text(cov)} covered)"


def _open(row: dict[Any, Any]) -> str:
    """`` (no failures)`` after an MTBF without outages; `` (2 open)`` after an MTTA, MTTR or
    reopen rate whose clocks still running at the as-of instant are in no value."""
    if isinstance(row.get("note"), str):
        return f" ({row['note']})"
    still_open = _clean(row.get("open"))
    return f" ({int(still_open)} open)" if still_open else ""


def _attainment_record(r: dict[Any, Any], as_of: datetime) -> dict[str, Any]:
    """One target's record as the CLI's JSON gives it (the contract of DESIGN §7)."""
    return {
        "id": r["id"],
        "agreement": r["agreement"],
        "service": r["service"],
        "metric": r["metric"],
        "method": _clean(r["method"]),  # availability: time, events or timeslices
        "period": r["period"],
        "objective": r["objective"],
        "warning": _clean(r["warning"]),
        "achieved": _clean(r["achieved"]),
        "status": r["status"],
        "met": r["met"],
        "rag": r["rag"],
        "in_progress": bool(r["in_progress"]),
        "as_of": as_of,
        "n": r["n"],
        "interval": [_clean(r["interval_low"]), _clean(r["interval_high"])],
        "unit": r["unit"],
        "coverage": _clean(r["coverage"]),
        "no_data_s": _clean(
            r["no_data_s"]
        ),  # availability by outages: service time no check covered
        "open": None if _clean(r["open"]) is None else int(r["open"]),
        "note": _clean(r["note"]),
        "rolling_12_months": {
            "period": r["rolling_period"],
            "achieved": _clean(r["rolling_achieved"]),
            "n": _clean(r["rolling_n"]),
        },
    }


# ---------------------------------------------------------------------------- budgets
@main.command(context_settings=CONTEXT)
@customer_period_options
@click.pass_obj
def budgets(obj: Ctx, customer: str, period: str, fmt: str, as_of: str | None) -> None:
    """Error budget of every target: allowed, consumed, remaining (negative: overspent).

    A running period's allowance is the whole period's (ticket counts projected from the
    traffic so far), with the burn rates over the last 1 h, 6 h, 1 d and 3 d, the burn-rate
    alerts that fire and when the budget runs out at the current burn."""
    from .budgets import budget_record
    from .budgets import measure as measure_budgets
    from .catalogue import load_catalogue
    from .measures import period_window
    from .warehouse import session

    cat = load_catalogue(obj.catalogue)
    cat.customer(customer)
    with session(obj.db, read_only=True) as con:
        p, moment, running = period_window(con, cat, customer, period, as_of=as_of)
        report = measure_budgets(con, cat, customer, p, as_of=moment)
    records = [
        {
            **{k: r[k] for k in ("id", "agreement", "service", "metric", "period", "objective",
                                 "unit")},
            "in_progress": bool(r["in_progress"]),
            "as_of": moment,
            "error_budget": budget_record(report, r["agreement"], r["id"], r["period"]),
        }
        for r in report.attainment.to_dict(orient="records")
    ]  # fmt: skip
    when = f", to date (as of {moment:%Y-%m-%d %H:%M} UTC)" if running else ""
    grid = Grid(
        f"{customer} {p} error budgets{when}",
        columns("target", "budget in", "allowed", "consumed", "remaining", "used", "burn 1h",
                "burn 6h", "burn 1d", "burn 3d", "alerts", "outlook"),
        [[str(r["id"]), *_budget_cells(r["error_budget"], r["metric"])] for r in records],
        BUDGET_FIELDS,
        [_budget_fields(r) for r in records],
    )  # fmt: skip
    emit(fmt, [grid], records)


# the fields of `slm budgets --format tsv|csv`: objective is in `unit`; allowed, consumed and
# remaining in `budget_unit` (seconds of downtime, or misses, responses, incidents)
BUDGET_FIELDS = ("id", "agreement", "service", "metric", "period", "unit", "objective",
                 "in_progress", "as_of", "budget_unit", "budget_basis", "budget_projected",
                 "budget_basis_amount", "error_budget_target", "budget_allowed",
                 "budget_consumed", "budget_remaining", "budget_consumed_pct", "budget_state",
                 "burn_rate_1h", "burn_rate_6h", "burn_rate_1d", "burn_rate_3d",
                 "alerts_firing", "exhausted_at", "exhaustion_at")  # fmt: skip


def _budget_fields(r: dict[str, Any]) -> dict[str, Any]:
    """A target's budget record as one flat TSV/CSV record (BUDGET_FIELDS)."""
    b = r["error_budget"] or {}
    rates = b.get("burn_rates") or {}
    return {
        **r,
        **{f"budget_{k}": b.get(k) for k in ("unit", "basis", "projected", "basis_amount",
                                             "allowed", "consumed", "remaining", "state")},
        "budget_consumed_pct": b.get("consumed_percent"),
        "error_budget_target": b.get("error_budget_target"),
        **{f"burn_rate_{w}": rates.get(w) for w in ("1h", "6h", "1d", "3d")},
        "alerts_firing": None if b.get("alerts") is None else _alerts(b["alerts"]),
        "exhausted_at": b.get("exhausted_at"),
        "exhaustion_at": b.get("exhaustion_at"),
    }  # fmt: skip


def _alerts(alerts: list[dict[str, Any]]) -> str:
    """The burn-rate alerts that fire: ``page 1h/5m, ticket 1d/2h``."""
    return ", ".join(
        f"{a['severity']} {a['long_window']}/{a['short_window']}" for a in alerts if a["fires"]
    )


def _budget_cells(b: dict[str, Any] | None, metric: str) -> list[str]:
    """A target's error budget as the cells of `slm budgets`, after its id."""
    from .budgets import format_amount, outlook

    if b is None:
        return ["–", "–", "–", "–", "–", *[""] * 4, "", f"no error budget ({metric})"]
    unit = "downtime" if b["unit"] == "seconds" else b["unit"]
    pct = b["consumed_percent"]
    rates = b["burn_rates"] or {}
    return [
        unit + (" (projected)" if b["projected"] else ""),
        *(format_amount(b[k], b["unit"]) for k in ("allowed", "consumed", "remaining")),
        "–" if pct is None else f"{pct:.0f} %",
        *(_burn_text(rates.get(w), b["burn_rates"] is not None) for w in ("1h", "6h", "1d", "3d")),
        _alerts(b["alerts"] or []) or ("–" if b["alerts"] is not None else ""),
        outlook(b),
    ]


def _burn_text(rate: float | None, measured: bool) -> str:
    """A burn rate as a multiple of the sustainable rate, ``2.5×``; – for a window with
    nothing to measure; blank for a period that has ended."""
    if not measured:
        return ""
    return "–" if rate is None else f"{rate:.1f}×"


# ---------------------------------------------------------------------------- outages
@main.command(context_settings=CONTEXT)
@customer_period_options
@click.pass_obj
def outages(obj: Ctx, customer: str, period: str, fmt: str, as_of: str | None) -> None:
    """Every outage of the customer's services in the period: recorded, or inferred from
    checks (with the first failing and first succeeding check), planned ones included.

    Minutes count the time inside the period up to the data's end: wall clock, inside
    service hours, and of those inside planned maintenance. Times are UTC."""
    import pandas as pd

    from .catalogue import load_catalogue
    from .durations import format_duration
    from .measures import period_window
    from .outages import outage_list
    from .warehouse import session

    cat = load_catalogue(obj.catalogue)
    cat.customer(customer)
    with session(obj.db, read_only=True) as con:
        p, moment, _ = period_window(con, cat, customer, period, as_of=as_of)
        found = outage_list(con, cat, customer, p, as_of=moment)
    records = [
        {str(k): v if isinstance(v, list) or not pd.isna(v) else None for k, v in r.items()}
        for r in found.to_dict(orient="records")
    ]
    grid = Grid(
        f"{customer} {p} outages (UTC)",
        columns("service", "outage", "impact", "planned", "start", "end", "in service hours",
                "source"),
        [
            [str(r["service"]), r["outage_id"] or "inferred", str(r["impact"]),
             "yes" if r["planned"] else "no", f"{r['start_at']:%Y-%m-%d %H:%M}",
             "running" if r["end_at"] is None else f"{r['end_at']:%Y-%m-%d %H:%M}",
             format_duration(60 * float(r["service_minutes"] or 0)), str(r["source"])]
            for r in records
        ],
        [str(c) for c in found.columns],
        records,
    )  # fmt: skip
    emit(fmt, [grid], records)


# ---------------------------------------------------------------------------- reconcile
@main.command(context_settings=CONTEXT)
@customer_period_options
@click.pass_obj
def reconcile(obj: Ctx, customer: str, period: str, fmt: str, as_of: str | None) -> None:
    """Our verdict against the export's own (ServiceNow made_sla, Jira's SLA sign) for
    every response and resolution target: the agreement rate with its 95 % interval, and
    each ticket where the two differ with the reason found (reopen, pause states, calendar,
    different stop time, else target definition unknown: the export does not say which SLA
    its flag is about)."""
    from .catalogue import load_catalogue
    from .measures import period_window
    from .reconcile import reconcile as measure
    from .warehouse import session

    cat = load_catalogue(obj.catalogue)
    cat.customer(customer)
    with session(obj.db, read_only=True) as con:
        p, moment, running = period_window(con, cat, customer, period, as_of=as_of)
        found = measure(con, cat, customer, p, as_of=moment)
    summary = [{str(k): _clean(v) for k, v in r.items()} for r in found.summary.to_dict("records")]
    tickets = [{str(k): _clean(v) for k, v in r.items()} for r in found.tickets.to_dict("records")]
    when = f", to date (as of {moment:%Y-%m-%d %H:%M} UTC)" if running else ""
    if fmt == "table" and not summary:
        click.echo(f"{customer} {p}: no response or resolution target to reconcile{when}")
        return
    grids = _reconcile_grids(f"{customer} {p}", when, summary, tickets)
    # TSV/CSV: the agreement rate and its interval are percentages, named so
    pct = {"agreement_rate": "agreement_pct", "interval_low": "interval_low_pct",
           "interval_high": "interval_high_pct"}  # fmt: skip
    grids[0] = replace(
        grids[0],
        fields=[pct.get(str(c), str(c)) for c in found.summary.columns],
        records=[{pct.get(k, k): v for k, v in r.items()} for r in summary],
    )
    grids[1] = replace(grids[1], fields=[str(c) for c in found.tickets.columns])
    if fmt == "table" and not tickets:  # the first table's note says there are none
        grids = grids[:1]
    emit(fmt, grids, {"as_of": moment, "summary": summary, "tickets": tickets})


def _reconcile_grids(
    title: str, when: str, summary: list[dict[str, Any]], tickets: list[dict[str, Any]]
) -> list[Grid]:
    """`slm reconcile`'s two tables: agreement per target, and the disagreeing tickets."""
    from .durations import format_duration
    from .reconcile import REASON_COLUMNS

    rows = []
    for r in summary:
        rate, lo, hi = r["agreement_rate"], r["interval_low"], r["interval_high"]
        reasons = ", ".join(f"{name} {r[col]}" for name, col in REASON_COLUMNS.items() if r[col])
        rows.append([
            str(r["id"]), str(r["n"]), str(r["agree"]),
            "–" if rate is None else f"{rate:.1f} %",
            "–" if lo is None else f"{lo:.1f}–{hi:.1f} %",
            str(r["ours_met_vendor_missed"]), str(r["ours_missed_vendor_met"]),
            str(r["no_vendor_verdict"]), reasons or "–",
        ])  # fmt: skip
    agreement = Grid(
        f"{title} agreement with the source tool's verdict{when}",
        columns("target", "compared", "agree", "agreement", "95 % interval",
                "ours met, tool missed", "ours missed, tool met", "no tool verdict", "reasons"),
        rows,
        [],
        summary,
        [] if tickets else ["No ticket where the two verdicts differ."],
    )  # fmt: skip
    differ = Grid(
        "Tickets where the verdicts differ",
        columns("target", "ticket", "priority", "elapsed", "threshold", "ours", "tool",
                "reason", "explanation"),
        [
            [str(r["id"]), str(r["number"]), f"P{r['priority']}",
             format_duration(r["elapsed_s"]), format_duration(r["threshold_s"]),
             str(r["ours"]), str(r["vendor"]), str(r["reason"]), str(r["explanation"])]
            for r in tickets
        ],
        [],
        tickets,
    )  # fmt: skip
    return [agreement, differ]


# ---------------------------------------------------------------------------- render
@main.command(context_settings=CONTEXT)
@click.option("--customer", metavar="C", help="Customer id from the catalogue.")
@click.option("--period", metavar="P", required=True, help=f"Period: {PERIOD_HELP}")
@click.option("--all", "all_", is_flag=True, help="Every customer with an agreement in force.")
@click.option("--pdf", is_flag=True, help="Also print each pack to PDF (needs Chromium).")
@click.option(
    "--paper",
    type=click.Choice(["A4", "Letter"], case_sensitive=False),
    default="A4",
    show_default=True,
    help="Paper size of the PDF (--pdf).",
)
@click.option(
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="N",
    help="Packs rendered in parallel.",
)
@click.option(
    "--reports",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder. [env SLM_REPORTS; default: the workspace's reports folder (slm.toml)]",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    default=None,
    help="Notebook template (copy the packaged one to change it). [default: the packaged "
    "notebooks/service_review.ipynb]",
)
@click.option(
    "--timeout",
    default=600,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="SECONDS",
    help="Seconds allowed per cell.",
)
@click.option("--as-of", "as_of", metavar="INSTANT", help=AS_OF_HELP)
@click.option(
    "--shard",
    metavar="I/N",
    help="With --all: render only shard I of N (numbered from 0, so --shard "
    "$JOB_COMPLETION_INDEX/N works); the N shards partition --all exactly.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the customer and period of each pack it would render; render nothing.",
)
@click.option(
    "--redact-people",
    is_flag=True,
    help="Replace person names (assignees, action owners, in titles and comments too) with "
    "stable pseudonyms such as 'Person 3F2A9C'. [key: env SLM_REDACT_KEY, else "
    ".slm-redact.key beside the catalogue]",
)
@click.pass_obj
def render(
    obj: Ctx,
    customer: str | None,
    period: str,
    all_: bool,
    pdf: bool,
    paper: str,
    jobs: int,
    reports: Path | None,
    template: Path | None,
    timeout: int,
    as_of: str | None,
    shard: str | None,
    dry_run: bool,
    redact_people: bool,
) -> None:
    """Execute the review notebook and render self-contained HTML into reports/C/P/.

    A pack whose notebook fails is never published; the command exits 1 and names the
    failing cell. With --all, one failing customer does not stop the others. On a terminal a
    progress bar runs; otherwise each published pack prints one tab-separated line as it
    finishes: customer, period, overall status, seconds, the HTML (and PDF) path; a failed one
    prints its error on stderr. Afterwards reports/index-P.html lists every pack of the period
    that is published.
    """
    from .catalogue import load_catalogue
    from .errors import InputError
    from .scheduling import Shard, customers_to_render

    if bool(customer) == all_:
        raise InputError("give exactly one of --customer C or --all")
    if shard is not None and not all_:
        raise InputError("--shard splits --all; give --all with it")
    part = Shard.parse(shard) if shard is not None else None
    cat = load_catalogue(obj.catalogue)
    if all_:
        customers = customers_to_render(cat, period, part)
    else:
        assert customer is not None
        cat.customer(customer)
        customers = [customer]
    if dry_run:
        for c in customers:
            click.echo(f"{c}\t{period}")
        return
    if part is not None and not customers:
        click.echo(f"shard {part} has no pack to render for {period}", err=True)
        return
    from .packs import render_many  # seconds of notebook machinery: after the catalogue

    with _pack_reporter(len(customers)) as report:
        results = render_many(
            [(c, period) for c in customers],
            workers=jobs,
            on_result=report,
            warehouse=obj.db,
            catalogue=obj.catalogue,
            reports=reports,
            template=template,
            pdf=pdf,
            paper=paper,
            timeout=timeout,
            as_of=as_of,
            redact_people=redact_people,
        )
    worst = max((r.exit_code for r in results if not r.ok), default=0)
    if worst:
        sys.exit(worst)


def pack_line(r: Any) -> str:
    """One finished pack (a ``PackResult``) as a tab-separated line: customer, period, overall
    status ("failed" when it was not published), seconds, HTML path (and PDF path)."""
    status = (r.status or "published") if r.ok else "failed"
    paths = [r.html or "-", *([r.pdf] if r.pdf else [])]
    return "\t".join([r.customer, r.period, status, f"{r.seconds:.1f} s", *paths])


@contextlib.contextmanager
def _pack_reporter(total: int, console: Any = None) -> Iterator[Callable[[Any], None]]:
    """What to call with each finished pack: on a terminal (or the given rich ``console``), a
    progress bar with the packs' lines (and errors) above it; otherwise one line per published
    pack on stdout and an ``error: …`` line per failed one on stderr."""

    def line(r: Any) -> None:  # a failed pack: its error on stderr only (stdout stays empty)
        try:
            click.echo(pack_line(r) if r.ok else f"error: {r.error}", err=not r.ok)
        except BrokenPipeError:  # `slm render --all | head -1`: the packs go on, the log stops
            _stdout_to_devnull()

    if console is None and not sys.stdout.isatty():
        yield line
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    out = console or Console()
    with Progress(
        TextColumn("rendering packs"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out,
    ) as progress:
        task = progress.add_task("packs", total=total)

        def bar(r: Any) -> None:
            progress.console.print(pack_line(r), markup=False, highlight=False)
            if not r.ok:
                progress.console.print(
                    f"error: {r.error}", markup=False, highlight=False, style="red"
                )
            progress.advance(task)

        yield bar


# ---------------------------------------------------------------------------- lab
@main.command(context_settings={**CONTEXT, "ignore_unknown_options": True})
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    metavar="N",
    help="Serve on this port (fail if it is taken). [default: 8888, else the next free one]",
)
@click.option(
    "--browser/--no-browser",
    default=None,
    help="Open a web browser on the lab. [default: only when there is a display]",
)
@click.argument("jupyter_args", nargs=-1, type=click.UNPROCESSED, metavar="[JUPYTER_ARGS]...")
@click.pass_context
def lab(
    ctx: click.Context, port: int | None, browser: bool | None, jupyter_args: tuple[str, ...]
) -> None:
    """Open JupyterLab on the workspace's notebooks/ (as root too).

    The lab's root is the workspace (the folder of slm.toml or catalogue.yaml found from here,
    or $SLM_HOME), so its file browser also holds the catalogue, the review files and the packs.
    Notebooks' kernels find the workspace from their folder, else the lab's (SLM_LAB_HOME is
    set for every kernel and terminal the server starts); slm's --db/--catalogue reach them as
    SLM_DB/SLM_CATALOGUE.
    Other options go to jupyter lab, e.g. slm lab --ip 0.0.0.0. Stop the server with Ctrl-C.
    """
    from .lab import (
        check_jupyterlab,
        has_display,
        lab_command,
        lab_environment,
        run_lab,
        running_as_root,
    )
    from .paths import workspace

    check_jupyterlab()
    ws = workspace()
    given = ctx.find_root().params
    env = lab_environment(ws, os.environ)
    for name, key in (("SLM_DB", "db"), ("SLM_CATALOGUE", "catalogue")):
        if given.get(key):
            env[name] = os.path.abspath(given[key])
    command = lab_command(
        ws,
        port=port,
        browser=has_display(os.environ) if browser is None else browser,
        as_root=running_as_root(),
        extra=jupyter_args,
    )
    click.echo(f"JupyterLab on the workspace {ws.root}", err=True)
    sys.exit(run_lab(command, env))


# ---------------------------------------------------------------------------- schema
@main.command(context_settings=CONTEXT)
def schema() -> None:
    """Print the catalogue's JSON Schema (for editors that validate YAML as you type)."""
    from .catalogue import catalogue_json_schema

    click.echo(catalogue_json_schema())


if __name__ == "__main__":  # pragma: no cover
    main()
