"""The demo campus as a plan: its buildings, tariffs and monthly vendor bill figures, from a seed (no I/O).

Monthly vendor bill figures: seasonal use, demand and charges as exact decimals.

Each master meter gets one bill a month with three line items. The figures follow a building's floor area,
the commodity's seasonal profile (electric peaks with summer cooling, natural gas with winter heating, water
mildly in summer) and a small seeded variation, so the same seed always gives the same bills:

    >>> rng = random.Random(7)
    >>> [line.value for line in bill_lines(ELECTRIC, 1, 50_000, 202407, rng)]
    [Decimal('77578'), Decimal('193.2'), None]

Costs are rounded half-up to the cent line by line, so a bill's total is the exact sum of its lines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from apportion.domain.bills import LineDraft, ObservationKind

CENT = Decimal("0.01")
# Observation type ids seeded in reference data (docs/reference-data.md).
USE, DEMAND, CUSTOMER_CHARGE, OTHER_CHARGE = 1, 2, 6, 9
KW = 20
# ±4 % month-to-month variation, in tenths of a percent.
VARIATION = 40


@dataclass(frozen=True)
class Tariff:
    """How one commodity's monthly bill is figured.

    `annual_use_per_area` is use per square foot per year in `use_unit_id`, spread over the months by
    `seasons` (January first; the twelve factors average 1). The use line costs `use_price` per unit; the
    second line is either peak demand at `demand_price` per kW (electric) or a volumetric `other_price` per
    unit of use (distribution or sewer charges); the third is a fixed customer charge.
    """

    code: str
    commodity_id: int
    use_unit_id: int
    use_quantum: Decimal
    annual_use_per_area: Decimal
    seasons: tuple[Decimal, ...]
    use_price: Decimal
    customer_charge: Decimal
    demand_price: Decimal | None = None
    other_caption: str = ""
    other_price: Decimal = Decimal(0)
    rate_id: int = 0


def _seasons(*factors: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(f) for f in factors)


ELECTRIC = Tariff(
    code="ELEC",
    commodity_id=1,
    use_unit_id=1,
    use_quantum=Decimal(1),
    annual_use_per_area=Decimal(15),
    seasons=_seasons("0.92", "0.88", "0.90", "0.93", "1.00", "1.13", "1.24", "1.22", "1.08", "0.95", "0.89", "0.86"),
    use_price=Decimal("0.0850"),
    demand_price=Decimal("12.50"),
    customer_charge=Decimal("45.00"),
    rate_id=1,
)
NATURAL_GAS = Tariff(
    code="GAS",
    commodity_id=2,
    use_unit_id=3,
    use_quantum=Decimal("0.1"),
    annual_use_per_area=Decimal("0.55"),
    seasons=_seasons("1.90", "1.70", "1.35", "0.90", "0.50", "0.30", "0.25", "0.25", "0.40", "0.80", "1.25", "2.40"),
    use_price=Decimal("0.7250"),
    other_caption="Distribution charge",
    other_price=Decimal("0.2150"),
    customer_charge=Decimal("38.00"),
    rate_id=2,
)
WATER = Tariff(
    code="WATER",
    commodity_id=3,
    use_unit_id=11,
    use_quantum=Decimal("0.01"),
    annual_use_per_area=Decimal("0.018"),
    seasons=_seasons("0.88", "0.86", "0.90", "0.95", "1.04", "1.14", "1.22", "1.20", "1.06", "0.96", "0.90", "0.89"),
    use_price=Decimal("6.50"),
    other_caption="Sewer charge",
    other_price=Decimal("7.20"),
    customer_charge=Decimal("22.00"),
    rate_id=3,
)
TARIFFS = (ELECTRIC, NATURAL_GAS, WATER)
# Hours in an average month and the campus load factor: peak kW = monthly kWh / (730 h x 0.55).
HOURS_AT_PEAK = Decimal(730) * Decimal("0.55")


def cents(amount: Decimal) -> Decimal:
    """Round a charge half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def monthly_use(tariff: Tariff, area: int, period: int, rng: random.Random) -> Decimal:
    """Use of one month: area x annual intensity / 12 x the month's season factor, varied by the seed."""
    variation = Decimal(rng.randint(-VARIATION, VARIATION)) / 1000
    raw = Decimal(area) * tariff.annual_use_per_area / 12 * tariff.seasons[period % 100 - 1] * (1 + variation)
    return raw.quantize(tariff.use_quantum, rounding=ROUND_HALF_UP)


def bill_lines(tariff: Tariff, meter_id: int, area: int, period: int, rng: random.Random) -> tuple[LineDraft, ...]:
    """The three line items of a master meter's bill for `period` (draws one number from `rng`)."""
    use = monthly_use(tariff, area, period, rng)
    use_line = LineDraft(
        USE, ObservationKind.USE, meter_id, "Energy use", use, tariff.use_unit_id, cents(use * tariff.use_price)
    )
    if tariff.demand_price is not None:
        demand = (use / HOURS_AT_PEAK).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        second = LineDraft(
            DEMAND, ObservationKind.DEMAND, meter_id, "Peak demand", demand, KW, cents(demand * tariff.demand_price)
        )
    else:
        second = LineDraft(
            OTHER_CHARGE, ObservationKind.COST, meter_id, tariff.other_caption, cost=cents(use * tariff.other_price)
        )
    customer = LineDraft(
        CUSTOMER_CHARGE, ObservationKind.COST, meter_id, "Customer charge", cost=tariff.customer_charge
    )
    return (use_line, second, customer)


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
