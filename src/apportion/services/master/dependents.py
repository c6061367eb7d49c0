"""What depends on an account, a meter or an account-meter link: bills and chargeback versions.

Deletes of master data consult these inside their own transaction: bills block a delete unless the caller
passes deleteBills=true (operations.md §3), chargeback versions always block it (domain.md §2.6 item 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from apportion.domain.errors import RuleViolation
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.store.database import DbSession
from apportion.store.queries import dependents as store


def refuse_or_delete_bills(
    session: DbSession, bill_ids: Sequence[int], delete_bills: bool, what: str, user_id: int, now: datetime
) -> None:
    """Refuse (400) when bills exist and deleteBills is not true; otherwise delete them, after voiding the
    chargeback bills made from them (services/chargebacks/corrections.py)."""
    if not bill_ids:
        return
    if not delete_bills:
        raise RuleViolation(
            f"{what} has {len(set(bill_ids))} bill(s); pass deleteBills=true to delete them too.", field="deleteBills"
        )
    ids = sorted(set(bill_ids))
    corrections.undo_dependents(session, ids, Change(Cause.DELETED, user_id, now, deleting=True))
    store.delete_bills(session, ids)


def refuse_if_in_versions(
    session: DbSession, what: str, account_id: int | None = None, meter_id: int | None = None
) -> None:
    """Refuse (400) when a bill split or calculated bill version uses the account, the meter or the pair."""
    used = store.versions_using(session, account_id, meter_id)
    if used:
        raise RuleViolation(
            f"{what} is used by {used} bill split or calculated bill version(s); remove it from them first."
        )
