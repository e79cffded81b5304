"""JSON shapes of the domain objects, shared by every REST route that returns them.

These are the contract integrators code against: camelCase, ISO dates,
timestamps in UTC with Z. Each has ``of(row)`` to build it from a table row; the
shapes a list nests by the page have ``fields(row)`` too, the values ``of`` validates,
so that a page of them is validated in one call (its model's ``model_validate``) rather
than a model built in Python per row.
"""

from datetime import date
from typing import Any, Self

from models import Case, ContactEvent, Document, Location, Patient, Practice, Provider, Referral
from models.document import PageType
from models.extraction import ExtractedReferrer, Extraction, QaResult, TriageResult
from rest_compat.schemas import Out, Timestamp


class AddressOut(Out):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class InsuranceOut(Out):
    provider: str | None = None
    member_id: str | None = None
    group_number: str | None = None


class DocumentOut(Out):
    id: str
    org_id: str
    referral_id: str | None
    patient_id: str | None
    file_name: str
    content_type: str
    size_bytes: int | None
    sha256: str | None
    page_count: int | None
    # What each page is, in order (the pipeline's page classifier); null before processing.
    page_types: list[PageType] | None
    document_type: str
    status: str
    # False until the bytes have arrived through the signed upload URL.
    upload_complete: bool
    uploaded_at: Timestamp | None
    # An earlier document of this org with the same bytes: a likely duplicate.
    likely_duplicate_of: str | None
    error: str | None
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, row: Document) -> "DocumentOut":
        return cls(
            id=row.id,
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
        )


class PatientOut(Out):
    id: str
    org_id: str
    first_name: str
    last_name: str
    dob: date | None
    sex: str | None
    phone: str | None
    email: str | None
    address: AddressOut | None
    insurance: InsuranceOut | None
    mrn: str | None
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, row: Patient) -> "PatientOut":
        return cls.model_validate(cls.fields(row))

    @staticmethod
    def fields(row: Patient) -> dict[str, Any]:
        return {
            "id": row.id,
            "org_id": row.org_id,
            "first_name": row.first_name,
            "last_name": row.last_name,
            "dob": row.dob,
            "sex": row.sex,
            "phone": row.phone,
            "email": row.email,
            # Read as their models (stored dicts: their keys in the database's order).
            "address": AddressOut.model_validate(row.address) if row.address else None,
            "insurance": InsuranceOut.model_validate(row.insurance) if row.insurance else None,
            "mrn": row.mrn,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }


class ReferrerOut(Out):
    practice_id: str | None
    provider_id: str | None
    # As read off the referrals, while no practice/provider is matched.
    candidates: list[ExtractedReferrer]


class ContactEventOut(Out):
    id: str
    case_id: str
    kind: str
    channel: str | None
    outcome: str | None
    scheduled_for: Timestamp | None
    reason: str | None
    note: str | None
    actor_type: str
    actor_id: str | None
    created_at: Timestamp

    @classmethod
    def of(cls, row: ContactEvent) -> "ContactEventOut":
        return cls.model_validate(row, from_attributes=True)


class CaseOut(Out):
    id: str
    org_id: str
    status: str
    close_reason: str | None
    patient_id: str | None
    triage_level: int | None
    priority_band: str | None
    queue: str | None
    location_id: str | None
    assignee_id: str | None
    referrer: ReferrerOut
    reason: str | None
    scheduled_for: Timestamp | None
    emr_status: str
    emr_chart_id: str | None
    emr_document_status: str
    created_at: Timestamp
    updated_at: Timestamp
    closed_at: Timestamp | None

    @classmethod
    def of(cls, row: Case) -> "CaseOut":
        return cls.model_validate(cls.fields(row))

    @staticmethod
    def fields(row: Case) -> dict[str, Any]:
        return {
            "id": row.id,
            "org_id": row.org_id,
            "status": row.status,
            "close_reason": row.close_reason,
            "patient_id": row.patient_id,
            "triage_level": row.triage_level,
            "priority_band": row.priority_band,
            "queue": row.queue,
            "location_id": row.location_id,
            "assignee_id": row.assignee_id,
            "referrer": {
                "practice_id": row.practice_id,
                "provider_id": row.provider_id,
                "candidates": row.referrer_candidates,
            },
            "reason": row.reason,
            "scheduled_for": row.scheduled_for,
            "emr_status": row.emr_status,
            "emr_chart_id": row.emr_chart_id,
            "emr_document_status": row.emr_document_status,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "closed_at": row.closed_at,
        }


class ReferralOut(Out):
    id: str
    org_id: str
    stage: str
    source: str
    external_id: str | None = None
    case_id: str | None
    patient_id: str | None
    duplicate_of: str | None
    extraction: Extraction | None
    qa: QaResult | None
    triage: TriageResult | None
    error: str | None
    notes: str | None
    created_at: Timestamp
    updated_at: Timestamp
    processed_at: Timestamp | None

    @classmethod
    def of(cls, row: Referral, **more: Any) -> Self:
        """The referral's shape; a subclass's own fields (``more``) in the same build."""
        return cls.model_validate({**cls.fields(row), **more})

    @staticmethod
    def fields(row: Referral) -> dict[str, Any]:
        return {
            "id": row.id,
            "org_id": row.org_id,
            "stage": row.stage,
            "source": row.source,
            "external_id": row.external_id,
            "case_id": row.case_id,
            "patient_id": row.patient_id,
            "duplicate_of": row.duplicate_of_id,
            "extraction": row.extraction,
            "qa": row.qa,
            "triage": row.triage,
            "error": row.error,
            "notes": row.notes,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "processed_at": row.processed_at,
        }


class PracticeOut(Out):
    id: str
    org_id: str
    name: str
    npi: str | None
    phone: str | None
    fax: str | None
    address: AddressOut | None
    created_at: Timestamp

    @classmethod
    def of(cls, row: Practice) -> "PracticeOut":
        return cls(
            id=row.id,
            org_id=row.org_id,
            name=row.name,
            npi=row.npi,
            phone=row.phone,
            fax=row.fax,
            address=AddressOut.model_validate(row.address) if row.address else None,
            created_at=row.created_at,
        )


class ProviderOut(Out):
    id: str
    org_id: str
    practice_id: str | None
    name: str
    npi: str | None
    phone: str | None
    fax: str | None
    created_at: Timestamp

    @classmethod
    def of(cls, row: Provider) -> "ProviderOut":
        return cls.model_validate(row, from_attributes=True)


class LocationOut(Out):
    id: str
    org_id: str
    name: str
    emr_location_id: str | None
    phone: str | None
    active: bool

    @classmethod
    def of(cls, row: Location) -> "LocationOut":
        return cls.model_validate(row, from_attributes=True)
