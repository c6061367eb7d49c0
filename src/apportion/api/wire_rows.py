"""Wire JSON of list rows built straight from the store's typed values, without a model per object.

A 250-row bill page built as models constructs and validates about 1,250 of them (the bill, its account, vendor,
batch and users) although every value comes typed from the store: that was most of a list's Python. Here each
object is a plain dict in its wire model's field order, with the model's aliases and defaults and each value
already in the form the model would write (WireDateTime's text, WireDecimal's number), and a page is serialized
once by pydantic_core. The bytes are the model's own: `tests/unit/test_wire_rows.py` compares both for generated
rows, field by field.

`wire_object(Model, **fields)` takes the model's Python field names (a name it does not have is a TypeError, as
the model would ignore it silently) and nested objects as dicts made by this module.
"""

from __future__ import annotations

import keyword
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pydantic_core
from fastapi import Response
from pydantic import BaseModel, PlainSerializer

from apportion.api.schemas.base import _datetime_out
from apportion.api.schemas.contract import (
    AccountChild,
    AccountChildWithType,
    AccountTypeChild,
    BatchChild,
    ChargebackWorkflowBase,
    ChargebackWorkflowStepChild,
    CommodityChild,
    CostCenterChild,
    DistributionVersionResponse,
    Icon,
    MeterChild,
    MeterTypeChild,
    PlaceChild,
    PlaceSizeChild,
    PlaceTypeResponse,
    UnitChild,
    UserChild,
    VendorChild,
    VendorTypeChild,
)
from apportion.api.wire_numbers import decimal_out
from apportion.store.queries import children
from apportion.store.queries.place_sizes import PlaceSizeRow
from apportion.store.queries.versions import VersionListing

Wire = dict[str, Any]
"""One wire object: aliases to JSON-ready values, in its model's field order."""


# The text of each date and naive date-time written lately, by type: a page repeats a few of them on every row (its
# periods' begin and end dates, a batch's creation time), and a look-up costs a fraction of isoformat(). Equal values
# of one type have the same text; aware date-times are not kept (equal instants in other zones are written apart).
_DATETIME_TEXTS: dict[datetime, str] = {}
_DATE_TEXTS: dict[date, str] = {}
_TEXTS_KEPT = 4096


def _wire_datetime(value: date | None) -> str | None:
    if value is None:
        return None
    kind = type(value)
    if kind is datetime and value.tzinfo is None:  # type: ignore[attr-defined]
        texts: dict[Any, str] = _DATETIME_TEXTS
    elif kind is date:
        texts = _DATE_TEXTS
    else:
        return _day_text(value)
    text = texts.get(value)
    if text is None:
        if len(texts) >= _TEXTS_KEPT:
            texts.clear()
        text = texts[value] = _day_text(value)
    return text


def _day_text(value: date) -> str:
    if type(value) is datetime and value.tzinfo is None:
        return value.isoformat(timespec="seconds")
    if not isinstance(value, datetime):
        # A date on a date-time field: the model reads it as midnight.
        assert isinstance(value, date), value
        return f"{value.isoformat()}T00:00:00"
    return _datetime_out(value)


def _wire_decimal(value: Decimal | int | str | None) -> int | float | str | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(value)
    return decimal_out(value)


def _same(value: object) -> object:
    return value


_SERIALIZERS: dict[object, Callable[[Any], object]] = {_datetime_out: _wire_datetime, decimal_out: _wire_decimal}
_AS_IS = (int, str, bool, types.NoneType)


