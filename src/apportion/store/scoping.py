"""Data scoping in SQL: domain/scoping.py's rule as subqueries of in-scope ids that list and get queries filter by.

Every helper returns None for the whole tree, and `restrict` then leaves the statement as it is: an unlimited user
(an administrator, a user without topmost ids) pays no join and no condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar, assert_never

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from apportion.domain.flags import FlagStatus
from apportion.domain.scoping import Kind, Scope
from apportion.store.id_lists import among
from apportion.store.models.accounting import BillFlag
from apportion.store.models.bills import Bill
from apportion.store.models.chargebacks import (
    ChargebackTask,
    ChargebackTaskVersion,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.imports import Task
from apportion.store.models.organisation import Account, AccountMeter, CostCenter, Meter, Place
from apportion.store.queries.children import CostCenterChild, PlaceChild, join_place

S = TypeVar("S", bound=Select[Any])
Ids = Select[Any]
"""A subquery of in-scope ids (one column)."""


def place_parents(session: Session) -> dict[int, int | None]:
    """Every place's parent (None for a root): the tree domain.scoping walks."""
    return {row.place_id: row.parent_id for row in session.execute(select(Place.place_id, Place.parent_id))}


def cost_center_parents(session: Session) -> dict[int, int | None]:
    """Every cost center's parent (None for a root)."""
    rows = session.execute(select(CostCenter.cost_center_id, CostCenter.parent_id))
    return {row.cost_center_id: row.parent_id for row in rows}


def places_under(tops: Iterable[int]) -> Ids:
    """The ids of `tops` and every place under them (a recursive query)."""
    base = select(Place.place_id.label("node_id")).where(Place.place_id.in_(sorted(tops)))
    tree = base.cte(recursive=True)
    child = aliased(Place)
    tree = tree.union_all(select(child.place_id).where(child.parent_id == tree.c.node_id))
    return select(tree.c.node_id)


def cost_centers_under(tops: Iterable[int]) -> Ids:
    """The ids of `tops` and every cost center under them."""
    base = select(CostCenter.cost_center_id.label("node_id")).where(CostCenter.cost_center_id.in_(sorted(tops)))
    tree = base.cte(recursive=True)
    child = aliased(CostCenter)
    tree = tree.union_all(select(child.cost_center_id).where(child.parent_id == tree.c.node_id))
    return select(tree.c.node_id)


def place_ids(scope: Scope) -> Ids | None:
    """The places in scope, or None when the user is not limited by place."""
    return None if scope.place_ids is None else places_under(scope.place_ids)


def cost_center_ids(scope: Scope) -> Ids | None:
    """The cost centers in scope, or None when the user is not limited by cost center."""
    return None if scope.cost_center_ids is None else cost_centers_under(scope.cost_center_ids)


def meter_ids(scope: Scope) -> Ids | None:
    """The meters in scope (domain.scoping's rule), or None for the whole tree."""
    if scope.whole:
        return None
    statement = select(Meter.meter_id)
    if scope.place_ids is not None:
        statement = statement.where(Meter.place_id.in_(places_under(scope.place_ids)))
    if scope.cost_center_ids is not None:
        linked = (
            select(AccountMeter.meter_id)
            .join(Account, Account.account_id == AccountMeter.account_id)
            .where(Account.cost_center_id.in_(cost_centers_under(scope.cost_center_ids)))
        )
        statement = statement.where(Meter.meter_id.in_(linked))
    return statement


def account_ids(scope: Scope) -> Ids | None:
    """The accounts in scope (domain.scoping's rule), or None for the whole tree."""
    if scope.whole:
        return None
    statement = select(Account.account_id)
    if scope.cost_center_ids is not None:
        statement = statement.where(Account.cost_center_id.in_(cost_centers_under(scope.cost_center_ids)))
    if scope.place_ids is not None:
        linked = (
            select(AccountMeter.account_id)
            .join(Meter, Meter.meter_id == AccountMeter.meter_id)
            .where(Meter.place_id.in_(places_under(scope.place_ids)))
        )
        statement = statement.where(Account.account_id.in_(linked))
    return statement


def bill_ids(scope: Scope) -> Ids | None:
    """The bills in scope (those on an account in scope), or None for the whole tree."""
    accounts = account_ids(scope)
    return None if accounts is None else select(Bill.bill_id).where(Bill.account_id.in_(accounts))


