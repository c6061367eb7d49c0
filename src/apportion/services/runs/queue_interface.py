"""The task queue's interface: the `TaskQueue` protocol use cases hand long work to, and the kinds of work (what a
runner takes is a kind and a task's id).

Services cannot import the jobs package (the layers flow api|jobs -> services), so the entry point gives the API a
`TaskQueue` (the inline thread runner, or the PostgreSQL queue `apportion worker` processes run) and the API hands
it to the use cases that queue work. What each kind runs is in services/runs/queue_bodies.py.
"""

from __future__ import annotations

from typing import Protocol

BILL_IMPORT = "bill_import"
"""Import the source file of a bill import task (`services.imports.bill_import.run_import`)."""
CHARGEBACK_RUN = "chargeback_run"
"""Run the Processing tasks of a processor request's run, from the given one on (`processing.run_queued`)."""
CHARGEBACK_WORKFLOW = "chargeback_workflow"
"""The same as CHARGEBACK_RUN (a workflow's run, given its first task); kept for jobs queued under this name."""


class TaskQueue(Protocol):
    """Accepts a task for running outside the request; `enqueue` returns at once."""

    def enqueue(self, kind: str, task_id: int) -> None:
        """Run the body registered for `kind` with this task id, in the background."""
        ...
