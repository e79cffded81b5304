"""Review: a person corrects what the machine read (or fills in what it could not).

``correct`` takes changed fields by their DESIGN §10 paths (``patient.dob``), normalises
each as the pipeline would (422 naming every wrong one, nothing stored), keeps each
correction beside the machine's value and confidence, runs QA and triage again and, with
``confirm``, moves the referral on (``intake.confirm``). A referral with no extraction at
all is filled in the same way: it starts from an empty, ``manual`` one.

A correction of a referrer's name that names a known practice or provider teaches the
org an alias: the machine's spelling then matches that referrer on the next referral.

Live accuracy: when a referral is confirmed, each field the machine read (or a person
had to add) leaves one ``FieldReview`` row saying whether a person changed it, so the
org's accuracy per field is one aggregate (``accuracy``).
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func
from sqlmodel import col, select

from models import AliasKind, Case, FieldReview, Referral, ReferralStage, Role, utcnow
from models.extraction import (
    FIELD_PATHS,
    ExtractedReferrer,
    Extraction,
    ExtractionMethod,
    FieldCorrection,
    Urgency,
)
from models.values import (
    npi_valid,
    strip_titles,
)
from resolvers import access, audit, intake, matching, patient_checks, referrals, referrers
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed, not_found

MAX_REASON = 2000
MAX_CODES = 20
# ICD-10-CM: a letter, two characters, then optionally a dot and up to four more.
ICD10 = re.compile(r"[A-TV-Z][0-9][0-9AB](?:\.?[0-9A-TV-Z]{1,4})?")
_REFERRER_ALIASES = {
    "referrer.providerName": AliasKind.provider,
    "referrer.practiceName": AliasKind.practice,
}


class _Wrong(ValueError):
    pass


def _text(value: Any) -> str | None:
    return patient_checks.clean_text(value)


def _person_name(value: Any) -> str | None:
    return strip_titles(_text(value))


def _dob(value: Any) -> str | None:
    dob = patient_checks.clean_dob(value)
    return dob.isoformat() if dob else None


def _npi(value: Any) -> str | None:
    text = _text(value)
    if text is not None and not npi_valid(text):
        raise _Wrong("is not a valid NPI (10 digits, correct check digit)")
    return text


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise _Wrong("must be a list of ICD-10 codes such as M17.11")
    codes = [c.strip().upper() for c in value if c.strip()]
    if len(codes) > MAX_CODES:
        raise _Wrong(f"at most {MAX_CODES} codes")
    wrong = [c for c in codes if not ICD10.fullmatch(c)]
    if wrong:
        raise _Wrong(f"{wrong[0]!r} is not an ICD-10 code such as M17.11")
    return list(dict.fromkeys(c if "." in c or len(c) <= 3 else f"{c[:3]}.{c[3:]}" for c in codes))


def _urgency(value: Any) -> str | None:
    if value is None:
        return None
    urgency = Urgency.read(value)
    if urgency is None:
        raise _Wrong("must be one of " + ", ".join(Urgency))
    return urgency.value


# One cleaner per path: how a person's value is normalised, as the pipeline normalises it.
CLEANERS: dict[str, Callable[[Any], Any]] = {
    "patient.firstName": _text,
    "patient.lastName": _text,
    "patient.dob": _dob,
    "patient.sex": patient_checks.clean_sex,
    "patient.phone": patient_checks.clean_phone,
    "patient.email": patient_checks.clean_email,
    "patient.address.line1": _text,
    "patient.address.line2": _text,
    "patient.address.city": _text,
    "patient.address.state": patient_checks.clean_state,
    "patient.address.zip": patient_checks.clean_zip,
    "insurance.provider": _text,
    "insurance.memberId": _text,
    "insurance.groupNumber": _text,
    "referrer.providerName": _person_name,
    "referrer.npi": _npi,
    "referrer.practiceName": _text,
    "referrer.phone": patient_checks.clean_phone,
    "referrer.fax": patient_checks.clean_phone,
    "clinical.reason": lambda v: patient_checks.clean_text(v, limit=MAX_REASON),
    "clinical.diagnosisCodes": _codes,
    "clinical.urgency": _urgency,
}
assert set(CLEANERS) == set(FIELD_PATHS)


def clean_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Each changed field normalised; a 422 naming every unknown or wrong one."""
    problems: list[dict[str, str]] = []
    clean: dict[str, Any] = {}
    for path, value in changes.items():
        cleaner = CLEANERS.get(path)
        if cleaner is None:
            problems.append({"field": path, "message": f"unknown field {path}"})
            continue
        try:
            clean[path] = cleaner(value)
        except (_Wrong, patient_checks.InvalidValue) as exc:
            problems.append({"field": path, "message": f"{path} {exc}"})
    if not changes:
        problems.append({"field": "fields", "message": "send at least one field to change"})
    if problems:
        raise ValidationFailed(problems[0]["message"], details=problems)
    return clean


@dataclass(frozen=True)
class Corrected:
    referral: Referral
    changed: list[str]


