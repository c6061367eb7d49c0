"""Routes: the chargeback workflow digest (GET /api/v3/chargebackWorkflow/{chargebackWorkflowStepId}/digest), written
by api.digest_json."""

from __future__ import annotations

from typing import Annotated

import pydantic_core
from fastapi import Depends, Query, Response

from apportion.api.deps import ClockDep, DatabaseDep, ReadCacheDep, requires
from apportion.api.digest_json import render
from apportion.api.schemas.contract import ChargebackWorkflowDigestResponse
from apportion.api.wire import WireRouter
from apportion.domain import periods
from apportion.runtime.memory import cyclic_gc_paused
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import digest

router = WireRouter(tags=["ChargebackWorkflow"])


@router.get(
    "/api/v3/chargebackWorkflow/{chargebackWorkflowStepId}/digest", response_model=ChargebackWorkflowDigestResponse
)
def get_chargeback_workflow_digest(
    db: DatabaseDep,
    clock: ClockDep,
    cache: ReadCacheDep,
    chargebackWorkflowStepId: int,
    viewer: Annotated[Principal, Depends(requires("ChargebacksModule", "View"))],
    billingPeriod: Annotated[int | None, Query(description="The billing period of the digest.")] = None,
) -> Response:
    """Get a digest of all bills by meter for all meters involved in a chargeback workflow step for a given
    billing period (the latest task of the step in that period)."""
    today = clock().date()

    def build() -> bytes:
        with cyclic_gc_paused():  # 12,000 entries are tens of thousands of acyclic objects
            found = digest.get_digest(db, chargebackWorkflowStepId, billingPeriod, today, viewer.scope)
            return pydantic_core.to_json(render(found))

    # Kept until the next write: rendering 12,000 entries takes a second, serving them again milliseconds. The
    # answer depends on the data and, without a billing period, on today's period (the default one).
    # and on the caller's scope (a scoped caller sees only its meters).
    key = ("digest", chargebackWorkflowStepId, billingPeriod, periods.of_date(today), viewer.scope)
    return Response(cache.get_or_build(db, key, build), media_type="application/json")
