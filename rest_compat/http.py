"""The REST face's plumbing: declared operations, body and query parsing, serialisation.

An operation names its request and response models once; they parse and
validate the request, shape the response and feed the OpenAPI document.
"""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from resolvers import access
from resolvers.access import require_principal
from resolvers.context import Context, Principal
from resolvers.errors import BadRequest, Forbidden, UnsupportedMediaType, ValidationFailed
from resolvers.pagination import Page
from rest_compat import idempotency
from rest_compat.field_errors import message_for
from rest_compat.idempotency import Answer, Idempotent, IdempotentResults

Handler = Callable[..., Awaitable[Any]]
ORG_ID = "orgId"
# The credentials an operation accepts, named as the OpenAPI security schemes
# (rest_compat/openapi.py): the document lists them and the server refuses the others (403).
ANY_CREDENTIALS = ("bearer", "apiKey", "session")
# What only a person may do (issuing API keys, queuing a case for the EMR).
USER_CREDENTIALS = ("bearer", "session")
# The EMR bridge's polls and callbacks: an integration's key, never a person's token.
API_KEY_CREDENTIALS = ("apiKey",)


@dataclass
class Operation:
    path: str
    method: str
    handler: Handler
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    # Other success statuses answering the same shape (process: 200 once ?wait=true is done).
    also: tuple[int, ...] = ()
    # The form fields of a multipart/form-data upload (a `file` part besides them), for
    # routes that take a file in the request as well as JSON.
    form: type[BaseModel] | None = None
    # Extra response media types (CSV export) and error statuses worth listing.
    produces: str = "application/json"
    # Other media types the same answer comes in when asked (``?format=csv``).
    also_produces: tuple[str, ...] = ()
    errors: tuple[int, ...] = (400, 401, 403, 404, 422)
    auth: bool = True
    # Other success statuses with the same answer (a conditional create that found its row).
    also_ok: tuple[int, ...] = ()
    # A create that takes an Idempotency-Key (rest_compat/idempotency.py says how to opt in).
    idempotent: Idempotent | IdempotentResults | None = None
    # The credentials the server accepts here (the OpenAPI security schemes): the
    # endpoint refuses any other with 403 and the document lists exactly these.
    credentials: tuple[str, ...] = ANY_CREDENTIALS

    @property
    def org_scoped(self) -> bool:
        """Acts on one org's data: takes ``orgId`` (README, "Calling it"), declared or not."""
        return self.auth and not self.path.startswith("/api/auth/")


@dataclass
class ApiRouter:
    tag: str
    operations: list[Operation] = field(default_factory=list)

    def route(self, method: str, path: str, **options: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            summary = options.pop("summary", None) or (handler.__doc__ or "").strip().split("\n")[0]
            self.operations.append(
                Operation(
                    path=path,
                    method=method,
                    handler=handler,
                    summary=summary,
                    tag=self.tag,
                    **options,
                )
            )
            return handler

        return register

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **options)


def context_of(request: Request) -> Context:
    ctx: Context = request.state.ctx
    return ctx


def to_starlette_path(path: str) -> str:
    """``/api/referrals/:id`` (as documented) → ``/api/referrals/{id}``."""
    return "/".join("{" + p[1:] + "}" if p.startswith(":") else p for p in path.split("/"))


def starlette_routes(operations: list[Operation]) -> list[Route]:
    by_path: dict[str, list[Operation]] = {}
    for op in operations:
        by_path.setdefault(op.path, []).append(op)
    routes = []
    for path, ops in by_path.items():
        table = {op.method: _endpoint(op) for op in ops}

        async def dispatch(request: Request, table: dict[str, Any] = table) -> Response:
            return await table[request.method](request)

        routes.append(Route(to_starlette_path(path), dispatch, methods=list(table)))
    return routes


def _endpoint(op: Operation) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        ctx = context_of(request)
        if op.auth:
            # Who is asking comes first: an anonymous request is a 401 before its query
            # string or body is read, so nothing about the request is judged for a stranger.
            require_credential(op, require_principal(ctx))
        if op.idempotent is not None and idempotency.HEADER in request.headers:
            outcome = await idempotency.run(
                op.idempotent,
                request,
                ctx,
                operation=f"{op.method} {op.path}",
                status=op.status,
                call=lambda created_id: _call(op, request, ctx, created_id),
            )
            await ctx.session.commit()
            response = json_response(outcome.body, outcome.status)
            if outcome.replayed:
                response.headers[idempotency.REPLAYED_HEADER] = "true"
            return response
        result = await _call(op, request, ctx)
        await ctx.session.commit()
        if isinstance(result, Response):
            return result
        if isinstance(result, Answer):
            return json_response(result.body, result.status)
        return json_response(result, op.status)

    return endpoint


