"""Version history replace (PUT …/billSplit, …/calculatedBill): validate the whole request, return a plan."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from apportion.domain import periods
from apportion.domain.errors import ValidationFailed


class ChargebackType(StrEnum):
    """What a version, a workflow step or a chargeback task does, as stored and sent (chargebackType, stepType)."""

    SPLIT = "Split"
    CALCULATION = "Calculation"


# The members under the short names the services and routes import.
SPLIT, CALCULATION = ChargebackType.SPLIT, ChargebackType.CALCULATION
# calculateBillTypeID: one numbering for versions and tasks (domain.md §7 Q3).
CALCULATION_TYPE_ID, SPLIT_TYPE_ID, AGGREGATION_TYPE_ID = 1, 2, 3
MAX_NAME = 64


class VersionAction(StrEnum):
    """What a version history replace does with one requested version."""

    UPDATE = "update"  # an existing version keeps its id and takes the request's fields
    COPY = "copy"  # a new version with a deep copy of copyVersionId's instructions
    CREATE = "create"  # a new version with empty instructions


@dataclass(frozen=True)
class ExistingVersion:
    """A stored version on the account+meter (either chargeback type)."""

    version_id: int
    name: str
    begin_period: int
    end_period: int | None
    workflow_step_id: int | None
    has_bills: bool
    chargeback_type: str


@dataclass(frozen=True)
class RequestedVersion:
    """One DistributionVersionManage item as received (anything may be missing)."""

    name: str | None
    begin_period: int | None
    end_period: int | None = None
    version_id: int | None = None
    copy_version_id: int | None = None
    workflow_step_id: int | None = None


@dataclass(frozen=True)
class VersionFields:
    """The editable fields of a version after the request."""

    name: str
    begin_period: int
    end_period: int | None
    workflow_step_id: int | None


@dataclass(frozen=True)
class PlannedVersion:
    """One version of the resulting history.

    `action` is UPDATE (`version_id` is the existing id), COPY (`source_version_id` is copyVersionId;
    the new version gets a deep copy of its instructions) or CREATE (empty instructions): see VersionAction.
    `changed` is False for an update that leaves every field as it was.
    """

    request_index: int
    action: VersionAction
    fields: VersionFields
    version_id: int | None = None
    source_version_id: int | None = None
    changed: bool = True


@dataclass(frozen=True)
class VersionPlan:
    """What the service must write, all in one transaction.

    Apply copies before deletes (a copy may read a version the request drops). `ordered` is the final
    history by beginPeriod (ties by request position), the order of the response (domain.md §4.1 step 6).
    """

    versions: tuple[PlannedVersion, ...]
    deletes: tuple[int, ...]

    @property
    def updates(self) -> tuple[PlannedVersion, ...]:
        """Existing versions kept, with their new fields."""
        return tuple(v for v in self.versions if v.action is VersionAction.UPDATE)

    @property
    def copies(self) -> tuple[PlannedVersion, ...]:
        """New versions copying another version's instructions."""
        return tuple(v for v in self.versions if v.action is VersionAction.COPY)

    @property
    def creates(self) -> tuple[PlannedVersion, ...]:
        """New versions with empty instructions."""
        return tuple(v for v in self.versions if v.action is VersionAction.CREATE)

    @property
    def ordered(self) -> tuple[PlannedVersion, ...]:
        """The resulting history ordered by beginPeriod."""
        return tuple(sorted(self.versions, key=lambda v: (v.fields.begin_period, v.request_index)))


def plan_version_history(
    existing: Sequence[ExistingVersion],
    requested: Sequence[RequestedVersion],
    chargeback_type: str,
    step_types: Mapping[int, str],
    other_type_names: Collection[str] = (),
) -> VersionPlan:
    """Validate a version history PUT as a whole (domain.md §4.1) and plan its writes.

    `existing` holds the account+meter's versions (versions of the other type only feed name uniqueness,
    as do `other_type_names`); `step_types` maps every known workflow step id to its type. Every
    problem is collected into one ValidationFailed keyed "[i].fieldName" ("[2].endPeriod",
    "[0].copyVersionId"); overlaps are keyed on the later item's "[j].beginPeriod" and name both items;
    a dropped version that has bills is keyed "versionId". Names compare case-insensitively (§7 Q5)
    across both chargeback types (§7 Q23). Nothing is written here; an empty request deletes everything.
    """
    errors: dict[str, list[str]] = {}
    kind = chargeback_type.lower()
    mine = {v.version_id: v for v in existing if v.chargeback_type.lower() == kind}
    taken = {n.strip().lower() for n in other_type_names}
    taken |= {v.name.strip().lower() for v in existing if v.chargeback_type.lower() != kind}
    names: dict[str, int] = {}
    updated: dict[int, int] = {}
    planned: list[PlannedVersion] = []
    for i, item in enumerate(requested):
        problems = [
            ("name", _name_problem(item.name or "", names, taken, chargeback_type)),
            *_id_problems(item, mine, updated, chargeback_type),
            ("workflowStepId", _step_problem(item.workflow_step_id, step_types, chargeback_type)),
        ]
        for field, reason in problems:
            if reason is not None:
                errors.setdefault(f"[{i}].{field}", []).append(reason)
        names.setdefault((item.name or "").strip().lower(), i)
        if item.version_id is not None:
            updated.setdefault(item.version_id, i)
        if _check_periods(item, i, errors) and item.begin_period is not None:
            fields = VersionFields(item.name or "", item.begin_period, item.end_period, item.workflow_step_id)
            planned.append(_planned(i, item, fields, mine))
    _check_overlaps(planned, errors)
    kept = {r.version_id for r in requested}
    deletes = tuple(sorted(v for v in mine if v not in kept))
    for version_id in deletes:
        if mine[version_id].has_bills:  # domain.md §4.1 step 4: the whole request fails
            errors.setdefault("versionId", []).append(
                f"Version {version_id} '{mine[version_id].name}' has bills and cannot be deleted; "
                "keep it in the request."
            )
    if errors:
        raise ValidationFailed(errors)
    return VersionPlan(tuple(planned), deletes)


