"""Automatic meter groups: a group's filters (MeterGroupRequest.automaticGroupFilters) as a predicate over a meter's
facts, so its members are exactly the meters the filters match.

A filter is EnergyCAP's FilterEdit: a numbered data field (`fieldId`, the table FIELDS below, docs/meter-groups.md),
an operator of the filter language (domain/filters.py: `equals`, `one of`, `like` ...) and a value (`a|b` for `one of`
and `between`). The filters of a group all hold for a member (AND). The comparison rules are the meter list's
(`GET /api/v3/meter?filter=`, store/filtering.py): strings compare without case, `like` finds the value anywhere,
`not equals` / `not like` / `not one of` hold for an empty field.

`withinPlaceId` and `withinPlaceCode` have several values, the meter's place and every place above it: a positive
operator holds when one of them matches, a negated one (`not equals`, `not like`, `not one of`, `not between`)
when none matches the positive form, so `withinPlaceCode not equals 'NORTH'` is every meter outside NORTH.

`accountId`, `accountCode` and `vendorCode` are those of the meter's linked accounts (any link, any dates), as the
meter list's filters on them: a field's conditions hold when one link meets them all, whatever the operator, and
never for a meter without a link.

Nothing here reads or writes: the store gives the facts (store/queries/group_facts.py), the service writes the
membership in the transaction that changed the meter, the place or the group (services/master/auto_groups.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import assert_never

from apportion.domain import filters
from apportion.domain.errors import ValidationFailed
from apportion.domain.filters import (
    Condition,
    DateShortcut,
    FieldSpec,
    FieldType,
    FilterOperator,
    FilterValue,
)

WIRE_FIELD = "automaticGroupFilters"


@dataclass(frozen=True)
class GroupField:
    """A data field a group filter can name: its id on the wire, its filter spec and its caption."""

    field_id: int
    spec: FieldSpec
    caption: str


def _field(field_id: int, name: str, kind: FieldType, caption: str) -> GroupField:
    operators = {
        FieldType.STRING: filters.STRING_OPS,
        FieldType.INTEGER: filters.NUMBER_OPS,
        FieldType.BOOLEAN: filters.BOOLEAN_OPS,
    }[kind]
    return GroupField(field_id, FieldSpec(name, kind, operators), caption)


FIELDS: dict[int, GroupField] = {
    f.field_id: f
    for f in (
        _field(1, "meterCode", FieldType.STRING, "Meter code"),
        _field(2, "meterInfo", FieldType.STRING, "Meter name"),
        _field(3, "serialNumber", FieldType.STRING, "Serial number"),
        _field(4, "active", FieldType.BOOLEAN, "Active"),
        _field(5, "meterTypeId", FieldType.INTEGER, "Meter type"),
        _field(6, "commodityId", FieldType.INTEGER, "Commodity"),
        _field(7, "commodityCode", FieldType.STRING, "Commodity code"),
        _field(8, "placeId", FieldType.INTEGER, "Place"),
        _field(9, "placeCode", FieldType.STRING, "Place code"),
        _field(10, "withinPlaceId", FieldType.INTEGER, "Place or a place above it"),
        _field(11, "withinPlaceCode", FieldType.STRING, "Place code or the code of a place above it"),
        _field(12, "accountId", FieldType.INTEGER, "A linked account"),
        _field(13, "accountCode", FieldType.STRING, "A linked account's code"),
        _field(14, "vendorCode", FieldType.STRING, "A linked account's vendor code"),
    )
}
"""The fields a group filter can name, by fieldId (docs/meter-groups.md)."""

_SPECS = filters.specs(*(f.spec for f in FIELDS.values()))
SEVERAL_VALUES = frozenset({"withinPlaceId", "withinPlaceCode"})
"""The fields with several values for one meter (its place and the places above it)."""
LINKED = frozenset({"accountId", "accountCode", "vendorCode"})
"""The fields of a meter's linked accounts (any link, any dates), one value per link: as in the meter list, a
field's conditions hold when one linked account meets all of them, and a meter without a link meets none."""


@dataclass(frozen=True)
class GroupFilter:
    """One FilterEdit of a group as stored and shown: field id, operator and value as written."""

    field_id: int
    operator: str
    value: str | None


