"""Benchmark: the scale curve. A bill import, a chargeback run and the digest at 1x, 10x, 100x (and, nightly, 1,000x)
a small size, each in a fresh process and database, printing time per row / bill / meter and peak memory, so that
linearity (a flat cost per unit) and bounded memory are visible; writes the table (Markdown) and an SVG chart.

- import: a STANDARD CSV of N rows (bench.import's file: ten monthly one-row bills per account), checked, stored
  and imported (`start_import_bytes` + `run_import`); the unit is a row. Base size 1,000 rows.
- run: the chargeback workflow of bench.chargeback_run on a campus of N split versions (5 destinations each) and
  N calculated versions; the unit is a bill written (6 N). Base size 10 versions.
- digest: the split step's digest service (`services.chargebacks.digest.get_digest`, no cache) over bench.digest's
  data of N versions x 5 destinations; the unit is a meter (6 N). Base size 10 versions; the median of 3 calls.

Peak memory is the process's peak resident set during the timed part alone (Linux: the peak is reset through
/proc/self/clear_refs after the data is built), so it includes the interpreter and the loaded code (~90 MB).

    .venv/bin/python -m bench.scale                                   # 1x, 10x, 100x on SQLite (about 2 minutes)
    .venv/bin/python -m bench.scale --multipliers 1,10,100,1000       # nightly: adds 1,000,000 rows, 60,000 bills
    .venv/bin/python -m bench.scale --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from apportion.services.imports import bill_import, import_tasks
from apportion.settings import Settings
from apportion.store.database import Database
from bench.databases import fresh_database
from bench.memory import peak_mb, reset_peak

BASE = {"import": 1_000, "run": 10, "digest": 10}
UNITS = {"import": "row", "run": "bill", "digest": "meter"}
COLOURS = {"import": "#1f77b4", "run": "#d62728", "digest": "#2ca02c"}


def _timed(work: Callable[[], int]) -> dict[str, float]:
    reset_peak()
    started, started_cpu = time.perf_counter(), time.process_time()
    units = work()
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - started_cpu,
        "units": units,
        "peak_mb": peak_mb(),
    }


def _import(db: Database, rows: int) -> dict[str, float]:
    bench_import = importlib.import_module("bench.import")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.csv"
        bench_import.write_csv(path, rows, 0)
        bench_import.load_master_data(db, (rows + 9) // 10)
        from apportion.services.access import auth

        principal = auth.principal_of(db, None)
        # The row limit counts the header too: the nightly 1,000,000 data rows are one more than the default allows.
        limits = bill_import.limits_for(Settings())
        limits = replace(limits, max_rows=max(limits.max_rows, rows + 1))

        def work() -> int:
            content = path.read_bytes()
            task_id, _guid = import_tasks.start_import_bytes(
                db, path.name, content, import_tasks.ImportOptions(), principal, bench_import.NOW, limits
            )
            del content
            bill_import.run_import(db, task_id, lambda: bench_import.NOW, limits)
            return rows

        return _timed(work)


def _run(db: Database, versions: int) -> dict[str, float]:
    from bench import chargeback_run

    principal, workflow_id = chargeback_run.build_campus(db, versions)
    return _timed(lambda: chargeback_run.run_workflow(db, principal, workflow_id)[1])


def _digest(db: Database, versions: int) -> dict[str, float]:
    from apportion.services.chargebacks import digest as service
    from bench import digest

    step_id = digest.build(db, versions, 5)
    samples: list[float] = []

    def work() -> int:
        for _ in range(3):
            began = time.perf_counter()
            result = service.get_digest(db, step_id, digest.PERIOD, digest.NOW.date())
            samples.append(time.perf_counter() - began)
        return versions * 6 if result else 0

    figures = _timed(work)
    return figures | {"seconds": statistics.median(samples), "cpu": figures["cpu"] / 3}


def child(kind: str, size: int, url: str | None) -> None:
    """One measurement in this process, printed as JSON on the last line."""
    measure = {"import": _import, "run": _run, "digest": _digest}[kind]
    with fresh_database(url, f"scale_{kind}") as db:
        figures = measure(db, size)
    print(json.dumps(figures))


@dataclass(frozen=True)
class Point:
    """One size of one kind of work."""

    kind: str
    size: int
    units: int
    seconds: float
    cpu: float
    peak_mb: float

    @property
    def micro_per_unit(self) -> float:
        """Wall-clock microseconds per row, bill or meter."""
        return self.seconds / max(1, self.units) * 1e6

    @property
    def cpu_micro_per_unit(self) -> float:
        """This process's CPU microseconds per row, bill or meter (SQLite: all of the work; it moves less with load)."""
        return self.cpu / max(1, self.units) * 1e6


