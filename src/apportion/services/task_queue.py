"""Where use cases hand long work: a task kind and the task's id, run later by a runner in `apportion.jobs`.

Services cannot import the jobs package (the layers flow api|jobs -> services), so the API holds a `TaskQueue`
given to it by the entry point: the inline thread runner on the embedded default, later a PostgreSQL-backed
queue. Either way the body that runs is `apportion.jobs.tasks.BODIES[kind]`, which takes ids and calls one
service.
"""

from __future__ import annotations

from typing import Protocol

BILL_IMPORT = "bill_import"
"""Import the source file of a bill import task (`services.bill_import.run_import`)."""


class TaskQueue(Protocol):
    """Accepts a task for running outside the request; `enqueue` returns at once."""

    def enqueue(self, kind: str, task_id: int) -> None:
        """Run the body registered for `kind` with this task id, in the background."""
        ...
