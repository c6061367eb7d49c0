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
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import Session

from apportion.domain import calculations as calc
from apportion.domain.errors import ValidationFailed
from apportion.domain.versions import CALCULATION
from apportion.services.chargebacks.version_lists import version_row
from apportion.services.child_columns import join_commodity_child, join_meter_child
from apportion.services.ids import known
from apportion.store import instructions as documents
from apportion.store.database import Database
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import AccountMeter, AccountMeterRate, Channel, Meter, MeterGroup
from apportion.store.models.reference import ObservationType, Rate, Unit


@dataclass(frozen=True)
class CalculatedDetailsView:
    """A version's instructions and the records they name, loaded in one query per kind for rendering.

    `meters` are MeterChild rows (labels `meter_*`), `channels` channel rows (`channel_*` and the observation
    type's `type_*`), `rate` the rate of the version's account-meter link (`rate_*`, commodity `commodity_*`).
    """

    version: RowMapping
    instructions: calc.CalculatedBillInstructions
    meters: Mapping[int, RowMapping] = field(default_factory=dict)
    groups: Mapping[int, MeterGroup] = field(default_factory=dict)
    units: Mapping[int, Unit] = field(default_factory=dict)
    channels: Mapping[int, RowMapping] = field(default_factory=dict)
    observation_types: Mapping[int, ObservationType] = field(default_factory=dict)
    rate: RowMapping | None = None


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


def _kwargs(options: Any) -> dict[str, Any]:
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
    session: Session, references: Sequence[tuple[str, str, int]], meter_id: int
) -> dict[str, list[str]]:
    """Named records must exist; groups must be manual; a calculated meter never reads its own bills."""

    def ids_of(kind: str) -> list[int]:
        return known(ident for k, _, ident in references if k == kind)

    meters = set(session.execute(select(Meter.meter_id).where(Meter.meter_id.in_(ids_of("meter")))).scalars())
    groups = dict(
        session.execute(
            select(MeterGroup.meter_group_id, MeterGroup.auto_group).where(
                MeterGroup.meter_group_id.in_(ids_of("group"))
            )
        ).all()
    )
    units = set(session.execute(select(Unit.unit_id).where(Unit.unit_id.in_(ids_of("unit")))).scalars())
    channels = set(
        session.execute(select(Channel.channel_id).where(Channel.channel_id.in_(ids_of("channel")))).scalars()
    )
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
            reason = f"Meter group {ident} is an automatic group; system auto groups cannot be used."
        elif kind == "unit" and ident not in units:
            reason = f"Unit {ident} was not found."
        elif kind == "channel" and ident not in channels:
            reason = f"Channel {ident} was not found."
        if reason is not None:
            errors.setdefault(path, []).append(reason)
    return errors


def _checked(validate: Callable[[], Any], extra: Mapping[str, list[str]]) -> Any:
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


def _option_references(options: Any, names: Mapping[str, str]) -> list[tuple[str, str, int]]:
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
    change: Callable[[Session, RowMapping, calc.CalculatedBillInstructions], calc.CalculatedBillInstructions],
) -> CalculatedDetailsView:
    """Apply `change` to the version's instructions and store them, in one transaction."""
    with db.transaction() as session:
        version = version_row(session, account_id, meter_id, version_id, CALCULATION)
        stored = session.get(DistributionVersion, version_id)
        assert stored is not None  # version_row found it in this session
        changed = change(session, version, documents.from_document(version_id, stored.instructions))
        stored.instructions = documents.to_document(changed)
        session.flush()
        return _view(session, version, changed)


def set_use(
    db: Database, account_id: int, meter_id: int, version_id: int, options: UseOptions
) -> CalculatedDetailsView:
    """Replace the use instruction (exactly one option; use cannot be removed)."""

    def change(session: Session, version: RowMapping, old: calc.CalculatedBillInstructions) -> Any:
        refs = _option_references(options, _USE_NAMES)
        extra = _reference_errors(session, refs, version["version_meter_id"])
        use = _checked(lambda: calc.validate_use(**_kwargs(options)), extra)
        return replace(old, use=use)

    return _update(db, account_id, meter_id, version_id, change)


def set_cost(
    db: Database, account_id: int, meter_id: int, version_id: int, options: CostOptions
) -> CalculatedDetailsView:
    """Replace the cost instruction (exactly one option; cost cannot be removed)."""

    def change(session: Session, version: RowMapping, old: calc.CalculatedBillInstructions) -> Any:
        kwargs = _kwargs(options)
        refs = _references(_unit_cost(options), _COST_NAMES)
        for key in ("fixed_unit_cost", "copy_cost_from_meter", "cost_calculation", "calendarized_cost_calculation"):
            refs += _references(kwargs[key], _COST_NAMES)
        extra = _reference_errors(session, refs, version["version_meter_id"])
        cost = _checked(lambda: calc.validate_cost(**kwargs), extra)
        return replace(old, cost=cost)

    return _update(db, account_id, meter_id, version_id, change)


def _unit_cost(options: CostOptions) -> calc.UnitCostFromMeter | None:
    return None if options.unit_cost_meter_id is None else calc.UnitCostFromMeter(options.unit_cost_meter_id)


