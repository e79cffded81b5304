"""Every failure answers ``{"error": {"code", "message", "details"}}`` (DESIGN §5)."""

import logging
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from app.db import CONTENTION_MESSAGE, is_contention, is_data_error
from app.request_id import REQUEST_ID_HEADER
from resolvers import errors

log = logging.getLogger("intakedesk")

STATUS = {
    errors.BadRequest: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.ValidationFailed: 422,
    errors.RateLimited: 429,
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
}


def error_response(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


def domain_error_response(exc: errors.DomainError) -> JSONResponse:
    status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
    details = exc.details
    if details is None and exc.field is not None:
        details = [{"field": exc.field, "message": exc.message}]
    response = error_response(status, exc.code, exc.message, details)
    if isinstance(exc, errors.RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _rollback(request: Request) -> None:
    ctx = getattr(request.state, "ctx", None)
    if ctx is not None:
        await ctx.session.rollback()


async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    await _rollback(request)
    assert isinstance(exc, errors.DomainError)
    return domain_error_response(exc)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    await _rollback(request)
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    return error_response(exc.status_code, code, str(exc.detail))


async def on_integrity_error(request: Request, exc: Exception) -> JSONResponse:
    await _rollback(request)
    log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc)
    return error_response(409, "conflict", "the change conflicts with existing data")


async def on_database_error(request: Request, exc: Exception) -> JSONResponse:
    """A refused value is bad input (422), a lost race a conflict to retry (409); any other
    database failure is ours (500).

    The faces validate lengths first; this is the net under them, so a missed
    check is a 422 and never a 500.
    """
    await _rollback(request)
    if is_contention(exc):
        log.warning("contention on %s %s: %s", request.method, request.url.path, exc)
        return error_response(409, "conflict", CONTENTION_MESSAGE)
    if not is_data_error(exc):
        return await on_unexpected_error(request, exc)
    log.warning("data error on %s %s: %s", request.method, request.url.path, exc)
    return error_response(422, "validation_failed", "a value is too long or out of range")


async def on_client_disconnect(request: Request, exc: Exception) -> Response:
    """The client went away mid-request: nothing to answer, nothing to log as a failure."""
    await _rollback(request)
    log.info("client disconnected during %s %s", request.method, request.url.path)
    return Response(status_code=400)


async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    log.exception("unhandled error on %s %s (%s)", request.method, request.url.path, request_id)
    response = error_response(500, "internal_error", "internal server error")
    if request_id:
        # Answered outside the middleware that names every other answer.
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


EXCEPTION_HANDLERS: dict[Any, Any] = {
    errors.DomainError: on_domain_error,
    HTTPException: on_http_error,
    IntegrityError: on_integrity_error,
    DBAPIError: on_database_error,
    ClientDisconnect: on_client_disconnect,
    Exception: on_unexpected_error,
}
