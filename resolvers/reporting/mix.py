"""Case mix: what the referrals received in the range are about and where they come from.

Over the referrals received in the range, duplicates left out, counts and shares (of that
total) by:
- ``reasonCategory``: the first triage rule that fired on the referral (the org's rule
  names are its categories); ``none`` when no rule fired or it was triaged by hand only;
- ``icd10Chapter``: the chapter of the referral's first diagnosis code (``icd10.py``);
  ``unknown`` without a readable code;
- ``practice``: the case's matched referring practice (``none`` while unmatched);
- ``payer``: the insurance provider the referral names, as written;
- ``priorityBand`` and ``location``: the case's (``none`` without a case or a value).
"""

from typing import Any

import sqlalchemy as sa

from models import ReferralStage
from resolvers.context import Context
from resolvers.periods import Period
from resolvers.reporting import icd10
from resolvers.reporting.common import (
    CASES,
    LOCATIONS,
    PRACTICES,
    REFERRALS,
    Row,
    Scope,
    Share,
    shares,
)
from resolvers.reporting.sql import in_period, json_text

R, C, P, L = REFERRALS.c, CASES.c, PRACTICES.c, LOCATIONS.c


class Mix(Row):
    referrals: int
    by_reason_category: list[Share]
    by_icd10_chapter: list[Share]
    by_practice: list[Share]
    by_payer: list[Share]
    by_priority_band: list[Share]
    by_location: list[Share]


DIMENSIONS = (
    "reasonCategory",
    "icd10Chapter",
    "practice",
    "payer",
    "priorityBand",
    "location",
)


async def mix(ctx: Context, scope: Scope, period: Period) -> Mix:
    org, session = scope.org_id, ctx.session
    joined = (
        REFERRALS.outerjoin(CASES, sa.and_(C.org_id == R.org_id, C.id == R.case_id))
        .outerjoin(PRACTICES, sa.and_(P.org_id == R.org_id, P.id == C.practice_id))
        .outerjoin(LOCATIONS, sa.and_(L.org_id == R.org_id, L.id == C.location_id))
    )
    counted = sa.and_(
        R.org_id == org,
        in_period(R.created_at, period),
        R.stage != ReferralStage.duplicate,
    )

    async def grouped(key: Any, label: Any, needs_join: bool = True) -> list[Share]:
        query = sa.select(key, label, sa.func.count()).where(counted).group_by(key, label)
        if needs_join:
            query = query.select_from(joined)
        return shares([tuple(r) for r in (await session.execute(query)).all()])  # type: ignore[misc]

    category = sa.func.nullif(json_text(R.triage, "rules", 0, "name"), "")
    code = json_text(R.extraction, "clinical", "diagnosisCodes", 0)
    chapter = icd10.chapter_sql(code)
    payer = sa.func.nullif(sa.func.trim(json_text(R.extraction, "insurance", "provider")), "")
    by_chapter = await grouped(chapter, chapter, needs_join=False)
    by_chapter = [
        s.model_copy(update={"label": icd10.BY_KEY[s.key].title}) if s.key in icd10.BY_KEY else s
        for s in by_chapter
    ]
    by_band = await grouped(C.priority_band, C.priority_band)
    return Mix(
        referrals=sum(s.count for s in by_band),
        by_reason_category=await grouped(category, category, needs_join=False),
        by_icd10_chapter=by_chapter,
        by_practice=await grouped(C.practice_id, P.name),
        by_payer=await grouped(payer, payer, needs_join=False),
        by_priority_band=by_band,
        by_location=await grouped(C.location_id, L.name),
    )
