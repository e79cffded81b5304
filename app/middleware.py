"""Per request: name it, authenticate once, then hand the route a Context with its own session."""

from sqlalchemy.exc import DBAPIError
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import TokenVerifier
from app.db import CONTENTION_MESSAGE, is_contention
from app.observability import request_id_var
from app.rate_limit import RateLimiter, over_limit
from app.request_id import REQUEST_ID_HEADER, answering_with, request_id_for
from app.session_cookie import SESSION_COOKIE
from resolvers import auth
from resolvers.context import Context
from resolvers.errors import Conflict, DomainError, Unauthenticated
from rest_compat.errors import domain_error_response

GRAPHQL_PATH = "/graphql"
# Signed file URLs carry their own proof; probes need none. No credential is read there.
_UNAUTHENTICATED_PREFIXES = ("/files/", "/healthz", "/readyz")
# These replace or clear the session cookie: a revoked or expired one must not block
# signing in again or logging out, so when it is the only credential it is set aside.
_SESSION_PATH = "/api/auth/session"


def credentials_from(headers: Headers, cookies: dict[str, str]) -> auth.Credentials:
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    bearer = token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return auth.Credentials(
        api_key=headers.get("x-api-key") or None,
        bearer=bearer,
        session_cookie=cookies.get(SESSION_COOKIE) or None,
    )


def _only_cookie_on_session_path(path: str, credentials: auth.Credentials) -> bool:
    return path == _SESSION_PATH and not (credentials.api_key or credentials.bearer)


def _refusal(path: str, exc: DomainError) -> JSONResponse:
    """The request stops before any route: in the REST error shape, or on ``/graphql`` as
    a top-level GraphQL error (DESIGN §8: a refused credential is one), same status."""
    response = domain_error_response(exc)
    if path != GRAPHQL_PATH:
        return response
    error = {"message": exc.message, "extensions": {"code": exc.code.upper()}}
    return JSONResponse(
        {"data": None, "errors": [error]},
        status_code=response.status_code,
        headers={
            k: v for k, v in response.headers.items() if k in ("www-authenticate", "retry-after")
        },
    )


def _draws_anonymously(path: str) -> bool:
    """Requests without a principal that may sign in, or guess: drawn per client address."""
    return path in (_SESSION_PATH, GRAPHQL_PATH)


def with_rate_limit_headers(scope: Scope, send: Send) -> Send:
    """``send``, adding the headers of the request's latest draw (a GraphQL request draws
    again once its cost is known)."""

    async def sending(message: Message) -> None:
        draw = scope.get("state", {}).get("rate_limit")
        if message["type"] == "http.response.start" and draw is not None:
            headers = MutableHeaders(scope=message)
            for name, value in draw.headers().items():
                headers[name] = value
        await send(message)

    return sending


async def _authenticate(
    ctx: Context, credentials: auth.Credentials, verifier: TokenVerifier
) -> None:
    """``auth.authenticate``, once more when the pooled connection turned out dropped.

    The pool does not ping a connection before handing it out (``app.db``): one the
    server dropped without the driver noticing fails on its first statement, which is
    authentication's. Nothing was done on it; the pool has let it and every older
    connection go, so the second attempt runs on a new one.
    """
    try:
        await auth.authenticate(ctx, credentials, verifier)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        await ctx.session.rollback()
        ctx.principal = None
        await auth.authenticate(ctx, credentials, verifier)


class ContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = request.app.state
        request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
        scope.setdefault("state", {})["request_id"] = request_id
        request_id_var.set(request_id)  # log lines written for this request carry it
        send = answering_with(request_id, send)
        async with state.sessions() as session:
            ctx = Context(
                session=session,
                settings=state.settings,
                storage=state.storage,
                client_ip=request.client.host if request.client else None,
                request_id=request_id,
            )
            if not scope["path"].startswith(_UNAUTHENTICATED_PREFIXES):
                credentials = credentials_from(request.headers, request.cookies)
                refused: Unauthenticated | None = None
                if credentials.present:
                    try:
                        await _authenticate(ctx, credentials, state.verifier)
                    except DBAPIError as exc:
                        await session.rollback()
                        if not is_contention(exc):
                            raise
                        refusal = Conflict(CONTENTION_MESSAGE)
                        await _refusal(scope["path"], refusal)(scope, receive, send)
                        return
                    except Unauthenticated as exc:
                        # The refusal's audit event is kept; nothing else ran.
                        if not _only_cookie_on_session_path(scope["path"], credentials):
                            refused = exc
                    # The authentication's audit event and lastUsedAt stand on their own,
                    # whatever becomes of the operation.
                    await session.commit()
                send = with_rate_limit_headers(scope, send)
                limiter: RateLimiter | None = state.rate_limiter
                drawing = ctx.principal is not None or refused or _draws_anonymously(scope["path"])
                if limiter is not None and drawing:
                    budget = await limiter.budget_for(ctx)
                    draw = await limiter.draw(budget)
                    scope["state"]["rate_limit"] = draw
                    scope["state"]["rate_limit_budget"] = budget
                    if not draw.allowed:
                        await _refusal(scope["path"], over_limit(draw))(scope, receive, send)
                        return
                if refused is not None:
                    await _refusal(scope["path"], refused)(scope, receive, send)
                    return
            scope.setdefault("state", {})["ctx"] = ctx
            await self.app(scope, receive, send)
