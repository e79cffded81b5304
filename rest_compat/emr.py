"""REST routes: the EMR chart queue and document queue, exactly as the seed shows them."""

from datetime import date
from typing import Any, Literal

from pydantic import Field
from pydantic_core import to_json
from starlette.requests import Request
from starlette.responses import Response

from models import Case, EmrChartItem
from resolvers import emr, emr_callbacks, emr_polls
from resolvers.context import Context
from rest_compat.http import API_KEY_CREDENTIALS, USER_CREDENTIALS, ApiRouter
from rest_compat.idempotency import Idempotent, IdempotentResults, ItemResult
from rest_compat.schemas import Body, Out, Query, Timestamp, iso_z
from rest_compat.shapes import AddressOut, CaseOut, InsuranceOut

router = ApiRouter(tag="EMR")

WRITE_ERRORS = (400, 401, 403, 404, 409, 415, 422)
BRIDGE_ERRORS = (400, 401, 403, 415, 422)


# -- requests ----------------------------------------------------------------------------------


class QueueCaseBody(Body):
    # Queue again although the case is queued or its chart exists.
    force: bool = False


class PollQuery(Query):
    org_id: str | None = None
    # Seconds: hand the items to this poller alone (status processing) until then.
    lease: int | None = Field(default=None, ge=1, le=emr.MAX_LEASE_SECONDS)
    limit: int | None = Field(default=None, ge=1, le=emr.MAX_RESULTS)


class ChartResultIn(Body):
    queue_item_id: str = Field(min_length=1, max_length=100)
    status: Literal["success", "failed", "error"]
    emr_chart_id: str | None = Field(default=None, max_length=100)
    message: str | None = None


class ChartCallbackBody(Body):
    org_id: str | None = None
    results: list[ChartResultIn] = Field(max_length=emr.MAX_RESULTS)


class DocumentResultIn(Body):
    queue_item_id: str = Field(min_length=1, max_length=100)
    status: Literal["success", "failed", "error"]
    message: str | None = None


class DocumentCallbackBody(Body):
    org_id: str | None = None
    results: list[DocumentResultIn] = Field(max_length=emr.MAX_RESULTS)


# -- answers -----------------------------------------------------------------------------------


class QueuedOut(Out):
    ok: bool = True
    queue_item_id: str
    case_id: str
    status: str
    case: CaseOut


class ReferrerOut(Out):
    practice_id: str | None
    practice_name: str | None
    provider_id: str | None
    provider_name: str | None
    npi: str | None
    phone: str | None
    fax: str | None


class ChartItemOut(Out):
    queue_item_id: str
    org_id: str
    case_id: str
    status: str
    patient_id: str | None
    first_name: str | None
    last_name: str | None
    dob: date | None
    sex: str | None
    phone: str | None
    email: str | None
    address: AddressOut | None
    insurance: InsuranceOut | None
    referrer: ReferrerOut | None
    location_id: str | None
    emr_location_id: str | None
    triage_level: int | None
    priority_band: str | None
    attempts: int
    last_message: str | None


class ChartPollOut(Out):
    org_id: str
    items: list[ChartItemOut]
    count: int


class DocumentItemOut(Out):
    queue_item_id: str
    org_id: str
    case_id: str
    mrn: str | None
    status: str
    document_type: str
    file_name: str
    content_type: str
    download_url: str
    download_url_expires_at: Timestamp
    attempts: int
    last_message: str | None


class DocumentPollOut(Out):
    org_id: str
    items: list[DocumentItemOut]
    count: int


class CallbackEntryOut(Out):
    queue_item_id: str
    ok: bool
    # Only when ok is false: why this entry was not applied.
    error: str | None = None


class CallbackOut(Out):
    processed: int
    results: list[CallbackEntryOut]


# A poll answers thousands of items. Shaping each through its model costs more than the
# rest of the request (~40 ms per 1,000 items), so the entries, already typed by the
# resolver, are written as the documented keys directly; ChartPollOut and DocumentPollOut
# declare the shape for OpenAPI, and tests/test_emr_rest.py validates answers against them.


def _json(body: dict[str, object]) -> Response:
    return Response(to_json(body), media_type="application/json")


def _chart_item(e: emr_polls.ChartEntry) -> dict[str, object]:
    r = e.referrer
    return {
        "queueItemId": e.queue_item_id,
        "orgId": e.org_id,
        "caseId": e.case_id,
        "status": e.status,
        "patientId": e.patient_id,
        "firstName": e.first_name,
        "lastName": e.last_name,
        "dob": e.dob,
        "sex": e.sex,
        "phone": e.phone,
        "email": e.email,
        "address": e.address,
        "insurance": e.insurance,
        "referrer": None
        if r is None
        else {
            "practiceId": r.practice_id,
            "practiceName": r.practice_name,
            "providerId": r.provider_id,
            "providerName": r.provider_name,
            "npi": r.npi,
            "phone": r.phone,
            "fax": r.fax,
        },
        "locationId": e.location_id,
        "emrLocationId": e.emr_location_id,
        "triageLevel": e.triage_level,
        "priorityBand": e.priority_band,
        "attempts": e.attempts,
        "lastMessage": e.last_message,
    }


