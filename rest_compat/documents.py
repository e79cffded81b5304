"""REST routes: /api/referral-documents (list, attach, signed read URL, status)."""

from pydantic import Field
from starlette.requests import Request

from models import Document, DocumentStatus
from resolvers import documents
from resolvers.context import Context
from rest_compat.http import ApiRouter, is_multipart, total_if_asked
from rest_compat.idempotency import Idempotent
from rest_compat.schemas import Body, Limit, Out, Query, Timestamp
from rest_compat.shapes import DocumentOut
from rest_compat.uploads import SignedUploadOut, read_upload_form

router = ApiRouter(tag="Documents")

UPLOAD_ERRORS = (400, 401, 403, 404, 413, 415, 422)


class DocumentListQuery(Query):
    org_id: str | None = None
    referral_id: str | None = None
    patient_id: str | None = None
    limit: Limit = None
    cursor: str | None = None
    total: bool = Field(default=False, description="also answer total: all pages' count")


class DocumentListOut(Out):
    items: list[DocumentOut]
    count: int
    next_cursor: str | None
    total: int | None = None  # all pages, only when asked (?total=true)


class AttachDocumentBody(Body):
    """Attach by signed upload URL: declare the file, then PUT its bytes to ``upload.url``."""

    org_id: str | None = None
    referral_id: str | None = None
    patient_id: str | None = None
    file_name: str
    content_type: str
    size_bytes: int | None = None
    document_type: str | None = None


class AttachFormFields(Body):
    """The fields besides ``file`` of a multipart POST (the type is read from the content)."""

    org_id: str | None = None
    referral_id: str | None = None
    patient_id: str | None = None
    file_name: str | None = None
    content_type: str | None = None
    document_type: str | None = None


class AttachedDocumentOut(DocumentOut):
    # Where to PUT the bytes (JSON requests); null when the file came in the request.
    upload: SignedUploadOut | None


class SignReadBody(Body):
    document_id: str
    org_id: str | None = None


class SignedReadOut(Out):
    url: str
    expires_at: Timestamp


class UpdateStatusBody(Body):
    document_id: str
    org_id: str | None = None
    status: DocumentStatus
    # Why processing failed (status failed only).
    error: str | None = None


@router.get("/api/referral-documents", query=DocumentListQuery, response=DocumentListOut)
async def list_documents(
    request: Request, ctx: Context, query: DocumentListQuery
) -> DocumentListOut:
    """List documents for a referral or patient (referralId or patientId is required)."""
    page = await documents.list_page(
        ctx,
        org_id=query.org_id,
        referral_id=query.referral_id,
        patient_id=query.patient_id,
        cursor=query.cursor,
        limit=query.limit,
    )
    return DocumentListOut(
        items=[DocumentOut.of(d) for d in page.items],
        count=len(page.items),
        next_cursor=page.next_cursor,
        total=await total_if_asked(ctx, page, query.total),
    )


async def _attached_again(request: Request, ctx: Context, document_id: str) -> AttachedDocumentOut:
    document, url = await documents.upload_again(ctx, document_id=document_id)
    upload = SignedUploadOut.of(url) if url else None
    return AttachedDocumentOut(**DocumentOut.of(document).model_dump(), upload=upload)


@router.post(
    "/api/referral-documents",
    body=AttachDocumentBody,
    response=AttachedDocumentOut,
    status=201,
    form=AttachFormFields,
    errors=UPLOAD_ERRORS,
    idempotent=Idempotent("document", lambda out: out.id, _attached_again, reserves=Document),
)
async def attach_document(
    request: Request,
    ctx: Context,
    body: AttachDocumentBody | None = None,
    created_id: str | None = None,
) -> AttachedDocumentOut:
    """Attach a document to a referral/patient: JSON answers a signed upload URL,
    multipart/form-data with a ``file`` part stores the file at once."""
    if is_multipart(request):
        file_name, data, fields = await read_upload_form(request, ctx, AttachFormFields)
        document = await documents.attach_file(
            ctx,
            org_id=fields.org_id,
            referral_id=fields.referral_id,
            patient_id=fields.patient_id,
            file_name=fields.file_name or file_name,
            data=data,
            document_type=fields.document_type,
            document_id=created_id,
        )
        return AttachedDocumentOut(**DocumentOut.of(document).model_dump(), upload=None)
    assert body is not None
    pending = await documents.attach_pending(
        ctx,
        org_id=body.org_id,
        referral_id=body.referral_id,
        patient_id=body.patient_id,
        file_name=body.file_name,
        content_type=body.content_type,
        size_bytes=body.size_bytes,
        document_type=body.document_type,
        document_id=created_id,
    )
    return AttachedDocumentOut(
        **DocumentOut.of(pending.document).model_dump(), upload=SignedUploadOut.of(pending.upload)
    )


@router.post(
    "/api/referral-documents/sign-read",
    body=SignReadBody,
    response=SignedReadOut,
    errors=(400, 401, 403, 404, 409, 415, 422),
)
async def sign_document_read(request: Request, ctx: Context, body: SignReadBody) -> SignedReadOut:
    """Get a short-lived signed URL to read a document (409 while its file never arrived)."""
    signed = await documents.sign_read(ctx, document_id=body.document_id, org_id=body.org_id)
    return SignedReadOut(url=signed.url, expires_at=signed.expires_at)


@router.patch(
    "/api/referral-documents/update-status",
    body=UpdateStatusBody,
    response=DocumentOut,
    errors=(400, 401, 403, 404, 409, 415, 422),
)
async def update_document_status(
    request: Request, ctx: Context, body: UpdateStatusBody
) -> DocumentOut:
    """Update the processing status of a document.

    uploaded → processing | processed | failed; processing → processed | failed;
    failed → processing | processed; processed → processing. Nothing returns to
    uploaded (409); the current status again changes nothing.
    """
    document = await documents.update_status(
        ctx,
        document_id=body.document_id,
        org_id=body.org_id,
        status=body.status,
        error=body.error,
    )
    return DocumentOut.of(document)
