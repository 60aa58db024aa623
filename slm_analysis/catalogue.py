"""The catalogue: customers, services, mapping rules, agreements, targets, calendars, maintenance.

One YAML file reviewed in git like code, turned into typed, validated objects at load. Every
mistake is reported with the file, its line, the path inside it
(``agreements[0].targets[2].within``),
what was found and what was expected. No raw dict travels past this module.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib
from dateutil.rrule import rrulestr
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .calendars import WEEKDAYS, Calendar, Segment, parse_segment
from .defaults import YEARS
from .durations import DURATION_HELP, Span, describe_duration, parse_duration
from .errors import CatalogueError, Problem, UnknownNameError
from .ical import closure_dates
from .ids import Id
from .paths import workspace_file
from .periods import Period
from .rrules import matches_nothing
from .rrules import parts as rrule_parts
from .yamlcheck import Lines, read_text, read_yaml, validate

Source = Literal["incidents", "outages", "checks", "surveys", "maintenance", "actions"]
SOURCES: tuple[str, ...] = Source.__args__  # type: ignore[attr-defined]
MappingField = Literal[
    "company",
    "business_service",
    "service_offering",
    "cmdb_ci",
    "category",
    "assignment_group",
    "check_name",
    "project",
]
MAPPING_FIELDS: tuple[str, ...] = MappingField.__args__  # type: ignore[attr-defined]


def _duration(value: Any) -> Span:
    return parse_duration(value)


# PlainValidator keeps the Span (with the days it was written in) instead of a plain timedelta
Duration = Annotated[
    Span,
    PlainValidator(_duration),
    WithJsonSchema({"type": ["string", "number"], "description": DURATION_HELP}),
]
Percent = Annotated[float, Field(gt=0, le=100)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as Europe/London"
        ) from None
    return value


Zone = Annotated[str, BeforeValidator(_check_zone)]


def _plausible_year(value: Any) -> Any:
    """A date or date-time of the catalogue: in one of the plausible years, as loaded data."""
    first, last = YEARS
    if not first <= value.year <= last:
        raise ValueError(
            f"year {value.year} is outside the plausible years {first}–{last}; check the year "
            "(a version with no end leaves effective_to out)"
        )
    return value


Day = Annotated[date, AfterValidator(_plausible_year)]
Instant = Annotated[datetime, AfterValidator(_plausible_year)]


def _known(info: ValidationInfo, kind: str, value: str) -> str:
    context = info.context or {}
    names = context.get(kind)
    if names is not None and value not in names:
        listed = context.get("listed", {}).get(kind) or listing(names)
        raise ValueError(f"unknown {kind[:-1]} {value!r}; defined {kind}: {listed}")
    return value


LISTED = 20  # names a message lists before "and N more"


def listing(names: Iterable[str]) -> str:
    """``a, b, c`` — the first ``LISTED`` names in order, then how many more."""
    ordered = sorted(n for n in names if isinstance(n, str))
    if not ordered:
        return "none defined"
    more = len(ordered) - LISTED
    return ", ".join(ordered[:LISTED]) + (f" and {more} more" if more > 0 else "")


# ---------------------------------------------------------------------------- calendars
class HolidaySpec(_Model):
    country: str = Field(description="ISO country code known to the `holidays` package, e.g. GB")
    subdivision: str | None = Field(None, description="e.g. ENG, BE, CA")

    @model_validator(mode="after")
    def _exists(self) -> HolidaySpec:
        if mistake := _holiday_mistake(self.country, self.subdivision):
            raise ValueError(mistake)
        return self


@lru_cache(maxsize=1024)
def _holiday_mistake(country: str, subdivision: str | None) -> str | None:
    """What is wrong with a holidays country/subdivision, once per pair (many calendars of a
    large catalogue share one, and asking the package costs milliseconds)."""
    try:
        holidays_lib.country_holidays(country, subdiv=subdivision, years=2024)
    except NotImplementedError:
        return f"the holidays package has no country {country!r}; use an ISO code like GB"
    except Exception as exc:  # the package raises its own types for bad subdivisions
        return f"{country}/{subdivision}: {exc}"
    return None


class CalendarSpec(_Model):
    """Service hours. ``hours`` is ``24x7`` or weekday keys (``mon-fri``, ``sat``) → segments."""

    timezone: Zone = "UTC"
    hours: Literal["24x7"] | dict[str, str | list[str]] = "24x7"
    holidays: HolidaySpec | None = None
    closures: list[Day] = Field(default_factory=list)
    ical: str | None = Field(
        None,
        description="iCalendar file (path relative to the catalogue) whose events close "
        "the dates they cover, e.g. a bank-holiday feed",
    )
    description: str | None = None

    @field_validator("ical")
    @classmethod
    def _ical(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return v
        base = Path((info.context or {}).get("base_dir") or ".")
        path = workspace_file(base, v)  # raises ValueError when it leaves the workspace
        if not path.exists():
            raise ValueError(
                f"iCalendar file {path} not found; give a path relative to the catalogue"
            )
        if not path.is_file():
            raise ValueError(f"{path} is not a file; name the iCalendar file itself")
        closure_dates(path)  # raises ValueError naming the problem
        return str(path)

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        if isinstance(value, dict):
            _weekly(value)  # raises ValueError with the offending key
        return value

    def build(self, name: str) -> Calendar:
        if self.hours == "24x7":
            return Calendar.twenty_four_seven(name, self.timezone)
        return Calendar(
            name=name,
            zone=self.timezone,
            weekly=_weekly(self.hours),
            holiday_country=self.holidays.country if self.holidays else None,
            holiday_subdiv=self.holidays.subdivision if self.holidays else None,
            closures=frozenset(self.closures)
            | (closure_dates(self.ical) if self.ical else frozenset()),
        )


def working_day_threshold(within: Span, cal: Calendar) -> int:
    """Seconds of open time in ``within`` when each of its days is one working day of ``cal``."""
    return round(within.total_seconds() + within.written_days * (cal.working_day_seconds() - 86400))


def _weekly(hours: dict[str, str | list[str]]) -> dict[int, tuple[Segment, ...]]:
    out: dict[int, list[Segment]] = {}
    for key, spec in hours.items():
        days = _day_range(key)
        for text in [spec] if isinstance(spec, str) else spec:
            try:
                seg = parse_segment(text)
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}; write segments as HH:MM-HH:MM") from None
            for d in days:
                out.setdefault(d, []).append(seg)
    return {d: tuple(sorted(s, key=lambda x: x.start)) for d, s in out.items()}


def _day_range(key: str) -> list[int]:
    names = [k.strip().lower()[:3] for k in key.replace("–", "-").split("-")]
    if not all(n in WEEKDAYS for n in names) or len(names) > 2:
        raise ValueError(f"{key!r} is not a weekday or range like mon-fri")
    a = WEEKDAYS.index(names[0])
    b = WEEKDAYS.index(names[-1])
    return list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]


def in_force(effective_from: date | None, effective_to: date | None, period: Period) -> bool:
    """Whether effective dates (inclusive, either open) overlap any day of ``period``."""
    start, end = period.local_bounds()
    if effective_from and effective_from >= end.date():
        return False
    return not (effective_to and effective_to < start.date())


# ---------------------------------------------------------------------------- parties
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
LOGO_BYTES = 200_000  # the largest logo embedded in a pack
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# what an SVG logo may not hold: scripts, event handlers, links, embedded documents, entity
# declarations, and references out of the file (href, CSS url() and @import)
SVG_REFUSED = re.compile(
    r"<\s*(script|foreignObject|iframe|embed|object|a)\b|\son[a-z]+\s*=|<!ENTITY|@import"
    r"|href\s*=\s*(?![\"']?\s*#)|url\(\s*(?![\"']?\s*#)|javascript:",
    re.IGNORECASE,
)


def _hex_colour(value: Any) -> Any:
    if not isinstance(value, str) or not HEX_COLOUR.fullmatch(value):
        raise ValueError(f"{value!r} is not a colour; write six hex digits, e.g. '#1f4e79'")
    return value.lower()


HexColour = Annotated[
    str,
    BeforeValidator(_hex_colour),
    WithJsonSchema({"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}),
]


def check_logo(path: Path) -> str:
    """The ``data:`` URI of a logo file: a PNG, or an SVG without scripts, event handlers or
    references out of the file, of at most ``LOGO_BYTES``; a ``ValueError`` saying what is
    wrong and how to fix it otherwise."""
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"{path.name} is not a .png or .svg file; give a PNG or SVG logo")
    if not path.is_file():
        raise ValueError(f"logo file {path} not found; give a path relative to the catalogue")
    data = path.read_bytes()
    if len(data) > LOGO_BYTES:
        raise ValueError(
            f"logo {path.name} is {len(data):,} bytes, over the {LOGO_BYTES:,} allowed; "
            "export it smaller (a pack header needs about 400 × 120 pixels)"
        )
    if kind == "image/png" and not data.startswith(PNG_MAGIC):
        raise ValueError(f"{path.name} is not a PNG image (wrong signature); export it as PNG")
    if kind == "image/svg+xml":
        text = data.decode("utf-8", errors="replace")
        if "<svg" not in text:
            raise ValueError(f"{path.name} holds no <svg> element; give an SVG image")
        bad = SVG_REFUSED.search(text)
        if bad:
            raise ValueError(
                f"SVG logo {path.name} holds {bad.group(0).strip()!r}: scripts, event "
                "handlers, links and references out of the file are refused; export "
                "a plain SVG (shapes and paths only) or a PNG"
            )
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


class Branding(_Model):
    """How the customer's packs look: colours of the cover and headings, and a logo."""

    primary: HexColour | None = Field(
        default=None, description="colour of the pack's title band and headings, e.g. '#1f4e79'"
    )
    accent: HexColour | None = Field(
        default=None, description="colour of the rule under the title band, e.g. '#2a9d8f'"
    )
    logo: str | None = Field(
        default=None,
        description=f"PNG or SVG file (path relative to the catalogue, at most {LOGO_BYTES:,} "
        "bytes) shown on the cover; embedded in the pack. SVG with scripts, event handlers, "
        "links or references out of the file is refused",
    )

    @field_validator("logo")
    @classmethod
    def _logo(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return v
        path = workspace_file(Path((info.context or {}).get("base_dir") or "."), v)
        check_logo(path)  # raises ValueError naming the problem
        return str(path)

    def logo_uri(self) -> str | None:
        """The logo as a ``data:`` URI (read and checked again: it may have changed)."""
        return None if self.logo is None else check_logo(Path(self.logo))


MAX_COMMENTS = 20  # verbatim survey comments a pack shows at most


class CustomerSatisfaction(_Model):
    """What the customer's packs show of its survey responses."""

    comments: int = Field(
        default=0,
        description=f"verbatim comments shown in the pack, newest first: 0 (none, the "
        f"default) to {MAX_COMMENTS}; person names in them are replaced under --redact-people",
        json_schema_extra={"minimum": 0, "maximum": MAX_COMMENTS},
    )

    @field_validator("comments")
    @classmethod
    def _comments(cls, v: int) -> int:
        if not 0 <= v <= MAX_COMMENTS:
            raise ValueError(
                f"a pack shows 0 to {MAX_COMMENTS} comments; write a number in that range "
                "(0 shows none)"
            )
        return v


class Customer(_Model):
    id: Id
    name: str
    timezone: Zone = "UTC"
    description: str | None = None
    branding: Branding = Field(default_factory=Branding)
    satisfaction: CustomerSatisfaction = Field(default_factory=CustomerSatisfaction)


CombineRule = Literal["any", "all", "majority"]
NoDataPolicy = Literal["exclude", "up", "down"]


class ServiceMonitoring(_Model):
    """How outages are inferred from the service's checks (docs/metrics.md, *Outages inferred
    from checks*). Every switch has a stated default; ``monitoring: {}`` takes them all."""

    down_after: int = Field(
        default=2,
        ge=1,
        le=1000,
        description="a polled check is down after this many consecutive failed results; the "
        "outage begins at the first of them. Default 2: one failed result alone is a blip",
    )
    up_after: int = Field(
        default=2,
        ge=1,
        le=1000,
        description="a down polled check is up again after this many consecutive succeeding "
        "results; the outage ends at the first of them. Default 2: one success amid failures "
        "does not split an outage",
    )
    gap_factor: float = Field(
        default=2.5,
        ge=1,
        le=1000,
        description="two consecutive results of a polled check more than gap_factor × its "
        "interval apart leave a gap: after the earlier result's own interval, no data until "
        "the later one. Default 2.5: one missed result (with up to half an interval of "
        "jitter) is tolerated, two are not",
    )
    interval: Duration | None = Field(
        default=None,
        description="how often the checks run; default: per check, the median spacing of its "
        "consecutive results (the lower median)",
    )
    combine: CombineRule = Field(
        default="any",
        description="when several checks watch the service, it is down while: any = at least "
        "one check with data is down; all = every check with data is down; majority = more "
        "than half of the checks with data are down. Default any: an outage the provider's "
        "own monitoring saw is never hidden",
    )

    @field_validator("interval")
    @classmethod
    def _positive_interval(cls, v: Span | None) -> Span | None:
        if v is not None and v.total_seconds() <= 0:
            raise ValueError("must be longer than zero, e.g. 1m")
        return v


class AgreementMonitoring(_Model):
    """How an agreement counts time its services' checks do not cover."""

    no_data: NoDataPolicy = Field(
        default="exclude",
        description="time no check of a monitored service covers: exclude = left out of the "
        "measured time (neither up nor down; the default), up = counted as up, down = counted "
        "as down. Always reported with its minutes",
    )


class Service(_Model):
    id: Id
    name: str
    owner: str | None = None
    description: str | None = None
    offerings: list[str] = Field(default_factory=list)
    monitored_since: Day | None = Field(
        None,
        description="first day (in the agreement's zone) its outage or monitoring feed covers; "
        "availability before it is 'no data'. Default: the day of its first outage record",
    )
    monitoring: ServiceMonitoring | None = Field(
        None,
        description="infer the service's outages from the checks mapped to it (the check "
        "rows whose service is this one); `monitoring: {}` takes every default",
    )


class MappingRule(_Model):
    """Records whose fields equal ``match`` belong to ``customer``/``service``; first rule wins.

    A rule with no ``match`` is the default for its ``sources``.
    """

    sources: list[Source] = Field(default_factory=lambda: cast(list[Source], list(SOURCES)))
    match: dict[MappingField, str | list[str]] = Field(default_factory=dict)
    customer: str
    service: str | None = None

    @field_validator("customer")
    @classmethod
    def _customer(cls, v: str, info: ValidationInfo) -> str:
        return _known(info, "customers", v)

    @field_validator("service")
    @classmethod
    def _service(cls, v: str | None, info: ValidationInfo) -> str | None:
        return v if v is None else _known(info, "services", v)


# ---------------------------------------------------------------------------- targets
class CreditTier(_Model):
    below: float | None = Field(
        None,
        description="achieved value under which this credit applies (targets where higher is "
        "better: every metric but incident_count)",
    )
    above: float | None = Field(
        None, description="achieved value over which this credit applies (incident_count)"
    )
    credit_percent: Percent = Field(description="% of the period's service charge credited")

    @model_validator(mode="after")
    def _one_bound(self) -> CreditTier:
        if (self.below is None) == (self.above is None):
            raise ValueError(
                "a credit tier has either `below` (a value under which it applies) or `above` "
                "(for incident_count: a count over which it applies), not both or neither"
            )
        return self

    def applies(self, achieved: float) -> bool:
        if self.below is not None:
            return achieved < self.below
        assert self.above is not None
        return achieved > self.above


class _TargetBase(_Model):
    id: Id
    name: str | None = None
    services: list[str] | None = Field(
        None, description="services measured; default: all of the agreement's services"
    )
    objective: float
    warning: float | None = Field(
        None,
        description="early-warning level on the met side of the objective: a value that meets "
        "the objective but not this level is 'At risk' (amber). Higher-is-better targets: at or "
        "above the objective; incident counts: at or below it. Default: no warning band",
    )
    effective_from: Day | None = None
    effective_to: Day | None = None
    credits: list[CreditTier] = Field(default_factory=list)

    higher_is_better: bool = True

    @model_validator(mode="after")
    def _credit_side(self) -> _TargetBase:
        side, wrong = ("below", "above") if self.higher_is_better else ("above", "below")
        for c in self.credits:
            if getattr(c, wrong) is not None:
                better = "higher" if self.higher_is_better else "lower"
                raise ValueError(
                    f"credit tier `{wrong}: {self.level(getattr(c, wrong))}`: this target is "
                    f"better {better}, so its credits apply to values {side} a level; write "
                    f"`{side}:` (e.g. {{{side}: {self.level(self.objective)}, credit_percent: "
                    f"{c.credit_percent:g}}})"
                )
        return self

    @model_validator(mode="after")
    def _warning_side(self) -> _TargetBase:
        w, o = self.warning, self.objective
        if w is None:
            return self
        if self.higher_is_better and w < o:
            raise ValueError(
                f"warning {self.level(w)} is below objective {self.level(o)}; the warning level "
                "marks the 'At risk' band of values that meet the objective, so it must be at or "
                f"above {self.level(o)}; a value below the objective is Missed"
            )
        if not self.higher_is_better and w > o:
            raise ValueError(
                f"warning {self.level(w)} is above objective {self.level(o)}; for a "
                "lower-is-better target the 'At risk' band lies under the objective, so the "
                f"warning must be at or below {self.level(o)}"
            )
        return self

    @field_validator("services")
    @classmethod
    def _services(cls, v: list[str] | None, info: ValidationInfo) -> list[str] | None:
        for s in v or []:
            _known(info, "services", s)
        return v

    def in_force(self, period: Period) -> bool:
        return in_force(self.effective_from, self.effective_to, period)

    def level(self, value: float) -> str:
        """An objective, warning or credit level as the catalogue would write it."""
        return f"{value:g}"


class _PercentTarget(_TargetBase):
    objective: Percent
    warning: Percent | None = None


class _CalendarTarget(_Model):
    calendar: str

    @field_validator("calendar")
    @classmethod
    def _cal(cls, v: str, info: ValidationInfo) -> str:
        return _known(info, "calendars", v)


AvailabilityMethod = Literal["time", "events", "timeslices"]
LATENCY_PERCENTILES = (50, 75, 90, 95, 99)  # the `latency_pNN_ms` conditions of `good_when`
DAY_MINUTES = 1440


class GoodSlice(_Model):
    """When a time slice is good: every condition written holds (docs/metrics.md,
    *Availability from checks*)."""

    success_ratio: float | None = Field(
        None, description="at least this share (0–1) of the slice's check results succeed, "
        "e.g. 0.9"
    )  # fmt: skip
    latency_p50_ms: float | None = Field(None, gt=0, description="median latency at most this")
    latency_p75_ms: float | None = Field(None, gt=0, description="p75 latency at most this")
    latency_p90_ms: float | None = Field(None, gt=0, description="p90 latency at most this")
    latency_p95_ms: float | None = Field(None, gt=0, description="p95 latency at most this")
    latency_p99_ms: float | None = Field(None, gt=0, description="p99 latency at most this")

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        wrong = [k for k in data if k not in cls.model_fields] if isinstance(data, dict) else []
        if wrong:
            raise ValueError(
                f"unknown condition {wrong[0]!r}; a slice is good when `success_ratio: 0.9` "
                "(share of its check results that succeed) and/or `latency_pNN_ms: 800` "
                f"(NN one of {', '.join(map(str, LATENCY_PERCENTILES))}) holds"
            )
        return data

    @field_validator("success_ratio")
    @classmethod
    def _ratio(cls, v: float | None) -> float | None:
        if v is not None and not 0 < v <= 1:
            hint = f"; for {v:g} % write {v / 100:g}" if 1 < v <= 100 else ""
            raise ValueError(f"a share from 0 (exclusive) to 1{hint}")
        return v

    @model_validator(mode="after")
    def _conditions(self) -> GoodSlice:
        latencies = [f for f in self.model_fields_set if f.startswith("latency_")]
        if self.success_ratio is None and not latencies:
            raise ValueError(
                "good_when needs a condition: {success_ratio: 0.9} or {latency_p95_ms: 800}"
            )
        if len(latencies) > 1:
            named = ", ".join(sorted(latencies))
            raise ValueError(
                f"good_when has {len(latencies)} latency conditions ({named}); give one percentile"
            )
        return self

    @property
    def latency(self) -> tuple[int, float] | None:
        """(percentile, milliseconds) of the latency condition, if any."""
        for q in LATENCY_PERCENTILES:
            ms = getattr(self, f"latency_p{q}_ms")
            if ms is not None:
                return q, float(ms)
        return None

    def describe(self) -> str:
        parts = []
        if self.success_ratio is not None:
            parts.append(f"≥ {_pct(100 * self.success_ratio)} of checks succeed")
        if self.latency is not None:
            q, ms = self.latency
            parts.append(f"p{q} latency ≤ {ms:g} ms")
        return " and ".join(parts)


class AvailabilityTarget(_PercentTarget, _CalendarTarget):
    metric: Literal["availability"]
    method: AvailabilityMethod = Field(
        "time",
        description="time = (scheduled − downtime) / scheduled from outages; events = good "
        "check results / valid check results; timeslices = good slices / measured slices",
    )
    partial_weight: float = Field(
        0.5, ge=0, le=1, description="time: share of a partial outage that counts as downtime"
    )
    latency_ms: float | None = Field(
        None,
        gt=0,
        description="events: a good check result also answered within this many milliseconds "
        "(default: success alone)",
    )
    slice: Duration | None = Field(
        None, description="timeslices: length of a slice, whole minutes dividing a day (default 5m)"
    )
    good_when: GoodSlice | None = Field(
        None,
        description="timeslices: when a slice is good, e.g. {success_ratio: 0.9} or "
        "{latency_p95_ms: 800}",
    )

    @field_validator("slice")
    @classmethod
    def _slice(cls, v: Span | None) -> Span | None:
        if v is None:
            return v
        minutes = v.total_seconds() / 60
        if minutes < 1 or minutes != int(minutes) or DAY_MINUTES % int(minutes):
            fits = ", ".join(f"{m}m" for m in range(1, 61) if DAY_MINUTES % m == 0)
            raise ValueError(
                f"a slice of {describe_duration(v)} does not divide a day into whole minutes; "
                f"choose one of {fits} (or 2h, 3h, 4h, 6h, 8h, 12h, 24h)"
            )
        return v

    @model_validator(mode="after")
    def _method_settings(self) -> AvailabilityTarget:
        own = {"time": ["partial_weight"], "events": ["latency_ms"],
               "timeslices": ["slice", "good_when"]}  # fmt: skip
        for method, keys in own.items():
            for key in keys:
                if method != self.method and key in self.model_fields_set:
                    raise ValueError(
                        f"`{key}` applies to method: {method}, and this target's method is "
                        f"{self.method}; remove `{key}` or write `method: {method}`"
                    )
        if self.method == "timeslices" and self.good_when is None:
            raise ValueError(
                "a timeslices target needs `good_when`, e.g. good_when: {success_ratio: 0.9} "
                "(≥ 90 % of a slice's check results succeed) or {latency_p95_ms: 800}"
            )
        return self

    @property
    def slice_minutes(self) -> int:
        return 5 if self.slice is None else round(self.slice.total_seconds() / 60)

    def sentence(self, cal: Calendar, no_data: str = "exclude") -> str:
        hours = f"during service hours ({cal.describe()}), planned maintenance excluded"
        if self.method == "events":
            fast = f" and answered within {self.latency_ms:g} ms" if self.latency_ms else ""
            return f"{_pct(self.objective)} of check results good (succeeded{fast}) {hours}"
        if self.method == "timeslices":
            assert self.good_when is not None
            empty = {"up": "counted as good", "down": "counted as bad"}.get(no_data, "not counted")
            return (
                f"{_pct(self.objective)} of {self.slice_minutes}-minute slices good "
                f"({self.good_when.describe()}) {hours}; slices without check results "
                f"{empty}"
            )
        return (
            f"{_pct(self.objective)} availability {hours}, partial outages counted at "
            f"{self.partial_weight:.0%}"
        )


PRIORITIES = range(1, 6)  # incidents are stored with priorities 1 (critical) to 5 (planning)


class _PrioritySelector(_Model):
    priority: list[int] | None = Field(
        None, description="priorities measured, 1 (critical) to 5 (planning) (default: all)"
    )

    @field_validator("priority", mode="before")
    @classmethod
    def _prio(cls, v: Any) -> Any:
        return [v] if isinstance(v, int) else v

    @field_validator("priority")
    @classmethod
    def _range(cls, v: list[int] | None) -> list[int] | None:
        wrong = [str(p) for p in v or [] if p not in PRIORITIES]
        if wrong:
            which = (
                f"priority {wrong[0]} is"
                if len(wrong) == 1
                else f"priorities {', '.join(wrong)} are"
            )
            raise ValueError(
                f"{which} not in 1–5; incidents have priorities 1 (critical) to 5 (planning)"
            )
        return v


class CalendarBy(_Model):
    """Follow-the-sun: the calendar of each incident chosen by one of its fields."""

    field: Literal["assignment_group", "category", "cmdb_ci", "company", "business_service"]
    map: dict[str, str] = Field(description="field value → calendar name")

    @field_validator("map")
    @classmethod
    def _cals(cls, v: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        for name in v.values():
            _known(info, "calendars", name)
        return v


class TicketTimeTarget(_PercentTarget, _CalendarTarget, _PrioritySelector):
    metric: Literal["response_time", "resolution_time"]
    within: Duration
    calendar_by: CalendarBy | None = Field(
        None,
        description="choose the calendar per incident by a field (follow-the-sun); `calendar` "
        "is used when the field's value is not in the map",
    )

    @field_validator("within")
    @classmethod
    def _positive(cls, v: timedelta) -> timedelta:
        if v <= timedelta(0):
            raise ValueError("must be longer than zero")
        return v

    def sentence(self, cal: Calendar, working_days: bool = False) -> str:
        verb = "responded to" if self.metric == "response_time" else "resolved"
        within = describe_duration(self.within, largest="hour")
        if not cal.always_open:
            within = re.sub(r"\b(hours?|minutes?)\b", r"business \1", within, count=1)
        days = self.within.written_days
        if working_days and days:
            rest = self.within - timedelta(days=days)
            hours = working_day_threshold(self.within, cal) / 3600
            within = (
                f"{days:g} working day{'s' if days != 1 else ''}"
                + (f" {describe_duration(rest, largest='hour')}" if rest else "")
                + f" ({hours:g} hours of service time)"
            )
        return (
            f"{_pct(self.objective)} of {_priorities(self.priority)} incidents {verb} within "
            f"{within}, {cal.describe()}"
        )


class SatisfactionTarget(_TargetBase):
    metric: Literal["satisfaction"]
    measure: Literal["mean", "percent_satisfied"] = "mean"
    scale: int = Field(5, ge=2, le=10, description="scores run from 1 to scale")
    satisfied_from: int = Field(4, description="scores at or above count as satisfied")

    @model_validator(mode="after")
    def _range(self) -> SatisfactionTarget:
        top = self.scale if self.measure == "mean" else 100
        if not 0 < self.objective <= top:
            raise ValueError(f"objective {self.objective} is outside 0–{top} for {self.measure}")
        return self

    def sentence(self, cal: Calendar | None = None) -> str:
        if self.measure == "mean":
            return (
                f"Mean satisfaction score of at least {self.objective:g} on a 1–{self.scale} scale"
            )
        return (
            f"At least {_pct(self.objective)} of survey responses scoring "
            f"{self.satisfied_from} or more on a 1–{self.scale} scale"
        )


class IncidentCountTarget(_TargetBase, _PrioritySelector):
    metric: Literal["incident_count"]
    objective: float = Field(
        ge=0,
        description="at most this many incidents per review period of the agreement (a month "
        "or a quarter); other periods scale it by their length",
    )
    higher_is_better: bool = False

    def sentence(self, cal: Calendar | None = None) -> str:
        which = f"{_priorities(self.priority)} " if self.priority else ""
        return f"No more than {self.objective:g} {which}incidents per period"

    def sentence_for(self, review_period: str) -> str:
        return self.sentence().replace("per period", f"per {review_period}")


def _seconds(value: Any) -> float:
    return parse_duration(value).total_seconds()


# a duration read as seconds (a float like every objective): 8h, 30m, PT4H, or a number of seconds
Seconds = Annotated[
    float,
    PlainValidator(_seconds),
    WithJsonSchema({"type": ["string", "number"], "description": DURATION_HELP}),
]
STATISTIC = re.compile(r"^(mean|p([1-9]\d?))$")
STATISTIC_HELP = "mean, or a percentile p1 … p99 such as p50, p90, p95 (nearest rank)"


class _DurationTarget(_TargetBase):
    """A target on a duration (``objective: 8h``): objective, warning and credit levels are
    durations, read as seconds."""

    objective: Seconds
    warning: Seconds | None = None

    @model_validator(mode="before")
    @classmethod
    def _credit_durations(cls, data: Any) -> Any:
        """Credit levels of a duration target are durations too (``above: 12h``)."""
        if not isinstance(data, dict) or not isinstance(data.get("credits"), list):
            return data
        tiers = []
        for tier in data["credits"]:
            if isinstance(tier, dict):
                tier = {
                    k: _seconds(x) if k in ("below", "above") and isinstance(x, str) else x
                    for k, x in tier.items()
                }
            tiers.append(tier)
        return {**data, "credits": tiers}

    @field_validator("objective")
    @classmethod
    def _positive(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("must be a duration longer than zero, e.g. 8h")
        return v

    def level(self, value: float) -> str:
        """A duration level as a catalogue would write it: ``8h``, ``90m``, ``45s``."""
        seconds = round(value)
        for unit, size in (("h", 3600), ("m", 60)):
            if seconds and seconds % size == 0:
                return f"{seconds // size}{unit}"
        return f"{value:g}s"


class TicketDurationTarget(_DurationTarget, _CalendarTarget, _PrioritySelector):
    """MTTA / MTTR: a statistic of the agreement's response (mtta) or resolution (mttr) clock
    over the incidents whose clock stopped in the period; lower is better."""

    metric: Literal["mtta", "mttr"]
    statistic: str = Field(
        "mean", description=f"{STATISTIC_HELP} of the incidents' business elapsed times"
    )
    higher_is_better: bool = False

    @field_validator("statistic")
    @classmethod
    def _statistic(cls, v: str) -> str:
        if not STATISTIC.match(v):
            raise ValueError(f"{v!r} is not a statistic; write {STATISTIC_HELP}")
        return v

    @property
    def percentile(self) -> int | None:
        """The percentile of ``statistic`` (90 for p90); None for the mean."""
        return None if self.statistic == "mean" else int(self.statistic[1:])

    def sentence(self, cal: Calendar) -> str:
        what = "respond to" if self.metric == "mtta" else "resolve"
        stat = (
            "Mean time"
            if self.percentile is None
            else f"{_ordinal(self.percentile)} percentile of the time"
        )
        limit = describe_duration(timedelta(seconds=self.objective), largest="hour")
        if not cal.always_open:
            limit = re.sub(r"\b(hours?|minutes?)\b", r"business \1", limit, count=1)
        return (
            f"{stat} to {what} {_priorities(self.priority)} incidents of at most {limit}, "
            f"{cal.describe()}"
        )


class OutageDurationTarget(_DurationTarget, _CalendarTarget):
    """MTBF (higher is better) / MTRS (lower is better) of a service's outages over its service
    hours, from the outages availability is measured from."""

    metric: Literal["mtbf", "mtrs"]
    statistic: Literal["mean"] = Field(
        "mean", description="mean only: downtime and up time divided by the number of outages"
    )
    partial_weight: float = Field(
        0.5, ge=0, le=1, description="share of a partial outage that counts as downtime"
    )

    @model_validator(mode="before")
    @classmethod
    def _direction(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        stat = data.get("statistic", "mean")
        if stat != "mean":
            raise ValueError(
                f"statistic {stat!r}: {data.get('metric', 'mtbf')} is a mean over the period "
                "(downtime or up time divided by the number of outages), not a distribution; "
                "write `statistic: mean` or leave it out"
            )
        return {**data, "higher_is_better": data.get("metric") == "mtbf"}

    def sentence(self, cal: Calendar) -> str:
        limit = describe_duration(timedelta(seconds=self.objective), largest="hour")
        if self.metric == "mtbf":
            return (
                f"Mean time between failures of at least {limit} of service time "
                f"({cal.describe()}), planned maintenance excluded"
            )
        return (
            f"Mean time to restore service of at most {limit} of service time "
            f"({cal.describe()}), planned maintenance excluded, partial outages counted at "
            f"{self.partial_weight:.0%}"
        )


class ReopenRateTarget(_TargetBase, _PrioritySelector):
    """Reopened incidents as a share of those resolved in the period; lower is better."""

    metric: Literal["reopen_rate"]
    objective: float = Field(ge=0, le=100, description="at most this % of resolved incidents")
    warning: float | None = Field(None, ge=0, le=100)
    higher_is_better: bool = False

    def sentence(self, cal: Calendar | None = None) -> str:
        which = f" {_priorities(self.priority)}" if self.priority else ""
        return (
            f"At most {_pct(self.objective)} of the{which} incidents resolved in the period "
            "reopened"
        )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


TargetModel = (
    AvailabilityTarget
    | TicketTimeTarget
    | SatisfactionTarget
    | IncidentCountTarget
    | TicketDurationTarget
    | OutageDurationTarget
    | ReopenRateTarget
)
Target = Annotated[TargetModel, Field(discriminator="metric")]


# the default state lists of a clock; a state written in one list leaves the others' defaults
STATE_DEFAULTS: dict[str, tuple[str, ...]] = {
    "pause_states": ("On Hold", "Awaiting User Info", "Awaiting Caller"),
    "resolved_states": ("Resolved",),
    "closed_states": ("Closed",),
    "cancelled_states": ("Canceled", "Cancelled"),
    "initial_states": ("New", "Open", "Draft", "Registered", "Logged", "Submitted", "Queued"),
}


class ClockSettings(_Model):
    """How ticket clocks run. Each switch has a documented default."""

    pause_states: list[str] = Field(
        default_factory=lambda: list(STATE_DEFAULTS["pause_states"]),
        description="states in which the clock is paused",
    )
    exclude_maintenance: bool = Field(
        False, description="maintenance windows of the service stop the ticket clock"
    )
    resolved_states: list[str] = Field(
        default_factory=lambda: list(STATE_DEFAULTS["resolved_states"]),
        description="states that mean resolved; leaving one for another state is a reopen",
    )
    reopen: Literal["all", "first", "last", "largest_span"] = Field(
        "all",
        description="resolution clock of a reopened incident: all = every cycle counts and the "
        "clock is paused while resolved; first = the first cycle only (stops at the first "
        "resolution); last = the last cycle only (starts at the last reopen); largest_span = "
        "the cycle with the most business time",
    )
    resolution_start: Literal["opened", "first_response"] = Field(
        "opened", description="what starts the resolution clock"
    )
    resolution_stop: Literal["resolved", "closed"] = Field(
        "resolved",
        description="what stops the resolution clock: resolved = resolved_at, else the final "
        "entry into a resolved state in the state history, else closed_at, else the entry into "
        "a closed state there; closed = closed_at, else the entry into a closed state",
    )
    closed_states: list[str] = Field(
        default_factory=lambda: list(STATE_DEFAULTS["closed_states"]),
        description="states that mean closed: entering one stops the clock when no resolution "
        "time is known",
    )
    cancelled_states: list[str] = Field(
        default_factory=lambda: list(STATE_DEFAULTS["cancelled_states"]),
        description="states that mean cancelled (a ticket that needed no resolution)",
    )
    initial_states: list[str] = Field(
        default_factory=lambda: list(STATE_DEFAULTS["initial_states"]),
        description="states a ticket waits in before anyone responds: the first response is "
        "the first entry into any other state (when the export has no first-response time)",
    )
    exclude_cancelled: bool = Field(
        True, description="tickets in a cancelled state are not counted by ticket targets"
    )
    day: Literal["24h", "working_day"] = Field(
        "24h",
        description="what a day in a duration (`2d`) means: 24 hours of the calendar's open "
        "time, or one working day of it (the calendar's usual daily open hours)",
    )

    @model_validator(mode="before")
    @classmethod
    def _defaults_yield(cls, data: Any) -> Any:
        """A state written in one state list is dropped from the other lists' defaults
        (``resolved_states: [Resolved, Closed]`` makes Closed a resolution, not a closure)."""
        if not isinstance(data, dict):
            return data
        written = {
            s
            for key in STATE_DEFAULTS
            if isinstance(data.get(key), list)
            for s in data[key]
            if isinstance(s, str)
        }
        defaults = {
            key: [s for s in default if s not in written]
            for key, default in STATE_DEFAULTS.items()
            if key not in data
        }
        return {**data, **defaults}

    @model_validator(mode="after")
    def _states_disjoint(self) -> ClockSettings:
        ends = {
            "resolved_states": self.resolved_states,
            "closed_states": self.closed_states,
            "cancelled_states": self.cancelled_states,
            "initial_states": self.initial_states,
        }
        for name, states in ends.items():
            if both := sorted(set(states) & set(self.pause_states)):
                raise ValueError(
                    f"{', '.join(both)} is in both pause_states and {name}: a state has one "
                    "meaning for the clock; remove it from one of the lists"
                )
        seen: dict[str, str] = {}
        for name, states in ends.items():
            for state in states:
                if state in seen:
                    raise ValueError(
                        f"{state} is in both {seen[state]} and {name}: a state has one meaning "
                        "for the clock; remove it from one of the lists"
                    )
                seen[state] = name
        return self

    def resolution_stop_text(self) -> str:
        """The order in which the resolution stop is found, in words (the pack's appendix)."""
        closed = "/".join([*self.closed_states, *self.cancelled_states])
        if self.resolution_stop == "closed":
            return f"closed_at, else the entry into a closed state ({closed}) in the state history"
        final = "first" if self.reopen == "first" else "final (after the last reopen)"
        return (
            f"resolved_at, else the {final} entry into a resolved state "
            f"({'/'.join(self.resolved_states)}) in the state history, else closed_at, else the "
            f"entry into a closed state ({closed}) there"
        )

    def threshold_seconds(self, within: Span, cal: Calendar) -> int:
        """The clock threshold of ``within`` on ``cal`` under this agreement's day rule."""
        if self.day == "working_day" and within.written_days:
            return working_day_threshold(within, cal)
        return int(within.total_seconds())


class Agreement(_Model):
    id: Id
    kind: Literal["SLA", "OLA", "UC"] = "SLA"
    name: str | None = None
    customer: str
    services: list[str]
    review_period: Literal["month", "quarter"] = "month"
    timezone: Zone | None = Field(
        None, description="zone of period boundaries (default: customer's)"
    )
    effective_from: Day | None = None
    effective_to: Day | None = None
    clock: ClockSettings = Field(default_factory=ClockSettings)  # type: ignore[arg-type]
    monitoring: AgreementMonitoring = Field(default_factory=AgreementMonitoring)
    targets: list[Target]

    def in_force(self, period: Period) -> bool:
        return in_force(self.effective_from, self.effective_to, period)

    @field_validator("customer")
    @classmethod
    def _customer(cls, v: str, info: ValidationInfo) -> str:
        return _known(info, "customers", v)

    @field_validator("services")
    @classmethod
    def _services(cls, v: list[str], info: ValidationInfo) -> list[str]:
        for s in v:
            _known(info, "services", s)
        return v


# ---------------------------------------------------------------------------- maintenance
MAX_WINDOWS_A_YEAR = 10_000  # occurrences of a recurring window in its first year (hourly: 8,784)


class MaintenanceWindow(_Model):
    """A planned window: one-off (``start`` + ``end``) or recurring (RRULE + ``duration``)."""

    id: Id
    services: list[str]
    timezone: Zone = "UTC"
    start: Instant = Field(description="local wall-clock start (first occurrence if recurring)")
    end: Instant | None = None
    rrule: str | None = Field(None, description="RFC 5545 rule, e.g. FREQ=MONTHLY;BYDAY=1SU")
    duration: Duration | None = None
    description: str | None = None

    @field_validator("services")
    @classmethod
    def _services(cls, v: list[str], info: ValidationInfo) -> list[str]:
        for s in v:
            _known(info, "services", s)
        return v

    @model_validator(mode="after")
    def _shape(self) -> MaintenanceWindow:
        if self.rrule:
            if self.duration is None:
                raise ValueError("a recurring window needs a duration, e.g. duration: 4h")
            first = self.start.replace(tzinfo=None)
            try:
                rule = rrulestr(self.rrule, dtstart=first)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"rrule {self.rrule!r} is not valid RFC 5545: {exc}") from None
            if rrule_parts(self.rrule).get("FREQ") in ("MINUTELY", "SECONDLY"):
                raise ValueError(
                    f"rrule {self.rrule!r} repeats the window within an hour; maintenance "
                    "recurs hourly at most (FREQ=HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)"
                )
            if matches_nothing(self.rrule, first):
                raise ValueError(
                    f"rrule {self.rrule!r} gives no occurrence after the start "
                    f"{first:%Y-%m-%d %H:%M}, so the window never takes place; check its BY "
                    "parts (e.g. BYMONTH=2 with BYMONTHDAY=30)"
                )
            for n, when in enumerate(rule, 1):  # measuring expands it: bounded here
                if when > first + timedelta(days=366):
                    break
                if n > MAX_WINDOWS_A_YEAR:
                    raise ValueError(
                        f"rrule {self.rrule!r} repeats the window more than "
                        f"{MAX_WINDOWS_A_YEAR:,} times a year; maintenance recurs hourly at most"
                    )
        elif self.end is None or self.end <= self.start:
            raise ValueError("a one-off window needs an end after its start (or an rrule)")
        return self

    def occurrences(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """UTC [start, end) of each occurrence overlapping [start, end)."""
        tz = ZoneInfo(self.timezone)
        first = self.start.replace(tzinfo=None)
        if not self.rrule:
            assert self.end is not None
            spans = [(first, self.end.replace(tzinfo=None))]
        else:
            assert self.duration is not None
            rule = rrulestr(self.rrule, dtstart=first)
            lo = start.astimezone(tz).replace(tzinfo=None) - self.duration - timedelta(days=1)
            hi = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
            spans = [(s, s + self.duration) for s in rule.between(lo, hi, inc=True)]
        out = []
        for s, e in spans:
            su, eu = s.replace(tzinfo=tz).astimezone(UTC), e.replace(tzinfo=tz).astimezone(UTC)
            if su < end and eu > start:
                out.append((su, eu))
        return out


# ---------------------------------------------------------------------------- the whole
class Catalogue(_Model):
    """The whole catalogue; load it with ``load_catalogue(path)``."""

    calendars: dict[Id, CalendarSpec] = Field(default_factory=dict)
    customers: list[Customer]
    services: list[Service]
    mapping: list[MappingRule] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    maintenance: list[MaintenanceWindow] = Field(default_factory=list)
    source: str = Field("<memory>", exclude=True, description="file it was read from")

    @cached_property
    def built_calendars(self) -> dict[str, Calendar]:
        return {name: spec.build(name) for name, spec in self.calendars.items()}

    def calendar(self, name: str) -> Calendar:
        try:
            return self.built_calendars[name]
        except KeyError:
            raise UnknownNameError(
                f"calendar {name!r} is not in {self.source}; known: {', '.join(self.calendars)}"
            ) from None

    # look-ups by id, built once: a catalogue of 10,000 customers is asked about each of them
    @cached_property
    def customers_by_id(self) -> dict[str, Customer]:
        return {c.id: c for c in reversed(self.customers)}  # the first of a repeated id

    @cached_property
    def services_by_id(self) -> dict[str, Service]:
        return {s.id: s for s in reversed(self.services)}

    @cached_property
    def agreements_by_customer(self) -> dict[str, list[Agreement]]:
        out: dict[str, list[Agreement]] = {}
        for a in self.agreements:
            out.setdefault(a.customer, []).append(a)
        return out

    def customer(self, customer_id: str) -> Customer:
        try:
            return self.customers_by_id[customer_id]
        except KeyError:
            raise UnknownNameError(
                f"customer {customer_id!r} is not in {self.source}; known customers: "
                f"{listing(self.customers_by_id)}"
            ) from None

    def service(self, service_id: str) -> Service:
        try:
            return self.services_by_id[service_id]
        except KeyError:
            raise UnknownNameError(f"service {service_id!r} is not in {self.source}") from None

    def agreements_for(self, customer_id: str, period: Period | None = None) -> list[Agreement]:
        """The customer's agreements (in force during ``period`` when given)."""
        self.customer(customer_id)
        mine = self.agreements_by_customer.get(customer_id, [])
        return [a for a in mine if period is None or a.in_force(period)]

    def targets_for(
        self, customer_id: str, period: Period
    ) -> Iterator[tuple[Agreement, TargetModel]]:
        """(agreement, target) pairs in force for the customer in ``period``."""
        for a in self.agreements_for(customer_id, period):
            for t in a.targets:
                if t.in_force(period):
                    yield a, t

    def zone_of(self, agreement: Agreement) -> str:
        return agreement.timezone or self.customer(agreement.customer).timezone

    def services_of(self, customer_id: str) -> list[str]:
        seen: dict[str, None] = {}
        for a in self.agreements_for(customer_id):
            seen.update(dict.fromkeys(a.services))
        return list(seen)


# ---------------------------------------------------------------------------- loading
def load_catalogue(path: str | Path) -> Catalogue:
    """Read and validate a catalogue file; every mistake is listed in one ``CatalogueError``."""
    p = Path(path)
    name = str(p)
    try:
        text = read_text(p, CatalogueError)
    except FileNotFoundError:
        raise CatalogueError(
            [
                Problem(
                    name,
                    "file",
                    "not found",
                    "create it (`slm demo` writes an example) "
                    "or pass --catalogue PATH / set SLM_CATALOGUE",
                )
            ]
        ) from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise CatalogueError([Problem(name, "file", str(exc), "a UTF-8 YAML text file")]) from None
    return parse_catalogue(text, name, base_dir=p.parent)


def parse_catalogue(
    text: str, source: str = "<memory>", base_dir: str | Path | None = None
) -> Catalogue:
    """Validate catalogue YAML text; ``source`` names it in messages, ``base_dir`` resolves the
    files it refers to (default: the current directory). Limits: see ``yamlcheck``."""
    data, lines = read_yaml(
        text,
        source,
        CatalogueError,
        "a mapping with customers:, services:, calendars:, agreements:",
    )
    calendars = data.get("calendars")
    names: dict[str, set[Any]] = {
        "calendars": set(calendars) if isinstance(calendars, dict) else set(),
        "customers": {c.get("id") for c in _list(data.get("customers")) if isinstance(c, dict)},
        "services": {s.get("id") for s in _list(data.get("services")) if isinstance(s, dict)},
    }
    context = {
        **names,
        "listed": {kind: listing(n) for kind, n in names.items()},
        "base_dir": str(base_dir) if base_dir is not None else ".",
    }
    cat = validate(Catalogue, data, lines, source, CatalogueError, context, {"source": source})
    problems = _duplicates(cat, source, lines)
    if problems:
        raise CatalogueError(problems)
    return cat


def catalogue_json_schema() -> str:
    """JSON Schema of the catalogue, for editors that validate YAML as people type."""
    schema = Catalogue.model_json_schema(mode="validation")
    schema["properties"].pop("source", None)
    schema["title"] = "slm-workbench catalogue"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True)


def cross_problems(cat: Catalogue, source: str) -> list[Problem]:
    """The mistakes between parts of a catalogue changed in code (repeated ids, overlapping
    target versions, a target's service outside its agreement), as ``parse_catalogue``
    reports them; ``source`` names the change."""
    return _duplicates(cat, source, Lines(""))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _duplicates(cat: Catalogue, source: str, lines: Lines) -> list[Problem]:
    problems: list[Problem] = []

    def dup(kind: str, ids: list[str]) -> None:
        seen: dict[str, str] = {}  # ids compared without case: a customer's id names a folder,
        for i, x in enumerate(ids):  # and Windows and macOS file names ignore case
            other = seen.get(x.casefold())
            if other is not None:
                same = "" if other == x else f" (as {other!r}, which differs only in case)"
                problems.append(
                    Problem(
                        source,
                        f"{kind}[{i}].id",
                        f"duplicate id {x!r}{same}",
                        "ids must be unique, whatever their case",
                        lines.get((kind, i)),
                    )
                )
            seen.setdefault(x.casefold(), x)

    dup("customers", [c.id for c in cat.customers])
    dup("services", [s.id for s in cat.services])
    dup("agreements", [a.id for a in cat.agreements])
    for ai, a in enumerate(cat.agreements):
        covered = set(a.services)
        ranges: dict[str, list[tuple[date, date]]] = {}
        for ti, t in enumerate(a.targets):
            lo, hi = t.effective_from or date.min, t.effective_to or date.max
            for plo, phi in ranges.get(t.id, []):
                if lo <= phi and plo <= hi:
                    problems.append(
                        Problem(
                            source,
                            f"agreements[{ai}].targets[{ti}].id",
                            f"target {t.id!r} has overlapping versions",
                            "give each version of a target effective_from/effective_to that do not "
                            "overlap",
                            lines.get(("agreements", ai, "targets", ti)),
                        )
                    )
            ranges.setdefault(t.id, []).append((lo, hi))
            for s in t.services or []:
                if s not in covered:
                    problems.append(
                        Problem(
                            source,
                            f"agreements[{ai}].targets[{ti}].services",
                            f"service {s!r} is not one of the agreement's services {a.services}",
                            "add it to the agreement's services or remove it here",
                            lines.get(("agreements", ai, "targets", ti, "services")),
                        )
                    )
    return problems


def _pct(value: float) -> str:
    return f"{value:g} %"


def _priorities(prios: list[int] | None) -> str:
    if not prios:
        return "all"
    if len(prios) == 1:
        return f"Priority {prios[0]}"
    return "Priority " + ", ".join(str(p) for p in prios[:-1]) + f" and {prios[-1]}"


def target_title(cat: Catalogue, target: TargetModel, services: list[str]) -> str:
    """The target's short name: its ``name``, else ``P1 response``, ``Web Shop availability``…"""
    if target.name:
        return target.name
    if isinstance(target, TicketTimeTarget):
        prios = target.priority
        label = "All" if not prios else "P" + "/".join(str(p) for p in prios)
        return f"{label} {'response' if target.metric == 'response_time' else 'resolution'}"
    if isinstance(target, AvailabilityTarget):
        names = [cat.service(s).name for s in target.services or services]
        how = {"events": " (checks)", "timeslices": f" ({target.slice_minutes}-min slices)"}
        return f"{', '.join(names)} availability{how.get(target.method, '')}"
    if isinstance(target, SatisfactionTarget):
        return "Satisfaction" if target.measure == "mean" else "Satisfied customers"
    if isinstance(target, TicketDurationTarget):
        prios = target.priority
        label = "" if not prios else "P" + "/".join(str(p) for p in prios) + " "
        stat = "" if target.statistic == "mean" else f" {target.statistic}"
        return f"{label}{target.metric.upper()}{stat}"
    if isinstance(target, OutageDurationTarget):
        names = [cat.service(s).name for s in target.services or services]
        return f"{', '.join(names)} {target.metric.upper()}"
    if isinstance(target, ReopenRateTarget):
        return "Reopen rate"
    return "Incident count"


def target_sentence(cat: Catalogue, target: TargetModel, agreement: Agreement | None = None) -> str:
    """The one plain-language sentence both customer and provider agree on."""
    cal = cat.calendar(target.calendar) if isinstance(target, _CalendarTarget) else None
    if isinstance(target, IncidentCountTarget) and agreement is not None:
        return target.sentence_for(agreement.review_period)
    if isinstance(target, TicketTimeTarget) and cal is not None:
        working = agreement is not None and agreement.clock.day == "working_day"
        text = target.sentence(cal, working_days=working)
    elif isinstance(target, AvailabilityTarget) and cal is not None:
        text = target.sentence(cal, agreement.monitoring.no_data if agreement else "exclude")
    else:
        text = target.sentence(cal)  # type: ignore[arg-type]
    if isinstance(target, TicketTimeTarget) and target.calendar_by:
        by = target.calendar_by
        field = by.field.replace("_", " ")
        text += "".join(
            f"; for incidents whose {field} is {value!r}: {cat.calendar(name).describe()}"
            for value, name in by.map.items()
        )
    return text
