"""EnergyCAP wire models, generated from the EnergyCAP SDK 8.2309.4878 by scripts/gen_contract.py.

Do not edit by hand: change the generator and run it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from apportion.api.schemas.base import WireDateTime, WireDecimal, WireModel


class AbnormalBillCostWithOutlierAnalysisSettingRequest(WireModel):
    """AbnormalBillCostWithOutlierAnalysisSettingRequest."""

    sensitivity: str | None = Field(None, alias="sensitivity")
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class AbnormalBillCostWithOutlierAnalysisSettingResponse(WireModel):
    """AbnormalBillCostWithOutlierAnalysisSettingResponse."""

    sensitivity: str | None = Field(None, alias="sensitivity")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class AbnormalBillDemandWithOutlierAnalysisSettingRequest(WireModel):
    """AbnormalBillDemandWithOutlierAnalysisSettingRequest."""

    sensitivity: str | None = Field(None, alias="sensitivity")
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class AbnormalBillDemandWithOutlierAnalysisSettingResponse(WireModel):
    """AbnormalBillDemandWithOutlierAnalysisSettingResponse."""

    sensitivity: str | None = Field(None, alias="sensitivity")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class AbnormalBillUseWithOutlierAnalysisSettingRequest(WireModel):
    """AbnormalBillUseWithOutlierAnalysisSettingRequest."""

    sensitivity: str | None = Field(None, alias="sensitivity")
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class AbnormalBillUseWithOutlierAnalysisSettingResponse(WireModel):
    """AbnormalBillUseWithOutlierAnalysisSettingResponse."""

    sensitivity: str | None = Field(None, alias="sensitivity")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class AccountAuditEnable(WireModel):
    """AccountAuditEnable."""

    account_ids: list[int] | None = Field(None, alias="accountIds", min_length=1)
    audit_enabled: bool | None = Field(None, alias="auditEnabled")


class AccountChild(WireModel):
    """AccountChild."""

    account_id: int | None = Field(None, alias="accountId")
    account_code: str | None = Field(None, alias="accountCode")
    account_info: str | None = Field(None, alias="accountInfo")
    vendor: VendorChild | None = Field(None, alias="vendor")
    active: bool | None = Field(None, alias="active")
    has_calculated_meter: bool | None = Field(None, alias="hasCalculatedMeter")
    has_split_parent_meter: bool | None = Field(None, alias="hasSplitParentMeter")
    has_split_child_meter: bool | None = Field(None, alias="hasSplitChildMeter")


class AccountChildWithType(WireModel):
    """AccountChildWithType."""

    account_type: AccountTypeChild | None = Field(None, alias="accountType")
    account_id: int | None = Field(None, alias="accountId")
    account_code: str | None = Field(None, alias="accountCode")
    account_info: str | None = Field(None, alias="accountInfo")
    vendor: VendorChild | None = Field(None, alias="vendor")
    active: bool | None = Field(None, alias="active")
    has_calculated_meter: bool | None = Field(None, alias="hasCalculatedMeter")
    has_split_parent_meter: bool | None = Field(None, alias="hasSplitParentMeter")
    has_split_child_meter: bool | None = Field(None, alias="hasSplitChildMeter")


class AccountCodeHistoryChild(WireModel):
    """AccountCodeHistoryChild."""

    previous_account_code: str | None = Field(None, alias="previousAccountCode")
    end_date: WireDateTime | None = Field(None, alias="endDate")


class AccountCreate(WireModel):
    """AccountCreate."""

    account_code: str = Field(alias="accountCode", max_length=50)
    account_info: str = Field(alias="accountInfo", max_length=50)
    account_type_id: int = Field(alias="accountTypeId")
    cost_center_id: int = Field(alias="costCenterId")
    vendor_id: int = Field(alias="vendorId")
    customer_id: int | None = Field(None, alias="customerId")
    contact_id: int | None = Field(None, alias="contactId")
    active: bool | None = Field(None, alias="active")
    accrual_enabled: bool | None = Field(None, alias="accrualEnabled")
    postal_code: str | None = Field(None, alias="postalCode", max_length=32)
    city: str | None = Field(None, alias="city", max_length=100)
    state: str | None = Field(None, alias="state", max_length=100)
    country: str = Field(alias="country", max_length=64)
    line1: str | None = Field(None, alias="line1", max_length=100)
    line2: str | None = Field(None, alias="line2", max_length=100)
    line3: str | None = Field(None, alias="line3", max_length=100)
    deposit_paid: WireDateTime | None = Field(None, alias="depositPaid")
    deposit_return: WireDateTime | None = Field(None, alias="depositReturn")
    deposit_note: str | None = Field(None, alias="depositNote")
    deposit_amount: WireDecimal | None = Field(None, alias="depositAmount")
    memo: str | None = Field(None, alias="memo")
    service_start: WireDateTime | None = Field(None, alias="serviceStart")
    service_end: WireDateTime | None = Field(None, alias="serviceEnd")
    meters: list[int] | None = Field(None, alias="meters")
    general_ledger_id: int | None = Field(None, alias="generalLedgerId")
    account_description: str | None = Field(None, alias="accountDescription", max_length=4000)


class AccountEdit(WireModel):
    """AccountEdit."""

    account_code: str = Field(alias="accountCode", max_length=50)
    account_info: str = Field(alias="accountInfo", max_length=50)
    cost_center_id: int = Field(alias="costCenterId")
    customer_id: int | None = Field(None, alias="customerId")
    contact_id: int | None = Field(None, alias="contactId")
    active: bool | None = Field(None, alias="active")
    accrual_enabled: bool | None = Field(None, alias="accrualEnabled")
    postal_code: str | None = Field(None, alias="postalCode", max_length=32)
    city: str | None = Field(None, alias="city", max_length=100)
    state: str | None = Field(None, alias="state", max_length=100)
    country: str = Field(alias="country", max_length=64)
    line1: str | None = Field(None, alias="line1", max_length=100)
    line2: str | None = Field(None, alias="line2", max_length=100)
    line3: str | None = Field(None, alias="line3", max_length=100)
    deposit_paid: WireDateTime | None = Field(None, alias="depositPaid")
    deposit_return: WireDateTime | None = Field(None, alias="depositReturn")
    deposit_note: str | None = Field(None, alias="depositNote")
    deposit_amount: WireDecimal | None = Field(None, alias="depositAmount")
    memo: str | None = Field(None, alias="memo")
    service_start: WireDateTime | None = Field(None, alias="serviceStart")
    service_end: WireDateTime | None = Field(None, alias="serviceEnd")
    general_ledger_id: int | None = Field(None, alias="generalLedgerId")
    account_description: str | None = Field(None, alias="accountDescription", max_length=4000)


class AccountMeterChild(WireModel):
    """AccountMeterChild."""

    account_meter_id: int | None = Field(None, alias="accountMeterId")
    start_date: WireDateTime | None = Field(None, alias="startDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    meter_id: int | None = Field(None, alias="meterId")
    meter_code: str | None = Field(None, alias="meterCode")
    meter_info: str | None = Field(None, alias="meterInfo")
    place: PlaceChild | None = Field(None, alias="place")
    commodity: CommodityChild | None = Field(None, alias="commodity")
    meter_general_ledger: GeneralLedgerChild | None = Field(None, alias="meterGeneralLedger")
    vendor_type: VendorTypeChild | None = Field(None, alias="vendorType")
    active: bool | None = Field(None, alias="active")
    is_calculated_meter: bool | None = Field(None, alias="isCalculatedMeter")
    is_split_parent_meter: bool | None = Field(None, alias="isSplitParentMeter")
    is_split_child_meter: bool | None = Field(None, alias="isSplitChildMeter")


class AccountMeterChildWithSerialNumber(WireModel):
    """AccountMeterChildWithSerialNumber."""

    serial_number: str | None = Field(None, alias="serialNumber")
    account_meter_id: int | None = Field(None, alias="accountMeterId")
    start_date: WireDateTime | None = Field(None, alias="startDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    meter_id: int | None = Field(None, alias="meterId")
    meter_code: str | None = Field(None, alias="meterCode")
    meter_info: str | None = Field(None, alias="meterInfo")
    place: PlaceChild | None = Field(None, alias="place")
    commodity: CommodityChild | None = Field(None, alias="commodity")
    meter_general_ledger: GeneralLedgerChild | None = Field(None, alias="meterGeneralLedger")
    vendor_type: VendorTypeChild | None = Field(None, alias="vendorType")
    active: bool | None = Field(None, alias="active")
    is_calculated_meter: bool | None = Field(None, alias="isCalculatedMeter")
    is_split_parent_meter: bool | None = Field(None, alias="isSplitParentMeter")
    is_split_child_meter: bool | None = Field(None, alias="isSplitChildMeter")


class AccountMeterEdit(WireModel):
    """AccountMeterEdit."""

    begin_date: WireDateTime | None = Field(None, alias="beginDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1))
    end_date: WireDateTime | None = Field(None, alias="endDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1))
    general_ledger_id: int | None = Field(None, alias="generalLedgerId")
    vendor_type_id: int | None = Field(None, alias="vendorTypeId")


class AccountMeterRateResponse(WireModel):
    """AccountMeterRateResponse."""

    rate_id: int | None = Field(None, alias="rateId")
    name: str | None = Field(None, alias="name")
    rate_code: str | None = Field(None, alias="rateCode")
    note: str | None = Field(None, alias="note")
    start_date: WireDateTime | None = Field(None, alias="startDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")


class AccountMeterRequest(WireModel):
    """AccountMeterRequest."""

    account_id: int = Field(alias="accountId")
    meter_id: int = Field(alias="meterId")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    general_ledger_id: int | None = Field(None, alias="generalLedgerId")
    vendor_type_id: int | None = Field(None, alias="vendorTypeId")
    deregulated: bool | None = Field(None, alias="deregulated")
    template_id: int | None = Field(None, alias="templateId")
    rate_id: int = Field(alias="rateId")


class AccountMeterResponse(WireModel):
    """AccountMeterResponse."""

    account_meter_id: int | None = Field(None, alias="accountMeterId")
    account: AccountChild | None = Field(None, alias="account")
    meter: MeterChild | None = Field(None, alias="meter")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    general_ledger: GeneralLedgerChild | None = Field(None, alias="generalLedger")
    vendor_type: VendorTypeChild | None = Field(None, alias="vendorType")
    deregulated: bool | None = Field(None, alias="deregulated")
    form_templates: list[FormTemplateChild] | None = Field(None, alias="formTemplates")
    rates: list[AccountRateChild] | None = Field(None, alias="rates")


class AccountRateChild(WireModel):
    """AccountRateChild."""

    rate: RateChild | None = Field(None, alias="rate")
    start_date: WireDateTime | None = Field(None, alias="startDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")


class AccountRateRequest(WireModel):
    """AccountRateRequest."""

    rate_id: int = Field(alias="rateId")
    start_date: WireDateTime = Field(alias="startDate")


class AccountRateResponse(WireModel):
    """AccountRateResponse."""

    rate_id: int | None = Field(None, alias="rateId")
    name: str | None = Field(None, alias="name")
    rate_code: str | None = Field(None, alias="rateCode")
    start_date: WireDateTime | None = Field(None, alias="startDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    meter: AccountMeterChild | None = Field(None, alias="meter")
    vendor: VendorChild | None = Field(None, alias="vendor")
    note: str | None = Field(None, alias="note")


class AccountResponse(WireModel):
    """AccountResponse."""

    account_id: int | None = Field(None, alias="accountId")
    account_meter_id: int | None = Field(None, alias="accountMeterId")
    account_code: str | None = Field(None, alias="accountCode")
    account_info: str | None = Field(None, alias="accountInfo")
    account_type: AccountTypeChild | None = Field(None, alias="accountType")
    cost_center: CostCenterChild | None = Field(None, alias="costCenter")
    vendor: VendorChild | None = Field(None, alias="vendor")
    contact: ContactChild | None = Field(None, alias="contact")
    customer: CustomerChild | None = Field(None, alias="customer")
    active: bool | None = Field(None, alias="active")
    accrual_enabled: bool | None = Field(None, alias="accrualEnabled")
    address: AddressChild | None = Field(None, alias="address")
    deposit_paid: WireDateTime | None = Field(None, alias="depositPaid")
    deposit_return: WireDateTime | None = Field(None, alias="depositReturn")
    deposit_note: str | None = Field(None, alias="depositNote")
    deposit_amount: WireDecimal | None = Field(None, alias="depositAmount")
    memo: str | None = Field(None, alias="memo")
    service_start: WireDateTime | None = Field(None, alias="serviceStart")
    service_end: WireDateTime | None = Field(None, alias="serviceEnd")
    account_general_ledger: GeneralLedgerChild | None = Field(None, alias="accountGeneralLedger")
    meters: list[AccountMeterChildWithSerialNumber] | None = Field(None, alias="meters")
    created_by: UserChild | None = Field(None, alias="createdBy")
    created_date: WireDateTime | None = Field(None, alias="createdDate")
    modified_by: UserChild | None = Field(None, alias="modifiedBy")
    modified_date: WireDateTime | None = Field(None, alias="modifiedDate")
    cost_unit: UnitChild | None = Field(None, alias="costUnit")
    has_calculated_meter: bool | None = Field(None, alias="hasCalculatedMeter")
    has_split_parent_meter: bool | None = Field(None, alias="hasSplitParentMeter")
    has_split_child_meter: bool | None = Field(None, alias="hasSplitChildMeter")
    account_code_history: AccountCodeHistoryChild | None = Field(None, alias="accountCodeHistory")
    account_description: str | None = Field(None, alias="accountDescription")
    audit_enabled: bool | None = Field(None, alias="auditEnabled")
    data_access_release_id: int | None = Field(None, alias="dataAccessReleaseId")
    data_access_release_approved: bool | None = Field(None, alias="dataAccessReleaseApproved")


class AccountTypeChild(WireModel):
    """AccountTypeChild."""

    account_type_id: int | None = Field(None, alias="accountTypeId")
    account_type_code: str | None = Field(None, alias="accountTypeCode")
    account_type_info: str | None = Field(None, alias="accountTypeInfo")


class AccountingSettings(WireModel):
    """AccountingSettings."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class Accounts(WireModel):
    """Accounts."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class AccountsModule(WireModel):
    """AccountsModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class AccountsModuleActualData(WireModel):
    """AccountsModuleActualData."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class AccrualSettings(WireModel):
    """AccrualSettings."""

    view: bool | None = Field(None, alias="view")
    run: bool | None = Field(None, alias="run")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class AddressChild(WireModel):
    """AddressChild."""

    address_type_id: int | None = Field(None, alias="addressTypeId")
    line1: str | None = Field(None, alias="line1", max_length=100)
    line2: str | None = Field(None, alias="line2", max_length=100)
    line3: str | None = Field(None, alias="line3", max_length=100)
    city: str | None = Field(None, alias="city", max_length=100)
    state: str | None = Field(None, alias="state", max_length=100)
    country: str | None = Field(None, alias="country", max_length=64)
    postal_code: str | None = Field(None, alias="postalCode", max_length=32)
    latitude: WireDecimal | None = Field(None, alias="latitude", ge=-90, le=90)
    longitude: WireDecimal | None = Field(None, alias="longitude", ge=-180, le=180)


class AllInstalledReports(WireModel):
    """AllInstalledReports."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ApiKeyCreateRequest(WireModel):
    """ApiKeyCreateRequest."""

    api_key_name: str = Field(alias="apiKeyName", max_length=60)
    api_key_description: str | None = Field(None, alias="apiKeyDescription")


class ApiKeyCreateResponse(WireModel):
    """ApiKeyCreateResponse."""

    api_key: str | None = Field(None, alias="apiKey")
    api_key_id: int | None = Field(None, alias="apiKeyId")
    api_key_name: str | None = Field(None, alias="apiKeyName")
    api_key_description: str | None = Field(None, alias="apiKeyDescription")
    created_by: UserChild | None = Field(None, alias="createdBy")
    created_date: WireDateTime | None = Field(None, alias="createdDate")


class ApiKeyResponse(WireModel):
    """ApiKeyResponse."""

    api_key_id: int | None = Field(None, alias="apiKeyId")
    api_key_name: str | None = Field(None, alias="apiKeyName")
    api_key_description: str | None = Field(None, alias="apiKeyDescription")
    created_by: UserChild | None = Field(None, alias="createdBy")
    created_date: WireDateTime | None = Field(None, alias="createdDate")


class ApplicationSettings(WireModel):
    """ApplicationSettings."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ApprovalWorkflowChild(WireModel):
    """Bill approval settings."""

    approval_mode_enabled: bool | None = Field(None, alias="approvalModeEnabled")
    confirm_edit_delete: bool | None = Field(None, alias="confirmEditDelete")


class ApprovalWorkflowRequestChild(WireModel):
    """Bill approval settings."""

    confirm_edit_delete: bool = Field(alias="confirmEditDelete")


class ApprovalWorkflowSettings(WireModel):
    """ApprovalWorkflowSettings."""

    approval_mode_enabled: bool | None = Field(None, alias="approvalModeEnabled")
    confirm_edit_delete: bool | None = Field(None, alias="confirmEditDelete")
    maximum_approval_amount: int | None = Field(None, alias="maximumApprovalAmount")


class ApproveBills(WireModel):
    """ApproveBills."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class AssignVersionsToStep(WireModel):
    """AssignVersionsToStep."""

    calculate_bill_version_ids: list[int] | None = Field(None, alias="calculateBillVersionIds")


class AuditSettingRequest(WireModel):
    """AuditSettingRequest."""

    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class AuditSettingResponse(WireModel):
    """AuditSettingResponse."""

    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class AuditSettingsRequest(WireModel):
    """AuditSettingsRequest."""

    bill_contains_line_item_descriptions: BillContainsLineItemDescriptionsSettingRequest = Field(
        alias="billContainsLineItemDescriptions"
    )
    bill_contains_line_item_types: BillContainsLineItemTypesSettingRequest = Field(alias="billContainsLineItemTypes")
    total_bill_cost_does_not_match_line_item_types: TotalBillCostDoesNotMatchLineItemTypesSettingRequest = Field(
        alias="totalBillCostDoesNotMatchLineItemTypes"
    )
    billing_period_outside_start_end_dates: AuditSettingRequest = Field(alias="billingPeriodOutsideStartEndDates")
    bill_overlaps_with_other_account_bill: AuditSettingRequest = Field(alias="billOverlapsWithOtherAccountBill")
    gap_between_bill_and_previous_bill_on_account: AuditSettingRequest = Field(
        alias="gapBetweenBillAndPreviousBillOnAccount"
    )
    bill_ends_in_future: AuditSettingRequest = Field(alias="billEndsInFuture")
    account_has_multiple_bills_in_billing_period: AuditSettingRequest = Field(
        alias="accountHasMultipleBillsInBillingPeriod"
    )
    statement_date_before_end_date: AuditSettingRequest = Field(alias="statementDateBeforeEndDate")
    due_date_before_end_date: AuditSettingRequest = Field(alias="dueDateBeforeEndDate")
    bill_significantly_shorter_or_longer_than_previous: BillSignificantlyShorterOrLongerThanPreviousSettingRequest = (
        Field(alias="billSignificantlyShorterOrLongerThanPrevious")
    )
    too_many_consecutive_estimated_bills: TooManyConsecutiveEstimatedBillsSettingRequest = Field(
        alias="tooManyConsecutiveEstimatedBills"
    )
    due_date_too_long_after_bill_end: DueDateTooLongAfterBillEndSettingRequest = Field(
        alias="dueDateTooLongAfterBillEnd"
    )
    statement_date_too_long_after_bill_end: StatementDateTooLongAfterBillEndSettingRequest = Field(
        alias="statementDateTooLongAfterBillEnd"
    )
    invoice_number_is_repeated_on_account: AuditSettingRequest = Field(alias="invoiceNumberIsRepeatedOnAccount")
    likely_duplicate_bill_on_account: AuditSettingRequest = Field(alias="likelyDuplicateBillOnAccount")
    total_meter_cost_is_percentage_higher_than_past_year: AuditSettingRequest = Field(
        alias="totalMeterCostIsPercentageHigherThanPastYear"
    )
    total_meter_use_is_percentage_higher_than_past_year: AuditSettingRequest = Field(
        alias="totalMeterUseIsPercentageHigherThanPastYear"
    )
    serial_number_does_not_match_import_file: AuditSettingRequest = Field(alias="serialNumberDoesNotMatchImportFile")
    rate_code_does_not_match_import_file: AuditSettingRequest = Field(alias="rateCodeDoesNotMatchImportFile")
    import_file_start_date_adjusted_to_prevent_gaps: AuditSettingRequest = Field(
        alias="importFileStartDateAdjustedToPreventGaps"
    )
    account_alert_exists_on_account_in_import_file: AuditSettingRequest = Field(
        alias="accountAlertExistsOnAccountInImportFile"
    )
    abnormal_bill_cost_with_outlier_analysis: AbnormalBillCostWithOutlierAnalysisSettingRequest = Field(
        alias="abnormalBillCostWithOutlierAnalysis"
    )
    abnormal_bill_use_with_outlier_analysis: AbnormalBillUseWithOutlierAnalysisSettingRequest = Field(
        alias="abnormalBillUseWithOutlierAnalysis"
    )
    abnormal_bill_demand_with_outlier_analysis: AbnormalBillDemandWithOutlierAnalysisSettingRequest = Field(
        alias="abnormalBillDemandWithOutlierAnalysis"
    )


