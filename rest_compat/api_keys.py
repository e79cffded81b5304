"""/api/api-keys: create, list and revoke (a user token with the admin role only)."""

from pydantic import Field
from starlette.requests import Request

from models import ApiKey
from resolvers import api_keys
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed
from rest_compat.http import USER_CREDENTIALS, ApiRouter
from rest_compat.idempotency import Idempotent
from rest_compat.schemas import Body, Out, Query, Timestamp

router = ApiRouter(tag="API Keys")


class ApiKeyOut(Out):
    id: str
    org_id: str
    name: str
    prefix: str
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None

    @classmethod
    def of(cls, key: ApiKey) -> "ApiKeyOut":
        return cls.model_validate(key, from_attributes=True)


class CreatedApiKeyOut(ApiKeyOut):
    # The secret, shown this once and never again.
    key: str


class ApiKeyListOut(Out):
    items: list[ApiKeyOut]
    count: int
    next_cursor: str | None = None


class CreateApiKeyBody(Body):
    org_id: str | None = None
    name: str = Field(min_length=1, max_length=api_keys.NAME_MAX)


class OrgQuery(Query):
    org_id: str | None = None


class RevokeQuery(Query):
    org_id: str | None = None
    id: str | None = None


class RevokeApiKeyBody(Body):
    org_id: str | None = None
    id: str | None = None
    key_id: str | None = None


async def _api_key_again(request: Request, ctx: Context, key_id: str) -> CreatedApiKeyOut:
    # The secret is shown once: a retry learns the key exists, never its secret again.
    raise Conflict(
        f"the API key this request made exists ({key_id}); its secret was shown once, "
        "in the first answer, and is not shown again: revoke it and create another if lost"
    )


@router.post(
    "/api/api-keys",
    body=CreateApiKeyBody,
    response=CreatedApiKeyOut,
    status=201,
    idempotent=Idempotent("api_key", lambda out: out.id, _api_key_again),
    credentials=USER_CREDENTIALS,
)
async def create_api_key(
    request: Request, ctx: Context, body: CreateApiKeyBody
) -> CreatedApiKeyOut:
    """Generate a new API Key (requires User Token). The key is shown only in this answer."""
    created = await api_keys.create(ctx, org_id=body.org_id, name=body.name)
    return CreatedApiKeyOut(**ApiKeyOut.of(created.api_key).model_dump(), key=created.secret)


@router.get("/api/api-keys", query=OrgQuery, response=ApiKeyListOut, credentials=USER_CREDENTIALS)
async def list_api_keys(request: Request, ctx: Context, query: OrgQuery) -> ApiKeyListOut:
    """List active API Keys (requires User Token)."""
    keys = await api_keys.list_active(ctx, org_id=query.org_id)
    return ApiKeyListOut(items=[ApiKeyOut.of(k) for k in keys], count=len(keys))


@router.delete(
    "/api/api-keys",
    query=RevokeQuery,
    body=RevokeApiKeyBody,
    response=ApiKeyOut,
    credentials=USER_CREDENTIALS,
)
async def revoke_api_key(
    request: Request, ctx: Context, query: RevokeQuery, body: RevokeApiKeyBody
) -> ApiKeyOut:
    """Revoke an API Key (requires User Token; id in the body or the query string); it stops
    working at once."""
    key_id = body.id or body.key_id or query.id
    if not key_id:
        raise ValidationFailed("id of the key to revoke is required", field="id")
    key = await api_keys.revoke(ctx, org_id=body.org_id or query.org_id, key_id=key_id)
    return ApiKeyOut.of(key)
