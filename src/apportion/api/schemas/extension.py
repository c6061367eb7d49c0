"""Apportion's own JSON models, for the extension operations under /apportion/v1 (not part of EnergyCAP's contract).

They follow the contract's conventions: camelCase names, amounts as JSON numbers (exact Decimals in Python),
naive date-times.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from apportion.api.schemas.base import WireDateTime, WireDecimal, WireModel


class BillReference(WireModel):
    """A bill as lineage shows it: who it charges, for what, and whether it still counts."""

    bill_id: int = Field(alias="billId")
    account_code: str = Field(alias="accountCode")
    meter_codes: list[str] = Field(alias="meterCodes")
    billing_period: int = Field(alias="billingPeriod")
    total_cost: WireDecimal = Field(alias="totalCost")
    void: bool
    chargeback_task_id: int | None = Field(alias="chargebackTaskId")
    version_id: int | None = Field(alias="versionId")


class LineageSource(WireModel):
    """A bill this bill was made from: `split` for a split's source, `used` for a bill a calculation used."""

    relation: str
    bill: BillReference


class LineageDependent(WireModel):
    """A live bill made from this bill, `depth` steps away, and the bill it was made from directly."""

    relation: str
    depth: int
    parent_bill_id: int = Field(alias="parentBillId")
    bill: BillReference


class LineShareResponse(WireModel):
    """A line of the bill: for a split bill, the source line it came from, what its share rests on, the exact share
    of the source line and the cents the rounding rule moved."""

    line_order: int = Field(alias="lineOrder")
    caption: str | None
    meter_id: int | None = Field(alias="meterId")
    value: WireDecimal | None
    cost: WireDecimal | None
    source_line_id: int | None = Field(alias="sourceLineId")
    share_basis: str | None = Field(alias="shareBasis")
    exact_share: str | None = Field(alias="exactShare")
    rounding: WireDecimal | None


class CorrectionResponse(WireModel):
    """A chargeback bill voided because a bill it was made from changed, or replaced by a re-run."""

    correction_id: int = Field(alias="correctionId")
    bill_id: int = Field(alias="billId")
    amount: WireDecimal
    chargeback_task_id: int | None = Field(alias="chargebackTaskId")
    version_id: int | None = Field(alias="versionId")
    workflow_step_id: int | None = Field(alias="chargebackWorkflowStepId")
    billing_period: int = Field(alias="billingPeriod")
    action: str
    cause: str
    cause_bill_id: int | None = Field(alias="causeBillId")
    cause_chargeback_task_id: int | None = Field(alias="causeChargebackTaskId")
    cause_import_task_id: int | None = Field(alias="causeImportTaskId")
    reason: str
    date: WireDateTime


class BillLineageResponse(WireModel):
    """GET /apportion/v1/bill/{billId}/lineage."""

    bill: BillReference
    sources: list[LineageSource]
    lines: list[LineShareResponse]
    dependents: list[LineageDependent]
    corrections: list[CorrectionResponse]


class LeftOnSource(WireModel):
    """What stayed on a source bill, by reason."""

    account_charges: WireDecimal = Field(alias="accountCharges")
    unsplit_meters: WireDecimal = Field(alias="unsplitMeters")
    percentages: WireDecimal
    vacancy: WireDecimal
    failed_versions: WireDecimal = Field(alias="failedVersions")
    not_split: WireDecimal = Field(alias="notSplit")
    total: WireDecimal


class ConservationLine(WireModel):
    """One source bill (or the task's total): source = allocated + left, exactly to the cent."""

    source_bill_id: int | None = Field(alias="sourceBillId")
    account_code: str | None = Field(alias="accountCode")
    meter_codes: list[str] = Field(alias="meterCodes")
    source_amount: WireDecimal = Field(alias="sourceAmount")
    allocated: WireDecimal
    left: LeftOnSource
    rounding: WireDecimal


class ConservationResponse(WireModel):
    """GET /apportion/v1/chargebackTask/{taskId}/conservation."""

    task_id: int = Field(alias="taskId")
    total: ConservationLine
    sources: list[ConservationLine]


class RerunResponse(WireModel):
    """A version whose bills for a billing period were undone, and why."""

    rerun_id: int = Field(alias="rerunId")
    version_id: int = Field(alias="versionId")
    version_info: str | None = Field(alias="versionInfo")
    chargeback_type: str = Field(alias="chargebackType")
    account_code: str | None = Field(alias="accountCode")
    meter_code: str | None = Field(alias="meterCode")
    reason: str
    cause_bill_id: int | None = Field(alias="causeBillId")
    recorded_date: WireDateTime = Field(alias="recordedDate")
    resolved_task_id: int | None = Field(alias="resolvedTaskId")
    resolved_date: WireDateTime | None = Field(alias="resolvedDate")
    dismissed: bool


class RerunGroupResponse(WireModel):
    """A workflow step's billing period that needs running again (step null: versions run outside a workflow)."""

    workflow_step_id: int | None = Field(alias="chargebackWorkflowStepId")
    workflow_step_info: str | None = Field(alias="chargebackWorkflowStepInfo")
    billing_period: int = Field(alias="billingPeriod")
    reruns: list[RerunResponse]


