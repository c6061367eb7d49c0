"""The stored form of calculated bill instructions (DistributionVersion.instructions) and back.

The document uses the wire request shapes, so it reads like what a client sent:

    {"use": CalculatedBillUseRequest, "cost": CalculatedBillCostRequest, "demand": CalculatedBillDemandRequest,
     "meterLineItems": [GenericBodyline, ...], "accountLineItems": [GenericBodyline, ...]}

with every decimal as a string ("12.50") so JSON never turns money into a float. Missing keys mean
"not set"; an absent or empty document is a version with no instructions yet. Each instruction type has its own
branch both ways: writing ends in assert_never (a type added to the domain's unions fails mypy until it has a
form here), and reading a use or cost document that holds no option this module wrote fails rather than becoming
some default instruction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any, assert_never

import pydantic_core

from apportion.domain import calculations as calc

Document = dict[str, Any]


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _ids(values: Any) -> tuple[int, ...]:
    return tuple(map(int, values or ()))


def _calculation_document(instruction: calc.MeterCalculation) -> Document:
    return {
        "sum": {
            "sumMeterIds": list(instruction.sum_meter_ids),
            "sumMeterGroupIds": list(instruction.sum_meter_group_ids),
        },
        "subtract": {
            "subtractMeterIds": list(instruction.subtract_meter_ids),
            "subtractMeterGroupIds": list(instruction.subtract_meter_group_ids),
        },
    }


def _calculation(document: Mapping[str, Any]) -> calc.MeterCalculation:
    added = document.get("sum") or {}
    taken = document.get("subtract") or {}
    return calc.MeterCalculation(
        sum_meter_ids=_ids(added.get("sumMeterIds")),
        sum_meter_group_ids=_ids(added.get("sumMeterGroupIds")),
        subtract_meter_ids=_ids(taken.get("subtractMeterIds")),
        subtract_meter_group_ids=_ids(taken.get("subtractMeterGroupIds")),
    )


def _copy_document(instruction: calc.CopyFromMeter) -> Document:
    return {"meterId": instruction.meter_id, "percentage": str(instruction.percentage)}


def _copy(document: Mapping[str, Any]) -> calc.CopyFromMeter:
    return calc.CopyFromMeter(int(document["meterId"]), _decimal(document["percentage"]))


def _unknown(part: str, document: Mapping[str, Any]) -> ValueError:
    return ValueError(f"A stored {part} instruction sets none of the options Apportion knows: {document}")


def use_document(instruction: calc.UseInstruction) -> Document:
    """CalculatedBillUseRequest form of a use instruction."""
    if isinstance(instruction, calc.FixedUse):
        return {"fixedAmount": {"fixedUseAmount": str(instruction.amount), "unitId": instruction.unit_id}}
    if isinstance(instruction, calc.CopyFromMeter):
        return {"copyUseFromMeter": _copy_document(instruction)}
    if isinstance(instruction, calc.MeterCalculation):
        return {"useCalculation": _calculation_document(instruction)}
    if isinstance(instruction, calc.CalendarizedSum):
        return {"calendarizedUseCalculation": {"sum": {"sumMeterIds": list(instruction.meter_ids)}}}
    if isinstance(instruction, calc.ReadingsChannel):
        return {"readingsChannelId": instruction.channel_id}
    assert_never(instruction)


def use_instruction(document: Mapping[str, Any]) -> calc.UseInstruction:
    """The use instruction a CalculatedBillUseRequest-shaped document holds."""
    if document.get("fixedAmount") is not None:
        fixed = document["fixedAmount"]
        return calc.FixedUse(_decimal(fixed["fixedUseAmount"]), int(fixed["unitId"]))
    if document.get("copyUseFromMeter") is not None:
        return _copy(document["copyUseFromMeter"])
    if document.get("useCalculation") is not None:
        return _calculation(document["useCalculation"])
    if document.get("calendarizedUseCalculation") is not None:
        summed = document["calendarizedUseCalculation"].get("sum") or {}
        return calc.CalendarizedSum(_ids(summed.get("sumMeterIds")))
    if document.get("readingsChannelId") is not None:
        return calc.ReadingsChannel(int(document["readingsChannelId"]))
    raise _unknown("use", document)


def cost_document(instruction: calc.CostInstruction) -> Document:
    """CalculatedBillCostRequest form of a cost instruction."""
    if isinstance(instruction, calc.FixedCost):
        return {"fixedAmount": str(instruction.amount)}
    if isinstance(instruction, calc.FixedUnitCost):
        return {"fixedUnitCost": {"unitCost": str(instruction.unit_cost), "unitId": instruction.unit_id}}
    if isinstance(instruction, calc.UnitCostFromMeter):
        return {"unitCostMeterId": instruction.meter_id}
    if isinstance(instruction, calc.CopyFromMeter):
        return {"copyCostFromMeter": _copy_document(instruction)}
    if isinstance(instruction, calc.MeterCalculation):
        return {"costCalculation": _calculation_document(instruction)}
    if isinstance(instruction, calc.CalendarizedSum):
        return {"calendarizedCostCalculation": {"sum": {"sumMeterIds": list(instruction.meter_ids)}}}
    if isinstance(instruction, calc.RateSchedule):
        return {"useCurrentMetersRateSchedule": True}
    assert_never(instruction)


def cost_instruction(document: Mapping[str, Any]) -> calc.CostInstruction:
    """The cost instruction a CalculatedBillCostRequest-shaped document holds."""
    if document.get("fixedAmount") is not None:
        return calc.FixedCost(_decimal(document["fixedAmount"]))
    if document.get("fixedUnitCost") is not None:
        fixed = document["fixedUnitCost"]
        return calc.FixedUnitCost(_decimal(fixed["unitCost"]), int(fixed["unitId"]))
    if document.get("unitCostMeterId") is not None:
        return calc.UnitCostFromMeter(int(document["unitCostMeterId"]))
    if document.get("copyCostFromMeter") is not None:
        return _copy(document["copyCostFromMeter"])
    if document.get("costCalculation") is not None:
        return _calculation(document["costCalculation"])
    if document.get("calendarizedCostCalculation") is not None:
        summed = document["calendarizedCostCalculation"].get("sum") or {}
        return calc.CalendarizedSum(_ids(summed.get("sumMeterIds")))
    if document.get("useCurrentMetersRateSchedule"):
        return calc.RateSchedule()
    raise _unknown("cost", document)


def demand_document(instruction: calc.DemandInstruction) -> Document:
    """CalculatedBillDemandRequest form of a demand instruction."""
    if isinstance(instruction, calc.FixedDemand):
        return {"fixedDemand": {"fixedDemandAmount": str(instruction.amount), "unitId": instruction.unit_id}}
    if isinstance(instruction, calc.ReadingsChannel):
        return {"readingsChannelId": instruction.channel_id}
    assert_never(instruction)


def demand_instruction(document: Mapping[str, Any]) -> calc.DemandInstruction | None:
    """The demand instruction of a CalculatedBillDemandRequest-shaped document, None when it sets none."""
    if document.get("fixedDemand") is not None:
        fixed = document["fixedDemand"]
        return calc.FixedDemand(_decimal(fixed["fixedDemandAmount"]), int(fixed["unitId"]))
    if document.get("readingsChannelId") is not None:
        return calc.ReadingsChannel(int(document["readingsChannelId"]))
    return None


def line_items_document(items: Sequence[calc.LineItem]) -> list[Document]:
    """GenericBodyline forms of line items, in calculation order."""
    return [
        {
            "observationTypeId": item.observation_type_id,
            "caption": item.caption,
            "calculationType": item.calculation_type,
            "value": None if item.value is None else str(item.value),
        }
        for item in items
    ]


def line_items(documents: Sequence[Mapping[str, Any]] | None) -> tuple[calc.LineItem, ...]:
    """Line items from their GenericBodyline forms."""
    return tuple(
        calc.LineItem(
            calculation_type=str(item.get("calculationType")),
            caption=item.get("caption"),
            value=None if item.get("value") is None else _decimal(item["value"]),
            observation_type_id=None if item.get("observationTypeId") is None else int(item["observationTypeId"]),
        )
        for item in documents or ()
    )


def to_document(instructions: calc.CalculatedBillInstructions) -> Document:
    """The JSON document stored for a version's instructions."""
    document: Document = {
        "meterLineItems": line_items_document(instructions.meter_line_items),
        "accountLineItems": line_items_document(instructions.account_line_items),
    }
    if instructions.use is not None:
        document["use"] = use_document(instructions.use)
    if instructions.cost is not None:
        document["cost"] = cost_document(instructions.cost)
    if instructions.demand is not None:
        document["demand"] = demand_document(instructions.demand)
    return document


