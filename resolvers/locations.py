"""The org's own clinics: where a case is seen, and the EMR location each one maps to."""

from typing import Any

from sqlmodel import col, select

from models import Location, Role
from resolvers import audit, locks
from resolvers.access import get_scoped, org_for
from resolvers.context import Context
from resolvers.errors import Conflict
from resolvers.field_checks import Checks
from resolvers.pagination import Page, check_limit, paginate


async def list_locations(
    ctx: Context,
    *,
    org_id: str | None,
    include_inactive: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Location]:
    org = org_for(ctx, org_id)
    query = select(Location).where(Location.org_id == org)
    if not include_inactive:
        query = query.where(col(Location.active).is_(True))
    page: Page[Location] = await paginate(
        ctx.session, query, Location, cursor=cursor, limit=check_limit(limit)
    )
    return page


async def create_location(
    ctx: Context,
    *,
    org_id: str | None,
    name: str,
    emr_location_id: str | None = None,
    phone: str | None = None,
    address: dict[str, Any] | None = None,
) -> Location:
    """A clinic of the org (admin). Two clinics cannot share one EMR location id (409)."""
    org = org_for(ctx, org_id, Role.admin)
    checks = Checks()
    clean_name = checks.name("name", name, longest=200)
    emr_id = emr_location_id.strip() if emr_location_id else None
    if emr_id is not None and len(emr_id) > 100:
        checks.wrong("emrLocationId", "at most 100 characters")
    normal_phone = checks.phone("phone", phone)
    clean_address = checks.address("address", address)
    checks.raise_if_any()
    if emr_id:
        await locks.hold(ctx, "emr-location", org, emr_id)
        query = select(Location).where(Location.org_id == org, Location.emr_location_id == emr_id)
        known = (await ctx.session.scalars(query)).first()
        if known is not None:
            raise Conflict(
                f"location {known.id} ({known.name}) already has EMR location id {emr_id}",
                field="emrLocationId",
            )
    location = Location(
        org_id=org,
        name=clean_name,
        emr_location_id=emr_id,
        phone=normal_phone,
        address=clean_address,
    )
    ctx.session.add(location)
    audit.record(
        ctx, "location.create", org_id=org, resource_type="location", resource_id=location.id
    )
    return location


async def get_location(ctx: Context, *, location_id: str) -> Location:
    """A clinic of the caller's orgs (another org's answers 404 as a missing one)."""
    return await get_scoped(ctx, Location, location_id, resource="location")
