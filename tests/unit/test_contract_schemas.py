"""The generated wire schemas match models.md, keep numbers and dates exact, and speak msrest both ways.

The models.md checks read ../shared/energycap-reference/models.md through tests/support/reference.py: a missing file
fails them (naming the path) whenever ../shared exists or APPORTION_REQUIRE_REFERENCE=1 (CI); they skip only in a
checkout that stands alone.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Union, cast, get_args, get_origin

import energycap.sdk.models as sdk
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from msrest import Deserializer, Serializer
from pydantic import ValidationError

from apportion.api.schemas import contract
from apportion.api.schemas.base import WireDateTime, WireDecimal, WireModel, dump
from tests.support.reference import reference_file

ROOT = Path(__file__).resolve().parents[2]

# Fields newer than SDK 8.2309 that the generator adds (scripts/gen_contract.py EXTRAS).
NEWER_FIELDS = {
    "BatchSettings": ["existingOpenBatchId", "leaveExistingBatchesOpen"],
    "BillCreate": ["batchId"],
    "BillImportRequest": ["suppressBillCaptureNotification"],
    "UpdateBatchStatusRequest": ["leaveOpenBatchesAsIs"],
    "MeterChild": ["isEsaCalculatedMeter"],
}
SCALARS: dict[str, Any] = {"int": int, "str": str, "bool": bool, "float": Decimal, "iso-8601": datetime, "object": Any}
SDK_MODELS = {name: value for name, value in vars(sdk).items() if isinstance(value, type)}


def sdk_write(sdk_model: Any, model_name: str) -> str:
    """The JSON body the SDK's client sends for `sdk_model`."""
    return json.dumps(cast(Any, Serializer)(SDK_MODELS).body(sdk_model, model_name))


def sdk_read(model_name: str, text: str) -> Any:
    """What the SDK's client makes of a JSON response body."""
    return cast(Any, Deserializer)(SDK_MODELS)(model_name, text, "application/json")


class Row:
    """One line of a models.md table."""

    def __init__(self, alias: str, type_: str, required: bool) -> None:
        self.alias, self.type_, self.required = alias, type_, required


def documented_models() -> dict[str, list[Row]]:
    """models.md: model name -> its table rows in order."""
    models: dict[str, list[Row]] = {}
    models_md = reference_file("models.md")
    for section in re.split(r"^## ", models_md.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]:
        rows = re.findall(r"^\| (\w+) \| ([^|]*) \| ([^|]*) \|", section, re.MULTILINE)
        models[section.split()[0]] = [Row(a, t.strip(), r.strip() == "yes") for a, t, r in rows if a != "field"]
    return models


def expected_type(md_type: str) -> Any:
    """The Python type a models.md type should become."""
    if md_type.startswith("["):
        return list[expected_type(md_type[1:-1])]  # type: ignore[misc]
    if md_type.startswith("{"):
        return dict[str, expected_type(md_type[1:-1])]  # type: ignore[misc]
    return SCALARS[md_type] if md_type in SCALARS else getattr(contract, md_type)


