"""Version history replace: every rule of domain.md §4.1, errors keyed by item and field, the plan."""

from __future__ import annotations

import pytest

from apportion.domain.errors import ValidationFailed
from apportion.domain.versions import (
    ChargebackType,
    ExistingVersion,
    RequestedVersion,
    VersionAction,
    VersionFields,
    VersionPlan,
    plan_version_history,
)

STEPS = {1: "Split", 2: "Calculation"}
EXISTING = [
    ExistingVersion(10, "Original", 202301, 202312, None, True, "Split"),
    ExistingVersion(11, "Second", 202401, None, 1, False, "Split"),
    ExistingVersion(12, "Calc", 202301, None, 2, False, "Calculation"),
]


def plan(*requested: RequestedVersion, existing: list[ExistingVersion] = EXISTING) -> VersionPlan:
    return plan_version_history(existing, requested, "Split", STEPS)


def errors(*requested: RequestedVersion, existing: list[ExistingVersion] = EXISTING) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        plan(*requested, existing=existing)
    return caught.value.errors


def test_update_copy_create_and_order() -> None:
    result = plan(
        RequestedVersion("Third", 202501, None, workflow_step_id=1),
        RequestedVersion("Original", 202301, 202312, version_id=10),
        RequestedVersion("Second copy", 202401, 202412, copy_version_id=11),
    )
    assert [v.action for v in result.versions] == [VersionAction.CREATE, VersionAction.UPDATE, VersionAction.COPY]
    assert result.updates[0].version_id == 10
    assert result.updates[0].changed is False
    assert result.copies[0].source_version_id == 11
    assert result.creates[0].fields == VersionFields("Third", 202501, None, 1)
    assert result.deletes == (11,)
    assert [v.fields.name for v in result.ordered] == ["Original", "Second copy", "Third"]


def test_changed_update_is_flagged() -> None:
    result = plan(
        RequestedVersion("Original", 202301, 202312, version_id=10),
        RequestedVersion("Second", 202401, 202406, version_id=11),
    )
    assert [v.changed for v in result.updates] == [False, True]
    assert result.deletes == ()


def test_empty_request_deletes_everything_without_bills() -> None:
    existing = [ExistingVersion(11, "Second", 202401, None, 1, False, "Split")]
    assert plan(existing=existing).deletes == (11,)


def test_deleting_a_version_with_bills_fails_the_whole_request() -> None:
    found = errors(RequestedVersion("New", 202401))
    assert list(found) == ["versionId"]
    assert "Version 10 'Original' has bills" in found["versionId"][0]


def test_field_rules_are_all_reported_at_once() -> None:
    found = errors(
        RequestedVersion("Original", 202301, 202312, version_id=10),
        RequestedVersion(None, None),
        RequestedVersion("x" * 65, 202413),
        RequestedVersion("Late", 202405, 202404),
        RequestedVersion("Both", 203001, 203012, version_id=11, copy_version_id=11),
        RequestedVersion("Calc", 204001, 204012),
        RequestedVersion("Stepper", 205001, 205012, workflow_step_id=2),
        RequestedVersion("Lost", 206001, 206012, workflow_step_id=99),
        RequestedVersion("Other type", 207001, 207012, version_id=12),
        RequestedVersion("Other copy", 208001, 208012, copy_version_id=12),
        RequestedVersion("ORIGINAL", 209001, 209012),
        RequestedVersion("Again", 210001, 210012, version_id=10),
        RequestedVersion("Bad end", 211001, 211013),
    )
    assert set(found) == {
        "[1].name",
        "[1].beginPeriod",
        "[2].name",
        "[2].beginPeriod",
        "[3].endPeriod",
        "[4].copyVersionId",
        "[5].name",
        "[6].workflowStepId",
        "[7].workflowStepId",
        "[8].versionId",
        "[9].copyVersionId",
        "[10].name",
        "[11].versionId",
        "[12].endPeriod",
    }
    assert found["[5].name"] == ["The name 'Calc' is already used by a Calculation version on this account and meter."]
    assert found["[6].workflowStepId"] == ["Workflow step 2 is a Calculation step, not a Split step."]
    assert found["[7].workflowStepId"] == ["Workflow step 99 was not found."]
    assert found["[10].name"] == ["The name 'ORIGINAL' is already used by item [0]."]
    assert found["[11].versionId"] == ["Version 10 already appears at item [0]."]


def test_overlap_names_both_items() -> None:
    found = errors(
        RequestedVersion("Original", 202301, 202312, version_id=10),
        RequestedVersion("Open", 202312),
    )
    assert found == {
        "[1].beginPeriod": [
            "Versions cannot overlap: item [0] 'Original' (202301–202312) and item [1] 'Open' (202312–open)."
        ]
    }


def test_adjacent_versions_do_not_overlap() -> None:
    result = plan(
        RequestedVersion("Original", 202301, 202312, version_id=10),
        RequestedVersion("Open", 202401),
    )
    assert len(result.versions) == 2


def test_two_open_ended_versions_overlap() -> None:
    existing = [ExistingVersion(1, "A", 202001, None, None, False, "Split")]
    found = errors(
        RequestedVersion("A", 202001, version_id=1), RequestedVersion("B", 203001, 203012), existing=existing
    )
    assert list(found) == ["[1].beginPeriod"]


def test_other_type_names_are_taken() -> None:
    with pytest.raises(ValidationFailed) as caught:
        plan_version_history([], [RequestedVersion("Shared", 202001)], "Calculation", STEPS, ["shared "])
    assert caught.value.errors == {
        "[0].name": ["The name 'Shared' is already used by a Split version on this account and meter."]
    }


def test_calculation_history_ignores_split_versions() -> None:
    result = plan_version_history(
        EXISTING,
        [RequestedVersion("Calc 2", 202301, workflow_step_id=2, version_id=12)],
        "Calculation",
        STEPS,
    )
    assert result.deletes == ()
    assert result.updates[0].fields == VersionFields("Calc 2", 202301, None, 2)


def test_the_vocabularies_keep_their_stored_and_wire_spelling() -> None:
    assert [str(kind) for kind in ChargebackType] == ["Split", "Calculation"]
    assert [str(action) for action in VersionAction] == ["update", "copy", "create"]
