"""Audit trail: every authentication, API-key use, and read or change of patient data."""

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import AuditEvent, Role, new_id, utcnow
from resolvers.context import Context


def record(
    ctx: Context,
    action: str,
    *,
    org_id: str | None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    outcome: str = "success",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event to the operation's transaction: it commits or rolls back with the change."""
    event = _event(ctx, action, org_id, resource_type, resource_id, outcome, details)
    ctx.session.add(event)
    return event


async def record_now(
    ctx: Context,
    action: str,
    *,
    org_id: str | None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    outcome: str = "success",
    details: dict[str, Any] | None = None,
) -> None:
    """Insert an event at once, in the session's transaction, bypassing the unit of work.

    For the per-request authentication events, where the ORM's flush bookkeeping
    costs more than the insert itself.
    """
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    await ctx.session.execute(
        insert(table).values(
            id=new_id("evt_"),
            org_id=org_id,
            actor_type=ctx.actor_type,
            actor_id=ctx.actor_id,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            outcome=outcome,
            client_ip=ctx.client_ip,
            request_id=ctx.request_id,
            details=details or {},
            created_at=utcnow(),
        )
    )


def _event(
    ctx: Context,
    action: str,
    org_id: str | None,
    resource_type: str | None,
    resource_id: str | None,
    outcome: str,
    details: dict[str, Any] | None,
) -> AuditEvent:
    return AuditEvent(
        org_id=org_id,
        actor_type=ctx.actor_type,
        actor_id=ctx.actor_id,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        outcome=outcome,
        client_ip=ctx.client_ip,
        request_id=ctx.request_id,
        details=details or {},
    )


def may_read_trail(ctx: Context, org_id: str) -> bool:
    """The trail names who read what and from where: for the org's admins (and its API key)."""
    principal = ctx.principal
    return principal is not None and principal.roles.get(org_id) == Role.admin


def record_many(
    ctx: Context, action: str, *, org_id: str, resource_type: str, resource_ids: list[str]
) -> None:
    """One event for a page of records (a list or search), naming every id it showed."""
    if resource_ids:
        record(
            ctx,
            action,
            org_id=org_id,
            resource_type=resource_type,
            details={"ids": resource_ids},
        )


async def list_for_resource(
    session: AsyncSession, *, org_id: str, resource_type: str, resource_id: str, limit: int = 100
) -> list[AuditEvent]:
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.org_id == org_id,
            AuditEvent.resource_type == resource_type,
            AuditEvent.resource_id == resource_id,
        )
        .order_by(col(AuditEvent.created_at).desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())
