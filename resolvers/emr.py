"""EMR integration: the chart queue and the document queue an EMR bridge drains (DESIGN §6).

The documented contract (seed "EMR Integration" and "EMR Document Queue"):

- A case is queued by a user (``POST /api/cases/:caseId/emr-queue``; 409 while it is
  queued or created, unless ``force``) or automatically (org config ``emrAutoQueue``,
  on ``emr.autoQueueOn``: ``triaged`` or ``scheduled``).
- A poll (API key only) is read-only: every ``pending`` and ``processing`` item, oldest
  first. It is audited, since it hands out patient data.
- A ``success`` completes the item for good (``resolvers.emr_callbacks``). For a chart
  it stores ``emrChartId`` as the patient's MRN, makes the case ``created`` and, in the
  same transaction, queues one ``source`` item per document of the case and one
  ``summary`` item for a freshly rendered Case Summary PDF. ``failed``/``error`` put the
  item back to ``pending`` with the message, counting the attempt. A repeated
  ``success`` is ``ok`` and changes nothing; an unknown or other-org id is ``ok: false``
  for that entry alone.
- The case's ``emrDocumentStatus`` follows its document items: ``none``, ``pending``,
  ``complete``, or ``error`` while any item's last attempt failed.

Beyond the contract, off unless asked for: ``emr.maxAttempts`` moves an item that keeps
failing to ``dead`` (out of the poll, re-queued by staff), and a ``lease`` poll hands
items to one bridge at a time (``processing`` until the lease ends).

Locks: a case row first, then its items, on every path that changes both (callbacks,
queuing, re-queuing), so concurrent requests serialise per case and never deadlock.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, TypeVar

import anyio
from sqlalchemy import func
from sqlmodel import col, select

from app.pdf import render_case_summary
from models import (
    Case,
    Document,
    EmrChartItem,
    EmrDocumentItem,
    EmrDocumentStatus,
    EmrStatus,
    Org,
    QueueStatus,
    Referral,
    Role,
    utcnow,
)
from resolvers import audit, case_summary, orgs
from resolvers.access import (
    CHANGE_LOCK,
    get_row,
    get_scoped,
    org_for,
    require_principal,
    require_user,
)
from resolvers.context import Context
from resolvers.errors import Conflict, Forbidden, ValidationFailed

# Seed: "Download URLs are regenerated on each poll (15 min TTL)."
DOWNLOAD_TTL_SECONDS = 15 * 60
SUMMARY_FILE_NAME = "Case_Summary.pdf"
MAX_RESULTS = 500  # a poll's limit and a callback's batch
MAX_LEASE_SECONDS = 3600
ACTIVE = (QueueStatus.pending, QueueStatus.processing)

Event = Literal["triaged", "scheduled"]
Item = TypeVar("Item", EmrChartItem, EmrDocumentItem)


# -- values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueHealth:
    pending: int
    oldest_pending_at: datetime | None
    failing: int
    dead: int


@dataclass(frozen=True)
class Health:
    org_id: str
    charts: QueueHealth
    documents: QueueHealth


def require_api_key(ctx: Context, org_id: str | None) -> str:
    """Polls and callbacks are the bridge's: an API key of the org (a user token is 403)."""
    principal = require_principal(ctx)
    if principal.api_key is None:
        raise Forbidden("the EMR queue is polled with an API key (x-api-key), not a user token")
    return org_for(ctx, org_id)


# -- queuing a case ----------------------------------------------------------------------------


async def queue_case(ctx: Context, *, case_id: str, force: bool = False) -> EmrChartItem:
    """Queue the case for chart creation (a user's request; an API key is 403)."""
    require_user(ctx)
    case = await get_scoped(
        ctx, Case, case_id, resource="case", minimum=Role.coordinator, lock=True
    )
    if case.patient_id is None:
        raise ValidationFailed("the case has no patient to create a chart for", field="caseId")
    current = await _latest_chart_item(ctx, case, lock=True)
    active = current is not None and current.status in ACTIVE
    if (active or case.emr_status == EmrStatus.created) and not force:
        state = "queued" if active else "created"
        raise Conflict(
            f"case {case.id} is already {state} in the EMR; send force to queue it again"
        )
    if current is not None and current.status in (*ACTIVE, QueueStatus.dead):
        item = _reset(current)
    else:
        item = EmrChartItem(org_id=case.org_id, case_id=case.id, queued_by=ctx.actor_id)
    ctx.session.add(item)
    set_emr_status(ctx, case, EmrStatus.queued)
    audit.record(
        ctx,
        "case.emr_queue",
        org_id=case.org_id,
        resource_type="case",
        resource_id=case.id,
        details={"queueItemId": item.id, "force": force},
    )
    return item


