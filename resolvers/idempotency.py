"""Idempotent creates (``Idempotency-Key``, as in the IETF httpapi draft and Stripe's API).

A create that carries a key is run at most once per credential, org and key: a repeat
of the same request answers what the first created, a repeat with another request is
refused, and a repeat while the first still runs is a conflict to retry.

What the first created is remembered in the same transaction that created it, so the
two commit or vanish together: a request that failed leaves no key behind and may be
retried as it was. While it runs, the key is held by a transaction-scoped lock
(PostgreSQL) or by the one write transaction (SQLite), so a twin never waits on it.

A new key costs two statements on the create's own transaction: one that takes the lock
and reads the key's record, one that inserts the record. Both are Core statements on the
session's connection: no ORM object is built or flushed for them, and the read does not
autoflush the request's pending rows ahead of time (bench/safety.py measures the cost).
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
)

from models import IdempotencyKey, new_id, utcnow
from resolvers import audit
from resolvers.access import require_principal
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEYS: Table = IdempotencyKey.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claim:
    """A key this request holds: what ``remember`` stores once the create is done."""

    credential_id: str
    org_id: str
    key: str
    operation: str
    fingerprint: str


@dataclass(frozen=True)
class ItemResult:
    """One row a request settled and how (an EMR callback's entry): an id and a code."""

    id: str
    outcome: str


@dataclass(frozen=True)
class Remembered:
    """What a key's first request created and answered (``idempotency_keys``)."""

    operation: str
    fingerprint: str
    resource_type: str
    resource_id: str
    status_code: int
    results: tuple[ItemResult, ...] = ()


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
) -> tuple[Claim, Remembered | None]:
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
        resource_id=record.resource_id or None,
        details={"operation": held.operation},
    )
    return held, record


async def remember(
    ctx: Context,
    held: Claim,
    *,
    resource_type: str,
    resource_id: str,
    status_code: int,
    results: Sequence[ItemResult] = (),
) -> None:
    """Keep what the request created, in the transaction that created it. A twin that
    remembered the same key first (it committed after this request's read) makes this
    insert fail on the key's unique scope: the create rolls back, answered as a conflict."""
    now = utcnow()
    connection = await ctx.session.connection()
    await connection.execute(
        _REMEMBER,
        {
            "id": new_id("idem_"),
            "credential_id": held.credential_id,
            "org_id": held.org_id,
            "key": held.key,
            "operation": held.operation,
            "fingerprint": held.fingerprint,
            "resource_type": resource_type,
            "resource_id": resource_id,
            "status_code": status_code,
            "results": [{"id": r.id, "outcome": r.outcome} for r in results] if results else None,
            "created_at": now,
            "expires_at": now + timedelta(hours=ctx.settings.idempotency_ttl_hours),
        },
    )


# The two statements a new key costs, built once: building a statement and its cache key
# on every request cost more CPU than running it (bench/safety.py).
_REMEMBER = insert(KEYS)
_SCOPE = and_(
    KEYS.c.credential_id == bindparam("credential_id"),
    KEYS.c.org_id == bindparam("org_id"),
    KEYS.c.key == bindparam("key"),
)
_RECORD = (
    KEYS.c.id,
    KEYS.c.expires_at,
    KEYS.c.operation,
    KEYS.c.fingerprint,
    KEYS.c.resource_type,
    KEYS.c.resource_id,
    KEYS.c.status_code,
    KEYS.c.results,
)
_ONE = select(literal(1).label("one")).subquery()


def _read(lock: ColumnElement[bool]) -> Select[Any]:
    return select(lock.label("locked"), *_RECORD).select_from(_ONE.outerjoin(KEYS, _SCOPE))


_LOCK_AND_READ = {
    # PostgreSQL: a transaction-scoped advisory lock on the key, tried, never waited for.
    "postgresql": _read(
        func.pg_try_advisory_xact_lock(func.hashtextextended(bindparam("lock"), 0))
    ),
    # SQLite: this transaction is the only writer until it ends.
    "sqlite": _read(literal(True)),
}


async def _lock_and_read(ctx: Context, held: Claim) -> tuple[bool, Remembered | None]:
    """Try the key's lock and read its record, in one statement (one round trip).

    PostgreSQL: a transaction-scoped advisory lock, tried, never waited for. A twin that
    commits between this statement's snapshot and the lock leaves a record unseen here;
    the unique scope then refuses the second insert (409), so one row is made all the same.
    SQLite needs no lock: this transaction is the only writer until it ends.

    An expired record is deleted, and the key is new again.
    """
    connection = await ctx.session.connection()
    scope = {"credential_id": held.credential_id, "org_id": held.org_id, "key": held.key}
    lock = f"idempotency:{held.credential_id}:{held.org_id}:{held.key}"
    query = _LOCK_AND_READ[connection.dialect.name]
    row = (await connection.execute(query, {**scope, "lock": lock})).one()
    if row.id is None:
        return bool(row.locked), None
    if row.expires_at <= utcnow():
        await connection.execute(delete(KEYS).where(KEYS.c.id == row.id))
        return bool(row.locked), None
    return bool(row.locked), Remembered(
        operation=row.operation,
        fingerprint=row.fingerprint,
        resource_type=row.resource_type,
        resource_id=row.resource_id,
        status_code=row.status_code,
        results=tuple(ItemResult(id=r["id"], outcome=r["outcome"]) for r in row.results or ()),
    )


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
