"""Audit settings and the audit engine (GET/PUT /api/v202104/audit, PUT /api/v202104/account/auditEnabled,
PUT /api/v202104/vendor/{vendorId}/auditEnabled, POST /api/v3/audit/exec; accounting.md §2.4, §3.5, §4, §9 D8, D9).

`audit_bills` is the engine: it audits any number of bills inside the caller's transaction with a fixed number of
statements (their accounts' live bills, the meters of date-overlapping bills, line items when a line audit runs,
their flags), evaluates the rules of domain.audits in memory, and writes flags, issues, events and holds in bulk.
Bill create, bill edit, bill import and a saved list's `POST /api/v3/audit/exec?listId=` (`bill_lists.audit_list`)
call it; chargeback runs do not (§9 D9).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from apportion.domain import audits as rules
from apportion.domain.audits import Audit, AuditBill, AuditSetting, SettingInput
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.ids import known, require
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import audits as stored
from apportion.store.queries import bill_accounting
from apportion.store.queries.audits import FlagWrite
from apportion.store.queries.children import UserChild


@dataclass(frozen=True)
class AuditReport:
    """What one audit pass did: bills audited, bills that failed an audit, bills held."""

    audited: int
    failed: int
    held: int


@dataclass(frozen=True)
class SettingsView:
    """The audit settings with their assignees as users."""

    settings: dict[Audit, AuditSetting]
    users: dict[int, UserChild]


def _view(session: UnitOfWork, settings: dict[Audit, AuditSetting]) -> SettingsView:
    ids = sorted({u for s in settings.values() for u in s.assignees})
    return SettingsView(settings, stored.users_of(session, ids))


def get_settings(db: Database) -> SettingsView:
    """Every audit's setting (the defaults of §9 D8 until saved)."""
    with db.reading() as session:
        return _view(session, stored.load_settings(session))


def update_settings(db: Database, given: Mapping[str, SettingInput | None], hold_licensed: bool) -> SettingsView:
    """PUT /api/v202104/audit: all 25 audits replace the saved ones; a bad one is a 400 naming it."""
    settings = rules.check_settings(given, hold_licensed)
    with db.transaction() as session:
        wanted = sorted({u for s in settings.values() for u in s.assignees})
        missing = sorted(set(wanted) - stored.existing_users(session, known(wanted)))
        if missing:
            audit = next(a for a, s in settings.items() if missing[0] in s.assignees)
            raise ValidationFailed.single(
                f"{audit.value}.assignees", f"Users {', '.join(map(str, missing))} do not exist."
            )
        stored.save_settings(session, settings)
        return _view(session, settings)


def set_account_exclusion(db: Database, account_ids: Sequence[int] | None, enabled: bool | None) -> tuple[int, int]:
    """PUT /api/v202104/account/auditEnabled: (accounts found, accounts changed); unknown ids are not selected."""
    if not account_ids:
        raise ValidationFailed.single("accountIds", "accountIds cannot be empty.")
    if enabled is None:
        raise ValidationFailed.single("auditEnabled", "The auditEnabled field is required.")
    with db.transaction() as session:
        return stored.set_accounts_enabled(session, known(account_ids), enabled)


def set_vendor_exclusion(db: Database, vendor_id: int, enabled: bool | None) -> int:
    """PUT /api/v202104/vendor/{vendorId}/auditEnabled: how many of the vendor's accounts changed."""
    require(vendor_id, "Vendor")
    if enabled is None:
        raise ValidationFailed.single("auditEnabled", "The auditEnabled field is required.")
    with db.transaction() as session:
        if not stored.vendor_exists(session, vendor_id):
            raise NotFound("Vendor", vendor_id)
        return stored.set_vendor_accounts_enabled(session, vendor_id, enabled)


def _with_meters(
    session: UnitOfWork, bills: list[AuditBill], history: dict[int, list[AuditBill]]
) -> tuple[list[AuditBill], dict[int, list[AuditBill]]]:
    """Give meters to the audited bills and the bills whose dates overlap theirs (only those: the overlap audit
    needs meters only where dates overlap, which is rare)."""
    wanted: set[int] = set()
    # Only accounts whose bills' dates overlap somewhere can have such bills.
    crowded = {account_id for account_id, bs in history.items() if rules.dates_overlap(bs)}
    for bill in bills:
        if bill.account_id not in crowded:
            continue
        overlapping = [
            o.bill_id
            for o in history.get(bill.account_id, ())
            if o.bill_id != bill.bill_id and o.begin_date < bill.end_date and bill.begin_date < o.end_date
        ]
        if overlapping:
            wanted.add(bill.bill_id)
            wanted.update(overlapping)
    if not wanted:
        return bills, history
    meters = stored.meters_of(session, sorted(wanted))

    def give(bill: AuditBill) -> AuditBill:
        found = meters.get(bill.bill_id)
        return bill._replace(meter_ids=found) if found else bill

    return [give(b) for b in bills], {a: [give(b) for b in bs] for a, bs in history.items()}


def audit_bills(
    session: UnitOfWork,
    bill_ids: Sequence[int],
    user_id: int,
    now: datetime,
    resolve: bool = False,
    comment: str | None = None,
) -> AuditReport:
    """Audit the bills in the caller's transaction: flag, hold, resolve and release as domain.audits says. Void and
    accrual bills and bills of excluded accounts are not audited (§3.5 items 1, 4)."""
    settings = stored.load_settings(session)
    if not bill_ids or not rules.active(settings):
        return AuditReport(0, 0, 0)
    loaded, history = stored.bills_to_audit(session, bill_ids)
    targets = [t.bill for t in loaded if not t.void and not t.accrual and t.audit_enabled]
    if not targets:
        return AuditReport(0, 0, 0)
    if rules.needs_meters(settings):
        targets, history = _with_meters(session, targets, history)
    if rules.needs_lines(settings):
        lines = stored.lines_of(session, [b.bill_id for b in targets])
        targets = [b._replace(lines=lines.get(b.bill_id, ())) for b in targets]
    by_account: dict[int, list[AuditBill]] = {}
    for bill in targets:
        by_account.setdefault(bill.account_id, []).append(bill)
    failures = rules.audit_accounts(by_account, history, settings, now.date())
    # Every audited bill's flag: failures add issues to it, passes resolve issues of an earlier pass (a bill that
    # passes and has no flag is left alone).
    flags = stored.audit_flags(session, [b.bill_id for b in targets])
    writes: list[FlagWrite] = []
    holds: dict[bool, list[int]] = {True: [], False: []}
    for bill_id, failure in failures.items():
        found = flags.get(bill_id)
        if found is None and not failure.audits:
            continue
        current = (
            rules.FlagState(found.type_id, found.status, found.issues, found.assignees) if found is not None else None
        )
        plan = rules.plan_flag(current, failure, resolve)
        if plan is None:
            continue
        writes.append(
            FlagWrite(
                bill_id,
                found.flag_id if found is not None else None,
                plan.type_id,
                plan.status,
                plan.issues,
                plan.add_assignees,
                plan.events,
            )
        )
        if plan.hold is not None:
            holds[plan.hold].append(bill_id)
    stored.write_flags(session, writes, comment if resolve else None, user_id, now)
    for hold, ids in holds.items():
        bill_accounting.set_export_hold(session, ids, hold)
    return AuditReport(len(targets), sum(1 for f in failures.values() if f.audits), len(holds[True]))
