"""Me, orgs, API keys and org config in GraphQL."""

from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

from app.graphql.context import Info
from app.graphql.enums import Role
from app.graphql.errors import MutationError, or_null, run_mutation
from app.graphql.node import Node, register_node
from app.session_cookie import clear_session_cookie, session_lifetime, set_session_cookie
from models import Org as OrgRow
from models import utcnow
from resolvers import api_keys, auth, orgs
from resolvers.access import require_principal
from resolvers.context import KeyIdentity
from resolvers.errors import Unauthenticated


@strawberry.type
class User(Node):
    email: str
    uid: str | None
    display_name: str | None


@strawberry.type
class Org(Node):
    name: str
    config: JSON
    role: Role | None = strawberry.field(description="The caller's role in this org")

    @classmethod
    def of(cls, org: OrgRow, role: Role | None) -> "Org":
        return cls(
            id=strawberry.ID(org.id), name=org.name, config=orgs.config_of(org).public(), role=role
        )


@strawberry.type
class ApiKey(Node):
    org_id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: KeyIdentity) -> "ApiKey":
        return cls(
            id=strawberry.ID(key.id),
            org_id=key.org_id,
            name=key.name,
            prefix=key.prefix,
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


@strawberry.type
class Me:
    principal: str = strawberry.field(description="user or api_key")
    user: User | None
    api_key: ApiKey | None
    orgs: list[Org]
    org_id: str | None = strawberry.field(description="The org used when orgId is omitted")


def _me(result: auth.Me) -> Me:
    p = result.principal
    user = None
    if p.user is not None:
        user = User(
            id=strawberry.ID(p.user.id),
            email=p.user.email,
            uid=p.user.uid,
            display_name=p.user.display_name,
        )
    org_list = [Org.of(m.org, m.role) for m in result.orgs]
    return Me(
        principal=p.kind,
        user=user,
        api_key=ApiKey.of(p.api_key) if p.api_key else None,
        orgs=org_list,
        org_id=org_list[0].id if len(org_list) == 1 else None,
    )


@strawberry.type
class CreateApiKeySuccess:
    api_key: ApiKey
    key: str = strawberry.field(description="The secret: shown this once, never again")


@strawberry.type
class RevokeApiKeySuccess:
    api_key: ApiKey


@strawberry.type
class CreateSessionSuccess:
    expires_at: datetime
    me: Me


@strawberry.type
class EndSessionSuccess:
    ok: bool = True


@strawberry.type
class UpdateOrgConfigSuccess:
    org: Org


CreateApiKeyResult = Annotated[
    CreateApiKeySuccess | MutationError, strawberry.union("CreateApiKeyResult")
]
RevokeApiKeyResult = Annotated[
    RevokeApiKeySuccess | MutationError, strawberry.union("RevokeApiKeyResult")
]
CreateSessionResult = Annotated[
    CreateSessionSuccess | MutationError, strawberry.union("CreateSessionResult")
]
EndSessionResult = Annotated[
    EndSessionSuccess | MutationError, strawberry.union("EndSessionResult")
]
UpdateOrgConfigResult = Annotated[
    UpdateOrgConfigSuccess | MutationError, strawberry.union("UpdateOrgConfigResult")
]


def _role(info: Info, org_id: str) -> Role | None:
    principal = info.context.ctx.principal
    return principal.roles.get(org_id) if principal else None


@strawberry.type
class OrgQuery:
    @strawberry.field(description="The caller: a user with their orgs, or an API key")
    async def me(self, info: Info) -> Me:
        try:
            return _me(await auth.me(info.context.ctx))
        except Unauthenticated as exc:
            raise GraphQLError(exc.message, extensions={"code": "UNAUTHENTICATED"}) from None

    @strawberry.field(description="An org the caller belongs to (the only one when id is omitted)")
    async def org(self, info: Info, id: strawberry.ID | None = None) -> Org | None:
        ctx = info.context.ctx
        require_principal_or_error(info)
        row = await or_null(info, lambda: orgs.get(ctx, org_id=id))
        return Org.of(row, _role(info, row.id)) if row else None

    @strawberry.field(description="Active API keys of an org (admin users only)")
    async def api_keys(
        self, info: Info, org_id: strawberry.ID | None = None
    ) -> list[ApiKey] | None:
        ctx = info.context.ctx
        require_principal_or_error(info)
        keys = await or_null(info, lambda: api_keys.list_active(ctx, org_id=org_id))
        return [ApiKey.of(k) for k in keys] if keys is not None else None


def require_principal_or_error(info: Info) -> None:
    try:
        require_principal(info.context.ctx)
    except Unauthenticated as exc:
        raise GraphQLError(exc.message, extensions={"code": "UNAUTHENTICATED"}) from None


@register_node("org_")
async def _org_node(info: Info, id_: str) -> Org | None:
    row = await or_null(info, lambda: orgs.get(info.context.ctx, org_id=id_))
    return Org.of(row, _role(info, row.id)) if row else None


@strawberry.type
class OrgMutation:
    @strawberry.mutation(description="Sign in: exchange an ID token for the __session cookie")
    async def create_session(self, info: Info, id_token: str) -> CreateSessionResult:
        ctx = info.context.ctx
        verifier = info.context.request.app.state.verifier
        lifetime = session_lifetime(ctx.settings)

        async def sign_in() -> auth.Me:
            cookie = await auth.create_session_cookie(
                ctx, verifier, id_token=id_token, expires_in=lifetime
            )
            assert info.context.response is not None
            set_session_cookie(info.context.response, cookie, ctx.settings)
            return await auth.me(ctx)

        return await run_mutation(
            info,
            sign_in,
            lambda me: CreateSessionSuccess(expires_at=utcnow() + lifetime, me=_me(me)),
            refusal_as_data=True,
        )

    @strawberry.mutation(description="Log out: clear the cookie and revoke the user's tokens")
    async def end_session(self, info: Info) -> EndSessionResult:
        ctx = info.context.ctx
        verifier = info.context.request.app.state.verifier

        async def sign_out() -> None:
            if ctx.principal is not None:
                await auth.end_session(ctx, verifier)
            assert info.context.response is not None
            clear_session_cookie(info.context.response, ctx.settings)

        return await run_mutation(info, sign_out, lambda _: EndSessionSuccess())

    @strawberry.mutation(description="Generate a new API key (admin user token only)")
    async def create_api_key(
        self, info: Info, name: str, org_id: strawberry.ID | None = None
    ) -> CreateApiKeyResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: api_keys.create(ctx, org_id=org_id, name=name),
            lambda c: CreateApiKeySuccess(api_key=ApiKey.of(c.api_key), key=c.secret),
        )

    @strawberry.mutation(description="Revoke an API key; it stops working at once")
    async def revoke_api_key(
        self, info: Info, id: strawberry.ID, org_id: strawberry.ID | None = None
    ) -> RevokeApiKeyResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: api_keys.revoke(ctx, org_id=org_id, key_id=id),
            lambda key: RevokeApiKeySuccess(api_key=ApiKey.of(key)),
        )

    @strawberry.mutation(description="Change org settings; only the keys given change")
    async def update_org_config(
        self, info: Info, org_id: strawberry.ID, config: JSON
    ) -> UpdateOrgConfigResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: orgs.update_config(ctx, org_id=org_id, changes=config),
            lambda org: UpdateOrgConfigSuccess(org=Org.of(org, _role(info, org.id))),
        )


QUERY_TYPES: list[type] = [OrgQuery]
MUTATION_TYPES: list[type] = [OrgMutation]
