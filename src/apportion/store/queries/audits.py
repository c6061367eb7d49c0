"""Audits as typed values: the saved audit settings, the account exclusions, the bills an audit reads (set-based:
a handful of statements for any number of bills), and the flags and issues the audits write (accounting.md §2.4,
§3.5, §3.6)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from apportion.domain.audits import Audit, AuditBill, AuditLine, AuditSetting, Sensitivity, SettingStatus
from apportion.domain.audits import defaults as default_settings
from apportion.domain.flags import FlagAction, FlagStatus
from apportion.store.id_lists import among
from apportion.store.models.accounting import (
    AuditSetting as AuditSettingRow,
)
from apportion.store.models.accounting import (
    AuditSettingAssignee,
    BillFlag,
    BillFlagAssignee,
    BillFlagEvent,
    BillFlagIssue,
)
from apportion.store.models.bills import Bill, BillLine, BillMeter
from apportion.store.models.organisation import Account, Vendor
from apportion.store.models.reference import ObservationType
from apportion.store.models.users import User
from apportion.store.queries.children import UserChild


def load_settings(session: Session) -> dict[Audit, AuditSetting]:
    """Every audit's setting: the saved one, else its default (§9 D8)."""
    settings = default_settings()
    assignees: dict[str, list[int]] = defaultdict(list)
    for code, user_id in session.connection().execute(
        select(AuditSettingAssignee.setting_code, AuditSettingAssignee.user_id).order_by(
            AuditSettingAssignee.setting_code, AuditSettingAssignee.user_id
        )
    ):
        assignees[code].append(user_id)
    known = {a.value: a for a in Audit}
    for row in session.connection().execute(
        select(
            AuditSettingRow.setting_code,
            AuditSettingRow.setting_status,
            AuditSettingRow.minimum_cost,
            AuditSettingRow.items,
            AuditSettingRow.threshold,
            AuditSettingRow.sensitivity,
        )
    ):
        audit = known.get(row.setting_code)
        if audit is None:
            continue
        settings[audit] = AuditSetting(
            SettingStatus(row.setting_status),
            row.minimum_cost,
            tuple(assignees.get(row.setting_code, ())),
            tuple(row.items or ()),
            row.threshold,
            Sensitivity(row.sensitivity) if row.sensitivity else None,
        )
    return settings


def save_settings(session: Session, settings: Mapping[Audit, AuditSetting]) -> None:
    """Replace the saved settings with these."""
    session.execute(delete(AuditSettingAssignee))
    session.execute(delete(AuditSettingRow))
    session.execute(
        insert(AuditSettingRow),
        [
            {
                "setting_code": audit.value,
                "setting_status": setting.status.value,
                "minimum_cost": setting.minimum_cost,
                "items": list(setting.items),
                "threshold": setting.threshold,
                "sensitivity": setting.sensitivity.value if setting.sensitivity else None,
            }
            for audit, setting in settings.items()
        ],
    )
    rows = [{"setting_code": a.value, "user_id": u} for a, s in settings.items() for u in s.assignees]
    if rows:
        session.execute(insert(AuditSettingAssignee), rows)


def existing_users(session: Session, user_ids: Sequence[int]) -> set[int]:
    """Those of the ids that are users."""
    return set(session.execute(select(User.user_id).where(among(User.user_id, user_ids))).scalars())


def users_of(session: Session, user_ids: Sequence[int]) -> dict[int, UserChild]:
    """user id -> the user as a child, for those of the ids that are users."""
    rows = session.execute(select(User.user_id, User.user_code, User.full_name).where(among(User.user_id, user_ids)))
    return {user_id: UserChild(user_id, code, name) for user_id, code, name in rows}


def set_accounts_enabled(session: Session, account_ids: Sequence[int], enabled: bool) -> tuple[int, int]:
    """Include or exclude the accounts' bills from audits: (accounts found, accounts changed)."""
    found = session.execute(
        select(Account.account_id, Account.audit_enabled).where(among(Account.account_id, account_ids))
    ).all()
    changing = [account_id for account_id, current in found if current != enabled]
    if changing:
        session.execute(update(Account).where(among(Account.account_id, changing)).values(audit_enabled=enabled))
    return len(found), len(changing)


