"""Data scoping for use cases: a scoped caller's path ids, topmost ids given to a user, and the available places
and cost centers for topmost ids (domain/scoping.py, store/scoping.py, docs/scoping.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from apportion.domain import ids, scoping
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.scoping import Kind, Scope
from apportion.store import scoping as store
from apportion.store.database import Database, DbSession
from apportion.store.queries.children import CostCenterChild, PlaceChild

_NAMES = {
    Kind.PLACE: "Place",
    Kind.COST_CENTER: "CostCenter",
    Kind.ACCOUNT: "Account",
    Kind.METER: "Meter",
    Kind.BILL: "Bill",
    Kind.ACCOUNT_METER: "AccountMeter",
    Kind.VERSION: "Version",
}


def require_path_ids(db: Database, scope: Scope, path: Mapping[str, int]) -> None:
    """NotFound (404, as for a record that does not exist) for a path id naming a record outside `scope`; nothing
    to read for an unlimited caller."""
    if scope.whole:
        return
    checks = [(scoping.PATH_KINDS[name], value) for name, value in path.items() if name in scoping.PATH_KINDS]
    if not checks:
        return
    with db.reading() as session:
        for kind, value in checks:
            if not store.holds(session, scope, kind, value):
                raise NotFound(_NAMES[kind], value)


def require(db: Database, scope: Scope, kind: Kind, record_id: int) -> None:
    """NotFound unless the record lies in `scope`."""
    require_path_ids(db, scope, {next(k for k, v in scoping.PATH_KINDS.items() if v is kind): record_id})


def topmost_for(session: DbSession, caller: Scope, place_ids: Sequence[int], cost_center_ids: Sequence[int]) -> Scope:
    """The scope to store for a user given these topmost ids: each must exist and lie in the caller's scope
    (ValidationFailed naming the field otherwise); a root id leaves that tree unlimited."""
    places, cost_centers = store.place_parents(session), store.cost_center_parents(session)
    errors: dict[str, list[str]] = {}
    for field, given, tree, kind in (
        ("topmostPlaceIds", place_ids, places, Kind.PLACE),
        ("topmostCostCenterIds", cost_center_ids, cost_centers, Kind.COST_CENTER),
    ):
        unknown = [i for i in given if i not in tree or not store.holds(session, caller, kind, i)]
        if unknown:
            errors[field] = [f"{field} {unknown} do not exist or are outside your topmost."]
    if errors:
        raise ValidationFailed(errors)
    return Scope(scoping.normalized(place_ids, places), scoping.normalized(cost_center_ids, cost_centers))


def available_places(db: Database, caller: Scope, cost_center_ids: Sequence[int]) -> list[PlaceChild]:
    """For topmost cost centers, the topmost places holding their accounts' meters (within the caller's scope)."""
    with db.reading() as session:
        found = store.places_for_cost_centers(session, caller, ids.known(cost_center_ids))
        parents = store.place_parents(session)
        tops = [i for i in found if not scoping.ancestors(i, parents) & found]
        return store.place_children(session, sorted(tops))


def available_cost_centers(db: Database, caller: Scope, place_ids: Sequence[int]) -> list[CostCenterChild]:
    """For topmost places, the topmost cost centers holding the accounts of their meters (within the caller's
    scope)."""
    with db.reading() as session:
        found = store.cost_centers_for_places(session, caller, ids.known(place_ids))
        parents = store.cost_center_parents(session)
        tops = [i for i in found if not scoping.ancestors(i, parents) & found]
        return store.cost_center_children(session, sorted(tops))


def require_body_ids(db: Database, scope: Scope, checks: Sequence[tuple[str, Kind, int | None]]) -> None:
    """ValidationFailed (400) naming each request field whose id lies outside `scope` (domain.md §1.10: ids in a
    request must lie inside the caller's topmost); an id that does not exist is left to the use case's own check.
    Nothing is read for an unlimited caller."""
    if scope.whole:
        return
    errors: dict[str, list[str]] = {}
    with db.reading() as session:
        for field, kind, ident in checks:
            if ident is None or not ids.in_range(ident) or not store.record_exists(session, kind, ident):
                continue
            if not store.holds(session, scope, kind, ident):
                errors.setdefault(field, []).append(f"{_NAMES[kind]} {ident} is outside your topmost.")
    if errors:
        raise ValidationFailed(errors)


def require_reversible(db: Database, scope: Scope, task_id: int | None = None, step_id: int | None = None) -> None:
    """RuleViolation (400) when a scoped caller would void or delete a chargeback task (or a workflow step's tasks)
    that made bills outside its topmost: only a user who sees every one of them may reverse it. Nothing is read for
    an unlimited caller."""
    if scope.whole:
        return
    with db.reading() as session:
        outside = store.holds_bills_outside(session, scope, task_id, step_id)
    if outside:
        what = f"Chargeback task {task_id}" if task_id is not None else f"Chargeback workflow step {step_id}"
        raise RuleViolation(f"{what} made bills outside your topmost: only a user who sees them all can reverse it.")
