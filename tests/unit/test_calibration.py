"""Target calibration against a hand-worked warehouse with exact expected values.

Customer ``c`` (UTC), agreement ``sla`` over service ``email`` with target ``p1-res``: P1
resolution within 4 h on ``office`` (Mon–Fri 09:00–17:00 UTC), objective 75 %. Calendar
``always`` is 24x7 UTC. The data is complete to ``AS_OF`` (Mon 2 November 2026 12:00 UTC), so
the last complete month is October and ``periods=2`` calibrates September and October.

Incidents (all P1 on email but Q; business elapsed time on office / on always):

- E  Mon  7 Sep 09:00 → 10:00                    1 h    /  1 h
- F  Fri 11 Sep 16:00 → Sat 12 Sep 10:00         1 h    / 18 h
- A  Mon  5 Oct 10:00 → 13:00                    3 h    /  3 h
- B  Fri  9 Oct 15:00 → Mon 12 Oct 11:00         4 h    / 68 h   (Fri 2 h + Mon 2 h)
- C  Tue 13 Oct 16:00 → Wed 14 Oct 10:00         2 h    / 18 h
- D  Thu 15 Oct 08:00 → 14:30, On Hold 10–12     3h30m  /  4h30m (5h30m / 6h30m unpaused)
- Q  P2, Tue 6 Oct 09:00 → 10:00                 1 h    /  1 h   (not a P1: not selected)

Worked out by hand, tickets within the threshold / tickets:

=========  =================  ==================
proposal   September          October
=========  =================  ==================
office 4h  2/2 = 100 % Met    4/4 = 100 % Met
office 2h  2/2 = 100 % Met    1/4 =  25 % Missed  (C)
always 4h  1/2 =  50 % Missed 1/4 =  25 % Missed  (A)
always 2h  1/2 =  50 % Missed 0/4 =   0 % Missed
office 4h, no pause states: October 3/4 = 75 % Met (D takes 5h30m)
=========  =================  ==================
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd
import pytest

from slm_analysis import measures
from slm_analysis.calibration import (
    PROPOSED_ID,
    calibrate,
    compare,
    duration_text,
    needed_within,
    objective_for_share,
    period_threshold,
    periods_needed,
    proposed_target,
    share_met,
    target_spec,
    threshold_for,
)
from slm_analysis.catalogue import Catalogue, parse_catalogue
from slm_analysis.errors import CatalogueError, InputError, UnknownNameError

CATALOGUE = """
calendars:
  office: {timezone: UTC, hours: {mon-fri: "09:00-17:00"}}
  always: {timezone: UTC, hours: 24x7}
customers: [{id: c, name: Customer, timezone: UTC}]
services: [{id: email, name: Email}, {id: crm, name: CRM}]
agreements:
  - id: sla
    customer: c
    services: [email]
    targets:
      - {id: p1-res, metric: resolution_time, priority: 1, within: 4h, calendar: office,
         objective: 75}
      - {id: csat, metric: satisfaction, objective: 4}
  - id: crm-sla
    customer: c
    services: [crm]
    targets: [{id: crm-count, metric: incident_count, objective: 5}]
