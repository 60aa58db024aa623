"""Benchmark: ticket-target attainment at scale, and the speed-up over the Python reference.

1,000,000 incidents and 300,000 pause intervals across 3 customers whose calendars have public
holidays and DST (Europe/London, America/New_York, Australia/Sydney); 5 ticket targets each;
attainment for all targets of 12 monthly periods. The pure-Python reference (``Calendar.elapsed``
and ``Calendar.due``) runs on a sample in the same process, and the ratio is reported.

    .venv/bin/python benchmarks/clock_attainment.py [--incidents N] [--pauses N] [--sample N]
        [--repeat N] [--history]
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import time
from datetime import UTC, datetime

import duckdb
import numpy as np
import pandas as pd

from slm_analysis import measures, warehouse
from slm_analysis.catalogue import TicketTimeTarget, parse_catalogue

CUSTOMERS = {
    "uk": ("Europe/London", "GB", "ENG"),
    "us": ("America/New_York", "US", "NY"),
    "au": ("Australia/Sydney", "AU", "NSW"),
}
START = datetime(2025, 1, 1, tzinfo=UTC)
AS_OF = datetime(2026, 1, 3, tzinfo=UTC)


def catalogue_text() -> str:
    cals, custs, agreements = [], [], []
    for cid, (zone, country, sub) in CUSTOMERS.items():
        cals.append(
            f'  {cid}-office: {{timezone: {zone}, hours: {{mon-fri: ["08:00-12:30", '
            f'"13:30-18:00"]}}, holidays: {{country: {country}, subdivision: {sub}}}}}'
        )
        cals.append(f"  {cid}-always: {{timezone: {zone}, hours: 24x7}}")
        custs.append(f"  - {{id: {cid}, name: {cid}, timezone: {zone}}}")
        agreements.append(f"""  - id: {cid}-sla
    customer: {cid}
    services: [{cid}-svc]
    clock: {{pause_states: [On Hold]}}
    targets:
      - {{id: {cid}-p1r, metric: response_time, priority: 1, within: 15m, calendar: {cid}-always, objective: 95}}
      - {{id: {cid}-p1, metric: resolution_time, priority: 1, within: 4h, calendar: {cid}-always, objective: 90}}
      - {{id: {cid}-p2, metric: resolution_time, priority: 2, within: 8h, calendar: {cid}-office, objective: 90}}
      - {{id: {cid}-p3, metric: resolution_time, priority: 3, within: 24h, calendar: {cid}-office, objective: 90}}
      - {{id: {cid}-p4, metric: resolution_time, priority: 4, within: 40h, calendar: {cid}-office, objective: 90}}""")
    services = "\n".join(f"  - {{id: {c}-svc, name: {c}}}" for c in CUSTOMERS)
    return (
        "calendars:\n"
        + "\n".join(cals)
        + "\ncustomers:\n"
        + "\n".join(custs)
        + "\nservices:\n"
        + services
        + "\nagreements:\n"
        + "\n".join(agreements)
        + "\n"
    )


def populate(
    con: duckdb.DuckDBPyConnection, n: int, n_pauses: int, seed: int = 1, start: datetime = START
) -> None:
    rng = np.random.default_rng(seed)
    span = (AS_OF - start).total_seconds() - 86400
    opened = start.timestamp() + rng.uniform(0, span, n)
    prio = rng.choice([1, 2, 3, 4], n, p=[0.02, 0.08, 0.45, 0.45])
    wall = rng.lognormal(np.log(20 * 3600), 1.2, n)
    resolved = opened + wall
    resolved[resolved > AS_OF.timestamp()] = np.nan  # still open at the end of the data
    customer = rng.choice(list(CUSTOMERS), n)
    inc = pd.DataFrame(
        {
            "source": "bench",
            "number": [f"INC{i:08d}" for i in range(n)],
            "customer": customer,
            "service": [f"{c}-svc" for c in customer],
            "priority": prio,
            # still open at the end of the data: in progress (a closed ticket with no stop time
            # would be a data-quality finding, not a clock)
            "state": np.where(np.isnan(resolved), "In Progress", "Closed"),
            "opened_at": pd.to_datetime(opened, unit="s", utc=True),
            "resolved_at": pd.to_datetime(resolved, unit="s", utc=True),
            "load_id": 0,
        }
    )
    con.register("inc_df", inc)
    con.execute("insert into incidents by name select * from inc_df")
    con.unregister("inc_df")
    which = rng.choice(n, n_pauses, replace=False)
    p0 = opened[which] + rng.uniform(0, 1, n_pauses) * wall[which] * 0.8
    p1 = p0 + rng.lognormal(np.log(6 * 3600), 1.0, n_pauses)
    pauses = pd.DataFrame(
        {
            "source": "bench",
            "number": [f"INC{i:08d}" for i in which],
            "state": "On Hold",
            "start_at": pd.to_datetime(p0, unit="s", utc=True),
            "end_at": pd.to_datetime(p1, unit="s", utc=True),
            "load_id": 0,
        }
    )
    con.register("pause_df", pauses)
    con.execute("insert into incident_states by name select * from pause_df")
    con.unregister("pause_df")


def add_lifecycles(con: duckdb.DuckDBPyConnection) -> int:
    """A full state history for every incident (New 10 minutes, In Progress until resolved,
    Resolved for three days, then Closed), as audit and state-metric exports have."""
    con.execute(
        """
        insert into incident_states
        select source, number, 'New', opened_at, opened_at + interval 10 minute, 0
        from incidents
        union all
        select source, number, 'In Progress', opened_at + interval 10 minute, resolved_at, 0
        from incidents
        union all
        select source, number, 'Resolved', resolved_at, resolved_at + interval 3 day, 0
        from incidents where resolved_at is not null
        union all
        select source, number, 'Closed', resolved_at + interval 3 day, null, 0
        from incidents where resolved_at + interval 3 day <= $as_of
        """,
        {"as_of": AS_OF},
    )
    return int(con.execute("select count(*) from incident_states").fetchall()[0][0])


def reference_seconds_per_clock(con: duckdb.DuckDBPyConnection, cat, sample: int) -> float:  # type: ignore[no-untyped-def]
    """Seconds per (incident, target) clock with Calendar.elapsed + Calendar.due."""
    rows = con.execute(
        "select i.number, i.customer, i.priority, i.opened_at, i.resolved_at, "
        "list(struct_pack(s := s.start_at, e := s.end_at)) filter (where s.number is not null) "
        "from incidents i left join (select * from incident_states where state = 'On Hold') s "
        "using (source, number) "
        "group by all order by i.number limit $n",
        {"n": sample},
    ).fetchall()
    targets = {}
    for a in cat.agreements:
        for t in a.targets:
            assert isinstance(t, TicketTimeTarget)
            targets.setdefault((a.customer, t.priority[0]), []).append(t)
    started = time.perf_counter()
    clocks = 0
    for _number, customer, prio, opened, resolved, pauses in rows:
        end = resolved or AS_OF
        spans = [(p["s"], min(p["e"], end)) for p in pauses or [] if p["e"] > p["s"]]
        for t in targets[(customer, prio)]:
            cal = cat.calendar(t.calendar)
            cal.elapsed(opened, end, spans)
            cal.due(opened, t.within, spans)
            clocks += 1
    return (time.perf_counter() - started) / max(clocks, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--incidents", type=int, default=1_000_000)
    ap.add_argument("--pauses", type=int, default=300_000)
    ap.add_argument("--sample", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--history",
        action="store_true",
        help="add a full state history (New, In Progress, Resolved, Closed) for every incident",
    )
    args = ap.parse_args()
    cat = parse_catalogue(catalogue_text(), "bench catalogue")
    con = warehouse.connect(":memory:")
    t = time.perf_counter()
    populate(con, args.incidents, args.pauses)
    if args.history:
        print(f"state history: {add_lifecycles(con):,} rows")
    print(
        f"populated {args.incidents:,} incidents, {args.pauses:,} pauses in "
        f"{time.perf_counter() - t:.1f} s"
    )
    clocks_total = (
        con.execute("select count(*) from incidents where priority = 1").fetchall()[0][0]
        + args.incidents
    )
    runs = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        n = 0
        for cid in CUSTOMERS:
            att = measures.attainment(con, cat, cid, "2025-12", history=12, as_of=AS_OF)
            n += int(att["n"].sum())
        runs.append(time.perf_counter() - t)
    best = min(runs)
    print(
        f"attainment, 3 customers x 5 targets x 12 periods: best {best:.2f} s, "
        f"median {statistics.median(runs):.2f} s over {args.repeat} runs "
        f"({n:,} counted incident-target clocks of {clocks_total:,})"
    )
    per_sql = best / clocks_total
    per_ref = reference_seconds_per_clock(con, cat, args.sample)
    print(
        f"reference (pure Python) on {args.sample:,} incidents: {per_ref * 1e6:.0f} us/clock; "
        f"set-based: {per_sql * 1e6:.2f} us/clock; speed-up {per_ref / per_sql:.0f}x"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS {peak:.0f} MiB; python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"{platform.machine()}, cores {len(__import__('os').sched_getaffinity(0))}"
    )


if __name__ == "__main__":
    main()