class TaskHistoryResponse(WireModel):
    """GET /apportion/v1/chargebackTask/{taskId}/history."""

    task_id: int = Field(alias="taskId")
    undone: list[CorrectionResponse]
    replaced: list[CorrectionResponse]
    resolved_reruns: list[RerunResponse] = Field(alias="resolvedReruns")


class DryRunError(WireModel):
    """A version that would fail, and why."""

    version_id: int = Field(alias="versionId")
    message: str


class DryRunTask(WireModel):
    """A task the run would record (one per step), with a split task's conservation total."""

    workflow_step_id: int | None = Field(alias="chargebackWorkflowStepId")
    chargeback_type: str = Field(alias="chargebackType")
    billing_period: int = Field(alias="billingPeriod")
    status: str
    bills_created: int = Field(alias="billsCreated")
    failed_versions: int = Field(alias="failedVersions")
    errors: list[DryRunError]
    conservation: ConservationLine | None


class DryRunBill(WireModel):
    """A bill the run would create (it has no id: nothing was written)."""

    account_code: str = Field(alias="accountCode")
    account_info: str = Field(alias="accountInfo")
    meter_codes: list[str] = Field(alias="meterCodes")
    billing_period: int = Field(alias="billingPeriod")
    begin_date: date = Field(alias="beginDate")
    end_date: date = Field(alias="endDate")
    use: WireDecimal | None
    use_unit_code: str | None = Field(alias="useUnitCode")
    total_cost: WireDecimal = Field(alias="totalCost")
    version_id: int | None = Field(alias="versionId")
    workflow_step_id: int | None = Field(alias="chargebackWorkflowStepId")
    source_bill_id: int | None = Field(alias="sourceBillId")


class DryRunDifference(WireModel):
    """One destination (version, account, meter): new, changed, unchanged or voided, and by how much."""

    version_id: int = Field(alias="versionId")
    account_code: str = Field(alias="accountCode")
    meter_code: str | None = Field(alias="meterCode")
    change: str
    live_cost: WireDecimal = Field(alias="liveCost")
    new_cost: WireDecimal = Field(alias="newCost")
    difference: WireDecimal
    live_bills: int = Field(alias="liveBills")
    new_bills: int = Field(alias="newBills")


class DryRunSummary(WireModel):
    """How many destinations each change touches; cost live now, after posting, and the difference."""

    new: int
    changed: int
    unchanged: int
    voided: int
    live_cost: WireDecimal = Field(alias="liveCost")
    new_cost: WireDecimal = Field(alias="newCost")
    difference: WireDecimal


class DryRunResponse(WireModel):
    """POST /apportion/v1/chargebackWorkflowStep/{id}/dryRun and /chargebackWorkflow/{id}/dryRun: nothing written."""

    dry_run: bool = Field(alias="dryRun")
    billing_period: int = Field(alias="billingPeriod")
    workflow_step_ids: list[int] = Field(alias="chargebackWorkflowStepIds")
    summary: DryRunSummary
    tasks: list[DryRunTask]
    differences: list[DryRunDifference]
    bills: list[DryRunBill]


class UseBlockRequest(WireModel):
    """A block of a tiered use price: use up to `upTo` (per month, prorated by days; null on the last block: all
    the rest) costs `unitCost` per unit of the version's use unit."""

    up_to: WireDecimal | None = Field(None, alias="upTo", gt=0, max_digits=24, decimal_places=8)
    unit_cost: WireDecimal = Field(alias="unitCost", max_digits=24, decimal_places=8)


class TimeOfUsePriceRequest(WireModel):
    """A time-of-use price: the bill's use of observation type `observationTypeId` (4 on-peak use, 5 off-peak use)
    costs `unitCost` per unit of the version's use unit."""

    observation_type_id: int = Field(alias="observationTypeId")
    unit_cost: WireDecimal = Field(alias="unitCost", max_digits=24, decimal_places=8)


class TimeOfUseResponse(WireModel):
    """A rate version's time-of-use prices; empty when it has none."""

    rate_id: int = Field(alias="rateId")
    version_id: int = Field(alias="versionId")
    time_of_use: list[TimeOfUsePriceRequest] = Field(alias="timeOfUse")


class UseBlocksResponse(WireModel):
    """A rate version's use blocks; empty when it charges its flat use unit cost."""

    rate_id: int = Field(alias="rateId")
    version_id: int = Field(alias="versionId")
    use_blocks: list[UseBlockRequest] = Field(alias="useBlocks")


class BillListCreate(WireModel):
    """POST /apportion/v1/billList: a saved bill list, of named bills or of the bills a filter picks (one of the
    two)."""

    name: str | None = Field(None, description="1 to 64 characters.")
    bill_ids: list[int] | None = Field(None, alias="billIds", description="The bills, at most 10,000 of them.")
    filter: str | None = Field(
        None, description="A filter of GET /api/v3/bill (docs/filters.md), evaluated each time the list is used."
    )


class BillListResponse(WireModel):
    """A saved bill list: its id is the listId of the /api/v3/list/{listId}/... operations."""

    bill_list_id: int = Field(alias="billListId")
    name: str
    filter: str | None
    bill_count: int | None = Field(
        alias="billCount", description="The bills it names; null for a filter list (its bills change with the data)."
    )
    created_by_user_id: int | None = Field(alias="createdByUserId")
    created_date: WireDateTime = Field(alias="createdDate")
