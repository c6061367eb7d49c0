"""What each kind of queued work runs; the kinds and the `TaskQueue` protocol are in queue_interface.py.

The entry point gives the API a `TaskQueue`: the inline thread runner on the embedded default, or the
PostgreSQL-backed queue (`jobs.queue`) run by `apportion worker` processes. Whatever runs them, the bodies are
`BODIES[kind]`, which take ids and call one service; `REQUEUES[kind]` readies a task whose runner died mid-body
for a second run. Kinds: bill imports, and chargeback runs when the processors are queued
(APPORTION_RUN_JOBS_INLINE=false on PostgreSQL).

`RunNow` is the queue an app gets when its builder names none: it runs the body in the calling thread, so an
import finishes before its request answers. Slower for the client than a background runner, but an app built
without a runner still imports, rather than failing every import request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from apportion.services.imports import bill_import
from apportion.services.runs import processing
from apportion.services.runs.queue_interface import BILL_IMPORT, CHARGEBACK_RUN, CHARGEBACK_WORKFLOW, TaskQueue

__all__ = ["BILL_IMPORT", "BODIES", "CHARGEBACK_RUN", "CHARGEBACK_WORKFLOW", "REQUEUES", "RunNow", "TaskQueue"]
from apportion.settings import Settings
from apportion.store import import_queue
from apportion.store.database import Database

log = logging.getLogger("apportion.jobs")

Body = Callable[[Database, int, Settings, Callable[[], datetime]], None]


def import_bills(db: Database, task_id: int, settings: Settings, clock: Callable[[], datetime]) -> None:
    """Import a bill import task's file: Queued -> Processing -> Completed | Completed with kickouts | Failed."""
    bill_import.run_import(db, task_id, clock, bill_import.limits_for(settings))


def run_chargeback(db: Database, task_id: int, _settings: Settings, clock: Callable[[], datetime]) -> None:
    """Run a processor request's queued run from this task on: Processing -> Completed | ... | Failed, in order."""
    processing.run_queued(db, task_id, clock)


BODIES: Mapping[str, Body] = {
    BILL_IMPORT: import_bills,
    CHARGEBACK_RUN: run_chargeback,
    CHARGEBACK_WORKFLOW: run_chargeback,
}
"""The body of each task kind; every runner looks bodies up here."""


def requeue_import(db: Database, task_id: int) -> bool:
    """Processing -> Queued for an import whose runner died; False when the task is not Processing.

    The dead run's import transaction was rolled back with its connection, so nothing of it is left; the row lock
    the import transaction holds (`bill_import.run_import`) makes this wait for, and then skip, a run still alive.
    """
    with db.transaction() as session:
        return import_queue.requeue(session, task_id)


def requeue_chargeback(db: Database, task_id: int) -> bool:
    """Whether the run of a chargeback task whose runner died still has work: a task of it still Processing.

    Its transactions were rolled back with the connection, so an unfinished task is Processing as the request left
    it (finished ones stay finished). Waits for the row locks of a run still alive, which has then finished it.
    """
    return processing.still_processing(db, processing.run_tasks(db, task_id))


def left_behind_imports(db: Database) -> list[int]:
    """Imports a stopped process accepted and never finished: its queue lived in its memory (the inline runner).

    Processing ones go back to Queued (their import transaction was rolled back with the process); every Queued
    one is returned for the runner to run again. A task still running in another process of the same database is
    safe too: its claim and row lock make a second run wait and then find it finished.
    """
    with db.transaction() as session:
        return import_queue.requeue_all(session)


REQUEUES: Mapping[str, Callable[[Database, int], bool]] = {
    BILL_IMPORT: requeue_import,
    CHARGEBACK_RUN: requeue_chargeback,
    CHARGEBACK_WORKFLOW: requeue_chargeback,
}
"""For each task kind: make a task a dead runner left half-way claimable again (before the queue re-runs it)."""


class RunNow:
    """A `TaskQueue` that runs each body at once in the calling thread (the default of `api.create_app`)."""

    def __init__(
        self, db: Database, settings: Settings, clock: Callable[[], datetime], bodies: Mapping[str, Body] = BODIES
    ) -> None:
        self.db, self.settings, self.clock, self.bodies = db, settings, clock, bodies

    def enqueue(self, kind: str, task_id: int) -> None:
        """Run the body registered for `kind`; unknown kinds are a programming error."""
        body = self.bodies[kind]
        try:
            body(self.db, task_id, self.settings, self.clock)
        except Exception:  # a body records its own failure on the task; the request that queued it still succeeds
            log.exception("task %s %s failed", kind, task_id)
