"""Routes: the chargeback workflow digest (GET /api/v3/chargebackWorkflow/{chargebackWorkflowStepId}/digest)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from apportion.api.deps import ClockDep, DatabaseDep, requires
from apportion.api.render import meter_child, unit_child, workflow_step_child
from apportion.api.schemas.contract import (
    BillingPeriodCostUnitChild,
    BillingPeriodCostUnitDeltaChild,
    BillingPeriodUseCostChild,
    BillingPeriodUseCostDeltaChild,
    BillingPeriodUseUnitChild,
    BillingPeriodUseUnitDeltaChild,
    ChargebackWorkflowDigestChild,
    ChargebackWorkflowDigestResponse,
    ChargebackWorkflowDigestSplitChild,
    MeterChild,
    UnitChild,
)
from apportion.domain.digest import ComparisonFigures, PeriodFigures
from apportion.services import digest
from apportion.services.auth import Principal

router = APIRouter(tags=["ChargebackWorkflow"])


def _current(
    figures: PeriodFigures, use_unit: UnitChild | None, cost_unit: UnitChild | None
) -> BillingPeriodUseCostChild:
    return BillingPeriodUseCostChild(
        billing_period=figures.billing_period,
        number_of_bills_in_period=figures.number_of_bills,
        number_of_bills_in_period_from_workflow_step=figures.number_of_bills_from_step,
        use=BillingPeriodUseUnitChild(use=figures.use, unit=use_unit),
        cost=BillingPeriodCostUnitChild(cost=figures.cost, unit=cost_unit),
        unit_cost=figures.unit_cost,
    )


def _comparison(
    figures: ComparisonFigures, use_unit: UnitChild | None, cost_unit: UnitChild | None
) -> BillingPeriodUseCostDeltaChild:
    return BillingPeriodUseCostDeltaChild(
        billing_period=figures.billing_period,
        use=BillingPeriodUseUnitDeltaChild(use=figures.use, delta=figures.use_delta, unit=use_unit),
        cost=BillingPeriodCostUnitDeltaChild(cost=figures.cost, delta=figures.cost_delta, unit=cost_unit),
    )


def _meter(line: digest.DigestLine) -> MeterChild | None:
    meter = meter_child(line.meter, "meter")
    # Apportion keeps no interval-data (ESA) calculated meters, so no digest meter is one.
    return meter.model_copy(update={"is_esa_calculated_meter": False}) if meter is not None else None


def _blocks(line: digest.DigestLine, cost_unit: UnitChild | None) -> dict[str, Any]:
    """The fields a source meter's result and a destination's share: the meter and its three period blocks."""
    use_unit = unit_child(line.meter, "use_unit")
    return {
        "meter": _meter(line),
        "current_period": _current(line.figures.current, use_unit, cost_unit),
        "prior_period": _comparison(line.figures.prior_period, use_unit, cost_unit),
        "prior_year": _comparison(line.figures.prior_year, use_unit, cost_unit),
    }


def render(result: digest.WorkflowDigest) -> ChargebackWorkflowDigestResponse:
    """Wire form of a digest: the step, then one result per meter with its split destinations (null for
    calculated meters)."""
    cost_unit = unit_child(result.step, "cost_unit")
    results = [
        ChargebackWorkflowDigestChild(
            **_blocks(line, cost_unit),
            splits=(
                [ChargebackWorkflowDigestSplitChild(**_blocks(s, cost_unit)) for s in line.splits]
                if line.splits is not None
                else None
            ),
        )
        for line in result.results
    ]
    return ChargebackWorkflowDigestResponse(
        chargeback_workflow_step=workflow_step_child(result.step, "step"), results=results
    )


@router.get(
    "/api/v3/chargebackWorkflow/{chargebackWorkflowStepId}/digest", response_model=ChargebackWorkflowDigestResponse
)
def get_chargeback_workflow_digest(
    db: DatabaseDep,
    clock: ClockDep,
    chargebackWorkflowStepId: int,
    _: Annotated[Principal, Depends(requires("ChargebacksModule", "View"))],
    billingPeriod: Annotated[int | None, Query(description="The billing period of the digest.")] = None,
) -> ChargebackWorkflowDigestResponse:
    """Get a digest of all bills by meter for all meters involved in a chargeback workflow step for a given
    billing period (the latest task of the step in that period)."""
    return render(digest.get_digest(db, chargebackWorkflowStepId, billingPeriod, clock().date()))
