"""Documents: stored files attached to a referral and/or a patient."""

import re
from dataclasses import dataclass

from sqlmodel import col, select

from app.storage import SignedUrl
from models import Document, DocumentStatus, DocumentType, Patient, Referral, Role, utcnow
from resolvers import audit, emr, uploads
from resolvers.access import CHANGE_LOCK, get_scoped, org_for
from resolvers.context import Context
from resolvers.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    not_found,
)
from resolvers.pagination import Page, check_limit, paginate

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ ()-]+")


@dataclass(frozen=True)
class PendingUpload:
    document: Document
    upload: SignedUrl


def clean_file_name(name: str | None) -> str:
    """The name as shown to people and EMRs: no path, no control characters, ≤ 255 chars."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = _UNSAFE_NAME.sub("_", base)[:255].strip(" .")
    if not base:
        raise ValidationFailed("fileName must name a file", field="fileName")
    return base


def parse_document_type(value: str | None) -> DocumentType:
    try:
        return DocumentType(value or DocumentType.referral)
    except ValueError:
        allowed = ", ".join(t.value for t in DocumentType)
        raise ValidationFailed(
            f"documentType must be one of {allowed}", field="documentType"
        ) from None


def _new_document(
    ctx: Context,
    *,
    org_id: str,
    file_name: str,
    content_type: str,
    document_type: DocumentType,
    referral_id: str | None,
    patient_id: str | None,
    document_id: str | None,
) -> Document:
    document = Document(
        org_id=org_id,
        referral_id=referral_id,
        patient_id=patient_id,
        file_name=clean_file_name(file_name),
        content_type=content_type,
        document_type=document_type,
        storage_key="",
        created_by=ctx.actor_id,
    )
    if document_id is not None:
        document.id = document_id
    document.storage_key = f"{org_id}/documents/{document.id}"
    return document


async def create_pending(
    ctx: Context,
    *,
    org_id: str,
    file_name: str,
    content_type: str | None,
    size_bytes: int | None = None,
    document_type: DocumentType = DocumentType.referral,
    referral_id: str | None = None,
    patient_id: str | None = None,
    document_id: str | None = None,
) -> PendingUpload:
    """A document row waiting for its bytes, and the signed URL the client PUTs them to."""
    declared = uploads.check_declared(content_type, size_bytes, ctx.settings.max_upload_bytes)
    document = _new_document(
        ctx,
        org_id=org_id,
        file_name=file_name,
        content_type=declared,
        document_type=document_type,
        referral_id=referral_id,
        patient_id=patient_id,
        document_id=document_id,
    )
    ctx.session.add(document)
    url = await ctx.storage.upload_url(
        document.storage_key, declared, ctx.settings.signed_url_ttl_seconds
    )
    audit.record(
        ctx,
        "document.create",
        org_id=org_id,
        resource_type="document",
        resource_id=document.id,
        details={"upload": "signed_url"},
    )
    return PendingUpload(document=document, upload=url)


async def store(
    ctx: Context,
    *,
    org_id: str,
    file_name: str,
    data: bytes,
    document_type: DocumentType = DocumentType.referral,
    referral_id: str | None = None,
    patient_id: str | None = None,
    document_id: str | None = None,
) -> Document:
    """Check and store bytes received in the request itself (multipart)."""
    checked = uploads.check_file(data, ctx.settings.max_upload_bytes)
    document = _new_document(
        ctx,
        org_id=org_id,
        file_name=file_name,
        content_type=checked.content_type,
        document_type=document_type,
        referral_id=referral_id,
        patient_id=patient_id,
        document_id=document_id,
    )
    await _keep(ctx, document, checked, data)
    audit.record(
        ctx,
        "document.create",
        org_id=org_id,
        resource_type="document",
        resource_id=document.id,
        details={"upload": "multipart"},
    )
    return document


async def receive_upload(ctx: Context, *, storage_key: str, data: bytes) -> Document:
    """Bytes PUT to a signed upload URL: check them, keep them, complete the document."""
    # Locked: two PUTs to one URL at once must not both store, the second over the first.
    query = select(Document).where(Document.storage_key == storage_key)
    query = query.with_for_update(**CHANGE_LOCK)
    document = (await ctx.session.scalars(query)).first()
    if document is None:
        raise NotFound("no document is waiting for this upload")
    if document.uploaded_at is not None:
        # A signed URL lives for minutes; once its bytes are in (and maybe processed),
        # a second PUT must not swap the file under the record.
        raise Conflict(f"document {document.id} already has its file; attach a new document")
    checked = uploads.check_file(data, ctx.settings.max_upload_bytes)
    await _keep(ctx, document, checked, data)
    audit.record(
        ctx,
        "document.upload",
        org_id=document.org_id,
        resource_type="document",
        resource_id=document.id,
        details={"via": "signed_url"},
    )
    await emr.document_arrived(ctx, document)
    return document


async def complete_from_storage(ctx: Context, document: Document, *, locked: bool = False) -> bool:
    """Complete a document whose client uploaded straight to the bucket (gs:// signed URLs).

    The local backend completes on the PUT itself; with Cloud Storage the bytes arrive
    without passing through us, so they are checked the first time they are needed.
    True when the document has its file now. Bytes that are not an accepted type are
    removed from the bucket and the refusal raised, as on a direct upload. ``locked``: the
    caller read ``document`` under ``CHANGE_LOCK`` in this transaction already.
    """
    if document.uploaded_at is not None:
        return True
    if not locked:
        # Locked and read again: another request may be completing it right now.
        await ctx.session.refresh(document, with_for_update=CHANGE_LOCK)
        if document.uploaded_at is not None:
            return True
    if not await ctx.storage.exists(document.storage_key):
        return False
    data = await ctx.storage.get(document.storage_key)
    try:
        checked = uploads.check_file(data, ctx.settings.max_upload_bytes)
    except (PayloadTooLarge, UnsupportedMediaType, ValidationFailed):
        await ctx.storage.delete(document.storage_key)
        raise
    await _keep(ctx, document, checked, data, store=False)
    audit.record(
        ctx,
        "document.upload",
        org_id=document.org_id,
        resource_type="document",
        resource_id=document.id,
        details={"via": "bucket"},
    )
    await emr.document_arrived(ctx, document)
    return True


async def _keep(
    ctx: Context,
    document: Document,
    checked: uploads.CheckedFile,
    data: bytes,
    *,
    store: bool = True,
) -> None:
    document.content_type = checked.content_type
    document.size_bytes = checked.size_bytes
    document.sha256 = checked.sha256
    document.page_count = checked.page_count
    document.uploaded_at = utcnow()
    document.updated_at = document.uploaded_at
    document.duplicate_of_id = await _first_with_hash(ctx, document)
    if store:
        await ctx.storage.put(document.storage_key, data, checked.content_type)
    ctx.session.add(document)


async def _first_with_hash(ctx: Context, document: Document) -> str | None:
    """An earlier document of the same org with the same bytes: a likely duplicate."""
    query = (
        select(Document.id)
        .where(
            Document.org_id == document.org_id,
            Document.sha256 == document.sha256,
            Document.id != document.id,
        )
        .order_by(col(Document.created_at), col(Document.id))
        .limit(1)
    )
    return (await ctx.session.scalars(query)).first()


# --- attaching, listing, reading, status ----------------------------------------------------

# A read URL is for opening the file now, not for keeping.
READ_URL_TTL_SECONDS = 300
ERROR_MAX = 2000

# ``uploaded`` is only where a document starts: nothing goes back to it. A
# processed document can be processed again; a failed one retried, or marked
# processed by a processor that skipped reporting ``processing``. A processed
# document does not fail afterwards (reprocess it first). Setting the current
# status again is accepted and changes nothing (a retried callback).
TRANSITIONS: dict[DocumentStatus, frozenset[DocumentStatus]] = {
    DocumentStatus.uploaded: frozenset(
        {DocumentStatus.processing, DocumentStatus.processed, DocumentStatus.failed}
    ),
    DocumentStatus.processing: frozenset({DocumentStatus.processed, DocumentStatus.failed}),
    DocumentStatus.failed: frozenset({DocumentStatus.processing, DocumentStatus.processed}),
    DocumentStatus.processed: frozenset({DocumentStatus.processing}),
}


@dataclass(frozen=True)
class Owners:
    """The org, referral and patient a document belongs (or will belong) to."""

    org_id: str
    referral: Referral | None
    patient: Patient | None

    # The ids to store on a document are the rows' found, never the ids as given: an
    # empty ``patientId`` names no patient and must not be stored as one.
    @property
    def referral_id(self) -> str | None:
        return self.referral.id if self.referral else None

    @property
    def patient_id(self) -> str | None:
        return self.patient.id if self.patient else None


async def owners(
    ctx: Context,
    *,
    org_id: str | None,
    referral_id: str | None,
    patient_id: str | None,
    minimum: Role,
) -> Owners:
    """The referral and/or patient named, all of one org (another org's is a 404)."""
    if not referral_id and not patient_id:
        raise ValidationFailed("referralId or patientId is required", field="referralId")
    if org_id:
        org_id = org_for(ctx, org_id, minimum)
    referral = patient = None
    if referral_id:
        referral = await get_scoped(
            ctx, Referral, referral_id, resource="referral", minimum=minimum
        )
        org_id = _same_org(org_id, referral.org_id, "referral", referral_id)
    if patient_id:
        patient = await get_scoped(ctx, Patient, patient_id, resource="patient", minimum=minimum)
        org_id = _same_org(org_id, patient.org_id, "patient", patient_id)
    assert org_id is not None
    return Owners(org_id=org_id, referral=referral, patient=patient)


def _same_org(org_id: str | None, row_org_id: str, resource: str, id_: str) -> str:
    if org_id and row_org_id != org_id:
        raise not_found(resource, id_)
    return row_org_id


async def _owners_for_attach(
    ctx: Context, *, org_id: str | None, referral_id: str | None, patient_id: str | None
) -> Owners:
    found = await owners(
        ctx,
        org_id=org_id,
        referral_id=referral_id,
        patient_id=patient_id,
        minimum=Role.coordinator,
    )
    referral, patient = found.referral, found.patient
    if referral and patient and referral.patient_id and referral.patient_id != patient.id:
        raise ValidationFailed(
            f"referral {referral.id} is about another patient", field="patientId"
        )
    return found


async def attach_pending(
    ctx: Context,
    *,
    org_id: str | None,
    referral_id: str | None,
    patient_id: str | None,
    file_name: str,
    content_type: str | None,
    size_bytes: int | None = None,
    document_type: str | None = None,
    document_id: str | None = None,
) -> PendingUpload:
    """Attach a document whose bytes will come through a signed upload URL."""
    kind = parse_document_type(document_type)
    found = await _owners_for_attach(
        ctx, org_id=org_id, referral_id=referral_id, patient_id=patient_id
    )
    return await create_pending(
        ctx,
        org_id=found.org_id,
        file_name=file_name,
        content_type=content_type,
        size_bytes=size_bytes,
        document_type=kind,
        referral_id=found.referral_id,
        patient_id=found.patient_id,
        document_id=document_id,
    )


async def attach_file(
    ctx: Context,
    *,
    org_id: str | None,
    referral_id: str | None,
    patient_id: str | None,
    file_name: str,
    data: bytes,
    document_type: str | None = None,
    document_id: str | None = None,
) -> Document:
    """Attach a document whose bytes came in the request itself."""
    kind = parse_document_type(document_type)
    found = await _owners_for_attach(
        ctx, org_id=org_id, referral_id=referral_id, patient_id=patient_id
    )
    return await store(
        ctx,
        org_id=found.org_id,
        file_name=file_name,
        data=data,
        document_type=kind,
        referral_id=found.referral_id,
        patient_id=found.patient_id,
        document_id=document_id,
    )


async def list_page(
    ctx: Context,
    *,
    org_id: str | None,
    referral_id: str | None,
    patient_id: str | None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Document]:
    """Documents of a referral and/or a patient, newest first."""
    limit = check_limit(limit)
    found = await owners(
        ctx, org_id=org_id, referral_id=referral_id, patient_id=patient_id, minimum=Role.viewer
    )
    query = select(Document).where(Document.org_id == found.org_id)
    if referral_id:
        query = query.where(Document.referral_id == referral_id)
    if patient_id:
        query = query.where(Document.patient_id == patient_id)
    page: Page[Document] = await paginate(ctx.session, query, Document, cursor=cursor, limit=limit)
    audit.record_many(
        ctx,
        "document.list",
        org_id=found.org_id,
        resource_type="document",
        resource_ids=[d.id for d in page.items],
    )
    return page


async def get_or_raise(
    ctx: Context,
    *,
    document_id: str,
    org_id: str | None = None,
    minimum: Role = Role.viewer,
    lock: bool = False,
) -> Document:
    document = await get_scoped(
        ctx, Document, document_id, resource="document", minimum=minimum, lock=lock
    )
    if org_id and document.org_id != org_id:
        raise not_found("document", document_id)
    return document


async def read(ctx: Context, *, document_id: str, org_id: str | None = None) -> Document:
    document = await get_or_raise(ctx, document_id=document_id, org_id=org_id)
    audit.record(
        ctx,
        "document.read",
        org_id=document.org_id,
        resource_type="document",
        resource_id=document.id,
    )
    return document


async def upload_again(ctx: Context, *, document_id: str) -> tuple[Document, SignedUrl | None]:
    """A document as its create answered it, again (an idempotent retry): with a fresh
    signed upload URL while its bytes have not arrived."""
    document = await read(ctx, document_id=document_id)
    if document.sha256 is not None:
        return document, None
    url = await ctx.storage.upload_url(
        document.storage_key, document.content_type, ctx.settings.signed_url_ttl_seconds
    )
    return document, url


async def sign_read(ctx: Context, *, document_id: str, org_id: str | None = None) -> SignedUrl:
    """A short-lived URL to download the document's bytes (a read of patient data)."""
    document = await get_or_raise(ctx, document_id=document_id, org_id=org_id)
    if not await complete_from_storage(ctx, document):
        raise Conflict(f"document {document.id} has no file: its upload never arrived")
    ttl = min(ctx.settings.signed_url_ttl_seconds, READ_URL_TTL_SECONDS)
    url = await ctx.storage.download_url(document.storage_key, ttl, file_name=document.file_name)
    audit.record(
        ctx,
        "document.read",
        org_id=document.org_id,
        resource_type="document",
        resource_id=document.id,
        details={"via": "signed_url", "expiresAt": url.expires_at.isoformat()},
    )
    return url


def parse_status(value: str | None) -> DocumentStatus:
    try:
        return DocumentStatus(value or "")
    except ValueError:
        allowed = ", ".join(s.value for s in DocumentStatus)
        raise ValidationFailed(f"status must be one of {allowed}", field="status") from None


async def update_status(
    ctx: Context,
    *,
    document_id: str,
    status: str,
    error: str | None = None,
    org_id: str | None = None,
) -> Document:
    """Move a document through its processing states (see ``TRANSITIONS``)."""
    new = parse_status(status)
    error = (error or "").strip() or None
    if error is not None and new != DocumentStatus.failed:
        raise ValidationFailed("error is only kept with status failed", field="error")
    if error is not None and len(error) > ERROR_MAX:
        raise ValidationFailed(f"error must be at most {ERROR_MAX} characters", field="error")
    document = await get_or_raise(
        ctx, document_id=document_id, org_id=org_id, minimum=Role.coordinator, lock=True
    )
    if document.uploaded_at is None:
        raise Conflict(f"document {document.id} has no file yet: its upload never arrived")
    old = DocumentStatus(document.status)
    if new == old and (new != DocumentStatus.failed or error == document.error):
        return document
    if new != old and new not in TRANSITIONS[old]:
        raise Conflict(f"a {old.value} document cannot become {new.value}", field="status")
    document.status = new
    document.error = error
    document.updated_at = utcnow()
    ctx.session.add(document)
    audit.record(
        ctx,
        "document.status",
        org_id=document.org_id,
        resource_type="document",
        resource_id=document.id,
        details={"from": old.value, "to": new.value},
    )
    return document
