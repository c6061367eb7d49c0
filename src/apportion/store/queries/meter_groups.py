"""Meter groups as typed values: groups with their member counts, members with their meters, a meter's groups;
and the writes of groups and memberships."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from apportion.domain.auto_groups import GroupFilter
from apportion.domain.filters import Condition
from apportion.domain.ids import in_range, known
from apportion.domain.scoping import Scope
from apportion.store import scoping
from apportion.store.filtering import compile_filter
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import Meter, MeterGroup, MeterGroupMember
from apportion.store.models.reference import Commodity
from apportion.store.queries.children import MeterChild, join_meter
from apportion.store.queries.group_facts import filters_from_document, filters_to_document
from apportion.store.queries.shaped import Shaped, present


@dataclass(frozen=True)
class MeterGroupRecord:
    """A meter group as stored; `category` is its category's code; `automatic_filters` are a user-defined automatic
    group's filters (None: the group is not one)."""

    meter_group_id: int
    meter_group_code: str
    meter_group_info: str
    category: str | None
    auto_group: bool
    limit_members_by_topmost: bool
    last_updated: datetime | None
    automatic_filters: tuple[GroupFilter, ...] | None = None

    @property
    def user_defined_auto_group(self) -> bool:
        """Whether the group's members are the meters its filters match."""
        return self.automatic_filters is not None


@dataclass(frozen=True)
class GroupRow:
    """A meter group with its member count and its members' commodity (None when they have several or none)."""

    group: MeterGroupRecord
    member_count: int
    member_commodity_code: str | None


@dataclass(frozen=True)
class GroupMember:
    """A member of a group: its meter (with its place) and whether it shows in charts."""

    meter: MeterChild
    include_in_charts: bool


class GroupValues(NamedTuple):
    """A group's editable columns (its name is also its code); filters make it automatic."""

    info: str
    category: str
    limit_members_by_topmost: bool
    automatic_filters: tuple[GroupFilter, ...] | None = None


class NewMembership(NamedTuple):
    """A meter's membership of a group."""

    group_id: int
    include_in_charts: bool


_GROUP = (
    MeterGroup.meter_group_id,
    MeterGroup.meter_group_code,
    MeterGroup.meter_group_info,
    MeterGroup.category,
    MeterGroup.auto_group,
    MeterGroup.limit_members_by_topmost,
    MeterGroup.last_updated,
    MeterGroup.automatic_filters,
)


def _record(row: RowMapping) -> MeterGroupRecord:
    return MeterGroupRecord(
        row[MeterGroup.meter_group_id],
        row[MeterGroup.meter_group_code],
        row[MeterGroup.meter_group_info],
        row[MeterGroup.category],
        row[MeterGroup.auto_group],
        row[MeterGroup.limit_members_by_topmost],
        row[MeterGroup.last_updated],
        filters_from_document(row[MeterGroup.automatic_filters]),
    )


@cache
def _groups() -> Shaped[GroupRow]:
    counts = (
        select(
            MeterGroupMember.meter_group_id.label("group_id"),
            func.count().label("member_count"),
            func.count(func.distinct(Meter.commodity_id)).label("commodities"),
            func.min(Commodity.commodity_code).label("commodity_code"),
        )
        .join(Meter, Meter.meter_id == MeterGroupMember.meter_id)
        .join(Commodity, Commodity.commodity_id == Meter.commodity_id)
        .group_by(MeterGroupMember.meter_group_id)
        .subquery()
    )
    member_count = func.coalesce(counts.c.member_count, 0).label(None)
    commodity_code = case((counts.c.commodities == 1, counts.c.commodity_code), else_=None).label(None)
    statement = select(*_GROUP, member_count, commodity_code).outerjoin(
        counts, counts.c.group_id == MeterGroup.meter_group_id
    )

    def read(row: RowMapping) -> GroupRow:
        return GroupRow(_record(row), row[member_count], row[commodity_code])

    return Shaped(statement.order_by(MeterGroup.meter_group_id), read)


def list_groups(session: Session, conditions: Sequence[Condition], today: date) -> list[GroupRow]:
    """Meter groups matching the conditions, by id."""
    targets = {
        "meterGroupId": MeterGroup.meter_group_id,
        "meterGroupCode": MeterGroup.meter_group_code,
        "meterGroupInfo": MeterGroup.meter_group_info,
        "autoGroup": MeterGroup.auto_group,
    }
    return _groups().all(session, compile_filter(conditions, targets, today))


def get_group(session: Session, group_id: int) -> GroupRow | None:
    """One meter group, or None."""
    return _groups().one(session, MeterGroup.meter_group_id == group_id)


def group_record(session: Session, group_id: int) -> MeterGroupRecord | None:
    """One meter group as stored, or None."""
    if not in_range(group_id):
        return None
    row = session.execute(select(*_GROUP).where(MeterGroup.meter_group_id == group_id)).mappings().one_or_none()
    return None if row is None else _record(row)


