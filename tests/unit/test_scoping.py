"""The data scoping rule (domain/scoping.py): subtrees, normalized topmost ids, what is in scope."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from apportion.domain.scoping import Scope, ancestors, in_scope, normalized, subtree, version_in_scope
from apportion.store import scoping
from apportion.store.models.bills import Bill

# root 1 -> 2 -> 4, root 1 -> 3
PLACES: dict[int, int | None] = {1: None, 2: 1, 3: 1, 4: 2}
COST_CENTERS: dict[int, int | None] = {1: None, 10: 1, 11: 1}


@st.composite
def trees(draw: st.DrawFn, size: int = 8) -> dict[int, int | None]:
    """A tree on 1..n: each node's parent is a lower id (1 is the root)."""
    n = draw(st.integers(1, size))
    return {1: None, **{node: draw(st.integers(1, node - 1)) for node in range(2, n + 1)}}


def test_subtree_and_ancestors() -> None:
    assert subtree([2], PLACES) == {2, 4}
    assert subtree([1], PLACES) == {1, 2, 3, 4}
    assert subtree([99], PLACES) == frozenset()
    assert ancestors(4, PLACES) == {1, 2}


def test_normalized_topmost_ids() -> None:
    assert normalized([1, 2], PLACES) is None  # a root: the whole tree
    assert normalized([2, 4], PLACES) == {2}  # 4 lies under 2
    assert normalized([3, 4], PLACES) == {3, 4}


def test_in_scope_by_place_and_by_cost_center() -> None:
    accounts = {100: 10, 101: 11}
    meters = {200: 4, 201: 3}
    links = [(100, 200), (101, 201)]
    by_place = in_scope(Scope(frozenset({2}), None), PLACES, COST_CENTERS, accounts, meters, links)
    assert by_place.places == {2, 4}
    assert by_place.cost_centers == {1, 10, 11}
    assert by_place.meters == {200}
    assert by_place.accounts == {100}
    by_cost_center = in_scope(Scope(None, frozenset({11})), PLACES, COST_CENTERS, accounts, meters, links)
    assert by_cost_center.accounts == {101}
    assert by_cost_center.meters == {201}
    assert by_cost_center.places == {1, 2, 3, 4}
    assert version_in_scope((100, 200), [(100, 200)], by_place.accounts, by_place.meters)
    assert not version_in_scope((100, 200), [(101, 201)], by_place.accounts, by_place.meters)


@given(trees(), st.lists(st.integers(1, 8), min_size=1, max_size=3))
def test_a_subtree_is_closed_under_children(tree: dict[int, int | None], tops: list[int]) -> None:
    inside = subtree(tops, tree)
    for node, parent in tree.items():
        if parent in inside:
            assert node in inside
    assert all(node in tree for node in inside)


@given(trees(), trees(), st.data())
def test_scope_only_narrows_and_the_whole_tree_sees_everything(
    places: dict[int, int | None], cost_centers: dict[int, int | None], data: st.DataObject
) -> None:
    accounts = {a: data.draw(st.sampled_from(sorted(cost_centers))) for a in range(100, 105)}
    meters = {m: data.draw(st.sampled_from(sorted(places))) for m in range(200, 205)}
    links = data.draw(st.lists(st.tuples(st.sampled_from(sorted(accounts)), st.sampled_from(sorted(meters)))))
    whole = in_scope(Scope.WHOLE, places, cost_centers, accounts, meters, links)
    assert whole.accounts == set(accounts)
    assert whole.meters == set(meters)
    tops = frozenset(data.draw(st.lists(st.sampled_from(sorted(places)), min_size=1, max_size=2)))
    limited = in_scope(Scope(tops, None), places, cost_centers, accounts, meters, links)
    assert limited.meters <= whole.meters
    assert limited.accounts <= whole.accounts
    assert all(meters[m] in limited.places for m in limited.meters)
    assert all(any((a, m) in links for m in limited.meters) for a in limited.accounts)


def test_an_unlimited_user_pays_no_scope_condition() -> None:
    """The whole tree adds nothing to a statement: no subquery, no join."""
    statement = select(Bill.bill_id).where(Bill.void.is_(False))
    assert scoping.restrict(statement, Bill.account_id, scoping.account_ids(Scope.WHOLE)) is statement
    unlimited = statement.where(scoping.within(Bill.account_id, scoping.account_ids(Scope.WHOLE)))
    assert str(unlimited) == str(statement)
    limited = statement.where(scoping.within(Bill.account_id, scoping.account_ids(Scope(frozenset({2}), None))))
    assert "account_meters" in str(limited)
    assert scoping.meter_ids(Scope.WHOLE) is None
    assert scoping.version_ids(Scope.WHOLE) is None
