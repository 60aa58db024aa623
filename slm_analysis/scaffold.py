"""``slm init``: a new workspace for one's own data — marker, starter catalogue, mapping
template, folders, notebooks and a ``.gitignore`` that keeps customer data out of git.

The starter files ship in the package (``templates/workspace/``); nothing is ever overwritten.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from .catalogue import catalogue_json_schema
from .errors import InputError
from .paths import (
    DEFAULT_RAW,
    DEFAULT_REPORTS,
    DEFAULT_REVIEWS,
    DEFAULT_TEMPLATE,
    NOTEBOOK_DIR,
    NOTEBOOKS,
    TEMPLATE_DIR,
)

STARTER_DIR = TEMPLATE_DIR / "workspace"
STARTER_CATALOGUE = STARTER_DIR / "catalogue.yaml"
FOLDERS = tuple(
    Path(f).as_posix()
    for f in (DEFAULT_RAW, DEFAULT_REPORTS, DEFAULT_REVIEWS, NOTEBOOKS, "mappings")
)
STARTER_FILES = ("slm.toml", "catalogue.yaml", "incidents.mapping.yaml", "gitignore")


@dataclass(frozen=True)
class InitResult:
    """What ``init_workspace`` wrote: its root (absolute), the files and the folders that hold
    none of them, relative to the root."""

    root: Path
    files: tuple[str, ...]
    folders: tuple[str, ...]


def starter_files() -> dict[str, str]:
    """Each file ``slm init`` writes, relative to the workspace → its text."""
    read = {name: (STARTER_DIR / name).read_text(encoding="utf-8") for name in STARTER_FILES}
    files = {
        "slm.toml": read["slm.toml"],
        "catalogue.yaml": read["catalogue.yaml"],
        "catalogue.schema.json": catalogue_json_schema(),
        "mappings/incidents.mapping.yaml": read["incidents.mapping.yaml"],
        ".gitignore": read["gitignore"],
    }
    for notebook in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        if notebook != DEFAULT_TEMPLATE:  # packs render from the packaged one (--template)
            files[f"{NOTEBOOKS}/{notebook.name}"] = notebook.read_text(encoding="utf-8")
    return files


def init_workspace(root: Path) -> InitResult:
    """Scaffold a workspace in ``root`` (created if missing). Refuses, writing nothing, when
    ``root`` is a file or already holds any file it would write."""
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} is a file; give a folder (new or existing) to slm init")
    files = starter_files()
    taken = [name for name in files if (root / name).exists()]
    if taken:
        raise InputError(
            f"{root} already holds {', '.join(taken)}; slm init never overwrites a file and "
            "wrote nothing. Move those files away, or run slm init in a new folder "
            "(slm init DIR)"
        )
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    empty = tuple(f for f in FOLDERS if not any(n.startswith(f"{f}/") for n in files))
    return InitResult(root.resolve(), tuple(files), empty)


def next_steps(result: InitResult, given: Path) -> list[str]:
    """The commands to run next, for the summary ``slm init`` prints."""
    go = [] if result.root == Path.cwd().resolve() else [f"cd {shlex.quote(str(given))}"]
    return [
        *go,
        "edit catalogue.yaml    # your calendars, customers, services, targets and mapping rules",
        "slm load incidents data/raw/EXPORT.csv --timezone Europe/London",
        "slm check              # what the catalogue and the data still lack, and what to do",
        "slm attainment --customer example --period last-month",
        "slm render --customer example --period last-month",
    ]


def is_starter_catalogue(path: Path) -> bool:
    """True when ``path`` holds the starter catalogue exactly as ``slm init`` wrote it (so
    replacing it loses nothing)."""
    try:
        return path.read_bytes() == STARTER_CATALOGUE.read_bytes()
    except OSError:
        return False
