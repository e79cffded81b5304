"""Case and ContactEvent in the graph: the case list, links, edits and the contact log.

The rules live in ``resolvers.cases`` (status moves, field checks) and
``resolvers.referrers`` (matching and creating the referrer); this module translates.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.graphql.audit import AuditEvent, trail_of
from app.graphql.context import Info
from app.graphql.enums import CaseStatus, ContactKind, EmrDocumentStatus, EmrStatus, PriorityBand
from app.graphql.errors import MutationError, or_null, run_mutation
from app.graphql.extraction import ExtractedReferrer
from app.graphql.loaders import (
    CaseByIdLoader,
    ContactEventsByCaseIdLoader,
    LocationByIdLoader,
    PatientByIdLoader,
    PracticeByIdLoader,
    ProviderByIdLoader,
    ReferralsByCaseIdLoader,
    UserByIdLoader,
)
from app.graphql.node import Node, register_node
from app.graphql.orgs import User, require_principal_or_error
from app.graphql.pagination import Connection, check_first
from app.graphql.referrers import (
    Location,
    Practice,
    Provider,
    ReferrerAddressInput,
    ReferrerAlias,
    address_input,
)
from models import Case as CaseRow
from models import ContactEvent as ContactEventRow
from resolvers import cases, referrers

if TYPE_CHECKING:
    from app.graphql.emr import EmrChartItem, EmrDocumentItem
    from app.graphql.patients import Patient
    from app.graphql.referrals import Referral


@strawberry.type
class ContactEvent(Node):
    case_id: str
    kind: ContactKind
    channel: str | None
    outcome: str | None
    scheduled_for: datetime | None
    reason: str | None
    note: str | None
    actor_type: str
    actor_id: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: ContactEventRow) -> "ContactEvent":
        return cls(
            id=strawberry.ID(row.id),
            case_id=row.case_id,
            kind=row.kind,
            channel=row.channel,
            outcome=row.outcome,
            scheduled_for=row.scheduled_for,
            reason=row.reason,
            note=row.note,
            actor_type=row.actor_type,
            actor_id=row.actor_id,
            created_at=row.created_at,
        )


@strawberry.type
class Case(Node):
    org_id: str
    status: CaseStatus
    close_reason: str | None
    patient_id: str | None
    triage_level: int | None
    priority_band: PriorityBand | None
    queue: str | None
    location_id: str | None
    assignee_id: str | None
    practice_id: str | None
    provider_id: str | None
    referrer_candidates: list[ExtractedReferrer] = strawberry.field(
        description="The referrers read off its referrals, while none is matched"
    )
    reason: str | None
    scheduled_for: datetime | None
    emr_status: EmrStatus
    emr_chart_id: str | None
    emr_document_status: EmrDocumentStatus
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    row: strawberry.Private[CaseRow]

    @classmethod
    def from_row(cls, row: CaseRow) -> "Case":
        return cls(
            id=strawberry.ID(row.id),
            org_id=row.org_id,
            status=row.status,
            close_reason=row.close_reason,
            patient_id=row.patient_id,
            triage_level=row.triage_level,
            priority_band=row.priority_band,
            queue=row.queue,
            location_id=row.location_id,
            assignee_id=row.assignee_id,
            practice_id=row.practice_id,
            provider_id=row.provider_id,
            # The typed models as they are (see Extraction.of).
            referrer_candidates=list(row.referrer_candidates),
            reason=row.reason,
            scheduled_for=row.scheduled_for,
            emr_status=row.emr_status,
            emr_chart_id=row.emr_chart_id,
            emr_document_status=row.emr_document_status,
            created_at=row.created_at,
            updated_at=row.updated_at,
            closed_at=row.closed_at,
            row=row,
        )

    @strawberry.field
    async def patient(
        self, info: Info
    ) -> Annotated["Patient", strawberry.lazy("app.graphql.patients")] | None:
        from app.graphql.patients import Patient

        if not self.row.patient_id:
            return None
        row = await info.context.loader(PatientByIdLoader).load(self.row.patient_id)
        return Patient.from_row(row) if row else None

    @strawberry.field(description="The referrals merged into this case, oldest first")
    async def referrals(
        self, info: Info
    ) -> list[Annotated["Referral", strawberry.lazy("app.graphql.referrals")]]:
        from app.graphql.referrals import Referral

        rows = await info.context.loader(ReferralsByCaseIdLoader).load(self.row.id)
        return [Referral.from_row(r) for r in rows]

    @strawberry.field(description="Outreach: attempts, scheduling, close and notes, oldest first")
    async def contact_events(self, info: Info) -> list[ContactEvent]:
        rows = await info.context.loader(ContactEventsByCaseIdLoader).load(self.row.id)
        return [ContactEvent.from_row(r) for r in rows]

    @strawberry.field
    async def location(self, info: Info) -> Location | None:
        if not self.row.location_id:
            return None
        row = await info.context.loader(LocationByIdLoader).load(self.row.location_id)
        return Location.from_row(row) if row else None

    @strawberry.field(description="The referring practice, once matched")
    async def practice(self, info: Info) -> Practice | None:
        if not self.row.practice_id:
            return None
        row = await info.context.loader(PracticeByIdLoader).load(self.row.practice_id)
        return Practice.from_row(row) if row else None

    @strawberry.field(description="The referring provider, once matched")
    async def provider(self, info: Info) -> Provider | None:
        if not self.row.provider_id:
            return None
        row = await info.context.loader(ProviderByIdLoader).load(self.row.provider_id)
        return Provider.from_row(row) if row else None

    @strawberry.field(description="The member working this case")
    async def assignee(self, info: Info) -> User | None:
        if not self.row.assignee_id:
            return None
        row = await info.context.loader(UserByIdLoader).load(self.row.assignee_id)
        if row is None:
            return None
        return User(
            id=strawberry.ID(row.id), email=row.email, uid=row.uid, display_name=row.display_name
        )

    @strawberry.field(description="Its requests to create the EMR chart, oldest first")
    async def emr_chart_items(
        self, info: Info
    ) -> list[Annotated["EmrChartItem", strawberry.lazy("app.graphql.emr")]]:
        from app.graphql.emr import chart_items_of

        return await chart_items_of(info, self.row.id)

    @strawberry.field(description="Its documents and summary queued for the EMR, oldest first")
    async def emr_document_items(
        self, info: Info
    ) -> list[Annotated["EmrDocumentItem", strawberry.lazy("app.graphql.emr")]]:
        from app.graphql.emr import document_items_of

        return await document_items_of(info, self.row.id)

    @strawberry.field(
        description="The newest audit events about this case (at most 50); null unless you "
        "are an admin of its org"
    )
    async def audit_events(self, info: Info) -> list[AuditEvent] | None:
        return await trail_of(info, "case", self.row)


def _sent(value: Any) -> Any:
    """Strawberry's "not sent" → the resolver's; anything else (null included) as given."""
    return cases.UNSET if value is strawberry.UNSET else value


@strawberry.type
class CaseQuery:
    @strawberry.field(description="An org's cases, newest first, filtered")
    async def cases(
        self,
        info: Info,
        org_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
        status: CaseStatus | None = None,
        queue: str | None = None,
        priority_band: PriorityBand | None = None,
        location_id: strawberry.ID | None = None,
        assignee_id: strawberry.ID | None = None,
    ) -> Connection[Case] | None:
        require_principal_or_error(info)
        ctx = info.context.ctx
        filters = cases.CaseFilters(
            status=status,
            queue=queue,
            priority_band=priority_band,
            location_id=location_id,
            assignee_id=assignee_id,
        )
        page = await or_null(
            info,
            lambda: cases.list_cases(
                ctx, org_id=org_id, filters=filters, cursor=after, limit=check_first(first)
            ),
        )
        return Connection.of(page, Case.from_row) if page else None

    @strawberry.field(description="A case by id; null if missing or another org's")
    async def case(self, info: Info, id: strawberry.ID) -> Case | None:
        require_principal_or_error(info)
        return await _case_node(info, id)


@register_node("case_")
async def _case_node(info: Info, id_: str) -> Case | None:
    row = await or_null(info, lambda: info.context.loader(CaseByIdLoader).load(id_))
    return Case.from_row(row) if row else None


@register_node("ctc_")
async def _contact_event_node(info: Info, id_: str) -> ContactEvent | None:
    ctx = info.context.ctx
    row = await or_null(info, lambda: cases.get_contact_event(ctx, event_id=id_))
    return ContactEvent.from_row(row) if row else None


# -- mutations -----------------------------------------------------------------------------------


@strawberry.input(description="Only the fields sent change; null clears locationId or assigneeId")
class UpdateCaseInput:
    id: strawberry.ID
    location_id: strawberry.ID | None = strawberry.UNSET
    priority_band: PriorityBand | None = strawberry.UNSET
    queue: str | None = strawberry.UNSET
    assignee_id: strawberry.ID | None = strawberry.UNSET
    triage_level: int | None = strawberry.UNSET


@strawberry.input
class LogContactInput:
    case_id: strawberry.ID
    kind: ContactKind
    channel: str | None = strawberry.field(
        default=None, description="phone, sms, email, mail, portal"
    )
    outcome: str | None = strawberry.field(
        default=None,
        description="reached, no_answer, busy, left_voicemail, message_sent, wrong_number, "
        "declined, bounced",
    )
    scheduled_for: datetime | None = None
    reason: str | None = None
    note: str | None = None


@strawberry.input
class MatchReferrerInput:
    case_id: strawberry.ID
    practice_id: strawberry.ID | None = None
    provider_id: strawberry.ID | None = None


@strawberry.input(description="Fields not sent are taken from the case's referrer candidate")
class NewPracticeInput:
    name: str | None = strawberry.UNSET
    npi: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    fax: str | None = strawberry.UNSET
    address: ReferrerAddressInput | None = strawberry.UNSET


@strawberry.input(description="Fields not sent are taken from the case's referrer candidate")
class NewProviderInput:
    name: str | None = strawberry.UNSET
    npi: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    fax: str | None = strawberry.UNSET
    practice_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class CreateReferrerInput:
    case_id: strawberry.ID
    practice: NewPracticeInput | None = None
    provider: NewProviderInput | None = None


@strawberry.type
class UpdateCaseSuccess:
    case: Case


@strawberry.type
class LogContactSuccess:
    case: Case
    contact_event: ContactEvent


@strawberry.type
class ReferrerLinkSuccess:
    case: Case
    practice: Practice | None
    provider: Provider | None
    aliases: list[ReferrerAlias]
    created: list[strawberry.ID] = strawberry.field(description="Ids of the rows created")

    @classmethod
    def of(cls, link: referrers.ReferrerLink) -> "ReferrerLinkSuccess":
        return cls(
            case=Case.from_row(link.case),
            practice=Practice.from_row(link.practice) if link.practice else None,
            provider=Provider.from_row(link.provider) if link.provider else None,
            aliases=[ReferrerAlias.from_row(a) for a in link.aliases],
            created=[strawberry.ID(i) for i in link.created],
        )


UpdateCaseResult = Annotated[
    UpdateCaseSuccess | MutationError, strawberry.union("UpdateCaseResult")
]
LogContactResult = Annotated[
    LogContactSuccess | MutationError, strawberry.union("LogContactResult")
]
MatchReferrerResult = Annotated[
    ReferrerLinkSuccess | MutationError, strawberry.union("MatchReferrerResult")
]
CreateReferrerResult = Annotated[
    ReferrerLinkSuccess | MutationError, strawberry.union("CreateReferrerResult")
]


def _new_practice(value: NewPracticeInput) -> referrers.NewPractice:
    address = value.address
    return referrers.NewPractice(
        name=_sent(value.name),
        npi=_sent(value.npi),
        phone=_sent(value.phone),
        fax=_sent(value.fax),
        address=referrers.UNSET if address is strawberry.UNSET else address_input(address),
    )


def _new_provider(value: NewProviderInput) -> referrers.NewProvider:
    return referrers.NewProvider(
        name=_sent(value.name),
        npi=_sent(value.npi),
        phone=_sent(value.phone),
        fax=_sent(value.fax),
        practice_id=_sent(value.practice_id),
    )


@strawberry.type
class CaseMutation:
    @strawberry.mutation(description="Change a case's location, band, queue, assignee or triage")
    async def update_case(self, info: Info, input: UpdateCaseInput) -> UpdateCaseResult:
        ctx = info.context.ctx
        changes = {
            "location_id": _sent(input.location_id),
            "priority_band": _sent(input.priority_band),
            "queue": _sent(input.queue),
            "assignee_id": _sent(input.assignee_id),
            "triage_level": _sent(input.triage_level),
        }
        return await run_mutation(
            info,
            lambda: cases.update(ctx, case_id=input.id, **changes),
            lambda row: UpdateCaseSuccess(case=Case.from_row(row)),
        )

    @strawberry.mutation(description="Log a contact attempt, mark scheduled, close, or add a note")
    async def log_contact(self, info: Info, input: LogContactInput) -> LogContactResult:
        ctx = info.context.ctx
        contact = cases.ContactInput(
            kind=input.kind,
            channel=input.channel,
            outcome=input.outcome,
            scheduled_for=input.scheduled_for,
            reason=input.reason,
            note=input.note,
        )
        return await run_mutation(
            info,
            lambda: cases.log_contact(ctx, case_id=input.case_id, contact=contact),
            lambda logged: LogContactSuccess(
                case=Case.from_row(logged.case), contact_event=ContactEvent.from_row(logged.event)
            ),
        )

    @strawberry.mutation(description="Match a case to a known practice/provider; learn spellings")
    async def match_referrer(self, info: Info, input: MatchReferrerInput) -> MatchReferrerResult:
        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: referrers.match_referrer(
                ctx,
                case_id=input.case_id,
                practice_id=input.practice_id,
                provider_id=input.provider_id,
            ),
            ReferrerLinkSuccess.of,
        )

    @strawberry.mutation(description="Create the practice/provider a case's referral named")
    async def create_referrer(self, info: Info, input: CreateReferrerInput) -> CreateReferrerResult:
        ctx = info.context.ctx
        practice = _new_practice(input.practice) if input.practice else None
        provider = _new_provider(input.provider) if input.provider else None
        return await run_mutation(
            info,
            lambda: referrers.create_referrer(
                ctx, case_id=input.case_id, practice=practice, provider=provider
            ),
            ReferrerLinkSuccess.of,
        )


QUERY_TYPES: list[type] = [CaseQuery]
MUTATION_TYPES: list[type] = [CaseMutation]
