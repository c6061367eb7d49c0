"""EnergyCAP's flag edit matrix (operations.md edit_flag, accounting.md §3.6, §9 D1, D2, D6) as a pure function."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apportion.domain import flags
from apportion.domain.errors import ValidationFailed
from apportion.domain.flags import Flag, FlagAction, FlagEdit, FlagStatus

USER_TYPE = 100
TYPES = {1, USER_TYPE, 101}
UNRESOLVED = Flag(USER_TYPE, FlagStatus.UNRESOLVED)
RESOLVED = Flag(USER_TYPE, FlagStatus.RESOLVED)


def edit(**fields: object) -> FlagEdit:
    base: dict[str, object] = {"hold_from_export": False, "release_export_hold": False}
    base.update(fields)
    return FlagEdit(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (FlagEdit(comment="x"), "non-null value"),
        (edit(comment="x", hold_from_export=True, release_export_hold=True), "cannot set both"),
        (edit(), "at least one"),
        (edit(type_id=USER_TYPE, status_id=3), "flagStatusId"),
        (edit(type_id=1), "cannot be assigned manually"),
        (edit(type_id=555), "does not exist"),
    ],
)
def test_requests_refused_whatever_the_flag(request_: FlagEdit, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        flags.check_request(request_, TYPES)
    assert message.lower() in str(refused.value.errors).lower()


def test_a_new_flag_needs_a_type_is_unresolved_and_is_never_released() -> None:
    with pytest.raises(ValidationFailed) as refused:
        flags.apply(None, edit(comment="look", cost_recovery=Decimal(5)))
    assert "must have a type" in str(refused.value.errors)
    made = flags.apply(None, edit(type_id=USER_TYPE, status_id=2, assignees=(7,), release_export_hold=True))
    assert made.flag == Flag(USER_TYPE, FlagStatus.UNRESOLVED, None, (7,))
    assert made.hold is None
    assert made.actions == (FlagAction.FLAGGED,)
    held = flags.apply(None, edit(type_id=USER_TYPE, hold_from_export=True))
    assert (held.hold, held.actions) == (True, (FlagAction.FLAGGED, FlagAction.HELD))


def test_an_unresolved_flag_is_updated_resolved_released_or_held() -> None:
    updated = flags.apply(UNRESOLVED, edit(type_id=101, cost_recovery=Decimal("12.50"), assignees=(3, 4)))
    assert updated.flag == Flag(101, FlagStatus.UNRESOLVED, Decimal("12.50"), (3, 4))
    assert updated.actions == (FlagAction.UPDATED,)
    resolved = flags.apply(UNRESOLVED, edit(status_id=2))
    assert (resolved.flag.status, resolved.hold, resolved.actions) == (
        FlagStatus.RESOLVED,
        None,
        (FlagAction.RESOLVED,),
    )
    released = flags.apply(UNRESOLVED, edit(status_id=2, release_export_hold=True))
    assert (released.hold, released.actions) == (False, (FlagAction.RESOLVED, FlagAction.RELEASED))
    held = flags.apply(UNRESOLVED, edit(comment="wait", hold_from_export=True))
    assert (held.hold, held.actions) == (True, (FlagAction.UPDATED, FlagAction.HELD))


def test_a_resolved_flag_must_be_re_flagged_to_change() -> None:
    for change in ({"status_id": 1}, {"cost_recovery": Decimal(1)}, {"assignees": (2,)}, {"comment": "x"}):
        with pytest.raises(ValidationFailed) as refused:
            flags.apply(RESOLVED, edit(**change))  # type: ignore[arg-type]
        assert "re-flag" in str(refused.value.errors)
    retyped = flags.apply(RESOLVED, edit(type_id=101))
    assert (retyped.flag.type_id, retyped.flag.status) == (101, FlagStatus.RESOLVED)
    reflagged = flags.apply(RESOLVED, edit(type_id=USER_TYPE, status_id=1, hold_from_export=True))
    assert reflagged.flag.status is FlagStatus.UNRESOLVED
    assert (reflagged.hold, reflagged.actions) == (True, (FlagAction.REFLAGGED, FlagAction.HELD))
    again = flags.apply(RESOLVED, edit(type_id=USER_TYPE, status_id=2, release_export_hold=True))
    assert (again.flag.status, again.hold) == (FlagStatus.RESOLVED, False)


def test_flag_type_names() -> None:
    assert flags.check_type_info("  Meter read  ", ["Other"]) == "Meter read"
    for bad in ("", " ", "x" * 33, "audit exception", "OTHER"):
        with pytest.raises(ValidationFailed):
            flags.check_type_info(bad, ["Other"])
