"""The AP/GL bill export through the HTTP API: the file, marking, Ec-Guid, each eligibility rule and setting,
unexport by ids and by GUID, the account and meter list variants, the profile, the export for people, permissions
and bad input (nothing marked on error)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from tests.api.accounting_builders import Site, approval_mode, approve, hold, read_bill, stream_settings
from tests.conftest import NOW, Api


def export(
    api: Api, ids: list[int], mode: str = "gl", mark: bool = True, key: str | None = "admin", **extra: Any
) -> Any:
    """PUT /api/v3/bill/export; the raw response (200 asserted)."""
    body = {"billIds": ids, "exportMode": mode, "markAsExported": mark, **extra}
    response = api.put("/api/v3/bill/export", json=body, key=key)
    assert response.status_code == 200, response.text
    return response


def lines(response: Any) -> list[str]:
    text: str = response.text
    assert text.endswith("\r\n")
    return text.split("\r\n")[:-1]


def billed(response: Any) -> list[int]:
    """The bill ids of the file's L1 lines."""
    return [int(line.split(",")[1]) for line in lines(response) if line.startswith("L1:")]


def test_a_gl_export_writes_the_file_marks_the_bills_and_names_the_export(api: Api) -> None:
    site = Site(api, "A1", "A2")
    first = site.bill("A1", "120.50", use="1500")
    second = site.bill("A2", "-20.25", use="10")
    response = export(api, [second, first, 424242], exportNote="June chargebacks")
    guid = response.headers["Ec-Guid"]
    assert len(guid) == 36
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["content-disposition"] == 'attachment; filename="GLExport_20240615093000.txt"'
    assert response.headers["Apportion-Excluded-Count"] == "1"
    assert response.headers["Apportion-Excluded"] == "bill 424242 does not exist"
    text = lines(response)
    assert text[0] == "L0:[BH] Bill header@,06/15/2024,09:30:00,2,$-20.25,$120.50,$100.25"
    assert text[1] == (
        f"L1:[BS] Bill summary@,{first},Topmost cost center,ROOT,PPL,A1,01/01/2024,02/01/2024,202401,,,,,,$120.50,N,"
        "June chargebacks"
    )
    assert text[2] == f"L2:[AS] Account summary@,{first},A1,Account A1"
    assert text[3].startswith(f"L3:[MS] Meter summary@,{first},M-A1,")
    assert text[3].endswith(",ELECTRIC,1500,kWh,$120.50")
    assert text[4] == f"L4:[GS] G/L summary@,{first},,$120.50"
    assert text[5] == f"L5:[BL] Bill line@,{first},M-A1,USE,Energy,1500,kWh,$120.50"
    assert billed(response) == [first, second]
    assert text[-1] == "L6:[BT] Bill trailer@,2,$-20.25,$120.50,$100.25"
    bill = read_bill(api, first)
    assert (bill["glExported"], bill["glExportDate"], bill["glExportedBy"]["userCode"]) == (
        True,
        NOW.isoformat(),
        "admin",
    )
    assert (bill["exported"], bill["exportDate"]) == (False, None)  # the AP stream is separate
    again = export(api, [first, second])
    assert billed(again) == []
    assert lines(again)[0].endswith(",0,$0.00,$0.00,$0.00")
    assert again.headers["Ec-Guid"] != guid
    assert f"bill {first} has already been exported to GL" in again.headers["Apportion-Excluded"]
    ap = export(api, [first, second], mode="AP")
    assert billed(ap) == [first, second]
    assert ap.headers["content-disposition"].endswith('APExport_20240615093000.txt"')
    assert read_bill(api, second)["exported"] is True


def test_a_sample_file_marks_nothing(api: Api) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    sample = export(api, [bill], mark=False)
    assert billed(sample) == [bill]
    assert read_bill(api, bill)["glExported"] is False
    assert api.put(f"/api/v3/bill/unexport/{sample.headers['Ec-Guid']}").json() == {"selected": 0, "updated": 0}
    assert billed(export(api, [bill])) == [bill]


