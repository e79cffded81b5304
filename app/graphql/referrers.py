"""Practice, Provider and Location in the graph: lists, links, aliases and createLocation."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from app.graphql.context import Info
from app.graphql.enums import AliasKind
from app.graphql.errors import MutationError, or_null, run_mutation
from app.graphql.loaders import (
    LocationByIdLoader,
    PracticeByIdLoader,
    ProviderByIdLoader,
    ProvidersByPracticeIdLoader,
)
from app.graphql.node import Node, register_node
from app.graphql.orgs import require_principal_or_error
from app.graphql.pagination import Connection, check_first
from app.graphql.patients import Address, address_of
from models import Location as LocationRow
from models import Practice as PracticeRow
from models import Provider as ProviderRow
from models import ReferrerAlias as ReferrerAliasRow
from resolvers import locations, referrers


@strawberry.type
class Practice(Node):
    org_id: str
    name: str
    npi: str | None
    phone: str | None
    fax: str | None
    address: Address | None
    created_at: datetime
    row: strawberry.Private[PracticeRow]

    @classmethod
    def from_row(cls, row: PracticeRow) -> "Practice":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            name=row.name,
            npi=row.npi,
            phone=row.phone,
            fax=row.fax,
            address=address_of(row.address),
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="Providers who work at this practice, by name")
    async def providers(self, info: Info) -> list["Provider"]:
        rows = await info.context.loader(ProvidersByPracticeIdLoader).load(self.row.id)
        return [Provider.from_row(r) for r in sorted(rows, key=lambda r: (r.name, r.id))]


@strawberry.type
class Provider(Node):
    org_id: str
    practice_id: str | None
    name: str
    npi: str | None
    phone: str | None
    fax: str | None
    created_at: datetime
    row: strawberry.Private[ProviderRow]

    @classmethod
    def from_row(cls, row: ProviderRow) -> "Provider":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            practice_id=row.practice_id,
            name=row.name,
            npi=row.npi,
            phone=row.phone,
            fax=row.fax,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="The practice this provider works at")
    async def practice(self, info: Info) -> Practice | None:
        if not self.row.practice_id:
            return None
        row = await info.context.loader(PracticeByIdLoader).load(self.row.practice_id)
        return Practice.from_row(row) if row else None


@strawberry.type
class Location(Node):
    org_id: str
    name: str
    emr_location_id: str | None
    phone: str | None
    active: bool
    row: strawberry.Private[LocationRow]

    @classmethod
    def from_row(cls, row: LocationRow) -> "Location":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            name=row.name,
            emr_location_id=row.emr_location_id,
            phone=row.phone,
            active=row.active,
            row=row,
        )


@strawberry.type(description="A spelling seen on referrals, matched to a practice or provider")
class ReferrerAlias:
    kind: AliasKind
    key: str
    text: str
    practice_id: str | None
    provider_id: str | None

    @classmethod
    def from_row(cls, row: ReferrerAliasRow) -> "ReferrerAlias":
        return cls(
            kind=row.kind,
            key=row.key,
            text=row.text,
            practice_id=row.practice_id,
            provider_id=row.provider_id,
        )


@strawberry.input(description="A postal address; state as the two-letter code")
class ReferrerAddressInput:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


def address_input(value: ReferrerAddressInput | None) -> dict[str, Any] | None:
    return strawberry.asdict(value) if value is not None else None


@strawberry.input
class CreateLocationInput:
    org_id: strawberry.ID | None = None
    name: str
    emr_location_id: str | None = None
    phone: str | None = None
    address: ReferrerAddressInput | None = None


@strawberry.type
class CreateLocationSuccess:
    location: Location


CreateLocationResult = Annotated[
    CreateLocationSuccess | MutationError, strawberry.union("CreateLocationResult")
]


@strawberry.type
class ReferrerQuery:
    @strawberry.field(description="Referring practices: name, NPI or a spelling seen on referrals")
    async def practices(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        q: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Practice] | None:
        require_principal_or_error(info)
        ctx = info.context.ctx
        page = await or_null(
            info,
            lambda: referrers.list_practices(
                ctx, org_id=org_id, q=q, cursor=after, limit=check_first(first)
            ),
        )
        return Connection.of(page, Practice.from_row) if page else None

    @strawberry.field(description="Referring providers: name, NPI or a spelling seen on referrals")
    async def providers(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        q: str | None = None,
        practice_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Provider] | None:
        require_principal_or_error(info)
        ctx = info.context.ctx
        page = await or_null(
            info,
            lambda: referrers.list_providers(
                ctx,
                org_id=org_id,
                q=q,
                practice_id=practice_id,
                cursor=after,
                limit=check_first(first),
            ),
        )
        return Connection.of(page, Provider.from_row) if page else None

    @strawberry.field(description="The org's clinics (active ones unless includeInactive)")
    async def locations(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        include_inactive: bool = False,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Location] | None:
        require_principal_or_error(info)
        ctx = info.context.ctx
        page = await or_null(
            info,
            lambda: locations.list_locations(
                ctx,
                org_id=org_id,
                include_inactive=include_inactive,
                cursor=after,
                limit=check_first(first),
            ),
        )
        return Connection.of(page, Location.from_row) if page else None


@strawberry.type
class ReferrerMutation:
    @strawberry.mutation(description="Add a clinic to the org (admin)")
    async def create_location(self, info: Info, input: CreateLocationInput) -> CreateLocationResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: locations.create_location(
                ctx,
                org_id=input.org_id,
                name=input.name,
                emr_location_id=input.emr_location_id,
                phone=input.phone,
                address=address_input(input.address),
            ),
            lambda row: CreateLocationSuccess(location=Location.from_row(row)),
        )


@register_node("prac_")
async def _practice_node(info: Info, id_: str) -> Practice | None:
    row = await or_null(info, lambda: info.context.loader(PracticeByIdLoader).load(id_))
    return Practice.from_row(row) if row else None


@register_node("prov_")
async def _provider_node(info: Info, id_: str) -> Provider | None:
    row = await or_null(info, lambda: info.context.loader(ProviderByIdLoader).load(id_))
    return Provider.from_row(row) if row else None


@register_node("loc_")
async def _location_node(info: Info, id_: str) -> Location | None:
    row = await or_null(info, lambda: info.context.loader(LocationByIdLoader).load(id_))
    return Location.from_row(row) if row else None


QUERY_TYPES: list[type] = [ReferrerQuery]
MUTATION_TYPES: list[type] = [ReferrerMutation]
