"""Write docs/cli.md from the live `--help` of every command (a test keeps them in step).

.venv/bin/python scripts/cli_reference.py
"""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from slm_analysis.cli import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"

INTRO = """# CLI reference

`slm` (also `python -m slm_analysis`) is a thin shell over the library: each command parses its
arguments, makes one library call and turns any problem into one message and an exit code.

| exit code | meaning |
|---|---|
| 0 | done |
| 1 | the work found problems: a failed pack, `slm check` errors, a file refused (most rows bad) |
| 2 | bad usage or input: unknown option, a catalogue mistake, a file that cannot be loaded |

Global options come before the command: `slm --db data/other.duckdb status`. Periods are written
`2026-10` (a month) or `2026-Q3` (a quarter).

This file is generated from the commands' `--help` by `scripts/cli_reference.py`; the test suite
fails when the two differ.
"""


def help_text(args: list[str]) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="slm", terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output.rstrip() + "\n"


def render() -> str:
    parts = [INTRO, "## slm\n", "```text\n" + help_text([]) + "```\n"]
    assert isinstance(main, click.Group)
    for name in sorted(main.commands):
        parts += [f"## slm {name}\n", "```text\n" + help_text([name]) + "```\n"]
    return "\n".join(parts)


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")