def test_held_void_and_unapproved_bills_stay_out_each_named(api: Api) -> None:
    site = Site(api, "A1")
    held, void, plain = (site.bill("A1", period=p) for p in (202401, 202402, 202403))
    hold(api, [held])
    assert api.put("/api/v3/bill/void", json={"ids": [void], "void": True}).status_code == 200
    approval_mode(api, True)
    response = export(api, [held, void, plain], mark=False)
    assert billed(response) == []
    assert response.headers["Apportion-Excluded"] == (
        f"bill {held} is held from export; bill {void} is void; void bills are never exported; "
        f"bill {plain} is not approved; GL exports need approved bills"
    )
    approve(api, [held, plain])
    assert billed(export(api, [held, void, plain], mark=False)) == [plain]
    approval_mode(api, False)
    hold(api, [held], False)
    assert billed(export(api, [held, void, plain], mark=False)) == [held, plain]


@pytest.mark.parametrize(
    ("point", "approved", "closed", "eligible"),
    [
        ("after entry", False, False, True),
        ("after batch", False, False, False),
        ("after batch", False, True, True),
        ("after approval", False, True, False),
        ("after approval", True, False, True),
        ("after batch approval", True, False, False),
        ("after batch approval", False, True, False),
        ("after batch approval", True, True, True),
        ("never", True, True, False),
    ],
)
def test_each_export_point(api: Api, point: str, approved: bool, closed: bool, eligible: bool) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    stream_settings(api, gl=point)
    if approved:
        approve(api, [bill])
    if closed:
        batch_id = read_bill(api, bill)["batch"]["batchId"]
        assert api.put(f"/api/v3/batch/close/{batch_id}").status_code == 200
    response = export(api, [bill])
    assert billed(response) == ([bill] if eligible else [])
    assert read_bill(api, bill)["glExported"] is eligible
    if point == "after batch" and not closed:
        assert response.headers["Apportion-Excluded"] == (
            f"bill {bill} is in an open batch; GL exports need closed batches"
        )


def test_a_disabled_stream_is_refused_and_marks_nothing(api: Api) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    stream_settings(api, ap_enabled=False)
    body = {"billIds": [bill], "exportMode": "ap", "markAsExported": True}
    response = api.put("/api/v3/bill/export", json=body)
    assert response.status_code == 400
    assert "AP export is not enabled" in response.json()["message"]
    assert read_bill(api, bill)["exported"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"billIds": [], "exportMode": "gl", "markAsExported": True}, "billIds"),
        ({"billIds": [1], "exportMode": "payment", "markAsExported": True}, "exportMode"),
        ({"billIds": [1], "markAsExported": True}, "exportMode"),
        ({"billIds": [1], "exportMode": "gl"}, "markAsExported"),
        ({"billIds": list(range(1, 10_002)), "exportMode": "gl", "markAsExported": True}, "billIds"),
    ],
)
def test_bad_export_bodies_are_400_naming_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    response = api.put("/api/v3/bill/export", json=body)
    assert response.status_code == 400, response.text
    assert any(field in key for key in response.json()["modelState"]), response.json()


def test_ten_thousand_bills_is_the_limit_not_an_error(api: Api) -> None:
    response = api.put(
        "/api/v3/bill/export", json={"billIds": list(range(1, 10_001)), "exportMode": "gl", "markAsExported": False}
    )
    assert response.status_code == 200
    assert response.headers["Apportion-Excluded-Count"] == "10000"


def test_unexport_by_ids_and_by_guid(api: Api) -> None:
    site = Site(api, "A1")
    a, b, c = (site.bill("A1", period=p) for p in (202401, 202402, 202403))
    guid = export(api, [a, b]).headers["Ec-Guid"]
    result = api.put("/api/v3/bill/unexport", json={"billIds": [a, c, 99999], "exportMode": "GL"})
    assert result.json() == {"selected": 2, "updated": 1}
    assert (read_bill(api, a)["glExported"], read_bill(api, a)["glExportDate"], read_bill(api, a)["glExportedBy"]) == (
        False,
        None,
        None,
    )
    # The GUID still names the export after a partial unexport: its bills, and those it still holds exported.
    assert api.put(f"/api/v3/bill/unexport/{guid}").json() == {"selected": 2, "updated": 1}
    assert read_bill(api, b)["glExported"] is False
    assert api.put(f"/api/v3/bill/unexport/{guid}").json() == {"selected": 2, "updated": 0}
    assert billed(export(api, [a, b, c])) == [a, b, c]  # back in the waiting list
    assert api.put("/api/v3/bill/unexport/00000000-0000-0000-0000-000000000000").status_code == 404
    bad = api.put("/api/v3/bill/unexport", json={"billIds": [], "exportMode": "gl"})
    assert bad.status_code == 400
    assert "billIds" in bad.json()["modelState"]


