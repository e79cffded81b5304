"""Idempotent creates (``Idempotency-Key``, as in the IETF httpapi draft and Stripe's API).

A create that carries a key is run at most once per credential, org and key: a repeat
of the same request answers what the first created, a repeat with another request is
refused, and a repeat while the first still runs is a conflict to retry.

What the first created is remembered in the same transaction that created it, so the
two commit or vanish together: a request that failed leaves no key behind and may be
retried as it was. While it runs, the key is held by a transaction-scoped lock
(PostgreSQL) or by the one write transaction (SQLite), so a twin never waits on it.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, func, literal
from sqlmodel import col, select

from models import IdempotencyKey, utcnow
from resolvers import audit
from resolvers.access import require_principal
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Claim:
    """A key this request holds: what ``remember`` stores once the create is done."""

    credential_id: str
    org_id: str
    key: str
    operation: str
    fingerprint: str


def check_key(value: str) -> str:
    """A key is 1–255 visible ASCII characters (a UUID is the usual choice)."""
    if not value or len(value) > MAX_KEY_LENGTH or not all(33 <= ord(c) < 127 for c in value):
        raise ValidationFailed(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters", field=HEADER
        )
    return value


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def scope_org(ctx: Context, named_org: str | None) -> str:
    """The org a key belongs to: the API key's, else the one the request names, else the
    user's only one ("" for a member of several orgs who named none)."""
    principal = require_principal(ctx)
    if principal.api_key is not None:
        return principal.api_key.org_id
    if named_org:
        return named_org[:40]
    return next(iter(principal.roles)) if len(principal.roles) == 1 else ""


async def claim(
    ctx: Context, *, key: str, operation: str, fingerprint: str, org_id: str
) -> tuple[Claim, IdempotencyKey | None]:
    """Hold the key for this request. Answers the stored record when the request was made
    before (replay it); raises ``Conflict`` while its twin runs and ``ValidationFailed``
    when the key was used for another request."""
    principal = require_principal(ctx)
    held = Claim(
        credential_id=principal.actor_id or "",
        org_id=org_id,
        key=check_key(key),
        operation=operation,
        fingerprint=fingerprint,
    )
    locked, record = await _lock_and_read(ctx, held)
    if not locked:
        await _refused(ctx, held, "in_progress")
        raise Conflict(
            f"a request with this {HEADER} is still being processed; retry it in a moment"
        )
    if record is not None and record.expires_at <= utcnow():
        await ctx.session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.id) == record.id))
        record = None
    if record is None:
        return held, None
    if record.fingerprint != held.fingerprint:
        await _refused(ctx, held, "reused")
        raise ValidationFailed(
            f"this {HEADER} was used for another request ({record.operation}); "
            "send a new key for a new request",
            field=HEADER,
        )
    audit.record(
        ctx,
        "idempotency.replay",
        org_id=_audit_org(ctx, held),
        resource_type=record.resource_type,
        resource_id=record.resource_id,
        details={"operation": held.operation},
    )
    return held, record


def remember(
    ctx: Context, held: Claim, *, resource_type: str, resource_id: str, status_code: int
) -> None:
    """Keep what the request created, in the transaction that created it."""
    now = utcnow()
    ctx.session.add(
        IdempotencyKey(
            credential_id=held.credential_id,
            org_id=held.org_id,
            key=held.key,
            operation=held.operation,
            fingerprint=held.fingerprint,
            resource_type=resource_type,
            resource_id=resource_id,
            status_code=status_code,
            created_at=now,
            expires_at=now + timedelta(hours=ctx.settings.idempotency_ttl_hours),
        )
    )


async def _lock_and_read(ctx: Context, held: Claim) -> tuple[bool, IdempotencyKey | None]:
    """Try the key's lock and read its record, in one statement (one round trip).

    PostgreSQL: a transaction-scoped advisory lock, tried, never waited for. A twin that
    commits between this statement's snapshot and the lock leaves a record unseen here;
    the unique scope then refuses the second insert (409), so one row is made all the same.
    SQLite needs no lock: this transaction is the only writer until it ends.
    """
    scope = and_(
        col(IdempotencyKey.credential_id) == held.credential_id,
        col(IdempotencyKey.org_id) == held.org_id,
        col(IdempotencyKey.key) == held.key,
    )
    if ctx.session.get_bind().dialect.name != "postgresql":
        return True, (await ctx.session.scalars(select(IdempotencyKey).where(scope))).first()
    name = f"idempotency:{held.credential_id}:{held.org_id}:{held.key}"
    lock = func.pg_try_advisory_xact_lock(func.hashtextextended(name, 0))
    one = select(literal(1).label("one")).subquery()
    query = select(lock, IdempotencyKey).select_from(one.outerjoin(IdempotencyKey, scope))
    locked, record = (await ctx.session.execute(query)).one()
    return bool(locked), record


def _audit_org(ctx: Context, held: Claim) -> str | None:
    # The org a request named may not exist; the trail names only orgs the caller is in.
    return held.org_id if held.org_id in require_principal(ctx).roles else None


async def _refused(ctx: Context, held: Claim, reason: str) -> None:
    """The refusal's audit event, in this transaction: the face commits it before it
    answers (nothing else was changed)."""
    await audit.record_now(
        ctx,
        "idempotency.refuse",
        org_id=_audit_org(ctx, held),
        outcome="denied",
        details={"reason": reason, "operation": held.operation},
    )
