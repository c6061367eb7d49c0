"""Routes: bill split versions (GET /api/v3/billSplit), their details (GET/PUT …/billSplit/{versionId}) and
the split parents of an account or a meter (GET …/billSplit/parent)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from apportion.api.deps import ClockDep, DatabaseDep, requires
from apportion.api.paging import PageRequest, page_request, set_paging_headers
from apportion.api.render import distribution_version
from apportion.api.schemas.contract import DistributionVersionResponse
from apportion.domain.versions import SPLIT
from apportion.services import version_lists
from apportion.services.auth import Principal

router = APIRouter(tags=["Bill splits"])

FilterQuery = Annotated[str | None, Query(description="API filter string containing conditions")]


@router.get("/api/v3/billSplit", response_model=list[DistributionVersionResponse])
def get_bill_split_versions(
    db: DatabaseDep,
    clock: ClockDep,
    response: Response,
    _: Annotated[Principal, Depends(requires("ChargebacksModule", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> list[DistributionVersionResponse]:
    """Get a list of bill split versions which match the provided filter conditions."""
    result = version_lists.list_versions(db, SPLIT, filter, page.number, page.size, clock().date())
    set_paging_headers(response, page, result.total)
    return [distribution_version(row) for row in result.rows]
