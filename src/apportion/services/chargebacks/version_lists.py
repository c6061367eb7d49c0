"""Bill split and calculated bill version lists (GET /api/v3/billSplit, GET /api/v3/calculatedBill, ★003).

Filters follow SEED-003 exactly (domain.md §3.3, §4.12): account and meter codes and names (string operators),
billingPeriod (equals only; a version matches the periods it is effective in, §4.2), and the integer ids
calculateBillTypeID, calculateBillVersionID and calculateBillWorkflowStepID. The query, one SELECT for a whole page
with its account, meter and workflow step children, is store.queries.versions.
"""

from __future__ import annotations

from datetime import date

from apportion.domain import filters
from apportion.domain.errors import NotFound
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import in_range, parse_filter
from apportion.domain.scoping import Scope
from apportion.domain.versions import SPLIT
from apportion.store.database import Database, UnitOfWork
from apportion.store.paging import TypedPage
from apportion.store.queries import versions as stored
from apportion.store.queries.accounts import account_exists
from apportion.store.queries.meters import meter_exists
from apportion.store.queries.versions import VersionListing as VersionListing

_INTEGER_OPS = frozenset(
    {
        "equals",
        "not equals",
        "less than",
        "between",
        "one of",
        "greater than",
        "less than equal",
        "greater than equal",
        "not one of",
    }
)
# SEED-003 lists these operators and no others (no "not between" on the integers, "equals" alone on periods).
FILTERS = filters.specs(
    FieldSpec("accountCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("accountInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("billingPeriod", FieldType.DATE_PERIOD, frozenset({"equals"})),
    FieldSpec("calculateBillTypeID", FieldType.INTEGER, _INTEGER_OPS),
    FieldSpec("calculateBillVersionID", FieldType.INTEGER, _INTEGER_OPS),
    FieldSpec("calculateBillWorkflowStepID", FieldType.INTEGER, _INTEGER_OPS),
    FieldSpec("meterCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("meterInfo", FieldType.STRING, filters.STRING_OPS),
)


def list_versions(
    db: Database,
    chargeback_type: str,
    filter_text: str | None,
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[VersionListing]:
    """One page of `chargeback_type` versions matching the filter, ordered by versionId (domain.md §4.12)."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return stored.version_page(session, chargeback_type, conditions, page_number, page_size, today, scope)


def version_row(
    session: UnitOfWork, account_id: int, meter_id: int, version_id: int, chargeback_type: str
) -> VersionListing:
    """The version `version_id` of `chargeback_type` on the account and meter, or NotFound naming what is missing."""
    for ident, what in ((account_id, "Account"), (meter_id, "Meter"), (version_id, "Version")):
        if not in_range(ident):
            raise NotFound(what, ident)
    found = stored.version(session, account_id, meter_id, version_id, chargeback_type)
    if found is not None:
        return found
    if not account_exists(session, account_id):
        raise NotFound("Account", account_id)
    if not meter_exists(session, meter_id):
        raise NotFound("Meter", meter_id)
    kind = "Bill split version" if chargeback_type == SPLIT else "Calculated bill version"
    raise NotFound(f"{kind} {version_id} on account {account_id} and meter {meter_id}")
