"""Improvement analytics of a customer's targets over their period series.

From the attainment records of the last periods (``measures.attainment``, each period under
the target version in force then) this module answers the review's questions, target by
target: is it getting better or worse (``trends.trend``), which periods are special causes
(``trends.xmr``), will the period in progress — or the next one — be met (``forecast``), and
did each completed improvement action change it (``trends.share_effect`` / ``mean_effect``).
Plain DataFrames in, plain DataFrames out; the statistics live in ``trends`` and ``forecast``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from . import forecast, forecast_sampled, trends
from .periods import Period
from .status import number as _num

CONFIDENCE = 0.95
EFFECT_PERIODS = 6  # whole periods compared on each side of an action's completion
MIN_PERIODS = 8  # periods with data before a trend or a control chart says anything
MIN_N = 10  # a share measured on fewer tickets is flagged: one ticket moves it by > 10 pp

TREND_COLUMNS = [
    "agreement", "id", "name", "metric", "unit", "higher_is_better", "objective", "verdict",
    "periods", "slope", "slope_low", "slope_high", "intercept", "p_value", "crossing_period",
    "small_n",
    "centre", "upper", "lower", "sentence", "method",
]  # fmt: skip
SIGNAL_COLUMNS = [
    "agreement", "id", "name", "period", "achieved", "n", "unit", "rule", "text",
]  # fmt: skip
EFFECT_COLUMNS = [
    "action_id", "title", "target_id", "agreement", "name", "completed", "completed_period",
    "verdict", "change", "low", "high", "p_value", "before", "after", "unit", "sentence",
    "method",
]  # fmt: skip
FORECAST_COLUMNS = [
    "agreement", "id", "name", "period", "elapsed", "objective", "unit", "probability",
    "expected", "low", "high", "sentence", "model", "method", "note",
]  # fmt: skip
PLURAL = {"month": "months", "quarter": "quarters", "half": "halves", "year": "years",
          "week": "weeks"}  # fmt: skip


@dataclass(frozen=True)
class Improvement:
    """The improvement view of one customer's targets (columns: the ``*_COLUMNS`` above)."""

    trends: pd.DataFrame  # one row per target
    signals: pd.DataFrame  # one row per special-cause period of a target
    effects: pd.DataFrame  # one row per completed improvement action
    forecasts: pd.DataFrame  # one row per target that can be forecast
    confidence: float = CONFIDENCE


@dataclass(frozen=True)
class Series:
    """One target's whole periods, oldest first (the period in progress left out)."""

    key: tuple[str, str]
    rows: pd.DataFrame  # attainment records, one per whole period (achieved may be NaN)
    share: bool  # measured as met / n (tickets, responses, check results): counts are known

    @property
    def last(self) -> pd.Series:
        return self.rows.iloc[-1]

    def values(self) -> list[float | None]:
        return [_num(v) for v in self.rows["achieved"]]

    def enough(self) -> list[bool]:
        """Per period: measured on at least MIN_N tickets, or not a share at all."""
        return [not self.share or (_int(n) or 0) >= MIN_N for n in self.rows["n"]]


