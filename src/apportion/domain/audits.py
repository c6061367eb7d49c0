"""Bill audits (accounting.md §2.4, §3.5, §4, §7 and §9 D8, D9): the 25 audit settings EnergyCAP ships, their
defaults and validation, and the audits Apportion evaluates as pure functions of a bill and the other live bills of
its account.

An audit's issue type id (flagIssueTypeId) is its number in accounting.md §4. Audits that need facts Apportion does
not hold are kept as settings and never fail (`EVALUATED` lists the others; docs/accounting.md says why):
the outlier audits (23-25) need 12 or more bills and weather data; the meter cost/use versus past year audits
(17-18) have no threshold on the wire; the import-file audits (19-22) concern serial numbers, rate codes, begin-date
adjustment and account alerts, which Apportion's import does not carry or do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter
from typing import Any, NamedTuple, assert_never

from apportion.domain.errors import ValidationFailed
from apportion.domain.flags import AUDIT_EXCEPTION, FlagAction, FlagStatus

MAX_DESCRIPTION = 31  # "each description must be shorter than 32 characters"
INVOICE_YEARS = 4  # "duplicate invoice number ... within the last four years"
GAP_DAYS = 2  # "gap of two or more days"


class SettingStatus(StrEnum):
    """settingStatus: Check flags, Hold flags and holds from export, Skip does nothing."""

    CHECK = "Check"
    HOLD = "Hold"
    SKIP = "Skip"


class Sensitivity(StrEnum):
    """An outlier audit's minimum sensitivity."""

    SEVERE = "Severe"
    HIGH = "High"
    MODERATE = "Moderate"


class Parameter(StrEnum):
    """What an audit carries beyond status, minimum cost and assignees."""

    NONE = "none"
    DESCRIPTIONS = "lineItemDescriptions"
    TYPES = "lineItemTypes"
    PERCENT = "percentLengthVariance"
    BILLS = "bills"
    DAYS = "days"
    SENSITIVITY = "sensitivity"


class Audit(StrEnum):
    """The audits of AuditSettingsRequest, by wire name, in accounting.md §4 order."""

    LINE_DESCRIPTIONS = "billContainsLineItemDescriptions"
    LINE_TYPES = "billContainsLineItemTypes"
    TOTAL_VS_LINE_TYPES = "totalBillCostDoesNotMatchLineItemTypes"
    PERIOD_OUTSIDE_DATES = "billingPeriodOutsideStartEndDates"
    OVERLAP = "billOverlapsWithOtherAccountBill"
    GAP = "gapBetweenBillAndPreviousBillOnAccount"
    ENDS_IN_FUTURE = "billEndsInFuture"
    MULTIPLE_IN_PERIOD = "accountHasMultipleBillsInBillingPeriod"
    STATEMENT_BEFORE_END = "statementDateBeforeEndDate"
    DUE_BEFORE_END = "dueDateBeforeEndDate"
    LENGTH_VARIANCE = "billSignificantlyShorterOrLongerThanPrevious"
    CONSECUTIVE_ESTIMATED = "tooManyConsecutiveEstimatedBills"
    DUE_TOO_LONG = "dueDateTooLongAfterBillEnd"
    STATEMENT_TOO_LONG = "statementDateTooLongAfterBillEnd"
    INVOICE_REPEATED = "invoiceNumberIsRepeatedOnAccount"
    LIKELY_DUPLICATE = "likelyDuplicateBillOnAccount"
    METER_COST_VS_PAST_YEAR = "totalMeterCostIsPercentageHigherThanPastYear"
    METER_USE_VS_PAST_YEAR = "totalMeterUseIsPercentageHigherThanPastYear"
    SERIAL_NUMBER_MISMATCH = "serialNumberDoesNotMatchImportFile"
    RATE_CODE_MISMATCH = "rateCodeDoesNotMatchImportFile"
    IMPORT_START_ADJUSTED = "importFileStartDateAdjustedToPreventGaps"
    ACCOUNT_ALERT = "accountAlertExistsOnAccountInImportFile"
    OUTLIER_COST = "abnormalBillCostWithOutlierAnalysis"
    OUTLIER_USE = "abnormalBillUseWithOutlierAnalysis"
    OUTLIER_DEMAND = "abnormalBillDemandWithOutlierAnalysis"

    @property
    def issue_type_id(self) -> int:
        """flagIssueTypeId: the audit's number in accounting.md §4."""
        return list(Audit).index(self) + 1

    @property
    def description(self) -> str:
        """settingDescription and flagIssueTypeDescription."""
        return _DESCRIPTIONS[self]

    @property
    def parameter(self) -> Parameter:
        """The audit's own parameter, if any."""
        return _PARAMETERS.get(self, Parameter.NONE)