def version_ids(scope: Scope) -> Ids | None:
    """The chargeback versions wholly in scope (source and every destination), or None for the whole tree."""
    accounts, meters = account_ids(scope), meter_ids(scope)
    if accounts is None or meters is None:
        return None
    outside = exists().where(
        SplitDestination.version_id == DistributionVersion.version_id,
        ~and_(SplitDestination.account_id.in_(accounts), SplitDestination.meter_id.in_(meters)),
    )
    return select(DistributionVersion.version_id).where(
        DistributionVersion.account_id.in_(accounts), DistributionVersion.meter_id.in_(meters), ~outside
    )


def restrict(statement: S, column: ColumnElement[int] | Any, ids: Ids | None) -> S:
    """`statement` keeping only rows whose `column` is among `ids`; unchanged for the whole tree (None)."""
    return statement if ids is None else statement.where(column.in_(ids))


def contains(session: Session, ids: Ids | None, column: Any, record_id: int) -> bool:
    """Whether `record_id` is among `ids` (always, for the whole tree)."""
    if ids is None:
        return True
    return session.execute(select(column).where(column == record_id, column.in_(ids)).limit(1)).first() is not None


def holds(session: Session, scope: Scope, kind: Kind, record_id: int) -> bool:
    """Whether the record of this kind and id lies in `scope`: always for the whole tree; never for a record that
    does not exist."""
    if scope.whole:
        return True
    match kind:
        case Kind.PLACE:
            return contains(session, place_ids(scope), Place.place_id, record_id)
        case Kind.COST_CENTER:
            return contains(session, cost_center_ids(scope), CostCenter.cost_center_id, record_id)
        case Kind.ACCOUNT:
            return contains(session, account_ids(scope), Account.account_id, record_id)
        case Kind.METER:
            return contains(session, meter_ids(scope), Meter.meter_id, record_id)
        case Kind.BILL:
            return contains(session, bill_ids(scope), Bill.bill_id, record_id)
        case Kind.VERSION:
            return contains(session, version_ids(scope), DistributionVersion.version_id, record_id)
        case Kind.ACCOUNT_METER:
            link = session.execute(
                select(AccountMeter.account_id, AccountMeter.meter_id).where(AccountMeter.account_meter_id == record_id)
            ).first()
            return link is not None and (
                holds(session, scope, Kind.ACCOUNT, link.account_id)
                and holds(session, scope, Kind.METER, link.meter_id)
            )
        case _:
            assert_never(kind)


def place_children(session: Session, ids: Sequence[int]) -> list[PlaceChild]:
    """These places as children (with their types), by id."""
    statement, read = join_place(select(Place.place_id), Place.place_id)
    rows = session.execute(statement.where(Place.place_id.in_(ids)).order_by(Place.place_id)).mappings()
    return [child for child in (read(row) for row in rows) if child is not None]


def cost_center_children(session: Session, ids: Sequence[int]) -> list[CostCenterChild]:
    """These cost centers as children, by id."""
    statement = select(CostCenter.cost_center_id, CostCenter.cost_center_code, CostCenter.cost_center_info)
    rows = session.execute(statement.where(CostCenter.cost_center_id.in_(ids)).order_by(CostCenter.cost_center_id))
    return [CostCenterChild(*row) for row in rows]


def places_for_cost_centers(session: Session, caller: Scope, cost_center_ids: Sequence[int]) -> frozenset[int]:
    """The places of the meters linked to accounts under these cost centers, within the caller's scope."""
    statement = (
        select(Meter.place_id)
        .join(AccountMeter, AccountMeter.meter_id == Meter.meter_id)
        .join(Account, Account.account_id == AccountMeter.account_id)
        .where(Account.cost_center_id.in_(cost_centers_under(cost_center_ids)))
    )
    statement = restrict(restrict(statement, Meter.meter_id, meter_ids(caller)), Meter.place_id, place_ids(caller))
    return frozenset(session.execute(statement.distinct()).scalars())


def cost_centers_for_places(session: Session, caller: Scope, place_ids_given: Sequence[int]) -> frozenset[int]:
    """The cost centers of the accounts linked to meters under these places, within the caller's scope."""
    statement = (
        select(Account.cost_center_id)
        .join(AccountMeter, AccountMeter.account_id == Account.account_id)
        .join(Meter, Meter.meter_id == AccountMeter.meter_id)
        .where(Meter.place_id.in_(places_under(place_ids_given)))
    )
    statement = restrict(statement, Account.account_id, account_ids(caller))
    statement = restrict(statement, Account.cost_center_id, cost_center_ids(caller))
    return frozenset(session.execute(statement.distinct()).scalars())