@dataclass(frozen=True)
class MeterFacts:
    """What a group filter can ask of a meter. `within_*` are its place and every place above it, nearest first."""

    meter_id: int
    meter_code: str
    meter_info: str
    serial_number: str | None
    active: bool
    meter_type_id: int
    commodity_id: int
    commodity_code: str | None
    place_id: int
    place_code: str | None
    within_place_ids: tuple[int, ...]
    within_place_codes: tuple[str, ...]
    account_ids: tuple[int, ...] = ()  # one entry per link, whatever its dates (LINKED)
    account_codes: tuple[str, ...] = ()
    vendor_codes: tuple[str | None, ...] = ()

    def values_of(self, field: str) -> tuple[FilterValue | None, ...]:
        """The field's values for this meter (one, or several for the within-place fields)."""
        single: dict[str, FilterValue | None] = {
            "meterCode": self.meter_code,
            "meterInfo": self.meter_info,
            "serialNumber": self.serial_number,
            "active": self.active,
            "meterTypeId": self.meter_type_id,
            "commodityId": self.commodity_id,
            "commodityCode": self.commodity_code,
            "placeId": self.place_id,
            "placeCode": self.place_code,
        }
        if field == "withinPlaceId":
            return self.within_place_ids
        if field == "withinPlaceCode":
            return self.within_place_codes
        linked: dict[str, tuple[FilterValue | None, ...]] = {
            "accountId": self.account_ids,
            "accountCode": self.account_codes,
            "vendorCode": self.vendor_codes,
        }
        if field in linked:
            return linked[field]
        return (single[field],)


def field_of(group_filter: GroupFilter) -> GroupField | None:
    """The data field a filter names, or None."""
    return FIELDS.get(group_filter.field_id)


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def parse(edits: Sequence[GroupFilter]) -> tuple[Condition, ...]:
    """A group's filters as typed conditions; ValidationFailed names `automaticGroupFilters[i].fieldId`,
    `.operator` or `.value` and why. An empty list is refused: an automatic group needs a rule.

    >>> parse([GroupFilter(7, "one of", "ELECTRIC|GAS")])[0].values
    ('ELECTRIC', 'GAS')
    """
    errors: dict[str, list[str]] = {}
    if not edits:
        errors[WIRE_FIELD] = ["An automatic group needs at least one filter."]
    conditions: list[Condition] = []
    for i, edit in enumerate(edits):
        where = f"{WIRE_FIELD}[{i}]"
        field = FIELDS.get(edit.field_id)
        if field is None:
            known = ", ".join(f"{f.field_id} ({f.spec.name})" for f in FIELDS.values())
            errors[f"{where}.fieldId"] = [f"Field {edit.field_id} cannot define a group. Fields: {known}."]
            continue
        operator = edit.operator.strip().lower()
        if operator not in field.spec.operators:
            allowed = ", ".join(op for op in FilterOperator if op in field.spec.operators)
            errors[f"{where}.operator"] = [
                f"Operator '{edit.operator}' is not allowed for field {edit.field_id} ({field.spec.name}). "
                f"Allowed: {allowed}."
            ]
            continue
        if edit.value is None:
            errors[f"{where}.value"] = [f"Operator '{operator}' on {field.spec.name} takes a value."]
            continue
        arity = filters.VALUE_OPERATORS[operator]
        raw = edit.value.split("|") if arity != 1 else [edit.value]
        text = f"{field.spec.name} {operator} {'|'.join(_quoted(v) for v in raw)}"
        try:
            conditions.extend(filters.parse(text, _SPECS))
        except ValidationFailed as failed:
            errors[f"{where}.value"] = [reason for reasons in failed.errors.values() for reason in reasons]
    if errors:
        raise ValidationFailed(errors)
    return tuple(conditions)


def _text(value: FilterValue | None) -> str | None:
    return None if value is None else str(value).lower()


