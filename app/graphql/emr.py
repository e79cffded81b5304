"""The EMR queues for staff: a case's queue items, each org's queue health, (re)queuing.

The bridge itself polls REST; these are the views that keep a stuck or growing queue from
going unseen. The rules are in ``resolvers.emr``.
"""

from datetime import datetime
from typing import Annotated

import strawberry

from app.graphql.cases import Case
from app.graphql.context import Info
from app.graphql.enums import QueueStatus
from app.graphql.errors import MutationError, or_null, run_mutation
from app.graphql.loaders import ByParentLoader
from app.graphql.orgs import require_principal_or_error
from models import EmrChartItem as EmrChartItemRow
from models import EmrDocumentItem as EmrDocumentItemRow
from models import utcnow
from resolvers import emr


class EmrChartItemsByCaseIdLoader(ByParentLoader):
    model = EmrChartItemRow
    parent = "case_id"


class EmrDocumentItemsByCaseIdLoader(ByParentLoader):
    model = EmrDocumentItemRow
    parent = "case_id"


@strawberry.type(description="A request to create the case's chart in the EMR")
class EmrChartItem:
    id: strawberry.ID
    case_id: str
    status: QueueStatus
    attempts: int
    last_message: str | None
    last_attempt_failed: bool
    emr_chart_id: str | None
    lease_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: EmrChartItemRow) -> "EmrChartItem":
        return cls(
            id=strawberry.ID(row.id),
            case_id=row.case_id,
            status=row.status,
            attempts=row.attempts,
            last_message=row.last_message,
            last_attempt_failed=row.last_attempt_failed,
            emr_chart_id=row.emr_chart_id,
            lease_expires_at=row.lease_expires_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            completed_at=row.completed_at,
        )


@strawberry.type(description="A document (or the Case Summary) to file in the case's chart")
class EmrDocumentItem:
    id: strawberry.ID
    case_id: str
    chart_item_id: str
    document_id: str | None
    document_type: str = strawberry.field(description="source or summary")
    file_name: str
    status: QueueStatus
    attempts: int
    last_message: str | None
    last_attempt_failed: bool
    lease_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: EmrDocumentItemRow) -> "EmrDocumentItem":
        return cls(
            id=strawberry.ID(row.id),
            case_id=row.case_id,
            chart_item_id=row.chart_item_id,
            document_id=row.document_id,
            document_type=row.document_type,
            file_name=row.file_name,
            status=row.status,
            attempts=row.attempts,
            last_message=row.last_message,
            last_attempt_failed=row.last_attempt_failed,
            lease_expires_at=row.lease_expires_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            completed_at=row.completed_at,
        )


async def chart_items_of(info: Info, case_id: str) -> list[EmrChartItem]:
    rows = await info.context.loader(EmrChartItemsByCaseIdLoader).load(case_id)
    return [EmrChartItem.from_row(r) for r in rows]


async def document_items_of(info: Info, case_id: str) -> list[EmrDocumentItem]:
    rows = await info.context.loader(EmrDocumentItemsByCaseIdLoader).load(case_id)
    return [EmrDocumentItem.from_row(r) for r in rows]


@strawberry.type
class EmrQueueHealth:
    pending: int = strawberry.field(description="Items waiting for the bridge")
    oldest_pending_at: datetime | None
    oldest_pending_age_seconds: int | None = strawberry.field(
        description="How long the oldest waiting item has waited"
    )
    failing: int = strawberry.field(description="Waiting items whose last attempt failed")
    dead: int = strawberry.field(description="Items past emr.maxAttempts, out of the poll")

    @classmethod
    def of(cls, health: emr.QueueHealth) -> "EmrQueueHealth":
        oldest = health.oldest_pending_at
        return cls(
            pending=health.pending,
            oldest_pending_at=oldest,
            oldest_pending_age_seconds=int((utcnow() - oldest).total_seconds()) if oldest else None,
            failing=health.failing,
            dead=health.dead,
        )


@strawberry.type
class EmrHealth:
    org_id: strawberry.ID
    charts: EmrQueueHealth
    documents: EmrQueueHealth


@strawberry.type
class EmrQuery:
    @strawberry.field(description="The EMR queues of an org: what waits, what fails, what died")
    async def emr_queue_health(
        self, info: Info, org_id: strawberry.ID | None = None
    ) -> EmrHealth | None:
        require_principal_or_error(info)
        ctx = info.context.ctx
        health = await or_null(info, lambda: emr.health(ctx, org_id=org_id))
        if health is None:
            return None
        return EmrHealth(
            org_id=strawberry.ID(health.org_id),
            charts=EmrQueueHealth.of(health.charts),
            documents=EmrQueueHealth.of(health.documents),
        )


@strawberry.input
class QueueCaseForEmrInput:
    case_id: strawberry.ID
    force: bool = strawberry.field(
        default=False, description="Queue again although queued or created"
    )


@strawberry.input
class RequeueEmrItemInput:
    id: strawberry.ID = strawberry.field(description="An emrq_ or emrd_ queue item")


@strawberry.type
class QueueCaseForEmrSuccess:
    case: Case
    item: EmrChartItem


@strawberry.type
class RequeueEmrItemSuccess:
    case: Case
    chart_item: EmrChartItem | None
    document_item: EmrDocumentItem | None


QueueCaseForEmrResult = Annotated[
    QueueCaseForEmrSuccess | MutationError, strawberry.union("QueueCaseForEmrResult")
]
RequeueEmrItemResult = Annotated[
    RequeueEmrItemSuccess | MutationError, strawberry.union("RequeueEmrItemResult")
]


@strawberry.type
class EmrMutation:
    @strawberry.mutation(description="Queue a case for EMR chart creation")
    async def queue_case_for_emr(
        self, info: Info, input: QueueCaseForEmrInput
    ) -> QueueCaseForEmrResult:
        ctx = info.context.ctx

        async def queue() -> tuple[EmrChartItemRow, Case]:
            item = await emr.queue_case(ctx, case_id=input.case_id, force=input.force)
            return item, Case.from_row(await emr.case_of(ctx, item))

        return await run_mutation(
            info,
            queue,
            lambda done: QueueCaseForEmrSuccess(case=done[1], item=EmrChartItem.from_row(done[0])),
        )

    @strawberry.mutation(description="Put a failed or dead queue item back in the poll")
    async def requeue_emr_item(
        self, info: Info, input: RequeueEmrItemInput
    ) -> RequeueEmrItemResult:
        ctx = info.context.ctx

        async def requeue() -> RequeueEmrItemSuccess:
            item = await emr.requeue_item(ctx, item_id=input.id)
            case = Case.from_row(await emr.case_of(ctx, item))
            if isinstance(item, EmrChartItemRow):
                return RequeueEmrItemSuccess(
                    case=case, chart_item=EmrChartItem.from_row(item), document_item=None
                )
            return RequeueEmrItemSuccess(
                case=case, chart_item=None, document_item=EmrDocumentItem.from_row(item)
            )

        return await run_mutation(info, requeue, lambda done: done)


QUERY_TYPES: list[type] = [EmrQuery]
MUTATION_TYPES: list[type] = [EmrMutation]
