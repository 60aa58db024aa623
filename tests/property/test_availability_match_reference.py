"""Time-based availability (sql/availability.sql through ``measures.availability_windows``)
agrees exactly with a walk over every minute, and several windows measured in one query give
what each window gives alone.

Hypothesis generates one or two services, outage records (full, partial, of no impact,
planned, still running), loaded change windows, a 24x7 or an office-hours calendar in London
around the change to summer time, a catalogue ``monitored_since`` or none, one to four windows
(overlapping, empty, outside the data) and an as-of instant anywhere. Every instant is a whole
minute, so the minute walk is exact: a minute is open or closed, in maintenance or not, and
down by the heaviest outage covering it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import hypothesis.strategies as st
import pandas as pd
from hypothesis import given, settings

from slm_analysis import measures, warehouse
from slm_analysis.catalogue import parse_catalogue

BASE = datetime(2026, 3, 26, tzinfo=UTC)  # London goes to summer time on 29 March
SPAN = 6 * 24 * 60  # minutes generated over
LONDON = ZoneInfo("Europe/London")
SERVICES = ("email", "crm")
PARTIAL = 0.25


@dataclass(frozen=True)
class Outage:
    service: str
    start: int  # minutes after BASE
    end: int | None  # None: still running
    impact: str  # full, partial, none
    planned: bool


@dataclass(frozen=True)
class Scenario:
    services: tuple[str, ...]
    calendar: str
    since: int | None  # monitored_since, a day after BASE (email only)
    outages: tuple[Outage, ...]
    changes: tuple[tuple[str, int, int], ...]
    windows: tuple[tuple[int, int], ...]
    as_of: int


def _catalogue(s: Scenario) -> str:
    since = (
        "" if s.since is None else f", monitored_since: {(BASE + timedelta(days=s.since)).date()}"
    )
    return f"""
calendars:
  office: {{timezone: Europe/London, hours: {{mon-fri: "09:00-17:00"}}}}
  always: {{timezone: UTC, hours: 24x7}}
customers: [{{id: c, name: C, timezone: Europe/London}}]
services: [{{id: email, name: Email{since}}}, {{id: crm, name: CRM}}]
agreements:
  - {{id: a, customer: c, services: [email, crm], targets: []}}
