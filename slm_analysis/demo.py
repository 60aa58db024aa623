"""Seeded synthetic exports in real formats, with the catalogue that describes them.

Two customers, four services, thirteen months. Shapes a service manager recognises: arrivals
peak in office hours, P3/P4 dominate, resolution times are heavy-tailed, tickets wait on the
customer, the web shop slowly deteriorates while the ERP platform improves, one major incident,
planned maintenance every month, an improvement-action register.

Every file is written as the real tool exports it (ServiceNow incident list, metric_instance state
durations, cmdb_ci_outage, change_request; uptime check CSV; survey CSV; action register) and is
then loaded through the same importers as a user's files.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from .calendars import Calendar
from .catalogue import Catalogue, parse_catalogue
from .periods import Period

DEMO_MARKER = "# slm-workbench demo catalogue"
FMT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class DemoService:
    id: str
    name: str
    customer: str
    company: str
    group: str
    ci: str
    calendar: str  # business calendar used to shape resolution times
    trend: tuple[float, float]  # resolution-time multiplier at first and last month
    monthly: int  # mean incidents per month
    outages: float  # mean unplanned outages per month
    topics: tuple[str, ...]


SERVICES = (
    DemoService(
        "email",
        "Email & Collaboration",
        "acme",
        "Acme Retail Ltd",
        "Messaging Team",
        "EXCH-CLUSTER-01",
        "uk-office",
        (1.0, 1.0),
        70,
        0.6,
        (
            "Cannot send mail to external domain",
            "Shared mailbox not visible",
            "Calendar invites delayed",
            "Outlook keeps asking for password",
            "Distribution list missing members",
            "Teams meeting link broken",
        ),
    ),
    DemoService(
        "webshop",
        "Web Shop",
        "acme",
        "Acme Retail Ltd",
        "Web Team",
        "SHOP-WEB-PROD",
        "uk-office",
        (0.7, 1.7),
        55,
        0.5,
        (
            "Checkout times out on payment step",
            "Product images not loading",
            "Basket empties after login",
            "Search returns no results for 'jackets'",
            "Checkout shows <script> tag in basket page",
            "Discount code rejected",
        ),
    ),
    DemoService(
        "erp",
        "ERP Platform",
        "globex",
        "Globex Logistics GmbH",
        "ERP Support",
        "SAP-PRD-01",
        "de-office",
        (1.6, 0.7),
        60,
        0.4,
        (
            "Invoice posting fails with error F5 117",
            "Goods receipt blocked",
            "Report ZLOG_07 runs for hours",
            "User locked after password change",
            "Purchase order approval stuck",
            "Batch job BJ-114 aborted",
        ),
    ),
    DemoService(
        "tracking",
        "Fleet Tracking",
        "globex",
        "Globex Logistics GmbH",
        "Telematics",
        "TRK-GW-02",
        "de-office",
        (1.0, 1.0),
        45,
        0.5,
        (
            "Vehicle positions frozen on map",
            "Driver app cannot sync",
            "Geofence alerts not sent",
            "ETA calculation wrong for route 12",
            "Telematics gateway reconnect loop",
            "Export of trip log empty",
        ),
    ),
)

# priority mix and business-hours resolution medians (hours)
PRIORITY_P = np.array([0.02, 0.08, 0.45, 0.45])
RESOLVE_MEDIAN_H = {1: 1.2, 2: 2.5, 3: 5.0, 4: 12.0}
STATES = {1: "1 - Critical", 2: "2 - High", 3: "3 - Moderate", 4: "4 - Low"}


def catalogue_yaml(first: Period, last: Period) -> str:
    """The demo catalogue: two SLAs, four calendars, maintenance, mapping rules."""
    change = first.shift(6)
    return f"""{DEMO_MARKER} (written by `slm demo`; edit freely, `slm demo` will not overwrite
# a catalogue without the first line above).
# yaml-language-server: $schema=catalogue.schema.json

calendars:
  uk-office:
    timezone: Europe/London
    hours: {{mon-fri: "08:00-18:00"}}
    holidays: {{country: GB, subdivision: ENG}}
    description: Acme service desk hours
  de-office:
    timezone: Europe/Berlin
    hours:
      mon-fri: ["07:00-12:30", "13:00-19:00"]
      sat: "09:00-13:00"
    holidays: {{country: DE, subdivision: BE}}
    closures: [{last.first.year}-12-24, {last.first.year}-12-31]
  always-london: {{timezone: Europe/London, hours: 24x7}}
  always-berlin: {{timezone: Europe/Berlin, hours: 24x7}}

customers:
  - id: acme
    name: Acme Retail Ltd
    timezone: Europe/London
    branding: {{primary: "#7b1fa2", accent: "#f9a825"}}
    satisfaction: {{comments: 5}}
  - id: globex
    name: Globex Logistics GmbH
    timezone: Europe/Berlin
    branding: {{primary: "#00695c"}}

services:
  - {{id: email, name: Email & Collaboration, owner: Messaging Team, monitored_since: {first.first}}}
  - {{id: webshop, name: Web Shop, owner: Web Team, offerings: [Checkout, Catalogue],
      monitored_since: {first.first}}}
  - {{id: erp, name: ERP Platform, owner: ERP Support, monitored_since: {first.first}}}
  - {{id: tracking, name: Fleet Tracking, owner: Telematics, monitored_since: {first.first},
      monitoring: {{down_after: 2, up_after: 2}}}}

mapping:
  - {{match: {{company: Acme Retail Ltd, business_service: Email}}, customer: acme, service: email}}
  - {{match: {{company: Acme Retail Ltd, business_service: Web Shop}}, customer: acme, service: webshop}}
  - {{match: {{company: Globex Logistics GmbH, business_service: ERP}}, customer: globex, service: erp}}
  - {{match: {{company: Globex Logistics GmbH, business_service: Fleet Tracking}}, customer: globex, service: tracking}}
  - {{match: {{cmdb_ci: EXCH-CLUSTER-01}}, customer: acme, service: email}}
  - {{match: {{cmdb_ci: SHOP-WEB-PROD}}, customer: acme, service: webshop}}
  - {{match: {{cmdb_ci: SAP-PRD-01}}, customer: globex, service: erp}}
  - {{match: {{cmdb_ci: TRK-GW-02}}, customer: globex, service: tracking}}
  - {{sources: [checks], match: {{check_name: [email-smtp]}}, customer: acme, service: email}}
  - {{sources: [checks], match: {{check_name: [webshop-https]}}, customer: acme, service: webshop}}
  - {{sources: [checks], match: {{check_name: [erp-gui]}}, customer: globex, service: erp}}
  - {{sources: [checks], match: {{check_name: [tracking-api]}}, customer: globex, service: tracking}}

agreements:
  - id: acme-sla
    kind: SLA
    name: Acme Retail managed services
    customer: acme
    services: [email, webshop]
    review_period: month
    clock: {{pause_states: [On Hold]}}
    targets:
      - {{id: acme-p1-response, metric: response_time, priority: 1, within: 15m,
          calendar: always-london, objective: 95, warning: 97}}
      - {{id: acme-p1-resolution, metric: resolution_time, priority: 1, within: 4h,
          calendar: always-london, objective: 90, warning: 93}}
      - {{id: acme-p2-resolution, metric: resolution_time, priority: 2, within: 8h,
          calendar: uk-office, objective: 90, warning: 92}}
      - {{id: acme-p3-resolution, metric: resolution_time, priority: 3, within: 16h,
          calendar: uk-office, objective: 90, warning: 92}}
      - {{id: acme-p4-resolution, metric: resolution_time, priority: 4, within: 40h,
          calendar: uk-office, objective: 90, warning: 92}}
      - id: webshop-availability
        metric: availability
        services: [webshop]
        calendar: always-london
        objective: 99.9
        warning: 99.95
        credits:
          - {{below: 99.9, credit_percent: 5}}
          - {{below: 99.5, credit_percent: 10}}
      - {{id: email-availability, metric: availability, services: [email],
          calendar: uk-office, objective: 99.5, warning: 99.7}}
      - {{id: acme-csat, metric: satisfaction, measure: mean, scale: 5,
          objective: 4.2, warning: 4.4}}
  - id: globex-sla
    kind: SLA
    name: Globex Logistics platform operations
    customer: globex
    services: [erp, tracking]
    review_period: month
    clock: {{pause_states: [On Hold]}}
    targets:
      - {{id: globex-p1-response, metric: response_time, priority: 1, within: 30m,
          calendar: always-berlin, objective: 95, warning: 97}}
      - {{id: globex-p1-resolution, metric: resolution_time, priority: 1, within: 4h,
          calendar: always-berlin, objective: 90, warning: 93}}
      - {{id: globex-p2-resolution, metric: resolution_time, priority: 2, within: 12h,
          calendar: de-office, objective: 90, warning: 92,
          effective_to: {change.previous().local_bounds()[1].date() - timedelta(days=1)}}}
      - {{id: globex-p2-resolution, metric: resolution_time, priority: 2, within: 8h,
          calendar: de-office, objective: 90, warning: 92,
          effective_from: {change.local_bounds()[0].date()}}}
      - {{id: globex-p34-resolution, metric: resolution_time, priority: [3, 4], within: 24h,
          calendar: de-office, objective: 90, warning: 92}}
      - {{id: erp-availability, metric: availability, services: [erp],
          calendar: de-office, objective: 99.5, warning: 99.7}}
      - {{id: tracking-availability, metric: availability, services: [tracking],
          calendar: always-berlin, objective: 99.8, warning: 99.9,
          credits: [{{below: 99.8, credit_percent: 5}}, {{below: 99.0, credit_percent: 15}}]}}
      - {{id: globex-csat, metric: satisfaction, measure: percent_satisfied, scale: 5,
          satisfied_from: 4, objective: 80, warning: 85}}
      - {{id: globex-p1-mttr, metric: mttr, priority: 1, calendar: always-berlin,
          objective: 3h, warning: 2h}}

maintenance:
  - id: email-patching
    services: [email]
    timezone: Europe/London
    start: {first.first:%Y-%m}-01T02:00:00
    rrule: FREQ=MONTHLY;BYDAY=1SU
    duration: 4h
    description: Monthly Exchange patching, first Sunday 02:00-06:00
  - id: erp-patching
    services: [erp]
    timezone: Europe/Berlin
    start: {first.first:%Y-%m}-01T22:00:00
    rrule: FREQ=MONTHLY;BYDAY=3SA
    duration: 4h
    description: SAP kernel patching, third Saturday 22:00-02:00
"""


def review_markdown(end: Period) -> str:
    """The demo's review commentary of acme's last month: a summary, next steps and the reason
    for two of its misses — deliberately not for the P3 and P4 resolution misses, so the pack
    and `slm check` show what an unexplained miss looks like."""
    return f"""# Acme Retail Ltd — service review, {end.label()}

## Summary

Both services were available throughout the month. Several resolution targets fell short:
the web shop's incident load keeps rising (see *Improvement*), and the reasons agreed in the
review meeting are given below, target by target.

## acme-p1-resolution

One of the P1 incidents, a checkout failure on the **Web Shop**, waited for the payment
provider's fix well beyond the 4-hour target. The provider has confirmed the root cause; the
post-incident review is [in the customer portal](https://portal.example.com/acme/pir).

## Satisfaction

Survey scores followed the slower resolution of web shop tickets: most low scores mention the
time to resolve, not the quality of the fix.

## Next steps

- Web Team adds a second on-call engineer for checkout incidents (owner: Web Team lead).
- P3 and P4 queue staffing is reviewed at the next monthly meeting.
"""


class _Clock:
    """numpy forward/inverse of cumulative open seconds (the demo's own fast 'due')."""

    def __init__(self, cal: Calendar, start: datetime, end: datetime) -> None:
        s, e, c = cal.cumulative(start, end)
        self.s, self.e, self.c = np.array(s), np.array(e), np.array(c)

    def forward(self, t: float) -> float:
        i = np.searchsorted(self.s, t, side="right") - 1
        if i < 0:
            return 0.0
        return float(self.c[i] + min(max(t - self.s[i], 0), self.e[i] - self.s[i]))

    def inverse(self, x: float) -> float:
        i = max(int(np.searchsorted(self.c, x, side="left")) - 1, 0)
        return float(self.s[i] + (x - self.c[i]))


def generate(
    out_dir: str | Path,
    end: Period,
    months: int = 13,
    seed: int = 7,
    now: datetime | None = None,
) -> dict[str, Path]:
    """Write the demo exports and catalogue into ``out_dir``; return kind → path. The data runs
    to two days after ``end``, but never past ``now`` (default: the current instant)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    first = end.shift(-(months - 1))
    cat_text = catalogue_yaml(first, end)
    cat = parse_catalogue(cat_text, "demo catalogue")
    rng = np.random.default_rng(seed)
    t0, _ = first.bounds("UTC")
    t0 -= timedelta(days=1)
    _, t_end = end.bounds("UTC")
    as_of = min(t_end + timedelta(days=2, hours=9), now or datetime.now(UTC))
    clocks = {
        name: _Clock(cat.calendar(name), t0 - timedelta(days=5), as_of + timedelta(days=400))
        for name in ("uk-office", "de-office")
    }
    incidents, states, surveys = [], [], []
    outages = []
    number = 10000
    major_month = first.shift(months // 2 + 1)
    for svc in SERVICES:
        cal = cat.calendar(svc.calendar)
        clock = clocks[svc.calendar]
        for m in range(months):
            period = first.shift(m)
            p_start, p_end = period.bounds(cal.zone)
            progress = m / max(months - 1, 1)
            factor = svc.trend[0] + (svc.trend[1] - svc.trend[0]) * progress
            for opened in _arrivals(rng, cal, p_start, p_end, svc.monthly):
                number += 1
                prio = int(rng.choice(4, p=PRIORITY_P)) + 1
                inc, st, sv = _incident(
                    rng, svc, cal, clock, f"INC{number:07d}", prio, opened, factor, as_of
                )
                incidents.append(inc)
                states.extend(st)
                surveys.extend(sv)
            outages.extend(_outages(rng, svc, p_start, p_end, m, months))
            if svc.id == "tracking" and period == major_month:
                number += 1
                start = p_start + timedelta(days=9, hours=13, minutes=42)
                inc, st, sv = _incident(
                    rng,
                    svc,
                    cal,
                    clock,
                    f"INC{number:07d}",
                    1,
                    start,
                    1.0,
                    as_of,
                    resolve_after=timedelta(hours=6, minutes=10),
                    title="Fleet Tracking unavailable for all depots",
                )
                inc["major_incident_state"] = "accepted"
                incidents.append(inc)
                states.extend(st)
                outages.append(
                    {
                        "number": "OUT0009001",
                        "type": "Outage",
                        "cmdb_ci": svc.ci,
                        "begin": _fmt(start),
                        "end": _fmt(start + timedelta(hours=6)),
                        "short_description": "Telematics gateway cluster failure",
                    }
                )
    # planned outages for the catalogue's maintenance windows, and change records
    for w in cat.maintenance:
        svc = next(s for s in SERVICES if s.id in w.services)
        for i, (s, e) in enumerate(w.occurrences(t0, t_end)):
            outages.append(
                {
                    "number": f"OUT-{w.id}-{i:02d}",
                    "type": "Planned Outage",
                    "cmdb_ci": svc.ci,
                    "begin": _fmt(s),
                    "end": _fmt(e),
                    "short_description": w.description or w.id,
                }
            )
    changes = _changes(rng, first, months)
    checks_out = _checks(rng, outages, t0, t_end, end.bounds("UTC")[0])
    actions = _actions(end)
    files = {
        "catalogue": out / "catalogue.yaml",
        "incidents": out / "servicenow_incidents.csv",
        "incident_states": out / "servicenow_incident_state_metrics.csv",
        "outages": out / "servicenow_outages.csv",
        "checks": out / "uptime_checks.csv",
        "surveys": out / "survey_responses.csv",
        "maintenance": out / "servicenow_changes.csv",
        "actions": out / "improvement_actions.csv",
        "review": out / "acme_review.md",
    }
    files["catalogue"].write_text(cat_text, encoding="utf-8")
    files["review"].write_text(review_markdown(end), encoding="utf-8")
    _write(files["incidents"], incidents)
    _write(files["incident_states"], states)
    _write(files["outages"], outages)
    _write(files["checks"], checks_out)
    _write(files["surveys"], surveys)
    _write(files["maintenance"], changes)
    _write(files["actions"], actions)
    return files


def _arrivals(
    rng: np.random.Generator, cal: Calendar, start: datetime, end: datetime, monthly: int
) -> list[datetime]:
    """Arrival instants with office-hour peaks (local time) and quiet weekends."""
    hours = np.arange(24)
    weight = 0.15 + np.exp(-((hours - 10) ** 2) / 6) + 0.8 * np.exp(-((hours - 15) ** 2) / 5)
    weight /= weight.sum()
    days = (end - start).days
    n = int(rng.poisson(monthly))
    out: list[datetime] = []
    tz = cal.tz
    local0 = start.astimezone(tz).replace(tzinfo=None)
    while len(out) < n:
        d = int(rng.integers(0, days))
        day = local0 + timedelta(days=d)
        if day.weekday() >= 5 and rng.random() > 0.2:
            continue
        h = int(rng.choice(24, p=weight))
        local = day.replace(
            hour=h, minute=int(rng.integers(0, 60)), second=int(rng.integers(0, 60))
        )
        t = local.replace(tzinfo=tz).astimezone(UTC)
        if start <= t < end:
            out.append(t)
    return sorted(out)


def _incident(
    rng: np.random.Generator,
    svc: DemoService,
    cal: Calendar,
    clock: _Clock,
    number: str,
    prio: int,
    opened: datetime,
    factor: float,
    as_of: datetime,
    resolve_after: timedelta | None = None,
    title: str | None = None,
) -> tuple[dict[str, object], list[dict[str, object]], list[dict[str, object]]]:
    ts = opened.timestamp()
    # first response: P1 on a 24x7 clock in minutes, others in business minutes
    if prio == 1:
        responded = ts + rng.lognormal(np.log(6 * 60), 0.5)
    else:
        responded = clock.inverse(clock.forward(ts) + rng.lognormal(np.log(40 * 60), 0.8))
    pauses: list[tuple[float, float]] = []
    business = 0.0
    if resolve_after is not None:
        resolved = ts + resolve_after.total_seconds()
    else:
        business = rng.lognormal(np.log(RESOLVE_MEDIAN_H[prio] * 3600 * factor), 0.9)
        if prio == 1:  # P1 work runs round the clock
            resolved = ts + business
        elif prio >= 3 and rng.random() < 0.22:  # waits on the customer
            hold = clock.inverse(clock.forward(ts) + 0.4 * business)
            hold = max(hold, responded + 60)
            length = rng.lognormal(np.log(20 * 3600), 1.0)
            pauses.append((hold, hold + length))
            resolved = clock.inverse(clock.forward(hold + length) + 0.6 * business)
        else:
            resolved = clock.inverse(clock.forward(ts) + business)
        resolved = max(resolved, responded + 120)
    closed = resolved + 3 * 86400
    cutoff = as_of.timestamp()
    state = "Closed" if closed <= cutoff else ("Resolved" if resolved <= cutoff else "In Progress")
    if state == "In Progress" and any(p[0] <= cutoff < p[1] for p in pauses):
        state = "On Hold"
    made_sla = bool(resolved - ts < RESOLVE_MEDIAN_H[prio] * 3 * 3600)
    inc: dict[str, object] = {
        "number": number,
        "opened_at": _fmt_ts(ts),
        "short_description": title or str(rng.choice(svc.topics)),
        "caller_id": f"Caller {int(rng.integers(100, 999))}",
        "priority": STATES[prio],
        "state": state,
        "category": "Software" if rng.random() < 0.7 else "Network",
        "assignment_group": svc.group,
        "assigned_to": f"{svc.group.split()[0]} Agent {int(rng.integers(1, 9))}",
        "company": svc.company,
        "business_service": {
            "email": "Email",
            "webshop": "Web Shop",
            "erp": "ERP",
            "tracking": "Fleet Tracking",
        }[svc.id],
        "cmdb_ci": svc.ci,
        "resolved_at": _fmt_ts(resolved) if resolved <= cutoff else "",
        "closed_at": _fmt_ts(closed) if closed <= cutoff else "",
        "reopen_count": 0,
        "made_sla": str(made_sla).lower(),
        "major_incident_state": "",
        "sys_updated_on": _fmt_ts(min(max(closed, resolved), cutoff)),
    }
    # state history: New → In Progress [→ On Hold → In Progress] → Resolved → Closed
    marks = [(ts, "New"), (responded, "In Progress")]
    for p0, p1 in pauses:
        marks += [(p0, "On Hold"), (p1, "In Progress")]
    marks += [(resolved, "Resolved"), (closed, "Closed")]
    marks = [(t, s) for t, s in marks if t <= cutoff]
    states: list[dict[str, object]] = []
    for i, (t, s) in enumerate(marks):
        if s == "Closed":
            break
        end = marks[i + 1][0] if i + 1 < len(marks) else None
        states.append(
            {
                "id": number,
                "definition": "Incident State Duration",
                "value": s,
                "start": _fmt_ts(t),
                "end": _fmt_ts(end) if end else "",
                "duration": _sn_duration(end - t) if end else "",
                "calculation_complete": "true" if end else "false",
            }
        )
    surveys: list[dict[str, object]] = []
    if resolved + 7200 <= cutoff and rng.random() < 0.3:  # submitted 2 h after resolution
        slow = business > RESOLVE_MEDIAN_H[prio] * 3 * 3600
        score = int(np.clip(rng.normal(3.3 if slow else 4.4, 0.8), 1, 5).round())
        comment = str(
            rng.choice(
                [
                    "",
                    "",
                    "Quick and friendly",
                    "Took too long",
                    "Had to chase twice",
                    "Great help, thanks!",
                    "Fixed but no explanation given",
                ]
            )
        )
        surveys.append(
            {
                "id": f"SRV{number[3:]}",
                "submitted": _fmt_ts(resolved + 7200),
                "score": score,
                "incident": number,
                "company": svc.company,
                "service": inc["business_service"],
                "comment": comment,
            }
        )
    return inc, states, surveys


def _outages(
    rng: np.random.Generator, svc: DemoService, start: datetime, end: datetime, m: int, months: int
) -> list[dict[str, object]]:
    rate = svc.outages * (1 + (1.5 * m / months if svc.id == "webshop" else 0))
    out: list[dict[str, object]] = []
    for k in range(int(rng.poisson(rate))):
        s = start + timedelta(seconds=float(rng.uniform(0, (end - start).total_seconds() - 7200)))
        minutes = float(np.clip(rng.lognormal(np.log(25), 0.8), 3, 240))
        partial = rng.random() < 0.35
        out.append(
            {
                "number": f"OUT{svc.id[:3].upper()}{m:02d}{k:02d}",
                "type": "Degradation" if partial else "Outage",
                "cmdb_ci": svc.ci,
                "begin": _fmt(s),
                "end": _fmt(s + timedelta(minutes=round(minutes))),
                "short_description": f"{svc.name} {'degraded' if partial else 'down'}",
            }
        )
    return out


def _changes(rng: np.random.Generator, first: Period, months: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for m in range(0, months, 2):
        start, _ = first.shift(m).bounds("Europe/London")
        s = start + timedelta(days=11, hours=19)
        out.append(
            {
                "number": f"CHG00{3000 + m}",
                "short_description": "Web Shop release window",
                "type": "Normal",
                "state": "Closed",
                "company": "Acme Retail Ltd",
                "business_service": "Web Shop",
                "cmdb_ci": "SHOP-WEB-PROD",
                "start_date": _fmt(s),
                "end_date": _fmt(s + timedelta(hours=2)),
            }
        )
    out.append(
        {
            "number": "CHG0003999",
            "short_description": "Cancelled datacentre move",
            "type": "Normal",
            "state": "Canceled",
            "company": "Globex Logistics GmbH",
            "business_service": "ERP",
            "cmdb_ci": "SAP-PRD-01",
            "start_date": _fmt(first.bounds("UTC")[0] + timedelta(days=20)),
            "end_date": _fmt(first.bounds("UTC")[0] + timedelta(days=21)),
        }
    )
    del rng
    return out


def _checks(
    rng: np.random.Generator,
    outages: list[dict[str, object]],
    start: datetime,
    end: datetime,
    last_month: datetime,
) -> list[dict[str, object]]:
    """A check every 15 minutes per service; failing inside unplanned full outages. Fleet
    Tracking, whose availability the catalogue infers from these checks, also has in the last
    month an outage only the probe saw (10th, 03:00-04:30 UTC: six failed checks) and a
    3-hour gap in its results (17th, 10:00-13:00 UTC: no data)."""
    names = {
        "EXCH-CLUSTER-01": "email-smtp",
        "SHOP-WEB-PROD": "webshop-https",
        "SAP-PRD-01": "erp-gui",
        "TRK-GW-02": "tracking-api",
    }
    step = 900
    grid = np.arange(int(start.timestamp()), int(end.timestamp()), step)
    rows: list[dict[str, object]] = []
    for ci, name in names.items():
        down = np.zeros(len(grid), dtype=bool)
        slow = np.zeros(len(grid), dtype=bool)
        for o in outages:
            if o["cmdb_ci"] != ci or o["type"] == "Planned Outage":
                continue
            s = datetime.strptime(str(o["begin"]), FMT).replace(tzinfo=UTC).timestamp()
            e = datetime.strptime(str(o["end"]), FMT).replace(tzinfo=UTC).timestamp()
            inside = (grid >= s) & (grid < e)
            (slow if o["type"] == "Degradation" else down)[inside] = True
        kept = np.ones(len(grid), dtype=bool)
        if name == "tracking-api":
            blip = int(last_month.timestamp()) + 9 * 86400 + 3 * 3600  # the 10th, 03:00
            gap = blip + 7 * 86400 + 7 * 3600  # the 17th, 10:00
            down[(grid >= blip) & (grid < blip + 5400)] = True
            kept = (grid < gap) | (grid >= gap + 3 * 3600)
        latency = rng.lognormal(np.log(180), 0.3, len(grid)) * np.where(slow, 6, 1)
        for t, d, lat in zip(grid[kept], down[kept], latency[kept], strict=True):
            rows.append(
                {
                    "timestamp": datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "check": name,
                    "status": "down" if d else "up",
                    "response_time_ms": "" if d else f"{lat:.0f}",
                }
            )
    return rows


def _actions(end: Period) -> list[dict[str, object]]:
    e0, _ = end.bounds("UTC")

    def d(days: int) -> str:
        return (e0 + timedelta(days=days)).strftime("%Y-%m-%d")

    return [
        {
            "id": "SIP-101",
            "title": "Add capacity to checkout service before peak season",
            "customer": "acme",
            "service": "webshop",
            "target": "webshop-availability",
            "incident": "",
            "owner": "Web Team lead",
            "opened": d(-75),
            "due": d(-10),
            "status": "In Progress",
            "closed": "",
        },
        {
            "id": "SIP-102",
            "title": "Knowledge article for mailbox permission requests",
            "customer": "acme",
            "service": "email",
            "target": "acme-p3-resolution",
            "incident": "",
            "owner": "Service Desk",
            "opened": d(-60),
            "due": d(-20),
            "status": "Done",
            "closed": d(-25),
        },
        {
            "id": "SIP-103",
            "title": "Root-cause review of slow P3 resolutions in Web Team",
            "customer": "acme",
            "service": "webshop",
            "target": "acme-p3-resolution",
            "incident": "",
            "owner": "Problem Manager",
            "opened": d(-20),
            "due": d(25),
            "status": "Open",
            "closed": "",
        },
        {
            "id": "SIP-201",
            "title": "Redundant telematics gateway in second data centre",
            "customer": "globex",
            "service": "tracking",
            "target": "tracking-availability",
            "incident": "",
            "owner": "Telematics",
            "opened": d(-150),
            "due": d(30),
            "status": "In Progress",
            "closed": "",
        },
        {
            "id": "SIP-202",
            "title": "Automate ERP batch restart runbook",
            "customer": "globex",
            "service": "erp",
            "target": "globex-p34-resolution",
            "incident": "",
            "owner": "ERP Support",
            "opened": d(-200),
            "due": d(-90),
            "status": "Done",
            "closed": d(-95),
        },
        {
            "id": "SIP-203",
            "title": "Shift-left password resets to self-service",
            "customer": "globex",
            "service": "erp",
            "target": "",
            "incident": "",
            "owner": "Service Desk",
            "opened": d(-40),
            "due": d(-5),
            "status": "Open",
            "closed": "",
        },
    ]


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _fmt(t: datetime) -> str:
    return t.astimezone(UTC).strftime(FMT)


def _fmt_ts(ts: float) -> str:
    return datetime.fromtimestamp(round(ts), UTC).strftime(FMT)


def _sn_duration(seconds: float) -> str:
    d, rem = divmod(int(seconds), 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    parts = [f"{d} Day{'s' if d != 1 else ''}"] if d else []
    parts += [f"{h} Hour{'s' if h != 1 else ''}"] if h else []
    parts += [f"{m} Minute{'s' if m != 1 else ''}"] if m else []
    return " ".join(parts) or f"{s} Seconds"


def is_demo_catalogue(path: Path) -> bool:
    """True when ``path`` is missing or was written by ``slm demo``."""
    if not path.exists():
        return True
    with path.open(encoding="utf-8", errors="replace") as f:
        return f.readline().startswith(DEMO_MARKER)


__all__ = ["Catalogue", "generate", "is_demo_catalogue"]
