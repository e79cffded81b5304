"""Referrals: incoming referral packets, their files and processing requests.

Duplicates and bulk moves are ``referral_moves``; the CSV export is ``referral_export``.
"""

import asyncio
import contextlib
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import false, func
from sqlmodel import col, select

from app import queue
from app.storage import SignedUrl
from models import Case, Document, Job, Org, Referral, ReferralStage, Role, utcnow
from models.extraction import Extraction
from models.values import name_key
from resolvers import (
    access,
    audit,
    documents,
    emr,
    jobs,
    locks,
    orgs,
    referral_facets,
)
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed, not_found
from resolvers.org_config import OrgConfig
from resolvers.pagination import (
    Built,
    Page,
    among_bound,
    check_limit,
    paginate,
    rows_of,
    shown_records,
)

WAIT_POLL_SECONDS = 0.2
SOURCES = ("upload", "fax", "api")
MAX_NOTES = 4000
MAX_EXTERNAL_ID = 200
MAX_QUERY_TERMS = 8
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEARCH_TEXT_MAX = 1000  # Referral.search_text's length


# -- search text ------------------------------------------------------------------------------


def search_text_of(extraction: Extraction | None) -> str:
    """What ``q`` searches: patient name, DOB (ISO and US forms), referrer names and NPI."""
    ex = extraction or Extraction()
    parts = [ex.patient.first_name, ex.patient.last_name]
    dob = ex.patient.dob
    if dob:
        parts.append(dob)
        with contextlib.suppress(ValueError):
            parts.append(date.fromisoformat(dob).strftime("%m/%d/%Y"))
    parts += [ex.referrer.provider_name, ex.referrer.practice_name, ex.referrer.npi]
    return name_key(" ".join(p for p in parts if p))[:_SEARCH_TEXT_MAX]


def set_extraction(ctx: Context, referral: Referral, extraction: Extraction | None) -> None:
    """Store an extraction (DESIGN §10 shape) and keep the search text and reporting's
    columns in step with it."""
    referral.extraction = extraction
    referral.search_text = search_text_of(extraction)
    referral_facets.keep(referral)
    referral.updated_at = utcnow()
    ctx.session.add(referral)


# -- reading ----------------------------------------------------------------------------------


async def config_for(ctx: Context, org_id: str) -> OrgConfig:
    org = await ctx.session.get(Org, org_id)
    if org is None:
        raise not_found("org", org_id)
    return orgs.config_of(org)


async def get(ctx: Context, *, referral_id: str) -> Referral:
    """One referral for a reader (viewer and up); the read is audited."""
    referral = await access.get_scoped(ctx, Referral, referral_id, resource="referral")
    audit.record(
        ctx,
        "referral.read",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
    )
    return referral


async def get_for_change(
    ctx: Context, referral_id: str, *, minimum: Role = Role.coordinator
) -> Referral:
    """The referral, row-locked until the operation commits (PostgreSQL; SQLite serialises)."""
    return await access.get_scoped(
        ctx, Referral, referral_id, resource="referral", minimum=minimum, lock=True
    )


def parse_stages(value: str | None) -> list[ReferralStage]:
    """``review`` or ``review,received``; unknown stages are a 422 naming the allowed ones."""
    if not value:
        return []
    stages = []
    for part in value.split(","):
        try:
            stages.append(ReferralStage(part.strip()))
        except ValueError:
            allowed = ", ".join(s.value for s in ReferralStage)
            raise ValidationFailed(f"stage must be one of {allowed}", field="stage") from None
    return stages


_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


class EmptyWindow(ValidationFailed):
    """``receivedFrom`` is not before ``receivedTo``: REST refuses it, GraphQL answers no rows."""


def parse_received(value: str) -> date | datetime:
    """``receivedFrom``/``receivedTo``: a date (2026-01-31) or an ISO 8601 timestamp.

    Raises ValueError for anything else; a face may check the format up front with it.
    """
    text = value.strip()
    if _DATE_ONLY.match(text):
        return date.fromisoformat(text)
    return datetime.fromisoformat(text)


