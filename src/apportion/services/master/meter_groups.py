"""Meter groups: manual and automatic groups of meters (list, read, create, edit, delete) and a meter's memberships.

A manual group lists its members (manualGroupMembers); a user-defined automatic group has filters
(automaticGroupFilters, domain/auto_groups.py) and its members are the meters they match, recomputed whenever a
meter, a place or the group changes (services/master/auto_groups.py). Both feed dynamic bill splits and
calculations; only system auto groups (autoGroup) are refused there (domain.md §2.2). Group categories are a fixed
list (docs/reference-data.md), kept by code in meter_groups.category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from apportion.domain import auto_groups, filters
from apportion.domain.auto_groups import GroupFilter
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import known, parse_filter, require
from apportion.domain.scoping import Scope
from apportion.services.master.auto_groups import refresh
from apportion.store.database import Database, DbSession
from apportion.store.queries import meter_groups as store
from apportion.store.queries import meters
from apportion.store.queries.meter_groups import (
    GroupMember,
    GroupRow,
    GroupValues,
    MeterGroupRecord,
    NewMembership,
)

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
    """MeterGroupRequest as the service needs it: members (a manual group) or filters (an automatic one)."""

    info: str
    category_id: int
    limit_members_by_topmost: bool
    automatic_filters: Sequence[GroupFilter] | None = None
    members: Sequence[int] | None = None


@dataclass(frozen=True)
class Membership:
    """One MeterGroupMember of PUT /meter/{meterId}/group."""

    group_id: int | None
    include_in_charts: bool = True


def category_of(group: MeterGroupRecord) -> tuple[int, str, str] | None:
    """(id, code, info) of a group's category."""
    category_id = CATEGORY_IDS.get(group.category or "")
    return (category_id, *CATEGORIES[category_id]) if category_id else None


def list_groups(db: Database, filter_text: str | None, today: date) -> list[GroupRow]:
    """Meter groups matching the filter with member counts, by id."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return store.list_groups(session, conditions, today)


def get_group(db: Database, group_id: int) -> GroupRow:
    """One meter group with its member count, or NotFound."""
    require(group_id, "Meter group")
    with db.reading() as session:
        row = store.get_group(session, group_id)
    if row is None:
        raise NotFound("Meter group", group_id)
    return row


def _check(session: DbSession, fields: GroupFields, group_id: int | None) -> None:
    errors: dict[str, list[str]] = {}
    if not fields.info.strip():
        errors["meterGroupInfo"] = ["meterGroupInfo must not be empty."]
    elif store.name_taken(session, fields.info, group_id):
        errors["meterGroupInfo"] = [f"A meter group named '{fields.info}' exists already."]
    if fields.category_id not in CATEGORIES:
        categories = ", ".join(f"{i} ({info})" for i, (_code, info) in CATEGORIES.items())
        errors["meterGroupCategoryId"] = [f"Category {fields.category_id} does not exist. Categories: {categories}."]
    if fields.automatic_filters is not None and fields.members is not None:
        errors["automaticGroupFilters"] = ["Pass automaticGroupFilters or manualGroupMembers, not both."]
    elif fields.automatic_filters is not None:
        try:
            auto_groups.parse(fields.automatic_filters)
        except ValidationFailed as failed:
            errors.update(failed.errors)
    elif fields.members is None:
        errors["manualGroupMembers"] = [
            "manualGroupMembers (or automaticGroupFilters) is required (an empty array makes an empty group)."
        ]
    else:
        known_meters = store.existing_meters(session, fields.members)
        for i, meter_id in enumerate(fields.members):
            if meter_id not in known_meters:
                errors[f"manualGroupMembers[{i}]"] = [f"Meter {meter_id} does not exist."]
    if errors:
        raise ValidationFailed(errors)


def _values(fields: GroupFields) -> GroupValues:
    automatic = None if fields.automatic_filters is None else tuple(fields.automatic_filters)
    return GroupValues(fields.info, CATEGORIES[fields.category_id][0], fields.limit_members_by_topmost, automatic)


def _write_members(session: DbSession, group_id: int, fields: GroupFields, now: datetime) -> None:
    if fields.automatic_filters is None:
        store.set_members(session, group_id, fields.members or ())
    else:
        refresh(session, now, group_ids=[group_id])


def create_group(db: Database, fields: GroupFields, now: datetime) -> int:
    """Create a manual group with its members, or an automatic one with the meters its filters match; names are
    unique (case-insensitive) and double as codes."""
    with db.transaction() as session:
        _check(session, fields, None)
        group_id = store.insert_group(session, _values(fields), now)
        _write_members(session, group_id, fields, now)
        return group_id


def edit_group(db: Database, group_id: int, fields: GroupFields, now: datetime) -> None:
    """Replace a group's name, category, setting and members or filters (a group may turn manual or automatic)."""
    with db.transaction() as session:
        group = store.group_record(session, group_id)
        if group is None:
            raise NotFound("Meter group", group_id)
        if group.auto_group:
            raise RuleViolation(f"Meter group {group_id} is a system auto group and cannot be edited.")
        _check(session, fields, group_id)
        store.update_group(session, group_id, _values(fields), now)
        _write_members(session, group_id, fields, now)