class AuditSettingsResponse(WireModel):
    """AuditSettingsResponse."""

    bill_contains_line_item_descriptions: BillContainsLineItemDescriptionsSettingResponse | None = Field(
        None, alias="billContainsLineItemDescriptions"
    )
    bill_contains_line_item_types: BillContainsLineItemTypesSettingResponse | None = Field(
        None, alias="billContainsLineItemTypes"
    )
    total_bill_cost_does_not_match_line_item_types: TotalBillCostDoesNotMatchLineItemTypesSettingResponse | None = (
        Field(None, alias="totalBillCostDoesNotMatchLineItemTypes")
    )
    billing_period_outside_start_end_dates: AuditSettingResponse | None = Field(
        None, alias="billingPeriodOutsideStartEndDates"
    )
    bill_overlaps_with_other_account_bill: AuditSettingResponse | None = Field(
        None, alias="billOverlapsWithOtherAccountBill"
    )
    gap_between_bill_and_previous_bill_on_account: AuditSettingResponse | None = Field(
        None, alias="gapBetweenBillAndPreviousBillOnAccount"
    )
    bill_ends_in_future: AuditSettingResponse | None = Field(None, alias="billEndsInFuture")
    account_has_multiple_bills_in_billing_period: AuditSettingResponse | None = Field(
        None, alias="accountHasMultipleBillsInBillingPeriod"
    )
    statement_date_before_end_date: AuditSettingResponse | None = Field(None, alias="statementDateBeforeEndDate")
    due_date_before_end_date: AuditSettingResponse | None = Field(None, alias="dueDateBeforeEndDate")
    bill_significantly_shorter_or_longer_than_previous: (
        BillSignificantlyShorterOrLongerThanPreviousSettingResponse | None
    ) = Field(None, alias="billSignificantlyShorterOrLongerThanPrevious")
    too_many_consecutive_estimated_bills: TooManyConsecutiveEstimatedBillsSettingResponse | None = Field(
        None, alias="tooManyConsecutiveEstimatedBills"
    )
    due_date_too_long_after_bill_end: DueDateTooLongAfterBillEndSettingResponse = Field(
        alias="dueDateTooLongAfterBillEnd"
    )
    statement_date_too_long_after_bill_end: StatementDateTooLongAfterBillEndSettingResponse = Field(
        alias="statementDateTooLongAfterBillEnd"
    )
    invoice_number_is_repeated_on_account: AuditSettingResponse | None = Field(
        None, alias="invoiceNumberIsRepeatedOnAccount"
    )
    likely_duplicate_bill_on_account: AuditSettingResponse | None = Field(None, alias="likelyDuplicateBillOnAccount")
    total_meter_cost_is_percentage_higher_than_past_year: AuditSettingResponse | None = Field(
        None, alias="totalMeterCostIsPercentageHigherThanPastYear"
    )
    total_meter_use_is_percentage_higher_than_past_year: AuditSettingResponse | None = Field(
        None, alias="totalMeterUseIsPercentageHigherThanPastYear"
    )
    serial_number_does_not_match_import_file: AuditSettingResponse | None = Field(
        None, alias="serialNumberDoesNotMatchImportFile"
    )
    rate_code_does_not_match_import_file: AuditSettingResponse | None = Field(
        None, alias="rateCodeDoesNotMatchImportFile"
    )
    import_file_start_date_adjusted_to_prevent_gaps: AuditSettingResponse | None = Field(
        None, alias="importFileStartDateAdjustedToPreventGaps"
    )
    account_alert_exists_on_account_in_import_file: AuditSettingResponse | None = Field(
        None, alias="accountAlertExistsOnAccountInImportFile"
    )
    abnormal_bill_cost_with_outlier_analysis: AbnormalBillCostWithOutlierAnalysisSettingResponse | None = Field(
        None, alias="abnormalBillCostWithOutlierAnalysis"
    )
    abnormal_bill_use_with_outlier_analysis: AbnormalBillUseWithOutlierAnalysisSettingResponse = Field(
        alias="abnormalBillUseWithOutlierAnalysis"
    )
    abnormal_bill_demand_with_outlier_analysis: AbnormalBillDemandWithOutlierAnalysisSettingResponse = Field(
        alias="abnormalBillDemandWithOutlierAnalysis"
    )


class BaselineEngine(WireModel):
    """BaselineEngine."""

    run: bool | None = Field(None, alias="run")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BatchChild(WireModel):
    """BatchChild."""

    batch_id: int | None = Field(None, alias="batchId")
    batch_code: str | None = Field(None, alias="batchCode")


class BatchCreate(WireModel):
    """BatchCreate."""

    batch_code: str = Field(alias="batchCode", max_length=255)
    close_existing_batch: bool | None = Field(None, alias="closeExistingBatch")
    statement_date: WireDateTime | None = Field(None, alias="statementDate")
    due_date: WireDateTime | None = Field(None, alias="dueDate")
    next_reading: WireDateTime | None = Field(None, alias="nextReading")
    control_code: str | None = Field(None, alias="controlCode", max_length=255)
    invoice_number: str | None = Field(None, alias="invoiceNumber", max_length=255)
    account_period_number: int | None = Field(None, alias="accountPeriodNumber")
    account_period_year: int | None = Field(None, alias="accountPeriodYear", ge=1900, le=2099)
    note: str | None = Field(None, alias="note", max_length=255)


class BatchEdit(WireModel):
    """BatchEdit."""

    batch_code: str = Field(alias="batchCode", max_length=255)
    note: str | None = Field(None, alias="note", max_length=255)


