"""Account-meter links as typed values: what checking new links needs, the links with their account and meter,
and the writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any, NamedTuple, TypeVarTuple

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import InstrumentedAttribute, Session

from apportion.domain.account_links import LinkInput
from apportion.domain.ids import in_range, known
from apportion.domain.rates import version_ends
from apportion.store.models.organisation import Account, AccountMeter, AccountMeterRate, Meter, Vendor
from apportion.store.models.reference import Rate, VendorType
from apportion.store.paging import AnySelect
from apportion.store.queries.children import (
    AccountChild,
    MeterChild,
    VendorTypeChild,
    join_account,
    join_meter,
    join_vendor_type,
)
from apportion.store.queries.shaped import Shaped


class LinkRecord(NamedTuple):
    """An account-meter link as stored."""

    account_meter_id: int
    account_id: int
    meter_id: int
    begin_date: date
    end_date: date
    vendor_type_id: int | None
    deregulated: bool


class RateKeys(NamedTuple):
    """A rate's commodity and vendor (None: any vendor)."""

    commodity_id: int
    vendor_id: int | None


@dataclass(frozen=True)
class LinkFacts:
    """What checking a batch of new links reads: the accounts' vendors, the meters' commodities, the rates, the
    vendor types, and every stored link of the meters."""

    account_vendors: dict[int, int]
    meter_commodities: dict[int, int]
    rates: dict[int, RateKeys]
    vendor_type_ids: frozenset[int]
    existing: list[LinkRecord]


@dataclass(frozen=True)
class RateChild:
    """A rate a link carries, from its start until the next one's or the link's end (domain/rates.py)."""

    rate_id: int
    name: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class LinkRow:
    """A link with its account, meter, vendor type and rate."""

    account_meter_id: int
    account: AccountChild | None
    meter: MeterChild | None
    begin_date: date
    end_date: date
    vendor_type: VendorTypeChild | None
    deregulated: bool
    rates: tuple[RateChild, ...]


Columns = TypeVarTuple("Columns")

_LINK = (
    AccountMeter.account_meter_id,
    AccountMeter.account_id,
    AccountMeter.meter_id,
    AccountMeter.begin_date,
    AccountMeter.end_date,
    AccountMeter.vendor_type_id,
    AccountMeter.deregulated,
)


def _by_ids(
    session: Session, statement: Select[*Columns], key: InstrumentedAttribute[int], ids: Iterable[int | None]
) -> list[tuple[*Columns]]:
    """The statement's rows whose `key` is one of `ids`, a bounded number of ids per query."""
    wanted = sorted(set(known(ids)))
    found: list[tuple[*Columns]] = []
    for start in range(0, len(wanted), 900):
        found += session.execute(statement.where(key.in_(wanted[start : start + 900]))).all()
    return found


def link_facts(session: Session, links: Sequence[LinkInput]) -> LinkFacts:
    """What `links` are checked against, in a few set-based queries."""
    accounts = _by_ids(
        session, select(Account.account_id, Account.vendor_id), Account.account_id, [k.account_id for k in links]
    )
    meters = _by_ids(session, select(Meter.meter_id, Meter.commodity_id), Meter.meter_id, [k.meter_id for k in links])
    rates = _by_ids(
        session,
        select(Rate.rate_id, Rate.commodity_id, Rate.vendor_id),
        Rate.rate_id,
        [k.rate_id for k in links if k.rate_id],
    )
    existing = _by_ids(session, select(*_LINK), AccountMeter.meter_id, [k.meter_id for k in links])
    return LinkFacts(
        account_vendors=dict(accounts),
        meter_commodities=dict(meters),
        rates={rate_id: RateKeys(commodity_id, vendor_id) for rate_id, commodity_id, vendor_id in rates},
        vendor_type_ids=frozenset(session.execute(select(VendorType.vendor_type_id)).scalars()),
        existing=[LinkRecord(*row) for row in existing],
    )


