"""Rate versions and the rates assigned to account-meter links, as typed values, and their writes.

Line items and use blocks are stored as JSON lists on the version and read back as domain values
(domain.calculations.LineItem, domain.rates.UseBlock); end dates are not stored: domain/rates.py derives them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from apportion.domain.calculations.instructions import LineItem
from apportion.domain.rates import TimeOfUsePrice, UseBlock
from apportion.store.id_lists import among
from apportion.store.models.organisation import AccountMeter, AccountMeterRate
from apportion.store.models.reference import Rate, RateVersion
from apportion.store.paging import AnySelect
from apportion.store.queries.children import (
    AccountChild,
    CommodityChild,
    MeterChild,
    UnitChild,
    UserChild,
    join_account,
    join_commodity,
    join_meter,
    join_unit,
    join_user,
)
from apportion.store.queries.shaped import Shaped


@dataclass(frozen=True)
class VersionValues:
    """A version's editable columns."""

    effective_date: date
    note: str | None
    use_unit_cost: Decimal | None
    use_unit_id: int | None
    demand_unit_cost: Decimal | None
    demand_unit_id: int | None
    meter_line_items: tuple[LineItem, ...]
    account_line_items: tuple[LineItem, ...]


@dataclass(frozen=True)
class RateVersionRow:
    """A stored rate version with its units and the users who made and last changed it."""

    version_id: int
    rate_id: int
    effective_date: date
    note: str | None
    use_unit_cost: Decimal | None
    use_unit: UnitChild | None
    demand_unit_cost: Decimal | None
    demand_unit: UnitChild | None
    meter_line_items: tuple[LineItem, ...]
    account_line_items: tuple[LineItem, ...]
    use_blocks: tuple[UseBlock, ...]
    time_of_use: tuple[TimeOfUsePrice, ...]
    created_by: UserChild | None
    created_date: datetime | None
    modified_by: UserChild | None
    modified_date: datetime | None


@dataclass(frozen=True)
class LinkRateRow:
    """A rate assigned to a link, with the link's dates, account, meter and the rate's name, code and note."""

    account_meter_id: int
    rate_id: int
    name: str
    rate_code: str | None
    note: str | None
    start_date: date
    link_begin: date
    link_end: date
    account: AccountChild | None
    meter: MeterChild | None
    commodity: CommodityChild | None


@dataclass(frozen=True)
class RateStartRow:
    """One assignment as stored."""

    account_meter_id: int
    rate_id: int
    start_date: date


def _items(stored: list[dict[str, Any]] | None) -> tuple[LineItem, ...]:
    return tuple(
        LineItem(
            calculation_type=str(item["calculationType"]),
            caption=item.get("caption"),
            value=None if item.get("value") is None else Decimal(str(item["value"])),
            observation_type_id=item.get("observationTypeId"),
        )
        for item in stored or []
    )


def _stored_items(items: Sequence[LineItem]) -> list[dict[str, Any]]:
    # Values as text: JSON numbers would pass through float.
    return [
        {
            "calculationType": str(item.calculation_type),
            "caption": item.caption,
            "value": None if item.value is None else str(item.value),
            "observationTypeId": item.observation_type_id,
        }
        for item in items
    ]


def _blocks(stored: list[dict[str, Any]] | None) -> tuple[UseBlock, ...]:
    return tuple(
        UseBlock(None if b.get("upTo") is None else Decimal(str(b["upTo"])), Decimal(str(b["unitCost"])))
        for b in stored or []
    )


def _time_of_use(stored: list[dict[str, Any]] | None) -> tuple[TimeOfUsePrice, ...]:
    return tuple(TimeOfUsePrice(int(p["observationTypeId"]), Decimal(str(p["unitCost"]))) for p in stored or [])


@cache
def _versions() -> Shaped[RateVersionRow]:
    v = RateVersion
    statement: AnySelect = select(
        v.rate_version_id,
        v.rate_id,
        v.effective_date,
        v.note,
        v.use_unit_cost,
        v.demand_unit_cost,
        v.meter_line_items,
        v.account_line_items,
        v.use_blocks,
        v.time_of_use,
        v.created_date,
        v.modified_date,
    )
    statement, read_use_unit = join_unit(statement, v.use_unit_id)
    statement, read_demand_unit = join_unit(statement, v.demand_unit_id)
    statement, read_created = join_user(statement, v.created_by)
    statement, read_modified = join_user(statement, v.modified_by)

    def read(row: RowMapping) -> RateVersionRow:
        return RateVersionRow(
            version_id=row[v.rate_version_id],
            rate_id=row[v.rate_id],
            effective_date=row[v.effective_date],
            note=row[v.note],
            use_unit_cost=row[v.use_unit_cost],
            use_unit=read_use_unit(row),
            demand_unit_cost=row[v.demand_unit_cost],
            demand_unit=read_demand_unit(row),
            meter_line_items=_items(row[v.meter_line_items]),
            account_line_items=_items(row[v.account_line_items]),
            use_blocks=_blocks(row[v.use_blocks]),
            time_of_use=_time_of_use(row[v.time_of_use]),
            created_by=read_created(row),
            created_date=row[v.created_date],
            modified_by=read_modified(row),
            modified_date=row[v.modified_date],
        )

    return Shaped(statement.order_by(v.rate_id, v.effective_date), read)


