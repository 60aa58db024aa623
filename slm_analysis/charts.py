"""Plotly figure builders for the review pack, with one RAG theme.

Plotly treats some tags in text as markup, so every label that comes from the data goes
through ``label`` (HTML-escaped) before it reaches a figure.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterable
from html import escape
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure
from plotly.io._json import to_json
from plotly.subplots import make_subplots

from .budgets import LONG_WINDOWS, BudgetReport, format_amount
from .defaults import PLOTLY_MIME
from .review import Review, describe
from .status import format_objective, format_value

RAG_COLOURS = {"green": "#2e7d32", "amber": "#ef8f00", "red": "#c62828", "grey": "#9e9e9e"}
SERIES = ["#1f4e79", "#2a9d8f", "#8e5ea2", "#e76f51", "#6c757d", "#264653"]
PRIORITY_COLOURS = {1: "#b71c1c", 2: "#ef6c00", 3: "#1f4e79", 4: "#90a4ae", 5: "#cfd8dc"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def show_figure(fig: BaseFigure) -> None:
    """Display ``fig`` in IPython as plotly's JSON mime type — what plotly's own
    ``plotly_mimetype`` renderer sends, which JupyterLab draws and the pack's export embeds —
    without importing plotly's renderer module: it imports nbformat, whose schema checker
    builds a URI grammar at import (about 2.5 s of CPU in every fresh kernel, each pack's).
    Once anything has loaded plotly's renderers (an analyst choosing one with
    ``plotly.io.renderers.default``), the figure shows itself through them instead."""
    display: Any = importlib.import_module("IPython.display").display  # no annotations

    if "plotly.io._renderers" in sys.modules:
        fig._ipython_display_()
        return
    body = json.loads(to_json(fig.to_dict(), validate=False, remove_uids=False))
    display({PLOTLY_MIME: body}, raw=True)


def _register_display() -> None:
    """In an IPython kernel, plotly figures are shown by ``show_figure``."""
    ipython = sys.modules.get("IPython")
    shell: Any = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        shell.display_formatter.ipython_display_formatter.for_type(BaseFigure, show_figure)


_register_display()


def label(text: object) -> str:
    """Data text made safe for plotly (which renders a subset of HTML)."""
    return escape(str(text), quote=False)


def _layout(fig: go.Figure, title: str, yaxis: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": label(title), "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 12, "color": "#222"},
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.2, "x": 0},
        yaxis_title=yaxis,
        hovermode="x unified",
    )
    return fig


def _nothing(fig: go.Figure, text: str) -> go.Figure:
    """An empty chart that says why it is empty, instead of bare axes (or objective lines
    alone)."""
    fig.data = ()
    fig.add_annotation(text=label(text), showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": 14, "color": "#555"})  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _tick(symbol: str, size: int) -> dict[str, object]:
    """A dark tick marking an objective or an allowance on a bar."""
    return {"symbol": symbol, "size": size, "color": "#222", "line": {"width": 3, "color": "#222"}}


def _achieved(periods: list[str], g: pd.DataFrame, name: str, colour: str) -> go.Scatter:
    """A target's achieved values over the periods (attainment rows indexed by period), with
    the value as the pack shows it — never rounded onto its objective — and n on hover."""
    shown = [describe(row) if pd.notna(row["achieved"]) else "–" for _, row in g.iterrows()]
    return go.Scatter(
        x=periods,
        y=g["achieved"],
        mode="lines+markers",
        name=label(name),
        line={"color": colour, "width": 2},
        text=[label(x) for x in shown],
        customdata=g["n"],
        hovertemplate="%{text} (n=%{customdata})<extra>" + label(name) + "</extra>",
    )


def _objective(periods: list[str], values: pd.Series, name: str, colour: str) -> go.Scatter:
    """The objective of a series as a thin dashed line in the series' colour."""
    return go.Scatter(
        x=periods,
        y=values,
        mode="lines",
        name=label(f"{name} objective"),
        line={"color": colour, "dash": "dash", "width": 1},
        hoverinfo="skip",
    )


