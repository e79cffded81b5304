"""AuditEvent in the graph (linked from the records it is about)."""

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from app.graphql.context import Info
from app.graphql.loaders import AuditEventsByResourceLoader
from models import AuditEvent as AuditEventRow
from resolvers import audit


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
    request_id: str | None
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
            request_id=row.request_id,
            details=row.details,
            created_at=row.created_at,
        )


async def trail_of(info: Info, resource_type: str, row: Any) -> list[AuditEvent] | None:
    """The newest events about a record (at most 50); null unless the caller may read the trail."""
    if not audit.may_read_trail(info.context.ctx, row.org_id):
        return None
    rows = await info.context.loader(AuditEventsByResourceLoader).load((resource_type, row.id))
    return [AuditEvent.from_row(r) for r in rows]


QUERY_TYPES: list[type] = []
MUTATION_TYPES: list[type] = []