def by_issue(issue_type_id: int) -> Audit:
    """The audit whose issue type id this is."""
    return list(Audit)[issue_type_id - 1]


_DESCRIPTIONS = {
    Audit.LINE_DESCRIPTIONS: "Bill contains line item descriptions",
    Audit.LINE_TYPES: "Bill contains line item types",
    Audit.TOTAL_VS_LINE_TYPES: "Total bill cost does not match line item types",
    Audit.PERIOD_OUTSIDE_DATES: "Billing period is outside the bill's start and end dates",
    Audit.OVERLAP: "Bill overlaps with another bill on the account",
    Audit.GAP: "Gap between the bill and the previous bill on the account",
    Audit.ENDS_IN_FUTURE: "Bill ends in the future",
    Audit.MULTIPLE_IN_PERIOD: "Account has multiple bills in the billing period",
    Audit.STATEMENT_BEFORE_END: "Statement date is before the end date",
    Audit.DUE_BEFORE_END: "Due date is before the end date",
    Audit.LENGTH_VARIANCE: "Bill is significantly shorter or longer than the previous bill",
    Audit.CONSECUTIVE_ESTIMATED: "Too many consecutive estimated bills",
    Audit.DUE_TOO_LONG: "Due date is too long after the bill end",
    Audit.STATEMENT_TOO_LONG: "Statement date is too long after the bill end",
    Audit.INVOICE_REPEATED: "Invoice number is repeated on the account",
    Audit.LIKELY_DUPLICATE: "Likely duplicate bill on the account",
    Audit.METER_COST_VS_PAST_YEAR: "Total meter cost is a percentage higher than the past year",
    Audit.METER_USE_VS_PAST_YEAR: "Total meter use is a percentage higher than the past year",
    Audit.SERIAL_NUMBER_MISMATCH: "Serial number does not match the import file",
    Audit.RATE_CODE_MISMATCH: "Rate code does not match the import file",
    Audit.IMPORT_START_ADJUSTED: "Import file start date adjusted to prevent gaps",
    Audit.ACCOUNT_ALERT: "Account alert exists on an account in the import file",
    Audit.OUTLIER_COST: "Abnormal bill cost with outlier analysis",
    Audit.OUTLIER_USE: "Abnormal bill use with outlier analysis",
    Audit.OUTLIER_DEMAND: "Abnormal bill demand with outlier analysis",
}

_PARAMETERS = {
    Audit.LINE_DESCRIPTIONS: Parameter.DESCRIPTIONS,
    Audit.LINE_TYPES: Parameter.TYPES,
    Audit.TOTAL_VS_LINE_TYPES: Parameter.TYPES,
    Audit.LENGTH_VARIANCE: Parameter.PERCENT,
    Audit.CONSECUTIVE_ESTIMATED: Parameter.BILLS,
    Audit.DUE_TOO_LONG: Parameter.DAYS,
    Audit.STATEMENT_TOO_LONG: Parameter.DAYS,
    Audit.OUTLIER_COST: Parameter.SENSITIVITY,
    Audit.OUTLIER_USE: Parameter.SENSITIVITY,
    Audit.OUTLIER_DEMAND: Parameter.SENSITIVITY,
}

# The audits Apportion evaluates; the others are settings only (module docstring).
EVALUATED = frozenset(list(Audit)[:16])


@dataclass(frozen=True)
class AuditSetting:
    """One audit's setting: status, minimum bill cost, assignees and its parameter (items, threshold or
    sensitivity, by the audit's Parameter)."""

    status: SettingStatus
    minimum_cost: int = 0
    assignees: tuple[int, ...] = ()
    items: tuple[str, ...] = ()
    threshold: int | None = None
    sensitivity: Sensitivity | None = None


