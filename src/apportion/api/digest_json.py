"""The JSON of a chargeback workflow digest, as GET /api/v3/chargebackWorkflow/{chargebackWorkflowStepId}/digest
answers it and `apportion digest --json` prints it.

A split step with 2,000 versions of 5 destinations answers 12,000 entries (about 14 MB of JSON). Building a pydantic
model per child object would cost seconds, so this renderer writes the wire form (ChargebackWorkflowDigestResponse,
field for field) as plain dicts and serialises them once with pydantic-core; tests/api/test_digest.py checks the
output against the contract models. It imports neither the web framework nor the wire models, so the command line
prints the API's JSON without loading them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pydantic_core

from apportion.api.wire_numbers import decimal_out, exact_numbers, wire_number
from apportion.services.chargebacks import digest
from apportion.store.queries.children import CommodityChild, MeterChild, MeterTypeChild, UnitChild

Wire = dict[str, Any]


def _unit(unit: UnitChild | None) -> Wire | None:
    """UnitChild (as render.unit_child)."""
    if unit is None:
        return None
    return {"unitCode": unit.unit_code, "unitId": unit.unit_id, "unitInfo": unit.unit_info}


def _meter_type(meter_type: MeterTypeChild | None) -> Wire | None:
    """MeterTypeChild."""
    if meter_type is None:
        return None
    return {
        "meterTypeCode": meter_type.meter_type_code,
        "meterTypeId": meter_type.meter_type_id,
        "meterTypeInfo": meter_type.meter_type_info,
    }


def _commodity(commodity: CommodityChild | None) -> Wire | None:
    """CommodityChild."""
    if commodity is None:
        return None
    return {
        "commodityCode": commodity.commodity_code,
        "commodityIcon": {"code": commodity.icon_code, "color": commodity.icon_color},
        "commodityId": commodity.commodity_id,
        "commodityInfo": commodity.commodity_info,
    }


T = TypeVar("T")


class _Children:
    """The wire form of each meter type, commodity and unit, made once and shared by every entry naming it: a
    digest of 12,000 meters names a handful of each (the store hands out one object per id, and they live while the
    digest is written, so an object's id names it)."""

    def __init__(self) -> None:
        self.made: dict[int, Wire | None] = {}

    def shared(self, child: T, write: Callable[[T], Wire | None]) -> Wire | None:
        """`write(child)`, made once per child object."""
        key = id(child)
        if key not in self.made:
            self.made[key] = write(child)
        return self.made[key]


def _meter(meter: MeterChild, children: _Children) -> Wire:
    """MeterChild (as render.meter_child)."""
    flags = meter.flags
    return {
        "active": meter.active,
        "commodity": children.shared(meter.commodity, _commodity),
        "isCalculatedMeter": flags.is_calculated_meter,
        # Apportion keeps no interval-data (ESA) calculated meters, so no digest meter is one.
        "isEsaCalculatedMeter": False,
        "isSplitChildMeter": flags.is_split_child_meter,
        "isSplitParentMeter": flags.is_split_parent_meter,
        "meterCode": meter.meter_code,
        "meterId": meter.meter_id,
        "meterInfo": meter.meter_info,
        "meterType": children.shared(meter.meter_type, _meter_type),
        "serialNumber": meter.serial_number,
    }


def _entry(line: digest.DigestLine, cost_unit: Wire | None, children: _Children) -> Wire:
    """ChargebackWorkflowDigestSplitChild: the fields a source meter's result shares with a destination's; the
    current period is a BillingPeriodUseCostChild, the comparisons BillingPeriodUseCostDeltaChild (delta = current
    − comparison, domain.md §7 Q11). One function: it runs 12,000 times in a large digest."""
    use_unit = children.shared(line.use_unit, _unit)
    number = decimal_out  # every figure but the unit cost is a Decimal, never None (domain.digest)
    now, prior, year = line.figures
    return {
        "currentPeriod": {
            "billingPeriod": now.billing_period,
            "cost": {"cost": number(now.cost), "unit": cost_unit},
            "numberOfBillsInPeriod": now.number_of_bills,
            "numberOfBillsInPeriodFromWorkflowStep": now.number_of_bills_from_step,
            "unitCost": wire_number(now.unit_cost),
            "use": {"unit": use_unit, "use": number(now.use)},
        },
        "meter": _meter(line.meter, children),
        "priorPeriod": {
            "billingPeriod": prior.billing_period,
            "cost": {"cost": number(prior.cost), "delta": number(prior.cost_delta), "unit": cost_unit},
            "use": {"delta": number(prior.use_delta), "unit": use_unit, "use": number(prior.use)},
        },
        "priorYear": {
            "billingPeriod": year.billing_period,
            "cost": {"cost": number(year.cost), "delta": number(year.cost_delta), "unit": cost_unit},
            "use": {"delta": number(year.use_delta), "unit": use_unit, "use": number(year.use)},
        },
    }


def render(result: digest.WorkflowDigest) -> Wire:
    """ChargebackWorkflowDigestResponse as JSON-ready dicts: the step, then one result per meter with its split
    destinations (null for calculated meters)."""
    step = result.step
    children = _Children()
    cost_unit = children.shared(step.cost_unit, _unit)
    results = []
    for line in result.results:
        entry = _entry(line, cost_unit, children)
        entry["splits"] = [_entry(s, cost_unit, children) for s in line.splits] if line.splits is not None else None
        results.append(entry)
    return {
        "chargebackWorkflowStep": {
            "chargebackWorkflow": {
                "chargebackWorkflowId": step.workflow_id,
                "chargebackWorkflowInfo": step.workflow_info,
            },
            "chargebackWorkflowStepDescription": step.step_description,
            "chargebackWorkflowStepId": step.step_id,
            "chargebackWorkflowStepInfo": step.step_info,
            "chargebackWorkflowStepOrder": step.step_order,
            "chargebackWorkflowStepType": step.step_type,
        },
        "results": results,
    }


def to_json(result: digest.WorkflowDigest, indent: int | None = None) -> bytes:
    """The digest's JSON, long decimals written with every digit: the bytes the API answers (indented when asked)."""
    return exact_numbers(pydantic_core.to_json(render(result), indent=indent))
