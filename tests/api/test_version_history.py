"""Version history PUT/GET for bill splits (★002) and calculated bills through the HTTP API, on every rule of
SEED-002 and domain.md §4.1, with a read-back after each refused request proving nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from apportion.store.models.chargebacks import DistributionVersion, SplitDestination
from tests.api import master_builders as mb
from tests.conftest import Api
from tests.support import chargeback_builders as cb

KINDS = [("billSplit", "Split"), ("calculatedBill", "Calculation")]


@dataclass(frozen=True)
class Pair:
    """A linked account and meter, the URL of one of their histories, and its chargeback type."""

    account_id: int
    meter_id: int
    url: str
    kind: str


def _pair(api: Api, code: str, path: str, kind: str) -> Pair:
    vendor_id = mb.vendor(api, f"V-{code}")
    account_id = mb.account(api, code, vendor_id)["accountId"]
    meter_id = mb.meter(api, f"M-{code}")["meterId"]
    mb.link(api, account_id, meter_id)
    return Pair(account_id, meter_id, f"/api/v3/account/{account_id}/meter/{meter_id}/{path}", kind)


@pytest.fixture(params=KINDS, ids=[k for _, k in KINDS])
def pair(api: Api, request: pytest.FixtureRequest) -> Pair:
    path, kind = request.param
    return _pair(api, "ACC-1", path, kind)


def _item(name: str, begin: int | None, end: int | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, **extra}
    if begin is not None:
        body["beginPeriod"] = begin
    if end is not None:
        body["endPeriod"] = end
    return body


def _put(api: Api, pair: Pair, *items: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.put(pair.url, json=list(items))
    assert response.status_code == 200, response.text
    return list(response.json())


def _state(api: Api) -> list[tuple[Any, ...]]:
    """Every stored version and split destination, to compare before and after a refused request."""
    with api.db.reading() as session:
        versions = session.execute(select(DistributionVersion).order_by(DistributionVersion.version_id)).scalars()
        rows: list[tuple[Any, ...]] = [
            (v.version_id, v.chargeback_type, v.name, v.begin_period, v.end_period, v.workflow_step_id, v.instructions)
            for v in versions
        ]
        destinations = session.execute(select(SplitDestination).order_by(SplitDestination.destination_id)).scalars()
        rows += [(d.version_id, d.position, d.account_id, d.meter_id, d.split_percentage) for d in destinations]
        return rows


def _refused(api: Api, pair: Pair, items: list[dict[str, Any]], status: int = 400) -> dict[str, Any]:
    before = _state(api)
    history = api.get(pair.url).json()
    response = api.put(pair.url, json=items)
    assert response.status_code == status, response.text
    assert _state(api) == before
    assert api.get(pair.url).json() == history
    return dict(response.json())


def _names(body: list[dict[str, Any]]) -> list[str]:
    return [v["versionInfo"] for v in body]


def test_create_update_copy_and_delete(api: Api, pair: Pair) -> None:
    step = cb.workflow_step(api.db, pair.kind, "Month end")
    created = _put(api, pair, _item("Original", 202301, 202312), _item("Current", 202401, workflowStepId=step))
    assert _names(created) == ["Original", "Current"]
    first, second = created
    assert first["chargebackType"] == pair.kind
    assert (first["beginPeriod"], first["endPeriod"], first["hasBills"], first["workflow"]) == (
        202301,
        202312,
        False,
        None,
    )
    assert first["account"]["accountId"] == pair.account_id
    assert first["account"]["accountCode"] == "ACC-1"
    assert first["account"]["accountType"]["accountTypeId"] == 1
    assert first["meter"]["meterId"] == pair.meter_id
    assert first["meter"]["meterCode"] == "M-ACC-1"
    assert first["meter"]["commodity"]["commodityId"] == 1
    assert second["endPeriod"] is None
    assert second["workflow"]["chargebackWorkflowStepId"] == step
    assert second["workflow"]["chargebackWorkflowStepType"] == pair.kind
    assert second["workflow"]["chargebackWorkflow"]["chargebackWorkflowInfo"] == "Workflow Month end"
    assert api.get(pair.url).json() == created

    # Update the first (listed last: the response is in beginPeriod order), copy the second, drop nothing.
    original, current = first["versionId"], second["versionId"]
    result = _put(
        api,
        pair,
        _item("Current", 202401, 202406, versionId=current, workflowStepId=step),
        _item("Current copy", 202407, copyVersionId=current),
        _item("Renamed original", 202201, 202312, versionId=original),
    )
    assert _names(result) == ["Renamed original", "Current", "Current copy"]
    assert [v["versionId"] for v in result[:2]] == [original, current]
    assert result[2]["versionId"] not in (original, current)
    assert result[2]["workflow"] is None  # the copy takes the request's workflowStepId (absent = null)
    assert (result[1]["endPeriod"], result[2]["beginPeriod"], result[2]["endPeriod"]) == (202406, 202407, None)

    # A version left out is deleted.
    kept = _put(api, pair, _item("Only", 202201, versionId=original))
    assert [(v["versionId"], v["versionInfo"], v["endPeriod"]) for v in kept] == [(original, "Only", None)]
    assert _put(api, pair) == []
    assert api.get(pair.url).json() == []


def _brief(body: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(v["versionId"], v["versionInfo"], v["chargebackType"], v["beginPeriod"], v["endPeriod"]) for v in body]


def test_the_other_type_is_left_alone(api: Api) -> None:
    split = _pair(api, "ACC-2", "billSplit", "Split")
    calc = Pair(split.account_id, split.meter_id, split.url.replace("billSplit", "calculatedBill"), "Calculation")
    split_body = _put(api, split, _item("Split version", 202401))
    calc_body = _put(api, calc, _item("Calc version", 202401))  # same periods: overlap is per type
    assert calc_body[0]["account"]["hasCalculatedMeter"] is True
    assert calc_body[0]["meter"]["isSplitParentMeter"] is True
    again = _put(api, split, _item("Split version", 202401, versionId=split_body[0]["versionId"]))
    assert _brief(again) == _brief(split_body)
    assert _brief(api.get(calc.url).json()) == _brief(calc_body)
    assert _put(api, calc) == []
    assert _brief(api.get(split.url).json()) == _brief(split_body)


def test_copy_keeps_every_instruction_and_destination(api: Api) -> None:
    split = _pair(api, "ACC-3", "billSplit", "Split")
    calc = Pair(split.account_id, split.meter_id, split.url.replace("billSplit", "calculatedBill"), "Calculation")
    vendor_id = mb.vendor(api, "V-DEST")
    destinations = []
    for i in range(3):
        account_id = mb.account(api, f"DEST-{i}", vendor_id)["accountId"]
        meter_id = mb.meter(api, f"DEST-M{i}")["meterId"]
        destinations.append((account_id, meter_id))
    source = _put(api, split, _item("Source", 202301, 202312))[0]["versionId"]
    instructions = {"use": {"fixedAmount": {"fixedUseAmount": "12.345678", "unitId": 1}}, "meterLineItems": []}
    calc_source = cb.version(
        api.db, "Calculation", split.account_id, split.meter_id, name="Calc", begin=202301, instructions=instructions
    )
    with api.db.transaction() as session:
        row = session.get(DistributionVersion, source)
        assert row is not None
        row.split_method = "fixedPercentage"
        for position, (account_id, meter_id) in enumerate(destinations):
            session.add(
                SplitDestination(
                    version_id=source,
                    position=position,
                    account_id=account_id,
                    meter_id=meter_id,
                    split_percentage=Decimal("33.33333333") + position,
                    weighting_factor=Decimal("1.5") if position else None,
                )
            )
    body = _put(
        api, split, _item("Source", 202301, 202312, versionId=source), _item("Copy", 202401, copyVersionId=source)
    )
    copy = body[1]["versionId"]
    calc_body = _put(api, calc, _item("Calc copy", 202401, copyVersionId=calc_source))
    calc_copy = calc_body[0]["versionId"]
    with api.db.reading() as session:

        def destinations_of(version_id: int) -> list[tuple[Any, ...]]:
            rows = session.execute(
                select(SplitDestination)
                .where(SplitDestination.version_id == version_id)
                .order_by(SplitDestination.position)
            ).scalars()
            return [(d.position, d.account_id, d.meter_id, d.split_percentage, d.weighting_factor) for d in rows]

        assert destinations_of(copy) == destinations_of(source)
        assert len(destinations_of(copy)) == 3
        copied = session.get(DistributionVersion, copy)
        assert copied is not None
        assert copied.split_method == "fixedPercentage"
        calc_copied = session.get(DistributionVersion, calc_copy)
        assert calc_copied is not None
        assert calc_copied.instructions == instructions
        # The copied calculation source was not passed to the calculatedBill PUT, so it is gone.
        assert session.get(DistributionVersion, calc_source) is None


def test_field_rules_name_the_item_and_field(api: Api, pair: Pair) -> None:
    existing = _put(api, pair, _item("Original", 202301, 202312))[0]["versionId"]
    keep = _item("Original", 202301, 202312, versionId=existing)

    def keys(*items: dict[str, Any]) -> dict[str, list[str]]:
        return dict(_refused(api, pair, [keep, *items])["modelState"])

    assert "[1].name" in keys({"beginPeriod": 202401})
    assert "[1].name" in keys(_item("N" * 65, 202401))
    assert "[1].name" in keys(_item("  ", 202401))
    assert "[1].beginPeriod" in keys(_item("No begin", None))
    assert "[1].beginPeriod" in keys(_item("Month 13", 202413))
    assert "[1].beginPeriod" in keys(_item("Too early", 189912))
    assert "[1].endPeriod" in keys(_item("Too late", 202401, 300002))
    assert "[1].endPeriod" in keys(_item("Ends first", 202405, 202404))
    assert "[1].beginPeriod" in keys({"name": "Not a number", "beginPeriod": "soon"})
    assert "already used by item [0]" in keys(_item("original", 202401))["[1].name"][0]
    assert (
        "Only one of" in keys(_item("Both", 202401, versionId=existing, copyVersionId=existing))["[1].copyVersionId"][0]
    )
    assert "[1].versionId" in keys(_item("Twice", 202401, versionId=existing))
    assert "[1].versionId" in keys(_item("Unknown", 202401, versionId=999999))
    assert "[1].versionId" in keys(_item("Out of range", 202401, versionId=2**40))
    assert "[1].copyVersionId" in keys(_item("Unknown copy", 202401, copyVersionId=999999))
    assert "not found" in keys(_item("Unknown step", 202401, workflowStepId=999999))["[1].workflowStepId"][0]
    other_type = "Calculation" if pair.kind == "Split" else "Split"
    wrong_step = cb.workflow_step(api.db, other_type, "Wrong type")
    assert (
        f"not a {pair.kind} step"
        in keys(_item("Wrong step", 202401, workflowStepId=wrong_step))["[1].workflowStepId"][0]
    )
    # Several problems are reported together.
    many = keys(_item("A", 202413), _item("B", 202401, versionId=999999))
    assert {"[1].beginPeriod", "[2].versionId"} <= set(many)


def test_overlaps_are_refused(api: Api, pair: Pair) -> None:
    _put(api, pair, _item("Base", 202401, 202412))
    overlap = _refused(api, pair, [_item("A", 202401, 202406), _item("B", 202406, 202412)])
    assert "cannot overlap" in overlap["modelState"]["[1].beginPeriod"][0]
    open_ended = _refused(api, pair, [_item("A", 202401), _item("B", 203001, 203012)])
    assert "[1].beginPeriod" in open_ended["modelState"]
    # Touching is not overlapping; neither is a later item listed first.
    body = _put(api, pair, _item("Later", 202407), _item("Earlier", 202401, 202406))
    assert _names(body) == ["Earlier", "Later"]


def test_versions_of_another_account_meter_or_type_cannot_be_named(api: Api, pair: Pair) -> None:
    mine = _put(api, pair, _item("Mine", 202401))[0]["versionId"]
    path = pair.url.rsplit("/", 1)[1]
    other = _pair(api, "ACC-OTHER", path, pair.kind)
    theirs = _put(api, other, _item("Theirs", 202401))[0]["versionId"]
    other_kind = "Calculation" if pair.kind == "Split" else "Split"
    twin = cb.version(api.db, other_kind, pair.account_id, pair.meter_id, name="Twin", begin=202401)
    keep = _item("Mine", 202401, versionId=mine)
    assert (
        "[0].versionId" in _refused(api, pair, [_item("Taken", 201001, 201012, versionId=theirs), keep])["modelState"]
    )
    assert "[1].copyVersionId" in _refused(api, pair, [keep, _item("C", 203001, copyVersionId=theirs)])["modelState"]
    assert "[1].versionId" in _refused(api, pair, [keep, _item("T", 203001, versionId=twin)])["modelState"]
    assert "[1].copyVersionId" in _refused(api, pair, [keep, _item("T", 203001, copyVersionId=twin)])["modelState"]
    # Names are unique per account and meter across both types (§7 Q23).
    assert "[1].name" in _refused(api, pair, [keep, _item("twin", 203001)])["modelState"]


def test_versions_with_bills_stay(api: Api, pair: Pair) -> None:
    body = _put(api, pair, _item("Billed", 202401, 202406), _item("Unbilled", 202407))
    billed, unbilled = (v["versionId"] for v in body)
    cb.bill_from_version(api.db, billed, pair.account_id, 202402)
    assert api.get(pair.url).json()[0]["hasBills"] is True
    refused = _refused(api, pair, [_item("Unbilled", 202407, versionId=unbilled)])
    assert f"Version {billed}" in refused["modelState"]["versionId"][0]
    assert "[0]" not in "".join(refused["modelState"])
    _refused(api, pair, [])
    # Kept and even edited (§7 Q9), a billed version is fine; the unbilled one may go.
    result = _put(api, pair, _item("Billed renamed", 202312, 202406, versionId=billed))
    assert [(v["versionId"], v["versionInfo"], v["beginPeriod"], v["hasBills"]) for v in result] == [
        (billed, "Billed renamed", 202312, True)
    ]


def test_unknown_ids_are_404_and_unlinked_pairs_400(api: Api, pair: Pair) -> None:
    path = pair.url.rsplit("/", 1)[1]
    for account_id, meter_id in ((999999, pair.meter_id), (pair.account_id, 999999), (2**40, pair.meter_id)):
        url = f"/api/v3/account/{account_id}/meter/{meter_id}/{path}"
        assert api.get(url).status_code == 404
        before = _state(api)
        assert api.put(url, json=[_item("X", 202401)]).status_code == 404
        assert _state(api) == before
    assert api.get(f"/api/v3/account/abc/meter/{pair.meter_id}/{path}").status_code == 400
    vendor_id = mb.vendor(api, "V-LONE")
    lone_account = mb.account(api, "LONE", vendor_id)["accountId"]
    unlinked = Pair(
        pair.account_id, pair.meter_id, f"/api/v3/account/{lone_account}/meter/{pair.meter_id}/{path}", pair.kind
    )
    assert "not linked" in _refused(api, unlinked, [_item("X", 202401)])["message"]
    assert api.put(unlinked.url, json=[]).status_code == 200
    not_a_list = api.put(pair.url, json={"name": "X", "beginPeriod": 202401})
    assert not_a_list.status_code == 400


def test_sdk_style_requests(api: Api, pair: Pair) -> None:
    # The SDK omits None fields and sends a charset; absent means null.
    response = api.put(
        pair.url,
        content=b'[{"name": "Sdk", "beginPeriod": 202401, "workflowStepId": null}]',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200, response.text
    assert response.json()[0]["endPeriod"] is None
    assert api.get(pair.url, headers={}).status_code == 200


def test_account_and_meter_lists(api: Api) -> None:
    first = _pair(api, "ACC-L1", "billSplit", "Split")
    second_meter = mb.meter(api, "M-L2")["meterId"]
    mb.link(api, first.account_id, second_meter)
    second = Pair(
        first.account_id, second_meter, f"/api/v3/account/{first.account_id}/meter/{second_meter}/billSplit", "Split"
    )
    _put(api, second, _item("On meter 2", 202401))
    _put(api, first, _item("Late", 202407), _item("Early", 202401, 202406))
    calc = Pair(first.account_id, first.meter_id, first.url.replace("billSplit", "calculatedBill"), "Calculation")
    _put(api, calc, _item("Calc", 202401))
    splits = api.get(f"/api/v3/account/{first.account_id}/billSplit")
    assert splits.status_code == 200
    assert _names(splits.json()) == ["Early", "Late", "On meter 2"]
    calcs = api.get(f"/api/v3/meter/{first.meter_id}/calculatedBill")
    assert _names(calcs.json()) == ["Calc"]
    assert api.get(f"/api/v3/meter/{second_meter}/calculatedBill").json() == []
    assert api.get("/api/v3/account/999999/billSplit").status_code == 404
    assert api.get("/api/v3/meter/999999/calculatedBill").status_code == 404


def test_auth_401_and_403(api: Api) -> None:
    split = _pair(api, "ACC-AUTH", "billSplit", "Split")
    calc_url = split.url.replace("billSplit", "calculatedBill")
    assert api.get(split.url, key=None).status_code == 401
    assert api.put(split.url, key="nope", json=[]).status_code == 401
    accounts = api.key_with("Accounts:View")
    meters = api.key_with("Meters:View", user_code="meterviewer")
    assert api.get(split.url, key=accounts).status_code == 200
    assert api.get(f"/api/v3/account/{split.account_id}/billSplit", key=accounts).status_code == 200
    assert api.get(calc_url, key=accounts).status_code == 403
    assert api.get(calc_url, key=meters).status_code == 200
    assert api.get(f"/api/v3/meter/{split.meter_id}/calculatedBill", key=meters).status_code == 200
    denied = api.put(split.url, key=accounts, json=[_item("X", 202401)])
    assert denied.status_code == 403
    assert "Chargebacks (Manage)" in denied.json()["message"]
    manager = api.key_with("Chargebacks:Manage", user_code="manager")
    assert api.put(calc_url, key=manager, json=[_item("X", 202401)]).status_code == 200