async def auto_queue(ctx: Context, case: Case, event: Event) -> EmrChartItem | None:
    """Queue a case that was never queued, when the org's config says so for ``event``."""
    if case.emr_status != EmrStatus.not_queued or case.patient_id is None:
        return None
    org = await ctx.session.get(Org, case.org_id)
    config = orgs.config_of(org) if org else None
    if config is None or not config.emr_auto_queue or config.emr.auto_queue_on != event:
        return None
    if await _latest_chart_item(ctx, case) is not None:
        return None
    item = EmrChartItem(org_id=case.org_id, case_id=case.id, queued_by="auto")
    ctx.session.add(item)
    set_emr_status(ctx, case, EmrStatus.queued)
    audit.record(
        ctx,
        "case.emr_queue",
        org_id=case.org_id,
        resource_type="case",
        resource_id=case.id,
        details={"queueItemId": item.id, "auto": event},
    )
    return item


async def documents_reached_case(ctx: Context, case: Case) -> list[EmrDocumentItem]:
    """Queue for the case's chart the documents that arrived after it was created."""
    if case.emr_status != EmrStatus.created:
        return []
    chart = await _latest_completed_chart(ctx, case)
    if chart is None:
        return []
    added = await queue_sources(ctx, case, chart)
    if added:
        await recompute_document_status(ctx, case)
    return added


async def document_arrived(ctx: Context, document: Document) -> None:
    """A file added to a referral of a case whose chart exists goes to that chart too."""
    if document.referral_id is None or document.uploaded_at is None:
        return
    referral = await ctx.session.get(Referral, document.referral_id)
    if referral is None or referral.case_id is None:
        return
    # Locked as a chart callback locks it: the two never both queue this document.
    case = await get_row(ctx, Case, referral.case_id, lock=True)
    if case is not None:
        await documents_reached_case(ctx, case)


async def requeue_item(ctx: Context, *, item_id: str) -> EmrChartItem | EmrDocumentItem:
    """Staff put a chart or document item back to ``pending`` (a dead one, say)."""
    require_user(ctx)
    if item_id.startswith("emrd_"):
        return await _requeue(ctx, EmrDocumentItem, item_id)
    return await _requeue(ctx, EmrChartItem, item_id)


async def _requeue(ctx: Context, model: type[Item], item_id: str) -> Item:
    found = await get_scoped(ctx, model, item_id, resource="queue item", minimum=Role.coordinator)
    case = await get_scoped(ctx, Case, found.case_id, resource="case", lock=True)
    item = await get_scoped(ctx, model, item_id, resource="queue item", lock=True)
    if item.status == QueueStatus.completed:
        raise Conflict(f"queue item {item.id} is completed; queue the case again instead")
    if isinstance(item, EmrChartItem):
        set_emr_status(ctx, case, EmrStatus.queued)
    ctx.session.add(_reset(item))
    if isinstance(item, EmrDocumentItem):
        await recompute_document_status(ctx, case)
    audit.record(
        ctx,
        "case.emr_requeue",
        org_id=case.org_id,
        resource_type="case",
        resource_id=case.id,
        details={"queueItemId": item.id},
    )
    return item


async def queued_chart(ctx: Context, *, item_id: str) -> tuple[EmrChartItem, Case]:
    """A chart item and its case, as queueing the case answered them (an idempotent retry
    renders that answer again from the rows)."""
    require_user(ctx)
    item = await get_scoped(
        ctx, EmrChartItem, item_id, resource="queue item", minimum=Role.coordinator
    )
    return item, await case_of(ctx, item)


async def case_of(ctx: Context, item: EmrChartItem | EmrDocumentItem) -> Case:
    case = await ctx.session.get(Case, item.case_id)
    assert case is not None  # the item's foreign key guarantees it
    return case


def _reset(item: Item) -> Item:
    item.status = QueueStatus.pending
    item.attempts = 0
    item.lease_expires_at = None
    item.updated_at = utcnow()
    return item


def set_emr_status(ctx: Context, case: Case, status: EmrStatus) -> None:
    if case.emr_status != status:
        case.emr_status = status
        case.updated_at = utcnow()
        ctx.session.add(case)


async def _latest_chart_item(
    ctx: Context, case: Case, *, lock: bool = False
) -> EmrChartItem | None:
    query = (
        select(EmrChartItem)
        .where(EmrChartItem.org_id == case.org_id, EmrChartItem.case_id == case.id)
        .order_by(col(EmrChartItem.created_at).desc(), col(EmrChartItem.id).desc())
        .limit(1)
    )
    if lock:
        query = query.with_for_update(**CHANGE_LOCK).execution_options(populate_existing=True)
    return (await ctx.session.scalars(query)).first()


async def _latest_completed_chart(ctx: Context, case: Case) -> EmrChartItem | None:
    query = (
        select(EmrChartItem)
        .where(
            EmrChartItem.org_id == case.org_id,
            EmrChartItem.case_id == case.id,
            EmrChartItem.status == QueueStatus.completed,
        )
        .order_by(col(EmrChartItem.completed_at).desc())
        .limit(1)
    )
    return (await ctx.session.scalars(query)).first()