def delete_group(db: Database, group_id: int) -> None:
    """Delete a user-created group that no dynamic bill split uses."""
    with db.transaction() as session:
        group = store.group_record(session, group_id)
        if group is None:
            raise NotFound("Meter group", group_id)
        if group.auto_group:
            raise RuleViolation(f"Meter group {group_id} is an automatic group and cannot be deleted.")
        if store.used_by_versions(session, group_id):
            raise RuleViolation(f"Meter group {group_id} is used by a dynamic bill split; change the split first.")
        store.delete_group(session, group_id)


def members(db: Database, group_id: int, scope: Scope = Scope.WHOLE) -> list[GroupMember]:
    """A group's members in the caller's `scope` (each meter with its place, and whether it shows in charts), by
    meter id."""
    with db.reading() as session:
        if store.group_record(session, group_id) is None:
            raise NotFound("Meter group", group_id)
        return store.members_of(session, group_id, scope)


def set_meter_groups(
    db: Database, meter_id: int, memberships: Sequence[Membership], now: datetime
) -> list[MeterGroupRecord]:
    """Make `memberships` the meter's manual groups (automatic memberships stay); returns all its groups."""
    with db.transaction() as session:
        if not meters.meter_exists(session, meter_id):
            raise NotFound("Meter", meter_id)
        groups = store.group_records(session, known(m.group_id for m in memberships))
        already = {g.meter_group_id for g in store.groups_of(session, meter_id)}
        errors: dict[str, list[str]] = {}
        seen: set[int] = set()
        wanted: list[NewMembership] = []
        for i, member in enumerate(memberships):
            where = f"[{i}].meterGroupId"
            group = groups.get(member.group_id) if member.group_id is not None else None
            if member.group_id is None:
                errors[where] = ["meterGroupId is required."]
            elif group is None:
                errors[where] = [f"Meter group {member.group_id} does not exist."]
            elif group.auto_group:
                errors[where] = [f"Meter group {member.group_id} is automatic; its members cannot be set."]
            elif group.automatic_filters is not None and member.group_id in already:
                continue  # listing an automatic group the meter is in changes nothing (its rule keeps it)
            elif group.automatic_filters is not None:
                errors[where] = [
                    f"Meter group {member.group_id} is an automatic group: its members are the meters matching "
                    f"its filters ({auto_groups.describe(group.automatic_filters)}) and cannot be added or removed "
                    "by hand; change the meter or the group's automaticGroupFilters."
                ]
            elif member.group_id in seen:
                errors[where] = [f"Meter group {member.group_id} is listed twice."]
            if member.group_id is not None:
                seen.add(member.group_id)
                wanted.append(NewMembership(member.group_id, member.include_in_charts))
        if errors:
            raise ValidationFailed(errors)
        store.replace_manual_memberships(session, meter_id, wanted, now)
        return store.groups_of(session, meter_id)
