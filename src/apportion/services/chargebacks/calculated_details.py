"""Calculated bill details of one version: use, cost, demand, meter and account line items (domain.md §3.3, §4.4).

Each PUT replaces one part of the version's instructions: the domain (apportion.domain.calculations) checks
the request's own rules (one option, scales, line item types), this module adds the checks that need the
database (meters, meter groups, units, channels and observation types exist; auto groups and the calculated
meter itself are refused as sources), all problems in one 400 keyed by wire path. The instructions are stored
as one JSON document (apportion.store.instructions, decimals as strings) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any, TypeVar

from apportion.domain import calculations as calc
from apportion.domain.errors import ValidationFailed
from apportion.domain.ids import known
from apportion.domain.versions import CALCULATION
from apportion.services.chargebacks.version_lists import VersionListing, version_row
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import calculations as stored
from apportion.store.queries.calculations import ChannelRecord, RateRecord
from apportion.store.queries.children import MeterChild, UnitChild
from apportion.store.queries.meter_groups import MeterGroupRecord, group_records
from apportion.store.queries.reference import ObservationTypeRow

T = TypeVar("T")
Instructions = calc.CalculatedBillInstructions


@dataclass(frozen=True)
class CalculatedDetailsView:
    """A version's instructions and the records they name, loaded in one query per kind for rendering.

    `rate` is the rate of the version's account-meter link (shown for useCurrentMetersRateSchedule).
    """

    version: VersionListing
    instructions: calc.CalculatedBillInstructions
    meters: Mapping[int, MeterChild] = field(default_factory=dict)
    groups: Mapping[int, MeterGroupRecord] = field(default_factory=dict)
    units: Mapping[int, UnitChild] = field(default_factory=dict)
    channels: Mapping[int, ChannelRecord] = field(default_factory=dict)
    observation_types: Mapping[int, ObservationTypeRow] = field(default_factory=dict)
    rate: RateRecord | None = None


@dataclass(frozen=True)
class UseOptions:
    """CalculatedBillUseRequest as domain values (the keyword arguments of calculations.validate_use)."""

    readings_channel_id: int | None = None
    fixed_amount: calc.FixedUse | None = None
    copy_use_from_meter: calc.CopyFromMeter | None = None
    use_calculation: calc.MeterCalculation | None = None
    calendarized_use_calculation: calc.CalendarizedSum | None = None
    use_wattics_data_point: bool | None = None


@dataclass(frozen=True)
class CostOptions:
    """CalculatedBillCostRequest as domain values (the keyword arguments of calculations.validate_cost)."""

    use_current_meters_rate_schedule: bool | None = None
    fixed_unit_cost: calc.FixedUnitCost | None = None
    unit_cost_meter_id: int | None = None
    fixed_amount: Decimal | None = None
    copy_cost_from_meter: calc.CopyFromMeter | None = None
    cost_calculation: calc.MeterCalculation | None = None
    calendarized_cost_calculation: calc.CalendarizedSum | None = None


@dataclass(frozen=True)
class DemandOptions:
    """CalculatedBillDemandRequest as domain values (the keyword arguments of calculations.validate_demand)."""

    readings_channel_id: int | None = None
    fixed_demand: calc.FixedDemand | None = None
    use_wattics_data_point: bool | None = None


def _kwargs(options: UseOptions | CostOptions | DemandOptions) -> dict[str, Any]:
    return {f.name: getattr(options, f.name) for f in fields(options)}


# Wire names of each instruction's fields, by part (models.md CalculatedBillUseRequest / CostRequest / DemandRequest).
_USE_NAMES = {"copy": "copyUseFromMeter", "calc": "useCalculation", "calendarized": "calendarizedUseCalculation"}
_COST_NAMES = {"copy": "copyCostFromMeter", "calc": "costCalculation", "calendarized": "calendarizedCostCalculation"}


def _references(instruction: object, names: Mapping[str, str]) -> list[tuple[str, str, int]]:
    """(kind, wire path, id) of every record an instruction names; kind is meter, group, unit or channel."""
    if isinstance(instruction, calc.CopyFromMeter):
        return [("meter", f"{names['copy']}.meterId", instruction.meter_id)]
    if isinstance(instruction, calc.UnitCostFromMeter):
        return [("meter", "unitCostMeterId", instruction.meter_id)]
    if isinstance(instruction, calc.MeterCalculation):
        base = names["calc"]
        parts = (
            ("meter", "sum.sumMeterIds", instruction.sum_meter_ids),
            ("group", "sum.sumMeterGroupIds", instruction.sum_meter_group_ids),
            ("meter", "subtract.subtractMeterIds", instruction.subtract_meter_ids),
            ("group", "subtract.subtractMeterGroupIds", instruction.subtract_meter_group_ids),
        )
        return [(kind, f"{base}.{path}[{i}]", ident) for kind, path, ids in parts for i, ident in enumerate(ids)]
    if isinstance(instruction, calc.CalendarizedSum):
        path = f"{names['calendarized']}.sum.sumMeterIds"
        return [("meter", f"{path}[{i}]", ident) for i, ident in enumerate(instruction.meter_ids)]
    if isinstance(instruction, calc.FixedUse):
        return [("unit", "fixedAmount.unitId", instruction.unit_id)]
    if isinstance(instruction, calc.FixedUnitCost):
        return [("unit", "fixedUnitCost.unitId", instruction.unit_id)]
    if isinstance(instruction, calc.FixedDemand):
        return [("unit", "fixedDemand.unitId", instruction.unit_id)]
    if isinstance(instruction, calc.ReadingsChannel):
        return [("channel", "readingsChannelId", instruction.channel_id)]
    return []


def _reference_errors(
    session: UnitOfWork, references: Sequence[tuple[str, str, int]], meter_id: int
) -> dict[str, list[str]]:
    """Named records must exist; groups must be manual; a calculated meter never reads its own bills."""

    def ids_of(kind: str) -> list[int]:
        return known(ident for k, _, ident in references if k == kind)

    facts = stored.reference_facts(session, ids_of("meter"), ids_of("group"), ids_of("unit"), ids_of("channel"))
    meters, groups, units, channels = facts.meters, facts.groups, facts.units, facts.channels
    errors: dict[str, list[str]] = {}
    for kind, path, ident in references:
        reason = None
        if kind == "meter" and ident not in meters:
            reason = f"Meter {ident} was not found."
        elif kind == "meter" and ident == meter_id:
            reason = f"Meter {ident} is the calculated meter itself; it cannot read its own bills."
        elif kind == "group" and ident not in groups:
            reason = f"Meter group {ident} was not found."
        elif kind == "group" and groups[ident]:
            reason = f"Meter group {ident} is a system auto group; system auto groups cannot be used."
        elif kind == "unit" and ident not in units:
            reason = f"Unit {ident} was not found."
        elif kind == "channel" and ident not in channels:
            reason = f"Channel {ident} was not found."
        if reason is not None:
            errors.setdefault(path, []).append(reason)
    return errors


def _checked(validate: Callable[[], T], extra: Mapping[str, list[str]]) -> T:
    """The domain validation's result; its errors and `extra` (database checks) raised together."""
    errors = {key: list(reasons) for key, reasons in extra.items()}
    try:
        result = validate()
    except ValidationFailed as failed:
        for key, reasons in failed.errors.items():
            errors.setdefault(key, []).extend(reasons)
        raise ValidationFailed(errors) from None
    if errors:
        raise ValidationFailed(errors)
    return result