def availability_trend(r: Review) -> go.Figure:
    """Availability per service over the periods, against each objective."""
    fig = go.Figure()
    av = r.availability
    periods = [str(p) for p in r.periods]
    for i, (key, grp) in enumerate(av.groupby(["agreement", "id", "service"], sort=False)):
        name = r.catalogue.service(str(key[2])).name
        colour = SERIES[i % len(SERIES)]
        g = grp.set_index("period").reindex(periods)
        shown = [
            format_value(a, "%", o) for a, o in zip(g["availability"], g["objective"], strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=g["availability"],
                mode="lines+markers",
                name=label(name),
                line={"color": colour, "width": 2},
                text=shown,
                hovertemplate="%{text}<extra>" + label(name) + "</extra>",
            )
        )
        fig.add_trace(_objective(periods, g["objective"], name, colour))
    fig = _layout(fig, "Availability against objective", "Availability")
    if av.empty:
        return _nothing(fig, "No availability target in the agreements of this period")
    if av["availability"].isna().all():
        return _nothing(fig, "No outage data covers these periods: availability is not measured")
    lo = min([99.0, *av["availability"].dropna().tolist()])
    fig.update_yaxes(range=[max(lo - 0.1, 0), 100.02], ticksuffix=" %")
    return fig


def ticket_attainment(r: Review) -> go.Figure:
    """This period's response and resolution attainment per target, coloured by status."""
    cur = r.current
    cur = cur[cur["metric"].isin(["response_time", "resolution_time"])]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=[label(n) for n in cur["name"]],
            y=cur["achieved"],
            marker_color=[RAG_COLOURS[x] for x in cur["rag"]],
            text=[
                f"{describe(row)} (n={row['n']})" if pd.notna(row["achieved"]) else "no tickets"
                for _, row in cur.iterrows()
            ],
            textposition="outside",
            name="Achieved",
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[label(n) for n in cur["name"]],
            y=cur["objective"],
            mode="markers",
            name="Objective",
            marker=_tick("line-ew-open", 36),
            hovertemplate="objective %{y:.0f} %<extra></extra>",
        )
    )
    fig.update_yaxes(range=[0, 109], ticksuffix=" %")
    fig = _layout(
        fig, f"Response and resolution by priority, {r.period.label()}", "Tickets within target"
    )
    fig.update_layout(hovermode="closest")
    if cur.empty:
        return _nothing(fig, NO_TICKET_TARGET)
    if cur["achieved"].isna().all():
        return _nothing(fig, f"No ticket counted towards a target in {r.period.label()}")
    return fig


NO_TICKET_TARGET = "No response or resolution target in the agreements of this period"


def attainment_trend(r: Review) -> go.Figure:
    """Response and resolution attainment per target over the periods."""
    att = r.attainment[r.attainment["metric"].isin(["response_time", "resolution_time"])]
    periods = [str(p) for p in r.periods]
    fig = go.Figure()
    for i, (_, grp) in enumerate(att.groupby(["agreement", "id"], sort=False)):
        g = grp.set_index("period").reindex(periods)
        name = str(grp["name"].iloc[-1])
        fig.add_trace(_achieved(periods, g, name, SERIES[i % len(SERIES)]))
    fig.update_yaxes(range=[0, 103], ticksuffix=" %")
    fig = _layout(fig, "Ticket targets over twelve periods", "Tickets within target")
    if att.empty:
        return _nothing(fig, NO_TICKET_TARGET)
    if att["achieved"].isna().all():
        return _nothing(fig, "No ticket counted towards a target in these periods")
    return fig


