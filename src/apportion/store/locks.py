"""Row and advisory locks that serialise concurrent writers where a read decides what a transaction writes.

On SQLite every write transaction already runs alone (`Database.transaction` takes the write lock first), so these
are no-ops there. On PostgreSQL (READ COMMITTED) they make a second transaction wait at the lock until the first
commits; every statement after it then sees what the first wrote. Locks are taken in id order, so two transactions
locking overlapping sets never deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apportion.store.id_lists import among
from apportion.store.models.chargebacks import DistributionVersion

# Advisory lock namespaces (the first key of pg_advisory_xact_lock(int, int)).
USER_BATCHES = 1
BILL_IMPORTS = 2


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock_rows(session: Session, key: Any, ids: Iterable[int]) -> None:
    """Lock the rows whose primary key `key` (a mapped column) is among `ids` until the transaction ends."""
    wanted = sorted(set(ids))
    if not wanted or not _postgresql(session):
        return
    session.execute(select(key).where(among(key, wanted)).order_by(key).with_for_update()).all()


def lock_versions(session: Session, version_ids: Iterable[int]) -> None:
    """Lock chargeback versions, so runs of the same versions take turns (each replaces the one before)."""
    lock_rows(session, DistributionVersion.version_id, version_ids)


def lock_batches_of(session: Session, user_id: int) -> None:
    """Serialise the choice of a user's batch (their one open batch, or a new one with an automatic code)."""
    if _postgresql(session):
        session.execute(select(func.pg_advisory_xact_lock(USER_BATCHES, user_id)))


def lock_bill_imports(session: Session) -> None:
    """Serialise bill imports: an import locks its accounts a chunk at a time, in file order, so two imports at once
    would otherwise lock overlapping accounts in different orders."""
    if _postgresql(session):
        session.execute(select(func.pg_advisory_xact_lock(BILL_IMPORTS, 0)))
