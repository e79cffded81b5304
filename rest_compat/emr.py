"""REST routes: the EMR chart queue and document queue, exactly as the seed shows them."""

from typing import Literal

from pydantic import Field
from starlette.requests import Request

from models import EmrChartItem
from resolvers import emr
from resolvers.context import Context
from rest_compat.http import ApiRouter
from rest_compat.schemas import Body, Out, Query, Timestamp
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
    dob: str | None
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

    @classmethod
    def of(cls, entry: emr.ChartEntry) -> "ChartItemOut":
        item, case, patient = entry.item, entry.case, entry.patient
        referrer = entry.referrer
        return cls(
            queue_item_id=item.id,
            org_id=item.org_id,
            case_id=item.case_id,
            status=item.status,
            patient_id=case.patient_id,
            first_name=patient.first_name if patient else None,
            last_name=patient.last_name if patient else None,
            dob=patient.dob.isoformat() if patient and patient.dob else None,
            sex=patient.sex if patient else None,
            phone=patient.phone if patient else None,
            email=patient.email if patient else None,
            address=AddressOut.model_validate(patient.address)
            if patient and patient.address
            else None,
            insurance=InsuranceOut.model_validate(patient.insurance)
            if patient and patient.insurance
            else None,
            referrer=ReferrerOut.model_validate(referrer, from_attributes=True)
            if referrer
            else None,
            location_id=case.location_id,
            emr_location_id=entry.location.emr_location_id if entry.location else None,
            triage_level=case.triage_level,
            priority_band=case.priority_band,
            attempts=item.attempts,
            last_message=item.last_message,
        )


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

    @classmethod
    def of(cls, entry: emr.DocumentEntry) -> "DocumentItemOut":
        item = entry.item
        return cls(
            queue_item_id=item.id,
            org_id=item.org_id,
            case_id=item.case_id,
            mrn=entry.mrn,
            status=item.status,
            document_type=item.document_type,
            file_name=item.file_name,
            content_type=item.content_type,
            download_url=entry.download_url,
            download_url_expires_at=entry.expires_at,
            attempts=item.attempts,
            last_message=item.last_message,
        )


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


def _callback_answer(outcomes: list[emr.CallbackOutcome]) -> dict[str, object]:
    answer = CallbackOut(
        processed=sum(1 for o in outcomes if o.ok),
        results=[
            CallbackEntryOut(queue_item_id=o.queue_item_id, ok=o.ok, error=o.error)
            for o in outcomes
        ],
    )
    # As the seed shows it: {"queueItemId", "ok"}, with "error" only for a refused entry.
    return answer.model_dump(mode="json", by_alias=True, exclude_none=True)


def _results(body: ChartCallbackBody | DocumentCallbackBody) -> list[emr.CallbackResult]:
    return [
        emr.CallbackResult(
            queue_item_id=r.queue_item_id,
            status=r.status,
            emr_chart_id=getattr(r, "emr_chart_id", None),
            message=r.message,
        )
        for r in body.results
    ]


# -- routes ------------------------------------------------------------------------------------


@router.post(
    "/api/cases/:caseId/emr-queue", body=QueueCaseBody, response=QueuedOut, errors=WRITE_ERRORS
)
async def queue_case(request: Request, ctx: Context, body: QueueCaseBody) -> QueuedOut:
    """Manually queue a case for EMR chart creation (user token; 409 if queued or created)."""
    item: EmrChartItem = await emr.queue_case(
        ctx, case_id=request.path_params["caseId"], force=body.force
    )
    case = await emr.case_of(ctx, item)
    return QueuedOut(
        queue_item_id=item.id, case_id=item.case_id, status=item.status, case=CaseOut.of(case)
    )


@router.get("/api/emr/queue", query=PollQuery, response=ChartPollOut, errors=BRIDGE_ERRORS)
async def poll_queue(request: Request, ctx: Context, query: PollQuery) -> ChartPollOut:
    """Poll pending queue items for chart creation (API key; read-only unless leased)."""
    org, entries = await emr.poll_charts(
        ctx, org_id=query.org_id, lease=query.lease, limit=query.limit
    )
    items = [ChartItemOut.of(e) for e in entries]
    return ChartPollOut(org_id=org, items=items, count=len(items))


@router.post(
    "/api/emr/queue/callback",
    body=ChartCallbackBody,
    response=CallbackOut,
    errors=BRIDGE_ERRORS,
)
async def queue_callback(request: Request, ctx: Context, body: ChartCallbackBody) -> object:
    """Report chart creation results; a success queues the case's documents and summary."""
    outcomes = await emr.chart_callback(ctx, org_id=body.org_id, results=_results(body))
    return _callback_answer(outcomes)


@router.get(
    "/api/emr/document-queue", query=PollQuery, response=DocumentPollOut, errors=BRIDGE_ERRORS
)
async def poll_document_queue(request: Request, ctx: Context, query: PollQuery) -> DocumentPollOut:
    """Poll pending document items, each with a fresh signed download URL (15 min TTL)."""
    org, entries = await emr.poll_documents(
        ctx, org_id=query.org_id, lease=query.lease, limit=query.limit
    )
    items = [DocumentItemOut.of(e) for e in entries]
    return DocumentPollOut(org_id=org, items=items, count=len(items))


@router.post(
    "/api/emr/document-queue/callback",
    body=DocumentCallbackBody,
    response=CallbackOut,
    errors=BRIDGE_ERRORS,
)
async def document_queue_callback(
    request: Request, ctx: Context, body: DocumentCallbackBody
) -> object:
    """Report document delivery results; recomputes the case's emrDocumentStatus."""
    outcomes = await emr.document_callback(ctx, org_id=body.org_id, results=_results(body))
    return _callback_answer(outcomes)
