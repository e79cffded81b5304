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

from resolvers.context import Context
from resolvers.errors import BadRequest, UnsupportedMediaType, ValidationFailed

Handler = Callable[..., Awaitable[Any]]


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
    errors: tuple[int, ...] = (400, 401, 403, 404, 422)
    auth: bool = True


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
        kwargs: dict[str, Any] = {}
        if op.query is not None:
            kwargs["query"] = parse_model(op.query, dict(request.query_params), where="query")
        if op.body is not None and not (op.form is not None and is_multipart(request)):
            kwargs["body"] = await parse_json_body(request, op.body)
        result = await op.handler(request, ctx, **kwargs)
        await ctx.session.commit()
        if isinstance(result, Response):
            return result
        return json_response(result, op.status)

    return endpoint


def json_response(result: Any, status: int = 200) -> JSONResponse:
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json", by_alias=True)
    return JSONResponse(result, status_code=status)


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


async def parse_json_body(request: Request, model: type[BaseModel]) -> Any:
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
    return parse_model(model, data, where="body")


def parse_model(model: type[BaseModel], data: Any, *, where: str) -> Any:
    if not isinstance(data, dict):
        raise BadRequest(f"the {where} must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(exc, where) from None


def validation_failed(exc: ValidationError, where: str) -> ValidationFailed:
    details = [
        {
            "field": ".".join(str(p) for p in err["loc"]) or where,
            "message": str(err["msg"]).removeprefix("Value error, "),
        }
        for err in exc.errors()
    ]
    first = details[0]
    return ValidationFailed(
        f"invalid {where}: {first['field']}: {first['message']}", details=details
    )