def improvement(
    att: pd.DataFrame,
    *,
    period: Period,
    in_progress: bool,
    elapsed: float,
    actions: pd.DataFrame,
    zone: str,
    outages: pd.DataFrame | None = None,
    current_outages: pd.DataFrame | None = None,
    next_scheduled_s: Mapping[tuple[str, str], float] | None = None,
    next_objectives: Mapping[tuple[str, str], float] | None = None,
    check_days: Mapping[tuple[str, str], forecast_sampled.Days] | None = None,
    confidence: float = CONFIDENCE,
) -> Improvement:
    """The improvement view of the attainment records ``att`` (every target × the periods of
    its series, ending with ``period``).

    ``in_progress``: ``period`` has not ended (``elapsed``: the share of it gone, 0–1); it is
    then left out of trends, control charts and effects and is what is forecast; otherwise
    the next period is forecast. ``actions``: the action register rows (``review_actions``
    columns, ``closed_at`` among them). ``outages``: per service, the unplanned outages of the
    series' whole periods (``service``, ``scheduled_s`` inside the service hours) that an
    availability forecast bootstraps, ``current_outages`` those of the period in progress;
    ``next_scheduled_s``: per (agreement, target id) the service hours of the next period, in
    seconds; ``next_objectives``: the objective of every target in force in the next period
    (given, a target not in it is not forecast; none: each keeps its last objective);
    ``check_days``: per availability target measured from checks, its good and valid results
    per whole day and the days left (``forecast_sampled.Days``), which its forecast resamples.
    Records of MTTA, MTTR and mean-score targets carry their ``values``, resampled likewise."""
    series = _series(att, period, in_progress)
    trend_rows, signal_rows, forecast_rows = [], [], []
    for s in series.values():
        t = _trend(s, confidence)
        chart = _chart(s.values(), s.enough())
        trend_rows.append(_trend_row(s, t, chart))
        signal_rows += _signal_rows(s, chart)
        upcoming = (next_scheduled_s or {}).get(s.key), next_objectives
        f = _forecast(att, s, period, in_progress, elapsed, (outages, current_outages),
                      upcoming, (check_days or {}).get(s.key))  # fmt: skip
        if f is not None:
            forecast_rows.append(f)
    effects = [_effect_row(a, series, zone, confidence) for _, a in _completed(actions).iterrows()]
    return Improvement(
        trends=pd.DataFrame(trend_rows, columns=TREND_COLUMNS),
        signals=pd.DataFrame(signal_rows, columns=SIGNAL_COLUMNS),
        effects=pd.DataFrame(effects, columns=EFFECT_COLUMNS),
        forecasts=pd.DataFrame(forecast_rows, columns=FORECAST_COLUMNS),
        confidence=confidence,
    )


def _series(att: pd.DataFrame, period: Period, in_progress: bool) -> dict[tuple[str, str], Series]:
    whole = att[att["period"] != str(period)] if in_progress else att
    out = {}
    for key, rows in whole.groupby(["agreement", "id"], sort=False):
        agreement, target = str(key[0]), str(key[1])
        share = bool(rows["n_met"].notna().any())
        out[(agreement, target)] = Series((agreement, target), rows.reset_index(drop=True), share)
    return out


def _trend(s: Series, confidence: float) -> trends.Trend:
    last = s.last
    return trends.trend(
        s.values(),
        higher_is_better=bool(last["higher_is_better"]),
        objective=_num(last["objective"]),
        n=[_int(v) for v in s.rows["n"]] if s.share else None,
        confidence=confidence,
        min_periods=MIN_PERIODS,
        min_n=MIN_N,
    )


def _chart(values: list[float | None], enough: list[bool]) -> trends.ControlChart | None:
    """The XmR chart of the periods measured on enough tickets (a share of three tickets
    moves in steps of 33 pp: no chart can tell its noise from a cause), once there are as
    many as a trend needs: limits from a handful of periods would call ordinary variation
    special."""
    kept = [v if ok else None for v, ok in zip(values, enough, strict=True)]
    if sum(v is not None for v in kept) < MIN_PERIODS:
        return None
    return trends.xmr(kept)


def _trend_row(s: Series, t: trends.Trend, chart: trends.ControlChart | None) -> dict[str, Any]:
    last = s.last
    periods = list(s.rows["period"])
    crossing = str(Period.parse(periods[-1]).shift(t.crossing)) if t.crossing is not None else None
    return {
        "agreement": s.key[0],
        "id": s.key[1],
        "name": last["name"],
        "metric": last["metric"],
        "unit": last["unit"],
        "higher_is_better": bool(last["higher_is_better"]),
        "objective": last["objective"],
        "verdict": t.verdict,
        "periods": t.periods,
        "slope": t.slope,
        "slope_low": t.slope_low,
        "slope_high": t.slope_high,
        "intercept": t.intercept,
        "p_value": t.p_value,
        "crossing_period": crossing,
        "small_n": [periods[i] for i in t.small_n],
        "centre": chart.centre if chart else None,
        "upper": chart.upper if chart else None,
        "lower": chart.lower if chart else None,
        "sentence": t.sentence(slope_unit(str(last["unit"]))),
        "method": t.method,
    }


def _signal_rows(s: Series, chart: trends.ControlChart | None) -> list[dict[str, Any]]:
    if chart is None:
        return []
    return [
        {
            "agreement": s.key[0],
            "id": s.key[1],
            "name": s.last["name"],
            "period": s.rows.loc[g.index, "period"],
            "achieved": s.rows.loc[g.index, "achieved"],
            "n": s.rows.loc[g.index, "n"],
            "unit": s.last["unit"],
            "rule": g.rule,
            "text": g.text,
        }
        for g in chart.signals
    ]


