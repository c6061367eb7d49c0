"""Automatic meter groups in the store: each meter's facts a group filter can ask about, the groups with their
filters, and the write that makes a set of meters' automatic memberships what the rules say (domain/auto_groups.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from apportion.domain.auto_groups import GroupFilter, MeterFacts
from apportion.store.id_lists import among
from apportion.store.models.organisation import (
    Account,
    AccountMeter,
    Meter,
    MeterGroup,
    MeterGroupMember,
    Place,
    Vendor,
)
from apportion.store.models.reference import Commodity


@dataclass(frozen=True)
class AutomaticGroup:
    """A user-defined automatic group and its filters as stored."""

    group_id: int
    filters: tuple[GroupFilter, ...]


def filters_from_document(document: Sequence[dict[str, Any]] | None) -> tuple[GroupFilter, ...] | None:
    """Stored filters as typed values (None: a manual group)."""
    if document is None:
        return None
    return tuple(
        GroupFilter(
            int(item["fieldId"]), str(item["operator"]), None if item.get("value") is None else str(item["value"])
        )
        for item in document
    )


def filters_to_document(group_filters: Sequence[GroupFilter] | None) -> list[dict[str, Any]] | None:
    """Filters as stored (None: a manual group)."""
    if group_filters is None:
        return None
    return [{"fieldId": f.field_id, "operator": f.operator, "value": f.value} for f in group_filters]


def automatic_groups(session: Session) -> list[AutomaticGroup]:
    """Every user-defined automatic group with its filters, by id."""
    statement = (
        select(MeterGroup.meter_group_id, MeterGroup.automatic_filters)
        .where(MeterGroup.automatic_filters.is_not(None))
        .order_by(MeterGroup.meter_group_id)
    )
    found: list[AutomaticGroup] = []
    for group_id, document in session.execute(statement):
        group_filters = filters_from_document(document)
        if group_filters is not None:  # JSON null in a JSON column reads back as None
            found.append(AutomaticGroup(group_id, group_filters))
    return found


def _ancestry(session: Session) -> dict[int, tuple[tuple[int, ...], tuple[str, ...]]]:
    """Each place's own id and code followed by those of every place above it."""
    places = {
        place_id: (parent_id, code)
        for place_id, parent_id, code in session.execute(select(Place.place_id, Place.parent_id, Place.place_code))
    }
    chains: dict[int, tuple[tuple[int, ...], tuple[str, ...]]] = {}
    for start in places:
        ids: list[int] = []
        codes: list[str] = []
        at: int | None = start
        while at is not None and at in places and at not in ids:  # a loop cannot be stored; stop anyway
            ids.append(at)
            codes.append(places[at][1])
            at = places[at][0]
        chains[start] = (tuple(ids), tuple(codes))
    return chains


def meter_facts(session: Session, meter_ids: Iterable[int] | None = None) -> list[MeterFacts]:
    """The facts of these meters (None: every meter), by meter id."""
    meter_ids = None if meter_ids is None else list(meter_ids)
    statement = (
        select(
            Meter.meter_id,
            Meter.meter_code,
            Meter.meter_info,
            Meter.serial_number,
            Meter.active,
            Meter.meter_type_id,
            Meter.commodity_id,
            Commodity.commodity_code,
            Meter.place_id,
        )
        .outerjoin(Commodity, Commodity.commodity_id == Meter.commodity_id)
        .order_by(Meter.meter_id)
    )
    if meter_ids is not None:
        statement = statement.where(among(Meter.meter_id, meter_ids))
    rows = session.execute(statement).all()
    if not rows:
        return []
    chains = _ancestry(session)
    links = _links(session, meter_ids)
    found: list[MeterFacts] = []
    for meter_id, code, info, serial, active, type_id, commodity_id, commodity_code, place_id in rows:
        ids, codes = chains.get(place_id, ((), ()))
        linked = links.get(meter_id, [])
        found.append(
            MeterFacts(
                meter_id=meter_id,
                meter_code=code,
                meter_info=info,
                serial_number=serial,
                active=bool(active),
                meter_type_id=type_id,
                commodity_id=commodity_id,
                commodity_code=commodity_code,
                place_id=place_id,
                place_code=codes[0] if codes else None,
                within_place_ids=ids,
                within_place_codes=codes,
                account_ids=tuple(link[0] for link in linked),
                account_codes=tuple(link[1] for link in linked),
                vendor_codes=tuple(link[2] for link in linked),
            )
        )
    return found


def _links(session: Session, meter_ids: Iterable[int] | None) -> dict[int, list[tuple[int, str, str | None]]]:
    """Each meter's links (any dates) as (account id, account code, vendor code), by link id."""
    statement = (
        select(AccountMeter.meter_id, Account.account_id, Account.account_code, Vendor.vendor_code)
        .join(Account, Account.account_id == AccountMeter.account_id)
        .outerjoin(Vendor, Vendor.vendor_id == Account.vendor_id)
        .order_by(AccountMeter.meter_id, AccountMeter.account_meter_id)
    )
    if meter_ids is not None:
        statement = statement.where(among(AccountMeter.meter_id, meter_ids))
    found: dict[int, list[tuple[int, str, str | None]]] = {}
    for meter_id, account_id, account_code, vendor_code in session.execute(statement):
        found.setdefault(meter_id, []).append((account_id, account_code, vendor_code))
    return found


def meters_linked(session: Session, account_ids: Iterable[int] = (), vendor_id: int | None = None) -> list[int]:
    """The meters linked (any dates) to these accounts, or to the accounts of this vendor: the meters whose
    account fields an edit of those accounts or that vendor can change."""
    statement = select(AccountMeter.meter_id).join(Account, Account.account_id == AccountMeter.account_id)
    if vendor_id is not None:
        statement = statement.where(Account.vendor_id == vendor_id)
    else:
        statement = statement.where(among(AccountMeter.account_id, list(account_ids)))
    return sorted(set(session.execute(statement).scalars()))


def sync_memberships(
    session: Session,
    group_ids: Sequence[int],
    meter_ids: Sequence[int] | None,
    wanted: Iterable[tuple[int, int]],
    now: datetime,
) -> None:
    """Make the memberships of `group_ids` among `meter_ids` (None: every meter) exactly the `wanted` (group id,
    meter id) pairs; a group that gains or loses a member is marked updated at `now`. New members show in charts."""
    if not group_ids:
        return
    scope = [among(MeterGroupMember.meter_group_id, group_ids)]
    if meter_ids is not None:
        scope.append(among(MeterGroupMember.meter_id, meter_ids))
    members = select(MeterGroupMember.meter_group_id, MeterGroupMember.meter_id).where(*scope)
    current = {(int(group_id), int(meter_id)) for group_id, meter_id in session.execute(members)}
    target = set(wanted)
    gone, new = sorted(current - target), sorted(target - current)
    leaving: dict[int, list[int]] = {}
    for group_id, meter_id in gone:
        leaving.setdefault(group_id, []).append(meter_id)
    for group_id, meters in leaving.items():
        session.execute(
            delete(MeterGroupMember).where(
                MeterGroupMember.meter_group_id == group_id, among(MeterGroupMember.meter_id, meters)
            )
        )
    if new:
        rows = [{"meter_group_id": g, "meter_id": m, "include_in_charts": True} for g, m in new]
        session.execute(insert(MeterGroupMember), rows)
    touched = sorted({g for g, _ in gone} | {g for g, _ in new})
    if touched:
        session.execute(update(MeterGroup).where(among(MeterGroup.meter_group_id, touched)).values(last_updated=now))
