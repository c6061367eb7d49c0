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
  items each (domain/demo_campus.py), in one closed batch.

Everything is written set-based (bulk Core inserts, bills through BillWriter) in one transaction.
"""

from __future__ import annotations

import random
from datetime import datetime

from apportion.domain import periods
from apportion.domain.demo_campus import (
    CHARGEBACK_METER,
    DEFAULT_METERS,
    DEFAULT_SEED,
    MAX_METERS,
    MONTHS,
    STANDARD_METER,
    TENANTS_PER_BUILDING,
    CampusSummary,
    plan_buildings,
)
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.store import demo_campus
from apportion.store.database import Database

# The plan's figures callers read here (the CLI's limits, the tests of the written campus).
__all__ = [
    "CHARGEBACK_METER",
    "DEFAULT_METERS",
    "DEFAULT_SEED",
    "MAX_METERS",
    "MONTHS",
    "STANDARD_METER",
    "TENANTS_PER_BUILDING",
    "CampusSummary",
    "plan_buildings",
]


def is_empty(db: Database) -> bool:
    """Whether the database holds no vendors, accounts, meters or places besides the root."""
    with db.reading() as session:
        return demo_campus.is_empty(session)


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
        if not demo_campus.is_empty(session):
            raise RuleViolation("The database already holds master data; the demo campus loads into an empty one.")
        user_id = demo_campus.first_user(session)
        if user_id is None:
            raise RuleViolation("Create a user first (apportion user create CODE -p Administrator).")
        writer = demo_campus.CampusWriter(session, user_id, now)
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