"""
AS_OF = datetime(2026, 11, 2, 12, tzinfo=UTC)
OFFICE_4H = {"metric": "resolution_time", "priority": 1, "within": "4h", "calendar": "office",
             "objective": 75}  # fmt: skip


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


INCIDENTS = [  # number, priority, opened, resolved
    ("E", 1, utc(2026, 9, 7, 9), utc(2026, 9, 7, 10)),
    ("F", 1, utc(2026, 9, 11, 16), utc(2026, 9, 12, 10)),
    ("A", 1, utc(2026, 10, 5, 10), utc(2026, 10, 5, 13)),
    ("B", 1, utc(2026, 10, 9, 15), utc(2026, 10, 12, 11)),
    ("C", 1, utc(2026, 10, 13, 16), utc(2026, 10, 14, 10)),
    ("D", 1, utc(2026, 10, 15, 8), utc(2026, 10, 15, 14, 30)),
    ("Q", 2, utc(2026, 10, 6, 9), utc(2026, 10, 6, 10)),
]


def add_incident(
    con: duckdb.DuckDBPyConnection,
    number: str,
    priority: int,
    opened: datetime,
    resolved: datetime | None,
) -> None:
    con.execute(
        "insert into incidents (source, number, customer, service, priority, state, opened_at, "
        "resolved_at, load_id) values ('t', $n, 'c', 'email', $p, $s, $o, $r, 0)",
        {
            "n": number,
            "p": priority,
            "s": "In Progress" if resolved is None else "Resolved",
            "o": opened,
            "r": resolved,
        },
    )


@pytest.fixture
def cat() -> Catalogue:
    return parse_catalogue(CATALOGUE, "catalogue.yaml")


@pytest.fixture
def worked(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    for number, priority, opened, resolved in INCIDENTS:
        add_incident(con, number, priority, opened, resolved)
    con.execute(
        "insert into incident_states values ('t', 'D', 'On Hold', $s, $e, 0)",
        {"s": utc(2026, 10, 15, 10), "e": utc(2026, 10, 15, 12)},
    )
    return con


def series(df: pd.DataFrame) -> list[tuple[str, float | None, int, int, str]]:
    return [
        (r.period, None if pd.isna(r.achieved) else r.achieved, r.n, r.n_met, r.status)
        for r in df.itertuples()
    ]


@pytest.mark.parametrize(
    ("calendar", "within", "expected"),
    [
        ("office", "4h", [("2026-09", 100.0, 2, 2, "Met"), ("2026-10", 100.0, 4, 4, "Met")]),
        ("office", "2h", [("2026-09", 100.0, 2, 2, "Met"), ("2026-10", 25.0, 4, 1, "Missed")]),
        ("always", "4h", [("2026-09", 50.0, 2, 1, "Missed"), ("2026-10", 25.0, 4, 1, "Missed")]),
        ("always", "2h", [("2026-09", 50.0, 2, 1, "Missed"), ("2026-10", 0.0, 4, 0, "Missed")]),
    ],
)
def test_two_thresholds_on_two_calendars(
    worked: duckdb.DuckDBPyConnection,
    cat: Catalogue,
    calendar: str,
    within: str,
    expected: list[tuple[str, float, int, int, str]],
) -> None:
    spec = {**OFFICE_4H, "calendar": calendar, "within": within}
    df = calibrate(worked, cat, "c", spec, periods=2, as_of=AS_OF)
    assert series(df) == expected
    assert df["objective"].tolist() == [75.0, 75.0]
    for r in df.itertuples():
        assert (r.interval_low, r.interval_high) == measures.wilson_interval(r.n_met, r.n)


def test_a_clock_switch_changes_the_history(worked: duckdb.DuckDBPyConnection, cat: Catalogue):
    """Without pause states D's On Hold hours count: 5h30m, over 4 h."""
    df = calibrate(worked, cat, "c", OFFICE_4H, periods=2, as_of=AS_OF, clock={"pause_states": []})
    assert series(df) == [("2026-09", 100.0, 2, 2, "Met"), ("2026-10", 75.0, 4, 3, "Met")]


def test_the_selector_chooses_the_incidents(worked: duckdb.DuckDBPyConnection, cat: Catalogue):
    """P1 and P2 within 2 h on office: Q (1 h) joins October's incidents, and is within."""
    spec = {**OFFICE_4H, "priority": [1, 2], "within": "2h"}
    df = calibrate(worked, cat, "c", spec, periods=1, as_of=AS_OF)
    assert series(df) == [("2026-10", 40.0, 5, 2, "Missed")]