def _option_references(options: UseOptions | DemandOptions, names: Mapping[str, str]) -> list[tuple[str, str, int]]:
    found: list[tuple[str, str, int]] = []
    for value in _kwargs(options).values():
        if isinstance(value, int) and not isinstance(value, bool):
            found += _references(calc.ReadingsChannel(value), names)  # readingsChannelId (use and demand)
        elif value is not None:
            found += _references(value, names)
    return found


def _update(
    db: Database,
    account_id: int,
    meter_id: int,
    version_id: int,
    change: Callable[[UnitOfWork, VersionListing, calc.CalculatedBillInstructions], calc.CalculatedBillInstructions],
) -> CalculatedDetailsView:
    """Apply `change` to the version's instructions and store them, in one transaction."""
    with db.transaction() as session:
        version = version_row(session, account_id, meter_id, version_id, CALCULATION)
        old = stored.instructions(session, version_id)
        assert old is not None  # version_row found it in this session
        changed = change(session, version, old)
        stored.store_instructions(session, version_id, changed)
        return _view(session, version, changed)


def set_use(
    db: Database, account_id: int, meter_id: int, version_id: int, options: UseOptions
) -> CalculatedDetailsView:
    """Replace the use instruction (exactly one option; use cannot be removed)."""

    def change(
        session: UnitOfWork, version: VersionListing, old: calc.CalculatedBillInstructions
    ) -> calc.CalculatedBillInstructions:
        refs = _option_references(options, _USE_NAMES)
        extra = _reference_errors(session, refs, version.meter_id)
        use = _checked(lambda: calc.validate_use(**_kwargs(options)), extra)
        return replace(old, use=use)

    return _update(db, account_id, meter_id, version_id, change)


