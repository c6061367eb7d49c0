"""Seeded reference rows with stable ids (documented in docs/reference-data.md)."""

from __future__ import annotations

from decimal import Decimal

UNIT_TYPES = [
    {"unit_type_id": 1, "unit_type_code": "ENERGY", "unit_type_info": "Energy"},
    {"unit_type_id": 2, "unit_type_code": "VOLUME", "unit_type_info": "Volume"},
    {"unit_type_id": 3, "unit_type_code": "DEMAND", "unit_type_info": "Demand"},
    {"unit_type_id": 4, "unit_type_code": "CURRENCY", "unit_type_info": "Currency"},
    {"unit_type_id": 5, "unit_type_code": "AREA", "unit_type_info": "Area"},
    {"unit_type_id": 6, "unit_type_code": "MASS", "unit_type_info": "Mass"},
]

# factor: value in this unit x factor = value in the unit type's base unit (kWh, gal, kW, USD, sq ft, lb).
UNITS = [
    {
        "unit_id": 1,
        "unit_code": "kWh",
        "unit_info": "Kilowatt-hours",
        "unit_type_id": 1,
        "factor": Decimal("1"),
    },
    {
        "unit_id": 2,
        "unit_code": "MWh",
        "unit_info": "Megawatt-hours",
        "unit_type_id": 1,
        "factor": Decimal("1000"),
    },
    {
        "unit_id": 3,
        "unit_code": "therms",
        "unit_info": "Therms",
        "unit_type_id": 1,
        "factor": Decimal("29.3071"),
    },
    {
        "unit_id": 4,
        "unit_code": "MMBTU",
        "unit_info": "Million BTU",
        "unit_type_id": 1,
        "factor": Decimal("293.071"),
    },
    {
        "unit_id": 5,
        "unit_code": "kBTU",
        "unit_info": "Thousand BTU",
        "unit_type_id": 1,
        "factor": Decimal("0.293071"),
    },
    {
        "unit_id": 6,
        "unit_code": "ton-hr",
        "unit_info": "Ton-hours",
        "unit_type_id": 1,
        "factor": Decimal("3.51685"),
    },
    {"unit_id": 10, "unit_code": "gal", "unit_info": "Gallons", "unit_type_id": 2, "factor": Decimal("1")},
    {
        "unit_id": 11,
        "unit_code": "kgal",
        "unit_info": "Thousand gallons",
        "unit_type_id": 2,
        "factor": Decimal("1000"),
    },
    {
        "unit_id": 12,
        "unit_code": "CCF",
        "unit_info": "Hundred cubic feet",
        "unit_type_id": 2,
        "factor": Decimal("748.052"),
    },
    {
        "unit_id": 13,
        "unit_code": "CF",
        "unit_info": "Cubic feet",
        "unit_type_id": 2,
        "factor": Decimal("7.48052"),
    },
    {
        "unit_id": 14,
        "unit_code": "m3",
        "unit_info": "Cubic meters",
        "unit_type_id": 2,
        "factor": Decimal("264.172"),
    },
    {"unit_id": 20, "unit_code": "kW", "unit_info": "Kilowatts", "unit_type_id": 3, "factor": Decimal("1")},
    {"unit_id": 30, "unit_code": "USD", "unit_info": "US dollars", "unit_type_id": 4, "factor": Decimal("1")},
    {
        "unit_id": 40,
        "unit_code": "SQFEET",
        "unit_info": "Square feet",
        "unit_type_id": 5,
        "factor": Decimal("1"),
    },
    {
        "unit_id": 41,
        "unit_code": "SQMETER",
        "unit_info": "Square meters",
        "unit_type_id": 5,
        "factor": Decimal("10.7639"),
    },
    {"unit_id": 50, "unit_code": "lbs", "unit_info": "Pounds", "unit_type_id": 6, "factor": Decimal("1")},
    {
        "unit_id": 51,
        "unit_code": "Mlbs",
        "unit_info": "Thousand pounds",
        "unit_type_id": 6,
        "factor": Decimal("1000"),
    },
]

COMMODITIES = [
    {
        "commodity_id": 1,
        "commodity_code": "ELECTRIC",
        "commodity_info": "Electric",
        "common_unit_id": 1,
        "demand_unit_id": 20,
        "icon_code": "bolt",
        "icon_color": "yellow",
        "is_system": True,
    },
    {
        "commodity_id": 2,
        "commodity_code": "NATURALGAS",
        "commodity_info": "Natural Gas",
        "common_unit_id": 3,
        "demand_unit_id": None,
        "icon_code": "fire",
        "icon_color": "orange",
        "is_system": True,
    },
    {
        "commodity_id": 3,
        "commodity_code": "WATER",
        "commodity_info": "Water",
        "common_unit_id": 11,
        "demand_unit_id": None,
        "icon_code": "tint",
        "icon_color": "blue",
        "is_system": True,
    },
    {
        "commodity_id": 4,
        "commodity_code": "STEAM",
        "commodity_info": "Steam",
        "common_unit_id": 51,
        "demand_unit_id": None,
        "icon_code": "cloud",
        "icon_color": "gray",
        "is_system": True,
    },
    {
        "commodity_id": 5,
        "commodity_code": "CHILLEDWATER",
        "commodity_info": "Chilled Water",
        "common_unit_id": 6,
        "demand_unit_id": None,
        "icon_code": "snowflake",
        "icon_color": "teal",
        "is_system": True,
    },
]

