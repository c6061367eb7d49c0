"""The demo campus: a realistic organisation with two years of vendor bills, generated at any size from a seed.

Layout for `load_campus(db, now, meters=N)` (N master meters, three to a building):

- vendors: PPL (electric), UGI (natural gas), CITYWATER (water), and the internal CAMPUS vendor (type 2) that
  holds the tenant chargeback accounts;
- places: the CAMPUS place under the root place and ceil(N / 3) BUILDING places under it (B001, B002, ...),
  each with a floor area in square feet;
- master meters: building by building an electric (kWh, kW demand), a natural gas (therms) and a water (kgal)
  meter, each on its own vendor account and linked at the vendor's seeded flat rate;
- tenants: two chargeback accounts per building, each with one chargeback submeter (meter type 6) per master
  meter of the building, so a master meter's bill can be split between them;
- meter groups: the master meters (GENERAL) and, per commodity, the submeters (CHARGEBACK), for dynamic splits;
- bills: one bill a month for every master meter, 24 billing periods ending at `now`'s period, three line
  items each (services/demo/campus_bills.py), in one closed batch.

Everything is written set-based (bulk Core inserts, bills through BillWriter) in one transaction.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apportion.domain import periods
from apportion.domain.bills import BillDraft
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.services.billing.batches import CLOSED, BatchSettings, open_batch_in
from apportion.services.demo.campus_bills import TARIFFS, Tariff, bill_lines
from apportion.services.master.account_meters import FIRST_DATE, LAST_DATE
from apportion.store.bill_writer import BillWriter
from apportion.store.bulk import insert_rows, insert_with_ids
from apportion.store.database import Database
from apportion.store.models.base import Base
from apportion.store.models.organisation import (
    Account,
    AccountMeter,
    Meter,
    MeterGroup,
    MeterGroupMember,
    Place,
    PlaceSize,
    Vendor,
)
from apportion.store.models.users import User

DEFAULT_METERS = 9
DEFAULT_SEED = 2024
MONTHS = 24
TENANTS_PER_BUILDING = 2
MAX_METERS = 30_000
# Drafts handed to BillWriter per call: keeps each insert's parameter list moderate on large campuses.
BILL_CHUNK = 5_000
# Seeded reference ids (docs/reference-data.md).
ROOT_PLACE, ROOT_COST_CENTER = 1, 1
CAMPUS_TYPE, BUILDING_TYPE = 2, 3
STANDARD_METER, CHARGEBACK_METER = 1, 6
STANDARD_ACCOUNT, CHARGEBACK_ACCOUNT = 1, 2
UTILITY_VENDOR, INTERNAL_VENDOR = 1, 2

VENDORS = {
    "ELEC": ("PPL", "PPL Electric Utilities"),
    "GAS": ("UGI", "UGI Utilities"),
    "WATER": ("CITYWATER", "City Water Authority"),
}
BUILDING_NAMES = (
    "Science Hall",
    "Main Library",
    "Student Union",
    "Engineering Center",
    "Fine Arts Building",
    "Recreation Center",
    "Administration",
    "Health Sciences",
    "Residence Hall North",
    "Residence Hall South",
    "Business School",
    "Dining Commons",
)
TENANT_NAMES = (
    "Chemistry",
    "Physics",
    "Biology",
    "Mathematics",
    "Athletics",
    "Dining Services",
    "Housing",
    "Research Office",
    "Bookstore",
    "Information Technology",
)
COMMODITY_WORDS = {"ELEC": "electric", "GAS": "gas", "WATER": "water"}


@dataclass(frozen=True)
class Building:
    """One generated building: its code, name, floor area and the tariffs of its master meters."""

    index: int
    code: str
    name: str
    area: int
    tariffs: tuple[Tariff, ...]


@dataclass(frozen=True)
class CampusSummary:
    """What a load wrote."""

    buildings: int
    places: int
    master_meters: int
    submeters: int
    vendor_accounts: int
    tenant_accounts: int
    meter_groups: int
    bills: int
    line_items: int
    first_period: int
    last_period: int
    total_cost: Decimal


def plan_buildings(meters: int, seed: int) -> list[Building]:
    """The buildings holding `meters` master meters, three to a building; areas drawn from `seed`.

    Floor areas are 20,000-180,000 square feet in steps of 500.
    """
    rng = random.Random(seed)
    buildings = []
    for index in range((meters + len(TARIFFS) - 1) // len(TARIFFS)):
        name = BUILDING_NAMES[index % len(BUILDING_NAMES)]
        if index >= len(BUILDING_NAMES):
            name = f"{name} {index // len(BUILDING_NAMES) + 1}"
        count = min(len(TARIFFS), meters - index * len(TARIFFS))
        area = rng.randint(40, 360) * 500
        buildings.append(Building(index, f"B{index + 1:03d}", name, area, TARIFFS[:count]))
    return buildings


def is_empty(db: Database) -> bool:
    """Whether the database holds no vendors, accounts, meters or places besides the root."""
    with db.reading() as session:
        return _is_empty(session)


def load_if_empty(db: Database, now: datetime) -> bool:
    """Load the default demo campus when the database is empty; returns whether it did."""
    if not is_empty(db):
        return False
    load_campus(db, now)
    return True


def load_campus(db: Database, now: datetime, meters: int = DEFAULT_METERS, seed: int = DEFAULT_SEED) -> CampusSummary:
    """Write a campus of `meters` master meters with 24 months of bills into an empty database, in one transaction.

    The bills, batch and master data are created by the first user (the bootstrap administrator).
    """
    if not 1 <= meters <= MAX_METERS:
        raise ValidationFailed.single("meters", f"meters must be between 1 and {MAX_METERS}.")
    buildings = plan_buildings(meters, seed)
    last = periods.of_date(now.date())
    first = periods.add_months(last, -(MONTHS - 1))
    with db.transaction() as session:
        if not _is_empty(session):
            raise RuleViolation("The database already holds master data; the demo campus loads into an empty one.")
        user_id = session.execute(select(func.min(User.user_id))).scalar()
        if user_id is None:
            raise RuleViolation("Create a user first (apportion user create CODE -p Administrator).")
        writer = _CampusWriter(session, user_id, now)
        vendors = writer.vendors()
        building_places = writer.places(buildings)
        masters = writer.master_meters(buildings, building_places, vendors)
        tenants, submeters = writer.tenants(buildings, building_places, masters, vendors["CAMPUS"])
        groups = writer.groups(masters, submeters)
        bills, lines, total = writer.bills(buildings, masters, first, last, random.Random(seed))
    return CampusSummary(
        buildings=len(buildings),
        places=len(buildings) + 1,
        master_meters=len(masters),
        submeters=len(submeters),
        vendor_accounts=len(masters),
        tenant_accounts=tenants,
        meter_groups=groups,
        bills=bills,
        line_items=lines,
        first_period=first,
        last_period=last,
        total_cost=total,
    )


def _is_empty(session: Session) -> bool:
    for model, floor in ((Vendor, 0), (Account, 0), (Meter, 0), (Place, 1)):
        if session.execute(select(func.count()).select_from(model)).scalar_one() > floor:
            return False
    return True


@dataclass(frozen=True)
class _Master:
    building: int
    tariff: Tariff
    meter_id: int
    account_id: int


class _CampusWriter:
    """Bulk inserts of the campus, table by table, inside the caller's transaction."""

    def __init__(self, session: Session, user_id: int, now: datetime) -> None:
        self.session = session
        self.user_id = user_id
        self.now = now
        self.audit = {"created_by": user_id, "created_date": now}

    def _insert(self, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
        return insert_with_ids(self.session, Base.metadata.tables[model.__tablename__], rows)

    def _insert_rows(self, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        insert_rows(self.session, Base.metadata.tables[model.__tablename__], rows)

    def vendors(self) -> dict[str, int]:
        codes = [(key, code, info, UTILITY_VENDOR) for key, (code, info) in VENDORS.items()]
        codes.append(("CAMPUS", "CAMPUS", "Campus Energy Office", INTERNAL_VENDOR))
        rows = [
            {"vendor_code": code, "vendor_info": info, "vendor_type_id": kind, "active": True, **self.audit}
            for _key, code, info, kind in codes
        ]
        ids = self._insert(Vendor, rows)
        return {key: vendor_id for (key, *_rest), vendor_id in zip(codes, ids, strict=True)}

    def places(self, buildings: Sequence[Building]) -> list[int]:
        campus = {"place_code": "CAMPUS", "place_info": "Main Campus", "place_type_id": CAMPUS_TYPE}
        (campus_id,) = self._insert(Place, [{**campus, "parent_id": ROOT_PLACE, **self.audit}])
        rows = [
            {
                "place_code": b.code,
                "place_info": b.name,
                "place_type_id": BUILDING_TYPE,
                "parent_id": campus_id,
                **self.audit,
            }
            for b in buildings
        ]
        ids = self._insert(Place, rows)
        sizes = [
            {"place_id": place_id, "value": b.area, "unit_code": "SQFEET", "begin_date": date(2000, 1, 1)}
            for b, place_id in zip(buildings, ids, strict=True)
        ]
        self._insert_rows(PlaceSize, sizes)
        return ids

    def _meter(self, code: str, info: str, tariff: Tariff, place_id: int, meter_type: int) -> dict[str, Any]:
        return {
            "meter_code": code,
            "meter_info": info[:50],
            "commodity_id": tariff.commodity_id,
            "place_id": place_id,
            "meter_type_id": meter_type,
            "use_unit_id": tariff.use_unit_id,
            "demand_unit_id": 20 if tariff.demand_price is not None else None,
            "active": True,
            "include_in_energy_star": False,
            **self.audit,
        }

    def _account(self, code: str, info: str, vendor_id: int, account_type: int) -> dict[str, Any]:
        return {
            "account_code": code,
            "account_info": info[:50],
            "account_type_id": account_type,
            "cost_center_id": ROOT_COST_CENTER,
            "vendor_id": vendor_id,
            "active": True,
            "accrual_enabled": False,
            **self.audit,
        }

    def _links(self, pairs: Sequence[tuple[int, int, Tariff]], vendor_type: int) -> None:
        rows = [
            {
                "account_id": account_id,
                "meter_id": meter_id,
                "begin_date": FIRST_DATE,
                "end_date": LAST_DATE,
                "rate_id": tariff.rate_id,
                "vendor_type_id": vendor_type,
                "deregulated": False,
            }
            for account_id, meter_id, tariff in pairs
        ]
        self._insert_rows(AccountMeter, rows)

    def master_meters(
        self, buildings: Sequence[Building], places: Sequence[int], vendors: dict[str, int]
    ) -> list[_Master]:
        plan = [(b, t, place_id) for b, place_id in zip(buildings, places, strict=True) for t in b.tariffs]
        meter_ids = self._insert(
            Meter,
            [
                self._meter(f"{b.code}-{t.code}", f"{b.name} {COMMODITY_WORDS[t.code]}", t, p, STANDARD_METER)
                for b, t, p in plan
            ],
        )
        # Vendor account numbers as printed on the bills: one account per master meter.
        account_ids = self._insert(
            Account,
            [
                self._account(
                    f"{VENDORS[t.code][0]}-{b.index + 1:05d}-{t.commodity_id}",
                    f"{b.name} {COMMODITY_WORDS[t.code]}",
                    vendors[t.code],
                    STANDARD_ACCOUNT,
                )
                for b, t, _p in plan
            ],
        )
        masters = [
            _Master(b.index, t, meter_id, account_id)
            for (b, t, _p), meter_id, account_id in zip(plan, meter_ids, account_ids, strict=True)
        ]
        self._links([(m.account_id, m.meter_id, m.tariff) for m in masters], UTILITY_VENDOR)
        return masters

    def tenants(
        self, buildings: Sequence[Building], places: Sequence[int], masters: Sequence[_Master], vendor_id: int
    ) -> tuple[int, list[tuple[int, Tariff]]]:
        """Tenant chargeback accounts with one submeter per master meter of their building."""
        by_building: dict[int, list[_Master]] = {}
        for master in masters:
            by_building.setdefault(master.building, []).append(master)
        tenant_rows, meter_rows, owners = [], [], []
        for b, place_id in zip(buildings, places, strict=True):
            for t in range(TENANTS_PER_BUILDING):
                tenant = TENANT_NAMES[(b.index * TENANTS_PER_BUILDING + t) % len(TENANT_NAMES)]
                tenant_rows.append(
                    self._account(f"{b.code}-T{t + 1}", f"{tenant} ({b.name})", vendor_id, CHARGEBACK_ACCOUNT)
                )
                for master in by_building.get(b.index, []):
                    word = COMMODITY_WORDS[master.tariff.code]
                    code = f"{b.code}-{master.tariff.code}-T{t + 1}"
                    meter_rows.append(
                        self._meter(code, f"{tenant} {word} ({b.code})", master.tariff, place_id, CHARGEBACK_METER)
                    )
                    owners.append((len(tenant_rows) - 1, master.tariff))
        account_ids = self._insert(Account, tenant_rows)
        meter_ids = self._insert(Meter, meter_rows)
        pairs = [
            (account_ids[owner], meter_id, tariff) for (owner, tariff), meter_id in zip(owners, meter_ids, strict=True)
        ]
        self._links(pairs, INTERNAL_VENDOR)
        return len(account_ids), [
            (meter_id, tariff) for (_owner, tariff), meter_id in zip(owners, meter_ids, strict=True)
        ]

    def groups(self, masters: Sequence[_Master], submeters: Sequence[tuple[int, Tariff]]) -> int:
        """The master meter group and one submeter group per commodity present."""
        wanted: list[tuple[str, str, list[int]]] = [("Campus master meters", "GENERAL", [m.meter_id for m in masters])]
        for tariff in TARIFFS:
            members = [meter_id for meter_id, t in submeters if t is tariff]
            if members:
                wanted.append((f"Campus {COMMODITY_WORDS[tariff.code]} submeters", "CHARGEBACK", members))
        rows = [
            {
                "meter_group_code": name,
                "meter_group_info": name,
                "category": category,
                "auto_group": False,
                "limit_members_by_topmost": False,
                "last_updated": self.now,
            }
            for name, category, _members in wanted
        ]
        ids = self._insert(MeterGroup, rows)
        memberships = [
            {"meter_group_id": group_id, "meter_id": meter_id, "include_in_charts": True}
            for group_id, (_name, _category, meter_ids) in zip(ids, wanted, strict=True)
            for meter_id in meter_ids
        ]
        self._insert_rows(MeterGroupMember, memberships)
        return len(ids)

    def bills(
        self, buildings: Sequence[Building], masters: Sequence[_Master], first: int, last: int, rng: random.Random
    ) -> tuple[int, int, Decimal]:
        """One bill a month per master meter in a closed batch; returns (bills, line items, total cost)."""
        code = f"DEMO-{self.now:%Y%m%d%H%M%S}"
        batch = open_batch_in(self.session, BatchSettings(code, note="Demo vendor bills"), self.user_id, self.now)
        writer = BillWriter(self.session)
        areas = {b.index: b.area for b in buildings}
        drafts = (
            BillDraft(
                account_id=master.account_id,
                billing_period=period,
                begin_date=periods.first_day(period),
                end_date=periods.end_date(period),
                lines=bill_lines(master.tariff, master.meter_id, areas[master.building], period, rng),
            )
            for period in periods.span(first, last)
            for master in masters
        )
        count, lines, total = 0, 0, Decimal(0)
        while chunk := list(islice(drafts, BILL_CHUNK)):
            writer.write(chunk, batch.batch_id, self.user_id, self.now)
            count += len(chunk)
            lines += sum(len(d.lines) for d in chunk)
            total += sum((d.total_cost for d in chunk), Decimal(0))
        batch.status = CLOSED
        batch.end_date = self.now
        return count, lines, total
