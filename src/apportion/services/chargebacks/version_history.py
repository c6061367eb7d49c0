"""Version history of bill split and calculated bill versions on an account and meter (domain.md §4.1, SEED-002).

One implementation serves both chargeback types ("Split" for …/billSplit, "Calculation" for …/calculatedBill):
read a history, and replace it as a whole. A replace loads the account+meter's versions, lets
apportion.domain.versions.plan_version_history validate the request and plan it, and applies the plan in one
transaction (store.queries.versions.apply_plan): updates, then copies (a copy may read a version the request
drops), then creates, then deletes. Any problem is raised before the first write, so a failing request changes
nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from apportion.domain import versions
from apportion.domain.errors import NotFound, RuleViolation
from apportion.domain.ids import known, require
from apportion.domain.versions import RequestedVersion
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import versions as stored
from apportion.store.queries.accounts import account_exists
from apportion.store.queries.meters import meter_exists
from apportion.store.queries.versions import VersionListing

CHARGEBACK_TYPES = (versions.SPLIT, versions.CALCULATION)


def _require_account(session: UnitOfWork, account_id: int) -> None:
    if not account_exists(session, account_id):
        raise NotFound("Account", account_id)


def _require_meter(session: UnitOfWork, meter_id: int) -> None:
    if not meter_exists(session, meter_id):
        raise NotFound("Meter", meter_id)


def history(db: Database, account_id: int, meter_id: int, chargeback_type: str) -> list[VersionListing]:
    """The versions of `chargeback_type` on the account and meter, by beginPeriod; 404 for an unknown id."""
    with db.reading() as session:
        _require_account(session, account_id)
        _require_meter(session, meter_id)
        return stored.history(session, account_id, meter_id, chargeback_type)


def account_versions(db: Database, account_id: int, chargeback_type: str) -> list[VersionListing]:
    """The versions of `chargeback_type` on every meter of the account (GET /account/{id}/billSplit)."""
    with db.reading() as session:
        _require_account(session, account_id)
        return stored.account_versions(session, account_id, chargeback_type)


def meter_versions(db: Database, meter_id: int, chargeback_type: str) -> list[VersionListing]:
    """The versions of `chargeback_type` on the meter under any account (GET /meter/{id}/calculatedBill)."""
    with db.reading() as session:
        _require_meter(session, meter_id)
        return stored.meter_versions(session, meter_id, chargeback_type)


def replace_history(
    db: Database, account_id: int, meter_id: int, chargeback_type: str, requested: Sequence[RequestedVersion]
) -> list[VersionListing]:
    """Make the account+meter's `chargeback_type` history exactly `requested` (SEED-002), atomically.

    404 for an unknown account or meter; every other problem is a 400 naming the item and field (see
    plan_version_history), raised before any write. Returns the resulting history, as `history` does.
    """
    if chargeback_type not in CHARGEBACK_TYPES:
        raise ValueError(f"unknown chargeback type {chargeback_type!r}")
    with db.transaction() as session:
        # The account row is locked so two concurrent replaces of one history cannot both pass the overlap check.
        require(account_id, "Account")
        if not stored.lock_account(session, account_id):
            raise NotFound("Account", account_id)
        _require_meter(session, meter_id)
        existing = stored.stored_versions(session, account_id, meter_id)
        steps = stored.step_types(session, known(r.workflow_step_id for r in requested))
        plan = versions.plan_version_history(existing, requested, chargeback_type, steps)
        if plan.versions and not stored.linked(session, account_id, meter_id):
            # domain.md §4.1 step 1: versions live on an account-meter relationship.
            raise RuleViolation(f"Account {account_id} and meter {meter_id} are not linked.", field="meterId")
        stored.apply_plan(session, plan, account_id, meter_id, chargeback_type)
        return stored.history(session, account_id, meter_id, chargeback_type)
