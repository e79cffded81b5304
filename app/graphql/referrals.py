"""Referral in the graph."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.graphql.node import Node
from models import Referral as ReferralRow


@strawberry.type
class Referral(Node):
    org_id: str
    stage: str
    source: str
    case_id: str | None
    patient_id: str | None
    duplicate_of: str | None
    extraction: JSON | None
    qa: JSON | None
    triage: JSON | None
    error: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime
    processed_at: datetime | None
    row: strawberry.Private[ReferralRow]

    @classmethod
    def from_row(cls, row: ReferralRow) -> "Referral":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            stage=row.stage,
            source=row.source,
            case_id=row.case_id,
            patient_id=row.patient_id,
            duplicate_of=row.duplicate_of_id,
            extraction=row.extraction,
            qa=row.qa,
            triage=row.triage,
            error=row.error,
            notes=row.notes,
            created_at=row.created_at,
            updated_at=row.updated_at,
            processed_at=row.processed_at,
            row=row,
        )


QUERY_TYPES: list[type] = []
MUTATION_TYPES: list[type] = []
