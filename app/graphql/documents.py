"""Document in the graph: listing, links (referral, patient), upload and read URLs, status."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.graphql.context import Info
from app.graphql.enums import DocumentStatus, DocumentType, PageType
from app.graphql.errors import MutationError, or_null, run_mutation
from app.graphql.loaders import PatientByIdLoader, ReferralByIdLoader
from app.graphql.node import Node, register_node
from app.graphql.orgs import require_principal_or_error
from app.graphql.pagination import Connection, check_first
from app.graphql.uploads import UploadTicket
from models import Document as DocumentRow
from resolvers import documents

if TYPE_CHECKING:
    from app.graphql.patients import Patient
    from app.graphql.referrals import Referral

ReferralType = Annotated["Referral", strawberry.lazy("app.graphql.referrals")]
PatientType = Annotated["Patient", strawberry.lazy("app.graphql.patients")]


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
    page_types: list[PageType] | None = strawberry.field(
        description="What each page is, in order, as the pipeline classified it"
    )
    document_type: DocumentType
    status: DocumentStatus
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
            page_types=row.page_types,
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

    @strawberry.field(description="The referral the document came with, if any")
    async def referral(self, info: Info) -> ReferralType | None:
        from app.graphql.referrals import Referral

        if not self.row.referral_id:
            return None
        row = await info.context.loader(ReferralByIdLoader).load(self.row.referral_id)
        return Referral.from_row(row) if row else None

    @strawberry.field(description="The patient the document is attached to, if any")
    async def patient(self, info: Info) -> PatientType | None:
        from app.graphql.patients import Patient

        if not self.row.patient_id:
            return None
        row = await info.context.loader(PatientByIdLoader).load(self.row.patient_id)
        return Patient.from_row(row) if row else None


# -- queries ----------------------------------------------------------------------------------


@strawberry.type
class DocumentQuery:
    @strawberry.field(
        description="Documents of a referral and/or a patient, newest first; null when neither "
        "is given, or when they are missing or another org's"
    )
    async def documents(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        referral_id: strawberry.ID | None = None,
        patient_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Document] | None:
        check_first(first)
        if not referral_id and not patient_id:
            require_principal_or_error(info)
            return None  # documents of nothing: nothing to answer, as for a missing referral
        ctx = info.context.ctx
        page = await or_null(
            info,
            lambda: documents.list_page(
                ctx,
                org_id=org_id,
                referral_id=referral_id,
                patient_id=patient_id,
                cursor=after,
                limit=first,
            ),
        )
        return Connection.of(page, Document.from_row) if page is not None else None

    @strawberry.field(description="One document; null when missing or another org's")
    async def document(self, info: Info, id: strawberry.ID) -> Document | None:
        return await _document_node(info, id)


@register_node("doc_")
async def _document_node(info: Info, id_: str) -> Document | None:
    row = await or_null(info, lambda: documents.read(info.context.ctx, document_id=id_))
    return Document.from_row(row) if row else None


# -- mutations --------------------------------------------------------------------------------


@strawberry.input(description="Declare a file for a referral and/or patient; PUT it to upload")
class AttachDocumentInput:
    org_id: strawberry.ID | None = None
    referral_id: strawberry.ID | None = None
    patient_id: strawberry.ID | None = None
    file_name: str
    content_type: str = strawberry.field(description="application/pdf, image/tiff, png or jpeg")
    size_bytes: int | None = None
    document_type: DocumentType | None = strawberry.field(
        default=None, description="REFERRAL unless given"
    )


@strawberry.type
class AttachDocumentSuccess:
    document: Document
    upload: UploadTicket = strawberry.field(description="PUT the file's bytes here")


@strawberry.type
class SignDocumentReadSuccess:
    url: str
    expires_at: datetime


@strawberry.type
class UpdateDocumentStatusSuccess:
    document: Document


AttachDocumentResult = Annotated[
    AttachDocumentSuccess | MutationError, strawberry.union("AttachDocumentResult")
]
SignDocumentReadResult = Annotated[
    SignDocumentReadSuccess | MutationError, strawberry.union("SignDocumentReadResult")
]
UpdateDocumentStatusResult = Annotated[
    UpdateDocumentStatusSuccess | MutationError, strawberry.union("UpdateDocumentStatusResult")
]


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(description="Attach a document; answers the signed URL to PUT it to")
    async def attach_document(self, info: Info, input: AttachDocumentInput) -> AttachDocumentResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: documents.attach_pending(
                ctx,
                org_id=input.org_id,
                referral_id=input.referral_id,
                patient_id=input.patient_id,
                file_name=input.file_name,
                content_type=input.content_type,
                size_bytes=input.size_bytes,
                document_type=input.document_type,
            ),
            lambda pending: AttachDocumentSuccess(
                document=Document.from_row(pending.document),
                upload=UploadTicket.of(pending.upload),
            ),
        )

    @strawberry.mutation(description="A short-lived URL to download a document (a read)")
    async def sign_document_read(
        self, info: Info, document_id: strawberry.ID, org_id: strawberry.ID | None = None
    ) -> SignDocumentReadResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: documents.sign_read(ctx, document_id=document_id, org_id=org_id),
            lambda signed: SignDocumentReadSuccess(url=signed.url, expires_at=signed.expires_at),
        )

    @strawberry.mutation(
        description="Move a document through uploaded → processing → processed / failed"
    )
    async def update_document_status(
        self,
        info: Info,
        document_id: strawberry.ID,
        status: DocumentStatus,
        error: str | None = None,
        org_id: strawberry.ID | None = None,
    ) -> UpdateDocumentStatusResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: documents.update_status(
                ctx, document_id=document_id, status=status, error=error, org_id=org_id
            ),
            lambda row: UpdateDocumentStatusSuccess(document=Document.from_row(row)),
        )


QUERY_TYPES: list[type] = [DocumentQuery]
MUTATION_TYPES: list[type] = [DocumentMutation]
