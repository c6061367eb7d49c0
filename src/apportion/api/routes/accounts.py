"""Routes: accounts (GET/POST /api/v3/account, GET/PUT/DELETE /api/v3/account/{accountId}) and account-meter
links (POST /api/v3/accountmeter, PUT/DELETE /api/v3/accountmeter/{accountMeterId})."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Response

from apportion.api.deps import ClockDep, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.render import (
    account_of,
    account_type_of,
    commodity_of,
    cost_center_of,
    meter_of,
    place_of,
    unit_of,
    user_of,
    vendor_of,
    vendor_type_of,
)
from apportion.api.schemas.contract import (
    AccountCodeHistoryChild,
    AccountCreate,
    AccountEdit,
    AccountMeterChildWithSerialNumber,
    AccountMeterEdit,
    AccountMeterRequest,
    AccountMeterResponse,
    AccountRateChild,
    AccountResponse,
    AddressChild,
    RateChild,
)
from apportion.api.wire import WireRouter
from apportion.domain.scoping import Kind, Scope
from apportion.services.access import scoping
from apportion.services.access.auth import Principal
from apportion.services.master import account_meters, accounts
from apportion.store.database import Database
from apportion.store.queries.account_meters import LinkRow
from apportion.store.queries.accounts import AccountMeterLink, AccountRow

router = WireRouter(tags=["Accounts"])
DeleteBills = Annotated[bool, Query(alias="deleteBills", description="Delete the bills that depend on it too")]


def linked_meter(link: AccountMeterLink) -> AccountMeterChildWithSerialNumber:
    """Wire form of one of an account's meter links (accounts.meters_of)."""
    meter = link.meter
    return AccountMeterChildWithSerialNumber(
        account_meter_id=link.account_meter_id,
        start_date=link.begin_date,
        end_date=link.end_date,
        meter_id=meter.meter_id,
        meter_code=meter.meter_code,
        meter_info=meter.meter_info,
        serial_number=meter.serial_number,
        place=place_of(meter.place),
        commodity=commodity_of(meter.commodity),
        vendor_type=vendor_type_of(link.vendor_type),
        active=meter.active,
        is_calculated_meter=meter.flags.is_calculated_meter,
        is_split_parent_meter=meter.flags.is_split_parent_meter,
        is_split_child_meter=meter.flags.is_split_child_meter,
    )


def render_accounts(db: Database, rows: list[AccountRow], scope: Scope = Scope.WHOLE) -> list[AccountResponse]:
    """Wire form of accounts with their linked meters (in `scope`; one more query for the whole list)."""
    links = accounts.meters_of(db, [row.account_id for row in rows], scope)
    out = []
    for row in rows:
        a = row.values
        history = None
        if row.previous_account_code is not None:
            history = AccountCodeHistoryChild(
                previous_account_code=row.previous_account_code, end_date=row.account_code_changed
            )
        out.append(
            AccountResponse(
                account_id=row.account_id,
                account_code=a.account_code,
                account_info=a.account_info,
                account_type=account_type_of(row.account_type),
                cost_center=cost_center_of(row.cost_center),
                vendor=vendor_of(row.vendor),
                active=a.active,
                accrual_enabled=a.accrual_enabled,
                address=AddressChild.model_validate(a.address) if a.address else None,
                deposit_paid=a.deposit_paid,
                deposit_return=a.deposit_return,
                deposit_note=a.deposit_note,
                deposit_amount=a.deposit_amount,
                memo=a.memo,
                service_start=a.begin_date,
                service_end=a.end_date,
                meters=[linked_meter(link) for link in links[row.account_id]],
                created_by=user_of(row.created_by),
                created_date=row.created_date,
                modified_by=user_of(row.modified_by),
                modified_date=row.modified_date,
                cost_unit=unit_of(row.cost_unit),
                has_calculated_meter=row.flags.has_calculated_meter,
                has_split_parent_meter=row.flags.has_split_parent_meter,
                has_split_child_meter=row.flags.has_split_child_meter,
                account_code_history=history,
                account_description=a.description,
                audit_enabled=row.audit_enabled,
            )
        )
    return out


def _fields(body: AccountCreate | AccountEdit) -> dict[str, Any]:
    address = {
        "line1": body.line1,
        "line2": body.line2,
        "line3": body.line3,
        "city": body.city,
        "state": body.state,
        "postalCode": body.postal_code,
        "country": body.country,
    }
    return {
        "account_code": body.account_code,
        "account_info": body.account_info,
        "cost_center_id": body.cost_center_id,
        "active": body.active if body.active is not None else True,
        "accrual_enabled": bool(body.accrual_enabled),
        "address": address,
        "deposit_paid": body.deposit_paid,
        "deposit_return": body.deposit_return,
        "deposit_note": body.deposit_note,
        "deposit_amount": body.deposit_amount,
        "memo": body.memo,
        "service_start": body.service_start,
        "service_end": body.service_end,
        "description": body.account_description,
    }


