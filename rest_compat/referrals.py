"""REST routes: /api/referrals (list, create, read, upload, process, QA, triage, bulk, export)."""

import csv
import io
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from models import Case, Document, Job, Patient, Referral
from models.extraction import QaResult, TriageResult
from resolvers import jobs, qa, referral_export, referral_moves, referrals, triage
from resolvers.context import Context
from resolvers.errors import ValidationFailed
from rest_compat.dumping import Dumper
from rest_compat.http import ApiRouter, is_multipart, json_body, total_if_asked
from rest_compat.idempotency import Answer, Idempotent
from rest_compat.schemas import Body, Limit, Out, Query, Stages, Timestamp, one_of_listed
from rest_compat.shapes import CaseOut, DocumentOut, PatientOut, ReferralOut, ReferrerOut
from rest_compat.uploads import SignedUploadOut, read_upload_form

router = ApiRouter(tag="Referrals")

INCLUDABLE = ("case", "patient", "documents")
UPLOAD_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)


# -- shapes -----------------------------------------------------------------------------------


class JobOut(Out):
    """A processing run: queued, running (which step, page i of n), done or failed (why)."""

    id: str
    kind: str
    status: str = Field(description="queued, running, done or failed")
    step: str | None = Field(description="text, pages, fields or checks, while running")
    page: int | None = Field(description="page being read (1-based), during the text step")
    page_count: int | None = Field(description="pages of the referral's files")
    attempts: int
    error: str | None = Field(description="why it failed, or why it is being tried again")
    created_at: Timestamp
    updated_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None

    @classmethod
    def of(cls, job: Job) -> "JobOut":
        return cls.model_validate(job, from_attributes=True)


class ReferralItemOut(ReferralOut):
    document_count: int = 0
    # Only with ?include=case,patient,documents.
    case: CaseOut | None = None
    patient: PatientOut | None = None
    documents: list[DocumentOut] | None = None


class ReferralListOut(Out):
    items: list[ReferralItemOut]
    count: int
    next_cursor: str | None
    total: int | None = None  # all pages, only when asked (?total=true)


class ReferralDetailOut(ReferralOut):
    documents: list[DocumentOut]
    # The latest processing job, with its status.
    job: JobOut | None


class DuplicateHintOut(Out):
    document_id: str
    referral_id: str | None


class UploadedOut(ReferralDetailOut):
    document: DocumentOut
    # Where to PUT the bytes (JSON requests); null when the file came in the request.
    upload: SignedUploadOut | None
    # Same bytes already in the org: the earlier document and its referral.
    likely_duplicate: DuplicateHintOut | None


class ProcessOut(Out):
    job: JobOut
    referral: ReferralOut


class QaOut(Out):
    referral_id: str
    stage: str
    qa: QaResult


class TriageOut(Out):
    referral_id: str
    stage: str
    case_id: str | None
    triage: TriageResult | None

    @classmethod
    def of(cls, referral: Referral) -> "TriageOut":
        return cls(
            referral_id=referral.id,
            stage=referral.stage,
            case_id=referral.case_id,
            triage=referral.triage,
        )


class BulkErrorOut(Out):
    code: str
    message: str


class BulkResultOut(Out):
    id: str
    ok: bool
    case_id: str | None = None
    error: BulkErrorOut | None = None


class BulkOut(Out):
    processed: int
    results: list[BulkResultOut]


# -- requests ---------------------------------------------------------------------------------


INCLUDE_PATTERN = one_of_listed(list(INCLUDABLE), empty_items=True)


class ListQuery(Query):
    org_id: str | None = None
    stage: Stages = None
    q: str | None = None
    received_from: str | None = None
    received_to: str | None = None
    cursor: str | None = None
    limit: Limit = None
    include: str | None = Field(
        default=None, description="case,patient,documents", pattern=INCLUDE_PATTERN
    )
    total: bool = Field(default=False, description="also answer total: all pages' count")


class UploadBody(Body):
    file_name: str = Field(min_length=1, max_length=1000)
    content_type: str = Field(min_length=1, max_length=200)
    size_bytes: int | None = Field(default=None, ge=0)
    document_type: str | None = None