def measure(kind: str, size: int, url: str | None) -> Point:
    """Run one measurement in a fresh process (so each starts with the same memory)."""
    command = [sys.executable, "-m", "bench.scale", "--child", kind, str(size)]
    if url:
        command += ["--database-url", url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} at {size:,} failed:\n{done.stderr[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return Point(kind, size, int(figures["units"]), figures["seconds"], figures["cpu"], figures["peak_mb"])


def table(points: Sequence[Point], backend: str, load: float) -> str:
    """The figures as a Markdown table."""
    lines = [
        f"{backend}, load average {load:.1f} at the end",
        "",
        "| work | size | units | seconds | µs per unit | CPU s | CPU µs per unit | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in points:
        lines.append(
            f"| {p.kind} | {p.size:,} | {p.units:,} {UNITS[p.kind]}s | {p.seconds:.3f} | {p.micro_per_unit:,.1f} | "
            f"{p.cpu:.2f} | {p.cpu_micro_per_unit:,.1f} | {p.peak_mb:.0f} |"
        )
    return "\n".join(lines)


def svg(points: Sequence[Point], title: str) -> str:
    """Two panels drawn by hand (no plotting library needed): CPU µs per unit (wall clock moves with other load)
    and peak RSS against units, log x."""
    width, height, margin = 900, 360, 60
    panel = (width - 3 * margin) // 2
    units = [p.units for p in points]
    low, high = math.log10(max(1, min(units))), math.log10(max(units))
    high = high if high > low else low + 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>',
    ]
    for index, (label, value) in enumerate(
        (("CPU µs per row / bill / meter", lambda p: p.cpu_micro_per_unit), ("peak RSS (MB)", lambda p: p.peak_mb))
    ):
        left, top, bottom = margin + index * (panel + margin), 40, height - margin
        top_value = max(value(p) for p in points) * 1.15 or 1.0

        def x(u: float, left: int = left) -> float:
            return left + (math.log10(max(1, u)) - low) / (high - low) * panel

        def y(v: float, top_value: float = top_value, bottom: int = bottom, top: int = top) -> float:
            return bottom - v / top_value * (bottom - top)

        out.append(f'<rect x="{left}" y="{top}" width="{panel}" height="{bottom - top}" fill="none" stroke="#999"/>')
        out.append(f'<text x="{left + panel / 2}" y="{top - 6}" text-anchor="middle">{label}</text>')
        for tick in range(5):
            v = top_value * tick / 4
            out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:,.0f}</text>')
            out.append(f'<line x1="{left}" x2="{left + panel}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>')
        for power in range(math.floor(low), math.ceil(high) + 1):
            if low <= power <= high:
                out.append(f'<text x="{x(10**power):.1f}" y="{bottom + 16}" text-anchor="middle">10^{power}</text>')
        out.append(f'<text x="{left + panel / 2}" y="{bottom + 34}" text-anchor="middle">units (log scale)</text>')
        for kind in BASE:
            mine = sorted((p for p in points if p.kind == kind), key=lambda p: p.units)
            if not mine:
                continue
            path = " ".join(f"{x(p.units):.1f},{y(value(p)):.1f}" for p in mine)
            colour = COLOURS[kind]
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for p in mine:
                out.append(f'<circle cx="{x(p.units):.1f}" cy="{y(value(p)):.1f}" r="3" fill="{colour}"/>')
    for n, kind in enumerate(BASE):
        lx = margin + n * 150
        out.append(f'<rect x="{lx}" y="{height - 16}" width="12" height="4" fill="{COLOURS[kind]}"/>')
        out.append(f'<text x="{lx + 16}" y="{height - 10}">{kind} (per {UNITS[kind]})</text>')
    out.append("</svg>")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    """Measure each kind at each size, print the table, write the table and the chart."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["--child"]:
        url = args_in[4] if len(args_in) > 4 and args_in[3] == "--database-url" else None
        child(args_in[1], int(args_in[2]), url)
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--multipliers", default="1,10,100", help="sizes as multiples of the base sizes")
    parser.add_argument("--kinds", default="import,run,digest", help="which work to measure")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server (default: SQLite files)")
    parser.add_argument("--chart", type=Path, default=Path("scale.svg"), help="where to write the SVG chart")
    parser.add_argument("--table", type=Path, default=None, help="also write the Markdown table here")
    args = parser.parse_args(args_in)
    multipliers = [int(m) for m in args.multipliers.split(",")]
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    points: list[Point] = []
    for kind in kinds:
        for multiplier in multipliers:
            point = measure(kind, BASE[kind] * multiplier, args.database_url)
            points.append(point)
            print(
                f"{kind:<7} {point.size:>9,}  {point.units:>9,} {UNITS[kind]}s  {point.seconds:8.3f} s  "
                f"{point.micro_per_unit:9.1f} µs/{UNITS[kind]}  peak {point.peak_mb:6.0f} MB",
                flush=True,
            )
    backend = "PostgreSQL" if args.database_url else "SQLite"
    load = os.getloadavg()[0]
    text = table(points, backend, load)
    print()
    print(text)
    args.chart.write_text(svg(points, f"Scale curve on {backend} (load average {load:.1f})"))
    print(f"\nchart written to {args.chart}")
    if args.table is not None:
        args.table.write_text(text + "\n")


if __name__ == "__main__":
    main()
