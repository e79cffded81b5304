"""/api/auth: who am I, and the HttpOnly ``__session`` cookie."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.session_cookie import clear_session_cookie, session_lifetime, set_session_cookie
from models import utcnow
from resolvers import auth
from resolvers.context import Context
from rest_compat.http import ApiRouter, json_response
from rest_compat.schemas import Body, OkOut, Out, Timestamp

router = ApiRouter(tag="Authentication")


class UserOut(Out):
    id: str
    email: str
    uid: str | None
    display_name: str | None


class ApiKeyIdentityOut(Out):
    id: str
    name: str
    prefix: str
    org_id: str


class OrgMembershipOut(Out):
    id: str
    name: str
    role: str


class MeOut(Out):
    principal: str
    user: UserOut | None
    api_key: ApiKeyIdentityOut | None
    orgs: list[OrgMembershipOut]
    # The org a request without orgId acts on, when there is exactly one.
    org_id: str | None


class SessionBody(Body):
    id_token: str


class SessionOut(OkOut):
    expires_at: Timestamp


def me_out(me: auth.Me) -> MeOut:
    p = me.principal
    return MeOut(
        principal=p.kind,
        user=UserOut(
            id=p.user.id, email=p.user.email, uid=p.user.uid, display_name=p.user.display_name
        )
        if p.user
        else None,
        api_key=ApiKeyIdentityOut(
            id=p.api_key.id, name=p.api_key.name, prefix=p.api_key.prefix, org_id=p.api_key.org_id
        )
        if p.api_key
        else None,
        orgs=[OrgMembershipOut(id=m.org.id, name=m.org.name, role=m.role.value) for m in me.orgs],
        org_id=me.orgs[0].org.id if len(me.orgs) == 1 else None,
    )


@router.get("/api/auth/me", response=MeOut, errors=(401,))
async def get_me(request: Request, ctx: Context) -> MeOut:
    """Get current authenticated user profile and org context."""
    return me_out(await auth.me(ctx))


@router.post(
    "/api/auth/session",
    body=SessionBody,
    response=SessionOut,
    auth=False,
    errors=(400, 401, 415, 422),
)
async def create_session(request: Request, ctx: Context, body: SessionBody) -> JSONResponse:
    """Create a session cookie from a Firebase ID token."""
    lifetime = session_lifetime(ctx.settings)
    cookie = await auth.create_session_cookie(
        ctx, request.app.state.verifier, id_token=body.id_token, expires_in=lifetime
    )
    response = json_response(SessionOut(expires_at=utcnow() + lifetime))
    set_session_cookie(response, cookie, ctx.settings)
    return response


@router.delete("/api/auth/session", response=OkOut, auth=False, errors=(401, 403))
async def delete_session(request: Request, ctx: Context) -> JSONResponse:
    """Destroy the current session (logout) and revoke the user's refresh tokens."""
    if ctx.principal is not None:
        await auth.end_session(ctx, request.app.state.verifier)
    response = json_response(OkOut())
    clear_session_cookie(response, ctx.settings)
    return response