@router.get("/api/v3/account", response_model=list[AccountResponse])
def get_accounts(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    viewer: Annotated[Principal, Depends(requires("Accounts", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> list[AccountResponse]:
    """Retrieves all accounts."""
    result = accounts.list_accounts(db, filter, page.number, page.size, today, viewer.scope)
    set_paging_headers(response, page, result.total)
    return render_accounts(db, result.rows, viewer.scope)


@router.get("/api/v3/account/{accountId}", response_model=AccountResponse)
def get_account(
    db: DatabaseDep, accountId: int, viewer: Annotated[Principal, Depends(requires("Accounts", "View"))]
) -> AccountResponse:
    """Retrieves one account."""
    return render_accounts(db, [accounts.get_account(db, accountId)], viewer.scope)[0]


@router.post("/api/v3/account", response_model=AccountResponse)
def create_account(
    db: DatabaseDep,
    clock: ClockDep,
    body: AccountCreate,
    user: Annotated[Principal, Depends(requires("Accounts", "Create"))],
) -> AccountResponse:
    """Creates an account; `meters` are linked to it for all dates."""
    checks = [("costCenterId", Kind.COST_CENTER, body.cost_center_id)]
    scoping.require_body_ids(db, user.scope, checks + [("meters", Kind.METER, m) for m in body.meters or ()])
    fields = accounts.AccountFields(
        **_fields(body),
        account_type_id=body.account_type_id,
        vendor_id=body.vendor_id,
        meter_ids=tuple(body.meters or ()),
    )
    account_id = accounts.create_account(db, fields, user.user_id, clock())
    return render_accounts(db, [accounts.get_account(db, account_id)])[0]


@router.put("/api/v3/account/{accountId}", response_model=AccountResponse)
def edit_account(
    db: DatabaseDep,
    clock: ClockDep,
    accountId: int,
    body: AccountEdit,
    user: Annotated[Principal, Depends(requires("Accounts", "Edit"))],
) -> AccountResponse:
    """Edits an account (its vendor and type stay)."""
    scoping.require_body_ids(db, user.scope, [("costCenterId", Kind.COST_CENTER, body.cost_center_id)])
    accounts.edit_account(db, accountId, accounts.AccountFields(**_fields(body)), user.user_id, clock())
    return render_accounts(db, [accounts.get_account(db, accountId)])[0]


@router.delete("/api/v3/account/{accountId}", status_code=204)
def delete_account(
    db: DatabaseDep,
    clock: ClockDep,
    accountId: int,
    user: Annotated[Principal, Depends(requires("Accounts", "Delete"))],
    delete_bills: DeleteBills = False,
) -> Response:
    """Deletes an account (204); with bills only when deleteBills=true (they are deleted too)."""
    accounts.delete_account(db, accountId, delete_bills, user.user_id, clock())
    return Response(status_code=204)


def render_link(link: LinkRow) -> AccountMeterResponse:
    """Wire form of a link (account_meters.get_links)."""
    rates = [
        AccountRateChild(
            rate=RateChild(rate_id=rate.rate_id, name=rate.name), start_date=rate.start_date, end_date=rate.end_date
        )
        for rate in link.rates
    ]
    return AccountMeterResponse(
        account_meter_id=link.account_meter_id,
        account=account_of(link.account),
        meter=meter_of(link.meter),
        begin_date=link.begin_date,
        end_date=link.end_date,
        vendor_type=vendor_type_of(link.vendor_type),
        deregulated=link.deregulated,
        form_templates=[],
        rates=rates,
    )


@router.post("/api/v3/accountmeter", response_model=list[AccountMeterResponse])
def create_account_meter(
    db: DatabaseDep,
    clock: ClockDep,
    body: list[AccountMeterRequest],
    user: Annotated[Principal, Depends(requires("Accounts", "Edit"))],
) -> list[AccountMeterResponse]:
    """Links accounts and meters; one bad element writes none."""
    checks = [("accountId", Kind.ACCOUNT, item.account_id) for item in body]
    scoping.require_body_ids(db, user.scope, checks + [("meterId", Kind.METER, item.meter_id) for item in body])
    links = [
        account_meters.LinkInput(
            account_id=item.account_id,
            meter_id=item.meter_id,
            begin=item.begin_date.date() if item.begin_date else account_meters.FIRST_DATE,
            end=item.end_date.date() if item.end_date else account_meters.LAST_DATE,
            rate_id=item.rate_id,
            vendor_type_id=item.vendor_type_id,
            deregulated=bool(item.deregulated),
        )
        for item in body
    ]
    ids = account_meters.create_links(db, links, user.user_id, clock())
    return [render_link(row) for row in account_meters.get_links(db, ids)]


@router.put("/api/v3/accountmeter/{accountMeterId}", response_model=AccountMeterResponse)
def edit_account_meter(
    db: DatabaseDep,
    clock: ClockDep,
    accountMeterId: int,
    body: AccountMeterEdit,
    user: Annotated[Principal, Depends(requires("Accounts", "Edit"))],
    delete_bills: DeleteBills = False,
) -> AccountMeterResponse:
    """Edit an account meter relationship; bills it stops covering need deleteBills=true."""
    account_meters.edit_link(
        db,
        accountMeterId,
        body.begin_date.date() if body.begin_date else None,
        body.end_date.date() if body.end_date else None,
        body.vendor_type_id,
        delete_bills,
        user.user_id,
        clock(),
    )
    return render_link(account_meters.get_links(db, [accountMeterId])[0])


@router.delete("/api/v3/accountmeter/{accountMeterId}", status_code=204)
def delete_account_meter(
    db: DatabaseDep,
    clock: ClockDep,
    accountMeterId: int,
    user: Annotated[Principal, Depends(requires("Accounts", "Edit"))],
    delete_bills: DeleteBills = False,
) -> Response:
    """Delete an account meter (204); bills it covers need deleteBills=true."""
    account_meters.delete_link(db, accountMeterId, delete_bills, user.user_id, clock())
    return Response(status_code=204)
