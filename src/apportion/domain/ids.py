"""Ids in requests: keys are 32-bit integers, so an id outside that range names nothing.

PostgreSQL refuses such a number in a query outright (integer out of range); checking first turns it into the
404 or 400 the caller should see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from apportion.domain import filters
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import Condition, FieldSpec, FieldType

MAX_ID = 2**31 - 1


def in_range(ident: int | None) -> bool:
    """Whether `ident` can be a key."""
    return ident is not None and -MAX_ID - 1 <= ident <= MAX_ID


def require(ident: int, what: str) -> None:
    """NotFound for a path id no row can have."""
    if not in_range(ident):
        raise NotFound(what, ident)


def known(idents: Iterable[int | None]) -> list[int]:
    """The ids that can be keys (for IN lists built from request bodies)."""
    return [i for i in idents if i is not None and in_range(i)]


def parse_filter(text: str | None, fields: Mapping[str, FieldSpec]) -> list[Condition]:
    """filters.parse, refusing Integer values that no key can have (400 on `filter`)."""
    conditions = filters.parse(text, fields)
    for condition in conditions:
        if condition.type is FieldType.INTEGER:
            for value in condition.values:
                if isinstance(value, int) and not in_range(value):
                    raise ValidationFailed.single("filter", f"'{value}' is out of range for field '{condition.field}'.")
    return conditions
