"""Error budgets, burn rates, alerts and exhaustion, hand-worked: every number below is worked
out in a comment (the rules: docs/metrics.md, *Error budgets and burn rates*).

Three cases:

- ``tests/hand_worked.py``, October 2026 (a full month, decided) and November as of 2
  November 12:00 (in progress, nothing burning);
- AVAILABILITY: November 2026 in progress as of 10 November 12:00 UTC, 24x7, objective
  99.5 %, a maintenance window to come and two outages in the last day;
- TICKETS: the same instant, resolution within 4 h at 90 % and at 95 %, twenty tickets.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from budget_cases import NOV10, TICKETS, fill_tickets, utc
from hand_worked import AS_OF, build

from slm_analysis import budgets, charts, warehouse
from slm_analysis.budgets import BudgetReport, outlook
from slm_analysis.catalogue import load_catalogue, parse_catalogue


def row(df: pd.DataFrame, target: str, **where: object) -> dict[str, object]:
    sel = df[df["id"] == target]
    for k, v in where.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, sel
    return dict(sel.iloc[0])


def rates(r: BudgetReport, target: str) -> dict[str, float | None]:
    b = r.burn_rates[r.burn_rates["id"] == target]
    return {
        w: (None if pd.isna(x) else x) for w, x in zip(b["window"], b["burn_rate"], strict=True)
    }


def fired(r: BudgetReport, target: str) -> list[tuple[str, str, str, float, bool]]:
    a = r.alerts[r.alerts["id"] == target]
    return [
        (x.severity, x.long_window, x.short_window, pytest.approx(x.threshold), x.fires)
        for x in a.itertuples()
    ]


# ---------------------------------------------------------------------------- exact arithmetic
def test_allowed_misses_are_whole_and_exact() -> None:
    """⌊(1 − objective) × n⌋ in exact fractions. 90 % of 10 allows 1 miss — in floats
    (1 − 0.9) × 10 = 0.9999999999999998 would floor to 0; 90 % of 9 allows 0.9 misses, which
    means none; 99.9 % of 1000 allows 1, of 999 none; 75 % of 4 allows 1; the projected 1200/19
    tickets at 90 % allow ⌊6.3157…⌋ = 6."""
    assert (1 - 0.9) * 10 < 1  # the float trap the exact arithmetic avoids
    assert budgets.allowed_misses(90, 10) == 1
    assert budgets.allowed_misses(90, 9) == 0
    assert budgets.allowed_misses(99.9, 1000) == 1
    assert budgets.allowed_misses(99.9, 999) == 0
    assert budgets.allowed_misses(75, 4) == 1
    assert budgets.allowed_misses(90, Fraction(1200, 19)) == 6
    assert budgets.allowed_misses(100, 500) == 0


def test_projected_count_is_the_traffic_so_far_over_the_whole_period() -> None:
    """20 tickets in the first 9.5 of November's 30 days: 20 × 30 / 9.5 = 1200/19 = 63.16."""
    n = budgets.projected_count(20, utc(2026, 11, 1), utc(2026, 12, 1), NOV10)
    assert n == Fraction(1200, 19)


def test_alert_thresholds_scale_with_the_review_period() -> None:
    """k = fraction × period / long window. A 30-day month: 0.02 × 720 h / 1 h = 14.4, 0.05 ×
    720 / 6 = 6, 0.1 × 30 / 1 = 3, 0.1 × 30 / 3 = 1 (the SRE workbook's numbers). October (31
    days): 0.02 × 744 = 14.88. A quarter of 92 days: 0.02 × 2208 = 44.16 and 0.1 × 92 / 3 =
    3.0667."""
    day = 86_400
    ks = [
        budgets.alert_threshold(r.budget_fraction, 30 * day, budgets.WINDOWS[r.long_window])
        for r in budgets.ALERT_RULES
    ]
    assert ks == [pytest.approx(14.4), 6.0, 3.0, 1.0]
    assert budgets.alert_threshold(Fraction(2, 100), 31 * day, 3600) == pytest.approx(14.88)
    assert budgets.alert_threshold(Fraction(2, 100), 92 * day, 3600) == pytest.approx(44.16)
    assert budgets.alert_threshold(Fraction(1, 10), 92 * day, 3 * day) == pytest.approx(92 / 30)


