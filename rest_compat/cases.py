"""REST routes: cases — list, read, edit, the contact log, and matching the referrer."""

from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field, StrictInt
from starlette.requests import Request

from models import Case, CaseStatus, Patient, ReferrerAlias
from resolvers import cases, referrers
from resolvers.context import Context
from resolvers.errors import ValidationFailed
from rest_compat.http import ApiRouter, total_if_asked
from rest_compat.idempotency import Idempotent
from rest_compat.referrers import ReferrerAddressIn
from rest_compat.schemas import Body, Limit, Out, Query
from rest_compat.shapes import (
    CaseOut,
    ContactEventOut,
    LocationOut,
    PatientOut,
    PracticeOut,
    ProviderOut,
)

router = ApiRouter(tag="Cases")

WRITE_ERRORS = (400, 401, 403, 404, 409, 415, 422)


# -- shapes ------------------------------------------------------------------------------------


class CasePatientSummaryOut(Out):
    id: str
    first_name: str
    last_name: str
    dob: date | None

    @classmethod
    def of(cls, row: Patient) -> "CasePatientSummaryOut":
        return cls(id=row.id, first_name=row.first_name, last_name=row.last_name, dob=row.dob)


class CaseListItemOut(CaseOut):
    patient: CasePatientSummaryOut | None


class CaseListOut(Out):
    items: list[CaseListItemOut]
    count: int
    next_cursor: str | None
    total: int | None = None  # all pages, only when asked (?total=true)


class CaseDetailOut(CaseOut):
    patient: PatientOut | None
    referral_ids: list[str]
    contact_events: list[ContactEventOut]
    location: LocationOut | None
    practice: PracticeOut | None
    provider: ProviderOut | None

    @classmethod
    def of_detail(cls, detail: cases.CaseDetail) -> "CaseDetailOut":
        return cls(
            **CaseOut.of(detail.case).model_dump(),
            patient=PatientOut.of(detail.patient) if detail.patient else None,
            referral_ids=detail.referral_ids,
            contact_events=[ContactEventOut.of(e) for e in detail.contact_events],
            location=LocationOut.of(detail.location) if detail.location else None,
            practice=PracticeOut.of(detail.practice) if detail.practice else None,
            provider=ProviderOut.of(detail.provider) if detail.provider else None,
        )


class ContactLoggedOut(Out):
    case: CaseOut
    contact_event: ContactEventOut


class ReferrerAliasOut(Out):
    kind: str
    key: str
    text: str
    practice_id: str | None
    provider_id: str | None

    @classmethod
    def of(cls, row: ReferrerAlias) -> "ReferrerAliasOut":
        return cls.model_validate(row, from_attributes=True)


class ReferrerLinkOut(Out):
    case: CaseOut
    practice: PracticeOut | None
    provider: ProviderOut | None
    aliases: list[ReferrerAliasOut]
    # Ids of the rows this request created (create-referrer).
    created: list[str]

    @classmethod
    def of(cls, link: referrers.ReferrerLink) -> "ReferrerLinkOut":
        return cls(
            case=CaseOut.of(link.case),
            practice=PracticeOut.of(link.practice) if link.practice else None,
            provider=ProviderOut.of(link.provider) if link.provider else None,
            aliases=[ReferrerAliasOut.of(a) for a in link.aliases],
            created=link.created,
        )


# -- requests ----------------------------------------------------------------------------------


class CaseListQuery(Query):
    org_id: str | None = None
    status: CaseStatus | None = None
    queue: str | None = None
    priority_band: str | None = Field(default=None, pattern=r"^P[1-4]$")
    location_id: str | None = None
    assignee_id: str | None = None
    cursor: str | None = None
    limit: Limit = None
    total: bool = Field(default=False, description="also answer total: all pages' count")


class UpdateCaseBody(Body):
    location_id: str | None = None
    priority_band: str | None = None
    queue: str | None = None
    assignee_id: str | None = None
    triage_level: StrictInt | None = None


class LogContactBody(Body):
    # The seed calls it "type"; "kind" (the stored name) is accepted too.
    type: str | None = None
    kind: str | None = None
    channel: str | None = None
    outcome: str | None = None
    scheduled_for: AwareDatetime | None = None
    reason: str | None = None
    note: str | None = None


class MatchReferrerBody(Body):
    case_id: str
    practice_id: str | None = None
    provider_id: str | None = None


class NewPracticeIn(Body):
    name: str | None = None
    npi: str | None = None
    phone: str | None = None
    fax: str | None = None
    address: ReferrerAddressIn | None = None


class NewProviderIn(Body):
    name: str | None = None
    npi: str | None = None
    phone: str | None = None
    fax: str | None = None
    practice_id: str | None = Field(default=None, description="An existing practice of the org")


class CreateReferrerBody(Body):
    case_id: str
    practice: NewPracticeIn | None = None
    provider: NewProviderIn | None = None


def sent(model: BaseModel, *names: str) -> dict[str, Any]:
    """Only the fields the client sent (a null sent is kept: it means "clear")."""
    return {name: getattr(model, name) for name in names if name in model.model_fields_set}


