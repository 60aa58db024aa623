"""Measures on the demo warehouse: results that must not depend on how they were reached."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from slm_analysis import measures, warehouse
from slm_analysis.catalogue import load_catalogue
from slm_analysis.periods import Period
from slm_analysis.review import HISTORY


def test_attainment_reusing_the_availability_history_is_identical(
    demo_env: dict[str, Path],
) -> None:
    """A review computes availability once (availability_history) and hands it to attainment;
    the targets' numbers are exactly those attainment computes on its own."""
    cat = load_catalogue(demo_env["catalogue"])
    periods = Period.parse("2026-10").history(HISTORY)
    with warehouse.session(demo_env["db"], read_only=True) as con:
        for customer in ("acme", "globex"):
            as_of = measures.as_of_time(con, customer)
            history = measures.availability_history(con, cat, customer, periods, as_of)
            alone = measures.attainment(con, cat, customer, "2026-10", history=HISTORY, as_of=as_of)
            reused = measures.attainment(
                con,
                cat,
                customer,
                "2026-10",
                history=HISTORY,
                as_of=as_of,
                availability=history,
            )
            pd.testing.assert_frame_equal(alone, reused)
            measured = alone[alone["metric"] == "availability"]
            assert len(measured) >= HISTORY and measured["achieved"].notna().all()


def test_the_rolling_year_is_the_twelve_months_added_up(demo_env: dict[str, Path]) -> None:
    """A target's rolling twelve-month figure adds up its twelve monthly rows, each measured
    under the version in force that month: tickets within target over tickets, and covered
    time minus downtime over covered time for availability."""
    cat = load_catalogue(demo_env["catalogue"])
    with warehouse.session(demo_env["db"], read_only=True) as con:
        for customer in ("acme", "globex"):
            att = measures.attainment(con, cat, customer, "2026-10", history=12)
            current = att[att["period"] == "2026-10"].set_index(["agreement", "id"])
            tickets = att[att["metric"].isin(["response_time", "resolution_time"])]
            sums = tickets.groupby(["agreement", "id"])[["n", "n_met"]].sum()
            for key, s in sums.iterrows():  # globex's P2 target changed in April: both count
                row = current.loc[key]
                assert row["rolling_n"] == s["n"]
                assert row["rolling_achieved"] == 100 * s["n_met"] / s["n"]
            avail = att[att["metric"] == "availability"]
            for key, g in avail.groupby(["agreement", "id"]):
                up = (g["scheduled_s"] - g["downtime_s"]).sum() / g["scheduled_s"].sum()
                assert current.loc[key, "rolling_achieved"] == pytest.approx(100 * up, rel=1e-12)