def test_account_and_meter_list_export_and_unexport(api: Api) -> None:
    site = Site(api, "A1", "A2")
    a1, a2 = site.bill("A1"), site.bill("A2")
    path = f"/api/v3/account/{site.accounts['A1']}/list/bill/export"
    response = api.put(path, json={"exportMode": "gl", "markAsExported": True})
    assert response.status_code == 204
    assert response.content == b""
    guid = response.headers["Ec-Guid"]
    assert (read_bill(api, a1)["glExported"], read_bill(api, a2)["glExported"]) == (True, False)
    meter_path = f"/api/v3/meter/{site.meters['A2']}/list/bill/export"
    assert api.put(meter_path, json={"exportMode": "ap", "markAsExported": True}).status_code == 204
    assert read_bill(api, a2)["exported"] is True
    undo = api.put(f"/api/v3/meter/{site.meters['A2']}/list/bill/unexport", json={"exportMode": "ap"})
    assert undo.json() == {"selected": 1, "updated": 1}
    undo = api.put(f"/api/v3/account/{site.accounts['A1']}/list/bill/unexport", json={"exportMode": "gl"})
    assert undo.json() == {"selected": 1, "updated": 1}
    assert api.put(f"/api/v3/bill/unexport/{guid}").json() == {"selected": 1, "updated": 0}
    assert (
        api.put(
            "/api/v3/account/999999/list/bill/export", json={"exportMode": "gl", "markAsExported": True}
        ).status_code
        == 404
    )


