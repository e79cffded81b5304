"""Orgs, their members and their configuration."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import col, select

from models import ApiKey, Membership, Org, Role, User, utcnow
from resolvers import audit
from resolvers.access import get_row, org_for
from resolvers.context import Context
from resolvers.errors import BadRequest, Conflict, NotFound, ValidationFailed, not_found
from resolvers.org_config import OrgConfig, RateLimits


def config_of(org: Org) -> OrgConfig:
    return OrgConfig.model_validate(org.config or {})


async def get(ctx: Context, *, org_id: str | None) -> Org:
    resolved = org_for(ctx, org_id)
    org = await ctx.session.get(Org, resolved)
    if org is None:
        raise not_found("org", resolved)
    return org


async def update_config(ctx: Context, *, org_id: str, changes: Any) -> Org:
    """Merge ``changes`` (top-level keys replace) into the config; 422 names each wrong field."""
    if not isinstance(changes, dict):
        raise BadRequest("the body must be a JSON object of config fields")
    # Locked: two admins changing different keys at once must not undo each other.
    org = await get_row(ctx, Org, org_for(ctx, org_id, Role.admin), lock=True)
    if org is None:
        raise not_found("org", org_id)
    merged = {**config_of(org).public(), **changes}
    try:
        config = OrgConfig.model_validate(merged)
    except ValidationError as exc:
        details = [
            {
                "field": ".".join(str(p) for p in err["loc"]) or "config",
                "message": str(err["msg"]).removeprefix("Value error, "),
            }
            for err in exc.errors()
        ]
        raise ValidationFailed(
            f"invalid config: {details[0]['field']}: {details[0]['message']}", details=details
        ) from None
    org.config = config.public()
    org.updated_at = utcnow()
    ctx.session.add(org)
    audit.record(
        ctx,
        "org.config_update",
        org_id=org.id,
        resource_type="org",
        resource_id=org.id,
        details={"keys": sorted(changes)},
    )
    return org


# -- administration (CLI) -------------------------------------------------------------------


async def create(
    ctx: Context, *, name: str, org_id: str | None = None, unique_name: bool = False
) -> Org:
    """A new org; ``unique_name`` refuses a name another org has (any case), so running
    the same setup twice does not make two orgs nobody can tell apart."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationFailed("name must be 1 to 200 characters", field="name")
    if unique_name:
        same = await named(ctx, name)
        if same:
            raise Conflict(
                f"an org named {same[0].name!r} already exists ({same[0].id}); "
                "pass --allow-duplicate-name to make another"
            )
    if org_id is not None:
        if not org_id.startswith("org_") or len(org_id) > 40:
            raise ValidationFailed("an org id starts with org_ (at most 40 characters)", field="id")
        if await ctx.session.get(Org, org_id) is not None:
            raise Conflict(f"org {org_id} already exists")
    org = Org(name=name, config=OrgConfig().public())
    if org_id is not None:
        org.id = org_id
    ctx.session.add(org)
    audit.record(ctx, "org.create", org_id=org.id, resource_type="org", resource_id=org.id)
    return org


async def add_member(
    ctx: Context, *, org_id: str, email: str, role: str, uid: str | None = None
) -> User:
    if await ctx.session.get(Org, org_id) is None:
        raise not_found("org", org_id)
    try:
        role_value = Role(role)
    except ValueError:
        raise ValidationFailed("role must be admin, coordinator or viewer", field="role") from None
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise ValidationFailed("not an e-mail address", field="email")
    user = (await ctx.session.scalars(select(User).where(User.email == email))).first()
    if user is None:
        user = User(email=email, uid=uid)
        ctx.session.add(user)
    elif uid and user.uid and user.uid != uid:
        raise Conflict(f"{email} is already bound to another uid")
    elif uid:
        user.uid = uid
    membership = await ctx.session.get(Membership, (org_id, user.id))
    if membership is None:
        ctx.session.add(Membership(org_id=org_id, user_id=user.id, role=role_value))
    else:
        membership.role = role_value
        ctx.session.add(membership)
    audit.record(
        ctx,
        "org.member_set",
        org_id=org_id,
        resource_type="user",
        resource_id=user.id,
        details={"role": role_value.value},
    )
    return user


async def rate_limits_of(ctx: Context, org_ids: list[str]) -> dict[str, RateLimits]:
    """Each org's own rate limits (no access check: read for the rate limiter itself)."""
    if not org_ids:
        return {}
    rows = await ctx.session.execute(select(Org.id, Org.config).where(col(Org.id).in_(org_ids)))
    return {
        org_id: OrgConfig.model_validate(config or {}).rate_limits for org_id, config in rows.all()
    }


async def named(ctx: Context, name: str) -> list[Org]:
    query = select(Org).where(func.lower(Org.name) == name.strip().lower()).order_by(col(Org.id))
    return list((await ctx.session.scalars(query)).all())


@dataclass(frozen=True)
class OrgSummary:
    org: Org
    members: int
    active_keys: int


async def list_all(ctx: Context) -> list[OrgSummary]:
    """Every org, oldest first, with its member and active key counts."""
    members = (
        select(Membership.org_id, func.count().label("n"))
        .group_by(col(Membership.org_id))
        .subquery()
    )
    keys = (
        select(ApiKey.org_id, func.count().label("n"))
        .where(col(ApiKey.revoked_at).is_(None))
        .group_by(col(ApiKey.org_id))
        .subquery()
    )
    query = (
        select(Org, members.c.n, keys.c.n)
        .outerjoin(members, members.c.org_id == Org.id)
        .outerjoin(keys, keys.c.org_id == Org.id)
        .order_by(col(Org.created_at), col(Org.id))
    )
    rows = (await ctx.session.execute(query)).all()
    return [OrgSummary(org=org, members=m or 0, active_keys=k or 0) for org, m, k in rows]


@dataclass(frozen=True)
class Member:
    user: User
    role: Role
    added_at: datetime


async def members(ctx: Context, *, org_id: str) -> list[Member]:
    if await ctx.session.get(Org, org_id) is None:
        raise not_found("org", org_id)
    query = (
        select(User, Membership)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.org_id == org_id)
        .order_by(col(User.email))
    )
    rows = (await ctx.session.execute(query)).all()
    return [Member(user=u, role=Role(m.role), added_at=m.created_at) for u, m in rows]


async def remove_member(ctx: Context, *, org_id: str, email: str) -> User:
    """Take a user out of an org: their next request sees no role there. The user row
    stays (audit events name it), as do their roles in other orgs."""
    if await ctx.session.get(Org, org_id) is None:
        raise not_found("org", org_id)
    email = email.strip().lower()
    user = (await ctx.session.scalars(select(User).where(User.email == email))).first()
    membership = await ctx.session.get(Membership, (org_id, user.id)) if user else None
    if user is None or membership is None:
        raise NotFound(f"{email} is not a member of {org_id}")
    await ctx.session.delete(membership)
    audit.record(
        ctx,
        "org.member_remove",
        org_id=org_id,
        resource_type="user",
        resource_id=user.id,
        details={"role": Role(membership.role).value},
    )
    return user
