"""Benchmark: the CPU an `apportion --help` costs, against bare Python and Python importing typer, in one run.

Each command runs `--runs` times (default 15) in a fresh process, the three kinds interleaved so that other load on
the machine falls on all of them alike; the figure is the child's user+system CPU time (os.wait4), not the wall
clock, so a busy machine moves it little. The goal: `apportion --help` and `apportion <command> --help` cost at most
about 500 ms of CPU; what they add to `import typer` is the command module's own import and the help rendering.

    .venv/bin/python -m bench.cli_startup
    .venv/bin/python -m bench.cli_startup --runs 30
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

GOAL_MS = 500.0


def apportion_command() -> list[str]:
    """The installed `apportion` script beside this interpreter, else the same entry point run with `-c`."""
    script = Path(sys.executable).parent / "apportion"
    if script.is_file():
        return [str(script)]
    found = shutil.which("apportion")
    return [found] if found else [sys.executable, "-c", "from apportion.cli import main; main()"]


def cpu_ms(command: Sequence[str]) -> float:
    """User+system CPU milliseconds of one run of `command` (its output discarded; a failure stops the benchmark)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {error}")
    if process.stderr:
        process.stderr.close()
    return (usage.ru_utime + usage.ru_stime) * 1000


def main(argv: Sequence[str] | None = None) -> None:
    """Time the commands and print the median CPU of each, and the help's cost over the typer baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="processes per command (default 15)")
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
    load = os.getloadavg()
    print(f"{args.runs} runs each, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'command':<28} {'median CPU ms':>14} {'min':>7} {'max':>7}")
    for name, found in times.items():
        print(f"{name:<28} {statistics.median(found):>14.0f} {min(found):>7.0f} {max(found):>7.0f}")
    typer_ms = statistics.median(times["python -c 'import typer'"])
    for name in ("apportion --help", "apportion import --help", "apportion export gl --help"):
        median = statistics.median(times[name])
        verdict = "within" if median <= GOAL_MS else "OVER"
        print(f"{name}: {median - typer_ms:.0f} ms over `import typer`; {verdict} the {GOAL_MS:.0f} ms goal")


if __name__ == "__main__":
    main()