def group_records(session: Session, group_ids: Sequence[int]) -> dict[int, MeterGroupRecord]:
    """The meter groups with these ids, by id."""
    rows = session.execute(select(*_GROUP).where(MeterGroup.meter_group_id.in_(known(group_ids)))).mappings()
    return {record.meter_group_id: record for record in map(_record, rows)}


def name_taken(session: Session, name: str, except_id: int | None) -> bool:
    """Whether another group has this name (compared without case)."""
    clash = select(MeterGroup.meter_group_id).where(
        func.lower(MeterGroup.meter_group_info) == name.lower(), MeterGroup.meter_group_id != (except_id or 0)
    )
    return session.execute(clash).first() is not None


def existing_meters(session: Session, meter_ids: Sequence[int]) -> set[int]:
    """Which of these meters exist."""
    return set(session.execute(select(Meter.meter_id).where(Meter.meter_id.in_(known(meter_ids)))).scalars())


def used_by_versions(session: Session, group_id: int) -> bool:
    """Whether a dynamic bill split uses the group."""
    used = select(DistributionVersion.version_id).where(DistributionVersion.dynamic_meter_group_id == group_id)
    return session.execute(used.limit(1)).first() is not None


def insert_group(session: Session, values: GroupValues, now: datetime) -> int:
    """Write a new group (automatic when it has filters); returns its id."""
    group = MeterGroup(
        meter_group_code=values.info,
        meter_group_info=values.info,
        category=values.category,
        auto_group=False,
        limit_members_by_topmost=values.limit_members_by_topmost,
        last_updated=now,
        automatic_filters=filters_to_document(values.automatic_filters),
    )
    session.add(group)
    session.flush()
    return group.meter_group_id


def update_group(session: Session, group_id: int, values: GroupValues, now: datetime) -> None:
    """Replace a group's name (and code), category, setting and filters."""
    session.execute(
        update(MeterGroup)
        .where(MeterGroup.meter_group_id == group_id)
        .values(
            meter_group_code=values.info,
            meter_group_info=values.info,
            category=values.category,
            limit_members_by_topmost=values.limit_members_by_topmost,
            last_updated=now,
            automatic_filters=filters_to_document(values.automatic_filters),
        )
    )


def delete_group(session: Session, group_id: int) -> None:
    """Delete a group (its memberships go with it)."""
    session.execute(delete(MeterGroup).where(MeterGroup.meter_group_id == group_id))


def set_members(session: Session, group_id: int, meter_ids: Sequence[int]) -> None:
    """Make `meter_ids` the group's members (shown in charts)."""
    session.execute(delete(MeterGroupMember).where(MeterGroupMember.meter_group_id == group_id))
    rows = [{"meter_group_id": group_id, "meter_id": m, "include_in_charts": True} for m in dict.fromkeys(meter_ids)]
    if rows:
        session.execute(insert(MeterGroupMember), rows)


@cache
def _members() -> Shaped[GroupMember]:
    statement, read_meter = join_meter(select(MeterGroupMember.include_in_charts), MeterGroupMember.meter_id, True)
    read_present_meter = present(read_meter, "meter")

    def read(row: RowMapping) -> GroupMember:
        return GroupMember(read_present_meter(row), row[MeterGroupMember.include_in_charts])

    return Shaped(statement.order_by(MeterGroupMember.meter_id), read)


def members_of(session: Session, group_id: int, scope: Scope = Scope.WHOLE) -> list[GroupMember]:
    """A group's members (those in `scope`), by meter id."""
    in_scope = scoping.within(MeterGroupMember.meter_id, scoping.meter_ids(scope))
    return _members().all(session, MeterGroupMember.meter_group_id == group_id, in_scope)


def replace_manual_memberships(
    session: Session, meter_id: int, memberships: Sequence[NewMembership], now: datetime
) -> None:
    """Make `memberships` the meter's manual groups (automatic memberships stay); every group it joins or leaves
    is marked updated at `now`."""
    manual = select(MeterGroup.meter_group_id).where(
        MeterGroup.auto_group.is_(False), MeterGroup.automatic_filters.is_(None)
    )
    mine = (MeterGroupMember.meter_id == meter_id, MeterGroupMember.meter_group_id.in_(manual))
    before = set(session.execute(select(MeterGroupMember.meter_group_id).where(*mine)).scalars())
    session.execute(delete(MeterGroupMember).where(*mine))
    rows = [
        {"meter_group_id": m.group_id, "meter_id": meter_id, "include_in_charts": m.include_in_charts}
        for m in memberships
    ]
    if rows:
        session.execute(insert(MeterGroupMember), rows)
    touched = sorted(before | {m.group_id for m in memberships})
    if touched:
        session.execute(update(MeterGroup).where(MeterGroup.meter_group_id.in_(touched)).values(last_updated=now))


def groups_of(session: Session, meter_id: int) -> list[MeterGroupRecord]:
    """Every group the meter belongs to, by id."""
    statement = (
        select(*_GROUP)
        .join(MeterGroupMember, MeterGroupMember.meter_group_id == MeterGroup.meter_group_id)
        .where(MeterGroupMember.meter_id == meter_id)
        .order_by(MeterGroup.meter_group_id)
    )
    return [_record(row) for row in session.execute(statement).mappings()]