def credential_of(principal: Principal) -> str:
    """The security scheme that authenticated ``principal``."""
    if principal.kind == "api_key":
        return "apiKey"
    return "session" if principal.method == "session_cookie" else "bearer"


def require_credential(op: Operation, principal: Principal) -> None:
    """403 for a credential the operation does not declare (before anything is parsed)."""
    if credential_of(principal) in op.credentials:
        return
    if op.credentials == API_KEY_CREDENTIALS:
        raise Forbidden("this operation takes an API key (x-api-key), not a user's token")
    if "apiKey" not in op.credentials:
        raise Forbidden("this operation needs a user's token; an API key cannot perform it")
    raise Forbidden(f"this operation accepts only: {', '.join(op.credentials)}")


async def total_if_asked(ctx: Context, page: Page[Any], asked: bool) -> int | None:
    """A list's ``total`` over all pages, for ``?total=true``; ``count`` stays the page's."""
    return await page.total(ctx.session) if asked else None


async def _call(
    op: Operation, request: Request, ctx: Context, created_id: str | None = None
) -> Any:
    # The id to give the row created, claimed with an Idempotency-Key (Idempotent.reserves).
    kwargs: dict[str, Any] = {"created_id": created_id} if created_id is not None else {}
    if op.org_scoped:
        access.ask_org(ctx, request.query_params.get(ORG_ID))
    if op.query is not None:
        kwargs["query"] = parse_model(op.query, dict(request.query_params), where="query")
    if op.body is not None and not (op.form is not None and is_multipart(request)):
        kwargs["body"] = await parse_json_body(request, op.body, ctx=ctx if op.org_scoped else None)
    return await op.handler(request, ctx, **kwargs)


def json_response(result: Any, status: int = 200) -> Response:
    if isinstance(result, BaseModel):
        # A list's ``total`` is answered only when asked for (``?total=true``).
        unasked = "total" in type(result).model_fields and result.total is None
        # Serialised once, straight from the model (no dict, no second encoder).
        return json_body(
            result.model_dump_json(by_alias=True, exclude={"total"} if unasked else None), status
        )
    return JSONResponse(result, status_code=status)


def json_body(body: str | bytes, status: int = 200) -> Response:
    """An answer of JSON already serialised (as ``JSONResponse`` would have: compact, UTF-8)."""
    return Response(body, status_code=status, media_type="application/json")


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


async def parse_json_body(
    request: Request, model: type[BaseModel], *, ctx: Context | None = None
) -> Any:
    """The body, validated; with ``ctx`` (an org-scoped operation) its ``orgId`` is noted,
    whether or not the model declares one."""
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if not content_type.startswith("application/json") and not (not content_type and not raw):
        raise UnsupportedMediaType(
            f"send application/json, not {content_type or 'no content type'}"
        )
    try:
        data = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not valid JSON") from None
    if ctx is None:
        return parse_model(model, data, where="body")
    return parse_with_org(ctx, model, data, where="body")


def parse_with_org(ctx: Context, model: type[BaseModel], data: Any, *, where: str) -> Any:
    """``parse_model`` for an org-scoped operation: ``orgId`` is taken out of a model that
    has no field for it (so it is never an unknown field), and noted either way."""
    if isinstance(data, dict) and ORG_ID in data and "org_id" not in model.model_fields:
        data = dict(data)
        asked = data.pop(ORG_ID)
        if asked is not None and not isinstance(asked, str):
            raise ValidationFailed("orgId must be a string", field=ORG_ID)
        access.ask_org(ctx, asked)
    parsed = parse_model(model, data, where=where)
    access.ask_org(ctx, getattr(parsed, "org_id", None))
    return parsed


def parse_model(model: type[BaseModel], data: Any, *, where: str) -> Any:
    if not isinstance(data, dict):
        raise BadRequest(f"the {where} must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(exc, where, model) from None


def validation_failed(
    exc: ValidationError, where: str, model: type[BaseModel] | None = None
) -> ValidationFailed:
    details = [
        {
            "field": ".".join(str(p) for p in err["loc"]) or where,
            "message": message_for(err, model),
        }
        for err in exc.errors()
    ]
    first = details[0]
    return ValidationFailed(
        f"invalid {where}: {first['field']}: {first['message']}", details=details
    )
