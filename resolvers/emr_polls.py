"""The EMR bridge's two polls (seed "EMR Integration" / "EMR Document Queue", DESIGN §6).

A poll is read-only: every ``pending`` and ``processing`` item, oldest first, chart items
with the case's patient, insurance, referrer, location and triage; document items with
the patient's MRN and a download URL signed afresh for 15 minutes. It hands out patient
data, so it leaves one audit event naming the items it returned.

``lease`` (beyond the contract, for more than one bridge): the poll takes the items no
other bridge holds, marks them ``processing`` until the lease ends, and returns only them.

A poll returns thousands of items: one query reads columns, not ORM objects, into
named tuples (immutable and typed, and built several times faster than frozen dataclasses).
"""

from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, case, or_, type_coerce
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from models import (
    Case,
    EmrChartItem,
    EmrDocumentItem,
    Location,
    Patient,
    Practice,
    Provider,
    QueueStatus,
    utcnow,
)
from models.base import JSONType
from resolvers import audit
from resolvers.context import Context
from resolvers.emr import (
    ACTIVE,
    DOWNLOAD_TTL_SECONDS,
    MAX_LEASE_SECONDS,
    MAX_RESULTS,
    require_api_key,
)
from resolvers.errors import ValidationFailed


class Referrer(NamedTuple):
    practice_id: str | None
    practice_name: str | None
    provider_id: str | None
    provider_name: str | None
    npi: str | None
    phone: str | None
    fax: str | None


class ChartEntry(NamedTuple):
    queue_item_id: str
    org_id: str
    case_id: str
    status: str
    patient_id: str | None
    first_name: str | None
    last_name: str | None
    dob: date | None
    sex: str | None
    phone: str | None
    email: str | None
    address: dict[str, Any] | None
    insurance: dict[str, Any] | None
    referrer: Referrer | None
    location_id: str | None
    emr_location_id: str | None
    triage_level: int | None
    priority_band: str | None
    attempts: int
    last_message: str | None


class DocumentEntry(NamedTuple):
    queue_item_id: str
    org_id: str
    case_id: str
    mrn: str | None
    status: str
    document_type: str
    file_name: str
    content_type: str
    download_url: str
    download_url_expires_at: datetime
    attempts: int
    last_message: str | None


def _same_org(model: Any, id_column: Any) -> Any:
    return and_(col(model.org_id) == col(Case.org_id), col(model.id) == id_column)


_CHART_COLUMNS: tuple[Any, ...] = (
    EmrChartItem.id,
    EmrChartItem.status,
    EmrChartItem.case_id,
    EmrChartItem.attempts,
    EmrChartItem.last_message,
    Case.patient_id,
    Case.location_id,
    Case.triage_level,
    Case.priority_band,
    # The referral's own words are needed only while no practice/provider is matched:
    # decoding every case's candidates (JSON) would cost more than the rest of a row.
    case(
        (
            and_(col(Case.practice_id).is_(None), col(Case.provider_id).is_(None)),
            # As plain JSON: the column's own type reads a whole list of candidates.
            type_coerce(Case.referrer_candidates, JSONType)[0],
        ),
        else_=None,
    ),
    Patient.first_name,
    Patient.last_name,
    Patient.dob,
    Patient.sex,
    Patient.phone,
    Patient.email,
    Patient.address,
    Patient.insurance,
    Location.emr_location_id,
    Practice.id,
    Practice.name,
    Practice.npi,
    Practice.phone,
    Practice.fax,
    Provider.id,
    Provider.name,
    Provider.npi,
    Provider.phone,
    Provider.fax,
)


async def poll_charts(
    ctx: Context, *, org_id: str | None, lease: int | None = None, limit: int | None = None
) -> tuple[str, list[ChartEntry]]:
    """Every pending and processing chart item with its case's data."""
    org = require_api_key(ctx, org_id)
    _check(lease, limit)
    ids = await _lease(ctx, EmrChartItem, org, lease, limit) if lease else None
    rows = (await ctx.session.execute(chart_query(org, ids, limit))).all()
    entries = [_chart_entry(org, row) for row in rows]
    audit.record_many(
        ctx,
        "emr.queue_poll",
        org_id=org,
        resource_type="emr_chart_item",
        resource_ids=[e.queue_item_id for e in entries],
    )
    return org, entries


def chart_query(org: str, ids: list[str] | None = None, limit: int | None = None) -> Any:
    """The chart poll's one query: the items with their case, patient, location and
    referrer, joined in the database (bench/emr.py runs it raw through asyncpg as a floor)."""
    query = (
        select_columns(*_CHART_COLUMNS)
        .join(
            Case,
            and_(
                col(Case.org_id) == col(EmrChartItem.org_id),
                col(Case.id) == col(EmrChartItem.case_id),
            ),
        )
        .outerjoin(Patient, _same_org(Patient, Case.patient_id))
        .outerjoin(Location, _same_org(Location, Case.location_id))
        .outerjoin(Practice, _same_org(Practice, Case.practice_id))
        .outerjoin(Provider, _same_org(Provider, Case.provider_id))
        .where(col(EmrChartItem.org_id) == org)
    )
    return _filtered(query, EmrChartItem, ids, limit)


def _chart_entry(org: str, row: Any) -> ChartEntry:
    (item_id, status, case_id, attempts, message, patient_id, location_id, level, band) = row[:9]
    candidate, first, last, dob, sex, phone, email, address, insurance = row[9:18]
    emr_location_id = row[18]
    return ChartEntry(
        queue_item_id=item_id,
        org_id=org,
        case_id=case_id,
        status=status,
        patient_id=patient_id,
        first_name=first,
        last_name=last,
        dob=dob,
        sex=sex,
        phone=phone,
        email=email,
        address=address,
        insurance=insurance,
        referrer=_referrer(candidate, row[19:24], row[24:29]),
        location_id=location_id,
        emr_location_id=emr_location_id,
        triage_level=level,
        priority_band=band,
        attempts=attempts,
        last_message=message,
    )


