"""Workspace discovery: slm.toml (or catalogue.yaml) found from any folder inside a workspace,
$SLM_HOME, the precedence of argument / environment / workspace, and slm.toml's mistakes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from slm_analysis.catalogue import load_catalogue
from slm_analysis.commentary import load_commentary, review_files
from slm_analysis.errors import InputError, WorkspaceError
from slm_analysis.paths import (
    Workspace,
    catalogue_path,
    db_path,
    reports_path,
    reviews_path,
    workspace,
)
from slm_analysis.periods import Period

ROOT = Path(__file__).resolve().parents[2]
ENV = ("SLM_HOME", "SLM_LAB_HOME", "SLM_DB", "SLM_CATALOGUE", "SLM_REPORTS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def defaults(root: Path) -> Workspace:
    return Workspace(
        root=root,
        catalogue=root / "catalogue.yaml",
        warehouse=root / "data" / "warehouse.duckdb",
        reports=root / "reports",
        reviews=root / "reviews",
    )


def test_found_from_a_nested_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "slm.toml").write_text(
        '[paths]\ncatalogue = "config/cat.yaml"\nwarehouse = "/srv/slm/w.duckdb"\n',
        encoding="utf-8",
    )
    deep = tmp_path / "notebooks" / "drafts" / "2026"
    deep.mkdir(parents=True)
    (tmp_path / "notebooks" / "catalogue.yaml").write_text("", encoding="utf-8")  # not a marker
    monkeypatch.chdir(deep)
    expected = Workspace(
        root=tmp_path,
        catalogue=tmp_path / "config" / "cat.yaml",
        warehouse=Path("/srv/slm/w.duckdb"),  # an absolute path is kept as it is
        reports=tmp_path / "reports",
        reviews=tmp_path / "reviews",
    )
    assert workspace() == expected
    assert workspace(deep) == expected
    # the functions every caller uses: absolute, as the current directory is below the root
    assert catalogue_path() == tmp_path / "config" / "cat.yaml"
    assert db_path() == Path("/srv/slm/w.duckdb")
    assert reports_path() == tmp_path / "reports"


def test_in_the_workspace_folder_the_paths_are_relative_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "slm.toml").write_text("", encoding="utf-8")  # an empty file: the defaults
    monkeypatch.chdir(tmp_path)
    assert workspace() == defaults(tmp_path)
    assert (catalogue_path(), db_path(), reports_path()) == (
        Path("catalogue.yaml"),
        Path("data/warehouse.duckdb"),
        Path("reports"),
    )


def test_slm_toml_wins_over_a_nearer_catalogue(tmp_path: Path) -> None:
    """The walk looks for slm.toml all the way up first: a catalogue.yaml in a subfolder (a
    copy, an example) does not make that subfolder the workspace."""
    (tmp_path / "slm.toml").write_text("[paths]\n", encoding="utf-8")
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "catalogue.yaml").write_text("", encoding="utf-8")
    assert workspace(tmp_path / "examples").root == tmp_path


def test_only_a_catalogue_marks_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "catalogue.yaml").write_text("", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    assert workspace(tmp_path / "notebooks") == defaults(tmp_path)


def test_no_marker_is_the_folder_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert workspace() == defaults(tmp_path)
    assert catalogue_path() == Path("catalogue.yaml")  # today's behaviour


def test_slm_home_wins_over_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "slm.toml").write_text('[paths]\nreports = "out/packs"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "slm.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("SLM_HOME", str(home))
    assert workspace().root == home
    assert reports_path() == home / "out" / "packs"
    assert workspace(elsewhere).root == elsewhere  # a folder given explicitly wins


def test_slm_home_that_is_not_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLM_HOME", str(tmp_path / "nowhere"))
    with pytest.raises(InputError) as err:
        workspace()
    assert str(err.value) == (
        f"SLM_HOME is '{tmp_path / 'nowhere'}', which is not a folder; set it to your "
        "workspace folder (the one holding slm.toml or catalogue.yaml), or unset it to find "
        "the workspace from the current directory"
    )


def test_argument_then_environment_then_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "slm.toml").write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    monkeypatch.setenv("SLM_HOME", str(tmp_path))
    assert db_path() == tmp_path / "data" / "warehouse.duckdb"
    assert catalogue_path() == tmp_path / "catalogue.yaml"
    assert reports_path() == tmp_path / "reports"
    monkeypatch.setenv("SLM_DB", "env.duckdb")
    monkeypatch.setenv("SLM_CATALOGUE", "env.yaml")
    monkeypatch.setenv("SLM_REPORTS", "env-reports")
    assert (db_path(), catalogue_path(), reports_path()) == (
        Path("env.duckdb"),
        Path("env.yaml"),
        Path("env-reports"),
    )
    assert (db_path("a.duckdb"), catalogue_path("a.yaml"), reports_path("a")) == (
        Path("a.duckdb"),
        Path("a.yaml"),
        Path("a"),
    )


def test_the_repository_is_a_workspace() -> None:
    """The committed slm.toml: the checkout's notebooks/ find the checkout's files."""
    assert workspace(ROOT / "notebooks") == defaults(ROOT)


CATALOGUE = """\
calendars:
  always: {timezone: UTC, hours: 24x7}
customers:
  - {id: acme, name: Acme, timezone: UTC}
services:
  - {id: mail, name: Mail}
