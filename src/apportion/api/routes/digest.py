"""Routes: the chargeback workflow digest (GET /api/v3/chargebackWorkflow/{chargebackWorkflowStepId}/digest).

A split step with 2,000 versions of 5 destinations answers 12,000 entries (about 14 MB of JSON). Building a pydantic
model per child object would cost seconds, so this renderer writes the wire form (ChargebackWorkflowDigestResponse,
field for field) as plain dicts and serialises them once with pydantic-core; tests/api/test_digest.py checks the
output against the contract models.
"""

from __future__ import annotations

from typing import Annotated, Any

import pydantic_core
from fastapi import APIRouter, Depends, Query, Response

from apportion.api.deps import ClockDep, DatabaseDep, ReadCacheDep, requires
from apportion.api.schemas.base import wire_number
from apportion.api.schemas.contract import ChargebackWorkflowDigestResponse
from apportion.api.wire import WireRoute
from apportion.domain import periods
from apportion.domain.digest import ComparisonFigures, PeriodFigures
from apportion.runtime.memory import cyclic_gc_paused
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import digest

router = APIRouter(tags=["ChargebackWorkflow"], route_class=WireRoute)

Wire = dict[str, Any]


def _unit(row: Any, prefix: str) -> Wire | None:
    """UnitChild from `<prefix>_id`, `_code`, `_info` (as render.unit_child)."""
    if row.get(f"{prefix}_id") is None:
        return None
    return {"unitCode": row[f"{prefix}_code"], "unitId": row[f"{prefix}_id"], "unitInfo": row[f"{prefix}_info"]}


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _meter(row: Any) -> Wire:
    """MeterChild from the `meter_*` columns of child_columns.join_meter_child (as render.meter_child)."""
    commodity = None
    if row["meter_commodity_id"] is not None:
        commodity = {
            "commodityCode": row["meter_commodity_code"],
            "commodityIcon": {"code": row["meter_commodity_icon_code"], "color": row["meter_commodity_icon_color"]},
            "commodityId": row["meter_commodity_id"],
            "commodityInfo": row["meter_commodity_info"],
        }
    meter_type = None
    if row["meter_type_id"] is not None:
        meter_type = {
            "meterTypeCode": row["meter_type_code"],
            "meterTypeId": row["meter_type_id"],
            "meterTypeInfo": row["meter_type_info"],
        }
    return {
        "active": _flag(row["meter_active"]),
        "commodity": commodity,
        "isCalculatedMeter": _flag(row["meter_is_calculated_meter"]),
        # Apportion keeps no interval-data (ESA) calculated meters, so no digest meter is one.
        "isEsaCalculatedMeter": False,
        "isSplitChildMeter": _flag(row["meter_is_split_child_meter"]),
        "isSplitParentMeter": _flag(row["meter_is_split_parent_meter"]),
        "meterCode": row["meter_code"],
        "meterId": row["meter_id"],
        "meterInfo": row["meter_info"],
        "meterType": meter_type,
        "serialNumber": row["meter_serial_number"],
    }


def _current(figures: PeriodFigures, use_unit: Wire | None, cost_unit: Wire | None) -> Wire:
    """BillingPeriodUseCostChild."""
    return {
        "billingPeriod": figures.billing_period,
        "cost": {"cost": wire_number(figures.cost), "unit": cost_unit},
        "numberOfBillsInPeriod": figures.number_of_bills,
        "numberOfBillsInPeriodFromWorkflowStep": figures.number_of_bills_from_step,
        "unitCost": wire_number(figures.unit_cost),
        "use": {"unit": use_unit, "use": wire_number(figures.use)},
    }


def _comparison(figures: ComparisonFigures, use_unit: Wire | None, cost_unit: Wire | None) -> Wire:
    """BillingPeriodUseCostDeltaChild: delta = current − comparison (domain.md §7 Q11)."""
    return {
        "billingPeriod": figures.billing_period,
        "cost": {"cost": wire_number(figures.cost), "delta": wire_number(figures.cost_delta), "unit": cost_unit},
        "use": {"delta": wire_number(figures.use_delta), "unit": use_unit, "use": wire_number(figures.use)},
    }


def _entry(line: digest.DigestLine, cost_unit: Wire | None, units: dict[Any, Wire | None]) -> Wire:
    """ChargebackWorkflowDigestSplitChild: the fields a source meter's result shares with a destination's.
    `units` holds one UnitChild per use unit, shared by every entry in that unit."""
    unit_id = line.meter["use_unit_id"]
    use_unit = units.get(unit_id) or units.setdefault(unit_id, _unit(line.meter, "use_unit"))
    return {
        "currentPeriod": _current(line.figures.current, use_unit, cost_unit),
        "meter": _meter(line.meter),
        "priorPeriod": _comparison(line.figures.prior_period, use_unit, cost_unit),
        "priorYear": _comparison(line.figures.prior_year, use_unit, cost_unit),
    }


def render(result: digest.WorkflowDigest) -> Wire:
    """ChargebackWorkflowDigestResponse as JSON-ready dicts: the step, then one result per meter with its split
    destinations (null for calculated meters)."""
    step = result.step
    cost_unit = _unit(step, "cost_unit")
    results = []
    units: dict[Any, Wire | None] = {}
    for line in result.results:
        entry = _entry(line, cost_unit, units)
        entry["splits"] = [_entry(s, cost_unit, units) for s in line.splits] if line.splits is not None else None
        results.append(entry)
    return {
        "chargebackWorkflowStep": {
            "chargebackWorkflow": {
                "chargebackWorkflowId": step["step_workflow_id"],
                "chargebackWorkflowInfo": step["step_workflow_info"],
            },
            "chargebackWorkflowStepDescription": step["step_description"],
            "chargebackWorkflowStepId": step["step_id"],
            "chargebackWorkflowStepInfo": step["step_info"],
            "chargebackWorkflowStepOrder": step["step_order"],
            "chargebackWorkflowStepType": step["step_type"],
        },
        "results": results,
    }


@router.get(
    "/api/v3/chargebackWorkflow/{chargebackWorkflowStepId}/digest", response_model=ChargebackWorkflowDigestResponse
)
def get_chargeback_workflow_digest(
    db: DatabaseDep,
    clock: ClockDep,
    cache: ReadCacheDep,
    chargebackWorkflowStepId: int,
    _: Annotated[Principal, Depends(requires("ChargebacksModule", "View"))],
    billingPeriod: Annotated[int | None, Query(description="The billing period of the digest.")] = None,
) -> Response:
    """Get a digest of all bills by meter for all meters involved in a chargeback workflow step for a given
    billing period (the latest task of the step in that period)."""
    today = clock().date()

    def build() -> bytes:
        with cyclic_gc_paused():  # 12,000 entries are tens of thousands of acyclic objects
            return pydantic_core.to_json(render(digest.get_digest(db, chargebackWorkflowStepId, billingPeriod, today)))

    # Kept until the next write: rendering 12,000 entries takes a second, serving them again milliseconds. The
    # answer depends on the data and, without a billing period, on today's period (the default one).
    key = ("digest", chargebackWorkflowStepId, billingPeriod, periods.of_date(today))
    return Response(cache.get_or_build(db, key, build), media_type="application/json")