def volume_trend(r: Review) -> go.Figure:
    """Incidents opened per priority (stacked) and the backlog at each period end."""
    v = r.volumes
    periods = [str(p) for p in r.periods]
    fig = go.Figure()
    for prio, grp in v.groupby("priority"):
        g = grp.set_index("period").reindex(periods)
        fig.add_trace(
            go.Bar(
                x=periods,
                y=g["opened"],
                name=f"P{prio} opened",
                marker_color=PRIORITY_COLOURS.get(int(str(prio)), "#999"),
            )
        )
    backlog = v.groupby("period")["backlog"].sum().reindex(periods)
    resolved = v.groupby("period")["resolved"].sum().reindex(periods)
    fig.add_trace(
        go.Scatter(
            x=periods,
            y=resolved,
            name="Resolved",
            mode="lines+markers",
            line={"color": "#2a9d8f", "width": 2},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=periods,
            y=backlog,
            name="Backlog at period end",
            mode="lines+markers",
            line={"color": "#222", "dash": "dot"},
        )
    )
    fig.update_layout(barmode="stack")
    fig = _layout(fig, "Incident volumes and backlog", "Incidents")
    if v.empty:
        return _nothing(fig, "No incident was opened, resolved or open in these periods")
    return fig


def breach_timeline(r: Review, limit: int = 15) -> go.Figure:
    """Each breach's wall-clock life split into business time, paused time and closed hours."""
    b = r.breaches.head(limit).iloc[::-1]
    if b.empty:
        fig = _layout(go.Figure(), "Where the time went in each breach", "", height=260)
        return _nothing(fig, f"No ticket breached its target in {r.period.label()}")
    names = [label(f"{n} P{p}") for n, p in zip(b["number"], b["priority"], strict=True)]
    hours = 3600.0
    parts = [
        ("Business time (clock running)", b["business_elapsed"] / hours, "#c62828"),
        ("Paused (awaiting customer)", b["paused_business"] / hours, "#8e5ea2"),
        ("Public holidays and closures", b["holiday_elapsed"] / hours, "#f4a261"),
        ("Outside service hours", b["out_of_hours"] / hours, "#cfd8dc"),
    ]
    fig = go.Figure()
    for name, values, colour in parts:
        fig.add_trace(
            go.Bar(
                y=names,
                x=values,
                name=name,
                orientation="h",
                marker_color=colour,
                hovertemplate="%{x:.1f} h<extra>" + name + "</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            y=names,
            x=b["threshold_s"] / hours,
            mode="markers",
            name="Allowed business time",
            marker=_tick("line-ns-open", 18),
            hovertemplate="allowed %{x:.1f} h<extra></extra>",
        )
    )
    fig.update_layout(barmode="stack")
    fig = _layout(fig, "Where the time went in each breach", "", height=max(260, 60 + 28 * len(b)))
    fig.update_xaxes(title="hours since opened")
    fig.update_layout(hovermode="closest")
    return fig


def satisfaction_trend(r: Review) -> go.Figure:
    """Satisfaction per target over the periods, with responses as bars."""
    s = r.satisfaction
    periods = [str(p) for p in r.periods]
    fig = go.Figure()
    for i, (_, grp) in enumerate(s.groupby(["agreement", "id"], sort=False)):
        g = grp.set_index("period").reindex(periods)
        name = str(grp["name"].iloc[-1])
        colour = SERIES[i % len(SERIES)]
        fig.add_trace(_achieved(periods, g, name, colour))
        fig.add_trace(_objective(periods, g["objective"], name, colour))
    fig = _layout(fig, "Customer satisfaction", satisfaction_axis(s["unit"]))
    if s.empty:
        return _nothing(fig, "No satisfaction target in the agreements of this period")
    if s["achieved"].isna().all():
        return _nothing(fig, "No survey response in these periods")
    if set(s["unit"]) == {"%"}:
        fig.update_yaxes(ticksuffix=" %")
    return fig


def satisfaction_axis(units: Iterable[str]) -> str:
    """The y axis title of satisfaction targets with these units: a share satisfied (``%``)
    is not a score (``/ 5``)."""
    found = set(units)
    if found == {"%"}:
        return "Responses satisfied (%)"
    if found and all(u.startswith("/ ") for u in found):
        return "Mean score (" + ", ".join(sorted(found)) + ")"
    return "Mean score or % satisfied"