"""


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    services = tuple(draw(st.sampled_from([["email"], ["email", "crm"]])))
    minute = st.integers(0, SPAN)
    outages = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(minute)
        end = draw(st.one_of(st.none(), st.integers(start + 1, start + 2 * 24 * 60)))
        outages.append(
            Outage(
                draw(st.sampled_from(SERVICES)),
                start,
                end,
                draw(st.sampled_from(["full", "full", "partial", "none"])),
                draw(st.booleans()) and end is not None and draw(st.booleans()),
            )
        )
    changes = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(minute)
        changes.append((draw(st.sampled_from(SERVICES)), start, start + draw(st.integers(1, 600))))
    windows = []
    for _ in range(draw(st.integers(1, 4))):
        a, b = sorted((draw(minute), draw(minute)))
        windows.append((a, max(b, a + 1)))
    return Scenario(
        services,
        draw(st.sampled_from(["always", "office"])),
        draw(st.one_of(st.none(), st.integers(0, 6))),
        tuple(outages),
        tuple(changes),
        tuple(windows),
        draw(st.integers(0, SPAN + 60)),
    )


def _at(minute: int) -> datetime:
    return BASE + timedelta(minutes=minute)


def _open(calendar: str, minute: int) -> bool:
    if calendar == "always":
        return True
    local = _at(minute).astimezone(LONDON)
    return local.weekday() < 5 and 9 <= local.hour < 17


def reference(s: Scenario, service: str, ps: int, pe: int) -> dict[str, float]:
    """One window of one service, minute by minute (all in minutes)."""
    mine = [o for o in s.outages if o.service == service]
    if service == "email" and s.since is not None:
        since = int((datetime.combine((BASE + timedelta(days=s.since)).date(), datetime.min.time(), LONDON) - BASE).total_seconds() // 60)  # fmt: skip
        covered_from: int | None = since
    else:
        covered_from = min((o.start for o in mine), default=None)
    ws = min(max(pe if covered_from is None else covered_from, ps), pe)
    we = max(ws, min(s.as_of, pe))
    planned = [(o.start, o.end) for o in mine if o.planned and o.end is not None]
    planned += [(a, b) for svc, a, b in s.changes if svc == service]
    unplanned = [o for o in mine if not o.planned and o.impact != "none"]
    out = dict.fromkeys(["period_scheduled", "scheduled", "maintenance", "downtime"], 0.0)
    for m in range(ps, pe):
        if not _open(s.calendar, m):
            continue
        in_maintenance = any(a <= m < b for a, b in planned)
        covered = ws <= m < we
        out["period_scheduled"] += not in_maintenance
        out["scheduled"] += covered and not in_maintenance
        out["maintenance"] += covered and in_maintenance
        if covered and not in_maintenance:
            weights = [
                1.0 if o.impact == "full" else PARTIAL
                for o in unplanned
                if o.start <= m < (we if o.end is None else o.end)
            ]
            out["downtime"] += max(weights, default=0.0)
    counted = [o for o in unplanned if max(o.start, ws) < min(we if o.end is None else o.end, we)]
    out["outages"] = len(counted)
    out["outages_carried"] = sum(o.start < ws for o in counted)
    out["monitored"] = covered_from is not None
    return out


def _measure(s: Scenario, windows: list[tuple[int, int]]) -> pd.DataFrame:
    con = warehouse.connect(":memory:")
    try:
        for i, o in enumerate(s.outages):
            con.execute(
                "insert into outages (source, outage_id, customer, service, start_at, end_at, "
                "impact, planned, title, cmdb_ci, load_id) values ('t', $i, 'c', $svc, $s, $e, "
                "$impact, $planned, null, null, 0)",
                {"i": str(i), "svc": o.service, "s": _at(o.start),
                 "e": None if o.end is None else _at(o.end), "impact": o.impact,
                 "planned": o.planned},
            )  # fmt: skip
        for i, (svc, a, b) in enumerate(s.changes):
            con.execute(
                "insert into maintenance_windows values ('t', $i, 'c', $svc, $s, $e, null, 0)",
                {"i": str(i), "svc": svc, "s": _at(a), "e": _at(b)},
            )
        return measures.availability_windows(
            con, parse_catalogue(_catalogue(s)), "c", [(_at(a), _at(b)) for a, b in windows],
            services=list(s.services), calendar=s.calendar, partial_weight=PARTIAL,
            zone="Europe/London", as_of=_at(s.as_of),
        )  # fmt: skip
    finally:
        con.close()


@settings(max_examples=150, deadline=None)
@given(s=scenarios())
def test_every_window_equals_the_minute_walk(s: Scenario) -> None:
    got = _measure(s, list(s.windows))
    assert list(got["window"]) == [k for k in range(len(s.windows)) for _ in sorted(s.services)]
    for r in got.itertuples():
        ps, pe = s.windows[r.window]
        want = reference(s, r.service, ps, pe)
        assert r.period_scheduled_s == 60 * want["period_scheduled"], (r.window, r.service)
        assert r.scheduled_s == 60 * want["scheduled"], (r.window, r.service)
        assert r.maintenance_s == 60 * want["maintenance"], (r.window, r.service)
        assert r.downtime_s == 60 * want["downtime"], (r.window, r.service)
        assert (r.outages, r.outages_carried, r.monitored) == (
            want["outages"], want["outages_carried"], want["monitored"],
        ), (r.window, r.service)  # fmt: skip


@settings(max_examples=50, deadline=None)
@given(s=scenarios())
def test_windows_measured_together_equal_each_alone(s: Scenario) -> None:
    together = _measure(s, list(s.windows))
    for k, w in enumerate(s.windows):
        alone = _measure(s, [w]).drop(columns="window")
        part = together[together["window"] == k].drop(columns="window").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone, check_exact=True)
