"""Bill split details of one version (GET/PUT …/billSplit/{versionId}) and split parents of an account or meter.

A split version carries exactly one method (domain.md §2.4, §3.2): fixed percentages or floor-area weights
(SplitDestination rows, in request order) or a dynamic split over a meter group (columns on the version).
A PUT validates the whole request with apportion.domain.splits.validate_split_details plus the checks that
need the database (ids exist, destination account and meter linked, commodity), every problem in one 400
keyed by wire path, and then replaces the details in one transaction: nothing is written when anything fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from apportion.domain import splits
from apportion.domain.errors import DomainError, NotFound, ValidationFailed
from apportion.domain.ids import in_range, known
from apportion.domain.versions import SPLIT
from apportion.services.chargebacks.version_lists import VersionListing, version_row
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import splits as stored
from apportion.store.queries.accounts import account_exists
from apportion.store.queries.meter_groups import MeterGroupRecord, group_record
from apportion.store.queries.meters import meter_exists
from apportion.store.queries.place_sizes import PlaceSizeRow
from apportion.store.queries.splits import DestinationListing as DestinationListing
from apportion.store.queries.splits import SplitParent as SplitParent


@dataclass(frozen=True)
class SplitDetailsView:
    """A version's split details as stored: the version, its method and what the method needs to render.

    `destinations` are the fixed-percentage or floor-area destinations in request order; `percentages` are the
    floor-area splitPercentage figures (None when every weighted area is zero); `group` is the dynamic split's
    meter group.
    """

    version: VersionListing
    method: str | None
    destinations: list[DestinationListing]
    percentages: list[Decimal | None]
    group: MeterGroupRecord | None = None
    source_value: str | None = None
    share_value: str | None = None


def _area(size: PlaceSizeRow | None) -> Decimal:
    """The destination place's current floor area in square feet (domain.md §4.3: one common area unit)."""
    if size is None:
        return Decimal(0)  # domain.md §7 Q22: a site without an area gets 0 %
    area = Decimal(size.value)
    return area * splits.SQUARE_FEET_PER_SQUARE_METRE if str(size.unit_code).upper() == "SQMETER" else area


def _view(session: UnitOfWork, version: VersionListing, today: date) -> SplitDetailsView:
    settings = stored.split_settings(session, version.version_id)
    assert settings is not None  # version_row found it in this session
    method = settings.method
    if method == splits.SplitMethod.DYNAMIC_PERCENTAGE:
        group_id = settings.dynamic_meter_group_id
        group = None if group_id is None else group_record(session, group_id)
        return SplitDetailsView(
            version, method, [], [], group, settings.dynamic_source_value, settings.dynamic_share_value
        )
    rows = stored.destinations(session, version.version_id, today)
    percentages: list[Decimal | None] = [None] * len(rows)
    if method == splits.SplitMethod.FLOOR_AREA and rows:
        shares = [
            splits.FloorAreaShare(r.account_id, r.meter_id, _area(r.size), r.weighting_factor or Decimal(0))
            for r in rows
        ]
        # Every weighted area zero: no percentage to show (a run of the version fails, domain.md §7 Q22).
        with suppress(DomainError):
            percentages = list(splits.floor_area_percentages(shares))
    return SplitDetailsView(version, method, rows, percentages)


def get_details(db: Database, account_id: int, meter_id: int, version_id: int, today: date) -> SplitDetailsView:
    """The split details of a version on the account and meter (404 for unknown ids)."""
    with db.reading() as session:
        return _view(session, version_row(session, account_id, meter_id, version_id, SPLIT), today)


def _merge(errors: dict[str, list[str]], failed: ValidationFailed) -> None:
    for key, reasons in failed.errors.items():
        errors.setdefault(key, []).extend(reasons)


def _check_destinations(
    facts: stored.DestinationFacts, field: str, items: Sequence[splits.FixedPercentage | splits.FloorAreaSplit]
) -> dict[str, list[str]]:
    """Destination accounts and meters exist and are linked to each other (domain.md §3.2, §2.6 item 1)."""
    errors: dict[str, list[str]] = {}
    for i, item in enumerate(items):
        path = f"{field}[{i}]"
        if item.account_id not in facts.accounts:
            errors.setdefault(f"{path}.destinationAccountId", []).append(f"Account {item.account_id} was not found.")
        if item.meter_id not in facts.meters:
            errors.setdefault(f"{path}.destinationMeterId", []).append(f"Meter {item.meter_id} was not found.")
        elif item.account_id in facts.accounts and (item.account_id, item.meter_id) not in facts.links:
            errors.setdefault(f"{path}.destinationMeterId", []).append(
                f"Meter {item.meter_id} is not linked to account {item.account_id}; link them first."
            )
    return errors


@dataclass(frozen=True)
class DetailsRequest:
    """BillSplitDetailsRequest as the service needs it (None = the method is not set)."""

    fixed_percentage: tuple[splits.FixedPercentage, ...] | None = None
    floor_area: tuple[splits.FloorAreaSplit, ...] | None = None
    dynamic: splits.DynamicSplit | None = None


def _validated(session: UnitOfWork, version: VersionListing, request: DetailsRequest) -> splits.SplitDetails:
    """Every rule of the request, all problems in one ValidationFailed keyed by wire path."""
    errors: dict[str, list[str]] = {}
    items = request.fixed_percentage or request.floor_area or ()
    field = "fixedPercentageSplit" if request.fixed_percentage is not None else "floorAreaSplit"
    facts = stored.destination_facts(session, known([i.account_id for i in items]), known([i.meter_id for i in items]))
    if items:
        errors.update(_check_destinations(facts, field, items))
    if request.dynamic is not None:
        group_id = request.dynamic.meter_group_id
        if group_record(session, group_id) is None:
            errors.setdefault("dynamicPercentageSplit.destinationMeterGroupId", []).append(
                f"Meter group {group_id} was not found."
            )
    try:
        details = splits.validate_split_details(
            version.version_id,
            version.account_id,
            fixed_percentage=request.fixed_percentage,
            floor_area=request.floor_area,
            dynamic=request.dynamic,
            master_commodity_id=stored.meter_commodity(session, version.meter_id),
            meter_commodities=facts.commodities,
        )
    except ValidationFailed as failed:
        _merge(errors, failed)
        raise ValidationFailed(errors) from None
    if errors:
        raise ValidationFailed(errors)
    return details


def replace_details(
    db: Database, account_id: int, meter_id: int, version_id: int, request: DetailsRequest, today: date
) -> SplitDetailsView:
    """Replace a split version's details (one method) in one transaction; 400 naming every bad field."""
    with db.transaction() as session:
        version = version_row(session, account_id, meter_id, version_id, SPLIT)
        stored.replace_details(session, _validated(session, version, request))
        return _view(session, version_row(session, account_id, meter_id, version_id, SPLIT), today)


def account_parents(db: Database, account_id: int) -> list[SplitParent]:
    """Split versions whose destinations include the account (GET /account/{id}/billSplit/parent).

    A dynamic split counts when a meter of its group is linked to the account.
    """
    with db.reading() as session:
        if not account_exists(session, account_id):
            raise NotFound("Account", account_id)
        return stored.account_parents(session, account_id)


def meter_parents(db: Database, meter_id: int) -> list[SplitParent]:
    """Split versions whose destinations include the meter (GET /meter/{id}/billSplit/parent)."""
    with db.reading() as session:
        if not in_range(meter_id) or not meter_exists(session, meter_id):
            raise NotFound("Meter", meter_id)
        return stored.meter_parents(session, meter_id)