_DEFAULT_THRESHOLDS = {Parameter.PERCENT: 25, Parameter.BILLS: 3}
_DEFAULT_DAYS = {Audit.DUE_TOO_LONG: 60, Audit.STATEMENT_TOO_LONG: 30}
_CHECKED_BY_DEFAULT = {
    Audit.LIKELY_DUPLICATE,
    Audit.INVOICE_REPEATED,
    Audit.OVERLAP,
    Audit.GAP,
    Audit.MULTIPLE_IN_PERIOD,
    Audit.ENDS_IN_FUTURE,
}


def default_setting(audit: Audit) -> AuditSetting:
    """accounting.md §9 D8: the six history audits Check, the others Skip, Hold nowhere; thresholds 25 %, 3 bills,
    due date 60 days, statement date 30 days, outlier sensitivity High, empty lists, minimum cost 0."""
    status = SettingStatus.CHECK if audit in _CHECKED_BY_DEFAULT else SettingStatus.SKIP
    parameter = audit.parameter
    threshold = _DEFAULT_DAYS.get(audit) if parameter is Parameter.DAYS else _DEFAULT_THRESHOLDS.get(parameter)
    sensitivity = Sensitivity.HIGH if parameter is Parameter.SENSITIVITY else None
    return AuditSetting(status, threshold=threshold, sensitivity=sensitivity)


def defaults() -> dict[Audit, AuditSetting]:
    """Every audit's default setting."""
    return {audit: default_setting(audit) for audit in Audit}


@dataclass(frozen=True)
class SettingInput:
    """One audit of an AuditSettingsRequest as sent: None is "not given"."""

    status: str | None
    minimum_cost: int | None
    assignees: Sequence[int] | None
    items: Sequence[str] | None = None
    threshold: int | None = None
    sensitivity: str | None = None


def _one(audit: Audit, given: SettingInput, hold_licensed: bool) -> AuditSetting:
    name = audit.value
    statuses = {s.value.lower(): s for s in SettingStatus}
    if given.status is None or given.status.lower() not in statuses:
        raise ValidationFailed.single(f"{name}.settingStatus", "settingStatus must be one of Check, Hold, Skip.")
    status = statuses[given.status.lower()]
    if status is SettingStatus.HOLD and not hold_licensed:
        raise ValidationFailed.single(
            f"{name}.settingStatus", "Hold needs the Accounting Export licence, which is off (accounting.md §9 D14)."
        )
    if given.minimum_cost is None:
        raise ValidationFailed.single(f"{name}.minimumCost", "minimumCost is required.")
    if given.minimum_cost < 0:
        raise ValidationFailed.single(f"{name}.minimumCost", "minimumCost cannot be negative.")
    if given.assignees is None:
        raise ValidationFailed.single(f"{name}.assignees", "assignees is required (an empty list for none).")
    active = status is not SettingStatus.SKIP
    base = default_setting(audit)
    setting = AuditSetting(status, given.minimum_cost, tuple(dict.fromkeys(given.assignees)))
    parameter = audit.parameter
    field = f"{name}.{parameter.value}"
    match parameter:
        case Parameter.NONE:
            return setting
        case Parameter.DESCRIPTIONS | Parameter.TYPES:
            items = tuple(given.items) if given.items is not None else None
            if items is None or not items:
                if active:
                    raise ValidationFailed.single(field, f"{parameter.value} cannot be empty when {status.value}.")
                return replace(setting, items=items or base.items)
            if parameter is Parameter.DESCRIPTIONS:
                long = [item for item in items if len(item) > MAX_DESCRIPTION]
                if long:
                    raise ValidationFailed.single(
                        field, f"Descriptions must be shorter than 32 characters: {long[0]!r}."
                    )
            if any(not item.strip() for item in items):
                raise ValidationFailed.single(field, f"{parameter.value} cannot contain an empty value.")
            return replace(setting, items=items)
        case Parameter.PERCENT | Parameter.BILLS | Parameter.DAYS:
            if given.threshold is None:
                if active:
                    raise ValidationFailed.single(field, f"{parameter.value} is required when {status.value}.")
                return replace(setting, threshold=base.threshold)
            least = 1 if parameter is Parameter.BILLS else 0
            if not least <= given.threshold <= 2147483647:
                raise ValidationFailed.single(field, f"{parameter.value} must be between {least} and 2147483647.")
            return replace(setting, threshold=given.threshold)
        case Parameter.SENSITIVITY:
            levels = {s.value.lower(): s for s in Sensitivity}
            if given.sensitivity is None:
                if active:
                    raise ValidationFailed.single(field, f"sensitivity is required when {status.value}.")
                return replace(setting, sensitivity=base.sensitivity)
            if given.sensitivity.lower() not in levels:
                raise ValidationFailed.single(field, "sensitivity must be one of Severe, High, Moderate.")
            return replace(setting, sensitivity=levels[given.sensitivity.lower()])
        case _:
            assert_never(parameter)


