"""Patients: demographics, insurance, and matching a referral to a known patient."""

from datetime import date
from typing import Any

from sqlmodel import select

from models import Patient, utcnow
from resolvers import audit
from resolvers.context import Context
from resolvers.normalize import name_key, parse_dob, phone_e164


def set_names(patient: Patient, first_name: str, last_name: str) -> None:
    patient.first_name = first_name.strip()
    patient.last_name = last_name.strip()
    patient.first_name_key = name_key(first_name)
    patient.last_name_key = name_key(last_name)


async def find_match(
    ctx: Context, *, org_id: str, first_name: str, last_name: str, dob: date | None
) -> Patient | None:
    """The same person: same names (ignoring case, accents, punctuation) and date of birth."""
    if dob is None:
        return None
    query = (
        select(Patient)
        .where(
            Patient.org_id == org_id,
            Patient.last_name_key == name_key(last_name),
            Patient.first_name_key == name_key(first_name),
            Patient.dob == dob,
        )
        .limit(1)
    )
    return (await ctx.session.scalars(query)).first()


async def from_extraction(
    ctx: Context, *, org_id: str, extraction: dict[str, Any] | None
) -> Patient | None:
    """The extraction's patient: a known one if names and DOB match, else a new record.

    ``None`` when the extraction lacks a first name, last name or readable DOB:
    a patient is never created from a guess.
    """
    data = (extraction or {}).get("patient") or {}
    first, last = data.get("firstName"), data.get("lastName")
    dob = parse_dob(data.get("dob"))
    if not first or not last or dob is None:
        return None
    match = await find_match(ctx, org_id=org_id, first_name=first, last_name=last, dob=dob)
    if match is not None:
        return match
    patient = Patient(
        org_id=org_id,
        first_name="",
        last_name="",
        first_name_key="",
        last_name_key="",
        dob=dob,
        sex=data.get("sex") if data.get("sex") in ("F", "M", "X", "U") else None,
        phone=phone_e164(data.get("phone")),
        email=data.get("email"),
        address=data.get("address"),
        insurance=(extraction or {}).get("insurance"),
        updated_at=utcnow(),
    )
    set_names(patient, first, last)
    ctx.session.add(patient)
    audit.record(
        ctx,
        "patient.create",
        org_id=org_id,
        resource_type="patient",
        resource_id=patient.id,
        details={"from": "extraction"},
    )
    return patient
