"""Patients: demographics, insurance, search, and matching a referral to a known patient."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_
from sqlmodel import col, select

from models import Case, Document, EmrDocumentItem, Patient, Referral, Role, utcnow
from models.values import (
    name_key,
    parse_dob,
    phone_e164,
)
from resolvers import audit, locks
from resolvers.access import get_scoped, org_for
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed, not_found
from resolvers.pagination import Page, check_limit, paginate
from resolvers.patient_checks import FIELD_NAMES, NAME_MAX, clean_fields

# A search of more words than this is not a name.
_MAX_NAME_TOKENS = 6


@dataclass(frozen=True)
class Deleted:
    patient: Patient
    deleted_document_ids: list[str]
    detached_document_ids: list[str]


# --- reading ------------------------------------------------------------------------------


async def get_or_raise(
    ctx: Context,
    *,
    patient_id: str,
    org_id: str | None = None,
    minimum: Role = Role.viewer,
    lock: bool = False,
) -> Patient:
    """The patient, if the caller may see it (another org's is a 404, like a missing one)."""
    patient = await get_scoped(
        ctx, Patient, patient_id, resource="patient", minimum=minimum, lock=lock
    )
    if org_id and patient.org_id != org_id:
        raise not_found("patient", patient_id)
    return patient


async def read(ctx: Context, *, patient_id: str, org_id: str | None = None) -> Patient:
    patient = await get_or_raise(ctx, patient_id=patient_id, org_id=org_id)
    audit.record(
        ctx, "patient.read", org_id=patient.org_id, resource_type="patient", resource_id=patient.id
    )
    return patient


async def search(
    ctx: Context, *, org_id: str | None, q: str | None, cursor: str | None, limit: int | None
) -> Page[Patient]:
    """Patients of one org matching ``q``: a name in any order, DOB, phone, MRN or id.

    The org is always the leading condition, on the ``(org_id, …)`` indexes
    (names use the ``*_name_key`` columns), so no other org's rows are read.
    """
    org_id = org_for(ctx, org_id, Role.viewer)
    limit = check_limit(limit)
    query = select(Patient).where(Patient.org_id == org_id)
    text = (q or "").strip()
    if text:
        query = query.where(or_(*search_conditions(text)))
    page: Page[Patient] = await paginate(ctx.session, query, Patient, cursor=cursor, limit=limit)
    audit.record_many(
        ctx,
        "patient.search",
        org_id=org_id,
        resource_type="patient",
        resource_ids=[p.id for p in page.items],
    )
    return page


def search_conditions(text: str) -> list[ColumnElement[bool]]:
    """What ``text`` may mean; a patient matching any of them is found."""
    if text.startswith("pat_"):
        return [col(Patient.id) == text]
    conditions: list[ColumnElement[bool]] = [col(Patient.mrn).in_(sorted({text, text.upper()}))]
    dob = parse_dob(text)
    if dob is not None:
        conditions.append(col(Patient.dob) == dob)
    phone = phone_e164(text)
    if phone is not None:
        conditions.append(col(Patient.phone) == phone)
    tokens = name_key(text).split()
    if any(c.isalpha() for c in text) and len(tokens) <= _MAX_NAME_TOKENS:
        conditions.extend(_name_conditions(tokens))
    return conditions


def _name_conditions(tokens: list[str]) -> list[ColumnElement[bool]]:
    """Name words in any order, each a word prefix: "jan do", "doe jane", "Doe, Jane".

    The words split between first and last name at every point, either way
    round; all of them may also be the start of one of the two names.
    """
    first, last = col(Patient.first_name_key), col(Patient.last_name_key)
    whole = " ".join(tokens)
    conditions = [_starts_word(first, whole), _starts_word(last, whole)]
    for split in range(1, len(tokens)):
        left, right = " ".join(tokens[:split]), " ".join(tokens[split:])
        conditions.append(and_(_starts_word(first, left), _starts_word(last, right)))
        conditions.append(and_(_starts_word(last, left), _starts_word(first, right)))
    return conditions


def _starts_word(column: Any, prefix: str) -> ColumnElement[bool]:
    # A prefix longer than any key cannot start one (and SQLite refuses a LIKE pattern
    # over 50,000 bytes as "too complex").
    if len(prefix) > column.type.length:
        return false()
    # Keys hold only letters, digits and single spaces, so no LIKE wildcard can sneak in.
    condition: ColumnElement[bool] = or_(column.like(f"{prefix}%"), column.like(f"% {prefix}%"))
    return condition


# --- changing -----------------------------------------------------------------------------


async def create(ctx: Context, *, org_id: str | None, fields: Mapping[str, Any]) -> Patient:
    """A new patient. The same names and DOB as a patient of the org is a conflict."""
    org_id = org_for(ctx, org_id, Role.coordinator)
    clean = clean_fields(fields, creating=True)
    patient = Patient(
        org_id=org_id, first_name="", last_name="", first_name_key="", last_name_key=""
    )
    _apply(patient, clean)
    await _check_unique(ctx, patient)
    ctx.session.add(patient)
    audit.record(
        ctx, "patient.create", org_id=org_id, resource_type="patient", resource_id=patient.id
    )
    return patient


async def update(
    ctx: Context, *, patient_id: str, org_id: str | None, changes: Mapping[str, Any]
) -> Patient:
    """Change only the fields given; ``None`` clears an optional one."""
    patient = await get_or_raise(
        ctx, patient_id=patient_id, org_id=org_id, minimum=Role.coordinator, lock=True
    )
    if not changes:
        raise ValidationFailed("send at least one field to change", field="body")
    clean = clean_fields(changes, creating=False)
    _apply(patient, clean)
    await _check_unique(ctx, patient)
    patient.updated_at = utcnow()
    ctx.session.add(patient)
    audit.record(
        ctx,
        "patient.update",
        org_id=patient.org_id,
        resource_type="patient",
        resource_id=patient.id,
        details={"fields": sorted(FIELD_NAMES[name] for name in clean)},
    )
    return patient


async def delete(ctx: Context, *, patient_id: str, org_id: str | None) -> Deleted:
    """Delete a patient that no case or referral refers to.

    Cases and referrals are clinical records: while one names the patient the
    deletion is refused (409) rather than leaving them pointing at nothing.
    Documents attached only to the patient go with it (rows and stored bytes);
    documents that also belong to a referral stay with the referral, detached.
    """
    patient = await get_or_raise(
        ctx, patient_id=patient_id, org_id=org_id, minimum=Role.coordinator, lock=True
    )
    await _refuse_if_referenced(ctx, patient)
    documents = list(
        (
            await ctx.session.scalars(
                select(Document).where(
                    Document.org_id == patient.org_id, Document.patient_id == patient.id
                )
            )
        ).all()
    )
    doomed = [d for d in documents if d.referral_id is None]
    detached = [d for d in documents if d.referral_id is not None]
    await _refuse_if_queued(ctx, doomed)
    now = utcnow()
    for document in detached:
        document.patient_id = None
        document.updated_at = now
        ctx.session.add(document)
    for document in doomed:
        await ctx.session.delete(document)
        audit.record(
            ctx,
            "document.delete",
            org_id=patient.org_id,
            resource_type="document",
            resource_id=document.id,
            details={"with": patient.id},
        )
    await ctx.session.flush()
    await ctx.session.delete(patient)
    result = Deleted(
        patient=patient,
        deleted_document_ids=[d.id for d in doomed],
        detached_document_ids=[d.id for d in detached],
    )
    audit.record(
        ctx,
        "patient.delete",
        org_id=patient.org_id,
        resource_type="patient",
        resource_id=patient.id,
        details={
            "deletedDocumentIds": result.deleted_document_ids,
            "detachedDocumentIds": result.detached_document_ids,
        },
    )
    # The rows are gone from the transaction before the bytes go, so a refused
    # deletion never loses a file; a failed commit after this point could.
    await ctx.session.flush()
    for document in doomed:
        if document.uploaded_at is not None:
            await ctx.storage.delete(document.storage_key)
    return result


async def _refuse_if_referenced(ctx: Context, patient: Patient) -> None:
    cases = await _count(ctx, Case, patient)
    referrals = await _count(ctx, Referral, patient)
    if cases or referrals:
        raise Conflict(
            f"patient {patient.id} is referenced by {cases} case(s) and {referrals} "
            "referral(s); it cannot be deleted while they refer to it",
            details={"caseCount": cases, "referralCount": referrals},
        )


async def _count(ctx: Context, model: Any, patient: Patient) -> int:
    query = (
        select(func.count())
        .select_from(model)
        .where(model.org_id == patient.org_id, model.patient_id == patient.id)
    )
    return int((await ctx.session.scalars(query)).one())


async def _refuse_if_queued(ctx: Context, documents: list[Document]) -> None:
    if not documents:
        return
    query = (
        select(EmrDocumentItem.id)
        .where(col(EmrDocumentItem.document_id).in_([d.id for d in documents]))
        .limit(1)
    )
    if (await ctx.session.scalars(query)).first() is not None:
        raise Conflict("a document of this patient is in the EMR delivery queue")


async def _check_unique(ctx: Context, patient: Patient) -> None:
    """One record per person (names and DOB) and per MRN in an org.

    The locks make check and write one step: two requests creating the same person at
    once cannot both find no one.
    """
    if patient.dob is not None:
        await locks.hold(ctx, locks.PATIENTS, patient.org_id)
        query = select(Patient.id).where(
            Patient.org_id == patient.org_id,
            Patient.last_name_key == patient.last_name_key,
            Patient.first_name_key == patient.first_name_key,
            Patient.dob == patient.dob,
            Patient.id != patient.id,
        )
        other = (await ctx.session.scalars(query.limit(1))).first()
        if other is not None:
            raise Conflict(
                f"patient {other} has the same name and date of birth",
                details={"existingPatientId": other},
            )
    if patient.mrn:
        await locks.hold(ctx, "patient-mrn", patient.org_id, patient.mrn)
        query = select(Patient.id).where(
            Patient.org_id == patient.org_id, Patient.mrn == patient.mrn, Patient.id != patient.id
        )
        other = (await ctx.session.scalars(query.limit(1))).first()
        if other is not None:
            raise Conflict(
                f"patient {other} already has MRN {patient.mrn}",
                field="mrn",
                details={"existingPatientId": other},
            )


def _apply(patient: Patient, clean: Mapping[str, Any]) -> None:
    if "first_name" in clean or "last_name" in clean:
        set_names(
            patient,
            clean.get("first_name", patient.first_name),
            clean.get("last_name", patient.last_name),
        )
    for name in ("dob", "sex", "phone", "email", "address", "insurance", "mrn"):
        if name in clean:
            setattr(patient, name, clean[name])


# --- matching referrals to patients -------------------------------------------------------


def name_key_of(name: str) -> str:
    """A name as stored for matching (``first_name_key``/``last_name_key``)."""
    return name_key(name)[:NAME_MAX]


def set_names(patient: Patient, first_name: str, last_name: str) -> None:
    patient.first_name = first_name.strip()
    patient.last_name = last_name.strip()
    patient.first_name_key = name_key_of(first_name)
    patient.last_name_key = name_key_of(last_name)
