"""Patient in the graph: search, links (cases, referrals, documents, audit trail), mutations."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.graphql.audit import AuditEvent, trail_of
from app.graphql.context import Info
from app.graphql.enums import Sex
from app.graphql.errors import MutationError, or_null, run_mutation
from app.graphql.loaders import (
    CasesByPatientIdLoader,
    DocumentsByPatientIdLoader,
    ReferralsByPatientIdLoader,
)
from app.graphql.node import Node, register_node
from app.graphql.pagination import Connection, check_first
from models import Patient as PatientRow
from resolvers import patient_checks, patients

if TYPE_CHECKING:
    from app.graphql.cases import Case
    from app.graphql.documents import Document
    from app.graphql.referrals import Referral

CaseType = Annotated["Case", strawberry.lazy("app.graphql.cases")]
ReferralType = Annotated["Referral", strawberry.lazy("app.graphql.referrals")]
DocumentType = Annotated["Document", strawberry.lazy("app.graphql.documents")]


@strawberry.type
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


@strawberry.type
class Insurance:
    provider: str | None = None
    member_id: str | None = None
    group_number: str | None = None


def address_of(data: dict | None) -> Address | None:
    if not data:
        return None
    return Address(**{k: data.get(k) for k in ("line1", "line2", "city", "state", "zip")})


def insurance_of(data: dict | None) -> Insurance | None:
    if not data:
        return None
    return Insurance(
        provider=data.get("provider"),
        member_id=data.get("memberId"),
        group_number=data.get("groupNumber"),
    )


@strawberry.type
class Patient(Node):
    org_id: str
    first_name: str
    last_name: str
    dob: date | None
    sex: Sex | None
    phone: str | None
    email: str | None
    address: Address | None
    insurance: Insurance | None
    mrn: str | None
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[PatientRow]

    @classmethod
    def from_row(cls, row: PatientRow) -> "Patient":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            first_name=row.first_name,
            last_name=row.last_name,
            dob=row.dob,
            sex=row.sex,
            phone=row.phone,
            email=row.email,
            address=address_of(row.address),
            insurance=insurance_of(row.insurance),
            mrn=row.mrn,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(description="The patient's cases, oldest first")
    async def cases(self, info: Info) -> list[CaseType]:
        from app.graphql.cases import Case

        rows = await info.context.loader(CasesByPatientIdLoader).load(self.row.id)
        return [Case.from_row(r) for r in rows]

    @strawberry.field(description="The referrals about this patient, oldest first")
    async def referrals(self, info: Info) -> list[ReferralType]:
        from app.graphql.referrals import Referral

        rows = await info.context.loader(ReferralsByPatientIdLoader).load(self.row.id)
        return [Referral.from_row(r) for r in rows]

    @strawberry.field(description="Documents attached to the patient, oldest first")
    async def documents(self, info: Info) -> list[DocumentType]:
        from app.graphql.documents import Document

        rows = await info.context.loader(DocumentsByPatientIdLoader).load(self.row.id)
        return [Document.from_row(r) for r in rows]

    @strawberry.field(
        description="The newest audit events about this patient (at most 50); null unless you "
        "are an admin of its org"
    )
    async def audit_events(self, info: Info) -> list[AuditEvent] | None:
        return await trail_of(info, "patient", self.row)


# -- queries ----------------------------------------------------------------------------------


@strawberry.type
class PatientQuery:
    @strawberry.field(
        description="Patients of an org, newest first; q is a name in any order (prefixes "
        "too), a date of birth, a phone number, an MRN or an id. Null for an org not yours"
    )
    async def patients(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        q: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Patient] | None:
        check_first(first)
        ctx = info.context.ctx
        page = await or_null(
            info, lambda: patients.search(ctx, org_id=org_id, q=q, cursor=after, limit=first)
        )
        return Connection.of(page, Patient.from_row) if page is not None else None

    @strawberry.field(description="One patient; null when missing or another org's")
    async def patient(self, info: Info, id: strawberry.ID) -> Patient | None:
        return await _patient_node(info, id)


@register_node("pat_")
async def _patient_node(info: Info, id_: str) -> Patient | None:
    row = await or_null(info, lambda: patients.read(info.context.ctx, patient_id=id_))
    return Patient.from_row(row) if row else None


# -- mutations --------------------------------------------------------------------------------


@strawberry.input(description="A postal address; state as the two-letter code")
class PatientAddressInput:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = strawberry.field(default=None, description="12345 or 12345-6789")


@strawberry.input
class InsuranceInput:
    provider: str | None = None
    member_id: str | None = None
    group_number: str | None = None


_DOB = "A date: YYYY-MM-DD (or MM/DD/YYYY); never a timestamp"


@strawberry.input
class CreatePatientInput:
    org_id: strawberry.ID | None = None
    first_name: str
    last_name: str
    dob: str | None = strawberry.field(default=None, description=_DOB)
    sex: Sex | None = None
    phone: str | None = None
    email: str | None = None
    address: PatientAddressInput | None = None
    insurance: InsuranceInput | None = None
    mrn: str | None = None


@strawberry.input(description="Only the fields sent change; null clears an optional one")
class UpdatePatientInput:
    id: strawberry.ID
    org_id: strawberry.ID | None = None
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    dob: str | None = strawberry.field(default=strawberry.UNSET, description=_DOB)
    sex: Sex | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    address: PatientAddressInput | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the whole address"
    )
    insurance: InsuranceInput | None = strawberry.UNSET
    mrn: str | None = strawberry.UNSET


def _fields(input: CreatePatientInput | UpdatePatientInput) -> dict[str, Any]:
    """The fields sent, as ``resolvers.patients`` takes them."""
    fields: dict[str, Any] = {}
    for name in patient_checks.FIELD_NAMES:
        value = getattr(input, name)
        if value is strawberry.UNSET:
            continue
        if isinstance(value, PatientAddressInput):
            value = patient_checks.Address(**vars(value))
        elif isinstance(value, InsuranceInput):
            value = patient_checks.Insurance(**vars(value))
        fields[name] = value
    return fields


@strawberry.type
class CreatePatientSuccess:
    patient: Patient


@strawberry.type
class UpdatePatientSuccess:
    patient: Patient


@strawberry.type
class DeletePatientSuccess:
    deleted_id: strawberry.ID
    deleted_document_ids: list[strawberry.ID] = strawberry.field(
        description="Documents attached only to the patient, deleted with it"
    )
    detached_document_ids: list[strawberry.ID] = strawberry.field(
        description="Documents that also belong to a referral: kept there, detached"
    )


CreatePatientResult = Annotated[
    CreatePatientSuccess | MutationError, strawberry.union("CreatePatientResult")
]
UpdatePatientResult = Annotated[
    UpdatePatientSuccess | MutationError, strawberry.union("UpdatePatientResult")
]
DeletePatientResult = Annotated[
    DeletePatientSuccess | MutationError, strawberry.union("DeletePatientResult")
]


@strawberry.type
class PatientMutation:
    @strawberry.mutation(description="Create a patient (conflict if the same names and DOB exist)")
    async def create_patient(self, info: Info, input: CreatePatientInput) -> CreatePatientResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: patients.create(ctx, org_id=input.org_id, fields=_fields(input)),
            lambda row: CreatePatientSuccess(patient=Patient.from_row(row)),
        )

    @strawberry.mutation(description="Change a patient: only the fields sent change")
    async def update_patient(self, info: Info, input: UpdatePatientInput) -> UpdatePatientResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: patients.update(
                ctx, patient_id=input.id, org_id=input.org_id, changes=_fields(input)
            ),
            lambda row: UpdatePatientSuccess(patient=Patient.from_row(row)),
        )

    @strawberry.mutation(
        description="Delete a patient no case or referral refers to (conflict otherwise)"
    )
    async def delete_patient(
        self, info: Info, id: strawberry.ID, org_id: strawberry.ID | None = None
    ) -> DeletePatientResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: patients.delete(ctx, patient_id=id, org_id=org_id),
            lambda deleted: DeletePatientSuccess(
                deleted_id=strawberry.ID(deleted.patient.id),
                deleted_document_ids=[strawberry.ID(i) for i in deleted.deleted_document_ids],
                detached_document_ids=[strawberry.ID(i) for i in deleted.detached_document_ids],
            ),
        )


QUERY_TYPES: list[type] = [PatientQuery]
MUTATION_TYPES: list[type] = [PatientMutation]
