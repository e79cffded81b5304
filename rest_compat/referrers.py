"""REST routes: the org's locations, and the referring practices and providers it knows."""

from typing import Any

from pydantic import Field
from starlette.requests import Request

from resolvers import locations, referrers
from resolvers.context import Context
from rest_compat.http import ApiRouter, total_if_asked
from rest_compat.idempotency import Idempotent
from rest_compat.schemas import Body, Limit, Out, Query
from rest_compat.shapes import LocationOut, PracticeOut, ProviderOut

router = ApiRouter(tag="Referrers")


class ReferrerAddressIn(Body):
    """Checked by the resolver: state as the two-letter code, zip as 5 digits or ZIP+4."""

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None

    def as_row(self) -> dict[str, Any]:
        return self.model_dump()


class PageQuery(Query):
    org_id: str | None = None
    cursor: str | None = None
    limit: Limit = None
    total: bool = Field(default=False, description="also answer total: all pages' count")


class LocationListQuery(PageQuery):
    include_inactive: bool = False


class PracticeListQuery(PageQuery):
    q: str | None = None


class ProviderListQuery(PageQuery):
    q: str | None = None
    practice_id: str | None = None


class LocationListOut(Out):
    items: list[LocationOut]
    count: int
    next_cursor: str | None
    total: int | None = None  # all pages, only when asked (?total=true)


class PracticeListOut(Out):
    items: list[PracticeOut]
    count: int
    next_cursor: str | None
    total: int | None = None  # all pages, only when asked (?total=true)


class ProviderListOut(Out):
    items: list[ProviderOut]
    count: int
    next_cursor: str | None
    total: int | None = None  # all pages, only when asked (?total=true)


class CreateLocationBody(Body):
    org_id: str | None = None
    name: str = Field(min_length=1)
    emr_location_id: str | None = None
    phone: str | None = None
    address: ReferrerAddressIn | None = None


@router.get("/api/locations", query=LocationListQuery, response=LocationListOut)
async def list_locations(
    request: Request, ctx: Context, query: LocationListQuery
) -> LocationListOut:
    """List the org's clinics (active ones unless includeInactive=true)."""
    page = await locations.list_locations(
        ctx,
        org_id=query.org_id,
        include_inactive=query.include_inactive,
        cursor=query.cursor,
        limit=query.limit,
    )
    items = [LocationOut.of(row) for row in page.items]
    return LocationListOut(
        items=items,
        count=len(items),
        next_cursor=page.next_cursor,
        total=await total_if_asked(ctx, page, query.total),
    )


async def _location_again(request: Request, ctx: Context, location_id: str) -> LocationOut:
    return LocationOut.of(await locations.get_location(ctx, location_id=location_id))


@router.post(
    "/api/locations",
    body=CreateLocationBody,
    response=LocationOut,
    status=201,
    errors=(400, 401, 403, 409, 415, 422),
    idempotent=Idempotent("location", lambda out: out.id, _location_again),
)
async def create_location(request: Request, ctx: Context, body: CreateLocationBody) -> LocationOut:
    """Add a clinic to the org (admin), with the id the EMR knows it by."""
    location = await locations.create_location(
        ctx,
        org_id=body.org_id,
        name=body.name,
        emr_location_id=body.emr_location_id,
        phone=body.phone,
        address=body.address.as_row() if body.address else None,
    )
    return LocationOut.of(location)


@router.get("/api/practices", query=PracticeListQuery, response=PracticeListOut)
async def list_practices(
    request: Request, ctx: Context, query: PracticeListQuery
) -> PracticeListOut:
    """Search referring practices by name, NPI or a spelling seen on referrals."""
    page = await referrers.list_practices(
        ctx, org_id=query.org_id, q=query.q, cursor=query.cursor, limit=query.limit
    )
    items = [PracticeOut.of(row) for row in page.items]
    return PracticeListOut(
        items=items,
        count=len(items),
        next_cursor=page.next_cursor,
        total=await total_if_asked(ctx, page, query.total),
    )


@router.get("/api/providers", query=ProviderListQuery, response=ProviderListOut)
async def list_providers(
    request: Request, ctx: Context, query: ProviderListQuery
) -> ProviderListOut:
    """Search referring providers by name, NPI or a spelling seen on referrals."""
    page = await referrers.list_providers(
        ctx,
        org_id=query.org_id,
        q=query.q,
        practice_id=query.practice_id,
        cursor=query.cursor,
        limit=query.limit,
    )
    items = [ProviderOut.of(row) for row in page.items]
    return ProviderListOut(
        items=items,
        count=len(items),
        next_cursor=page.next_cursor,
        total=await total_if_asked(ctx, page, query.total),
    )