def plain_type(annotation: Any) -> Any:
    """An annotation without Annotated metadata and without `| None`."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return plain_type(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        (only,) = [arg for arg in get_args(annotation) if arg is not type(None)]
        return plain_type(only)
    if origin is list:
        return list[plain_type(get_args(annotation)[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[str, plain_type(get_args(annotation)[1])]  # type: ignore[misc]
    return annotation


def model(name: str) -> type[WireModel]:
    cls = getattr(contract, name)
    assert isinstance(cls, type)
    assert issubclass(cls, WireModel)
    return cls


def error_locs(error: pytest.ExceptionInfo[ValidationError]) -> list[tuple[int | str, ...]]:
    return [item["loc"] for item in error.value.errors()]


# (a), (b): names, types and required flags against models.md


def test_every_documented_model_has_exactly_its_documented_fields() -> None:
    documented = documented_models()
    assert len(documented) == 367
    for name, rows in documented.items():
        aliases = [field.alias for field in model(name).model_fields.values()]
        assert aliases == [row.alias for row in rows] + NEWER_FIELDS.get(name, []), name


def test_field_types_and_required_flags_match_models_md() -> None:
    for name, rows in documented_models().items():
        fields = {field.alias: field for field in model(name).model_fields.values()}
        for row in rows:
            field = fields[row.alias]
            assert field.is_required() is row.required, f"{name}.{row.alias}"
            assert plain_type(field.annotation) == expected_type(row.type_), f"{name}.{row.alias}"


def test_the_generated_module_is_current() -> None:
    reference_file("models.md")  # what scripts/gen_contract.py reads
    run = subprocess.run(
        [sys.executable, "scripts/gen_contract.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_newer_fields_and_models_exist() -> None:
    body = contract.BillKickoutImportRequest.model_validate_json(
        '{"batchSettings": {"batchMode": "use existing batch", "existingOpenBatchId": 7,'
        ' "leaveExistingBatchesOpen": true}, "comment": "c", "importNote": "n", "saveAsResolved": false}'
    )
    assert body.batch_settings is not None
    assert body.batch_settings.existing_open_batch_id == 7
    assert body.batch_settings.leave_existing_batches_open is True
    assert body.batch_settings.batch_mode == "use existing batch"
    assert (body.comment, body.import_note, body.save_as_resolved) == ("c", "n", False)
    assert contract.BillCreate.model_fields["batch_id"].alias == "batchId"
    assert contract.UpdateBatchStatusRequest.model_fields["leave_open_batches_as_is"].alias == "leaveOpenBatchesAsIs"


def test_one_of_values_are_left_to_the_domain() -> None:
    # models.md: chargebackWorkflowStepType is one of Split, Calculation; the domain names the field in its error.
    step = contract.ChargebackWorkflowStepCreate.model_validate(
        {
            "chargebackWorkflowStepType": "Other",
            "chargebackWorkflowStepInfo": "s",
            "chargebackWorkflowStepDescription": "",
        }
    )
    assert step.chargeback_workflow_step_type == "Other"


# (c) date-times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-31T00:00:00.000Z", datetime(2024, 1, 31)),
        ("2024-01-31T00:00:00", datetime(2024, 1, 31)),
        ("2024-01-31", datetime(2024, 1, 31)),
        ("2024-01-31+02:00", datetime(2024, 1, 31)),
        ("2024-01-31Z", datetime(2024, 1, 31)),
        ("2024-01-31T23:30:00-05:00", datetime(2024, 1, 31, 23, 30)),
        ("2024-01-31T00:30:00+02:00", datetime(2024, 1, 31, 0, 30)),
        ("2024-01-31T10:15:30.1234567Z", datetime(2024, 1, 31, 10, 15, 30, 123456)),
    ],
)
def test_date_times_are_calendar_values_without_zone(text: str, expected: datetime) -> None:
    version = contract.ChannelVersionResponse.model_validate_json(json.dumps({"beginDate": text}))
    assert version.begin_date == expected
    assert version.begin_date is not None
    assert version.begin_date.tzinfo is None


def test_date_times_are_written_with_a_time_part_and_no_zone() -> None:
    version = contract.ChannelVersionResponse.model_validate_json('{"beginDate": "2024-01-31T00:00:00.000Z"}')
    assert dump(version)["beginDate"] == "2024-01-31T00:00:00"
    version = contract.ChannelVersionResponse(begin_date=datetime(2024, 1, 31, 10, 15, 30, 999999, tzinfo=UTC))
    assert json.loads(version.model_dump_json())["beginDate"] == "2024-01-31T10:15:30"
    assert contract.ChannelVersionResponse(begin_date=date(2024, 2, 29)).model_dump(mode="json")["beginDate"] == (
        "2024-02-29T00:00:00"
    )
    # Python mode keeps the datetime itself.
    assert contract.ChannelVersionResponse(begin_date=date(2024, 2, 29)).model_dump()["beginDate"] == datetime(
        2024, 2, 29
    )


@pytest.mark.parametrize("value", [1706659200, 1706659200.5, True, "2024-13-01", "yesterday"])
def test_date_times_refuse_numbers_and_nonsense(value: Any) -> None:
    with pytest.raises(ValidationError) as error:
        contract.ChannelVersionResponse.model_validate({"beginDate": value})
    assert error_locs(error) == [("beginDate",)]


def test_documented_date_range_is_enforced() -> None:
    body = {"accountId": 1, "billingPeriod": 202401, "manualEntry": True, "endDate": "2024-01-31"}
    assert contract.BillCreate.model_validate(body | {"beginDate": "1899-12-31"}).begin_date == datetime(1899, 12, 31)
    with pytest.raises(ValidationError) as error:
        contract.BillCreate.model_validate(body | {"beginDate": "1899-12-30T00:00:00.000Z"})
    assert error_locs(error) == [("beginDate",)]


# (d) decimals


def test_decimals_are_exact_from_a_json_body_and_numbers_on_the_way_out() -> None:
    line = contract.BillMeterBodyLineCreate.model_validate_json(
        '{"observationTypeId": 1, "caption": "Energy", "value": 0.1, "cost": "1234.50"}'
    )
    assert line.value == Decimal("0.1")
    assert str(line.value) == "0.1"
    assert line.cost == Decimal("1234.50")
    assert line.value + Decimal("0.2") == Decimal("0.3")
    written = json.loads(line.model_dump_json())
    assert written["value"] == 0.1
    assert written["cost"] == 1234.5
    assert isinstance(written["value"], float)
    assert line.model_dump()["value"] == Decimal("0.1")


def test_decimal_wire_type_in_a_handwritten_model() -> None:
    class Amounts(WireModel):
        total: WireDecimal
        when: WireDateTime | None = None

    amounts = Amounts.model_validate_json('{"total": 12345.678901}')
    assert amounts.total == Decimal("12345.678901")
    assert json.loads(amounts.model_dump_json()) == {"total": 12345.678901, "when": None}
    with pytest.raises(ValidationError):
        Amounts.model_validate_json('{"total": NaN}')


def test_documented_scale_is_enforced() -> None:
    with pytest.raises(ValidationError) as error:
        contract.CalculatedBillCostRequest.model_validate_json('{"fixedAmount": 10.005}')
    assert error_locs(error) == [("fixedAmount",)]
    assert contract.CalculatedBillCostRequest.model_validate_json('{"fixedAmount": 10.50}').fixed_amount == Decimal(
        "10.5"
    )


# (e) constraint errors name the wire field


def test_max_length_violation_names_the_alias() -> None:
    with pytest.raises(ValidationError) as error:
        contract.BillKickoutImportRequest.model_validate({"batchSettings": {"newBatchCode": "x" * 256}})
    assert error_locs(error) == [("batchSettings", "newBatchCode")]
    assert error.value.errors()[0]["type"] == "string_too_long"
    code = contract.BatchSettings.model_validate({"newBatchCode": "x" * 255}).new_batch_code
    assert code == "x" * 255


def test_missing_required_field_names_the_alias() -> None:
    with pytest.raises(ValidationError) as error:
        contract.DistributionVersionManage.model_validate_json('{"name": "v1"}')
    assert error_locs(error) == [("beginPeriod",)]
    assert error.value.errors()[0]["type"] == "missing"


def test_sdk_range_and_non_empty_list_rules() -> None:
    with pytest.raises(ValidationError) as error:
        contract.ChargebackWorkflowEdit.model_validate({"chargebackWorkflowInfo": "w", "chargebackWorkflowSteps": []})
    assert error_locs(error) == [("chargebackWorkflowSteps",)]
    edit = contract.ChargebackWorkflowEdit.model_validate(
        {"chargebackWorkflowInfo": "w", "chargebackWorkflowSteps": None}
    )
    assert edit.chargeback_workflow_steps is None
    body = {"accountId": 1, "beginDate": "2024-01-01", "endDate": "2024-01-31", "manualEntry": True}
    with pytest.raises(ValidationError) as error:
        contract.BillCreate.model_validate(body | {"billingPeriod": 210001})
    assert error_locs(error) == [("billingPeriod",)]
    with pytest.raises(ValidationError) as error:
        contract.CommodityRequest.model_validate({"commodityInfo": "Gas", "abbreviation": ""})
    assert error_locs(error) == [("abbreviation",)]


def test_python_names_build_models_and_nulls_are_written() -> None:
    version = contract.DistributionVersionResponse(version_id=3, has_bills=False)
    assert dump(version) == {
        "versionId": 3,
        "versionInfo": None,
        "chargebackType": None,
        "beginPeriod": None,
        "endPeriod": None,
        "account": None,
        "meter": None,
        "workflow": None,
        "hasBills": False,
    }
    assert version.model_dump()["versionId"] == 3
    assert contract.DistributionVersionResponse.model_validate({"versionId": 3, "unknown": 1}).version_id == 3


# (f) msrest, both ways


def test_sdk_request_bodies_validate() -> None:
    manage = sdk.DistributionVersionManage(name="x", begin_period=202401)
    ours = contract.DistributionVersionManage.model_validate_json(json.dumps(manage.serialize()))
    assert (ours.name, ours.begin_period, ours.end_period, ours.version_id) == ("x", 202401, None, None)

    bill = sdk.BillCreate(
        account_id=1,
        begin_date=datetime(2024, 1, 1),
        end_date=datetime(2024, 1, 31),
        billing_period=202401,
        manual_entry=True,
        meters=[
            sdk.BillMeterCreate(
                meter_id=3,
                body_lines=[sdk.BillMeterBodyLineCreate(observation_type_id=1, value=0.1, cost=12.34, caption="kWh")],
            )
        ],
    )
    text = sdk_write(bill, "BillCreate")
    assert '"2024-01-31T00:00:00.000Z"' in text
    parsed = contract.BillCreate.model_validate_json(text)
    assert (parsed.begin_date, parsed.end_date) == (datetime(2024, 1, 1), datetime(2024, 1, 31))
    assert parsed.meters is not None
    (line,) = parsed.meters[0].body_lines
    assert (line.value, line.cost, line.caption) == (Decimal("0.1"), Decimal("12.34"), "kWh")


def test_sdk_reads_our_responses() -> None:
    version = contract.DistributionVersionResponse(
        version_id=9,
        version_info="2024 split",
        chargeback_type="Split",
        begin_period=202401,
        account=contract.AccountChildWithType(
            account_id=4,
            account_code="A-4",
            account_type=contract.AccountTypeChild(account_type_id=1, account_type_info="Standard"),
            vendor=contract.VendorChild(vendor_id=2, vendor_code="V"),
        ),
        meter=contract.MeterChild(meter_id=5, meter_code="M-5"),
        workflow=contract.ChargebackWorkflowStepChild(chargeback_workflow_step_id=6),
        has_bills=True,
    )
    read = sdk_read("DistributionVersionResponse", version.model_dump_json())
    assert (read.version_id, read.version_info, read.begin_period, read.end_period) == (9, "2024 split", 202401, None)
    assert (read.account.account_code, read.account.account_type.account_type_info) == ("A-4", "Standard")
    assert (read.account.vendor.vendor_code, read.meter.meter_code) == ("V", "M-5")
    assert (read.workflow.chargeback_workflow_step_id, read.has_bills) == (6, True)

    channel = contract.ChannelVersionResponse(
        channel_version_id=1,
        multiplier=Decimal("0.1"),
        maximum_reading=Decimal("100.00"),
        unit=contract.UnitChild(unit_id=20, unit_code="kW"),
        begin_date=datetime(2024, 1, 31),
        udfs=[],
    )
    read = sdk_read("ChannelVersionResponse", channel.model_dump_json())
    assert (read.begin_date, read.end_date) == (datetime(2024, 1, 31), None)
    assert (read.multiplier, read.maximum_reading, read.unit.unit_code, read.udfs) == (0.1, 100.0, "kW", [])


# How a route uses the models: body by alias in, response by alias out.


def test_a_route_reads_and_writes_by_alias() -> None:
    app = FastAPI()

    @app.post("/api/v3/echo", response_model=contract.DistributionVersionResponse)
    def echo(body: contract.DistributionVersionManage) -> contract.DistributionVersionResponse:
        return contract.DistributionVersionResponse(
            version_id=1, version_info=body.name, begin_period=body.begin_period
        )

    @app.post("/api/v3/line", response_model=contract.BillMeterBodyLineCreate)
    def line(body: contract.BillMeterBodyLineCreate) -> contract.BillMeterBodyLineCreate:
        assert body.value == Decimal("0.1")
        return body

    with TestClient(app) as client:
        reply = client.post("/api/v3/echo", json={"name": "v", "beginPeriod": 202401})
        assert reply.status_code == 200
        assert reply.json()["versionInfo"] == "v"
        assert reply.json()["beginPeriod"] == 202401
        assert reply.json()["endPeriod"] is None
        reply = client.post(
            "/api/v3/line",
            content='{"observationTypeId": 1, "caption": "c", "value": 0.1}',
            headers={"Content-Type": "application/json"},
        )
        assert reply.status_code == 200
        assert reply.json()["value"] == 0.1
