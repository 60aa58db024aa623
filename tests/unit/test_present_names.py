"""What a customer reads: planned work by its name (a catalogue window's description, a
change's number and title — never the catalogue's own id), escaped; and every change since the
last period with its unit."""

from __future__ import annotations

import pandas as pd
import pytest

from slm_analysis.present import _change, planned_work_name
from slm_analysis.status import DURATION


@pytest.mark.parametrize(
    ("origin", "ref", "title", "shown"),
    [
        ("catalogue", "sun-patch", "Sunday patching", "Sunday patching"),
        ("catalogue", "sun-patch", None, "sun-patch"),
        ("change", "CHG0031", "Upgrade <b>mail</b>", "CHG0031 — Upgrade <b>mail</b>"),
        ("planned outage", "OUT7", None, "OUT7"),
    ],
)
def test_planned_work_is_named_as_the_customer_knows_it(
    origin: str, ref: str, title: str | None, shown: str
) -> None:
    m = pd.Series({"origin": origin, "ref": ref, "title": title})
    assert planned_work_name(m) == shown


@pytest.mark.parametrize(
    ("change", "unit", "shown"),
    [
        (1.25, "%", "+1.2 pts"),  # round half to even, as every other figure
        (-0.25, "/ 5", "-0.25 / 5"),
        (0.3, "/ 10", "+0.30 / 10"),
        (2.0, "incidents", "+2.0 incidents"),
        (-5400.0, DURATION, "-1h 30m"),
        (None, "%", "–"),
    ],
)
def test_every_change_has_its_unit(change: float | None, unit: str, shown: str) -> None:
    assert _change(change, unit) == shown
