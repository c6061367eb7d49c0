"""Account-meter links: create (an array, all or nothing), read, edit and delete (deleteBills).

A link covers [beginDate, endDate] (domain/account_links.py): a meter cannot be linked twice for overlapping dates,
except that two deregulated links (a distributor and a supplier account, domain.md §2.2) may share dates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from apportion.domain.account_links import FIRST_DATE, LAST_DATE, LinkInput, overlaps
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.master import auto_groups, dependents
from apportion.store.database import Database, DbSession
from apportion.store.queries import account_meters as store
from apportion.store.queries import dependents as bills
from apportion.store.queries.account_meters import LinkRecord, LinkRow, insert_links

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "LinkInput",
    "check_links",
    "create_links",
    "delete_link",
    "edit_link",
    "get_links",
    "insert_links",
    "overlaps",
]


def _array_path(i: int, name: str) -> str:
    return f"[{i}].{name}"


def check_links(
    session: DbSession,
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

    facts = store.link_facts(session, links)
    existing = [link for link in facts.existing if link.account_meter_id != except_id]
    accepted: list[LinkInput] = []
    for i, link in enumerate(links):
        vendor_id = facts.account_vendors.get(link.account_id)
        commodity_id = facts.meter_commodities.get(link.meter_id)
        if vendor_id is None and not new_account:
            fail(i, "accountId", f"Account {link.account_id} does not exist.")
        if commodity_id is None:
            fail(i, "meterId", f"Meter {link.meter_id} does not exist.")
        for name, value in (("beginDate", link.begin), ("endDate", link.end)):
            if not FIRST_DATE <= value <= LAST_DATE:
                fail(i, name, f"{name} must lie between {FIRST_DATE} and {LAST_DATE}.")
        if link.end < link.begin:
            fail(i, "endDate", "endDate must not be before beginDate.")
        if link.vendor_type_id is not None and link.vendor_type_id not in facts.vendor_type_ids:
            fail(i, "vendorTypeId", f"Vendor type {link.vendor_type_id} does not exist.")
        if link.rate_id is not None:
            rate = facts.rates.get(link.rate_id)
            if rate is None:
                fail(i, "rateId", f"Rate {link.rate_id} does not exist.")
            elif commodity_id is not None and rate.commodity_id != commodity_id:
                fail(i, "rateId", f"Rate {link.rate_id} is for another commodity than meter {link.meter_id}.")
            elif vendor_id is not None and rate.vendor_id not in (None, vendor_id):
                fail(i, "rateId", f"Rate {link.rate_id} belongs to another vendor than account {link.account_id}.")
        clash = _clash(link, existing, accepted)
        if clash:
            fail(i, clash_field, clash)
        accepted.append(link)
    return errors


def _clash(link: LinkInput, existing: Sequence[LinkRecord], accepted: Sequence[LinkInput]) -> str | None:
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
        for link in links:
            _relinked(session, link.account_id, link.meter_id, link.begin, link.end, user_id, now, "added")
        auto_groups.refresh(session, now, meter_ids=sorted({link.meter_id for link in links}))
        return ids


def get_links(db: Database, ids: Sequence[int]) -> list[LinkRow]:
    """Links in the order of `ids`, with their account, meter, vendor type and rate."""
    with db.reading() as session:
        return store.get_links(session, ids)


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
        link = store.get_link(session, link_id)
        if link is None:
            raise NotFound("Account meter", link_id)
        new = LinkInput(
            link.account_id,
            link.meter_id,
            begin or link.begin_date,
            end or link.end_date,
            None,
            vendor_type_id,
            link.deregulated,
        )
        errors = check_links(
            session,
            [new],
            path=lambda _i, name: name,
            except_id=link_id,
            clash_field="beginDate",
        )
        if errors:
            raise ValidationFailed(errors)
        uncovered = bills.link_bill_ids(session, link.account_id, link.meter_id, new.begin, new.end, outside=True)
        dependents.refuse_or_delete_bills(session, uncovered, delete_bills, f"Account meter {link_id}", user_id, now)
        store.update_link(session, link_id, new.begin, new.end, vendor_type_id)
        if (link.begin_date, link.end_date) != (new.begin, new.end):
            begin_, end_ = min(link.begin_date, new.begin), max(link.end_date, new.end)
            _relinked(session, link.account_id, link.meter_id, begin_, end_, user_id, now, "changed")


def delete_link(db: Database, link_id: int, delete_bills: bool, user_id: int, now: datetime) -> None:
    """Delete a link; the bills it covers need deleteBills, and the pair's last link cannot go while versions use it."""
    with db.transaction() as session:
        link = store.get_link(session, link_id)
        if link is None:
            raise NotFound("Account meter", link_id)
        if store.pair_link_count(session, link.account_id, link.meter_id) == 1:
            dependents.refuse_if_in_versions(
                session, f"Account meter {link_id}", account_id=link.account_id, meter_id=link.meter_id
            )
        covered = bills.link_bill_ids(session, link.account_id, link.meter_id, link.begin_date, link.end_date)
        dependents.refuse_or_delete_bills(session, covered, delete_bills, f"Account meter {link_id}", user_id, now)
        store.delete_link(session, link_id)
        _relinked(session, link.account_id, link.meter_id, link.begin_date, link.end_date, user_id, now, "deleted")
        auto_groups.refresh(session, now, meter_ids=[link.meter_id])


def _relinked(
    session: DbSession,
    account_id: int,
    meter_id: int,
    begin: date,
    end: date,
    user_id: int | None,
    now: datetime,
    what: str,
) -> None:
    """Undo the splits that no longer charge whoever occupied the meter (services/chargebacks/corrections.py)."""
    codes = store.codes(session, account_id, meter_id)
    account, meter = codes if codes is not None else (str(account_id), str(meter_id))
    subject = f"the link of account {account} to meter {meter} was {what}"
    change = Change(Cause.LINK_CHANGED, user_id, now, subject=subject)
    corrections.relinked(session, meter_id, begin, end, change)
