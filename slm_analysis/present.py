"""HTML fragments of the review pack. Every value from the data is escaped here.

Each function takes a ``Review`` and returns ``Html``, which Jupyter displays as rich output and
nbconvert copies into the pack. Styling comes from the pack template's CSS classes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any

import pandas as pd

from .budgets import budget_record, format_amount, outlook
from .catalogue import Branding
from .commentary import Comment
from .durations import format_duration
from .periods import Period
from .review import Review, describe
from .satisfaction import SatisfactionDetail
from .status import (
    ABBREVIATIONS,
    DURATION,
    MEANING,
    RAG,
    Status,
    coverage_text,
    duration_text,
    format_objective,
    format_value,
)
from .status import number as _num


class Html(str):
    """A string of trusted HTML (built from escaped parts) that Jupyter renders."""

    def _repr_html_(self) -> str:
        return str(self)


def e(value: Any) -> str:
    """Escape any value for HTML text or attributes; None/NaN become an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "–"
    return escape(str(value), quote=True)


def status_badge(status: str) -> str:
    """The status word in its colour (the one definition is ``status.Status``)."""
    word = Status(status)
    return f'<span class="rag rag-{RAG[word]}">{e(word)}</span>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table from already-escaped cells."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    if not body:
        body = f'<tr><td colspan="{len(headers)}" class="empty">None in this period.</td></tr>'
    return (
        f'<table class="slm {e(cls)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def value(v: Any, unit: str) -> str:
    return e(format_value(_num(v), unit))


def sparkline(
    values: Sequence[float | None],
    objective: float | None = None,
    width: int = 120,
    height: int = 24,
) -> str:
    """An inline SVG sparkline (no script) of a period series with the objective as a rule."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    if len(pts) < 2:
        return '<span class="spark-empty">–</span>'
    vs = [v for _, v in pts] + ([objective] if objective is not None else [])
    lo, hi = min(vs), max(vs)
    span = (hi - lo) or 1.0
    n = max(len(values) - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{2 + i * (width - 4) / n:.1f},{height - 2 - (v - lo) * (height - 4) / span:.1f}"

    line = " ".join(xy(i, v) for i, v in pts)
    rule = ""
    if objective is not None:
        y = xy(0, objective).split(",")[1]
        rule = f'<line x1="0" x2="{width}" y1="{y}" y2="{y}" class="spark-objective"/>'
    last = xy(*pts[-1]).split(",")
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="trend over {len(values)} periods">{rule}'
        f'<polyline points="{line}" class="spark-line"/>'
        f'<circle cx="{last[0]}" cy="{last[1]}" r="2" class="spark-dot"/></svg>'
    )


# ---------------------------------------------------------------------------- sections
def cover(r: Review) -> Html:
    agreements = r.catalogue.agreements_for(r.customer.id, r.period)
    services = [r.catalogue.service(s).name for s in r.catalogue.services_of(r.customer.id)]
    scope = "; ".join(f"{a.kind} {a.name or a.id}" for a in agreements)
    return Html(
        branding_style(r.customer.branding)
        + '<section class="cover">'
        + brand_logo(r)
        + f'<p class="kicker">Service review · {e(r.period_text)}</p>'
        f"<h1>{e(r.customer.name)}</h1>"
        '<dl class="facts">'
        f"<dt>Agreements</dt><dd>{e(scope)}</dd>"
        f"<dt>Services</dt><dd>{e(', '.join(services))}</dd>"
        f"<dt>Period</dt><dd>{e(r.period_text)} ({e(r.period)})</dd>"
        f"<dt>Data as of</dt><dd>{r.as_of:%Y-%m-%d %H:%M} UTC</dd>"
        f"<dt>Prepared</dt><dd>{r.generated_at:%Y-%m-%d %H:%M} UTC</dd>"
        + ("<dt>People</dt><dd>names replaced by pseudonyms (Person …)</dd>" if r.redacted else "")
        + "</dl></section>"
    )


def branding_style(b: Branding) -> str:
    """CSS giving the pack the customer's colours (validated ``#rrggbb`` in the catalogue):
    the primary one on the title and headings, the accent on the cover's rule."""
    rules = []
    if b.primary:
        rules.append(f"body.slm-pack h1, body.slm-pack h2 {{ color: {b.primary}; }}")
        rules.append(f"body.slm-pack h2 {{ border-bottom-color: {b.primary}; }}")
    accent = b.accent or b.primary
    if accent:
        rules.append(f"body.slm-pack .cover {{ border-bottom-color: {accent}; }}")
    return f'<style class="slm-branding">{" ".join(rules)}</style>' if rules else ""


def brand_logo(r: Review) -> str:
    """The customer's logo, embedded as a ``data:`` URI, for the cover; none without one."""
    uri = r.customer.branding.logo_uri()
    if uri is None:
        return ""
    return (
        f'<img class="brand-logo" src="{e(uri)}" alt="{e(r.customer.name)} logo" '
        'style="float: right; max-height: 64px; max-width: 240px; margin: 0 0 8px 16px;">'
    )


def executive_summary(r: Review) -> Html:
    items = "".join(f"<li>{e(h)}</li>" for h in r.headlines)
    return Html(
        f'<div class="summary"><div class="overall">Overall {status_badge(r.overall)}</div>'
        f'<ul class="headlines">{items}</ul></div>'
    )


def target_table(r: Review) -> Html:
    cur = r.current
    att = r.attainment
    rows = []
    for _, t in cur.iterrows():
        mine = att[(att["agreement"] == t["agreement"]) & (att["id"] == t["id"])]
        by_period = dict(zip(mine["period"], mine["achieved"], strict=True))
        series = [_num(by_period.get(str(p))) for p in r.periods]
        interval = (
            f"{t['interval_low']:.1f}–{t['interval_high']:.1f} %"
            if _num(t["interval_low"]) is not None
            else "–"
        )
        change = _num(t["change"])
        rows.append(
            [
                f'<span class="target-name">{e(t["name"])}</span>'
                f'<span class="target-sentence">{e(t["sentence"])}</span>',
                e(service_names(r, t["service"])),
                e(format_objective(t["objective"], t["unit"])),
                e(describe(t)) + _coverage_note(t),
                interval,
                e(t["n"]),
                _change(change, t["unit"]),
                e(describe(t, "rolling_achieved")),
                sparkline(series, t["objective"]),
                status_badge(t["status"]),
            ]
        )
    headers = ["Target", "Service", "Objective", "Achieved", "95 % interval", "n",
               "Δ last period", "12 months", "12 periods", "Status"]  # fmt: skip
    return Html(table(headers, rows, "targets"))


def _change(change: float | None, unit: str) -> str:
    """The change since the last period: ``+1.5 pts``, ``+0.25 / 5``, ``+2 incidents`` or
    ``+1h 30m``."""
    if change is None:
        return "–"
    if unit == DURATION:
        return ("+" if change >= 0 else "-") + duration_text(abs(change))
    if unit.startswith("/ "):  # a score: as the score is shown, "+0.25 / 5"
        return f"{change:+.2f} {unit}"
    return f"{change:+.1f}{CHANGE_UNITS.get(unit, '')}"


CHANGE_UNITS = {"%": " pts", "incidents": " incidents"}  # a change's unit; a score's is "/ N"


def target_display_name(r: Review, target_id: Any) -> str:
    """The name of the customer's target ``target_id`` (as attainment titles it); an unknown
    id as it is, none as an en dash."""
    if not isinstance(target_id, str) or not target_id.strip():
        return "–"
    att = r.attainment
    names = att.loc[att["id"] == target_id, "name"]
    return str(names.iloc[-1]) if len(names) else target_id


def agreement_name(r: Review, agreement_id: str) -> str:
    """An agreement's display name (``all`` for settings of every agreement)."""
    if agreement_id == "all":
        return "All agreements"
    for a in r.catalogue.agreements_for(r.customer.id):
        if a.id == agreement_id:
            return a.name or a.id
    return agreement_id


def service_names(r: Review, ids: Any) -> str:
    """Display names of a comma-separated list of service ids; an id the catalogue does not
    know (an action about a retired service) as it is, none as an en dash."""
    if not isinstance(ids, str) or not ids.strip():
        return "–"
    known = r.catalogue.services_by_id
    return ", ".join(
        known[x].name if x in known else x for x in (s.strip() for s in ids.split(","))
    )


def _coverage_note(t: pd.Series) -> str:
    cov = _num(t.get("coverage"))
    if cov is None or cov >= 0.9995 or t["status"] == Status.NO_DATA:
        return ""
    return f'<span class="note"> over {coverage_text(cov)} of the period</span>'


def availability_table(r: Review) -> Html:
    av = r.availability[r.availability["period"] == str(r.period)]
    rows = []
    for _, a in av.iterrows():
        name = e(r.catalogue.service(a["service"]).name)
        if not a["scheduled_s"] > 0:  # the feed covers none of the period: nothing measured
            why = "no data" if a["monitored"] else "no data (no outage feed)"
            rows.append([name, why, value(a["objective"], "%"), "–",
                         format_duration(a["period_scheduled_s"]), *["–"] * 6])  # fmt: skip
            continue
        n = int(a["outages"])
        up = a["scheduled_s"] - a["downtime_s"]
        rows.append(
            [
                name,
                e(format_value(a["availability"], "%", a["objective"])),
                e(format_objective(a["objective"], "%")),
                _coverage(a, r.zone, r.period.bounds(r.zone)[0]),
                format_duration(a["scheduled_s"]),
                format_duration(a["downtime_s"]),
                format_duration(a["budget_s"]),
                f"{100 * a['downtime_s'] / a['budget_s']:.0f} %" if a["budget_s"] > 0 else "–",
                e(n),
                format_duration(up / n) if n else "–",
                format_duration(a["downtime_s"] / n) if n else "–",
            ]
        )
    headers = ["Service", "Availability", "Objective", "Measured", "Service hours", "Downtime",
               "Budget", "Budget used", "Outages", "MTBF", "MTRS"]  # fmt: skip
    return Html(table(headers, rows, "availability"))


def _coverage(a: pd.Series, zone: str, start: datetime) -> str:
    """How much of the period's service hours the outage feed covers, from which local date
    when it starts inside the period (from ``start``), and the service hours no check
    covered."""
    cov = _num(a["coverage"])
    if cov is None:
        return "–"
    text = coverage_text(cov)
    if cov < 1 and pd.notna(a["covered_from"]) and a["covered_from"] > start:
        text += f" (feed from {a['covered_from'].tz_convert(zone):%Y-%m-%d})"
    if (_num(a.get("no_data_s")) or 0) > 0:
        text += f"; {format_duration(a['no_data_s'])} no data"
    return e(text)


NO_DATA_COUNTED = {
    "exclude": "left out of the measured time",
    "up": "counted as up",
    "down": "counted as down",
}


def measured_from(r: Review) -> Html:
    """Where each availability target's services are measured from: outage records (and their
    sources), checks with the rules that read them, and what time without data counts as."""
    rows = []
    feeds = {f["service"]: f for f in r.feeds.to_dict("records")}
    for a, t in r.catalogue.targets_for(r.customer.id, r.period):
        if t.metric != "availability":
            continue
        for svc in t.services or a.services:
            feed = feeds.get(svc)
            rows.append(
                [
                    e(r.catalogue.service(svc).name),
                    e(_feed_text(r, svc, feed)),
                    e(NO_DATA_COUNTED[a.monitoring.no_data])
                    if r.catalogue.service(svc).monitoring is not None
                    else "–",
                ]
            )
    return Html(table(["Service", "Measured from", "Time without data"], rows, "feeds"))


def _feed_text(r: Review, service: str, feed: Mapping[Any, Any] | None) -> str:
    records = int(feed["outage_records"]) if feed else 0
    sources = ", ".join(feed["outage_sources"]) if feed else ""
    recorded = (
        f"outage records from {sources} ({records} unplanned, all periods)"
        if records
        else "outage records (none loaded)"
    )
    m = r.catalogue.service(service).monitoring
    if m is None:
        unused = ", ".join(feed["checks"]) if feed and len(feed["checks"]) else ""
        return recorded + (
            f"; checks {unused} are loaded but not used (the service has no monitoring block)"
            if unused
            else ""
        )
    checks = ", ".join(feed["checks"]) if feed and len(feed["checks"]) else "none"
    return (
        f"checks {checks}: down after {m.down_after} failed results in a row, up after "
        f"{m.up_after} successful ones, no data after a gap over {m.gap_factor:g} × the "
        f"check interval; and {recorded}"
    )


def outage_table(r: Review) -> Html:
    """Every unplanned outage of the period: recorded, inferred from checks, or both (then the
    record with the checks' evidence); its time inside the service hours (and how much of that
    fell in planned maintenance, which availability does not count)."""
    rows = []
    for _, o in r.unplanned_outages.iterrows():
        hours = format_duration(60 * o["service_minutes"])
        if o["maintenance_minutes"] > 0:
            hours += f" ({format_duration(60 * o['maintenance_minutes'])} in maintenance)"
        rows.append(
            [
                e(service_names(r, o["service"])),
                _outage_name(o),
                e(o["impact"]),
                _local(o["start_at"], r.zone),
                "running" if pd.isna(o["end_at"]) else _local(o["end_at"], r.zone),
                e(hours),
                e(_evidence(o, r.zone)),
            ]
        )
    headers = ["Service", "Outage", "Impact", f"Start ({r.zone})", f"End ({r.zone})",
               "In service hours", "Source"]  # fmt: skip
    return Html(table(headers, rows, "outages"))


def _outage_name(o: pd.Series) -> str:
    """The record's id and title, and the incident or change behind it."""
    if o["outage_id"] is None:
        return "inferred from checks"
    name = e(o["outage_id"]) + (f" — {e(o['title'])}" if o["title"] else "")
    return name + (f" ({e(o['task'])})" if o.get("task") else "")


def _evidence(o: pd.Series, zone: str) -> str:
    """The outage's source, with the check results behind it when checks saw it."""
    text = str(o["source"])
    if not pd.isna(o["first_failure_at"]):
        text += (
            f"; first failed check {o['first_failure_check']} at "
            f"{o['first_failure_at'].tz_convert(zone):%Y-%m-%d %H:%M}"
        )
    if not pd.isna(o["first_success_at"]):
        text += (
            f", first succeeding {o['first_success_check']} at "
            f"{o['first_success_at'].tz_convert(zone):%Y-%m-%d %H:%M}"
        )
    return text


def _local(moment: Any, zone: str) -> str:
    return f"{pd.Timestamp(moment).tz_convert(zone):%Y-%m-%d %H:%M}"


def credits_table(r: Review) -> Html:
    """Each service credit due, with what caused it: the outages of its services in the
    period, or the tickets that breached."""
    rows = []
    for _, c in r.current[r.current["credit_percent"] > 0].iterrows():
        if c["metric"] == "availability":
            o = r.unplanned_outages
            counted = o["service_minutes"] - o["maintenance_minutes"]  # what availability counts
            mine = o[o["service"].isin([s.strip() for s in str(c["service"]).split(",")])
                     & (counted > 0)].assign(counted=counted)  # fmt: skip
            cause = "; ".join(
                f"{o['outage_id'] or 'checks ' + ', '.join(o['checks'])}, "
                f"{_local(o['start_at'], r.zone)}, {format_duration(60 * o['counted'])}"
                for _, o in mine.iterrows()
            )
        else:
            cause = "the breaches listed under Breaches"
        rows.append(
            [
                e(c["name"]),
                e(describe(c)),
                e(format_objective(c["objective"], c["unit"])),
                e(f"{c['credit_percent']:g} %"),
                e(cause or "–"),
            ]
        )
    if not rows:
        return Html("")
    return Html(table(["Target", "Achieved", "Objective", "Credit", "Caused by"], rows, "credits"))


def budget_table(r: Review) -> Html:
    """Each target's error budget in the period: what its objective allows (misses, downtime,
    unsatisfied responses, incidents — projected for a period in progress), what is used and
    what remains (negative: overspent), and where it stands."""
    rows = []
    report = r.budgets
    for _, t in r.current.iterrows():
        b = None if report is None else budget_record(report, t["agreement"], t["id"], t["period"])
        if b is None:
            continue
        unit = "downtime" if b["unit"] == "seconds" else b["unit"]
        pct = b["consumed_percent"]
        rows.append(
            [
                e(t["name"]),
                e(unit + (" (projected)" if b["projected"] else "")),
                *(e(format_amount(b[k], b["unit"])) for k in ("allowed", "consumed", "remaining")),
                "–" if pct is None else f"{pct:.0f} %",
                e(outlook(b, r.zone)),
            ]
        )
    headers = ["Target", "Budget in", "Allowed", "Used", "Remaining", "Used %",
               f"Outlook ({r.zone})"]  # fmt: skip
    return Html(table(headers, rows, "budgets"))


def planned_work_name(m: pd.Series) -> str:
    """What the customer knows a planned window by: a catalogue window by its description
    (its id is the catalogue's own), a change or planned outage by its number and title."""
    title = "" if pd.isna(m["title"]) else str(m["title"])
    if m["origin"] == "catalogue" and title:
        return title
    return str(m["ref"]) + (f" — {title}" if title else "")


def maintenance_table(r: Review) -> Html:
    """Planned work taken in the period: excluded from availability, and from ticket clocks
    where the agreement says so."""
    rows = [
        [
            e(service_names(r, m["service"])),
            e(planned_work_name(m)),
            e(m["origin"]),
            f"{m['start_at'].tz_convert(r.zone):%Y-%m-%d %H:%M}",
            f"{m['end_at'].tz_convert(r.zone):%Y-%m-%d %H:%M}",
            format_duration(m["duration_s"]),
        ]
        for _, m in r.maintenance.iterrows()
    ]
    return Html(
        table(
            [
                "Service",
                "Planned work",
                "Recorded in",
                f"Start ({r.zone})",
                f"End ({r.zone})",
                "Duration",
            ],
            rows,
            "maintenance",
        )
    )


def breaches_table(r: Review, limit: int = 50) -> Html:
    b = r.breaches
    rows = []
    for _, x in b.head(limit).iterrows():
        rows.append(
            [
                e(x["number"]),
                e(x["target_name"]),
                e(f"P{x['priority']}"),
                e(x["short_description"]),
                e(service_names(r, x["service"])),
                f"{x['start_at']:%Y-%m-%d %H:%M}",
                "running" if x["running"] else f"{x['stop_at']:%Y-%m-%d %H:%M}",
                format_duration(x["business_elapsed"]),
                format_duration(x["threshold_s"]),
                format_duration(x["paused_business"]),
                format_duration(x["holiday_elapsed"]),
                format_duration(x["out_of_hours"]),
            ]
        )
    note = ""
    if len(b) > limit:
        note = f'<p class="note">Showing {limit} of {len(b)} breaches, highest priority first.</p>'
    return Html(
        table(
            [
                "Incident",
                "Target",
                "Priority",
                "Title",
                "Service",
                "Opened (UTC)",
                "Stopped (UTC)",
                "Business elapsed",
                "Allowed",
                "Paused",
                "Holidays",
                "Out of hours",
            ],
            rows,
            "breaches",
        )
        + note
    )


def majors_table(r: Review) -> Html:
    rows = [
        [
            e(m["number"]),
            e(service_names(r, m["service"])),
            e(m["short_description"]),
            f"{m['opened_at']:%Y-%m-%d %H:%M}",
            "open" if pd.isna(m["resolved_at"]) else f"{m['resolved_at']:%Y-%m-%d %H:%M}",
            format_duration(_num(m["duration_s"])),
        ]
        for _, m in r.majors.iterrows()
    ]
    return Html(
        table(
            ["Incident", "Service", "Title", "Opened (UTC)", "Resolved (UTC)", "Duration"],
            rows,
            "majors",
        )
    )


def actions_table(r: Review) -> Html:
    rows = [
        [
            e(a["action_id"]),
            e(a["title"]),
            e(service_names(r, a["service"])),
            e(target_display_name(r, a["target_id"])),
            e(a["owner"]),
            e(a["due"]),
            (
                f'{e(a["status"])} <span class="rag rag-red">overdue</span>'
                if a["overdue"]
                else e(a["status"])
            ),
        ]
        for _, a in r.actions.iterrows()
    ]
    return Html(
        table(["Action", "Title", "Service", "Target", "Owner", "Due", "Status"], rows, "actions")
    )


def satisfaction_levels_table(r: Review, min_interval: int = 5) -> Html:
    """Survey scores of the period's tickets that met each resolution target against those
    that missed it, and by business resolution time: responses, mean score and share
    satisfied with their 95 % intervals (from ``min_interval`` responses: a t interval on two
    scores spans more than the scale)."""
    s = r.satisfaction_levels
    if s is None:
        return Html("")
    s = s[s["n"] > 0]
    rows = [
        [
            e(g["name"]),
            e(g["group"] if g["by"] == "verdict" else f"resolved in {g['group']}"),
            e(int(g["n"])),
            _with_interval(
                g["mean_score"], g["mean_low"], g["mean_high"], "", g["n"] >= min_interval
            ),
            _with_interval(
                g["satisfied_share"], g["share_low"], g["share_high"], " %", g["n"] >= min_interval
            ),
        ]
        for _, g in s.iterrows()
    ]
    headers = ["Resolution target", "Tickets", "Responses", "Mean score (95 % interval)",
               "Satisfied (95 % interval)"]  # fmt: skip
    return Html(table(headers, rows, "satisfaction-levels"))


def _with_interval(value: Any, low: Any, high: Any, unit: str, shown: bool) -> str:
    if _num(value) is None:
        return "–"
    text = f"{float(value):.1f}{unit}"
    if shown and _num(low) is not None and _num(high) is not None:
        return f"{text} ({float(low):.1f}–{float(high):.1f}{unit})"
    return f'{text} <span class="note">(few responses)</span>'


def _count(n: int, noun: str) -> str:
    """``1 response``, ``3 responses``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _score_unit(d: SatisfactionDetail) -> str:
    """`` / 5`` when every response of the period is on one scale, else nothing."""
    scales = set(d.distribution["scale"])
    return f" / {scales.pop()}" if len(scales) == 1 else ""


def satisfaction_summary(r: Review) -> Html:
    """The period's responses, the tickets resolved in it and the response rate, and the
    distribution of scores (responses and share per score)."""
    d = r.satisfaction_detail
    if d is None:
        return Html("")
    rate = "–" if d.response_rate is None else f"{d.response_rate:.1f} %"
    facts = (
        '<dl class="facts satisfaction-facts">'
        f"<dt>Survey responses</dt><dd>{e(_count(d.responses, 'response'))}</dd>"
        f"<dt>Tickets resolved</dt><dd>{e(_count(d.resolved, 'ticket'))}</dd>"
        f"<dt>Response rate</dt><dd>{e(rate)}</dd></dl>"
    )
    rows = [
        [
            e(f"{int(x['score'])} / {int(x['scale'])}"),
            e(_count(int(x["responses"]), "response")),
            e(f"{x['share']:.1f} %"),
        ]
        for _, x in d.distribution.iterrows()
    ]
    return Html(facts + table(["Score", "Responses", "Share"], rows, "satisfaction-scores"))


def satisfaction_breakdown(r: Review) -> Html:
    """Mean score and share satisfied by service and by priority of the rated ticket, each
    with its number of responses n."""
    d = r.satisfaction_detail
    if d is None:
        return Html("")
    unit = _score_unit(d)
    satisfied = "–" if d.satisfied_from is None else f"score {d.satisfied_from} or more"

    def row(group: str, g: pd.Series) -> list[str]:
        share = _num(g["satisfied_share"])
        return [e(group), e(int(g["responses"])), e(f"{g['mean_score']:.2f}{unit}"),
                "–" if share is None else e(f"{share:.1f} %")]  # fmt: skip

    services = [row(service_names(r, g["service"]), g) for _, g in d.by_service.iterrows()]
    priorities = [
        row("no incident" if _num(g["priority"]) is None else f"P{int(g['priority'])}", g)
        for _, g in d.by_priority.iterrows()
    ]
    tail = ["n (responses)", "Mean score", f"Satisfied ({satisfied})"]
    return Html(
        table(["Service", *tail], services, "satisfaction-groups")
        + table(["Priority of the ticket", *tail], priorities, "satisfaction-groups")
    )


def satisfaction_comments(r: Review) -> Html:
    """The latest verbatim comments, when the customer's catalogue entry opts in
    (``satisfaction.comments``); escaped, and with person names replaced in a redacted pack."""
    d = r.satisfaction_detail
    if d is None or r.customer.satisfaction.comments == 0:
        return Html("")
    if d.comments.empty:
        return Html('<p class="note">No comment was left in this period.</p>')
    items = "".join(
        f"<li><q>{e(c['comment'])}</q> "
        f'<span class="note">— {e(int(c["score"]))} / {e(int(c["scale"]))}, '
        f"{e(service_names(r, c['service']))}, "
        f"{pd.Timestamp(c['submitted_at']).tz_convert(r.zone):%Y-%m-%d}</span></li>"
        for _, c in d.comments.iterrows()
    )
    return Html(f'<p class="comments-title"><b>Latest comments, verbatim</b></p>'
                f'<ul class="comments">{items}</ul>')  # fmt: skip


# ---------------------------------------------------------------------------- improvement
VERDICT_RAG = {"improving": "green", "improved": "green", "deteriorating": "red",
               "worsened": "red"}  # fmt: skip


def verdict_badge(verdict: str) -> str:
    """A trend or effect verdict in its colour (grey unless it is a detected change)."""
    return f'<span class="rag rag-{VERDICT_RAG.get(verdict, "grey")}">{e(verdict)}</span>'


def improvement_table(r: Review) -> Html:
    """Per target: its trend verdict with slope and significance, the special-cause periods
    of its control chart and the forecast of the period in progress or the next one."""
    imp = r.improvement
    if imp is None:
        return Html("")
    forecasts = {(f["agreement"], f["id"]): f for _, f in imp.forecasts.iterrows()}
    rows = []
    for _, t in imp.trends.iterrows():
        sig = imp.signals[(imp.signals["agreement"] == t["agreement"])
                          & (imp.signals["id"] == t["id"])]  # fmt: skip
        f = forecasts.get((t["agreement"], t["id"]))
        rows.append(
            [
                e(t["name"]),
                verdict_badge(t["verdict"]),
                e(t["sentence"]),
                "<br>".join(_signal_text(s) for _, s in sig.iterrows()) or "none",
                f"{e(f['period'])}: {e(f['sentence'])}" if f is not None else "–",
            ]
        )
    headers = ["Target", "Trend", "Over the periods", "Special causes", "Forecast"]
    return Html(table(headers, rows, "improvement"))


def _signal_text(s: pd.Series) -> str:
    return f"{e(s['period'])}: {e(s['text'])}"


def effects_table(r: Review) -> Html:
    """Every completed improvement action: what changed in its target after it (before/after
    comparison of whole periods), or why that cannot be measured."""
    imp = r.improvement
    if imp is None:
        return Html("")
    rows = [
        [
            e(a["action_id"]),
            e(a["title"]),
            e(a["name"] if isinstance(a["name"], str) else a["target_id"]),
            e(a["completed"]),
            verdict_badge(a["verdict"]),
            e(a["sentence"]),
            e(f"{a['before']:.0f} / {a['after']:.0f}") if _num(a["before"]) is not None else "–",
        ]
        for _, a in imp.effects.iterrows()
    ]
    headers = ["Action", "Title", "Target", "Completed", "Effect", "Detail",
               "Periods before / after"]  # fmt: skip
    return Html(table(headers, rows, "effects"))


def series_table(r: Review, width: int = 3) -> Html:
    """The month-by-month (period-by-period) table of the series behind the trends: achieved
    with n, and the rolling twelve months, per target; ``width`` targets per table."""
    att = r.attainment
    keys = list(dict.fromkeys(zip(att["agreement"], att["id"], strict=True)))
    measured = [Period.parse(p) for p in att.loc[att["achieved"].notna(), "period"]]
    first = min(measured, default=r.period)  # the months before any data are left out
    periods = [p for p in dict.fromkeys(att["period"]) if Period.parse(p) >= first]
    parts = []
    for i in range(0, len(keys), width):
        chunk = keys[i : i + width]
        cells = {}
        names = []
        for a, t in chunk:
            mine = att[(att["agreement"] == a) & (att["id"] == t)].set_index("period")
            names.append(str(mine["name"].iloc[-1]))
            for p, row in mine.iterrows():
                cells[(a, t, p)] = row
        rows = []
        for p in periods:
            line = [e(p)]
            for a, t in chunk:
                row = cells.get((a, t, p))
                if row is None:
                    line += ["–", "–"]
                    continue
                n = "" if pd.isna(row["n"]) else f' <span class="note">n {e(int(row["n"]))}</span>'
                line += [
                    e(describe(row)) + n if pd.notna(row["achieved"]) else "No data",
                    e(describe(row, "rolling_achieved"))
                    if pd.notna(row["rolling_achieved"])
                    else "–",
                ]
            rows.append(line)
        headers = ["Period"] + [h for n in names for h in (n, "12 months")]
        parts.append(table(headers, rows, "series"))
    return Html("".join(parts))


def legend(r: Review) -> Html:
    """What the status words and abbreviations of the pack mean."""
    words = [[status_badge(s), e(MEANING[s])] for s in Status]
    abbreviations = [[f"<b>{e(k)}</b>", e(v)] for k, v in ABBREVIATIONS.items()]
    return Html(table(["Status", "Meaning"], words, "legend")
                + table(["Term", "Meaning"], abbreviations, "legend"))  # fmt: skip


def definitions(r: Review) -> Html:
    cur = r.current
    rows = [
        [e(t["name"]), e(agreement_name(r, t["agreement"])), e(t["sentence"])]
        for _, t in cur.iterrows()
    ]
    return Html(table(["Target", "Agreement", "Definition"], rows, "definitions"))


def settings_table(r: Review) -> Html:
    rows = [
        [e(agreement_name(r, s["agreement"])), e(s["setting"]), e(s["value"])]
        for _, s in r.settings.iterrows()
    ]
    return Html(table(["Agreement", "Setting", "Value"], rows, "settings"))


def quality_table(r: Review) -> Html:
    rows = [[e(q["issue"]), e(q["detail"]), e(q["rows"])] for _, q in r.quality.iterrows()]
    return Html(table(["Note", "Detail", "Rows"], rows, "quality"))


def provenance_table(r: Review) -> Html:
    rows = [
        [
            e(x["file"]),
            e(x["format"]),
            e(x["rows_loaded"]),
            e(x["loaded_at"]),
            f"<code>{e(str(x['sha256'])[:16])}…</code>",
        ]
        for _, x in r.loads.iterrows()
    ]
    rows.append(["catalogue", "YAML", "–", "–", f"<code>{e(r.catalogue_sha256[:16])}…</code>"])
    if r.commentary is not None and r.commentary.exists:
        sha = r.commentary.sha256
        rows.append([e(r.commentary.name), "Markdown", "–", "–", f"<code>{e(sha[:16])}…</code>"])
    return Html(table(["File", "Format", "Rows", "Loaded (UTC)", "sha256"], rows, "provenance"))


# ---------------------------------------------------------------------------- commentary
def review_summary(r: Review) -> Html:
    """The review's commentary for the executive summary: the service manager's summary, the
    reason given for every missed target (or that none was written), the context of the major
    incidents and the agreed next steps. The Markdown is rendered safely
    (``commentary.render_markdown``)."""
    c = r.commentary
    sections = c.sections if c else {}
    missed = r.current[r.current["status"] == Status.MISSED]
    reasons = "".join(
        f"<dt>{e(m['name'])}</dt>" + _reason(r, f"{m['agreement']}/{m['id']}")
        for _, m in missed.iterrows()
    )
    parts = [
        _comment_block("Summary", sections.get("summary")),
        f'<div class="comment"><p class="comment-title">Why targets were missed</p>'
        f'<dl class="reasons">{reasons}</dl></div>'
        if reasons
        else "",
        _comment_block("Major incidents", sections.get("majors")),
        _comment_block("Agreed next steps", sections.get("next_steps")),
    ]
    body = "".join(parts)
    return Html(f'<div class="commentary review-summary">{body}</div>' if body else "")


def _reason(r: Review, key: str) -> str:
    comment = r.commentary.targets.get(key) if r.commentary else None
    if comment is None:
        return '<dd class="unexplained">No reason recorded in the review.</dd>'
    return f"<dd>{comment.html}</dd>"


def _comment_block(title: str, comment: Comment | None) -> str:
    if comment is None:
        return ""
    return f'<div class="comment"><p class="comment-title">{e(title)}</p>{comment.html}</div>'


def target_comments(r: Review) -> Html:
    """The review's comment on each target that has one, in the target table's order, with
    the target's status: shown under the target table."""
    c = r.commentary
    if c is None or not c.targets:
        return Html("")
    blocks = []
    for _, t in r.current.iterrows():
        key = f"{t['agreement']}/{t['id']}"
        if (comment := c.targets.get(key)) is not None:
            blocks.append(
                f'<div class="comment target-comment" data-target="{e(key)}">'
                f'<p class="comment-title"><span class="target-name">{e(t["name"])}</span> '
                f"{status_badge(t['status'])}</p>{comment.html}</div>"
            )
    return Html(f'<div class="commentary target-comments">{"".join(blocks)}</div>')