def test_the_export_profile_names_every_line_and_field(api: Api) -> None:
    response = api.get("/api/v3/bill/exportProfile", params={"exportMode": "GL"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "ExportMode=GL" in text
    assert "[L1]\r\nLiteral=L1:[BS] Bill summary@\r\nField1=Bill ID\r\nField2=Cost center\r\n" in text
    assert "Literal=L6:[BT] Bill trailer@" in text
    assert "ExportMode=AP" in api.get("/api/v3/bill/exportProfile").text


def test_the_export_for_people_groups_by_cost_center_and_account(api: Api) -> None:
    site = Site(api, "A1", "A2")
    bills = [
        site.bill("A1", "10.10"),
        site.bill("A1", "5.05", period=202402),
        site.bill("A2", "7.00"),
    ]
    guid = export(api, bills).headers["Ec-Guid"]
    csv_response = api.get(f"/apportion/v1/billExport/{guid}", params={"format": "csv"})
    assert csv_response.status_code == 200
    assert csv_response.headers["content-disposition"] == 'attachment; filename="GLExport_20240615093000.csv"'
    rows = csv_response.content.decode("utf-8-sig").split("\r\n")[:-1]
    assert rows[0].startswith("Row,Cost center code,Cost center,Account code,Account,Bill ID")
    kinds_amounts = [(r.split(",")[0], r.split(",")[-1]) for r in rows[1:]]
    assert kinds_amounts == [
        ("bill", "10.10"),
        ("bill", "5.05"),
        ("account total", "15.15"),
        ("bill", "7.00"),
        ("account total", "7.00"),
        ("cost center total", "22.15"),
        ("total", "22.15"),
    ]
    xlsx = api.get(f"/apportion/v1/billExport/{guid}", params={"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Row"
    assert [v[-1] for v in values[1:]] == [10.1, 5.05, 15.15, 7, 7, 22.15, 22.15]
    assert api.get("/apportion/v1/billExport/nope").status_code == 404


def test_export_and_unexport_need_export_bills_run(api: Api) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    viewer = api.key_with("BillsAndBatches:View")
    body = {"billIds": [bill], "exportMode": "gl", "markAsExported": True}
    assert api.put("/api/v3/bill/export", json=body, key=viewer).status_code == 403
    assert api.put("/api/v3/bill/unexport", json={"billIds": [bill], "exportMode": "gl"}, key=viewer).status_code == 403
    assert api.get("/api/v3/bill/exportProfile", key=viewer).status_code == 200
    runner = api.key_with("ExportBills:Run", user_code="runner")
    assert billed(export(api, [bill], key=runner)) == [bill]
    assert read_bill(api, bill)["glExportedBy"]["userCode"] == "runner"
    assert api.put("/api/v3/bill/export", json=body, key=None).status_code == 401


def test_an_exported_bill_needs_export_bills_edit_to_edit_unapprove_or_hold(api: Api) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    approve(api, [bill])
    export(api, [bill])
    approver = api.key_with("ApproveBills:Manage", "ExportHold:Manage", user_code="approver")
    assert approve(api, [bill], False, key=approver) == {"selected": 1, "updated": 0}
    assert hold(api, [bill], key=approver) == {"selected": 1, "updated": 0}
    current = read_bill(api, bill)
    edit = {
        "accountId": current["account"]["accountId"],
        "beginDate": current["beginDate"],
        "endDate": current["endDate"],
        "billingPeriod": current["billingPeriod"],
        "meters": [
            {
                "meterId": site.meters["A1"],
                "bodyLines": [{"observationTypeId": 1, "caption": "E", "value": "1", "valueUnitId": 1, "cost": "1.00"}],
            }
        ],
        "accountBodyLines": [],
    }
    editor = api.key_with("BillsAndBatches:Edit,View", "UpdateApprovedBills:Edit", user_code="editor")
    refused = api.put(f"/api/v3/bill/{bill}", json=edit, key=editor)
    assert refused.status_code == 403
    assert "ExportBills (Edit)" in refused.json()["message"]


def test_a_voided_gl_exported_bill_is_reversed_once_in_the_next_gl_export(api: Api) -> None:
    site = Site(api, "A1", "A2")
    posted = site.bill("A1", "55.00")
    export(api, [posted])
    assert api.put("/api/v3/bill/void", json={"ids": [posted], "void": True}).status_code == 200
    fresh = site.bill("A2", "10.00")
    response = export(api, [fresh])
    text = lines(response)
    assert text[0].endswith(",2,$-55.00,$10.00,$-45.00")
    reversal = [line for line in text if line.startswith(f"L1:[BS] Bill summary@,{posted},")]
    assert len(reversal) == 1
    assert reversal[0].endswith(",$-55.00,Y,")
    assert billed(response) == [fresh, posted]
    assert billed(export(api, [fresh])) == []  # carried once
    # Undoing the export that carried it owes it again; AP exports carry no reversals.
    assert api.put(f"/api/v3/bill/unexport/{response.headers['Ec-Guid']}").json() == {"selected": 1, "updated": 1}
    assert billed(export(api, [fresh], mode="ap")) == [fresh]
    assert billed(export(api, [fresh])) == [fresh, posted]
    # A voided bill whose GL posting is undone owes no reversal.
    assert api.put("/api/v3/bill/unexport", json={"billIds": [posted], "exportMode": "gl"}).json()["updated"] == 1
    other = site.bill("A2", "1.00", period=202402)
    assert billed(export(api, [other])) == [other]


def test_a_bill_unvoided_after_its_reversal_went_out_is_posted_again(api: Api) -> None:
    site = Site(api, "A1")
    posted = site.bill("A1", "55.00")
    export(api, [posted])
    api.put("/api/v3/bill/void", json={"ids": [posted], "void": True})
    carried = export(api, [posted])
    assert billed(carried) == [posted]  # the reversal only: the void bill itself never goes
    assert lines(carried)[1].endswith(",$-55.00,Y,")
    assert api.put("/api/v3/bill/void", json={"ids": [posted], "void": False}).json()["updated"] == 1
    assert read_bill(api, posted)["glExported"] is False
    again = export(api, [posted])
    assert billed(again) == [posted]
    assert lines(again)[1].endswith(",$55.00,N,")
    api.put("/api/v3/bill/void", json={"ids": [posted], "void": True})
    reversed_again = export(api, [posted])
    assert lines(reversed_again)[1].endswith(",$-55.00,Y,")
