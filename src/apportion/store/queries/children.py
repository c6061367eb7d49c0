"""The child objects many answers carry (a meter's type and commodity, an account's vendor, who created a row ...),
as typed values, and the outer joins that read them in their parent's query: one query returns a whole page with
its children, no query per row.

The children are named tuples: a page makes thousands, a tuple costs a fraction of a frozen dataclass to make, and
the wire writer unpacks them by position (api.wire_rows.row_writer). Each `join_*` adds its outer joins and columns
to a SELECT and returns the SELECT with a reader of the child (None when the joined row is absent; shaped.py).
Derived chargeback flags are correlated EXISTS columns on indexed keys (domain.md §2.2: meter isCalculatedMeter /
isSplitParentMeter / isSplitChildMeter, account hasCalculatedMeter / hasSplitParentMeter / hasSplitChildMeter).

Each helper makes fresh aliases, which costs far more than running the query: build a statement once (a
`functools.cache`d function) and add the per-request `.where(...)` to it. The readers name each column (no generator
per row): they run for every row of every page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeAlias

from sqlalchemy import Boolean, ColumnElement, exists, type_coerce
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import aliased

from apportion.domain.versions import CALCULATION, SPLIT
from apportion.store.models.chargebacks import (
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import Account, CostCenter, Meter, Place, Vendor
from apportion.store.models.reference import AccountType, Commodity, MeterType, PlaceType, Unit, VendorType
from apportion.store.models.users import User
from apportion.store.paging import AnySelect
from apportion.store.queries.shaped import Key, Read, labelled


class UserChild(NamedTuple):
    """A user named on a row (its creator, its last editor)."""

    user_id: int
    user_code: str
    full_name: str


class VendorChild(NamedTuple):
    """A vendor named on a row."""

    vendor_id: int
    vendor_code: str
    vendor_info: str


class VendorTypeChild(NamedTuple):
    """A vendor type named on a row."""

    vendor_type_id: int
    vendor_type_code: str


class CommodityChild(NamedTuple):
    """A commodity named on a row, with its icon."""

    commodity_id: int
    commodity_code: str
    commodity_info: str
    icon_code: str | None
    icon_color: str | None


class UnitChild(NamedTuple):
    """A unit named on a row."""

    unit_id: int
    unit_code: str
    unit_info: str


class MeterTypeChild(NamedTuple):
    """A meter type named on a row."""

    meter_type_id: int
    meter_type_code: str
    meter_type_info: str


class AccountTypeChild(NamedTuple):
    """An account type named on a row."""

    account_type_id: int
    account_type_code: str
    account_type_info: str


class CostCenterChild(NamedTuple):
    """A cost center named on a row."""

    cost_center_id: int
    cost_center_code: str
    cost_center_info: str


class PlaceTypeChild(NamedTuple):
    """A place type; `structure` is whether it is a building."""

    place_type_id: int
    place_type_code: str
    place_type_info: str
    structure: bool


class PlaceChild(NamedTuple):
    """A place named on a row, with its type."""

    place_id: int
    place_code: str
    place_info: str
    place_type: PlaceTypeChild | None


class WorkflowStepChild(NamedTuple):
    """A workflow step named on a row (a version's, a task's), with its workflow's id and name."""

    step_id: int
    step_info: str
    step_description: str
    step_type: str
    step_order: int
    workflow_id: int
    workflow_info: str


class MeterFlags(NamedTuple):
    """A meter's chargeback roles: a calculated bill's meter, a split's source, a split's destination."""

    is_calculated_meter: bool
    is_split_parent_meter: bool
    is_split_child_meter: bool


class AccountFlags(NamedTuple):
    """Whether an account has a calculated meter, a split source meter, a split destination meter."""

    has_calculated_meter: bool
    has_split_parent_meter: bool
    has_split_child_meter: bool


class MeterChild(NamedTuple):
    """A meter named on a row: its type, commodity and chargeback flags, and its place when asked for."""

    meter_id: int
    meter_code: str
    meter_info: str
    active: bool
    serial_number: str | None
    meter_type: MeterTypeChild | None
    commodity: CommodityChild | None
    flags: MeterFlags
    place: PlaceChild | None = None


class AccountChild(NamedTuple):
    """An account named on a row: its vendor and chargeback flags, and its type when asked for."""

    account_id: int
    account_code: str
    account_info: str
    active: bool
    vendor: VendorChild | None
    flags: AccountFlags
    account_type: AccountTypeChild | None = None


