"""Org scoping and roles. Every resolver that touches org data goes through here."""

from typing import Any, Protocol, TypeVar, cast

from models import Case, Referral, Role
from resolvers.context import Context, Principal
from resolvers.errors import Conflict, Forbidden, Unauthenticated, ValidationFailed, not_found


class OrgRow(Protocol):
    id: str
    org_id: str


Row = TypeVar("Row", bound=OrgRow)
Model = TypeVar("Model")


def require_principal(ctx: Context) -> Principal:
    if ctx.principal is None:
        raise Unauthenticated(
            "authentication required: send a Bearer token, the session cookie or x-api-key"
        )
    return ctx.principal


def require_user(ctx: Context) -> Principal:
    principal = require_principal(ctx)
    if principal.kind != "user":
        raise Forbidden("this operation needs a user token; an API key cannot perform it")
    return principal


def role_in(principal: Principal, org_id: str) -> Role | None:
    return principal.roles.get(org_id)


def _check_role(principal: Principal, org_id: str, minimum: Role) -> None:
    role = role_in(principal, org_id)
    if role is None:
        raise Forbidden(f"no access to org {org_id}")
    if role.rank < minimum.rank:
        raise Forbidden(f"this needs the {minimum.value} role; you are {role.value}")


def org_for(ctx: Context, org_id: str | None, minimum: Role = Role.viewer) -> str:
    """The org an operation acts on: the one asked for, or the caller's only org."""
    principal = require_principal(ctx)
    org_id = org_id or ctx.asked_org_id
    if principal.api_key is not None:
        key_org = principal.api_key.org_id
        if org_id and org_id != key_org:
            raise Forbidden("this API key belongs to another org")
        return key_org
    if not org_id:
        if len(principal.roles) == 1:
            org_id = next(iter(principal.roles))
        elif not principal.roles:
            raise Forbidden("you are not a member of any org")
        else:
            raise ValidationFailed("orgId is required: you belong to several orgs", field="orgId")
    _check_role(principal, org_id, minimum)
    return org_id


def ask_org(ctx: Context, org_id: str | None) -> None:
    """The caller named an org (``orgId``) for an operation on rows that carry their own:
    a row of another org then answers 404, like a missing one (``check_row``). An API key
    naming another org than its own is refused outright, as ``org_for`` refuses it."""
    if not org_id:
        return
    if ctx.asked_org_id and ctx.asked_org_id != org_id:
        # No record is of two orgs: refused like a request for an org not the caller's.
        raise Forbidden(
            f"orgId {org_id} differs from the orgId sent elsewhere in the request "
            f"({ctx.asked_org_id})"
        )
    principal = require_principal(ctx)
    if principal.api_key is not None and principal.api_key.org_id != org_id:
        raise Forbidden("this API key belongs to another org")
    ctx.asked_org_id = org_id


def visible_org_ids(ctx: Context) -> list[str]:
    return list(require_principal(ctx).roles)


def check_row(ctx: Context, row: Row | None, resource: str, id_: str, minimum: Role) -> Row:
    """A row of another org answers exactly as a missing one does (404)."""
    principal = require_principal(ctx)
    if row is None or row.org_id not in principal.roles:
        raise not_found(resource, id_)
    if ctx.asked_org_id and row.org_id != ctx.asked_org_id:
        raise not_found(resource, id_)
    _check_role(principal, row.org_id, minimum)
    return row


# ``SELECT … FOR NO KEY UPDATE`` (SQLite has no row locks; its transactions run one at a time).
CHANGE_LOCK: dict[str, Any] = {"key_share": True}


async def get_row(
    ctx: Context, model: type[Model], id_: str, *, lock: bool = False
) -> Model | None:
    """The row by id, unscoped; ``lock`` holds it and reads it afresh (a copy loaded
    earlier may be stale)."""
    if not id_:
        return None
    if not lock:
        return await ctx.session.get(model, id_)
    if model is Referral:
        return cast(Model | None, await _lock_referral(ctx, id_))
    return await ctx.session.get(model, id_, with_for_update=CHANGE_LOCK, populate_existing=True)


# Tries at locking a referral that moves to another case between its read and its lock.
_REFERRAL_LOCK_TRIES = 3


async def _lock_referral(ctx: Context, id_: str) -> Referral | None:
    """The referral, locked after its case, if it has one.

    Locks are taken case first, then its referrals, on every path: a change to a case
    rewrites its referrals' copies of it (``case_facts``) while holding the case, so a
    path holding a referral and then waiting for its case would deadlock with it.
    """
    for _ in range(_REFERRAL_LOCK_TRIES):
        seen = await ctx.session.get(Referral, id_)
        if seen is None:
            return None
        case_id = seen.case_id
        if case_id is not None:
            await ctx.session.get(
                Case, case_id, with_for_update=CHANGE_LOCK, populate_existing=True
            )
        row = await ctx.session.get(
            Referral, id_, with_for_update=CHANGE_LOCK, populate_existing=True
        )
        if row is None or row.case_id == case_id:
            return row
    raise Conflict(f"referral {id_} kept moving between cases; try again")


async def get_scoped(
    ctx: Context,
    model: type[Row],
    id_: str,
    *,
    resource: str,
    minimum: Role = Role.viewer,
    lock: bool = False,
) -> Row:
    """The row of the caller's org, or 404; ``lock`` holds it to change it.

    The lock is PostgreSQL's FOR NO KEY UPDATE: it keeps other changers out but not
    inserts of rows that point at this one, which only need its key to stay.
    """
    row = await get_row(ctx, model, id_, lock=lock)
    return check_row(ctx, row, resource, id_, minimum)
