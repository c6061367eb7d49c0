"""Routes: version histories of bill splits and calculated bills on an account and meter (★002, domain.md §4.1).

GET/PUT /api/v3/account/{accountId}/meter/{meterId}/billSplit and …/calculatedBill share one implementation
(apportion.services.chargebacks.version_history) and differ only in the chargeback type and the read permission;
so do the lists GET /api/v3/account/{accountId}/billSplit and GET /api/v3/meter/{meterId}/calculatedBill.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from apportion.api.deps import DatabaseDep, requires
from apportion.api.render import distribution_version
from apportion.api.schemas.contract import DistributionVersionManage, DistributionVersionResponse
from apportion.api.wire import WireRouter
from apportion.domain.versions import CALCULATION, SPLIT, RequestedVersion
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import version_history

router = WireRouter(tags=["Version history"])

# domain.md Appendix A: split reads need Accounts (View), calculated bill reads Meters (View),
# every PUT Chargebacks (Manage).
AccountViewer = Annotated[Principal, Depends(requires("Accounts", "View"))]
MeterViewer = Annotated[Principal, Depends(requires("Meters", "View"))]
Manager = Annotated[Principal, Depends(requires("Chargebacks", "Manage"))]
Versions = list[DistributionVersionResponse]


def requested(body: list[DistributionVersionManage]) -> list[RequestedVersion]:
    """The service's form of a DistributionVersionManage array (absent fields are None)."""
    return [
        RequestedVersion(
            name=item.name,
            begin_period=item.begin_period,
            end_period=item.end_period,
            version_id=item.version_id,
            copy_version_id=item.copy_version_id,
            workflow_step_id=item.workflow_step_id,
        )
        for item in body
    ]


@router.get("/api/v3/account/{accountId}/meter/{meterId}/billSplit", response_model=Versions)
def get_bill_split_version_history(db: DatabaseDep, accountId: int, meterId: int, _: AccountViewer) -> Versions:
    """Get a list of bill split versions on this account and meter relationship."""
    return [distribution_version(row) for row in version_history.history(db, accountId, meterId, SPLIT)]


@router.put("/api/v3/account/{accountId}/meter/{meterId}/billSplit", response_model=Versions)
def manage_bill_split_version_history(
    db: DatabaseDep, accountId: int, meterId: int, body: list[DistributionVersionManage], _: Manager
) -> Versions:
    """Replace the bill split version history of an account and meter, all or nothing (SEED-002)."""
    rows = version_history.replace_history(db, accountId, meterId, SPLIT, requested(body))
    return [distribution_version(row) for row in rows]


@router.get("/api/v3/account/{accountId}/meter/{meterId}/calculatedBill", response_model=Versions)
def get_calculated_bill_version_history(db: DatabaseDep, accountId: int, meterId: int, _: MeterViewer) -> Versions:
    """Get a list of calculated bill versions on this account and meter relationship."""
    return [distribution_version(row) for row in version_history.history(db, accountId, meterId, CALCULATION)]


@router.put("/api/v3/account/{accountId}/meter/{meterId}/calculatedBill", response_model=Versions)
def manage_calculated_bill_version_history(
    db: DatabaseDep, accountId: int, meterId: int, body: list[DistributionVersionManage], _: Manager
) -> Versions:
    """Replace the calculated bill version history of an account and meter, all or nothing (as SEED-002)."""
    rows = version_history.replace_history(db, accountId, meterId, CALCULATION, requested(body))
    return [distribution_version(row) for row in rows]


@router.get("/api/v3/account/{accountId}/billSplit", response_model=Versions)
def get_bill_splits(db: DatabaseDep, accountId: int, _: AccountViewer) -> Versions:
    """Get a list of bill split versions on an account (every meter), by meter and beginPeriod."""
    return [distribution_version(row) for row in version_history.account_versions(db, accountId, SPLIT)]


@router.get("/api/v3/meter/{meterId}/calculatedBill", response_model=Versions)
def get_calculated_bills(db: DatabaseDep, meterId: int, _: MeterViewer) -> Versions:
    """Get a list of calculated bill versions on a meter (every account), by account and beginPeriod."""
    return [distribution_version(row) for row in version_history.meter_versions(db, meterId, CALCULATION)]
