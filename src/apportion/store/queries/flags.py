"""Flag types and bill flags as typed values: read a flag with its history and assignees, write a flag edit's
outcome, count unresolved flags (accounting.md §2.3, §3.6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import CTE, Select, delete, func, insert, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from apportion.domain.flags import FIRST_USER_TYPE, Flag, FlagAction, FlagStatus
from apportion.store.id_lists import among
from apportion.store.models.accounting import BillFlag, BillFlagAssignee, BillFlagEvent, BillFlagIssue, FlagType
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.organisation import Account, CostCenter, Meter, Place
from apportion.store.models.reference import Commodity, PlaceType
from apportion.store.models.users import User
from apportion.store.queries.children import AccountFlags, MeterFlags, UserChild, account_flags, meter_flags

_OFFSET = FIRST_USER_TYPE - 1  # wire id = key + 99


@dataclass(frozen=True)
class FlagEventRow:
    """One event of a flag's history."""

    event_id: int
    action: FlagAction
    description: str
    comment: str | None
    created_by: UserChild | None
    created_date: datetime


@dataclass(frozen=True)
class FlagDetail:
    """A bill's flag as GET /api/v3/flag/Bill/{id} answers it."""

    flag_id: int
    flag: Flag
    created_by: UserChild | None
    created_date: datetime
    modified_by: UserChild | None
    modified_date: datetime | None
    assignees: tuple[UserChild, ...]
    events: tuple[FlagEventRow, ...]
    issues: tuple[tuple[int, bool], ...] = ()  # (issue type id = the failed audit's number, resolved)


def user_types(session: Session) -> list[tuple[int, str]]:
    """(wire id, name) of every user-created flag type, by id."""
    rows = session.execute(select(FlagType.flag_type_key, FlagType.flag_type_info).order_by(FlagType.flag_type_key))
    return [(key + _OFFSET, info) for key, info in rows]


def create_type(session: Session, info: str) -> int:
    """Store a user flag type; its wire id."""
    row = FlagType(flag_type_info=info)
    session.add(row)
    session.flush()
    return row.flag_type_key + _OFFSET


def type_in_use(session: Session, type_id: int) -> bool:
    """Whether any bill's flag has the type."""
    return (
        session.execute(select(BillFlag.flag_id).where(BillFlag.flag_type_id == type_id).limit(1)).first() is not None
    )


def delete_type(session: Session, type_id: int) -> bool:
    """Delete a user flag type; whether it existed."""
    result = session.execute(delete(FlagType).where(FlagType.flag_type_key == type_id - _OFFSET))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def existing_users(session: Session, user_ids: Sequence[int]) -> set[int]:
    """Those of the ids that are users."""
    return set(session.execute(select(User.user_id).where(among(User.user_id, user_ids))).scalars())


def flags_of(session: Session, bill_ids: Sequence[int]) -> dict[int, tuple[int, Flag]]:
    """bill id -> (flag id, flag) for those of the bills that are flagged."""
    rows = session.execute(
        select(
            BillFlag.bill_id, BillFlag.flag_id, BillFlag.flag_type_id, BillFlag.status_id, BillFlag.cost_recovery
        ).where(among(BillFlag.bill_id, bill_ids))
    ).all()
    assignees: dict[int, list[int]] = {}
    for flag_id, user_id in session.execute(
        select(BillFlagAssignee.flag_id, BillFlagAssignee.user_id)
        .where(among(BillFlagAssignee.flag_id, [row.flag_id for row in rows]))
        .order_by(BillFlagAssignee.user_id)
    ):
        assignees.setdefault(flag_id, []).append(user_id)
    return {
        row.bill_id: (
            row.flag_id,
            Flag(row.flag_type_id, FlagStatus(row.status_id), row.cost_recovery, tuple(assignees.get(row.flag_id, ()))),
        )
        for row in rows
    }


def save(
    session: Session,
    bill_id: int,
    flag_id: int | None,
    flag: Flag,
    actions: Sequence[FlagAction],
    comment: str | None,
    user_id: int,
    now: datetime,
) -> int:
    """Create or update the bill's flag, replace its assignees and record its events; the flag's id."""
    values = {"flag_type_id": flag.type_id, "status_id": int(flag.status), "cost_recovery": flag.cost_recovery}
    if flag_id is None:
        row = BillFlag(bill_id=bill_id, created_by=user_id, created_date=now, **values)
        session.add(row)
        session.flush()
        flag_id = row.flag_id
    else:
        session.execute(
            update(BillFlag).where(BillFlag.flag_id == flag_id).values(**values, modified_by=user_id, modified_date=now)
        )
        session.execute(delete(BillFlagAssignee).where(BillFlagAssignee.flag_id == flag_id))
    if flag.assignees:
        session.execute(insert(BillFlagAssignee), [{"flag_id": flag_id, "user_id": u} for u in flag.assignees])
    events = [
        {
            "flag_id": flag_id,
            "action_id": int(action),
            "action_info": action.info,
            "description": f"{action.info} by user {user_id}",
            "comment": comment,
            "created_by": user_id,
            "created_date": now,
        }
        for action in actions or [FlagAction.UPDATED]
    ]
    session.execute(insert(BillFlagEvent), events)
    return flag_id