def test_burn_rate_of_an_empty_window_is_none_not_zero() -> None:
    assert budgets.burn_rate(0, 0, 99.9) is None  # nothing scheduled, no ticket
    assert budgets.burn_rate(0, 3600, 99.9) == 0.0
    assert budgets.burn_rate(3600, 3600, 99.9) == pytest.approx(1000.0)
    assert budgets.burn_rate(1, 4, 75) == 1.0  # a quarter missed against a 25 % allowance
    assert budgets.burn_rate(0, 10, 100) is None  # nothing allowed: no rate


# ---------------------------------------------------------------------------- hand_worked.py
@pytest.fixture(scope="module")
def hand_worked(tmp_path_factory: pytest.TempPathFactory) -> tuple[BudgetReport, BudgetReport]:
    catalogue, db = build(tmp_path_factory.mktemp("budgets"))
    cat = load_catalogue(catalogue)
    with warehouse.session(db) as con:
        return (
            budgets.measure(con, cat, "c", "2026-10", as_of=AS_OF),
            budgets.measure(con, cat, "c", "2026-11", as_of=AS_OF),
        )


def test_availability_budget_of_a_full_month(hand_worked: tuple[BudgetReport, ...]) -> None:
    """October: 744 h scheduled (24x7, monitored all month), objective 99.9 %: allowed
    0.001 × 2,678,400 s = 2,678.4 s (44 min 38.4 s). The 6 h outage on 20 October consumed
    21,600 s: remaining 2,678.4 − 21,600 = −18,921.6 s (overspent, not clamped), consumed
    21,600 / 2,678.4 = 806.45 %. It ran out 2,678.4 s into the outage (20 October 00:00):
    the first whole second with the downtime at or past the allowance is 00:44:39."""
    b = row(hand_worked[0].budgets, "av")
    assert b["unit"] == "seconds" and b["basis"] == "scheduled time" and not b["projected"]
    assert b["basis_amount"] == 2_678_400
    assert b["error_budget_target"] == pytest.approx(0.001)
    assert b["allowed"] == pytest.approx(2_678.4)
    assert b["consumed"] == 21_600
    assert b["remaining"] == pytest.approx(-18_921.6)
    assert b["consumed_percent"] == pytest.approx(100 * 21_600 / 2_678.4)
    assert b["state"] == "overspent"
    assert b["exhausted_at"] == pd.Timestamp(utc(2026, 10, 20, 0, 44, 39))
    assert pd.isna(b["exhaustion_at"])  # the month has ended: nothing left to run out


def test_ticket_budgets_of_a_full_month(hand_worked: tuple[BudgetReport, ...]) -> None:
    """October. P1 response: 2 tickets at 90 % allow ⌊0.2⌋ = 0 misses; none missed: remaining
    0, "none allowed" — met, with no room; it never ran out (before, "exhausted" on the 1st:
    a met target read as a spent budget in the JSON). Resolution: 4
    tickets at 75 % allow ⌊1.0⌋ = 1; O4 missed (counted at its resolution, 8 October 15:00):
    remaining 0, 100 % used, exhausted then. Incident count: 10 allowed, 5 opened: 5 left,
    50 %. Mean satisfaction has no error budget."""
    r = hand_worked[0]
    p1 = row(r.budgets, "p1-resp")
    assert (p1["allowed"], p1["consumed"], p1["remaining"]) == (0, 0, 0)
    assert p1["state"] == "none allowed"
    assert pd.isna(p1["consumed_percent"])
    assert pd.isna(p1["exhausted_at"])
    res = row(r.budgets, "res")
    assert (res["basis_amount"], res["allowed"], res["consumed"], res["remaining"]) == (4, 1, 1, 0)
    assert (res["consumed_percent"], res["state"]) == (100.0, "exhausted")
    assert res["exhausted_at"] == pd.Timestamp(utc(2026, 10, 8, 15))
    count = row(r.budgets, "count")
    assert (count["unit"], count["allowed"], count["consumed"], count["remaining"]) == (
        "incidents",
        10,
        5,
        5,
    )
    assert (count["consumed_percent"], count["state"]) == (50.0, "within budget")
    csat = row(r.budgets, "csat")
    assert pd.isna(csat["unit"]) and pd.isna(csat["allowed"]) and pd.isna(csat["state"])
    # a decided month has no burn rates and no alerts: they describe the as-of instant
    assert r.burn_rates.empty and r.alerts.empty


