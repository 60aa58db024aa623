"""`slm init [DIR]`: a workspace for one's own data, in a temporary folder; exact output."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from slm_analysis.catalogue import catalogue_json_schema, load_catalogue
from slm_analysis.cli import main
from slm_analysis.importers.mapping import load_mapping
from slm_analysis.paths import NOTEBOOK_DIR, db_path
from slm_analysis.scaffold import is_starter_catalogue
from slm_analysis.workflows import run_demo

FILES = (
    "slm.toml",
    "catalogue.yaml",
    "catalogue.schema.json",
    "mappings/incidents.mapping.yaml",
    ".gitignore",
    "notebooks/explore.ipynb",
    "notebooks/target_calibration.ipynb",
)
NEXT = (
    "next:\n"
    "  edit catalogue.yaml    # your calendars, customers, services, targets and mapping rules\n"
    "  slm load incidents data/raw/EXPORT.csv --timezone Europe/London\n"
    "  slm check              # what the catalogue and the data still lack, and what to do\n"
    "  slm attainment --customer example --period last-month\n"
    "  slm render --customer example --period last-month\n"
    "or try the demo in it first: slm demo\n"
)


def listing(root: Path) -> str:
    return (
        f"created a workspace in {root}:\n"
        + "".join(f"  {name}\n" for name in FILES)
        + "  data/raw/\n  reports/\n  reviews/\n"
    )


def test_init_scaffolds_a_workspace_in_a_new_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["init", "my workspace"])
    root = tmp_path / "my workspace"
    assert (r.exit_code, r.output) == (
        0,
        listing(root) + NEXT.replace("next:\n", "next:\n  cd 'my workspace'\n"),
    )
    found = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    folders = ["data", "data/raw", "mappings", "notebooks", "reports", "reviews"]
    assert found == sorted([*FILES, *folders])
    assert tomllib.loads((root / "slm.toml").read_text()) == {
        "paths": {
            "catalogue": "catalogue.yaml",
            "warehouse": "data/warehouse.duckdb",
            "reports": "reports",
            "reviews": "reviews",
        }
    }
    assert (root / ".gitignore").read_text().splitlines() == [
        "# Customer data never goes into git: the exports, the warehouse built from them and "
        "the packs.",
        "data/",
        "reports/",
        "# JupyterLab's autosaves of the notebooks",
        ".ipynb_checkpoints/",
    ]
    assert (root / "catalogue.schema.json").read_text() == catalogue_json_schema()
    for name in ("explore.ipynb", "target_calibration.ipynb"):  # the pack's stays packaged
        assert (root / "notebooks" / name).read_bytes() == (NOTEBOOK_DIR / name).read_bytes()


def test_the_starter_catalogue_and_mapping_load_as_written(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["init", str(tmp_path)]).exit_code == 0
    cat = load_catalogue(tmp_path / "catalogue.yaml")
    assert [c.id for c in cat.customers] == ["example"]
    assert [s.id for s in cat.services] == ["service-desk"]
    assert sorted(cat.calendars) == ["always", "office"]
    (agreement,) = cat.agreements
    assert [(t.id, t.metric) for t in agreement.targets] == [
        ("p1-resolution", "resolution_time"),
        ("p2-resolution", "resolution_time"),
        ("response", "response_time"),
    ]
    assert [(r.match, r.customer, r.service) for r in cat.mapping] == [
        ({"company": "Example Customer Ltd"}, "example", "service-desk")
    ]
    mapping = load_mapping(tmp_path / "mappings" / "incidents.mapping.yaml")
    assert (mapping.kind, mapping.timezone, mapping.timestamp_format) == (
        "incidents",
        "Europe/London",
        ["%d/%m/%Y %H:%M"],
    )
    assert mapping.columns["number"] == "Ticket ID" and mapping.values["priority"]["Urgent"] == 1
    # every key of the starter catalogue is explained by a comment where it first appears
    lines = (tmp_path / "catalogue.yaml").read_text().splitlines()
    first: dict[str, str] = {}
    for line in lines:
        key = re.match(r"\s*-?\s*([a-z_-]+):", line)
        if key and not line.lstrip().startswith("#"):
            first.setdefault(key[1], line)
    assert len(first) == 28
    assert [line for line in first.values() if "#" not in line] == []


def test_init_in_the_current_folder_prints_no_cd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")  # other files may be there
    r = CliRunner().invoke(main, ["init"])
    assert (r.exit_code, r.output) == (0, listing(tmp_path) + NEXT)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_init_never_overwrites_and_writes_nothing_when_refusing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "catalogue.yaml").write_text("calendars: {}\n")
    (tmp_path / "ws" / ".gitignore").write_text("*.log\n")
    r = CliRunner().invoke(main, ["init", "ws"])
    assert (r.exit_code, r.output) == (
        2,
        "error: ws already holds catalogue.yaml, .gitignore; slm init never overwrites a file "
        "and wrote nothing. Move those files away, or run slm init in a new folder "
        "(slm init DIR)\n",
    )
    assert sorted(p.name for p in (tmp_path / "ws").iterdir()) == [".gitignore", "catalogue.yaml"]
    (tmp_path / "file").write_text("x")
    r = CliRunner().invoke(main, ["init", "file"])
    assert (r.exit_code, r.output) == (
        2,
        "error: file is a file; give a folder (new or existing) to slm init\n",
    )


def test_the_demo_replaces_only_an_untouched_starter_catalogue(tmp_path: Path) -> None:
    """`slm init` then `slm demo` works (the wheel test runs it); a starter catalogue someone
    edited is theirs, and the demo refuses to replace it."""
    assert CliRunner().invoke(main, ["init", str(tmp_path)]).exit_code == 0
    catalogue = tmp_path / "catalogue.yaml"
    assert is_starter_catalogue(catalogue)
    catalogue.write_text(catalogue.read_text().replace("Example Customer Ltd", "Initech"))
    assert not is_starter_catalogue(catalogue)
    db = tmp_path / "data" / "warehouse.duckdb"
    with pytest.raises(Exception, match="exists and was not written by `slm demo`"):
        run_demo(db, catalogue, tmp_path / "data" / "raw" / "demo", end="2026-10", render=False)
    assert not db.exists()


def test_check_in_a_new_workspace_says_what_to_do_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Straight after `slm init` the catalogue is valid and every service has a target: what
    is missing is data, and `slm check` says how to load it."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    r = CliRunner().invoke(main, ["check"])
    assert (r.exit_code, r.output) == (
        1,
        f"error: warehouse {db_path()} does not exist; load exports with `slm load "
        "KIND FILE` (a known export is recognised from its header (or name it with --format F); "
        "any other file loads with a mapping (--mapping M.yaml))\n"
        "1 error(s), 0 warning(s)\n",
    )
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        catalogue.read_text().replace(
            "    owner: Service Desk Manager     # who answers for it\n",
            "    owner: Service Desk Manager     # who answers for it\n"
            "  - {id: hosting, name: Hosting}\n",
        )
    )
    r = CliRunner().invoke(main, ["check"])
    assert r.output.splitlines()[0] == (
        "warning: service 'hosting' has no target: no pack measures it; add it to an "
        "agreement's services (and give the agreement a target for it), or remove it from the "
        "catalogue"
    )