def _converter(annotation: Any, where: str) -> Callable[[Any], object]:
    """How a value of `annotation` is written: the wire types' own serializers, everything else as it is (plain
    ints, strings, booleans, Any, nested wire objects); a type whose JSON form could differ is refused."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        for extra in annotation.__metadata__:
            if isinstance(extra, PlainSerializer) and extra.func in _SERIALIZERS:
                return _SERIALIZERS[extra.func]
        return _converter(typing.get_args(annotation)[0], where)
    if origin in (typing.Union, types.UnionType):
        found = {_converter(arg, where) for arg in typing.get_args(annotation)} - {_same}
        if len(found) > 1:
            raise TypeError(f"{where}: a union of wire types")
        return found.pop() if found else _same
    if origin is list:
        (item,) = typing.get_args(annotation)
        if _converter(item, where) is not _same:
            raise TypeError(f"{where}: a list of converted values")
        return _same
    if annotation is Any or annotation in _AS_IS:
        return _same
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _same
    raise TypeError(f"{where}: {annotation!r} has no wire row form")


@cache
def _builder(model: type[BaseModel]) -> Callable[..., Wire]:
    """A function taking `model`'s fields by their Python names (each defaulting to the field's default) and
    returning its wire object: written once per model as a keyword-only function with a dict display, so Python
    binds the arguments (a name the model does not have is a TypeError) and builds the dict without a loop."""
    names: list[str] = []
    entries: list[str] = []
    scope: dict[str, Any] = {}
    for n, (name, field) in enumerate(model.model_fields.items()):
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith(("default_", "convert_")):
            raise TypeError(f"{model.__name__}.{name} is not an identifier")
        convert = _converter(field.rebuild_annotation(), f"{model.__name__}.{name}")
        scope[f"default_{n}"] = field.get_default(call_default_factory=True)
        names.append(f"{name}=default_{n}")
        if convert is _same:
            entries.append(f"{field.alias or name!r}: {name}")
        else:
            scope[f"convert_{n}"] = convert
            entries.append(f"{field.alias or name!r}: convert_{n}({name})")
    source = f"def build(*, {', '.join(names)}):\n    return {{{', '.join(entries)}}}\n"
    exec(source, scope)  # made of the model's identifiers and the repr() of its aliases
    build: Callable[..., Wire] = scope["build"]
    build.__qualname__ = build.__name__ = f"wire_{model.__name__}"
    return build


_GENERATED = re.compile(r"s[0-9]+(_[0-9]+)?|fixed_[0-9]+|convert_[0-9]+")
"""The names row_writer gives its own variables."""


def _is_model(annotation: Any) -> bool:
    """Whether a field holds a nested wire object (a model, or a union with one)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_is_model(arg) for arg in typing.get_args(annotation))


def row_writer(
    model: type[BaseModel],
    sources: tuple[type[tuple[Any, ...]], ...],
    given: tuple[str, ...] = (),
    constants: Mapping[str, object] | None = None,
    renamed: Mapping[str, str] | None = None,
) -> Callable[..., Wire]:
    """A function writing `model`'s wire object from the store's named tuples, unpacked by position.

    The function takes one value of each type in `sources` (NamedTuple classes), positionally, then the `given`
    fields by keyword (the nested objects, already wire dicts, and values computed per row). Each model field is
    taken from the first of: `given`, `constants` (written as is on every row), the source field of the same name
    (or the name `renamed` maps it to), else the model's default. Names are matched once, here: a given or constant
    name the model does not have, a field found in two sources, or a nested object taken from a source is a
    TypeError. At run time a row costs one tuple unpacking per source and one dict display, with no keyword
    binding per field (binding tens of keywords costs more than the rest of the row).
    """
    constants = dict(constants or {})
    renamed = dict(renamed or {})
    fields = model.model_fields
    unknown = sorted((set(given) | set(constants) | set(renamed)) - set(fields))
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(unknown)}")
    scope: dict[str, Any] = {}
    unpack: list[str] = []
    local: dict[str, str] = {}
    for s, source in enumerate(sources):
        names = [f"s{s}_{n}" for n in range(len(source._fields))]  # type: ignore[attr-defined]
        unpack.append(f"    {', '.join(names)}, = s{s}\n")
        for name, variable in zip(source._fields, names, strict=True):  # type: ignore[attr-defined]
            if name in local:
                raise TypeError(f"{model.__name__}: {name} is in two sources")
            local[name] = variable
    missing = sorted(set(renamed.values()) - set(local))
    if missing:
        raise TypeError(f"{model.__name__}: no source has {', '.join(missing)}")
    for name in given:
        if not name.isidentifier() or keyword.iskeyword(name) or _GENERATED.fullmatch(name):
            raise TypeError(f"{model.__name__}.{name} cannot be an argument")
    entries: list[str] = []
    for n, (name, field) in enumerate(fields.items()):
        annotation = field.rebuild_annotation()
        convert = _converter(annotation, f"{model.__name__}.{name}")
        if name in given:
            value = name  # an argument: converted per row
        elif renamed.get(name, name) in local:
            if _is_model(annotation):
                raise TypeError(f"{model.__name__}.{name} is a nested object: give it written")
            value = local[renamed.get(name, name)]
        else:  # the same on every row: written once, here
            scope[f"fixed_{n}"] = convert(
                constants[name] if name in constants else field.get_default(call_default_factory=True)
            )
            entries.append(f"{field.alias or name!r}: fixed_{n}")
            continue
        if convert is not _same:  # converters keep None; most of a row's optional dates are None: no call
            scope[f"convert_{n}"] = convert
            value = f"(None if {value} is None else convert_{n}({value}))"
        entries.append(f"{field.alias or name!r}: {value}")
    arguments = [f"s{s}" for s in range(len(sources))] + (["*", *given] if given else [])
    text = f"def write({', '.join(arguments)}):\n{''.join(unpack)}    return {{{', '.join(entries)}}}\n"
    exec(text, scope)  # made of the model's identifiers, generated names and the repr() of its aliases
    write: Callable[..., Wire] = scope["write"]
    write.__qualname__ = write.__name__ = f"write_{model.__name__}"
    return write