def satisfaction_scores(r: Review) -> go.Figure:
    """The period's survey responses per score (the pack's satisfaction detail)."""
    fig = _layout(go.Figure(), "Responses by score this period", "Responses", height=300)
    d = r.satisfaction_detail
    if d is None or d.responses == 0:
        return _nothing(fig, "No survey response in this period")
    dist = d.distribution
    x = [f"{int(a)} / {int(b)}" for a, b in zip(dist["score"], dist["scale"], strict=True)]
    fig.add_trace(
        go.Bar(
            x=x,
            y=dist["responses"],
            marker={"color": SERIES[0]},
            text=[f"{v:.0f} %" for v in dist["share"]],
            textposition="outside",
            hovertemplate="%{x}: %{y} responses (%{text})<extra></extra>",
            name="responses",
        )
    )
    fig.update_xaxes(title="score", type="category")
    fig.update_layout(showlegend=False, hovermode="closest")
    return fig


BUDGET_COLOURS = {"within budget": RAG_COLOURS["green"], "none allowed": RAG_COLOURS["amber"],
                  "exhausted": RAG_COLOURS["amber"], "overspent": RAG_COLOURS["red"]}  # fmt: skip


def budget_chart(r: Review) -> go.Figure:
    """The review period's ``error_budgets`` chart."""
    if r.budgets is None:
        return _nothing(_layout(go.Figure(), "Error budgets", ""), "No error budget was measured")
    return error_budgets(r.budgets, str(r.period))


def error_budgets(report: BudgetReport, period: str | None = None) -> go.Figure:
    """Each target's error budget consumed, as a share of what it allows (the allowance is
    the 100 % tick), coloured by the budget's state; for a period in progress a second panel
    with the burn rate over 1 h, 6 h, 1 d and 3 d and each window's alert threshold k.
    ``period``: the period shown (default the report's last)."""
    b = report.budgets
    period = period or (str(b["period"].iloc[-1]) if len(b) else None)
    b = b[(b["period"] == period) & b["allowed"].notna()]
    burns = report.burn_rates
    burns = burns[burns["window"].isin(LONG_WINDOWS)] if len(b) else burns.iloc[:0]
    fig = make_subplots(
        rows=2 if len(burns) else 1, cols=1, vertical_spacing=0.22,
        subplot_titles=["Budget consumed (share of the allowance)", "Burn rate"][
            : 2 if len(burns) else 1
        ],
    )  # fmt: skip
    b = b.assign(name=_unique_names(b))
    _budget_bars(fig, b)
    if len(burns):
        _burn_bars(fig, burns, report.alerts, dict(zip(_target(b), b["name"], strict=True)))
    fig = _layout(fig, "Error budgets", "", height=300 + 28 * len(b) + (260 if len(burns) else 0))
    fig.update_layout(hovermode="closest", barmode="group")
    if b.empty:
        fig.layout.annotations = ()  # the panel titles
        return _nothing(fig, "No target with an error budget was measured in this period")
    return fig


def _budget_bars(fig: go.Figure, b: pd.DataFrame) -> None:
    """Horizontal bars: consumed / allowed × 100 per target (an allowance of nothing: 0 %
    consumed is nothing, any use is off the scale at the axis' end), the 100 % tick."""
    names = [label(n) for n in b["name"]]
    shares = [
        min(c / a * 100, 1000.0) if a > 0 else (0.0 if c == 0 else 1000.0)
        for c, a in zip(b["consumed"], b["allowed"], strict=True)
    ]
    text = [label(_amounts_text(r)) for _, r in b.iterrows()]
    fig.add_trace(
        go.Bar(
            y=names, x=shares, orientation="h", name="Consumed",
            marker_color=[BUDGET_COLOURS[s] for s in b["state"]], text=text,
            textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>",
        ),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            y=names, x=[100.0] * len(b), mode="markers", name="Allowed",
            marker=_tick("line-ns-open", 18), hovertemplate="allowed<extra></extra>",
        ),
        row=1, col=1,
    )  # fmt: skip
    top = max([120.0, *[s + 10 for s in shares]])
    fig.update_xaxes(range=[0, top], ticksuffix=" %", row=1, col=1)


