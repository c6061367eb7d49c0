"""Routes: meters (GET/POST /api/v3/meter, GET/DELETE /api/v3/meter/{meterId}), meter groups and membership,
meter channels (GET/POST /api/v202101/meter/{meterId}/channel) and readings (POST /api/v3/reading)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response

from apportion.api.deps import ClockDep, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.render import (
    commodity_of,
    meter_of,
    meter_type_of,
    place_of,
    unit_of,
    user_of,
    vendor_of,
    vendor_type_of,
)
from apportion.api.schemas.base import document
from apportion.api.schemas.contract import (
    AddressChild,
    ChannelChild,
    ChannelCreate,
    ChannelResponse,
    ChannelVersionResponse,
    DataTypeResponse,
    FailedReadingResponse,
    FailedReadings,
    FilterEdit,
    FilterResponse,
    GroupMeterGroupResponse,
    MeterAccountChild,
    MeterChildIncludeMeterImportIdAndRoute,
    MeterCreate,
    MeterGroupCategoryChild,
    MeterGroupMember,
    MeterGroupMemberChild,
    MeterGroupRequest,
    MeterGroupResponse,
    MeterResponse,
    ObservationRule,
    ObservationTypeChild,
    ReadingCreate,
    ReadingResponse,
)
from apportion.api.wire import WireRouter
from apportion.domain import auto_groups
from apportion.domain.auto_groups import GroupFilter
from apportion.domain.filters import FieldType, FilterOperator
from apportion.domain.scoping import Kind, Scope
from apportion.services.access import scoping
from apportion.services.access.auth import Principal
from apportion.services.master import channels, meter_groups, meters, readings
from apportion.store.database import Database
from apportion.store.queries.channels import ChannelRow
from apportion.store.queries.meter_groups import GroupRow, MeterGroupRecord
from apportion.store.queries.meters import MeterAccountLink, MeterRow

router = WireRouter(tags=["Meters"])


def meter_account(link: MeterAccountLink) -> MeterAccountChild:
    """Wire form of one of a meter's account links (meters.accounts_of)."""
    account = link.account
    return MeterAccountChild(
        account_meter_id=link.account_meter_id,
        account_id=account.account_id,
        account_code=account.account_code,
        account_info=account.account_info,
        active=account.active,
        has_calculated_meter=account.flags.has_calculated_meter,
        has_split_parent_meter=account.flags.has_split_parent_meter,
        has_split_child_meter=account.flags.has_split_child_meter,
        vendor=vendor_of(account.vendor),
        vendor_type=vendor_type_of(link.vendor_type),
        start_date=link.begin_date,
        end_date=link.end_date,
    )


def render_meters(db: Database, rows: list[MeterRow], scope: Scope = Scope.WHOLE) -> list[MeterResponse]:
    """Wire form of meters with their accounts (in `scope`) and channels (two more queries for the whole list)."""
    ids = [row.meter_id for row in rows]
    links = meters.accounts_of(db, ids, scope)
    channels = meters.channels_of(db, ids)
    out = []
    for m in rows:
        out.append(
            MeterResponse(
                meter_id=m.meter_id,
                meter_code=m.meter_code,
                meter_info=m.meter_info,
                meter_type=meter_type_of(m.meter_type),
                channels=[
                    ChannelChild(channel_id=c.channel_id, channel_code=c.channel_code, interval=c.interval_minutes)
                    for c in channels[m.meter_id]
                ],
                accounts=[meter_account(link) for link in links[m.meter_id]],
                commodity=commodity_of(m.commodity),
                place=place_of(m.place),
                address=AddressChild.model_validate(m.address) if m.address else None,
                bill_entry_note=m.bill_entry_note,
                include_in_energy_star=m.include_in_energy_star,
                created_by=user_of(m.created_by),
                created_date=m.created_date,
                modified_by=user_of(m.modified_by),
                modified_date=m.modified_date,
                properties=m.properties,
                include_in_cost_avoidance=False,
                active=m.active,
                is_calculated_meter=m.flags.is_calculated_meter,
                is_split_parent_meter=m.flags.is_split_parent_meter,
                is_split_child_meter=m.flags.is_split_child_meter,
                use_unit=unit_of(m.use_unit),
                demand_unit=unit_of(m.demand_unit),
                serial_number=m.serial_number,
                meter_description=m.description,
            )
        )
    return out