def set_demand(
    db: Database, account_id: int, meter_id: int, version_id: int, options: DemandOptions
) -> CalculatedDetailsView:
    """Replace the demand instruction; no option at all clears demand."""

    def change(session: Session, version: RowMapping, old: calc.CalculatedBillInstructions) -> Any:
        extra = _reference_errors(session, _option_references(options, {}), version["version_meter_id"])
        demand = _checked(lambda: calc.validate_demand(**_kwargs(options)), extra)
        return replace(old, demand=demand)

    return _update(db, account_id, meter_id, version_id, change)


def set_line_items(
    db: Database, account_id: int, meter_id: int, version_id: int, items: Sequence[calc.LineItem], *, account: bool
) -> CalculatedDetailsView:
    """Replace the meter (or, with `account`, the account) line items; list order is calculation order."""

    def change(session: Session, _version: RowMapping, old: calc.CalculatedBillInstructions) -> Any:
        type_ids = known(item.observation_type_id for item in items)
        kinds = dict(
            session.execute(
                select(ObservationType.observation_type_id, ObservationType.kind).where(
                    ObservationType.observation_type_id.in_(type_ids)
                )
            ).all()
        )
        checked = calc.validate_line_items(items, account=account, observation_kinds=kinds)
        return replace(old, account_line_items=checked) if account else replace(old, meter_line_items=checked)

    return _update(db, account_id, meter_id, version_id, change)


def get_details(db: Database, account_id: int, meter_id: int, version_id: int) -> CalculatedDetailsView:
    """A calculated bill version's instructions with the records they name (404 for unknown ids)."""
    with db.reading() as session:
        version = version_row(session, account_id, meter_id, version_id, CALCULATION)
        stored = session.get(DistributionVersion, version_id)
        assert stored is not None
        return _view(session, version, documents.from_document(version_id, stored.instructions))


@cache
def _meter_select() -> Any:
    return join_meter_child(select(Meter.meter_id.label("key")), Meter.meter_id, "meter")


@cache
def _channel_select() -> Any:
    return select(
        Channel.channel_id.label("channel_id"),
        Channel.channel_code.label("channel_code"),
        Channel.interval_minutes.label("channel_interval_minutes"),
        Channel.observation_rule.label("channel_observation_rule"),
        ObservationType.observation_type_id.label("type_id"),
        ObservationType.observation_type_code.label("type_code"),
        ObservationType.observation_type_info.label("type_info"),
    ).join(ObservationType, ObservationType.observation_type_id == Channel.observation_type_id)


def _rate(session: Session, account_id: int, meter_id: int) -> RowMapping | None:
    """The latest rate of the version's latest account-meter link (useCurrentMetersRateSchedule, domain.md §4.4)."""
    statement = (
        select(Rate.rate_id.label("rate_id"), Rate.rate_info.label("rate_info"))
        .join(AccountMeterRate, AccountMeterRate.rate_id == Rate.rate_id)
        .join(AccountMeter, AccountMeter.account_meter_id == AccountMeterRate.account_meter_id)
        .where(AccountMeter.account_id == account_id, AccountMeter.meter_id == meter_id)
        .order_by(AccountMeter.begin_date.desc(), AccountMeterRate.start_date.desc())
        .limit(1)
    )
    return session.execute(join_commodity_child(statement, Rate.commodity_id)).mappings().first()


def _view(
    session: Session, version: RowMapping, instructions: calc.CalculatedBillInstructions
) -> CalculatedDetailsView:
    refs: list[tuple[str, str, int]] = []
    for instruction in (instructions.use, instructions.cost, instructions.demand):
        refs += _references(instruction, _USE_NAMES)

    def ids(kind: str) -> list[int]:
        return sorted(set(known(ident for k, _, ident in refs if k == kind)))

    items: Iterable[calc.LineItem] = instructions.meter_line_items + instructions.account_line_items
    type_ids = sorted(set(known(item.observation_type_id for item in items)))
    meters = session.execute(_meter_select().where(Meter.meter_id.in_(ids("meter")))).mappings()
    channels = session.execute(_channel_select().where(Channel.channel_id.in_(ids("channel")))).mappings()
    rate = None
    if isinstance(instructions.cost, calc.RateSchedule):
        rate = _rate(session, version["version_account_id"], version["version_meter_id"])
    return CalculatedDetailsView(
        version=version,
        instructions=instructions,
        meters={row["key"]: row for row in meters},
        groups={g.meter_group_id: g for g in _by_id(session, MeterGroup, MeterGroup.meter_group_id, ids("group"))},
        units={u.unit_id: u for u in _by_id(session, Unit, Unit.unit_id, ids("unit"))},
        channels={row["channel_id"]: row for row in channels},
        observation_types={
            t.observation_type_id: t
            for t in _by_id(session, ObservationType, ObservationType.observation_type_id, type_ids)
        },
        rate=rate,
    )


def _by_id(session: Session, model: Any, column: Any, ids: list[int]) -> list[Any]:
    return list(session.execute(select(model).where(column.in_(ids))).scalars()) if ids else []
