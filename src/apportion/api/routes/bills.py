"""Routes: bills (GET/POST /api/v3/bill, GET/PUT /api/v3/bill/{billId}, GET /api/v3/meter/{meterId}/bill,
PUT /api/v3/bill/void, POST /api/v3/bill/delete; operations.md §4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Query, Response

from apportion.api.deps import ClockDep, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.schemas.base import wire_day
from apportion.api.schemas.contract import (
    BillAccountBodyLineCreate,
    BillAccountBodyLineEdit,
    BillActionDelete,
    BillActionVoid,
    BillCreate,
    BillDeleteActionResult,
    BillEdit,
    BillIdResponse,
    BillMeterBodyLineCreate,
    BillMeterBodyLineEdit,
    BillMeterCreate,
    BillMeterEdit,
    BillResponse,
    MeterBillResponse,
    UpdateResult,
)
from apportion.api.wire import WireRouter
from apportion.api.wire_rows import Wire, account_row, batch_row, row_writer, unit_row, user_row, wire_response
from apportion.domain.bills import BillHeader
from apportion.domain.errors import ValidationFailed
from apportion.domain.money import USE_QUANTUM
from apportion.domain.scoping import Kind
from apportion.services.access import scoping
from apportion.services.access.auth import Principal
from apportion.services.accounting.approval import powers_of
from apportion.services.billing import bills

router = WireRouter(tags=["Bills"])


def _bill_input(
    body: BillCreate | BillEdit, batch_id: int | None = None, set_to_unapproved: bool = False
) -> bills.BillInput:
    """The service's input from a BillCreate or BillEdit; each line remembers its wire path for errors."""
    lines: list[bills.LineInput] = []
    meters: Sequence[BillMeterCreate | BillMeterEdit] = body.meters or []
    account_lines: Sequence[BillAccountBodyLineCreate | BillAccountBodyLineEdit] = body.account_body_lines or []
    for m, meter in enumerate(meters):
        body_lines: Sequence[BillMeterBodyLineCreate | BillMeterBodyLineEdit] = meter.body_lines
        for n, line in enumerate(body_lines):
            lines.append(
                bills.LineInput(
                    meter_id=meter.meter_id,
                    observation_type_id=line.observation_type_id,
                    caption=line.caption,
                    value=line.value,
                    value_unit_id=line.value_unit_id,
                    cost=line.cost,
                    path=f"meters[{m}].bodyLines[{n}]",
                )
            )
    for n, account_line in enumerate(account_lines):
        lines.append(
            bills.LineInput(
                meter_id=None,
                observation_type_id=account_line.observation_type_id,
                caption=account_line.caption,
                cost=account_line.cost,
                path=f"accountBodyLines[{n}]",
            )
        )
    header = BillHeader(
        statement_date=wire_day(body.statement_date),
        due_date=wire_day(body.due_date),
        next_reading=wire_day(body.next_reading),
        control_code=body.control_code,
        invoice_number=body.invoice_number,
        account_period=body.account_period,
        note=body.note,
    )
    return bills.BillInput(
        account_id=body.account_id,
        begin_date=body.begin_date.date(),
        end_date=body.end_date.date(),
        billing_period=body.billing_period,
        lines=lines,
        header=header,
        estimated=bool(body.estimated),
        batch_id=batch_id,
        set_to_unapproved=set_to_unapproved,
    )


# Both bill answers are written from the listing and its accounting state unpacked by position (the fields of the
# same name); the nested objects and the values computed per row are given. No payment or accrual workflow here, so
# those flags are false; approval, export and hold are the accounting hand-off's (docs/accounting.md).
_NESTED = ("batch", "account", "approved_by", "exported_by", "created_by", "modified_by", "gl_exported_by")
_NOT_HERE = {"dirty": False, "import_verified": False, "accrual_reversed": False}
_write_bill = row_writer(
    BillResponse,
    (bills.BillListing, bills.Accounting),
    _NESTED,
    {**_NOT_HERE, "excluded_from_accruals": False, "analyzing": False},
    {"bill_note": "note"},
)
_write_meter_bill = row_writer(
    MeterBillResponse,
    (bills.BillListing, bills.Accounting),
    (
        *_NESTED,
        "cost",
        "cost_per_day",
        "cost_per_unit",
        "usage",
        "use_per_day",
        "use_unit",
        "actual_demand",
        "actual_demand_unit",
        "billed_demand",
        "billed_demand_unit",
    ),
    _NOT_HERE,
)


def _children(bill: bills.BillListing) -> dict[str, Wire | None]:
    """The child objects a bill and a meter's bill both carry: batch, account and the users of its steps."""
    accounting = bill.approval
    return {
        "batch": batch_row(bill.batch_id, bill.batch_code),
        "account": account_row(bill.account),
        "approved_by": user_row(accounting.approved_by),
        "exported_by": user_row(accounting.exported_by),
        "created_by": user_row(bill.created_by),
        "modified_by": user_row(bill.modified_by),
        "gl_exported_by": user_row(accounting.gl_exported_by),
    }


def render(bill: bills.BillListing) -> Wire:
    """Wire form (BillResponse) of a bill of services.bills."""
    return _write_bill(bill, bill.approval, **_children(bill))