@router.get("/api/v3/meter", response_model=list[MeterResponse])
def get_meters(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    viewer: Annotated[Principal, Depends(requires("Meters", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> list[MeterResponse]:
    """Retrieves all meters."""
    result = meters.list_meters(db, filter, page.number, page.size, today, viewer.scope)
    set_paging_headers(response, page, result.total)
    return render_meters(db, result.rows, viewer.scope)


@router.get("/api/v3/meter/{meterId}", response_model=MeterResponse)
def get_meter(
    db: DatabaseDep, meterId: int, viewer: Annotated[Principal, Depends(requires("Meters", "View"))]
) -> MeterResponse:
    """Retrieves one meter."""
    return render_meters(db, [meters.get_meter(db, meterId)], viewer.scope)[0]


@router.post("/api/v3/meter", response_model=MeterResponse)
def create_meter(
    db: DatabaseDep,
    clock: ClockDep,
    body: MeterCreate,
    user: Annotated[Principal, Depends(requires("Meters", "Create"))],
) -> MeterResponse:
    """Creates a meter (meterTypeId 1 standard, 6 chargeback, ...); the use unit defaults to the commodity's."""
    scoping.require_body_ids(db, user.scope, [("placeId", Kind.PLACE, body.place_id)])
    fields = meters.MeterFields(
        meter_code=body.meter_code,
        meter_info=body.meter_info,
        commodity_id=body.commodity_id,
        place_id=body.place_id,
        meter_type_id=body.meter_type_id,
        address=document(body.address),
        bill_entry_note=body.bill_entry_note,
        include_in_energy_star=bool(body.include_in_energy_star),
        properties=body.properties,
        use_unit_id=body.use_unit_id,
        demand_unit_id=body.demand_unit_id,
        description=body.meter_description,
    )
    meter_id = meters.create_meter(db, fields, user.user_id, clock())
    return render_meters(db, [meters.get_meter(db, meter_id)])[0]


@router.delete("/api/v3/meter/{meterId}", status_code=204)
def delete_meter(
    db: DatabaseDep,
    clock: ClockDep,
    meterId: int,
    user: Annotated[Principal, Depends(requires("Meters", "Delete"))],
    delete_bills: Annotated[bool, Query(alias="deleteBills")] = False,
) -> Response:
    """Deletes a meter (204); with bills only when deleteBills=true (they are deleted too)."""
    meters.delete_meter(db, meterId, delete_bills, user.user_id, clock())
    return Response(status_code=204)


def _category(group: MeterGroupRecord) -> MeterGroupCategoryChild | None:
    category = meter_groups.category_of(group)
    if category is None:
        return None
    return MeterGroupCategoryChild(
        meter_group_category_id=category[0],
        meter_group_category_code=category[1],
        meter_group_category_info=category[2],
    )


_DATA_TYPES = {kind: i for i, kind in enumerate(FieldType, start=1)}


def render_filter(group_filter: GroupFilter) -> FilterResponse:
    """Wire form of one of an automatic group's filters, with its field's caption, type and operators."""
    field = auto_groups.field_of(group_filter)
    spec = field.spec if field else None
    return FilterResponse(
        available_operator=[op.value for op in FilterOperator if op in spec.operators] if spec else [],
        caption=field.caption if field else None,
        query_parameter_name=spec.name if spec else None,
        field_id=group_filter.field_id,
        data_field_id=group_filter.field_id,
        data_type=DataTypeResponse(
            data_type_id=_DATA_TYPES[spec.type], data_type_code=spec.type.value, data_type_info=spec.type.value
        )
        if spec
        else None,
        operator=group_filter.operator,
        value=group_filter.value,
        required=False,
    )


def render_group(row: GroupRow) -> GroupMeterGroupResponse:
    """Wire form of a meter group (meter_groups.list_groups)."""
    g = row.group
    return GroupMeterGroupResponse(
        meter_group_id=g.meter_group_id,
        meter_group_code=g.meter_group_code,
        meter_group_info=g.meter_group_info,
        auto_group=g.auto_group,
        member_count=row.member_count,
        member_count_with_topmost=row.member_count,
        meter_group_category=_category(g),
        limit_members_by_topmost=g.limit_members_by_topmost,
        user_defined_auto_group=g.user_defined_auto_group,
        user_defined_auto_group_filters=[render_filter(f) for f in g.automatic_filters or ()],
        last_updated=g.last_updated,
        member_commodity_code=row.member_commodity_code,
    )


def _group_filter(edit: FilterEdit) -> GroupFilter:
    return GroupFilter(edit.field_id, edit.operator, edit.value)


def _group_fields(body: MeterGroupRequest) -> meter_groups.GroupFields:
    return meter_groups.GroupFields(
        info=body.meter_group_info,
        category_id=body.meter_group_category_id,
        limit_members_by_topmost=body.limit_members_by_topmost,
        automatic_filters=None
        if body.automatic_group_filters is None
        else [_group_filter(f) for f in body.automatic_group_filters],
        members=body.manual_group_members,
    )


GroupViewer = Annotated[Principal, Depends(requires("BuildingAndMeterGroups", "View"))]
GroupEditor = Annotated[Principal, Depends(requires("BuildingAndMeterGroups", "Edit"))]


@router.get("/api/v3/meterGroup", response_model=list[GroupMeterGroupResponse])
def get_all_meter_groups(
    db: DatabaseDep, today: TodayDep, _: GroupViewer, filter: FilterQuery = None
) -> list[GroupMeterGroupResponse]:
    """Gets a list of meter groups."""
    return [render_group(row) for row in meter_groups.list_groups(db, filter, today)]


@router.get("/api/v3/meterGroup/{meterGroupId}", response_model=GroupMeterGroupResponse)
def get_meter_group(db: DatabaseDep, meterGroupId: int, _: GroupViewer) -> GroupMeterGroupResponse:
    """Gets a meter group."""
    return render_group(meter_groups.get_group(db, meterGroupId))


@router.post("/api/v3/meterGroup", response_model=GroupMeterGroupResponse)
def create_meter_group(
    db: DatabaseDep,
    clock: ClockDep,
    body: MeterGroupRequest,
    _: Annotated[Principal, Depends(requires("BuildingAndMeterGroups", "Create"))],
) -> GroupMeterGroupResponse:
    """Create a manual meter group (an empty manualGroupMembers array makes an empty group)."""
    group_id = meter_groups.create_group(db, _group_fields(body), clock())
    return render_group(meter_groups.get_group(db, group_id))


@router.put("/api/v3/meterGroup/{meterGroupId}", response_model=GroupMeterGroupResponse)
def edit_meter_group(
    db: DatabaseDep, clock: ClockDep, meterGroupId: int, body: MeterGroupRequest, _: GroupEditor
) -> GroupMeterGroupResponse:
    """Edit a meter group; manualGroupMembers replaces its members."""
    meter_groups.edit_group(db, meterGroupId, _group_fields(body), clock())
    return render_group(meter_groups.get_group(db, meterGroupId))


@router.delete("/api/v3/meterGroup/{meterGroupId}", status_code=204)
def delete_meter_group(
    db: DatabaseDep,
    meterGroupId: int,
    _: Annotated[Principal, Depends(requires("BuildingAndMeterGroups", "Delete"))],
) -> Response:
    """Delete a user-created meter group (204)."""
    meter_groups.delete_group(db, meterGroupId)
    return Response(status_code=204)


@router.get("/api/v3/meterGroup/{groupId}/member", response_model=list[MeterGroupMemberChild])
def get_meter_group_members(
    db: DatabaseDep,
    groupId: int,
    viewer: GroupViewer,
    _always_limit_by_topmost: Annotated[bool | None, Query(alias="alwaysLimitByTopmost")] = None,
) -> list[MeterGroupMemberChild]:
    """Gets a list of meter group members: only those in the caller's topmost (docs/scoping.md), whatever the
    flag says, as a scoped user sees nothing outside it."""
    out = []
    for member in meter_groups.members(db, groupId, viewer.scope):
        child = meter_of(member.meter)
        if child is not None:
            fields = child.model_dump(by_alias=False, exclude={"serial_number"})
            out.append(
                MeterGroupMemberChild(
                    **fields, place=place_of(member.meter.place), include_in_charts=member.include_in_charts
                )
            )
    return out


@router.put("/api/v3/meter/{meterId}/group", response_model=list[MeterGroupResponse])
def edit_meter_group_membership(
    db: DatabaseDep, clock: ClockDep, meterId: int, body: list[MeterGroupMember], _: GroupEditor
) -> list[MeterGroupResponse]:
    """Replace a meter's manual group memberships with the given groups; automatic groups are unaffected."""
    memberships = [
        meter_groups.Membership(m.meter_group_id, m.include_in_charts if m.include_in_charts is not None else True)
        for m in body
    ]
    groups = meter_groups.set_meter_groups(db, meterId, memberships, clock())
    return [
        MeterGroupResponse(
            meter_group_id=g.meter_group_id,
            meter_group_code=g.meter_group_code,
            meter_group_info=g.meter_group_info,
            auto_group=g.auto_group,
            meter_group_category=_category(g),
            user_defined_auto_group=g.user_defined_auto_group,
            last_updated=g.last_updated,
        )
        for g in groups
    ]


def render_channel(c: ChannelRow) -> ChannelResponse:
    """Wire form of a channel (channels.list_channels); one channel version per channel."""
    rule_id = channels.OBSERVATION_RULES.get(c.observation_rule or "")
    rule = ObservationRule(
        observation_rule_id=rule_id, observation_rule_code=c.observation_rule, observation_rule_info=c.observation_rule
    )
    version = ChannelVersionResponse(
        channel_version_id=c.channel_id,
        multiplier=c.multiplier,
        unit=unit_of(c.unit),
        observation_rule=rule if c.observation_rule else None,
        maximum_reading=c.maximum_reading,
        begin_date=c.begin_date,
        end_date=c.end_date,
        udfs=[],
    )
    meter = meter_of(c.meter)
    return ChannelResponse(
        channel_id=c.channel_id,
        interval_minutes=c.interval_minutes,
        observation_type=ObservationTypeChild(
            observation_type_id=c.observation_type.observation_type_id,
            observation_type_code=c.observation_type.observation_type_code,
            observation_type_info=c.observation_type.observation_type_info,
        ),
        channel_description=c.description,
        channel_import_id=c.import_id,
        has_readings=c.first_reading is not None,
        first_reading_date=c.first_reading,
        last_reading_date=c.last_reading,
        channel_versions=[version],
        is_used_on_distribution=False,
        meter=MeterChildIncludeMeterImportIdAndRoute(**meter.model_dump(by_alias=False)) if meter else None,
    )


@router.get("/api/v202101/meter/{meterId}/channel", response_model=list[ChannelResponse])
def get_meter_channels(
    db: DatabaseDep, meterId: int, _: Annotated[Principal, Depends(requires("Meters", "View"))]
) -> list[ChannelResponse]:
    """Retrieves all channels (and their versions) linked to a meter."""
    return [render_channel(row) for row in channels.list_channels(db, meterId)]


@router.post("/api/v202101/meter/{meterId}/channel", response_model=ChannelResponse)
def create_meter_channel(
    db: DatabaseDep,
    meterId: int,
    body: ChannelCreate,
    _: Annotated[Principal, Depends(requires("Meters", "Edit"))],
) -> ChannelResponse:
    """Creates and assigns a channel to a meter."""
    version = body.channel_version
    fields = channels.ChannelFields(
        interval_minutes=body.interval_minutes,
        observation_type_code=body.observation_type_code,
        multiplier=version.multiplier,
        unit_code=version.unit_code,
        observation_rule=version.observation_rule,
        maximum_reading=version.maximum_reading,
        description=body.channel_description,
        import_id=body.channel_import_id,
    )
    channel_id = channels.create_channel(db, meterId, fields)
    return render_channel(channels.list_channels(db, meterId, channel_id)[0])


@router.post("/api/v3/reading", response_model=ReadingResponse)
def create_readings(
    db: DatabaseDep, body: list[ReadingCreate], _: Annotated[Principal, Depends(requires("Meters", "Edit"))]
) -> ReadingResponse:
    """Creates readings: good ones are saved, failed ones are listed with the reason."""
    groups = [
        readings.ReadingGroup(
            channel_id=item.channel_id,
            channel_import_id=item.channel_import_id,
            meter_import_id=item.meter_import_id,
            readings=[readings.ReadingValue(r.time, r.value, bool(r.estimated), r.note) for r in item.readings],
            interval_seconds=item.channel_interval_in_seconds,
            observation_type_code=item.observation_type_code,
            unit_code=item.unit_code,
        )
        for item in body
    ]
    result = readings.create_readings(db, groups)
    failed = [
        FailedReadingResponse(
            channel_id=f.group.channel_id,
            channel_import_id=f.group.channel_import_id,
            meter_import_id=f.group.meter_import_id,
            observation_type_code=f.group.observation_type_code,
            unit_code=f.group.unit_code,
            channel_interval_in_seconds=f.group.interval_seconds,
            error=f.error,
            readings=[
                FailedReadings(time=r.time, value=r.value, estimated=r.estimated, note=r.note, error=reason)
                for r, reason in (f.readings or [(r, f.error or "") for r in f.group.readings])
            ],
        )
        for f in result.failed
    ]
    return ReadingResponse(
        imported_readings_count=result.imported, failed_readings_count=result.failed_count, failed_readings=failed
    )