def check_settings(given: Mapping[str, SettingInput | None], hold_licensed: bool = True) -> dict[Audit, AuditSetting]:
    """An AuditSettingsRequest's 25 audits as settings; any missing or invalid is a 400 naming the field."""
    settings: dict[Audit, AuditSetting] = {}
    for audit in Audit:
        one = given.get(audit.value)
        if one is None:
            raise ValidationFailed.single(audit.value, f"{audit.value} is required.")
        settings[audit] = _one(audit, one, hold_licensed)
    return settings


# ---------------------------------------------------------------------------------------------------------------
# Evaluation


@dataclass(frozen=True)
class AuditLine:
    """A line item as the audits see it."""

    observation_type_code: str
    caption: str | None
    cost: Decimal | None


class AuditBill(NamedTuple):
    """A bill as the audits see it (the audited bill, or another live bill of its account); a NamedTuple, as an
    import makes one for every bill it writes."""

    bill_id: int
    account_id: int
    begin_date: date
    end_date: date
    billing_period: int
    total_cost: Decimal
    estimated: bool = False
    statement_date: date | None = None
    due_date: date | None = None
    invoice_number: str | None = None
    meter_ids: frozenset[int] = frozenset()
    lines: tuple[AuditLine, ...] = ()


def _period_bounds(period: int) -> tuple[date, date]:
    year, month = divmod(period, 100)
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _previous(bill: AuditBill, others: Sequence[AuditBill]) -> AuditBill | None:
    """The bill before this one on the account: of those beginning earlier, the one ending last."""
    earlier = [o for o in others if o.begin_date < bill.begin_date]
    return max(earlier, key=lambda o: (o.end_date, o.begin_date, o.bill_id), default=None)


def _length(bill: AuditBill) -> int:
    return (bill.end_date - bill.begin_date).days


def _gap(bill: AuditBill, previous: AuditBill | None) -> bool:
    return previous is not None and (bill.begin_date - previous.end_date).days >= GAP_DAYS


def _length_varies(bill: AuditBill, previous: AuditBill | None, setting: AuditSetting) -> bool:
    if previous is None or _length(previous) <= 0 or setting.threshold is None:
        return False
    return abs(_length(bill) - _length(previous)) * 100 > setting.threshold * _length(previous)