def _amounts_text(r: pd.Series) -> str:
    """``6h 00m of 44m 38s allowed`` / ``3 of 6 misses allowed (projected)``."""
    used, allowed = format_amount(r["consumed"], r["unit"]), format_amount(r["allowed"], r["unit"])
    if r["unit"] == "seconds":
        return f"{used} of {allowed} allowed"
    projected = " (projected)" if r["projected"] else ""
    return f"{used} of {allowed} {r['unit']} allowed{projected}"


def _burn_bars(
    fig: go.Figure, burns: pd.DataFrame, alerts: pd.DataFrame, names: dict[str, str]
) -> None:
    """Grouped bars: each target's burn rate per long window (none where the window held
    nothing to measure), and the alert threshold k of each window."""
    for i, (key, g) in enumerate(burns.groupby(_target(burns), sort=False)):
        fig.add_trace(
            go.Bar(
                x=list(g["window"]), y=list(g["burn_rate"]), name=label(names.get(key, key)),
                marker_color=SERIES[i % len(SERIES)],
                hovertemplate="%{x}: burn rate %{y:.1f}<extra>" + label(names.get(key, key))
                + "</extra>",
            ),
            row=2, col=1,
        )  # fmt: skip
    k = alerts.drop_duplicates(["long_window", "threshold"])  # one k per review period length
    fig.add_trace(
        go.Scatter(
            x=list(k["long_window"]), y=list(k["threshold"]), mode="markers",
            name="Alert threshold k", marker=_tick("line-ew-open", 30),
            hovertemplate="%{x}: alert above %{y:.1f}<extra></extra>",
        ),
        row=2, col=1,
    )  # fmt: skip
    fig.update_yaxes(title="× the sustainable rate", rangemode="tozero", row=2, col=1)


def _target(df: pd.DataFrame) -> pd.Series:
    """``agreement/id``: a target id is unique only within its agreement."""
    return df["agreement"] + "/" + df["id"]


def _unique_names(b: pd.DataFrame) -> pd.Series:
    """Target names, with the id after a name that two targets share (bars on one axis would
    otherwise fall on one another)."""
    shared = b["name"].duplicated(keep=False)
    return b["name"].where(~shared, b["name"] + " (" + b["id"] + ")")


