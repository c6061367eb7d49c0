"""`apportion --help` stays cheap: importing the command module loads no database, driver, queue, web or XLSX
library (those cost over a second of CPU; the commands import them when they run)."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from apportion.cli import app

HEAVY = ("sqlalchemy", "psycopg", "procrastinate", "openpyxl", "fastapi", "uvicorn")


def _loaded_after(code: str) -> list[str]:
    """The HEAVY modules a fresh interpreter holds after running `code` (a new process: this one has them all)."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_command_loads_no_heavy_library() -> None:
    assert _loaded_after("import apportion.cli") == []


def test_help_of_the_command_and_of_a_command_loads_no_heavy_library() -> None:
    for args in (["--help"], ["import", "--help"], ["export", "gl", "--help"], ["demo", "--help"]):
        code = (
            "import sys\nfrom apportion.cli import main\n"
            f"sys.argv = ['apportion', *{args!r}]\n"
            "try:\n    main()\nexcept SystemExit as done:\n    assert done.code in (0, None), done.code"
        )
        assert _loaded_after(code) == [], args


def test_every_command_still_lists_its_options() -> None:
    """The options typer reads from the signatures survive the lazy imports (their defaults and bounds too)."""
    runner = CliRunner()
    shown = runner.invoke(app, ["demo-data", "--help"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    assert "--meters" in shown.output
    assert "1<=x<=30000" in shown.output
    assert "default: 9" in shown.output
    names = ["import", "run", "digest", "lineage", "conservation", "reruns", "demo", "serve", "worker", "tasks"]
    for name in names:
        assert runner.invoke(app, [name, "--help"]).exit_code == 0, name