def test_a_month_in_progress_with_nothing_burning(hand_worked: tuple[BudgetReport, ...]) -> None:
    """November as of 2 November 12:00. Availability: the whole month's 720 h allow
    2,592 s; nothing down: every window burns 0.0 and no alert fires; the 1 d burn is 0: no
    exhaustion date. Resolution: O5 breached on 1 November 02:00 (counted then): 1 ticket in
    1.5 of 30 days projects 20 tickets, which allow ⌊0.25 × 20⌋ = 5 misses; 1 used, 4 left.
    Its 1 d window (1 November 12:00, 2 November 12:00] holds no ticket (no burn rate), the
    3 d window holds O5: 1/1 missed / 0.25 = 4.0, the current burn. At 1 miss per 3 days the 4
    left last 12 days: 14 November 12:00. P1 response: no ticket yet, no data, no burn rate."""
    r = hand_worked[1]
    av = row(r.budgets, "av")
    assert av["basis"] == "scheduled time of the whole period" and av["basis_amount"] == 2_592_000
    assert (av["allowed"], av["consumed"], av["remaining"]) == (2_592, 0, 2_592)
    assert rates(r, "av") == dict.fromkeys(budgets.WINDOWS, 0.0)
    assert not r.alerts[r.alerts["id"] == "av"]["fires"].any()
    assert (av["current_window"], av["current_burn_rate"]) == ("1d", 0.0)
    assert av["current_valid"] == 86_400  # the whole day measured
    assert pd.isna(av["exhaustion_at"])
    res = row(r.budgets, "res")
    assert res["projected"] and res["basis"] == "tickets projected for the period"
    assert res["basis_amount"] == 20
    assert (res["allowed"], res["consumed"], res["remaining"]) == (5, 1, 4)
    assert rates(r, "res") == {**dict.fromkeys(budgets.WINDOWS), "3d": 4.0}
    assert (res["current_window"], res["current_burn_rate"]) == ("3d", 4.0)
    assert res["exhaustion_at"] == pd.Timestamp(utc(2026, 11, 14, 12))
    p1 = row(r.budgets, "p1-resp")
    assert p1["state"] == "no data" and pd.isna(p1["allowed"])
    assert rates(r, "p1-resp") == dict.fromkeys(budgets.WINDOWS)


# ---------------------------------------------------------------------------- availability
AVAILABILITY = """
calendars: {always: {timezone: UTC, hours: 24x7}}
customers: [{id: c, name: C, timezone: UTC}]
services: [{id: web, name: Web, monitored_since: 2026-11-01}]
maintenance:
  - {id: upgrade, services: [web], start: 2026-11-20T00:00, end: 2026-11-20T06:00}
agreements:
  - id: sla
    customer: c
    services: [web]
    targets:
      - {id: av, metric: availability, calendar: always, objective: 99.5}
"""


@pytest.fixture(scope="module")
def availability() -> BudgetReport:
    """A partial outage 9 November 12:00–14:00 (counted at 0.5: 3,600 s) and a full one 10
    November 11:00–11:30 (1,800 s); data as of 10 November 12:00."""
    con = warehouse.connect(":memory:")
    for oid, s, e, impact in (
        ("O1", utc(2026, 11, 9, 12), utc(2026, 11, 9, 14), "partial"),
        ("O2", utc(2026, 11, 10, 11), utc(2026, 11, 10, 11, 30), "full"),
    ):
        con.execute(
            "insert into outages (source, outage_id, customer, service, start_at, end_at, impact, planned, title, cmdb_ci, load_id) values ('t', $o, 'c', 'web', $s, $e, $i, false, null, null, 0)",
            {"o": oid, "s": s, "e": e, "i": impact},
        )
    try:
        return budgets.measure(con, parse_catalogue(AVAILABILITY), "c", "2026-11", as_of=NOV10)
    finally:
        con.close()


