"""REST routes: /api/patients (search, read, create, update, delete)."""

from typing import Any

from pydantic import ConfigDict, Field
from starlette.requests import Request

from resolvers import patient_checks, patients
from resolvers.context import Context
from resolvers.errors import ValidationFailed
from rest_compat.http import ApiRouter, total_if_asked
from rest_compat.idempotency import Idempotent
from rest_compat.schemas import Body, Limit, Out, Query
from rest_compat.shapes import PatientOut

router = ApiRouter(tag="Patients")

CHANGE_ERRORS = (400, 401, 403, 404, 409, 415, 422)


class AddressIn(Body):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class InsuranceIn(Body):
    provider: str | None = None
    member_id: str | None = None
    group_number: str | None = None


class PatientFieldsIn(Body):
    """Demographics as DESIGN §4 writes them; ``dob`` is a date (YYYY-MM-DD or MM/DD/YYYY)."""

    first_name: str | None = None
    last_name: str | None = None
    dob: str | None = None
    sex: str | None = None
    phone: str | None = None
    email: str | None = None
    address: AddressIn | None = None
    insurance: InsuranceIn | None = None
    mrn: str | None = None


class CreatePatientBody(PatientFieldsIn):
    # Both names are required to create one; the resolver checks them with every other
    # field, so one answer names every problem: the document says so without the model.
    model_config = ConfigDict(json_schema_extra={"required": ["firstName", "lastName"]})

    org_id: str | None = None


class UpdatePatientBody(PatientFieldsIn):
    """Only the fields sent change; ``null`` clears an optional one."""

    id: str
    org_id: str | None = None


class DeletePatientBody(Body):
    id: str | None = None
    org_id: str | None = None


class PatientSearchQuery(Query):
    org_id: str | None = None
    q: str | None = None
    limit: Limit = None
    cursor: str | None = None
    total: bool = Field(default=False, description="also answer total: all pages' count")


class OrgQuery(Query):
    org_id: str | None = None


class DeletePatientQuery(Query):
    id: str | None = None
    org_id: str | None = None


class PatientListOut(Out):
    items: list[PatientOut]
    count: int
    next_cursor: str | None
    total: int | None = None  # all pages, only when asked (?total=true)


class DeletedPatientOut(Out):
    ok: bool = True
    id: str
    # Documents attached only to the patient are deleted with it.
    deleted_document_ids: list[str]
    # Documents that also belong to a referral stay with the referral.
    detached_document_ids: list[str]


def patient_fields(body: PatientFieldsIn) -> dict[str, Any]:
    """The fields the client sent (and only those), as the resolver takes them."""
    sent = body.model_fields_set - {"id", "org_id"}
    fields: dict[str, Any] = {name: getattr(body, name) for name in sent}
    if "address" in fields and body.address is not None:
        fields["address"] = patient_checks.Address(**body.address.model_dump())
    if "insurance" in fields and body.insurance is not None:
        fields["insurance"] = patient_checks.Insurance(**body.insurance.model_dump())
    return fields


@router.get("/api/patients", query=PatientSearchQuery, response=PatientListOut)
async def search_patients(
    request: Request, ctx: Context, query: PatientSearchQuery
) -> PatientListOut:
    """Search patients by name or ID.

    ``q`` is a name in any order and case ("doe jane", "Doe, Jane", prefixes
    such as "jan do"), a date of birth (1985-03-15 or 03/15/1985), a phone
    number in any formatting, an MRN, or a patient id.
    """
    page = await patients.search(
        ctx, org_id=query.org_id, q=query.q, cursor=query.cursor, limit=query.limit
    )
    return PatientListOut(
        items=[PatientOut.of(p) for p in page.items],
        count=len(page.items),
        next_cursor=page.next_cursor,
        total=await total_if_asked(ctx, page, query.total),
    )


async def _patient_again(request: Request, ctx: Context, patient_id: str) -> PatientOut:
    return PatientOut.of(await patients.read(ctx, patient_id=patient_id))


@router.post(
    "/api/patients",
    body=CreatePatientBody,
    response=PatientOut,
    status=201,
    errors=CHANGE_ERRORS,
    idempotent=Idempotent("patient", lambda out: out.id, _patient_again),
)
async def create_patient(request: Request, ctx: Context, body: CreatePatientBody) -> PatientOut:
    """Create a new patient record (409 if one with the same names and DOB exists)."""
    patient = await patients.create(ctx, org_id=body.org_id, fields=patient_fields(body))
    return PatientOut.of(patient)


@router.patch("/api/patients", body=UpdatePatientBody, response=PatientOut, errors=CHANGE_ERRORS)
async def update_patient(request: Request, ctx: Context, body: UpdatePatientBody) -> PatientOut:
    """Update an existing patient record: only the fields sent change; null clears one."""
    patient = await patients.update(
        ctx, patient_id=body.id, org_id=body.org_id, changes=patient_fields(body)
    )
    return PatientOut.of(patient)


@router.delete(
    "/api/patients",
    query=DeletePatientQuery,
    body=DeletePatientBody,
    response=DeletedPatientOut,
    errors=CHANGE_ERRORS,
)
async def delete_patient(
    request: Request, ctx: Context, query: DeletePatientQuery, body: DeletePatientBody
) -> DeletedPatientOut:
    """Delete a patient record (id in the body or ?id=); 409 while a case or referral names it.

    Documents attached only to the patient are deleted with it; documents that
    also belong to a referral stay with the referral.
    """
    patient_id = body.id or query.id
    if not patient_id:
        raise ValidationFailed("id of the patient to delete is required", field="id")
    deleted = await patients.delete(ctx, patient_id=patient_id, org_id=body.org_id or query.org_id)
    return DeletedPatientOut(
        id=deleted.patient.id,
        deleted_document_ids=deleted.deleted_document_ids,
        detached_document_ids=deleted.detached_document_ids,
    )


@router.get("/api/patients/:id", query=OrgQuery, response=PatientOut)
async def get_patient(request: Request, ctx: Context, query: OrgQuery) -> PatientOut:
    """Get a single patient by ID."""
    patient = await patients.read(ctx, patient_id=request.path_params["id"], org_id=query.org_id)
    return PatientOut.of(patient)
