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
from starlette.requests import Request

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
    call: Callable[[], Awaitable[Any]],
) -> Outcome:
    """Run the create once per key, or answer again what the first run created.

    The body is read (within the upload limit) before the first statement, so no
    transaction waits on a client; the handler then reads it from memory.
    """
    body = await _read_body(request, ctx.settings.max_upload_bytes + _ENVELOPE)
    try:
        held, record = await idempotency.claim(
            ctx,
            key=request.headers[HEADER],
            operation=operation,
            fingerprint=_fingerprint(request, body),
            org_id=idempotency.scope_org(ctx, _named_org(request, body)),
        )
    except DomainError:
        await ctx.session.commit()  # the refusal's audit event; nothing else was changed
        raise
    if record is not None:
        kept = Kept(resource_id=record.resource_id, results=record.results)
        again = await spec.again(request, ctx, kept)
        return Outcome(body=again, status=record.status_code, replayed=True)
    result = await call()
    answer, answered = (result, status)
    if isinstance(result, Answer):
        answer, answered = result.body, result.status
    kept = spec.keep(answer)
    await idempotency.remember(
        ctx,
        held,
        resource_type=spec.kind,
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


def _fingerprint(request: Request, body: bytes) -> str:
    content_type, _, params = request.headers.get("content-type", "").partition(";")
    content_type = content_type.strip().lower()
    query = sorted(request.query_params.multi_items())
    return idempotency.fingerprint(
        request.method.encode(),
        request.url.path.encode(),
        json.dumps(query).encode(),
        content_type.encode(),
        _canonical(content_type, params, body),
    )


def _canonical(content_type: str, params: str, body: bytes) -> bytes:
    """The same request sent again may be spelt differently: JSON with other spacing or
    key order, a multipart body with a new boundary."""
    if content_type == "application/json":
        try:
            return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            return body
    if content_type == "multipart/form-data":
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "boundary" and value.strip('"'):
                return body.replace(value.strip('"').encode(), b"")
    return body


def _named_org(request: Request, body: bytes) -> str | None:
    named = request.query_params.get("orgId")
    if named:
        return named
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if isinstance(data, dict) and isinstance(data.get("orgId"), str):
            return str(data["orgId"])
    return None
