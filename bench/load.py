"""Benchmark: the real server (`apportion serve --workers N`) under concurrent clients on loopback.

Builds a demo campus with its split workflow run for one month (the digest then has a source meter and its tenants
per master meter), then for each worker count starts `apportion serve` on 127.0.0.1 and a free port and, for
--seconds each, drives with --clients threads:

- baseline: GET /api/v3/me (authentication and one user row: the server's floor per request);
- mixed: GET /api/v3/chargebackWorkflow/{stepId}/digest, GET /api/v3/bill?pageSize=100 and
  GET /api/v3/meter?pageSize=100 in turn.

It prints requests/s, p50 and p99 latency and the error count (any non-200 or failed request) per worker count and
endpoint, then stops the server. It exits non-zero, listing "errors", when any request failed, the server never
became ready, or its log says a worker died, hung or was restarted (a slow-starting worker killed by the supervisor
is exactly that). The clients run in this process: on a 2-core machine they share the cores with the
server, so the figures are for the pair, not the server alone.

    .venv/bin/python -m bench.load --seconds 10                 # SQLite in a temporary file, 1, 2 and 4 workers
    .venv/bin/python -m bench.load --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

from apportion.domain import periods
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.demo import campus, demo_workflow
from apportion.services.runs import processing
from apportion.store.database import Database
from bench.databases import fresh_database

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


@dataclass
class Samples:
    """Latencies (ms) of the successful requests to one endpoint, and how many failed."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0


def build(db: Database, meters: int) -> tuple[str, int, int]:
    """Administrator key, the demo workflow's split step id and the period its workflow ran for."""
    now = datetime.now()
    _user, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), now)
    campus.load_campus(db, now, meters=meters)
    flow = demo_workflow.ensure_workflow(db)
    period = periods.prior(periods.of_date(now.date()))
    settings = processing.RunSettings(billing_period=period, document={"billingPeriod": period})
    processing.run_workflow(db, flow.workflow_id, settings, auth.principal_of(db, None), datetime.now)
    return key, flow.step_id, period


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(database_url: str, workers: int, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`apportion serve` in its own process group (so stopping it stops its workers too)."""
    script = Path(sys.executable).with_name("apportion")
    env = {**os.environ, "APPORTION_DATABASE_URL": database_url, "APPORTION_LOAD_DEMO_DATA": "false"}
    command = [str(script), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(base: str, key: str, server: subprocess.Popen[bytes]) -> None:
    """Return once GET /api/v3/me answers 200; raise if the server exits or takes over READY_TIMEOUT_S."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode} before answering")
        try:
            if httpx.get(f"{base}/api/v3/me", headers={"ECI-ApiKey": key}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {READY_TIMEOUT_S:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group, SIGKILL if it has not stopped after STOP_TIMEOUT_S."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# What uvicorn's supervisor logs when a worker died, hung or never became ready (uvicorn.supervisors.multiprocess).
WORKER_TROUBLE = ("died", "was not ready", "failed to start", "Traceback")


def worker_trouble(log: Path, offset: int) -> list[str]:
    """The server log's lines after `offset` that say a worker died, was killed or restarted, or a request crashed."""
    with log.open("rb") as read:
        read.seek(offset)
        lines = read.read().decode("utf-8", "replace").splitlines()
    return [line.strip() for line in lines if any(sign in line for sign in WORKER_TROUBLE)]


def drive(base: str, key: str, paths: Sequence[str], clients: int, seconds: float) -> dict[str, Samples]:
    """`clients` threads, each with its own connection, requesting `paths` in turn until the time is up."""
    results = {path: Samples() for path in paths}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        mine = {path: Samples() for path in paths}
        with httpx.Client(base_url=base, headers={"ECI-ApiKey": key}, timeout=30) as http:
            turn = offset
            while time.monotonic() < deadline:
                path = paths[turn % len(paths)]
                turn += 1
                started = time.perf_counter()
                try:
                    response = http.get(path)
                    response.read()
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                if ok:
                    mine[path].latencies.append(elapsed)
                else:
                    mine[path].errors += 1
        with lock:
            for path, samples in mine.items():
                results[path].latencies += samples.latencies
                results[path].errors += samples.errors

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return results


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted samples (0 when there are none)."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(workers: int, label: str, results: dict[str, Samples], seconds: float) -> None:
    """One line per endpoint: requests, requests/s, p50, p99, errors."""
    for path, samples in results.items():
        ordered = sorted(samples.latencies)
        count = len(ordered) + samples.errors
        p50 = statistics.median(ordered) if ordered else 0.0
        name = path.split("?")[0]
        print(
            f"{workers:>7}  {label:<8} {name:<44} {count:>8} {count / seconds:>9.1f} {p50:>8.1f} "
            f"{percentile(ordered, 0.99):>8.1f} {samples.errors:>7}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Build, serve at each worker count, drive, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (default: a SQLite file)")
    parser.add_argument("--workers", default="1,2,4", help="comma-separated worker counts")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per phase (two phases per count)")
    parser.add_argument("--meters", type=int, default=90, help="master meters of the demo campus")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",") if n.strip()]
    with fresh_database(args.database_url, "load") as db:
        started = time.perf_counter()
        key, step_id, period = build(db, args.meters)
        built_s = time.perf_counter() - started
        url = db.url
        db.dispose()
        baseline = ["/api/v3/me"]
        mixed = [
            f"/api/v3/chargebackWorkflow/{step_id}/digest?billingPeriod={period}",
            "/api/v3/bill?pageSize=100",
            "/api/v3/meter?pageSize=100",
        ]
        print(f"database      {db.engine.dialect.name}")
        print(
            f"data          demo campus of {args.meters} master meters and {2 * args.meters} submeters, "
            f"{24 * args.meters + 2 * args.meters} bills; workflow run for {period} (built in {built_s:.1f} s)"
        )
        print(f"clients       {args.clients} threads on loopback, {args.seconds:g} s per phase")
        print(f"{'workers':>7}  {'phase':<8} {'endpoint':<44} {'requests':>8} {'req/s':>9} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'errors':>7}")  # fmt: skip
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"apportion-load-{os.getpid()}.log"
        failures: list[str] = []
        for workers in counts:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            logged = log.stat().st_size if log.exists() else 0
            server = start_server(url, workers, port, log)
            errors = 0
            try:
                wait_ready(base, key, server)
                for label, paths in (("baseline", baseline), ("mixed", mixed)):
                    results = drive(base, key, paths, args.clients, args.seconds)
                    report(workers, label, results, args.seconds)
                    errors += sum(samples.errors for samples in results.values())
            except RuntimeError as error:
                failures.append(f"{workers} workers: {error}")
            finally:
                stop_server(server)
            failures += [f"{workers} workers: {line}" for line in worker_trouble(log, logged)]
            if errors:
                failures.append(f"{workers} workers: {errors} failed requests")
        print("goal          zero errors; the mixed endpoints' requests/s rising with the workers")
        print(f"machine load  {os.getloadavg()[0]:.1f} (1-minute average) on {os.cpu_count()} CPUs; server log {log}")
        if failures:
            print(f"errors        {len(failures)}:")
            for failure in failures:
                print(f"  {failure}")
            raise SystemExit(1)
        print("errors        none: every request answered 200, no worker died or was restarted")


if __name__ == "__main__":
    main()
