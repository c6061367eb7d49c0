"""Keep automatic meter groups' members what their filters say (domain/auto_groups.py), inside the transaction that
changed a meter, a place or a group, so a member list is never stale: a meter created, renamed or deleted, a place
moved or recoded, a link made or deleted, an account or a vendor edited, a group's filters written.

Members are stored like a manual group's (meter_group_members), so whatever reads a group (dynamic bill splits,
calculations summing a group, the member list) reads an automatic one the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from apportion.domain import auto_groups
from apportion.store.database import UnitOfWork
from apportion.store.queries import group_facts


def refresh(
    session: UnitOfWork,
    now: datetime,
    meter_ids: Sequence[int] | None = None,
    group_ids: Sequence[int] | None = None,
) -> None:
    """Recompute the automatic memberships of these meters (None: every meter) in these groups (None: every
    automatic group); groups gaining or losing a member are marked updated at `now`."""
    groups = group_facts.automatic_groups(session)
    if group_ids is not None:
        groups = [g for g in groups if g.group_id in set(group_ids)]
    if not groups:
        return
    facts = group_facts.meter_facts(session, meter_ids)
    wanted = [
        (group.group_id, meter_id)
        for group in groups
        for meter_id in auto_groups.members(auto_groups.parse(group.filters), facts)
    ]
    group_facts.sync_memberships(session, [g.group_id for g in groups], meter_ids, wanted, now)


def forget_meter(session: UnitOfWork, meter_id: int, now: datetime) -> None:
    """A meter about to be deleted leaves its automatic groups (marked updated at `now`)."""
    groups = [g.group_id for g in group_facts.automatic_groups(session)]
    group_facts.sync_memberships(session, groups, [meter_id], [], now)


def refresh_linked(
    session: UnitOfWork, now: datetime, account_ids: Sequence[int] = (), vendor_id: int | None = None
) -> None:
    """Recompute the automatic memberships of the meters linked to these accounts (or to this vendor's accounts):
    their account fields (accountId, accountCode, vendorCode) may have changed."""
    meters = group_facts.meters_linked(session, account_ids, vendor_id)
    if meters:
        refresh(session, now, meter_ids=meters)
