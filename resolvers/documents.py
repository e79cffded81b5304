"""Documents: stored files attached to a referral and/or a patient."""

import re
from dataclasses import dataclass

from sqlmodel import col, select

from app.storage import SignedUrl
from models import Document, DocumentType, utcnow
from resolvers import audit, uploads
from resolvers.context import Context
from resolvers.errors import NotFound, ValidationFailed

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
    )
    ctx.session.add(document)
    url = ctx.storage.upload_url(
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
    document = (
        await ctx.session.scalars(select(Document).where(Document.storage_key == storage_key))
    ).first()
    if document is None:
        raise NotFound("no document is waiting for this upload")
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
    return document


async def _keep(
    ctx: Context, document: Document, checked: uploads.CheckedFile, data: bytes
) -> None:
    document.content_type = checked.content_type
    document.size_bytes = checked.size_bytes
    document.sha256 = checked.sha256
    document.page_count = checked.page_count
    document.uploaded_at = utcnow()
    document.updated_at = document.uploaded_at
    document.duplicate_of_id = await _first_with_hash(ctx, document)
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
