from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field, json_field


class AuditEvent(SQLModel, table=True):
    """Who did what to which record, from where, and how it ended.

    ``org_id`` is null only for a refused credential that names no org.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_org_created", "org_id", "created_at"),
        sa.Index("ix_audit_events_org_resource", "org_id", "resource_type", "resource_id"),
    )

    id: str = id_field("evt_")
    org_id: str | None = Field(default=None, max_length=40)
    actor_type: str = Field(max_length=20)  # user, api_key, anonymous, system
    actor_id: str | None = Field(default=None, max_length=40)
    action: str = Field(max_length=100)
    resource_type: str | None = Field(default=None, max_length=40)
    resource_id: str | None = Field(default=None, max_length=40)
    outcome: str = Field(default="success", max_length=20)  # success, denied, failure
    client_ip: str | None = Field(default=None, max_length=64)
    # The X-Request-Id of the request that did it: ties together one request's events.
    request_id: str | None = Field(default=None, max_length=64)
    details: dict[str, Any] = json_field()
    created_at: datetime = created_field()
