"""Matching what a referral says to what the org knows: the patient, the referrer, an
earlier copy of the same referral, and the case it belongs to.

- **Patient:** the same names (case, accents and punctuation ignored) and date of birth;
  a new record when none matches, never one made from a guess.
- **Referrer:** the provider by an alias of its written name or by NPI; the practice by an
  alias of its name, else the provider's practice, else by NPI. Aliases are remembered
  when a coordinator matches or corrects a referrer, so the next referral matches alone.
- **Duplicate:** a referral whose every file has the bytes of another referral's file, or
  the same patient with the same reason received within the org's
  ``duplicateWindowDays`` of it, is a duplicate of that one.
- **Case:** the patient's open case is joined, else a new one opened.
"""

from datetime import date, timedelta

from sqlmodel import col, select, update

from models import (
    AliasKind,
    Case,
    CaseStatus,
    Document,
    Patient,
    Practice,
    Provider,
    Referral,
    ReferralStage,
    utcnow,
)
from models.extraction import ExtractedReferrer, Extraction
from models.values import name_key, npi_valid, parse_dob, phone_e164
from resolvers import audit, cases, contact_rollup, emr, locks, patients, referrers
from resolvers.access import CHANGE_LOCK
from resolvers.context import Context
from resolvers.errors import ValidationFailed
from resolvers.org_config import OrgConfig

# -- patients ---------------------------------------------------------------------------------


async def find_patient(
    ctx: Context, *, org_id: str, first_name: str, last_name: str, dob: date | None
) -> Patient | None:
    """The same person: same names (ignoring case, accents, punctuation) and date of birth."""
    if dob is None:
        return None
    query = (
        select(Patient)
        .where(
            Patient.org_id == org_id,
            Patient.last_name_key == patients.name_key_of(last_name),
            Patient.first_name_key == patients.name_key_of(first_name),
            Patient.dob == dob,
        )
        .limit(1)
    )
    return (await ctx.session.scalars(query)).first()


async def patient_from_extraction(
    ctx: Context, *, org_id: str, extraction: Extraction | None
) -> Patient | None:
    """The extraction's patient: a known one if names and DOB match, else a new record.

    ``None`` when the extraction lacks a first name, last name or readable DOB:
    a patient is never created from a guess.
    """
    data = (extraction or Extraction()).patient
    first, last = data.first_name, data.last_name
    dob = parse_dob(data.dob)
    if not first or not last or dob is None:
        return None
    # Two referrals of one new patient, triaged at once, must not create two records.
    await locks.hold(ctx, locks.PATIENTS, org_id)
    match = await find_patient(ctx, org_id=org_id, first_name=first, last_name=last, dob=dob)
    if match is not None:
        return match
    assert extraction is not None
    insurance = extraction.insurance.model_dump(by_alias=True)
    address = data.address.model_dump() if data.address else None
    patient = Patient(
        org_id=org_id,
        first_name="",
        last_name="",
        first_name_key="",
        last_name_key="",
        dob=dob,
        sex=data.sex.value if data.sex else None,
        phone=phone_e164(data.phone),
        email=data.email,
        address=address if address and any(address.values()) else None,
        insurance=insurance if any(insurance.values()) else None,
        updated_at=utcnow(),
    )
    patients.set_names(patient, first, last)
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


# -- referrers --------------------------------------------------------------------------------


async def match_candidate(
    ctx: Context, org_id: str, candidate: ExtractedReferrer
) -> tuple[Practice | None, Provider | None]:
    """The known practice and provider a candidate names, through aliases or the NPI.

    ``(None, None)`` when nothing matches.
    """
    provider: Provider | None = None
    alias = await referrers.alias_of(ctx, org_id, AliasKind.provider, candidate.provider_name)
    if alias is not None:
        provider = await referrers.row_in_org(ctx, Provider, org_id, alias.provider_id)
    npi = candidate.npi if candidate.npi and npi_valid(candidate.npi) else None
    if provider is None and npi:
        provider = await referrers.by_npi(ctx, Provider, org_id, npi)
    practice: Practice | None = None
    alias = await referrers.alias_of(ctx, org_id, AliasKind.practice, candidate.practice_name)
    if alias is not None:
        practice = await referrers.row_in_org(ctx, Practice, org_id, alias.practice_id)
    if practice is None and provider is not None:
        practice = await referrers.row_in_org(ctx, Practice, org_id, provider.practice_id)
    if practice is None and provider is None and npi:
        practice = await referrers.by_npi(ctx, Practice, org_id, npi)
    return practice, provider


def _has_referrer(candidate: ExtractedReferrer) -> bool:
    return any(candidate.model_dump().values())


async def _link_referrer(ctx: Context, case: Case, candidate: ExtractedReferrer) -> None:
    """An unmatched case keeps what the referral said of its referrer and takes the known
    practice and provider that names, if any."""
    if case.practice_id or case.provider_id or not _has_referrer(candidate):
        return
    if candidate not in case.referrer_candidates:
        # A new list, so the JSON column is seen as changed.
        case.referrer_candidates = [*case.referrer_candidates, candidate]
    practice, provider = await match_candidate(ctx, case.org_id, candidate)
    case.practice_id = practice.id if practice else None
    case.provider_id = provider.id if provider else None


# -- duplicates -------------------------------------------------------------------------------