def test_availability_budget_of_a_month_in_progress(availability: BudgetReport) -> None:
    """The budget is the whole month's: 720 h less the 6 h maintenance window still to come =
    714 h = 2,570,400 s, × 0.005 = 12,852 s (3 h 34 min 12 s). Consumed: 3,600 + 1,800 =
    5,400 s; remaining 7,452 s; 5,400 / 12,852 = 42.02 % used. (The availability so far is
    measured over the 9.5 days covered: 820,800 s.)"""
    b = row(availability.budgets, "av")
    att = row(availability.attainment, "av")
    assert (att["scheduled_s"], att["period_scheduled_s"], att["downtime_s"]) == (
        820_800,
        2_570_400,
        5_400,
    )
    assert b["basis"] == "scheduled time of the whole period" and b["basis_amount"] == 2_570_400
    assert b["allowed"] == pytest.approx(12_852)
    assert b["consumed"] == 5_400
    assert b["remaining"] == pytest.approx(7_452)
    assert b["consumed_percent"] == pytest.approx(100 * 5_400 / 12_852)
    assert b["state"] == "within budget" and pd.isna(b["exhausted_at"])


def test_availability_burn_rates(availability: BudgetReport) -> None:
    """Down seconds / scheduled seconds in [10 Nov 12:00 − w, 12:00) / 0.005:
    5 m and 30 m: nothing down (O2 ended at 11:30): 0;
    1 h: 1,800 / 3,600 = 0.5 → 100;   2 h: 1,800 / 7,200 = 0.25 → 50;
    6 h: 1,800 / 21,600 → 16.667;      1 d: (3,600 + 1,800) / 86,400 = 0.0625 → 12.5;
    3 d: 5,400 / 259,200 → 4.1667."""
    assert rates(availability, "av") == {
        "5m": 0.0, "30m": 0.0, "1h": pytest.approx(100), "2h": pytest.approx(50),
        "6h": pytest.approx(50 / 3), "1d": pytest.approx(12.5), "3d": pytest.approx(25 / 6),
    }  # fmt: skip
    b = availability.burn_rates
    one_day = b[(b["id"] == "av") & (b["window"] == "1d")].iloc[0]
    assert (one_day["valid"], one_day["bad"]) == (86_400, 5_400)
    assert one_day["start"] == pd.Timestamp(utc(2026, 11, 9, 12))


def test_availability_alerts_fire_only_when_both_windows_burn_too_fast(
    availability: BudgetReport,
) -> None:
    """November has 30 days: k = 14.4, 6, 3, 1.
    page 1h/5m: 100 > 14.4 but the 5 m window burns 0 — only the long window is over k: no;
    page 6h/30m: 16.7 > 6 but 0 over 30 m: no;
    ticket 1d/2h: 12.5 > 3 and 50 > 3: fires;   ticket 3d/6h: 4.17 > 1 and 16.7 > 1: fires."""
    assert fired(availability, "av") == [
        ("page", "1h", "5m", 14.4, False),
        ("page", "6h", "30m", 6.0, False),
        ("ticket", "1d", "2h", 3.0, True),
        ("ticket", "3d", "6h", 1.0, True),
    ]


def test_availability_exhaustion_date(availability: BudgetReport) -> None:
    """The current burn is the 1 d window's: 5,400 s of budget in 86,400 s. The 7,452 s left
    last 7,452 × 86,400 / 5,400 = 119,232 s = 33 h 07 min 12 s: 11 November 21:07:12."""
    b = row(availability.budgets, "av")
    assert (b["current_window"], b["current_burn_rate"]) == ("1d", pytest.approx(12.5))
    assert b["exhaustion_at"] == pd.Timestamp(utc(2026, 11, 11, 21, 7, 12))


def test_a_month_before_the_feed_has_no_budget() -> None:
    """October, before monitored_since (1 November): nothing measured, no data — not a full
    budget left."""
    con = warehouse.connect(":memory:")
    try:
        cat = parse_catalogue(AVAILABILITY)
        r = budgets.measure(con, cat, "c", "2026-10", as_of=NOV10)
    finally:
        con.close()
    b = row(r.budgets, "av")
    assert b["state"] == "no data" and pd.isna(b["allowed"]) and pd.isna(b["remaining"])


# ---------------------------------------------------------------------------- tickets
# budget_cases.TICKETS: resolution within 4 h at 90 % (res90) and at 95 % (res95). E1..E16
# opened every 12 h from 1 November 00:00 (E14 on 7 November 12:00), resolved 1 h later — E3
# (2 November 00:00) after 6 h: missed, counted 06:00. Then, near the as-of instant: R4 9
# November 20:00–21:00 (met), R2 10 November 09:00–10:00 (met), R1 05:00–11:00 (6 h: missed,
# counted 11:00), R3 06:00–11:45 (5 h 45: missed, counted 11:45).
@pytest.fixture(scope="module")
def tickets() -> BudgetReport:
    con = warehouse.connect(":memory:")
    fill_tickets(con)
    try:
        return budgets.measure(con, parse_catalogue(TICKETS), "c", "2026-11", as_of=NOV10)
    finally:
        con.close()


