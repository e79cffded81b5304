"""Audit trail: every authentication, API-key use, and read or change of patient data."""

from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel import col, select

from models import AuditEvent, Role, new_id, utcnow
from resolvers import driver_statements
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
) -> dict[str, Any]:
    """Add an event to the operation's transaction: it commits or rolls back with the change.

    Kept as a row of the table's columns and written at commit, with the transaction's
    other events, in one multi-row INSERT (not an ORM entity and a flush each: for a read,
    the bookkeeping cost more than the statement). A savepoint rolled back takes its
    events with it; a read of the trail writes them first (``write_pending``). Answers
    the row, to be written again (``write``) should the transaction roll back and the
    event have to stand anyway (an authentication's).
    """
    row = _row(ctx, action, org_id, resource_type, resource_id, outcome, details)
    _pending(ctx.session.sync_session).append(row)
    return row


async def record_now(
    ctx: Context,
    action: str,
    *,
    org_id: str | None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    outcome: str = "success",
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Insert an event at once, in the session's transaction, bypassing the unit of work
    (an event the face commits on its own before it answers). Answers the row."""
    row = _row(ctx, action, org_id, resource_type, resource_id, outcome, details)
    await ctx.session.execute(_INSERT, row)
    return row


async def write(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert events kept as rows (``record``'s), in one statement."""
    if rows:
        await session.execute(_INSERT, rows)


def _row(
    ctx: Context,
    action: str,
    org_id: str | None,
    resource_type: str | None,
    resource_id: str | None,
    outcome: str,
    details: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "id": new_id("evt_"),
        "org_id": org_id,
        "actor_type": ctx.actor_type,
        "actor_id": ctx.actor_id,
        "action": action,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "outcome": outcome,
        "client_ip": ctx.client_ip,
        "request_id": ctx.request_id,
        "details": details or {},
        "created_at": utcnow(),
    }


# -- events recorded, not yet written ---------------------------------------------------------

# Built once: its parameters are a row or rows of the table's columns (several rows go as
# one statement: an executemany, which asyncpg sends as one pipelined batch).
_INSERT = insert(AuditEvent.__table__)  # type: ignore[attr-defined]

_PENDING = "audit_pending"
# Where each open savepoint began in the pending list: its rollback drops what followed.
_MARKS = "audit_savepoints"


def _pending(session: Session) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    return rows


def _write(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if rows and not driver_statements.insert_many(session.connection(), _INSERT, rows):
        session.execute(_INSERT, rows)


async def write_pending(session: AsyncSession) -> None:
    """Write the events recorded so far in this transaction (before reading the trail,
    which then shows them, as it would any other row the transaction wrote)."""
    if session.sync_session.info.get(_PENDING):
        await session.run_sync(_write)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    """The commit of the transaction or of a savepoint (whose events are then in the
    transaction, as a flush would have put them): nothing is left pending before any."""
    _write(session)
    marks = session.info.get(_MARKS)
    if marks:
        for key in marks:
            marks[key] = 0


@event.listens_for(Session, "after_transaction_create")
def _savepoint_begun(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        marks = session.info.setdefault(_MARKS, {})
        marks[id(transaction)] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    if previous.nested:
        mark = session.info.get(_MARKS, {}).pop(id(previous), None)
        if mark is not None:
            del session.info.get(_PENDING, [])[mark:]
        return
    session.info.pop(_PENDING, None)
    session.info.pop(_MARKS, None)


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
    await write_pending(session)
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
