"""The inline runner: task bodies on a background thread of the serving process (the embedded SQLite default).

One worker thread by default, so imports run one after another and never fight over SQLite's single writer.
Tests and the benchmark call `drain()` to wait, deterministically, until everything enqueued has finished.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from apportion.jobs.tasks import BODIES, Body
from apportion.settings import Settings
from apportion.store.database import Database

log = logging.getLogger("apportion.jobs")


class InlineRunner:
    """A `services.runs.queue_interface.TaskQueue` that runs bodies on `workers` threads of this process."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Callable[[], datetime] = datetime.now,
        bodies: Mapping[str, Body] = BODIES,
        workers: int = 1,
    ) -> None:
        self.db, self.settings, self.clock, self.bodies = db, settings, clock, bodies
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apportion-job")
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def enqueue(self, kind: str, task_id: int) -> None:
        """Start the body registered for `kind` on a worker thread; unknown kinds are a programming error."""
        body = self.bodies[kind]
        future = self._executor.submit(self._run, body, kind, task_id)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _run(self, body: Body, kind: str, task_id: int) -> None:
        try:
            body(self.db, task_id, self.settings, self.clock)
        except Exception:  # a body records its own failure on the task; this only keeps the thread alive
            log.exception("task %s %s failed", kind, task_id)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float | None = None) -> None:
        """Wait until every task enqueued so far (and any they enqueue) has finished."""
        while True:
            with self._lock:
                waiting = list(self._pending)
            if not waiting:
                return
            for future in waiting:
                future.result(timeout=timeout)

    def close(self) -> None:
        """Finish the running and queued tasks, then stop the threads."""
        self._executor.shutdown(wait=True)