def wire_object(model: type[BaseModel], /, **fields: Any) -> Wire:
    """The wire object `model(**fields)` would write, as a dict (see the module's docstring)."""
    try:
        return _builder(model)(**fields)
    except TypeError as error:
        unknown = sorted(set(fields) - set(model.model_fields))
        if unknown:
            raise TypeError(f"{model.__name__} has no field {', '.join(unknown)}") from error
        raise


def wire_json(value: Wire | Iterable[Wire]) -> bytes:
    """JSON bytes of a wire object or of a list of them."""
    return pydantic_core.to_json(value if isinstance(value, Mapping) else list(value))


def wire_response(value: Wire | Iterable[Wire], response: Response | None = None) -> Response:
    """A JSON response of wire objects, with the headers already set on `response` (paging), if given."""
    headers = None
    if response is not None:
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(wire_json(value), media_type="application/json", headers=headers)


# The children most rows carry, written from the store's named tuples (row_writer) or by keyword (_builder).
_write_user = row_writer(UserChild, (children.UserChild,))
_write_vendor = row_writer(VendorChild, (children.VendorChild,))
_write_unit = row_writer(UnitChild, (children.UnitChild,))
_write_batch = _builder(BatchChild)
_write_meter = row_writer(MeterChild, (children.MeterChild, children.MeterFlags), ("meter_type", "commodity"))
_write_account = row_writer(AccountChild, (children.AccountChild, children.AccountFlags), ("vendor",))
_write_account_with_type = row_writer(
    AccountChildWithType, (children.AccountChild, children.AccountFlags), ("vendor", "account_type")
)
_write_step = row_writer(
    ChargebackWorkflowStepChild,
    (children.WorkflowStepChild,),
    ("chargeback_workflow",),
    renamed={
        "chargeback_workflow_step_id": "step_id",
        "chargeback_workflow_step_info": "step_info",
        "chargeback_workflow_step_description": "step_description",
        "chargeback_workflow_step_type": "step_type",
        "chargeback_workflow_step_order": "step_order",
    },
)
_write_workflow = _builder(ChargebackWorkflowBase)


# Child objects from the store's typed values (apportion.store.queries.children), each from the value or None:
# the one mapping of each child; api.render reads these dicts into models for the responses that nest them.


def user_row(user: children.UserChild | None) -> Wire | None:
    """UserChild of a user named on a row."""
    if user is None:
        return None
    return _write_user(user)


def vendor_row(vendor: children.VendorChild | None) -> Wire | None:
    """VendorChild of a vendor named on a row."""
    if vendor is None:
        return None
    return _write_vendor(vendor)


def vendor_type_row(vendor_type: children.VendorTypeChild | None) -> Wire | None:
    """VendorTypeChild of a vendor type named on a row."""
    if vendor_type is None:
        return None
    return wire_object(
        VendorTypeChild,
        vendor_type_id=vendor_type.vendor_type_id,
        vendor_type_code=vendor_type.vendor_type_code,
    )


def cost_center_row(cost_center: children.CostCenterChild | None) -> Wire | None:
    """CostCenterChild of a cost center named on a row."""
    if cost_center is None:
        return None
    return wire_object(
        CostCenterChild,
        cost_center_id=cost_center.cost_center_id,
        cost_center_code=cost_center.cost_center_code,
        cost_center_info=cost_center.cost_center_info,
    )