def _user(session: Session, user_id: int | None) -> UserChild | None:
    if user_id is None:
        return None
    row = session.execute(select(User.user_id, User.user_code, User.full_name).where(User.user_id == user_id)).first()
    return None if row is None else UserChild(row[0], row[1], row[2])


def detail(session: Session, bill_id: int) -> FlagDetail | None:
    """The bill's flag with its users, assignees and history (oldest first), or None."""
    found = flags_of(session, [bill_id]).get(bill_id)
    if found is None:
        return None
    flag_id, flag = found
    row = session.execute(
        select(BillFlag.created_by, BillFlag.created_date, BillFlag.modified_by, BillFlag.modified_date).where(
            BillFlag.flag_id == flag_id
        )
    ).one()
    events = tuple(
        FlagEventRow(event_id, FlagAction(action), description, comment, _user(session, by), when)
        for event_id, action, description, comment, by, when in session.execute(
            select(
                BillFlagEvent.event_id,
                BillFlagEvent.action_id,
                BillFlagEvent.description,
                BillFlagEvent.comment,
                BillFlagEvent.created_by,
                BillFlagEvent.created_date,
            )
            .where(BillFlagEvent.flag_id == flag_id)
            .order_by(BillFlagEvent.event_id)
        )
    )
    assignees = tuple(u for u in (_user(session, a) for a in flag.assignees) if u is not None)
    issues = tuple(
        (int(issue), bool(resolved))
        for issue, resolved in session.execute(
            select(BillFlagIssue.issue_type_id, BillFlagIssue.resolved)
            .where(BillFlagIssue.flag_id == flag_id)
            .order_by(BillFlagIssue.issue_type_id)
        )
    )
    return FlagDetail(
        flag_id, flag, _user(session, row[0]), row[1], _user(session, row[2]), row[3], assignees, events, issues
    )


def unresolved_count_by_batch(session: Session, batch_ids: Sequence[int]) -> dict[int, int]:
    """batch id -> unresolved flags on its live bills."""
    rows = session.execute(
        select(Bill.batch_id, func.count())
        .join(BillFlag, BillFlag.bill_id == Bill.bill_id)
        .where(among(Bill.batch_id, batch_ids), Bill.void.is_(False), BillFlag.status_id == FlagStatus.UNRESOLVED)
        .group_by(Bill.batch_id)
    )
    return {int(batch_id): int(count) for batch_id, count in rows}


@dataclass(frozen=True)
class FlagSummaryRow:
    """An account's or a meter's unresolved flags: their bills' cost, the cost recovered, how many, and whose."""

    item_id: int
    item_display: str
    item_type: str
    parent_id: int
    parent_display: str
    parent_type: str
    active: bool
    cost: Decimal
    cost_recovery: Decimal
    flag_count: int
    flags: AccountFlags | MeterFlags


@dataclass(frozen=True)
class FlagSummary:
    """One page of a flag summary and its totals over every row."""

    rows: list[FlagSummaryRow]
    total_rows: int
    total_cost: Decimal
    total_cost_recovery: Decimal
    flag_count: int


def _tree(column: InstrumentedAttribute[int], parent: InstrumentedAttribute[int | None], root_id: int) -> CTE:
    """A recursive CTE of `root_id` and every node below it."""
    nodes = select(column.label("node_id")).where(column == root_id).cte("nodes", recursive=True)
    child = select(column).where(parent == nodes.c.node_id)
    return nodes.union_all(child)


class _Grouped(NamedTuple):
    """One account's or meter's line of a flag summary, as grouped in SQL."""

    item_id: int
    display: str
    parent_id: int
    cost: Decimal
    recovery: Decimal
    flags: int


def _summary(
    session: Session, grouped: Select[int, str, int, Decimal, Decimal | None, int], page_number: int, page_size: int
) -> tuple[list[_Grouped], FlagSummary]:
    sub = grouped.subquery()
    totals = session.execute(
        select(func.count(), func.sum(sub.c.cost), func.sum(sub.c.recovery), func.sum(sub.c.flags))
    ).one()
    ordered = select(sub).order_by(sub.c.cost.desc(), sub.c.recovery.desc(), sub.c.display, sub.c.item_id)
    page = session.execute(ordered.limit(page_size).offset((page_number - 1) * page_size)).mappings()
    rows = [_Grouped(**row) for row in page]
    summary = FlagSummary([], int(totals[0]), totals[1] or Decimal(0), totals[2] or Decimal(0), int(totals[3] or 0))
    return rows, summary