def _document_item(e: emr_polls.DocumentEntry) -> dict[str, object]:
    return {
        "queueItemId": e.queue_item_id,
        "orgId": e.org_id,
        "caseId": e.case_id,
        "mrn": e.mrn,
        "status": e.status,
        "documentType": e.document_type,
        "fileName": e.file_name,
        "contentType": e.content_type,
        "downloadUrl": e.download_url,
        "downloadUrlExpiresAt": iso_z(e.download_url_expires_at),
        "attempts": e.attempts,
        "lastMessage": e.last_message,
    }


# An idempotent retry of a callback answers its first answer again from what the key kept of
# it: each entry's queue item id and "ok" or its error (which names no more than the id).
OK = "ok"


def _callback_results(answer: dict[str, Any]) -> list[ItemResult]:
    return [
        ItemResult(id=entry["queueItemId"], outcome=OK if entry["ok"] else entry["error"])
        for entry in answer["results"]
    ]


def _callback_again(results: list[ItemResult]) -> dict[str, object]:
    return _callback_answer(
        [
            emr_callbacks.CallbackOutcome(
                r.id, ok=r.outcome == OK, error=None if r.outcome == OK else r.outcome
            )
            for r in results
        ]
    )


def _callback_answer(outcomes: list[emr_callbacks.CallbackOutcome]) -> dict[str, object]:
    answer = CallbackOut(
        processed=sum(1 for o in outcomes if o.ok),
        results=[
            CallbackEntryOut(queue_item_id=o.queue_item_id, ok=o.ok, error=o.error)
            for o in outcomes
        ],
    )
    # As the seed shows it: {"queueItemId", "ok"}, with "error" only for a refused entry.
    return answer.model_dump(mode="json", by_alias=True, exclude_none=True)


def _results(body: ChartCallbackBody | DocumentCallbackBody) -> list[emr_callbacks.CallbackResult]:
    return [
        emr_callbacks.CallbackResult(
            queue_item_id=r.queue_item_id,
            status=r.status,
            emr_chart_id=getattr(r, "emr_chart_id", None),
            message=r.message,
        )
        for r in body.results
    ]


def _queued(item: EmrChartItem, case: Case) -> QueuedOut:
    return QueuedOut(
        queue_item_id=item.id, case_id=item.case_id, status=item.status, case=CaseOut.of(case)
    )


async def _queued_again(request: Request, ctx: Context, item_id: str) -> QueuedOut:
    return _queued(*await emr.queued_chart(ctx, item_id=item_id))


# -- routes ------------------------------------------------------------------------------------


@router.post(
    "/api/cases/:caseId/emr-queue",
    body=QueueCaseBody,
    response=QueuedOut,
    errors=WRITE_ERRORS,
    credentials=USER_CREDENTIALS,
    idempotent=Idempotent("emr_chart_item", lambda out: out.queue_item_id, _queued_again),
)
async def queue_case(request: Request, ctx: Context, body: QueueCaseBody) -> QueuedOut:
    """Manually queue a case for EMR chart creation (user token; 409 if queued or created)."""
    item: EmrChartItem = await emr.queue_case(
        ctx, case_id=request.path_params["caseId"], force=body.force
    )
    return _queued(item, await emr.case_of(ctx, item))


@router.get(
    "/api/emr/queue",
    query=PollQuery,
    response=ChartPollOut,
    errors=BRIDGE_ERRORS,
    credentials=API_KEY_CREDENTIALS,
)
async def poll_queue(request: Request, ctx: Context, query: PollQuery) -> Response:
    """Poll pending queue items for chart creation (API key; read-only unless leased)."""
    org, entries = await emr_polls.poll_charts(
        ctx, org_id=query.org_id, lease=query.lease, limit=query.limit
    )
    return _json({"orgId": org, "items": [_chart_item(e) for e in entries], "count": len(entries)})


@router.post(
    "/api/emr/queue/callback",
    body=ChartCallbackBody,
    response=CallbackOut,
    errors=BRIDGE_ERRORS,
    credentials=API_KEY_CREDENTIALS,
    idempotent=IdempotentResults("emr_chart_callback", _callback_results, _callback_again),
)
async def queue_callback(request: Request, ctx: Context, body: ChartCallbackBody) -> object:
    """Report chart creation results; a success queues the case's documents and summary."""
    outcomes = await emr_callbacks.chart_callback(ctx, org_id=body.org_id, results=_results(body))
    return _callback_answer(outcomes)


@router.get(
    "/api/emr/document-queue",
    query=PollQuery,
    response=DocumentPollOut,
    errors=BRIDGE_ERRORS,
    credentials=API_KEY_CREDENTIALS,
)
async def poll_document_queue(request: Request, ctx: Context, query: PollQuery) -> Response:
    """Poll pending document items, each with a fresh signed download URL (15 min TTL)."""
    org, entries = await emr_polls.poll_documents(
        ctx, org_id=query.org_id, lease=query.lease, limit=query.limit
    )
    items = [_document_item(e) for e in entries]
    return _json({"orgId": org, "items": items, "count": len(items)})


@router.post(
    "/api/emr/document-queue/callback",
    body=DocumentCallbackBody,
    response=CallbackOut,
    errors=BRIDGE_ERRORS,
    credentials=API_KEY_CREDENTIALS,
    idempotent=IdempotentResults("emr_document_callback", _callback_results, _callback_again),
)
async def document_queue_callback(
    request: Request, ctx: Context, body: DocumentCallbackBody
) -> object:
    """Report document delivery results; recomputes the case's emrDocumentStatus."""
    outcomes = await emr_callbacks.document_callback(
        ctx, org_id=body.org_id, results=_results(body)
    )
    return _callback_answer(outcomes)