class CreateReferralBody(UploadBody):
    org_id: str | None = None
    source: Literal["upload", "fax", "api"] | None = None
    notes: str | None = Field(default=None, max_length=4000)
    # The sending system's id: a second create with it (same org and source) answers 200
    # with the referral it made first.
    external_id: str | None = Field(default=None, min_length=1, max_length=200)


class CreateFormFields(Body):
    """The fields besides ``file`` of a multipart POST /api/referrals."""

    org_id: str | None = None
    document_type: str | None = None
    source: Literal["upload", "fax", "api"] | None = None
    notes: str | None = Field(default=None, max_length=4000)
    external_id: str | None = Field(default=None, min_length=1, max_length=200)


class UploadFormFields(Body):
    document_type: str | None = None


class TriageBody(Body):
    level: Annotated[int, Field(ge=1, le=5)] | None = None
    reason: str | None = Field(default=None, max_length=1000)
    queue: str | None = None
    priority_band: str | None = Field(default=None, pattern=r"^P[1-4]$")


class BulkBody(Body):
    org_id: str | None = None
    action: referral_moves.BulkAction
    ids: list[str] = Field(min_length=1, max_length=referral_moves.MAX_BULK)
    duplicate_of: str | None = None


class ProcessQuery(Query):
    wait: bool = Field(
        default=False,
        description="answer when the run has finished (200), or 202 after a bounded wait",
    )


class ExportQuery(Query):
    org_id: str | None = None
    stage: Stages = None


# -- helpers ----------------------------------------------------------------------------------


def _answer(model: BaseModel, status: int = 200) -> Response:
    """Serialise leaving out optional parts that were not asked for (``include``, bulk errors)."""
    return json_body(model.model_dump_json(by_alias=True, exclude_unset=True), status)


async def detail_of(ctx: Context, referral: Referral) -> dict[str, Any]:
    docs = (await referrals.documents_of(ctx, [referral])).get(referral.id, [])
    job = await referrals.process_job_of(ctx, referral)
    return {
        **ReferralOut.of(referral).model_dump(),
        "documents": [DocumentOut.of(d) for d in docs],
        "job": JobOut.of(job) if job else None,
    }


async def _uploaded(ctx: Context, result: referrals.Upload) -> UploadedOut:
    hint = result.likely_duplicate
    signed = result.upload
    return UploadedOut(
        **await detail_of(ctx, result.referral),
        document=DocumentOut.of(result.document),
        upload=SignedUploadOut.of(signed) if signed else None,
        likely_duplicate=DuplicateHintOut(
            document_id=hint.document_id, referral_id=hint.referral_id
        )
        if hint
        else None,
    )


async def _upload_again(request: Request, ctx: Context, document_id: str) -> UploadedOut:
    return await _uploaded(ctx, await referrals.upload_again(ctx, document_id=document_id))


# A create or an upload makes a document (and a referral): a retry answers it again.
IDEMPOTENT_UPLOAD = Idempotent(
    "document", lambda out: out.document.id, _upload_again, reserves=Document
)


# The list's answer, its items, cases and patients given as dicts of their fields.
_LIST = Dumper(
    ReferralListOut, built=(ReferralListOut, ReferralItemOut, CaseOut, ReferrerOut, PatientOut)
)


# -- routes (fixed paths before /:id) ---------------------------------------------------------