def _holds(op: FilterOperator, kind: FieldType, value: FilterValue | None, wanted: tuple[FilterValue, ...]) -> bool:
    """One positive-or-negated comparison of one value, as store/filtering.compile_condition compiles it."""
    if kind is FieldType.STRING:
        value = _text(value)
        wanted = tuple(str(w).lower() for w in wanted)
    match op:
        case FilterOperator.EQUALS:
            return value is not None and value == wanted[0]
        case FilterOperator.NOT_EQUALS:
            return value is None or value != wanted[0]
        case FilterOperator.LESS_THAN:
            return value is not None and _compare(value, wanted[0]) < 0
        case FilterOperator.GREATER_THAN:
            return value is not None and _compare(value, wanted[0]) > 0
        case FilterOperator.LESS_THAN_EQUAL:
            return value is not None and _compare(value, wanted[0]) <= 0
        case FilterOperator.GREATER_THAN_EQUAL:
            return value is not None and _compare(value, wanted[0]) >= 0
        case FilterOperator.BETWEEN:
            return value is not None and _compare(wanted[0], value) <= 0 <= _compare(wanted[1], value)
        case FilterOperator.NOT_BETWEEN:
            return value is not None and not _compare(wanted[0], value) <= 0 <= _compare(wanted[1], value)
        case FilterOperator.ONE_OF:
            return value is not None and value in wanted
        case FilterOperator.NOT_ONE_OF:
            return value is None or value not in wanted
        case FilterOperator.LIKE:
            return value is not None and str(wanted[0]) in str(value)
        case FilterOperator.NOT_LIKE:
            return value is None or str(wanted[0]) not in str(value)
        case _:
            assert_never(op)


def _compare(left: FilterValue, right: FilterValue) -> int:
    """-1, 0 or 1 as `left` is below, equal to or above `right`: numbers as numbers, the rest as text."""
    numbers = (int, Decimal)
    if isinstance(left, numbers) and isinstance(right, numbers) and not isinstance(left, bool | type(None)):
        a, b = Decimal(left), Decimal(right)
        return (a > b) - (a < b)
    x, y = str(left), str(right)
    return (x > y) - (x < y)


NEGATED = {
    FilterOperator.NOT_EQUALS: FilterOperator.EQUALS,
    FilterOperator.NOT_LIKE: FilterOperator.LIKE,
    FilterOperator.NOT_ONE_OF: FilterOperator.ONE_OF,
    FilterOperator.NOT_BETWEEN: FilterOperator.BETWEEN,
}
"""Each negated operator with its positive form (the rule for fields with several values)."""


def condition_holds(condition: Condition, facts: MeterFacts) -> bool:
    """Whether one condition holds for a meter (module docstring for fields with several values)."""
    op = condition.operator
    if isinstance(op, DateShortcut):
        raise ValueError(f"Group filters take no date operator ({op}).")
    values = facts.values_of(condition.field)
    if condition.field in LINKED:
        return any(_holds(op, condition.type, v, condition.values) for v in values)
    if condition.field in SEVERAL_VALUES:
        positive = NEGATED.get(op)
        if positive is not None:
            return not any(_holds(positive, condition.type, v, condition.values) for v in values)
        return any(_holds(op, condition.type, v, condition.values) for v in values)
    return _holds(op, condition.type, values[0], condition.values)


def matches(conditions: Sequence[Condition], facts: MeterFacts) -> bool:
    """Whether a meter belongs to a group with these conditions: all of them hold (the conditions on one LINKED
    field for one and the same link)."""
    linked: dict[str, list[Condition]] = {}
    for condition in conditions:
        if condition.field in LINKED:
            linked.setdefault(condition.field, []).append(condition)
        elif not condition_holds(condition, facts):
            return False
    return all(_one_link_meets(field, on_field, facts) for field, on_field in linked.items())


def _one_link_meets(field: str, conditions: Sequence[Condition], facts: MeterFacts) -> bool:
    """Whether one of the meter's links meets every condition on this LINKED field."""
    for value in facts.values_of(field):
        if all(_holds(_operator(c), c.type, value, c.values) for c in conditions):
            return True
    return False


def _operator(condition: Condition) -> FilterOperator:
    if isinstance(condition.operator, DateShortcut):
        raise ValueError(f"Group filters take no date operator ({condition.operator}).")
    return condition.operator


def members(conditions: Sequence[Condition], meters: Iterable[MeterFacts]) -> list[int]:
    """The ids of the meters the conditions match, in order."""
    return sorted(facts.meter_id for facts in meters if matches(conditions, facts))


def describe(group_filters: Sequence[GroupFilter]) -> str:
    """A group's rule in words, for messages: `commodityCode equals 'ELECTRIC' and ...`."""
    parts = []
    for f in group_filters:
        field = FIELDS.get(f.field_id)
        name = field.spec.name if field else f"field {f.field_id}"
        parts.append(f"{name} {f.operator} '{f.value}'" if f.value is not None else f"{name} {f.operator}")
    return " and ".join(parts)
