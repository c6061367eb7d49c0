"""Wire rows (api.wire_rows) write the bytes their wire models write, for any typed row of the store."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter

from apportion.api import render, wire_rows
from apportion.api.routes import bills as bill_routes
from apportion.api.routes import chargeback_tasks as task_routes
from apportion.api.schemas.contract import (
    BillResponse,
    ChargebackTaskResponse,
    DistributionVersionResponse,
    MeterBillResponse,
)
from apportion.api.wire_numbers import exact_numbers
from apportion.api.wire_rows import distribution_version_row, wire_json, wire_object
from apportion.services.billing.bills import Accounting, BillListing, MeterBillListing
from apportion.store.queries import children
from apportion.store.queries.chargeback_tasks import ChargebackTaskListing
from apportion.store.queries.place_sizes import PlaceSizeRow
from apportion.store.queries.versions import VersionListing

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**16), max_value=10**16),
    st.decimals(allow_nan=False, allow_infinity=False, places=8, min_value=-(10**9), max_value=10**9),
)
DATETIMES = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1))
DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))
SETTINGS = st.dictionaries(TEXT, st.one_of(st.integers(), TEXT, st.booleans(), st.none()), max_size=3)


def _strategies() -> None:
    for kind, strategy in (
        (str, TEXT),
        (Decimal, DECIMALS),
        (datetime, DATETIMES),
        (date, DATES),
        (int, st.integers(-(2**40), 2**40)),
    ):
        st.register_type_strategy(kind, strategy)


def _model_bytes(model: type[BaseModel], wire: dict[str, Any]) -> bytes:
    """What the model writes for the same values: the wire object's JSON read back as a request body is."""
    read = json.loads(exact_numbers(wire_json(wire)), parse_float=Decimal)
    return exact_numbers(TypeAdapter(model).dump_json(model.model_validate(read)))


@pytest.fixture(autouse=True, scope="module")
def _registered() -> None:
    _strategies()


@settings(max_examples=40, deadline=None)
@given(st.builds(BillListing))
def test_bill_rows_write_the_models_bytes(bill: BillListing) -> None:
    wire = bill_routes.render(bill)
    assert exact_numbers(wire_json(wire)) == _model_bytes(BillResponse, wire)
    assert wire["beginDate"] == f"{bill.begin_date.isoformat()}T00:00:00"


@settings(max_examples=40, deadline=None)
@given(st.builds(MeterBillListing))
def test_meter_bill_rows_write_the_models_bytes(found: MeterBillListing) -> None:
    wire = bill_routes.render_meter_bill(found)
    assert exact_numbers(wire_json(wire)) == _model_bytes(MeterBillResponse, wire)


@settings(max_examples=40, deadline=None)
@given(st.builds(ChargebackTaskListing, settings=SETTINGS))
def test_task_rows_write_the_models_bytes(task: ChargebackTaskListing) -> None:
    wire = task_routes.task_row(task)
    assert exact_numbers(wire_json(wire)) == _model_bytes(ChargebackTaskResponse, wire)
    assert task_routes.render(task).model_dump(mode="json") == wire


@settings(max_examples=40, deadline=None)
@given(st.builds(VersionListing))
def test_version_rows_write_the_models_bytes(version: VersionListing) -> None:
    wire = distribution_version_row(version)
    assert exact_numbers(wire_json(wire)) == _model_bytes(DistributionVersionResponse, wire)


def test_a_field_the_model_does_not_have_is_refused() -> None:
    with pytest.raises(TypeError, match="no field"):
        wire_object(BillResponse, bill_idd=1)


def test_a_row_writer_refuses_what_it_cannot_write() -> None:
    nested = ("batch", "account", "approved_by", "exported_by", "created_by", "modified_by", "gl_exported_by")
    sources = (BillListing, Accounting)
    with pytest.raises(TypeError, match="no field"):
        wire_rows.row_writer(BillResponse, sources, (*nested, "bill_idd"))
    with pytest.raises(TypeError, match="nested object"):  # BillListing.account is the store's, not a wire dict
        wire_rows.row_writer(BillResponse, sources, nested[:1])
    with pytest.raises(TypeError, match="two sources"):
        wire_rows.row_writer(BillResponse, (BillListing, BillListing), nested)
    with pytest.raises(TypeError, match="no source has"):
        wire_rows.row_writer(BillResponse, sources, nested, renamed={"bill_note": "notes"})


def test_defaults_are_written_in_field_order() -> None:
    wire = wire_object(BillResponse, bill_id=7)
    assert list(wire) == [field.alias for field in BillResponse.model_fields.values()]
    assert wire_json(wire) == TypeAdapter(BillResponse).dump_json(BillResponse(bill_id=7))


CHILD_RENDERERS = [
    (render.user_of, wire_rows.user_row, children.UserChild),
    (render.vendor_of, wire_rows.vendor_row, children.VendorChild),
    (render.vendor_type_of, wire_rows.vendor_type_row, children.VendorTypeChild),
    (render.commodity_of, wire_rows.commodity_row, children.CommodityChild),
    (render.unit_of, wire_rows.unit_row, children.UnitChild),
    (render.meter_type_of, wire_rows.meter_type_row, children.MeterTypeChild),
    (render.account_type_of, wire_rows.account_type_row, children.AccountTypeChild),
    (render.cost_center_of, wire_rows.cost_center_row, children.CostCenterChild),
    (render.place_type_of, wire_rows.place_type_row, children.PlaceTypeChild),
    (render.place_of, wire_rows.place_row, children.PlaceChild),
    (render.meter_of, wire_rows.meter_row, children.MeterChild),
    (render.account_of, wire_rows.account_row, children.AccountChild),
    (render.account_with_type_of, wire_rows.account_with_type_row, children.AccountChild),
    (render.workflow_step_of, wire_rows.workflow_step_row, children.WorkflowStepChild),
    (render.place_size_of, wire_rows.place_size_row, PlaceSizeRow),
]


@pytest.mark.parametrize(("as_model", "as_row", "kind"), CHILD_RENDERERS, ids=lambda v: getattr(v, "__name__", ""))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_each_child_has_one_mapping_whose_model_writes_the_rows_bytes(
    as_model: Any, as_row: Any, kind: type, data: st.DataObject
) -> None:
    value = data.draw(st.one_of(st.none(), st.builds(kind)))
    model, wire = as_model(value), as_row(value)
    if value is None:
        assert model is None
        assert wire is None
        return
    assert exact_numbers(TypeAdapter(type(model)).dump_json(model)) == exact_numbers(wire_json(wire))