def _bound(value: str | None, field: str, zone: ZoneInfo, *, end: bool) -> datetime | None:
    """A date (whole day, in the org's time zone) or a timestamp; ``end`` bounds are exclusive."""
    if not value:
        return None
    try:
        parsed = parse_received(value)
    except ValueError:
        raise ValidationFailed(
            f"{field} must be a date (2026-01-31) or an ISO 8601 timestamp", field=field
        ) from None
    if isinstance(parsed, datetime):
        moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
        step = timedelta(microseconds=1)
    else:
        moment = datetime.combine(parsed, time.min, tzinfo=zone)
        step = timedelta(days=1)
    try:
        return (moment + step if end else moment).astimezone(UTC)
    except OverflowError:
        # Past an end of the calendar (9999-12-31 to the end of its day, year 1 east of
        # UTC): the bound is that end of the calendar, not an error.
        return _LATEST if moment.year == MAXYEAR else _EARLIEST


async def list_page(
    ctx: Context,
    *,
    org_id: str | None,
    stage: str | None = None,
    q: str | None = None,
    received_from: str | None = None,
    received_to: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    document_counts: bool = False,
) -> Page[Referral]:
    """A page of the org's referrals, newest first; the page shown is audited. With
    ``document_counts``, each row also has its ``document_count`` (``DOCUMENT_COUNT``).

    Read as Core rows of the table's columns (``row.stage``, ``row.extraction`` as on a
    ``Referral``, through the same column types), not as ORM entities: a page is only
    shown, and the identity map's bookkeeping cost more than the query. Not for changing.
    """
    org_id = access.org_for(ctx, org_id)
    limit = check_limit(limit)
    query = rows_of(Referral).where(col(Referral.org_id) == org_id)
    stages = parse_stages(stage)
    if stages:
        query = query.where(col(Referral.stage).in_(stages))
    for term in name_key(q).split()[:MAX_QUERY_TERMS]:
        # A term longer than the search text cannot be in it (and SQLite refuses a LIKE
        # pattern over 50,000 bytes as "too complex").
        if len(term) > _SEARCH_TEXT_MAX:
            query = query.where(false())
            break
        query = query.where(col(Referral.search_text).contains(term, autoescape=True))
    if received_from or received_to:
        zone = ZoneInfo((await config_for(ctx, org_id)).timezone)
        start = _bound(received_from, "receivedFrom", zone, end=False)
        stop = _bound(received_to, "receivedTo", zone, end=True)
        if start and stop and start >= stop:
            raise EmptyWindow("receivedFrom must be before receivedTo", field="receivedFrom")
        if start:
            query = query.where(col(Referral.created_at) >= start)
        if stop:
            query = query.where(col(Referral.created_at) < stop)
    page: Page[Referral] = await paginate(
        ctx.session,
        query,
        Referral,
        cursor=cursor,
        limit=limit,
        shown_with=(DOCUMENT_COUNT,) if document_counts else (),
    )
    audit.record_many(
        ctx,
        "referral.list",
        org_id=org_id,
        resource_type="referral",
        resource_ids=[r.id for r in page.items],
    )
    return page


async def documents_of(ctx: Context, referrals: list[Referral]) -> dict[str, list[Document]]:
    """The documents of each referral, oldest first, in one query."""
    if not referrals:
        return {}
    query = (
        select(Document)
        .where(
            col(Document.org_id).in_({r.org_id for r in referrals}),
            col(Document.referral_id).in_([r.id for r in referrals]),
        )
        .order_by(col(Document.created_at), col(Document.id))
    )
    grouped: dict[str, list[Document]] = defaultdict(list)
    for document in (await ctx.session.scalars(query)).all():
        grouped[str(document.referral_id)].append(document)
    return grouped


# Each referral's number of documents, as a column of its row on a page
# (``list_page(document_counts=True)``): one statement answers the page and its counts.
DOCUMENT_COUNT = (
    select(func.count())
    .where(
        col(Document.org_id) == col(Referral.org_id),
        col(Document.referral_id) == col(Referral.id),
    )
    .scalar_subquery()
    .label("document_count")
)


