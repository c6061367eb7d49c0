"""Saved bill lists as typed values: make, read, delete, and the bills a list holds (its members, or the bills its
filter picks today). The `listId` of EnergyCAP's list actions (operations.md §8) names one of these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.store.filtering import Clause, compile_filter
from apportion.store.id_lists import among
from apportion.store.models.accounting import BillList, BillListMember
from apportion.store.models.bills import Bill
from apportion.store.models.users import User
from apportion.store.queries import bills
from apportion.store.queries.bills import BillPage
from apportion.store.queries.children import UserChild

INSERT_CHUNK = 5000


@dataclass(frozen=True)
class BillListRecord:
    """A saved list: its name, its filter (None: the list names its bills), who made it and when, and how many bills
    it names (members; None for a filter list, whose bills are counted when it is used)."""

    list_id: int
    name: str
    filter_text: str | None
    created_by: UserChild | None
    created_date: datetime
    member_count: int | None


def create(
    session: Session, name: str, filter_text: str | None, bill_ids: Sequence[int], user_id: int, now: datetime
) -> int:
    """A new list with its member bills; its id."""
    row = BillList(name=name, filter_text=filter_text, created_by=user_id, created_date=now)
    session.add(row)
    session.flush()
    members = sorted(set(bill_ids))
    for start in range(0, len(members), INSERT_CHUNK):
        chunk = members[start : start + INSERT_CHUNK]
        session.execute(insert(BillListMember), [{"list_id": row.list_id, "bill_id": b} for b in chunk])
    return row.list_id


def _records(session: Session, where: Clause | None) -> list[BillListRecord]:
    counts = (
        select(BillListMember.list_id, func.count().label("members"))
        .group_by(BillListMember.list_id)
        .subquery("member_counts")
    )
    statement = (
        select(
            BillList.list_id,
            BillList.name,
            BillList.filter_text,
            BillList.created_date,
            User.user_id,
            User.user_code,
            User.full_name,
            counts.c.members,
        )
        .outerjoin(User, User.user_id == BillList.created_by)
        .outerjoin(counts, counts.c.list_id == BillList.list_id)
        .order_by(BillList.list_id)
    )
    if where is not None:
        statement = statement.where(where)
    found = []
    for list_id, name, filter_text, created, user_id, user_code, full_name, members in session.execute(statement):
        user = UserChild(user_id, user_code, full_name) if user_id is not None else None
        count = None if filter_text is not None else int(members or 0)
        found.append(BillListRecord(list_id, name, filter_text, user, created, count))
    return found


def get(session: Session, list_id: int) -> BillListRecord | None:
    """One list, or None."""
    found = _records(session, BillList.list_id == list_id)
    return found[0] if found else None


def all_lists(session: Session) -> list[BillListRecord]:
    """Every saved list, by id."""
    return _records(session, None)


def remove(session: Session, list_id: int) -> bool:
    """Delete a list (its members go with it); whether there was one."""
    statement = delete(BillList).where(BillList.list_id == list_id).returning(BillList.list_id)
    return session.execute(statement).first() is not None


def _bills_of(list_id: int, conditions: Sequence[Condition] | None, today: date) -> Clause:
    """The clause picking a list's bills: its filter's (conditions given) or its members."""
    if conditions is not None:
        return compile_filter(conditions, bills.filter_targets(), today)
    return Bill.bill_id.in_(select(BillListMember.bill_id).where(BillListMember.list_id == list_id))


def bill_ids(session: Session, list_id: int, conditions: Sequence[Condition] | None, today: date) -> list[int]:
    """The ids of the list's bills, in order (`conditions`: the parsed filter of a filter list, else None)."""
    statement = select(Bill.bill_id).where(_bills_of(list_id, conditions, today)).order_by(Bill.bill_id)
    return list(session.execute(statement).scalars())


def bills_page(
    session: Session,
    list_id: int,
    conditions: Sequence[Condition] | None,
    today: date,
    page_number: int,
    page_size: int,
) -> BillPage:
    """One page of the list's bills, as GET /api/v3/bill lists them."""
    return bills.list_bills_where(session, _bills_of(list_id, conditions, today), page_number, page_size)


def existing(session: Session, ids: Sequence[int]) -> set[int]:
    """Those of the ids that are bills."""
    return set(session.execute(select(Bill.bill_id).where(among(Bill.bill_id, sorted(set(ids))))).scalars())