def improvement_chart(r: Review, columns: int = 3, panel: int = 210) -> go.Figure:
    """Per target with a trend: its whole periods, the control chart's centre line and
    natural process limits (XmR), the objective, the Theil–Sen line when the trend is
    significant, and the special-cause periods ringed in red. ``panel`` px per row of
    ``columns`` panels: nine targets stay within one printed A4 page."""
    imp = r.improvement
    shown = imp.trends[imp.trends["verdict"] != "too few periods"] if imp is not None else None
    if imp is None or shown is None or shown.empty:
        fig = _layout(go.Figure(), "Trends and special causes", "")
        return _nothing(fig, "No target has enough periods with data for a trend")
    rows = -(-len(shown) // columns)
    fig = make_subplots(rows=rows, cols=columns, vertical_spacing=0.45 / rows,
                        horizontal_spacing=0.08,
                        subplot_titles=[label(n) for n in shown["name"]])  # fmt: skip
    named: set[str] = set()  # each kind of line in the legend once
    for i, (_, t) in enumerate(shown.iterrows()):
        at = {"row": i // columns + 1, "col": i % columns + 1}
        for trace in _improvement_traces(r, t):
            trace.update(legendgroup=trace.name, showlegend=trace.name not in named)
            named.add(str(trace.name))
            fig.add_trace(trace, **at)
        if t["unit"] == "%":
            fig.update_yaxes(ticksuffix=" %", **at)
    height = panel * rows + 200
    fig = _layout(fig, "Trends and special causes", "", height=height)
    fig.update_xaxes(nticks=4, tickangle=0, tickformat="%b %Y")
    fig.update_annotations(font={"size": 12})  # the panel titles
    # the legend under the panels, with room for two lines on a narrow (printed) page
    fig.update_layout(hovermode="closest", margin={"r": 30, "b": 130},
                      legend={"y": -30 / (height - 180), "yanchor": "top"})  # fmt: skip
    return fig


def _improvement_traces(r: Review, t: pd.Series) -> list[go.Scatter]:
    imp = r.improvement
    assert imp is not None
    att = r.attainment
    g = att[(att["agreement"] == t["agreement"]) & (att["id"] == t["id"])]
    if r.in_progress:
        g = g[g["period"] != str(r.period)]
    g = g.reset_index(drop=True)  # positions of the series, as the trend counts them
    g = g[g["achieved"].notna()]
    x, y = list(g["period"]), list(g["achieved"])
    sig = imp.signals[(imp.signals["agreement"] == t["agreement"]) & (imp.signals["id"] == t["id"])]
    shown = [describe(row) for _, row in g.iterrows()]
    traces = [
        go.Scatter(x=x, y=y, mode="lines+markers", name="achieved",
                   line={"color": SERIES[0], "width": 2}, text=shown,
                   hovertemplate="%{x}: %{text}<extra></extra>"),
        go.Scatter(x=x, y=[t["objective"]] * len(x), mode="lines", name="objective",
                   line={"color": "#222", "dash": "dash", "width": 1},
                   hoverinfo="skip"),
    ]  # fmt: skip
    if pd.notna(t["centre"]):
        # a share cannot leave 0–100 %: the limits are drawn where the scale ends
        top, bottom = float(t["upper"]), float(t["lower"])
        if t["unit"] == "%":
            top, bottom = min(top, 100.0), max(bottom, 0.0)
        for value, name, dash in ((t["centre"], "centre line", "solid"),
                                  (top, "process limits", "dot"),
                                  (bottom, "process limits", "dot")):  # fmt: skip
            traces.append(go.Scatter(x=x, y=[value] * len(x), mode="lines", name=name,
                                     line={"color": RAG_COLOURS["grey"], "dash": dash, "width": 1},
                                     hoverinfo="skip"))  # fmt: skip
    if t["verdict"] in ("improving", "deteriorating") and pd.notna(t["slope"]):
        line = [t["intercept"] + t["slope"] * k for k in g.index]
        colour = RAG_COLOURS["green" if t["verdict"] == "improving" else "red"]
        traces.append(go.Scatter(x=x, y=line, mode="lines", name=f"{t['verdict']} (Theil–Sen)",
                                 line={"color": colour, "width": 2},
                                 hoverinfo="skip"))  # fmt: skip
    if not sig.empty:
        traces.append(go.Scatter(x=list(sig["period"]), y=list(sig["achieved"]),
                                 mode="markers", name="special cause",
                                 marker={"size": 13, "color": "rgba(0,0,0,0)",
                                         "line": {"color": RAG_COLOURS["red"], "width": 2}},
                                 text=[label(s) for s in sig["text"]],
                                 hovertemplate="%{x}: %{text}<extra></extra>"))  # fmt: skip
    return traces


def calibration(
    wide: pd.DataFrame,
    objective: float | None = None,
    unit: str = "%",
    title: str = "What the proposal would have achieved",
) -> go.Figure:
    """The variants of a proposed target over past periods (``calibration.compare``: one
    column per variant), against the proposed ``objective`` as a dashed line."""
    periods = [str(p) for p in wide.index]
    fig = go.Figure()
    for i, name in enumerate(wide.columns):
        shown = [format_value(v, unit, objective) for v in wide[name]]
        fig.add_trace(
            go.Scatter(
                x=periods, y=wide[name], mode="lines+markers", name=label(name),
                line={"color": SERIES[i % len(SERIES)], "width": 2}, text=shown,
                hovertemplate="%{text}<extra>" + label(name) + "</extra>",
            )
        )  # fmt: skip
    if objective is not None:
        fig.add_trace(
            go.Scatter(
                x=periods, y=[objective] * len(periods), mode="lines",
                name=label(f"objective {format_objective(objective, unit)}"),
                line={"color": "#222", "dash": "dash", "width": 1}, hoverinfo="skip",
            )
        )  # fmt: skip
    fig = _layout(fig, title, "Achieved")
    if wide.empty or wide.isna().all().all():
        return _nothing(fig, "Nothing was measured in these periods")
    if unit == "%":
        fig.update_yaxes(ticksuffix=" %")
    return fig
