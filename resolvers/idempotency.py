"""Idempotent creates (``Idempotency-Key``, as in the IETF httpapi draft and Stripe's API).

A create that carries a key is run at most once per credential, org and key: a repeat
of the same request answers what the first created, a repeat with another request is
refused, and a repeat while the first still runs is a conflict to retry.

What the first created is remembered in the same transaction that created it, so the
two commit or vanish together: a request that failed leaves no key behind and may be
retried as it was. While it runs, the key is held by a transaction-scoped lock
(PostgreSQL) or by the one write transaction (SQLite), so a twin never waits on it.

A new key costs one statement on the create's own transaction: the key's record is
claimed up front, naming the row the create will make (an id drawn before the create,
which the create then uses) and the status it answers with, in one
``INSERT … ON CONFLICT`` that also takes the lock. Only a create that answered
otherwise (another row, another status, several rows) corrects the record afterwards, and
only a key met before is read. The statements are Core statements on the session's
connection, built once: no ORM object is built or flushed for them, and nothing autoflushes
the request's pending rows ahead of time (bench/safety.py measures the cost).
"""

import hashlib
import re
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
    func,
    literal,
    literal_column,
    null,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from models import IdempotencyKey, new_id, utcnow
from resolvers import audit
from resolvers.access import require_principal
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEYS: Table = IdempotencyKey.__table__  # type: ignore[attr-defined]
_VISIBLE_ASCII = re.compile(f"[!-~]{{1,{MAX_KEY_LENGTH}}}")


@dataclass(frozen=True)
class ItemResult:
    """One row a request settled and how (an EMR callback's entry): an id and a code."""

    id: str
    outcome: str


@dataclass(frozen=True)
class Claim:
    """A key this request holds, and what its record says the request will have made:
    ``remember`` corrects the record when the create answered otherwise."""

    record_id: str
    resource_type: str
    resource_id: str
    status_code: int


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
    if _VISIBLE_ASCII.fullmatch(value) is None:
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
    ctx: Context,
    *,
    key: str,
    operation: str,
    fingerprint: str,
    org_id: str,
    resource_type: str,
    resource_id: str,
    status_code: int,
) -> Claim | Remembered:
    """Hold the key for this request, its record naming the row the create will make
    (``resource_id``, drawn before the create; "" when it cannot be known ahead) and the
    status it will answer. Answers the stored record when the request was made before
    (replay it); raises ``Conflict`` while its twin runs and ``ValidationFailed`` when the
    key was used for another request."""
    principal = require_principal(ctx)
    credential_id = principal.actor_id or ""
    now, record_id = utcnow(), new_id("idem_")
    values = {
        "id": record_id,
        "credential_id": credential_id,
        "org_id": org_id,
        "key": check_key(key),
        "operation": operation,
        "fingerprint": fingerprint,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "status_code": status_code,
        "created_at": now,
        "expires_at": now + timedelta(hours=ctx.settings.idempotency_ttl_hours),
        "lock": f"idempotency:{credential_id}:{org_id}:{key}",
    }
    connection = await ctx.session.connection()
    dialect = connection.dialect.name
    # The row count says whether the key was taken (a new or expired record written): no
    # RETURNING, whose rows and result metadata cost more CPU than the count.
    if (await connection.execute(_CLAIM[dialect], values)).rowcount == 1:
        return Claim(record_id, resource_type, resource_id, status_code)
    found = await _read(connection, values)
    if not found.locked or found.record is None or found.expired:
        await _refused(ctx, org_id, operation, "in_progress")
        raise Conflict(
            f"a request with this {HEADER} is still being processed; retry it in a moment"
        )
    record = found.record
    if record.fingerprint != fingerprint:
        await _refused(ctx, org_id, operation, "reused")
        raise ValidationFailed(
            f"this {HEADER} was used for another request ({record.operation}); "
            "send a new key for a new request",
            field=HEADER,
        )
    audit.record(
        ctx,
        "idempotency.replay",
        org_id=_audit_org(ctx, org_id),
        resource_type=record.resource_type,
        resource_id=record.resource_id or None,
        details={"operation": operation},
    )
    return record


async def remember(
    ctx: Context,
    held: Claim,
    *,
    resource_id: str,
    status_code: int,
    results: Sequence[ItemResult] = (),
) -> None:
    """Correct the key's record, in the transaction that created the row, when the create
    made another row than the one claimed, answered another status or settled several."""
    if resource_id == held.resource_id and status_code == held.status_code and not results:
        return
    connection = await ctx.session.connection()
    await connection.execute(
        _CORRECT,
        {
            "record_id": held.record_id,
            "resource_id": resource_id,
            "status_code": status_code,
            "results": [{"id": r.id, "outcome": r.outcome} for r in results] if results else None,
        },
    )