def fails(audit: Audit, setting: AuditSetting, bill: AuditBill, others: Sequence[AuditBill], today: date) -> bool:
    """Whether `bill` fails `audit`; `others` are the other live bills of its account. Audits Apportion cannot
    evaluate never fail."""
    match audit:
        case Audit.LINE_DESCRIPTIONS:
            wanted = {item.strip().lower() for item in setting.items}
            return any((line.caption or "").strip().lower() in wanted for line in bill.lines)
        case Audit.LINE_TYPES:
            types = {item.strip().lower() for item in setting.items}
            return any(line.observation_type_code.lower() in types for line in bill.lines)
        case Audit.TOTAL_VS_LINE_TYPES:
            types = {item.strip().lower() for item in setting.items}
            summed = sum(
                (line.cost or Decimal(0) for line in bill.lines if line.observation_type_code.lower() in types),
                Decimal(0),
            )
            return summed != bill.total_cost
        case Audit.PERIOD_OUTSIDE_DATES:
            first, last = _period_bounds(bill.billing_period)
            return first > bill.end_date or last < bill.begin_date
        case Audit.OVERLAP:
            return any(
                o.begin_date < bill.end_date and bill.begin_date < o.end_date and o.meter_ids & bill.meter_ids
                for o in others
            )
        case Audit.GAP:
            return _gap(bill, _previous(bill, others))
        case Audit.ENDS_IN_FUTURE:
            return bill.end_date > today
        case Audit.MULTIPLE_IN_PERIOD:
            return any(o.billing_period == bill.billing_period for o in others)
        case Audit.STATEMENT_BEFORE_END:
            return bill.statement_date is not None and bill.statement_date < bill.end_date
        case Audit.DUE_BEFORE_END:
            return bill.due_date is not None and bill.due_date < bill.end_date
        case Audit.LENGTH_VARIANCE:
            return _length_varies(bill, _previous(bill, others), setting)
        case Audit.CONSECUTIVE_ESTIMATED:
            if not bill.estimated or setting.threshold is None:
                return False
            run = 1
            for o in sorted((o for o in others if o.begin_date < bill.begin_date), key=lambda o: o.begin_date)[::-1]:
                if not o.estimated:
                    break
                run += 1
            return run > setting.threshold
        case Audit.DUE_TOO_LONG:
            return (
                bill.due_date is not None
                and setting.threshold is not None
                and (bill.due_date - bill.end_date).days > setting.threshold
            )
        case Audit.STATEMENT_TOO_LONG:
            return (
                bill.statement_date is not None
                and setting.threshold is not None
                and (bill.statement_date - bill.end_date).days > setting.threshold
            )
        case Audit.INVOICE_REPEATED:
            number = (bill.invoice_number or "").strip().lower()
            if not number:
                return False
            since = _years_before(bill.end_date, INVOICE_YEARS)
            return any((o.invoice_number or "").strip().lower() == number and o.end_date >= since for o in others)
        case Audit.LIKELY_DUPLICATE:
            return any(
                o.total_cost == bill.total_cost and o.begin_date == bill.begin_date and o.end_date == bill.end_date
                for o in others
            )
        case (
            Audit.METER_COST_VS_PAST_YEAR
            | Audit.METER_USE_VS_PAST_YEAR
            | Audit.SERIAL_NUMBER_MISMATCH
            | Audit.RATE_CODE_MISMATCH
            | Audit.IMPORT_START_ADJUSTED
            | Audit.ACCOUNT_ALERT
            | Audit.OUTLIER_COST
            | Audit.OUTLIER_USE
            | Audit.OUTLIER_DEMAND
        ):
            return False
        case _:
            assert_never(audit)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Failure(NamedTuple):
    """What a bill's audits found: the failed audits (issue type ids), whether one of them holds, and assignees."""

    audits: tuple[Audit, ...]
    hold: bool
    assignees: tuple[int, ...]


def active(settings: Mapping[Audit, AuditSetting]) -> list[tuple[Audit, AuditSetting]]:
    """The evaluated audits whose status is not Skip."""
    return [(a, s) for a, s in settings.items() if a in EVALUATED and s.status is not SettingStatus.SKIP]


def needs_meters(settings: Mapping[Audit, AuditSetting]) -> bool:
    """Whether the overlap audit runs (the only one that needs each bill's meters)."""
    return any(audit is Audit.OVERLAP for audit, _ in active(settings))


def needs_lines(settings: Mapping[Audit, AuditSetting]) -> bool:
    """Whether a line-item audit runs."""
    line_audits = {Audit.LINE_DESCRIPTIONS, Audit.LINE_TYPES, Audit.TOTAL_VS_LINE_TYPES}
    return any(audit in line_audits for audit, _ in active(settings))


PASSED = Failure((), False, ())  # a bill that fails no audit


def _run(
    bill: AuditBill, rest: Sequence[AuditBill], checks: Sequence[tuple[Audit, AuditSetting]], today: date
) -> Failure:
    failed: list[Audit] = []
    hold = False
    assignees: dict[int, None] = {}
    for audit, setting in checks:
        if bill.total_cost < setting.minimum_cost:
            continue
        if fails(audit, setting, bill, rest, today):
            failed.append(audit)
            hold = hold or setting.status is SettingStatus.HOLD
            assignees.update(dict.fromkeys(setting.assignees))
    return Failure(tuple(failed), hold, tuple(assignees)) if failed else PASSED


