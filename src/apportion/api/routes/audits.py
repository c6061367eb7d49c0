"""Routes: audit settings and audit runs (GET/PUT /api/v202104/audit, PUT /api/v202104/account/auditEnabled,
PUT /api/v202104/vendor/{vendorId}/auditEnabled, POST /api/v3/audit/exec; operations.md §8, accounting.md §2.4,
§3.5, §4, §6, §9 D8, D13, D14)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Response

from apportion.api.deps import ClockDep, DatabaseDep, SettingsDep, requires
from apportion.api.render import user_of
from apportion.api.schemas.contract import (
    AccountAuditEnable,
    AuditSettingsRequest,
    AuditSettingsResponse,
    UpdatedOnlyResult,
    UpdateResult,
    VendorAuditEnable,
)
from apportion.api.wire import WireRouter
from apportion.domain.audits import Audit, Parameter, SettingInput
from apportion.services.access.auth import Principal
from apportion.services.accounting import audits, bill_lists
from apportion.services.accounting.audits import SettingsView

router = WireRouter(tags=["Audits"])
# accounting.md §6: reading needs BillsAndBatches (View), changing BillWorkflowSettings (Manage), the account
# exclusion FlaggedItems (Manage); the vendor exclusion and running audits FlaggedItems (Manage) (§9 D13).
Viewer = Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
Manager = Annotated[Principal, Depends(requires("BillWorkflowSettings", "Manage"))]
FlagManager = Annotated[Principal, Depends(requires("FlaggedItems", "Manage"))]


def render(view: SettingsView) -> AuditSettingsResponse:
    """AuditSettingsResponse: each audit with its code, description, status, minimum cost, assignees and its own
    parameter."""
    body: dict[str, Any] = {}
    for audit, setting in view.settings.items():
        one: dict[str, Any] = {
            "settingStatus": setting.status.value,
            "settingCode": audit.value,
            "settingDescription": audit.description,
            "minimumCost": setting.minimum_cost,
            "assignees": [user_of(view.users[u]) for u in setting.assignees if u in view.users],
        }
        parameter = audit.parameter
        if parameter in (Parameter.DESCRIPTIONS, Parameter.TYPES):
            one[parameter.value] = list(setting.items)
        elif parameter in (Parameter.PERCENT, Parameter.BILLS, Parameter.DAYS):
            one[parameter.value] = setting.threshold
        elif parameter is Parameter.SENSITIVITY:
            one[parameter.value] = setting.sensitivity.value if setting.sensitivity else None
        body[audit.value] = one
    return AuditSettingsResponse.model_validate(body)


def _inputs(body: AuditSettingsRequest) -> dict[str, SettingInput | None]:
    sent = body.model_dump(by_alias=True)
    given: dict[str, SettingInput | None] = {}
    for audit in Audit:
        one = sent.get(audit.value)
        if one is None:
            given[audit.value] = None
            continue
        parameter = audit.parameter
        value = one.get(parameter.value) if parameter is not Parameter.NONE else None
        given[audit.value] = SettingInput(
            status=one.get("settingStatus"),
            minimum_cost=one.get("minimumCost"),
            assignees=one.get("assignees"),
            items=value if parameter in (Parameter.DESCRIPTIONS, Parameter.TYPES) else None,
            threshold=value if parameter in (Parameter.PERCENT, Parameter.BILLS, Parameter.DAYS) else None,
            sensitivity=value if parameter is Parameter.SENSITIVITY else None,
        )
    return given


@router.get("/api/v202104/audit", response_model=AuditSettingsResponse)
def get_audit_settings(db: DatabaseDep, _: Viewer) -> AuditSettingsResponse:
    """Gets all audit settings (the defaults of accounting.md §9 D8 until they are first saved)."""
    return render(audits.get_settings(db))


@router.put("/api/v202104/audit", response_model=AuditSettingsResponse)
def update_audit_settings(
    db: DatabaseDep, settings: SettingsDep, body: AuditSettingsRequest, _: Manager
) -> AuditSettingsResponse:
    """Update audit settings: Check flags failing bills, Hold flags them and holds them from export, Skip skips the
    audit. All 25 audits are required; a bad one is a 400 naming its field."""
    return render(audits.update_settings(db, _inputs(body), settings.accounting_export_licensed))


@router.put("/api/v202104/account/auditEnabled", response_model=UpdateResult)
def set_account_audit_exclusion(db: DatabaseDep, body: AccountAuditEnable, _: FlagManager) -> UpdateResult:
    """Enable or disable accounts from audits: selected = accounts found, updated = accounts changed."""
    selected, updated = audits.set_account_exclusion(db, body.account_ids, body.audit_enabled)
    return UpdateResult(selected=selected, updated=updated)


@router.put("/api/v202104/vendor/{vendorId}/auditEnabled", response_model=UpdatedOnlyResult)
def set_vendor_accounts_audit_exclusion(
    db: DatabaseDep, vendorId: int, body: VendorAuditEnable, _: FlagManager
) -> UpdatedOnlyResult:
    """Enable or disable all accounts assigned to a vendor from audits: updated = accounts changed."""
    return UpdatedOnlyResult(updated=audits.set_vendor_exclusion(db, vendorId, body.audit_enabled))


@router.post("/api/v3/audit/exec", status_code=200, response_class=Response)
def exec_audit_engine(
    db: DatabaseDep,
    clock: ClockDep,
    user: FlagManager,
    list_id: Annotated[int | None, Query(alias="listId")] = None,
) -> Response:
    """Run audits on a saved bill list (200, empty); an unknown list is a 404."""
    bill_lists.audit_list(db, list_id, user.user_id, clock())
    return Response(status_code=200)
