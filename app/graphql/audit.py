"""AuditEvent in the graph (linked from the records it is about)."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models import AuditEvent as AuditEventRow


@strawberry.type
class AuditEvent:
    id: strawberry.ID
    org_id: str | None
    actor_type: str
    actor_id: str | None
    action: str
    resource_type: str | None
    resource_id: str | None
    outcome: str
    client_ip: str | None
    details: JSON
    created_at: datetime

    @classmethod
    def from_row(cls, row: AuditEventRow) -> "AuditEvent":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            actor_type=row.actor_type,
            actor_id=row.actor_id,
            action=row.action,
            resource_type=row.resource_type,
            resource_id=row.resource_id,
            outcome=row.outcome,
            client_ip=row.client_ip,
            details=row.details,
            created_at=row.created_at,
        )


QUERY_TYPES: list[type] = []
MUTATION_TYPES: list[type] = []