# ---------------------------------------------------------------------------- forecasts
def _forecast(
    att: pd.DataFrame,
    s: Series,
    period: Period,
    in_progress: bool,
    elapsed: float,
    outages: tuple[pd.DataFrame | None, pd.DataFrame | None],
    upcoming: tuple[float | None, Mapping[tuple[str, str], float] | None],
    days: forecast_sampled.Days | None,
) -> dict[str, Any] | None:
    """The forecast of the period in progress, or of the next one after a whole period
    (``upcoming``: its service hours for this target, and the objectives in force then;
    ``days``: the target's check results per day, for a check-based availability)."""
    last = s.last
    target = period if in_progress else period.shift(1)
    scheduled_next, objectives = upcoming
    if in_progress:
        now = att[(att["agreement"] == s.key[0]) & (att["id"] == s.key[1])]
        now = now[now["period"] == str(period)]
        if now.empty:
            return None
        cur, objective = now.iloc[0], _num(now.iloc[0]["objective"])
    else:
        cur, elapsed = None, 0.0
        objective = _num(last["objective"]) if objectives is None else objectives.get(s.key)
    if objective is None:  # not in force in the period forecast
        return None
    f = _predict(s, _Now(cur, elapsed, outages, scheduled_next, days), objective)
    if f is None:
        return None
    return {
        "agreement": s.key[0],
        "id": s.key[1],
        "name": last["name"],
        "period": str(target),
        "elapsed": elapsed,
        "objective": objective,
        "unit": last["unit"],
        "probability": f.probability,
        "expected": f.expected,
        "low": f.low,
        "high": f.high,
        "sentence": f.sentence(PLURAL.get(period.kind, "periods")),
        "model": f.model,
        "method": f.method,
        "note": f.note,
    }


@dataclass(frozen=True)
class _Now:
    """What a forecast starts from: the record of the period in progress (None for the next
    period), the share of it gone, and the outages and check days it is simulated from."""

    cur: pd.Series | None
    elapsed: float
    outages: tuple[pd.DataFrame | None, pd.DataFrame | None]
    scheduled_next: float | None
    days: forecast_sampled.Days | None

    def get(self, column: str) -> float:
        return (_num(self.cur[column]) or 0.0) if self.cur is not None else 0.0


SHARES = ("response_time", "resolution_time", "satisfaction", "reopen_rate")
VALUES = ("mtta", "mttr", "satisfaction")


def _predict(s: Series, now: _Now, objective: float) -> forecast.Forecast | None:
    """The forecast of one target: a share of tickets, responses or check results
    (beta-binomial; day-block bootstrap for checks), an incident count (negative binomial),
    a mean or percentile of per-ticket values (two-stage bootstrap), availability, MTBF or
    MTRS in outage time (simulated outages)."""
    last = s.last
    metric, higher = str(last["metric"]), bool(last["higher_is_better"])
    done = s.rows[s.rows["achieved"].notna()]
    if metric == "availability" and last["method"] in ("events", "timeslices"):
        if now.days is None:
            return None
        return forecast_sampled.check_forecast(
            good=int(now.get("n_met")), valid=int(now.get("n")), days=now.days,
            objective=objective,
        )  # fmt: skip
    if s.share and metric in SHARES:
        return _share(done, now, objective, higher, reopened=metric == "reopen_rate")
    if metric == "incident_count":
        return forecast.count_forecast(
            count=int(now.get("achieved")), elapsed=now.elapsed,
            history=[int(v) for v in done["achieved"]], objective=objective,
            higher_is_better=higher,
        )  # fmt: skip
    if metric in VALUES:
        nothing = "no responses" if metric == "satisfaction" else "no tickets"
        return _values(done, now, objective, higher, _num(last["percentile"]), nothing)
    if metric in ("availability", "mtbf", "mtrs"):
        # every period the service was measured in: one without outages has no MTBF or MTRS
        # value, but its time counts towards the outage rate
        return _outage_time(s, s.rows[s.rows["scheduled_s"].fillna(0) > 0], now, objective)
    return None


