"""What the bills of one chunk of an import refer to, loaded set-based before its bills are resolved (a few chunked IN
queries however many rows): accounts and meters by code, the accounts' meter links and existing bills, and (once per
import) the observation type and unit codes. services.imports.import_resolution resolves each bill against it in
memory. An import streams its file a chunk at a time, so a catalog holds what one chunk names, never a whole file's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Row, func, or_, select, text
from sqlalchemy.orm import Session

from apportion.domain.scoping import Scope
from apportion.domain.units import UnitTable
from apportion.store import locks, scoping
from apportion.store.bill_writer import load_unit_table
from apportion.store.models.bills import Bill
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from apportion.store.models.reference import Commodity, ObservationType, Unit
from apportion.store.paging import AnySelect

_CHUNK = 900
T = TypeVar("T")


def chunks(values: Iterable[T], size: int = _CHUNK) -> Iterator[list[T]]:
    """`values` in lists of at most `size`, for IN lists every backend accepts."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class AccountFacts:
    """An account as resolution needs it."""

    account_id: int
    code: str
    vendor_code: str
    active: bool
    begin_date: date | None
    end_date: date | None


@dataclass(frozen=True)
class MeterFacts:
    """A meter as resolution needs it."""

    meter_id: int
    code: str
    serial_number: str | None
    commodity_id: int
    commodity_code: str


@dataclass(frozen=True)
class Link:
    """An account-meter link's meter and dates."""

    meter_id: int
    begin: date
    end: date


@dataclass(frozen=True)
class Reference:
    """The reference codes every chunk of an import resolves against, loaded once: `observation_types` maps a code
    to (type id, kind), `units` a code to its id; `unit_table` says which units measure which commodities."""

    observation_types: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    units: Mapping[str, int] = field(default_factory=dict)
    unit_table: UnitTable = field(default_factory=lambda: UnitTable({}, {}, {}))


@dataclass(frozen=True)
class Catalog:
    """What the bills of one chunk refer to, keyed by lower-cased code (codes match without regard to case).

    `existing` maps (account id, begin, end) to the ids of the live bills with those dates that this import did not
    write; `own` maps the same key to the ids of the bills this import wrote in its earlier chunks.
    """

    accounts: Mapping[str, list[AccountFacts]] = field(default_factory=dict)
    meters: Mapping[str, MeterFacts] = field(default_factory=dict)
    meters_by_id: Mapping[int, MeterFacts] = field(default_factory=dict)
    links: Mapping[int, list[Link]] = field(default_factory=dict)
    reference: Reference = field(default_factory=Reference)
    existing: Mapping[tuple[int, date, date], list[int]] = field(default_factory=dict)
    own: Mapping[tuple[int, date, date], list[int]] = field(default_factory=dict)

    @property
    def observation_types(self) -> Mapping[str, tuple[int, str]]:
        """Observation type code (lower case) -> (type id, kind)."""
        return self.reference.observation_types

    @property
    def units(self) -> Mapping[str, int]:
        """Unit code (lower case) -> unit id."""
        return self.reference.units

    @property
    def unit_table(self) -> UnitTable:
        """Which units measure which commodities."""
        return self.reference.unit_table


def load_reference(session: Session) -> Reference:
    """The observation type and unit codes and the unit table (a few dozen rows each)."""
    observation_types = {
        code.lower(): (type_id, kind)
        for type_id, code, kind in session.execute(
            select(ObservationType.observation_type_id, ObservationType.observation_type_code, ObservationType.kind)
        )
    }
    units = {code.lower(): unit_id for unit_id, code in session.execute(select(Unit.unit_id, Unit.unit_code))}
    return Reference(observation_types, units, load_unit_table(session))


def _meter_facts(row: Row[Any]) -> MeterFacts:
    return MeterFacts(row.meter_id, row.meter_code, row.serial_number, row.commodity_id, row.commodity_code)