@router.get("/api/referrals", query=ListQuery, response=ReferralListOut)
async def list_referrals(request: Request, ctx: Context, query: ListQuery) -> Response:
    """List referrals for an organization (newest first; filters stage, q, receivedFrom/To)."""
    include = {part.strip() for part in (query.include or "").split(",") if part.strip()}
    unknown = include - set(INCLUDABLE)
    if unknown:
        raise ValidationFailed(
            f"include accepts {', '.join(INCLUDABLE)}, not {sorted(unknown)[0]!r}", field="include"
        )
    page = await referrals.list_page(
        ctx,
        org_id=query.org_id,
        stage=query.stage,
        q=query.q,
        received_from=query.received_from,
        received_to=query.received_to,
        cursor=query.cursor,
        limit=query.limit,
        document_counts=True,
    )
    rows = page.items
    docs = await referrals.documents_of(ctx, rows) if "documents" in include else {}
    case_rows = (
        await referrals.linked(ctx, Case, [r.case_id for r in rows]) if "case" in include else {}
    )
    patient_rows = (
        await referrals.linked(ctx, Patient, [r.patient_id for r in rows])
        if "patient" in include
        else {}
    )
    # Each item's fields in ReferralItemOut's order, the included parts only when asked
    # for (left out of the answer otherwise), serialised once (rest_compat.dumping).
    items: list[dict[str, Any]] = []
    for r in rows:
        item = ReferralOut.fields(r)
        item["document_count"] = r.document_count
        if "case" in include:
            case = case_rows.get(r.case_id or "")
            item["case"] = CaseOut.fields(case) if case else None
        if "patient" in include:
            patient = patient_rows.get(r.patient_id or "")
            item["patient"] = PatientOut.fields(patient) if patient else None
        if "documents" in include:
            item["documents"] = [DocumentOut.of(d) for d in docs.get(r.id, [])]
        items.append(item)
    answer: dict[str, Any] = {"items": items, "count": len(items), "next_cursor": page.next_cursor}
    if query.total:
        answer["total"] = await total_if_asked(ctx, page, query.total)
    return json_body(_LIST.dump(answer))


@router.post(
    "/api/referrals",
    body=CreateReferralBody,
    response=UploadedOut,
    status=201,
    form=CreateFormFields,
    errors=UPLOAD_ERRORS,
    idempotent=IDEMPOTENT_UPLOAD,
    also_ok=(200,),
)
async def create_referral(
    request: Request,
    ctx: Context,
    body: CreateReferralBody | None = None,
    created_id: str | None = None,
) -> UploadedOut | Answer:
    """Create a new referral. Returns a signed URL for file upload (JSON), or stores the file
    sent as multipart/form-data."""
    if is_multipart(request):
        file_name, data, fields = await read_upload_form(request, ctx, CreateFormFields)
        result = await referrals.create_with_file(
            ctx,
            org_id=fields.org_id,
            file_name=file_name,
            data=data,
            document_type=fields.document_type,
            source=fields.source,
            notes=fields.notes,
            external_id=fields.external_id,
            document_id=created_id,
        )
    else:
        assert body is not None
        result = await referrals.create(
            ctx,
            org_id=body.org_id,
            file_name=body.file_name,
            content_type=body.content_type,
            size_bytes=body.size_bytes,
            document_type=body.document_type,
            source=body.source,
            notes=body.notes,
            external_id=body.external_id,
            document_id=created_id,
        )
    if result.existing:
        return Answer(await _uploaded(ctx, result), 200)
    return await _uploaded(ctx, result)


@router.post("/api/referrals/bulk", body=BulkBody, response=BulkOut)
async def bulk_referrals(request: Request, ctx: Context, body: BulkBody) -> JSONResponse:
    """Perform bulk actions (move to triaged, mark duplicate); each id succeeds or fails alone."""
    results = await referral_moves.bulk(
        ctx, org_id=body.org_id, action=body.action, ids=body.ids, duplicate_of=body.duplicate_of
    )
    out = []
    for item in results:
        entry = BulkResultOut(id=item.id, ok=item.ok)
        if item.case_id:
            entry.case_id = item.case_id
        if item.error is not None:
            entry.error = BulkErrorOut(code=item.error.code, message=item.error.message)
        out.append(entry)
    return _answer(BulkOut(processed=len(out), results=out))


def csv_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([csv_cell(v) for v in values])
    return buffer.getvalue()


@router.get(
    "/api/referrals/export", query=ExportQuery, produces="text/csv", errors=(400, 401, 403, 422)
)
async def export_referrals(request: Request, ctx: Context, query: ExportQuery) -> StreamingResponse:
    """Export referrals as CSV. Optional stage filter. Streamed, page by page."""
    export = referral_export.start_export(ctx, org_id=query.org_id, stage=query.stage)

    async def lines() -> AsyncIterator[str]:
        yield _csv_line(list(referral_export.EXPORT_COLUMNS))
        async for page in export.pages():
            yield "".join(_csv_line(referral_export.export_record(r)) for r in page)

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="referrals-{export.org_id}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/api/referrals/:id", response=ReferralDetailOut)
async def get_referral(request: Request, ctx: Context) -> ReferralDetailOut:
    """Get a single referral by ID, with its documents, extraction, QA, triage and job."""
    referral = await referrals.get(ctx, referral_id=request.path_params["id"])
    return ReferralDetailOut(**await detail_of(ctx, referral))


