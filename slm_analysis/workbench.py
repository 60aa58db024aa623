"""The analyst's workbench: one object whose methods answer the usual questions as DataFrames.

    import slm_analysis as slm
    wb = slm.open("acme", period="2026-10")   # catalogue and warehouse of the workspace
    wb.attainment()                            # the target table of the period
    wb.breaches(service="webshop")             # one service's breaches
    wb.clocks(number="INC0010100")             # one incident's clocks
    wb.sql("select count(*) as n from incidents where priority = $p", p=1)
    wb.chart("attainment")                     # a plotly figure
    wb.attainment().plot(x="name", y="achieved", kind="bar")  # pandas plots with plotly

A thin facade over the library (``measures``, ``review``, ``outages``, ``satisfaction``,
``improvement``, ``charts``): every method opens a short-lived read-only connection, calls the
library and returns its rows with durations as ``Timedelta`` and instants in the zone of the
customer's agreements. Each method takes ``customer``, ``service`` and ``period`` (any form
``Period.parse`` reads) and falls back to the workbench's own. The columns and dtypes of every
method are listed in docs/api.md; ``COLUMNS`` below is their one definition.

``open`` makes plotly pandas' plotting backend (``pd.options.plotting.backend``), so that
``df.plot()`` returns a plotly figure; ``import slm_analysis`` alone changes nothing.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from . import charts, measures
from .catalogue import Catalogue, load_catalogue
from .errors import InputError, UnknownNameError, first_lines
from .outages import outage_list
from .paths import catalogue_path, db_path
from .paths import workspace as find_workspace
from .periods import Period, today_in
from .review import Review, breaches_between, counted_between, open_review, target_of
from .satisfaction import satisfaction_responses
from .warehouse import query, session

if TYPE_CHECKING:
    import plotly.graph_objects as go

# method → column → kind (``kind:library column`` when the library names it otherwise). Kinds:
# text, integer, number, boolean, time (an instant in the agreement's zone), seconds and
# minutes (the library's unit; returned as a duration), object. DTYPES says what each becomes.
_CLOCK = {
    "agreement": "text", "target": "text", "source": "text", "number": "text",
    "service": "text", "priority": "integer", "short_description": "text", "major": "boolean",
    "start_at": "time", "stop_at": "time", "running": "boolean",
    "business_elapsed": "seconds", "actual_elapsed": "seconds", "open_elapsed": "seconds",
    "paused_business": "seconds", "paused_wall": "seconds", "closed_elapsed": "seconds",
    "holiday_elapsed": "seconds", "out_of_hours": "seconds", "threshold": "seconds:threshold_s",
    "due_at": "time", "met": "boolean", "breached_at": "time", "pct_used": "number",
    "counted_at": "time", "period": "text",
}  # fmt: skip
COLUMNS: dict[str, dict[str, str]] = {
    "incidents": {
        "source": "text", "number": "text", "service": "text", "priority": "integer",
        "state": "text", "short_description": "text", "opened_at": "time",
        "first_response_at": "time", "resolved_at": "time", "closed_at": "time",
        "category": "text", "assignment_group": "text", "assigned_to": "text",
        "major": "boolean", "reopen_count": "integer",
    },
    "clocks": _CLOCK,
    "breaches": {**_CLOCK, "target_name": "text"},
    "timeline": {
        "source": "text", "number": "text", "state": "text", "start_at": "time",
        "end_at": "time", "duration": "seconds:duration_s",
    },
    "outages": {
        "service": "text", "outage_id": "text", "title": "text", "task": "text",
        "impact": "text", "planned": "boolean", "source": "text", "start_at": "time",
        "end_at": "time", "duration": "minutes:minutes", "calendar": "text",
        "service_time": "minutes:service_minutes",
        "maintenance_time": "minutes:maintenance_minutes", "first_failure_at": "time",
        "first_failure_check": "text", "first_success_at": "time",
        "first_success_check": "text", "checks": "object",
    },
    "attainment": {
        "agreement": "text", "id": "text", "name": "text", "service": "text",
        "metric": "text", "method": "text", "period": "text", "objective": "number",
        "warning": "number", "achieved": "number", "unit": "text", "status": "text",
        "met": "boolean", "rag": "text", "in_progress": "boolean", "n": "integer",
        "n_met": "number", "interval_low": "number", "interval_high": "number",
        "higher_is_better": "boolean", "credit_percent": "number",
        "scheduled": "seconds:scheduled_s", "period_scheduled": "seconds:period_scheduled_s",
        "downtime": "seconds:downtime_s", "no_data": "seconds:no_data_s",
        "coverage": "number", "rolling_period": "text", "rolling_achieved": "number",
        "rolling_n": "integer", "open": "number", "percentile": "number", "values": "object",
        "sentence": "text", "note": "text",
    },
    "availability": {
        "agreement": "text", "id": "text", "service": "text", "period": "text",
        "objective": "number", "availability": "number",
        "period_scheduled": "seconds:period_scheduled_s", "scheduled": "seconds:scheduled_s",
        "maintenance": "seconds:maintenance_s", "downtime": "seconds:downtime_s",
        "budget": "seconds:budget_s", "no_data": "seconds:no_data_s", "outages": "integer",
        "monitored": "boolean", "covered_from": "time", "coverage": "number", "why": "text",
    },
    "trends": {
        "agreement": "text", "id": "text", "name": "text", "service": "text",
        "metric": "text", "unit": "text", "higher_is_better": "boolean",
        "objective": "number", "verdict": "text", "periods": "integer", "slope": "number",
        "slope_low": "number", "slope_high": "number", "intercept": "number",
        "p_value": "number", "crossing_period": "text", "small_n": "object",
        "centre": "number", "upper": "number", "lower": "number", "sentence": "text",
        "method": "text",
    },
    "satisfaction": {
        "response_id": "text", "submitted_at": "time", "service": "text",
        "priority": "integer", "score": "number", "scale": "integer", "comment": "text",
    },
}  # fmt: skip
# kind → the pandas dtype it is returned as ("zone": the agreement's IANA zone)
DTYPES = {
    "text": "string", "integer": "Int64", "number": "float64", "boolean": "boolean",
    "time": "datetime64[ns, zone]", "seconds": "timedelta64[ns]",
    "minutes": "timedelta64[ns]", "object": "object",
}  # fmt: skip
# chart name → the pack's figure builder (charts.py) drawn from the review of the period
CHARTS = {
    "attainment": charts.attainment_trend,
    "tickets": charts.ticket_attainment,
    "availability": charts.availability_trend,
    "volumes": charts.volume_trend,
    "breaches": charts.breach_timeline,
    "satisfaction": charts.satisfaction_trend,
    "scores": charts.satisfaction_scores,
    "budgets": charts.budget_chart,
    "improvement": charts.improvement_chart,
}
READ_ONLY = "read-only mode"  # DuckDB's words when a read-only connection is asked to write


def open(
    customer: str | None = None,
    *,
    period: str | Period | None = None,
    workspace: str | os.PathLike[str] | None = None,
    warehouse: str | os.PathLike[str] | None = None,
    catalogue: str | os.PathLike[str] | Catalogue | None = None,
    as_of: datetime | str | None = None,
    now: datetime | None = None,
) -> Workbench:
    """A ``Workbench`` on the workspace's catalogue and warehouse (the argument; else, with
    ``workspace`` — a folder in it — that workspace's; else ``$SLM_CATALOGUE`` / ``$SLM_DB``;
    else the workspace found from here: ``paths.workspace``), for ``customer`` (default:
    the catalogue's only customer) and ``period`` (any ``Period.parse`` form; default: the
    last whole month before the customer's data ends). ``as_of``: the instant the exports are
    complete to (default: their latest timestamp); ``now``: the instant relative periods
    (``last-month``) are read against (default: the current one).

    Also sets pandas' plotting backend to plotly, so ``df.plot()`` draws a plotly figure.
    """
    ws = None if workspace is None else find_workspace(workspace)
    cat = (
        catalogue
        if isinstance(catalogue, Catalogue)
        else load_catalogue(catalogue_path(catalogue or (ws.catalogue if ws else None)))
    )
    if customer is not None:
        cat.customer(customer)  # an unknown customer fails here, naming the known ones
    if period is not None:  # so does a period that is not one
        Period.parse(period, today_in("UTC", now))
    use_plotly()
    db = db_path(warehouse or (ws.warehouse if ws else None))
    wb = Workbench(cat, db, customer, period, as_of=as_of, now=now)
    with session(wb.warehouse, read_only=True):  # a missing warehouse fails here, with advice
        pass
    return wb


def use_plotly() -> None:
    """Make plotly the backend of ``DataFrame.plot`` (pandas' option, for this process)."""
    pd.options.plotting.backend = "plotly"


@dataclass
class Workbench:
    """Questions about a customer's service levels, each answered by a DataFrame (see
    ``open``). ``customer`` and ``period`` are the defaults of every method."""

    catalogue: Catalogue
    warehouse: Path
    customer: str | None = None
    period: str | Period | None = None
    as_of: datetime | str | None = None
    now: datetime | None = None
    _reviews: dict[tuple[str, str], Review] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ tickets
    def incidents(
        self,
        customer: str | None = None,
        *,
        service: str | None = None,
        period: str | Period | None = None,
    ) -> pd.DataFrame:
        """The incidents opened in the period, oldest first (sql/workbench_incidents.sql)."""
        c, svc, p, zone = self._scope(customer, service, period)
        start, end = p.bounds(zone)
        with self._read() as con:
            params = {"customer": c, "service": svc, "ps": start, "pe": end}
            rows = query(con, "workbench_incidents", params)
        return _tidy(rows, "incidents", zone)

    def clocks(
        self,
        customer: str | None = None,
        *,
        service: str | None = None,
        period: str | Period | None = None,
        number: str | None = None,
    ) -> pd.DataFrame:
        """One row per incident and response or resolution target whose clock counts in the
        period (``measures.ticket_clocks``: business, paused, holiday and out-of-hours time,
        due time, met); with ``number``, that incident's clocks whenever they count."""
        c, svc, p, zone = self._scope(customer, service, period)
        with self._read() as con:
            rows = measures.ticket_clocks(con, self.catalogue, c, as_of=self._as_of(con, c))
        if number is not None:
            rows = rows[rows["number"] == number] if len(rows) else rows
        else:
            rows = counted_between(rows, *p.bounds(zone))
        return _tidy(_by_service(_targets(rows), svc), "clocks", zone)

    def breaches(
        self,
        customer: str | None = None,
        *,
        service: str | None = None,
        period: str | Period | None = None,
    ) -> pd.DataFrame:
        """The clocks that breached their target and count in the period, by priority and
        then the share of the allowed time used (``review.breaches_between``)."""
        c, svc, p, zone = self._scope(customer, service, period)
        with self._read() as con:
            as_of = self._as_of(con, c)
            run = measures.run_clocks(con, self.catalogue, c, as_of=as_of, explain=True)
            rows = measures.ticket_clocks(con, self.catalogue, c, as_of=as_of, clocks=run)
        names = measures.target_names(self.catalogue, c, p)
        found = breaches_between(rows, names, *p.bounds(zone))
        return _tidy(_by_service(_targets(found), svc), "breaches", zone)

    def timeline(self, number: str, customer: str | None = None) -> pd.DataFrame:
        """The state history of one incident, each state with its wall-clock duration
        (sql/incident_timeline.sql; empty when no state history is loaded for it); its
        clocks are ``clocks(number=...)``."""
        c, zone = self._customer(customer)
        with self._read() as con:
            rows = query(con, "incident_timeline", {"customer": c, "number": number})
        return _tidy(rows, "timeline", zone)

    # ------------------------------------------------------------------ service levels
    def attainment(
        self,
        customer: str | None = None,
        *,
        service: str | None = None,
        period: str | Period | None = None,
    ) -> pd.DataFrame:
        """One record per target in force in the period: objective, achieved, status, n and
        interval, and the rolling twelve months (``measures.attainment``)."""
        c, svc, p, zone = self._scope(customer, service, period)
        with self._read() as con:
            rows = measures.attainment(con, self.catalogue, c, p, as_of=self._as_of(con, c))
        return _tidy(_by_service(rows, svc), "attainment", zone)

    def availability(
        self,
        customer: str | None = None,
        *,
        service: str | None = None,
        period: str | Period | None = None,
    ) -> pd.DataFrame:
        """Per time-based availability target and service: scheduled time, downtime,
        maintenance, budget and availability % in the period (``measures.availability``)."""
        c, svc, p, zone = self._scope(customer, service, period)
        with self._read() as con:
            rows = measures.availability(con, self.catalogue, c, p, as_of=self._as_of(con, c))
        return _tidy(_by_service(rows, svc), "availability", zone)

    def outages(
        self,
        customer: str | None = None,
        *,
        service: str | None = None,
        period: str | Period | None = None,
    ) -> pd.DataFrame:
        """Recorded and inferred outages overlapping the period, each with its time inside
        the period, inside service hours and inside maintenance (``outages.outage_list``)."""
        c, svc, p, zone = self._scope(customer, service, period)
        with self._read() as con:
            rows = outage_list(
                con, self.catalogue, c, p, services=None if svc is None else [svc],
                as_of=self._as_of(con, c),
            )  # fmt: skip
        return _tidy(rows, "outages", zone)

    def satisfaction(
        self,
        customer: str | None = None,
        *,
        service: str | None = None,
        period: str | Period | None = None,
    ) -> pd.DataFrame:
        """The survey responses submitted in the period, with the priority of the incident
        each rates (``satisfaction.satisfaction_responses``)."""
        c, svc, p, zone = self._scope(customer, service, period)
        services = self.catalogue.services_of(c) if svc is None else [svc]
        with self._read() as con:
            rows = satisfaction_responses(con, c, p, services=services, zone=zone)
        if svc is not None:
            rows = rows[rows["service"] == svc]
        return _tidy(rows, "satisfaction", zone)

    def trends(
        self,
        customer: str | None = None,
        *,
        service: str | None = None,
        period: str | Period | None = None,
    ) -> pd.DataFrame:
        """Per target, its trend over the periods up to this one: verdict, Sen slope with its
        interval, Mann-Kendall p-value, control limits (``review``'s improvement view)."""
        c, svc, p, zone = self._scope(customer, service, period)
        r = self.review(c, period=p)
        assert r.improvement is not None
        rows = r.improvement.trends
        att = r.attainment.drop_duplicates(["agreement", "id"])
        services = dict(zip(zip(att["agreement"], att["id"], strict=True), att["service"],
                            strict=True))  # fmt: skip
        keys = zip(rows["agreement"], rows["id"], strict=True)
        rows = rows.assign(
            service=pd.Series([services.get(k) for k in keys], index=rows.index, dtype=object)
        )
        return _tidy(_by_service(rows, svc), "trends", zone)

    # ------------------------------------------------------------------ the rest
    def review(self, customer: str | None = None, *, period: str | Period | None = None) -> Review:
        """The whole review of the period (``review.open_review``), as the pack shows it;
        kept, so charts and trends of one period read the warehouse once."""
        c, _, p, _ = self._scope(customer, None, period)
        key = (c, str(p))
        if key not in self._reviews:
            self._reviews[key] = open_review(
                c, p, warehouse=self.warehouse, catalogue=self.catalogue,
                as_of=self.as_of, now=self.now,
            )  # fmt: skip
        return self._reviews[key]

    def chart(
        self, name: str, customer: str | None = None, *, period: str | Period | None = None
    ) -> go.Figure:
        """One of the pack's standard charts of the period (``CHARTS``: attainment, tickets,
        availability, volumes, breaches, satisfaction, scores, budgets, improvement)."""
        if name not in CHARTS:
            raise UnknownNameError(
                f"there is no chart {name!r}; the charts are {', '.join(CHARTS)}"
            )
        return CHARTS[name](self.review(customer, period=period))

    def sql(self, text: str, /, **params: Any) -> pd.DataFrame:
        """Run one query on a read-only connection to the warehouse, values bound as
        ``$name`` (``wb.sql("select * from incidents where priority = $p", p=1)``). Instants
        come back in UTC (the warehouse's zone). A statement that would change the warehouse
        is an ``InputError``: data changes only by loading exports."""
        with self._read() as con:
            try:
                frame: pd.DataFrame = con.execute(text, params or None).df()
            except duckdb.Error as exc:
                raise _sql_error(exc) from None
        return frame

    def sql_magic(self) -> None:
        """Connect JupySQL's ``%sql`` / ``%%sql`` in the running IPython to this warehouse,
        read-only (``sql_magic.connect_magic``; needs the ``lab`` extra)."""
        from .sql_magic import connect_magic

        connect_magic(self.warehouse)

    # ------------------------------------------------------------------ helpers
    def _read(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        return session(self.warehouse, read_only=True)

    def _as_of(self, con: duckdb.DuckDBPyConnection, customer: str) -> datetime:
        return measures.given_as_of(self.as_of, self.now) or measures.as_of_time(
            con, customer, self.now
        )

    def _customer(self, customer: str | None) -> tuple[str, str]:
        """The customer (the argument, the workbench's, else the catalogue's only one) and
        the zone of its agreements."""
        cat = self.catalogue
        c = customer or self.customer
        if c is None:
            if len(cat.customers) != 1:
                raise InputError(
                    "name a customer: slm.open('id') or wb.attainment('id'); the customers in "
                    f"{cat.source} are {', '.join(x.id for x in cat.customers)}"
                )
            c = cat.customers[0].id
        cat.customer(c)
        return c, measures.customer_zone(cat, c)

    def _scope(
        self, customer: str | None, service: str | None, period: str | Period | None
    ) -> tuple[str, str | None, Period, str]:
        """The customer and its zone (``_customer``), the service (checked to be one of the
        customer's) and the period resolved: the argument, the workbench's, else the last
        whole month before the customer's data ends."""
        c, zone = self._customer(customer)
        services = self.catalogue.services_of(c)
        if service is not None and service not in services:
            raise UnknownNameError(
                f"service {service!r} is not a service of customer {c!r} in "
                f"{self.catalogue.source}; its services are {', '.join(services)}"
            )
        wanted = period or self.period
        if wanted is None:
            with self._read() as con:
                end = self._as_of(con, c)
            last = measures.resolve_period(self.catalogue, c, "last-month", end)
            return c, service, last, zone
        return c, service, measures.resolve_period(self.catalogue, c, wanted, self.now), zone


def _targets(rows: pd.DataFrame) -> pd.DataFrame:
    """``ticket_clocks`` rows with their ``target_key`` as ``agreement`` and ``target``."""
    if rows.empty:
        return rows.assign(agreement=pd.Series(dtype=object), target=pd.Series(dtype=object))
    agreement, target = target_of(rows["target_key"])
    return rows.assign(agreement=agreement, target=target)


def _by_service(rows: pd.DataFrame, service: str | None) -> pd.DataFrame:
    """The rows of ``service`` (a row's ``service`` may list several: ``email, webshop``)."""
    if service is None or rows.empty:
        return rows
    return rows[rows["service"].fillna("").str.split(", ").apply(lambda s: service in s)]


def _tidy(rows: pd.DataFrame, method: str, zone: str) -> pd.DataFrame:
    """``rows`` with the columns of ``COLUMNS[method]``, in order, each of its kind's dtype
    (``DTYPES``): durations as timedelta, instants in ``zone``."""
    out = {}
    for name, spec in COLUMNS[method].items():
        kind, _, source = spec.partition(":")
        values = rows[source or name] if len(rows) else pd.Series([], dtype=object)
        out[name] = _convert(values.reset_index(drop=True), kind, zone)
    return pd.DataFrame(out)


def _convert(values: pd.Series, kind: str, zone: str) -> pd.Series:
    if kind == "time":
        return (
            pd.to_datetime(values, utc=True)
            .dt.tz_convert(zone)
            .astype(pd.DatetimeTZDtype("ns", zone))
        )
    if kind in ("seconds", "minutes"):
        amounts = pd.to_numeric(values).astype("float64")
        return pd.to_timedelta(amounts, unit="s" if kind == "seconds" else "min").astype(
            _dtype(kind)
        )
    if kind in ("text", "boolean", "integer"):  # missing values as pd.NA, not NaN or "nan"
        return values.astype(object).where(values.notna(), None).astype(_dtype(kind))
    return values.astype(_dtype(kind))


def _dtype(kind: str) -> Any:
    return pd.api.types.pandas_dtype(DTYPES[kind])


def _sql_error(exc: duckdb.Error) -> InputError:
    """DuckDB's refusal, as a message that says what to do."""
    if READ_ONLY in str(exc):
        return InputError(
            f"the workbench reads the warehouse and never changes it ({first_lines(exc)}); "
            "data changes by loading exports (`slm load KIND FILE`), and a DataFrame you "
            "change is yours: wb.sql(...) returns a copy"
        )
    return InputError(
        f"the query failed: {first_lines(exc)}; wb.sql('show tables') lists the tables and "
        "wb.sql('describe incidents') the columns of one"
    )