def audit_bill(
    bill: AuditBill, others: Iterable[AuditBill], settings: Mapping[Audit, AuditSetting], today: date
) -> Failure:
    """Run every active audit on the bill (an audit whose minimum cost the bill's total does not reach is not run);
    the failures, whether any failed audit is Hold, and the failed audits' assignees (first seen first)."""
    return _run(bill, [o for o in others if o.bill_id != bill.bill_id], active(settings), today)


def _begin(bill: AuditBill) -> date:
    return bill.begin_date


class _Order(NamedTuple):
    """The accounts' live bills walked in begin order, an account at a time: each one's previous bill (of those
    beginning earlier, the one ending last), those with a gap after their previous one, and the accounts on which
    some two bills' dates overlap."""

    previous: dict[int, AuditBill | None]
    gaps: set[int]
    overlapping: set[int]


def _walk(history: Mapping[int, Sequence[AuditBill]]) -> _Order:
    previous: dict[int, AuditBill | None] = {}
    gaps: set[int] = set()
    overlapping: set[int] = set()
    for account_id, bills in history.items():
        latest: AuditBill | None = None  # of the bills walked, the one ending last (then beginning last, highest id)
        before: AuditBill | None = None  # `latest` as it was before the bills beginning on this one's begin date
        begin: date | None = None
        for h in sorted(bills, key=_begin):
            if h.begin_date != begin:
                begin, before = h.begin_date, latest
            previous[h.bill_id] = before
            if before is not None and (h.begin_date - before.end_date).days >= GAP_DAYS:
                gaps.add(h.bill_id)
            if latest is None:
                latest = h
                continue
            if latest.end_date > h.begin_date:
                overlapping.add(account_id)
            if (h.end_date, h.begin_date, h.bill_id) > (latest.end_date, latest.begin_date, latest.bill_id):
                latest = h
    return _Order(previous, gaps, overlapping)


def dates_overlap(bills: Iterable[AuditBill]) -> bool:
    """Whether the dates of any two of the bills overlap (begin in order, each against the latest end before it)."""
    latest: date | None = None
    for bill in sorted(bills, key=_begin):
        if latest is not None and latest > bill.begin_date:
            return True
        if latest is None or bill.end_date > latest:
            latest = bill.end_date
    return False


# The audits that read the bill alone, not the other bills of its account.
_ALONE = frozenset(
    {
        Audit.LINE_DESCRIPTIONS,
        Audit.LINE_TYPES,
        Audit.TOTAL_VS_LINE_TYPES,
        Audit.PERIOD_OUTSIDE_DATES,
        Audit.ENDS_IN_FUTURE,
        Audit.STATEMENT_BEFORE_END,
        Audit.DUE_BEFORE_END,
        Audit.DUE_TOO_LONG,
        Audit.STATEMENT_TOO_LONG,
    }
)


def _invoice(bill: AuditBill) -> str:
    return (bill.invoice_number or "").strip().lower()


_PERIOD = attrgetter("account_id", "billing_period")
_DATES = attrgetter("account_id", "begin_date", "end_date")
_DATES_AND_TOTAL = attrgetter("account_id", "begin_date", "end_date", "total_cost")
_BILL_ID = attrgetter("bill_id")


def _repeated(
    live: Sequence[AuditBill],
    targets: Sequence[AuditBill],
    key: Callable[[AuditBill], Any],
    rough: Callable[[AuditBill], Any],
) -> set[int]:
    """The targets whose key more than one live bill has; none when every live bill's `rough` key (a part of the
    key, quicker to hash) is its own."""
    if len(set(map(rough, live))) == len(live):
        return set()
    counts = Counter(map(key, live))
    return {t.bill_id for t in targets if counts[key(t)] > 1}


