"""``Idempotency-Key`` on the REST face: which POSTs take it, the request's fingerprint,
and the answer again for a retry.

A POST opts in by declaring what it creates and how to answer again from the stored row::

    @router.post("/api/patients", ..., idempotent=Idempotent("patient", _patient_id, _again))

``created`` takes the handler's answer and names the created row's id; ``replay`` renders
the answer for that id (a fresh read, audited as any read), so no copy of an answer (patient
data, a one-time secret) is ever kept. The rules live in ``resolvers/idempotency.py``.

A POST that settles several rows at once (an EMR callback) declares ``IdempotentResults``:
``results`` names each row's id and outcome code from the answer, and ``replay`` renders
the answer again from those alone (ids and codes, never content).
"""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel import SQLModel
from starlette.requests import Request

from models import fresh_id
from resolvers import idempotency
from resolvers.context import Context
from resolvers.errors import DomainError, PayloadTooLarge

HEADER = idempotency.HEADER
REPLAYED_HEADER = "Idempotent-Replayed"
# A body larger than any upload is refused before it is hashed.
_ENVELOPE = 64 * 1024

Replay = Callable[[Request, Context, str], Awaitable[Any]]
ItemResult = idempotency.ItemResult


@dataclass(frozen=True)
class Kept:
    """What a key keeps of an answer: the created row's id, or each settled row's result."""

    resource_id: str = ""
    results: tuple[ItemResult, ...] = ()


@dataclass(frozen=True)
class Idempotent:
    kind: str  # what the operation creates: "referral", "document", "patient", …
    created: Callable[[Any], str]  # the created row's id, read from the handler's answer
    replay: Replay  # the answer again, rendered from that row
    # The table of the row it creates, when its handler takes ``created_id`` (the id to
    # give that row, drawn before the create so the key's record names it from the start).
    reserves: type[SQLModel] | None = None

    def reserve(self) -> str:
        return fresh_id(self.reserves) if self.reserves is not None else ""

    def keep(self, answer: Any) -> Kept:
        return Kept(resource_id=self.created(answer))

    async def again(self, request: Request, ctx: Context, kept: Kept) -> Any:
        return await self.replay(request, ctx, kept.resource_id)


@dataclass(frozen=True)
class IdempotentResults:
    kind: str  # what the operation settles: "emr_chart_callback", …
    results: Callable[[Any], list[ItemResult]]  # each named row's id and outcome code
    replay: Callable[[list[ItemResult]], Any]  # the answer again, from those alone

    def keep(self, answer: Any) -> Kept:
        return Kept(results=tuple(self.results(answer)))

    async def again(self, request: Request, ctx: Context, kept: Kept) -> Any:
        return self.replay(list(kept.results))


@dataclass(frozen=True)
class Answer:
    """A handler's answer with a status other than the operation's (a conditional create
    that found the row answers 200, not 201)."""

    body: BaseModel
    status: int


@dataclass(frozen=True)
class Outcome:
    body: Any
    status: int
    replayed: bool


async def run(
    spec: Idempotent | IdempotentResults,
    request: Request,
    ctx: Context,
    *,
    operation: str,
    status: int,
    call: Callable[[str | None], Awaitable[Any]],
) -> Outcome:
    """Run the create once per key, or answer again what the first run created.

    The body is read (within the upload limit) before the first statement, so no
    transaction waits on a client; the handler then reads it from memory. ``call`` is
    given the id the create is to give its row (``Idempotent.reserves``), claimed with the
    key up front, or None.
    """
    body = await _read_body(request, ctx.settings.max_upload_bytes + _ENVELOPE)
    content_type, _, params = request.headers.get("content-type", "").partition(";")
    content_type = content_type.strip().lower()
    data = _json(body) if content_type == "application/json" else _NOT_JSON
    reserved = spec.reserve() if isinstance(spec, Idempotent) else ""
    try:
        claimed = await idempotency.claim(
            ctx,
            key=request.headers[HEADER],
            operation=operation,
            fingerprint=_fingerprint(request, content_type, params, body, data),
            org_id=idempotency.scope_org(ctx, _named_org(request, data)),
            resource_type=spec.kind,
            resource_id=reserved,
            status_code=status,
        )
    except DomainError:
        await ctx.session.commit()  # the refusal's audit event; nothing else was changed
        raise
    if isinstance(claimed, idempotency.Remembered):
        kept = Kept(resource_id=claimed.resource_id, results=claimed.results)
        again = await spec.again(request, ctx, kept)
        return Outcome(body=again, status=claimed.status_code, replayed=True)
    result = await call(reserved or None)
    answer, answered = (result, status)
    if isinstance(result, Answer):
        answer, answered = result.body, result.status
    kept = spec.keep(answer)
    await idempotency.remember(
        ctx,
        claimed,
        resource_id=kept.resource_id,
        status_code=answered,
        results=kept.results,
    )
    return Outcome(body=answer, status=answered, replayed=False)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request is larger than the {limit}-byte limit")
    chunks = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise PayloadTooLarge(f"the request is larger than the {limit}-byte limit")
        chunks.append(chunk)
    body = b"".join(chunks)
    # Starlette's own cache: request.body(), .form() and .stream() read it from here.
    request._body = body
    return body


class _NotJson:
    """A body of another type, or declared JSON but not parsing: fingerprinted as sent."""


_NOT_JSON = _NotJson()


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return _NOT_JSON


def _fingerprint(request: Request, content_type: str, params: str, body: bytes, data: Any) -> str:
    scope = request.scope
    query = sorted(request.query_params.multi_items()) if scope["query_string"] else []
    return idempotency.fingerprint(
        scope["method"].encode(),
        scope["path"].encode(),
        json.dumps(query).encode(),
        content_type.encode(),
        _canonical(content_type, params, body, data),
    )


def _canonical(content_type: str, params: str, body: bytes, data: Any) -> bytes:
    """The same request sent again may be spelt differently: JSON with other spacing or
    key order, a multipart body with a new boundary."""
    if data is not _NOT_JSON:
        return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    if content_type == "multipart/form-data":
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "boundary" and value.strip('"'):
                return body.replace(value.strip('"').encode(), b"")
    return body


def _named_org(request: Request, data: Any) -> str | None:
    """The org a request names: ``?orgId=`` or a JSON body's ``orgId``."""
    named = request.query_params.get("orgId") if request.scope["query_string"] else None
    if named:
        return named
    if isinstance(data, dict) and isinstance(data.get("orgId"), str):
        return str(data["orgId"])
    return None
