"""Calibrating the demo's own targets reproduces exactly what attainment (and so `slm
attainment`) reports, period by period, for every target kind and version the demo has."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from slm_analysis import calibration, measures, warehouse
from slm_analysis.catalogue import load_catalogue
from slm_analysis.cli import main
from slm_analysis.periods import Period

END = "2026-10"
PERIODS = 14  # the demo's thirteen months and one before its data
COMPARED = ["period", "objective", "warning", "achieved", "n", "n_met", "interval_low",
            "interval_high", "status", "met", "in_progress", "unit"]  # fmt: skip


def test_existing_targets_reproduce_attainment(demo_env: dict[str, Path]) -> None:
    cat = load_catalogue(demo_env["catalogue"])
    kinds = set()
    with warehouse.session(demo_env["db"], read_only=True) as con:
        for customer in ("acme", "globex"):
            as_of = measures.as_of_time(con, customer)
            full = measures.attainment(con, cat, customer, END, history=PERIODS, as_of=as_of)
            for a in cat.agreements_for(customer):
                for t in a.targets:  # every version: each is measured where it is in force
                    spec = calibration.version_spec(t)
                    got = calibration.calibrate(
                        con, cat, customer, spec, periods=PERIODS, end=END, as_of=as_of,
                        agreement=a.id,
                    )  # fmt: skip
                    in_force = [str(p) for p in Period.parse(END).history(PERIODS) if t.in_force(p)]
                    want = full[(full["agreement"] == a.id) & (full["id"] == t.id)]
                    want = want[want["period"].isin(in_force)][COMPARED].reset_index(drop=True)
                    assert got["period"].tolist() == in_force, t.id
                    pd.testing.assert_frame_equal(
                        got[COMPARED], want, check_exact=True, check_dtype=False, obj=t.id
                    )
                    assert got["achieved"].notna().sum() >= 5, t.id  # not an empty history
                    kinds.add((t.metric, getattr(t, "measure", None)))
    assert kinds == {
        ("response_time", None),
        ("resolution_time", None),
        ("availability", None),
        ("satisfaction", "mean"),
        ("satisfaction", "percent_satisfied"),
        ("mttr", None),
    }


def test_the_last_period_matches_the_cli(demo_env: dict[str, Path]) -> None:
    """`slm attainment --json` for October: the same achieved, n and status per target."""
    cat = load_catalogue(demo_env["catalogue"])
    out = CliRunner().invoke(
        main,
        ["--db", str(demo_env["db"]), "--catalogue", str(demo_env["catalogue"]),
         "attainment", "--customer", "globex", "--period", END, "--json"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    records = json.loads(out.output)
    with warehouse.session(demo_env["db"], read_only=True) as con:
        for rec in records:
            spec = calibration.target_spec(cat, "globex", rec["id"], agreement=rec["agreement"])
            got = calibration.calibrate(con, cat, "globex", spec, periods=1, end=END)
            [row] = got.to_dict("records")
            achieved = None if pd.isna(row["achieved"]) else row["achieved"]
            assert (achieved, row["n"], row["status"]) == (
                rec["achieved"],
                rec["n"],
                rec["status"],
            ), rec["id"]