def from_document(version_id: int, document: Mapping[str, Any] | None) -> calc.CalculatedBillInstructions:
    """A version's instructions from its stored document (None or {} gives empty instructions)."""
    document = document or {}
    use, cost, demand = document.get("use"), document.get("cost"), document.get("demand")
    read_use: calc.UseInstruction | None
    read_cost: calc.CostInstruction | None
    summed = use.get("useCalculation") if use and len(use) == 1 else None
    if summed is not None and cost and len(cost) == 1 and cost.get("costCalculation") == summed:
        read_use = read_cost = _calculation(summed)  # the same meters summed for use and cost: one (frozen) value
    else:
        read_use = None if not use else use_instruction(use)
        read_cost = None if not cost else cost_instruction(cost)
    return calc.CalculatedBillInstructions(
        version_id=version_id,
        use=read_use,
        cost=read_cost,
        demand=None if not demand else demand_instruction(demand),
        meter_line_items=line_items(document.get("meterLineItems")),
        account_line_items=line_items(document.get("accountLineItems")),
    )


@lru_cache(maxsize=8192)
def from_text(version_id: int, text: str | None) -> calc.CalculatedBillInstructions:
    """`from_document` of a stored document's JSON text (None: no document), read as the database's JSON columns
    are read (pydantic-core).

    What each (version, text) gives is kept: the instructions are frozen values, and a run, its dry run and the
    next month's run read the same thousands of documents again. An edited version has another text.
    """
    return from_document(version_id, None if text is None else pydantic_core.from_json(text))
