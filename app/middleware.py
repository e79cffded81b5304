"""Per request: name it, authenticate once, then hand the route a Context with its own session."""

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import TokenVerifier
from app.db import COMMITTED, CONTENTION_MESSAGE, is_contention
from app.observability import request_id_var
from app.rate_limit import RateLimiter, over_limit
from app.request_id import REQUEST_ID_HEADER, answering_with, request_id_for
from app.session_cookie import SESSION_COOKIE
from resolvers import api_keys, audit, auth
from resolvers.context import Context
from resolvers.errors import Conflict, DomainError, Unauthenticated
from rest_compat.errors import domain_error_response

GRAPHQL_PATH = "/graphql"
# Signed file URLs carry their own proof; probes need none. No credential is read there.
_UNAUTHENTICATED_PREFIXES = ("/files/", "/healthz", "/readyz")
# These replace or clear the session cookie: a revoked or expired one must not block
# signing in again or logging out, so when it is the only credential it is set aside.
_SESSION_PATH = "/api/auth/session"
# A GraphQL request's body, read before authentication so that its transaction can go on
# into the operation (no connection is held while a client sends); a larger one is read
# by the view, after the authentication's own transaction.
_BODY_READ_FIRST = 64 * 1024


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
        ctx.auth_events.clear()
        await auth.authenticate(ctx, credentials, verifier)


def _bodiless(headers: Headers) -> bool:
    return headers.get("content-length", "0") == "0" and "transfer-encoding" not in headers


async def _body_read_first(scope: Scope, headers: Headers, receive: Receive) -> Receive | None:
    """``receive`` replaying a GraphQL request's small body read here in full, or None
    when it is no such request (or the client left while sending)."""
    declared = headers.get("content-length", "")
    if scope["method"] != "POST" or scope["path"] != GRAPHQL_PATH or not declared.isdigit():
        return None
    if int(declared) > _BODY_READ_FIRST:
        return None
    chunks = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    replayed = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return replayed

    return replay


def _carries_on(path: str, session: AsyncSession, body_read: bool) -> bool:
    """Whether the authentication's transaction goes on into the operation (one
    connection, one transaction): when nothing is left to read from the client, the
    operation calls no identity provider (sign-in, sign-out) and authentication changed
    no row (lastUsedAt, a first sign-in's binding) that must stand whatever happens."""
    if not body_read or path.startswith(_SESSION_PATH) or session.info.get(api_keys.WROTE):
        return False
    return not (session.new or session.dirty or session.deleted)


async def _let_authentication_stand(ctx: Context) -> None:
    """The operation's transaction rolled back (or never committed): the authentication's
    audit event, carried in it, is written on its own."""
    session = ctx.session
    await session.rollback()
    await audit.write(session, ctx.auth_events)
    await session.commit()


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
        body_read = _bodiless(request.headers)
        if not body_read:
            replay = await _body_read_first(scope, request.headers, receive)
            if replay is not None:
                receive, body_read = replay, True
        async with state.sessions() as session:
            ctx = Context(
                session=session,
                settings=state.settings,
                storage=state.storage,
                client_ip=request.client.host if request.client else None,
                request_id=request_id,
            )
            carried = False
            try:
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
                        # The authentication's audit event and lastUsedAt stand on their
                        # own, whatever becomes of the operation: committed now, or carried
                        # on in the operation's transaction and written again should it
                        # roll back.
                        carried = refused is None and _carries_on(scope["path"], session, body_read)
                        if not carried:
                            await session.commit()
                    send = with_rate_limit_headers(scope, send)
                    limiter: RateLimiter | None = state.rate_limiter
                    drawing = (
                        ctx.principal is not None or refused or _draws_anonymously(scope["path"])
                    )
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
            finally:
                if carried and not session.info.get(COMMITTED):
                    await _let_authentication_stand(ctx)
