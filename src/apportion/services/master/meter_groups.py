"""Meter groups: manual groups of meters (list, read, create, edit, delete) and a meter's memberships.

Automatic groups (filter-defined) are not built here: a request with automaticGroupFilters is refused, so every
group is manual and can feed dynamic bill splits (domain.md §2.2: auto groups cannot be used in calculations).
Group categories are a fixed list (docs/reference-data.md), kept by code in meter_groups.category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from apportion.domain import filters
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.child_columns import join_meter_child
from apportion.services.ids import fetch, known, parse_filter, require
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import Meter, MeterGroup, MeterGroupMember
from apportion.store.models.reference import Commodity

CATEGORIES: dict[int, tuple[str, str]] = {1: ("GENERAL", "General"), 2: ("CHARGEBACK", "Chargeback")}
CATEGORY_IDS = {code: category_id for category_id, (code, _info) in CATEGORIES.items()}

FILTERS = filters.specs(
    FieldSpec("meterGroupId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("meterGroupCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("meterGroupInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("autoGroup", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
)


@dataclass(frozen=True)
class GroupFields:
    """MeterGroupRequest as the service needs it."""

    info: str
    category_id: int
    limit_members_by_topmost: bool
    has_automatic_filters: bool = False
    members: Sequence[int] | None = None


@dataclass(frozen=True)
class Membership:
    """One MeterGroupMember of PUT /meter/{meterId}/group."""

    group_id: int | None
    include_in_charts: bool = True


@cache
def _select() -> Any:
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
    return select(
        MeterGroup,
        func.coalesce(counts.c.member_count, 0).label("member_count"),
        case((counts.c.commodities == 1, counts.c.commodity_code), else_=None).label("member_commodity_code"),
    ).outerjoin(counts, counts.c.group_id == MeterGroup.meter_group_id)


def category_of(group: MeterGroup) -> tuple[int, str, str] | None:
    """(id, code, info) of a group's category."""
    category_id = CATEGORY_IDS.get(group.category or "")
    return (category_id, *CATEGORIES[category_id]) if category_id else None


def list_groups(db: Database, filter_text: str | None, today: date) -> list[RowMapping]:
    """Meter groups matching the filter with member counts, by id."""
    conditions = parse_filter(filter_text, FILTERS)
    targets = {
        "meterGroupId": MeterGroup.meter_group_id,
        "meterGroupCode": MeterGroup.meter_group_code,
        "meterGroupInfo": MeterGroup.meter_group_info,
        "autoGroup": MeterGroup.auto_group,
    }
    statement = _select().where(compile_filter(conditions, targets, today)).order_by(MeterGroup.meter_group_id)
    with db.reading() as session:
        return list(session.execute(statement).mappings())


