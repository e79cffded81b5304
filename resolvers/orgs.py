"""Orgs, their members and their configuration."""

from typing import Any

from pydantic import ValidationError
from sqlmodel import col, select

from models import Membership, Org, Role, User, utcnow
from resolvers import audit
from resolvers.access import get_row, org_for
from resolvers.context import Context
from resolvers.errors import BadRequest, Conflict, ValidationFailed, not_found
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


async def create(ctx: Context, *, name: str, org_id: str | None = None) -> Org:
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationFailed("name must be 1 to 200 characters", field="name")
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
