"""Account-meter links: create (an array, all or nothing), read, edit and delete (deleteBills).

A link covers [beginDate, endDate] (defaults 1899-01-01 and 3000-01-01, models.md AccountMeterRequest). A meter
cannot be linked twice for overlapping dates, except that two deregulated links (a distributor and a supplier
account, domain.md §2.2) may share dates. Touching links (one ends the day the next begins) do not overlap:
a read date ends one period and starts the next (domain.md §1.9).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import Session

from apportion.domain.errors import NotFound, ValidationFailed
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.child_columns import join_account_child, join_meter_child, join_vendor_type_child
from apportion.services.ids import fetch, known
from apportion.services.master import dependents
from apportion.store.database import Database
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from apportion.store.models.reference import Rate, VendorType

FIRST_DATE, LAST_DATE = date(1899, 1, 1), date(3000, 1, 1)


@dataclass(frozen=True)
class LinkInput:
    """One AccountMeterRequest as the service needs it (generalLedgerId and templateId are not kept)."""

    account_id: int
    meter_id: int
    begin: date = FIRST_DATE
    end: date = LAST_DATE
    rate_id: int | None = None
    vendor_type_id: int | None = None
    deregulated: bool = False


def overlaps(a_begin: date, a_end: date, b_begin: date, b_end: date) -> bool:
    """Whether two links share a day; touching ends do not count."""
    return a_begin < b_end and b_begin < a_end


def _array_path(i: int, name: str) -> str:
    return f"[{i}].{name}"


def check_links(
    session: Session,
    links: Sequence[LinkInput],
    where: str = "",
    new_account: bool = False,
    path: Callable[[int, str], str] = _array_path,
    except_id: int | None = None,
    clash_field: str = "meterId",
) -> dict[str, list[str]]:
    """Every problem of a batch of new links, keyed by field path; a few set-based queries, no writes.

    `where` non-empty names a list of meter ids instead (account create: errors on `meters[i]`),
    `new_account` skips the account checks for an account not written yet, and `except_id` leaves a link
    being edited out of the overlap check (its overlap is reported on `clash_field`).
    """
    if where:
        path = lambda i, _name: f"{where}[{i}]"  # noqa: E731
    errors: dict[str, list[str]] = {}

    def fail(i: int, name: str, reason: str) -> None:
        errors.setdefault(path(i, name), []).append(reason)

    accounts = {a.account_id: a for a in _by_ids(session, Account, Account.account_id, [k.account_id for k in links])}
    meters = {m.meter_id: m for m in _by_ids(session, Meter, Meter.meter_id, [k.meter_id for k in links])}
    rates = {r.rate_id: r for r in _by_ids(session, Rate, Rate.rate_id, [k.rate_id for k in links if k.rate_id])}
    vendor_types = set(session.execute(select(VendorType.vendor_type_id)).scalars())
    existing = [
        link
        for link in _by_ids(session, AccountMeter, AccountMeter.meter_id, [k.meter_id for k in links])
        if link.account_meter_id != except_id
    ]
    accepted: list[LinkInput] = []
    for i, link in enumerate(links):
        account = accounts.get(link.account_id)
        meter = meters.get(link.meter_id)
        if account is None and not new_account:
            fail(i, "accountId", f"Account {link.account_id} does not exist.")
        if meter is None:
            fail(i, "meterId", f"Meter {link.meter_id} does not exist.")
        for name, value in (("beginDate", link.begin), ("endDate", link.end)):
            if not FIRST_DATE <= value <= LAST_DATE:
                fail(i, name, f"{name} must lie between {FIRST_DATE} and {LAST_DATE}.")
        if link.end < link.begin:
            fail(i, "endDate", "endDate must not be before beginDate.")
        if link.vendor_type_id is not None and link.vendor_type_id not in vendor_types:
            fail(i, "vendorTypeId", f"Vendor type {link.vendor_type_id} does not exist.")
        if link.rate_id is not None:
            rate = rates.get(link.rate_id)
            if rate is None:
                fail(i, "rateId", f"Rate {link.rate_id} does not exist.")
            elif meter is not None and rate.commodity_id != meter.commodity_id:
                fail(i, "rateId", f"Rate {link.rate_id} is for another commodity than meter {link.meter_id}.")
            elif account is not None and rate.vendor_id not in (None, account.vendor_id):
                fail(i, "rateId", f"Rate {link.rate_id} belongs to another vendor than account {link.account_id}.")
        clash = _clash(link, existing, accepted)
        if clash:
            fail(i, clash_field, clash)
        accepted.append(link)
    return errors


def _clash(link: LinkInput, existing: Sequence[AccountMeter], accepted: Sequence[LinkInput]) -> str | None:
    others = [
        (o.account_id, o.begin_date, o.end_date, o.deregulated, f"link {o.account_meter_id}")
        for o in existing
        if o.meter_id == link.meter_id
    ]
    others += [
        (o.account_id, o.begin, o.end, o.deregulated, "another element")
        for o in accepted
        if o.meter_id == link.meter_id
    ]
    for account_id, begin, end, deregulated, name in others:
        if not overlaps(link.begin, link.end, begin, end):
            continue
        if account_id != link.account_id and deregulated and link.deregulated:
            continue
        return f"Meter {link.meter_id} is already linked for overlapping dates ({name}: {begin}..{end})."
    return None


def _by_ids(session: Session, model: Any, column: Any, ids: Sequence[int]) -> list[Any]:
    wanted = sorted(set(known(ids)))
    found: list[Any] = []
    for start in range(0, len(wanted), 900):
        found += session.execute(select(model).where(column.in_(wanted[start : start + 900]))).scalars().all()
    return found


def insert_links(session: Session, links: Sequence[LinkInput]) -> list[int]:
    """Write checked links; a link without a vendor type takes its account's vendor's type. Ids in order."""
    account_ids = sorted({link.account_id for link in links})
    vendor_types = dict(
        session.execute(
            select(Account.account_id, Vendor.vendor_type_id)
            .join(Vendor, Vendor.vendor_id == Account.vendor_id)
            .where(Account.account_id.in_(account_ids))
        ).all()
    )
    rows = [
        AccountMeter(
            account_id=link.account_id,
            meter_id=link.meter_id,
            begin_date=link.begin,
            end_date=link.end,
            rate_id=link.rate_id,
            vendor_type_id=link.vendor_type_id or vendor_types.get(link.account_id),
            deregulated=link.deregulated,
        )
        for link in links
    ]
    session.add_all(rows)
    session.flush()
    return [row.account_meter_id for row in rows]


def create_links(db: Database, links: Sequence[LinkInput], user_id: int, now: datetime) -> list[int]:
    """Link accounts and meters; one bad element writes nothing (400 naming `[i].field`). A new link covering days
    a split left vacant undoes that split, so running it again charges the new occupant."""
    if not links:
        raise ValidationFailed.single("body", "At least one account meter is required.")
    with db.transaction() as session:
        errors = check_links(session, links)
        if errors:
            raise ValidationFailed(errors)
        ids = insert_links(session, links)
        for link_id in ids:
            link = session.get(AccountMeter, link_id)
            assert link is not None
            _relinked(session, link, link.begin_date, link.end_date, user_id, now, "added")
        return ids


@cache
def _links() -> Any:
    statement: Any = select(AccountMeter, Rate.rate_id.label("rate_id"), Rate.rate_info.label("rate_name")).outerjoin(
        Rate, Rate.rate_id == AccountMeter.rate_id
    )
    statement = join_account_child(statement, AccountMeter.account_id, "account")
    statement = join_meter_child(statement, AccountMeter.meter_id, "meter")
    return join_vendor_type_child(statement, AccountMeter.vendor_type_id, "vendor_type")


def get_links(db: Database, ids: Sequence[int]) -> list[RowMapping]:
    """Links in the order of `ids` with `account_*`, `meter_*`, `vendor_type_*`, `rate_id`, `rate_name` columns."""
    statement = _links()
    with db.reading() as session:
        rows = {
            row["AccountMeter"].account_meter_id: row
            for row in session.execute(statement.where(AccountMeter.account_meter_id.in_(list(ids)))).mappings()
        }
    return [rows[i] for i in ids if i in rows]


def edit_link(
    db: Database,
    link_id: int,
    begin: date | None,
    end: date | None,
    vendor_type_id: int | None,
    delete_bills: bool,
    user_id: int,
    now: datetime,
) -> None:
    """Change a link's dates (absent = unchanged) or vendor type; bills it would stop covering need deleteBills."""
    with db.transaction() as session:
        link = fetch(session, AccountMeter, link_id)
        if link is None:
            raise NotFound("Account meter", link_id)
        new = LinkInput(
            link.account_id,
            link.meter_id,
            begin or link.begin_date,
            end or link.end_date,
            link.rate_id,
            vendor_type_id,
            link.deregulated,
        )
        errors = check_links(
            session,
            [replace(new, rate_id=None)],
            path=lambda _i, name: name,
            except_id=link_id,
            clash_field="beginDate",
        )
        if errors:
            raise ValidationFailed(errors)
        uncovered = dependents.link_bill_ids(session, link.account_id, link.meter_id, new.begin, new.end, outside=True)
        dependents.refuse_or_delete_bills(session, uncovered, delete_bills, f"Account meter {link_id}", user_id, now)
        before = (link.begin_date, link.end_date)
        link.begin_date, link.end_date = new.begin, new.end
        if vendor_type_id is not None:
            link.vendor_type_id = vendor_type_id
        session.flush()
        if before != (new.begin, new.end):
            _relinked(session, link, min(before[0], new.begin), max(before[1], new.end), user_id, now, "changed")


