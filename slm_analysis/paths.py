"""Every default path in one place."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError

DEFAULT_DB = Path("data") / "warehouse.duckdb"
DEFAULT_CATALOGUE = Path("catalogue.yaml")
DEFAULT_REPORTS = Path("reports")
DEFAULT_RAW = Path("data") / "raw"
PACKAGE_DIR = Path(__file__).resolve().parent
SQL_DIR = PACKAGE_DIR / "sql"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
# The notebooks ship inside the package (a wheel install renders packs); the checkout's
# notebooks/ holds symbolic links to them, so JupyterLab opens them there.
NOTEBOOK_DIR = PACKAGE_DIR / "notebooks"


def db_path(value: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse path: the argument, else ``$SLM_DB``, else ``data/warehouse.duckdb``."""
    return Path(value or os.environ.get("SLM_DB") or DEFAULT_DB)


def catalogue_path(value: str | os.PathLike[str] | None = None) -> Path:
    """The catalogue path: the argument, else ``$SLM_CATALOGUE``, else ``catalogue.yaml``."""
    return Path(value or os.environ.get("SLM_CATALOGUE") or DEFAULT_CATALOGUE)


def reports_path(value: str | os.PathLike[str] | None = None) -> Path:
    """Where packs go: the argument, else ``$SLM_REPORTS``, else ``reports``."""
    return Path(value or os.environ.get("SLM_REPORTS") or DEFAULT_REPORTS)


def inside(root: Path, *parts: str) -> Path:
    """``root / part / …`` — the one way an output path is built: each part must be a single
    plain name (no separator, not ``.`` or ``..``) and the resolved path must stay inside the
    resolved ``root``; anything else is an ``InputError`` and nothing is written."""
    base = root.resolve()
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\0" in part:
            raise InputError(
                f"{part!r} cannot name a file or folder under {base}; ids are checked when the "
                "catalogue loads — is this one from outside the catalogue?"
            )
    target = base.joinpath(*parts).resolve()
    if not target.is_relative_to(base):
        raise InputError(f"{target} is outside {base}; nothing was written")
    return target


def workspace_file(root: Path, relative: str) -> Path:
    """The file a catalogue refers to (an iCalendar file): ``relative`` under ``root`` (the
    workspace, the folder holding the catalogue), resolved with its symbolic links. It must be
    a relative path that stays inside the resolved ``root`` — an absolute path, ``..`` that
    leaves it or a link that points out of it is a ``ValueError`` saying how to fix it, so a
    catalogue (which may come from someone else) reads no file elsewhere on the disk."""
    base = root.resolve()
    fix = (
        f"give a path relative to the catalogue's folder {base} that stays inside it (e.g. "
        "holidays/shutdown.ics), and copy the file there"
    )
    if "\0" in relative:
        raise ValueError(f"a path cannot hold a NUL character; {fix}")
    if Path(relative).is_absolute():
        raise ValueError(f"an absolute path is not allowed; {fix}")
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise ValueError(f"the path leads to {target}, outside the catalogue's folder; {fix}")
    return target
