"""Review on the REST face: ``PATCH /api/referrals/:id`` with the changed fields.

The body has the sections of the extraction (DESIGN §10) with only the fields that
change; ``null`` clears a field, a field not sent keeps its value. ``confirm: true``
also moves the referral on (QA must pass; it joins or opens its case).
"""

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request

from resolvers import review
from resolvers.context import Context
from rest_compat.http import ApiRouter
from rest_compat.referrals import ReferralDetailOut, detail_of
from rest_compat.schemas import Body

router = ApiRouter(tag="referrals")


class AddressPatch(Body):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class PatientPatch(Body):
    first_name: str | None = None
    last_name: str | None = None
    dob: str | None = None
    sex: str | None = None
    phone: str | None = None
    email: str | None = None
    address: AddressPatch | None = None


class InsurancePatch(Body):
    provider: str | None = None
    member_id: str | None = None
    group_number: str | None = None


class ReferrerPatch(Body):
    provider_name: str | None = None
    npi: str | None = None
    practice_name: str | None = None
    phone: str | None = None
    fax: str | None = None


class ClinicalPatch(Body):
    reason: str | None = None
    diagnosis_codes: list[str] | None = None
    urgency: str | None = None


class CorrectReferralBody(Body):
    org_id: str | None = None
    patient: PatientPatch | None = None
    insurance: InsurancePatch | None = None
    referrer: ReferrerPatch | None = None
    clinical: ClinicalPatch | None = None
    confirm: bool = False


class CorrectedReferralOut(ReferralDetailOut):
    # The DESIGN §10 paths this request changed.
    changed: list[str]


def changed_paths(body: BaseModel, prefix: str = "") -> dict[str, Any]:
    """The fields sent, by their dotted camelCase paths (``patient.address.zip``)."""
    paths: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        alias = type(body).model_fields[name].alias or name
        if isinstance(value, BaseModel):
            paths.update(changed_paths(value, f"{prefix}{alias}."))
        elif value is None and name == "address":
            # A null address clears each of its lines.
            paths.update({f"{prefix}address.{line}": None for line in AddressPatch.model_fields})
        else:
            paths[f"{prefix}{alias}"] = value
    return paths


@router.patch(
    "/api/referrals/:id",
    body=CorrectReferralBody,
    response=CorrectedReferralOut,
    errors=(400, 401, 403, 404, 409, 422),
)
async def correct_referral(
    request: Request, ctx: Context, body: CorrectReferralBody
) -> CorrectedReferralOut:
    """Correct or fill in extracted fields; QA and triage run again; ``confirm`` moves it on."""
    changes = {
        path: value
        for section in ("patient", "insurance", "referrer", "clinical")
        if section in body.model_fields_set and getattr(body, section) is not None
        for path, value in changed_paths(getattr(body, section), f"{section}.").items()
    }
    result = await review.correct(
        ctx,
        referral_id=request.path_params["id"],
        changes=changes,
        confirm=body.confirm,
        org_id=body.org_id,
    )
    detail = await detail_of(ctx, result.referral)
    return CorrectedReferralOut(**detail, changed=result.changed)
