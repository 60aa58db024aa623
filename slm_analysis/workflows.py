"""Multi-step jobs behind the CLI: the demo and the coverage check. Each is one library call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from .catalogue import AvailabilityTarget, Catalogue, catalogue_json_schema, load_catalogue
from .commentary import (
    UNEXPLAINED,
    CommentaryError,
    file_problems,
    load_commentary,
    review_file,
    review_files,
    unexplained,
    unexplained_note,
)
from .defaults import DEMO_MAX_MONTHS, YEARS
from .demo import generate, is_demo_catalogue
from .errors import CatalogueError, InputError, WarehouseError
from .importers import load_file
from .measures import Clocks, attainment, resolve_period, run_clocks, stop_findings
from .periods import Period
from .scaffold import is_starter_catalogue
from .warehouse import query, scalar, session, sql

if TYPE_CHECKING:  # the notebook machinery takes seconds to import; `slm check` needs none
    from .packs import PackResult

DEMO_LOADS = (
    ("incidents", "incidents"),
    ("incidents", "incident_states"),
    ("outages", "outages"),
    ("checks", "checks"),
    ("surveys", "surveys"),
    ("maintenance", "maintenance"),
    ("actions", "actions"),
)


@dataclass
class DemoResult:
    files: dict[str, Path]
    packs: list[PackResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(not p.ok for p in self.packs)


def last_complete_month(today: datetime | None = None) -> Period:
    now = today or datetime.now(UTC)
    return Period.containing(now.date(), "month").previous()


def run_demo(
    db: Path,
    catalogue: Path,
    out: Path,
    *,
    end: str | None = None,
    months: int = 13,
    reports: Path | None = None,
    render: bool = True,
    force: bool = False,
    jobs: int = 2,
    echo: Callable[[str], object] = print,
) -> DemoResult:
    """Generate, load and render the demo; refuses to overwrite non-demo files unless forced."""
    if not 1 <= months <= DEMO_MAX_MONTHS:
        raise InputError(
            f"months is {months}; the demo writes 1 to {DEMO_MAX_MONTHS} months of history"
        )
    period = Period.parse(end) if end else last_complete_month()
    if period.kind != "month":
        raise InputError("--end takes a month such as 2026-10")
    # the demo's records start a month before its first month, its actions 200 days before --end
    first = period.shift(-max(months, 7))
    if first.first.year < YEARS[0]:
        raise InputError(
            f"--end {period} with {months} months of history would write records from {first} "
            f"on, but they must lie in the plausible years {YEARS[0]}–{YEARS[1]}; give a later "
            "--end or fewer --months"
        )
    if period.bounds("UTC")[1] > datetime.now(UTC):
        raise InputError(
            f"--end {period} has not ended yet; the demo's history ends with a complete month, "
            f"e.g. --end {last_complete_month()}"
        )
    starter = is_starter_catalogue(catalogue)  # `slm init`'s, untouched: replacing loses nothing
    if not force and not starter and not is_demo_catalogue(catalogue):
        raise InputError(
            f"{catalogue} exists and was not written by `slm demo`; pass --catalogue "
            "demo-catalogue.yaml (and --db) to keep it, or --force to replace it"
        )
    if db.exists() and not force:
        with session(db, read_only=True) as con:
            foreign = scalar(
                con,
                "select count(*) from load_log where not starts_with(path, $out)",
                {"out": str(out.resolve())},
            )
        if foreign:
            raise WarehouseError(
                f"{db} holds {foreign} loads that are not demo data; use another --db for the "
                "demo, or --force to replace the warehouse"
            )
    files = generate(out.resolve(), period, months=months)
    catalogue.parent.mkdir(parents=True, exist_ok=True)
    catalogue.write_text(files["catalogue"].read_text(encoding="utf-8"), encoding="utf-8")
    (catalogue.parent / "catalogue.schema.json").write_text(
        catalogue_json_schema(), encoding="utf-8"
    )
    if starter:
        echo(f"replaced the starter catalogue {catalogue} (as slm init wrote it) with the demo's")
    echo(f"wrote demo exports to {out} and the catalogue to {catalogue}")
    review = review_file(catalogue, "acme", period)[1]
    review.parent.mkdir(parents=True, exist_ok=True)
    review.write_text(files["review"].read_text(encoding="utf-8"), encoding="utf-8")
    echo(f"wrote the review commentary of acme {period} to {review}")
    cat = load_catalogue(catalogue)
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    with session(db) as con:
        for kind, key in DEMO_LOADS:
            r = load_file(con, kind, files[key], catalogue=cat, timezone="UTC")
            echo(r.summary())
    result = DemoResult(files)
    if render:
        jobs_list = [(c.id, str(period)) for c in cat.customers]
        from .packs import render_many

        result.packs = render_many(
            jobs_list,
            workers=min(jobs, len(jobs_list)),
            warehouse=db,
            catalogue=catalogue,
            reports=reports,
        )
        for p in result.packs:
            if p.ok:
                echo(f"pack: {p.html}")
            else:
                echo(f"error: {p.error}")
    return result


TICKET_METRICS = ("response_time", "resolution_time", "incident_count")
LOAD_ADVICE = (
    "a known export is recognised from its header (or name it with --format F); any other "
    "file loads with a mapping (--mapping M.yaml)"
)


def run_check(
    db: Path, catalogue: Path, *, period: str | None = None, customer: str | None = None
) -> list[tuple[str, str]]:
    """Catalogue mistakes (errors) and data coverage gaps (warnings, or errors when fatal).

    Each customer is judged on what its targets need: incidents for ticket targets, outage
    records for the services with an availability target, survey responses for satisfaction.
    With ``period``, the review file of each customer (or of ``customer``) in that period is
    checked too: its mistakes are errors, missed targets it does not explain a warning.
    """
    try:
        cat = load_catalogue(catalogue)
    except CatalogueError as exc:
        return [("error", str(p)) for p in exc.problems]
    problems = _untargeted_services(cat)
    if not db.exists():
        return [
            *problems,
            (
                "error",
                f"warehouse {db} does not exist; load exports with `slm load KIND FILE` "
                f"({LOAD_ADVICE})",
            ),
        ]
    files = review_files(cat)
    reviewed = {folder for folder, _ in files}
    # whose review file of ``period`` is checked (an unknown --customer fails here)
    to_review = (
        set()
        if period is None
        else {cat.customer(customer).id}
        if customer
        else set(cat.customers_by_id)
    )
    reviews: list[tuple[str, str]] = []  # listed after every customer's other problems
    with session(db, read_only=True) as con:
        problems += _data_problems(con)
        rows = _customer_rows(con)
        for c in cat.customers:
            if not cat.agreements_for(c.id):
                problems.append(("warning", f"customer {c.id!r} has no agreement"))
                continue
            problems += _coverage_problems(rows, cat, c.id)
            review = c.id in to_review
            # the findings and the review's attainment share one run of the clocks
            run = run_clocks(con, cat, c.id) if review and c.id in rows else None
            if c.id in rows:  # no incidents, outages or surveys: no findings either
                problems += _finding_problems(con, cat, c.id, run)
                if period is None and c.id not in reviewed and Path(cat.source).is_file():
                    problems.append(("warning", _no_commentary(cat, c.id)))
            if review and period is not None:
                reviews += _review_problems(con, cat, c.id, period, run)
    problems += reviews
    if period is None:  # every review file beside the catalogue, read as its pack would
        for folder, path in files:
            problems += [(level, str(x)) for level, x in file_problems(cat, folder, path)]
    return problems


def _review_problems(
    con: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    customer: str,
    period: str,
    clocks: Clocks | None,
) -> list[tuple[str, str]]:
    """The mistakes of the customer's review file of ``period`` and the period's missed targets
    it does not explain (a period still running has none yet); ``clocks``: the customer's
    ``run_clocks``, if run."""
    p = resolve_period(cat, customer, period)
    if not cat.agreements_for(customer, p):
        return []
    try:
        commentary = load_commentary(cat, customer, p)
        missed = unexplained(attainment(con, cat, customer, p, clocks=clocks), commentary)
    except CommentaryError as exc:
        return [("error", str(problem)) for problem in exc.problems]
    except InputError as exc:  # the period starts after the customer's data
        return [("error", f"{customer} {p}: {exc.message}")]
    if missed.empty:
        return []
    return [("warning", f"{customer} {p}: {UNEXPLAINED}: {unexplained_note(missed, commentary)}")]


RowCounts = dict[str, dict[tuple[str, str | None], int]]


def _customer_rows(con: duckdb.DuckDBPyConnection) -> RowCounts:
    """customer → {(table, service): rows} of incidents, surveys, outages and checks (outages
    and checks per service, the others with service None), for every customer in one query."""
    out: RowCounts = {}
    for table, customer, service, n in con.execute(sql("customer_rows")).fetchall():
        out.setdefault(customer, {})[(table, service)] = int(n)
    return out


def _count(rows: RowCounts, table: str, customer: str, service: str | None = None) -> int:
    """Rows of a customer's (and with ``service``, of that service's) in a warehouse table."""
    mine = rows.get(customer, {})
    return sum(n for (t, s), n in mine.items() if t == table and service in (None, s))


def _finding_problems(
    con: duckdb.DuckDBPyConnection, cat: Catalogue, customer: str, clocks: Clocks | None
) -> list[tuple[str, str]]:
    """Data-quality findings the customer's pack will list: timestamps in the future (the
    pack's own note, one definition) and closed tickets whose clock stop is unknown."""
    problems: list[tuple[str, str]] = []
    notes = query(con, "review_quality", {"customer": customer, "now": datetime.now(UTC)})
    for _, note in notes[notes["issue"] == FUTURE_NOTE].iterrows():
        problems.append(
            ("warning", f"{FUTURE_NOTE} for {customer!r}: {note['rows']} ({note['detail']})")
        )
    findings = stop_findings(con, cat, customer, clocks=clocks)
    if not findings.empty:
        shown = ", ".join(findings["number"].head(5)) + (", …" if len(findings) > 5 else "")
        problems.append(
            (
                "warning",
                f"incidents of {customer!r} closed or cancelled with no stop time in their "
                f"fields or state history: {len(findings)} ({shown}); its ticket targets do not "
                "count them — load the state history or an export with resolved_at/closed_at",
            )
        )
    return problems