# The statements, built once: building a statement and its cache key on every request
# cost more CPU than running it (bench/safety.py).
_COLUMNS = (
    "id",
    "credential_id",
    "org_id",
    "key",
    "operation",
    "fingerprint",
    "resource_type",
    "resource_id",
    "status_code",
    "results",
    "created_at",
    "expires_at",
)
_SCOPE_COLUMNS = ("credential_id", "org_id", "key")
_TAKEN_OVER = tuple(name for name in _COLUMNS if name not in _SCOPE_COLUMNS)


def _values() -> list[Any]:
    # ``results`` is written only by a correction (a callback's items).
    return [
        null() if name == "results" else bindparam(name, type_=KEYS.c[name].type)
        for name in _COLUMNS
    ]


# PostgreSQL's transaction-scoped advisory lock on the key, tried, never waited for.
_TRY_LOCK = func.pg_try_advisory_xact_lock(
    func.hashtextextended(bindparam("lock"), literal_column("0"))
)


def _claim_pg() -> Any:
    # Inserted only once the key's lock is taken: holding it, no twin's record can be
    # pending, so the insert never waits on one.
    values = select(*_values()).where(_TRY_LOCK)
    statement = postgresql.insert(KEYS).from_select(_COLUMNS, values)
    # An expired record is taken over: the key is new again.
    return statement.on_conflict_do_update(
        index_elements=_SCOPE_COLUMNS,
        set_={name: statement.excluded[name] for name in _TAKEN_OVER},
        where=KEYS.c.expires_at <= statement.excluded.created_at,
    )


def _claim_sqlite() -> Any:
    # No lock: this transaction is the only writer until it ends.
    statement = sqlite.insert(KEYS).values(dict(zip(_COLUMNS, _values(), strict=True)))
    return statement.on_conflict_do_update(
        index_elements=_SCOPE_COLUMNS,
        set_={name: statement.excluded[name] for name in _TAKEN_OVER},
        where=KEYS.c.expires_at <= statement.excluded.created_at,
    )


_CLAIM = {"postgresql": _claim_pg(), "sqlite": _claim_sqlite()}
_CORRECT = (
    update(KEYS)
    .where(KEYS.c.id == bindparam("record_id"))
    .values(
        resource_id=bindparam("resource_id"),
        status_code=bindparam("status_code"),
        results=bindparam("results", type_=KEYS.c.results.type),
    )
)
_SCOPE = and_(*(KEYS.c[name] == bindparam(name) for name in _SCOPE_COLUMNS))
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
_ONE = select(literal_column("1").label("one")).subquery()


def _lock_and_read(lock: ColumnElement[bool]) -> Select[Any]:
    return select(lock.label("locked"), *_RECORD).select_from(_ONE.outerjoin(KEYS, _SCOPE))


_READ = {
    # Tried again: held already when the claim found a record (a lock is taken again by
    # its holder), held by a twin still running when the claim could not take it.
    "postgresql": _lock_and_read(_TRY_LOCK),
    "sqlite": _lock_and_read(literal(True)),
}


@dataclass(frozen=True)
class _Found:
    locked: bool
    expired: bool
    record: Remembered | None


async def _read(connection: AsyncConnection, values: dict[str, Any]) -> _Found:
    """The key's record, when the claim inserted none: with the lock, a record the claim
    left as it was (unexpired); without it, a twin's that is still running."""
    row = (await connection.execute(_READ[connection.dialect.name], values)).one()
    if row.id is None:
        return _Found(bool(row.locked), False, None)
    record = Remembered(
        operation=row.operation,
        fingerprint=row.fingerprint,
        resource_type=row.resource_type,
        resource_id=row.resource_id,
        status_code=row.status_code,
        results=tuple(ItemResult(id=r["id"], outcome=r["outcome"]) for r in row.results or ()),
    )
    return _Found(bool(row.locked), row.expires_at <= values["created_at"], record)


def _audit_org(ctx: Context, org_id: str) -> str | None:
    # The org a request named may not exist; the trail names only orgs the caller is in.
    return org_id if org_id in require_principal(ctx).roles else None


async def _refused(ctx: Context, org_id: str, operation: str, reason: str) -> None:
    """The refusal's audit event, in this transaction: the face commits it before it
    answers (nothing else was changed)."""
    await audit.record_now(
        ctx,
        "idempotency.refuse",
        org_id=_audit_org(ctx, org_id),
        outcome="denied",
        details={"reason": reason, "operation": operation},
    )