def _flag(condition: Any) -> ColumnElement[bool]:
    return type_coerce(condition, Boolean).label(None)


def meter_flags(statement: AnySelect, meter_id: Key) -> tuple[AnySelect, Read[MeterFlags]]:
    """Add the meter's three chargeback flags."""
    dv, dv2, sd = aliased(DistributionVersion), aliased(DistributionVersion), aliased(SplitDestination)
    columns = (
        _flag(exists().where(dv.meter_id == meter_id, dv.chargeback_type == CALCULATION)),
        _flag(exists().where(dv2.meter_id == meter_id, dv2.chargeback_type == SPLIT)),
        _flag(exists().where(sd.meter_id == meter_id)),
    )

    calculated, parent, child = columns

    def read(row: RowMapping) -> MeterFlags:
        return MeterFlags(bool(row[calculated]), bool(row[parent]), bool(row[child]))

    return statement.add_columns(*columns), read


def account_flags(statement: AnySelect, account_id: Key) -> tuple[AnySelect, Read[AccountFlags]]:
    """Add the account's three chargeback flags."""
    dv, dv2, sd = aliased(DistributionVersion), aliased(DistributionVersion), aliased(SplitDestination)
    columns = (
        _flag(exists().where(dv.account_id == account_id, dv.chargeback_type == CALCULATION)),
        _flag(exists().where(dv2.account_id == account_id, dv2.chargeback_type == SPLIT)),
        _flag(exists().where(sd.account_id == account_id)),
    )

    calculated, parent, child = columns

    def read(row: RowMapping) -> AccountFlags:
        return AccountFlags(bool(row[calculated]), bool(row[parent]), bool(row[child]))

    return statement.add_columns(*columns), read


def join_user(statement: AnySelect, user_id: Key) -> tuple[AnySelect, Read[UserChild | None]]:
    """Add the user `user_id` names."""
    u = aliased(User)
    ident, code, name = labelled(u.user_id, u.user_code, u.full_name)
    statement = statement.outerjoin(u, u.user_id == user_id).add_columns(ident, code, name)

    def read(row: RowMapping) -> UserChild | None:
        return None if row[ident] is None else UserChild(row[ident], row[code], row[name])

    return statement, read


def join_vendor(statement: AnySelect, vendor_id: Key) -> tuple[AnySelect, Read[VendorChild | None]]:
    """Add the vendor `vendor_id` names."""
    v = aliased(Vendor)
    ident, code, info = labelled(v.vendor_id, v.vendor_code, v.vendor_info)
    statement = statement.outerjoin(v, v.vendor_id == vendor_id).add_columns(ident, code, info)

    def read(row: RowMapping) -> VendorChild | None:
        return None if row[ident] is None else VendorChild(row[ident], row[code], row[info])

    return statement, read


def join_vendor_type(statement: AnySelect, vendor_type_id: Key) -> tuple[AnySelect, Read[VendorTypeChild | None]]:
    """Add the vendor type `vendor_type_id` names."""
    t = aliased(VendorType)
    ident, code = labelled(t.vendor_type_id, t.vendor_type_code)
    statement = statement.outerjoin(t, t.vendor_type_id == vendor_type_id).add_columns(ident, code)

    def read(row: RowMapping) -> VendorTypeChild | None:
        return None if row[ident] is None else VendorTypeChild(row[ident], row[code])

    return statement, read


def join_commodity(statement: AnySelect, commodity_id: Key) -> tuple[AnySelect, Read[CommodityChild | None]]:
    """Add the commodity `commodity_id` names."""
    c = aliased(Commodity)
    columns = labelled(c.commodity_id, c.commodity_code, c.commodity_info, c.icon_code, c.icon_color)
    statement = statement.outerjoin(c, c.commodity_id == commodity_id).add_columns(*columns)

    ident, code, info, icon, color = columns

    def read(row: RowMapping) -> CommodityChild | None:
        return None if row[ident] is None else CommodityChild(row[ident], row[code], row[info], row[icon], row[color])

    return statement, read


def join_unit(statement: AnySelect, unit_id: Key) -> tuple[AnySelect, Read[UnitChild | None]]:
    """Add the unit `unit_id` names."""
    u = aliased(Unit)
    ident, code, info = labelled(u.unit_id, u.unit_code, u.unit_info)
    statement = statement.outerjoin(u, u.unit_id == unit_id).add_columns(ident, code, info)

    def read(row: RowMapping) -> UnitChild | None:
        return None if row[ident] is None else UnitChild(row[ident], row[code], row[info])

    return statement, read


