"""Project hygiene that a user relies on: environment.yml matches pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT_EXTRAS = {"airflow"}


def test_environment_yml_lists_exactly_the_pyproject_requirements() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"])
    for name, extra in project["optional-dependencies"].items():
        if name in DEPLOYMENT_EXTRAS:  # installed where the scheduler runs, not for development
            continue
        wanted |= {r for r in extra if not r.startswith("slm-workbench")}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert set(pip) - {"-e ."} == wanted
    assert "-e ." in pip


def test_the_cli_starts_without_the_heavy_libraries() -> None:
    """`slm --version` (and every command before it needs them) imports neither DuckDB, pandas,
    plotly nor the notebook machinery; the package's names load on first use."""
    import subprocess
    import sys

    code = (
        "import sys, slm_analysis, slm_analysis.cli; "
        "print(sorted(m for m in ('duckdb', 'pandas', 'plotly', 'nbformat', 'papermill', "
        "'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    import slm_analysis

    # every public name but `open`: `from slm_analysis import *` keeps the builtin open
    public = set(slm_analysis._EXPORTS) | set(slm_analysis._MODULES)
    assert set(slm_analysis.__all__) == public - {"open"}
    for name in public:
        assert getattr(slm_analysis, name) is not None
    assert "open" in dir(slm_analysis)


def test_the_readme_starts_with_the_two_set_up_commands() -> None:
    """A new user's first two commands, and nothing else, before any other text."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert text.index("```sh\n") < text.index("\n## ")
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == [
        "make demo",
        "make test",
    ]
