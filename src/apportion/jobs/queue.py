"""The PostgreSQL-backed task queue (procrastinate): API processes defer, `apportion worker` processes run.

API processes keep no state: `PostgresQueue.enqueue` inserts a procrastinate job through the app's own
SQLAlchemy connection pool, and any number of workers, on any host, fetch jobs with `FOR UPDATE SKIP LOCKED`, so
each job goes to one worker. The job runs the same body as the inline runner (`services.runs.queue_bodies.BODIES`).

Workers that die: each worker writes a heartbeat every `worker_heartbeat_seconds`. At the same pace every worker
looks for jobs left "doing" by a worker silent for `worker_stalled_seconds` (procrastinate's `get_stalled_jobs`),
puts their task back to Queued (`services.runs.queue_bodies.REQUEUES`) and retries the job (`retry_job`), so another
worker runs it again. One worker at a time does this, under a PostgreSQL advisory lock. The dead run left
nothing: an import writes in one transaction, rolled back with its connection; so does each chargeback task,
which stays Processing and needs no reset (a workflow job's finished steps are skipped on the second run).

A worker that loses the database itself stops procrastinate's worker and starts it again each heartbeat until the
database is back; SIGINT/SIGTERM stop it for good, once its running tasks have finished.

The schema is procrastinate's own (`procrastinate_jobs`, `procrastinate_workers`, ...), applied by `apportion db
upgrade` and `apportion serve` on PostgreSQL (`apply_schema`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from datetime import datetime
from typing import Any

import psycopg
from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import ConnectorException

from apportion.jobs.inline import InlineRunner
from apportion.jobs.readiness import conninfo
from apportion.services.runs import queue_bodies
from apportion.services.runs.queue_bodies import BODIES, REQUEUES
from apportion.services.runs.queue_interface import BILL_IMPORT, TaskQueue
from apportion.settings import Settings
from apportion.store.database import Database

log = logging.getLogger("apportion.jobs")

RUN_TASK = "apportion.run_task"
"""The one procrastinate task: run `BODIES[kind]` for a task id."""
QUEUE = "apportion"
# Advisory lock keys: one stalled-job sweep at a time across all workers; one schema creation at a time.
SWEEP_LOCK, SCHEMA_LOCK = 0x61707074, 0x61707075


class WorkerStopped(RuntimeError):
    """procrastinate's worker ended without being asked to (its heartbeat or LISTEN lost the database)."""


def procrastinate_app(settings: Settings, concurrency: int = 1) -> App:
    """A procrastinate App on the settings' database, with the `RUN_TASK` task registered.

    Its pool serves the worker's own queries (fetch, finish, heartbeat, LISTEN, sweep): a few beyond one a task.
    A query waits up to three heartbeats for a connection, so a lost database stops the worker (to be started
    again by `run_worker`) within about that time.
    """
    url = conninfo(settings.database_url)
    wait = min(30.0, max(2.0, 3 * settings.worker_heartbeat_seconds))
    app = App(connector=PsycopgConnector(conninfo=url, min_size=1, max_size=concurrency + 4, timeout=wait))

    @app.task(name=RUN_TASK, queue=QUEUE, pass_context=True)
    def run_task(context: JobContext, kind: str, task_id: int) -> None:
        # Bodies record their own outcome on the task; an exception they re-raise marks the job failed, no retry.
        extra = context.additional_context
        BODIES[kind](extra["db"], task_id, extra["settings"], datetime.now)

    return app


def apply_schema(settings: Settings) -> bool:
    """Create procrastinate's tables and functions unless present; True when this call created them.

    Under an advisory lock, so several `apportion serve` processes starting together create it once.
    """
    app = procrastinate_app(settings)
    with psycopg.connect(conninfo(settings.database_url), autocommit=True) as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        with app.open():
            if app.check_connection():  # procrastinate_jobs exists
                return False
            app.schema_manager.apply_schema()
            return True


class PostgresQueue:
    """A `services.runs.queue_interface.TaskQueue` that defers a procrastinate job; an `apportion worker` runs it."""

    def __init__(self, db: Database, settings: Settings) -> None:
        conninfo(settings.database_url)  # refuse SQLite at start-up, not at the first import
        self.db = db
        self._app = procrastinate_app(settings)

    def enqueue(self, kind: str, task_id: int) -> None:
        """Insert the job in its own short transaction on the app's pool; workers are told by NOTIFY."""
        if kind not in BODIES:
            raise KeyError(kind)  # a programming error, as for the other runners
        deferrer = self._app.configure_task(RUN_TASK, queue=QUEUE)
        job = deferrer.make_new_job(kind=kind, task_id=task_id)
        with self.db.engine.begin() as connection:
            try:
                self._app.job_manager.defer_job(job, connection=connection.connection.driver_connection)
            except ConnectorException as error:
                # procrastinate wraps driver errors; a lost database must reach the API as itself (503, not 500).
                if isinstance(error.__cause__, psycopg.OperationalError):
                    raise error.__cause__ from error
                raise


