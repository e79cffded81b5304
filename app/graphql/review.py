"""Review in the graph: correct or fill in a referral's fields, confirm it, and the org's
live accuracy per field."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from app.graphql.context import Info
from app.graphql.errors import MutationError, or_null, run_mutation
from app.graphql.referrals import Referral
from resolvers import review

if TYPE_CHECKING:
    from app.graphql.cases import Case

CaseType = Annotated["Case", strawberry.lazy("app.graphql.cases")]


@strawberry.input(description="One field's new value; null clears it")
class FieldValueInput:
    field: str = strawberry.field(description="Its DESIGN §10 path, e.g. patient.dob")
    value: JSON | None


@strawberry.input
class CorrectExtractionInput:
    referral_id: strawberry.ID
    fields: list[FieldValueInput]
    confirm: bool = strawberry.field(
        default=False, description="Also move the referral on (QA must pass)"
    )


@strawberry.type
class CorrectExtractionSuccess:
    referral: Referral
    changed: list[str] = strawberry.field(description="The paths this correction changed")


@strawberry.type
class ConfirmReferralSuccess:
    referral: Referral
    case: CaseType


@strawberry.type(description="Of the fields people reviewed, how many they kept as read")
class FieldAccuracy:
    field: str
    reviewed: int
    corrected: int
    accuracy: float
    mean_confidence: float


def _union(name: str, success: type) -> Any:
    return Annotated[success | MutationError, strawberry.union(name)]


CorrectExtractionResult = _union("CorrectExtractionResult", CorrectExtractionSuccess)
ConfirmReferralResult = _union("ConfirmReferralResult", ConfirmReferralSuccess)


@strawberry.type
class ReviewQuery:
    @strawberry.field(
        description="The org's live extraction accuracy per field; null for an org not yours"
    )
    async def extraction_accuracy(
        self, info: Info, org_id: str | None = None, since: datetime | None = None
    ) -> list[FieldAccuracy] | None:
        ctx = info.context.ctx
        rows = await or_null(info, lambda: review.accuracy(ctx, org_id=org_id, since=since))
        if rows is None:
            return None
        return [
            FieldAccuracy(
                field=r.field,
                reviewed=r.reviewed,
                corrected=r.corrected,
                accuracy=r.accuracy,
                mean_confidence=r.mean_confidence,
            )
            for r in rows
        ]


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(
        description="Correct or fill in a referral's fields; QA and triage run again"
    )
    async def correct_extraction(
        self, info: Info, input: CorrectExtractionInput
    ) -> CorrectExtractionResult:
        ctx = info.context.ctx
        changes = {f.field: f.value for f in input.fields}
        return await run_mutation(
            info,
            lambda: review.correct(
                ctx, referral_id=input.referral_id, changes=changes, confirm=input.confirm
            ),
            lambda done: CorrectExtractionSuccess(
                referral=Referral.from_row(done.referral), changed=done.changed
            ),
        )

    @strawberry.mutation(description="Vouch for the referral's fields: it joins or opens its case")
    async def confirm_referral(self, info: Info, id: strawberry.ID) -> ConfirmReferralResult:
        from app.graphql.cases import Case

        ctx = info.context.ctx
        return await run_mutation(
            info,
            lambda: review.confirm(ctx, referral_id=id),
            lambda done: ConfirmReferralSuccess(
                referral=Referral.from_row(done.referral), case=Case.from_row(done.case)
            ),
        )


QUERY_TYPES: list[type] = [ReviewQuery]
MUTATION_TYPES: list[type] = [ReviewMutation]
