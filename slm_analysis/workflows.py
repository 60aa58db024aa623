"""Multi-step jobs behind the CLI: the demo and the coverage check. Each is one library call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .catalogue import catalogue_json_schema, load_catalogue
from .demo import generate, is_demo_catalogue
from .errors import CatalogueError, InputError, WarehouseError
from .importers import load_file
from .packs import PackResult, render_many
from .periods import Period
from .warehouse import scalar, session

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
    period = Period.parse(end) if end else last_complete_month()
    if period.kind != "month":
        raise InputError("--end takes a month such as 2026-10")
    if period.bounds("UTC")[1] > datetime.now(UTC):
        raise InputError(
            f"--end {period} has not ended yet; the demo's history ends with a complete month, "
            f"e.g. --end {last_complete_month()}"
        )
    if not force and not is_demo_catalogue(catalogue):
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
    echo(f"wrote demo exports to {out} and the catalogue to {catalogue}")
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


def run_check(db: Path, catalogue: Path) -> list[tuple[str, str]]:
    """Catalogue mistakes (errors) and data coverage gaps (warnings, or errors when fatal)."""
    problems: list[tuple[str, str]] = []
    try:
        cat = load_catalogue(catalogue)
    except CatalogueError as exc:
        return [("error", str(p)) for p in exc.problems]
    if not db.exists():
        return [("error", f"warehouse {db} does not exist; load exports with `slm load`")]
    with session(db, read_only=True) as con:
        unmapped = scalar(con, "select count(*) from incidents where customer is null")
        if unmapped:
            problems.append(
                (
                    "warning",
                    f"{unmapped} incidents match no mapping rule and count "
                    "for no customer; add mapping rules to the catalogue",
                )
            )
        quarantined = scalar(con, "select count(*) from quarantine")
        if quarantined:
            problems.append(
                ("warning", f"{quarantined} rows are quarantined; see `slm status --json`")
            )
        for c in cat.customers:
            if not cat.agreements_for(c.id):
                problems.append(("warning", f"customer {c.id!r} has no agreement"))
                continue
            n = scalar(con, "select count(*) from incidents where customer = $c", {"c": c.id})
            if not n:
                problems.append(
                    (
                        "error",
                        f"customer {c.id!r} has no incidents loaded; its "
                        "ticket targets cannot be measured",
                    )
                )
            for svc in cat.services_of(c.id):
                recorded = scalar(
                    con,
                    "select count(*) from outages where customer = $c and service = $s",
                    {"c": c.id, "s": svc},
                )
                if not recorded:
                    problems.append(
                        (
                            "warning",
                            f"service {svc!r} of {c.id!r} has no outage records: its "
                            "availability shows as no data (load its outages or "
                            "status-page history)",
                        )
                    )
    return problems
