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

from resolvers.context import Context
from resolvers.periods import Period
from resolvers.reporting import icd10, received
from resolvers.reporting.common import Row, Scope, Share, shares


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
    rows = received.received(scope.org_id, period)
    groups = await received.grouped(
        ctx,
        rows,
        {
            "category": ("category", "category"),
            "chapter": ("code_head", "code_head"),
            "practice": ("practice_id", "practice_name"),
            "payer": ("payer", "payer"),
            "band": ("band", "band"),
            "location": ("location_id", "location_name"),
        },
        {},
    )

    def shared(name: str) -> list[Share]:
        return shares([(g.key, g.label, g.count) for g in groups[name]])

    by_chapter: dict[str, int] = {}
    for g in groups["chapter"]:
        key = icd10.chapter_key(g.key)
        by_chapter[key] = by_chapter.get(key, 0) + g.count
    chapters = shares(
        [(k, icd10.BY_KEY[k].title if k in icd10.BY_KEY else k, n) for k, n in by_chapter.items()]
    )
    return Mix(
        referrals=sum(g.count for g in groups["band"]),
        by_reason_category=shared("category"),
        by_icd10_chapter=chapters,
        by_practice=shared("practice"),
        by_payer=shared("payer"),
        by_priority_band=shared("band"),
        by_location=shared("location"),
    )