def within(column: Any, ids: Ids | None) -> ColumnElement[bool]:
    """A condition keeping rows whose `column` is among `ids`; `true()` for the whole tree, which `and_` drops, so
    an unlimited user's statement is the one it always was."""
    return true() if ids is None else column.in_(ids)


def meters_among(session: Session, scope: Scope, meter_ids_given: Iterable[int]) -> frozenset[int]:
    """Those of these meters that lie in `scope` (all of them for the whole tree: nothing is read)."""
    given = frozenset(meter_ids_given)
    ids = meter_ids(scope)
    if ids is None or not given:
        return given
    statement = select(Meter.meter_id).where(Meter.meter_id.in_(sorted(given)), Meter.meter_id.in_(ids))
    return frozenset(session.execute(statement).scalars())


def bills_among(session: Session, scope: Scope, given: Sequence[int]) -> list[int]:
    """Those of these ids that are bills in `scope`, in the order given (all of them for the whole tree: nothing is
    read). Bulk actions skip the others, as they skip unknown ids (accounting.md §9 D5)."""
    ids = bill_ids(scope)
    if ids is None or not given:
        return list(given)
    found = set(
        session.execute(select(Bill.bill_id).where(among(Bill.bill_id, given), Bill.bill_id.in_(ids))).scalars()
    )
    return [i for i in given if i in found]


def logged_bills_among(session: Session, scope: Scope, entries: Sequence[tuple[int, int | None]]) -> set[int]:
    """Of (bill id, version id) pairs of the correction log, the bill ids `scope` holds: a stored bill when it lies
    in scope; a bill deleted since (its log entry outlives it) when its version lies wholly in scope. All of them
    for the whole tree (nothing is read)."""
    given = [bill_id for bill_id, _version in entries]
    ids = bill_ids(scope)
    if ids is None or not given:
        return set(given)
    # Which of them are stored, and which of those lie in scope, in one statement.
    stored = dict(session.execute(select(Bill.bill_id, Bill.bill_id.in_(ids)).where(among(Bill.bill_id, given))).all())
    seen = {bill_id for bill_id, inside in stored.items() if inside}
    gone = [(bill_id, version) for bill_id, version in entries if bill_id not in stored]
    versions = versions_among(session, scope, {version for _bill, version in gone if version is not None})
    return seen | {bill_id for bill_id, version in gone if version in versions}


def record_exists(session: Session, kind: Kind, record_id: int) -> bool:
    """Whether a record of this kind has this id."""
    column: Any
    match kind:
        case Kind.PLACE:
            column = Place.place_id
        case Kind.COST_CENTER:
            column = CostCenter.cost_center_id
        case Kind.ACCOUNT:
            column = Account.account_id
        case Kind.METER:
            column = Meter.meter_id
        case Kind.BILL:
            column = Bill.bill_id
        case Kind.ACCOUNT_METER:
            column = AccountMeter.account_meter_id
        case Kind.VERSION:
            column = DistributionVersion.version_id
        case _:
            assert_never(kind)
    return session.execute(select(column).where(column == record_id)).first() is not None


def accounts_among(session: Session, scope: Scope, account_ids_given: Iterable[int]) -> frozenset[int]:
    """Those of these accounts that lie in `scope` (all of them for the whole tree: nothing is read)."""
    given = frozenset(account_ids_given)
    ids = account_ids(scope)
    if ids is None or not given:
        return given
    statement = select(Account.account_id).where(Account.account_id.in_(sorted(given)), Account.account_id.in_(ids))
    return frozenset(session.execute(statement).scalars())


def holds_bills_outside(session: Session, scope: Scope, task_id: int | None = None, step_id: int | None = None) -> bool:
    """Whether a chargeback task (or any task of a workflow step) made a bill outside `scope` (never for the whole
    tree: nothing is read)."""
    ids = bill_ids(scope)
    if ids is None:
        return False
    statement = select(Bill.bill_id).where(Bill.bill_id.not_in(ids))
    if task_id is not None:
        statement = statement.where(Bill.chargeback_task_id == task_id)
    if step_id is not None:
        tasks = select(ChargebackTask.task_id).where(ChargebackTask.workflow_step_id == step_id)
        statement = statement.where(Bill.chargeback_task_id.in_(tasks))
    return session.execute(statement.limit(1)).first() is not None