def versions_of(session: Session, rate_ids: Sequence[int]) -> dict[int, list[RateVersionRow]]:
    """Each rate's versions by effective date (rates without versions are absent)."""
    found: dict[int, list[RateVersionRow]] = {}
    if not rate_ids:
        return found
    for row in _versions().all(session, among(RateVersion.rate_id, sorted(set(rate_ids)))):
        found.setdefault(row.rate_id, []).append(row)
    return found


def insert_version(session: Session, rate_id: int, values: VersionValues, user_id: int, now: datetime) -> int:
    """Write a new version (no use blocks); returns its id."""
    row = RateVersion(rate_id=rate_id, use_blocks=[], created_by=user_id, created_date=now, **_columns(values))
    row.modified_by, row.modified_date = user_id, now
    session.add(row)
    session.flush()
    return row.rate_version_id


def update_version(session: Session, version_id: int, values: VersionValues, user_id: int, now: datetime) -> None:
    """Replace a version's editable columns (its use blocks stay)."""
    session.execute(
        update(RateVersion)
        .where(RateVersion.rate_version_id == version_id)
        .values(modified_by=user_id, modified_date=now, **_columns(values))
    )


def set_use_blocks(session: Session, version_id: int, blocks: Sequence[UseBlock], user_id: int, now: datetime) -> None:
    """Replace a version's use blocks (an empty list removes them)."""
    stored = [{"upTo": None if b.up_to is None else str(b.up_to), "unitCost": str(b.unit_cost)} for b in blocks]
    session.execute(
        update(RateVersion)
        .where(RateVersion.rate_version_id == version_id)
        .values(use_blocks=stored, modified_by=user_id, modified_date=now)
    )


def set_time_of_use(
    session: Session, version_id: int, prices: Sequence[TimeOfUsePrice], user_id: int, now: datetime
) -> None:
    """Replace a version's time-of-use prices (an empty list removes them)."""
    stored = [{"observationTypeId": p.observation_type_id, "unitCost": str(p.unit_cost)} for p in prices] or None
    session.execute(
        update(RateVersion)
        .where(RateVersion.rate_version_id == version_id)
        .values(time_of_use=stored, modified_by=user_id, modified_date=now)
    )


def delete_version(session: Session, version_id: int) -> None:
    """Delete a version."""
    session.execute(delete(RateVersion).where(RateVersion.rate_version_id == version_id))


def _columns(values: VersionValues) -> dict[str, Any]:
    return {
        "effective_date": values.effective_date,
        "note": values.note,
        "use_unit_cost": values.use_unit_cost,
        "use_unit_id": values.use_unit_id,
        "demand_unit_cost": values.demand_unit_cost,
        "demand_unit_id": values.demand_unit_id,
        "meter_line_items": _stored_items(values.meter_line_items),
        "account_line_items": _stored_items(values.account_line_items),
    }


def update_rate(session: Session, rate_id: int, name: str, note: str | None, unit_price: Decimal | None) -> None:
    """Change a rate's name and note, and its flat price when `unit_price` is given."""
    values: dict[str, Any] = {"rate_info": name, "note": note}
    if unit_price is not None:
        values["unit_price"] = unit_price
    session.execute(update(Rate).where(Rate.rate_id == rate_id).values(**values))


def links_using(session: Session, rate_id: int) -> int:
    """How many links have had the rate."""
    statement = select(func.count()).select_from(AccountMeterRate).where(AccountMeterRate.rate_id == rate_id)
    return int(session.execute(statement).scalar_one())


def delete_rate(session: Session, rate_id: int) -> None:
    """Delete a rate and its versions."""
    session.execute(delete(RateVersion).where(RateVersion.rate_id == rate_id))
    session.execute(delete(Rate).where(Rate.rate_id == rate_id))


