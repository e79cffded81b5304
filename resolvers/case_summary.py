"""What the Case Summary PDF says: the case's data gathered into typed values.

``app/pdf`` turns a :class:`CaseSummary` into bytes; nothing here renders, and nothing
there reads the database. The referrals' extraction and triage are read through the
typed models of ``models/extraction.py``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import col, select

from models import (
    Case,
    ContactEvent,
    Document,
    Location,
    Org,
    Patient,
    Practice,
    Provider,
    Referral,
    utcnow,
)
from models.extraction import Extraction, TriageResult
from resolvers.context import Context

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class SummaryPatient:
    name: str
    dob: date | None
    sex: str | None
    phone: str | None
    email: str | None
    address: str | None
    mrn: str | None


@dataclass(frozen=True)
class SummaryInsurance:
    provider: str | None
    member_id: str | None
    group_number: str | None


@dataclass(frozen=True)
class SummaryReferrer:
    provider_name: str | None
    practice_name: str | None
    npi: str | None
    phone: str | None
    fax: str | None
    matched: bool


@dataclass(frozen=True)
class SummaryRule:
    name: str
    level: int
    cues: list[str]


@dataclass(frozen=True)
class SummaryTriage:
    level: int | None
    priority_band: str | None
    queue: str | None
    source: str | None
    reason: str | None
    rules: list[SummaryRule]


@dataclass(frozen=True)
class SummaryContact:
    at: datetime
    kind: str
    detail: str


@dataclass(frozen=True)
class SummaryDocument:
    file_name: str
    document_type: str
    page_count: int | None
    received_at: datetime


@dataclass(frozen=True)
class CaseSummary:
    org_name: str
    case_id: str
    case_status: str
    created_at: datetime
    scheduled_for: datetime | None
    location: str | None
    patient: SummaryPatient
    insurance: SummaryInsurance
    referrer: SummaryReferrer | None
    reason: str | None
    diagnosis_codes: list[str]
    urgency: str | None
    triage: SummaryTriage
    contacts: list[SummaryContact] = field(default_factory=list)
    documents: list[SummaryDocument] = field(default_factory=list)
    generated_at: datetime = field(default_factory=utcnow)


def typed(model: type[M], value: Any) -> M | None:
    """A JSON column read through its model; a value that does not fit is left out."""
    if value is None or isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


async def build(ctx: Context, case: Case) -> CaseSummary:
    """Gather the summary of a case the caller already holds (no audit of its own)."""
    session = ctx.session
    org = await session.get(Org, case.org_id)
    patient = await session.get(Patient, case.patient_id) if case.patient_id else None
    location = await session.get(Location, case.location_id) if case.location_id else None
    referrals = list(
        (
            await session.scalars(
                select(Referral)
                .where(Referral.org_id == case.org_id, Referral.case_id == case.id)
                .order_by(col(Referral.created_at), col(Referral.id))
            )
        ).all()
    )
    extractions = [e for e in (typed(Extraction, r.extraction) for r in referrals) if e]
    triages = [t for t in (typed(TriageResult, r.triage) for r in referrals) if t]
    contacts = (
        await session.scalars(
            select(ContactEvent)
            .where(ContactEvent.org_id == case.org_id, ContactEvent.case_id == case.id)
            .order_by(col(ContactEvent.created_at), col(ContactEvent.id))
        )
    ).all()
    documents = await source_documents(ctx, case)
    return CaseSummary(
        org_name=org.name if org else "",
        case_id=case.id,
        case_status=case.status,
        created_at=case.created_at,
        scheduled_for=case.scheduled_for,
        location=location.name if location else None,
        patient=_patient(patient),
        insurance=_insurance(patient),
        referrer=await _referrer(ctx, case, extractions),
        reason=case.reason
        or next((e.clinical.reason for e in extractions if e.clinical.reason), None),
        diagnosis_codes=_unique(code for e in extractions for code in e.clinical.diagnosis_codes),
        urgency=next((e.clinical.urgency.value for e in extractions if e.clinical.urgency), None),
        triage=_triage(case, triages),
        contacts=[_contact(e) for e in contacts],
        documents=[
            SummaryDocument(
                file_name=d.file_name,
                document_type=d.document_type,
                page_count=d.page_count,
                received_at=d.uploaded_at or d.created_at,
            )
            for d in documents
        ],
    )


async def source_documents(ctx: Context, case: Case) -> list[Document]:
    """The documents of the case's referrals whose bytes have arrived, oldest first."""
    query = (
        select(Document)
        .join(Referral, col(Referral.id) == col(Document.referral_id))
        .where(
            Document.org_id == case.org_id,
            Referral.org_id == case.org_id,
            Referral.case_id == case.id,
            col(Document.uploaded_at).is_not(None),
        )
        .order_by(col(Document.created_at), col(Document.id))
    )
    return list((await ctx.session.scalars(query)).all())