class BatchResponse(WireModel):
    """BatchResponse."""

    batch_id: int | None = Field(None, alias="batchId")
    batch_code: str | None = Field(None, alias="batchCode")
    is_open: bool | None = Field(None, alias="isOpen")
    batch_status: str | None = Field(None, alias="batchStatus")
    start_date: WireDateTime | None = Field(None, alias="startDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    bill_count: int | None = Field(None, alias="billCount")
    running_total: WireDecimal | None = Field(None, alias="runningTotal")
    statement_date: str | None = Field(None, alias="statementDate")
    due_date: str | None = Field(None, alias="dueDate")
    next_reading: str | None = Field(None, alias="nextReading")
    control_code: str | None = Field(None, alias="controlCode")
    invoice_number: str | None = Field(None, alias="invoiceNumber")
    account_period_name: str | None = Field(None, alias="accountPeriodName")
    account_period_number: int | None = Field(None, alias="accountPeriodNumber")
    account_period_year: int | None = Field(None, alias="accountPeriodYear")
    note: str | None = Field(None, alias="note")
    created_by: UserChild | None = Field(None, alias="createdBy")
    flag_count: int | None = Field(None, alias="flagCount")
    analyzing_count: int | None = Field(None, alias="analyzingCount")
    has_imported_bills: bool | None = Field(None, alias="hasImportedBills")


class BatchSettings(WireModel):
    """BatchSettings."""

    batch_mode: str | None = Field(None, alias="batchMode")
    pending_batch_id: int | None = Field(None, alias="pendingBatchId")
    new_batch_code: str | None = Field(None, alias="newBatchCode", max_length=255)
    existing_open_batch_id: int | None = Field(None, alias="existingOpenBatchId")
    leave_existing_batches_open: bool | None = Field(None, alias="leaveExistingBatchesOpen")


class BatchWorkflowChild(WireModel):
    """Batch workflow settings."""

    due_date: BillHeaderWorkflowChild = Field(alias="dueDate")
    statement_date: BillHeaderWorkflowChild = Field(alias="statementDate")
    invoice_number: BillHeaderWorkflowChild = Field(alias="invoiceNumber")
    control_code: BillHeaderWorkflowChild = Field(alias="controlCode")
    next_reading: BillHeaderWorkflowChild = Field(alias="nextReading")
    account_period_name: BillHeaderWorkflowChild = Field(alias="accountPeriodName")
    account_period_year: BillHeaderWorkflowChild = Field(alias="accountPeriodYear")


class BatchWorkflowSettings(WireModel):
    """BatchWorkflowSettings."""

    batch_mode_enabled: bool | None = Field(None, alias="batchModeEnabled")
    due_date: BillHeaderWorkflowChild | None = Field(None, alias="dueDate")
    statement_date: BillHeaderWorkflowChild | None = Field(None, alias="statementDate")
    invoice_number: BillHeaderWorkflowChild | None = Field(None, alias="invoiceNumber")
    control_code: BillHeaderWorkflowChild | None = Field(None, alias="controlCode")
    next_reading: BillHeaderWorkflowChild | None = Field(None, alias="nextReading")
    account_period_name: BillHeaderWorkflowChild | None = Field(None, alias="accountPeriodName")
    account_period_year: BillHeaderWorkflowChild | None = Field(None, alias="accountPeriodYear")


class BenchmarkCategoryResponse(WireModel):
    """BenchmarkCategoryResponse."""

    benchmark_category_id: int | None = Field(None, alias="benchmarkCategoryId")
    benchmark_category_info: str | None = Field(None, alias="benchmarkCategoryInfo")


class BenchmarkValue(WireModel):
    """BenchmarkValue."""

    benchmark_value_id: int | None = Field(None, alias="benchmarkValueId")
    effective_date: WireDateTime | None = Field(None, alias="effectiveDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    value: WireDecimal | None = Field(None, alias="value")


class BillAccountBodyLineCreate(WireModel):
    """BillAccountBodyLineCreate."""

    special_charge_id: int | None = Field(None, alias="specialChargeId")
    observation_type_id: int = Field(alias="observationTypeId")
    cost_unit_id: int | None = Field(None, alias="costUnitId")
    cost: WireDecimal | None = Field(None, alias="cost")
    caption: str = Field(alias="caption", max_length=32)


class BillAccountBodyLineEdit(WireModel):
    """BillAccountBodyLineEdit."""

    body_line_id: int | None = Field(None, alias="bodyLineId")
    special_charge_id: int | None = Field(None, alias="specialChargeId")
    observation_type_id: int = Field(alias="observationTypeId")
    cost_unit_id: int | None = Field(None, alias="costUnitId")
    cost: WireDecimal | None = Field(None, alias="cost")
    caption: str = Field(alias="caption", max_length=32)


class BillActionApprove(WireModel):
    """BillActionApprove."""

    ids: list[int] | None = Field(None, alias="ids", min_length=1)
    approve: bool | None = Field(None, alias="approve")


class BillActionDelete(WireModel):
    """BillActionDelete."""

    ids: list[int] | None = Field(None, alias="ids", min_length=1)


class BillActionExportHold(WireModel):
    """BillActionExportHold."""

    ids: list[int] | None = Field(None, alias="ids", min_length=1)
    export_hold: bool | None = Field(None, alias="exportHold")


class BillActionSplit(WireModel):
    """BillActionSplit."""

    ids: list[int] | None = Field(None, alias="ids", min_length=1)
    note: str | None = Field(None, alias="note")
    batch_settings: BatchCreate | None = Field(None, alias="batchSettings")


class BillActionVoid(WireModel):
    """BillActionVoid."""

    ids: list[int] | None = Field(None, alias="ids", min_length=1)
    void: bool | None = Field(None, alias="void")


class BillContainsLineItemDescriptionsSettingRequest(WireModel):
    """BillContainsLineItemDescriptionsSettingRequest."""

    line_item_descriptions: list[str] | None = Field(None, alias="lineItemDescriptions")
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class BillContainsLineItemDescriptionsSettingResponse(WireModel):
    """BillContainsLineItemDescriptionsSettingResponse."""

    line_item_descriptions: list[str] | None = Field(None, alias="lineItemDescriptions")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class BillContainsLineItemTypesSettingRequest(WireModel):
    """BillContainsLineItemTypesSettingRequest."""

    line_item_types: list[str] | None = Field(None, alias="lineItemTypes")
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class BillContainsLineItemTypesSettingResponse(WireModel):
    """BillContainsLineItemTypesSettingResponse."""

    line_item_types: list[str] | None = Field(None, alias="lineItemTypes")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class BillCreate(WireModel):
    """BillCreate."""

    account_id: int = Field(alias="accountId")
    begin_date: WireDateTime = Field(alias="beginDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1))
    end_date: WireDateTime = Field(alias="endDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1))
    billing_period: int = Field(alias="billingPeriod", ge=190001, le=209912)
    account_period: int | None = Field(None, alias="accountPeriod", ge=190001, le=209913)
    estimated: bool | None = Field(None, alias="estimated")
    manual_entry: bool = Field(alias="manualEntry")
    statement_date: WireDateTime | None = Field(
        None, alias="statementDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1)
    )
    due_date: WireDateTime | None = Field(None, alias="dueDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1))
    next_reading: WireDateTime | None = Field(
        None, alias="nextReading", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1)
    )
    control_code: str | None = Field(None, alias="controlCode", max_length=255)
    invoice_number: str | None = Field(None, alias="invoiceNumber", max_length=32)
    note: str | None = Field(None, alias="note")
    meters: list[BillMeterCreate] | None = Field(None, alias="meters")
    account_body_lines: list[BillAccountBodyLineCreate] | None = Field(None, alias="accountBodyLines")
    batch_id: int | None = Field(None, alias="batchId")


class BillDeleteActionResult(WireModel):
    """BillDeleteActionResult."""

    selected: int | None = Field(None, alias="selected")
    deleted: int | None = Field(None, alias="deleted")


class BillEdit(WireModel):
    """BillEdit."""

    account_id: int = Field(alias="accountId")
    begin_date: WireDateTime = Field(alias="beginDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1))
    end_date: WireDateTime = Field(alias="endDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1))
    billing_period: int = Field(alias="billingPeriod", ge=190001, le=209912)
    account_period: int | None = Field(None, alias="accountPeriod", ge=190001, le=209913)
    estimated: bool | None = Field(None, alias="estimated")
    statement_date: WireDateTime | None = Field(
        None, alias="statementDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1)
    )
    due_date: WireDateTime | None = Field(None, alias="dueDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1))
    next_reading: WireDateTime | None = Field(
        None, alias="nextReading", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1)
    )
    control_code: str | None = Field(None, alias="controlCode", max_length=255)
    invoice_number: str | None = Field(None, alias="invoiceNumber", max_length=32)
    set_to_unapproved: bool | None = Field(None, alias="setToUnapproved")
    note: str | None = Field(None, alias="note")
    meters: list[BillMeterEdit] | None = Field(None, alias="meters")
    account_body_lines: list[BillAccountBodyLineEdit] | None = Field(None, alias="accountBodyLines")


class BillExport(WireModel):
    """BillExport."""

    bill_ids: list[int] | None = Field(None, alias="billIds", min_length=1)
    export_mode: str = Field(alias="exportMode")
    mark_as_exported: bool = Field(alias="markAsExported")
    export_note: str | None = Field(None, alias="exportNote")


class BillExportOptions(WireModel):
    """BillExportOptions."""

    export_mode: str = Field(alias="exportMode")
    mark_as_exported: bool = Field(alias="markAsExported")
    export_note: str | None = Field(None, alias="exportNote")


class BillHeaderWorkflowChild(WireModel):
    """BillHeaderWorkflowChild."""

    use_field: bool | None = Field(None, alias="useField")
    required: bool | None = Field(None, alias="required")


class BillIdResponse(WireModel):
    """BillIdResponse."""

    bill_id: int | None = Field(None, alias="billId")


class BillImportProfileColumnMapping(WireModel):
    """BillImportProfileColumnMapping."""

    date_format: str = Field(alias="dateFormat")
    account_code_column_index: int = Field(alias="accountCodeColumnIndex", ge=1, le=2147483647)
    start_date_column_index: int = Field(alias="startDateColumnIndex", ge=1, le=2147483647)
    end_date_column_index: int = Field(alias="endDateColumnIndex", ge=1, le=2147483647)
    vendor_code_column_index: int | None = Field(None, alias="vendorCodeColumnIndex", ge=1, le=2147483647)
    pay_amount_column_index: int | None = Field(None, alias="payAmountColumnIndex", ge=1, le=2147483647)
    billing_period_column_index: int | None = Field(None, alias="billingPeriodColumnIndex", ge=1, le=2147483647)
    account_period_column_index: int | None = Field(None, alias="accountPeriodColumnIndex", ge=1, le=2147483647)
    statement_date_column_index: int | None = Field(None, alias="statementDateColumnIndex", ge=1, le=2147483647)
    due_date_column_index: int | None = Field(None, alias="dueDateColumnIndex", ge=1, le=2147483647)
    control_code_column_index: int | None = Field(None, alias="controlCodeColumnIndex", ge=1, le=2147483647)
    invoice_number_column_index: int | None = Field(None, alias="invoiceNumberColumnIndex", ge=1, le=2147483647)
    meter_code_column_index: int | None = Field(None, alias="meterCodeColumnIndex", ge=1, le=2147483647)
    commodity_column_index: int | None = Field(None, alias="commodityColumnIndex", ge=1, le=2147483647)
    service_charge_column_index: int | None = Field(None, alias="serviceChargeColumnIndex", ge=1, le=2147483647)
    ace_flag_column_index: int | None = Field(None, alias="aceFlagColumnIndex", ge=1, le=2147483647)
    vpr_flag_column_index: int | None = Field(None, alias="vprFlagColumnIndex", ge=1, le=2147483647)
    rate_column_index: int | None = Field(None, alias="rateColumnIndex", ge=1, le=2147483647)
    serial_number_column_index: int | None = Field(None, alias="serialNumberColumnIndex", ge=1, le=2147483647)
    bill_note_column_index: int | None = Field(None, alias="billNoteColumnIndex", ge=1, le=2147483647)
    observations: list[BillImportProfileObservation] | None = Field(None, alias="observations", min_length=1)


class BillImportProfileObservation(WireModel):
    """BillImportProfileObservation."""

    column_index: int = Field(alias="columnIndex", ge=1, le=2147483647)
    observation_type_code: str = Field(alias="observationTypeCode")
    caption: str = Field(alias="caption", max_length=32)
    unit_code: str = Field(alias="unitCode")


class BillImportProfileRequest(WireModel):
    """BillImportProfileRequest."""

    profile_code: str = Field(alias="profileCode", max_length=64)
    column_mapping: BillImportProfileColumnMapping | None = Field(None, alias="columnMapping")


class BillImportProfileResponse(WireModel):
    """BillImportProfileResponse."""

    profile_id: int | None = Field(None, alias="profileId")
    profile_code: str = Field(alias="profileCode", max_length=64)
    column_mapping: BillImportProfileColumnMapping | None = Field(None, alias="columnMapping")


class BillImportRequest(WireModel):
    """BillImportRequest."""

    profile_code: str | None = Field(None, alias="profileCode")
    file_name: str = Field(alias="fileName")
    batch_settings: BatchSettings | None = Field(None, alias="batchSettings")
    data: str = Field(alias="data")
    import_note: str | None = Field(None, alias="importNote")
    save_as_resolved: bool | None = Field(None, alias="saveAsResolved")
    comment: str | None = Field(None, alias="comment")
    suppress_bill_capture_notification: bool | None = Field(None, alias="suppressBillCaptureNotification")


class BillImportWorkflowSettings(WireModel):
    """Represents workflow settings for bill imports."""

    error_handling: str | None = Field(None, alias="errorHandling")


class BillListAdministrator(WireModel):
    """BillListAdministrator."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BillMeterBodyLineCreate(WireModel):
    """BillMeterBodyLineCreate."""

    observation_type_id: int = Field(alias="observationTypeId")
    value_unit_id: int | None = Field(None, alias="valueUnitId")
    value: WireDecimal | None = Field(None, alias="value")
    cost_unit_id: int | None = Field(None, alias="costUnitId")
    cost: WireDecimal | None = Field(None, alias="cost")
    caption: str = Field(alias="caption", max_length=32)


class BillMeterBodyLineEdit(WireModel):
    """BillMeterBodyLineEdit."""

    body_line_id: int | None = Field(None, alias="bodyLineId")
    observation_type_id: int = Field(alias="observationTypeId")
    value_unit_id: int | None = Field(None, alias="valueUnitId")
    value: WireDecimal | None = Field(None, alias="value")
    cost_unit_id: int | None = Field(None, alias="costUnitId")
    cost: WireDecimal | None = Field(None, alias="cost")
    caption: str = Field(alias="caption", max_length=32)


class BillMeterCreate(WireModel):
    """BillMeterCreate."""

    meter_id: int = Field(alias="meterId")
    body_lines: list[BillMeterBodyLineCreate] = Field(alias="bodyLines", min_length=1)


class BillMeterEdit(WireModel):
    """BillMeterEdit."""

    meter_id: int = Field(alias="meterId")
    body_lines: list[BillMeterBodyLineEdit] = Field(alias="bodyLines", min_length=1)


class BillResponse(WireModel):
    """BillResponse."""

    bill_id: int | None = Field(None, alias="billId")
    batch: BatchChild | None = Field(None, alias="batch")
    account: AccountChild | None = Field(None, alias="account")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    billing_period: int | None = Field(None, alias="billingPeriod")
    account_period: int | None = Field(None, alias="accountPeriod")
    total_cost: WireDecimal | None = Field(None, alias="totalCost")
    estimated: bool | None = Field(None, alias="estimated")
    approved: bool | None = Field(None, alias="approved")
    approve_date: WireDateTime | None = Field(None, alias="approveDate")
    approved_by: UserChild | None = Field(None, alias="approvedBy")
    exported: bool | None = Field(None, alias="exported")
    export_date: WireDateTime | None = Field(None, alias="exportDate")
    exported_by: UserChild | None = Field(None, alias="exportedBy")
    observation_method: ObservationMethodChild | None = Field(None, alias="observationMethod")
    statement_date: WireDateTime | None = Field(None, alias="statementDate")
    due_date: WireDateTime | None = Field(None, alias="dueDate")
    next_reading: WireDateTime | None = Field(None, alias="nextReading")
    control_code: str | None = Field(None, alias="controlCode")
    invoice_number: str | None = Field(None, alias="invoiceNumber")
    invoice_pages: int | None = Field(None, alias="invoicePages")
    check_number: str | None = Field(None, alias="checkNumber")
    check_date: WireDateTime | None = Field(None, alias="checkDate")
    pay_status: str | None = Field(None, alias="payStatus")
    cleared_date: WireDateTime | None = Field(None, alias="clearedDate")
    created_by: UserChild | None = Field(None, alias="createdBy")
    created_date: WireDateTime | None = Field(None, alias="createdDate")
    modified_by: UserChild | None = Field(None, alias="modifiedBy")
    modified_date: WireDateTime | None = Field(None, alias="modifiedDate")
    void: bool | None = Field(None, alias="void")
    dirty: bool | None = Field(None, alias="dirty")
    import_verified: bool | None = Field(None, alias="importVerified")
    accrual: bool | None = Field(None, alias="accrual")
    accrual_reversed: bool | None = Field(None, alias="accrualReversed")
    accrual_reversed_date: WireDateTime | None = Field(None, alias="accrualReversedDate")
    export_hold: bool | None = Field(None, alias="exportHold")
    gl_exported: bool | None = Field(None, alias="glExported")
    gl_exported_by: UserChild | None = Field(None, alias="glExportedBy")
    gl_export_date: WireDateTime | None = Field(None, alias="glExportDate")
    from_vendor: bool | None = Field(None, alias="fromVendor")
    has_been_split: bool | None = Field(None, alias="hasBeenSplit")
    was_split_date: WireDateTime | None = Field(None, alias="wasSplitDate")
    trans_ref_num: str | None = Field(None, alias="transRefNum")
    payment_type: str | None = Field(None, alias="paymentType")
    actual_amount_paid: WireDecimal | None = Field(None, alias="actualAmountPaid")
    assigned_to: UserChild | None = Field(None, alias="assignedTo")
    assigned_date: WireDateTime | None = Field(None, alias="assignedDate")
    pay_source: str | None = Field(None, alias="paySource")
    pay_to: str | None = Field(None, alias="payTo")
    previous_balance: WireDecimal | None = Field(None, alias="previousBalance")
    balance_forward: WireDecimal | None = Field(None, alias="balanceForward")
    current_charges: WireDecimal | None = Field(None, alias="currentCharges")
    bill_note: str | None = Field(None, alias="billNote")
    reversal_details: BillReversal | None = Field(None, alias="reversalDetails")
    excluded_from_accruals: bool | None = Field(None, alias="excludedFromAccruals")
    analyzing: bool | None = Field(None, alias="analyzing")


class BillReversal(WireModel):
    """BillReversal."""

    reference_bill_id: int | None = Field(None, alias="referenceBillId")
    reference_type: str | None = Field(None, alias="referenceType")
    description: str | None = Field(None, alias="description")


class BillSignificantlyShorterOrLongerThanPreviousSettingRequest(WireModel):
    """BillSignificantlyShorterOrLongerThanPreviousSettingRequest."""

    percent_length_variance: int | None = Field(None, alias="percentLengthVariance")
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class BillSignificantlyShorterOrLongerThanPreviousSettingResponse(WireModel):
    """BillSignificantlyShorterOrLongerThanPreviousSettingResponse."""

    percent_length_variance: int | None = Field(None, alias="percentLengthVariance")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class BillSplitDetailsRequest(WireModel):
    """Defines details for available types of bill split distributions. Only one"""

    fixed_percentage_split: list[FixedPercentage] | None = Field(None, alias="fixedPercentageSplit", min_length=1)
    floor_area_split: list[FloorAreaSplit] | None = Field(None, alias="floorAreaSplit", min_length=1)
    dynamic_percentage_split: DynamicPercentageBillSplit | None = Field(None, alias="dynamicPercentageSplit")


class BillSplitDetailsResponse(WireModel):
    """Details of the bill split"""

    version: DistributionVersionResponse | None = Field(None, alias="version")
    fixed_percentage_split: list[FixedPercentageResponse] | None = Field(None, alias="fixedPercentageSplit")
    floor_area_split: list[FloorAreaSplitResponse] | None = Field(None, alias="floorAreaSplit")
    dynamic_percentage_split: DynamicPercentageBillSplitResponse | None = Field(None, alias="dynamicPercentageSplit")


class BillSplitParentDetailsResponse(WireModel):
    """BillSplitParentDetailsResponse."""

    split_parent_account: AccountChild | None = Field(None, alias="splitParentAccount")
    split_parent_meter: MeterChild | None = Field(None, alias="splitParentMeter")
    begin_period: int | None = Field(None, alias="beginPeriod")
    end_period: int | None = Field(None, alias="endPeriod")


class BillSplitPlaceSizeChild(WireModel):
    """BillSplitPlaceSizeChild."""

    place_size_id: int | None = Field(None, alias="placeSizeId")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    value: WireDecimal | None = Field(None, alias="value")
    unit: UnitChild | None = Field(None, alias="unit")


class BillUnexport(WireModel):
    """BillUnexport."""

    bill_ids: list[int] = Field(alias="billIds", min_length=1)
    export_mode: str = Field(alias="exportMode")


class BillUnexportOptions(WireModel):
    """BillUnexportOptions."""

    export_mode: str = Field(alias="exportMode")


class BillWorkflowSettings(WireModel):
    """BillWorkflowSettings."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BillingPeriodCostUnitChild(WireModel):
    """BillingPeriodCostUnitChild."""

    cost: WireDecimal | None = Field(None, alias="cost")
    unit: UnitChild | None = Field(None, alias="unit")


class BillingPeriodCostUnitDeltaChild(WireModel):
    """This data is not currently being used, it has been included for"""

    delta: WireDecimal | None = Field(None, alias="delta")
    cost: WireDecimal | None = Field(None, alias="cost")
    unit: UnitChild | None = Field(None, alias="unit")


class BillingPeriodUseCostChild(WireModel):
    """BillingPeriodUseCostChild."""

    billing_period: int | None = Field(None, alias="billingPeriod")
    number_of_bills_in_period: int | None = Field(None, alias="numberOfBillsInPeriod")
    number_of_bills_in_period_from_workflow_step: int | None = Field(
        None, alias="numberOfBillsInPeriodFromWorkflowStep"
    )
    use: BillingPeriodUseUnitChild | None = Field(None, alias="use")
    cost: BillingPeriodCostUnitChild | None = Field(None, alias="cost")
    unit_cost: WireDecimal | None = Field(None, alias="unitCost")


class BillingPeriodUseCostDeltaChild(WireModel):
    """BillingPeriodUseCostDeltaChild."""

    billing_period: int | None = Field(None, alias="billingPeriod")
    use: BillingPeriodUseUnitDeltaChild | None = Field(None, alias="use")
    cost: BillingPeriodCostUnitDeltaChild | None = Field(None, alias="cost")


class BillingPeriodUseUnitChild(WireModel):
    """BillingPeriodUseUnitChild."""

    use: WireDecimal | None = Field(None, alias="use")
    unit: UnitChild | None = Field(None, alias="unit")


class BillingPeriodUseUnitDeltaChild(WireModel):
    """BillingPeriodUseUnitDeltaChild."""

    delta: WireDecimal | None = Field(None, alias="delta")
    use: WireDecimal | None = Field(None, alias="use")
    unit: UnitChild | None = Field(None, alias="unit")


class BillsAndBatches(WireModel):
    """BillsAndBatches."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BillsModule(WireModel):
    """BillsModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BudgetsAndBudgetVersions(WireModel):
    """BudgetsAndBudgetVersions."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BuildingAndMeterGroups(WireModel):
    """BuildingAndMeterGroups."""

    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BuildingsAndMetersModule(WireModel):
    """BuildingsAndMetersModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BuildingsAndMetersModuleActualData(WireModel):
    """BuildingsAndMetersModuleActualData."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BuildingsAndMetersModuleCalendarizedData(WireModel):
    """BuildingsAndMetersModuleCalendarizedData."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BuildingsAndMetersModuleMeterIntervalData(WireModel):
    """BuildingsAndMetersModuleMeterIntervalData."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BuildingsAndMetersModuleNormalizedData(WireModel):
    """BuildingsAndMetersModuleNormalizedData."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BuildingsAndMetersModuleSavings(WireModel):
    """BuildingsAndMetersModuleSavings."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BuildingsAndMetersModuleSustainability(WireModel):
    """BuildingsAndMetersModuleSustainability."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class BuildingsAndOrganizations(WireModel):
    """BuildingsAndOrganizations."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class CalculatedBillCostRequest(WireModel):
    """Defines how use is calculated for a calculated bill distribution."""

    use_current_meters_rate_schedule: bool | None = Field(None, alias="useCurrentMetersRateSchedule")
    fixed_unit_cost: FixedUnitCostRequest | None = Field(None, alias="fixedUnitCost")
    unit_cost_meter_id: int | None = Field(None, alias="unitCostMeterId")
    fixed_amount: WireDecimal | None = Field(None, alias="fixedAmount", decimal_places=2)
    copy_cost_from_meter: CopyMeterRequest | None = Field(None, alias="copyCostFromMeter")
    cost_calculation: CalculationRequest | None = Field(None, alias="costCalculation")
    calendarized_cost_calculation: CalendarizedCalculationRequest | None = Field(
        None, alias="calendarizedCostCalculation"
    )


class CalculatedBillCostResponse(WireModel):
    """Definition of how a calculated bill will get its cost."""

    rate_schedule: RateChildResponse | None = Field(None, alias="rateSchedule")
    fixed_unit_cost: FixedAmountResponse | None = Field(None, alias="fixedUnitCost")
    unit_cost_from_meter: MeterChild | None = Field(None, alias="unitCostFromMeter")
    fixed_amount: WireDecimal | None = Field(None, alias="fixedAmount")
    copy_cost_from_meter: CopyFromMeterResponse | None = Field(None, alias="copyCostFromMeter")
    cost_calculation: CalculationResponse | None = Field(None, alias="costCalculation")
    calendarized_cost_calculation: CalendarizedCalculationResponse | None = Field(
        None, alias="calendarizedCostCalculation"
    )


class CalculatedBillDemandRequest(WireModel):
    """CalculatedBillDemandRequest."""

    readings_channel_id: int | None = Field(None, alias="readingsChannelId")
    fixed_demand: FixedDemandRequest | None = Field(None, alias="fixedDemand")
    use_wattics_data_point: bool | None = Field(None, alias="useWatticsDataPoint")


class CalculatedBillDemandResponse(WireModel):
    """CalculatedBillDemandResponse."""

    readings_from_channel: ChannelChildWithObservationType | None = Field(None, alias="readingsFromChannel")
    fixed_demand: FixedAmountResponse | None = Field(None, alias="fixedDemand")
    readings_from_wattics_data_point: WatticsDataPointChild | None = Field(None, alias="readingsFromWatticsDataPoint")


class CalculatedBillDetailsResponse(WireModel):
    """Response object containing all the details related to calculated bill setup"""

    version: DistributionVersionResponse | None = Field(None, alias="version")
    use: CalculatedBillUseResponse | None = Field(None, alias="use")
    cost: CalculatedBillCostResponse | None = Field(None, alias="cost")
    demand: CalculatedBillDemandResponse | None = Field(None, alias="demand")
    meter_line_items: list[GenericBodylineResponse] | None = Field(None, alias="meterLineItems")
    account_line_items: list[GenericBodylineResponse] | None = Field(None, alias="accountLineItems")


class CalculatedBillUseRequest(WireModel):
    """Defines how use is calculated for a calculated bill distribution."""

    readings_channel_id: int | None = Field(None, alias="readingsChannelId")
    fixed_amount: FixedUseRequest | None = Field(None, alias="fixedAmount")
    copy_use_from_meter: CopyMeterRequest | None = Field(None, alias="copyUseFromMeter")
    use_calculation: CalculationRequest | None = Field(None, alias="useCalculation")
    calendarized_use_calculation: CalendarizedCalculationRequest | None = Field(
        None, alias="calendarizedUseCalculation"
    )
    use_wattics_data_point: bool | None = Field(None, alias="useWatticsDataPoint")


class CalculatedBillUseResponse(WireModel):
    """Definition of how a calculated bill will get its use."""

    readings_from_channel: ChannelChildWithObservationType | None = Field(None, alias="readingsFromChannel")
    fixed_amount: FixedAmountResponse | None = Field(None, alias="fixedAmount")
    copy_use_from_meter: CopyFromMeterResponse | None = Field(None, alias="copyUseFromMeter")
    use_calculation: CalculationResponse | None = Field(None, alias="useCalculation")
    calendarized_use_calculation: CalendarizedCalculationResponse | None = Field(
        None, alias="calendarizedUseCalculation"
    )
    readings_from_wattics_data_point: WatticsDataPointChild | None = Field(None, alias="readingsFromWatticsDataPoint")


class CalculationRequest(WireModel):
    """Adding/subtracting calculation involving meters and/or meter groups"""

    sum: SumRequest | None = Field(None, alias="sum")
    subtract: SubtractRequest | None = Field(None, alias="subtract")


class CalculationResponse(WireModel):
    """Adding/subtracting calculation involving meters and/or meter groups"""

    sum: SumResponse | None = Field(None, alias="sum")
    subtract: SubtractResponse | None = Field(None, alias="subtract")


class CalendarizedCalculationRequest(WireModel):
    """Adding calculation involving meters"""

    sum: CalendarizedSumRequest | None = Field(None, alias="sum")


class CalendarizedCalculationResponse(WireModel):
    """Adding calendarized calculation involving meters."""

    calendarized_sum: list[MeterChild] | None = Field(None, alias="calendarizedSum")


class CalendarizedSumRequest(WireModel):
    """CalendarizedSumRequest."""

    sum_meter_ids: list[int] = Field(alias="sumMeterIds", min_length=1)


class ChannelChild(WireModel):
    """ChannelChild."""

    channel_code: str | None = Field(None, alias="channelCode")
    channel_id: int | None = Field(None, alias="channelId")
    interval: int | None = Field(None, alias="interval")


class ChannelChildWithObservationType(WireModel):
    """ChannelChildWithObservationType."""

    type: ObservationTypeChild | None = Field(None, alias="type")
    rule: ObservationRule | None = Field(None, alias="rule")
    channel_code: str | None = Field(None, alias="channelCode")
    channel_id: int | None = Field(None, alias="channelId")
    interval: int | None = Field(None, alias="interval")


class ChannelCreate(WireModel):
    """ChannelCreate."""

    interval_minutes: int = Field(alias="intervalMinutes")
    observation_type_code: str = Field(alias="observationTypeCode")
    channel_description: str | None = Field(None, alias="channelDescription", max_length=4000)
    channel_import_id: str | None = Field(None, alias="channelImportId", max_length=255)
    channel_version: ChannelVersionRequest = Field(alias="channelVersion")


class ChannelResponse(WireModel):
    """ChannelResponse."""

    channel_id: int | None = Field(None, alias="channelId")
    interval_minutes: int | None = Field(None, alias="intervalMinutes")
    observation_type: ObservationTypeChild | None = Field(None, alias="observationType")
    channel_description: str | None = Field(None, alias="channelDescription")
    channel_import_id: str | None = Field(None, alias="channelImportId")
    has_readings: bool | None = Field(None, alias="hasReadings")
    first_reading_date: WireDateTime | None = Field(None, alias="firstReadingDate")
    last_reading_date: WireDateTime | None = Field(None, alias="lastReadingDate")
    channel_versions: list[ChannelVersionResponse] | None = Field(None, alias="channelVersions")
    is_used_on_distribution: bool | None = Field(None, alias="isUsedOnDistribution")
    meter: MeterChildIncludeMeterImportIdAndRoute | None = Field(None, alias="meter")


class ChannelVersionRequest(WireModel):
    """ChannelVersionRequest."""

    multiplier: WireDecimal = Field(alias="multiplier", ge=0, le=999999999999999)
    unit_code: str = Field(alias="unitCode")
    observation_rule: str = Field(alias="observationRule")
    maximum_reading: WireDecimal = Field(alias="maximumReading", ge=0, le=999999999999999)
    udfs: list[UDFValue] | None = Field(None, alias="udfs")


class ChannelVersionResponse(WireModel):
    """ChannelVersionResponse."""

    channel_version_id: int | None = Field(None, alias="channelVersionId")
    multiplier: WireDecimal | None = Field(None, alias="multiplier")
    unit: UnitChild | None = Field(None, alias="unit")
    observation_rule: ObservationRule | None = Field(None, alias="observationRule")
    maximum_reading: WireDecimal | None = Field(None, alias="maximumReading")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    udfs: list[UDFFieldChild] | None = Field(None, alias="udfs")


class ChargebackProcessorSettings(WireModel):
    """The settings used to run the chargeback processor."""

    filters: list[QuickFilter] | None = Field(None, alias="filters")
    billing_period: int = Field(alias="billingPeriod")
    start_date_for_bill: WireDateTime | None = Field(
        None, alias="startDateForBill", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1)
    )
    end_date_for_bill: WireDateTime | None = Field(
        None, alias="endDateForBill", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1)
    )
    note: str | None = Field(None, alias="note")
    batch_settings: BatchCreate | None = Field(None, alias="batchSettings")


class ChargebackProcessorSettingsForAggregations(WireModel):
    """ChargebackProcessorSettingsForAggregations."""

    billing_period: int | None = Field(None, alias="billingPeriod")
    note: str | None = Field(None, alias="note")
    batch_settings: BatchCreate | None = Field(None, alias="batchSettings")


class ChargebackProcessorSettingsForSplits(WireModel):
    """ChargebackProcessorSettingsForSplits."""

    note: str | None = Field(None, alias="note")
    batch_settings: BatchCreate | None = Field(None, alias="batchSettings")


class ChargebackProcessorSettingsWithoutFilters(WireModel):
    """ChargebackProcessorSettingsWithoutFilters."""

    billing_period: int = Field(alias="billingPeriod")
    start_date_for_bill: WireDateTime | None = Field(
        None, alias="startDateForBill", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1)
    )
    end_date_for_bill: WireDateTime | None = Field(
        None, alias="endDateForBill", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1)
    )
    note: str | None = Field(None, alias="note")
    batch_settings: BatchCreate | None = Field(None, alias="batchSettings")


class ChargebackReversals(WireModel):
    """ChargebackReversals."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ChargebackTaskRequest(WireModel):
    """ChargebackTaskRequest."""

    comment: str = Field(alias="comment")


class ChargebackTaskResponse(WireModel):
    """ChargebackTaskResponse."""

    number_of_bills_created: int | None = Field(None, alias="numberOfBillsCreated")
    number_of_failed_versions: int | None = Field(None, alias="numberOfFailedVersions")
    task_id: int | None = Field(None, alias="taskId")
    workflow: ChargebackWorkflowStepChild | None = Field(None, alias="workflow")
    task_begin: WireDateTime | None = Field(None, alias="taskBegin")
    task_end: WireDateTime | None = Field(None, alias="taskEnd")
    user: UserChild | None = Field(None, alias="user")
    billing_period: int | None = Field(None, alias="billingPeriod")
    batch: BatchChild | None = Field(None, alias="batch")
    settings: Any | None = Field(None, alias="settings")
    comment: str | None = Field(None, alias="comment")
    status: str | None = Field(None, alias="status")
    chargeback_type: str | None = Field(None, alias="chargebackType")
    reversed_by: UserChild | None = Field(None, alias="reversedBy")
    reversed_date: WireDateTime | None = Field(None, alias="reversedDate")
    number_of_analyzing_bills: int | None = Field(None, alias="numberOfAnalyzingBills")
    number_of_unresolved_flags: int | None = Field(None, alias="numberOfUnresolvedFlags")


class ChargebackTaskVersionResponse(WireModel):
    """ChargebackTaskVersionResponse."""

    version_id: int | None = Field(None, alias="versionId")
    number_of_bills_created: int | None = Field(None, alias="numberOfBillsCreated")
    error_message: str | None = Field(None, alias="errorMessage")
    destination_bill_ids: list[int] | None = Field(None, alias="destinationBillIds")
    source_bill_id: int | None = Field(None, alias="sourceBillId")
    task_id: int | None = Field(None, alias="taskId")
    workflow: ChargebackWorkflowStepChild | None = Field(None, alias="workflow")
    task_begin: WireDateTime | None = Field(None, alias="taskBegin")
    task_end: WireDateTime | None = Field(None, alias="taskEnd")
    user: UserChild | None = Field(None, alias="user")
    billing_period: int | None = Field(None, alias="billingPeriod")
    batch: BatchChild | None = Field(None, alias="batch")
    settings: Any | None = Field(None, alias="settings")
    comment: str | None = Field(None, alias="comment")
    status: str | None = Field(None, alias="status")
    chargeback_type: str | None = Field(None, alias="chargebackType")
    reversed_by: UserChild | None = Field(None, alias="reversedBy")
    reversed_date: WireDateTime | None = Field(None, alias="reversedDate")
    number_of_analyzing_bills: int | None = Field(None, alias="numberOfAnalyzingBills")
    number_of_unresolved_flags: int | None = Field(None, alias="numberOfUnresolvedFlags")


class ChargebackWorkflowBase(WireModel):
    """ChargebackWorkflowBase."""

    chargeback_workflow_id: int | None = Field(None, alias="chargebackWorkflowId")
    chargeback_workflow_info: str | None = Field(None, alias="chargebackWorkflowInfo")


class ChargebackWorkflowCreate(WireModel):
    """ChargebackWorkflowCreate."""

    chargeback_workflow_info: str = Field(alias="chargebackWorkflowInfo", max_length=64)
    chargeback_workflow_steps: list[ChargebackWorkflowStepCreate] | None = Field(
        None, alias="chargebackWorkflowSteps", min_length=1
    )


class ChargebackWorkflowDigestChild(WireModel):
    """This class inherits all of the billing period summary properties for a"""

    splits: list[ChargebackWorkflowDigestSplitChild] | None = Field(None, alias="splits")
    meter: MeterChild | None = Field(None, alias="meter")
    current_period: BillingPeriodUseCostChild | None = Field(None, alias="currentPeriod")
    prior_period: BillingPeriodUseCostDeltaChild | None = Field(None, alias="priorPeriod")
    prior_year: BillingPeriodUseCostDeltaChild | None = Field(None, alias="priorYear")


class ChargebackWorkflowDigestResponse(WireModel):
    """ChargebackWorkflowDigestResponse."""

    chargeback_workflow_step: ChargebackWorkflowStepChild | None = Field(None, alias="chargebackWorkflowStep")
    results: list[ChargebackWorkflowDigestChild] | None = Field(None, alias="results")


class ChargebackWorkflowDigestSplitChild(WireModel):
    """ChargebackWorkflowDigestSplitChild."""

    meter: MeterChild | None = Field(None, alias="meter")
    current_period: BillingPeriodUseCostChild | None = Field(None, alias="currentPeriod")
    prior_period: BillingPeriodUseCostDeltaChild | None = Field(None, alias="priorPeriod")
    prior_year: BillingPeriodUseCostDeltaChild | None = Field(None, alias="priorYear")


class ChargebackWorkflowEdit(WireModel):
    """ChargebackWorkflowEdit."""

    chargeback_workflow_info: str = Field(alias="chargebackWorkflowInfo", max_length=64)
    chargeback_workflow_steps: list[ChargebackWorkflowStepEdit] | None = Field(
        None, alias="chargebackWorkflowSteps", min_length=1
    )


class ChargebackWorkflowResponse(WireModel):
    """ChargebackWorkflowResponse."""

    chargeback_workflow_steps: list[ChargebackWorkflowStep] | None = Field(None, alias="chargebackWorkflowSteps")
    chargeback_workflow_id: int | None = Field(None, alias="chargebackWorkflowId")
    chargeback_workflow_info: str | None = Field(None, alias="chargebackWorkflowInfo")


class ChargebackWorkflowSettings(WireModel):
    """Represents workflow settings for chargebacks."""

    allow_advanced_chargeback_settings: bool = Field(alias="allowAdvancedChargebackSettings")


class ChargebackWorkflowStep(WireModel):
    """ChargebackWorkflowStep."""

    chargeback_workflow_step_id: int | None = Field(None, alias="chargebackWorkflowStepId")
    chargeback_workflow_step_info: str | None = Field(None, alias="chargebackWorkflowStepInfo")
    chargeback_workflow_step_description: str | None = Field(None, alias="chargebackWorkflowStepDescription")
    chargeback_workflow_step_type: str | None = Field(None, alias="chargebackWorkflowStepType")
    chargeback_workflow_step_order: int | None = Field(None, alias="chargebackWorkflowStepOrder")


class ChargebackWorkflowStepChild(WireModel):
    """ChargebackWorkflowStepChild."""

    chargeback_workflow_step_id: int | None = Field(None, alias="chargebackWorkflowStepId")
    chargeback_workflow_step_info: str | None = Field(None, alias="chargebackWorkflowStepInfo")
    chargeback_workflow_step_description: str | None = Field(None, alias="chargebackWorkflowStepDescription")
    chargeback_workflow_step_type: str | None = Field(None, alias="chargebackWorkflowStepType")
    chargeback_workflow_step_order: int | None = Field(None, alias="chargebackWorkflowStepOrder")
    chargeback_workflow: ChargebackWorkflowBase | None = Field(None, alias="chargebackWorkflow")


class ChargebackWorkflowStepCreate(WireModel):
    """ChargebackWorkflowStepCreate."""

    chargeback_workflow_step_info: str = Field(alias="chargebackWorkflowStepInfo", max_length=64)
    chargeback_workflow_step_description: str = Field(alias="chargebackWorkflowStepDescription", max_length=255)
    chargeback_workflow_step_type: str | None = Field(None, alias="chargebackWorkflowStepType")


class ChargebackWorkflowStepEdit(WireModel):
    """ChargebackWorkflowStepEdit."""

    chargeback_workflow_step_id: int | None = Field(None, alias="chargebackWorkflowStepId")
    chargeback_workflow_step_info: str = Field(alias="chargebackWorkflowStepInfo", max_length=64)
    chargeback_workflow_step_description: str = Field(alias="chargebackWorkflowStepDescription", max_length=255)
    chargeback_workflow_step_type: str | None = Field(None, alias="chargebackWorkflowStepType")


class Chargebacks(WireModel):
    """Chargebacks."""

    run: bool | None = Field(None, alias="run")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ChargebacksModule(WireModel):
    """ChargebacksModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class Claim(WireModel):
    """Claim."""

    claim_type: str | None = Field(None, alias="claimType")
    value: str | None = Field(None, alias="value")


class CollectionChild(WireModel):
    """CollectionChild."""

    collection_id: int | None = Field(None, alias="collectionId")
    collection_code: str | None = Field(None, alias="collectionCode")
    collection_info: str | None = Field(None, alias="collectionInfo")
    collection_icon: Icon | None = Field(None, alias="collectionIcon")


class Collections(WireModel):
    """Collections."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class CommodityCategory(WireModel):
    """CommodityCategory."""

    commodity_category_id: int | None = Field(None, alias="commodityCategoryId")
    commodity_category_info: str | None = Field(None, alias="commodityCategoryInfo")
    common_use_unit: UnitChild | None = Field(None, alias="commonUseUnit")
    common_demand_unit: UnitChild | None = Field(None, alias="commonDemandUnit")


class CommodityChild(WireModel):
    """CommodityChild."""

    commodity_id: int | None = Field(None, alias="commodityId")
    commodity_code: str | None = Field(None, alias="commodityCode")
    commodity_info: str | None = Field(None, alias="commodityInfo")
    commodity_icon: Icon | None = Field(None, alias="commodityIcon")


class CommodityRequest(WireModel):
    """CommodityRequest."""

    commodity_info: str = Field(alias="commodityInfo", max_length=32)
    abbreviation: str = Field(alias="abbreviation", min_length=1, max_length=3)
    description: str | None = Field(None, alias="description", max_length=255)
    icon: Icon | None = Field(None, alias="icon")
    commodity_category_id: int | None = Field(None, alias="commodityCategoryId")
    commodity_rollup_unit_id: int | None = Field(None, alias="commodityRollupUnitId")
    include_in_energy_reporting: bool | None = Field(None, alias="includeInEnergyReporting")
    energy_reporting_unit_conversion_multiplier: WireDecimal | None = Field(
        None, alias="energyReportingUnitConversionMultiplier"
    )


class CommodityResponse(WireModel):
    """CommodityResponse."""

    commodity_id: int | None = Field(None, alias="commodityId")
    commodity_code: str | None = Field(None, alias="commodityCode")
    commodity_info: str | None = Field(None, alias="commodityInfo")
    abbreviation: str | None = Field(None, alias="abbreviation")
    description: str | None = Field(None, alias="description")
    icon: Icon | None = Field(None, alias="icon")
    commodity_category: CommodityCategory | None = Field(None, alias="commodityCategory")
    use_rollup_unit: UnitChild | None = Field(None, alias="useRollupUnit")
    demand_rollup_unit: UnitChild | None = Field(None, alias="demandRollupUnit")
    include_in_energy_reporting: bool | None = Field(None, alias="includeInEnergyReporting")
    energy_reporting_unit_conversion_multiplier: WireDecimal | None = Field(
        None, alias="energyReportingUnitConversionMultiplier"
    )
    in_use: bool | None = Field(None, alias="inUse")
    is_system_commodity: bool | None = Field(None, alias="isSystemCommodity")


class ContactChild(WireModel):
    """ContactChild."""

    contact_id: int | None = Field(None, alias="contactId")
    first: str | None = Field(None, alias="first")
    middle: str | None = Field(None, alias="middle")
    last: str | None = Field(None, alias="last")


class CopyFromMeterResponse(WireModel):
    """Defines an account and meter whose use or cost will be copied when"""

    meter: MeterChild | None = Field(None, alias="meter")
    percentage: WireDecimal | None = Field(None, alias="percentage")


class CopyMeterRequest(WireModel):
    """Defines a meter whose use or cost will be copied when calculating a bill"""

    meter_id: int = Field(alias="meterId")
    percentage: WireDecimal = Field(alias="percentage", decimal_places=8)


class CostCenterAccountChild(WireModel):
    """CostCenterAccountChild."""

    account_id: int | None = Field(None, alias="accountId")
    account_code: str | None = Field(None, alias="accountCode")
    account_info: str | None = Field(None, alias="accountInfo")
    active: bool | None = Field(None, alias="active")
    has_calculated_meter: bool | None = Field(None, alias="hasCalculatedMeter")
    has_split_parent_meter: bool | None = Field(None, alias="hasSplitParentMeter")
    has_split_child_meter: bool | None = Field(None, alias="hasSplitChildMeter")
    account_type: AccountTypeChild | None = Field(None, alias="accountType")


class CostCenterChild(WireModel):
    """CostCenterChild."""

    cost_center_id: int | None = Field(None, alias="costCenterId")
    cost_center_code: str | None = Field(None, alias="costCenterCode")
    cost_center_info: str | None = Field(None, alias="costCenterInfo")


class CostCenterCreate(WireModel):
    """CostCenterCreate."""

    cost_center_code: str = Field(alias="costCenterCode", max_length=32)
    cost_center_info: str = Field(alias="costCenterInfo", max_length=32)
    parent_cost_center_id: int = Field(alias="parentCostCenterId")


class CostCenterResponse(WireModel):
    """CostCenterResponse."""

    cost_center_id: int | None = Field(None, alias="costCenterId")
    cost_center_code: str | None = Field(None, alias="costCenterCode")
    cost_center_info: str | None = Field(None, alias="costCenterInfo")
    parent: CostCenterChild | None = Field(None, alias="parent")
    cost_centers: list[CostCenterChild] | None = Field(None, alias="costCenters")
    accounts: list[CostCenterAccountChild] | None = Field(None, alias="accounts")


class CostCenters(WireModel):
    """CostCenters."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class CustomerChild(WireModel):
    """CustomerChild."""

    customer_id: int | None = Field(None, alias="customerId")
    customer_code: str | None = Field(None, alias="customerCode")
    customer_info: str | None = Field(None, alias="customerInfo")


class DashboardAdministrator(WireModel):
    """DashboardAdministrator."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class DashboardAndMapsModule(WireModel):
    """DashboardAndMapsModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class DataTypeResponse(WireModel):
    """DataTypeResponse."""

    data_type_id: int | None = Field(None, alias="dataTypeId")
    data_type_code: str | None = Field(None, alias="dataTypeCode")
    data_type_info: str | None = Field(None, alias="dataTypeInfo")


class DistributedReportsSettings(WireModel):
    """DistributedReportsSettings."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class DistributionVersionManage(WireModel):
    """DistributionVersionManage."""

    version_id: int | None = Field(None, alias="versionId")
    copy_version_id: int | None = Field(None, alias="copyVersionId")
    name: str = Field(alias="name", max_length=64)
    workflow_step_id: int | None = Field(None, alias="workflowStepId")
    begin_period: int = Field(alias="beginPeriod")
    end_period: int | None = Field(None, alias="endPeriod")


class DistributionVersionResponse(WireModel):
    """DistributionVersionResponse."""

    version_id: int | None = Field(None, alias="versionId")
    version_info: str | None = Field(None, alias="versionInfo")
    chargeback_type: str | None = Field(None, alias="chargebackType")
    begin_period: int | None = Field(None, alias="beginPeriod")
    end_period: int | None = Field(None, alias="endPeriod")
    account: AccountChildWithType | None = Field(None, alias="account")
    meter: MeterChild | None = Field(None, alias="meter")
    workflow: ChargebackWorkflowStepChild | None = Field(None, alias="workflow")
    has_bills: bool | None = Field(None, alias="hasBills")


class DueDateTooLongAfterBillEndSettingRequest(WireModel):
    """DueDateTooLongAfterBillEndSettingRequest."""

    days: int | None = Field(None, alias="days", ge=0, le=2147483647)
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class DueDateTooLongAfterBillEndSettingResponse(WireModel):
    """DueDateTooLongAfterBillEndSettingResponse."""

    days: int | None = Field(None, alias="days")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class DynamicPercentageBillSplit(WireModel):
    """Defines details for a dynamic percentage split of use, cost, or both based"""

    destination_meter_group_id: int = Field(alias="destinationMeterGroupId")
    source_value_to_split: str = Field(alias="sourceValueToSplit")
    destination_share_value: str = Field(alias="destinationShareValue")


class DynamicPercentageBillSplitResponse(WireModel):
    """Defines details for a dynamic percentage split of use, cost, or both based"""

    destination_meter_group: MeterGroupChild | None = Field(None, alias="destinationMeterGroup")
    source_value_to_split: str | None = Field(None, alias="sourceValueToSplit")
    destination_share_value: str | None = Field(None, alias="destinationShareValue")


class ENERGYSTARSubmissions(WireModel):
    """ENERGYSTARSubmissions."""

    run: bool | None = Field(None, alias="run")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class EmissionSourceLink(WireModel):
    """EmissionSourceLink."""

    emission_source_id: int | None = Field(None, alias="emissionSourceId")


class EmissionsSources(WireModel):
    """EmissionsSources."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class EmissionsSourcesModule(WireModel):
    """EmissionsSourcesModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class EnergyCapOptionsEnergyCapIDOptions(WireModel):
    """EnergyCapOptionsEnergyCapIDOptions."""

    base_url: str | None = Field(None, alias="baseUrl")
    gateway_api_path: str | None = Field(None, alias="gatewayApiPath")


class EnergyStarRatingChild(WireModel):
    """EnergyStarRatingChild."""

    rating_date: WireDateTime | None = Field(None, alias="ratingDate")
    calendar_period: int | None = Field(None, alias="calendarPeriod")
    rating: int | None = Field(None, alias="rating")
    site_energy_use_intensity: WireDecimal | None = Field(None, alias="siteEnergyUseIntensity")


class EnergyStarSettings(WireModel):
    """EnergyStarSettings."""

    submit_by_commodity_only: bool | None = Field(None, alias="submitByCommodityOnly")


class ExportBills(WireModel):
    """ExportBills."""

    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    run: bool | None = Field(None, alias="run")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ExportHold(WireModel):
    """ExportHold."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ExportWorkflowChild(WireModel):
    """Represents workflow settings for bill export."""

    export_mode_enabled: bool = Field(alias="exportModeEnabled")
    can_export: str = Field(alias="canExport")
    include_udfs: bool = Field(alias="includeUdfs")


class ExportWorkflowSettings(WireModel):
    """ExportWorkflowSettings."""

    export_mode_enabled: bool | None = Field(None, alias="exportModeEnabled")
    can_export: str | None = Field(None, alias="canExport")


class FacilityProjects(WireModel):
    """FacilityProjects."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class FailedReadingResponse(WireModel):
    """FailedReadingResponse."""

    channel_id: int | None = Field(None, alias="channelId")
    channel_import_id: str | None = Field(None, alias="channelImportId")
    meter_import_id: str | None = Field(None, alias="meterImportId")
    observation_type_code: str | None = Field(None, alias="observationTypeCode")
    unit_code: str | None = Field(None, alias="unitCode")
    channel_interval_in_seconds: int | None = Field(None, alias="channelIntervalInSeconds")
    readings: list[FailedReadings] | None = Field(None, alias="readings")
    error: str | None = Field(None, alias="error")


class FailedReadings(WireModel):
    """FailedReadings."""

    time: WireDateTime | None = Field(None, alias="time")
    value: WireDecimal | None = Field(None, alias="value")
    estimated: bool | None = Field(None, alias="estimated")
    note: str | None = Field(None, alias="note")
    error: str | None = Field(None, alias="error")


class FilterEdit(WireModel):
    """FilterEdit."""

    field_id: int = Field(alias="fieldId")
    operator: str = Field(alias="operator")
    value: str | None = Field(None, alias="value")


class FilterResponse(WireModel):
    """FilterResponse."""

    available_operator: list[str] | None = Field(None, alias="availableOperator")
    caption: str | None = Field(None, alias="caption")
    query_parameter_name: str | None = Field(None, alias="queryParameterName")
    field_id: int | None = Field(None, alias="fieldId")
    data_field_id: int | None = Field(None, alias="dataFieldId")
    data_type: DataTypeResponse | None = Field(None, alias="dataType")
    operator: str | None = Field(None, alias="operator")
    value: str | None = Field(None, alias="value")
    required: bool | None = Field(None, alias="required")
    recommended: bool | None = Field(None, alias="recommended")
    hidden: bool | None = Field(None, alias="hidden")


class FixedAmountResponse(WireModel):
    """Fixed amount per unit to apply during bill calculation."""

    amount: WireDecimal | None = Field(None, alias="amount")
    unit: UnitChild | None = Field(None, alias="unit")


class FixedDemandRequest(WireModel):
    """FixedDemandRequest."""

    fixed_demand_amount: WireDecimal = Field(alias="fixedDemandAmount", decimal_places=6)
    unit_id: int = Field(alias="unitId")


class FixedPercentage(WireModel):
    """FixedPercentage."""

    destination_account_id: int = Field(alias="destinationAccountId")
    destination_meter_id: int = Field(alias="destinationMeterId")
    split_percentage: WireDecimal = Field(alias="splitPercentage", decimal_places=8)


class FixedPercentageResponse(WireModel):
    """FixedPercentageResponse."""

    destination_account: AccountChildWithType | None = Field(None, alias="destinationAccount")
    destination_meter: MeterChild | None = Field(None, alias="destinationMeter")
    destination_place: PlaceChildWithFloorArea | None = Field(None, alias="destinationPlace")
    split_percentage: WireDecimal | None = Field(None, alias="splitPercentage")


class FixedUnitCostRequest(WireModel):
    """Fixed amount per unit to apply during bill calculation."""

    unit_cost: WireDecimal = Field(alias="unitCost", decimal_places=8)
    unit_id: int = Field(alias="unitId")


class FixedUseRequest(WireModel):
    """FixedUseRequest."""

    fixed_use_amount: WireDecimal = Field(alias="fixedUseAmount", decimal_places=6)
    unit_id: int = Field(alias="unitId")


class FlagActionChild(WireModel):
    """FlagActionChild."""

    flag_action_id: int | None = Field(None, alias="flagActionId")
    flag_action_info: str | None = Field(None, alias="flagActionInfo")


class FlagEdit(WireModel):
    """FlagEdit."""

    flag_type_id: int | None = Field(None, alias="flagTypeId")
    flag_status_id: int | None = Field(None, alias="flagStatusId")
    cost_recovery: WireDecimal | None = Field(None, alias="costRecovery")
    comment: str | None = Field(None, alias="comment")
    assignees: list[int] | None = Field(None, alias="assignees")
    release_export_hold: bool | None = Field(None, alias="releaseExportHold")
    hold_from_export: bool | None = Field(None, alias="holdFromExport")


class FlagEventChild(WireModel):
    """FlagEventChild."""

    flag_event_id: int | None = Field(None, alias="flagEventId")
    created_by: UserChild | None = Field(None, alias="createdBy")
    created_date: WireDateTime | None = Field(None, alias="createdDate")
    comment: str | None = Field(None, alias="comment")
    description: str | None = Field(None, alias="description")
    flag_action: FlagActionChild | None = Field(None, alias="flagAction")


class FlagIssueTypeChild(WireModel):
    """FlagIssueTypeChild."""

    flag_issue_type_id: int | None = Field(None, alias="flagIssueTypeId")
    flag_issue_type_info: str | None = Field(None, alias="flagIssueTypeInfo")
    flag_issue_type_description: str | None = Field(None, alias="flagIssueTypeDescription")
    flag_issue_category: str | None = Field(None, alias="flagIssueCategory")


class FlagListAction(WireModel):
    """FlagListAction."""

    entity_ids: list[int] | None = Field(None, alias="entityIds")
    flag_action: FlagEdit | None = Field(None, alias="flagAction")


class FlagResponse(WireModel):
    """FlagResponse."""

    flag_id: int | None = Field(None, alias="flagId")
    flag_type: FlagTypeChild | None = Field(None, alias="flagType")
    flag_status: FlagStatusChild | None = Field(None, alias="flagStatus")
    created_by: UserChild | None = Field(None, alias="createdBy")
    created_date: WireDateTime | None = Field(None, alias="createdDate")
    modified_by: UserChild | None = Field(None, alias="modifiedBy")
    modified_date: WireDateTime | None = Field(None, alias="modifiedDate")
    cost_recovery: WireDecimal | None = Field(None, alias="costRecovery")
    flag_events: list[FlagEventChild] | None = Field(None, alias="flagEvents")
    assignees: list[UserChild] | None = Field(None, alias="assignees")
    flag_issues: list[FlagIssueTypeChild] | None = Field(None, alias="flagIssues")


class FlagStatusChild(WireModel):
    """FlagStatusChild."""

    flag_status_id: int | None = Field(None, alias="flagStatusId")
    flag_status_info: str | None = Field(None, alias="flagStatusInfo")


class FlagTypeChild(WireModel):
    """FlagTypeChild."""

    flag_type_id: int | None = Field(None, alias="flagTypeId")
    flag_type_info: str | None = Field(None, alias="flagTypeInfo")


class FlagTypeCreate(WireModel):
    """FlagTypeCreate."""

    flag_type_info: str = Field(alias="flagTypeInfo", min_length=1, max_length=32)


class FlagWidget(WireModel):
    """FlagWidget."""

    view_by: str | None = Field(None, alias="viewBy")
    flag_status: str | None = Field(None, alias="flagStatus")
    total_cost: WireDecimal | None = Field(None, alias="totalCost")
    total_cost_recovery: WireDecimal | None = Field(None, alias="totalCostRecovery")
    flag_count: int | None = Field(None, alias="flagCount")
    results: list[FlagWidgetChild] | None = Field(None, alias="results")
    total_number_of_results: int | None = Field(None, alias="totalNumberOfResults")


class FlagWidgetChild(WireModel):
    """FlagWidgetChild."""

    item_id: int | None = Field(None, alias="itemId")
    item_display: str | None = Field(None, alias="itemDisplay")
    item_type: str | None = Field(None, alias="itemType")
    parent_id: int | None = Field(None, alias="parentId")
    parent_display: str | None = Field(None, alias="parentDisplay")
    parent_item_type: str | None = Field(None, alias="parentItemType")
    split_parent: bool | None = Field(None, alias="splitParent")
    split_child: bool | None = Field(None, alias="splitChild")
    calculated: bool | None = Field(None, alias="calculated")
    active: bool | None = Field(None, alias="active")
    cost: WireDecimal | None = Field(None, alias="cost")
    cost_recovery: WireDecimal | None = Field(None, alias="costRecovery")
    flag_count: int | None = Field(None, alias="flagCount")


class FlaggedItems(WireModel):
    """FlaggedItems."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class FloorAreaSplit(WireModel):
    """FloorAreaSplit."""

    destination_account_id: int = Field(alias="destinationAccountId")
    destination_meter_id: int = Field(alias="destinationMeterId")
    weighting_factor: WireDecimal = Field(alias="weightingFactor", decimal_places=8, ge=0)


class FloorAreaSplitResponse(WireModel):
    """FloorAreaSplitResponse."""

    destination_account: AccountChildWithType | None = Field(None, alias="destinationAccount")
    destination_meter: MeterChild | None = Field(None, alias="destinationMeter")
    destination_place: PlaceChildWithFloorArea | None = Field(None, alias="destinationPlace")
    weighting_factor: WireDecimal | None = Field(None, alias="weightingFactor")
    split_percentage: WireDecimal | None = Field(None, alias="splitPercentage")


class FormTemplateChild(WireModel):
    """FormTemplateChild."""

    form_template_id: int | None = Field(None, alias="formTemplateId")
    display_order: int | None = Field(None, alias="displayOrder")
    template: TemplateChild | None = Field(None, alias="template")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")


class GHGSettings(WireModel):
    """GHGSettings."""

    global_warming_assessment_report_id: int | None = Field(None, alias="globalWarmingAssessmentReportId")
    global_warming_assessment_report_info: str | None = Field(None, alias="globalWarmingAssessmentReportInfo")
    reporting_unit: UnitChild | None = Field(None, alias="reportingUnit")


class GeneralLedgerChild(WireModel):
    """GeneralLedgerChild."""

    general_ledger_id: int | None = Field(None, alias="generalLedgerId")
    general_ledger_code: str | None = Field(None, alias="generalLedgerCode")
    general_ledger_info: str | None = Field(None, alias="generalLedgerInfo")


class GenericBodylineRequest(WireModel):
    """Representation of a generic 'empty' bodyline which is not associated with a"""

    observation_type_id: int | None = Field(None, alias="observationTypeId")
    caption: str | None = Field(None, alias="caption", max_length=32)
    calculation_type: str | None = Field(None, alias="calculationType")
    value: WireDecimal | None = Field(None, alias="value")


class GenericBodylineResponse(WireModel):
    """Representation of a generic 'empty' bodyline which is not associated with a"""

    observation_type: ObservationTypeChild | None = Field(None, alias="observationType")
    caption: str | None = Field(None, alias="caption")
    calculation_type: str | None = Field(None, alias="calculationType")
    value: WireDecimal | None = Field(None, alias="value")


class GlobalCostAvoidanceSettings(WireModel):
    """GlobalCostAvoidanceSettings."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class GreenhouseGasAdministrator(WireModel):
    """GreenhouseGasAdministrator."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class GroupDisplaySetting(WireModel):
    """Display settings for the user when viewing benchmark charts."""

    period_type: int | None = Field(None, alias="periodType")
    user_defined_range_start_period: int | None = Field(None, alias="userDefinedRangeStartPeriod")
    user_defined_range_end_period: int | None = Field(None, alias="userDefinedRangeEndPeriod")
    data_view: str | None = Field(None, alias="dataView")
    commodity_id: int | None = Field(None, alias="commodityId")
    show_excluded_members: bool | None = Field(None, alias="showExcludedMembers")
    show_zero_averages: bool | None = Field(None, alias="showZeroAverages")


class GroupMeterGroupResponse(WireModel):
    """GroupMeterGroupResponse."""

    meter_group_id: int | None = Field(None, alias="meterGroupId")
    meter_group_code: str | None = Field(None, alias="meterGroupCode")
    meter_group_info: str | None = Field(None, alias="meterGroupInfo")
    auto_group: bool | None = Field(None, alias="autoGroup")
    member_count: int | None = Field(None, alias="memberCount")
    member_count_with_topmost: int | None = Field(None, alias="memberCountWithTopmost")
    meter_group_category: MeterGroupCategoryChild | None = Field(None, alias="meterGroupCategory")
    limit_members_by_topmost: bool | None = Field(None, alias="limitMembersByTopmost")
    user_defined_auto_group: bool | None = Field(None, alias="userDefinedAutoGroup")
    user_defined_auto_group_filters: list[FilterResponse] | None = Field(None, alias="userDefinedAutoGroupFilters")
    last_updated: WireDateTime | None = Field(None, alias="lastUpdated")
    member_commodity_code: str | None = Field(None, alias="memberCommodityCode")


class GroupsAndBenchmarksModule(WireModel):
    """GroupsAndBenchmarksModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class GuidResponse(WireModel):
    """GuidResponse."""

    task_gu_id: str | None = Field(None, alias="taskGUId")


class Icon(WireModel):
    """Icon."""

    code: str | None = Field(None, alias="code", max_length=64)
    color: str | None = Field(None, alias="color", max_length=32)


class IntervalData(WireModel):
    """IntervalData."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class IntervalDataAnalysis(WireModel):
    """IntervalDataAnalysis."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class IntervalDataRollup(WireModel):
    """IntervalDataRollup."""

    run: bool | None = Field(None, alias="run")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class LatestBenchmarkValue(WireModel):
    """LatestBenchmarkValue."""

    benchmark_value: BenchmarkValue | None = Field(None, alias="benchmarkValue")
    benchmark_indicator: int | None = Field(None, alias="benchmarkIndicator")
    benchmark_info: str | None = Field(None, alias="benchmarkInfo")
    benchmark_category: BenchmarkCategoryResponse | None = Field(None, alias="benchmarkCategory")


class LicenseFeatureAccountingExport(WireModel):
    """LicenseFeatureAccountingExport."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class LicenseFeatureAccrualBills(WireModel):
    """LicenseFeatureAccrualBills."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class LicenseFeatureChargebacks(WireModel):
    """LicenseFeatureChargebacks."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class LicenseFeatureCostAvoidance(WireModel):
    """LicenseFeatureCostAvoidance."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class LicenseFeatureCustomBenchmarks(WireModel):
    """LicenseFeatureCustomBenchmarks."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class LicenseFeatureGhg(WireModel):
    """LicenseFeatureGhg."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class LicenseFeatureIntervalDataAnalysis(WireModel):
    """LicenseFeatureIntervalDataAnalysis."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class LicenseFeatureReportDesigner(WireModel):
    """LicenseFeatureReportDesigner."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class LicenseFeatureReportDistribution(WireModel):
    """LicenseFeatureReportDistribution."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ListActionApprove(WireModel):
    """ListActionApprove."""

    approve: bool | None = Field(None, alias="approve")


class ListActionExportHold(WireModel):
    """ListActionExportHold."""

    export_hold: bool | None = Field(None, alias="exportHold")


class ManuallyAdjustSavings(WireModel):
    """ManuallyAdjustSavings."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class Me(WireModel):
    """Me."""

    place: TopmostPlace | None = Field(None, alias="place")
    cost_center: TopmostCostCenter | None = Field(None, alias="costCenter")
    collection: TopmostCollection | None = Field(None, alias="collection")
    token: str | None = Field(None, alias="token")
    external_user_id: str | None = Field(None, alias="externalUserId")
    system_user_code: str | None = Field(None, alias="systemUserCode")
    system_user_id: int | None = Field(None, alias="systemUserId")
    full_name: str | None = Field(None, alias="fullName")
    email: str | None = Field(None, alias="email")
    number_of_accounting_periods: int | None = Field(None, alias="numberOfAccountingPeriods")
    calendarization_method: str | None = Field(None, alias="calendarizationMethod")
    fiscal_year_start_month: int | None = Field(None, alias="fiscalYearStartMonth")
    fiscal_year_method: str | None = Field(None, alias="fiscalYearMethod")
    claim: list[Claim] | None = Field(None, alias="claim")
    preference: Preference | None = Field(None, alias="preference")
    date_formats: list[str] | None = Field(None, alias="dateFormats")
    time_formats: list[TimeFormatResponse] | None = Field(None, alias="timeFormats")
    currency_unit: UnitChild | None = Field(None, alias="currencyUnit")
    current_accounting_period: int | None = Field(None, alias="currentAccountingPeriod")
    user_role_name: str | None = Field(None, alias="userRoleName")
    permissions: Permissions | None = Field(None, alias="permissions")
    feature_flags: list[str] | None = Field(None, alias="featureFlags")
    upgrade_version_v3: str | None = Field(None, alias="upgradeVersion_V3")
    upgrade_version_v7: str | None = Field(None, alias="upgradeVersion_V7")
    sku: str | None = Field(None, alias="sku")
    environment: str | None = Field(None, alias="environment")
    build_date: WireDateTime | None = Field(None, alias="buildDate")
    report_distribution_from_email_address: str | None = Field(None, alias="reportDistributionFromEmailAddress")
    report_distribution_from_email_name: str | None = Field(None, alias="reportDistributionFromEmailName")
    application_mode: str | None = Field(None, alias="applicationMode")
    current_database_version: int | None = Field(None, alias="currentDatabaseVersion")
    utility_platform_settings: UtilityPlatform | None = Field(None, alias="utilityPlatformSettings")
    unplaced_meters_parent_id: int | None = Field(None, alias="unplacedMetersParentId")
    unplaced_accounts_parent_id: int | None = Field(None, alias="unplacedAccountsParentId")
    unplaced_emission_sources_parent_id: int | None = Field(None, alias="unplacedEmissionSourcesParentId")
    floor_area_unit: UnitChild | None = Field(None, alias="floorAreaUnit")
    support_url: str | None = Field(None, alias="supportUrl")
    ghg_settings: GHGSettings | None = Field(None, alias="ghgSettings")
    target_settings: TargetSettings | None = Field(None, alias="targetSettings")
    chart_months_to_exclude: int | None = Field(None, alias="chartMonthsToExclude")
    energy_cap_id_settings: EnergyCapOptionsEnergyCapIDOptions | None = Field(None, alias="energyCapIdSettings")
    energy_star_settings: EnergyStarSettings | None = Field(None, alias="energyStarSettings")


class MeterAccountChild(WireModel):
    """MeterAccountChild."""

    account_meter_id: int | None = Field(None, alias="accountMeterId")
    account_id: int | None = Field(None, alias="accountId")
    account_code: str | None = Field(None, alias="accountCode")
    account_info: str | None = Field(None, alias="accountInfo")
    active: bool | None = Field(None, alias="active")
    has_calculated_meter: bool | None = Field(None, alias="hasCalculatedMeter")
    has_split_parent_meter: bool | None = Field(None, alias="hasSplitParentMeter")
    has_split_child_meter: bool | None = Field(None, alias="hasSplitChildMeter")
    vendor: VendorChild | None = Field(None, alias="vendor")
    meter_general_ledger: GeneralLedgerChild | None = Field(None, alias="meterGeneralLedger")
    account_general_ledger: GeneralLedgerChild | None = Field(None, alias="accountGeneralLedger")
    vendor_type: VendorTypeChild | None = Field(None, alias="vendorType")
    start_date: WireDateTime | None = Field(None, alias="startDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    data_access_release_id: int | None = Field(None, alias="dataAccessReleaseId")


class MeterBillResponse(WireModel):
    """MeterBillResponse."""

    bill_id: int | None = Field(None, alias="billId")
    batch: BatchChild | None = Field(None, alias="batch")
    account: AccountChild | None = Field(None, alias="account")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    billing_period: int | None = Field(None, alias="billingPeriod")
    account_period: int | None = Field(None, alias="accountPeriod")
    cost: WireDecimal | None = Field(None, alias="cost")
    cost_per_day: WireDecimal | None = Field(None, alias="costPerDay")
    cost_per_unit: WireDecimal | None = Field(None, alias="costPerUnit")
    estimated: bool | None = Field(None, alias="estimated")
    approved: bool | None = Field(None, alias="approved")
    approve_date: WireDateTime | None = Field(None, alias="approveDate")
    approved_by: UserChild | None = Field(None, alias="approvedBy")
    exported: bool | None = Field(None, alias="exported")
    export_date: WireDateTime | None = Field(None, alias="exportDate")
    exported_by: UserChild | None = Field(None, alias="exportedBy")
    observation_method: ObservationMethodChild | None = Field(None, alias="observationMethod")
    statement_date: WireDateTime | None = Field(None, alias="statementDate")
    due_date: WireDateTime | None = Field(None, alias="dueDate")
    next_reading: WireDateTime | None = Field(None, alias="nextReading")
    control_code: str | None = Field(None, alias="controlCode")
    invoice_number: str | None = Field(None, alias="invoiceNumber")
    invoice_pages: int | None = Field(None, alias="invoicePages")
    check_number: str | None = Field(None, alias="checkNumber")
    check_date: WireDateTime | None = Field(None, alias="checkDate")
    pay_status: str | None = Field(None, alias="payStatus")
    cleared_date: WireDateTime | None = Field(None, alias="clearedDate")
    created_by: UserChild | None = Field(None, alias="createdBy")
    created_date: WireDateTime | None = Field(None, alias="createdDate")
    modified_by: UserChild | None = Field(None, alias="modifiedBy")
    modified_date: WireDateTime | None = Field(None, alias="modifiedDate")
    void: bool | None = Field(None, alias="void")
    dirty: bool | None = Field(None, alias="dirty")
    import_verified: bool | None = Field(None, alias="importVerified")
    accrual: bool | None = Field(None, alias="accrual")
    accrual_reversed: bool | None = Field(None, alias="accrualReversed")
    accrual_reversed_date: WireDateTime | None = Field(None, alias="accrualReversedDate")
    export_hold: bool | None = Field(None, alias="exportHold")
    gl_exported: bool | None = Field(None, alias="glExported")
    gl_exported_by: UserChild | None = Field(None, alias="glExportedBy")
    gl_export_date: WireDateTime | None = Field(None, alias="glExportDate")
    from_vendor: bool | None = Field(None, alias="fromVendor")
    has_been_split: bool | None = Field(None, alias="hasBeenSplit")
    was_split_date: WireDateTime | None = Field(None, alias="wasSplitDate")
    trans_ref_num: str | None = Field(None, alias="transRefNum")
    payment_type: str | None = Field(None, alias="paymentType")
    actual_amount_paid: WireDecimal | None = Field(None, alias="actualAmountPaid")
    assigned_to: UserChild | None = Field(None, alias="assignedTo")
    assigned_date: WireDateTime | None = Field(None, alias="assignedDate")
    pay_source: str | None = Field(None, alias="paySource")
    pay_to: str | None = Field(None, alias="payTo")
    previous_balance: WireDecimal | None = Field(None, alias="previousBalance")
    balance_forward: WireDecimal | None = Field(None, alias="balanceForward")
    current_charges: WireDecimal | None = Field(None, alias="currentCharges")
    usage: WireDecimal | None = Field(None, alias="usage")
    use_per_day: WireDecimal | None = Field(None, alias="usePerDay")
    use_unit: UnitChild | None = Field(None, alias="useUnit")
    actual_demand: WireDecimal | None = Field(None, alias="actualDemand")
    actual_demand_unit: UnitChild | None = Field(None, alias="actualDemandUnit")
    billed_demand: WireDecimal | None = Field(None, alias="billedDemand")
    billed_demand_unit: UnitChild | None = Field(None, alias="billedDemandUnit")


class MeterChild(WireModel):
    """MeterChild."""

    meter_id: int | None = Field(None, alias="meterId")
    meter_code: str | None = Field(None, alias="meterCode")
    meter_info: str | None = Field(None, alias="meterInfo")
    meter_type: MeterTypeChild | None = Field(None, alias="meterType")
    commodity: CommodityChild | None = Field(None, alias="commodity")
    active: bool | None = Field(None, alias="active")
    is_calculated_meter: bool | None = Field(None, alias="isCalculatedMeter")
    is_split_parent_meter: bool | None = Field(None, alias="isSplitParentMeter")
    is_split_child_meter: bool | None = Field(None, alias="isSplitChildMeter")
    serial_number: str | None = Field(None, alias="serialNumber")
    is_esa_calculated_meter: bool | None = Field(None, alias="isEsaCalculatedMeter")


class MeterChildIncludeMeterImportIdAndRoute(WireModel):
    """Class derived from MeterChildDTO - has this meter's import id and route"""

    meter_import_id: str | None = Field(None, alias="meterImportId")
    route: RouteChild | None = Field(None, alias="route")
    meter_id: int | None = Field(None, alias="meterId")
    meter_code: str | None = Field(None, alias="meterCode")
    meter_info: str | None = Field(None, alias="meterInfo")
    meter_type: MeterTypeChild | None = Field(None, alias="meterType")
    commodity: CommodityChild | None = Field(None, alias="commodity")
    active: bool | None = Field(None, alias="active")
    is_calculated_meter: bool | None = Field(None, alias="isCalculatedMeter")
    is_split_parent_meter: bool | None = Field(None, alias="isSplitParentMeter")
    is_split_child_meter: bool | None = Field(None, alias="isSplitChildMeter")
    serial_number: str | None = Field(None, alias="serialNumber")


class MeterCreate(WireModel):
    """MeterCreate."""

    meter_code: str = Field(alias="meterCode", max_length=32)
    meter_info: str = Field(alias="meterInfo", max_length=50)
    commodity_id: int = Field(alias="commodityId")
    place_id: int = Field(alias="placeId")
    address: RequiredAddressChild = Field(alias="address")
    bill_entry_note: str | None = Field(None, alias="billEntryNote", max_length=64)
    include_in_energy_star: bool | None = Field(None, alias="includeInEnergyStar")
    properties: dict[str, str] | None = Field(None, alias="properties")
    primary_use_id: int | None = Field(None, alias="primaryUseId")
    meter_type_id: int = Field(alias="meterTypeId")
    meter_time_zone_id: int | None = Field(None, alias="meterTimeZoneId")
    use_unit_id: int | None = Field(None, alias="useUnitId")
    demand_unit_id: int | None = Field(None, alias="demandUnitId")
    meter_description: str | None = Field(None, alias="meterDescription", max_length=4000)


class MeterGroupCategoryChild(WireModel):
    """MeterGroupCategoryChild."""

    meter_group_category_id: int | None = Field(None, alias="meterGroupCategoryId")
    meter_group_category_code: str | None = Field(None, alias="meterGroupCategoryCode")
    meter_group_category_info: str | None = Field(None, alias="meterGroupCategoryInfo")


class MeterGroupChild(WireModel):
    """MeterGroupChild."""

    meter_group_id: int | None = Field(None, alias="meterGroupId")
    meter_group_code: str | None = Field(None, alias="meterGroupCode")
    meter_group_info: str | None = Field(None, alias="meterGroupInfo")
    auto_group: bool | None = Field(None, alias="autoGroup")
    user_defined_auto_group: bool | None = Field(None, alias="userDefinedAutoGroup")


class MeterGroupMember(WireModel):
    """MeterGroupMember."""

    meter_group_id: int | None = Field(None, alias="meterGroupId")
    include_in_charts: bool | None = Field(None, alias="includeInCharts")


class MeterGroupMemberChild(WireModel):
    """MeterGroupMemberChild."""

    meter_id: int | None = Field(None, alias="meterId")
    meter_code: str | None = Field(None, alias="meterCode")
    meter_info: str | None = Field(None, alias="meterInfo")
    meter_type: MeterTypeChild | None = Field(None, alias="meterType")
    commodity: CommodityChild | None = Field(None, alias="commodity")
    place: PlaceChild | None = Field(None, alias="place")
    include_in_charts: bool | None = Field(None, alias="includeInCharts")
    active: bool | None = Field(None, alias="active")
    is_calculated_meter: bool | None = Field(None, alias="isCalculatedMeter")
    is_split_parent_meter: bool | None = Field(None, alias="isSplitParentMeter")
    is_split_child_meter: bool | None = Field(None, alias="isSplitChildMeter")


class MeterGroupRequest(WireModel):
    """MeterGroupRequest."""

    meter_group_info: str = Field(alias="meterGroupInfo", max_length=255)
    meter_group_category_id: int = Field(alias="meterGroupCategoryId")
    limit_members_by_topmost: bool = Field(alias="limitMembersByTopmost")
    automatic_group_filters: list[FilterEdit] | None = Field(None, alias="automaticGroupFilters", min_length=1)
    manual_group_members: list[int] | None = Field(None, alias="manualGroupMembers")


class MeterGroupResponse(WireModel):
    """MeterGroupResponse."""

    meter_group_id: int | None = Field(None, alias="meterGroupId")
    meter_group_code: str | None = Field(None, alias="meterGroupCode")
    meter_group_info: str | None = Field(None, alias="meterGroupInfo")
    auto_group: bool | None = Field(None, alias="autoGroup")
    meter_group_category: MeterGroupCategoryChild | None = Field(None, alias="meterGroupCategory")
    user_defined_auto_group: bool | None = Field(None, alias="userDefinedAutoGroup")
    last_updated: WireDateTime | None = Field(None, alias="lastUpdated")


class MeterRateResponse(WireModel):
    """MeterRateResponse."""

    rate_id: int | None = Field(None, alias="rateId")
    name: str | None = Field(None, alias="name")
    rate_code: str | None = Field(None, alias="rateCode")
    start_date: WireDateTime | None = Field(None, alias="startDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    account: MeterAccountChild | None = Field(None, alias="account")
    commodity: CommodityChild | None = Field(None, alias="commodity")
    note: str | None = Field(None, alias="note")


class MeterResponse(WireModel):
    """MeterResponse."""

    meter_id: int | None = Field(None, alias="meterId")
    meter_code: str | None = Field(None, alias="meterCode")
    meter_info: str | None = Field(None, alias="meterInfo")
    meter_type: MeterTypeChild | None = Field(None, alias="meterType")
    channels: list[ChannelChild] | None = Field(None, alias="channels")
    accounts: list[MeterAccountChild] | None = Field(None, alias="accounts")
    commodity: CommodityChild | None = Field(None, alias="commodity")
    place: PlaceChild | None = Field(None, alias="place")
    address: AddressChild | None = Field(None, alias="address")
    bill_entry_note: str | None = Field(None, alias="billEntryNote")
    include_in_energy_star: bool | None = Field(None, alias="includeInEnergyStar")
    primary_use: PrimaryUseChild | None = Field(None, alias="primaryUse")
    created_by: UserChild | None = Field(None, alias="createdBy")
    created_date: WireDateTime | None = Field(None, alias="createdDate")
    modified_by: UserChild | None = Field(None, alias="modifiedBy")
    modified_date: WireDateTime | None = Field(None, alias="modifiedDate")
    properties: dict[str, str] | None = Field(None, alias="properties")
    include_in_cost_avoidance: bool | None = Field(None, alias="includeInCostAvoidance")
    route: RouteChild | None = Field(None, alias="route")
    meter_time_zone: TimeZoneChild | None = Field(None, alias="meterTimeZone")
    active: bool | None = Field(None, alias="active")
    is_calculated_meter: bool | None = Field(None, alias="isCalculatedMeter")
    is_split_parent_meter: bool | None = Field(None, alias="isSplitParentMeter")
    is_split_child_meter: bool | None = Field(None, alias="isSplitChildMeter")
    use_unit: UnitChild | None = Field(None, alias="useUnit")
    demand_unit: UnitChild | None = Field(None, alias="demandUnit")
    serial_number: str | None = Field(None, alias="serialNumber")
    serial_number_history: MeterSerialNumberHistoryChild | None = Field(None, alias="serialNumberHistory")
    meter_description: str | None = Field(None, alias="meterDescription")
    wattics_data_point: WatticsDataPoint | None = Field(None, alias="watticsDataPoint")
    emission_source: EmissionSourceLink | None = Field(None, alias="emissionSource")


class MeterSavingsSettings(WireModel):
    """MeterSavingsSettings."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class MeterSerialNumberHistoryChild(WireModel):
    """MeterSerialNumberHistoryChild."""

    previous_serial_number: str | None = Field(None, alias="previousSerialNumber")
    serial_number_change_date: WireDateTime | None = Field(None, alias="serialNumberChangeDate")


class MeterTypeChild(WireModel):
    """MeterTypeChild."""

    meter_type_id: int | None = Field(None, alias="meterTypeId")
    meter_type_code: str | None = Field(None, alias="meterTypeCode")
    meter_type_info: str | None = Field(None, alias="meterTypeInfo")


class Meters(WireModel):
    """Meters."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class MoveAccountsBetweenVendors(WireModel):
    """MoveAccountsBetweenVendors."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class MoveExistingBills(WireModel):
    """MoveExistingBills."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class NormalizationSettings(WireModel):
    """NormalizationSettings."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ObservationMethodChild(WireModel):
    """ObservationMethodChild."""

    observation_method_id: int | None = Field(None, alias="observationMethodId")
    observation_method_code: str | None = Field(None, alias="observationMethodCode")
    observation_method_info: str | None = Field(None, alias="observationMethodInfo")


class ObservationRule(WireModel):
    """ObservationRule."""

    observation_rule_id: int | None = Field(None, alias="observationRuleId")
    observation_rule_code: str | None = Field(None, alias="observationRuleCode")
    observation_rule_info: str | None = Field(None, alias="observationRuleInfo")


class ObservationTypeChild(WireModel):
    """ObservationTypeChild."""

    noun_id: int | None = Field(None, alias="nounId")
    noun_code: str | None = Field(None, alias="nounCode")
    credit: int | None = Field(None, alias="credit")
    observation_type_id: int | None = Field(None, alias="observationTypeId")
    observation_type_code: str | None = Field(None, alias="observationTypeCode")
    observation_type_info: str | None = Field(None, alias="observationTypeInfo")


class PermissionProduct(WireModel):
    """PermissionProduct."""

    product_id: int | None = Field(None, alias="productId")
    product_code: str | None = Field(None, alias="productCode")
    product_info: str | None = Field(None, alias="productInfo")


class Permissions(WireModel):
    """Permissions."""

    license_feature_accounting_export: LicenseFeatureAccountingExport | None = Field(
        None, alias="licenseFeatureAccountingExport"
    )
    license_feature_accrual_bills: LicenseFeatureAccrualBills | None = Field(None, alias="licenseFeatureAccrualBills")
    license_feature_chargebacks: LicenseFeatureChargebacks | None = Field(None, alias="licenseFeatureChargebacks")
    license_feature_cost_avoidance: LicenseFeatureCostAvoidance | None = Field(
        None, alias="licenseFeatureCostAvoidance"
    )
    license_feature_interval_data_analysis: LicenseFeatureIntervalDataAnalysis | None = Field(
        None, alias="licenseFeatureIntervalDataAnalysis"
    )
    license_feature_report_designer: LicenseFeatureReportDesigner | None = Field(
        None, alias="licenseFeatureReportDesigner"
    )
    license_feature_custom_benchmarks: LicenseFeatureCustomBenchmarks | None = Field(
        None, alias="licenseFeatureCustomBenchmarks"
    )
    license_feature_report_distribution: LicenseFeatureReportDistribution | None = Field(
        None, alias="licenseFeatureReportDistribution"
    )
    license_feature_ghg: LicenseFeatureGhg | None = Field(None, alias="licenseFeatureGhg")
    accounting_settings: AccountingSettings | None = Field(None, alias="accountingSettings")
    accounts: Accounts | None = Field(None, alias="accounts")
    accounts_module: AccountsModule | None = Field(None, alias="accountsModule")
    accrual_settings: AccrualSettings | None = Field(None, alias="accrualSettings")
    cost_centers: CostCenters | None = Field(None, alias="costCenters")
    move_accounts_between_vendors: MoveAccountsBetweenVendors | None = Field(None, alias="moveAccountsBetweenVendors")
    application_settings: ApplicationSettings | None = Field(None, alias="applicationSettings")
    approve_bills: ApproveBills | None = Field(None, alias="approveBills")
    bill_workflow_settings: BillWorkflowSettings | None = Field(None, alias="billWorkflowSettings")
    bills_and_batches: BillsAndBatches | None = Field(None, alias="billsAndBatches")
    export_bills: ExportBills | None = Field(None, alias="exportBills")
    export_hold: ExportHold | None = Field(None, alias="exportHold")
    move_existing_bills: MoveExistingBills | None = Field(None, alias="moveExistingBills")
    shared_bill_lists: SharedBillLists | None = Field(None, alias="sharedBillLists")
    unit_system_settings: UnitSystemSettings | None = Field(None, alias="unitSystemSettings")
    update_approved_bills: UpdateApprovedBills | None = Field(None, alias="updateApprovedBills")
    update_units_on_existing_bills: UpdateUnitsOnExistingBills | None = Field(None, alias="updateUnitsOnExistingBills")
    budgets_and_budget_versions: BudgetsAndBudgetVersions | None = Field(None, alias="budgetsAndBudgetVersions")
    chargebacks_module: ChargebacksModule | None = Field(None, alias="chargebacksModule")
    chargebacks: Chargebacks | None = Field(None, alias="chargebacks")
    chargeback_reversals: ChargebackReversals | None = Field(None, alias="chargebackReversals")
    meter_savings_settings: MeterSavingsSettings | None = Field(None, alias="meterSavingsSettings")
    savings_adjustments: SavingsAdjustments | None = Field(None, alias="savingsAdjustments")
    manually_adjust_savings: ManuallyAdjustSavings | None = Field(None, alias="manuallyAdjustSavings")
    savings_engine: SavingsEngine | None = Field(None, alias="savingsEngine")
    baseline_engine: BaselineEngine | None = Field(None, alias="baselineEngine")
    global_cost_avoidance_settings: GlobalCostAvoidanceSettings | None = Field(
        None, alias="globalCostAvoidanceSettings"
    )
    dashboard_and_maps_module: DashboardAndMapsModule | None = Field(None, alias="dashboardAndMapsModule")
    dashboard_administrator: DashboardAdministrator | None = Field(None, alias="dashboardAdministrator")
    public_dashboards_or_maps: PublicDashboardsOrMaps | None = Field(None, alias="publicDashboardsOrMaps")
    shared_dashboards_or_maps: SharedDashboardsOrMaps | None = Field(None, alias="sharedDashboardsOrMaps")
    buildings_and_meters_module: BuildingsAndMetersModule | None = Field(None, alias="buildingsAndMetersModule")
    groups_and_benchmarks_module: GroupsAndBenchmarksModule | None = Field(None, alias="groupsAndBenchmarksModule")
    building_and_meter_groups: BuildingAndMeterGroups | None = Field(None, alias="buildingAndMeterGroups")
    buildings_and_organizations: BuildingsAndOrganizations | None = Field(None, alias="buildingsAndOrganizations")
    interval_data: IntervalData | None = Field(None, alias="intervalData")
    interval_data_analysis: IntervalDataAnalysis | None = Field(None, alias="intervalDataAnalysis")
    energystar_submissions: ENERGYSTARSubmissions | None = Field(None, alias="energystarSubmissions")
    facility_projects: FacilityProjects | None = Field(None, alias="facilityProjects")
    greenhouse_gas_administrator: GreenhouseGasAdministrator | None = Field(None, alias="greenhouseGasAdministrator")
    interval_data_rollup: IntervalDataRollup | None = Field(None, alias="intervalDataRollup")
    meters: Meters | None = Field(None, alias="meters")
    normalization_settings: NormalizationSettings | None = Field(None, alias="normalizationSettings")
    weather_settings: WeatherSettings | None = Field(None, alias="weatherSettings")
    reports_module: ReportsModule | None = Field(None, alias="reportsModule")
    distributed_reports_settings: DistributedReportsSettings | None = Field(None, alias="distributedReportsSettings")
    report_administrator: ReportAdministrator | None = Field(None, alias="reportAdministrator")
    report_groups: ReportGroups | None = Field(None, alias="reportGroups")
    shared_reports: SharedReports | None = Field(None, alias="sharedReports")
    reports: Reports | None = Field(None, alias="reports")
    reset_user_passwords: ResetUserPasswords | None = Field(None, alias="resetUserPasswords")
    users_and_user_groups: UsersAndUserGroups | None = Field(None, alias="usersAndUserGroups")
    vendors_and_rates_module: VendorsAndRatesModule | None = Field(None, alias="vendorsAndRatesModule")
    rate_schedules: RateSchedules | None = Field(None, alias="rateSchedules")
    vendors: Vendors | None = Field(None, alias="vendors")
    flagged_items: FlaggedItems | None = Field(None, alias="flaggedItems")
    bill_list_administrator: BillListAdministrator | None = Field(None, alias="billListAdministrator")
    all_installed_reports: AllInstalledReports | None = Field(None, alias="allInstalledReports")
    send_notifications: SendNotifications | None = Field(None, alias="sendNotifications")
    buildings_and_meters_module_actual_data: BuildingsAndMetersModuleActualData | None = Field(
        None, alias="buildingsAndMetersModuleActualData"
    )
    buildings_and_meters_module_calendarized_data: BuildingsAndMetersModuleCalendarizedData | None = Field(
        None, alias="buildingsAndMetersModuleCalendarizedData"
    )
    buildings_and_meters_module_normalized_data: BuildingsAndMetersModuleNormalizedData | None = Field(
        None, alias="buildingsAndMetersModuleNormalizedData"
    )
    buildings_and_meters_module_savings: BuildingsAndMetersModuleSavings | None = Field(
        None, alias="buildingsAndMetersModuleSavings"
    )
    buildings_and_meters_module_meter_interval_data: BuildingsAndMetersModuleMeterIntervalData | None = Field(
        None, alias="buildingsAndMetersModuleMeterIntervalData"
    )
    buildings_and_meters_module_sustainability: BuildingsAndMetersModuleSustainability | None = Field(
        None, alias="buildingsAndMetersModuleSustainability"
    )
    accounts_module_actual_data: AccountsModuleActualData | None = Field(None, alias="accountsModuleActualData")
    bills_module: BillsModule | None = Field(None, alias="billsModule")
    roles: Roles | None = Field(None, alias="roles")
    users_and_roles: UsersAndRoles | None = Field(None, alias="usersAndRoles")
    emissions_sources_module: EmissionsSourcesModule | None = Field(None, alias="emissionsSourcesModule")
    collections: Collections | None = Field(None, alias="collections")
    emissions_sources: EmissionsSources | None = Field(None, alias="emissionsSources")
    records_module: RecordsModule | None = Field(None, alias="recordsModule")
    records: Records | None = Field(None, alias="records")
    shared_records_lists: SharedRecordsLists | None = Field(None, alias="sharedRecordsLists")
    records_list_administrator: RecordsListAdministrator | None = Field(None, alias="recordsListAdministrator")


class PlaceChild(WireModel):
    """PlaceChild."""

    place_type: PlaceTypeResponse | None = Field(None, alias="placeType")
    place_id: int | None = Field(None, alias="placeId")
    place_code: str | None = Field(None, alias="placeCode")
    place_info: str | None = Field(None, alias="placeInfo")


class PlaceChildWithFloorArea(WireModel):
    """PlaceChildWithFloorArea."""

    current_floor_area: BillSplitPlaceSizeChild | None = Field(None, alias="currentFloorArea")
    place_type: PlaceTypeResponse | None = Field(None, alias="placeType")
    place_id: int | None = Field(None, alias="placeId")
    place_code: str | None = Field(None, alias="placeCode")
    place_info: str | None = Field(None, alias="placeInfo")


class PlaceCreate(WireModel):
    """PlaceCreate."""

    place_code: str = Field(alias="placeCode", max_length=32)
    place_info: str = Field(alias="placeInfo", max_length=50)
    parent_place_id: int = Field(alias="parentPlaceId")
    place_type_id: int = Field(alias="placeTypeId")
    primary_use_id: int | None = Field(None, alias="primaryUseId")
    build_date: WireDateTime | None = Field(None, alias="buildDate")
    address: AddressChild | None = Field(None, alias="address")
    weather_station_code: str | None = Field(None, alias="weatherStationCode", max_length=32)
    place_description: str | None = Field(None, alias="placeDescription", max_length=4000)


class PlaceEdit(WireModel):
    """PlaceEdit."""

    place_code: str = Field(alias="placeCode", max_length=32)
    place_info: str = Field(alias="placeInfo", max_length=50)
    parent_place_id: int = Field(alias="parentPlaceId")
    place_type_id: int = Field(alias="placeTypeId")
    primary_use_id: int | None = Field(None, alias="primaryUseId")
    build_date: WireDateTime | None = Field(None, alias="buildDate")
    address: AddressChild | None = Field(None, alias="address")
    weather_station_code: str | None = Field(None, alias="weatherStationCode", max_length=32)
    place_description: str | None = Field(None, alias="placeDescription", max_length=4000)


class PlaceResponse(WireModel):
    """PlaceResponse."""

    parent: PlaceChild | None = Field(None, alias="parent")
    place_type: PlaceTypeResponse | None = Field(None, alias="placeType")
    created_date: WireDateTime | None = Field(None, alias="createdDate")
    created_by: UserChild | None = Field(None, alias="createdBy")
    modified_date: WireDateTime | None = Field(None, alias="modifiedDate")
    modified_by: UserChild | None = Field(None, alias="modifiedBy")
    address: AddressChild | None = Field(None, alias="address")
    build_date: WireDateTime | None = Field(None, alias="buildDate")
    primary_use: PrimaryUseChild | None = Field(None, alias="primaryUse")
    weather_station: WeatherStationChild | None = Field(None, alias="weatherStation")
    size: PlaceSizeChild | None = Field(None, alias="size")
    benchmark1: LatestBenchmarkValue | None = Field(None, alias="benchmark1")
    benchmark2: LatestBenchmarkValue | None = Field(None, alias="benchmark2")
    benchmark3: LatestBenchmarkValue | None = Field(None, alias="benchmark3")
    energy_star_enabled: bool | None = Field(None, alias="energyStarEnabled")
    energy_star_rating: EnergyStarRatingChild | None = Field(None, alias="energyStarRating")
    places: list[PlaceChild] | None = Field(None, alias="places")
    meters: list[MeterChild] | None = Field(None, alias="meters")
    contact: ContactChild | None = Field(None, alias="contact")
    place_description: str | None = Field(None, alias="placeDescription")
    wattics_site: WatticsSite | None = Field(None, alias="watticsSite")
    place_id: int | None = Field(None, alias="placeId")
    place_code: str | None = Field(None, alias="placeCode")
    place_info: str | None = Field(None, alias="placeInfo")


class PlaceSizeChild(WireModel):
    """PlaceSizeChild."""

    place_size_id: int | None = Field(None, alias="placeSizeId")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    value: WireDecimal | None = Field(None, alias="value")
    unit_id: int | None = Field(None, alias="unitId")
    unit_code: str | None = Field(None, alias="unitCode", max_length=16)
    unit_info: str | None = Field(None, alias="unitInfo", max_length=32)


class PlaceSizeCreate(WireModel):
    """PlaceSizeCreate."""

    begin_date: WireDateTime = Field(alias="beginDate")
    value: int = Field(alias="value", ge=0, le=2147483647)
    unit_code: str | None = Field(None, alias="unitCode", max_length=16)


class PlaceTypeResponse(WireModel):
    """PlaceTypeResponse."""

    place_type_id: int | None = Field(None, alias="placeTypeId")
    place_type_code: str | None = Field(None, alias="placeTypeCode")
    place_type_info: str | None = Field(None, alias="placeTypeInfo")
    structure: bool | None = Field(None, alias="structure")


class Preference(WireModel):
    """Preferences specific to the logged-in user."""

    weather_degree_unit: int | None = Field(None, alias="weatherDegreeUnit")
    meters_show_inactive: bool | None = Field(None, alias="metersShowInactive")
    show_data_source: bool | None = Field(None, alias="showDataSource")
    building_tree_display_setting: str | None = Field(None, alias="buildingTreeDisplaySetting")
    accounts_show_inactive: bool | None = Field(None, alias="accountsShowInactive")
    emission_sources_show_inactive: bool | None = Field(None, alias="emissionSourcesShowInactive")
    cost_center_tree_display_setting: str | None = Field(None, alias="costCenterTreeDisplaySetting")
    building_tree_group_to_display: int | None = Field(None, alias="buildingTreeGroupToDisplay")
    vendor_tree_display_setting: str | None = Field(None, alias="vendorTreeDisplaySetting")
    view_vendors_tree_by_commodity: bool | None = Field(None, alias="viewVendorsTreeByCommodity")
    group_display_setting: GroupDisplaySetting | None = Field(None, alias="groupDisplaySetting")
    bill_list_rows_per_page: int | None = Field(None, alias="billListRowsPerPage")
    date_format: str | None = Field(None, alias="dateFormat")
    time_format: str | None = Field(None, alias="timeFormat")
    time_zone_code: str | None = Field(None, alias="timeZoneCode")
    trend_chart_number_of_years: int | None = Field(None, alias="trendChartNumberOfYears")
    language: str | None = Field(None, alias="language")
    building_and_organization_identifier: str | None = Field(None, alias="buildingAndOrganizationIdentifier")
    meter_identifier: str | None = Field(None, alias="meterIdentifier")
    account_identifier: str | None = Field(None, alias="accountIdentifier")
    other_identifier: str | None = Field(None, alias="otherIdentifier")
    collection_identifier: str | None = Field(None, alias="collectionIdentifier")
    emission_source_identifier: str | None = Field(None, alias="emissionSourceIdentifier")
    help_open: bool | None = Field(None, alias="helpOpen")
    workflow_display_setting: WorkflowDisplaySetting | None = Field(None, alias="workflowDisplaySetting")


class PrimaryUseChild(WireModel):
    """PrimaryUseChild."""

    primary_use_id: int | None = Field(None, alias="primaryUseId")
    primary_use_code: str | None = Field(None, alias="primaryUseCode")
    primary_use_info: str | None = Field(None, alias="primaryUseInfo")


class PublicDashboardsOrMaps(WireModel):
    """PublicDashboardsOrMaps."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class QuickFilter(WireModel):
    """QuickFilter."""

    caption: str = Field(alias="caption")
    operator: str = Field(alias="operator")
    value: str = Field(alias="value")


class RateChild(WireModel):
    """RateChild."""

    rate_id: int | None = Field(None, alias="rateId")
    name: str | None = Field(None, alias="name")


class RateChildResponse(WireModel):
    """RateChildResponse."""

    rate_id: int | None = Field(None, alias="rateId")
    name: str | None = Field(None, alias="name")
    commodity: CommodityChild | None = Field(None, alias="commodity")


class RateCreate(WireModel):
    """RateCreate."""

    name: str = Field(alias="name", max_length=255)
    vendor_id: int = Field(alias="vendorId")
    commodity_id: int = Field(alias="commodityId")
    note: str | None = Field(None, alias="note", max_length=255)


class RateEdit(WireModel):
    """RateEdit."""

    name: str | None = Field(None, alias="name", max_length=255)
    note: str | None = Field(None, alias="note", max_length=255)


class RateResponse(WireModel):
    """RateResponse."""

    rate_id: int | None = Field(None, alias="rateId")
    name: str | None = Field(None, alias="name")
    note: str | None = Field(None, alias="note")
    vendor: VendorChild | None = Field(None, alias="vendor")
    commodity: CommodityChild | None = Field(None, alias="commodity")
    versions: list[VersionResponse] | None = Field(None, alias="versions")


class RateSchedules(WireModel):
    """RateSchedules."""

    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class RateVersionRequest(WireModel):
    """RateVersionRequest."""

    effective_date: WireDateTime = Field(alias="effectiveDate", ge=datetime(1899, 12, 31), le=datetime(3000, 1, 1))
    note: str | None = Field(None, alias="note", max_length=255)
    use_unit_cost: WireDecimal | None = Field(None, alias="useUnitCost", decimal_places=8)
    use_unit_id: int | None = Field(None, alias="useUnitId")
    demand_unit_cost: WireDecimal | None = Field(None, alias="demandUnitCost", decimal_places=8)
    demand_unit_id: int | None = Field(None, alias="demandUnitId")
    account_line_items: list[GenericBodylineRequest] | None = Field(None, alias="accountLineItems")
    meter_line_items: list[GenericBodylineRequest] | None = Field(None, alias="meterLineItems")
    udfs: list[UDFValue] | None = Field(None, alias="udfs")


class RateVersionResponse(WireModel):
    """RateVersionResponse."""

    version_id: int | None = Field(None, alias="versionId")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    created_date: WireDateTime | None = Field(None, alias="createdDate")
    modified_date: WireDateTime | None = Field(None, alias="modifiedDate")
    note: str | None = Field(None, alias="note")
    created_by: UserChild | None = Field(None, alias="createdBy")
    modified_by: UserChild | None = Field(None, alias="modifiedBy")
    use_unit_cost: WireDecimal | None = Field(None, alias="useUnitCost")
    use_unit: UnitChild | None = Field(None, alias="useUnit")
    demand_unit_cost: WireDecimal | None = Field(None, alias="demandUnitCost")
    demand_unit: UnitChild | None = Field(None, alias="demandUnit")
    cost_unit: UnitChild | None = Field(None, alias="costUnit")
    account_line_items: list[GenericBodylineResponse] | None = Field(None, alias="accountLineItems")
    meter_line_items: list[GenericBodylineResponse] | None = Field(None, alias="meterLineItems")
    udfs: list[UDFFieldChild] | None = Field(None, alias="udfs")


class Reading(WireModel):
    """Reading."""

    time: WireDateTime = Field(alias="time")
    value: WireDecimal = Field(alias="value")
    estimated: bool | None = Field(None, alias="estimated")
    note: str | None = Field(None, alias="note")


class ReadingCreate(WireModel):
    """ReadingCreate."""

    channel_id: int | None = Field(None, alias="channelId")
    channel_import_id: str | None = Field(None, alias="channelImportId", max_length=255)
    meter_import_id: str | None = Field(None, alias="meterImportId", max_length=255)
    channel_interval_in_seconds: int | None = Field(None, alias="channelIntervalInSeconds")
    observation_type_code: str | None = Field(None, alias="observationTypeCode", max_length=16)
    unit_code: str | None = Field(None, alias="unitCode", max_length=16)
    readings: list[Reading] = Field(alias="readings")


class ReadingResponse(WireModel):
    """ReadingResponse."""

    imported_readings_count: int | None = Field(None, alias="importedReadingsCount")
    failed_readings_count: int | None = Field(None, alias="failedReadingsCount")
    failed_readings: list[FailedReadingResponse] | None = Field(None, alias="failedReadings")


class Records(WireModel):
    """Records."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class RecordsListAdministrator(WireModel):
    """RecordsListAdministrator."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class RecordsModule(WireModel):
    """RecordsModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ReportAdministrator(WireModel):
    """ReportAdministrator."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ReportGroupChildResponse(WireModel):
    """ReportGroupChildResponse."""

    report_group_id: int | None = Field(None, alias="reportGroupId")
    report_group_code: str | None = Field(None, alias="reportGroupCode")
    report_group_info: str | None = Field(None, alias="reportGroupInfo")


class ReportGroups(WireModel):
    """ReportGroups."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class Reports(WireModel):
    """Reports."""

    run: bool | None = Field(None, alias="run")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class ReportsModule(WireModel):
    """ReportsModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class RequiredAddressChild(WireModel):
    """RequiredAddressChild."""

    country: str = Field(alias="country", max_length=64)
    postal_code: str | None = Field(None, alias="postalCode", max_length=32)
    address_type_id: int | None = Field(None, alias="addressTypeId")
    line1: str | None = Field(None, alias="line1", max_length=100)
    line2: str | None = Field(None, alias="line2", max_length=100)
    line3: str | None = Field(None, alias="line3", max_length=100)
    city: str | None = Field(None, alias="city", max_length=100)
    state: str | None = Field(None, alias="state", max_length=100)
    latitude: WireDecimal | None = Field(None, alias="latitude", ge=-90, le=90)
    longitude: WireDecimal | None = Field(None, alias="longitude", ge=-180, le=180)


class ResetUserPasswords(WireModel):
    """ResetUserPasswords."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class Roles(WireModel):
    """Roles."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class RouteChild(WireModel):
    """RouteChild."""

    route_id: int | None = Field(None, alias="routeId")
    route_info: str | None = Field(None, alias="routeInfo")
    route_code: str | None = Field(None, alias="routeCode")


class SavingsAdjustments(WireModel):
    """SavingsAdjustments."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class SavingsEngine(WireModel):
    """SavingsEngine."""

    run: bool | None = Field(None, alias="run")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class SendNotifications(WireModel):
    """SendNotifications."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class SharedBillLists(WireModel):
    """SharedBillLists."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class SharedDashboardsOrMaps(WireModel):
    """SharedDashboardsOrMaps."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class SharedRecordsLists(WireModel):
    """SharedRecordsLists."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class SharedReports(WireModel):
    """SharedReports."""

    view: bool | None = Field(None, alias="view")
    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class StatementDateTooLongAfterBillEndSettingRequest(WireModel):
    """StatementDateTooLongAfterBillEndSettingRequest."""

    days: int | None = Field(None, alias="days", ge=0, le=2147483647)
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class StatementDateTooLongAfterBillEndSettingResponse(WireModel):
    """StatementDateTooLongAfterBillEndSettingResponse."""

    days: int | None = Field(None, alias="days")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class SubtractRequest(WireModel):
    """SubtractRequest."""

    subtract_meter_ids: list[int] | None = Field(None, alias="subtractMeterIds")
    subtract_meter_group_ids: list[int] | None = Field(None, alias="subtractMeterGroupIds")


class SubtractResponse(WireModel):
    """SubtractResponse."""

    subtract_meters: list[MeterChild] | None = Field(None, alias="subtractMeters")
    subtract_meter_groups: list[MeterGroupChild] | None = Field(None, alias="subtractMeterGroups")


class SumRequest(WireModel):
    """SumRequest."""

    sum_meter_ids: list[int] | None = Field(None, alias="sumMeterIds")
    sum_meter_group_ids: list[int] | None = Field(None, alias="sumMeterGroupIds")


class SumResponse(WireModel):
    """SumResponse."""

    sum_meters: list[MeterChild] | None = Field(None, alias="sumMeters")
    sum_meter_groups: list[MeterGroupChild] | None = Field(None, alias="sumMeterGroups")


class SystemUserRoleChild(WireModel):
    """SystemUserRoleChild."""

    user_role_id: int | None = Field(None, alias="userRoleId")
    user_role_info: str | None = Field(None, alias="userRoleInfo")


class Target(WireModel):
    """Target."""

    enable: bool | None = Field(None, alias="enable")
    multiplier: WireDecimal | None = Field(None, alias="multiplier")


class TargetSettings(WireModel):
    """TargetSettings."""

    label: str | None = Field(None, alias="label")
    base_year: int | None = Field(None, alias="baseYear")
    cost_target: Target | None = Field(None, alias="costTarget")
    use_target: Target | None = Field(None, alias="useTarget")
    ghg_target: Target | None = Field(None, alias="ghgTarget")


class TaskResponse(WireModel):
    """TaskResponse."""

    has_attachments: bool | None = Field(None, alias="hasAttachments")
    task_id: int | None = Field(None, alias="taskId")
    task_gu_id: str | None = Field(None, alias="taskGUId")
    task_type: TaskType | None = Field(None, alias="taskType")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")
    user: UserChild | None = Field(None, alias="user")
    message: str | None = Field(None, alias="message")
    output: Any | None = Field(None, alias="output")
    settings: Any | None = Field(None, alias="settings")
    status: str | None = Field(None, alias="status")
    task_note: str | None = Field(None, alias="taskNote")
    analyzing_count: int | None = Field(None, alias="analyzingCount")
    unresolved_flag_count: int | None = Field(None, alias="unresolvedFlagCount")
    current_success_count: int | None = Field(None, alias="currentSuccessCount")
    batch: BatchChild | None = Field(None, alias="batch")


class TaskType(WireModel):
    """TaskType."""

    task_type_id: int | None = Field(None, alias="taskTypeId")
    task_type_code: str | None = Field(None, alias="taskTypeCode")
    task_type_info: str | None = Field(None, alias="taskTypeInfo")


class TemplateChild(WireModel):
    """TemplateChild."""

    template_id: int | None = Field(None, alias="templateId")
    template_code: str | None = Field(None, alias="templateCode")
    template_info: str | None = Field(None, alias="templateInfo")


class TimeFormatResponse(WireModel):
    """TimeFormatResponse."""

    display_name: str | None = Field(None, alias="displayName")
    format_mask: str | None = Field(None, alias="formatMask")


class TimeZoneChild(WireModel):
    """TimeZoneChild."""

    time_zone_id: int | None = Field(None, alias="timeZoneId")
    time_zone_code: str | None = Field(None, alias="timeZoneCode")
    time_zone_info: str | None = Field(None, alias="timeZoneInfo")


class TooManyConsecutiveEstimatedBillsSettingRequest(WireModel):
    """TooManyConsecutiveEstimatedBillsSettingRequest."""

    bills: int | None = Field(None, alias="bills", ge=1, le=2147483647)
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class TooManyConsecutiveEstimatedBillsSettingResponse(WireModel):
    """TooManyConsecutiveEstimatedBillsSettingResponse."""

    bills: int | None = Field(None, alias="bills")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class TopmostCollection(WireModel):
    """TopmostCollection."""

    is_multi_topmost_collection: bool | None = Field(None, alias="isMultiTopmostCollection")
    multi_topmost_collections: list[CollectionChild] | None = Field(None, alias="multiTopmostCollections")
    collection_id: int | None = Field(None, alias="collectionId")
    collection_code: str | None = Field(None, alias="collectionCode")
    collection_info: str | None = Field(None, alias="collectionInfo")
    collection_icon: Icon | None = Field(None, alias="collectionIcon")


class TopmostCostCenter(WireModel):
    """TopmostCostCenter."""

    is_multi_topmost_cost_center: bool | None = Field(None, alias="isMultiTopmostCostCenter")
    multi_topmost_cost_centers: list[CostCenterChild] | None = Field(None, alias="multiTopmostCostCenters")
    cost_center_id: int | None = Field(None, alias="costCenterId")
    cost_center_code: str | None = Field(None, alias="costCenterCode")
    cost_center_info: str | None = Field(None, alias="costCenterInfo")


class TopmostPlace(WireModel):
    """TopmostPlace."""

    is_multi_topmost_place: bool | None = Field(None, alias="isMultiTopmostPlace")
    multi_topmost_places: list[PlaceChild] | None = Field(None, alias="multiTopmostPlaces")
    place_type: PlaceTypeResponse | None = Field(None, alias="placeType")
    place_id: int | None = Field(None, alias="placeId")
    place_code: str | None = Field(None, alias="placeCode")
    place_info: str | None = Field(None, alias="placeInfo")


class TotalBillCostDoesNotMatchLineItemTypesSettingRequest(WireModel):
    """TotalBillCostDoesNotMatchLineItemTypesSettingRequest."""

    line_item_types: list[str] | None = Field(None, alias="lineItemTypes")
    setting_status: str | None = Field(None, alias="settingStatus")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[int] | None = Field(None, alias="assignees")


class TotalBillCostDoesNotMatchLineItemTypesSettingResponse(WireModel):
    """TotalBillCostDoesNotMatchLineItemTypesSettingResponse."""

    line_item_types: list[str] | None = Field(None, alias="lineItemTypes")
    setting_status: str | None = Field(None, alias="settingStatus")
    setting_code: str | None = Field(None, alias="settingCode")
    setting_description: str | None = Field(None, alias="settingDescription")
    minimum_cost: int | None = Field(None, alias="minimumCost")
    assignees: list[UserChild] | None = Field(None, alias="assignees")


class UDFFieldChild(WireModel):
    """UDFFieldChild."""

    udf_id: int | None = Field(None, alias="udfId")
    data_type: DataTypeResponse | None = Field(None, alias="dataType")
    name: str | None = Field(None, alias="name")
    description: str | None = Field(None, alias="description")
    display_order: int | None = Field(None, alias="displayOrder")
    value: str | None = Field(None, alias="value")
    udf_select_values: list[UDFSelectValueEntityResponse] | None = Field(None, alias="udfSelectValues")
    important: bool | None = Field(None, alias="important")


class UDFSelectValueEntityResponse(WireModel):
    """UDFSelectValueEntityResponse."""

    udf_select_value_id: int | None = Field(None, alias="udfSelectValueId")
    value: str | None = Field(None, alias="value")
    display_order: int | None = Field(None, alias="displayOrder")


class UDFValue(WireModel):
    """UDFValue."""

    udf_id: int | None = Field(None, alias="udfId")
    value: str | None = Field(None, alias="value")


class Unit(WireModel):
    """Unit."""

    unit_id: int | None = Field(None, alias="unitId")
    unit_code: str | None = Field(None, alias="unitCode", max_length=16)
    unit_info: str | None = Field(None, alias="unitInfo", max_length=32)
    unit_display_name: str | None = Field(None, alias="unitDisplayName", max_length=64)
    unit_type: UnitType | None = Field(None, alias="unitType")


class UnitChild(WireModel):
    """UnitChild."""

    unit_id: int | None = Field(None, alias="unitId")
    unit_code: str | None = Field(None, alias="unitCode")
    unit_info: str | None = Field(None, alias="unitInfo")


class UnitSystemSettings(WireModel):
    """UnitSystemSettings."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class UnitType(WireModel):
    """UnitType."""

    unit_type_id: int | None = Field(None, alias="unitTypeId")
    unit_type_code: str | None = Field(None, alias="unitTypeCode")
    unit_type_info: str | None = Field(None, alias="unitTypeInfo")


class UpdateApprovedBills(WireModel):
    """UpdateApprovedBills."""

    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class UpdateBatchStatusRequest(WireModel):
    """UpdateBatchStatusRequest."""

    batch_status: str = Field(alias="batchStatus")
    note: str | None = Field(None, alias="note", max_length=255)
    leave_open_batches_as_is: bool | None = Field(None, alias="leaveOpenBatchesAsIs")


class UpdateResult(WireModel):
    """UpdateResult."""

    selected: int | None = Field(None, alias="selected")
    updated: int | None = Field(None, alias="updated")


class UpdateUnitsOnExistingBills(WireModel):
    """UpdateUnitsOnExistingBills."""

    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class UpdatedOnlyResult(WireModel):
    """UpdatedOnlyResult."""

    updated: int | None = Field(None, alias="updated")


class UpsertAggregateMeterRequest(WireModel):
    """UpsertAggregateMeterRequest."""

    aggregate_meter_id: int | None = Field(None, alias="aggregateMeterId")
    begin_period: int = Field(alias="beginPeriod")
    source_meter_ids: list[int] = Field(alias="sourceMeterIds", min_length=1)
    commodity_id: int = Field(alias="commodityId")
    aggregate_meter_info: str = Field(alias="aggregateMeterInfo", max_length=50)


class UserChild(WireModel):
    """UserChild."""

    user_id: int | None = Field(None, alias="userId")
    user_code: str | None = Field(None, alias="userCode")
    full_name: str | None = Field(None, alias="fullName")


class UserCreateRequest(WireModel):
    """UserCreateRequest."""

    user_code: str = Field(alias="userCode", max_length=65)
    full_name: str = Field(alias="fullName", max_length=32)
    password: str = Field(alias="password", max_length=128)
    email: str = Field(alias="email", max_length=128)
    topmost_cost_center_ids: list[int] = Field(alias="topmostCostCenterIds", min_length=1)
    topmost_place_ids: list[int] = Field(alias="topmostPlaceIds", min_length=1)
    topmost_collection_ids: list[int] = Field(alias="topmostCollectionIds", min_length=1)
    active_directory: bool | None = Field(None, alias="activeDirectory")
    active: bool | None = Field(None, alias="active")
    password_expiration_interval: int = Field(alias="passwordExpirationInterval")
    strong_password: bool = Field(alias="strongPassword")
    force_password_change: bool = Field(alias="forcePasswordChange")
    user_role_id: int = Field(alias="userRoleId")
    max_approval_amount: int | None = Field(None, alias="maxApprovalAmount")
    report_group_id: int | None = Field(None, alias="reportGroupId")
    user_groups: list[int] | None = Field(None, alias="userGroups")


class UserEditRequest(WireModel):
    """UserEditRequest."""

    user_code: str = Field(alias="userCode", max_length=65)
    full_name: str = Field(alias="fullName", max_length=32)
    password: str | None = Field(None, alias="password", max_length=128)
    email: str = Field(alias="email", max_length=128)
    topmost_cost_center_ids: list[int] = Field(alias="topmostCostCenterIds", min_length=1)
    topmost_place_ids: list[int] = Field(alias="topmostPlaceIds", min_length=1)
    topmost_collection_ids: list[int] = Field(alias="topmostCollectionIds", min_length=1)
    active_directory: bool = Field(alias="activeDirectory")
    active: bool = Field(alias="active")
    password_expiration_interval: int = Field(alias="passwordExpirationInterval")
    strong_password: bool = Field(alias="strongPassword")
    force_password_change: bool = Field(alias="forcePasswordChange")
    user_role_id: int = Field(alias="userRoleId")
    max_approval_amount: int | None = Field(None, alias="maxApprovalAmount")
    report_group_id: int = Field(alias="reportGroupId")
    user_groups: list[int] | None = Field(None, alias="userGroups")


class UserGroupChild(WireModel):
    """UserGroupChild."""

    user_group_id: int | None = Field(None, alias="userGroupId")
    user_group_name: str | None = Field(None, alias="userGroupName")


class UserResponse(WireModel):
    """UserResponse."""

    user_id: int | None = Field(None, alias="userId")
    user_code: str | None = Field(None, alias="userCode")
    full_name: str | None = Field(None, alias="fullName")
    user_role: SystemUserRoleChild | None = Field(None, alias="userRole")
    cost_center: TopmostCostCenter | None = Field(None, alias="costCenter")
    place: TopmostPlace | None = Field(None, alias="place")
    collection: TopmostCollection | None = Field(None, alias="collection")
    active_directory: bool | None = Field(None, alias="activeDirectory")
    active: bool | None = Field(None, alias="active")
    email: str | None = Field(None, alias="email")
    password_expiration_interval: int | None = Field(None, alias="passwordExpirationInterval")
    strong_password: bool | None = Field(None, alias="strongPassword")
    force_password_change: bool | None = Field(None, alias="forcePasswordChange")
    max_approval_amount: int | None = Field(None, alias="maxApprovalAmount")
    last_login: WireDateTime | None = Field(None, alias="lastLogin")
    report_group: ReportGroupChildResponse | None = Field(None, alias="reportGroup")
    external_user_id: str | None = Field(None, alias="externalUserId")
    user_groups: list[UserGroupChild] | None = Field(None, alias="userGroups")


class UsersAndRoles(WireModel):
    """UsersAndRoles."""

    permission_name: str | None = Field(None, alias="permissionName")
    permission_code: str | None = Field(None, alias="permissionCode")
    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    license_index: int | None = Field(None, alias="licenseIndex")
    products: list[PermissionProduct] | None = Field(None, alias="products")
    permission_id: int | None = Field(None, alias="permissionId")


class UsersAndUserGroups(WireModel):
    """UsersAndUserGroups."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class UtilityPlatform(WireModel):
    """UtilityPlatform."""

    data_release_file_url: str | None = Field(None, alias="dataReleaseFileUrl")
    utility_platform_provider_key: str | None = Field(None, alias="utilityPlatformProviderKey")
    utility_platform_provider_info: str | None = Field(None, alias="utilityPlatformProviderInfo")
    can_decline_data_release: bool | None = Field(None, alias="canDeclineDataRelease")


class VendorAuditEnable(WireModel):
    """VendorAuditEnable."""

    audit_enabled: bool | None = Field(None, alias="auditEnabled")


class VendorChild(WireModel):
    """VendorChild."""

    vendor_id: int | None = Field(None, alias="vendorId")
    vendor_code: str | None = Field(None, alias="vendorCode")
    vendor_info: str | None = Field(None, alias="vendorInfo")


class VendorRequest(WireModel):
    """VendorRequest."""

    vendor_code: str = Field(alias="vendorCode", max_length=16)
    vendor_info: str = Field(alias="vendorInfo", max_length=50)
    website: str | None = Field(None, alias="website", max_length=255)
    address: AddressChild | None = Field(None, alias="address")
    vendor_description: str | None = Field(None, alias="vendorDescription", max_length=4000)


class VendorResponse(WireModel):
    """VendorResponse."""

    vendor_id: int | None = Field(None, alias="vendorId")
    vendor_code: str | None = Field(None, alias="vendorCode")
    vendor_info: str | None = Field(None, alias="vendorInfo")
    address: AddressChild | None = Field(None, alias="address")
    edi_code: str | None = Field(None, alias="ediCode")
    pay_days: int | None = Field(None, alias="payDays")
    created_by: UserChild | None = Field(None, alias="createdBy")
    created_date: WireDateTime | None = Field(None, alias="createdDate")
    modified_by: UserChild | None = Field(None, alias="modifiedBy")
    modified_date: WireDateTime | None = Field(None, alias="modifiedDate")
    website: str | None = Field(None, alias="website")
    rates: list[RateChildResponse] | None = Field(None, alias="rates")
    vendor_description: str | None = Field(None, alias="vendorDescription")


class VendorTypeChild(WireModel):
    """VendorTypeChild."""

    vendor_type_id: int | None = Field(None, alias="vendorTypeId")
    vendor_type_code: str | None = Field(None, alias="vendorTypeCode")


class Vendors(WireModel):
    """Vendors."""

    create: bool | None = Field(None, alias="create")
    edit: bool | None = Field(None, alias="edit")
    delete: bool | None = Field(None, alias="delete")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class VendorsAndRatesModule(WireModel):
    """VendorsAndRatesModule."""

    view: bool | None = Field(None, alias="view")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class VersionResponse(WireModel):
    """VersionResponse."""

    version_id: int | None = Field(None, alias="versionId")
    begin_date: WireDateTime | None = Field(None, alias="beginDate")
    end_date: WireDateTime | None = Field(None, alias="endDate")


class WatticsDataPoint(WireModel):
    """WatticsDataPoint."""

    wattics_data_point_id: int | None = Field(None, alias="watticsDataPointId")


class WatticsDataPointChild(WireModel):
    """WatticsDataPointChild."""

    wattics_data_point_id: int | None = Field(None, alias="watticsDataPointId")
    wattics_data_point_info: str | None = Field(None, alias="watticsDataPointInfo")


class WatticsSite(WireModel):
    """WatticsSite."""

    wattics_site_id: int | None = Field(None, alias="watticsSiteId")


class WeatherSettings(WireModel):
    """WeatherSettings."""

    view: bool | None = Field(None, alias="view")
    manage: bool | None = Field(None, alias="manage")
    permission_id: int | None = Field(None, alias="permissionId")
    permission_code: str | None = Field(None, alias="permissionCode")
    permission_name: str | None = Field(None, alias="permissionName")
    description: str | None = Field(None, alias="description")
    permission_category_name: str | None = Field(None, alias="permissionCategoryName")
    is_licensed: bool | None = Field(None, alias="isLicensed")
    products: list[PermissionProduct] | None = Field(None, alias="products")


class WeatherStationChild(WireModel):
    """WeatherStationChild."""

    station_id: int | None = Field(None, alias="stationId")
    station_code: str | None = Field(None, alias="stationCode")
    station_info: str | None = Field(None, alias="stationInfo")
    city: str | None = Field(None, alias="city")
    state: str | None = Field(None, alias="state")
    country: str | None = Field(None, alias="country")


class WorkflowDisplaySetting(WireModel):
    """WorkflowDisplaySetting."""

    show_unapproved_list: bool | None = Field(None, alias="showUnapprovedList")
    show_ap_export_list: bool | None = Field(None, alias="showAPExportList")
    show_gl_export_list: bool | None = Field(None, alias="showGLExportList")
    show_export_hold_list: bool | None = Field(None, alias="showExportHoldList")


class WorkflowSettingsRequest(WireModel):
    """WorkflowSettingsRequest."""

    batch: BatchWorkflowChild = Field(alias="batch")
    approval: ApprovalWorkflowRequestChild = Field(alias="approval")
    ap_export: ExportWorkflowChild | None = Field(None, alias="apExport")
    gl_export: ExportWorkflowChild | None = Field(None, alias="glExport")
    chargeback: ChargebackWorkflowSettings | None = Field(None, alias="chargeback")
    bill_import: BillImportWorkflowSettings | None = Field(None, alias="billImport")


class WorkflowSettingsResponse(WireModel):
    """Workflow settings response."""

    batch: BatchWorkflowSettings | None = Field(None, alias="batch")
    approval: ApprovalWorkflowChild | None = Field(None, alias="approval")
    ap_export: ExportWorkflowChild | None = Field(None, alias="apExport")
    gl_export: ExportWorkflowChild | None = Field(None, alias="glExport")
    chargeback: ChargebackWorkflowSettings | None = Field(None, alias="chargeback")
    bill_import: BillImportWorkflowSettings | None = Field(None, alias="billImport")


class BillKickoutImportRequest(WireModel):
    """Re-import of a bill import task's kickouts (api-reference/004)."""

    batch_settings: BatchSettings | None = Field(None, alias="batchSettings")
    comment: str | None = Field(None, alias="comment")
    import_note: str | None = Field(None, alias="importNote")
    save_as_resolved: bool | None = Field(None, alias="saveAsResolved")


class BillImportTaskKickoutSummaryResponse(WireModel):
    """Kickout messages of a bill import task or of one of its files."""

    file_name: str | None = Field(None, alias="fileName")
    kickout_messages: list[str] | None = Field(None, alias="kickoutMessages")
    task_guid: str | None = Field(None, alias="taskGuid")


AbnormalBillCostWithOutlierAnalysisSettingRequest.model_rebuild()
AbnormalBillCostWithOutlierAnalysisSettingResponse.model_rebuild()
AbnormalBillDemandWithOutlierAnalysisSettingRequest.model_rebuild()
AbnormalBillDemandWithOutlierAnalysisSettingResponse.model_rebuild()
AbnormalBillUseWithOutlierAnalysisSettingRequest.model_rebuild()
AbnormalBillUseWithOutlierAnalysisSettingResponse.model_rebuild()
AccountAuditEnable.model_rebuild()
AccountChild.model_rebuild()
AccountChildWithType.model_rebuild()
AccountCodeHistoryChild.model_rebuild()
AccountCreate.model_rebuild()
AccountEdit.model_rebuild()
AccountMeterChild.model_rebuild()
AccountMeterChildWithSerialNumber.model_rebuild()
AccountMeterEdit.model_rebuild()
AccountMeterRateResponse.model_rebuild()
AccountMeterRequest.model_rebuild()
AccountMeterResponse.model_rebuild()
AccountRateChild.model_rebuild()
AccountRateRequest.model_rebuild()
AccountRateResponse.model_rebuild()
AccountResponse.model_rebuild()
AccountTypeChild.model_rebuild()
AccountingSettings.model_rebuild()
Accounts.model_rebuild()
AccountsModule.model_rebuild()
AccountsModuleActualData.model_rebuild()
AccrualSettings.model_rebuild()
AddressChild.model_rebuild()
AllInstalledReports.model_rebuild()
ApiKeyCreateRequest.model_rebuild()
ApiKeyCreateResponse.model_rebuild()
ApiKeyResponse.model_rebuild()
ApplicationSettings.model_rebuild()
ApprovalWorkflowChild.model_rebuild()
ApprovalWorkflowRequestChild.model_rebuild()
ApprovalWorkflowSettings.model_rebuild()
ApproveBills.model_rebuild()
AssignVersionsToStep.model_rebuild()
AuditSettingRequest.model_rebuild()
AuditSettingResponse.model_rebuild()
AuditSettingsRequest.model_rebuild()
AuditSettingsResponse.model_rebuild()
BaselineEngine.model_rebuild()
BatchChild.model_rebuild()
BatchCreate.model_rebuild()
BatchEdit.model_rebuild()
BatchResponse.model_rebuild()
BatchSettings.model_rebuild()
BatchWorkflowChild.model_rebuild()
BatchWorkflowSettings.model_rebuild()
BenchmarkCategoryResponse.model_rebuild()
BenchmarkValue.model_rebuild()
BillAccountBodyLineCreate.model_rebuild()
BillAccountBodyLineEdit.model_rebuild()
BillActionApprove.model_rebuild()
BillActionDelete.model_rebuild()
BillActionExportHold.model_rebuild()
BillActionSplit.model_rebuild()
BillActionVoid.model_rebuild()
BillContainsLineItemDescriptionsSettingRequest.model_rebuild()
BillContainsLineItemDescriptionsSettingResponse.model_rebuild()
BillContainsLineItemTypesSettingRequest.model_rebuild()
BillContainsLineItemTypesSettingResponse.model_rebuild()
BillCreate.model_rebuild()
BillDeleteActionResult.model_rebuild()
BillEdit.model_rebuild()
BillExport.model_rebuild()
BillExportOptions.model_rebuild()
BillHeaderWorkflowChild.model_rebuild()
BillIdResponse.model_rebuild()
BillImportProfileColumnMapping.model_rebuild()
BillImportProfileObservation.model_rebuild()
BillImportProfileRequest.model_rebuild()
BillImportProfileResponse.model_rebuild()
BillImportRequest.model_rebuild()
BillImportWorkflowSettings.model_rebuild()
BillListAdministrator.model_rebuild()
BillMeterBodyLineCreate.model_rebuild()
BillMeterBodyLineEdit.model_rebuild()
BillMeterCreate.model_rebuild()
BillMeterEdit.model_rebuild()
BillResponse.model_rebuild()
BillReversal.model_rebuild()
BillSignificantlyShorterOrLongerThanPreviousSettingRequest.model_rebuild()
BillSignificantlyShorterOrLongerThanPreviousSettingResponse.model_rebuild()
BillSplitDetailsRequest.model_rebuild()
BillSplitDetailsResponse.model_rebuild()
BillSplitParentDetailsResponse.model_rebuild()
BillSplitPlaceSizeChild.model_rebuild()
BillUnexport.model_rebuild()
BillUnexportOptions.model_rebuild()
BillWorkflowSettings.model_rebuild()
BillingPeriodCostUnitChild.model_rebuild()
BillingPeriodCostUnitDeltaChild.model_rebuild()
BillingPeriodUseCostChild.model_rebuild()
BillingPeriodUseCostDeltaChild.model_rebuild()
BillingPeriodUseUnitChild.model_rebuild()
BillingPeriodUseUnitDeltaChild.model_rebuild()
BillsAndBatches.model_rebuild()
BillsModule.model_rebuild()
BudgetsAndBudgetVersions.model_rebuild()
BuildingAndMeterGroups.model_rebuild()
BuildingsAndMetersModule.model_rebuild()
BuildingsAndMetersModuleActualData.model_rebuild()
BuildingsAndMetersModuleCalendarizedData.model_rebuild()
BuildingsAndMetersModuleMeterIntervalData.model_rebuild()
BuildingsAndMetersModuleNormalizedData.model_rebuild()
BuildingsAndMetersModuleSavings.model_rebuild()
BuildingsAndMetersModuleSustainability.model_rebuild()
BuildingsAndOrganizations.model_rebuild()
CalculatedBillCostRequest.model_rebuild()
CalculatedBillCostResponse.model_rebuild()
CalculatedBillDemandRequest.model_rebuild()
CalculatedBillDemandResponse.model_rebuild()
CalculatedBillDetailsResponse.model_rebuild()
CalculatedBillUseRequest.model_rebuild()
CalculatedBillUseResponse.model_rebuild()
CalculationRequest.model_rebuild()
CalculationResponse.model_rebuild()
CalendarizedCalculationRequest.model_rebuild()
CalendarizedCalculationResponse.model_rebuild()
CalendarizedSumRequest.model_rebuild()
ChannelChild.model_rebuild()
ChannelChildWithObservationType.model_rebuild()
ChannelCreate.model_rebuild()
ChannelResponse.model_rebuild()
ChannelVersionRequest.model_rebuild()
ChannelVersionResponse.model_rebuild()
ChargebackProcessorSettings.model_rebuild()
ChargebackProcessorSettingsForAggregations.model_rebuild()
ChargebackProcessorSettingsForSplits.model_rebuild()
ChargebackProcessorSettingsWithoutFilters.model_rebuild()
ChargebackReversals.model_rebuild()
ChargebackTaskRequest.model_rebuild()
ChargebackTaskResponse.model_rebuild()
ChargebackTaskVersionResponse.model_rebuild()
ChargebackWorkflowBase.model_rebuild()
ChargebackWorkflowCreate.model_rebuild()
ChargebackWorkflowDigestChild.model_rebuild()
ChargebackWorkflowDigestResponse.model_rebuild()
ChargebackWorkflowDigestSplitChild.model_rebuild()
ChargebackWorkflowEdit.model_rebuild()
ChargebackWorkflowResponse.model_rebuild()
ChargebackWorkflowSettings.model_rebuild()
ChargebackWorkflowStep.model_rebuild()
ChargebackWorkflowStepChild.model_rebuild()
ChargebackWorkflowStepCreate.model_rebuild()
ChargebackWorkflowStepEdit.model_rebuild()
Chargebacks.model_rebuild()
ChargebacksModule.model_rebuild()
Claim.model_rebuild()
CollectionChild.model_rebuild()
Collections.model_rebuild()
CommodityCategory.model_rebuild()
CommodityChild.model_rebuild()
CommodityRequest.model_rebuild()
CommodityResponse.model_rebuild()
ContactChild.model_rebuild()
CopyFromMeterResponse.model_rebuild()
CopyMeterRequest.model_rebuild()
CostCenterAccountChild.model_rebuild()
CostCenterChild.model_rebuild()
CostCenterCreate.model_rebuild()
CostCenterResponse.model_rebuild()
CostCenters.model_rebuild()
CustomerChild.model_rebuild()
DashboardAdministrator.model_rebuild()
DashboardAndMapsModule.model_rebuild()
DataTypeResponse.model_rebuild()
DistributedReportsSettings.model_rebuild()
DistributionVersionManage.model_rebuild()
DistributionVersionResponse.model_rebuild()
DueDateTooLongAfterBillEndSettingRequest.model_rebuild()
DueDateTooLongAfterBillEndSettingResponse.model_rebuild()
DynamicPercentageBillSplit.model_rebuild()
DynamicPercentageBillSplitResponse.model_rebuild()
ENERGYSTARSubmissions.model_rebuild()
EmissionSourceLink.model_rebuild()
EmissionsSources.model_rebuild()
EmissionsSourcesModule.model_rebuild()
EnergyCapOptionsEnergyCapIDOptions.model_rebuild()
EnergyStarRatingChild.model_rebuild()
EnergyStarSettings.model_rebuild()
ExportBills.model_rebuild()
ExportHold.model_rebuild()
ExportWorkflowChild.model_rebuild()
ExportWorkflowSettings.model_rebuild()
FacilityProjects.model_rebuild()
FailedReadingResponse.model_rebuild()
FailedReadings.model_rebuild()
FilterEdit.model_rebuild()
FilterResponse.model_rebuild()
FixedAmountResponse.model_rebuild()
FixedDemandRequest.model_rebuild()
FixedPercentage.model_rebuild()
FixedPercentageResponse.model_rebuild()
FixedUnitCostRequest.model_rebuild()
FixedUseRequest.model_rebuild()
FlagActionChild.model_rebuild()
FlagEdit.model_rebuild()
FlagEventChild.model_rebuild()
FlagIssueTypeChild.model_rebuild()
FlagListAction.model_rebuild()
FlagResponse.model_rebuild()
FlagStatusChild.model_rebuild()
FlagTypeChild.model_rebuild()
FlagTypeCreate.model_rebuild()
FlagWidget.model_rebuild()
FlagWidgetChild.model_rebuild()
FlaggedItems.model_rebuild()
FloorAreaSplit.model_rebuild()
FloorAreaSplitResponse.model_rebuild()
FormTemplateChild.model_rebuild()
GHGSettings.model_rebuild()
GeneralLedgerChild.model_rebuild()
GenericBodylineRequest.model_rebuild()
GenericBodylineResponse.model_rebuild()
GlobalCostAvoidanceSettings.model_rebuild()
GreenhouseGasAdministrator.model_rebuild()
GroupDisplaySetting.model_rebuild()
GroupMeterGroupResponse.model_rebuild()
GroupsAndBenchmarksModule.model_rebuild()
GuidResponse.model_rebuild()
Icon.model_rebuild()
IntervalData.model_rebuild()
IntervalDataAnalysis.model_rebuild()
IntervalDataRollup.model_rebuild()
LatestBenchmarkValue.model_rebuild()
LicenseFeatureAccountingExport.model_rebuild()
LicenseFeatureAccrualBills.model_rebuild()
LicenseFeatureChargebacks.model_rebuild()
LicenseFeatureCostAvoidance.model_rebuild()
LicenseFeatureCustomBenchmarks.model_rebuild()
LicenseFeatureGhg.model_rebuild()
LicenseFeatureIntervalDataAnalysis.model_rebuild()
LicenseFeatureReportDesigner.model_rebuild()
LicenseFeatureReportDistribution.model_rebuild()
ListActionApprove.model_rebuild()
ListActionExportHold.model_rebuild()
ManuallyAdjustSavings.model_rebuild()
Me.model_rebuild()
MeterAccountChild.model_rebuild()
MeterBillResponse.model_rebuild()
MeterChild.model_rebuild()
MeterChildIncludeMeterImportIdAndRoute.model_rebuild()
MeterCreate.model_rebuild()
MeterGroupCategoryChild.model_rebuild()
MeterGroupChild.model_rebuild()
MeterGroupMember.model_rebuild()
MeterGroupMemberChild.model_rebuild()
MeterGroupRequest.model_rebuild()
MeterGroupResponse.model_rebuild()
MeterRateResponse.model_rebuild()
MeterResponse.model_rebuild()
MeterSavingsSettings.model_rebuild()
MeterSerialNumberHistoryChild.model_rebuild()
MeterTypeChild.model_rebuild()
Meters.model_rebuild()
MoveAccountsBetweenVendors.model_rebuild()
MoveExistingBills.model_rebuild()
NormalizationSettings.model_rebuild()
ObservationMethodChild.model_rebuild()
ObservationRule.model_rebuild()
ObservationTypeChild.model_rebuild()
PermissionProduct.model_rebuild()
Permissions.model_rebuild()
PlaceChild.model_rebuild()
PlaceChildWithFloorArea.model_rebuild()
PlaceCreate.model_rebuild()
PlaceEdit.model_rebuild()
PlaceResponse.model_rebuild()
PlaceSizeChild.model_rebuild()
PlaceSizeCreate.model_rebuild()
PlaceTypeResponse.model_rebuild()
Preference.model_rebuild()
PrimaryUseChild.model_rebuild()
PublicDashboardsOrMaps.model_rebuild()
QuickFilter.model_rebuild()
RateChild.model_rebuild()
RateChildResponse.model_rebuild()
RateCreate.model_rebuild()
RateEdit.model_rebuild()
RateResponse.model_rebuild()
RateSchedules.model_rebuild()
RateVersionRequest.model_rebuild()
RateVersionResponse.model_rebuild()
Reading.model_rebuild()
ReadingCreate.model_rebuild()
ReadingResponse.model_rebuild()
Records.model_rebuild()
RecordsListAdministrator.model_rebuild()
RecordsModule.model_rebuild()
ReportAdministrator.model_rebuild()
ReportGroupChildResponse.model_rebuild()
ReportGroups.model_rebuild()
Reports.model_rebuild()
ReportsModule.model_rebuild()
RequiredAddressChild.model_rebuild()
ResetUserPasswords.model_rebuild()
Roles.model_rebuild()
RouteChild.model_rebuild()
SavingsAdjustments.model_rebuild()
SavingsEngine.model_rebuild()
SendNotifications.model_rebuild()
SharedBillLists.model_rebuild()
SharedDashboardsOrMaps.model_rebuild()
SharedRecordsLists.model_rebuild()
SharedReports.model_rebuild()
StatementDateTooLongAfterBillEndSettingRequest.model_rebuild()
StatementDateTooLongAfterBillEndSettingResponse.model_rebuild()
SubtractRequest.model_rebuild()
SubtractResponse.model_rebuild()
SumRequest.model_rebuild()
SumResponse.model_rebuild()
SystemUserRoleChild.model_rebuild()
Target.model_rebuild()
TargetSettings.model_rebuild()
TaskResponse.model_rebuild()
TaskType.model_rebuild()
TemplateChild.model_rebuild()
TimeFormatResponse.model_rebuild()
TimeZoneChild.model_rebuild()
TooManyConsecutiveEstimatedBillsSettingRequest.model_rebuild()
TooManyConsecutiveEstimatedBillsSettingResponse.model_rebuild()
TopmostCollection.model_rebuild()
TopmostCostCenter.model_rebuild()
TopmostPlace.model_rebuild()
TotalBillCostDoesNotMatchLineItemTypesSettingRequest.model_rebuild()
TotalBillCostDoesNotMatchLineItemTypesSettingResponse.model_rebuild()
UDFFieldChild.model_rebuild()
UDFSelectValueEntityResponse.model_rebuild()
UDFValue.model_rebuild()
Unit.model_rebuild()
UnitChild.model_rebuild()
UnitSystemSettings.model_rebuild()
UnitType.model_rebuild()
UpdateApprovedBills.model_rebuild()
UpdateBatchStatusRequest.model_rebuild()
UpdateResult.model_rebuild()
UpdateUnitsOnExistingBills.model_rebuild()
UpdatedOnlyResult.model_rebuild()
UpsertAggregateMeterRequest.model_rebuild()
UserChild.model_rebuild()
UserCreateRequest.model_rebuild()
UserEditRequest.model_rebuild()
UserGroupChild.model_rebuild()
UserResponse.model_rebuild()
UsersAndRoles.model_rebuild()
UsersAndUserGroups.model_rebuild()
UtilityPlatform.model_rebuild()
VendorAuditEnable.model_rebuild()
VendorChild.model_rebuild()
VendorRequest.model_rebuild()
VendorResponse.model_rebuild()
VendorTypeChild.model_rebuild()
Vendors.model_rebuild()
VendorsAndRatesModule.model_rebuild()
VersionResponse.model_rebuild()
WatticsDataPoint.model_rebuild()
WatticsDataPointChild.model_rebuild()
WatticsSite.model_rebuild()
WeatherSettings.model_rebuild()
WeatherStationChild.model_rebuild()
WorkflowDisplaySetting.model_rebuild()
WorkflowSettingsRequest.model_rebuild()
WorkflowSettingsResponse.model_rebuild()
BillKickoutImportRequest.model_rebuild()
BillImportTaskKickoutSummaryResponse.model_rebuild()
