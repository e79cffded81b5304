"""The ASGI application: REST paths, ``/graphql``, signed file URLs, one Context per request."""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import models  # noqa: F401  (every table registered before the first query)
from app import files, health, prom
from app.auth.verifier import build_verifier
from app.db import create_engine, session_factory
from app.graphql.schema import build_schema
from app.graphql.view import GraphQLView
from app.heap import settled_heap
from app.middleware import GRAPHQL_PATH, ContextMiddleware
from app.observability import RequestLog
from app.rate_limit import RateLimiter
from app.settings import Settings, get_settings
from app.storage import build_storage
from app.worker import Worker, running
from rest_compat import all_operations
from rest_compat.errors import EXCEPTION_HANDLERS
from rest_compat.http import starlette_routes
from rest_compat.openapi import build_openapi

VERSION = "0.1.0"
log = logging.getLogger("intakedesk")


def _cors(settings: Settings) -> list[Middleware]:
    """Dashboards on their own origin call with the session cookie or a bearer token.

    Outermost, so a preflight is answered before authentication. API keys are for
    servers: a browser may not send ``x-api-key`` across origins.
    """
    if not settings.cors_origin_list:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["authorization", "content-type", "idempotency-key"],
            # A dashboard reads its budget and knows a replay when it sees one.
            expose_headers=[
                "RateLimit",
                "RateLimit-Policy",
                "Retry-After",
                "Idempotent-Replayed",
                "X-Request-Id",
            ],
            max_age=600,
        )
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    operations = all_operations()
    openapi = build_openapi(operations, VERSION)
    schema = build_schema(
        max_depth=settings.graphql_max_depth,
        max_aliases=settings.graphql_max_aliases,
        max_tokens=settings.graphql_max_tokens,
        mask_errors=not settings.is_development,
        max_cost=settings.graphql_max_cost,
        introspection=settings.introspection_allowed,
    )
    graphql = GraphQLView(
        schema,
        graphql_ide="graphiql" if settings.is_development else None,
        allow_queries_via_get=False,
    )

    async def openapi_json(request: Request) -> JSONResponse:
        return JSONResponse(openapi)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings)
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        app.state.migration_heads = health.migration_heads(settings.database_url)
        async with AsyncExitStack() as stack:
            if settings.is_sqlite or settings.serve_worker:
                worker = Worker(
                    settings, engine=engine, sessions=app.state.sessions, storage=app.state.storage
                )
                await stack.enter_async_context(running(worker))
            try:
                async with prom.serving_metrics(settings, engine):
                    with settled_heap():
                        yield
            finally:
                await stack.aclose()
                await engine.dispose()

    app = Starlette(
        routes=[
            Route("/api/openapi.json", openapi_json, methods=["GET"]),
            *health.routes,
            Route(GRAPHQL_PATH, graphql, methods=["GET", "POST"]),
            *files.routes,
            *starlette_routes(operations),
        ],
        middleware=[Middleware(RequestLog), *_cors(settings), Middleware(ContextMiddleware)],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.storage = build_storage(settings)
    app.state.verifier = build_verifier(settings)
    app.state.rate_limiter = RateLimiter(settings)
    return app