@contextmanager
def _custom_plans(session: Session) -> Iterator[None]:
    """Within the block, PostgreSQL plans each statement for its own values, then goes back to its setting.

    psycopg prepares a statement run five times, and after five more PostgreSQL may plan it once for any values.
    For the code look-ups of an import's chunks (`lower(code) IN (...)`, on tables whose statistics may lag a bulk
    load of accounts and meters) that generic plan scanned the whole table: 0.2-0.4 s a chunk instead of 10 ms.
    Only around the look-ups: foreign key checks plan through the same cache, once per import, not once per row.
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    old = session.execute(
        text(
            "SELECT old, set_config('plan_cache_mode', 'force_custom_plan', true)"
            " FROM (SELECT current_setting('plan_cache_mode') AS old OFFSET 0) AS setting"
        )
    ).scalar_one()
    yield
    session.execute(text("SELECT set_config('plan_cache_mode', :old, true)"), {"old": old})


def _meter_select() -> AnySelect:
    return select(
        Meter.meter_id, Meter.meter_code, Meter.serial_number, Meter.commodity_id, Commodity.commodity_code
    ).join(Commodity, Commodity.commodity_id == Meter.commodity_id)


def load_catalog(
    session: Session,
    reference: Reference,
    account_codes: Collection[str],
    meter_codes: Collection[str],
    serial_only_meters: bool,
    import_task_id: int,
    scope: Scope = Scope.WHOLE,
) -> Catalog:
    """Load the accounts and meters with these codes (any case), the accounts' links and bills (live ones, and those
    import `import_task_id` wrote, live or not); with `serial_only_meters` (rows naming their meter by serial number
    alone) also every meter linked to those accounts, the candidates such rows choose from.

    The accounts' rows are locked until the transaction ends: of two imports of one file at once, the second waits
    here and then finds the first one's bills as existing ones. Accounts and meters outside `scope` (the importing
    user's topmost) are not loaded: to the import they do not exist, as they do not to that user's API calls.
    """
    in_scope_accounts, in_scope_meters = scoping.account_ids(scope), scoping.meter_ids(scope)
    # Core statements on the session's connection: a chunk's thirty-odd look-ups without the ORM's execution layer
    # (they read columns, not entities). Flushed first, as the session's own execute would.
    session.flush()
    connection = session.connection()
    accounts: dict[str, list[AccountFacts]] = {}
    meters: dict[str, MeterFacts] = {}
    meters_by_id: dict[int, MeterFacts] = {}
    with _custom_plans(session):
        for codes in chunks(sorted({code.lower() for code in account_codes})):
            rows = connection.execute(
                select(
                    Account.account_id,
                    Account.account_code,
                    Vendor.vendor_code,
                    Account.active,
                    Account.begin_date,
                    Account.end_date,
                )
                .join(Vendor, Vendor.vendor_id == Account.vendor_id)
                .where(
                    func.lower(Account.account_code).in_(codes), scoping.within(Account.account_id, in_scope_accounts)
                )
                .order_by(Account.account_id)
            )
            for account in rows:
                accounts.setdefault(account.account_code.lower(), []).append(AccountFacts(*account))
        for codes in chunks(sorted({code.lower() for code in meter_codes})):
            meter_rows = _meter_select().where(
                func.lower(Meter.meter_code).in_(codes), scoping.within(Meter.meter_id, in_scope_meters)
            )
            for row in connection.execute(meter_rows):
                facts = _meter_facts(row)
                meters[facts.code.lower()] = facts
                meters_by_id[facts.meter_id] = facts
    account_ids = sorted({a.account_id for found in accounts.values() for a in found})
    locks.lock_rows(session, Account.account_id, account_ids)
    links: dict[int, list[Link]] = {}
    existing: dict[tuple[int, date, date], list[int]] = {}
    own: dict[tuple[int, date, date], list[int]] = {}
    for chunk in chunks(account_ids):
        link_rows = connection.execute(
            select(AccountMeter.account_id, AccountMeter.meter_id, AccountMeter.begin_date, AccountMeter.end_date)
            .where(AccountMeter.account_id.in_(chunk))
            .order_by(AccountMeter.account_meter_id)
        )
        for account_id, meter_id, begin, end in link_rows:
            links.setdefault(account_id, []).append(Link(meter_id, begin, end))
        bill_rows = connection.execute(
            select(Bill.account_id, Bill.begin_date, Bill.end_date, Bill.bill_id, Bill.import_task_id)
            .where(Bill.account_id.in_(chunk), or_(Bill.void.is_(False), Bill.import_task_id == import_task_id))
            .order_by(Bill.bill_id)
        )
        for account_id, begin, end, bill_id, task_id in bill_rows:
            found = own if task_id == import_task_id else existing
            found.setdefault((account_id, begin, end), []).append(bill_id)
    if serial_only_meters:
        linked = {link.meter_id for found in links.values() for link in found} - set(meters_by_id)
        for chunk in chunks(sorted(linked)):
            linked_rows = _meter_select().where(
                Meter.meter_id.in_(chunk), scoping.within(Meter.meter_id, in_scope_meters)
            )
            for row in connection.execute(linked_rows):
                meters_by_id[row.meter_id] = _meter_facts(row)
    return Catalog(accounts, meters, meters_by_id, links, reference, existing, own)
