"""Status words, the overall status, the pack's headlines and its service credits, on exact
hand-worked values.

The review case is ``tests/hand_worked.py`` (its docstring lists every incident, outage and
survey). Its numbers, worked out by hand:

- P1 response (objective 90 %): September S1 2 h > 1 h: 0 of 1 = 0 %; October O1 1 h (= the
  threshold), O2 30 min: 2 of 2 = 100 %, Met; +100 points.
- All resolution (objective 75 %, warning 90 %): September S1 2 h met, S2 6 h breached: 1 of 2
  = 50 %; October O1, O2, O3 met, O4 6 h breached (O5 breaches in November): 3 of 4 = 75 %:
  met, but under the warning: At risk; +25 points.
- Email availability (objective 99.9 %): October 744 h with 6 h down: 738 / 744 = 99.1935… %,
  shown as 99.19 %: Missed. Credit tiers 5 % below 99.9 and 10 % below 99.5 both apply: the
  largest, 10 %. August and September: 100 %.
- Satisfaction (objective 4 / 5): no response in October: No data (September: 4.5).
- Incident count (at most 10): October O1..O5 = 5: Met (lower is better: never an
  "improvement" headline).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hand_worked import AS_OF, build

from slm_analysis import present, warehouse
from slm_analysis.review import Review, open_review
from slm_analysis.status import Status, judge, overall


@pytest.mark.parametrize(
    ("achieved", "objective", "warning", "higher", "in_progress", "expected"),
    [
        (None, 90.0, None, True, False, "No data"),
        (math.nan, 90.0, None, True, False, "No data"),
        (None, 90.0, None, True, True, "No data"),  # nothing measured, even to date
        (95.0, 90.0, None, True, False, "Met"),
        (90.0, 90.0, None, True, False, "Met"),  # exactly at the objective
        (89.99, 90.0, None, True, False, "Missed"),
        (92.0, 90.0, 95.0, True, False, "At risk"),  # met, short of the warning level
        (95.0, 90.0, 95.0, True, False, "Met"),  # at the warning level
        (50.0, 90.0, 95.0, True, True, "In progress"),  # never Missed before the end
        (99.9 - 1e-12, 99.9, None, True, False, "Met"),  # floating-point noise
        (99.9 - 1e-6, 99.9, None, True, False, "Missed"),  # a real shortfall
        (2.0, 2.0, None, False, False, "Met"),  # lower is better: at the allowance
        (3.0, 2.0, None, False, False, "Missed"),
        (2.0, 2.0, 1.0, False, False, "At risk"),
        (1.0, 2.0, 1.0, False, False, "Met"),
        (0.0, 2.0, None, False, False, "Met"),  # none is a value, not no data
    ],
)
def test_judge(
    achieved: float | None,
    objective: float,
    warning: float | None,
    higher: bool,
    in_progress: bool,
    expected: str,
) -> None:
    status = judge(achieved, objective, warning, higher, in_progress=in_progress)
    assert status == Status(expected) and str(status) == expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "No data"),
        (["No data", "No data"], "No data"),
        (["Met", "No data"], "Met"),
        (["Met", "In progress"], "In progress"),
        (["In progress", "At risk", "Met"], "At risk"),
        (["Met", "At risk", "Missed", "No data", "In progress"], "Missed"),
    ],
)
def test_overall_is_the_worst_status(statuses: list[str], expected: str) -> None:
    assert overall(statuses) == Status(expected)


def test_overall_refuses_a_word_that_is_not_a_status() -> None:
    with pytest.raises(ValueError, match="'Green' is not a valid Status"):
        overall(["Met", "Green"])


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build(tmp_path_factory.mktemp("hand_worked"))


def review(case: tuple[Path, Path], period: str) -> Review:
    catalogue, db = case
    return open_review(period=period, customer="c", warehouse=db, catalogue=catalogue,
                       as_of=AS_OF, history=2)  # fmt: skip


def test_october_headlines_overall_and_credits(case: tuple[Path, Path]) -> None:
    r = review(case, "2026-10")
    assert r.headlines == [
        # decided: P1 response Met, All resolution At risk (met), availability Missed, count Met
        "3 of 4 measured targets met in October 2026.",
        "Email availability missed: 99.19 % against 99.9 % (n = 1).",
        "No data: Satisfaction.",
        # +100 (P1 response) beats +25 (All resolution); availability went down 0.8 points
        "Largest improvement: P1 response up 100.0 points on September 2026.",
        # January–September 100 %, October 99.19355 %: centre 99.919355, mean moving range
        # 0.80645 / 9 = 0.089606, lower limit 99.919355 − 2.66 × 0.089606 = 99.68100
        "Email availability: October 2026 is a special cause (99.194 below the lower limit "
        "99.681).",
        "Service credits due: Email availability 10 %.",
    ]
    assert r.overall == Status.MISSED
    credits = r.credits
    assert list(credits.columns) == ["id", "name", "achieved", "credit_percent"]
    assert [tuple(x) for x in credits.itertuples(index=False)] == [
        ("av", "Email availability", pytest.approx(100 * 738 / 744, rel=1e-12), 10.0)
    ]
    # every other target carries no credit
    cur = r.current.set_index("id")
    assert cur["credit_percent"].to_dict() == {
        "p1-resp": 0.0, "res": 0.0, "av": 10.0, "csat": 0.0, "count": 0.0}  # fmt: skip
    # the change on September (satisfaction: none known, no October value; count: 2 → 5)
    change = cur["change"]
    assert pd.isna(change["csat"])
    assert change.drop("csat").to_dict() == {
        "p1-resp": 100.0, "res": 25.0, "av": pytest.approx(100 * 738 / 744 - 100, rel=1e-9),
        "count": 3.0}  # fmt: skip
    assert str(present.executive_summary(r)) == (
        '<div class="summary"><div class="overall">Overall <span class="rag rag-red">Missed'
        '</span></div><ul class="headlines">'
        "<li>3 of 4 measured targets met in October 2026.</li>"
        "<li>Email availability missed: 99.19 % against 99.9 % (n = 1).</li>"
        "<li>No data: Satisfaction.</li>"
        "<li>Largest improvement: P1 response up 100.0 points on September 2026.</li>"
        "<li>Email availability: October 2026 is a special cause (99.194 below the lower "
        "limit 99.681).</li>"
        "<li>Service credits due: Email availability 10 %.</li></ul></div>"
    )


def test_september_names_each_miss_and_says_no_credit_is_due(case: tuple[Path, Path]) -> None:
    """September: P1 response 0 of 1, All resolution 1 of 2 missed; availability 100 %,
    satisfaction 4.5 and the count 2 (S1, S2) met. Nothing improved on August (no tickets
    then, availability 100 % both months) and no tier is below 100 %."""
    r = review(case, "2026-09")
    assert r.headlines == [
        "3 of 5 measured targets met in September 2026.",
        "P1 response missed: 0.0 % against 90 % (n = 1).",
        "All resolution missed: 50.0 % against 75 % (n = 2).",
        "No service credits are due.",
    ]
    assert r.overall == Status.MISSED and r.credits.empty


def test_august_with_one_measured_target(case: tuple[Path, Path]) -> None:
    """August: no ticket, no survey, and the incident feed starts with S1 on 7 September: only
    availability is measured (100 %, Met)."""
    r = review(case, "2026-08")
    assert r.headlines == [
        "1 of 1 measured targets met in August 2026.",
        "No data: P1 response, All resolution, Satisfaction, Incident count.",
        "No service credits are due.",
    ]
    assert r.overall == Status.MET


def test_a_running_month_decides_nothing_and_computes_no_credit(
    case: tuple[Path, Path],
) -> None:
    """November to 2 November 12:00: O5 breached on 1 November 02:00 (0 of 1, to date) and
    availability is 100 % over 36 h, both In progress; no P1 ticket, no survey, and November
    is after the last incident opening: No data for the other three. No credit line at all,
    not even "none due"."""
    r = review(case, "2026-11")
    assert r.in_progress
    assert r.headlines == [
        "November 2026 is in progress: the values are to date (as of 2026-11-02 12:00 UTC) and "
        "no target is decided yet.",
        "No data: P1 response, Satisfaction, Incident count.",
    ]
    assert r.overall == Status.IN_PROGRESS
    assert r.current.set_index("id")["status"].to_dict() == {
        "p1-resp": "No data", "res": "In progress", "av": "In progress", "csat": "No data",
        "count": "No data"}  # fmt: skip
    assert r.credits.empty


def test_a_missed_incident_count_reads_as_a_whole_number(tmp_path: Path) -> None:
    """At most 2 a month; 3 incidents in October: "3 against 2", no decimals."""
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text("""
customers: [{id: c, name: C, timezone: UTC}]
services: [{id: email, name: Email}]
agreements:
  - {id: m, customer: c, services: [email], targets: [
      {id: n, metric: incident_count, objective: 2}]}
""")
    db = tmp_path / "w.duckdb"
    with warehouse.session(db) as con:
        for day in (5, 6, 7):
            add(con, f"O{day}", datetime(2026, 10, day, 9, tzinfo=UTC))
    r = open_review("c", "2026-10", warehouse=db, catalogue=catalogue, as_of=AS_OF, history=2)
    assert r.headlines == [
        "0 of 1 measured targets met in October 2026.",
        "Incident count missed: 3 against 2 (n = 3).",
        "No service credits are due.",
    ]


def add(con: duckdb.DuckDBPyConnection, number: str, opened: datetime) -> None:
    con.execute(
        "insert into incidents (source, number, customer, service, priority, state, opened_at, "
        "load_id) values ('t', $n, 'c', 'email', 3, 'New', $o, 0)",
        {"n": number, "o": opened},
    )