async def queue_sources(ctx: Context, case: Case, chart: EmrChartItem) -> list[EmrDocumentItem]:
    """One ``source`` item per document of the case not yet queued for this chart."""
    documents = await case_summary.source_documents(ctx, case)
    queued = set(
        (
            await ctx.session.scalars(
                select(EmrDocumentItem.document_id).where(
                    EmrDocumentItem.org_id == case.org_id,
                    EmrDocumentItem.chart_item_id == chart.id,
                    col(EmrDocumentItem.document_id).is_not(None),
                )
            )
        ).all()
    )
    added = [_source_item(case, chart, d) for d in documents if d.id not in queued]
    ctx.session.add_all(added)
    return added


def _source_item(case: Case, chart: EmrChartItem, document: Document) -> EmrDocumentItem:
    return EmrDocumentItem(
        org_id=case.org_id,
        case_id=case.id,
        chart_item_id=chart.id,
        document_id=document.id,
        document_type="source",
        file_name=document.file_name,
        content_type=document.content_type,
        storage_key=document.storage_key,
    )


async def queue_summary(ctx: Context, case: Case, chart: EmrChartItem) -> EmrDocumentItem:
    summary = await case_summary.build(ctx, case)
    pdf = await anyio.to_thread.run_sync(render_case_summary, summary)
    item = EmrDocumentItem(
        org_id=case.org_id,
        case_id=case.id,
        chart_item_id=chart.id,
        document_type="summary",
        file_name=SUMMARY_FILE_NAME,
        content_type="application/pdf",
        storage_key="",
    )
    item.storage_key = f"{case.org_id}/emr/{case.id}/{item.id}.pdf"
    await ctx.storage.put(item.storage_key, pdf, "application/pdf")
    ctx.session.add(item)
    return item


async def recompute_document_status(ctx: Context, case: Case) -> EmrDocumentStatus:
    await recompute_document_statuses(ctx, [case])
    return EmrDocumentStatus(case.emr_document_status)


async def recompute_document_statuses(ctx: Context, cases: list[Case]) -> None:
    """Each case's ``emrDocumentStatus`` from its items, in one query: ``none`` without
    items, ``error`` while an unfinished item's last attempt failed, ``pending`` while any
    is unfinished, else ``complete``."""
    if not cases:
        return
    rows = (
        await ctx.session.execute(
            select(
                EmrDocumentItem.case_id, EmrDocumentItem.status, EmrDocumentItem.last_attempt_failed
            )
            .where(
                EmrDocumentItem.org_id == cases[0].org_id,
                col(EmrDocumentItem.case_id).in_([c.id for c in cases]),
            )
            .distinct()
        )
    ).all()
    states: dict[str, list[tuple[str, bool]]] = {}
    for case_id, status, failed in rows:
        states.setdefault(case_id, []).append((status, failed))
    for case in cases:
        status = _document_status(states.get(case.id, []))
        if case.emr_document_status != status:
            case.emr_document_status = status
            case.updated_at = utcnow()
            ctx.session.add(case)


def _document_status(states: list[tuple[str, bool]]) -> EmrDocumentStatus:
    unfinished = [failed for status, failed in states if status != QueueStatus.completed]
    if not states:
        return EmrDocumentStatus.none
    if any(unfinished):
        return EmrDocumentStatus.error
    return EmrDocumentStatus.pending if unfinished else EmrDocumentStatus.complete


# -- staff views -------------------------------------------------------------------------------


async def items_of_case(
    ctx: Context, case: Case
) -> tuple[list[EmrChartItem], list[EmrDocumentItem]]:
    """The case's chart and document items, oldest first (the caller read the case)."""
    charts = await ctx.session.scalars(
        select(EmrChartItem)
        .where(EmrChartItem.org_id == case.org_id, EmrChartItem.case_id == case.id)
        .order_by(col(EmrChartItem.created_at), col(EmrChartItem.id))
    )
    documents = await ctx.session.scalars(
        select(EmrDocumentItem)
        .where(EmrDocumentItem.org_id == case.org_id, EmrDocumentItem.case_id == case.id)
        .order_by(col(EmrDocumentItem.created_at), col(EmrDocumentItem.id))
    )
    return list(charts.all()), list(documents.all())


async def health(ctx: Context, *, org_id: str | None) -> Health:
    """Queue health for staff: what waits, since when, what keeps failing, what is dead."""
    org = org_for(ctx, org_id)
    return Health(
        org_id=org,
        charts=await _health_of(ctx, EmrChartItem, org),
        documents=await _health_of(ctx, EmrDocumentItem, org),
    )


async def _health_of(ctx: Context, model: type[Item], org: str) -> QueueHealth:
    row = (
        await ctx.session.execute(
            select(
                func.count().filter(col(model.status).in_(ACTIVE)),
                func.min(model.created_at).filter(col(model.status).in_(ACTIVE)),
                func.count().filter(
                    col(model.status).in_(ACTIVE),
                    col(model.last_attempt_failed).is_(True),
                ),
                func.count().filter(col(model.status) == QueueStatus.dead),
            ).where(col(model.org_id) == org, col(model.status) != QueueStatus.completed)
        )
    ).one()
    pending, oldest, failing, dead = row
    if isinstance(oldest, datetime) and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)  # an aggregate may come back as stored (naive)
    return QueueHealth(
        pending=int(pending), oldest_pending_at=oldest, failing=int(failing), dead=int(dead)
    )
