"""Read and change the bill workflow settings (GET/PUT /api/v3/workflow and its parts, accounting.md §2.2)."""

from __future__ import annotations

from apportion.domain import workflow
from apportion.domain.workflow import WorkflowChange, WorkflowSettings
from apportion.store.database import Database
from apportion.store.queries import workflow_settings as stored


def get_settings(db: Database) -> WorkflowSettings:
    """The system's workflow settings (the defaults until first changed)."""
    with db.reading() as session:
        return stored.load(session)


def edit_settings(db: Database, change: WorkflowChange) -> WorkflowSettings:
    """PUT /api/v3/workflow: apply the writable parts in one transaction; the settings after the change."""
    with db.transaction() as session:
        settings = workflow.apply_change(stored.load(session), change)
        stored.save(session, settings)
        return settings


def edit_approval(
    db: Database, enabled: bool | None, maximum_amount: int | None, clear_maximum: bool
) -> WorkflowSettings:
    """Apportion's extension: switch approval mode and set or clear maximumApprovalAmount (EnergyCAP's PUT cannot)."""
    with db.transaction() as session:
        settings = workflow.set_approval(stored.load(session), enabled, maximum_amount, clear_maximum)
        stored.save(session, settings)
        return settings