FUTURE_NOTE = "records with timestamps in the future"  # the issue of review_quality.sql


def _untargeted_services(cat: Catalogue) -> list[tuple[str, str]]:
    """Services of the catalogue that no target of any agreement measures."""
    measured = {s for a in cat.agreements for t in a.targets for s in t.services or a.services}
    return [
        (
            "warning",
            f"service {s.id!r} has no target: no pack measures it; add it to an agreement's "
            "services (and give the agreement a target for it), or remove it from the catalogue",
        )
        for s in cat.services
        if s.id not in measured
    ]


def _no_commentary(cat: Catalogue, customer: str) -> str:
    """What ``slm check`` says of a customer with data but no review file at all."""
    name = review_file(Path(cat.source), customer, "PERIOD")[0]
    where = name if Path(name).is_absolute() else f"{name} beside the catalogue"
    return (
        f"customer {customer!r} has no review commentary: its packs give no reason for a "
        f"missed target; write them in {where} "
        "(`slm check --period P` names the misses a period's file must explain)"
    )


UNMAPPED_VALUES = 5  # the most common values of unmapped incidents `slm check` names
RECORDS = {  # table → (one record, several records, as `slm check` counts them)
    "incidents": ("incident", "incidents"),
    "outages": ("outage record", "outage records"),
    "checks": ("check result", "check results"),
    "surveys": ("survey response", "survey responses"),
}


