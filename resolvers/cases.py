"""Cases: the merged patient record built from one or more referrals."""

from sqlmodel import col, select

from models import Case, CaseStatus, Referral, ReferralStage, utcnow
from resolvers import audit, patients
from resolvers.context import Context
from resolvers.errors import ValidationFailed


async def attach_referral(ctx: Context, referral: Referral) -> Case:
    """Join the patient's open case, or open a new one, and mark the referral triaged.

    The patient is the referral's, or the one its extraction names (matched or
    created). The more urgent triage of the case and the referral wins.
    """
    if referral.case_id:
        case = await ctx.session.get(Case, referral.case_id)
        if case is not None:
            return case
    patient_id = referral.patient_id
    if patient_id is None:
        patient = await patients.from_extraction(
            ctx, org_id=referral.org_id, extraction=referral.extraction
        )
        if patient is None:
            raise ValidationFailed(
                "the referral names no patient (first name, last name and DOB are needed)",
                field="patientId",
            )
        patient_id = patient.id
    triage = referral.triage or {}
    level = triage.get("level")
    case = await _open_case_of(ctx, org_id=referral.org_id, patient_id=patient_id)
    now = utcnow()
    if case is None:
        extraction = referral.extraction or {}
        referrer = extraction.get("referrer")
        case = Case(
            org_id=referral.org_id,
            patient_id=patient_id,
            triage_level=level,
            priority_band=triage.get("priorityBand"),
            queue=triage.get("queue"),
            referrer_candidates=[referrer] if referrer else [],
            reason=(extraction.get("clinical") or {}).get("reason"),
            updated_at=now,
        )
        action = "case.create"
    else:
        if level is not None and (case.triage_level is None or level < case.triage_level):
            case.triage_level = level
            case.priority_band = triage.get("priorityBand") or case.priority_band
        case.updated_at = now
        action = "case.join"
    ctx.session.add(case)
    referral.case_id = case.id
    referral.patient_id = patient_id
    referral.stage = ReferralStage.triaged
    referral.updated_at = now
    ctx.session.add(referral)
    audit.record(
        ctx,
        action,
        org_id=referral.org_id,
        resource_type="case",
        resource_id=case.id,
        details={"referralId": referral.id},
    )
    return case


async def _open_case_of(ctx: Context, *, org_id: str, patient_id: str) -> Case | None:
    query = (
        select(Case)
        .where(
            Case.org_id == org_id, Case.patient_id == patient_id, Case.status != CaseStatus.closed
        )
        .order_by(col(Case.created_at).desc())
        .limit(1)
    )
    return (await ctx.session.scalars(query)).first()
