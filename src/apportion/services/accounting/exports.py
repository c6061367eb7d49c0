"""AP and GL bill export and its undo (PUT /api/v3/bill/export, /bill/unexport, /bill/unexport/{guid}, the account
and meter list variants, GET /api/v3/bill/exportProfile; accounting.md §3.3, §5).

One export is one transaction: the eligible bills are chosen (domain.export_rules), marked exported where they are
not yet (a conditional update, so a bill goes out once however many exports race), written into the file
(domain.export_file) and recorded with the export's GUID; an error anywhere marks nothing. A GL export also carries
the reversing entry of every voided bill whose GL export still stands (docs/accounting.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from apportion.domain import export_file, export_rules
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.export_file import ExportBill, LedgerRow
from apportion.domain.ids import known
from apportion.domain.workflow import ExportMode, parse_export_mode
from apportion.services.access.auth import Principal
from apportion.services.accounting.approval import Scope, scope_bill_ids
from apportion.store import scoping as scoped
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import bill_accounting, workflow_settings
from apportion.store.queries import bill_exports as stored

MAX_NOTE = 4000


@dataclass(frozen=True)
class ExportOutcome:
    """An export's file and what it took: its GUID and file name, the bills in it (reversals last) and the bills
    left out with the reason for each."""

    guid: str
    file_name: str
    text: str
    mode: ExportMode
    marked: bool
    bills: tuple[ExportBill, ...]
    excluded: tuple[tuple[int, str], ...]


def file_name_for(mode: ExportMode, now: datetime) -> str:
    """APExport_/GLExport_ + yyyyMMddHHmmss + .txt (accounting.md §9 D11)."""
    return f"{mode.value.upper()}Export_{now:%Y%m%d%H%M%S}.txt"


def export_in(
    session: UnitOfWork,
    bill_ids: Sequence[int],
    mode: ExportMode,
    mark: bool,
    note: str | None,
    principal: Principal,
    now: datetime,
    guid: str,
) -> ExportOutcome:
    """Export the eligible bills among the ids, in the caller's transaction (see the module docstring)."""
    settings = workflow_settings.load(session)
    export_rules.check_request(settings, mode, len(set(bill_ids)))
    wanted = scoped.bills_among(session, principal.scope, known(bill_ids))
    selection = export_rules.select(stored.candidates(session, wanted), wanted, settings, mode)
    chosen = list(selection.eligible)
    excluded = list(selection.excluded)
    if mark:
        taken = set(stored.claim(session, chosen, mode, principal.user_id, now))
        excluded += [(i, f"bill {i} was exported by another export meanwhile") for i in chosen if i not in taken]
        chosen = [i for i in chosen if i in taken]
    reversals = stored.pending_reversals(session, mode) if mode is ExportMode.GL else []
    content = stored.contents(session, [*chosen, *reversals])
    bills = [content[i] for i in chosen] + [content[i].negated() for i in reversals]
    name = file_name_for(mode, now)
    stored.record(session, guid, mode, mark, principal.user_id, now, note, name, bills)
    text = export_file.render(bills, now, note)
    return ExportOutcome(guid, name, text, mode, mark, tuple(bills), tuple(sorted(excluded)))


def check_note(note: str | None) -> None:
    if note is not None and len(note) > MAX_NOTE:
        raise ValidationFailed.single("exportNote", f"exportNote must be at most {MAX_NOTE} characters.")


def export_bills(
    db: Database,
    bill_ids: Sequence[int] | None,
    mode_text: str | None,
    mark: bool,
    note: str | None,
    principal: Principal,
    now: datetime,
    guid: str,
) -> ExportOutcome:
    """PUT /api/v3/bill/export: the eligible bills among the ids, in one transaction."""
    if not bill_ids:
        raise ValidationFailed.single("billIds", "billIds cannot be empty.")
    mode = parse_export_mode(mode_text)
    check_note(note)
    with db.transaction() as session:
        return export_in(session, bill_ids, mode, mark, note, principal, now, guid)


def export_scope(
    db: Database,
    scope: Scope,
    ident: int,
    mode_text: str | None,
    mark: bool,
    note: str | None,
    principal: Principal,
    now: datetime,
    guid: str,
) -> ExportOutcome:
    """PUT /api/v3/{account|meter}/{id}/list/bill/export: every eligible bill of the account or meter."""
    mode = parse_export_mode(mode_text)
    check_note(note)
    with db.transaction() as session:
        ids = scope_bill_ids(session, scope, ident)
        return export_in(session, ids, mode, mark, note, principal, now, guid)