def task_ids(scope: Scope, user_id: int | None) -> Ids | None:
    """The chargeback tasks a scoped user sees, or None for the whole tree: those it started, those that ran a
    version in scope, and those that made a bill in scope."""
    versions, bills = version_ids(scope), bill_ids(scope)
    if versions is None or bills is None:
        return None
    ran = exists().where(
        ChargebackTaskVersion.task_id == ChargebackTask.task_id, ChargebackTaskVersion.version_id.in_(versions)
    )
    made = exists().where(Bill.chargeback_task_id == ChargebackTask.task_id, Bill.bill_id.in_(bills))
    return select(ChargebackTask.task_id).where(or_(ChargebackTask.user_id == user_id, ran, made))


def holds_task(session: Session, scope: Scope, user_id: int | None, task_id: int) -> bool:
    """Whether the user sees this chargeback task (always for the whole tree: nothing is read)."""
    return contains(session, task_ids(scope, user_id), ChargebackTask.task_id, task_id)


def task_counts(session: Session, scope: Scope, given: Sequence[int]) -> dict[int, tuple[int, int]]:
    """For each of these tasks, (bills it made that are still stored and lie in `scope`, failed versions in
    `scope`); empty for the whole tree (nothing is read: the stored counters stand)."""
    versions, bills = version_ids(scope), bill_ids(scope)
    if versions is None or bills is None or not given:
        return {}
    counts = dict.fromkeys(given, (0, 0))
    made = session.execute(
        select(Bill.chargeback_task_id, func.count())
        .where(among(Bill.chargeback_task_id, given), Bill.bill_id.in_(bills))
        .group_by(Bill.chargeback_task_id)
    )
    for made_by, count in made:
        counts[made_by or 0] = (count, 0)
    tv = ChargebackTaskVersion
    failed = session.execute(
        select(tv.task_id, func.count())
        .where(among(tv.task_id, given), tv.error_message.is_not(None), tv.version_id.in_(versions))
        .group_by(tv.task_id)
    )
    for task_id, count in failed:
        counts[task_id] = (counts[task_id][0], count)
    return counts


def import_task_ids(scope: Scope, user_id: int | None) -> Ids | None:
    """The bill import tasks a scoped user sees, or None for the whole tree: those it started and those that made
    a bill in scope (still stored)."""
    bills = bill_ids(scope)
    if bills is None:
        return None
    made = exists().where(Bill.import_task_id == Task.task_id, Bill.bill_id.in_(bills))
    return select(Task.task_id).where(or_(Task.user_id == user_id, made))


def holds_import_task(session: Session, scope: Scope, user_id: int | None, task_id: int) -> bool:
    """Whether the user sees this bill import task (always for the whole tree: nothing is read)."""
    return contains(session, import_task_ids(scope, user_id), Task.task_id, task_id)


def import_task_counts(session: Session, scope: Scope, given: Sequence[int]) -> dict[int, tuple[int, int]]:
    """For each of these bill import tasks, (bills it made that are still stored and lie in `scope`, unresolved
    flags on those of them not void); empty for the whole tree (nothing is read: the listing's counts stand)."""
    bills = bill_ids(scope)
    if bills is None or not given:
        return {}
    counts = dict.fromkeys(given, (0, 0))
    made = session.execute(
        select(Bill.import_task_id, func.count())
        .where(among(Bill.import_task_id, given), Bill.bill_id.in_(bills))
        .group_by(Bill.import_task_id)
    )
    for task_id, count in made:
        counts[task_id or 0] = (count, 0)
    flagged = session.execute(
        select(Bill.import_task_id, func.count(BillFlag.flag_id))
        .join(Bill, Bill.bill_id == BillFlag.bill_id)
        .where(
            among(Bill.import_task_id, given),
            Bill.bill_id.in_(bills),
            Bill.void.is_(False),
            BillFlag.status_id == FlagStatus.UNRESOLVED,
        )
        .group_by(Bill.import_task_id)
    )
    for task_id, count in flagged:
        counts[task_id or 0] = (counts[task_id or 0][0], count)
    return counts


def versions_among(session: Session, scope: Scope, given: Iterable[int]) -> frozenset[int]:
    """Those of these chargeback versions that lie wholly in `scope` (all of them for the whole tree: nothing is
    read)."""
    wanted = frozenset(given)
    ids = version_ids(scope)
    if ids is None or not wanted:
        return wanted
    dv = DistributionVersion
    statement = select(dv.version_id).where(dv.version_id.in_(sorted(wanted)), dv.version_id.in_(ids))
    return frozenset(session.execute(statement).scalars())