def starts_of_links(session: Session, link_ids: Sequence[int]) -> list[RateStartRow]:
    """The links' assignments, by link and start date."""
    if not link_ids:
        return []
    rows = session.execute(
        select(AccountMeterRate.account_meter_id, AccountMeterRate.rate_id, AccountMeterRate.start_date)
        .where(among(AccountMeterRate.account_meter_id, sorted(set(link_ids))))
        .order_by(AccountMeterRate.account_meter_id, AccountMeterRate.start_date)
    )
    return [RateStartRow(*row) for row in rows]


def replace_starts(session: Session, link_id: int, starts: Sequence[tuple[int, date]]) -> None:
    """Make (rate id, start date) pairs the link's assignments."""
    session.execute(delete(AccountMeterRate).where(AccountMeterRate.account_meter_id == link_id))
    session.add_all(AccountMeterRate(account_meter_id=link_id, rate_id=r, start_date=s) for r, s in starts)
    session.flush()


@cache
def _link_rates() -> Shaped[LinkRateRow]:
    statement: AnySelect = (
        select(
            AccountMeterRate.account_meter_id,
            AccountMeterRate.rate_id,
            AccountMeterRate.start_date,
            Rate.rate_info,
            Rate.rate_code,
            Rate.note,
            AccountMeter.begin_date,
            AccountMeter.end_date,
        )
        .join(Rate, Rate.rate_id == AccountMeterRate.rate_id)
        .join(AccountMeter, AccountMeter.account_meter_id == AccountMeterRate.account_meter_id)
    )
    statement, read_account = join_account(statement, AccountMeter.account_id)
    statement, read_meter = join_meter(statement, AccountMeter.meter_id)
    statement, read_commodity = join_commodity(statement, Rate.commodity_id)

    def read(row: RowMapping) -> LinkRateRow:
        return LinkRateRow(
            account_meter_id=row[AccountMeterRate.account_meter_id],
            rate_id=row[AccountMeterRate.rate_id],
            name=row[Rate.rate_info],
            rate_code=row[Rate.rate_code],
            note=row[Rate.note],
            start_date=row[AccountMeterRate.start_date],
            link_begin=row[AccountMeter.begin_date],
            link_end=row[AccountMeter.end_date],
            account=read_account(row),
            meter=read_meter(row),
            commodity=read_commodity(row),
        )

    ordered = statement.order_by(
        AccountMeter.begin_date, AccountMeterRate.account_meter_id, AccountMeterRate.start_date
    )
    return Shaped(ordered, read)


def rates_of_meter(session: Session, meter_id: int) -> list[LinkRateRow]:
    """Every rate on the meter's links, by link and start date."""
    return _link_rates().all(session, AccountMeter.meter_id == meter_id)


def rates_of_account(session: Session, account_id: int) -> list[LinkRateRow]:
    """Every rate on the account's links, by link and start date."""
    return _link_rates().all(session, AccountMeter.account_id == account_id)


def rates_of_link(session: Session, link_id: int) -> list[LinkRateRow]:
    """The link's rates by start date."""
    return _link_rates().all(session, AccountMeterRate.account_meter_id == link_id)


@dataclass(frozen=True)
class PairLink:
    """A link of an account and meter with its assignments, for pricing a calculated bill."""

    account_id: int
    meter_id: int
    begin: date
    end: date
    starts: tuple[tuple[int, date], ...]


def links_with_rates(session: Session, meter_ids: Sequence[int]) -> list[PairLink]:
    """The meters' links and their assignments (links without rates included), by link begin date."""
    if not meter_ids:
        return []
    links = session.execute(
        select(AccountMeter.account_meter_id, AccountMeter.account_id, AccountMeter.meter_id)
        .add_columns(AccountMeter.begin_date, AccountMeter.end_date)
        .where(among(AccountMeter.meter_id, sorted(set(meter_ids))))
        .order_by(AccountMeter.begin_date, AccountMeter.account_meter_id)
    ).all()
    starts: dict[int, list[tuple[int, date]]] = {}
    for start in starts_of_links(session, [row[0] for row in links]):
        starts.setdefault(start.account_meter_id, []).append((start.rate_id, start.start_date))
    return [PairLink(row[1], row[2], row[3], row[4], tuple(starts.get(row[0], ()))) for row in links]


@dataclass(frozen=True)
class LegacyPrice:
    """A rate's flat unit price and note (a rate without versions is priced by them)."""

    rate_id: int
    unit_price: Decimal | None
    note: str | None


def legacy_prices(session: Session, rate_ids: Sequence[int]) -> dict[int, LegacyPrice]:
    """The rates' flat prices and notes, by id."""
    if not rate_ids:
        return {}
    rows = session.execute(
        select(Rate.rate_id, Rate.unit_price, Rate.note).where(among(Rate.rate_id, sorted(set(rate_ids))))
    )
    return {row[0]: LegacyPrice(*row) for row in rows}
