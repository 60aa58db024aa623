"""Measures on the demo warehouse: results that must not depend on how they were reached."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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
