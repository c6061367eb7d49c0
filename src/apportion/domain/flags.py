"""Bill flags (accounting.md §2.3, §3.6 and §9 D1, D2, D6): flag types, and EnergyCAP's outcome matrix for a flag
edit as one pure function from the flag as it is and the edit to the flag as it becomes, the hold or release it
causes and the events it records.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import IntEnum

from apportion.domain.errors import ValidationFailed

AUDIT_EXCEPTION = 1  # the system flag type audits give; never assigned by hand (D2)
SYSTEM_TYPES = {AUDIT_EXCEPTION: "Audit Exception"}
FIRST_USER_TYPE = 100
MAX_TYPE_INFO = 32


class FlagStatus(IntEnum):
    """flagStatusId (D1)."""

    UNRESOLVED = 1
    RESOLVED = 2

    @property
    def info(self) -> str:
        """flagStatusInfo."""
        return "Unresolved" if self is FlagStatus.UNRESOLVED else "Resolved"


class FlagAction(IntEnum):
    """What an event of a flag's history records (ours: EnergyCAP does not publish its action ids)."""

    FLAGGED = 1
    UPDATED = 2
    RESOLVED = 3
    REFLAGGED = 4
    HELD = 5
    RELEASED = 6

    @property
    def info(self) -> str:
        """flagActionInfo."""
        return self.name.capitalize().replace("Reflagged", "Re-flagged")


@dataclass(frozen=True)
class Flag:
    """A bill's flag: its type, status, cost recovered and assignees."""

    type_id: int
    status: FlagStatus
    cost_recovery: Decimal | None = None
    assignees: tuple[int, ...] = ()


@dataclass(frozen=True)
class FlagEdit:
    """FlagEdit as sent: None is "not given"."""

    type_id: int | None = None
    status_id: int | None = None
    cost_recovery: Decimal | None = None
    comment: str | None = None
    assignees: tuple[int, ...] | None = None
    release_export_hold: bool | None = None
    hold_from_export: bool | None = None


@dataclass(frozen=True)
class Outcome:
    """The flag after the edit, the export hold it sets (True), clears (False) or leaves (None), and the events."""

    flag: Flag
    hold: bool | None
    actions: tuple[FlagAction, ...]


def check_type_info(info: str, existing: list[str]) -> str:
    """A new user type's name: 1 to 32 characters, unique case-insensitively among all types (D2)."""
    name = info.strip()
    if not 1 <= len(name) <= MAX_TYPE_INFO:
        raise ValidationFailed.single("flagTypeInfo", f"flagTypeInfo must be 1 to {MAX_TYPE_INFO} characters.")
    taken = {n.lower() for n in [*SYSTEM_TYPES.values(), *existing]}
    if name.lower() in taken:
        raise ValidationFailed.single("flagTypeInfo", f"A flag type named '{name}' already exists.")
    return name


def check_request(edit: FlagEdit, known_types: set[int]) -> None:
    """The refusals that do not depend on the flag (the matrix's first rows, a status that is not 1 or 2, the Audit
    Exception type or an unknown type): 400 naming the field."""
    if edit.hold_from_export is None or edit.release_export_hold is None:
        raise ValidationFailed.single(
            "holdFromExport", "Must provide a non-null value for HoldFromExport or ReleaseExportHold."
        )
    if edit.hold_from_export and edit.release_export_hold:
        raise ValidationFailed.single("holdFromExport", "Cannot set both HoldFromExport and ReleaseExportHold at once.")
    given = (edit.type_id, edit.status_id, edit.cost_recovery, edit.assignees, edit.comment)
    if all(value is None for value in given):
        raise ValidationFailed.single(
            "flagTypeId", "Must have at least one of flagTypeId, flagStatusId, costRecovery, assignees, comment set."
        )
    if edit.status_id is not None and edit.status_id not in (FlagStatus.UNRESOLVED, FlagStatus.RESOLVED):
        raise ValidationFailed.single("flagStatusId", "flagStatusId must be 1 (Unresolved) or 2 (Resolved).")
    if edit.type_id == AUDIT_EXCEPTION:
        raise ValidationFailed.single("flagTypeId", "Audit exception flag type id cannot be assigned manually.")
    if edit.type_id is not None and edit.type_id not in known_types:
        raise ValidationFailed.single("flagTypeId", f"Flag type {edit.type_id} does not exist.")


def apply(current: Flag | None, edit: FlagEdit) -> Outcome:
    """The flag after `edit` (check_request passed), following EnergyCAP's matrix (operations.md edit_flag):

    - not flagged: a type is required; the flag is created unresolved (a given status is ignored); hold applies,
      release does nothing ("will not release a newly flagged bill");
    - unresolved: type, cost recovery, assignees (replacing) and comment update it; status 2 resolves it and then
      release applies; hold applies;
    - resolved: without a type nothing else may change ("must 're-flag' it"); with a type, status 1 re-flags it (hold
      applies), status 2 keeps it resolved (release applies), other fields update it (D6: the specific rows win).
    """
    hold = True if edit.hold_from_export else None
    if current is None:
        if edit.type_id is None:
            raise ValidationFailed.single("flagTypeId", "A new flag must have a type (flagTypeId).")
        flag = Flag(edit.type_id, FlagStatus.UNRESOLVED, edit.cost_recovery, edit.assignees or ())
        return Outcome(flag, hold, (FlagAction.FLAGGED, *((FlagAction.HELD,) if hold else ())))
    others = (edit.status_id, edit.cost_recovery, edit.assignees, edit.comment)
    if current.status is FlagStatus.RESOLVED and edit.type_id is None and any(v is not None for v in others):
        raise ValidationFailed.single(
            "flagTypeId",
            "Cannot change flag status of a resolved flag; instead must 're-flag' it by giving its flagTypeId.",
        )
    flag = replace(
        current,
        type_id=edit.type_id if edit.type_id is not None else current.type_id,
        cost_recovery=edit.cost_recovery if edit.cost_recovery is not None else current.cost_recovery,
        assignees=edit.assignees if edit.assignees is not None else current.assignees,
    )
    actions: list[FlagAction] = []
    if edit.status_id is not None and FlagStatus(edit.status_id) is not current.status:
        flag = replace(flag, status=FlagStatus(edit.status_id))
        actions.append(FlagAction.RESOLVED if flag.status is FlagStatus.RESOLVED else FlagAction.REFLAGGED)
    if flag != current and not actions:
        actions.append(FlagAction.UPDATED)
    if edit.comment is not None and not actions:
        actions.append(FlagAction.UPDATED)
    if flag.status is FlagStatus.RESOLVED:
        hold = False if edit.release_export_hold else None
    if hold is True:
        actions.append(FlagAction.HELD)
    elif hold is False:
        actions.append(FlagAction.RELEASED)
    return Outcome(flag, hold, tuple(actions))