agreements:
  - id: sla
    kind: SLA
    customer: acme
    services: [mail]
    targets:
      - {id: p1, metric: resolution_time, priority: 1, within: 4h, calendar: always,
         objective: 90}
"""


def test_review_files_are_read_from_the_workspace_reviews_folder(tmp_path: Path) -> None:
    (tmp_path / "slm.toml").write_text(
        '[paths]\ncatalogue = "config/catalogue.yaml"\nreviews = "notes/reviews"\n',
        encoding="utf-8",
    )
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "catalogue.yaml").write_text(CATALOGUE, encoding="utf-8")
    review = tmp_path / "notes" / "reviews" / "acme" / "2026-10.md"
    review.parent.mkdir(parents=True)
    review.write_text("## p1\nParts were late.\n", encoding="utf-8")
    cat = load_catalogue(tmp_path / "config" / "catalogue.yaml")
    assert reviews_path(tmp_path / "config" / "catalogue.yaml") == tmp_path / "notes" / "reviews"
    found = load_commentary(cat, "acme", Period.parse("2026-10"))
    assert (found.exists, found.source, found.name) == (True, str(review), str(review))
    assert found.targets["sla/p1"].text == "Parts were late."
    assert review_files(cat) == [("acme", review)]
    # another catalogue in the same tree (not the workspace's) keeps its reviews beside it
    (tmp_path / "config" / "other.yaml").write_text(CATALOGUE, encoding="utf-8")
    assert reviews_path(tmp_path / "config" / "other.yaml") == tmp_path / "config" / "reviews"


def bad(tmp_path: Path, text: str) -> str:
    (tmp_path / "slm.toml").write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as err:
        workspace(tmp_path)
    return str(err.value)


def test_unknown_keys_are_named(tmp_path: Path) -> None:
    file = tmp_path / "slm.toml"
    assert bad(tmp_path, '[paths]\ncatalog = "c.yaml"\nlogs = "x"\n[server]\nport = 1\n') == (
        "the workspace file has 3 mistakes:\n"
        f"  - {file}: server: not a setting of slm.toml; remove it; the file holds one table, "
        "[paths]\n"
        f"  - {file}: paths.catalog: not a key of [paths]; use one of catalogue, warehouse, "
        "reports, reviews (did you mean catalogue?)\n"
        f"  - {file}: paths.logs: not a key of [paths]; use one of catalogue, warehouse, "
        "reports, reviews"
    )


def test_wrong_types_are_named(tmp_path: Path) -> None:
    file = tmp_path / "slm.toml"
    assert bad(tmp_path, '[paths]\nwarehouse = 3\nreports = ""\nreviews = ["a"]\n') == (
        "the workspace file has 3 mistakes:\n"
        f"  - {file}: paths.warehouse: found an integer (3); a path in quotes, relative to the "
        'folder of slm.toml, e.g. warehouse = "data/warehouse.duckdb"\n'
        f"  - {file}: paths.reports: found an empty string; a path in quotes, relative to the "
        'folder of slm.toml, e.g. reports = "reports"\n'
        f"  - {file}: paths.reviews: found an array; a path in quotes, relative to the folder "
        'of slm.toml, e.g. reviews = "reviews"'
    )
    assert bad(tmp_path, 'paths = "data"\n') == (
        "the workspace file has 1 mistake:\n"
        f"  - {file}: paths: found a string ('data'); a table: a line [paths] then lines such "
        'as catalogue = "catalogue.yaml"'
    )


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "slm.toml"
    assert bad(tmp_path, "[paths]\ncatalogue = catalogue.yaml\n") == (
        "the workspace file has 1 mistake:\n"
        f"  - {file}:2: TOML: Invalid value (column 13); valid TOML, e.g. a line [paths] then "
        'lines such as catalogue = "catalogue.yaml"'
    )


def test_a_bad_slm_toml_is_a_clean_cli_error(tmp_path: Path) -> None:
    (tmp_path / "slm.toml").write_text("[paths\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ENV}
    r = subprocess.run(
        [sys.executable, "-m", "slm_analysis", "status"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (
        "error: the workspace file has 1 mistake:\n"
        f"  - {tmp_path / 'slm.toml'}:1: TOML: Expected ']' at the end of a table declaration "
        '(column 7); valid TOML, e.g. a line [paths] then lines such as catalogue = "catalogue.yaml"\n'
    )


def test_inside_slm_lab_a_nested_workspace_is_found_as_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`slm lab` hands its workspace to kernels and terminals as SLM_LAB_HOME: the fallback
    where walking up finds none, never above a workspace found (`slm init` in a lab terminal
    makes one inside the lab's: its commands and notebooks read its own files)."""
    lab = tmp_path / "lab"
    (lab / "uci" / "notebooks").mkdir(parents=True)
    (lab / "slm.toml").write_text("", encoding="utf-8")
    (lab / "uci" / "slm.toml").write_text("", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.setenv("SLM_LAB_HOME", str(lab))
    monkeypatch.chdir(lab / "uci" / "notebooks")
    assert workspace().root == lab / "uci"
    assert db_path() == lab / "uci" / "data" / "warehouse.duckdb"
    monkeypatch.chdir(outside)
    assert workspace().root == lab
    monkeypatch.setenv("SLM_LAB_HOME", str(tmp_path / "gone"))
    assert workspace().root == outside  # a lab workspace since removed: the folder itself