# -- routes (fixed paths before /:caseId) ------------------------------------------------------


@router.get("/api/cases", query=CaseListQuery, response=CaseListOut)
async def list_cases(request: Request, ctx: Context, query: CaseListQuery) -> CaseListOut:
    """List an org's cases, newest first, filtered by status, queue, band, location, assignee."""
    filters = cases.CaseFilters(
        status=query.status,
        queue=query.queue,
        priority_band=query.priority_band,
        location_id=query.location_id,
        assignee_id=query.assignee_id,
    )
    page = await cases.list_cases(
        ctx, org_id=query.org_id, filters=filters, cursor=query.cursor, limit=query.limit
    )
    patients = await cases.patients_of(ctx, page.items)
    items = [_list_item(row, patients) for row in page.items]
    return CaseListOut(
        items=items,
        count=len(items),
        next_cursor=page.next_cursor,
        total=await total_if_asked(ctx, page, query.total),
    )


def _list_item(row: Case, patients: dict[str, Patient]) -> CaseListItemOut:
    patient = patients.get(row.patient_id) if row.patient_id else None
    return CaseListItemOut(
        **CaseOut.of(row).model_dump(),
        patient=CasePatientSummaryOut.of(patient) if patient else None,
    )


@router.post(
    "/api/cases/match-referrer",
    body=MatchReferrerBody,
    response=ReferrerLinkOut,
    errors=WRITE_ERRORS,
)
async def match_referrer(
    request: Request, ctx: Context, body: MatchReferrerBody
) -> ReferrerLinkOut:
    """Match a case to an existing practice/provider and add alias."""
    link = await referrers.match_referrer(
        ctx, case_id=body.case_id, practice_id=body.practice_id, provider_id=body.provider_id
    )
    return ReferrerLinkOut.of(link)


@router.post(
    "/api/cases/create-referrer",
    body=CreateReferrerBody,
    response=ReferrerLinkOut,
    status=201,
    errors=WRITE_ERRORS,
)
async def create_referrer(
    request: Request, ctx: Context, body: CreateReferrerBody
) -> ReferrerLinkOut:
    """Create a new practice/provider from unmatched candidates."""
    practice = None
    if body.practice is not None:
        fields = sent(body.practice, "name", "npi", "phone", "fax", "address")
        if body.practice.address is not None:
            fields["address"] = body.practice.address.as_row()
        practice = referrers.NewPractice(**fields)
    provider = None
    if body.provider is not None:
        provider = referrers.NewProvider(
            **sent(body.provider, "name", "npi", "phone", "fax", "practice_id")
        )
    link = await referrers.create_referrer(
        ctx, case_id=body.case_id, practice=practice, provider=provider
    )
    return ReferrerLinkOut.of(link)


@router.get("/api/cases/:caseId", response=CaseDetailOut)
async def get_case(request: Request, ctx: Context) -> CaseDetailOut:
    """Get a case with its patient, referrals, contact log, location and referrer."""
    detail = await cases.read(ctx, case_id=request.path_params["caseId"])
    return CaseDetailOut.of_detail(detail)


@router.patch("/api/cases/:caseId", body=UpdateCaseBody, response=CaseOut, errors=WRITE_ERRORS)
async def update_case(request: Request, ctx: Context, body: UpdateCaseBody) -> CaseOut:
    """Update case fields (location, priority band, queue, assignee, triage level)."""
    case = await cases.update(
        ctx,
        case_id=request.path_params["caseId"],
        **sent(body, "location_id", "priority_band", "queue", "assignee_id", "triage_level"),
    )
    return CaseOut.of(case)


async def _contact_again(request: Request, ctx: Context, event_id: str) -> ContactLoggedOut:
    event = await cases.get_contact_event(ctx, event_id=event_id)
    case = await cases.get(ctx, case_id=event.case_id)
    return ContactLoggedOut(case=CaseOut.of(case), contact_event=ContactEventOut.of(event))


@router.post(
    "/api/cases/:caseId/contact",
    body=LogContactBody,
    response=ContactLoggedOut,
    status=201,
    errors=WRITE_ERRORS,
    idempotent=Idempotent("contact_event", lambda out: out.contact_event.id, _contact_again),
)
async def log_contact(request: Request, ctx: Context, body: LogContactBody) -> ContactLoggedOut:
    """Log a contact attempt, mark scheduled, close, or add a note."""
    if body.type and body.kind and body.type != body.kind:
        raise ValidationFailed("send type or kind, not two different values", field="type")
    logged = await cases.log_contact(
        ctx,
        case_id=request.path_params["caseId"],
        contact=cases.ContactInput(
            kind=body.type or body.kind or "",
            channel=body.channel,
            outcome=body.outcome,
            scheduled_for=body.scheduled_for,
            reason=body.reason,
            note=body.note,
        ),
    )
    return ContactLoggedOut(
        case=CaseOut.of(logged.case), contact_event=ContactEventOut.of(logged.event)
    )
