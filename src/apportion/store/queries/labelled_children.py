"""Labelled columns for the meters, units and workflow steps of the chargeback digest (services.chargebacks.digest,
read back by label in api/routes/digest.py); every other query reads its children as typed values
(store.queries.children).

Each `join_*` helper adds outer joins and labelled columns to a SELECT, so one query returns a whole page with
its children (no query per row). Labels are `<prefix>_<field>`. Derived chargeback flags are correlated EXISTS
columns on indexed keys (domain.md §2.2: meter isCalculatedMeter / isSplitParentMeter / isSplitChildMeter).

Each helper makes fresh aliases, which costs far more than running the query: build a statement once (a
`functools.cache`d function returning the SELECT) and add the per-request `.where(...)` to it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, exists, type_coerce
from sqlalchemy.orm import QueryableAttribute, aliased

from apportion.domain.versions import CALCULATION, SPLIT
from apportion.store.models.chargebacks import (
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import Meter, Place
from apportion.store.models.reference import Commodity, MeterType, PlaceType, Unit
from apportion.store.paging import AnySelect

Label = ColumnElement[Any]
Key = ColumnElement[Any] | QueryableAttribute[Any]
"""A key column to join on: a Core column expression or a mapped attribute."""


def _flag(condition: Any, label: str) -> Label:
    return type_coerce(condition, Boolean).label(label)


def meter_flag_columns(meter_id: Key, prefix: str = "meter") -> list[Label]:
    """`<prefix>_is_calculated_meter`, `<prefix>_is_split_parent_meter`, `<prefix>_is_split_child_meter`."""
    dv = aliased(DistributionVersion)
    dv2 = aliased(DistributionVersion)
    sd = aliased(SplitDestination)
    return [
        _flag(
            exists().where(dv.meter_id == meter_id, dv.chargeback_type == CALCULATION),
            f"{prefix}_is_calculated_meter",
        ),
        _flag(
            exists().where(dv2.meter_id == meter_id, dv2.chargeback_type == SPLIT),
            f"{prefix}_is_split_parent_meter",
        ),
        _flag(exists().where(sd.meter_id == meter_id), f"{prefix}_is_split_child_meter"),
    ]


def join_commodity_child(statement: AnySelect, commodity_id: Key, prefix: str = "commodity") -> AnySelect:
    """Add `<prefix>_id`, `_code`, `_info`, `_icon_code`, `_icon_color`."""
    c = aliased(Commodity)
    return statement.outerjoin(c, c.commodity_id == commodity_id).add_columns(
        c.commodity_id.label(f"{prefix}_id"),
        c.commodity_code.label(f"{prefix}_code"),
        c.commodity_info.label(f"{prefix}_info"),
        c.icon_code.label(f"{prefix}_icon_code"),
        c.icon_color.label(f"{prefix}_icon_color"),
    )


def join_unit_child(statement: AnySelect, unit_id: Key, prefix: str = "unit") -> AnySelect:
    """Add `<prefix>_id`, `<prefix>_code`, `<prefix>_info`."""
    u = aliased(Unit)
    return statement.outerjoin(u, u.unit_id == unit_id).add_columns(
        u.unit_id.label(f"{prefix}_id"), u.unit_code.label(f"{prefix}_code"), u.unit_info.label(f"{prefix}_info")
    )


def join_meter_type_child(statement: AnySelect, meter_type_id: Key, prefix: str = "meter_type") -> AnySelect:
    """Add `<prefix>_id`, `<prefix>_code`, `<prefix>_info`."""
    t = aliased(MeterType)
    return statement.outerjoin(t, t.meter_type_id == meter_type_id).add_columns(
        t.meter_type_id.label(f"{prefix}_id"),
        t.meter_type_code.label(f"{prefix}_code"),
        t.meter_type_info.label(f"{prefix}_info"),
    )


def join_place_type_child(statement: AnySelect, place_type_id: Key, prefix: str = "place_type") -> AnySelect:
    """Add `<prefix>_id`, `_code`, `_info`, `_structure`."""
    t = aliased(PlaceType)
    return statement.outerjoin(t, t.place_type_id == place_type_id).add_columns(
        t.place_type_id.label(f"{prefix}_id"),
        t.place_type_code.label(f"{prefix}_code"),
        t.place_type_info.label(f"{prefix}_info"),
        t.is_building.label(f"{prefix}_structure"),
    )


def join_place_child(statement: AnySelect, place_id: Key, prefix: str = "place") -> AnySelect:
    """Add `<prefix>_id`, `_code`, `_info` and the place type under `<prefix>_type`."""
    p = aliased(Place)
    statement = statement.outerjoin(p, p.place_id == place_id).add_columns(
        p.place_id.label(f"{prefix}_id"), p.place_code.label(f"{prefix}_code"), p.place_info.label(f"{prefix}_info")
    )
    return join_place_type_child(statement, p.place_type_id, f"{prefix}_type")


def join_meter_child(statement: AnySelect, meter_id: Key, prefix: str = "meter", with_place: bool = False) -> AnySelect:
    """Add a MeterChild's columns.

    `<prefix>_id`, `_code`, `_info`, `_active`, `_serial_number`, the meter type under `<prefix>_type`, the
    commodity under `<prefix>_commodity`, the three flags of meter_flag_columns and, when `with_place`, the
    meter's place under `<prefix>_place`.
    """
    m = aliased(Meter)
    statement = statement.outerjoin(m, m.meter_id == meter_id).add_columns(
        m.meter_id.label(f"{prefix}_id"),
        m.meter_code.label(f"{prefix}_code"),
        m.meter_info.label(f"{prefix}_info"),
        m.active.label(f"{prefix}_active"),
        m.serial_number.label(f"{prefix}_serial_number"),
        *meter_flag_columns(m.meter_id, prefix),
    )
    statement = join_meter_type_child(statement, m.meter_type_id, f"{prefix}_type")
    statement = join_commodity_child(statement, m.commodity_id, f"{prefix}_commodity")
    return join_place_child(statement, m.place_id, f"{prefix}_place") if with_place else statement


def join_workflow_step_child(statement: AnySelect, step_id: Key, prefix: str = "workflow") -> AnySelect:
    """Add a ChargebackWorkflowStepChild's columns.

    `<prefix>_id`, `_info`, `_description`, `_type`, `_order` and the parent workflow's `<prefix>_workflow_id`,
    `<prefix>_workflow_info`.
    """
    s, w = aliased(ChargebackWorkflowStep), aliased(ChargebackWorkflow)
    return (
        statement.outerjoin(s, s.step_id == step_id)
        .outerjoin(w, w.workflow_id == s.workflow_id)
        .add_columns(
            s.step_id.label(f"{prefix}_id"),
            s.step_info.label(f"{prefix}_info"),
            s.step_description.label(f"{prefix}_description"),
            s.step_type.label(f"{prefix}_type"),
            s.step_order.label(f"{prefix}_order"),
            w.workflow_id.label(f"{prefix}_workflow_id"),
            w.workflow_info.label(f"{prefix}_workflow_info"),
        )
    )
