"""Which filter fields and operators each list accepts: the table behind docs/filters.md and the `filter`
parameter's description in the OpenAPI document (api/openapi.py).

scripts/gen_filter_table.py writes docs/filters.md from LIST_FILTERS; tests/api/test_filter_table.py checks that
every operation the OpenAPI document serves with a `filter` parameter is here, and that the document is current.
"""

from __future__ import annotations

from collections.abc import Mapping

from apportion.domain.filters import DateShortcut, FieldSpec, FilterOperator
from apportion.services.access import api_keys, users
from apportion.services.billing import batches, bills
from apportion.services.chargebacks import chargeback_tasks, version_lists
from apportion.services.imports import import_tasks
from apportion.services.master import (
    accounts,
    cost_centers,
    meter_groups,
    meters,
    places,
    rates,
    reference,
    vendors,
)

LIST_FILTERS: dict[str, Mapping[str, FieldSpec]] = {
    "/api/v3/account": accounts.FILTERS,
    "/api/v3/apiKey": api_keys.FILTERS,
    "/api/v3/batch": batches.FILTERS,
    "/api/v3/bill": bills.FILTERS,
    "/apportion/v1/bill/export": bills.FILTERS,  # every page of the bill list's filter, as a file
    "/api/v3/billSplit": version_lists.FILTERS,
    "/api/v3/calculatedBill": version_lists.FILTERS,
    "/api/v3/chargebackTask": chargeback_tasks.FILTERS,
    "/api/v202304/commodity": reference.COMMODITY_FILTERS,
    "/api/v3/costcenter": cost_centers.FILTERS,
    "/api/v3/meter": meters.FILTERS,
    "/api/v3/meterGroup": meter_groups.FILTERS,
    "/api/v3/observationtype": reference.OBSERVATION_TYPE_FILTERS,
    "/api/v3/place": places.FILTERS,
    "/api/v3/place/placetype": reference.PLACE_TYPE_FILTERS,
    "/api/v3/rate": rates.FILTERS,
    "/api/v3/task": import_tasks.FILTERS,
    "/api/v202305/unit": reference.UNIT_FILTERS,
    "/api/v3/user": users.FILTERS,
    "/api/v3/vendor": vendors.FILTERS,
}
"""GET path -> its filter fields (lower-cased name -> FieldSpec)."""

_ORDER = [*FilterOperator, *DateShortcut]


def operators_text(spec: FieldSpec) -> str:
    """A field's operators in the language's own order, comma separated."""
    return ", ".join(op for op in _ORDER if op in spec.operators)


def describe(path: str) -> str:
    """The `filter` parameter's description for one list: each field with its type and operators."""
    fields = LIST_FILTERS[path]
    lines = [f"`{spec.name}` ({spec.type.value}): {operators_text(spec)}" for spec in fields.values()]
    return "API filter string containing conditions (`field operator 'value' and ...`). Fields:\n\n- " + "\n- ".join(
        lines
    )
