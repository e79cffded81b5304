"""Moving a referral on once its fields are known: QA, triage, duplicates, the case.

``advance`` is what the pipeline does after extraction, with nobody typing: a clean
extraction is triaged into a case; one QA finds problems with waits in ``review`` for a
person, with the fields to confirm. ``recheck`` runs QA and triage again after a person's
correction; ``confirm`` is that person moving the referral on.
"""

from models import Case, Referral, ReferralStage, utcnow
from models.extraction import Extraction
from models.review import reviews_of
from resolvers import audit, matching, qa, referral_moves, referrals, triage
from resolvers.context import Context
from resolvers.errors import Conflict


async def recheck(ctx: Context, referral: Referral) -> None:
    """QA and triage again. A manual triage stays, with its automatic part brought up to date."""
    config = await referrals.config_for(ctx, referral.org_id)
    extraction = referral.extraction or Extraction()
    referral.qa = qa.check(extraction, config)
    if referral.stage not in qa.SETTLED:
        referral.stage = ReferralStage.review
    if not referral.qa.passed:
        # Kept once set: reporting's share of referrals that needed a person.
        referral.needed_review = True
    automatic = triage.automatic(extraction, config, set_by=ctx.actor_id)
    current = referral.triage
    if current is not None and current.source == "manual":
        automatic = current.model_copy(update={"automatic": automatic})
    await triage.apply(ctx, referral, automatic)


async def advance(ctx: Context, referral: Referral) -> Case | None:
    """After extraction: a duplicate is set aside, a clean referral joins or opens its case,
    and one with QA problems waits in ``review``. The case, when it has one."""
    await recheck(ctx, referral)
    config = await referrals.config_for(ctx, referral.org_id)
    original = await matching.duplicate_of(ctx, referral, config)
    if original is not None:
        await referral_moves.set_aside(ctx, referral, original)
        return None
    if referral.qa is None or not referral.qa.passed:
        return None
    return await matching.attach_referral(ctx, referral)


async def confirm(ctx: Context, referral: Referral) -> Case:
    """A person vouches for the fields: QA must pass; the referral joins or opens its case."""
    if referral.extraction is None:
        raise Conflict(f"referral {referral.id} has no fields yet: enter them first")
    if referral.stage in (ReferralStage.duplicate, ReferralStage.processing):
        raise Conflict(f"referral {referral.id} is {referral.stage}; it cannot be confirmed")
    config = await referrals.config_for(ctx, referral.org_id)
    result = qa.check(referral.extraction, config)
    referral.qa = result
    if not result.passed:
        raise Conflict(
            "QA still finds problems: " + ", ".join(result.fields_to_confirm),
            details={"issues": [i.model_dump(by_alias=True) for i in result.issues]},
        )
    if referral.triage is None:
        await triage.apply(
            ctx, referral, triage.automatic(referral.extraction, config, set_by=ctx.actor_id)
        )
    case = await matching.attach_referral(ctx, referral)
    if referral.confirmed_at is None:
        ctx.session.add_all(reviews_of(referral))
        referral.confirmed_by = ctx.actor_id
        referral.confirmed_at = utcnow()
        ctx.session.add(referral)
    audit.record(
        ctx,
        "referral.confirm",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
        details={"caseId": case.id},
    )
    return case