async def correct(
    ctx: Context,
    *,
    referral_id: str,
    changes: Mapping[str, Any],
    confirm: bool = False,
    org_id: str | None = None,
) -> Corrected:
    """Apply a person's values, re-run QA and triage; with ``confirm``, move the referral on."""
    referral = await referrals.get_for_change(ctx, referral_id)
    if org_id is not None and org_id != referral.org_id:
        raise not_found("referral", referral_id)
    # ``confirm`` alone (no field) vouches for the fields as they are.
    clean = clean_changes(changes) if changes or not confirm else {}
    if referral.stage in (ReferralStage.duplicate, ReferralStage.processing):
        raise Conflict(f"referral {referral.id} is {referral.stage}; it cannot be corrected now")
    before = referral.extraction or Extraction(method=ExtractionMethod.manual)
    after, changed = apply_changes(before, clean, by=ctx.actor_id, at=utcnow())
    if changed:
        referrals.set_extraction(ctx, referral, after)
        await _teach_aliases(ctx, referral.org_id, before, after, changed)
    audit.record(
        ctx,
        "referral.correct",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
        details={
            "fields": changed,
            "machine": {
                path: {
                    "value": after.corrections[path].machine_value,
                    "confidence": after.corrections[path].machine_confidence,
                }
                for path in changed
            },
        },
    )
    await intake.recheck(ctx, referral)
    if confirm:
        await intake.confirm(ctx, referral)
    return Corrected(referral=referral, changed=changed)


def apply_changes(
    extraction: Extraction, clean: Mapping[str, Any], *, by: str | None, at: datetime | None
) -> tuple[Extraction, list[str]]:
    """The extraction with each value set, each change kept beside the machine's value.

    A second correction of one field keeps the machine's value of the first. A value equal
    to what is there already changes nothing.
    """
    changed = []
    for path, value in clean.items():
        if extraction.value_at(path) == value:
            continue
        earlier = extraction.corrections.get(path)
        correction = FieldCorrection(
            value=value,
            machine_value=earlier.machine_value if earlier else extraction.value_at(path),
            machine_confidence=(
                earlier.machine_confidence if earlier else extraction.confidence_of(path)
            ),
            by=by,
            at=at,
        )
        extraction = extraction.with_value(path, value).model_copy(
            update={
                "corrections": {**extraction.corrections, path: correction},
                "confidence": {**extraction.confidence, path: 1.0},
            }
        )
        changed.append(path)
    return extraction, changed


def keep_corrections(earlier: Extraction | None, reread: Extraction) -> Extraction:
    """A new machine reading of a referral a person corrected: the person's values stand.

    Each field a person set keeps their value (and who and when), now beside the new
    reading's value as the machine's; where the new reading agrees with them, nothing was
    corrected this time and the field is the machine's.
    """
    if earlier is None:
        return reread
    for path, correction in earlier.corrections.items():
        reread, _ = apply_changes(
            reread, {path: correction.value}, by=correction.by, at=correction.at
        )
    return reread


async def _teach_aliases(
    ctx: Context, org_id: str, before: Extraction, after: Extraction, changed: list[str]
) -> None:
    """The machine's spelling of a corrected referrer name → the referrer the person named."""
    for path, kind in _REFERRER_ALIASES.items():
        written = before.value_at(path)
        if path not in changed or not written or not after.value_at(path):
            continue
        field = "provider_name" if kind == AliasKind.provider else "practice_name"
        named = ExtractedReferrer(**{field: after.value_at(path)})
        practice, provider = await matching.match_candidate(ctx, org_id, named)
        row = provider if kind == AliasKind.provider else practice
        if row is None:
            continue
        await referrers.remember(
            ctx,
            org_id=org_id,
            kind=kind,
            text=written,
            practice_id=row.id if kind == AliasKind.practice else None,
            provider_id=row.id if kind == AliasKind.provider else None,
        )


# -- live accuracy ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmed:
    referral: Referral
    case: Case


async def confirm(ctx: Context, *, referral_id: str) -> Confirmed:
    """A person vouches for the referral's fields as they are (``intake.confirm``)."""
    referral = await referrals.get_for_change(ctx, referral_id)
    case = await intake.confirm(ctx, referral)
    return Confirmed(referral=referral, case=case)


@dataclass(frozen=True)
class FieldAccuracy:
    field: str
    reviewed: int
    corrected: int
    mean_confidence: float

    @property
    def accuracy(self) -> float:
        return 1 - self.corrected / self.reviewed if self.reviewed else 0.0


async def accuracy(
    ctx: Context, *, org_id: str | None, since: datetime | None = None
) -> list[FieldAccuracy]:
    """The org's live accuracy per field: of the fields people reviewed, how many they kept."""
    org_id = access.org_for(ctx, org_id, Role.viewer)
    corrected = func.sum(sql_case((col(FieldReview.corrected).is_(True), 1), else_=0))
    query = (
        select(
            FieldReview.field,
            func.count(),
            corrected,
            func.avg(FieldReview.machine_confidence),
        )
        .where(FieldReview.org_id == org_id)
        .group_by(FieldReview.field)
        .order_by(FieldReview.field)
    )
    if since is not None:
        query = query.where(FieldReview.created_at >= since)
    rows = (await ctx.session.execute(query)).all()
    return [
        FieldAccuracy(field=f, reviewed=int(n), corrected=int(c or 0), mean_confidence=float(m))
        for f, n, c, m in rows
    ]
