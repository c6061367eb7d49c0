"""The one vocabulary of task statuses, for chargeback tasks and bill import tasks (domain.md §7 Q2)."""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    """Where a task is: queued (imports), processing, or how it ended."""

    QUEUED = "Queued"
    PROCESSING = "Processing"
    COMPLETED = "Completed"
    COMPLETED_WITH_ERRORS = "Completed with errors"  # a chargeback task some of whose versions failed
    COMPLETED_WITH_KICKOUTS = "Completed with kickouts"  # an import some of whose rows were kicked out
    FAILED = "Failed"