# Natural gas: one CCF is about 1.037 therms.
COMMODITY_UNIT_CONVERSIONS = [
    {"commodity_id": 2, "unit_id": 12, "factor": Decimal("1.037")},
    {"commodity_id": 2, "unit_id": 13, "factor": Decimal("0.01037")},
]

OBSERVATION_TYPES = [
    {"observation_type_id": 1, "observation_type_code": "USE", "observation_type_info": "Use", "kind": "use"},
    {
        "observation_type_id": 2,
        "observation_type_code": "DEMAND",
        "observation_type_info": "Demand",
        "kind": "demand",
    },
    {
        "observation_type_id": 3,
        "observation_type_code": "COST",
        "observation_type_info": "Charge",
        "kind": "cost",
    },
    {
        "observation_type_id": 4,
        "observation_type_code": "ONPEAKUSE",
        "observation_type_info": "On-peak use",
        "kind": "use",
    },
    {
        "observation_type_id": 5,
        "observation_type_code": "OFFPEAKUSE",
        "observation_type_info": "Off-peak use",
        "kind": "use",
    },
    {
        "observation_type_id": 6,
        "observation_type_code": "CUSTOMERCHARGE",
        "observation_type_info": "Customer charge",
        "kind": "cost",
    },
    {
        "observation_type_id": 7,
        "observation_type_code": "DEMANDCHARGE",
        "observation_type_info": "Demand charge",
        "kind": "cost",
    },
    {
        "observation_type_id": 8,
        "observation_type_code": "TAX",
        "observation_type_info": "Tax",
        "kind": "cost",
    },
    {
        "observation_type_id": 9,
        "observation_type_code": "OTHERCHARGE",
        "observation_type_info": "Other charge",
        "kind": "cost",
    },
]

ACCOUNT_TYPES = [
    {"account_type_id": 1, "account_type_code": "STANDARD", "account_type_info": "Standard"},
    {"account_type_id": 2, "account_type_code": "CHARGEBACK", "account_type_info": "Chargeback"},
]

METER_TYPES = [
    {"meter_type_id": 1, "meter_type_code": "STANDARD", "meter_type_info": "Standard"},
    {"meter_type_id": 2, "meter_type_code": "LINKED", "meter_type_info": "Linked"},
    {"meter_type_id": 3, "meter_type_code": "NONUTILITY", "meter_type_info": "Non-utility"},
    {"meter_type_id": 4, "meter_type_code": "HIDDEN", "meter_type_info": "Hidden"},
    {"meter_type_id": 5, "meter_type_code": "AGGREGATE", "meter_type_info": "Aggregate"},
    {"meter_type_id": 6, "meter_type_code": "CHARGEBACK", "meter_type_info": "Chargeback"},
]

PLACE_TYPES = [
    {
        "place_type_id": 1,
        "place_type_code": "ORGANIZATION",
        "place_type_info": "Organization",
        "is_building": False,
    },
    {"place_type_id": 2, "place_type_code": "CAMPUS", "place_type_info": "Campus", "is_building": False},
    {"place_type_id": 3, "place_type_code": "BUILDING", "place_type_info": "Building", "is_building": True},
]

VENDOR_TYPES = [
    {"vendor_type_id": 1, "vendor_type_code": "UTILITY", "vendor_type_info": "Utility"},
    {"vendor_type_id": 2, "vendor_type_code": "INTERNAL", "vendor_type_info": "Internal chargeback"},
]

RATES = [
    {
        "rate_id": 1,
        "rate_code": "ELEC-FLAT",
        "rate_info": "Electric flat rate",
        "commodity_id": 1,
        "unit_id": 1,
        "unit_price": Decimal("0.12"),
    },
    {
        "rate_id": 2,
        "rate_code": "GAS-FLAT",
        "rate_info": "Natural gas flat rate",
        "commodity_id": 2,
        "unit_id": 3,
        "unit_price": Decimal("0.95"),
    },
    {
        "rate_id": 3,
        "rate_code": "WATER-FLAT",
        "rate_info": "Water flat rate",
        "commodity_id": 3,
        "unit_id": 11,
        "unit_price": Decimal("6.50"),
    },
    {
        "rate_id": 4,
        "rate_code": "STEAM-FLAT",
        "rate_info": "Steam flat rate",
        "commodity_id": 4,
        "unit_id": 51,
        "unit_price": Decimal("18.00"),
    },
    {
        "rate_id": 5,
        "rate_code": "CHW-FLAT",
        "rate_info": "Chilled water flat rate",
        "commodity_id": 5,
        "unit_id": 6,
        "unit_price": Decimal("0.20"),
    },
]

COST_CENTERS = [
    {
        "cost_center_id": 1,
        "cost_center_code": "ROOT",
        "cost_center_info": "Topmost cost center",
        "parent_id": None,
    }
]
PLACES = [
    {
        "place_id": 1,
        "place_code": "ROOT",
        "place_info": "Topmost place",
        "parent_id": None,
        "place_type_id": 1,
    }
]

# Insert order respects foreign keys.
TABLES = [
    ("unit_types", UNIT_TYPES),
    ("units", UNITS),
    ("commodities", COMMODITIES),
    ("commodity_unit_conversions", COMMODITY_UNIT_CONVERSIONS),
    ("observation_types", OBSERVATION_TYPES),
    ("account_types", ACCOUNT_TYPES),
    ("meter_types", METER_TYPES),
    ("place_types", PLACE_TYPES),
    ("vendor_types", VENDOR_TYPES),
    ("rates", RATES),
    ("cost_centers", COST_CENTERS),
    ("places", PLACES),
]