def _failing(
    audit: Audit,
    setting: AuditSetting,
    targets: Sequence[AuditBill],
    history: Mapping[int, Sequence[AuditBill]],
    live: Sequence[AuditBill],
    order: Callable[[], _Order],
    today: date,
) -> set[int]:
    """The targets (each among its account's live bills; `live` is all of them) that fail the audit, before its
    minimum cost: counts over every account and one walk in begin order answer the history audits; `fails` is
    asked only of bills those leave in doubt."""
    if audit is Audit.MULTIPLE_IN_PERIOD:
        return _repeated(live, targets, _PERIOD, _PERIOD)
    if audit is Audit.LIKELY_DUPLICATE:
        return _repeated(live, targets, _DATES_AND_TOTAL, _DATES)
    if audit is Audit.ENDS_IN_FUTURE:
        return {t.bill_id for t in targets if t.end_date > today}
    if audit is Audit.GAP:
        return order().gaps.intersection(map(_BILL_ID, targets))
    if audit is Audit.LENGTH_VARIANCE:
        previous = order().previous
        return {t.bill_id for t in targets if _length_varies(t, previous[t.bill_id], setting)}
    doubtful: Sequence[AuditBill] = targets
    if audit is Audit.OVERLAP:
        overlapping = order().overlapping
        doubtful = [t for t in targets if t.account_id in overlapping]
    elif audit is Audit.INVOICE_REPEATED:
        numbered = [h for h in live if h.invoice_number]
        numbers = Counter((h.account_id, n) for h in numbered for n in (_invoice(h),) if n)
        doubtful = [t for t in targets if numbers[(t.account_id, _invoice(t))] > 1] if numbers else []
    if audit in _ALONE:
        return {t.bill_id for t in doubtful if fails(audit, setting, t, (), today)}
    return {
        t.bill_id
        for t in doubtful
        if fails(audit, setting, t, [h for h in history[t.account_id] if h.bill_id != t.bill_id], today)
    }


def audit_accounts(
    targets: Mapping[int, Sequence[AuditBill]],
    history: Mapping[int, Sequence[AuditBill]],
    settings: Mapping[Audit, AuditSetting],
    today: date,
) -> dict[int, Failure]:
    """`audit_bill` for many bills of many accounts (account id -> its targets, account id -> its live bills, the
    targets among them; every bill's account_id is its account's), with the same answers (a property test holds
    them equal) at a fraction of the cost: each audit is asked of all the accounts at once (counts of periods, of
    (dates, total) and of invoice numbers, one walk in begin order for the previous bills, gaps and overlapping
    dates), and `fails` only of the bills those leave in doubt. A target that is not among its account's live
    bills is asked of each audit alone."""
    checks = active(settings)
    live = [h for bills in history.values() for h in bills]
    ids = set(map(_BILL_ID, live))
    inside = [t for bills in targets.values() for t in bills if t.bill_id in ids]
    walked: list[_Order] = []

    def order() -> _Order:
        if not walked:
            walked.append(_walk(history))
        return walked[0]

    failing: list[tuple[Audit, AuditSetting, set[int]]] = []
    if inside:
        by_id = {t.bill_id: t for t in inside}
        for audit, setting in checks:
            failed = _failing(audit, setting, inside, history, live, order, today)
            failed = {i for i in failed if by_id[i].total_cost >= setting.minimum_cost}
            if failed:
                failing.append((audit, setting, failed))
    found: dict[int, Failure] = dict.fromkeys(map(_BILL_ID, inside), PASSED)
    for audit_failing in failing:
        for bill_id in audit_failing[2]:
            found[bill_id] = _failure(bill_id, failing)
    if len(inside) < sum(map(len, targets.values())):
        for account_id, bills in targets.items():
            for bill in bills:
                if bill.bill_id not in ids:
                    found[bill.bill_id] = _run(bill, history.get(account_id, ()), checks, today)
    return found


def _failure(bill_id: int, failing: Sequence[tuple[Audit, AuditSetting, set[int]]]) -> Failure:
    failed = [(audit, setting) for audit, setting, ids in failing if bill_id in ids]
    assignees: dict[int, None] = {}
    for _audit, setting in failed:
        assignees.update(dict.fromkeys(setting.assignees))
    hold = any(setting.status is SettingStatus.HOLD for _audit, setting in failed)
    return Failure(tuple(audit for audit, _setting in failed), hold, tuple(assignees))


