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


class InputError(SlmError):
    """A file or argument given by the user cannot be used as it is."""


class UnknownNameError(SlmError):
    """A customer, service, target or period that the catalogue does not know."""


class WarehouseError(SlmError):
    """The warehouse cannot be opened or written (locked, wrong version, missing)."""


class RenderError(SlmError):
    """A review pack could not be produced; nothing was published."""

    exit_code = 1
