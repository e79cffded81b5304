"""Moving referrals on by hand: marking duplicates, and bulk moves of many at once."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, update

from models import Case, Referral, ReferralStage, Role, utcnow
from resolvers import access, audit, matching, triage
from resolvers.context import Context
from resolvers.errors import Conflict, DomainError, ValidationFailed, not_found
from resolvers.org_config import OrgConfig
from resolvers.referrals import config_for, get_for_change

MAX_BULK = 500


class BulkAction(StrEnum):
    move_to_triaged = "move_to_triaged"
    mark_duplicate = "mark_duplicate"


async def _in_org(ctx: Context, org_id: str, referral_id: str, *, lock: bool) -> Referral:
    row = await access.get_row(ctx, Referral, referral_id, lock=lock)
    if row is None or row.org_id != org_id:
        raise not_found("referral", referral_id)
    return row


async def _original_of(ctx: Context, org_id: str, duplicate_of: str | None) -> Referral:
    if not duplicate_of:
        raise ValidationFailed(
            "duplicateOf (the original referral's id) is required", field="duplicateOf"
        )
    # Locked, so it cannot itself become a duplicate while copies are pointed at it.
    original = await _in_org(ctx, org_id, duplicate_of, lock=True)
    # Point at the root, so a chain of duplicates never forms.
    if original.duplicate_of_id:
        original = await _in_org(ctx, org_id, original.duplicate_of_id, lock=True)
    return original


async def _mark(ctx: Context, referral: Referral, original: Referral) -> None:
    if referral.id == original.id:
        raise ValidationFailed("a referral cannot be a duplicate of itself", field="duplicateOf")
    if referral.stage == ReferralStage.triaged:
        raise Conflict(f"referral {referral.id} is already triaged into case {referral.case_id}")
    if referral.stage == ReferralStage.processing:
        raise Conflict(f"referral {referral.id} is being processed")
    now = utcnow()
    referral.stage = ReferralStage.duplicate
    referral.duplicate_of_id = original.id
    referral.updated_at = now
    ctx.session.add(referral)
    # Its own duplicates follow it to the root, so no chain forms this way either.
    repointed = (
        await ctx.session.scalars(
            update(Referral)
            .where(
                col(Referral.org_id) == referral.org_id,
                col(Referral.duplicate_of_id) == referral.id,
            )
            .values(duplicate_of_id=original.id, updated_at=now)
            .returning(col(Referral.id))
            .execution_options(synchronize_session="fetch")
        )
    ).all()
    details: dict[str, Any] = {"duplicateOf": original.id}
    if repointed:
        details["repointed"] = sorted(repointed)
    audit.record(
        ctx,
        "referral.mark_duplicate",
        org_id=referral.org_id,
        resource_type="referral",
        resource_id=referral.id,
        details=details,
    )


async def set_aside(ctx: Context, referral: Referral, original: Referral) -> None:
    """Mark ``referral`` a duplicate of ``original`` found by matching (no access check: the
    caller holds the referral already, and may be the pipeline acting for nobody)."""
    root = await _original_of(ctx, referral.org_id, original.id)
    await _mark(ctx, referral, root)


async def mark_duplicate(ctx: Context, *, referral_id: str, duplicate_of: str) -> Referral:
    referral = await get_for_change(ctx, referral_id)
    original = await _original_of(ctx, referral.org_id, duplicate_of)
    await _mark(ctx, referral, original)
    return referral


async def move_to_triaged(ctx: Context, referral: Referral, config: OrgConfig) -> Case:
    """Triage (automatically, if nobody has) and attach to the patient's open case."""
    if referral.stage == ReferralStage.duplicate:
        raise Conflict(f"referral {referral.id} is a duplicate of {referral.duplicate_of_id}")
    if referral.stage == ReferralStage.processing:
        raise Conflict(f"referral {referral.id} is being processed")
    if referral.triage is None and referral.extraction:
        await triage.apply(
            ctx, referral, triage.automatic(referral.extraction, config, set_by=ctx.actor_id)
        )
    return await matching.attach_referral(ctx, referral)


@dataclass(frozen=True)
class BulkItem:
    id: str
    ok: bool
    case_id: str | None = None
    error: DomainError | None = None


async def bulk(
    ctx: Context,
    *,
    org_id: str | None,
    action: BulkAction,
    ids: list[str],
    duplicate_of: str | None = None,
) -> list[BulkItem]:
    """Apply ``action`` to each id in its own savepoint: one bad id never spoils the batch."""
    org_id = access.org_for(ctx, org_id, Role.coordinator)
    if not 1 <= len(ids) <= MAX_BULK:
        raise ValidationFailed(f"ids must hold 1 to {MAX_BULK} referral ids", field="ids")
    original = None
    if action is BulkAction.mark_duplicate:
        original = await _original_of(ctx, org_id, duplicate_of)
    config = await config_for(ctx, org_id)
    results = []
    for referral_id in ids:
        try:
            async with ctx.session.begin_nested():
                referral = await _in_org(ctx, org_id, referral_id, lock=True)
                case_id = None
                if original is not None:
                    await _mark(ctx, referral, original)
                else:
                    case_id = (await move_to_triaged(ctx, referral, config)).id
            results.append(BulkItem(id=referral_id, ok=True, case_id=case_id))
        except DomainError as exc:
            results.append(BulkItem(id=referral_id, ok=False, error=exc))
        except IntegrityError:
            error = Conflict("the change conflicts with existing data")
            results.append(BulkItem(id=referral_id, ok=False, error=error))
    audit.record(
        ctx,
        "referral.bulk",
        org_id=org_id,
        resource_type="referral",
        details={
            "action": action,
            "ok": [r.id for r in results if r.ok],
            "failed": [r.id for r in results if not r.ok],
        },
    )
    return results