def _patient(patient: Patient | None) -> SummaryPatient:
    if patient is None:
        return SummaryPatient("(no patient)", None, None, None, None, None, None)
    address = patient.address or {}
    street = ", ".join(str(address[k]) for k in ("line1", "line2") if address.get(k))
    place = " ".join(str(address[k]) for k in ("state", "zip") if address.get(k))
    city = ", ".join(p for p in (address.get("city"), place) if p)
    return SummaryPatient(
        name=f"{patient.last_name}, {patient.first_name}",
        dob=patient.dob,
        sex=patient.sex,
        phone=patient.phone,
        email=patient.email,
        address=", ".join(p for p in (street, city) if p) or None,
        mrn=patient.mrn,
    )


def _insurance(patient: Patient | None) -> SummaryInsurance:
    insurance = (patient.insurance if patient else None) or {}
    return SummaryInsurance(
        provider=insurance.get("provider"),
        member_id=insurance.get("memberId"),
        group_number=insurance.get("groupNumber"),
    )


async def _referrer(
    ctx: Context, case: Case, extractions: list[Extraction]
) -> SummaryReferrer | None:
    practice = await ctx.session.get(Practice, case.practice_id) if case.practice_id else None
    provider = await ctx.session.get(Provider, case.provider_id) if case.provider_id else None
    if practice or provider:
        return SummaryReferrer(
            provider_name=provider.name if provider else None,
            practice_name=practice.name if practice else None,
            npi=(provider.npi if provider else None) or (practice.npi if practice else None),
            phone=(provider.phone if provider else None) or (practice.phone if practice else None),
            fax=(provider.fax if provider else None) or (practice.fax if practice else None),
            matched=True,
        )
    read = next(
        (e.referrer for e in extractions if e.referrer.provider_name or e.referrer.practice_name),
        None,
    )
    if read is None:
        return None
    return SummaryReferrer(
        provider_name=read.provider_name,
        practice_name=read.practice_name,
        npi=read.npi,
        phone=read.phone,
        fax=read.fax,
        matched=False,
    )


def _triage(case: Case, triages: list[TriageResult]) -> SummaryTriage:
    # The referral whose triage set the case's level speaks for it; else the latest.
    chosen = next((t for t in triages if t.level == case.triage_level), None)
    chosen = chosen or (triages[-1] if triages else None)
    rules: list[SummaryRule] = []
    for triage in triages:
        for rule in triage.rules:
            cues = [f"{m.cue}: {m.value}" for m in rule.matched]
            if all(r.name != rule.name for r in rules):
                rules.append(SummaryRule(name=rule.name, level=rule.level, cues=cues))
    return SummaryTriage(
        level=case.triage_level,
        priority_band=case.priority_band,
        queue=case.queue,
        source=chosen.source if chosen else None,
        reason=chosen.reason if chosen else None,
        rules=rules,
    )


def _contact(event: ContactEvent) -> SummaryContact:
    parts: list[str] = []
    if event.channel:
        parts.append(event.channel)
    if event.outcome:
        parts.append(event.outcome.replace("_", " "))
    if event.scheduled_for:
        parts.append("for " + event.scheduled_for.strftime("%Y-%m-%d %H:%M UTC"))
    if event.reason:
        parts.append(event.reason)
    if event.note:
        parts.append(event.note)
    return SummaryContact(at=event.created_at, kind=event.kind, detail=" - ".join(parts))


def _unique(values: Any) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen
