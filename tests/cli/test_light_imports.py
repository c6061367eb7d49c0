"""`apportion --help` stays cheap: importing the command module loads no database, driver, queue, web or XLSX
library (those cost over a second of CPU; the commands import them when they run). A command that reads data loads
the database library, but neither Alembic (the database is at head: nothing to migrate), the web framework, the task
queue nor openpyxl; on SQLite, not the PostgreSQL driver either."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from apportion.cli import app
from apportion.services.demo import demo_workflow
from apportion.store.database import Database
from tests.cli.test_commands import PERIOD, campus, env  # noqa: F401  (fixtures)

HEAVY = ("sqlalchemy", "psycopg", "procrastinate", "openpyxl", "fastapi", "uvicorn")
NOT_FOR_DATA = ("alembic", "mako", "pygments", "fastapi", "starlette", "uvicorn", "procrastinate", "openpyxl")


def _loaded_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The `heavy` modules a fresh interpreter holds after running `code` (a new process: this one has them all)."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_command_loads_no_heavy_library() -> None:
    assert _loaded_after("import apportion.cli") == []


def _commands(*commands: list[str]) -> str:
    """Code running `apportion *args` for each of `commands` in turn, as the script does; each must succeed. One
    process serves them all: a heavy module any of them loads is still loaded when `_loaded_after` looks."""
    return "import sys\nfrom apportion.cli import main\n" + "".join(
        f"sys.argv = ['apportion', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert done.code in (0, None), done.code\n"
        for args in commands
    )


def test_help_of_the_command_and_of_a_command_loads_no_heavy_library() -> None:
    helps = (["--help"], ["import", "--help"], ["export", "gl", "--help"], ["demo", "--help"])
    assert _loaded_after(_commands(*helps)) == []


def test_commands_reading_data_load_no_migrations_web_queue_or_spreadsheet_library(
    campus: demo_workflow.DemoWorkflow,  # noqa: F811
    env: Database,  # noqa: F811
) -> None:
    step = str(campus.step_id)
    ran = CliRunner().invoke(app, ["run", "--step", step, "--period", str(PERIOD)])
    assert ran.exit_code == 0, ran.output
    heavy = (*NOT_FOR_DATA, "psycopg") if env.engine.dialect.name == "sqlite" else NOT_FOR_DATA
    digest = ["digest", "--step", step, "--period", str(PERIOD)]
    assert _loaded_after(_commands(["users"], ["tasks"], digest, [*digest, "--json"]), heavy) == []


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
