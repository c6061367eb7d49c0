"""Which bills an AP or GL export takes (accounting.md §3.3 and §9 D7, D10): the eligibility rules, each refusal
named with its bill, and the 10,000-bill limit. Ineligible ids are left out of the file, never an error (D10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.domain.workflow import CanExport, ExportMode, WorkflowSettings

MAX_EXPORT_BILLS = 10_000


@dataclass(frozen=True)
class ExportCandidate:
    """What eligibility reads of a bill."""

    bill_id: int
    void: bool
    approved: bool
    export_hold: bool
    ap_exported: bool
    gl_exported: bool
    batch_closed: bool

    def exported_on(self, mode: ExportMode) -> bool:
        """Whether the bill is already exported on the stream."""
        return self.ap_exported if mode is ExportMode.AP else self.gl_exported


@dataclass(frozen=True)
class Selection:
    """The bills an export takes (in id order) and why each other bill was left out."""

    eligible: tuple[int, ...]
    excluded: tuple[tuple[int, str], ...]


def check_request(settings: WorkflowSettings, mode: ExportMode, bill_count: int, field: str = "billIds") -> None:
    """A disabled stream is a 400 (D7); so are more than 10,000 bills in one call."""
    if not settings.stream(mode).export_mode_enabled:
        raise RuleViolation(f"{mode.value.upper()} export is not enabled in the workflow settings.", field="exportMode")
    if bill_count > MAX_EXPORT_BILLS:
        raise ValidationFailed.single(
            field, f"At most {MAX_EXPORT_BILLS:,} bills can be exported at one time ({bill_count:,} were named)."
        )


def refusal(bill: ExportCandidate, settings: WorkflowSettings, mode: ExportMode) -> str | None:
    """Why the bill may not go out on the stream, naming the bill and the rule; None when it may."""
    stream = settings.stream(mode)
    name = mode.value.upper()
    if stream.can_export is CanExport.NEVER:
        return f"bill {bill.bill_id}: {name} export is set to never"
    if bill.void:
        return f"bill {bill.bill_id} is void; void bills are never exported"
    if bill.export_hold:
        return f"bill {bill.bill_id} is held from export"
    if bill.exported_on(mode):
        return f"bill {bill.bill_id} has already been exported to {name}"
    if settings.approval_required(mode) and not bill.approved:
        return f"bill {bill.bill_id} is not approved; {name} exports need approved bills"
    if stream.needs_closed_batch and not bill.batch_closed:
        return f"bill {bill.bill_id} is in an open batch; {name} exports need closed batches"
    return None


def select(
    candidates: Sequence[ExportCandidate], requested: Sequence[int], settings: WorkflowSettings, mode: ExportMode
) -> Selection:
    """The eligible bills among the requested ids; unknown ids are excluded as "does not exist"."""
    by_id = {bill.bill_id: bill for bill in candidates}
    eligible: list[int] = []
    excluded: list[tuple[int, str]] = []
    for bill_id in sorted(set(requested)):
        bill = by_id.get(bill_id)
        reason = f"bill {bill_id} does not exist" if bill is None else refusal(bill, settings, mode)
        if reason is None:
            eligible.append(bill_id)
        else:
            excluded.append((bill_id, reason))
    return Selection(tuple(eligible), tuple(excluded))
