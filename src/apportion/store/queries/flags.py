"""Flag types and bill flags as typed values: read a flag with its history and assignees, write a flag edit's
outcome, count unresolved flags (accounting.md §2.3, §3.6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from apportion.domain.flags import FIRST_USER_TYPE, Flag, FlagAction, FlagStatus
from apportion.store.id_lists import among
from apportion.store.models.accounting import BillFlag, BillFlagAssignee, BillFlagEvent, FlagType
from apportion.store.models.bills import Bill
from apportion.store.models.users import User
from apportion.store.queries.children import UserChild

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
    return FlagDetail(flag_id, flag, _user(session, row[0]), row[1], _user(session, row[2]), row[3], assignees, events)


def unresolved_count_by_batch(session: Session, batch_ids: Sequence[int]) -> dict[int, int]:
    """batch id -> unresolved flags on its live bills."""
    rows = session.execute(
        select(Bill.batch_id, func.count())
        .join(BillFlag, BillFlag.bill_id == Bill.bill_id)
        .where(among(Bill.batch_id, batch_ids), Bill.void.is_(False), BillFlag.status_id == FlagStatus.UNRESOLVED)
        .group_by(Bill.batch_id)
    )
    return {int(batch_id): int(count) for batch_id, count in rows}
