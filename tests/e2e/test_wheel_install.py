"""The built wheel carries everything slm needs at run time: installed into a fresh virtual
environment outside the repository, `slm init`, `slm demo` and one render work there.

How the environment is made, honestly: the wheel is built offline from a copy of the package's
sources (`pip wheel --no-deps --no-build-isolation`) and installed with `--no-deps` into a new
venv (no system site-packages). Its third-party dependencies are not downloaded again: a `.pth`
file adds the development environment's site-packages *after* the venv's own, for them only —
a site-packages reached through a `.pth` does not run its own `.pth` files, so the checkout's
editable install is not active there, and `slm_analysis` is imported from the installed wheel
(asserted). `JUPYTER_PATH` names the development environment's `share/jupyter`, where a real
install would have put the dependencies' data files in the venv (nbconvert's base templates,
the python3 kernel spec); the pack's own templates and notebook come from the wheel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import slm_analysis

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "slm_analysis")

pytestmark = pytest.mark.slow


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{args}\n{r.stdout}\n{r.stderr}"
    return r


def build_wheel(tmp: Path) -> Path:
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip"]
    wheel = [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist")]
    run([*wheel, str(src)], tmp, dict(os.environ))
    (found,) = (tmp / "dist").glob("slm_workbench-*.whl")
    return found


def make_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, dict(os.environ))
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    run([*pip, "install", "-q", "--no-deps", "--no-index", str(wheel)], tmp, dict(os.environ))
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                     "['purelib'])"], tmp, dict(os.environ)).stdout.strip())  # fmt: skip
    dev = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "zz_dev_dependencies.pth").write_text("".join(f"{p}\n" for p in dev))
    return venv


def test_the_wheel_installs_and_runs_init_demo_and_render(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    tmp = tmp_path_factory.mktemp("wheel")
    assert not tmp.resolve().is_relative_to(ROOT)
    wheel = build_wheel(tmp)
    venv = make_venv(tmp, wheel)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLM_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    work = tmp / "work"
    work.mkdir()
    where = run(["python", "-c", "import slm_analysis; print(slm_analysis.__file__)"], work, env)
    assert Path(where.stdout.strip()).is_relative_to(venv)
    slm = str(venv / "bin" / "slm")

    r = run([slm, "init", "ws"], work, env)
    assert r.stdout.splitlines()[0] == f"created a workspace in {work / 'ws'}:"
    ws = work / "ws"
    r = run([slm, "demo", "--end", "2026-10", "--no-render"], ws, env)
    first, second = r.stdout.splitlines()[:2]  # paths relative to ws, or absolute in it
    assert re.fullmatch(
        r"replaced the starter catalogue (.*/)?catalogue\.yaml \(as slm init wrote it\) with "
        r"the demo's",
        first,
    )
    assert re.fullmatch(
        r"wrote demo exports to (.*/)?data/raw/demo and the catalogue to (.*/)?catalogue\.yaml",
        second,
    )
    assert (ws / "data" / "raw" / "demo" / "servicenow_incidents.csv").is_file()
    r = run([slm, "render", "--customer", "acme", "--period", "2026-10"], ws, env)
    pack = ws / "reports" / "acme" / "2026-10"
    assert r.stdout.split("\t")[:3] == ["acme", "2026-10", "Missed"]
    assert r.stdout.rstrip().endswith(str(pack / "service_review.html"))
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["parameters"]["customer"] == "acme"
    assert manifest["parameters"]["period"] == "2026-10"
    assert manifest["summary"] == {
        "customer_name": "Acme Retail Ltd",
        "period_label": "October 2026",
        "overall": "Missed",
    }
    assert manifest["versions"]["slm-workbench"] == slm_analysis.__version__
    assert [o["file"] for o in manifest["outputs"]] == [
        "service_review.ipynb",
        "service_review.html",
    ]
    assert (pack / "service_review.html").stat().st_size > 1_000_000  # plotly.js embedded