# Built once per dialect (a page's links are read at every list): the keys are the
# statement's parameters.
@functools.cache
def _linked_query(model: Any) -> Built[Any]:
    return Built(
        lambda dialect: rows_of(model).where(
            among_bound(dialect, col(model.id), "ids"),
            among_bound(dialect, col(model.org_id), "org_ids"),
        )
    )


async def linked(ctx: Context, model: Any, ids: list[str | None]) -> dict[str, Any]:
    """Cases or patients a page of referrals points at, in one query; the read is audited.

    Core rows with the model's attributes, to be shown (as ``list_page``'s)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    query = _linked_query(model).on(ctx.session)
    params = {"ids": wanted, "org_ids": list(access.visible_org_ids(ctx))}
    rows = {row.id: row for row in await shown_records(ctx.session, query, params)}
    resource = "case" if model is Case else "patient"
    by_org: dict[str, list[str]] = defaultdict(list)
    for row in rows.values():
        by_org[row.org_id].append(row.id)
    for org_id, row_ids in by_org.items():
        audit.record_many(
            ctx, f"{resource}.read", org_id=org_id, resource_type=resource, resource_ids=row_ids
        )
    return rows


async def process_job_of(ctx: Context, referral: Referral) -> Job | None:
    return await jobs.latest_for(ctx, org_id=referral.org_id, referral_id=referral.id)


# -- creating and uploading -------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateHint:
    """An earlier document of the org with the same bytes, and the referral holding it."""

    document_id: str
    referral_id: str | None


@dataclass(frozen=True)
class Upload:
    referral: Referral
    document: Document
    # The signed URL to PUT the bytes to (JSON flow); None when the bytes came with the request.
    upload: SignedUrl | None
    likely_duplicate: DuplicateHint | None
    # The referral existed already with this externalId: nothing was created.
    existing: bool = False


def source_of(ctx: Context, source: str | None) -> str:
    if source is None:
        source = "api" if ctx.principal and ctx.principal.kind == "api_key" else "upload"
    if source not in SOURCES:
        raise ValidationFailed(f"source must be one of {', '.join(SOURCES)}", field="source")
    return source


async def _existing(
    ctx: Context, org_id: str, source: str | None, external_id: str | None
) -> Upload | None:
    """The referral the sending system already sent under ``external_id`` (FHIR's
    conditional create): held by name, so two creates with one id make one referral."""
    if external_id is None:
        return None
    external_id = external_id.strip()
    if not external_id or len(external_id) > MAX_EXTERNAL_ID:
        raise ValidationFailed(
            f"externalId must be 1 to {MAX_EXTERNAL_ID} characters", field="externalId"
        )
    source = source_of(ctx, source)
    await locks.hold(ctx, "referral-external-id", org_id, source, external_id)
    query = select(Referral).where(
        Referral.org_id == org_id,
        Referral.source == source,
        Referral.external_id == external_id,
    )
    found = (await ctx.session.scalars(query)).first()
    if found is None:
        return None
    first = (
        await ctx.session.scalars(
            select(Document.id)
            .where(Document.org_id == org_id, Document.referral_id == found.id)
            .order_by(col(Document.created_at), col(Document.id))
        )
    ).first()
    again = await upload_again(ctx, document_id=first or "")
    return replace(again, existing=True)


def new_referral(
    ctx: Context,
    *,
    org_id: str,
    source: str | None = None,
    notes: str | None = None,
    external_id: str | None = None,
) -> Referral:
    """A received referral row (no access check: callers have done it, or are the system)."""
    source = source_of(ctx, source)
    if notes is not None and len(notes) > MAX_NOTES:
        raise ValidationFailed(f"notes is longer than {MAX_NOTES} characters", field="notes")
    referral = Referral(
        org_id=org_id,
        stage=ReferralStage.received,
        source=source,
        external_id=external_id.strip() if external_id else None,
        notes=notes or None,
        created_by=ctx.actor_id,
        updated_at=utcnow(),
    )
    ctx.session.add(referral)
    audit.record(
        ctx,
        "referral.create",
        org_id=org_id,
        resource_type="referral",
        resource_id=referral.id,
        details={"source": source},
    )
    return referral


async def create(
    ctx: Context,
    *,
    org_id: str | None,
    file_name: str,
    content_type: str | None,
    size_bytes: int | None = None,
    document_type: str | None = None,
    source: str | None = None,
    notes: str | None = None,
    external_id: str | None = None,
    document_id: str | None = None,
) -> Upload:
    """A new referral with a document awaiting its bytes at a signed upload URL."""
    org_id = access.org_for(ctx, org_id, Role.coordinator)
    kind = documents.parse_document_type(document_type)
    existing = await _existing(ctx, org_id, source, external_id)
    if existing is not None:
        return existing
    referral = new_referral(ctx, org_id=org_id, source=source, notes=notes, external_id=external_id)
    pending = await documents.create_pending(
        ctx,
        org_id=org_id,
        file_name=file_name,
        content_type=content_type,
        size_bytes=size_bytes,
        document_type=kind,
        referral_id=referral.id,
        document_id=document_id,
    )
    return Upload(referral, pending.document, pending.upload, None)


async def create_with_file(
    ctx: Context,
    *,
    org_id: str | None,
    file_name: str,
    data: bytes,
    document_type: str | None = None,
    source: str | None = None,
    notes: str | None = None,
    external_id: str | None = None,
    document_id: str | None = None,
) -> Upload:
    """A new referral with its file stored in the same request."""
    org_id = access.org_for(ctx, org_id, Role.coordinator)
    kind = documents.parse_document_type(document_type)
    existing = await _existing(ctx, org_id, source, external_id)
    if existing is not None:
        return existing
    referral = new_referral(ctx, org_id=org_id, source=source, notes=notes, external_id=external_id)
    document = await documents.store(
        ctx,
        org_id=org_id,
        file_name=file_name,
        data=data,
        document_type=kind,
        referral_id=referral.id,
        document_id=document_id,
    )
    await process_on_arrival(ctx, referral)
    return Upload(referral, document, None, await _duplicate_hint(ctx, document))


async def _referral_for_upload(ctx: Context, referral_id: str) -> Referral:
    referral = await get_for_change(ctx, referral_id)
    if referral.stage == ReferralStage.duplicate:
        raise Conflict(f"referral {referral.id} is marked duplicate; add files to the original")
    referral.updated_at = utcnow()
    ctx.session.add(referral)
    return referral


async def add_upload(
    ctx: Context,
    *,
    referral_id: str,
    file_name: str,
    content_type: str | None,
    size_bytes: int | None = None,
    document_type: str | None = None,
    document_id: str | None = None,
) -> Upload:
    """One more document for a referral, awaiting its bytes at a signed upload URL."""
    referral = await _referral_for_upload(ctx, referral_id)
    pending = await documents.create_pending(
        ctx,
        org_id=referral.org_id,
        file_name=file_name,
        content_type=content_type,
        size_bytes=size_bytes,
        document_type=documents.parse_document_type(document_type),
        referral_id=referral.id,
        document_id=document_id,
    )
    return Upload(referral, pending.document, pending.upload, None)


async def add_file(
    ctx: Context,
    *,
    referral_id: str,
    file_name: str,
    data: bytes,
    document_type: str | None = None,
    document_id: str | None = None,
) -> Upload:
    """One more document for a referral, its bytes stored in the same request."""
    referral = await _referral_for_upload(ctx, referral_id)
    document = await documents.store(
        ctx,
        org_id=referral.org_id,
        file_name=file_name,
        data=data,
        document_type=documents.parse_document_type(document_type),
        referral_id=referral.id,
        document_id=document_id,
    )
    await emr.document_arrived(ctx, document)
    await process_on_arrival(ctx, referral)
    return Upload(referral, document, None, await _duplicate_hint(ctx, document))


async def upload_again(ctx: Context, *, document_id: str) -> Upload:
    """What a create or an upload answered, again (an idempotent retry), from the rows."""
    document, url = await documents.upload_again(ctx, document_id=document_id)
    referral = await get(ctx, referral_id=document.referral_id or "")
    return Upload(referral, document, url, await _duplicate_hint(ctx, document))


async def _duplicate_hint(ctx: Context, document: Document) -> DuplicateHint | None:
    if not document.duplicate_of_id:
        return None
    earlier = await ctx.session.get(Document, document.duplicate_of_id)
    if earlier is None or earlier.org_id != document.org_id:
        return None
    return DuplicateHint(document_id=earlier.id, referral_id=earlier.referral_id)


# -- processing -------------------------------------------------------------------------------


async def process(ctx: Context, *, referral_id: str) -> tuple[Referral, Job]:
    """Queue the processing pipeline for a referral whose files have all arrived."""
    referral = await get_for_change(ctx, referral_id)
    return referral, await start_processing(ctx, referral)


async def start_processing(ctx: Context, referral: Referral) -> Job:
    """Queue a run for a locked referral; refused while one runs or once it is settled."""
    if referral.stage in (ReferralStage.triaged, ReferralStage.duplicate):
        raise Conflict(f"referral {referral.id} is {referral.stage}; it is not reprocessed")
    running = await jobs.latest_for(
        ctx, org_id=referral.org_id, referral_id=referral.id, active_only=True
    )
    if running is not None:
        raise Conflict(
            f"referral {referral.id} is already being processed (job {running.id} is "
            f"{running.status})",
            details={"jobId": running.id},
        )
    files = (await documents_of(ctx, [referral])).get(referral.id, [])
    if not files:
        raise Conflict(f"referral {referral.id} has no documents to process")
    waiting = [d.id for d in files if not await documents.complete_from_storage(ctx, d)]
    if waiting:
        raise Conflict(
            f"document {waiting[0]} is still awaiting its upload",
            details={"documentIds": waiting},
        )
    job = jobs.create(ctx, org_id=referral.org_id, referral_id=referral.id)
    referral.stage = ReferralStage.processing
    referral.error = None
    referral.updated_at = utcnow()
    ctx.session.add(referral)
    await queue.enqueue(ctx, job)
    audit.record(
        ctx,
        "referral.process",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
        details={"jobId": job.id},
    )
    return job


async def process_on_arrival(ctx: Context, referral: Referral) -> Job | None:
    """The org's ``autoProcess``: a received referral whose files are all in is queued at once.

    Not once it has been processed (a person may be confirming its fields), nor while a
    file is still on its way; nothing is refused, the referral simply waits for ``process``.
    """
    if referral.stage != ReferralStage.received:
        return None
    if not (await config_for(ctx, referral.org_id)).auto_process:
        return None
    files = (await documents_of(ctx, [referral])).get(referral.id, [])
    if not files or any(d.uploaded_at is None for d in files):
        return None
    return await start_processing(ctx, referral)


async def upload_arrived(ctx: Context, document: Document) -> None:
    """A signed-URL upload completed: its referral may now have all its files."""
    if document.referral_id is None:
        return
    referral = await access.get_row(ctx, Referral, document.referral_id, lock=True)
    if referral is not None and referral.org_id == document.org_id:
        await process_on_arrival(ctx, referral)


async def wait_for_run(ctx: Context, job: Job, *, timeout: float) -> tuple[Referral, Job]:
    """The referral and its run once the run has finished, or as they are after ``timeout``.

    Polls in short read transactions after the caller's has committed: a transaction held
    open would keep the worker from writing (on SQLite it holds the single write lock).
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        await ctx.session.commit()
        fresh = await ctx.session.get(Job, job.id, populate_existing=True)
        referral = await ctx.session.get(Referral, job.referral_id, populate_existing=True)
        assert fresh is not None and referral is not None
        if fresh.status not in jobs.ACTIVE or asyncio.get_running_loop().time() >= deadline:
            await ctx.session.commit()
            return referral, fresh
        await asyncio.sleep(WAIT_POLL_SECONDS)
