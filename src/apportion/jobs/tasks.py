"""Task bodies: each takes the database, the task id and the settings, and calls one service.

The same functions run in the inline thread runner (`jobs.inline`) and, later, under a PostgreSQL-backed
queue whose worker looks the body up by kind in `BODIES`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from apportion.services import bill_import, task_queue
from apportion.settings import Settings
from apportion.store.database import Database

Body = Callable[[Database, int, Settings, Callable[[], datetime]], None]


def import_bills(db: Database, task_id: int, settings: Settings, clock: Callable[[], datetime]) -> None:
    """Import a bill import task's file: Queued -> Processing -> Completed | Completed with kickouts | Failed."""
    bill_import.run_import(db, task_id, clock, bill_import.limits_for(settings))


BODIES: dict[str, Body] = {task_queue.BILL_IMPORT: import_bills}