def _share(
    done: pd.DataFrame, now: _Now, objective: float, higher: bool, *, reopened: bool
) -> forecast.Forecast:
    """A share forecast on the counts the share is of: met tickets or responses, or the
    reopened ones (n − n_met) of a reopen rate."""

    def counted(n_met: Any, n: Any) -> tuple[int, int]:
        met, total = _int(n_met) or 0, _int(n) or 0
        return (total - met if reopened else met), total

    met, n = counted(now.get("n_met"), now.get("n"))
    return forecast.share_forecast(
        met=met, n=n, elapsed=now.elapsed,
        history=[counted(m, k) for m, k in zip(done["n_met"], done["n"], strict=True)],
        objective=objective, higher_is_better=higher,
    )  # fmt: skip


def _values(
    done: pd.DataFrame,
    now: _Now,
    objective: float,
    higher: bool,
    percentile: float | None,
    nothing: str,
) -> forecast.Forecast:
    def listed(v: Any) -> list[float]:
        return [float(x) for x in v] if isinstance(v, list | tuple | np.ndarray) else []

    values = forecast_sampled.Values(
        history=[listed(v) for v in done["values"]],
        current=listed(now.cur["values"]) if now.cur is not None else [],
        open_now=int(now.get("open")),
    )
    return forecast_sampled.value_forecast(
        values=values, elapsed=now.elapsed, objective=objective, higher_is_better=higher,
        percentile=percentile, nothing=nothing,
    )  # fmt: skip


def _outage_time(
    s: Series, done: pd.DataFrame, now: _Now, objective: float
) -> forecast.Forecast | None:
    """Availability in outage time, MTBF or MTRS: the outages still to come simulated, their
    rate and durations from the outages and scheduled time of the measured periods ``done``."""
    past, current = now.outages
    whole = now.get("period_scheduled_s") if now.cur is not None else now.scheduled_next
    if past is None or whole is None or whole <= 0:
        return None
    common = {
        "downtime_s": now.get("downtime_s"),
        "scheduled_s": now.get("scheduled_s"),
        "period_scheduled_s": whole,
        "history_outages_s": _seconds(past, s.last),
        "history_scheduled_s": float(done["scheduled_s"].fillna(0).sum()),
        "history_periods": len(done),
        "outages_s": _seconds(current, s.last) if now.cur is not None else (),
        "objective": objective,
    }
    metric = str(s.last["metric"])
    if metric == "availability":
        return forecast.availability_forecast(**common)  # type: ignore[arg-type]
    return forecast_sampled.outage_forecast(
        metric="mtbf" if metric == "mtbf" else "mtrs",
        outages=int(now.get("n")),
        **common,  # type: ignore[arg-type]
    )


def _seconds(outages: pd.DataFrame | None, target: pd.Series) -> list[float]:
    """The ``scheduled_s`` of the outages of the target's services."""
    if outages is None:
        return []
    services = {x.strip() for x in str(target["service"]).split(",")}
    return [float(x) for x in outages[outages["service"].isin(services)]["scheduled_s"]]


# ---------------------------------------------------------------------------- action effects
def _completed(actions: pd.DataFrame) -> pd.DataFrame:
    """The improvement actions that are done (or closed) with a completion date."""
    if actions.empty:
        return actions
    done = actions["status"].str.lower().isin(["done", "closed"]) & actions["closed_at"].notna()
    return actions[done].sort_values(["closed_at", "action_id"]).reset_index(drop=True)


def _effect_row(
    a: pd.Series, series: Mapping[tuple[str, str], Series], zone: str, confidence: float
) -> dict[str, Any]:
    closed = pd.Timestamp(a["closed_at"]).tz_convert(zone).date()
    row: dict[str, Any] = {
        "action_id": a["action_id"],
        "title": a["title"],
        "target_id": a["target_id"],
        "completed": closed.isoformat(),
    }
    matches = [s for key, s in series.items() if key[1] == a["target_id"]]
    if not matches:
        why = "no target named" if _blank(a["target_id"]) else f"no target {a['target_id']!r} in"
        return row | {
            "verdict": "no measurable target",
            "sentence": f"{why} the agreements measured: its effect cannot be measured",
        }
    s = matches[0]
    periods = list(s.rows["period"])
    i = next((k for k, p in enumerate(periods) if _contains(p, closed)), None)
    if i is None:
        later = closed >= Period.parse(periods[-1]).end  # in the period still running
        return (
            row
            | _target_of(s)
            | {
                "verdict": "not measurable",
                "sentence": "not measurable yet: completed in the period in progress"
                if later
                else "completed before the periods measured",
            }
        )
    before, after = s.rows.iloc[max(0, i - EFFECT_PERIODS) : i], s.rows.iloc[i + 1 :]
    after = after.iloc[:EFFECT_PERIODS]
    e = _effect(s, before, after, confidence)
    unit = slope_unit(str(s.last["unit"]))
    return (
        row
        | _target_of(s)
        | {
            "completed_period": periods[i],
            "verdict": e.verdict,
            "change": e.change,
            "low": e.low,
            "high": e.high,
            "p_value": e.p_value,
            "before": e.before,
            "after": e.after,
            "unit": unit,
            "sentence": e.sentence(unit)
            if e.after
            else f"not measurable yet: completed in {periods[i]}, no whole period since",
            "method": e.method,
        }
    )


