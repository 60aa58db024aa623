"""The status word always follows from the numbers, and what is displayed never misleads.

Generated attainment rows (values, objectives, warning levels, n, running or ended periods)
go through the one judge (``status.judge``), the display (``status.format_value``) and the
review's executive summary; the laws below must hold for every one of them.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from slm_analysis.catalogue import parse_catalogue
from slm_analysis.periods import Period
from slm_analysis.review import Review
from slm_analysis.status import RAG, Status, format_objective, format_value, judge, meets

UNITS = ("%", "/ 5", "incidents")


@st.composite
def rows(draw: st.DrawFn) -> dict[str, object]:
    unit = draw(st.sampled_from(UNITS))
    higher = unit != "incidents"
    if unit == "%":
        objective = draw(st.floats(50, 99.999, allow_nan=False).map(lambda x: round(x, 3)))
        value = st.floats(0, 100, allow_nan=False)
    elif unit == "/ 5":
        objective = draw(st.floats(1, 5, allow_nan=False).map(lambda x: round(x, 2)))
        value = st.floats(1, 5, allow_nan=False)
    else:
        objective = float(draw(st.integers(0, 50)))
        value = st.integers(0, 60).map(float)
    n = draw(st.integers(0, 40))
    achieved = draw(value) if n else None
    # a value a hair off (either side) or exactly at the objective is the interesting case
    if achieved is not None and draw(st.booleans()) and unit != "incidents":
        offsets = [1e-9, 1e-6, 1e-4, 0.003, 0.005, 0.0049, 0.05, 0.0]
        achieved = objective + draw(st.sampled_from([*offsets, *(-x for x in offsets)]))
    warning = None
    if draw(st.booleans()):
        band = draw(st.floats(0, 5, allow_nan=False))
        warning = objective + band if higher else max(objective - band, 0.0)
        if unit == "%":
            warning = min(warning, 100.0)
    running = draw(st.booleans())
    return {"objective": objective, "warning": warning, "achieved": achieved, "n": n,
            "unit": unit, "higher_is_better": higher, "in_progress": running}  # fmt: skip


@given(rows())
@settings(max_examples=2000, deadline=None)
def test_the_status_follows_from_the_numbers(r: dict[str, object]) -> None:
    achieved, objective, warning = r["achieved"], r["objective"], r["warning"]
    higher = bool(r["higher_is_better"])
    status = judge(achieved, objective, warning, higher, in_progress=bool(r["in_progress"]))  # type: ignore[arg-type]
    if achieved is None:  # n = 0: nothing measured
        assert status == Status.NO_DATA
        return
    assert isinstance(achieved, float) and isinstance(objective, float)
    if r["in_progress"]:
        assert status == Status.IN_PROGRESS  # never Met or Missed before the period ends
        return
    met = meets(achieved, objective, higher)
    assert status in ((Status.MET, Status.AT_RISK) if met else (Status.MISSED,))
    if status == Status.AT_RISK:  # met, inside the warning band; never below the objective
        assert warning is not None and met and not meets(achieved, warning, higher)
    assert RAG[status] == {"Met": "green", "At risk": "amber", "Missed": "red"}[status]


@given(rows())
@settings(max_examples=2000, deadline=None)
def test_a_value_never_displays_on_the_other_side_of_its_objective(r: dict[str, object]) -> None:
    achieved, objective, unit = r["achieved"], r["objective"], str(r["unit"])
    higher = bool(r["higher_is_better"])
    shown = format_value(achieved, unit, objective, higher)  # type: ignore[arg-type]
    if achieved is None:
        assert shown == "–"
        return
    assert isinstance(achieved, float) and isinstance(objective, float)
    number = float(shown.split()[0])
    # the shown number is on the same side of the objective as the value
    assert meets(number, objective, higher) == meets(achieved, objective, higher)
    if not meets(achieved, objective, higher):
        assert number != objective
    assert math.isclose(number, achieved, abs_tol=0.05 + 1e-9)  # at most 1 decimal dropped


def test_missed_by_a_hair_shows_the_digits_that_miss() -> None:
    assert format_value(99.897, "%", 99.9) == "99.897 %"
    assert format_value(99.8999, "%", 99.9) == "99.8999 %"
    assert format_value(99.904, "%", 99.9) == "99.90 %"  # met: no extra digits needed
    assert format_value(95.25, "%", 95.25) == "95.25 %"  # met: 95.2 would look missed
    assert format_value(99.955, "%", 99.955) == "99.955 %"
    assert format_value(89.96, "%", 90.0) == "89.96 %"  # 1 decimal would show 90.0
    assert format_value(87.34, "%", 90.0) == "87.3 %"
    assert format_value(4.196, "/ 5", 4.2) == "4.196 / 5"
    assert format_value(13.0, "incidents", 12.0, higher_is_better=False) == "13"
    assert format_objective(99.9, "%") == "99.9 %" and format_objective(12, "incidents") == "12"


CATALOGUE = """
customers: [{id: c, name: C}]
services: [{id: s, name: S}]
agreements: [{id: a, customer: c, services: [s], targets: []}]
"""


def review_of(att: pd.DataFrame, in_progress: bool) -> Review:
    empty = pd.DataFrame()
    cat = parse_catalogue(CATALOGUE)
    return Review(
        catalogue=cat, customer=cat.customers[0], period=Period.parse("2026-10"),
        periods=[Period.parse("2026-10")], as_of=datetime(2026, 11, 2, tzinfo=UTC),
        attainment=att, clocks=empty, availability=empty, volumes=empty, satisfaction=empty,
        actions=empty, majors=empty, quality=empty, loads=empty, feeds=empty, maintenance=empty,
        outages=empty,
        catalogue_sha256="",
        in_progress=in_progress,
    )  # fmt: skip


@given(st.lists(rows(), min_size=1, max_size=8), st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_summary_names_exactly_the_missed_targets(
    generated: list[dict[str, object]], in_progress: bool
) -> None:
    records = []
    for i, r in enumerate(generated):
        status = judge(r["achieved"], r["objective"], r["warning"], bool(r["higher_is_better"]),  # type: ignore[arg-type]
                       in_progress=in_progress)  # fmt: skip
        records.append({**r, "id": f"t{i}", "agreement": "a", "name": f"Target {i}",
                        "period": "2026-10", "status": str(status), "credit_percent": 0.0})  # fmt: skip
    review = review_of(pd.DataFrame(records), in_progress)
    lines = review.headlines
    named = {line.split(" missed:")[0] for line in lines if " missed:" in line}
    missed = {r["name"] for r in records if r["status"] == Status.MISSED}
    assert named == missed
    statuses = {r["status"] for r in records}
    expected = next(
        (s for s in ("Missed", "At risk", "In progress", "Met") if s in statuses), "No data"
    )
    assert review.overall == expected
    if in_progress:
        assert not missed and review.overall in ("In progress", "No data")