def delete_link(db: Database, link_id: int, delete_bills: bool, user_id: int, now: datetime) -> None:
    """Delete a link; the bills it covers need deleteBills, and the pair's last link cannot go while versions use it."""
    with db.transaction() as session:
        link = fetch(session, AccountMeter, link_id)
        if link is None:
            raise NotFound("Account meter", link_id)
        pair_links = session.execute(
            select(AccountMeter.account_meter_id).where(
                AccountMeter.account_id == link.account_id, AccountMeter.meter_id == link.meter_id
            )
        ).all()
        if len(pair_links) == 1:
            dependents.refuse_if_in_versions(
                session, f"Account meter {link_id}", account_id=link.account_id, meter_id=link.meter_id
            )
        covered = dependents.link_bill_ids(session, link.account_id, link.meter_id, link.begin_date, link.end_date)
        dependents.refuse_or_delete_bills(session, covered, delete_bills, f"Account meter {link_id}", user_id, now)
        session.delete(link)
        session.flush()
        _relinked(session, link, link.begin_date, link.end_date, user_id, now, "deleted")


def _relinked(
    session: Session, link: AccountMeter, begin: date, end: date, user_id: int | None, now: datetime, what: str
) -> None:
    """Undo the splits that no longer charge whoever occupied the meter (services/chargebacks/corrections.py)."""
    codes = session.execute(
        select(Account.account_code, Meter.meter_code)
        .join(Meter, Meter.meter_id == link.meter_id)
        .where(Account.account_id == link.account_id)
    ).first()
    account, meter = codes if codes is not None else (str(link.account_id), str(link.meter_id))
    subject = f"the link of account {account} to meter {meter} was {what}"
    change = Change(Cause.LINK_CHANGED, user_id, now, subject=subject)
    corrections.relinked(session, link.meter_id, begin, end, change)
