"""pageNumber/pageSize parsing and the four paging response headers (domain.md §1.6, §7 Q4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query, Response

from apportion.domain.errors import ValidationFailed

DEFAULT_PAGE_SIZE = 250
MAX_PAGE_SIZE = 1000

# The `filter` query parameter every list takes (domain.md §1.7); each service parses it against its own fields.
FilterQuery = Annotated[str | None, Query(description="API filter string containing conditions")]


@dataclass(frozen=True)
class PageRequest:
    """A requested page: 1-based number and size (sizes over 1000 are capped, as EnergyCAP does)."""

    number: int
    size: int


def _as_int(raw: str | None, field: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed.single(field, f"'{raw}' is not an integer.") from None
    if value < 1:
        raise ValidationFailed.single(field, f"{field} must be 1 or more.")
    return value


async def page_request(
    page_number: Annotated[str | None, Query(alias="pageNumber", description="The current page number")] = None,
    page_size: Annotated[str | None, Query(alias="pageSize", description="The number of elements per page")] = None,
) -> PageRequest:
    """Parse paging parameters; 0, negative or non-integer values are a 400 naming the parameter (async: no I/O, so
    no worker thread, api/deps.py)."""
    return parse_page(page_number, page_size)


def parse_page(page_number: str | None, page_size: str | None) -> PageRequest:
    """The page the pageNumber and pageSize texts ask for (`page_request`)."""
    number = _as_int(page_number, "pageNumber", 1)
    size = min(_as_int(page_size, "pageSize", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    return PageRequest(number, size)


def set_paging_headers(response: Response, page: PageRequest, total: int) -> None:
    """Write PageNumber, PageSize, TotalNumberOfRecords and TotalPages."""
    response.headers["PageNumber"] = str(page.number)
    response.headers["PageSize"] = str(page.size)
    response.headers["TotalNumberOfRecords"] = str(total)
    response.headers["TotalPages"] = str((total + page.size - 1) // page.size)
