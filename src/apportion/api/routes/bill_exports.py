"""Routes: the AP/GL bill export and its undo (PUT /api/v3/bill/export, /bill/unexport, /bill/unexport/{guid},
GET /api/v3/bill/exportProfile, and the account and meter list variants; operations.md §8, accounting.md §3.3, §5),
and the export for people (GET /apportion/v1/billExport/{guid}?format=csv|xlsx). Mounted before the bills router,
so "export" is not read as a bill id."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Depends, Query, Response

from apportion.api.deps import ClockDep, DatabaseDep, requires
from apportion.api.schemas.contract import (
    BillExport,
    BillExportOptions,
    BillUnexport,
    BillUnexportOptions,
    UpdateResult,
)
from apportion.api.wire import WireRouter
from apportion.services.access.auth import Principal
from apportion.services.accounting import export_files, exports
from apportion.services.accounting.approval import Scope

router = WireRouter(tags=["Bill export"])
# accounting.md §6: export and unexport need ExportBills (Run); the profile BillsAndBatches (View) (§9 D13).
Exporter = Annotated[Principal, Depends(requires("ExportBills", "Run"))]
Viewer = Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
TEXT = {200: {"content": {"text/plain": {"schema": {"type": "string"}}}}}
FILES = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
        }
    }
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCLUDED_SHOWN = 50  # reasons listed in the Apportion-Excluded header; the CLI prints them all


def _headers(outcome: exports.ExportOutcome) -> dict[str, str]:
    """Ec-Guid names the export (unexport by GUID); Apportion-Excluded lists why named bills were left out."""
    reasons = [reason for _, reason in outcome.excluded]
    shown = "; ".join(reasons[:EXCLUDED_SHOWN])
    if len(reasons) > EXCLUDED_SHOWN:
        shown += f"; and {len(reasons) - EXCLUDED_SHOWN} more"
    headers = {
        "Ec-Guid": outcome.guid,
        "Content-Disposition": f'attachment; filename="{outcome.file_name}"',
        "Apportion-Excluded-Count": str(len(reasons)),
    }
    if shown:
        headers["Apportion-Excluded"] = shown.encode("ascii", "replace").decode("ascii")
    return headers


def _file(outcome: exports.ExportOutcome) -> Response:
    return Response(outcome.text, media_type="text/plain; charset=utf-8", headers=_headers(outcome))


def _no_content(outcome: exports.ExportOutcome) -> Response:
    headers = _headers(outcome)
    del headers["Content-Disposition"]
    return Response(status_code=204, headers=headers)


@router.put("/api/v3/bill/export", response_class=Response, responses=TEXT)  # type: ignore[arg-type]
def export_bills(db: DatabaseDep, clock: ClockDep, body: BillExport, user: Exporter) -> Response:
    """Retrieves the text of a standard bill export file for AP or GL (at most 10,000 bills). Only eligible bills are
    included (approved if approval applies, closed batch if the export point needs it, not held, not void, not
    already exported on the stream); markAsExported=false makes a sample file and marks nothing. The Ec-Guid header
    names the export."""
    guid = str(uuid.uuid4())
    note = body.export_note
    outcome = exports.export_bills(
        db, body.bill_ids, body.export_mode, body.mark_as_exported, note, user, clock(), guid
    )
    return _file(outcome)


@router.put("/api/v3/bill/unexport", response_model=UpdateResult)
def unexport_bills(db: DatabaseDep, body: BillUnexport, _: Exporter) -> UpdateResult:
    """Marks one or more bills as unexported on one stream (clearing its flag, date and user)."""
    selected, updated = exports.unexport_bills(db, body.bill_ids, body.export_mode)
    return UpdateResult(selected=selected, updated=updated)


@router.put("/api/v3/bill/unexport/{billExportGuid}", response_model=UpdateResult)
def unexport_bills_by_guid(db: DatabaseDep, billExportGuid: str, _: Exporter) -> UpdateResult:
    """Undoes an entire export, named by the Ec-Guid its export returned (404 when unknown)."""
    selected, updated = exports.unexport_guid(db, billExportGuid)
    return UpdateResult(selected=selected, updated=updated)


@router.get("/api/v3/bill/exportProfile", response_class=Response, responses=TEXT)  # type: ignore[arg-type]
def export_bill_profile(
    db: DatabaseDep,
    _: Viewer,
    export_mode: Annotated[str | None, Query(alias="exportMode", description="AP (default) or GL")] = None,
) -> Response:
    """Retrieves the text of the export ini file: each line type's literal and fields in order."""
    return Response(exports.export_profile(db, export_mode), media_type="text/plain; charset=utf-8")


def _scope_export(
    db: DatabaseDep, clock: ClockDep, scope: Scope, ident: int, body: BillExportOptions, user: Principal
) -> Response:
    guid = str(uuid.uuid4())
    outcome = exports.export_scope(
        db, scope, ident, body.export_mode, body.mark_as_exported, body.export_note, user, clock(), guid
    )
    return _no_content(outcome)


@router.put("/api/v3/account/{accountId}/list/bill/export", status_code=204, response_class=Response)
def account_bill_list_export(
    db: DatabaseDep, clock: ClockDep, accountId: int, body: BillExportOptions, user: Exporter
) -> Response:
    """Export all eligible bills of the account to AP or GL (204, as the SDK expects; Ec-Guid names the export)."""
    return _scope_export(db, clock, Scope.ACCOUNT, accountId, body, user)


@router.put("/api/v3/account/{accountId}/list/bill/unexport", response_model=UpdateResult)
def account_bill_list_unexport(db: DatabaseDep, accountId: int, body: BillUnexportOptions, _: Exporter) -> UpdateResult:
    """Unexport account bills on one stream."""
    selected, updated = exports.unexport_scope(db, Scope.ACCOUNT, accountId, body.export_mode)
    return UpdateResult(selected=selected, updated=updated)


@router.put("/api/v3/meter/{meterId}/list/bill/export", status_code=204, response_class=Response)
def meter_bill_list_export(
    db: DatabaseDep, clock: ClockDep, meterId: int, body: BillExportOptions, user: Exporter
) -> Response:
    """Export all eligible bills of the meter to AP or GL (204, as the SDK expects; Ec-Guid names the export)."""
    return _scope_export(db, clock, Scope.METER, meterId, body, user)


@router.put("/api/v3/meter/{meterId}/list/bill/unexport", response_model=UpdateResult)
def meter_bill_list_unexport(db: DatabaseDep, meterId: int, body: BillUnexportOptions, _: Exporter) -> UpdateResult:
    """Unexport meter bills on one stream."""
    selected, updated = exports.unexport_scope(db, Scope.METER, meterId, body.export_mode)
    return UpdateResult(selected=selected, updated=updated)


@router.get(
    "/apportion/v1/billExport/{billExportGuid}",
    response_class=Response,
    responses=FILES,  # type: ignore[arg-type]
    tags=["Apportion: accounting"],
)
def get_export_ledger(
    db: DatabaseDep,
    billExportGuid: str,
    _: Viewer,
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx")] = "csv",
) -> Response:
    """An export's bills for people: grouped by cost center and account, with account, cost center and grand
    totals (reversing entries negative). Apportion's extension."""
    file_name, rows = exports.ledger_of(db, billExportGuid)
    stem = file_name.rsplit(".", 1)[0]
    if format == "xlsx":
        content, media = export_files.ledger_xlsx(rows), XLSX
    else:
        content, media = export_files.ledger_csv(rows), "text/csv; charset=utf-8"
    disposition = f'attachment; filename="{stem}.{format}"'
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})