def render_meter_bill(found: bills.MeterBillListing) -> Wire:
    """Wire form (MeterBillResponse) of a bill of services.bills.meter_bills: the bill with this meter's own cost,
    use and demand."""
    bill, cost, use, demand = found.bill, found.cost, found.use, found.demand
    accounting = bill.approval
    return _write_meter_bill(
        bill,
        accounting,
        **_children(bill),
        cost=cost,
        cost_per_day=bills.per_day(cost, bill.begin_date, bill.end_date, bills.UNIT_COST_QUANTUM),
        cost_per_unit=bills.per_unit(cost, use),
        usage=use,
        use_per_day=bills.per_day(use, bill.begin_date, bill.end_date, USE_QUANTUM),
        use_unit=unit_row(found.use_unit) if use is not None else None,
        actual_demand=demand,
        actual_demand_unit=unit_row(found.demand_unit) if demand is not None else None,
        billed_demand=found.billed_demand,
        billed_demand_unit=unit_row(found.demand_unit) if found.billed_demand is not None else None,
    )


@router.get("/api/v3/bill", response_model=list[BillResponse])
def get_bills(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    viewer: Annotated[Principal, Depends(requires("BillsAndBatches", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> Response:
    """Retrieves an array of bills."""
    result = bills.list_bills(db, filter, page.number, page.size, today, viewer.scope)
    set_paging_headers(response, page, result.total)
    return wire_response([render(bill) for bill in result.rows], response)


@router.post("/api/v3/bill", response_model=BillIdResponse)
def create_bill(
    db: DatabaseDep,
    clock: ClockDep,
    body: BillCreate,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "Create"))],
    save_as_resolved: Annotated[bool | None, Query(alias="saveAsResolved")] = None,
    comment: Annotated[str | None, Query(alias="comment", max_length=4000)] = None,
) -> BillIdResponse:
    """Creates a bill (200, as the SDK expects) and audits it: a failed audit flags it (Audit Exception), a Hold
    audit holds it from export; saveAsResolved=true resolves that flag and releases the bill (comment goes on
    the flag's events)."""
    scoping.require_body_ids(db, user.scope, [("accountId", Kind.ACCOUNT, body.account_id)])
    bill_id = bills.create_bill(db, _bill_input(body, body.batch_id), user, clock(), bool(save_as_resolved), comment)
    return BillIdResponse(bill_id=bill_id)


# Registered before /api/v3/bill/{billId} so "void" is not read as a bill id.
@router.put("/api/v3/bill/void", response_model=UpdateResult)
def bill_action_void(
    db: DatabaseDep,
    clock: ClockDep,
    body: BillActionVoid,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "Edit"))],
) -> UpdateResult:
    """Sets or clears the void flag of the given bills (200 with UpdateResult, domain.md §1.4)."""
    if body.void is None:
        raise ValidationFailed.single("void", "The void field is required.")
    selected, updated = bills.void_bills(db, body.ids or [], body.void, user.user_id, clock(), user.scope)
    return UpdateResult(selected=selected, updated=updated)


@router.post("/api/v3/bill/delete", response_model=BillDeleteActionResult)
def bill_action_delete(
    db: DatabaseDep,
    clock: ClockDep,
    body: BillActionDelete,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "Delete"))],
) -> BillDeleteActionResult:
    """Deletes the given bills (200 with BillDeleteActionResult, domain.md §1.4)."""
    selected, deleted = bills.delete_bills(db, body.ids or [], user.user_id, clock(), powers_of(user), user.scope)
    return BillDeleteActionResult(selected=selected, deleted=deleted)


@router.get("/api/v3/bill/{billId}", response_model=BillResponse)
def get_bill(
    db: DatabaseDep, billId: int, _: Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
) -> Response:
    """Retrieves one bill."""
    return wire_response(render(bills.get_bill(db, billId)))


@router.put("/api/v3/bill/{billId}", response_model=BillIdResponse)
def edit_bill(
    db: DatabaseDep,
    clock: ClockDep,
    billId: int,
    body: BillEdit,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "Edit"))],
    save_as_resolved: Annotated[bool | None, Query(alias="saveAsResolved")] = None,
    comment: Annotated[str | None, Query(alias="comment", max_length=4000)] = None,
) -> BillIdResponse:
    """Edits a bill: header and line items are replaced; void bills cannot be edited. The bill is audited again;
    saveAsResolved=true (Apportion's extension, EnergyCAP's newer "Save and Resolve") resolves what fails."""
    edited = _bill_input(body, set_to_unapproved=bool(body.set_to_unapproved))
    bills.edit_bill(db, billId, edited, user, clock(), bool(save_as_resolved), comment)
    return BillIdResponse(bill_id=billId)


@router.get("/api/v3/meter/{meterId}/bill", response_model=list[MeterBillResponse])
def get_meter_bills(
    db: DatabaseDep, meterId: int, _: Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
) -> Response:
    """Retrieves all bills of a meter, with the meter's own cost, use and demand on each."""
    return wire_response([render_meter_bill(found) for found in bills.meter_bills(db, meterId)])
