"""Status words, defined once for the CLI, JSON and the pack, and how values are displayed.

*Met*: the achieved value meets the objective. *At risk*: met, but inside the agreement's warning
band (between the objective and the ``warning`` level) — never for a missed target. *Missed*:
the objective is not met. *In progress*: the period has not ended, so nothing is decided yet.
*No data*: nothing was measured (no tickets, no responses, no monitoring coverage).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum


class Status(StrEnum):
    MET = "Met"
    AT_RISK = "At risk"
    MISSED = "Missed"
    IN_PROGRESS = "In progress"
    NO_DATA = "No data"


# colour class of each status in the pack (and the RAG column of the CLI and JSON)
RAG = {
    Status.MET: "green",
    Status.AT_RISK: "amber",
    Status.MISSED: "red",
    Status.IN_PROGRESS: "grey",
    Status.NO_DATA: "grey",
}

MEANING = {
    Status.MET: "the achieved value meets the objective",
    Status.AT_RISK: "met, but inside the warning band between the objective and the agreed "
    "warning level",
    Status.MISSED: "the objective was not met",
    Status.IN_PROGRESS: "the period has not ended: values are to date and nothing is decided yet",
    Status.NO_DATA: "nothing to measure in the period (no tickets or responses, or no "
    "monitoring coverage)",
}

ABBREVIATIONS = {
    "n": "the number of tickets, survey responses or outages behind a value",
    "95 % interval": "Wilson score interval: where the true rate lies with 95 % confidence, "
    "given n",
    "12 months": "the rolling twelve-month figure up to the end of the period",
    "budget": "the downtime (or breaches) the objective allows in the period",
    "MTBF": "mean time between failures: up time / number of outages",
    "MTRS": "mean time to restore service: downtime / number of outages",
    "RAG": "red / amber / green: Missed / At risk / Met",
}

# worst first: the overall status of a set of targets is the first present in this order
_OVERALL = (Status.MISSED, Status.AT_RISK, Status.IN_PROGRESS, Status.MET, Status.NO_DATA)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(v: object) -> float | None:
    """A value of a record as a float; None for None, NaN or anything that is not a number."""
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


# relative floating-point noise: (scheduled − down) / scheduled can land 1e-14 under a level it
# meets exactly; real differences are far larger (1 s in a year of service is 3e-8 relative)
NOISE = 1e-9


def meets(achieved: float, level: float, higher_is_better: bool) -> bool:
    """Whether ``achieved`` is at or beyond ``level`` on the good side (to within ``NOISE``)."""
    slack = NOISE * max(1.0, abs(level))
    return achieved >= level - slack if higher_is_better else achieved <= level + slack


def judge(
    achieved: float | None,
    objective: float,
    warning: float | None,
    higher_is_better: bool = True,
    *,
    in_progress: bool = False,
) -> Status:
    """The status word of one measured value. ``achieved`` is None when nothing was measured."""
    if _missing(achieved):
        return Status.NO_DATA
    assert achieved is not None
    if in_progress:
        return Status.IN_PROGRESS
    if not meets(achieved, objective, higher_is_better):
        return Status.MISSED
    if warning is not None and not meets(achieved, warning, higher_is_better):
        return Status.AT_RISK
    return Status.MET


def overall(statuses: Iterable[str]) -> Status:
    """Missed when any target is missed, else At risk, In progress, Met; No data when empty."""
    present = {Status(s) for s in statuses}
    return next((s for s in _OVERALL if s in present), Status.NO_DATA)


def _decimals(value: float, unit: str) -> int:
    if unit == "incidents":
        return 0
    if unit == "%":
        return 2 if value >= 99 else 1
    return 2


def format_value(
    value: float | None,
    unit: str,
    objective: float | None = None,
    higher_is_better: bool = True,
) -> str:
    """A value as text: ``99.95 %``, ``87.3 %``, ``4.20 / 5``, ``12``; an en dash when None.

    Given the ``objective``, the value gets as many more decimals as it takes for the shown
    number to sit on the same side of the objective as the value itself: 99.897 % against
    99.9 % shows as ``99.897 %``, not 99.90 % (a miss that looks met), and 95.25 % against
    95.25 % as ``95.25 %``, not 95.2 % (a met target that looks missed).
    """
    if _missing(value):
        return "–"
    assert value is not None
    if unit == DURATION:
        return _duration_value(value, objective, higher_is_better)
    places = _decimals(value, unit)
    if objective is not None:
        met = meets(value, objective, higher_is_better)
        while places < 9 and (
            meets(round(value, places), objective, higher_is_better) != met
            or (not met and round(value, places) == round(objective, places))
        ):
            places += 1
    text = f"{value:.{places}f}"
    return text if unit == "incidents" else f"{text} {unit}"


def format_objective(objective: float, unit: str) -> str:
    """An objective as written in the catalogue: ``99.9 %``, ``4.2 / 5``, ``12``, ``8h 00m``."""
    if unit == DURATION:
        return duration_text(objective, 0 if objective % 60 else None)
    return f"{objective:g}" if unit == "incidents" else f"{objective:g} {unit}"


# the unit of a duration result (MTTA, MTTR, MTBF, MTRS): seconds, shown as 8h 05m
DURATION = "s"


def duration_text(seconds: float, places: int | None = None) -> str:
    """``seconds`` as ``26h 05m`` or ``4m`` (``places`` None: to the minute), or with seconds
    to ``places`` decimals: ``8h 00m 07s``, ``8h 00m 00.4s``; under a minute always seconds."""
    if places is None and abs(seconds) >= 60:
        minutes = round(seconds / 60)
        h, m = divmod(abs(minutes), 60)
        return ("-" if minutes < 0 else "") + (f"{h}h {m:02d}m" if h else f"{m}m")
    p = places or 0
    r = round(float(seconds), p)
    sign = "-" if r < 0 else ""
    hours, rest = divmod(abs(r), 3600.0)
    mins, sec = divmod(rest, 60.0)
    if hours == 0 and mins == 0:
        return f"{sign}{sec:.{p}f}s"
    head = f"{int(hours)}h {int(mins):02d}m" if hours else f"{int(mins)}m"
    return f"{sign}{head} {sec:0{3 + p if p else 2}.{p}f}s"


def _duration_value(value: float, objective: float | None, higher_is_better: bool) -> str:
    """A duration to the minute, or finer when the minute would put it on the other side of
    the objective (8h 00m 30s against 8h is missed, and shown so)."""
    places: int | None = None
    if objective is not None:
        met = meets(value, objective, higher_is_better)

        def shown(x: float) -> float:
            return round(x / 60) * 60 if places is None else round(x, places)

        while (places or 0) < 6 and (
            meets(shown(value), objective, higher_is_better) != met
            or (not met and shown(value) == shown(objective))
        ):
            places = 0 if places is None else places + 1
    return duration_text(value, places)


def coverage_text(share: float) -> str:
    """A covered share of a period: ``69 %``; never "100 %" unless all of it is covered."""
    return "100 %" if share >= 1 else f"{min(100 * share, 99):.0f} %"