async def duplicate_of(ctx: Context, referral: Referral, config: OrgConfig) -> Referral | None:
    """The earlier referral this one repeats (same bytes, or same patient and reason)."""
    by_bytes = await _same_files(ctx, referral)
    if by_bytes is not None:
        return by_bytes
    patient = await _known_patient(ctx, referral)
    if patient is None or config.duplicate_window_days == 0:
        return None
    reason = name_key((referral.extraction or Extraction()).clinical.reason)
    if not reason:
        return None
    since = referral.created_at - timedelta(days=config.duplicate_window_days)
    query = (
        select(Referral)
        .where(
            Referral.org_id == referral.org_id,
            Referral.patient_id == patient.id,
            Referral.id != referral.id,
            col(Referral.stage).in_([ReferralStage.triaged, ReferralStage.review]),
            Referral.created_at >= since,
            Referral.created_at <= referral.created_at,
        )
        .order_by(col(Referral.created_at))
    )
    for earlier in (await ctx.session.scalars(query)).all():
        if name_key((earlier.extraction or Extraction()).clinical.reason) == reason:
            return earlier
    return None


async def _known_patient(ctx: Context, referral: Referral) -> Patient | None:
    if referral.patient_id:
        return await ctx.session.get(Patient, referral.patient_id)
    data = (referral.extraction or Extraction()).patient
    if not data.first_name or not data.last_name:
        return None
    return await find_patient(
        ctx,
        org_id=referral.org_id,
        first_name=data.first_name,
        last_name=data.last_name,
        dob=parse_dob(data.dob),
    )


async def _same_files(ctx: Context, referral: Referral) -> Referral | None:
    files = (
        await ctx.session.scalars(
            select(Document).where(
                Document.org_id == referral.org_id, Document.referral_id == referral.id
            )
        )
    ).all()
    originals = {f.duplicate_of_id for f in files}
    if not files or None in originals:
        return None
    holders = (
        await ctx.session.scalars(
            select(Document.referral_id).where(
                Document.org_id == referral.org_id, col(Document.id).in_(originals)
            )
        )
    ).all()
    if len(set(holders)) != 1 or holders[0] in (None, referral.id):
        return None
    earlier = await ctx.session.get(Referral, holders[0])
    if earlier is None or earlier.stage == ReferralStage.duplicate:
        return None
    return earlier


# -- cases ------------------------------------------------------------------------------------


async def attach_referral(ctx: Context, referral: Referral) -> Case:
    """Join the patient's open case, or open a new one, and mark the referral triaged.

    The patient is the referral's, or the one its extraction names (matched or
    created). The case's triage follows its most urgent referral (``cases.follow_referrals``).
    """
    if referral.case_id:
        case = await ctx.session.get(Case, referral.case_id)
        if case is not None:
            _mark_triaged(ctx, referral)
            return case
    extraction = referral.extraction or Extraction()
    patient_id = referral.patient_id
    if patient_id is None:
        patient = await patient_from_extraction(
            ctx, org_id=referral.org_id, extraction=referral.extraction
        )
        if patient is None:
            raise ValidationFailed(
                "the referral names no patient (first name, last name and DOB are needed)",
                field="patientId",
            )
        patient_id = patient.id
    # Two referrals of one patient, triaged at once, join one case instead of opening two.
    await locks.hold(ctx, locks.PATIENTS, referral.org_id)
    case = await _open_case_of(ctx, org_id=referral.org_id, patient_id=patient_id)
    if case is None:
        case = Case(
            org_id=referral.org_id,
            patient_id=patient_id,
            referrer_candidates=[],
            reason=extraction.clinical.reason,
            first_received_at=referral.created_at,
            updated_at=utcnow(),
        )
        action = "case.create"
    else:
        case.first_received_at = min(case.first_received_at, referral.created_at)
        action = "case.join"
    await _link_referrer(ctx, case, extraction.referrer)
    ctx.session.add(case)
    referral.case_id = case.id
    referral.patient_id = patient_id
    await _give_documents(ctx, referral, patient_id)
    _mark_triaged(ctx, referral)
    await cases.follow_referrals(ctx, case, joining=referral)
    if action == "case.join":
        # A case joined late may have been called already since this referral arrived
        # (a new case has no calls: its columns are right as made).
        await contact_rollup.refresh(ctx.session, referral.org_id, [case.id])
    audit.record(
        ctx,
        action,
        org_id=referral.org_id,
        resource_type="case",
        resource_id=case.id,
        details={"referralId": referral.id},
    )
    # Its documents follow the case into the EMR if the chart is there already.
    await emr.documents_reached_case(ctx, case)
    await emr.auto_queue(ctx, case, "triaged")
    return case


async def _give_documents(ctx: Context, referral: Referral, patient_id: str) -> None:
    """The referral's files become the patient's too (those not already someone's)."""
    await ctx.session.execute(
        update(Document)
        .where(
            col(Document.org_id) == referral.org_id,
            col(Document.referral_id) == referral.id,
            col(Document.patient_id).is_(None),
        )
        .values(patient_id=patient_id, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def _mark_triaged(ctx: Context, referral: Referral) -> None:
    if referral.stage != ReferralStage.triaged:
        referral.stage = ReferralStage.triaged
        referral.updated_at = utcnow()
        referral.triaged_at = referral.updated_at
        ctx.session.add(referral)


async def _open_case_of(ctx: Context, *, org_id: str, patient_id: str) -> Case | None:
    # Locked: a case being closed right now is waited for, and then no longer matches
    # (PostgreSQL re-checks the condition after the wait), so nothing joins a closed case.
    query = (
        select(Case)
        .where(
            Case.org_id == org_id, Case.patient_id == patient_id, Case.status != CaseStatus.closed
        )
        .order_by(col(Case.created_at).desc())
        .limit(1)
        .with_for_update(**CHANGE_LOCK)
        .execution_options(populate_existing=True)
    )
    return (await ctx.session.scalars(query)).first()