def test_an_existing_target_reproduces_attainment(
    worked: duckdb.DuckDBPyConnection, cat: Catalogue
) -> None:
    spec = target_spec(cat, "c", "p1-res")
    assert spec == {"id": "p1-res", **OFFICE_4H, "priority": [1]}
    df = calibrate(worked, cat, "c", spec, periods=3, as_of=AS_OF)
    full = measures.attainment(worked, cat, "c", "2026-10", history=3, as_of=AS_OF)
    mine = full[full["id"] == "p1-res"][df.columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(df, mine, check_exact=True, check_dtype=False)
    assert series(df)[1:] == [("2026-09", 100.0, 2, 2, "Met"), ("2026-10", 100.0, 4, 4, "Met")]


def test_the_end_and_the_periods_are_chosen(worked: duckdb.DuckDBPyConnection, cat: Catalogue):
    """The default end is the last month complete at the data's end; ``end`` names another;
    a month still running is In progress."""
    assert calibrate(worked, cat, "c", OFFICE_4H, as_of=AS_OF)["period"].tolist()[-2:] == [
        "2026-09",
        "2026-10",
    ]
    assert len(calibrate(worked, cat, "c", OFFICE_4H, as_of=AS_OF)) == 24
    df = calibrate(worked, cat, "c", OFFICE_4H, periods=1, end="2026-09", as_of=AS_OF)
    assert series(df) == [("2026-09", 100.0, 2, 2, "Met")]
    running = calibrate(worked, cat, "c", OFFICE_4H, periods=1, end="2026-11", as_of=AS_OF)
    assert running["status"].tolist() == ["No data"] and running["in_progress"].tolist() == [True]


# ---------------------------------------------------------------------------- the proposal
def test_the_proposal_is_a_new_catalogue(cat: Catalogue) -> None:
    p = proposed_target(cat, "c", {**OFFICE_4H, "within": "2h 30m"})
    assert p.target.id == PROPOSED_ID and p.agreement.id == "sla"
    assert [t.id for t in p.agreement.targets] == ["p1-res", "csat", PROPOSED_ID]
    assert [t.id for t in cat.agreements[0].targets] == ["p1-res", "csat"]  # unchanged
    assert p.catalogue.agreements_for("c")[0].targets[-1] is p.target
    assert p.sentence == (
        "75 % of Priority 1 incidents resolved within 2 business hours 30 minutes, "
        "Mon–Fri 09:00–17:00 UTC"
    )
    assert p.title == "P1 resolution"
    # the id of an existing target replaces all its versions; another agreement by name
    same = proposed_target(cat, "c", {**OFFICE_4H, "id": "p1-res", "within": "2h"})
    assert [(t.id, str(getattr(t, "within", ""))) for t in same.agreement.targets] == [
        ("csat", ""),
        ("p1-res", "2:00:00"),
    ]
    other = proposed_target(
        cat, "c", {"metric": "incident_count", "objective": 3}, agreement="crm-sla"
    )
    assert other.agreement.id == "crm-sla" and other.catalogue.agreements[0] is cat.agreements[0]


def test_the_clock_is_overridden_and_checked(cat: Catalogue) -> None:
    p = proposed_target(cat, "c", OFFICE_4H, clock={"pause_states": [], "reopen": "first"})
    assert p.agreement.clock.pause_states == [] and p.agreement.clock.reopen == "first"
    assert p.agreement.clock.resolved_states == ["Resolved"]
    assert cat.agreements[0].clock.pause_states == ["On Hold", "Awaiting User Info",
                                                    "Awaiting Caller"]  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "clock", "where", "says"),
    [
        ({**OFFICE_4H, "within": "4 fortnights"}, None, "target.within", "unknown unit"),
        ({**OFFICE_4H, "calendar": "offfice"}, None, "target.calendar",
         "unknown calendar 'offfice'; defined calendars: always, office"),
        ({**OFFICE_4H, "objective": 120}, None, "target.objective", "less than or equal to 100"),
        ({**OFFICE_4H, "priority": 7}, None, "target.priority", "not in 1–5"),
        ({**OFFICE_4H, "thresold": "4h"}, None, "target.thresold", "unknown field 'thresold'"),
        ({**OFFICE_4H, "metric": "speed"}, None, "target.metric",
         "'speed'; metric must be one of availability, response_time, resolution_time, "
         "satisfaction, incident_count, mtta, mttr, mtbf, mtrs, reopen_rate"),
        ({"within": "4h"}, None, "target.metric", "missing; add `metric:`"),
        (OFFICE_4H, {"reopen": "sometimes"}, "clock.reopen", "'all', 'first', 'last'"),
        (OFFICE_4H, {"pause_states": ["Resolved"]}, "clock",
         "Resolved is in both pause_states and resolved_states"),
        ({**OFFICE_4H, "services": ["crm"]}, None, "agreements[0].targets[2].services",
         "service 'crm' is not one of the agreement's services"),
    ],
)  # fmt: skip
def test_a_bad_spec_names_the_field(
    cat: Catalogue, spec: dict[str, object], clock: dict[str, object] | None, where: str, says: str
) -> None:
    with pytest.raises(CatalogueError) as err:
        proposed_target(cat, "c", spec, clock=clock)
    [problem] = err.value.problems
    assert problem.where == where and problem.file == "proposed target for c (agreement sla)"
    assert says in str(problem)


def test_unknown_names(cat: Catalogue) -> None:
    with pytest.raises(UnknownNameError, match="no agreement 'nope'; its agreements: crm-sla, sla"):
        proposed_target(cat, "c", OFFICE_4H, agreement="nope")
    with pytest.raises(UnknownNameError, match="customer 'x' is not in"):
        proposed_target(cat, "x", OFFICE_4H)
    with pytest.raises(UnknownNameError, match="no target 'p9'; its targets: crm-count, csat"):
        target_spec(cat, "c", "p9")


