"""Document in the graph."""

from datetime import datetime

import strawberry

from app.graphql.node import Node
from models import Document as DocumentRow


@strawberry.type
class Document(Node):
    org_id: str
    referral_id: str | None
    patient_id: str | None
    file_name: str
    content_type: str
    size_bytes: int | None
    sha256: str | None
    page_count: int | None
    document_type: str
    status: str
    upload_complete: bool
    uploaded_at: datetime | None
    likely_duplicate_of: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[DocumentRow]

    @classmethod
    def from_row(cls, row: DocumentRow) -> "Document":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            referral_id=row.referral_id,
            patient_id=row.patient_id,
            file_name=row.file_name,
            content_type=row.content_type,
            size_bytes=row.size_bytes,
            sha256=row.sha256,
            page_count=row.page_count,
            document_type=row.document_type,
            status=row.status,
            upload_complete=row.uploaded_at is not None,
            uploaded_at=row.uploaded_at,
            likely_duplicate_of=row.duplicate_of_id,
            error=row.error,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )


QUERY_TYPES: list[type] = []
MUTATION_TYPES: list[type] = []
