from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import created_field, id_field, org_field, org_unique, same_org, timestamp_field
from models.extraction import PydanticJSON


class DocumentType(StrEnum):
    referral = "referral"
    lab = "lab"
    imaging = "imaging"
    summary = "summary"
    other = "other"


class PageType(StrEnum):
    """What one page of a packet is (the pipeline's page classifier decides)."""

    referral = "referral"  # the referral form or letter itself
    clinical_notes = "clinical_notes"
    lab = "lab"
    imaging = "imaging"
    insurance_card = "insurance_card"
    cover_sheet = "cover_sheet"
    other = "other"


class DocumentStatus(StrEnum):
    uploaded = "uploaded"
    processing = "processing"
    processed = "processed"
    failed = "failed"


class Document(SQLModel, table=True):
    __tablename__ = "documents"
    __table_args__ = (
        sa.Index("ix_documents_org_referral", "org_id", "referral_id"),
        sa.Index("ix_documents_org_patient", "org_id", "patient_id"),
        sa.Index("ix_documents_org_sha256", "org_id", "sha256"),
        sa.Index("ix_documents_storage_key", "storage_key", unique=True),
        org_unique("documents"),
        same_org("documents", "referral_id", "referrals"),
        same_org("documents", "patient_id", "patients"),
    )

    id: str = id_field("doc_")
    org_id: str = org_field()
    referral_id: str | None = Field(default=None, max_length=40)
    patient_id: str | None = Field(default=None, max_length=40)
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    document_type: DocumentType = Field(default=DocumentType.referral, sa_type=sa.String(20))
    status: DocumentStatus = Field(default=DocumentStatus.uploaded, sa_type=sa.String(20))
    storage_key: str = Field(max_length=300)
    # Null until the bytes have arrived and been checked (signed-URL uploads).
    size_bytes: int | None = Field(default=None)
    sha256: str | None = Field(default=None, max_length=64)
    page_count: int | None = Field(default=None)
    # What each page is, in order, as the pipeline classified it; documentType follows them.
    page_types: list[PageType] | None = Field(default=None, sa_type=PydanticJSON(list[PageType]))
    uploaded_at: datetime | None = timestamp_field()
    # Earlier document of this org with the same bytes, if any.
    duplicate_of_id: str | None = Field(default=None, max_length=40)
    error: str | None = Field(default=None, max_length=2000)
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = created_field()
    updated_at: datetime = timestamp_field(nullable=False)
