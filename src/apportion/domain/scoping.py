"""Data scoping: what a user limited to topmost places or cost centers may see and change (docs/scoping.md).

A user's scope is its topmost places and its topmost cost centers; either may be the whole tree (None). The rule:

- places in scope: the topmost places and every place under them (every place when not limited by place);
- cost centers in scope: likewise under the topmost cost centers;
- a meter is in scope when its place is, and, for a user limited by cost center, when it is linked to an account
  in scope;
- an account is in scope when its cost center is, and, for a user limited by place, when it is linked to a meter
  in scope (a link counts whatever its dates);
- a bill is in scope when its account is; a chargeback version when its source account and meter and every
  destination's account and meter are.

A user whose topmost ids name a root of a tree (a node without a parent) is not limited in that tree: the whole tree
is below it. An unlimited user (`Scope.WHOLE`) costs nothing: store queries add no condition for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar


class Kind(StrEnum):
    """What a scoped id names (a path id's record)."""

    PLACE = "place"
    COST_CENTER = "costCenter"
    ACCOUNT = "account"
    METER = "meter"
    BILL = "bill"
    ACCOUNT_METER = "accountMeter"
    VERSION = "version"  # a chargeback version (split or calculated bill), under /account/{id}/meter/{id}/...


PATH_KINDS: dict[str, Kind] = {
    "placeId": Kind.PLACE,
    "costCenterId": Kind.COST_CENTER,
    "accountId": Kind.ACCOUNT,
    "meterId": Kind.METER,
    "billId": Kind.BILL,
    "accountMeterId": Kind.ACCOUNT_METER,
    "chargebackVersionId": Kind.VERSION,
}
"""Path parameters naming a scoped record: out of the caller's scope, the operation answers 404."""


@dataclass(frozen=True)
class Scope:
    """A user's topmost place and cost center ids; None is the whole tree."""

    place_ids: frozenset[int] | None = None
    cost_center_ids: frozenset[int] | None = None

    WHOLE: ClassVar[Scope]
    NOTHING: ClassVar[Scope]

    @property
    def whole(self) -> bool:
        """Whether the user sees everything (no limit in either tree)."""
        return self.place_ids is None and self.cost_center_ids is None

    @classmethod
    def of(cls, place_ids: Iterable[int] | None, cost_center_ids: Iterable[int] | None) -> Scope:
        """A scope from stored lists (None or empty: the whole tree)."""
        places = frozenset(place_ids) if place_ids else None
        cost_centers = frozenset(cost_center_ids) if cost_center_ids else None
        return cls(places, cost_centers)


Scope.WHOLE = Scope()
Scope.NOTHING = Scope(frozenset(), frozenset())  # limited to no place and no cost center: reaches no record


def normalized(ids: Iterable[int], parents: Mapping[int, int | None]) -> frozenset[int] | None:
    """The topmost ids to store for a tree: None (the whole tree) when one of them is a root; ids under another
    of the given ids are dropped (they add nothing)."""
    given = frozenset(ids)
    if any(parents.get(node, 0) is None for node in given):
        return None
    return frozenset(node for node in given if not (ancestors(node, parents) & given))


def ancestors(node: int, parents: Mapping[int, int | None]) -> frozenset[int]:
    """Every node above `node` (not `node` itself); a cycle or an unknown parent ends the walk."""
    seen: set[int] = set()
    parent = parents.get(node)
    while parent is not None and parent not in seen:
        seen.add(parent)
        parent = parents.get(parent)
    return frozenset(seen)


def subtree(tops: Iterable[int], parents: Mapping[int, int | None]) -> frozenset[int]:
    """The nodes of `tops` that exist and every node under them."""
    tops = frozenset(tops)
    return frozenset(node for node in parents if node in tops or ancestors(node, parents) & tops)


@dataclass(frozen=True)
class InScope:
    """What a scope lets a user see, by id."""

    places: frozenset[int]
    cost_centers: frozenset[int]
    accounts: frozenset[int]
    meters: frozenset[int]


def in_scope(
    scope: Scope,
    place_parents: Mapping[int, int | None],
    cost_center_parents: Mapping[int, int | None],
    account_cost_centers: Mapping[int, int],
    meter_places: Mapping[int, int],
    links: Iterable[tuple[int, int]],
) -> InScope:
    """The places, cost centers, accounts and meters in `scope`; `links` are (account id, meter id) pairs."""
    links = tuple(links)
    places = frozenset(place_parents) if scope.place_ids is None else subtree(scope.place_ids, place_parents)
    cost_centers = (
        frozenset(cost_center_parents)
        if scope.cost_center_ids is None
        else subtree(scope.cost_center_ids, cost_center_parents)
    )
    placed = {meter for meter, place in meter_places.items() if place in places}
    costed = {account for account, cost_center in account_cost_centers.items() if cost_center in cost_centers}
    meters = placed
    if scope.cost_center_ids is not None:
        meters = {meter for account, meter in links if account in costed and meter in placed}
    accounts = costed
    if scope.place_ids is not None:
        accounts = {account for account, meter in links if meter in placed and account in costed}
    return InScope(places, cost_centers, frozenset(accounts), frozenset(meters))


def version_in_scope(
    source: tuple[int, int], destinations: Iterable[tuple[int, int]], accounts: frozenset[int], meters: frozenset[int]
) -> bool:
    """Whether a chargeback version (its source and destinations as (account id, meter id)) lies wholly in scope:
    a version partly in scope is skipped by a scoped user's run."""
    return all(account in accounts and meter in meters for account, meter in (source, *destinations))