@router.post(
    "/api/referrals/:id/upload",
    body=UploadBody,
    response=UploadedOut,
    status=201,
    form=UploadFormFields,
    errors=UPLOAD_ERRORS,
    idempotent=IDEMPOTENT_UPLOAD,
)
async def upload_to_referral(
    request: Request,
    ctx: Context,
    body: UploadBody | None = None,
    created_id: str | None = None,
) -> UploadedOut:
    """Upload an additional file to an existing referral (signed URL for JSON, or multipart)."""
    referral_id = request.path_params["id"]
    if is_multipart(request):
        file_name, data, fields = await read_upload_form(request, ctx, UploadFormFields)
        result = await referrals.add_file(
            ctx,
            referral_id=referral_id,
            file_name=file_name,
            data=data,
            document_type=fields.document_type,
            document_id=created_id,
        )
    else:
        assert body is not None
        result = await referrals.add_upload(
            ctx,
            referral_id=referral_id,
            file_name=body.file_name,
            content_type=body.content_type,
            size_bytes=body.size_bytes,
            document_type=body.document_type,
            document_id=created_id,
        )
    return await _uploaded(ctx, result)


@router.post(
    "/api/referrals/:id/process",
    query=ProcessQuery,
    response=ProcessOut,
    status=202,
    also=(200,),
    errors=(401, 403, 404, 409, 422),
)
async def process_referral(request: Request, ctx: Context, query: ProcessQuery) -> JSONResponse:
    """Trigger processing pipeline for a referral (queued; 202 with the job). With
    `?wait=true`, answers 200 once the run has finished, or 202 if it is still running
    after `INTAKEDESK_PROCESS_WAIT_SECONDS`."""
    referral, job = await referrals.process(ctx, referral_id=request.path_params["id"])
    if query.wait:
        referral, job = await referrals.wait_for_run(
            ctx, job, timeout=ctx.settings.process_wait_seconds
        )
    finished = query.wait and job.status not in jobs.ACTIVE
    return _answer(
        ProcessOut(job=JobOut.of(job), referral=ReferralOut.of(referral)),
        200 if finished else 202,
    )


@router.post("/api/referrals/:id/qa", response=QaOut, errors=(401, 403, 404, 409))
async def run_qa(request: Request, ctx: Context) -> QaOut:
    """Run quality-assurance checks on extracted data; a failing referral moves to review."""
    referral = await qa.run(ctx, referral_id=request.path_params["id"])
    return QaOut(
        referral_id=referral.id,
        stage=referral.stage,
        qa=referral.qa,
    )


@router.get("/api/referrals/:id/triage", response=TriageOut, errors=(401, 403, 404))
async def get_triage(request: Request, ctx: Context) -> TriageOut:
    """Get current triage result for a referral (null when not triaged yet)."""
    return TriageOut.of(await triage.current(ctx, referral_id=request.path_params["id"]))


@router.post("/api/referrals/:id/triage", body=TriageBody, response=TriageOut, errors=UPLOAD_ERRORS)
async def set_triage(request: Request, ctx: Context, body: TriageBody) -> TriageOut:
    """Set or override triage: with `level` (and a `reason`) a manual override, without it the
    org's automatic rules."""
    referral_id = request.path_params["id"]
    if body.level is None:
        given = [f for f in ("reason", "queue", "priority_band") if getattr(body, f) is not None]
        if given:
            field = "priorityBand" if given[0] == "priority_band" else given[0]
            raise ValidationFailed(
                f"{field} is only taken with level (a manual override)", field=field
            )
        referral = await triage.run_automatic(ctx, referral_id=referral_id)
    else:
        referral = await triage.override(
            ctx,
            referral_id=referral_id,
            level=body.level,
            reason=body.reason or "",
            queue=body.queue,
            priority_band=body.priority_band,
        )
    return TriageOut.of(referral)