# ---------------------------------------------------------------------------- what-if
def test_compare_puts_variants_side_by_side(worked: duckdb.DuckDBPyConnection, cat: Catalogue):
    variants = {
        "office 4h": OFFICE_4H,
        "24x7 4h": {**OFFICE_4H, "calendar": "always"},
        "no pauses": proposed_target(cat, "c", OFFICE_4H, clock={"pause_states": []}),
    }
    wide = compare(worked, cat, "c", variants, periods=2, as_of=AS_OF)
    assert wide.index.tolist() == ["2026-09", "2026-10"]
    assert wide.to_dict("list") == {
        "office 4h": [100.0, 100.0],
        "24x7 4h": [50.0, 25.0],
        "no pauses": [100.0, 75.0],
    }
    status = compare(worked, cat, "c", variants, value="status", periods=2, as_of=AS_OF)
    assert status.loc["2026-10"].tolist() == ["Met", "Missed", "Met"]
    assert wide.apply(objective_for_share, share=1.0).to_dict() == {
        "office 4h": 100.0, "24x7 4h": 25.0, "no pauses": 75.0}  # fmt: skip
    with pytest.raises(InputError, match="value 'speed' is not a calibration column"):
        compare(worked, cat, "c", variants, value="speed", as_of=AS_OF)


# ---------------------------------------------------------------------------- thresholds
def test_threshold_for_office(worked: duckdb.DuckDBPyConnection, cat: Catalogue) -> None:
    """75 %: September needs 2 of 2 within (1 h), October 3 of 4 (sorted 2h, 3h, 3h30m, 4h:
    3h30m). Every month: the larger, 3h30m; half of them: 1 h."""
    fit = threshold_for(worked, cat, "c", OFFICE_4H, 75, 1.0, periods=2, as_of=AS_OF)
    assert fit.per_period.to_dict("list") == {
        "period": ["2026-09", "2026-10"],
        "n": [2, 4],
        "needed": [2, 3],
        "threshold_s": [3600.0, 12600.0],
        "threshold": ["1h", "3h 30m"],
    }
    assert (fit.within, fit.seconds, fit.verified) == ("3h 30m", 12600, True)
    assert (fit.needed_periods, fit.met_periods, fit.measured_periods) == (2, 2, 2)
    assert series(fit.calibration) == [
        ("2026-09", 100.0, 2, 2, "Met"),
        ("2026-10", 75.0, 4, 3, "Met"),
    ]
    half = threshold_for(worked, cat, "c", OFFICE_4H, 75, 0.5, periods=2, as_of=AS_OF)
    assert (half.within, half.met_periods, half.needed_periods) == ("1h", 1, 1)


def test_threshold_for_24x7_rounds_up_to_the_step(
    worked: duckdb.DuckDBPyConnection, cat: Catalogue
) -> None:
    """50 % on always: September 1 of 2 (1 h), October 2 of 4 (3h, 4h30m, 18h, 68h: 4h30m)."""
    spec = {**OFFICE_4H, "calendar": "always"}
    fit = threshold_for(worked, cat, "c", spec, 50, 1.0, periods=2, as_of=AS_OF)
    assert fit.within == "4h 30m"
    hourly = threshold_for(worked, cat, "c", spec, 50, 1.0, step="1h", periods=2, as_of=AS_OF)
    assert (hourly.within, hourly.seconds, hourly.verified) == ("5h", 18000, True)


def test_threshold_for_counts_a_running_breach(
    worked: duckdb.DuckDBPyConnection, cat: Catalogue
) -> None:
    """H, opened Fri 30 Oct 09:00 and still open (11 business hours at as-of), breaches any
    threshold under 11 h in October. At 3h30m October is 3 of 5 = 60 %, at 3h45m too; at 4h
    B is within: 4 of 5 = 80 %. The fit is raised step by step to 4h."""
    add_incident(worked, "H", 1, utc(2026, 10, 30, 9), None)
    fit = threshold_for(worked, cat, "c", OFFICE_4H, 75, 1.0, periods=2, as_of=AS_OF)
    assert fit.per_period["threshold_s"].tolist() == [3600.0, 12600.0]  # stopped clocks only
    assert (fit.within, fit.verified) == ("4h", True)
    assert series(fit.calibration)[1] == ("2026-10", 80.0, 5, 4, "Met")