def insert_links(session: Session, links: Sequence[LinkInput]) -> list[int]:
    """Write checked links; a link without a vendor type takes its account's vendor's type. Ids in order."""
    account_ids = sorted({link.account_id for link in links})
    vendor_types = dict(
        session.execute(
            select(Account.account_id, Vendor.vendor_type_id)
            .join(Vendor, Vendor.vendor_id == Account.vendor_id)
            .where(Account.account_id.in_(account_ids))
        ).all()
    )
    rows = [
        AccountMeter(
            account_id=link.account_id,
            meter_id=link.meter_id,
            begin_date=link.begin,
            end_date=link.end,
            vendor_type_id=link.vendor_type_id or vendor_types.get(link.account_id),
            deregulated=link.deregulated,
        )
        for link in links
    ]
    session.add_all(rows)
    session.flush()
    # A link's rate starts with the link (AccountMeterRequest.rateId); later rates are added by start date.
    session.add_all(
        AccountMeterRate(account_meter_id=row.account_meter_id, rate_id=link.rate_id, start_date=link.begin)
        for row, link in zip(rows, links, strict=True)
        if link.rate_id is not None
    )
    session.flush()
    return [row.account_meter_id for row in rows]


def get_link(session: Session, link_id: int) -> LinkRecord | None:
    """One link as stored, or None."""
    if not in_range(link_id):
        return None
    row = session.execute(select(*_LINK).where(AccountMeter.account_meter_id == link_id)).one_or_none()
    return None if row is None else LinkRecord(*row)


def pair_link_count(session: Session, account_id: int, meter_id: int) -> int:
    """How many links the account and the meter have."""
    statement = (
        select(func.count())
        .select_from(AccountMeter)
        .where(AccountMeter.account_id == account_id, AccountMeter.meter_id == meter_id)
    )
    return int(session.execute(statement).scalar_one())


def update_link(session: Session, link_id: int, begin: date, end: date, vendor_type_id: int | None) -> None:
    """Change a link's dates, and its vendor type unless `vendor_type_id` is None."""
    values: dict[str, Any] = {"begin_date": begin, "end_date": end}
    if vendor_type_id is not None:
        values["vendor_type_id"] = vendor_type_id
    session.execute(update(AccountMeter).where(AccountMeter.account_meter_id == link_id).values(**values))


def delete_link(session: Session, link_id: int) -> None:
    """Delete a link."""
    session.execute(delete(AccountMeter).where(AccountMeter.account_meter_id == link_id))


def codes(session: Session, account_id: int, meter_id: int) -> tuple[str, str] | None:
    """The account's and the meter's codes (None when either does not exist)."""
    row = session.execute(
        select(Account.account_code, Meter.meter_code)
        .join(Meter, Meter.meter_id == meter_id)
        .where(Account.account_id == account_id)
    ).first()
    return None if row is None else (row.account_code, row.meter_code)


@cache
def _links() -> Shaped[LinkRow]:
    statement: AnySelect = select(*_LINK)
    statement, read_account = join_account(statement, AccountMeter.account_id)
    statement, read_meter = join_meter(statement, AccountMeter.meter_id)
    statement, read_vendor_type = join_vendor_type(statement, AccountMeter.vendor_type_id)

    def read(row: RowMapping) -> LinkRow:
        return LinkRow(
            account_meter_id=row[AccountMeter.account_meter_id],
            account=read_account(row),
            meter=read_meter(row),
            begin_date=row[AccountMeter.begin_date],
            end_date=row[AccountMeter.end_date],
            vendor_type=read_vendor_type(row),
            deregulated=row[AccountMeter.deregulated],
            rates=(),
        )

    return Shaped(statement, read)


def get_links(session: Session, link_ids: Sequence[int]) -> list[LinkRow]:
    """Links in the order of `link_ids` (ids that name no link are left out)."""
    found = {
        link.account_meter_id: link for link in _links().all(session, AccountMeter.account_meter_id.in_(list(link_ids)))
    }
    starts: dict[int, list[tuple[int, str, date]]] = {}
    rows = session.execute(
        select(AccountMeterRate.account_meter_id, AccountMeterRate.rate_id, Rate.rate_info, AccountMeterRate.start_date)
        .join(Rate, Rate.rate_id == AccountMeterRate.rate_id)
        .where(AccountMeterRate.account_meter_id.in_(list(found)))
        .order_by(AccountMeterRate.account_meter_id, AccountMeterRate.start_date)
    )
    for link_id, rate_id, name, start in rows:
        starts.setdefault(link_id, []).append((rate_id, name, start))
    for link_id, pieces in starts.items():
        link = found[link_id]
        ends = version_ends([start for _, _, start in pieces], link.end_date)
        rates = tuple(RateChild(r, n, s, e) for (r, n, s), e in zip(pieces, ends, strict=True))
        found[link_id] = replace(link, rates=rates)
    return [found[i] for i in link_ids if i in found]
