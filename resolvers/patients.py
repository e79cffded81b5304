"""Patients: demographics, insurance, search, and matching a referral to a known patient."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_
from sqlmodel import col, select

from models import Case, Document, EmrDocumentItem, Patient, Referral, Role, utcnow
from models.values import (
    STATE_RULE,
    ZIP_RULE,
    latest_date_on_earth,
    name_key,
    parse_dob,
    phone_e164,
    read_date,
    us_state,
    us_zip,
)
from resolvers import audit, locks
from resolvers.access import get_scoped, org_for
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed, not_found
from resolvers.pagination import Page, check_limit, paginate

SEXES = ("F", "M", "X", "U")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/-]\d{1,2}[/-]\d{2}")
_TIMESTAMP = re.compile(r"\d\s*T\s*\d|\d:\d", re.IGNORECASE)
_NAME_MAX = 100
_TEXT_MAX = 200
# A search of more words than this is not a name.
_MAX_NAME_TOKENS = 6
# Wire names of the fields, for error details and the audit trail.
FIELD_NAMES = {
    "first_name": "firstName",
    "last_name": "lastName",
    "dob": "dob",
    "sex": "sex",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "insurance": "insurance",
    "mrn": "mrn",
}


@dataclass(frozen=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


@dataclass(frozen=True)
class Insurance:
    provider: str | None = None
    member_id: str | None = None
    group_number: str | None = None


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


# --- validation ---------------------------------------------------------------------------


def clean_fields(fields: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Checked and normalised values of the fields given, or every problem at once (422)."""
    unknown = set(fields) - set(FIELD_NAMES)
    if unknown:
        raise ValueError(f"unknown patient fields {sorted(unknown)}")
    clean: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    if creating:
        for name in ("first_name", "last_name"):
            if name not in fields:
                problems.append({"field": FIELD_NAMES[name], "message": "is required"})
    for name, value in fields.items():
        try:
            clean[name] = _CLEANERS[name](value)
        except InvalidValue as exc:
            problems.extend(
                {"field": field or FIELD_NAMES[name], "message": message}
                for field, message in exc.problems
            )
    if problems:
        first = problems[0]
        raise ValidationFailed(f"{first['field']}: {first['message']}", details=problems)
    return clean


class InvalidValue(Exception):
    """One field's problems: ``(field or None for the field itself, message)`` pairs."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.problems = [(field, message)]


def clean_text(value: Any, *, limit: int = _TEXT_MAX, field: str | None = None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue("must be a string", field)
    text = value.strip()
    if len(text) > limit:
        raise InvalidValue(f"must be at most {limit} characters", field)
    return text or None


def _name(value: Any) -> str:
    text = clean_text(value, limit=_NAME_MAX)
    if text is None:
        raise InvalidValue("is required and cannot be empty")
    if not name_key(text):
        raise InvalidValue("must contain letters")
    return text


def clean_dob(value: Any) -> date | None:
    """A date of birth exactly as written: never shifted by a time zone, never guessed."""
    if value is None or isinstance(value, date):
        text = value.isoformat() if isinstance(value, date) else None
    elif isinstance(value, str):
        text = value.strip() or None
    else:
        raise InvalidValue("must be a date written YYYY-MM-DD")
    if text is None:
        return None
    if _TIMESTAMP.search(text):
        raise InvalidValue("must be a date (YYYY-MM-DD), not a timestamp")
    if _TWO_DIGIT_YEAR.fullmatch(text):
        raise InvalidValue("write the year with four digits (MM/DD/YYYY)")
    written = read_date(text)
    if written is None:
        raise InvalidValue("is not a readable date; write YYYY-MM-DD or MM/DD/YYYY")
    if written > latest_date_on_earth():
        raise InvalidValue("is in the future")
    dob = parse_dob(written)
    if dob is None:
        raise InvalidValue("is more than 130 years ago")
    return dob


def clean_sex(value: Any) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    if text.upper() not in SEXES:
        raise InvalidValue("must be one of F, M, X, U")
    return text.upper()


def clean_phone(value: Any) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    phone = phone_e164(text)
    if phone is None:
        raise InvalidValue("is not a phone number; write it like (555) 123-4567 or +15551234567")
    return phone


def clean_email(value: Any) -> str | None:
    text = clean_text(value, limit=320)
    if text is None:
        return None
    if not _EMAIL.fullmatch(text):
        raise InvalidValue("is not an email address")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def _address(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Address):
        raise InvalidValue("must be an object with line1, line2, city, state, zip")
    parts = {
        "line1": clean_text,
        "line2": clean_text,
        "city": clean_text,
        "state": clean_state,
        "zip": clean_zip,
    }
    address: dict[str, Any] = {}
    problems = []
    for name, clean in parts.items():
        try:
            address[name] = clean(getattr(value, name), field=f"address.{name}")
        except InvalidValue as exc:
            problems.extend(exc.problems)
    if problems:
        invalid = InvalidValue(problems[0][1], problems[0][0])
        invalid.problems = problems
        raise invalid
    return address if any(address.values()) else None


def clean_state(value: Any, *, field: str | None = None) -> str | None:
    text = clean_text(value, field=field)
    if text is None:
        return None
    state = us_state(text)
    if state is None:
        raise InvalidValue(STATE_RULE, field)
    return state


def clean_zip(value: Any, *, field: str | None = None) -> str | None:
    text = clean_text(value, field=field)
    if text is None:
        return None
    zip_code = us_zip(text)
    if zip_code is None:
        raise InvalidValue(ZIP_RULE, field)
    return zip_code


def _insurance(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Insurance):
        raise InvalidValue("must be an object with provider, memberId, groupNumber")
    insurance = {
        "provider": clean_text(value.provider, field="insurance.provider"),
        "memberId": clean_text(value.member_id, limit=100, field="insurance.memberId"),
        "groupNumber": clean_text(value.group_number, limit=100, field="insurance.groupNumber"),
    }
    return insurance if any(insurance.values()) else None


def _mrn(value: Any) -> str | None:
    return clean_text(value, limit=100)


_CLEANERS = {
    "first_name": _name,
    "last_name": _name,
    "dob": clean_dob,
    "sex": clean_sex,
    "phone": clean_phone,
    "email": clean_email,
    "address": _address,
    "insurance": _insurance,
    "mrn": _mrn,
}


# --- matching referrals to patients -------------------------------------------------------


def name_key_of(name: str) -> str:
    """A name as stored for matching (``first_name_key``/``last_name_key``)."""
    return name_key(name)[:_NAME_MAX]


def set_names(patient: Patient, first_name: str, last_name: str) -> None:
    patient.first_name = first_name.strip()
    patient.last_name = last_name.strip()
    patient.first_name_key = name_key_of(first_name)
    patient.last_name_key = name_key_of(last_name)
