"""Every default path in one place."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, WorkspaceError

DEFAULT_DB = Path("data") / "warehouse.duckdb"
DEFAULT_CATALOGUE = Path("catalogue.yaml")
DEFAULT_REPORTS = Path("reports")
DEFAULT_RAW = Path("data") / "raw"
DEFAULT_REVIEWS = Path("reviews")
NOTEBOOKS = "notebooks"  # a workspace's folder of notebooks (JupyterLab opens on it)
WORKSPACE_FILE = "slm.toml"
# set by `slm lab` for its kernels and terminals: the workspace when walking up finds none (a
# notebook saved outside it), so that a workspace inside the lab's is still found as itself
LAB_HOME = "SLM_LAB_HOME"
# slm.toml's [paths]: each key and its default, relative to the workspace folder
WORKSPACE_PATHS = {
    "catalogue": DEFAULT_CATALOGUE,
    "warehouse": DEFAULT_DB,
    "reports": DEFAULT_REPORTS,
    "reviews": DEFAULT_REVIEWS,
}
PACKAGE_DIR = Path(__file__).resolve().parent
SQL_DIR = PACKAGE_DIR / "sql"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
# The notebooks ship inside the package (a wheel install renders packs); the checkout's
# notebooks/ holds symbolic links to them, so JupyterLab opens them there.
NOTEBOOK_DIR = PACKAGE_DIR / "notebooks"
# the pack's notebook: `slm render` runs this one unless given --template
DEFAULT_TEMPLATE = NOTEBOOK_DIR / "service_review.ipynb"


@dataclass(frozen=True)
class Workspace:
    """A workspace: the folder marked by ``slm.toml`` (or ``catalogue.yaml``) and where its
    files are. Every path is absolute."""

    root: Path
    catalogue: Path
    warehouse: Path
    reports: Path
    reviews: Path


def workspace(start: str | os.PathLike[str] | None = None) -> Workspace:
    """The workspace found from the folder ``start``; without it, ``$SLM_HOME`` when set, else
    the one found from the current directory. Found means the nearest folder at or above
    holding ``slm.toml``, else the nearest holding ``catalogue.yaml``, else (from the current
    directory) the lab's workspace (``$SLM_LAB_HOME``), else the folder itself.
    Its paths are ``slm.toml``'s ``[paths]`` (a bad file is a ``WorkspaceError``), else the
    defaults (``WORKSPACE_PATHS``)."""
    home = os.environ.get("SLM_HOME") if start is None else None
    lab = os.environ.get(LAB_HOME) if start is None else None
    root = _home(home) if home else find_root(Path(start or Path.cwd()), lab)
    marker = root / WORKSPACE_FILE
    given = _workspace_settings(marker) if marker.is_file() else {}
    found = {key: root / given.get(key, default) for key, default in WORKSPACE_PATHS.items()}
    return Workspace(root, **found)


def find_root(start: Path, fallback: str | None = None) -> Path:
    """The nearest folder at or above ``start`` holding ``slm.toml``, else the nearest holding
    ``catalogue.yaml``, else the folder ``fallback`` when given and a folder, else ``start``
    itself (absolute, links kept as given)."""
    here = start.absolute()
    for marker in (WORKSPACE_FILE, DEFAULT_CATALOGUE.name):
        for folder in (here, *here.parents):
            if (folder / marker).is_file():
                return folder
    return Path(fallback).absolute() if fallback and Path(fallback).is_dir() else here


def _home(value: str) -> Path:
    """``$SLM_HOME`` as an absolute folder; an ``InputError`` when it is not one."""
    root = Path(value).expanduser().absolute()
    if not root.is_dir():
        raise InputError(
            f"SLM_HOME is {value!r}, which is not a folder; set it to your workspace folder (the "
            "one holding slm.toml or catalogue.yaml), or unset it to find the workspace from "
            "the current directory"
        )
    return root


def _workspace_settings(file: Path) -> dict[str, str]:
    """The ``[paths]`` of an ``slm.toml``, checked: a ``WorkspaceError`` lists every mistake."""
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        found = getattr(exc, "strerror", None) or f"not UTF-8 text ({exc})"
        raise WorkspaceError(
            [Problem(str(file), "file", found, "make it a readable UTF-8 text file")]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        expected = 'valid TOML, e.g. a line [paths] then lines such as catalogue = "catalogue.yaml"'
        line = int(at.group(1)) if at else None
        found = f"{str(exc)[: at.start()].rstrip()} (column {at.group(2)})" if at else str(exc)
        raise WorkspaceError([Problem(str(file), "TOML", found, expected, line)]) from None
    problems = workspace_problems(str(file), data)
    if problems:
        raise WorkspaceError(problems)
    return dict(data.get("paths", {}))


def workspace_problems(source: str, data: dict[str, Any]) -> list[Problem]:
    """The mistakes of an ``slm.toml``'s parsed ``data``: keys other than the ``[paths]``
    table and its keys, values that are not non-empty strings."""
    known = ", ".join(WORKSPACE_PATHS)
    problems = [
        Problem(
            source, key, "not a setting of slm.toml", "remove it; the file holds one table, [paths]"
        )
        for key in data
        if key != "paths"
    ]
    paths = data.get("paths", {})
    if not isinstance(paths, dict):
        expected = 'a table: a line [paths] then lines such as catalogue = "catalogue.yaml"'
        return [*problems, Problem(source, "paths", f"found {_toml_kind(paths)}", expected)]
    for key, value in paths.items():
        where = f"paths.{key}"
        if key not in WORKSPACE_PATHS:
            near = difflib.get_close_matches(str(key), WORKSPACE_PATHS, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            problems.append(
                Problem(source, where, "not a key of [paths]", f"use one of {known}{hint}")
            )
        elif not isinstance(value, str) or not value.strip():
            example = f'{key} = "{WORKSPACE_PATHS[key].as_posix()}"'
            expected = f"a path in quotes, relative to the folder of slm.toml, e.g. {example}"
            problems.append(Problem(source, where, f"found {_toml_kind(value)}", expected))
    return problems


def _toml_kind(value: Any) -> str:
    """What a TOML value is, in words: ``an integer (3)``, ``an empty string``."""
    if value == "":
        return "an empty string"
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    kinds |= {list: "an array", dict: "a table"}
    kind = next((word for t, word in kinds.items() if isinstance(value, t)), "a date or time")
    return f"{kind} ({value!r})" if not isinstance(value, list | dict) else kind


def shown(path: Path) -> Path:
    """``path`` relative to the current directory when it is inside it (so paths print as
    before when slm runs in the workspace's folder), else as it is."""
    cwd = Path.cwd()
    return path.relative_to(cwd) if path.is_relative_to(cwd) and path != cwd else path


def db_path(value: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse path: the argument, else ``$SLM_DB``, else the workspace's warehouse."""
    return Path(value or os.environ.get("SLM_DB") or shown(workspace().warehouse))


def catalogue_path(value: str | os.PathLike[str] | None = None) -> Path:
    """The catalogue path: the argument, else ``$SLM_CATALOGUE``, else the workspace's
    catalogue."""
    return Path(value or os.environ.get("SLM_CATALOGUE") or shown(workspace().catalogue))


def reports_path(value: str | os.PathLike[str] | None = None) -> Path:
    """Where packs go: the argument, else ``$SLM_REPORTS``, else the workspace's reports
    folder."""
    return Path(value or os.environ.get("SLM_REPORTS") or shown(workspace().reports))


def reviews_path(catalogue: Path) -> Path:
    """The folder of the review files read with the catalogue at ``catalogue``: the reviews
    folder of the workspace whose catalogue it is, else ``reviews`` beside it (a catalogue
    given with --catalogue outside any workspace)."""
    found = workspace(catalogue.absolute().parent)
    if found.catalogue.resolve() == catalogue.resolve():
        return shown(found.reviews)
    return catalogue.parent / DEFAULT_REVIEWS


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
