"""Routes: vendors (GET/POST /api/v3/vendor, GET/PUT/DELETE /api/v3/vendor/{vendorId})."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from apportion.api.deps import ClockDep, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.render import user_of
from apportion.api.schemas.base import document
from apportion.api.schemas.contract import VendorRequest, VendorResponse
from apportion.api.wire import WireRouter
from apportion.services.access.auth import Principal
from apportion.services.master import vendors
from apportion.store.queries.vendors import VendorRow

router = WireRouter(tags=["Vendors"])


def render(vendor: VendorRow) -> VendorResponse:
    """Wire form of a vendor."""
    return VendorResponse(
        vendor_id=vendor.vendor_id,
        vendor_code=vendor.vendor_code,
        vendor_info=vendor.vendor_info,
        website=vendor.website,
        vendor_description=vendor.description,
        address=vendor.address,
        created_by=user_of(vendor.created_by),
        created_date=vendor.created_date,
        modified_by=user_of(vendor.modified_by),
        modified_date=vendor.modified_date,
        rates=[],
    )


def _fields(body: VendorRequest) -> vendors.VendorFields:
    # JSON mode: latitude and longitude are decimals, which the JSON column cannot hold as such.
    address = document(body.address) if body.address is not None else None
    return vendors.VendorFields(body.vendor_code, body.vendor_info, body.website, body.vendor_description, address)


@router.get("/api/v3/vendor", response_model=list[VendorResponse])
def get_vendors(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    _: Annotated[Principal, Depends(requires("Vendors", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> list[VendorResponse]:
    """Retrieves an array of vendors."""
    result = vendors.list_vendors(db, filter, page.number, page.size, today)
    set_paging_headers(response, page, result.total)
    return [render(row) for row in result.rows]


@router.get("/api/v3/vendor/{vendorId}", response_model=VendorResponse)
def get_vendor(
    db: DatabaseDep, vendorId: int, _: Annotated[Principal, Depends(requires("Vendors", "View"))]
) -> VendorResponse:
    """Retrieves one vendor."""
    return render(vendors.get_vendor(db, vendorId))


@router.post("/api/v3/vendor", response_model=VendorResponse)
def create_vendor(
    db: DatabaseDep,
    clock: ClockDep,
    body: VendorRequest,
    user: Annotated[Principal, Depends(requires("Vendors", "Create"))],
) -> VendorResponse:
    """Creates a vendor."""
    vendor_id = vendors.create_vendor(db, _fields(body), user.user_id, clock())
    return render(vendors.get_vendor(db, vendor_id))


@router.put("/api/v3/vendor/{vendorId}", response_model=VendorResponse)
def edit_vendor(
    db: DatabaseDep,
    clock: ClockDep,
    vendorId: int,
    body: VendorRequest,
    user: Annotated[Principal, Depends(requires("Vendors", "Edit"))],
) -> VendorResponse:
    """Edits a vendor."""
    vendors.edit_vendor(db, vendorId, _fields(body), user.user_id, clock())
    return render(vendors.get_vendor(db, vendorId))


@router.delete("/api/v3/vendor/{vendorId}", status_code=204)
def delete_vendor(
    db: DatabaseDep, vendorId: int, _: Annotated[Principal, Depends(requires("Vendors", "Delete"))]
) -> Response:
    """Deletes a vendor (204, as the SDK expects)."""
    vendors.delete_vendor(db, vendorId)
    return Response(status_code=204)