def summary_by_account(session: Session, cost_center_id: int, page_number: int, page_size: int) -> FlagSummary:
    """Unresolved flags on live bills of the accounts under the cost center (and its descendants), by account."""
    centers = _tree(CostCenter.cost_center_id, CostCenter.parent_id, cost_center_id)
    grouped = (
        select(
            Account.account_id.label("item_id"),
            Account.account_code.label("display"),
            Account.cost_center_id.label("parent_id"),
            func.sum(Bill.total_cost).label("cost"),
            func.coalesce(func.sum(BillFlag.cost_recovery), 0).label("recovery"),
            func.count().label("flags"),
        )
        .join(Bill, Bill.account_id == Account.account_id)
        .join(BillFlag, BillFlag.bill_id == Bill.bill_id)
        .where(
            Account.cost_center_id.in_(select(centers.c.node_id)),
            Bill.void.is_(False),
            BillFlag.status_id == FlagStatus.UNRESOLVED,
        )
        .group_by(Account.account_id, Account.account_code, Account.cost_center_id)
    )
    rows, summary = _summary(session, grouped, page_number, page_size)
    statement, read_flags = account_flags(
        select(Account.account_id, Account.active, CostCenter.cost_center_info).join(
            CostCenter, CostCenter.cost_center_id == Account.cost_center_id
        ),
        Account.account_id,
    )
    facts = {
        m[Account.account_id]: (bool(m[Account.active]), str(m[CostCenter.cost_center_info]), read_flags(m))
        for m in session.execute(statement.where(among(Account.account_id, [r.item_id for r in rows]))).mappings()
    }
    for row in rows:
        active, parent, flags = facts[row.item_id]
        summary.rows.append(
            FlagSummaryRow(
                row.item_id,
                row.display,
                "ACCOUNT",
                row.parent_id,
                parent,
                "COSTCENTER",
                active,
                row.cost,
                row.recovery,
                row.flags,
                flags,
            )
        )
    return summary


def summary_by_meter(session: Session, place_id: int, page_number: int, page_size: int) -> FlagSummary:
    """Unresolved flags on live bills of the meters under the place (and its descendants), by meter: a meter's
    cost is its own cost on the flagged bills, its cost recovery that of the flags of the bills it is on."""
    places = _tree(Place.place_id, Place.parent_id, place_id)
    grouped = (
        select(
            Meter.meter_id.label("item_id"),
            Meter.meter_code.label("display"),
            Meter.place_id.label("parent_id"),
            func.sum(BillMeter.cost).label("cost"),
            func.coalesce(func.sum(BillFlag.cost_recovery), 0).label("recovery"),
            func.count().label("flags"),
        )
        .join(BillMeter, BillMeter.meter_id == Meter.meter_id)
        .join(Bill, Bill.bill_id == BillMeter.bill_id)
        .join(BillFlag, BillFlag.bill_id == Bill.bill_id)
        .where(
            Meter.place_id.in_(select(places.c.node_id)),
            Bill.void.is_(False),
            BillFlag.status_id == FlagStatus.UNRESOLVED,
        )
        .group_by(Meter.meter_id, Meter.meter_code, Meter.place_id)
    )
    rows, summary = _summary(session, grouped, page_number, page_size)
    statement, read_flags = meter_flags(
        select(Meter.meter_id, Meter.active, Commodity.commodity_code, Place.place_info, PlaceType.is_building)
        .join(Commodity, Commodity.commodity_id == Meter.commodity_id)
        .join(Place, Place.place_id == Meter.place_id)
        .join(PlaceType, PlaceType.place_type_id == Place.place_type_id),
        Meter.meter_id,
    )
    facts = {
        m[Meter.meter_id]: (
            bool(m[Meter.active]),
            str(m[Commodity.commodity_code]),
            str(m[Place.place_info]),
            "BUILDING" if m[PlaceType.is_building] else "ORGANIZATION",
            read_flags(m),
        )
        for m in session.execute(statement.where(among(Meter.meter_id, [r.item_id for r in rows]))).mappings()
    }
    for row in rows:
        active, commodity, parent, parent_type, flags = facts[row.item_id]
        summary.rows.append(
            FlagSummaryRow(
                row.item_id,
                row.display,
                commodity,
                row.parent_id,
                parent,
                parent_type,
                active,
                row.cost,
                row.recovery,
                row.flags,
                flags,
            )
        )
    return summary


def cost_center_exists(session: Session, cost_center_id: int) -> bool:
    """Whether the cost center exists."""
    return session.get(CostCenter, cost_center_id) is not None


def place_exists(session: Session, place_id: int) -> bool:
    """Whether the place exists."""
    return session.get(Place, place_id) is not None
