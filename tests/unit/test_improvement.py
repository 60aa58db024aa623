"""The improvement view over constructed attainment series: which periods each statistic
sees, how actions find their before and after, what is forecast, and the headlines.

The statistics themselves are tested in test_trends.py and test_forecast.py; here the
series are built so that the verdicts are known: a share falling 2 pp a month with no
noise is deteriorating; a flat series with one value far below is a special cause there;
a step of +10 pp after an action on 100 tickets a month is "improved".
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from slm_analysis.forecast import share_forecast
from slm_analysis.forecast_sampled import (
    Days,
    Values,
    check_forecast,
    outage_forecast,
    value_forecast,
)
from slm_analysis.improvement import headlines, improvement
from slm_analysis.periods import Period

OCT = Period.of_month(2026, 10)
PERIODS = [str(p) for p in OCT.history(24)]  # 2024-11 .. 2026-10
MONTH_S = 31 * 86_400.0


def rows(target: str, achieved: list[float | None], n: list[int], **extra: object) -> list[dict]:
    out = []
    for p, a, k in zip(PERIODS[-len(achieved) :], achieved, n, strict=True):
        met = None if a is None else round(a * k / 100)
        out.append({"agreement": "sla", "id": target, "name": target.upper(), "metric":
                    "resolution_time", "unit": "%", "higher_is_better": True, "objective": 90.0,
                    "period": p, "achieved": a, "n": k, "n_met": met, "service": "email",
                    **extra})  # fmt: skip
    return out


def frame(*parts: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([r for part in parts for r in part])


FALLING = [99.0 - 2 * i for i in range(12)]  # 99, 97, … 77: 100 tickets each
FLAT_DIP = [95.0] * 5 + [60.0] + [95.0] * 6  # 2025-11 .. 2026-10, the dip in 2026-04
STEP = [80.0] * 6 + [85.0] + [90.0] * 5  # the action completed in 2026-05 (85: transition)
NO_ACTIONS = pd.DataFrame(columns=["action_id", "title", "target_id", "status", "closed_at"])


def actions(*rows: tuple[str, str | None, str, datetime | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "action_id": a,
                "title": f"action {a}",
                "target_id": t,
                "status": s,
                "closed_at": pd.Timestamp(c) if c else pd.NaT,
            }
            for a, t, s, c in rows
        ]
    )


def test_trend_signals_and_crossing_of_constructed_series() -> None:
    att = frame(rows("fall", FALLING, [100] * 12), rows("dip", FLAT_DIP, [100] * 12))
    imp = improvement(att, period=OCT, in_progress=False, elapsed=1.0, actions=NO_ACTIONS,
                      zone="UTC")  # fmt: skip
    t = imp.trends.set_index("id")
    assert t.loc["fall", "verdict"] == "deteriorating" and t.loc["fall", "slope"] == -2.0
    assert t.loc["fall", "periods"] == 12
    # the line is 77 in 2026-10, already under 90: crossing in the last period itself
    assert t.loc["fall", "crossing_period"] == "2026-10"
    assert t.loc["fall", "sentence"].startswith("deteriorating by 2.0 pp per period")
    assert t.loc["dip", "verdict"] == "stable"
    sig = imp.signals[imp.signals["id"] == "dip"]
    assert list(zip(sig["period"], sig["rule"], strict=True)) == [("2026-04", "outside limits")]
    assert sig["achieved"].iloc[0] == 60.0 and sig["n"].iloc[0] == 100


def test_a_period_in_progress_is_forecast_not_trended() -> None:
    """October in progress (a third gone, 20 of 40 met so far): the trend and the control
    chart see September and before; the forecast is October's, from where it stands."""
    att = frame(rows("fall", [*FALLING[:11], 50.0], [100] * 11 + [40]))
    imp = improvement(att, period=OCT, in_progress=True, elapsed=1 / 3, actions=NO_ACTIONS,
                      zone="UTC")  # fmt: skip
    t = imp.trends.iloc[0]
    assert t["periods"] == 11 and t["slope"] == -2.0
    f = imp.forecasts.iloc[0]
    assert (f["period"], f["elapsed"]) == ("2026-10", 1 / 3)
    # 20 of 40 so far, ~80 more to come at a history of 79–99 %: 90 % is out of reach
    assert f["probability"] < 0.01 and f["sentence"].startswith("< 1 % likely")


def test_a_whole_period_forecasts_the_next_one() -> None:
    att = frame(rows("flat", [95.0] * 12, [100] * 12))
    imp = improvement(att, period=OCT, in_progress=False, elapsed=1.0, actions=NO_ACTIONS,
                      zone="UTC")  # fmt: skip
    f = imp.forecasts.iloc[0]
    assert (f["period"], f["elapsed"], f["model"]) == ("2026-11", 0.0, "beta-binomial")
    assert f["probability"] > 0.95  # 95 % every month against 90 %