def set_cost(
    db: Database, account_id: int, meter_id: int, version_id: int, options: CostOptions
) -> CalculatedDetailsView:
    """Replace the cost instruction (exactly one option; cost cannot be removed)."""

    def change(
        session: UnitOfWork, version: VersionListing, old: calc.CalculatedBillInstructions
    ) -> calc.CalculatedBillInstructions:
        kwargs = _kwargs(options)
        refs = _references(_unit_cost(options), _COST_NAMES)
        for key in ("fixed_unit_cost", "copy_cost_from_meter", "cost_calculation", "calendarized_cost_calculation"):
            refs += _references(kwargs[key], _COST_NAMES)
        extra = _reference_errors(session, refs, version.meter_id)
        cost = _checked(lambda: calc.validate_cost(**kwargs), extra)
        return replace(old, cost=cost)

    return _update(db, account_id, meter_id, version_id, change)


def _unit_cost(options: CostOptions) -> calc.UnitCostFromMeter | None:
    return None if options.unit_cost_meter_id is None else calc.UnitCostFromMeter(options.unit_cost_meter_id)


def set_demand(
    db: Database, account_id: int, meter_id: int, version_id: int, options: DemandOptions
) -> CalculatedDetailsView:
    """Replace the demand instruction; no option at all clears demand."""

    def change(
        session: UnitOfWork, version: VersionListing, old: calc.CalculatedBillInstructions
    ) -> calc.CalculatedBillInstructions:
        extra = _reference_errors(session, _option_references(options, {}), version.meter_id)
        demand = _checked(lambda: calc.validate_demand(**_kwargs(options)), extra)
        return replace(old, demand=demand)

    return _update(db, account_id, meter_id, version_id, change)


def set_line_items(
    db: Database, account_id: int, meter_id: int, version_id: int, items: Sequence[calc.LineItem], *, account: bool
) -> CalculatedDetailsView:
    """Replace the meter (or, with `account`, the account) line items; list order is calculation order."""

    def change(
        session: UnitOfWork, _version: VersionListing, old: calc.CalculatedBillInstructions
    ) -> calc.CalculatedBillInstructions:
        kinds = stored.observation_kinds(session, known(item.observation_type_id for item in items))
        checked = calc.validate_line_items(items, account=account, observation_kinds=kinds)
        return replace(old, account_line_items=checked) if account else replace(old, meter_line_items=checked)

    return _update(db, account_id, meter_id, version_id, change)


def get_details(db: Database, account_id: int, meter_id: int, version_id: int) -> CalculatedDetailsView:
    """A calculated bill version's instructions with the records they name (404 for unknown ids)."""
    with db.reading() as session:
        version = version_row(session, account_id, meter_id, version_id, CALCULATION)
        instructions = stored.instructions(session, version_id)
        assert instructions is not None
        return _view(session, version, instructions)


def _view(
    session: UnitOfWork, version: VersionListing, instructions: calc.CalculatedBillInstructions
) -> CalculatedDetailsView:
    refs: list[tuple[str, str, int]] = []
    for instruction in (instructions.use, instructions.cost, instructions.demand):
        refs += _references(instruction, _USE_NAMES)

    def ids(kind: str) -> list[int]:
        return sorted(set(known(ident for k, _, ident in refs if k == kind)))

    items: Iterable[calc.LineItem] = instructions.meter_line_items + instructions.account_line_items
    type_ids = sorted(set(known(item.observation_type_id for item in items)))
    rate = None
    if isinstance(instructions.cost, calc.RateSchedule):
        rate = stored.link_rate(session, version.account_id, version.meter_id)
    return CalculatedDetailsView(
        version=version,
        instructions=instructions,
        meters=stored.meters(session, ids("meter")),
        groups=group_records(session, ids("group")),
        units=stored.units(session, ids("unit")),
        channels=stored.channels(session, ids("channel")),
        observation_types=stored.observation_types(session, type_ids),
        rate=rate,
    )