def task_queue_for(db: Database, settings: Settings) -> TaskQueue:
    """The runner the settings ask for: the inline thread runner, or the PostgreSQL queue for workers."""
    if settings.run_jobs_inline:
        # The inline runner's queue is in this process's memory: imports a stopped process accepted but never
        # finished (kill -9, a power cut) run now instead of staying Queued or Processing for ever.
        runner = InlineRunner(db, settings)
        for task_id in queue_bodies.left_behind_imports(db):
            runner.enqueue(BILL_IMPORT, task_id)
        return runner
    return PostgresQueue(db, settings)


def run_worker(settings: Settings, concurrency: int = 1, name: str | None = None) -> None:
    """Run tasks from the queue until SIGINT/SIGTERM (which let running tasks finish first).

    A lost database stops procrastinate's worker; this starts it again, every heartbeat, until the database is back.
    """
    db = Database(settings.database_url)
    try:
        app = procrastinate_app(settings, concurrency)
        asyncio.run(_work(app, db, settings, concurrency, name or socket.gethostname()))
    finally:
        db.dispose()


async def _work(app: App, db: Database, settings: Settings, concurrency: int, name: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    while not stop.is_set():
        try:
            await _work_once(app, db, settings, concurrency, name, stop)
        except (ConnectorException, psycopg.OperationalError, OSError, WorkerStopped) as error:
            log.warning("worker lost the database (%s); starting again", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.worker_heartbeat_seconds)


async def _work_once(
    app: App, db: Database, settings: Settings, concurrency: int, name: str, stop: asyncio.Event
) -> None:
    """One procrastinate worker until `stop` (then let its running tasks finish) or until it fails."""
    async with app.open_async():
        sweeper = asyncio.create_task(_sweep_forever(app, db, settings))
        worker = asyncio.create_task(
            app.run_worker_async(
                queues=[QUEUE],
                name=name,
                concurrency=concurrency,
                update_heartbeat_interval=settings.worker_heartbeat_seconds,
                stalled_worker_timeout=settings.worker_stalled_seconds,
                additional_context={"db": db, "settings": settings},
                install_signal_handlers=False,  # ours set `stop`, so a signal is told apart from a failure
            )
        )
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set() and not worker.done():
                worker.cancel()  # procrastinate's graceful stop: running tasks finish first
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            elif not stop.is_set():
                worker.result()  # raise what stopped it
                raise WorkerStopped("a side task (heartbeat, LISTEN) failed")
        finally:
            stopping.cancel()
            sweeper.cancel()


async def _sweep_forever(app: App, db: Database, settings: Settings) -> None:
    while True:
        try:
            await retry_stalled(app, db, settings.worker_stalled_seconds)
        except Exception:  # a lost database must not stop the worker; the next sweep tries again
            log.exception("stalled task sweep failed")
        await asyncio.sleep(settings.worker_heartbeat_seconds)


async def retry_stalled(app: App, db: Database, stalled_seconds: float) -> list[int]:
    """Re-queue the tasks of workers silent for `stalled_seconds`; the ids of the retried jobs.

    Does nothing while another worker sweeps (advisory lock), so no job is retried twice for one death.
    """
    retried: list[int] = []
    pool: Any = app.connector.pool  # type: ignore[attr-defined]
    async with pool.connection() as lock:
        got = await (await lock.execute("SELECT pg_try_advisory_lock(%s)", (SWEEP_LOCK,))).fetchone()
        await lock.commit()  # the lock is the session's; no transaction stays open while sweeping
        if not got or not got[0]:
            return retried
        try:
            manager = app.job_manager
            stalled = await manager.get_stalled_jobs(task_name=RUN_TASK, seconds_since_heartbeat=stalled_seconds)
            for job in stalled:
                kind, task_id = str(job.task_kwargs["kind"]), job.task_kwargs["task_id"]
                assert isinstance(task_id, int), job.task_kwargs  # as `PostgresQueue.enqueue` wrote it
                requeued = await asyncio.to_thread(REQUEUES[kind], db, task_id)
                log.warning("job %s (%s task %s) was left by a dead worker; running it again", job.id, kind, task_id)
                try:
                    await manager.retry_job(job)
                except ConnectorException:
                    # The silent worker was alive after all and ended the job meanwhile. Had it not yet started the
                    # import, the task is Queued again (requeued) and needs a job of its own.
                    if requeued:
                        await app.configure_task(RUN_TASK, queue=QUEUE).defer_async(kind=kind, task_id=task_id)
                    continue
                retried.append(int(job.id or 0))
        finally:
            await lock.execute("SELECT pg_advisory_unlock(%s)", (SWEEP_LOCK,))
    return retried