def test_the_next_period_is_forecast_against_the_objective_in_force_then() -> None:
    """November tightens "flat" to 97 % and drops "gone": "flat" is forecast against 97 %
    (95 % every month: unlikely), "gone" not at all."""
    att = frame(rows("flat", [95.0] * 12, [100] * 12), rows("gone", [95.0] * 12, [100] * 12))
    imp = improvement(att, period=OCT, in_progress=False, elapsed=1.0, actions=NO_ACTIONS,
                      zone="UTC", next_objectives={("sla", "flat"): 97.0})  # fmt: skip
    assert list(imp.forecasts["id"]) == ["flat"]
    f = imp.forecasts.iloc[0]
    assert f["objective"] == 97.0 and f["probability"] < 0.2


def _kind(target: str, metric: str, rows_: list[dict], **extra: object) -> list[dict]:
    return [{**r, "id": target, "metric": metric, "n_met": None, **extra} for r in rows_]


def test_every_kind_of_target_is_forecast_from_its_own_inputs() -> None:
    """October half gone. Each forecast equals its model called with the inputs the records
    carry: a reopen rate on its reopened counts (n − n_met, lower is better), an MTTR on its
    values and running clocks, an event-based availability on its days, an MTBF on the
    outages of its service."""
    reopen = [{**r, "id": "reopen", "metric": "reopen_rate", "higher_is_better": False,
               "objective": 5.0, "n_met": r["n"] - 3, "achieved": 3.0}
              for r in rows("x", [97.0] * 12, [100] * 12)]  # fmt: skip
    mttr = _kind("mttr", "mttr", rows("x", [40.0] * 12, [10] * 12), higher_is_better=False,
                 objective=50.0, unit="s", values=[30.0] * 5 + [50.0] * 5, open=0,
                 percentile=None)  # fmt: skip
    mttr[-1].update(values=[30.0, 60.0], n=2, achieved=45.0, open=1)
    events = _kind("events", "availability", rows("x", [99.9] * 12, [8640] * 12),
                   method="events", objective=99.5)  # fmt: skip
    for r in events:
        r["n_met"] = 8630
    mtbf = _kind("mtbf", "mtbf", rows("x", [1e6] * 12, [2] * 12), higher_is_better=True,
                 objective=5e5, unit="s", scheduled_s=MONTH_S, downtime_s=1200.0,
                 period_scheduled_s=MONTH_S)  # fmt: skip
    for r in mtbf[:4]:  # failure-free months: no MTBF value, but their time counts
        r.update(achieved=None, n=0, downtime_s=0.0)
    mtbf[-1].update(scheduled_s=MONTH_S / 2, downtime_s=600.0, n=1)
    att = frame(reopen, mttr, events, mtbf)
    days = Days([(288, 288)] * 30, [(287, 288)] * 15, 15.0, periods=6)
    past = pd.DataFrame({"service": ["email"] * 14, "scheduled_s": [600.0] * 14})
    now = pd.DataFrame({"service": ["email", "other"], "scheduled_s": [600.0, 9.0]})
    imp = improvement(att, period=OCT, in_progress=True, elapsed=0.5, actions=NO_ACTIONS,
                      zone="UTC", check_days={("sla", "events"): days}, outages=past,
                      current_outages=now)  # fmt: skip
    got = imp.forecasts.set_index("id")["probability"]
    assert got["reopen"] == share_forecast(
        met=3, n=100, elapsed=0.5, history=[(3, 100)] * 11, objective=5.0,
        higher_is_better=False).probability  # fmt: skip
    assert got["mttr"] == value_forecast(
        values=Values([[30.0] * 5 + [50.0] * 5] * 11, [30.0, 60.0], 1), elapsed=0.5,
        objective=50.0, higher_is_better=False).probability  # fmt: skip
    assert got["events"] == check_forecast(good=8630, valid=8640, days=days,
                                           objective=99.5).probability  # fmt: skip
    assert got["mtbf"] == outage_forecast(
        metric="mtbf", outages=1, downtime_s=600.0, scheduled_s=MONTH_S / 2,
        period_scheduled_s=MONTH_S, history_outages_s=[600.0] * 14,
        history_scheduled_s=11 * MONTH_S, history_periods=11, outages_s=[600.0],
        objective=5e5).probability  # fmt: skip
    assert set(imp.forecasts["model"]) == {
        "beta-binomial", "bootstrap", "day-block bootstrap", "simulated outages"
    }  # fmt: skip


def test_action_effects_compare_whole_periods_either_side_of_completion() -> None:
    """Completed 14 May 2026: before = the six months 2025-11..2026-04, after = 2026-06..10
    (five); May itself is the transition. 80 % → 90 % on 100 tickets a month is +10 pp."""
    att = frame(rows("step", STEP, [100] * 12))
    acts = actions(
        ("A1", "step", "done", datetime(2026, 5, 14, 10, tzinfo=UTC)),
        ("A2", None, "done", datetime(2026, 3, 1, tzinfo=UTC)),
        ("A3", "nosuch", "closed", datetime(2026, 3, 1, tzinfo=UTC)),
        ("A4", "step", "done", datetime(2026, 10, 20, tzinfo=UTC)),
        ("A5", "step", "open", None),  # not completed: not an effect
    )
    imp = improvement(att, period=OCT, in_progress=False, elapsed=1.0, actions=acts, zone="UTC")
    e = imp.effects.set_index("action_id")
    assert list(e.index) == ["A2", "A3", "A1", "A4"]  # by completion date
    a1 = e.loc["A1"]
    assert (a1["completed_period"], a1["before"], a1["after"]) == ("2026-05", 6, 5)
    assert a1["verdict"] == "improved" and a1["change"] == pytest.approx(10.0)
    assert a1["low"] > 0 and a1["sentence"].startswith("improved by 10.0 pp")
    assert e.loc["A2", "verdict"] == "no measurable target"
    assert e.loc["A3", "sentence"].startswith("no target 'nosuch' in")
    assert (
        e.loc["A4", "sentence"] == "not measurable yet: completed in 2026-10, no whole period since"
    )


