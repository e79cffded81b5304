"""Turning a credential into a principal, and the session cookie's life cycle."""

from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from sqlmodel import col, select

from app.auth import InvalidCredential, TokenVerifier, VerifiedIdentity
from models import ApiKey, Membership, Org, Role, User, utcnow
from resolvers import api_keys, audit
from resolvers.access import require_user
from resolvers.context import Context, Principal
from resolvers.errors import Unauthenticated
from resolvers.pagination import Built, among_bound, rows_of, shown_records

# lastUsedAt is kept to the minute: writing it on every request would serialise a busy
# key's requests on its row. Every single use is in the audit trail.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Credentials:
    api_key: str | None = None
    bearer: str | None = None
    session_cookie: str | None = None

    @property
    def present(self) -> bool:
        return bool(self.api_key or self.bearer or self.session_cookie)


async def authenticate(
    ctx: Context, credentials: Credentials, verifier: TokenVerifier
) -> Principal | None:
    """The caller's principal, ``None`` when no credential was sent.

    A credential that is sent but refused raises ``Unauthenticated``; it is never
    ignored in favour of anonymous access. Every attempt leaves an audit event.
    """
    if credentials.api_key is not None:
        return await _api_key_principal(ctx, credentials.api_key)
    if credentials.bearer is not None:
        return await _user_principal(ctx, verifier, credentials.bearer, "id_token")
    if credentials.session_cookie is not None:
        return await _user_principal(ctx, verifier, credentials.session_cookie, "session_cookie")
    return None


async def _api_key_principal(ctx: Context, secret: str) -> Principal:
    key = await api_keys.find_active(ctx, secret)
    if key is None:
        await _refuse(ctx, "auth.api_key", "unknown or revoked API key")
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key = await api_keys.touch(ctx, key, now)
    principal = Principal(
        kind="api_key", api_key=key, roles={key.org_id: Role.admin}, method="api_key"
    )
    ctx.principal = principal
    event = audit.record(
        ctx, "auth.api_key", org_id=key.org_id, resource_type="api_key", resource_id=key.id
    )
    ctx.auth_events.append(event)
    return principal


async def _user_principal(
    ctx: Context, verifier: TokenVerifier, token: str, method: str
) -> Principal:
    identity = await _verified(ctx, verifier, token, method)
    return await _principal_for(ctx, identity, method)


async def _verified(
    ctx: Context, verifier: TokenVerifier, token: str, method: str
) -> VerifiedIdentity:
    """The token's identity, checked by the issuer (a network call with Firebase)."""
    try:
        if method == "session_cookie":
            return await verifier.verify_session_cookie(token)
        return await verifier.verify_id_token(token)
    except InvalidCredential as exc:
        await _refuse(ctx, f"auth.{method}", str(exc))


async def _principal_for(ctx: Context, identity: VerifiedIdentity, method: str) -> Principal:
    """The IntakeDesk user behind a verified identity, with their roles."""
    action = f"auth.{method}"
    user = await _user_for(ctx, identity)
    if user is None:
        # The Firebase uid (up to 128 characters) is no user id: it goes in the details.
        await _refuse(ctx, action, "no IntakeDesk user for this identity", uid=identity.uid)
    if user.disabled:
        await _refuse(ctx, action, "user is disabled", subject=user.id)
    if user.tokens_valid_after and identity.auth_time < user.tokens_valid_after:
        await _refuse(ctx, action, "token was revoked", subject=user.id)
    principal = Principal(kind="user", user=user, roles=await _roles(ctx, user.id), method=method)
    ctx.principal = principal
    event = audit.record(ctx, action, org_id=None, resource_type="user", resource_id=user.id)
    ctx.auth_events.append(event)
    return principal


async def _user_for(ctx: Context, identity: VerifiedIdentity) -> User | None:
    user = (await ctx.session.scalars(select(User).where(User.uid == identity.uid))).first()
    if user is not None or not (identity.email and identity.email_verified):
        return user
    # A member added by e-mail alone is bound to the first verified sign-in with that address.
    email = identity.email.lower()
    user = (
        await ctx.session.scalars(select(User).where(User.email == email, col(User.uid).is_(None)))
    ).first()
    if user is not None:
        user.uid = identity.uid
        ctx.session.add(user)
    return user


async def _roles(ctx: Context, user_id: str) -> dict[str, Role]:
    rows = await ctx.session.execute(
        select(Membership.org_id, Membership.role).where(Membership.user_id == user_id)
    )
    return {org_id: Role(role) for org_id, role in rows.all()}


async def _refuse(
    ctx: Context, action: str, reason: str, subject: str | None = None, uid: str | None = None
) -> NoReturn:
    audit.record(
        ctx,
        action,
        org_id=None,
        outcome="denied",
        resource_id=subject,
        resource_type="user" if subject else None,
        details={"reason": reason, "uid": uid} if uid else {"reason": reason},
    )
    raise Unauthenticated(reason)


@dataclass(frozen=True)
class MemberOrg:
    org: Org
    role: Role


@dataclass(frozen=True)
class Me:
    principal: Principal
    orgs: list[MemberOrg]


# Built once per dialect (every /me runs it): the principal's org ids are its one
# parameter. Core rows with the org's attributes: they are only shown.
_ORGS_BY_ID = Built(
    lambda dialect: rows_of(Org).where(among_bound(dialect, col(Org.id), "org_ids"))
)


async def me(ctx: Context) -> Me:
    principal = ctx.principal
    if principal is None:
        raise Unauthenticated("authentication required")
    org_ids = list(principal.roles)
    orgs = (
        await shown_records(ctx.session, _ORGS_BY_ID.on(ctx.session), {"org_ids": org_ids})
        if org_ids
        else []
    )
    by_id = {org.id: org for org in orgs}
    members = [
        MemberOrg(org=by_id[oid], role=principal.roles[oid]) for oid in org_ids if oid in by_id
    ]
    members.sort(key=lambda m: m.org.name)
    return Me(principal=principal, orgs=members)


async def create_session_cookie(
    ctx: Context, verifier: TokenVerifier, *, id_token: str, expires_in: timedelta
) -> str:
    """Exchange a fresh ID token for a session cookie (the caller must be a known user)."""
    identity = await _verified(ctx, verifier, id_token, "id_token")
    # Minted before the first statement of the transaction: on SQLite a transaction holds
    # the one write lock, and this is a call to Firebase. Refused users never see it.
    try:
        cookie = await verifier.create_session_cookie(id_token, expires_in)
    except InvalidCredential as exc:
        await _refuse(ctx, "auth.session_create", str(exc))
    principal = await _principal_for(ctx, identity, "id_token")
    audit.record(
        ctx,
        "auth.session_create",
        org_id=None,
        resource_type="user",
        resource_id=principal.actor_id,
    )
    return cookie


async def end_session(ctx: Context, verifier: TokenVerifier) -> None:
    """Log out: every token and cookie issued to the user so far stops working."""
    principal = require_user(ctx)
    user = principal.user
    assert user is not None
    if user.uid:
        await verifier.revoke_refresh_tokens(user.uid)
    # Whole seconds, as Firebase's validSince: a token from this second stays valid.
    user.tokens_valid_after = utcnow().replace(microsecond=0)
    ctx.session.add(user)
    audit.record(ctx, "auth.session_end", org_id=None, resource_type="user", resource_id=user.id)


__all__ = [
    "ApiKey",
    "Credentials",
    "Me",
    "MemberOrg",
    "authenticate",
    "create_session_cookie",
    "end_session",
    "me",
]
