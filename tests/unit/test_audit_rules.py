"""The audits as pure rules (accounting.md §2.4, §4, §7, §9 D8): defaults, settings validation, each evaluated audit,
minimum cost, and what the audits do to a bill's flag; with properties over generated bills and flags."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apportion.domain import audits
from apportion.domain.audits import (
    Audit,
    AuditBill,
    AuditLine,
    AuditSetting,
    Failure,
    FlagState,
    SettingInput,
    SettingStatus,
)
from apportion.domain.errors import ValidationFailed
from apportion.domain.flags import AUDIT_EXCEPTION, FlagAction, FlagStatus

TODAY = date(2024, 6, 15)
CHECK = AuditSetting(SettingStatus.CHECK)


def bill(
    bill_id: int = 1,
    begin: date = date(2024, 1, 1),
    end: date = date(2024, 2, 1),
    period: int = 202401,
    cost: str = "100.00",
    **extra: object,
) -> AuditBill:
    return AuditBill(bill_id, 7, begin, end, period, Decimal(cost), **extra)  # type: ignore[arg-type]


def only(audit: Audit, setting: AuditSetting = CHECK) -> dict[Audit, AuditSetting]:
    settings = {a: AuditSetting(SettingStatus.SKIP) for a in Audit}
    settings[audit] = setting
    return settings


def failed(audit: Audit, target: AuditBill, others: list[AuditBill], setting: AuditSetting = CHECK) -> bool:
    return audit in audits.audit_bill(target, others, only(audit, setting), TODAY).audits


def test_defaults_are_those_of_d8() -> None:
    defaults = audits.defaults()
    checked = {a for a, s in defaults.items() if s.status is SettingStatus.CHECK}
    assert checked == {
        Audit.LIKELY_DUPLICATE,
        Audit.INVOICE_REPEATED,
        Audit.OVERLAP,
        Audit.GAP,
        Audit.MULTIPLE_IN_PERIOD,
        Audit.ENDS_IN_FUTURE,
    }
    assert not any(s.status is SettingStatus.HOLD for s in defaults.values())
    assert defaults[Audit.LENGTH_VARIANCE].threshold == 25
    assert defaults[Audit.CONSECUTIVE_ESTIMATED].threshold == 3
    assert defaults[Audit.DUE_TOO_LONG].threshold == 60
    assert defaults[Audit.STATEMENT_TOO_LONG].threshold == 30
    assert defaults[Audit.OUTLIER_USE].sensitivity == audits.Sensitivity.HIGH
    assert defaults[Audit.LINE_TYPES].items == ()
    assert all(s.minimum_cost == 0 for s in defaults.values())
    assert [a.issue_type_id for a in Audit] == list(range(1, 26))


def valid_inputs() -> dict[str, SettingInput | None]:
    return {a.value: SettingInput("Skip", 0, []) for a in Audit}


@pytest.mark.parametrize(
    ("audit", "change", "field"),
    [
        (Audit.GAP, {"status": "Fail"}, "gapBetweenBillAndPreviousBillOnAccount.settingStatus"),
        (Audit.GAP, {"minimum_cost": None}, "gapBetweenBillAndPreviousBillOnAccount.minimumCost"),
        (Audit.GAP, {"assignees": None}, "gapBetweenBillAndPreviousBillOnAccount.assignees"),
        (Audit.LINE_TYPES, {"status": "Check"}, "billContainsLineItemTypes.lineItemTypes"),
        (
            Audit.LINE_DESCRIPTIONS,
            {"status": "Check", "items": ["x" * 32]},
            "billContainsLineItemDescriptions.lineItemDescriptions",
        ),
        (Audit.DUE_TOO_LONG, {"status": "Hold"}, "dueDateTooLongAfterBillEnd.days"),
        (Audit.DUE_TOO_LONG, {"status": "Check", "threshold": -1}, "dueDateTooLongAfterBillEnd.days"),
        (Audit.CONSECUTIVE_ESTIMATED, {"status": "Check", "threshold": 0}, "tooManyConsecutiveEstimatedBills.bills"),
        (
            Audit.OUTLIER_COST,
            {"status": "Check", "sensitivity": "Low"},
            "abnormalBillCostWithOutlierAnalysis.sensitivity",
        ),
        (Audit.OUTLIER_USE, {"status": "Check"}, "abnormalBillUseWithOutlierAnalysis.sensitivity"),
    ],
)
def test_bad_settings_name_the_field(audit: Audit, change: dict[str, object], field: str) -> None:
    given = valid_inputs()
    base = {"status": "Skip", "minimum_cost": 0, "assignees": []}
    given[audit.value] = SettingInput(**{**base, **change})  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed) as refused:
        audits.check_settings(given)
    assert list(refused.value.errors) == [field]


def test_a_missing_audit_is_named_and_hold_needs_the_licence() -> None:
    given = valid_inputs()
    given[Audit.OVERLAP.value] = None
    with pytest.raises(ValidationFailed) as refused:
        audits.check_settings(given)
    assert list(refused.value.errors) == [Audit.OVERLAP.value]
    given = valid_inputs()
    given[Audit.GAP.value] = SettingInput("Hold", 0, [])
    assert audits.check_settings(given)[Audit.GAP].status is SettingStatus.HOLD
    with pytest.raises(ValidationFailed):
        audits.check_settings(given, hold_licensed=False)


def test_skip_without_a_parameter_keeps_the_default() -> None:
    settings = audits.check_settings(valid_inputs())
    assert settings[Audit.DUE_TOO_LONG].threshold == 60
    assert settings[Audit.OUTLIER_DEMAND].sensitivity == audits.Sensitivity.HIGH


def test_history_audits() -> None:
    jan = bill(1)
    feb = bill(2, date(2024, 2, 1), date(2024, 3, 1), 202402)
    assert not failed(Audit.GAP, feb, [jan])
    late = bill(3, date(2024, 2, 3), date(2024, 3, 3), 202402)
    assert failed(Audit.GAP, late, [jan])
    assert not failed(Audit.GAP, bill(4, date(2024, 2, 2), date(2024, 3, 2), 202402), [jan])  # one day: no gap
    assert failed(Audit.MULTIPLE_IN_PERIOD, bill(5, period=202401), [jan])
    assert failed(Audit.LIKELY_DUPLICATE, bill(5), [jan])
    assert not failed(Audit.LIKELY_DUPLICATE, bill(5, cost="100.01"), [jan])
    metered = bill(6, meter_ids=frozenset({9}))
    assert failed(Audit.OVERLAP, metered, [bill(1, date(2024, 1, 15), date(2024, 2, 15), meter_ids=frozenset({9}))])
    assert not failed(Audit.OVERLAP, metered, [bill(1, date(2024, 1, 15), date(2024, 2, 15), meter_ids=frozenset())])
    assert not failed(Audit.OVERLAP, metered, [bill(1, date(2024, 2, 1), date(2024, 3, 1), meter_ids=frozenset({9}))])
    assert failed(Audit.INVOICE_REPEATED, bill(7, invoice_number="INV-1"), [bill(1, invoice_number="inv-1")])
    old = bill(1, date(2019, 1, 1), date(2019, 2, 1), 201901, invoice_number="INV-1")
    assert not failed(Audit.INVOICE_REPEATED, bill(7, invoice_number="INV-1"), [old])
    assert not failed(Audit.INVOICE_REPEATED, bill(7), [bill(1)])


def test_date_audits() -> None:
    assert failed(Audit.ENDS_IN_FUTURE, bill(end=TODAY + timedelta(days=1)), [])
    assert not failed(Audit.ENDS_IN_FUTURE, bill(end=TODAY), [])
    assert failed(Audit.STATEMENT_BEFORE_END, bill(statement_date=date(2024, 1, 31)), [])
    assert failed(Audit.DUE_BEFORE_END, bill(due_date=date(2024, 1, 31)), [])
    assert not failed(Audit.DUE_BEFORE_END, bill(due_date=date(2024, 2, 1)), [])
    days = AuditSetting(SettingStatus.CHECK, threshold=10)
    assert failed(Audit.DUE_TOO_LONG, bill(due_date=date(2024, 2, 12)), [], days)
    assert not failed(Audit.DUE_TOO_LONG, bill(due_date=date(2024, 2, 11)), [], days)
    assert failed(Audit.STATEMENT_TOO_LONG, bill(statement_date=date(2024, 2, 12)), [], days)
    assert failed(Audit.PERIOD_OUTSIDE_DATES, bill(period=202403), [])
    assert not failed(Audit.PERIOD_OUTSIDE_DATES, bill(period=202402), [])  # ends on 1 February


def test_length_and_estimates() -> None:
    percent = AuditSetting(SettingStatus.CHECK, threshold=25)
    jan = bill(1)  # 31 days
    assert not failed(Audit.LENGTH_VARIANCE, bill(2, date(2024, 2, 1), date(2024, 3, 1), 202402), [jan], percent)
    assert failed(Audit.LENGTH_VARIANCE, bill(2, date(2024, 2, 1), date(2024, 3, 20), 202402), [jan], percent)
    three = AuditSetting(SettingStatus.CHECK, threshold=2)
    history = [bill(i, date(2024, i, 1), date(2024, i + 1, 1), 202400 + i, estimated=True) for i in (1, 2)]
    current = bill(3, date(2024, 3, 1), date(2024, 4, 1), 202403, estimated=True)
    assert failed(Audit.CONSECUTIVE_ESTIMATED, current, history, three)
    assert not failed(Audit.CONSECUTIVE_ESTIMATED, current, history[1:], three)
    assert not failed(Audit.CONSECUTIVE_ESTIMATED, bill(3, date(2024, 3, 1), date(2024, 4, 1)), history, three)


def test_line_item_audits() -> None:
    lines = (AuditLine("Use", "Energy", Decimal("80.00")), AuditLine("Cost", "Late fee", Decimal("20.00")))
    target = bill(lines=lines)
    assert failed(Audit.LINE_DESCRIPTIONS, target, [], AuditSetting(SettingStatus.CHECK, items=("late FEE",)))
    assert not failed(Audit.LINE_DESCRIPTIONS, target, [], AuditSetting(SettingStatus.CHECK, items=("Tax",)))
    assert failed(Audit.LINE_TYPES, target, [], AuditSetting(SettingStatus.CHECK, items=("cost",)))
    assert failed(Audit.TOTAL_VS_LINE_TYPES, target, [], AuditSetting(SettingStatus.CHECK, items=("Use",)))
    assert not failed(Audit.TOTAL_VS_LINE_TYPES, target, [], AuditSetting(SettingStatus.CHECK, items=("Use", "Cost")))


def test_minimum_cost_hold_and_assignees() -> None:
    future = bill(end=TODAY + timedelta(days=5), cost="50.00")
    assert not failed(Audit.ENDS_IN_FUTURE, future, [], AuditSetting(SettingStatus.CHECK, minimum_cost=51))
    assert failed(Audit.ENDS_IN_FUTURE, future, [], AuditSetting(SettingStatus.CHECK, minimum_cost=50))
    settings = only(Audit.ENDS_IN_FUTURE, AuditSetting(SettingStatus.HOLD, assignees=(4, 5)))
    settings[Audit.MULTIPLE_IN_PERIOD] = AuditSetting(SettingStatus.CHECK, assignees=(5, 6))
    failure = audits.audit_bill(future, [bill(2)], settings, TODAY)
    assert failure == Failure((Audit.ENDS_IN_FUTURE, Audit.MULTIPLE_IN_PERIOD), True, (4, 5, 6))


def test_unevaluated_audits_never_fail() -> None:
    for audit in set(Audit) - audits.EVALUATED:
        assert not failed(audit, bill(end=TODAY + timedelta(days=9)), [bill(2)])


FAIL = Failure((Audit.GAP, Audit.ENDS_IN_FUTURE), False, (3,))
HOLD = Failure((Audit.GAP,), True, ())
PASS = Failure((), False, ())


def test_flag_plans() -> None:
    new = audits.plan_flag(None, FAIL, resolve=False)
    assert new is not None
    assert (new.type_id, new.status, dict(new.issues), new.add_assignees, new.hold) == (
        AUDIT_EXCEPTION,
        FlagStatus.UNRESOLVED,
        {6: False, 7: False},
        (3,),
        None,
    )
    held = audits.plan_flag(None, HOLD, resolve=False)
    assert held is not None
    assert held.hold is True
    assert [a for a, _ in held.events] == [FlagAction.FLAGGED, FlagAction.HELD]
    resolved = audits.plan_flag(None, HOLD, resolve=True)
    assert resolved is not None
    assert resolved.status is FlagStatus.RESOLVED
    assert resolved.hold is False
    assert all(resolved.issues.values())
    flagged = FlagState(AUDIT_EXCEPTION, FlagStatus.UNRESOLVED, {6: False, 7: False}, frozenset({3}))
    fixed = audits.plan_flag(flagged, PASS, resolve=False)
    assert fixed is not None
    assert fixed.status is FlagStatus.RESOLVED
    assert fixed.hold is None
    partly = audits.plan_flag(flagged, Failure((Audit.GAP,), False, ()), resolve=False)
    assert partly is not None
    assert dict(partly.issues) == {6: False, 7: True}
    assert audits.plan_flag(flagged, FAIL, resolve=False) is None  # nothing new
    was_resolved = FlagState(AUDIT_EXCEPTION, FlagStatus.RESOLVED, {6: True}, frozenset())
    again = audits.plan_flag(was_resolved, Failure((Audit.GAP,), False, ()), resolve=False)
    assert again is not None
    assert again.status is FlagStatus.UNRESOLVED
    assert [a for a, _ in again.events] == [FlagAction.REFLAGGED]
    user_flag = FlagState(100, FlagStatus.UNRESOLVED, {}, frozenset())
    kept = audits.plan_flag(user_flag, FAIL, resolve=False)
    assert kept is not None
    assert kept.type_id == 100


dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2025, 12, 1))


@st.composite
def bills(draw: st.DrawFn, bill_id: int) -> AuditBill:
    begin = draw(dates)
    end = begin + timedelta(days=draw(st.integers(0, 60)))
    return AuditBill(
        bill_id,
        7,
        begin,
        end,
        begin.year * 100 + begin.month,
        Decimal(draw(st.integers(0, 500))),
        draw(st.booleans()),
        draw(st.none() | st.just(end + timedelta(days=draw(st.integers(-5, 90))))),
        draw(st.none() | st.just(end + timedelta(days=draw(st.integers(-5, 90))))),
        draw(st.none() | st.sampled_from(["A", "B"])),
        frozenset(draw(st.sets(st.integers(1, 3), max_size=2))),
    )


@st.composite
def accounts(draw: st.DrawFn) -> tuple[AuditBill, list[AuditBill]]:
    others = [draw(bills(i)) for i in range(2, 2 + draw(st.integers(0, 6)))]
    return draw(bills(1)), others


@given(accounts())
def test_all_skipped_fails_nothing_and_check_fails_a_subset_of_what_minimum_zero_fails(
    case: tuple[AuditBill, list[AuditBill]],
) -> None:
    target, others = case
    skip = {a: AuditSetting(SettingStatus.SKIP) for a in Audit}
    assert audits.audit_bill(target, others, skip, TODAY) == Failure((), False, ())
    everything = {a: audits.default_setting(a) for a in Audit}
    everything = {a: AuditSetting(SettingStatus.CHECK, threshold=s.threshold) for a, s in everything.items()}
    strict = {
        a: AuditSetting(SettingStatus.CHECK, minimum_cost=300, threshold=s.threshold) for a, s in everything.items()
    }
    full = audits.audit_bill(target, others, everything, TODAY)
    some = audits.audit_bill(target, others, strict, TODAY)
    assert set(some.audits) <= set(full.audits)
    assert not full.hold
    assert audits.audit_bill(target, [target, *others], everything, TODAY) == full  # the bill is not its own history


@given(accounts())
def test_a_bill_alone_on_its_account_fails_no_history_audit(case: tuple[AuditBill, list[AuditBill]]) -> None:
    target, _ = case
    history = {
        Audit.OVERLAP,
        Audit.GAP,
        Audit.MULTIPLE_IN_PERIOD,
        Audit.INVOICE_REPEATED,
        Audit.LIKELY_DUPLICATE,
        Audit.LENGTH_VARIANCE,
    }
    settings = {
        a: AuditSetting(SettingStatus.CHECK if a in history else SettingStatus.SKIP, threshold=1) for a in Audit
    }
    assert audits.audit_bill(target, [], settings, TODAY).audits == ()


flag_states = st.none() | st.builds(
    FlagState,
    st.sampled_from([AUDIT_EXCEPTION, 100]),
    st.sampled_from(list(FlagStatus)),
    st.dictionaries(st.integers(1, 16), st.booleans(), max_size=4),
    st.frozensets(st.integers(1, 5), max_size=3),
)
failures = st.builds(
    Failure,
    st.lists(st.sampled_from(sorted(audits.EVALUATED)), unique=True, max_size=4).map(tuple),
    st.booleans(),
    st.lists(st.integers(1, 5), unique=True, max_size=3).map(tuple),
)


@given(flag_states, failures, st.booleans())
def test_flag_plans_keep_their_promises(current: FlagState | None, failure: Failure, resolve: bool) -> None:
    plan = audits.plan_flag(current, failure, resolve)
    failed_ids = {a.issue_type_id for a in failure.audits}
    if plan is None:
        return
    # Issues are never lost, and every failed audit is an issue.
    assert set(plan.issues) >= failed_ids | set(current.issues if current else {})
    if resolve and failed_ids:
        assert plan.status is FlagStatus.RESOLVED
        assert all(plan.issues.values())
        assert plan.hold is False
    elif failed_ids:
        assert plan.status is FlagStatus.UNRESOLVED
        assert [plan.issues[i] for i in failed_ids] == [False] * len(failed_ids)
        assert plan.hold is (True if failure.hold else None)
    else:
        assert all(plan.issues.values())
        assert plan.hold is None
    # Assignees are only added, never repeated.
    assert not set(plan.add_assignees) & set(current.assignees if current else ())


statuses = st.sampled_from([SettingStatus.CHECK, SettingStatus.HOLD, SettingStatus.SKIP])


@st.composite
def every_setting(draw: st.DrawFn) -> dict[Audit, AuditSetting]:
    return {
        a: AuditSetting(
            draw(statuses),
            draw(st.sampled_from([0, 0, 200])),
            tuple(draw(st.lists(st.integers(1, 3), unique=True, max_size=2))),
            threshold=draw(st.integers(1, 40)),
        )
        for a in Audit
    }


@given(st.lists(accounts(), min_size=1, max_size=1), every_setting())
def test_the_account_pass_answers_as_each_bill_alone(
    cases: list[tuple[AuditBill, list[AuditBill]]], settings: dict[Audit, AuditSetting]
) -> None:
    target, others = cases[0]
    history = [target, *others]  # the targets are among the account's live bills, as the engine reads them
    expected = {b.bill_id: audits.audit_bill(b, history, settings, TODAY) for b in history}
    assert audits.audit_account(history, history, settings, TODAY) == expected


@given(accounts(), accounts(), every_setting(), st.data())
def test_accounts_audited_together_answer_as_each_bill_alone(
    case: tuple[AuditBill, list[AuditBill]],
    second: tuple[AuditBill, list[AuditBill]],
    settings: dict[Audit, AuditSetting],
    data: st.DataObject,
) -> None:
    first, others = case
    history = {
        7: [first, *others],
        8: [b._replace(bill_id=b.bill_id + 100, account_id=8) for b in (second[0], *second[1])],
    }
    # Some of each account's bills, and one that is not among its live bills (as a void bill would be).
    targets = {
        account_id: [
            *data.draw(st.lists(st.sampled_from(bills_of), unique_by=lambda b: b.bill_id, min_size=1)),
            data.draw(bills(900 + account_id))._replace(account_id=account_id),
        ]
        for account_id, bills_of in history.items()
    }
    expected = {
        b.bill_id: audits.audit_bill(b, history[account_id], settings, TODAY)
        for account_id, bills_of in targets.items()
        for b in bills_of
    }
    assert audits.audit_accounts(targets, history, settings, TODAY) == expected
