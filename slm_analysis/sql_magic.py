"""SQL cells in notebooks: JupySQL's ``%sql`` / ``%%sql`` on the workspace's warehouse, read-only.

In a notebook (JupyterLab or papermill), either::

    %load_ext slm_analysis.sql_magic        # the workspace's warehouse (paths.db_path)

or, after ``wb = slm.open(...)``, ``wb.sql_magic()`` (the workbench's warehouse). Then::

    %sql select priority, count(*) as n from incidents group by priority order by priority

    %%sql
    select service, count(*) as n from outages group by service

The connection is DuckDB through SQLAlchemy (``duckdb-engine``), opened by the library with
``read_only=True``: a statement that would change the warehouse is refused by DuckDB. Results
come back as DataFrames (JupySQL's ``autopandas``), instants in UTC. ``{{name}}`` in a cell is
replaced by the notebook variable ``name`` (JupySQL's templating: text, not a bound value).
JupySQL and duckdb-engine are in the ``lab`` extra; ``import slm_analysis`` imports neither.

While the notebook holds its connection the warehouse file is open for reading: a load in
another process waits for it. ``%sql --close warehouse`` (or restarting the kernel) lets go.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from IPython.utils.capture import capture_output

from .errors import InputError
from .paths import db_path
from .warehouse import connect

ALIAS = "warehouse"  # JupySQL's name of the connection (%sql --close warehouse)
ENGINE = "slm_warehouse_engine"  # the notebook variable holding the SQLAlchemy engine
# DataFrames back, no connection banner
SETTINGS = ("autopandas = True", "displaycon = False", "feedback = 0")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext slm_analysis.sql_magic``: JupySQL on the workspace's warehouse."""
    connect_magic(db_path(), ipython)


def connect_magic(warehouse: str | os.PathLike[str], ipython: Any | None = None) -> None:
    """Load JupySQL into ``ipython`` (default: the running shell) and make a read-only
    connection to ``warehouse`` its current one, with results as DataFrames."""
    shell = ipython or _shell()
    path = Path(warehouse).resolve()
    connect(path, read_only=True).close()  # missing, locked or old: our message, not theirs
    engine = _engine(path)
    with capture_output():  # JupySQL's tips on where it looks for its own settings
        shell.extension_manager.load_extension("sql")
    for setting in SETTINGS:
        shell.run_line_magic("config", f"SqlMagic.{setting}")
    shell.user_ns[ENGINE] = engine
    shell.run_line_magic("sql", f"{ENGINE} --alias {ALIAS}")


def _engine(path: Path) -> Any:
    """A SQLAlchemy engine (duckdb-engine) whose connections are the library's own read-only
    ones (``warehouse.connect``: instants in UTC, the schema version checked). DuckDB refuses
    a second connection to a file with another configuration in one process, and
    duckdb-engine's own connections carry one (a user agent): with them, ``slm.open`` and
    ``%sql`` could not share a notebook. A failed statement is rolled back, so that the next
    one runs (DuckDB aborts the transaction)."""
    try:
        import sqlalchemy
        from duckdb_engine import ConnectionWrapper
        from sql.magic import SqlMagic  # noqa: F401 — JupySQL itself
    except ImportError:
        raise InputError(
            "SQL cells need JupySQL and duckdb-engine: pip install 'slm-workbench[lab]'"
        ) from None
    engine = sqlalchemy.create_engine(
        f"duckdb:///{path}", creator=lambda: ConnectionWrapper(connect(path, read_only=True))
    )
    sqlalchemy.event.listen(engine, "handle_error", _roll_back)
    return engine


def _roll_back(context: Any) -> None:
    if context.connection is not None:
        context.connection.rollback()


def _shell() -> Any:
    from IPython.core.getipython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise InputError(
            "SQL cells work inside IPython or a Jupyter notebook; in a script use "
            "slm.open(...).sql('select …')"
        )
    return shell
