"""Cases: the merged patient record built from one or more referrals, and its outreach.

Status and the contact log (DESIGN §4: ``open`` → ``contacting`` → ``scheduled`` → ``closed``)
-----------------------------------------------------------------------------------------------
``POST /api/cases/:caseId/contact`` (GraphQL ``logContact``) records one contact event
and may move the case. The rules an intake desk works by:

============  ==============================  =========================================
kind          allowed when the case is        effect
============  ==============================  =========================================
attempt       open, contacting, scheduled     needs ``channel`` and ``outcome``; an open
                                              case becomes ``contacting``; a contacting
                                              or scheduled case keeps its status (a
                                              reminder call does not unschedule)
scheduled     open, contacting, scheduled     needs ``scheduledFor`` (with a time zone,
                                              not in the past); the case becomes
                                              ``scheduled`` with that time; on a
                                              scheduled case it is a reschedule
close         open, contacting, scheduled     needs ``reason``; the case becomes
                                              ``closed`` with ``closeReason`` and
                                              ``closedAt``
note          any status, closed included     needs ``note``; the status is unchanged
============  ==============================  =========================================

- A closed case is final: anything but a note answers 409 (``conflict``) and changes
  nothing. A later referral for the patient opens a new case, since
  ``attach_referral`` only joins a case that is not closed.
- An outcome never moves the status on its own: a patient who declines is closed
  by a coordinator, with the reason in their words.
- Any kind may carry an optional ``note``. A field that belongs to another kind
  (a ``channel`` on a close, say) is refused with 422 rather than silently dropped.
- Invalid input is checked before the state, so a malformed request answers 422
  whatever the case's status.

Case fields (``PATCH /api/cases/:caseId``) change only as sent: ``locationId`` (a
location of the case's org, or null), ``priorityBand`` (``P1``…``P4``), ``queue``
(one of the org's configured queues), ``assigneeId`` (a coordinator or admin of the
org, or null to unassign) and ``triageLevel`` (1…5; the band follows the org's
``priorityBands`` unless ``priorityBand`` is sent too). A closed case is not edited (409).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Final, Literal

from sqlmodel import col, select

from models import (
    Case,
    CaseStatus,
    ContactEvent,
    ContactKind,
    Location,
    Membership,
    Org,
    Patient,
    Practice,
    Provider,
    Referral,
    ReferralStage,
    Role,
    utcnow,
)
from models.extraction import is_priority_band, is_triage_level
from resolvers import audit, contact_rollup, emr, orgs
from resolvers.access import CHANGE_LOCK, check_row, get_scoped, org_for
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed
from resolvers.pagination import Page, check_limit, paginate


class _Unset(Enum):
    UNSET = "unset"


# "Not sent": the field keeps its value (``None`` means "clear it").
UNSET: Final = _Unset.UNSET
Unset = Literal[_Unset.UNSET]

CHANNELS = ("phone", "sms", "email", "mail", "portal")
OUTCOMES = (
    "reached",
    "no_answer",
    "busy",
    "left_voicemail",
    "message_sent",
    "wrong_number",
    "declined",
    "bounced",
)
MAX_NOTE = 4000
MAX_REASON = 500


# -- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    queue: str | None = None
    priority_band: str | None = None
    location_id: str | None = None
    assignee_id: str | None = None


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    patient: Patient | None
    referral_ids: list[str]
    contact_events: list[ContactEvent]
    location: Location | None
    practice: Practice | None
    provider: Provider | None


async def get(ctx: Context, *, case_id: str, minimum: Role = Role.viewer) -> Case:
    """The case, if the caller may see it (another org's answers 404 as a missing one)."""
    return await get_scoped(ctx, Case, case_id, resource="case", minimum=minimum)


async def get_for_change(ctx: Context, *, case_id: str) -> Case:
    """The case, row-locked until the transaction ends (PostgreSQL), for a coordinator.

    Two coordinators closing the same case at once: the second waits, then sees it
    closed and gets 409, instead of both succeeding.
    """
    query = (
        select(Case)
        .where(Case.id == case_id)
        .with_for_update(**CHANGE_LOCK)
        .execution_options(populate_existing=True)
    )
    row = (await ctx.session.scalars(query)).first() if case_id else None
    return check_row(ctx, row, "case", case_id, Role.coordinator)


async def read(ctx: Context, *, case_id: str) -> CaseDetail:
    """The case with its patient, referrals, contact log, location and referrer (audited)."""
    case = await get(ctx, case_id=case_id)
    session = ctx.session
    patient = await session.get(Patient, case.patient_id) if case.patient_id else None
    referral_ids = list(
        (
            await session.scalars(
                select(Referral.id)
                .where(Referral.org_id == case.org_id, Referral.case_id == case.id)
                .order_by(col(Referral.created_at), col(Referral.id))
            )
        ).all()
    )
    audit.record(ctx, "case.read", org_id=case.org_id, resource_type="case", resource_id=case.id)
    if patient is not None:
        audit.record(
            ctx,
            "patient.read",
            org_id=case.org_id,
            resource_type="patient",
            resource_id=patient.id,
            details={"via": case.id},
        )
    return CaseDetail(
        case=case,
        patient=patient,
        referral_ids=referral_ids,
        contact_events=await contact_events_of(ctx, case),
        location=await session.get(Location, case.location_id) if case.location_id else None,
        practice=await session.get(Practice, case.practice_id) if case.practice_id else None,
        provider=await session.get(Provider, case.provider_id) if case.provider_id else None,
    )


async def contact_events_of(ctx: Context, case: Case) -> list[ContactEvent]:
    query = (
        select(ContactEvent)
        .where(ContactEvent.org_id == case.org_id, ContactEvent.case_id == case.id)
        .order_by(col(ContactEvent.created_at), col(ContactEvent.id))
    )
    return list((await ctx.session.scalars(query)).all())


async def get_contact_event(ctx: Context, *, event_id: str) -> ContactEvent:
    event = await get_scoped(ctx, ContactEvent, event_id, resource="contact event")
    audit.record(
        ctx,
        "contact_event.read",
        org_id=event.org_id,
        resource_type="contact_event",
        resource_id=event.id,
    )
    return event


async def list_cases(
    ctx: Context,
    *,
    org_id: str | None,
    filters: CaseFilters,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Case]:
    """One page of the org's cases, newest first, filtered (audited as one event)."""
    org = org_for(ctx, org_id)
    size = check_limit(limit)
    query = select(Case).where(Case.org_id == org)
    if filters.status is not None:
        if filters.status not in CaseStatus.__members__:
            raise ValidationFailed("status must be one of " + ", ".join(CaseStatus), field="status")
        query = query.where(Case.status == filters.status)
    if filters.priority_band is not None:
        if not is_priority_band(filters.priority_band):
            raise ValidationFailed("priorityBand must be P1, P2, P3 or P4", field="priorityBand")
        query = query.where(Case.priority_band == filters.priority_band)
    if filters.queue is not None:
        query = query.where(Case.queue == filters.queue)
    if filters.location_id is not None:
        query = query.where(Case.location_id == filters.location_id)
    if filters.assignee_id is not None:
        query = query.where(Case.assignee_id == filters.assignee_id)
    page: Page[Case] = await paginate(ctx.session, query, Case, cursor=cursor, limit=size)
    audit.record_many(
        ctx, "case.list", org_id=org, resource_type="case", resource_ids=[c.id for c in page.items]
    )
    return page


async def patients_of(ctx: Context, cases: list[Case]) -> dict[str, Patient]:
    """The patients of a page of cases, by id, in one query (audited per org)."""
    ids = sorted({c.patient_id for c in cases if c.patient_id})
    org_ids = sorted({c.org_id for c in cases})
    if not ids:
        return {}
    query = select(Patient).where(col(Patient.id).in_(ids), col(Patient.org_id).in_(org_ids))
    found = {p.id: p for p in (await ctx.session.scalars(query)).all()}
    for org in org_ids:
        audit.record_many(
            ctx,
            "patient.read",
            org_id=org,
            resource_type="patient",
            resource_ids=sorted(p.id for p in found.values() if p.org_id == org),
        )
    return found


# -- changing the case's fields ---------------------------------------------------------------


async def update(
    ctx: Context,
    *,
    case_id: str,
    location_id: str | None | Unset = UNSET,
    priority_band: str | None | Unset = UNSET,
    queue: str | None | Unset = UNSET,
    assignee_id: str | None | Unset = UNSET,
    triage_level: int | None | Unset = UNSET,
) -> Case:
    """Change the fields sent (see the module docstring); 422 names every wrong one."""
    case = await get_for_change(ctx, case_id=case_id)
    sent = {
        "locationId": location_id,
        "priorityBand": priority_band,
        "queue": queue,
        "assigneeId": assignee_id,
        "triageLevel": triage_level,
    }
    if all(value is UNSET for value in sent.values()):
        raise ValidationFailed(
            "send at least one of " + ", ".join(sent) + " to change", field="body"
        )
    if case.status == CaseStatus.closed:
        raise Conflict(f"case {case.id} is closed; a closed case is not edited")
    org = await ctx.session.get(Org, case.org_id)
    assert org is not None  # the case's foreign key guarantees it
    config = orgs.config_of(org)
    problems: list[dict[str, str]] = []

    def wrong(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    if location_id is not UNSET and location_id is not None:
        location = await ctx.session.get(Location, location_id)
        if location is None or location.org_id != case.org_id:
            wrong("locationId", f"no location {location_id} in this org")
        elif not location.active:
            wrong("locationId", f"location {location_id} is inactive")
    if priority_band is not UNSET and (not is_priority_band(priority_band)):
        wrong("priorityBand", "priorityBand must be P1, P2, P3 or P4")
    if queue is not UNSET and (queue is None or queue not in config.queues):
        wrong("queue", "queue must be one of the org's queues: " + ", ".join(config.queues))
    if assignee_id is not UNSET and assignee_id is not None:
        membership = await ctx.session.get(Membership, (case.org_id, assignee_id))
        if membership is None:
            wrong("assigneeId", f"user {assignee_id} is not a member of this org")
        elif Role(membership.role).rank < Role.coordinator.rank:
            wrong("assigneeId", "a viewer cannot be assigned cases")
    if triage_level is not UNSET and (not is_triage_level(triage_level)):
        wrong("triageLevel", "triageLevel must be 1 (most urgent) to 5")
    if problems:
        raise ValidationFailed(
            f"invalid {problems[0]['field']}: {problems[0]['message']}", details=problems
        )

    new = dict(sent)
    if triage_level is not UNSET and priority_band is UNSET:
        band = config.band_for(triage_level)
        if band is not None:
            new["priorityBand"] = band
    attributes = {
        "locationId": "location_id",
        "priorityBand": "priority_band",
        "queue": "queue",
        "assigneeId": "assignee_id",
        "triageLevel": "triage_level",
    }
    changes: dict[str, list[Any]] = {}
    for field, attribute in attributes.items():
        value = new[field]
        if value is UNSET or getattr(case, attribute) == value:
            continue
        changes[field] = [getattr(case, attribute), value]
        setattr(case, attribute, value)
    if "triageLevel" in changes or "priorityBand" in changes:
        # The case's own triage now, no longer its most urgent referral's.
        case.triage_set_by = ctx.actor_id or ctx.actor_type
    if changes:
        case.updated_at = utcnow()
        ctx.session.add(case)
    audit.record(
        ctx,
        "case.update",
        org_id=case.org_id,
        resource_type="case",
        resource_id=case.id,
        details={"changes": changes},
    )
    return case


# -- the contact log and the status ------------------------------------------------------------


@dataclass(frozen=True)
class ContactInput:
    kind: str
    channel: str | None = None
    outcome: str | None = None
    scheduled_for: datetime | None = None
    reason: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ContactLogged:
    case: Case
    event: ContactEvent


# The fields each kind needs, and may carry besides ``note``.
_REQUIRED: dict[ContactKind, tuple[str, ...]] = {
    ContactKind.attempt: ("channel", "outcome"),
    ContactKind.scheduled: ("scheduledFor",),
    ContactKind.close: ("reason",),
    ContactKind.note: ("note",),
}
_KIND_FIELDS = ("channel", "outcome", "scheduledFor", "reason")


def next_status(current: CaseStatus, kind: ContactKind) -> CaseStatus:
    """The status after a contact event of ``kind``; ``Conflict`` when it cannot happen."""
    if kind == ContactKind.note:
        return current
    if current == CaseStatus.closed:
        raise Conflict(f"the case is closed; only a note can be added, not a {kind.value}")
    if kind == ContactKind.attempt:
        return CaseStatus.contacting if current == CaseStatus.open else current
    if kind == ContactKind.scheduled:
        return CaseStatus.scheduled
    return CaseStatus.closed


def _text(value: str | None) -> str | None:
    """Free text as kept: trimmed, and blank means not given."""
    return (value.strip() or None) if value else None


def _checked_contact(contact: ContactInput) -> ContactKind:
    """The kind, once every field fits it; otherwise 422 naming each wrong field."""
    try:
        kind = ContactKind(contact.kind)
    except ValueError:
        raise ValidationFailed(
            "type must be one of " + ", ".join(ContactKind), field="type"
        ) from None
    given = {
        "channel": contact.channel,
        "outcome": contact.outcome,
        "scheduledFor": contact.scheduled_for,
        "reason": _text(contact.reason),
        "note": _text(contact.note),
    }
    problems: list[dict[str, str]] = []
    for field in _REQUIRED[kind]:
        if given[field] is None:
            problems.append({"field": field, "message": f"{field} is required for {kind.value}"})
    for field in _KIND_FIELDS:
        if field not in _REQUIRED[kind] and given[field] is not None:
            problems.append({"field": field, "message": f"{field} does not go with {kind.value}"})
    if contact.channel is not None and contact.channel not in CHANNELS:
        problems.append({"field": "channel", "message": "channel must be " + ", ".join(CHANNELS)})
    if contact.outcome is not None and contact.outcome not in OUTCOMES:
        problems.append({"field": "outcome", "message": "outcome must be " + ", ".join(OUTCOMES)})
    when = contact.scheduled_for
    if when is not None:
        if when.tzinfo is None:
            problems.append({"field": "scheduledFor", "message": "scheduledFor needs a time zone"})
        elif not _has_utc_time(when):
            problems.append({"field": "scheduledFor", "message": "scheduledFor is out of range"})
        elif when < utcnow():
            problems.append({"field": "scheduledFor", "message": "scheduledFor is in the past"})
    if contact.reason and len(contact.reason) > MAX_REASON:
        problems.append({"field": "reason", "message": f"at most {MAX_REASON} characters"})
    if contact.note and len(contact.note) > MAX_NOTE:
        problems.append({"field": "note", "message": f"at most {MAX_NOTE} characters"})
    if problems:
        raise ValidationFailed(
            f"invalid {problems[0]['field']}: {problems[0]['message']}", details=problems
        )
    return kind


def _has_utc_time(moment: datetime) -> bool:
    """Whether the moment is on the calendar in UTC, where it is stored: 9999-12-31T23:00
    at -05:00 is a valid timestamp that falls past the calendar's end there."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True


async def log_contact(ctx: Context, *, case_id: str, contact: ContactInput) -> ContactLogged:
    """Record a contact event and move the case as the module docstring's table says."""
    case = await get_for_change(ctx, case_id=case_id)
    kind = _checked_contact(contact)
    status = next_status(CaseStatus(case.status), kind)
    now = utcnow()
    event = ContactEvent(
        org_id=case.org_id,
        case_id=case.id,
        kind=kind,
        channel=contact.channel,
        outcome=contact.outcome,
        scheduled_for=contact.scheduled_for,
        reason=_text(contact.reason),
        note=_text(contact.note),
        actor_type=ctx.actor_type,
        actor_id=ctx.actor_id,
        created_at=now,
    )
    ctx.session.add(event)
    previous = CaseStatus(case.status)
    case.status = status
    if kind == ContactKind.scheduled:
        case.scheduled_for = contact.scheduled_for
    if kind == ContactKind.close:
        case.close_reason = event.reason
        case.closed_at = now
    case.updated_at = now
    ctx.session.add(case)
    if kind in (ContactKind.attempt, ContactKind.scheduled):
        await contact_rollup.refresh(ctx.session, case.org_id, [case.id])
    audit.record(
        ctx,
        f"case.contact_{kind.value}",
        org_id=case.org_id,
        resource_type="case",
        resource_id=case.id,
        details={"eventId": event.id, "from": previous.value, "to": status.value},
    )
    if status == CaseStatus.scheduled:
        await emr.auto_queue(ctx, case, "scheduled")
    return ContactLogged(case=case, event=event)


# -- the case's triage -------------------------------------------------------------------------


async def follow_referrals(ctx: Context, case: Case, *, joining: Referral | None = None) -> None:
    """The case's level, band and queue follow its most urgent referral (``joining`` counts
    though not yet stored), unless a person set the case's own (``triage_set_by``)."""
    if case.triage_set_by is not None:
        return
    query = select(Referral).where(
        Referral.org_id == case.org_id,
        Referral.case_id == case.id,
        Referral.stage != ReferralStage.duplicate,
    )
    rows = {r.id: r for r in (await ctx.session.scalars(query)).all()}
    if joining is not None:
        rows[joining.id] = joining
    results = [r.triage for r in rows.values() if r.triage is not None]
    if not results:
        return
    most_urgent = min(results, key=lambda t: t.level)
    changed = (most_urgent.level, most_urgent.priority_band, most_urgent.queue) != (
        case.triage_level,
        case.priority_band,
        case.queue,
    )
    if changed:
        case.triage_level = most_urgent.level
        case.priority_band = most_urgent.priority_band
        case.queue = most_urgent.queue or case.queue
        case.updated_at = utcnow()
        ctx.session.add(case)
