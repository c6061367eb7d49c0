"""Flag types and bill flags (GET/POST/DELETE /api/v3/flag/flagType, GET/PUT /api/v3/flag/{entityType}/{entityId},
PUT /api/v3/flag/{entityType}/flagAction; accounting.md §2.3, §3.6). The matrix is domain.flags'; a flag's hold
or release reaches the bill's export hold in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from apportion.domain import flags as rules
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.flags import FlagEdit
from apportion.domain.ids import known, require
from apportion.services.access.auth import Principal
from apportion.services.accounting.approval import powers_of
from apportion.store import scoping as scoped
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import bill_accounting
from apportion.store.queries import flags as stored
from apportion.store.queries.flags import FlagDetail, FlagSummary

ENTITY = "Bill"  # the only entity type EnergyCAP flags (accounting.md §2.3)


def _entity(entity_type: str) -> None:
    if entity_type.lower() != ENTITY.lower():
        raise ValidationFailed.single("entityType", f"entityType must be {ENTITY} (got {entity_type!r}).")


def list_types(db: Database) -> list[tuple[int, str]]:
    """(id, name) of every flag type: the system ones, then the users'."""
    with db.reading() as session:
        return [*rules.SYSTEM_TYPES.items(), *stored.user_types(session)]


def create_type(db: Database, info: str) -> tuple[int, str]:
    """A new user flag type: (id, name)."""
    with db.transaction() as session:
        name = rules.check_type_info(info, [n for _, n in stored.user_types(session)])
        return stored.create_type(session, name), name


def delete_type(db: Database, type_id: int) -> None:
    """Delete a user flag type: a system type or a type in use is a 400, an unknown one a 404."""
    if type_id in rules.SYSTEM_TYPES:
        raise RuleViolation(f"Flag type {type_id} is a system flag type and cannot be deleted.")
    require(type_id, "Flag type")
    with db.transaction() as session:
        if type_id not in dict(stored.user_types(session)):
            raise NotFound("Flag type", type_id)
        if stored.type_in_use(session, type_id):
            raise RuleViolation(f"Flag type {type_id} is in use by flagged bills and cannot be deleted.")
        stored.delete_type(session, type_id)


def get_flag(db: Database, entity_type: str, bill_id: int) -> FlagDetail | None:
    """The bill's flag; None when it has none (204); an unknown bill is a 404 (D17)."""
    _entity(entity_type)
    require(bill_id, "Bill")
    with db.reading() as session:
        if bill_accounting.state(session, bill_id) is None:
            raise NotFound("Bill", bill_id)
        return stored.detail(session, bill_id)


def _check(session: UnitOfWork, edit: FlagEdit) -> None:
    types = set(rules.SYSTEM_TYPES) | {type_id for type_id, _ in stored.user_types(session)}
    rules.check_request(edit, types)
    if edit.assignees:
        missing = sorted(set(edit.assignees) - stored.existing_users(session, known(edit.assignees)))
        if missing:
            raise ValidationFailed.single("assignees", f"Users {', '.join(map(str, missing))} do not exist.")


def _apply(session: UnitOfWork, bill_ids: Sequence[int], edit: FlagEdit, principal: Principal, now: datetime) -> int:
    """Apply the edit to each of the bills (the caller chose bills the matrix accepts); how many there were."""
    states = {s.bill_id: s for s in bill_accounting.states(session, bill_ids)}
    current = stored.flags_of(session, list(states))
    powers = powers_of(principal)
    holds: dict[bool, list[int]] = {True: [], False: []}
    for bill_id in sorted(states):
        flag_id, flag = current.get(bill_id, (None, None))
        outcome = rules.apply(flag, edit)
        stored.save(session, bill_id, flag_id, outcome.flag, outcome.actions, edit.comment, principal.user_id, now)
        state = states[bill_id]
        if outcome.hold is not None and state.export_hold != outcome.hold:
            if outcome.hold and state.exported and not powers.edit_exported:
                continue  # D5: holding an exported bill needs ExportBills (Edit)
            holds[outcome.hold].append(bill_id)
    for hold, ids in holds.items():
        bill_accounting.set_export_hold(session, ids, hold)
    return len(states)


def edit_flag(
    db: Database, entity_type: str, bill_id: int, edit: FlagEdit, principal: Principal, now: datetime
) -> FlagDetail:
    """PUT /api/v3/flag/Bill/{id}: the flag after the edit; a refusal of the matrix is a 400 and changes nothing."""
    _entity(entity_type)
    require(bill_id, "Bill")
    with db.transaction() as session:
        if bill_accounting.state(session, bill_id) is None:
            raise NotFound("Bill", bill_id)
        _check(session, edit)
        _apply(session, [bill_id], edit, principal, now)
        found = stored.detail(session, bill_id)
    if found is None:  # cannot happen: the flag was written in this transaction
        raise NotFound("Flag of bill", bill_id)
    return found


def flag_action(
    db: Database, entity_type: str, bill_ids: Sequence[int] | None, edit: FlagEdit, principal: Principal, now: datetime
) -> tuple[int, int]:
    """PUT /api/v3/flag/Bill/flagAction: (selected, updated). Unknown and void bills are skipped, and so is a bill
    the matrix refuses (a resolved flag edited without a type, an unflagged bill given no type)."""
    _entity(entity_type)
    if not bill_ids:
        raise ValidationFailed.single("entityIds", "entityIds cannot be empty.")
    with db.transaction() as session:
        return flag_in(session, bill_ids, edit, principal, now)


def flag_in(
    session: UnitOfWork, bill_ids: Sequence[int], edit: FlagEdit, principal: Principal, now: datetime
) -> tuple[int, int]:
    """(selected, updated) of a flag action on the bills, in the caller's transaction (see flag_action)."""
    _check(session, edit)
    states = bill_accounting.states(session, scoped.bills_among(session, principal.scope, known(bill_ids)))
    current = stored.flags_of(session, [s.bill_id for s in states])
    eligible = []
    for state in states:
        if state.void:
            continue
        try:
            rules.apply(current.get(state.bill_id, (None, None))[1], edit)
        except ValidationFailed:
            continue
        eligible.append(state.bill_id)
    _apply(session, eligible, edit, principal, now)
    return len(states), len(eligible)


def summary_by_account(db: Database, cost_center_id: int, page_number: int, page_size: int) -> FlagSummary:
    """GET /api/v3/flag/costcenter/{id}/billFlagSummary: unresolved flags by account under the cost center."""
    require(cost_center_id, "Cost center")
    with db.reading() as session:
        if not stored.cost_center_exists(session, cost_center_id):
            raise NotFound("Cost center", cost_center_id)
        return stored.summary_by_account(session, cost_center_id, page_number, page_size)


def summary_by_meter(db: Database, place_id: int, page_number: int, page_size: int) -> FlagSummary:
    """GET /api/v3/flag/place/{id}/billFlagSummary: unresolved flags by meter under the place."""
    require(place_id, "Place")
    with db.reading() as session:
        if not stored.place_exists(session, place_id):
            raise NotFound("Place", place_id)
        return stored.summary_by_meter(session, place_id, page_number, page_size)