def audit_account(
    targets: Sequence[AuditBill],
    history: Sequence[AuditBill],
    settings: Mapping[Audit, AuditSetting],
    today: date,
) -> dict[int, Failure]:
    """`audit_accounts` for the bills of one account whose live bills are `history`."""
    account_id = next((b.account_id for b in (*history, *targets)), 0)
    return audit_accounts({account_id: targets}, {account_id: history}, settings, today)


# ---------------------------------------------------------------------------------------------------------------
# What the audits do to a bill's flag (accounting.md §3.2, §3.5 item 6, §3.6 item 1)


@dataclass(frozen=True)
class FlagState:
    """A bill's flag as it is: type, status, issues (issue type id -> resolved) and assignees."""

    type_id: int
    status: FlagStatus
    issues: Mapping[int, bool]
    assignees: frozenset[int] = frozenset()


@dataclass(frozen=True)
class FlagPlan:
    """The flag as the audits leave it, the assignees they add, the events they record, and the export hold they
    set (True), release (False) or leave (None)."""

    type_id: int
    status: FlagStatus
    issues: Mapping[int, bool]
    add_assignees: tuple[int, ...]
    events: tuple[tuple[FlagAction, str], ...]
    hold: bool | None


def _names(audits: Iterable[Audit]) -> str:
    return ", ".join(audit.value for audit in audits)


def plan_flag(current: FlagState | None, failure: Failure, resolve: bool) -> FlagPlan | None:
    """The audits' effect on a bill's flag (None: nothing to change).

    - Failed audits flag the bill with Audit Exception (a bill's unresolved flag of another type keeps its type) and
      an unresolved issue each; a resolved flag is re-flagged; a Hold audit holds the bill from export.
    - An issue the bill no longer fails is resolved; when the bill passes every audit an unresolved Audit Exception
      flag is resolved (the hold stays: resolving alone does not release, §3.2 item 3).
    - `resolve` (saveAsResolved): the flag and its issues are resolved at once and the bill released for export.
    """
    failed = {audit.issue_type_id for audit in failure.audits}
    before = dict(current.issues) if current is not None else {}
    if not failed:
        if current is None or all(before.values()):
            return None
        issues = dict.fromkeys(before, True)
        if current.status is FlagStatus.UNRESOLVED and current.type_id == AUDIT_EXCEPTION:
            event = (FlagAction.RESOLVED, "Resolved: the bill passes its audits")
            return FlagPlan(current.type_id, FlagStatus.RESOLVED, issues, (), (event,), None)
        event = (FlagAction.UPDATED, "Audit issues resolved: the bill passes its audits")
        return FlagPlan(current.type_id, current.status, issues, (), (event,), None)
    have = current.assignees if current is not None else frozenset()
    add = tuple(u for u in failure.assignees if u not in have)
    found = f"Failed audits: {_names(failure.audits)}"
    if resolve:
        issues = dict.fromkeys({*before, *failed}, True)
        first = FlagAction.FLAGGED if current is None else FlagAction.UPDATED
        events = (
            (first, found),
            (FlagAction.RESOLVED, "Saved as resolved"),
            (FlagAction.RELEASED, "Released for export"),
        )
        type_id = AUDIT_EXCEPTION if current is None else current.type_id
        return FlagPlan(type_id, FlagStatus.RESOLVED, issues, add, events, False)
    issues = {**dict.fromkeys(before, True), **dict.fromkeys(failed, False)}
    hold = True if failure.hold else None
    events_list: list[tuple[FlagAction, str]] = []
    if current is None:
        type_id = AUDIT_EXCEPTION
        events_list.append((FlagAction.FLAGGED, found))
    elif current.status is FlagStatus.RESOLVED:
        type_id = AUDIT_EXCEPTION
        events_list.append((FlagAction.REFLAGGED, found))
    else:
        type_id = current.type_id
        if issues == before and not add and hold is None:
            return None
        if issues != before or add:
            events_list.append((FlagAction.UPDATED, found))
    if hold:
        events_list.append((FlagAction.HELD, "Held from export by a Hold audit"))
    return FlagPlan(type_id, FlagStatus.UNRESOLVED, issues, add, tuple(events_list), hold)