def test_threshold_for_refuses_what_it_cannot_fit(
    worked: duckdb.DuckDBPyConnection, cat: Catalogue
) -> None:
    with pytest.raises(InputError, match="response_time or resolution_time target"):
        threshold_for(worked, cat, "c", {"metric": "satisfaction"}, 4, 0.9, as_of=AS_OF)
    with pytest.raises(InputError, match="nothing to fit a threshold to"):
        threshold_for(worked, cat, "c", OFFICE_4H, 75, 0.9, end="2026-08", as_of=AS_OF)
    with pytest.raises(InputError, match="step '2d' must be hours, minutes or seconds"):
        threshold_for(worked, cat, "c", OFFICE_4H, 75, 0.9, step="2d", as_of=AS_OF)


# ---------------------------------------------------------------------------- pure maths
def test_objective_for_share_on_hand_made_series() -> None:
    s = pd.Series([95.37, 88.0, 99.99, None, 91.25])
    # four values; 75 %: the 3rd highest (91.25), floored to 0.1 pp
    assert objective_for_share(s, 0.75) == 91.2
    assert objective_for_share(s, 1.0) == 88.0
    assert objective_for_share(s, 0.25) == 99.9  # never rounded up to 100
    assert objective_for_share(s, 0.75, precision=0.5) == 91.0
    assert objective_for_share(pd.Series([91.0 + i for i in range(10)]), 0.7) == 94.0  # 7th
    assert objective_for_share(pd.Series([], dtype=float), 0.9) is None


def test_objective_for_share_lower_is_better_and_frames() -> None:
    """An MTTR (seconds, lower is better): two thirds of 5400, 7230, 9000 s are at or under
    7230 s, rounded up to the minute: 7260 s. Periods in progress or without data are out."""
    df = pd.DataFrame(
        {
            "period": ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"],
            "achieved": [5400.0, 7230.0, 9000.0, None, 60.0],
            "in_progress": [False, False, False, False, True],
            "higher_is_better": False,
            "unit": "s",
        }
    )
    assert objective_for_share(df, 2 / 3) == 7260.0
    assert objective_for_share(df, 1.0) == 9000.0
    assert share_met(df, 7260.0) == 2 / 3
    count = df.assign(unit="incidents", achieved=[3.0, 5.0, 2.0, None, 9.0])
    assert objective_for_share(count, 0.5) == 3.0


def test_share_and_thresholds_exact() -> None:
    assert [periods_needed(10, s) for s in (0.7, 0.75, 1.0, 0.01)] == [7, 8, 10, 1]
    assert share_met(pd.Series([90.0, 89.99, 95.0]), 90.0) == 2 / 3
    with pytest.raises(InputError, match=r"for 90 % write 0\.9"):
        periods_needed(10, 90)
    assert [needed_within(n, 95) for n in (1, 19, 20, 21)] == [1, 19, 19, 20]
    assert needed_within(3, 100 / 3 * 2) == 2  # 66.66… %: 2 of 3, float noise tolerated
    assert period_threshold([7200, 3600, 14400, 10800], 75) == 10800.0
    assert period_threshold([], 75) is None
    assert [duration_text(s) for s in (16200, 3600, 2700, 45, 90000)] == [
        "4h 30m", "1h", "45m", "45s", "25h"]  # fmt: skip
    assert duration_text(2 * 86400 + 3600, days=2) == "2d 1h"


def test_the_chart_holds_the_variants_and_the_objective() -> None:
    from slm_analysis import charts

    wide = pd.DataFrame(
        {"office 4h": [100.0, 75.0], "24x7 4h": [50.0, None]},
        index=pd.Index(["2026-09", "2026-10"], name="period"),
    )
    fig = charts.calibration(wide, objective=75.0)
    assert [(t.name, list(t.x), [None if pd.isna(y) else y for y in t.y]) for t in fig.data] == [
        ("office 4h", ["2026-09", "2026-10"], [100.0, 75.0]),
        ("24x7 4h", ["2026-09", "2026-10"], [50.0, None]),
        ("objective 75 %", ["2026-09", "2026-10"], [75.0, 75.0]),
    ]
    assert list(fig.data[0].text) == ["100.00 %", "75.0 %"]
    empty = charts.calibration(wide.iloc[:, :0])
    assert empty.data == () and "Nothing was measured" in empty.layout.annotations[0].text