def test_ticket_budgets_of_a_period_in_progress(tickets: BudgetReport) -> None:
    """20 tickets counted in the first 9.5 days (E3, R1, R3 missed): projected n = 20 × 30 /
    9.5 = 63.16 (1200/19).
    90 %: (1 − 0.9) × 63.16 = 6.32 misses → 6 allowed (whole misses: 0.32 of a miss cannot
    be missed); 3 used, 3 left, 50 % used.
    95 %: 0.05 × 63.16 = 3.16 → 3 allowed; 3 used: exhausted, when R3 (the third miss,
    counted 10 November 11:45) was missed."""
    att = row(tickets.attainment, "res90")
    assert (att["n"], att["n_met"]) == (20, 17)
    b90 = row(tickets.budgets, "res90")
    assert b90["projected"] and b90["basis_amount"] == pytest.approx(1200 / 19)
    assert (b90["allowed"], b90["consumed"], b90["remaining"]) == (6, 3, 3)
    assert (b90["consumed_percent"], b90["state"]) == (50.0, "within budget")
    b95 = row(tickets.budgets, "res95")
    assert (b95["allowed"], b95["consumed"], b95["remaining"], b95["state"]) == (
        3,
        3,
        0,
        "exhausted",
    )
    assert b95["exhausted_at"] == pd.Timestamp(utc(2026, 11, 10, 11, 45))
    assert pd.isna(b95["exhaustion_at"])  # already spent: no date ahead


def test_ticket_burn_rates(tickets: BudgetReport) -> None:
    """Misses / tickets counted in (12:00 − w, 12:00] on 10 November, / 0.1 (90 %):
    5 m: no ticket → None;   30 m: R3, 1 of 1 → 10;   1 h: R3 (R1 at 11:00 is on the open
    edge) → 10;   2 h: R1, R3 (R2 at 10:00 on the edge) 2 of 2 → 10;   6 h: R2, R1, R3 2 of 3
    → 6.67;   1 d: R4, R2, R1, R3 2 of 4 → 5;   3 d (from 7 November 12:00): E14 (counted 7
    November 13:00), E15, E16, R4, R2, R1, R3: 2 of 7 → 2.857."""
    assert rates(tickets, "res90") == {
        "5m": None, "30m": pytest.approx(10), "1h": pytest.approx(10), "2h": pytest.approx(10),
        "6h": pytest.approx(20 / 3), "1d": pytest.approx(5), "3d": pytest.approx(20 / 7),
    }  # fmt: skip
    b = tickets.burn_rates
    three = b[(b["id"] == "res90") & (b["window"] == "3d")].iloc[0]
    assert (three["valid"], three["bad"]) == (7, 2)


def test_ticket_alerts(tickets: BudgetReport) -> None:
    """k = 14.4, 6, 3, 1: page 1h/5m: 10 < 14.4 (and no ticket in 5 m): no; page 6h/30m: 6.67
    > 6 and 10 > 6: fires; ticket 1d/2h: 5 > 3 and 10 > 3: fires; 3d/6h: 2.86 > 1, 6.67 > 1:
    fires."""
    assert [x[-1] for x in fired(tickets, "res90")] == [False, True, True, True]


def test_ticket_exhaustion_date(tickets: BudgetReport) -> None:
    """Current burn: the 1 d window's, 2 misses in 86,400 s; the 3 misses left last 3 ×
    86,400 / 2 = 129,600 s = 36 h: 12 November 00:00."""
    b = row(tickets.budgets, "res90")
    assert (b["current_window"], b["current_burn_rate"]) == ("1d", pytest.approx(5))
    assert b["exhaustion_at"] == pd.Timestamp(utc(2026, 11, 12))


