"""API keys: ``desk_`` + 43 random URL-safe characters, stored only as a SHA-256 hash."""

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import col, select

from models import ApiKey, Role, utcnow
from resolvers import audit
from resolvers.access import get_row, org_for, require_user
from resolvers.context import Context
from resolvers.errors import ValidationFailed, not_found
from resolvers.pagination import rows_of, shown_records

KEY_PREFIX = "desk_"
VISIBLE_CHARS = 12
NAME_MAX = 200


@dataclass(frozen=True)
class CreatedKey:
    api_key: ApiKey
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    # The secret carries 256 random bits, so a fast unsalted hash is enough to
    # make a stolen table useless; a slow KDF would only slow every request.
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


# Built once (every API-key request runs it): the hash is its one parameter. A Core
# read of the key's columns, on the driver (``pagination.shown_records``): the ORM's
# statement execution and row loading cost twice the rest of authenticating.
_ACTIVE_BY_HASH = rows_of(ApiKey).where(
    col(ApiKey.key_hash) == bindparam("key_hash"), col(ApiKey.revoked_at).is_(None)
)
# Marks a session in which authentication wrote a row (``touch``): that transaction is
# committed on its own rather than carried on into the operation (app.middleware).
WROTE = "intakedesk_authentication_wrote"


@dataclass(frozen=True)
class ActiveKey:
    """An active key as authentication read it: its columns, outside the session (a
    ``models.ApiKey`` made from them cost more than the read)."""

    id: str
    org_id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


async def find_active(ctx: Context, secret: str) -> ActiveKey | None:
    if not secret.startswith(KEY_PREFIX):
        return None
    found = await shown_records(ctx.session, _ACTIVE_BY_HASH, {"key_hash": hash_secret(secret)})
    if not found:
        return None
    row = found[0]
    return ActiveKey(
        id=row.id,
        org_id=row.org_id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


async def touch(ctx: Context, key: ActiveKey, now: datetime) -> ActiveKey:
    """Write ``now`` as the key's lastUsedAt, in the session's transaction."""
    await ctx.session.execute(
        update(ApiKey).where(col(ApiKey.id) == key.id).values(last_used_at=now)
    )
    ctx.session.info[WROTE] = True
    return replace(key, last_used_at=now)


async def create(ctx: Context, *, org_id: str | None, name: str) -> CreatedKey:
    require_user(ctx)
    return await issue(ctx, org_id=org_for(ctx, org_id, Role.admin), name=name)


async def issue(ctx: Context, *, org_id: str, name: str) -> CreatedKey:
    """Make a key for an org; callers check who may (``create`` above, or the CLI)."""
    org = org_id
    name = name.strip()
    if not name:
        raise ValidationFailed("name must not be empty", field="name")
    if len(name) > NAME_MAX:
        raise ValidationFailed(f"name must be at most {NAME_MAX} characters", field="name")
    secret = generate_secret()
    key = ApiKey(
        org_id=org,
        name=name,
        prefix=secret[:VISIBLE_CHARS],
        key_hash=hash_secret(secret),
        created_by=ctx.principal.actor_id if ctx.principal else None,
    )
    ctx.session.add(key)
    audit.record(ctx, "api_key.create", org_id=org, resource_type="api_key", resource_id=key.id)
    return CreatedKey(api_key=key, secret=secret)


async def list_active(ctx: Context, *, org_id: str | None) -> list[ApiKey]:
    require_user(ctx)
    org = org_for(ctx, org_id, Role.admin)
    query = (
        select(ApiKey)
        .where(ApiKey.org_id == org, col(ApiKey.revoked_at).is_(None))
        .order_by(col(ApiKey.created_at).desc(), ApiKey.id)
    )
    return list((await ctx.session.scalars(query)).all())


async def revoke(ctx: Context, *, org_id: str | None, key_id: str) -> ApiKey:
    require_user(ctx)
    return await withdraw(ctx, org_id=org_for(ctx, org_id, Role.admin), key_id=key_id)


async def withdraw(ctx: Context, *, org_id: str | None, key_id: str) -> ApiKey:
    """Revoke an active key (of ``org_id`` when given); callers check who may (``revoke``
    above, or the CLI). It stops working at once: every request looks the hash up."""
    key = await get_row(ctx, ApiKey, key_id, lock=True)
    if key is None or (org_id and key.org_id != org_id) or key.revoked_at is not None:
        raise not_found("api key", key_id)
    key.revoked_at = utcnow()
    ctx.session.add(key)
    audit.record(
        ctx, "api_key.revoke", org_id=key.org_id, resource_type="api_key", resource_id=key.id
    )
    return key


async def of_org(ctx: Context, *, org_id: str, include_revoked: bool = False) -> list[ApiKey]:
    """An org's keys, newest first, for the CLI (``list_active`` is the users' way)."""
    query = select(ApiKey).where(ApiKey.org_id == org_id)
    if not include_revoked:
        query = query.where(col(ApiKey.revoked_at).is_(None))
    query = query.order_by(col(ApiKey.created_at).desc(), ApiKey.id)
    return list((await ctx.session.scalars(query)).all())
