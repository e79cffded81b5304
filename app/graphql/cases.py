"""Case and ContactEvent in the graph."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.graphql.node import Node
from models import Case as CaseRow
from models import ContactEvent as ContactEventRow


@strawberry.type
class ContactEvent(Node):
    case_id: str
    kind: str
    channel: str | None
    outcome: str | None
    scheduled_for: datetime | None
    reason: str | None
    note: str | None
    actor_type: str
    actor_id: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: ContactEventRow) -> "ContactEvent":
        return cls(
            id=strawberry.ID(row.id),
            case_id=row.case_id,
            kind=row.kind,
            channel=row.channel,
            outcome=row.outcome,
            scheduled_for=row.scheduled_for,
            reason=row.reason,
            note=row.note,
            actor_type=row.actor_type,
            actor_id=row.actor_id,
            created_at=row.created_at,
        )


@strawberry.type
class Case(Node):
    org_id: str
    status: str
    close_reason: str | None
    patient_id: str | None
    triage_level: int | None
    priority_band: str | None
    queue: str | None
    location_id: str | None
    assignee_id: str | None
    practice_id: str | None
    provider_id: str | None
    referrer_candidates: JSON
    reason: str | None
    scheduled_for: datetime | None
    emr_status: str
    emr_chart_id: str | None
    emr_document_status: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    row: strawberry.Private[CaseRow]

    @classmethod
    def from_row(cls, row: CaseRow) -> "Case":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            status=row.status,
            close_reason=row.close_reason,
            patient_id=row.patient_id,
            triage_level=row.triage_level,
            priority_band=row.priority_band,
            queue=row.queue,
            location_id=row.location_id,
            assignee_id=row.assignee_id,
            practice_id=row.practice_id,
            provider_id=row.provider_id,
            referrer_candidates=row.referrer_candidates or [],
            reason=row.reason,
            scheduled_for=row.scheduled_for,
            emr_status=row.emr_status,
            emr_chart_id=row.emr_chart_id,
            emr_document_status=row.emr_document_status,
            created_at=row.created_at,
            updated_at=row.updated_at,
            closed_at=row.closed_at,
            row=row,
        )


QUERY_TYPES: list[type] = []
MUTATION_TYPES: list[type] = []