def test_ticket_windows_take_the_clocks_as_values(tickets: BudgetReport) -> None:
    """``ticket_windows`` reads only the clocks it is given: two of them, one missed in the
    last hour, one met two hours ago."""
    clocks = pd.DataFrame(
        {
            "target_key": ["k", "k"],
            "counted_at": [utc(2026, 11, 10, 11, 30), utc(2026, 11, 10, 10)],
            "met": [False, True],
        }
    )
    con = duckdb.connect()
    try:
        got = budgets.ticket_windows(con, clocks, ["k", "other"], NOV10, {"1h": 3600, "2h": 7200})
    finally:
        con.close()
    assert got.to_dict(orient="list") == {
        "target_key": ["k", "k", "other", "other"],
        "window_name": ["1h", "2h", "1h", "2h"],
        "valid": [1, 1, 0, 0],  # 10:00 is on the open edge of the 2 h window
        "bad": [1, 1, 0, 0],
    }


def test_budget_record_is_plain_values(tickets: BudgetReport) -> None:
    rec = budgets.budget_record(tickets, "sla", "res90", "2026-11")
    assert rec is not None
    assert (rec["allowed"], rec["consumed"], rec["remaining"]) == (6, 3, 3)
    assert all(isinstance(rec[k], int) for k in ("allowed", "consumed", "remaining"))
    assert rec["burn_rates"]["5m"] is None and rec["burn_rates"]["1d"] == pytest.approx(5)
    assert rec["exhaustion_at"] == utc(2026, 11, 12)
    assert [a["fires"] for a in rec["alerts"]] == [False, True, True, True]


def test_burn_rates_after_the_data_are_refused(tmp_path: Path) -> None:
    con = warehouse.connect(":memory:")
    try:
        cat = parse_catalogue(TICKETS)
        targets = pd.DataFrame({"agreement": ["sla"], "id": ["res90"]})
        with pytest.raises(budgets.InputError, match="after the as-of instant"):
            budgets.burn_rates(con, cat, "c", targets, at=NOV10, as_of=NOV10 - timedelta(hours=1))
    finally:
        con.close()


# ---------------------------------------------------------------------------- chart
GREEN, AMBER, RED = "#2e7d32", "#ef8f00", "#c62828"


def _values(seq: Any) -> list[object]:
    return [None if isinstance(v, float) and math.isnan(v) else v for v in seq or ()]


def test_budget_chart_of_a_month_in_progress(tickets: BudgetReport) -> None:
    """Consumed as a share of the allowance: res90 3 of 6 = 50 %, res95 3 of 3 = 100 %
    (exhausted: amber), the allowance the 100 % tick; both share the name "All resolution",
    so the id follows it. Below, the burn rates of ``test_ticket_burn_rates`` over the long
    windows (res95: misses / tickets / 0.05, twice res90's) and the thresholds k of November."""
    fig = charts.error_budgets(tickets)
    names = ["All resolution (res90)", "All resolution (res95)"]
    assert [(t.type, t.name, _values(t.y), _values(t.x)) for t in fig.data[:2]] == [
        ("bar", "Consumed", names, [50.0, 100.0]),
        ("scatter", "Allowed", names, [100.0, 100.0]),
    ]
    assert fig.data[0].marker.color == (GREEN, AMBER)
    assert fig.data[0].text == (
        "3 of 6 misses allowed (projected)",
        "3 of 3 misses allowed (projected)",
    )
    burns = [(t.name, _values(t.x), _values(t.y)) for t in fig.data[2:]]
    assert burns == [
        (names[0], ["1h", "6h", "1d", "3d"], pytest.approx([10, 20 / 3, 5, 20 / 7])),
        (names[1], ["1h", "6h", "1d", "3d"], pytest.approx([20, 40 / 3, 10, 40 / 7])),
        ("Alert threshold k", ["1h", "6h", "1d", "3d"], pytest.approx([14.4, 6, 3, 1])),
    ]
    assert all(t.xaxis == "x2" for t in fig.data[2:])  # the second panel


def test_budget_chart_of_a_decided_month(hand_worked: tuple[BudgetReport, ...]) -> None:
    """October: P1 response allows nothing and used nothing (0 %), resolution 1 of 1 (100 %),
    availability 21,600 of 2,678.4 s (806.45 %, red), incident count 5 of 10 (50 %); mean
    satisfaction has no budget and no bar. No burn-rate panel: the month has ended."""
    fig = charts.error_budgets(hand_worked[0])
    assert [t.name for t in fig.data] == ["Consumed", "Allowed"]
    bars = fig.data[0]
    assert _values(bars.y) == ["P1 response", "All resolution", "Email availability",
                               "Incident count"]  # fmt: skip
    assert _values(bars.x) == [0.0, 100.0, pytest.approx(100 * 21_600 / 2_678.4), 50.0]
    assert bars.marker.color == (AMBER, AMBER, RED, GREEN)
    assert bars.text[2] == "6h 00m of 44m 38s allowed"
    assert fig.layout.xaxis.range == (0, pytest.approx(100 * 21_600 / 2_678.4 + 10))