def bills_to_export(db: Database, batch_id: int | None, task_id: int | None, bill_ids: Sequence[int]) -> list[int]:
    """The bills a batch holds, a chargeback task made, and the ids named (for `apportion export`); 404 for an
    unknown batch."""
    wanted = set(bill_ids)
    with db.reading() as session:
        if batch_id is not None:
            in_batch = stored.bill_ids_in_batch(session, batch_id)
            if in_batch is None:
                raise NotFound("Batch", batch_id)
            wanted.update(in_batch)
        if task_id is not None:
            wanted.update(stored.bill_ids_of_chargeback_task(session, task_id))
    return sorted(wanted)


def unexport_in(session: UnitOfWork, bill_ids: Sequence[int], mode: ExportMode) -> tuple[int, int]:
    """(selected, updated) of unexporting the bills on one stream, in the caller's transaction."""
    found = bill_accounting.states(session, known(bill_ids))
    exported = stored.exported_among(session, [b.bill_id for b in found], mode)
    bill_accounting.set_exported(session, exported, mode, False, None, None)
    stored.undo_items(session, exported, mode)
    return len(found), len(exported)


def unexport_bills(db: Database, bill_ids: Sequence[int] | None, mode_text: str | None) -> tuple[int, int]:
    """PUT /api/v3/bill/unexport: (selected, updated); clears the stream's flag, date and user (D16)."""
    if not bill_ids:
        raise ValidationFailed.single("billIds", "billIds cannot be empty.")
    mode = parse_export_mode(mode_text)
    with db.transaction() as session:
        return unexport_in(session, bill_ids, mode)


def unexport_scope(db: Database, scope: Scope, ident: int, mode_text: str | None) -> tuple[int, int]:
    """PUT /api/v3/{account|meter}/{id}/list/bill/unexport."""
    mode = parse_export_mode(mode_text)
    with db.transaction() as session:
        return unexport_in(session, scope_bill_ids(session, scope, ident), mode)


def unexport_guid(db: Database, guid: str) -> tuple[int, int]:
    """PUT /api/v3/bill/unexport/{guid}: undo a whole export; (bills of that export, those still exported by it).

    A reversing entry in the export is undone too, so the next GL export carries it again. 404 for an unknown GUID.
    """
    with db.transaction() as session:
        export = stored.by_guid(session, guid.strip().lower())
        if export is None:
            raise NotFound("Bill export", guid)
        items = stored.items_of(session, export.export_id)
        bills = sorted({item.bill_id for item in items if not item.reversal})
        live = sorted({item.bill_id for item in items if not item.reversal and not item.undone})
        still = stored.exported_among(session, live, export.export_mode)
        bill_accounting.set_exported(session, still, export.export_mode, False, None, None)
        stored.undo_items(session, [item.bill_id for item in items], export.export_mode, export.export_id)
        return len(bills), len(still)


def repost_revived(session: UnitOfWork, bill_ids: Sequence[int]) -> None:
    """Bills made live again (un-voided) whose reversing entry has gone to the ledger: their posting was cancelled
    there, so they wait for export again (GL flag, date and user cleared; the posting and its reversal retired as a
    pair). Posted, reversed and posted again, the ledger holds the bill once. Runs in the un-voiding transaction."""
    reversed_ = stored.reversed_among(session, bill_ids, ExportMode.GL)
    bill_accounting.set_exported(session, reversed_, ExportMode.GL, False, None, None)
    stored.retire_postings(session, reversed_, ExportMode.GL)


def export_profile(db: Database, mode_text: str | None) -> str:
    """GET /api/v3/bill/exportProfile: the INI naming the file's lines and fields (AP when no mode is given)."""
    mode = parse_export_mode(mode_text or "ap")
    with db.reading() as session:
        settings = workflow_settings.load(session)
    return export_file.profile(mode.value, settings.stream(mode).include_udfs)


def ledger_of(db: Database, guid: str) -> tuple[str, list[LedgerRow]]:
    """An export's bills grouped by cost center and account (reversals negated): its file name and rows."""
    with db.reading() as session:
        export = stored.by_guid(session, guid.strip().lower())
        if export is None:
            raise NotFound("Bill export", guid)
        items = stored.items_of(session, export.export_id)
        content = stored.contents(session, [item.bill_id for item in items])
    bills = [
        content[item.bill_id].negated() if item.reversal else content[item.bill_id]
        for item in items
        if item.bill_id in content
    ]
    return export.file_name, export_file.ledger(bills)
