"""Routes: flag types and bill flags (GET/POST /api/v3/flag/flagType, DELETE /api/v3/flag/flagType/{flagTypeId},
GET/PUT /api/v3/flag/{entityType}/{entityId}, PUT /api/v3/flag/{entityType}/flagAction; operations.md §8,
accounting.md §2.3, §3.6)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response

from apportion.api.deps import ClockDep, DatabaseDep, requires
from apportion.api.paging import PageRequest, parse_page, set_paging_headers
from apportion.api.render import user_of
from apportion.api.schemas.contract import (
    FlagActionChild,
    FlagEdit,
    FlagEventChild,
    FlagIssueTypeChild,
    FlagListAction,
    FlagResponse,
    FlagStatusChild,
    FlagTypeChild,
    FlagTypeCreate,
    FlagWidget,
    FlagWidgetChild,
    UpdateResult,
)
from apportion.api.wire import WireRouter
from apportion.domain import audits as rules_audits
from apportion.domain import flags as rules
from apportion.domain.errors import ValidationFailed
from apportion.services.access.auth import Principal
from apportion.services.accounting import flags
from apportion.store.queries.flags import FlagDetail, FlagSummary

router = WireRouter(tags=["Flags"])
# accounting.md §6: reading flags needs FlaggedItems (View), changing them FlaggedItems (Manage); creating and
# deleting flag types FlaggedItems (View), as printed (§9 D13).
Viewer = Annotated[Principal, Depends(requires("FlaggedItems", "View"))]
Manager = Annotated[Principal, Depends(requires("FlaggedItems", "Manage"))]
SUMMARY_ROWS = 100


def _edit(body: FlagEdit | None) -> rules.FlagEdit:
    if body is None:
        raise ValidationFailed.single("flagAction", "The flagAction field is required.")
    return rules.FlagEdit(
        type_id=body.flag_type_id,
        status_id=body.flag_status_id,
        cost_recovery=body.cost_recovery,
        comment=body.comment,
        assignees=tuple(body.assignees) if body.assignees is not None else None,
        release_export_hold=body.release_export_hold,
        hold_from_export=body.hold_from_export,
    )


def render(detail: FlagDetail, type_names: dict[int, str]) -> FlagResponse:
    """FlagResponse of a bill's flag; its issues are the audits it failed (flagIssueTypeInfo the audit's code,
    flagIssueCategory whether the issue is Unresolved or Resolved: ours, EnergyCAP does not publish its categories)."""
    flag = detail.flag
    return FlagResponse(
        flag_id=detail.flag_id,
        flag_type=FlagTypeChild(flag_type_id=flag.type_id, flag_type_info=type_names.get(flag.type_id)),
        flag_status=FlagStatusChild(flag_status_id=int(flag.status), flag_status_info=flag.status.info),
        created_by=user_of(detail.created_by),
        created_date=detail.created_date,
        modified_by=user_of(detail.modified_by),
        modified_date=detail.modified_date,
        cost_recovery=flag.cost_recovery,
        flag_events=[
            FlagEventChild(
                flag_event_id=event.event_id,
                created_by=user_of(event.created_by),
                created_date=event.created_date,
                comment=event.comment,
                description=event.description,
                flag_action=FlagActionChild(flag_action_id=int(event.action), flag_action_info=event.action.info),
            )
            for event in detail.events
        ],
        assignees=[user for user in (user_of(a) for a in detail.assignees) if user is not None],
        flag_issues=[
            FlagIssueTypeChild(
                flag_issue_type_id=issue,
                flag_issue_type_info=audit.value,
                flag_issue_type_description=audit.description,
                flag_issue_category="Resolved" if resolved else "Unresolved",
            )
            for issue, resolved in detail.issues
            for audit in [rules_audits.by_issue(issue)]
        ],
    )


@router.get("/api/v3/flag/flagType", response_model=list[FlagTypeChild])
def get_flag_types(db: DatabaseDep, _: Viewer) -> list[FlagTypeChild]:
    """Get a list of all available flag types (Audit Exception, id 1, is the system's)."""
    return [FlagTypeChild(flag_type_id=i, flag_type_info=name) for i, name in flags.list_types(db)]


@router.post("/api/v3/flag/flagType", response_model=FlagTypeChild)
def create_flag_type(db: DatabaseDep, body: FlagTypeCreate, _: Viewer) -> FlagTypeChild:
    """Create a flag type: 1 to 32 characters, unique whatever the case; user types get ids from 100."""
    type_id, name = flags.create_type(db, body.flag_type_info)
    return FlagTypeChild(flag_type_id=type_id, flag_type_info=name)


@router.delete("/api/v3/flag/flagType/{flagTypeId}", status_code=204, response_class=Response)
def delete_flag_type(db: DatabaseDep, flagTypeId: int, _: Viewer) -> Response:
    """Delete a flag type (204). System flag types and types in use cannot be deleted."""
    flags.delete_type(db, flagTypeId)
    return Response(status_code=204)


async def summary_page(
    page_number: Annotated[str | None, Query(alias="pageNumber", description="The current page number")] = None,
    page_size: Annotated[str | None, Query(alias="pageSize", description="The number of rows per page")] = None,
) -> PageRequest:
    """Paging of a flag summary: 100 rows when no page size is given (accounting.md §3.6 item 7)."""
    return parse_page(page_number, page_size if page_size is not None else str(SUMMARY_ROWS))


def render_summary(summary: FlagSummary, view_by: str) -> FlagWidget:
    """FlagWidget of a summary page."""
    results = []
    for row in summary.rows:
        calculated, parent, child = row.flags
        results.append(
            FlagWidgetChild(
                item_id=row.item_id,
                item_display=row.item_display,
                item_type=row.item_type,
                parent_id=row.parent_id,
                parent_display=row.parent_display,
                parent_item_type=row.parent_type,
                split_parent=parent,
                split_child=child,
                calculated=calculated,
                active=row.active,
                cost=row.cost,
                cost_recovery=row.cost_recovery,
                flag_count=row.flag_count,
            )
        )
    return FlagWidget(
        view_by=view_by,
        flag_status=rules.FlagStatus.UNRESOLVED.info,
        total_cost=summary.total_cost,
        total_cost_recovery=summary.total_cost_recovery,
        flag_count=summary.flag_count,
        results=results,
        total_number_of_results=summary.total_rows,
    )


@router.get("/api/v3/flag/costcenter/{costCenterId}/billFlagSummary", response_model=FlagWidget)
def bill_flag_summary_by_account(
    db: DatabaseDep,
    response: Response,
    costCenterId: int,
    _: Viewer,
    page: Annotated[PageRequest, Depends(summary_page)],
) -> FlagWidget:
    """Unresolved bill flags by account, for every account under the cost center; costliest first."""
    summary = flags.summary_by_account(db, costCenterId, page.number, page.size)
    set_paging_headers(response, page, summary.total_rows)
    return render_summary(summary, "Account")


@router.get("/api/v3/flag/place/{placeId}/billFlagSummary", response_model=FlagWidget)
def bill_flag_summary_by_meter(
    db: DatabaseDep,
    response: Response,
    placeId: int,
    _: Viewer,
    page: Annotated[PageRequest, Depends(summary_page)],
) -> FlagWidget:
    """Unresolved bill flags by meter, for every meter under the place; costliest first."""
    summary = flags.summary_by_meter(db, placeId, page.number, page.size)
    set_paging_headers(response, page, summary.total_rows)
    return render_summary(summary, "Meter")


@router.put("/api/v3/flag/{entityType}/flagAction", response_model=UpdateResult)
def flag_action(db: DatabaseDep, clock: ClockDep, entityType: str, body: FlagListAction, user: Manager) -> UpdateResult:
    """Updates flags for the given bills, creating them where missing; bills the edit cannot apply to are counted in
    `selected` but not `updated`."""
    selected, updated = flags.flag_action(db, entityType, body.entity_ids, _edit(body.flag_action), user, clock())
    return UpdateResult(selected=selected, updated=updated)


@router.get(
    "/api/v3/flag/{entityType}/{entityId}",
    response_model=FlagResponse,
    responses={204: {"description": "The bill has no flag."}},
)
def get_flag(db: DatabaseDep, entityType: str, entityId: int, _: Viewer) -> FlagResponse | Response:
    """Get a bill's flag; 204 when the bill has none, 404 when there is no such bill."""
    detail = flags.get_flag(db, entityType, entityId)
    if detail is None:
        return Response(status_code=204)
    return render(detail, dict(flags.list_types(db)))


@router.put("/api/v3/flag/{entityType}/{entityId}", response_model=FlagResponse)
def edit_flag(
    db: DatabaseDep, clock: ClockDep, entityType: str, entityId: int, body: FlagEdit, user: Manager
) -> FlagResponse:
    """Edit a bill's flag following EnergyCAP's outcome matrix (docs/accounting.md)."""
    detail = flags.edit_flag(db, entityType, entityId, _edit(body), user, clock())
    return render(detail, dict(flags.list_types(db)))
