"""`slm lab`: the JupyterLab command line, its environment and the fix-it error without it.
The server itself is started in tests/e2e/test_lab_server.py."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest
from click.testing import CliRunner

from slm_analysis import lab
from slm_analysis.cli import main
from slm_analysis.paths import workspace


@pytest.fixture
def ws_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in (
        "SLM_HOME",
        "SLM_LAB_HOME",
        "SLM_DB",
        "SLM_CATALOGUE",
        "DISPLAY",
        "WAYLAND_DISPLAY",
    ):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "slm.toml").write_text("", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    return tmp_path


def test_the_command_as_a_normal_user(ws_root: Path) -> None:
    assert lab.lab_command(workspace(ws_root)) == [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={ws_root}",
        "--ContentsManager.preferred_dir=notebooks",
        "--no-browser",
    ]


def test_the_command_as_root_on_a_port_with_a_browser(ws_root: Path) -> None:
    command = lab.lab_command(
        workspace(ws_root), port=9000, browser=True, as_root=True, extra=("--ip", "0.0.0.0")
    )
    assert command[3:] == [
        f"--ServerApp.root_dir={ws_root}",
        "--ContentsManager.preferred_dir=notebooks",
        "--ServerApp.port=9000",
        "--ServerApp.port_retries=0",
        "--allow-root",
        "--ip",
        "0.0.0.0",
    ]


def test_a_workspace_without_notebooks_opens_on_its_root(tmp_path: Path) -> None:
    assert lab.lab_command(workspace(tmp_path))[3:] == [
        f"--ServerApp.root_dir={tmp_path}",
        "--no-browser",
    ]


def test_kernels_get_the_workspace_through_slm_lab_home(ws_root: Path) -> None:
    env = lab.lab_environment(workspace(ws_root), {"PATH": "/bin", "SLM_HOME": "/old"})
    assert env == {"PATH": "/bin", "SLM_HOME": "/old", "SLM_LAB_HOME": str(ws_root)}


def test_a_browser_only_with_a_display() -> None:
    assert not lab.has_display({}, "linux")
    assert lab.has_display({"DISPLAY": ":0"}, "linux")
    assert lab.has_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert lab.has_display({}, "darwin") and lab.has_display({}, "win32")


def without_jupyterlab(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> ModuleSpec | None:
        return None if name == "jupyterlab" else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_without_jupyterlab_slm_lab_says_what_to_install(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_jupyterlab(monkeypatch)
    monkeypatch.chdir(ws_root)
    result = CliRunner().invoke(main, ["lab"])
    assert (result.exit_code, result.output) == (
        2,
        f"error: JupyterLab is not installed in this Python environment ({sys.prefix}); "
        "install it with pip install 'slm-workbench[lab]' (in a checkout: make install), then "
        "run slm lab again\n",
    )


def test_slm_lab_runs_jupyterlab_on_the_workspace_found_from_a_subfolder(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[tuple[list[str], dict[str, str]]] = []

    def run_lab(command: Sequence[str], env: Mapping[str, str]) -> int:
        ran.append((list(command), dict(env)))
        return 0

    monkeypatch.setattr(lab, "run_lab", run_lab)
    monkeypatch.setattr(lab, "running_as_root", lambda: False)
    monkeypatch.chdir(ws_root / "notebooks")
    args = ["--catalogue", "../other.yaml", "lab", "--port", "9001", "--ip", "0.0.0.0"]
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.output) == (
        0,
        f"JupyterLab on the workspace {ws_root}\n",
    )
    [(command, env)] = ran
    assert command[3:] == [
        f"--ServerApp.root_dir={ws_root}",
        "--ContentsManager.preferred_dir=notebooks",
        "--ServerApp.port=9001",
        "--ServerApp.port_retries=0",
        "--no-browser",  # no display here
        "--ip",
        "0.0.0.0",
    ]
    assert env["SLM_LAB_HOME"] == str(ws_root)
    assert env["SLM_CATALOGUE"] == str(ws_root / "other.yaml")
    assert "SLM_DB" not in env