def test_a_budget_chart_with_nothing_measured_says_why() -> None:
    con = warehouse.connect(":memory:")
    try:
        r = budgets.measure(con, parse_catalogue(TICKETS), "c", "2026-11", as_of=NOV10)
    finally:
        con.close()
    fig = charts.error_budgets(r)
    assert not fig.data
    assert [a.text for a in fig.layout.annotations] == [
        "No target with an error budget was measured in this period"
    ]


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({}, "within budget, no burn over 1d (12 tickets)"),
        # a window the data hardly covers: the service time it measured is said
        ({"unit": "seconds", "allowed": 5_342.4, "remaining": 5_342.4, "current_valid": 8_100.0},
         "within budget, no burn over 1d (2h 15m measured)"),
        ({"current_valid": 1.0}, "within budget, no burn over 1d (1 ticket)"),
        # no ticket yet: nothing to project an allowance from, whatever the windows say
        ({"state": "no data", "allowed": None, "consumed": None}, "no data"),
        # met at 100 %, but at 3 tickets a 95 % objective allows no miss
        ({"state": "none allowed", "allowed": 0, "consumed": 0, "remaining": 0},
         "none allowed at this volume, none used"),
        ({"state": "overspent", "allowed": 0, "consumed": 1, "remaining": -1},
         "overspent: none allowed"),
        ({"state": "overspent", "consumed": 5, "remaining": -2,
          "exhausted_at": datetime(2026, 10, 8, 15, tzinfo=UTC)},
         "overspent, ran out 2026-10-08 15:00"),
        ({"exhaustion_at": datetime(2026, 10, 20, 6, tzinfo=UTC), "current_burn_rate": 2.0},
         "runs out 2026-10-20 06:00 at the 1d burn"),
    ],
)  # fmt: skip
def test_the_outlook_says_where_the_budget_stands(changes: dict[str, object], text: str) -> None:
    b = {"state": "within budget", "unit": "misses", "allowed": 3, "consumed": 0,
         "remaining": 3, "exhausted_at": None, "exhaustion_at": None, "current_window": "1d",
         "current_valid": 12.0, "current_burn_rate": 0.0, "burn_rates": {"1d": 0.0}}  # fmt: skip
    assert outlook({**b, **changes}) == text


@pytest.mark.parametrize(
    ("method", "n", "good", "objective", "expected"),
    [
        # 55 valid results, 51 good, at 90 %: ⌊5.5⌋ = 5 bad allowed, 4 used, 1 left
        ("events", 55, 51, 90, ("bad check results", 5, 4, 1, "within budget")),
        # 8 measured slices, 6 good, at 80 %: ⌊1.6⌋ = 1 bad slice allowed, 2 used: overspent
        ("timeslices", 8, 6, 80, ("bad slices", 1, 2, -1, "overspent")),
    ],
)
def test_availability_by_check_results_has_a_budget_of_bad_results(
    method: str, n: int, good: int, objective: float, expected: tuple[object, ...]
) -> None:
    """Before: "no error budget (availability)" — the budget looked for downtime seconds an
    events or time-slice target does not have. Its budget is in the unit it counts."""
    cat = parse_catalogue(
        "customers: [{id: c, name: C}]\nservices: [{id: s, name: S}]\n"
        "agreements: [{id: a, customer: c, services: [s], targets: []}]\n"
    )
    att = pd.DataFrame([{
        "agreement": "a", "id": "av", "name": "S availability", "service": "s",
        "metric": "availability", "method": method, "period": "2026-10", "objective": objective,
        "in_progress": False, "unit": "%", "n": n, "n_met": good, "achieved": 100 * good / n,
        "scheduled_s": None,
    }])  # fmt: skip
    b = row(budgets.error_budgets(cat, att, as_of=utc(2026, 11, 2)), "av")
    assert (b["unit"], b["allowed"], b["consumed"], b["remaining"], b["state"]) == expected
