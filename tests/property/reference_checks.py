"""A deliberately plain inference of outages from checks, for checking the set-based one.

It walks each check's results one by one with an explicit state machine (a streak of equal
outcomes; when a failing streak reaches N while up, the whole streak turns down; when a
succeeding streak reaches M while down, the whole streak turns up), gives each result the
stretch of time it speaks for, and then decides the service's state on every elementary
interval between any two boundaries by asking every check which of its results covers that
interval — no runs, no events, no running sums. Instants are integers (epoch microseconds).
The rules are those of docs/metrics.md, *Outages inferred from checks*.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(frozen=True)
class Result:
    service: str
    source: str
    check_name: str
    stream: str  # polled | status-change
    t: int
    ok: bool


@dataclass(frozen=True)
class Settings:
    down_after: int = 2
    up_after: int = 2
    gap_factor: float = 2.5
    interval: int | None = None  # microseconds; None: the lower median spacing
    combine: str = "any"


@dataclass(frozen=True)
class Stretch:
    """One reported stretch, clipped to the window, with the evidence of a down stretch."""

    service: str
    state: str  # down | no_data
    start: int
    end: int
    first_failure: int | None = None
    first_success: int | None = None
    checks: tuple[str, ...] = field(default=())
    first_failure_check: str | None = None  # of several failing at that instant, the first name
    first_success_check: str | None = None  # likewise


@dataclass
class _Check:
    name: str
    times: list[int]  # result instants, ascending
    oks: list[bool]
    covers: list[int]  # result i speaks for [times[i], covers[i])
    up: list[bool]  # the check's state at result i


def lower_median(values: list[int]) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def _read_check(name: str, rows: list[Result], s: Settings, as_of: int) -> _Check:
    rows = sorted((r for r in rows if r.t < as_of), key=lambda r: r.t)
    times = [r.t for r in rows]
    oks = [r.ok for r in rows]
    polled = rows[0].stream == "polled"
    spacings = [b - a for a, b in pairwise(times)]
    iv = (s.interval if s.interval is not None else lower_median(spacings)) if polled else None

    def gap(a: int, b: int) -> bool:
        return polled and (iv is None or b - a > s.gap_factor * iv)

    covers = []
    for i, t in enumerate(times):
        nxt = times[i + 1] if i + 1 < len(times) else as_of
        if not polled:
            covers.append(nxt)
        elif iv is None:
            covers.append(t)
        elif nxt - t <= s.gap_factor * iv:
            covers.append(nxt)
        else:
            covers.append(t + iv)
    up: list[bool] = []
    state = True
    streak: list[int] = []
    for i, ok in enumerate(oks):
        if not polled:
            up.append(ok)
            continue
        if streak and oks[streak[-1]] == ok and not gap(times[i - 1], times[i]):
            streak.append(i)
        else:
            streak = [i]
        up.append(state)
        if state and not ok and len(streak) >= s.down_after:
            state = False
            for j in streak:
                up[j] = False
        elif not state and ok and len(streak) >= s.up_after:
            state = True
            for j in streak:
                up[j] = True
    return _Check(name, times, oks, covers, up)


def _state_at(c: _Check, instant: int) -> bool | None:
    """The check's state at ``instant``: None when none of its results covers it."""
    i = bisect_right(c.times, instant) - 1
    if i >= 0 and c.times[i] <= instant < c.covers[i]:
        return c.up[i]
    return None


def _stretches(c: _Check) -> list[tuple[int, int, bool, int | None, bool]]:
    """Maximal covered stretches of one state: (start, end, up, first failure, first ok)."""
    out: list[list[object]] = []
    for t, cover, up, ok in zip(c.times, c.covers, c.up, c.oks, strict=True):
        if cover <= t:
            continue
        if out and out[-1][1] == t and out[-1][2] == up:
            out[-1][1] = cover
            if not ok and out[-1][3] is None:
                out[-1][3] = t
        else:
            out.append([t, cover, up, None if ok else t, ok])
    return [tuple(x) for x in out]  # type: ignore[misc]


def infer(
    results: list[Result],
    settings: dict[str, Settings],
    start: int,
    stop: int,
    as_of: int,
) -> list[Stretch]:
    """Down and no-data stretches of every service in ``settings``, clipped to [start, stop),
    ordered by service and start."""
    out: list[Stretch] = []
    for service in sorted(settings):
        s = settings[service]
        by_check: dict[tuple[str, str, str], list[Result]] = {}
        for r in results:
            if r.service == service and r.t < as_of:
                by_check.setdefault((r.source, r.check_name, r.stream), []).append(r)
        checks = [_read_check(key[1], rows, s, as_of) for key, rows in sorted(by_check.items())]
        cuts = {start, stop}
        for c in checks:
            cuts.update(c.times)
            cuts.update(c.covers)
        points = sorted(cuts)
        pieces: list[list[object]] = []  # [start, end, state]
        for a, b in pairwise(points):
            states = [_state_at(c, a) for c in checks]
            known = [x for x in states if x is not None]
            n_down = sum(1 for x in known if not x)
            if not known:
                state = "no_data"
            elif (
                (s.combine == "any" and n_down >= 1)
                or (s.combine == "all" and n_down == len(known))
                or (s.combine == "majority" and 2 * n_down > len(known))
            ):
                state = "down"
            else:
                state = "up"
            if pieces and pieces[-1][2] == state:
                pieces[-1][1] = b
            else:
                pieces.append([a, b, state])
        stretches = {id(c): _stretches(c) for c in checks}
        for a, b, state in pieces:
            assert isinstance(a, int) and isinstance(b, int)
            lo, hi = max(a, start), min(b, stop)
            if state == "up" or hi <= lo:
                continue
            if state == "no_data":
                out.append(Stretch(service, "no_data", lo, hi))
                continue
            names: set[str] = set()
            failures: list[tuple[int, str]] = []
            recoverers: list[str] = []
            for c in checks:
                for s0, e0, up, first_failure, first_ok in stretches[id(c)]:
                    if not up and s0 < b and e0 > a:
                        names.add(c.name)
                        if first_failure is not None:
                            failures.append((first_failure, c.name))
                    if up and first_ok and s0 == b:
                        recoverers.append(c.name)
            first = min(failures) if failures else None
            out.append(
                Stretch(
                    service,
                    "down",
                    lo,
                    hi,
                    first[0] if first else None,
                    b if recoverers else None,
                    tuple(sorted(names)),
                    first[1] if first else None,
                    min(recoverers) if recoverers else None,
                )
            )
    return out
