"""Routers, one module per resource family; app.py mounts every router listed here."""

from __future__ import annotations

from fastapi import APIRouter

from apportion.api.routes import (
    accounts,
    batches,
    bills,
    calculated_versions,
    chargeback_tasks,
    digest,
    dry_runs,
    exports,
    imports,
    lineage,
    meters,
    places,
    processors,
    reference,
    split_versions,
    users,
    vendors,
    version_history,
    workflows,
)

ROUTERS: list[APIRouter] = [
    users.router,
    reference.router,
    vendors.router,
    places.router,
    accounts.router,
    meters.router,
    bills.router,
    batches.router,
    workflows.router,
    version_history.router,
    split_versions.router,
    calculated_versions.router,
    processors.router,
    chargeback_tasks.router,
    digest.router,
    imports.router,
    lineage.router,
    dry_runs.router,
    exports.router,
]
