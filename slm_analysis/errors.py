"""One error root for everything the library reports to a user.

Every message says what was found and how to fix it. The CLI turns an ``SlmError`` into a
clean message and its ``exit_code``; library code never calls ``sys.exit``.
"""

from __future__ import annotations

from dataclasses import dataclass


class SlmError(Exception):
    """Root of every error slm-workbench raises on purpose."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def first_lines(exc: BaseException, n: int = 1) -> str:
    """The first ``n`` non-blank lines of another library's error, on one line (at most 300
    characters), to quote inside one of ours; the exception's type when it has no text.
    DuckDB's quotes of our own SQL (``LINE 1: …`` and its ``^`` marker) are left out."""
    lines = [
        ln.strip()
        for ln in str(exc).splitlines()
        if ln.strip() and not ln.startswith("LINE ") and ln.strip("^ ")
    ]
    return " ".join(lines[:n])[:300] if lines else type(exc).__name__


@dataclass(frozen=True)
class Problem:
    """One mistake in a file: where it is, what was found, what was expected."""

    file: str
    where: str
    found: str
    expected: str
    line: int | None = None

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.where}: {self.found}; {self.expected}"


class ConfigError(SlmError):
    """A YAML file of ours (catalogue, import mapping) has mistakes; ``problems`` lists each."""

    what = "the file"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        noun = "mistake" if len(problems) == 1 else "mistakes"
        lines = [f"{self.what} has {len(problems)} {noun}:"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


class CatalogueError(ConfigError):
    """The catalogue has one or more mistakes."""

    what = "the catalogue"


class MappingError(ConfigError):
    """An import mapping file has one or more mistakes."""

    what = "the import mapping"


class WorkspaceError(ConfigError):
    """The workspace's ``slm.toml`` has one or more mistakes."""

    what = "the workspace file"


class InputError(SlmError):
    """A file or argument given by the user cannot be used as it is."""


class UnknownNameError(SlmError):
    """A customer, service, target or period that the catalogue does not know."""


class WarehouseError(SlmError):
    """The warehouse cannot be opened or written (locked, wrong version, missing)."""


class RenderError(SlmError):
    """A review pack could not be produced; nothing was published."""

    exit_code = 1


@dataclass(frozen=True)
class QuarantineGroup:
    """The rows of a file that failed validation for one reason in one column."""

    column: str  # as the file names it
    reason: str
    rows: int
    first_line: int
    example: str | None  # the value on the first line

    def __str__(self) -> str:
        value = "(empty)" if self.example is None else f'"{self.example}"'
        noun = "row" if self.rows == 1 else "rows"
        return (
            f"{self.column}: {self.rows} {noun}, first on line {self.first_line} ({value}): "
            f"{self.reason}"
        )


class QuarantineLimitError(SlmError):
    """A load would quarantine more of its file's rows than allowed; nothing was written.

    ``groups`` says why, per column and reason (most rows first)."""

    exit_code = 1
    shown = 8  # groups listed in the message

    def __init__(
        self,
        path: str,
        rows: int,
        quarantined: int,
        limit: float,
        groups: list[QuarantineGroup],
        mapped: bool = False,
    ) -> None:
        self.path = path
        self.rows = rows
        self.quarantined = quarantined
        self.limit = limit
        self.groups = groups
        lines = [
            f"{path}: {quarantined} of {rows} rows ({_percent(100 * quarantined / rows)}) fail "
            f"validation, more than the {_percent(limit)} a load may quarantine; nothing was "
            "loaded (the warehouse is unchanged).",
            "Check the mapping's columns and its timestamp_format against the file. Why the rows "
            "fail:"
            if mapped
            else "The file probably needs a mapping (--mapping M.yaml naming its columns) or a "
            "date format (timestamp_format in the mapping). Why the rows fail:",
            *(f"  - {g}" for g in groups[: self.shown]),
        ]
        if len(groups) > self.shown:
            lines.append(f"  - and {len(groups) - self.shown} more")
        lines.append(
            "To load the valid rows anyway and quarantine the rest, pass --max-quarantined 100."
        )
        super().__init__("\n".join(lines))


def _percent(value: float) -> str:
    """66.7 %, 50 %, 100 %: one decimal, none when whole."""
    return f"{value:.1f}".removesuffix(".0") + " %"
