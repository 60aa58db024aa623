"""docs/own-data.md is executed: its ```sh blocks, in order, in a temporary folder, from `slm
init` to a rendered pack.

The guide's export is the UCI ServiceNow event log sample of the project's shared data folder
(beside the checkout). Where it is absent (as in a plain clone) the committed 40-incident slice
of the same log (tests/fixtures/servicenow_event_log_slice.csv) is used instead: the same
commands, the file path substituted. With the full sample the outputs the guide shows for
`slm check` must also be what the commands print.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "own-data.md"
SHARED = Path(os.environ.get("SLM_SHARED_DATA", ROOT.parent / "shared" / "data"))
FULL = SHARED / "servicenow-incident-event-log" / "incident_event_log_sample.csv"
SLICE = ROOT / "tests" / "fixtures" / "servicenow_event_log_slice.csv"
PLACEHOLDER = "/path/to/incident_event_log_sample.csv"
# the guide's event log through a mapping: the committed process-mining example
MAPPED = ("/path/to/process_log.csv", ROOT / "tests" / "fixtures" / "process_log.csv")
EXITS_1 = "# exits 1"

pytestmark = pytest.mark.slow


def blocks(text: str) -> list[tuple[str, str]]:
    """The fenced blocks of a Markdown text, as (language, body), in order."""
    return re.findall(r"^```(\w*)\n(.*?)^```$", text, flags=re.M | re.S)


def script(guide: str, sample: Path) -> str:
    """The guide's shell commands as one bash script that stops at the first failure; a line
    marked `# exits 1` must exit 1 (the guide says so)."""
    lines = ["set -euo pipefail"]
    for lang, body in blocks(guide):
        if lang != "sh":
            continue
        body = body.replace(PLACEHOLDER, str(sample)).replace(MAPPED[0], str(MAPPED[1]))
        for line in body.splitlines():
            if EXITS_1 in line:
                cmd = line.split("#", 1)[0].strip()
                lines.append(
                    f"set +e; {cmd}; rc=$?; set -e; if [ $rc -ne 1 ]; then "
                    f"echo 'expected exit 1 from: {cmd}, got '$rc >&2; exit 97; fi"
                )
            else:
                lines.append(line)
    return "\n".join(lines) + "\n"


def test_the_guide_has_the_commands_it_promises() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    commands = [
        line.split("#", 1)[0].strip()
        for lang, body in blocks(guide)
        if lang == "sh"
        for line in body.splitlines()
        if line.startswith("slm ")
    ]
    assert commands == [
        "slm init uci-incidents",
        "slm load incidents data/raw/incident_event_log_sample.csv --timezone UTC",
        "slm check",
        "slm load incidents data/raw/incident_event_log_sample.csv --timezone UTC",
        "slm check",
        "slm attainment --customer uci --period 2016-03",
        "slm check --period 2016-03",
        "slm check --period 2016-03",
        "slm render --customer uci --period 2016-03",
        "slm --db data/try-mapping.duckdb load incidents data/raw/process_log.csv --mapping "
        "mappings/process-log.mapping.yaml --customer uci --service service-desk",
    ]
    assert guide.count(PLACEHOLDER) == 2  # in the text and in the cp command


def test_the_guide_runs_from_slm_init_to_a_rendered_pack(tmp_path: Path) -> None:
    full = FULL.is_file()
    sample = tmp_path / "export" / "incident_event_log_sample.csv"
    sample.parent.mkdir()
    shutil.copy(FULL if full else SLICE, sample)
    guide = GUIDE.read_text(encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLM_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    r = subprocess.run(
        ["bash", "-c", script(guide, sample)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, f"{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    pack = work / "uci-incidents" / "reports" / "uci" / "2016-03"
    assert (pack / "service_review.html").is_file()
    manifest = json.loads((pack / "manifest.json").read_text())
    assert (manifest["parameters"]["customer"], manifest["parameters"]["period"]) == (
        "uci",
        "2016-03",
    )
    assert manifest["summary"]["customer_name"] == "UCI sample company"
    assert manifest["inputs"]["review"]["file"] == "reviews/uci/2016-03.md"
    if full:  # the outputs the guide shows for `slm check` are the sample's, in order
        shown = [
            body
            for lang, body in blocks(guide)
            if lang == "text" and body.startswith(("warning:", "error:", "0 error(s)"))
        ]
        assert len(shown) == 4
        at = 0
        for body in shown:
            found = r.stdout.find(body, at)
            assert found >= 0, f"not printed after offset {at}:\n{body}"
            at = found + len(body)
    # the event log through a mapping: its two cases are the customer's, with their histories
    mapped = re.search(
        r"data/raw/process_log\.csv: (.*?), 7 rows read, (\d+) new or changed, 0 quarantined, 0 unmapped",
        r.stdout,
    )
    assert mapped is not None, r.stdout[-2000:]
    assert mapped.group(1) == "servicenow-event-log"
    db = work / "uci-incidents" / "data" / "try-mapping.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        cases = con.execute(
            "select number, customer, service, priority, (select count(*) from incident_states "
            "as s where s.number = i.number) from incidents as i where number in ('C1', 'C2') "
            "order by number"
        ).fetchall()
    assert cases == [("C1", "uci", "service-desk", 3, 5), ("C2", "uci", "service-desk", 3, 2)]
    with duckdb.connect(str(db.with_name("warehouse.duckdb")), read_only=True) as con:
        uci_end = con.execute("select max(opened_at) < '2017-01-01' from incidents").fetchone()
    assert uci_end == (True,)  # the UCI workspace's own warehouse holds no 2026 example case