def test_an_action_completed_in_the_period_in_progress_is_not_measurable_yet() -> None:
    att = frame(rows("step", STEP, [100] * 12))
    acts = actions(
        ("A1", "step", "done", datetime(2026, 10, 20, tzinfo=UTC)),
        ("A2", "step", "done", datetime(2024, 1, 5, tzinfo=UTC)),
    )
    imp = improvement(att, period=OCT, in_progress=True, elapsed=0.7, actions=acts, zone="UTC")
    e = imp.effects.set_index("action_id")
    assert e.loc["A1", "sentence"] == "not measurable yet: completed in the period in progress"
    assert e.loc["A2", "sentence"] == "completed before the periods measured"
    assert set(e["verdict"]) == {"not measurable"}


def test_completion_day_is_read_in_the_customers_zone() -> None:
    """23:30 UTC on 31 May is 1 June in Berlin: the transition month is June, not May."""
    att = frame(rows("step", STEP, [100] * 12))
    acts = actions(("A1", "step", "done", datetime(2026, 5, 31, 23, 30, tzinfo=UTC)))
    berlin = improvement(att, period=OCT, in_progress=False, elapsed=1.0, actions=acts,
                         zone="Europe/Berlin")  # fmt: skip
    assert berlin.effects.iloc[0]["completed_period"] == "2026-06"
    utc = improvement(att, period=OCT, in_progress=False, elapsed=1.0, actions=acts, zone="UTC")
    assert utc.effects.iloc[0]["completed_period"] == "2026-05"


def test_few_tickets_are_flagged_and_never_a_special_cause() -> None:
    """One P1 a month: a miss is 0 %, far outside a series of 100 %s, but a share of one
    ticket moves in steps of 100 pp: periods under 10 tickets are flagged in the trend and
    kept off the control chart (here: all of them, so there is none)."""
    att = frame(
        rows("p1", [100.0] * 11 + [0.0], [1] * 12),
        rows("mixed", [95.0] * 4 + [0.0] + [95.0] * 7, [100] * 4 + [1] + [100] * 7),
    )
    imp = improvement(att, period=OCT, in_progress=False, elapsed=1.0, actions=NO_ACTIONS,
                      zone="UTC")  # fmt: skip
    t = imp.trends.set_index("id")
    assert t.loc["p1", "small_n"] == PERIODS[-12:] and pd.isna(t.loc["p1", "centre"])
    assert t.loc["mixed", "small_n"] == ["2026-03"] and t.loc["mixed", "centre"] == 95.0
    assert imp.signals.empty
    assert not any("special cause" in h for h in headlines(imp, OCT))


def test_too_few_periods_give_no_trend_and_no_control_chart() -> None:
    att = frame(rows("new", [95.0, 20.0, 95.0, 96.0, 94.0, 95.0, 97.0], [100] * 7))
    imp = improvement(att, period=OCT, in_progress=False, elapsed=1.0, actions=NO_ACTIONS,
                      zone="UTC")  # fmt: skip
    assert imp.trends.iloc[0]["verdict"] == "too few periods"
    assert imp.signals.empty and pd.isna(imp.trends.iloc[0]["centre"])


def test_headlines_name_the_verdicts() -> None:
    att = frame(rows("fall", FALLING, [100] * 12), rows("dip", FLAT_DIP, [100] * 12),
                rows("step", STEP, [100] * 12))  # fmt: skip
    acts = actions(("A1", "step", "done", datetime(2026, 5, 14, tzinfo=UTC)))
    imp = improvement(att, period=OCT, in_progress=False, elapsed=1.0, actions=acts, zone="UTC")
    lines = headlines(imp, Period.of_month(2026, 4))
    assert lines[0].startswith("FALL: deteriorating by 2.0 pp per period (95 % interval ")
    assert lines[0].endswith("; the trend line is already on the wrong side of the objective.")
    # the dip of DIP, and STEP's 80 % (a step change is a special cause of the whole series)
    assert [x.split(" below")[0] for x in lines if "special cause" in x] == [
        "DIP: April 2026 is a special cause (60.0",
        "STEP: April 2026 is a special cause (80.00",
    ]
    assert any(x.startswith("Below even odds of being met in November 2026: FALL ") for x in lines)
    assert lines[-1].startswith("Action A1 (action A1): STEP improved by 10.0 pp (95 % interval ")
