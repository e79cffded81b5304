"""Patient in the graph."""

from datetime import date, datetime

import strawberry

from app.graphql.node import Node
from models import Patient as PatientRow


@strawberry.type
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


@strawberry.type
class Insurance:
    provider: str | None = None
    member_id: str | None = None
    group_number: str | None = None


def address_of(data: dict | None) -> Address | None:
    if not data:
        return None
    return Address(**{k: data.get(k) for k in ("line1", "line2", "city", "state", "zip")})


def insurance_of(data: dict | None) -> Insurance | None:
    if not data:
        return None
    return Insurance(
        provider=data.get("provider"),
        member_id=data.get("memberId"),
        group_number=data.get("groupNumber"),
    )


@strawberry.type
class Patient(Node):
    org_id: str
    first_name: str
    last_name: str
    dob: date | None
    sex: str | None
    phone: str | None
    email: str | None
    address: Address | None
    insurance: Insurance | None
    mrn: str | None
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[PatientRow]

    @classmethod
    def from_row(cls, row: PatientRow) -> "Patient":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            first_name=row.first_name,
            last_name=row.last_name,
            dob=row.dob,
            sex=row.sex,
            phone=row.phone,
            email=row.email,
            address=address_of(row.address),
            insurance=insurance_of(row.insurance),
            mrn=row.mrn,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )


QUERY_TYPES: list[type] = []
MUTATION_TYPES: list[type] = []