def join_meter_type(statement: AnySelect, meter_type_id: Key) -> tuple[AnySelect, Read[MeterTypeChild | None]]:
    """Add the meter type `meter_type_id` names."""
    t = aliased(MeterType)
    ident, code, info = labelled(t.meter_type_id, t.meter_type_code, t.meter_type_info)
    statement = statement.outerjoin(t, t.meter_type_id == meter_type_id).add_columns(ident, code, info)

    def read(row: RowMapping) -> MeterTypeChild | None:
        return None if row[ident] is None else MeterTypeChild(row[ident], row[code], row[info])

    return statement, read


def join_account_type(statement: AnySelect, account_type_id: Key) -> tuple[AnySelect, Read[AccountTypeChild | None]]:
    """Add the account type `account_type_id` names."""
    t = aliased(AccountType)
    ident, code, info = labelled(t.account_type_id, t.account_type_code, t.account_type_info)
    statement = statement.outerjoin(t, t.account_type_id == account_type_id).add_columns(ident, code, info)

    def read(row: RowMapping) -> AccountTypeChild | None:
        return None if row[ident] is None else AccountTypeChild(row[ident], row[code], row[info])

    return statement, read


def join_cost_center(statement: AnySelect, cost_center_id: Key) -> tuple[AnySelect, Read[CostCenterChild | None]]:
    """Add the cost center `cost_center_id` names."""
    c = aliased(CostCenter)
    ident, code, info = labelled(c.cost_center_id, c.cost_center_code, c.cost_center_info)
    statement = statement.outerjoin(c, c.cost_center_id == cost_center_id).add_columns(ident, code, info)

    def read(row: RowMapping) -> CostCenterChild | None:
        return None if row[ident] is None else CostCenterChild(row[ident], row[code], row[info])

    return statement, read


def join_place_type(statement: AnySelect, place_type_id: Key) -> tuple[AnySelect, Read[PlaceTypeChild | None]]:
    """Add the place type `place_type_id` names."""
    t = aliased(PlaceType)
    ident, code, info, building = labelled(t.place_type_id, t.place_type_code, t.place_type_info, t.is_building)
    statement = statement.outerjoin(t, t.place_type_id == place_type_id).add_columns(ident, code, info, building)

    def read(row: RowMapping) -> PlaceTypeChild | None:
        if row[ident] is None:
            return None
        return PlaceTypeChild(row[ident], row[code], row[info], bool(row[building]))

    return statement, read


def join_place(statement: AnySelect, place_id: Key) -> tuple[AnySelect, Read[PlaceChild | None]]:
    """Add the place `place_id` names, with its type."""
    p = aliased(Place)
    ident, code, info = labelled(p.place_id, p.place_code, p.place_info)
    statement = statement.outerjoin(p, p.place_id == place_id).add_columns(ident, code, info)
    statement, read_type = join_place_type(statement, p.place_type_id)

    def read(row: RowMapping) -> PlaceChild | None:
        return None if row[ident] is None else PlaceChild(row[ident], row[code], row[info], read_type(row))

    return statement, read


def join_meter(
    statement: AnySelect, meter_id: Key, with_place: bool = False
) -> tuple[AnySelect, Read[MeterChild | None]]:
    """Add the meter `meter_id` names: its type, commodity and flags, and its place when `with_place`."""
    m = aliased(Meter)
    ident, code, info, active, serial = labelled(m.meter_id, m.meter_code, m.meter_info, m.active, m.serial_number)
    statement = statement.outerjoin(m, m.meter_id == meter_id).add_columns(ident, code, info, active, serial)
    statement, read_flags = meter_flags(statement, m.meter_id)
    statement, read_type = join_meter_type(statement, m.meter_type_id)
    statement, read_commodity = join_commodity(statement, m.commodity_id)
    read_place: Read[PlaceChild | None] = lambda _row: None  # noqa: E731
    if with_place:
        statement, read_place = join_place(statement, m.place_id)

    def read(row: RowMapping) -> MeterChild | None:
        if row[ident] is None:
            return None
        return MeterChild(
            row[ident],
            row[code],
            row[info],
            bool(row[active]),
            row[serial],
            read_type(row),
            read_commodity(row),
            read_flags(row),
            read_place(row),
        )

    return statement, read