def place_type_row(place_type: children.PlaceTypeChild | None) -> Wire | None:
    """PlaceTypeResponse of a place type named on a row."""
    if place_type is None:
        return None
    return wire_object(
        PlaceTypeResponse,
        place_type_id=place_type.place_type_id,
        place_type_code=place_type.place_type_code,
        place_type_info=place_type.place_type_info,
        structure=place_type.structure,
    )


def place_row(place: children.PlaceChild | None) -> Wire | None:
    """PlaceChild of a place named on a row, with its type."""
    if place is None:
        return None
    return wire_object(
        PlaceChild,
        place_id=place.place_id,
        place_code=place.place_code,
        place_info=place.place_info,
        place_type=place_type_row(place.place_type),
    )


def place_size_row(size: PlaceSizeRow | None) -> Wire | None:
    """PlaceSizeChild of a place's size version; its dates are written as midnight date-times."""
    if size is None:
        return None
    return wire_object(
        PlaceSizeChild,
        place_size_id=size.place_size_id,
        begin_date=size.begin_date,
        end_date=size.end_date,
        value=size.value,
        unit_id=size.unit_id,
        unit_code=size.unit_code,
        unit_info=size.unit_info,
    )


def unit_row(unit: children.UnitChild | None) -> Wire | None:
    """UnitChild of a unit named on a row."""
    if unit is None:
        return None
    return _write_unit(unit)


def batch_row(batch_id: int | None, batch_code: str | None) -> Wire | None:
    """BatchChild of a row's batch, or None without one."""
    if batch_id is None:
        return None
    return _write_batch(batch_id=batch_id, batch_code=batch_code)


def commodity_row(commodity: children.CommodityChild | None) -> Wire | None:
    """CommodityChild of a commodity named on a row, with its icon."""
    if commodity is None:
        return None
    return wire_object(
        CommodityChild,
        commodity_id=commodity.commodity_id,
        commodity_code=commodity.commodity_code,
        commodity_info=commodity.commodity_info,
        commodity_icon=wire_object(Icon, code=commodity.icon_code, color=commodity.icon_color),
    )


def meter_type_row(meter_type: children.MeterTypeChild | None) -> Wire | None:
    """MeterTypeChild of a meter type named on a row."""
    if meter_type is None:
        return None
    return wire_object(
        MeterTypeChild,
        meter_type_id=meter_type.meter_type_id,
        meter_type_code=meter_type.meter_type_code,
        meter_type_info=meter_type.meter_type_info,
    )


def account_type_row(account_type: children.AccountTypeChild | None) -> Wire | None:
    """AccountTypeChild of an account type named on a row."""
    if account_type is None:
        return None
    return wire_object(
        AccountTypeChild,
        account_type_id=account_type.account_type_id,
        account_type_code=account_type.account_type_code,
        account_type_info=account_type.account_type_info,
    )


def meter_row(meter: children.MeterChild | None) -> Wire | None:
    """MeterChild of a meter named on a row: its type, commodity and flags."""
    if meter is None:
        return None
    return _write_meter(
        meter, meter.flags, meter_type=meter_type_row(meter.meter_type), commodity=commodity_row(meter.commodity)
    )


def account_row(account: children.AccountChild | None) -> Wire | None:
    """AccountChild of an account named on a row: its vendor and flags."""
    if account is None:
        return None
    return _write_account(account, account.flags, vendor=vendor_row(account.vendor))


def account_with_type_row(account: children.AccountChild | None) -> Wire | None:
    """AccountChildWithType of an account named on a row: its vendor, flags and account type."""
    if account is None:
        return None
    return _write_account_with_type(
        account,
        account.flags,
        vendor=vendor_row(account.vendor),
        account_type=account_type_row(account.account_type),
    )


def workflow_step_row(step: children.WorkflowStepChild | None) -> Wire | None:
    """ChargebackWorkflowStepChild of a workflow step named on a row, with its workflow."""
    if step is None:
        return None
    return _write_step(
        step,
        chargeback_workflow=_write_workflow(
            chargeback_workflow_id=step.workflow_id, chargeback_workflow_info=step.workflow_info
        ),
    )


_write_version = row_writer(DistributionVersionResponse, (VersionListing,), ("account", "meter", "workflow"))


def distribution_version_row(version: VersionListing) -> Wire:
    """DistributionVersionResponse of a version with its account (and type), meter and workflow step."""
    return _write_version(
        version,
        account=account_with_type_row(version.account),
        meter=meter_row(version.meter),
        workflow=workflow_step_row(version.workflow),
    )
