"""One JSON log line per request, and the request id on every log line made for it.

The request line names the method, the route *template* (``/api/referrals/{id}``, never
the concrete path, the query string or the body: no patient data), the status, the
duration, the request id, the org and the kind of credential. The same id is bound to
a context variable while the request runs, so any log line written meanwhile carries
it; a worker running a job binds the id of the request that queued the job
(``bound_request_id``), so an operator follows one id from the API to the worker.
"""

import contextlib
import contextvars
import json
import logging
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import prom

ACCESS_LOGGER = "intakedesk.access"
access_log = logging.getLogger(ACCESS_LOGGER)

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "intakedesk_request_id", default=None
)


def _stamping(factory: Any) -> Any:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = factory(*args, **kwargs)
        record.request_id = request_id_var.get()
        return record

    make.intakedesk_stamps = True  # type: ignore[attr-defined]
    return make


# Each record takes the request id when it is made (in the request's context), so a
# handler that formats later, or elsewhere, still has it. Installed once per process.
if not getattr(logging.getLogRecordFactory(), "intakedesk_stamps", False):
    logging.setLogRecordFactory(_stamping(logging.getLogRecordFactory()))


@contextlib.contextmanager
def bound_request_id(request_id: str | None) -> Iterator[None]:
    """Every log line written inside the block carries ``requestId`` (a worker wraps each
    job in it with the id stored when the job was queued)."""
    token = request_id_var.set(request_id)
    try:
        yield
    finally:
        request_id_var.reset(token)


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "requestId", …}``: one object per line.

    Fields passed as ``extra={"fields": {...}}`` are merged in (the request line uses it).
    """

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            line["requestId"] = request_id
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for our loggers and uvicorn's (``serve``, ``worker``).

    Uvicorn's own access log is left off by ``serve``: the request line here replaces it.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("intakedesk", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    # Unmatched paths are one label: a scanner's random paths must not grow the metrics.
    return str(path) if path else "unmatched"


def _caller_of(scope: Scope) -> tuple[str | None, str]:
    """(org, credential kind) of the authenticated caller, from the request's Context."""
    ctx = scope.get("state", {}).get("ctx")
    principal = getattr(ctx, "principal", None)
    if principal is None:
        return None, "none"
    # Plain values only: the request's rows may be expired by a rollback by now. An API
    # key has one org in ``roles``; a user of several orgs, the one the request named.
    orgs = list(principal.roles)
    org = orgs[0] if len(orgs) == 1 else getattr(ctx, "asked_org_id", None)
    return org, principal.method or principal.kind


class RequestLog:
    """Outermost middleware: times each HTTP request, logs its line, feeds the metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app answers: an exception escaping is a 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        token = request_id_var.set(None)
        try:
            await self.app(scope, receive, sending)
        finally:
            request_id_var.reset(token)
            try:
                self._record(scope, status, time.perf_counter() - started)
            except Exception:  # a log or metric must never fail a request
                access_log.exception("could not record the request")

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        route = _route_of(scope)
        method = scope["method"]
        prom.observe_request(method, route, status, seconds)
        org, credential = _caller_of(scope)
        request_id = scope.get("state", {}).get("request_id")
        access_log.info(
            "%s %s %d",
            method,
            route,
            status,
            extra={
                "fields": {
                    "requestId": request_id,
                    "method": method,
                    "route": route,
                    "status": status,
                    "durationMs": round(seconds * 1000, 2),
                    "orgId": org,
                    "credential": credential,
                },
            },
        )
