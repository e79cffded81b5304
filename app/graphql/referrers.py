"""Practice, Provider and Location in the graph."""

from datetime import datetime

import strawberry

from app.graphql.node import Node
from app.graphql.patients import Address, address_of
from models import Location as LocationRow
from models import Practice as PracticeRow
from models import Provider as ProviderRow


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


QUERY_TYPES: list[type] = []
MUTATION_TYPES: list[type] = []