def join_account(
    statement: AnySelect, account_id: Key, with_type: bool = False
) -> tuple[AnySelect, Read[AccountChild | None]]:
    """Add the account `account_id` names: its vendor and flags, and its type when `with_type`."""
    a = aliased(Account)
    ident, code, info, active = labelled(a.account_id, a.account_code, a.account_info, a.active)
    statement = statement.outerjoin(a, a.account_id == account_id).add_columns(ident, code, info, active)
    statement, read_flags = account_flags(statement, a.account_id)
    statement, read_vendor = join_vendor(statement, a.vendor_id)
    read_type: Read[AccountTypeChild | None] = lambda _row: None  # noqa: E731
    if with_type:
        statement, read_type = join_account_type(statement, a.account_type_id)

    def read(row: RowMapping) -> AccountChild | None:
        if row[ident] is None:
            return None
        return AccountChild(
            row[ident],
            row[code],
            row[info],
            bool(row[active]),
            read_vendor(row),
            read_flags(row),
            read_type(row),
        )

    return statement, read


def join_workflow_step(statement: AnySelect, step_id: Key) -> tuple[AnySelect, Read[WorkflowStepChild | None]]:
    """Add the workflow step `step_id` names, with its workflow."""
    s, w = aliased(ChargebackWorkflowStep), aliased(ChargebackWorkflow)
    columns = labelled(
        s.step_id, s.step_info, s.step_description, s.step_type, s.step_order, w.workflow_id, w.workflow_info
    )
    statement = (
        statement.outerjoin(s, s.step_id == step_id).outerjoin(w, w.workflow_id == s.workflow_id).add_columns(*columns)
    )

    step_id, info, description, step_type, order, workflow_id, workflow_info = columns

    def read(row: RowMapping) -> WorkflowStepChild | None:
        if row[step_id] is None:
            return None
        return WorkflowStepChild(
            row[step_id], row[info], row[description], row[step_type], row[order], row[workflow_id], row[workflow_info]
        )

    return statement, read


# Readers by position, for rows read as plain tuples (store.paging.read_by_position): each takes the position of the
# first column its `join_*` added (the length of the SELECT's columns before the call) and reads the columns in the
# order that function adds them, giving what its reader by name gives (tests/store compare the two on full rows).
Values: TypeAlias = Sequence[Any]
"""A row's values by position."""


def user_at(at: int) -> Callable[[Values], UserChild | None]:
    """`join_user`'s reader, by position."""

    def read(row: Values) -> UserChild | None:
        return None if row[at] is None else UserChild(row[at], row[at + 1], row[at + 2])

    return read


def account_at(at: int, with_type: bool = False) -> Callable[[Values], AccountChild | None]:
    """`join_account`'s reader, by position: the account's four columns, its three flags, its vendor's three
    columns, then its type's three when `with_type`."""
    flags, vendor, kind = at + 4, at + 7, at + 10

    def read(row: Values) -> AccountChild | None:
        if row[at] is None:
            return None
        account_type = None
        if with_type and row[kind] is not None:
            account_type = AccountTypeChild(row[kind], row[kind + 1], row[kind + 2])
        return AccountChild(
            row[at],
            row[at + 1],
            row[at + 2],
            bool(row[at + 3]),
            None if row[vendor] is None else VendorChild(row[vendor], row[vendor + 1], row[vendor + 2]),
            AccountFlags(bool(row[flags]), bool(row[flags + 1]), bool(row[flags + 2])),
            account_type,
        )

    return read


def meter_at(at: int) -> Callable[[Values], MeterChild | None]:
    """`join_meter`'s reader (without the place), by position: the meter's five columns, its three flags, its
    meter type's three columns, then its commodity's five."""
    flags, kind, commodity = at + 5, at + 8, at + 11

    def read(row: Values) -> MeterChild | None:
        if row[at] is None:
            return None
        return MeterChild(
            row[at],
            row[at + 1],
            row[at + 2],
            bool(row[at + 3]),
            row[at + 4],
            None if row[kind] is None else MeterTypeChild(row[kind], row[kind + 1], row[kind + 2]),
            None if row[commodity] is None else CommodityChild(*row[commodity : commodity + 5]),
            MeterFlags(bool(row[flags]), bool(row[flags + 1]), bool(row[flags + 2])),
        )

    return read


def workflow_step_at(at: int) -> Callable[[Values], WorkflowStepChild | None]:
    """`join_workflow_step`'s reader, by position."""
    end = at + 7

    def read(row: Values) -> WorkflowStepChild | None:
        return None if row[at] is None else WorkflowStepChild(*row[at:end])

    return read
