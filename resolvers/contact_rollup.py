"""What reporting reads off a case's contact events, kept on the rows by the write path.

Reports over a year of referrals cannot probe each case's events per request in time
(issue 13), so the write path keeps these columns exact, in the transaction that writes
the event (``cases.log_contact``) or links a referral to a case (``matching``):

- ``cases.scheduled_at``: the case's first ``scheduled`` event;
- ``cases.attempts_to_schedule``: the ``attempt`` events logged up to it (at or before it);
- ``referrals.first_attempt_at`` / ``referrals.scheduled_at``: the first ``attempt`` /
  ``scheduled`` event of the referral's case at or after the referral's receipt.

``refresh`` is the one definition: it recomputes the columns from the events, for some
cases or for a whole org (a repair, and how bulk-loaded rows get them).
"""

from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from models import Case, ContactEvent, ContactKind, Referral

_CASES = cast(sa.Table, Case.__table__)  # type: ignore[attr-defined]
_REFERRALS = cast(sa.Table, Referral.__table__)  # type: ignore[attr-defined]
_EVENTS = cast(sa.Table, ContactEvent.__table__)  # type: ignore[attr-defined]


def _first(kind: ContactKind, outer: sa.Table, org_id: Any, case_id: Any, since: Any = None) -> Any:
    """The first ``kind`` event of the case ``case_id`` names (a column of ``outer``)."""
    e = _EVENTS.alias(f"first_{kind.value}").c
    query = (
        sa.select(sa.func.min(e.created_at))
        .where(e.org_id == org_id, e.case_id == case_id, e.kind == kind)
        .correlate(outer)
    )
    if since is not None:
        query = query.where(e.created_at >= since)
    return query.scalar_subquery()


async def refresh(session: AsyncSession, org_id: str, case_ids: Sequence[str] | None) -> None:
    """Recompute the columns of ``case_ids`` (every case of the org when None)."""
    c, r = _CASES.c, _REFERRALS.c
    await session.flush()
    first_scheduled = _first(ContactKind.scheduled, _CASES, c.org_id, c.id)
    attempt = _EVENTS.alias("attempt").c
    attempts = (
        sa.select(sa.func.count())
        .where(
            attempt.org_id == c.org_id,
            attempt.case_id == c.id,
            attempt.kind == ContactKind.attempt,
            attempt.created_at <= first_scheduled,
        )
        .correlate(_CASES)
        .scalar_subquery()
    )
    cases = sa.update(_CASES).where(c.org_id == org_id)
    referrals = sa.update(_REFERRALS).where(r.org_id == org_id, r.case_id.is_not(None))
    if case_ids is not None:
        cases = cases.where(c.id.in_(case_ids))
        referrals = referrals.where(r.case_id.in_(case_ids))
    await session.execute(
        cases.values(
            scheduled_at=first_scheduled,
            attempts_to_schedule=sa.case((first_scheduled.is_(None), None), else_=attempts),
        )
    )
    await session.execute(
        referrals.values(
            first_attempt_at=_first(
                ContactKind.attempt, _REFERRALS, r.org_id, r.case_id, r.created_at
            ),
            scheduled_at=_first(
                ContactKind.scheduled, _REFERRALS, r.org_id, r.case_id, r.created_at
            ),
        )
    )