def _name_problem(name: str, used: Mapping[str, int], taken: Collection[str], chargeback_type: str) -> str | None:
    key = name.strip().lower()
    if not key:
        return "The name is required."
    if len(name) > MAX_NAME:
        return f"The name must be between 0 and {MAX_NAME} characters."
    if key in used:
        return f"The name '{name}' is already used by item [{used[key]}]."
    if key in taken:
        other = CALCULATION if chargeback_type.lower() == SPLIT.lower() else SPLIT
        return f"The name '{name}' is already used by a {other} version on this account and meter."
    return None


def _id_problems(
    item: RequestedVersion, mine: Mapping[int, ExistingVersion], updated: Mapping[int, int], chargeback_type: str
) -> list[tuple[str, str | None]]:
    """versionId / copyVersionId: not both; each must be a version of this type on this account+meter."""
    if item.version_id is not None and item.copy_version_id is not None:
        return [("copyVersionId", "Only one of versionId, copyVersionId can be set.")]
    unknown = "Version {} is not a " + chargeback_type + " version on this account and meter."
    if item.version_id is not None:
        if item.version_id not in mine:
            return [("versionId", unknown.format(item.version_id))]
        if item.version_id in updated:
            return [("versionId", f"Version {item.version_id} already appears at item [{updated[item.version_id]}].")]
    if item.copy_version_id is not None and item.copy_version_id not in mine:
        return [("copyVersionId", unknown.format(item.copy_version_id))]
    return []


def _step_problem(step: int | None, step_types: Mapping[int, str], chargeback_type: str) -> str | None:
    if step is None:
        return None
    if step not in step_types:
        return f"Workflow step {step} was not found."
    if step_types[step].lower() != chargeback_type.lower():
        return f"Workflow step {step} is a {step_types[step]} step, not a {chargeback_type} step."
    return None


def _check_periods(item: RequestedVersion, i: int, errors: dict[str, list[str]]) -> bool:
    """Field rules for beginPeriod and endPeriod; True when both are usable for the overlap check."""
    ok = True
    for field, value in (("beginPeriod", item.begin_period), ("endPeriod", item.end_period)):
        if value is None:
            if field == "beginPeriod":
                errors.setdefault(f"[{i}].beginPeriod", []).append("The begin period is required.")
                ok = False
            continue
        try:
            periods.check(value, f"[{i}].{field}")
        except ValidationFailed as invalid:
            for key, reasons in invalid.errors.items():
                errors.setdefault(key, []).extend(reasons)
            ok = False
    if ok and item.end_period is not None and item.begin_period is not None and item.end_period < item.begin_period:
        errors.setdefault(f"[{i}].endPeriod", []).append(
            f"The end period {item.end_period} must be greater than or equal to the begin period {item.begin_period}."
        )
        ok = False
    return ok


def _planned(
    i: int, item: RequestedVersion, fields: VersionFields, mine: Mapping[int, ExistingVersion]
) -> PlannedVersion:
    if item.version_id is not None:
        old = mine.get(item.version_id)
        same = old is not None and (old.name, old.begin_period, old.end_period, old.workflow_step_id) == (
            fields.name,
            fields.begin_period,
            fields.end_period,
            fields.workflow_step_id,
        )
        return PlannedVersion(i, VersionAction.UPDATE, fields, version_id=item.version_id, changed=not same)
    if item.copy_version_id is not None:
        return PlannedVersion(i, VersionAction.COPY, fields, source_version_id=item.copy_version_id)
    return PlannedVersion(i, VersionAction.CREATE, fields)


def _check_overlaps(planned: Sequence[PlannedVersion], errors: dict[str, list[str]]) -> None:
    """domain.md §4.1 step 3: no two resulting versions overlap (ends inclusive, open end = for ever)."""
    for later_index, later in enumerate(planned):
        for earlier in planned[:later_index]:
            a, b = earlier.fields, later.fields
            if periods.overlaps(a.begin_period, a.end_period, b.begin_period, b.end_period):
                errors.setdefault(f"[{later.request_index}].beginPeriod", []).append(
                    f"Versions cannot overlap: item [{earlier.request_index}] '{a.name}' {_span(a)} and item "
                    f"[{later.request_index}] '{b.name}' {_span(b)}."
                )


def _span(fields: VersionFields) -> str:
    return f"({fields.begin_period}–{fields.end_period if fields.end_period is not None else 'open'})"