def vendor_exists(session: Session, vendor_id: int) -> bool:
    """Whether the vendor exists."""
    return session.get(Vendor, vendor_id) is not None


def set_vendor_accounts_enabled(session: Session, vendor_id: int, enabled: bool) -> int:
    """Include or exclude every account of the vendor; how many accounts changed."""
    result = session.execute(
        update(Account)
        .where(Account.vendor_id == vendor_id, Account.audit_enabled.is_not(enabled))
        .values(audit_enabled=enabled)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


class AuditTarget(NamedTuple):
    """A bill to audit, with what decides whether it is audited at all."""

    bill: AuditBill
    void: bool
    accrual: bool
    audit_enabled: bool


_BILL_COLUMNS = (
    Bill.bill_id,
    Bill.account_id,
    Bill.begin_date,
    Bill.end_date,
    Bill.billing_period,
    Bill.total_cost,
    Bill.estimated,
    Bill.statement_date,
    Bill.due_date,
    Bill.invoice_number,
)


def bills_to_audit(session: Session, bill_ids: Sequence[int]) -> tuple[list[AuditTarget], dict[int, list[AuditBill]]]:
    """In one statement: the bills as the audits see them (with void, accrual and their account's audit switch),
    and account id -> the live (not void) bills of their accounts, themselves included."""
    session.flush()  # the rows are read on the session's connection, past its autoflush
    accounts = select(Bill.account_id).where(among(Bill.bill_id, bill_ids)).distinct().scalar_subquery()
    wanted = set(bill_ids)
    found: list[AuditTarget] = []
    history: dict[int, list[AuditBill]] = defaultdict(list)
    # The first ten columns are AuditBill's fields, in order. Fetched at once: iterating the result would fetch
    # each row apart.
    for row in (
        session.connection()
        .execute(
            select(*_BILL_COLUMNS, Bill.void, Bill.accrual, Account.audit_enabled)
            .join(Account, Account.account_id == Bill.account_id)
            .where(Bill.account_id.in_(accounts))
        )
        .all()
    ):
        bill = AuditBill(*row[:10])
        void = row[10]
        if not void:
            history[bill.account_id].append(bill)
        if bill.bill_id in wanted:
            found.append(AuditTarget(bill, void, row[11], row[12]))
    found.sort(key=lambda t: t.bill.bill_id)
    return found, history


def meters_of(session: Session, bill_ids: Sequence[int]) -> dict[int, frozenset[int]]:
    """bill id -> the meters it has figures for."""
    found: dict[int, set[int]] = defaultdict(set)
    for bill_id, meter_id in session.connection().execute(
        select(BillMeter.bill_id, BillMeter.meter_id).where(among(BillMeter.bill_id, bill_ids))
    ):
        found[bill_id].add(meter_id)
    return {bill_id: frozenset(meters) for bill_id, meters in found.items()}


def lines_of(session: Session, bill_ids: Sequence[int]) -> dict[int, tuple[AuditLine, ...]]:
    """bill id -> its line items (observation type code, caption, cost)."""
    found: dict[int, list[AuditLine]] = defaultdict(list)
    for bill_id, code, caption, cost in session.connection().execute(
        select(BillLine.bill_id, ObservationType.observation_type_code, BillLine.caption, BillLine.cost)
        .join(ObservationType, ObservationType.observation_type_id == BillLine.observation_type_id)
        .where(among(BillLine.bill_id, bill_ids))
        .order_by(BillLine.bill_id, BillLine.line_order)
    ):
        found[bill_id].append(AuditLine(code, caption, cost))
    return {bill_id: tuple(lines) for bill_id, lines in found.items()}


@dataclass(frozen=True)
class AuditFlag:
    """A bill's current flag as the audits see it: id, type, status and its issues (id -> resolved)."""

    flag_id: int
    type_id: int
    status: FlagStatus
    issues: Mapping[int, bool]
    assignees: frozenset[int]


def audit_flags(session: Session, bill_ids: Sequence[int]) -> dict[int, AuditFlag]:
    """bill id -> its flag, for those of the bills that are flagged."""
    rows = (
        session.connection()
        .execute(
            select(BillFlag.bill_id, BillFlag.flag_id, BillFlag.flag_type_id, BillFlag.status_id).where(
                among(BillFlag.bill_id, bill_ids)
            )
        )
        .all()
    )
    if not rows:
        return {}
    flag_ids = [row.flag_id for row in rows]
    issues: dict[int, dict[int, bool]] = defaultdict(dict)
    for flag_id, issue, resolved in session.connection().execute(
        select(BillFlagIssue.flag_id, BillFlagIssue.issue_type_id, BillFlagIssue.resolved).where(
            among(BillFlagIssue.flag_id, flag_ids)
        )
    ):
        issues[flag_id][issue] = bool(resolved)
    assignees: dict[int, set[int]] = defaultdict(set)
    for flag_id, user_id in session.connection().execute(
        select(BillFlagAssignee.flag_id, BillFlagAssignee.user_id).where(among(BillFlagAssignee.flag_id, flag_ids))
    ):
        assignees[flag_id].add(user_id)
    return {
        row.bill_id: AuditFlag(
            row.flag_id,
            row.flag_type_id,
            FlagStatus(row.status_id),
            issues.get(row.flag_id, {}),
            frozenset(assignees.get(row.flag_id, ())),
        )
        for row in rows
    }


@dataclass(frozen=True)
class FlagWrite:
    """What the audits do to one bill's flag: create it or update it (flag_id), its type and status, its issues
    (issue id -> resolved, replacing), assignees to add, and the events to record."""

    bill_id: int
    flag_id: int | None
    type_id: int
    status: FlagStatus
    issues: Mapping[int, bool]
    add_assignees: tuple[int, ...]
    events: tuple[tuple[FlagAction, str], ...]


def write_flags(
    session: Session, writes: Sequence[FlagWrite], comment: str | None, user_id: int, now: datetime
) -> None:
    """Create and update the flags, their issues, assignees and events: a few statements for any number."""
    if not writes:
        return
    new = [w for w in writes if w.flag_id is None]
    if new:
        session.execute(
            insert(BillFlag),
            [
                {
                    "bill_id": w.bill_id,
                    "flag_type_id": w.type_id,
                    "status_id": int(w.status),
                    "created_by": user_id,
                    "created_date": now,
                }
                for w in new
            ],
        )
    ids = {w.bill_id: w.flag_id for w in writes if w.flag_id is not None}
    if new:
        for bill_id, flag_id in session.execute(
            select(BillFlag.bill_id, BillFlag.flag_id).where(among(BillFlag.bill_id, [w.bill_id for w in new]))
        ):
            ids[bill_id] = flag_id
    groups: dict[tuple[int, FlagStatus], list[int]] = defaultdict(list)
    for w in writes:
        if w.flag_id is not None:
            groups[(w.type_id, w.status)].append(w.flag_id)
    for (type_id, status), flag_ids in groups.items():
        session.execute(
            update(BillFlag)
            .where(among(BillFlag.flag_id, flag_ids))
            .values(flag_type_id=type_id, status_id=int(status), modified_by=user_id, modified_date=now)
        )
    touched = [ids[w.bill_id] for w in writes]
    session.execute(delete(BillFlagIssue).where(among(BillFlagIssue.flag_id, touched)))
    issues = [
        {"flag_id": ids[w.bill_id], "issue_type_id": issue, "resolved": resolved}
        for w in writes
        for issue, resolved in sorted(w.issues.items())
    ]
    if issues:
        session.execute(insert(BillFlagIssue), issues)
    assignees = [{"flag_id": ids[w.bill_id], "user_id": u} for w in writes for u in w.add_assignees]
    if assignees:
        session.execute(insert(BillFlagAssignee), assignees)
    events = [
        {
            "flag_id": ids[w.bill_id],
            "action_id": int(action),
            "action_info": action.info,
            "description": description[:255],
            "comment": comment,
            "created_by": user_id,
            "created_date": now,
        }
        for w in writes
        for action, description in w.events
    ]
    if events:
        session.execute(insert(BillFlagEvent), events)
