"""Every default path in one place."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = Path("data") / "warehouse.duckdb"
DEFAULT_CATALOGUE = Path("catalogue.yaml")
DEFAULT_REPORTS = Path("reports")
DEFAULT_RAW = Path("data") / "raw"
PACKAGE_DIR = Path(__file__).resolve().parent
SQL_DIR = PACKAGE_DIR / "sql"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
# The pack notebooks live at the top of the checkout (the package is installed editable).
NOTEBOOK_DIR = PACKAGE_DIR.parent / "notebooks"


def db_path(value: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse path: the argument, else ``$SLM_DB``, else ``data/warehouse.duckdb``."""
    return Path(value or os.environ.get("SLM_DB") or DEFAULT_DB)


def catalogue_path(value: str | os.PathLike[str] | None = None) -> Path:
    """The catalogue path: the argument, else ``$SLM_CATALOGUE``, else ``catalogue.yaml``."""
    return Path(value or os.environ.get("SLM_CATALOGUE") or DEFAULT_CATALOGUE)


def reports_path(value: str | os.PathLike[str] | None = None) -> Path:
    """Where packs go: the argument, else ``$SLM_REPORTS``, else ``reports``."""
    return Path(value or os.environ.get("SLM_REPORTS") or DEFAULT_REPORTS)
