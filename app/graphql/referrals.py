"""Referral in the graph: queries, links (case, patient, documents, referrer, …) and mutations."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from graphql import FieldNode, FragmentDefinitionNode

from app.graphql.context import Info
from app.graphql.enums import (
    BulkAction,
    JobStatus,
    JobStep,
    PriorityBand,
    ReferralStage,
)
from app.graphql.enums import DocumentType as DocumentKind
from app.graphql.errors import MutationError, or_null, run_mutation
from app.graphql.extraction import (
    ExtractedReferrer,
    Extraction,
    QaResult,
    Triage,
    qa_of,
    triage_of,
)
from app.graphql.loaders import (
    CaseByIdLoader,
    DocumentsByReferralIdLoader,
    PatientByIdLoader,
    PracticeByIdLoader,
    ProcessJobByReferralIdLoader,
    ProviderByIdLoader,
    ReferralByIdLoader,
)
from app.graphql.node import Node, register_node
from app.graphql.pagination import Connection, check_first
from app.graphql.scalars import DateOrDateTime
from app.graphql.selections import fields_of
from app.graphql.uploads import UploadTicket
from models import Job as JobRow
from models import Referral as ReferralRow
from resolvers import qa, referral_moves, referrals, triage
from resolvers.pagination import Page

if TYPE_CHECKING:
    from app.graphql.audit import AuditEvent
    from app.graphql.cases import Case
    from app.graphql.documents import Document
    from app.graphql.patients import Patient
    from app.graphql.referrers import Practice, Provider

CaseType = Annotated["Case", strawberry.lazy("app.graphql.cases")]
PatientType = Annotated["Patient", strawberry.lazy("app.graphql.patients")]
DocumentType = Annotated["Document", strawberry.lazy("app.graphql.documents")]
PracticeType = Annotated["Practice", strawberry.lazy("app.graphql.referrers")]
ProviderType = Annotated["Provider", strawberry.lazy("app.graphql.referrers")]
AuditEventType = Annotated["AuditEvent", strawberry.lazy("app.graphql.audit")]


@strawberry.type(description="A processing run of a referral")
class Job(Node):
    kind: str
    status: JobStatus
    step: JobStep | None = strawberry.field(description="Where a running job is")
    page: int | None = strawberry.field(description="Page being read (1-based), in the text step")
    page_count: int | None = strawberry.field(description="Pages of the referral's files")
    attempts: int
    error: str | None = strawberry.field(description="Why it failed, or why it is tried again")
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: JobRow) -> "Job":
        return cls(
            id=strawberry.ID(row.id),
            kind=row.kind,
            status=row.status,
            step=row.step,
            page=row.page,
            page_count=row.page_count,
            attempts=row.attempts,
            error=row.error,
            created_at=row.created_at,
            updated_at=row.updated_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
        )


@strawberry.type
class ReferralReferrer:
    practice: PracticeType | None = strawberry.field(description="Matched on the referral's case")
    provider: ProviderType | None = strawberry.field(description="Matched on the referral's case")
    extracted: ExtractedReferrer | None = strawberry.field(description="As read off the referral")


@strawberry.type
class Referral(Node):
    org_id: str
    stage: ReferralStage
    source: str
    external_id: str | None = strawberry.field(
        description="The sending system's id for it, unique per org and source"
    )
    case_id: str | None
    patient_id: str | None
    duplicate_of: str | None
    extraction: Extraction | None
    qa: QaResult | None
    triage: Triage | None
    error: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime
    processed_at: datetime | None
    row: strawberry.Private[ReferralRow]

    @classmethod
    def from_row(cls, row: ReferralRow) -> "Referral":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            stage=row.stage,
            source=row.source,
            external_id=row.external_id,
            case_id=row.case_id,
            patient_id=row.patient_id,
            duplicate_of=row.duplicate_of_id,
            extraction=Extraction.of(row.extraction),
            qa=qa_of(row.qa),
            triage=triage_of(row.triage),
            error=row.error,
            notes=row.notes,
            created_at=row.created_at,
            updated_at=row.updated_at,
            processed_at=row.processed_at,
            row=row,
        )

    @strawberry.field(description="The case this referral was merged into")
    def case(self, info: Info) -> CaseType | None:
        from app.graphql.cases import Case

        return _linked(info, CaseByIdLoader, self.case_id, Case.from_row)

    @strawberry.field
    def patient(self, info: Info) -> PatientType | None:
        from app.graphql.patients import Patient

        return _linked(info, PatientByIdLoader, self.patient_id, Patient.from_row)

    @strawberry.field(description="The referral's files, oldest first")
    async def documents(self, info: Info) -> list[DocumentType]:
        from app.graphql.documents import Document

        rows = await info.context.loader(DocumentsByReferralIdLoader).load(self.row.id)
        return [Document.from_row(r) for r in rows]

    @strawberry.field(description="The original, when this referral is marked duplicate")
    async def duplicate_of_referral(self, info: Info) -> "Referral | None":
        row = await _load(info, ReferralByIdLoader, self.duplicate_of)
        return Referral.from_row(row) if row else None

    @strawberry.field(description="The practice and provider matched on the case, or as read")
    async def referrer(self, info: Info) -> ReferralReferrer:
        from app.graphql.referrers import Practice, Provider

        case = await _load(info, CaseByIdLoader, self.case_id)
        practice = await _load(info, PracticeByIdLoader, case.practice_id if case else None)
        provider = await _load(info, ProviderByIdLoader, case.provider_id if case else None)
        return ReferralReferrer(
            practice=Practice.from_row(practice) if practice else None,
            provider=Provider.from_row(provider) if provider else None,
            extracted=self.row.extraction.referrer  # type: ignore[arg-type]
            if self.row.extraction
            else None,
        )

    @strawberry.field(description="The newest processing job, with its status")
    async def job(self, info: Info) -> Job | None:
        row = await info.context.loader(ProcessJobByReferralIdLoader).load(self.row.id)
        return Job.from_row(row) if row else None

    @strawberry.field(
        description="The newest audit events about this referral (at most 50); null unless you "
        "are an admin of its org"
    )
    async def audit_events(self, info: Info) -> list[AuditEventType] | None:
        from app.graphql.audit import trail_of

        return await trail_of(info, "referral", self.row)


def _linked(info: Info, loader_class: type, key: str | None, convert: Callable[[Any], Any]) -> Any:
    """The node for ``key``: at once when the page prefetched its row (``_prefetch``),
    else an awaitable through the loader (graphql-core awaits what a resolver returns)."""
    if not key:
        return None
    loader = info.context.loader(loader_class)
    if key in loader.known:
        row = loader.known[key]
        return convert(row) if row else None

    async def later() -> Any:
        row = await loader.load(key)
        return convert(row) if row else None

    return later()


# Fields of a page's nodes fetched with the page when asked for, by the loader that would.
_PREFETCHED = {"case": ("case_id", CaseByIdLoader), "patient": ("patient_id", PatientByIdLoader)}


async def _prefetch(info: Info, rows: list[Any]) -> None:
    """Cases and patients every node of the page asks for, in one query each, before the
    nodes resolve: the same statements (and audit events) the loaders would send."""
    raw = info._raw_info
    asked = _node_fields(raw.field_nodes, raw.fragments, raw.variable_values)
    for name, (column, loader_class) in _PREFETCHED.items():
        if name in asked:
            await info.context.loader(loader_class).prefetch(getattr(r, column) for r in rows)


def _node_fields(
    fields: list[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> set[str]:
    """Names the executor will run under ``nodes`` of the connection field(s), through
    fragments and as @skip and @include leave them (read off the document itself:
    Strawberry's ``selected_fields`` converts the whole selection, arguments and
    directives, to answer the same)."""
    names: set[str] = set()
    for field in fields:
        for nodes, _ in fields_of(field.selection_set, fragments, variables=variables):
            if nodes.name.value == "nodes":
                selected = fields_of(nodes.selection_set, fragments, variables=variables)
                names.update(f.name.value for f, _ in selected)
    return names


def _load(info: Info, loader: type, key: str | None) -> Awaitable[Any]:
    if not key:
        return _none()
    result: Awaitable[Any] = info.context.loader(loader).load(key)
    return result


async def _none() -> None:
    return None


# -- queries ----------------------------------------------------------------------------------


@strawberry.type
class ReferralQuery:
    @strawberry.field(description="An org's referrals, newest first (null for an org not yours)")
    async def referrals(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
        stage: list[ReferralStage] | None = None,
        q: str | None = None,
        received_from: DateOrDateTime | None = None,
        received_to: DateOrDateTime | None = None,
    ) -> Connection[Referral] | None:
        check_first(first)
        ctx = info.context.ctx
        stages = ",".join(s.value for s in stage) if stage else None

        async def page() -> Page[ReferralRow]:
            try:
                return await referrals.list_page(
                    ctx,
                    org_id=org_id,
                    stage=stages,
                    q=q or None,
                    received_from=received_from,
                    received_to=received_to,
                    cursor=after,
                    limit=first,
                )
            except referrals.EmptyWindow:
                # receivedFrom not before receivedTo: nothing was received in that window.
                return Page(items=[], next_cursor=None)

        found = await or_null(info, page)
        if found is None:
            return None
        await _prefetch(info, found.items)
        return Connection.of(found, Referral.from_row)

    @strawberry.field(description="One referral; null when missing or another org's")
    async def referral(self, info: Info, id: strawberry.ID) -> Referral | None:
        return await _referral_node(info, id)


@register_node("ref_")
async def _referral_node(info: Info, id_: str) -> Referral | None:
    row = await or_null(info, lambda: referrals.get(info.context.ctx, referral_id=id_))
    return Referral.from_row(row) if row else None


# -- mutations --------------------------------------------------------------------------------


@strawberry.type
class CreateReferralSuccess:
    referral: Referral
    document: DocumentType
    upload: UploadTicket = strawberry.field(description="PUT the file's bytes here")


@strawberry.type
class AddReferralDocumentSuccess:
    referral: Referral
    document: DocumentType
    upload: UploadTicket = strawberry.field(description="PUT the file's bytes here")


@strawberry.type
class ProcessReferralSuccess:
    referral: Referral
    job: Job


@strawberry.type
class RunReferralQaSuccess:
    referral: Referral
    qa: QaResult


@strawberry.type
class SetTriageSuccess:
    referral: Referral
    triage: Triage


@strawberry.type
class MarkReferralDuplicateSuccess:
    referral: Referral


@strawberry.type
class BulkItemError:
    code: str
    message: str


@strawberry.type
class BulkReferralResult:
    id: strawberry.ID
    ok: bool
    case_id: str | None = None
    error: BulkItemError | None = None


@strawberry.type
class BulkReferralActionSuccess:
    processed: int
    results: list[BulkReferralResult]


@strawberry.input
class CreateReferralInput:
    org_id: strawberry.ID | None = None
    file_name: str
    content_type: str
    size_bytes: int | None = None
    document_type: DocumentKind | None = None
    source: str | None = None
    notes: str | None = None


@strawberry.input
class AddReferralDocumentInput:
    referral_id: strawberry.ID
    file_name: str
    content_type: str
    size_bytes: int | None = None
    document_type: DocumentKind | None = None


@strawberry.input
class SetTriageInput:
    referral_id: strawberry.ID
    level: int = strawberry.field(description="1 (most urgent) … 5")
    reason: str
    queue: str | None = None
    priority_band: PriorityBand | None = None


@strawberry.input
class BulkReferralActionInput:
    org_id: strawberry.ID | None = None
    action: BulkAction
    ids: list[strawberry.ID]
    duplicate_of: strawberry.ID | None = None


def _union(name: str, success: type) -> Any:
    return Annotated[success | MutationError, strawberry.union(name)]


CreateReferralResult = _union("CreateReferralResult", CreateReferralSuccess)
AddReferralDocumentResult = _union("AddReferralDocumentResult", AddReferralDocumentSuccess)
ProcessReferralResult = _union("ProcessReferralResult", ProcessReferralSuccess)
RunReferralQaResult = _union("RunReferralQaResult", RunReferralQaSuccess)
SetTriageResult = _union("SetTriageResult", SetTriageSuccess)
MarkReferralDuplicateResult = _union("MarkReferralDuplicateResult", MarkReferralDuplicateSuccess)
BulkReferralActionResult = _union("BulkReferralActionResult", BulkReferralActionSuccess)


def _ticket(upload: referrals.Upload) -> UploadTicket:
    signed = upload.upload
    assert signed is not None
    return UploadTicket.of(signed)


def _document(upload: referrals.Upload) -> Any:
    from app.graphql.documents import Document

    return Document.from_row(upload.document)


def _triaged(row: ReferralRow) -> SetTriageSuccess:
    result = triage_of(row.triage)
    assert result is not None
    return SetTriageSuccess(referral=Referral.from_row(row), triage=result)


def _bulk_result(item: referral_moves.BulkItem) -> BulkReferralResult:
    return BulkReferralResult(
        id=strawberry.ID(item.id),
        ok=item.ok,
        case_id=item.case_id,
        error=BulkItemError(code=item.error.code, message=item.error.message)
        if item.error
        else None,
    )


@strawberry.type
class ReferralMutation:
    @strawberry.mutation(description="A new referral; answers the signed URL to PUT its file to")
    async def create_referral(self, info: Info, input: CreateReferralInput) -> CreateReferralResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: referrals.create(
                ctx,
                org_id=input.org_id,
                file_name=input.file_name,
                content_type=input.content_type,
                size_bytes=input.size_bytes,
                document_type=input.document_type,
                source=input.source,
                notes=input.notes,
            ),
            lambda up: CreateReferralSuccess(
                referral=Referral.from_row(up.referral), document=_document(up), upload=_ticket(up)
            ),
        )

    @strawberry.mutation(description="One more file for a referral; answers its signed upload URL")
    async def add_referral_document(
        self, info: Info, input: AddReferralDocumentInput
    ) -> AddReferralDocumentResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: referrals.add_upload(
                ctx,
                referral_id=input.referral_id,
                file_name=input.file_name,
                content_type=input.content_type,
                size_bytes=input.size_bytes,
                document_type=input.document_type,
            ),
            lambda up: AddReferralDocumentSuccess(
                referral=Referral.from_row(up.referral), document=_document(up), upload=_ticket(up)
            ),
        )

    @strawberry.mutation(
        description="Queue the processing pipeline for a referral; with wait, answer once the "
        "run has finished (or as it is after a bounded wait)"
    )
    async def process_referral(
        self, info: Info, id: strawberry.ID, wait: bool = False
    ) -> ProcessReferralResult:
        ctx = info.context.ctx
        queued: list[JobRow] = []

        def success(done: tuple[ReferralRow, JobRow]) -> ProcessReferralSuccess:
            queued.append(done[1])
            return ProcessReferralSuccess(
                referral=Referral.from_row(done[0]), job=Job.from_row(done[1])
            )

        result = await run_mutation(info, lambda: referrals.process(ctx, referral_id=id), success)
        if not wait or not queued:
            return result
        referral, job = await referrals.wait_for_run(
            ctx, queued[0], timeout=ctx.settings.process_wait_seconds
        )
        return ProcessReferralSuccess(referral=Referral.from_row(referral), job=Job.from_row(job))

    @strawberry.mutation(description="Check the extraction; a failing referral moves to review")
    async def run_referral_qa(self, info: Info, id: strawberry.ID) -> RunReferralQaResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: qa.run(ctx, referral_id=id),
            lambda row: RunReferralQaSuccess(referral=Referral.from_row(row), qa=qa_of(row.qa)),
        )

    @strawberry.mutation(description="Override a referral's triage, with the reason why")
    async def set_triage(self, info: Info, input: SetTriageInput) -> SetTriageResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: triage.override(
                ctx,
                referral_id=input.referral_id,
                level=input.level,
                reason=input.reason,
                queue=input.queue,
                priority_band=input.priority_band,
            ),
            _triaged,
        )

    @strawberry.mutation(description="Triage a referral by the org's rules (replaces an override)")
    async def run_automatic_triage(self, info: Info, referral_id: strawberry.ID) -> SetTriageResult:
        ctx = info.context.ctx
        return await run_mutation(
            info, lambda: triage.run_automatic(ctx, referral_id=referral_id), _triaged
        )

    @strawberry.mutation(description="Mark a referral as a duplicate of another of the same org")
    async def mark_referral_duplicate(
        self, info: Info, id: strawberry.ID, duplicate_of: strawberry.ID
    ) -> MarkReferralDuplicateResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: referral_moves.mark_duplicate(ctx, referral_id=id, duplicate_of=duplicate_of),
            lambda row: MarkReferralDuplicateSuccess(referral=Referral.from_row(row)),
        )

    @strawberry.mutation(description="Move to triaged or mark duplicate, each id on its own")
    async def bulk_referral_action(
        self, info: Info, input: BulkReferralActionInput
    ) -> BulkReferralActionResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: referral_moves.bulk(
                ctx,
                org_id=input.org_id,
                action=input.action,
                ids=[str(i) for i in input.ids],
                duplicate_of=input.duplicate_of,
            ),
            lambda items: BulkReferralActionSuccess(
                processed=len(items), results=[_bulk_result(i) for i in items]
            ),
        )


QUERY_TYPES: list[type] = [ReferralQuery]
MUTATION_TYPES: list[type] = [ReferralMutation]
