"""Recurrence rules (RFC 5545 RRULE) from catalogues and calendar files, checked before dateutil
expands them.

dateutil walks a rule period by period until a candidate passes its BY parts, and stops at the
year 9999 only: a rule that matches nothing (``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30``) walks
every day of 8,000 years (6 s), a minutely one for hours — however near its UNTIL. Monthly and
yearly rules walk there in under a second; ``matches_nothing`` recognises the others first.
"""

from __future__ import annotations

import re
from datetime import datetime

from dateutil.rrule import rrulestr

COARSE = ("MONTHLY", "YEARLY")  # walked to 9999 in under a second when nothing matches
# the parts that choose dates (the rest choose times, or repeat, bound or pick among them)
DATE_PARTS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY", "WKST")


def parts(text: str) -> dict[str, str]:
    """``FREQ=DAILY;BYDAY=MO`` (with or without ``RRULE:``) as ``{"FREQ": "DAILY", ...}``."""
    body = text.strip().removeprefix("RRULE:")
    out = {}
    for part in filter(None, body.split(";")):
        key, _, value = part.partition("=")
        out[key.strip().upper()] = value.strip().upper()
    return out


def matches_nothing(text: str, dtstart: datetime) -> bool:
    """Whether a rule finer than monthly can never give an occurrence after ``dtstart``.

    Its date parts only filter the days it steps through, so the same parts in a yearly rule
    (ordinals dropped; no interval, count, end, times or set positions) give a superset of its
    dates: when that yearly rule has none (a 0.4 s walk), neither has the rule. (Times that
    an interval never reaches, ``FREQ=HOURLY;INTERVAL=2;BYHOUR=3`` from 02:00, dateutil refuses
    itself: "byxxx generates an empty set".)
    """
    p = parts(text)
    if p.get("FREQ") in COARSE:
        return False
    dates = {k: v for k, v in p.items() if k in DATE_PARTS}
    if "BYDAY" in dates:  # 1MO, -1FR: ordinals mean nothing below monthly
        dates["BYDAY"] = re.sub(r"[+-]?\d+", "", dates["BYDAY"])
    yearly = ";".join(["FREQ=YEARLY", *(f"{k}={v}" for k, v in dates.items())])
    return next(iter(rrulestr(yearly, dtstart=dtstart)), None) is None
