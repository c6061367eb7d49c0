"""Benchmark: the CPU an `apportion --help` costs, against bare Python and Python importing typer, in one run; then
the CPU of commands that read a small demo database, against `apportion --help`.

Each command runs `--runs` times (default 15) in a fresh process, the three kinds interleaved so that other load on
the machine falls on all of them alike; the figure is the child's user+system CPU time (os.wait4), not the wall
clock, so a busy machine moves it little. The goal: `apportion --help` and `apportion <command> --help` cost at most
about 500 ms of CPU; what they add to `import typer` is the command module's own import and the help rendering.

The data commands (`users`, `steps`, `digest`, `digest --json`, `run --dry-run`) run `--data-runs` times each
(default 5), interleaved with `apportion --help`, on a SQLite database that `apportion demo --meters 3 --months 2`
makes in a scratch directory first (not timed). What they add to the help is the imports of the database layer and
the services they use, and their own work on 3 meters, which is small.

    .venv/bin/python -m bench.cli_startup
    .venv/bin/python -m bench.cli_startup --runs 30 --data-runs 9
    .venv/bin/python -m bench.cli_startup --data-runs 0     # the help only
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

GOAL_MS = 500.0


def apportion_command() -> list[str]:
    """The installed `apportion` script beside this interpreter, else the same entry point run with `-c`."""
    script = Path(sys.executable).parent / "apportion"
    if script.is_file():
        return [str(script)]
    found = shutil.which("apportion")
    return [found] if found else [sys.executable, "-c", "from apportion.cli import main; main()"]


def cpu_ms(command: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None) -> float:
    """User+system CPU milliseconds of one run of `command` (its output discarded; a failure stops the benchmark)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {error}")
    if process.stderr:
        process.stderr.close()
    return (usage.ru_utime + usage.ru_stime) * 1000


def _table(times: dict[str, list[float]], width: int) -> None:
    print(f"{'command':<{width}} {'median CPU ms':>14} {'min':>7} {'max':>7}")
    for name, found in times.items():
        print(f"{name:<{width}} {statistics.median(found):>14.0f} {min(found):>7.0f} {max(found):>7.0f}")


def _load() -> str:
    load = os.getloadavg()
    return f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def data_commands(apportion: list[str], runs: int) -> None:
    """Make a 3-meter demo database in a scratch directory, then time commands reading it next to `--help`."""
    with tempfile.TemporaryDirectory(prefix="apportion-cli-bench-") as folder:
        directory = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("APPORTION_")}
        env["APPORTION_DATABASE_URL"] = f"sqlite:///{directory / 'apportion.db'}"
        env["COLUMNS"] = "120"
        demo = [*apportion, "demo", "--meters", "3", "--months", "2"]
        made = subprocess.run(demo, cwd=directory, env=env, capture_output=True, text=True, check=False)
        found = re.search(r"apportion digest --step (\d+) --period (\d+)", made.stdout)
        if made.returncode != 0 or found is None:
            raise SystemExit(f"{' '.join(demo)} failed ({made.returncode}): {made.stdout}{made.stderr}")
        step, period = found.groups()
        digest = ["digest", "--step", step]
        commands = {
            "apportion --help": ["--help"],
            "apportion users": ["users"],
            "apportion steps": ["steps"],
            f"apportion digest --step {step}": digest,
            f"apportion digest --step {step} --json": [*digest, "--json"],
            f"apportion run --step {step} --dry-run": ["run", "--step", step, "--period", period, "--dry-run"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, args in commands.items():
                times[name].append(cpu_ms([*apportion, *args], cwd=directory, env=env))
    print(f"\ndata commands on the 3-meter demo (SQLite): {runs} runs each, {_load()}")
    _table(times, 40)
    help_ms = statistics.median(times["apportion --help"])
    for name, found_ms in times.items():
        if name != "apportion --help":
            print(f"{name}: {statistics.median(found_ms) - help_ms:.0f} ms over `apportion --help`")


def main(argv: Sequence[str] | None = None) -> None:
    """Time the commands and print the median CPU of each, and the help's cost over the typer baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="processes per help command (default 15)")
    parser.add_argument("--data-runs", type=int, default=5, help="processes per data command (default 5; 0 skips them)")
    args = parser.parse_args(argv)
    apportion = apportion_command()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "apportion --help": [*apportion, "--help"],
        "apportion import --help": [*apportion, "import", "--help"],
        "apportion export gl --help": [*apportion, "export", "gl", "--help"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(cpu_ms(command))
    print(f"{args.runs} runs each, {_load()}")
    _table(times, 28)
    typer_ms = statistics.median(times["python -c 'import typer'"])
    for name in ("apportion --help", "apportion import --help", "apportion export gl --help"):
        median = statistics.median(times[name])
        verdict = "within" if median <= GOAL_MS else "OVER"
        print(f"{name}: {median - typer_ms:.0f} ms over `import typer`; {verdict} the {GOAL_MS:.0f} ms goal")
    if args.data_runs > 0:
        data_commands(apportion, args.data_runs)


if __name__ == "__main__":
    main()