def _effect(
    s: Series, before: pd.DataFrame, after: pd.DataFrame, confidence: float
) -> trends.Effect:
    hib = bool(s.last["higher_is_better"])
    if s.share:

        def counts(d: pd.DataFrame) -> list[tuple[int, int]]:
            d = d[d["n"].fillna(0) > 0]
            return [(int(m), int(n)) for m, n in zip(d["n_met"], d["n"], strict=True)]

        return trends.share_effect(
            counts(before), counts(after), higher_is_better=hib, confidence=confidence
        )
    return trends.mean_effect(
        [float(v) for v in before["achieved"].dropna()],
        [float(v) for v in after["achieved"].dropna()],
        higher_is_better=hib,
        confidence=confidence,
    )


def _target_of(s: Series) -> dict[str, Any]:
    return {"agreement": s.key[0], "name": s.last["name"]}


def _contains(period: str, day: date) -> bool:
    p = Period.parse(period)
    return p.first <= day < p.end


# ---------------------------------------------------------------------------- headlines
def headlines(imp: Improvement, period: Period) -> list[str]:
    """The executive summary's messages from the verdicts: every significant trend, a value of
    ``period`` outside its control limits, the forecasts below even odds (one message) and
    the actions that made a detectable difference."""
    out = [
        f"{t['name']}: {t['sentence']}."
        for _, t in imp.trends[
            imp.trends["verdict"].isin(["improving", "deteriorating"])
        ].iterrows()
    ]
    sig = imp.signals
    now = sig[(sig["period"] == str(period)) & (sig["rule"] == "outside limits")]
    out += [
        f"{s['name']}: {period.label()} is a special cause ({s['text']})."
        for _, s in now.iterrows()
    ]
    odds = imp.forecasts[imp.forecasts["probability"].astype(float) < 0.5]
    if not odds.empty:
        label = Period.parse(str(odds["period"].iloc[0])).label()
        out.append(
            f"Below even odds of being met in {label}: "
            + "; ".join(
                f"{f['name']} {100 * float(f['probability']):.0f} %" for _, f in odds.iterrows()
            )
            + f" ({', '.join(dict.fromkeys(odds['model']))})."
        )
    for _, e in imp.effects[imp.effects["verdict"].isin(["improved", "worsened"])].iterrows():
        out.append(f"Action {e['action_id']} ({e['title']}): {e['name']} {e['sentence']}.")
    return out


def methods(imp: Improvement) -> list[tuple[str, str]]:
    """(what, how) of every statistic the view used, for the pack's calculation settings."""
    out = [("trend", m) for m in dict.fromkeys(imp.trends["method"])]
    if imp.trends["centre"].notna().any():
        chart = (
            f"{trends.XMR_METHOD} A chart needs {MIN_PERIODS} periods; periods measured on "
            f"fewer than {MIN_N} tickets are left off it."
        )
        out.append(("special causes", chart))
    compared = (
        f" Compared: up to {EFFECT_PERIODS} whole periods before the period in which the "
        f"action was completed and up to {EFFECT_PERIODS} after it; that period itself is "
        "left out."
    )
    out += [("action effect", m + compared) for m in dict.fromkeys(imp.effects["method"].dropna())]
    # one per model: the counts in a method text are the first target's
    out += [("forecast", m) for m in imp.forecasts.drop_duplicates("model")["method"]]
    return out


def slope_unit(unit: str) -> str:
    """The unit of a change in a measure: percentage points for a share in %, points for a
    score out of a scale, else the measure's own unit."""
    return "pp" if unit == "%" else "points" if unit.startswith("/") else unit


def _int(v: Any) -> int | None:
    f = _num(v)
    return None if f is None else int(f)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or not str(v).strip()
