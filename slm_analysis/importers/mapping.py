"""Import mappings: load any tabular export (CSV, TSV, Parquet, JSON lines) by naming its columns.

How to read the file (delimiter, JSON, Parquet) is recognised from its content.

A mapping YAML says which column holds each field, how its date-times are written and in which
zone, how values translate (``Sev1`` → priority 1) and which fields are constant; in event-log
mode each row is one update of a ticket, turned into a snapshot and a state history. The
mapped columns then go through the same staging, validation and quarantine as a known format.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import duckdb
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from ..errors import MappingError, Problem, first_lines
from ..ids import Id
from ..yamlcheck import read_text, validate_yaml
from .formats import GENERIC_BASE, KINDS, Format, Stream

Kind = Literal["incidents", "outages", "checks", "surveys", "maintenance", "actions"]


def _as_list(v: object) -> object:
    return [v] if isinstance(v, str) else v


class ImportMapping(BaseModel):
    """The typed content of a mapping file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind = Field(description="what the file holds")
    timezone: str | None = Field(
        None, description="IANA zone of date-times without an offset (--timezone overrides)"
    )
    source: Id | None = Field(
        None,
        description="the system the file comes from, which keys its records (--source "
        "overrides; default: the format's family)",
    )
    timestamp_format: Annotated[list[str], BeforeValidator(_as_list)] = Field(
        default_factory=list,
        description="strptime formats of the date-time columns, tried before the built-in ones, "
        "e.g. '%d.%m.%Y %H:%M'",
    )
    event_log: bool = Field(
        False,
        description="one row per update of a ticket (incidents only): build snapshots "
        "and state histories; map number, incident_state and sys_updated_at",
    )
    stream: Stream | None = Field(
        None,
        description="checks only: `polled` (one row per check run; a gap is no data) or "
        "`status-change` (a row only when the monitor's state changes; the state holds until "
        "the next row, and with an `important` column only the rows flagged important are "
        "kept). Default: polled",
    )
    columns: dict[str, str] = Field(description="field → column of the file")
    values: dict[str, dict[str, str | int | float]] = Field(
        default_factory=dict, description="field → {value in the file: value meant}"
    )
    constants: dict[str, str | int | float] = Field(
        default_factory=dict, description="field → the value every row has"
    )

    @field_validator("timestamp_format")
    @classmethod
    def _layouts(cls, v: list[str]) -> list[str]:
        """Each layout as DuckDB's strptime reads it (checked here, not when a file is read)."""
        con = duckdb.connect()
        try:
            for layout in v:
                try:
                    con.execute("select try_strptime('', $f)", {"f": layout})
                except duckdb.Error as exc:
                    reason = re.sub(r"^.*format specifier [^:]*: ", "", first_lines(exc))
                    raise ValueError(
                        f"{layout!r} is not a strptime layout ({reason}); write one such as "
                        "'%d.%m.%Y %H:%M' (%d day, %m month, %Y year, %H hour, %M minute)"
                    ) from None
        finally:
            con.close()
        return v

    @property
    def base(self) -> Format:
        """The format whose staging the mapped columns feed."""
        return GENERIC_BASE[(self.kind, self.event_log)]

    @model_validator(mode="after")
    def _fields_exist(self) -> ImportMapping:
        if (self.kind, self.event_log) not in GENERIC_BASE:
            raise ValueError(f"event_log mode is for incidents, not {self.kind}")
        if self.stream is not None and self.kind != "checks":
            raise ValueError(f"stream is for checks, not {self.kind}; remove it")
        known = set(self.base.columns)
        mistakes = []
        for where in ("columns", "values", "constants"):
            unknown = sorted(set(getattr(self, where)) - known)
            if unknown:
                mistakes.append(
                    f"{where}: unknown field(s) {', '.join(unknown)} (the {self.kind} fields "
                    f"are {', '.join(self.base.columns)})"
                )
        both = sorted(set(self.columns) & set(self.constants))
        if both:
            mistakes.append(
                f"field(s) {', '.join(both)} both mapped to a column and given as a constant; "
                "keep one"
            )
        optional_in_log = {"opened_at"} if self.event_log else set()
        missing = [
            f
            for f in self.base.required
            if f not in self.columns and f not in self.constants and f not in optional_in_log
        ]
        if missing:
            mistakes.append(
                f"required field(s) {', '.join(missing)} are neither mapped to a column nor "
                "given as a constant"
            )
        if mistakes:
            raise ValueError("; ".join(mistakes))
        return self


def load_mapping(path: str | Path) -> ImportMapping:
    """Read and validate a mapping file; every mistake in one ``MappingError``."""
    p = Path(path)
    try:
        text = read_text(p, MappingError)
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(
            [Problem(str(p), "file", str(exc), "a readable UTF-8 YAML file")]
        ) from None
    mapping, _ = validate_yaml(
        ImportMapping, text, str(p), MappingError, "a mapping with kind:, columns:"
    )
    return mapping


__all__ = ["KINDS", "ImportMapping", "load_mapping"]