def get_group(db: Database, group_id: int) -> RowMapping:
    """One meter group with its member count, or NotFound."""
    require(group_id, "Meter group")
    with db.reading() as session:
        row = session.execute(_select().where(MeterGroup.meter_group_id == group_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Meter group", group_id)
    return row


def _check(session: Session, fields: GroupFields, group_id: int | None) -> None:
    errors: dict[str, list[str]] = {}
    if not fields.info.strip():
        errors["meterGroupInfo"] = ["meterGroupInfo must not be empty."]
    else:
        clash = select(MeterGroup.meter_group_id).where(
            func.lower(MeterGroup.meter_group_info) == fields.info.lower(),
            MeterGroup.meter_group_id != (group_id or 0),
        )
        if session.execute(clash).first():
            errors["meterGroupInfo"] = [f"A meter group named '{fields.info}' exists already."]
    if fields.category_id not in CATEGORIES:
        categories = ", ".join(f"{i} ({info})" for i, (_code, info) in CATEGORIES.items())
        errors["meterGroupCategoryId"] = [f"Category {fields.category_id} does not exist. Categories: {categories}."]
    if fields.has_automatic_filters:
        errors["automaticGroupFilters"] = [
            "Automatic groups are not supported; list the members in manualGroupMembers."
        ]
    elif fields.members is None:
        errors["manualGroupMembers"] = ["manualGroupMembers is required (an empty array makes an empty group)."]
    else:
        known_meters = set(
            session.execute(select(Meter.meter_id).where(Meter.meter_id.in_(known(fields.members)))).scalars()
        )
        for i, meter_id in enumerate(fields.members):
            if meter_id not in known_meters:
                errors[f"manualGroupMembers[{i}]"] = [f"Meter {meter_id} does not exist."]
    if errors:
        raise ValidationFailed(errors)


def _set_members(session: Session, group_id: int, meter_ids: Sequence[int]) -> None:
    session.execute(delete(MeterGroupMember).where(MeterGroupMember.meter_group_id == group_id))
    rows = [{"meter_group_id": group_id, "meter_id": m, "include_in_charts": True} for m in dict.fromkeys(meter_ids)]
    if rows:
        session.execute(insert(MeterGroupMember), rows)


def create_group(db: Database, fields: GroupFields, now: datetime) -> int:
    """Create a manual group with its members; names are unique (case-insensitive) and double as codes."""
    with db.transaction() as session:
        _check(session, fields, None)
        group = MeterGroup(
            meter_group_code=fields.info,
            meter_group_info=fields.info,
            category=CATEGORIES[fields.category_id][0],
            auto_group=False,
            limit_members_by_topmost=fields.limit_members_by_topmost,
            last_updated=now,
        )
        session.add(group)
        session.flush()
        _set_members(session, group.meter_group_id, fields.members or ())
        return group.meter_group_id


def edit_group(db: Database, group_id: int, fields: GroupFields, now: datetime) -> None:
    """Replace a group's name, category, setting and members."""
    with db.transaction() as session:
        group = fetch(session, MeterGroup, group_id)
        if group is None:
            raise NotFound("Meter group", group_id)
        _check(session, fields, group_id)
        group.meter_group_code = group.meter_group_info = fields.info
        group.category = CATEGORIES[fields.category_id][0]
        group.limit_members_by_topmost = fields.limit_members_by_topmost
        group.last_updated = now
        _set_members(session, group_id, fields.members or ())


def delete_group(db: Database, group_id: int) -> None:
    """Delete a user-created group that no dynamic bill split uses."""
    with db.transaction() as session:
        group = fetch(session, MeterGroup, group_id)
        if group is None:
            raise NotFound("Meter group", group_id)
        if group.auto_group:
            raise RuleViolation(f"Meter group {group_id} is an automatic group and cannot be deleted.")
        used = select(DistributionVersion.version_id).where(DistributionVersion.dynamic_meter_group_id == group_id)
        if session.execute(used.limit(1)).first():
            raise RuleViolation(f"Meter group {group_id} is used by a dynamic bill split; change the split first.")
        session.delete(group)


@cache
def _members() -> Any:
    statement = select(MeterGroupMember.include_in_charts)
    return join_meter_child(statement, MeterGroupMember.meter_id, "meter", with_place=True).order_by(
        MeterGroupMember.meter_id
    )


def members(db: Database, group_id: int) -> list[RowMapping]:
    """A group's members (`meter_*` columns with the place, and `include_in_charts`), by meter id."""
    with db.reading() as session:
        if fetch(session, MeterGroup, group_id) is None:
            raise NotFound("Meter group", group_id)
        statement = _members().where(MeterGroupMember.meter_group_id == group_id)
        return list(session.execute(statement).mappings())


def set_meter_groups(db: Database, meter_id: int, memberships: Sequence[Membership], now: datetime) -> list[RowMapping]:
    """Make `memberships` the meter's manual groups (automatic memberships stay); returns all its groups."""
    with db.transaction() as session:
        if fetch(session, Meter, meter_id) is None:
            raise NotFound("Meter", meter_id)
        wanted = known(m.group_id for m in memberships)
        groups = {
            g.meter_group_id: g
            for g in session.execute(select(MeterGroup).where(MeterGroup.meter_group_id.in_(wanted))).scalars()
        }
        errors: dict[str, list[str]] = {}
        seen: set[int] = set()
        for i, member in enumerate(memberships):
            where = f"[{i}].meterGroupId"
            group = groups.get(member.group_id) if member.group_id is not None else None
            if member.group_id is None:
                errors[where] = ["meterGroupId is required."]
            elif group is None:
                errors[where] = [f"Meter group {member.group_id} does not exist."]
            elif group.auto_group:
                errors[where] = [f"Meter group {member.group_id} is automatic; its members cannot be set."]
            elif member.group_id in seen:
                errors[where] = [f"Meter group {member.group_id} is listed twice."]
            if member.group_id is not None:
                seen.add(member.group_id)
        if errors:
            raise ValidationFailed(errors)
        manual = select(MeterGroup.meter_group_id).where(MeterGroup.auto_group.is_(False))
        before = set(
            session.execute(
                select(MeterGroupMember.meter_group_id).where(
                    MeterGroupMember.meter_id == meter_id, MeterGroupMember.meter_group_id.in_(manual)
                )
            ).scalars()
        )
        session.execute(
            delete(MeterGroupMember).where(
                MeterGroupMember.meter_id == meter_id, MeterGroupMember.meter_group_id.in_(manual)
            )
        )
        rows = [
            {"meter_group_id": m.group_id, "meter_id": meter_id, "include_in_charts": m.include_in_charts}
            for m in memberships
        ]
        if rows:
            session.execute(insert(MeterGroupMember), rows)
        touched = sorted(before | seen)
        if touched:
            session.execute(update(MeterGroup).where(MeterGroup.meter_group_id.in_(touched)).values(last_updated=now))
        statement = (
            select(MeterGroup)
            .join(MeterGroupMember, MeterGroupMember.meter_group_id == MeterGroup.meter_group_id)
            .where(MeterGroupMember.meter_id == meter_id)
            .order_by(MeterGroup.meter_group_id)
        )
        return list(session.execute(statement).mappings())