def _unmapped(table: str, n: int, fix: str, *, service: bool = False) -> str:
    """What ``slm check`` says of ``n`` records of ``table`` with no customer (or with
    ``service``, a customer but no service), singular or plural, and ``fix``."""
    one = n == 1
    what = f"{n} {RECORDS[table][0 if one else 1]}"
    if service:
        return (
            f"{what} {'has' if one else 'have'} a customer but no service, so no target counts "
            f"{'it' if one else 'them'}; {fix}"
        )
    return (
        f"{what} {'matches' if one else 'match'} no mapping rule and {'counts' if one else 'count'}"
        f" for no customer; {fix}"
    )


def _data_problems(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Rows that count for no customer or no service, and quarantined rows."""
    problems: list[tuple[str, str]] = []
    counts = con.execute(sql("unmapped_records")).fetchall()
    for table, no_customer, no_service in counts:
        if no_customer and table == "incidents":
            values = con.execute(sql("unmapped_values"), {"limit": UNMAPPED_VALUES}).fetchall()
            common = ", ".join(f"{field} {val!r} ({n})" for field, val, n in values)
            fix = "add mapping rules to the catalogue" + (
                f" (most common values: {common})" if common else ""
            )
            problems.append(("warning", _unmapped(table, no_customer, fix)))
        elif no_customer:
            fix = (
                "add mapping rules for them to the catalogue (or load the file with --customer "
                "and --service)"
            )
            problems.append(("warning", _unmapped(table, no_customer, fix)))
        if no_service:
            fix = (
                "give the mapping rule that matches them a service (or load the file with "
                "--service)"
            )
            problems.append(("warning", _unmapped(table, no_service, fix, service=True)))
    quarantined = scalar(con, "select count(*) from quarantine")
    if quarantined:
        problems.append(
            (
                "warning",
                f"{quarantined} rows are quarantined; `slm quarantine` lists them with their "
                "reasons",
            )
        )
    return problems


def _coverage_problems(rows: RowCounts, cat: Catalogue, customer: str) -> list[tuple[str, str]]:
    """What the customer's targets need and the warehouse lacks."""
    problems: list[tuple[str, str]] = []
    targets = [(a, t) for a in cat.agreements_for(customer) for t in a.targets]
    tickets = [t.id for _, t in targets if t.metric in TICKET_METRICS]
    if tickets and not _count(rows, "incidents", customer):
        problems.append(
            (
                "error",
                f"customer {customer!r} has no incidents loaded; its ticket targets "
                f"({', '.join(tickets)}) cannot be measured. Load them with `slm load incidents "
                f"FILE` ({LOAD_ADVICE}); a catalogue mapping rule or --customer assigns them",
            )
        )
    elif tickets:  # the customer has incidents: does each service with ticket targets?
        problems += _services_without_incidents(rows, cat, customer)
    surveys = [t.id for _, t in targets if t.metric == "satisfaction"]
    if surveys and not _count(rows, "surveys", customer):
        problems.append(
            (
                "warning",
                f"customer {customer!r} has no survey responses loaded: its satisfaction "
                f"targets ({', '.join(surveys)}) show as no data (load them with `slm load "
                "surveys FILE`)",
            )
        )
    by_checks = [  # availability by events or time slices counts check results only
        s
        for a, t in targets
        if isinstance(t, AvailabilityTarget) and t.method != "time"
        for s in t.services or a.services
    ]
    for svc in dict.fromkeys(by_checks):
        if not _count(rows, "checks", customer, svc):
            problems.append(
                (
                    "warning",
                    f"service {svc!r} of {customer!r} has no check results: its availability "
                    "measured by events or time slices shows as no data (load its checks with "
                    "`slm load checks FILE` and map them to it)",
                )
            )
    available = [
        s
        for a, t in targets
        if isinstance(t, AvailabilityTarget) and t.method == "time"
        for s in t.services or a.services
    ]
    for svc in dict.fromkeys(available):
        if cat.service(svc).monitoring is not None:
            if not _count(rows, "outages", customer, svc) and not _count(
                rows, "checks", customer, svc
            ):
                problems.append(
                    (
                        "warning",
                        f"service {svc!r} of {customer!r} has neither outage records nor check "
                        "results: its availability shows as no data (load its checks with `slm "
                        "load checks FILE` and map them to it, or its outages with `slm load "
                        "outages FILE`)",
                    )
                )
            continue
        if _count(rows, "outages", customer, svc):
            continue
        if _count(rows, "checks", customer, svc):
            problems.append(
                (
                    "warning",
                    f"service {svc!r} of {customer!r} has check results but no outage records, "
                    "and without a `monitoring` block its availability ignores checks: it shows "
                    f"as no data (add `monitoring: {{}}` to service {svc!r} in the catalogue to "
                    "infer its outages from its checks)",
                )
            )
            continue
        problems.append(
            (
                "warning",
                f"service {svc!r} of {customer!r} has no outage records: its availability "
                "shows as no data (load its outages or status-page history with `slm load "
                "outages FILE`)",
            )
        )
    return problems


def _services_without_incidents(
    rows: RowCounts, cat: Catalogue, customer: str
) -> list[tuple[str, str]]:
    """Services of the customer's ticket targets that no loaded incident of it belongs to."""
    by_service: dict[str, list[str]] = {}
    for a in cat.agreements_for(customer):
        for t in a.targets:
            if t.metric in TICKET_METRICS:
                for svc in t.services or a.services:
                    by_service.setdefault(svc, []).append(t.id)
    return [
        (
            "warning",
            f"service {svc!r} of {customer!r} has no incidents: its ticket targets "
            f"({', '.join(dict.fromkeys(ids))}) count none. If its incidents are loaded, a "
            f"mapping rule must give them service {svc!r}",
        )
        for svc, ids in by_service.items()
        if not _count(rows, "incidents", customer, svc)
    ]
