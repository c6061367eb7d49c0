"""Two GL exports of the same bills at once, on each database: every bill goes into exactly one file and is marked
once, whatever the interleaving (the conditional mark of services.accounting.exports)."""

from __future__ import annotations

import threading
import uuid
from datetime import date, datetime
from decimal import Decimal

from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.access.auth import Principal
from apportion.services.accounting import exports
from apportion.services.billing import bills
from apportion.store.database import Database
from apportion.store.queries import bill_accounting
from tests.support import chargebacks as cb

NOW = datetime(2024, 6, 15, 9, 30)


def test_racing_exports_never_share_a_bill(db: Database) -> None:
    user_id, _ = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    principal = Principal(user_id, "admin", "Administrator", Grants.everything())
    account_id, meter_id = cb.accounts_and_meters(db, ["RACE"])["RACE"]
    ids = []
    for month in range(1, 13):
        line = bills.LineInput(meter_id, 1, "Energy", Decimal(100), 1, Decimal("10.00"))
        bill = bills.BillInput(account_id, date(2023, month, 1), date(2023, month, 28), 202300 + month, [line])
        ids.append(bills.create_bill(db, bill, principal, NOW))
    files: list[list[int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            outcome = exports.export_bills(db, ids, "gl", True, None, principal, NOW, str(uuid.uuid4()))
            files.append([b.bill_id for b in outcome.bills])
        except BaseException as error:  # reported below with the thread's failure
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(files) == 2
    together = sorted(files[0] + files[1])
    assert together == sorted(ids)  # each bill in exactly one of the two files
    with db.reading() as session:
        assert all(state.gl_exported for state in bill_accounting.states(session, ids))