def _referrer(candidate: Any, practice: Any, provider: Any) -> Referrer | None:
    """The matched practice/provider; while none is matched, the referral's own words."""
    practice_id, practice_name, practice_npi, practice_phone, practice_fax = practice
    provider_id, provider_name, provider_npi, provider_phone, provider_fax = provider
    if practice_id or provider_id:
        return Referrer(
            practice_id=practice_id,
            practice_name=practice_name,
            provider_id=provider_id,
            provider_name=provider_name,
            npi=provider_npi or practice_npi,
            phone=provider_phone or practice_phone,
            fax=provider_fax or practice_fax,
        )
    if not isinstance(candidate, dict):
        return None
    return Referrer(
        practice_id=None,
        practice_name=_text(candidate.get("practiceName")),
        provider_id=None,
        provider_name=_text(candidate.get("providerName")),
        npi=_text(candidate.get("npi")),
        phone=_text(candidate.get("phone")),
        fax=_text(candidate.get("fax")),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


_DOCUMENT_COLUMNS: tuple[Any, ...] = (
    EmrDocumentItem.id,
    EmrDocumentItem.case_id,
    EmrDocumentItem.status,
    EmrDocumentItem.document_type,
    EmrDocumentItem.file_name,
    EmrDocumentItem.content_type,
    EmrDocumentItem.storage_key,
    EmrDocumentItem.attempts,
    EmrDocumentItem.last_message,
    Patient.mrn,
    Case.emr_chart_id,
)


async def poll_documents(
    ctx: Context, *, org_id: str | None, lease: int | None = None, limit: int | None = None
) -> tuple[str, list[DocumentEntry]]:
    """Every pending and processing document item, each with a fresh 15-minute URL."""
    org = require_api_key(ctx, org_id)
    _check(lease, limit)
    ids = await _lease(ctx, EmrDocumentItem, org, lease, limit) if lease else None
    query = (
        select_columns(*_DOCUMENT_COLUMNS)
        .join(
            Case,
            and_(
                col(Case.org_id) == col(EmrDocumentItem.org_id),
                col(Case.id) == col(EmrDocumentItem.case_id),
            ),
        )
        .outerjoin(Patient, _same_org(Patient, Case.patient_id))
        .where(col(EmrDocumentItem.org_id) == org)
    )
    rows = (await ctx.session.execute(_filtered(query, EmrDocumentItem, ids, limit))).all()
    entries = []
    for (
        item_id,
        case_id,
        status,
        kind,
        name,
        content_type,
        key,
        attempts,
        message,
        mrn,
        chart,
    ) in rows:
        url = await ctx.storage.download_url(key, DOWNLOAD_TTL_SECONDS, file_name=name)
        entries.append(
            DocumentEntry(
                queue_item_id=item_id,
                org_id=org,
                case_id=case_id,
                mrn=mrn or chart,
                status=status,
                document_type=kind,
                file_name=name,
                content_type=content_type,
                download_url=url.url,
                download_url_expires_at=url.expires_at,
                attempts=attempts,
                last_message=message,
            )
        )
    audit.record_many(
        ctx,
        "emr.document_queue_poll",
        org_id=org,
        resource_type="emr_document_item",
        resource_ids=[e.queue_item_id for e in entries],
    )
    return org, entries


def _check(lease: int | None, limit: int | None) -> None:
    if lease is not None and not 1 <= lease <= MAX_LEASE_SECONDS:
        raise ValidationFailed(f"lease must be 1 to {MAX_LEASE_SECONDS} seconds", field="lease")
    if limit is not None and not 1 <= limit <= MAX_RESULTS:
        raise ValidationFailed(f"limit must be 1 to {MAX_RESULTS}", field="limit")


def _filtered(query: Any, model: Any, ids: list[str] | None, limit: int | None) -> Any:
    if ids is not None:
        query = query.where(col(model.id).in_(ids))
    else:
        query = query.where(col(model.status).in_(ACTIVE))
    query = query.order_by(col(model.created_at), col(model.id))
    return query.limit(limit) if limit else query


async def _lease(ctx: Context, model: Any, org: str, lease: int, limit: int | None) -> list[str]:
    """Take the items no other bridge holds (pending, or leased and expired) for ``lease`` s.

    ``SKIP LOCKED``: a second poller at the same moment passes over the rows the first is
    taking instead of waiting for them and then taking them too. (SQLite runs one
    writing transaction at a time.)
    """
    now = utcnow()
    free = or_(
        model.status == QueueStatus.pending,
        and_(
            model.status == QueueStatus.processing,
            or_(col(model.lease_expires_at).is_(None), col(model.lease_expires_at) <= now),
        ),
    )
    query = (
        select(model)
        .where(model.org_id == org, free)
        .order_by(col(model.created_at), col(model.id))
        .with_for_update(skip_locked=True, key_share=True)
        .execution_options(populate_existing=True)
    )
    if limit:
        query = query.limit(limit)
    items = list((await ctx.session.scalars(query)).all())
    until = now + timedelta(seconds=lease)
    for item in items:
        item.status = QueueStatus.processing
        item.lease_expires_at = until
        item.updated_at = now
        ctx.session.add(item)
    await ctx.session.flush()
    return [item.id for item in items]
