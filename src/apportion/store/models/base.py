"""Declarative base, naming convention and the exact numeric column types."""

from __future__ import annotations

from sqlalchemy import JSON, MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Exact decimals (domain.md §2.6 item 8): cost scale 2, use scale 6, unit cost / percentages scale 8.
Money = Numeric(18, 2, asdecimal=True)
Quantity = Numeric(24, 6, asdecimal=True)
Ratio = Numeric(24, 8, asdecimal=True)
Document = JSON().with_variant(JSON(), "postgresql")


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
