"""Rate schedules over time (operations.md §9): edit and delete a rate, its dated versions, the rates assigned to
account-meter links, and the use blocks of a version (tiered prices, an Apportion extension).

The rules (end dates, pricing a bill) are in domain/rates.py; each change here is one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from apportion.domain import rates
from apportion.domain.account_links import LinkInput
from apportion.domain.calculations.instructions import USE_OBSERVATION_TYPE_ID, LineItem
from apportion.domain.calculations.validation import validate_line_items
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.ids import require
from apportion.domain.scoping import Scope
from apportion.services.master.rates import price_in_note
from apportion.store import bill_reads
from apportion.store import scoping as scoped
from apportion.store.database import Database, DbSession
from apportion.store.queries import account_meters, accounts, meters, reference
from apportion.store.queries import rate_versions as store
from apportion.store.queries import rates as rate_store
from apportion.store.queries.rate_versions import LinkRateRow, RateVersionRow, VersionValues
from apportion.store.queries.reference import ObservationTypeRow

# Unit costs are stored with 24 digits, 8 of them decimals.
MAX_UNIT_COST = Decimal(10) ** 16


@dataclass(frozen=True)
class VersionView:
    """A stored version with the end date its successor gives it."""

    row: RateVersionRow
    end_date: date


@dataclass(frozen=True)
class LinkRateView:
    """A rate on a link with its end date (the next rate's start, or the link's end)."""

    row: LinkRateRow
    end_date: date


def _views(rows: Sequence[RateVersionRow]) -> list[VersionView]:
    ends = rates.version_ends([row.effective_date for row in rows])
    return [VersionView(row, end) for row, end in zip(rows, ends, strict=True)]


def _link_views(rows: Sequence[LinkRateRow]) -> list[LinkRateView]:
    by_link: dict[int, list[LinkRateRow]] = {}
    for row in rows:
        by_link.setdefault(row.account_meter_id, []).append(row)
    ends: dict[tuple[int, date], date] = {}
    for link_id, pieces in by_link.items():
        for piece, end in zip(
            pieces, rates.version_ends([p.start_date for p in pieces], pieces[0].link_end), strict=True
        ):
            ends[(link_id, piece.start_date)] = end
    return [LinkRateView(row, ends[(row.account_meter_id, row.start_date)]) for row in rows]


def _rate_exists(session: DbSession, rate_id: int) -> None:
    require(rate_id, "Rate")
    if rate_store.get_rate(session, rate_id) is None:
        raise NotFound("Rate", rate_id)


def edit_rate(db: Database, rate_id: int, name: str | None, note: str | None) -> None:
    """Change a rate's name and note (RateEdit: both are sent; a missing name keeps the old one). A note with the
    legacy `unitPrice=` token also sets the flat price of a rate without versions."""
    with db.transaction() as session:
        _rate_exists(session, rate_id)
        current = rate_store.get_rate(session, rate_id)
        assert current is not None  # checked above, in this transaction
        new_name = current.name if name is None else name
        errors: dict[str, list[str]] = {}
        if not new_name.strip():
            errors["name"] = ["name must not be empty."]
        vendor_id = None if current.vendor is None else current.vendor.vendor_id
        renamed = vendor_id is not None and new_name.lower() != current.name.lower()
        if renamed and vendor_id is not None and rate_store.name_taken(session, vendor_id, new_name):
            errors["name"] = [f"Vendor {vendor_id} already has a rate named '{new_name}'."]
        price = price_in_note(note)
        if price is not None and price < 0:
            errors["note"] = ["unitPrice must not be negative."]
        if errors:
            raise ValidationFailed(errors)
        store.update_rate(session, rate_id, new_name, note, price)


def delete_rate(db: Database, rate_id: int) -> None:
    """Delete a rate and its versions; a rate that links have had cannot go (their bills were priced by it)."""
    with db.transaction() as session:
        _rate_exists(session, rate_id)
        used = store.links_using(session, rate_id)
        if used:
            raise ValidationFailed({"rateId": [f"Rate {rate_id} is assigned to {used} account meter(s)."]})
        store.delete_rate(session, rate_id)


def observation_types(db: Database) -> dict[int, ObservationTypeRow]:
    """Every observation type by id (to name a version's line items)."""
    with db.reading() as session:
        return {t.observation_type_id: t for t in reference.list_observation_types(session, [], date.min)}


def list_versions(db: Database, rate_id: int) -> list[VersionView]:
    """The rate's versions by effective date, each with its end date."""
    with db.reading() as session:
        _rate_exists(session, rate_id)
        return _views(store.versions_of(session, [rate_id]).get(rate_id, []))


def get_version(db: Database, rate_id: int, version_id: int) -> VersionView:
    """One version of the rate, or NotFound."""
    for view in list_versions(db, rate_id):
        if view.row.version_id == version_id:
            return view
    raise NotFound("Rate version", version_id)


def version_summaries(db: Database, rate_ids: Sequence[int]) -> dict[int, list[VersionView]]:
    """The versions of several rates (RateResponse.versions), by rate id."""
    with db.reading() as session:
        found = store.versions_of(session, rate_ids)
    return {rate_id: _views(rows) for rate_id, rows in found.items()}


@dataclass(frozen=True)
class VersionInput:
    """A RateVersionRequest as the service needs it."""

    effective_date: date
    note: str | None
    use_unit_cost: Decimal | None
    use_unit_id: int | None
    demand_unit_cost: Decimal | None
    demand_unit_id: int | None
    meter_line_items: tuple[LineItem, ...]
    account_line_items: tuple[LineItem, ...]


def _checked(session: DbSession, given: VersionInput) -> VersionValues:
    """The request's values, or ValidationFailed naming every bad field."""
    errors: dict[str, list[str]] = {}
    for field, unit_id in (("useUnitId", given.use_unit_id), ("demandUnitId", given.demand_unit_id)):
        if unit_id is not None and not reference.unit_exists(session, unit_id):
            errors[field] = [f"Unit {unit_id} does not exist."]
    for field, cost in (("useUnitCost", given.use_unit_cost), ("demandUnitCost", given.demand_unit_cost)):
        if cost is not None and (not cost.is_finite() or abs(cost) >= MAX_UNIT_COST):
            errors[field] = [f"Must be a number below {MAX_UNIT_COST:,.0f} in absolute value."]
    kinds = bill_reads.observation_kinds(session)
    checked: dict[str, tuple[LineItem, ...]] = {}
    for field, items, account in (
        ("meterLineItems", given.meter_line_items, False),
        ("accountLineItems", given.account_line_items, True),
    ):
        try:
            rates.check_line_items(items, field)
            checked[field] = validate_line_items(items, account=account, observation_kinds=kinds)
        except ValidationFailed as problem:
            for key, reasons in problem.errors.items():
                errors.setdefault(key if key.startswith(field) else f"{field}{key}", []).extend(reasons)
    if errors:
        raise ValidationFailed(errors)
    return VersionValues(
        effective_date=given.effective_date,
        note=given.note,
        use_unit_cost=given.use_unit_cost,
        use_unit_id=given.use_unit_id,
        demand_unit_cost=given.demand_unit_cost,
        demand_unit_id=given.demand_unit_id,
        meter_line_items=checked["meterLineItems"],
        account_line_items=checked["accountLineItems"],
    )


def create_version(db: Database, rate_id: int, given: VersionInput, user_id: int, now: datetime) -> int:
    """Add a version; one before an existing version ends where that one begins (derived end dates)."""
    with db.transaction() as session:
        _rate_exists(session, rate_id)
        values = _checked(session, given)
        existing = store.versions_of(session, [rate_id]).get(rate_id, [])
        if any(v.effective_date == values.effective_date for v in existing):
            raise ValidationFailed(
                {"effectiveDate": [f"Rate {rate_id} already has a version from {given.effective_date}."]}
            )
        return store.insert_version(session, rate_id, values, user_id, now)


def edit_version(db: Database, rate_id: int, version_id: int, given: VersionInput, user_id: int, now: datetime) -> None:
    """Replace a version's fields; its effective date must stay between its neighbours'."""
    with db.transaction() as session:
        _rate_exists(session, rate_id)
        existing = store.versions_of(session, [rate_id]).get(rate_id, [])
        at = next((i for i, v in enumerate(existing) if v.version_id == version_id), None)
        if at is None:
            raise NotFound("Rate version", version_id)
        values = _checked(session, given)
        before = existing[at - 1].effective_date if at > 0 else None
        after = existing[at + 1].effective_date if at + 1 < len(existing) else None
        problem = rates.effective_date_problem(values.effective_date, before, after)
        if problem is not None:
            raise ValidationFailed({"effectiveDate": [problem]})
        store.update_version(session, version_id, values, user_id, now)


def delete_version(db: Database, rate_id: int, version_id: int) -> None:
    """Delete a version (the one before it then runs on to the deleted one's end); never the last one."""
    with db.transaction() as session:
        _rate_exists(session, rate_id)
        existing = store.versions_of(session, [rate_id]).get(rate_id, [])
        if all(v.version_id != version_id for v in existing):
            raise NotFound("Rate version", version_id)
        if len(existing) == 1:
            raise ValidationFailed({"versionId": ["The last remaining rate version may not be deleted."]})
        store.delete_version(session, version_id)


def set_use_blocks(
    db: Database, rate_id: int, version_id: int, blocks: Sequence[rates.UseBlock], user_id: int, now: datetime
) -> VersionView:
    """Replace a version's use blocks (tiered prices); an empty list returns it to its use unit cost."""
    checked = rates.check_blocks(blocks)
    with db.transaction() as session:
        _rate_exists(session, rate_id)
        existing = store.versions_of(session, [rate_id]).get(rate_id, [])
        if all(v.version_id != version_id for v in existing):
            raise NotFound("Rate version", version_id)
        store.set_use_blocks(session, version_id, checked, user_id, now)
    return get_version(db, rate_id, version_id)


def set_time_of_use(
    db: Database,
    rate_id: int,
    version_id: int,
    prices: Sequence[rates.TimeOfUsePrice],
    user_id: int,
    now: datetime,
) -> VersionView:
    """Replace a version's time-of-use prices (each an observation type of kind use, once); an empty list removes
    them."""
    with db.transaction() as session:
        _rate_exists(session, rate_id)
        existing = store.versions_of(session, [rate_id]).get(rate_id, [])
        if all(v.version_id != version_id for v in existing):
            raise NotFound("Rate version", version_id)
        kinds = bill_reads.observation_kinds(session)
        errors: dict[str, list[str]] = {}
        seen: set[int] = set()
        for i, p in enumerate(prices):
            kind = kinds.get(p.observation_type_id)
            if kind is None:
                errors[f"[{i}].observationTypeId"] = [f"Observation type {p.observation_type_id} does not exist."]
            elif kind != "use":
                errors[f"[{i}].observationTypeId"] = [
                    f"Observation type {p.observation_type_id} is not a use type (on-peak use, off-peak use ...)."
                ]
            elif p.observation_type_id == USE_OBSERVATION_TYPE_ID:
                errors[f"[{i}].observationTypeId"] = [
                    "Plain use is priced by useUnitCost or the use blocks; name a time-of-use type."
                ]
            elif p.observation_type_id in seen:
                errors[f"[{i}].observationTypeId"] = [f"Observation type {p.observation_type_id} is listed twice."]
            seen.add(p.observation_type_id)
        if errors:
            raise ValidationFailed(errors)
        store.set_time_of_use(session, version_id, prices, user_id, now)
    return get_version(db, rate_id, version_id)


def meter_rates(db: Database, meter_id: int, scope: Scope = Scope.WHOLE) -> list[LinkRateView]:
    """Every rate on the meter's links (to accounts in `scope`), with dates (get_meter_rates)."""
    require(meter_id, "Meter")
    with db.reading() as session:
        if not meters.meter_exists(session, meter_id):
            raise NotFound("Meter", meter_id)
        rows = store.rates_of_meter(session, meter_id)
        seen = scoped.accounts_among(session, scope, {r.account.account_id for r in rows if r.account is not None})
        return _link_views([r for r in rows if r.account is None or r.account.account_id in seen])


def account_rates(db: Database, account_id: int, scope: Scope = Scope.WHOLE) -> list[LinkRateView]:
    """Every rate on the account's links (to meters in `scope`), with dates (get_account_rates)."""
    require(account_id, "Account")
    with db.reading() as session:
        if not accounts.account_exists(session, account_id):
            raise NotFound("Account", account_id)
        rows = store.rates_of_account(session, account_id)
        seen = scoped.meters_among(session, scope, {r.meter.meter_id for r in rows if r.meter is not None})
        return _link_views([r for r in rows if r.meter is None or r.meter.meter_id in seen])


def link_rates(db: Database, link_id: int) -> list[LinkRateView]:
    """The link's rates with dates."""
    with db.reading() as session:
        return _link_views(store.rates_of_link(session, link_id))


def _check_starts(session: DbSession, link_id: int, starts: Sequence[tuple[int, date]], path: str) -> None:
    """Each rate exists, is for the meter's commodity and the account's vendor, starts within the link, once."""
    link = account_meters.get_link(session, link_id)
    if link is None:
        raise NotFound("Account meter", link_id)
    inputs = [LinkInput(link.account_id, link.meter_id, rate_id=rate_id) for rate_id, _ in starts]
    facts = account_meters.link_facts(session, inputs)
    errors: dict[str, list[str]] = {}
    seen: set[date] = set()
    for i, (rate_id, start) in enumerate(starts):
        rate = facts.rates.get(rate_id)
        if rate is None:
            errors.setdefault(_key(path, i, "rateId"), []).append(f"Rate {rate_id} does not exist.")
        elif rate.commodity_id != facts.meter_commodities.get(link.meter_id):
            errors.setdefault(_key(path, i, "rateId"), []).append(
                f"Rate {rate_id} is for another commodity than meter {link.meter_id}."
            )
        elif rate.vendor_id not in (None, facts.account_vendors.get(link.account_id)):
            errors.setdefault(_key(path, i, "rateId"), []).append(
                f"Rate {rate_id} belongs to another vendor than account {link.account_id}."
            )
        if not link.begin_date <= start < link.end_date:
            errors.setdefault(_key(path, i, "startDate"), []).append(
                f"Must be within the account meter's dates {link.begin_date} to {link.end_date}."
            )
        if start in seen:
            errors.setdefault(_key(path, i, "startDate"), []).append(f"Another rate already starts on {start}.")
        seen.add(start)
    if errors:
        raise ValidationFailed(errors)


def _key(path: str, i: int, field: str) -> str:
    return f"[{i}].{field}" if path else field


def add_link_rate(db: Database, link_id: int, rate_id: int, start: date) -> LinkRateView:
    """Assign a rate to a link from `start` (create_account_rate); a rate starting that day is replaced."""
    with db.transaction() as session:
        _check_starts(session, link_id, [(rate_id, start)], "")
        current = [
            (s.rate_id, s.start_date) for s in store.starts_of_links(session, [link_id]) if s.start_date != start
        ]
        store.replace_starts(session, link_id, sorted([*current, (rate_id, start)], key=lambda p: p[1]))
    return next(v for v in link_rates(db, link_id) if v.row.start_date == start)


def replace_link_rates(db: Database, link_id: int, starts: Sequence[tuple[int, date]]) -> list[LinkRateView]:
    """Make the list the link's rates (edit_account_rate_list); an empty list removes them."""
    with db.transaction() as session:
        _check_starts(session, link_id, starts, "[]")
        store.replace_starts(session, link_id, sorted(starts, key=lambda p: p[1]))
    return link_rates(db, link_id)


__all__ = [
    "LinkRateView",
    "VersionInput",
    "VersionView",
    "account_rates",
    "add_link_rate",
    "create_version",
    "delete_rate",
    "delete_version",
    "edit_rate",
    "edit_version",
    "get_version",
    "list_versions",
    "meter_rates",
    "observation_types",
    "replace_link_rates",
    "set_time_of_use",
    "set_use_blocks",
    "version_summaries",
]
