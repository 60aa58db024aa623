"""JupyterLab on the workspace: the command ``slm lab`` runs and the environment it runs in.

The server's root is the workspace folder, so the analyst's file browser holds the catalogue,
the review files and the rendered packs as well as the notebooks; it opens on ``notebooks/``.
A notebook's kernel starts in the notebook's folder and finds the workspace by walking up to
``slm.toml`` (``paths.workspace``); ``SLM_LAB_HOME`` in the server's environment makes kernels
started where no workspace is found (a notebook saved outside it) find the lab's, while a
workspace inside the lab's (``slm init`` in a lab terminal) is still found as itself.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence

from .errors import InputError
from .paths import LAB_HOME, NOTEBOOKS, Workspace

INSTALL_LAB = "pip install 'slm-workbench[lab]'"


def lab_command(
    ws: Workspace,
    *,
    port: int | None = None,
    browser: bool = False,
    as_root: bool = False,
    extra: Sequence[str] = (),
) -> list[str]:
    """The command line that serves JupyterLab on ``ws``: rooted at its folder, opening on its
    ``notebooks/`` when there is one; on ``port`` only (no fallback to the next one) when
    given; ``--allow-root`` only ``as_root``; ``extra`` passed on to ``jupyter lab``."""
    args = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={ws.root}"]
    if (ws.root / NOTEBOOKS).is_dir():
        args.append(f"--ContentsManager.preferred_dir={NOTEBOOKS}")
    if port is not None:
        args += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    args += [] if browser else ["--no-browser"]
    args += ["--allow-root"] if as_root else []
    return [*args, *extra]


def lab_environment(ws: Workspace, base: Mapping[str, str]) -> dict[str, str]:
    """``base`` (the caller's environment) with ``SLM_LAB_HOME`` set to the workspace, which
    the server passes on to every kernel and terminal it starts: their fallback when walking
    up finds no workspace."""
    return {**base, LAB_HOME: str(ws.root)}


def running_as_root() -> bool:
    """Whether this process runs as root (Jupyter refuses root without ``--allow-root``)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def has_display(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether a web browser can open a window: always on macOS and Windows, on other systems
    when ``DISPLAY`` or ``WAYLAND_DISPLAY`` is set (not in a container or over plain SSH,
    where a text browser would take the terminal)."""
    return platform in ("darwin", "win32") or bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def check_jupyterlab() -> None:
    """An ``InputError`` saying how to install JupyterLab when this Python does not have it."""
    if importlib.util.find_spec("jupyterlab") is None:
        raise InputError(
            f"JupyterLab is not installed in this Python environment ({sys.prefix}); install "
            f"it with {INSTALL_LAB} (in a checkout: make install), then run slm lab again"
        )


def run_lab(command: Sequence[str], env: Mapping[str, str]) -> int:
    """Run the server. On POSIX it replaces this process, keeping its id (so whoever started
    ``slm lab`` stops the server by that id) and never returns; elsewhere its exit code."""
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(command[0], list(command), dict(env))
    return subprocess.call(list(command), env=dict(env))  # pragma: no cover - Windows
