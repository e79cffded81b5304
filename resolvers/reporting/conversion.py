"""Conversion and leakage: do the referrals received in the range become scheduled care?

Over the referrals received in the range, duplicates left out (a duplicate is the same
referral sent again, not another patient to convert):
- ``conversion``: the share whose case reached ``scheduled`` (scheduled now, or scheduled
  and since closed), overall and by referring practice (the case's matched practice;
  ``none`` while unmatched), by payer (the insurance provider the referral names, as
  written) and by priority band (the case's). A referral without a case has not converted.
- ``leaked``: referrals received at least ``leakDays`` (org config, default 14) days ago
  whose case is neither scheduled nor closed, or that never got a case (failed, still in
  review …): the ones that fell through. Listed oldest first with their source (intake
  channel and referring practice), without patient names.
- ``review``: the share that QA sent to review, and the fields QA found missing most often
  among those (as the referral's last QA result lists them).

A case reached ``scheduled`` when its ``scheduledFor`` is set (kept when the case is later
closed) or its status is ``scheduled``. The counts are one statement (``received.py``).
"""

from datetime import datetime, timedelta

import sqlalchemy as sa

from models import ReferralStage
from models.base import UTCDateTime
from resolvers.context import Context
from resolvers.periods import Period
from resolvers.reporting import received
from resolvers.reporting.common import (
    NONE_KEY,
    PRACTICES,
    REFERRALS,
    Rate,
    Row,
    Scope,
    ratio,
)

R, P = REFERRALS.c, PRACTICES.c
DEFAULT_LEAK_LIST = 50
TOP_MISSING = 10


class LeakedReferral(Row):
    referral_id: str
    case_id: str | None
    stage: ReferralStage
    source: str
    practice_id: str | None
    practice_name: str | None
    received_at: datetime
    age_days: int


class FieldCount(Row):
    field: str
    count: int


class Conversion(Row):
    referrals: int
    scheduled: int
    rate: float | None
    by_practice: list[Rate]
    by_payer: list[Rate]
    by_priority_band: list[Rate]
    leak_days: int
    leaked: int
    leaked_referrals: list[LeakedReferral]
    needed_review: int
    review_rate: float | None
    missing_fields: list[FieldCount]


def _rates(groups: list[received.Group]) -> list[Rate]:
    found = [
        Rate(
            key=g.key or NONE_KEY,
            label=g.label or g.key or NONE_KEY,
            total=g.count,
            count=g.converted,
            rate=ratio(g.converted, g.count),
        )
        for g in groups
    ]
    return sorted(found, key=lambda r: (-r.total, r.key))


async def conversion(
    ctx: Context, scope: Scope, period: Period, *, leak_list: int = DEFAULT_LEAK_LIST
) -> Conversion:
    org = scope.org_id
    rows = received.received(org, period)
    leak_cutoff = scope.now - timedelta(days=scope.config.leak_days)
    leaking = sa.and_(
        rows.c.received_at <= leak_cutoff,
        sa.or_(rows.c.case_id.is_(None), sa.and_(rows.c.converted == 0, rows.c.closed == 0)),
    )
    groups = await received.grouped(
        ctx,
        rows,
        {
            "practice": ("practice_id", "practice_name"),
            "payer": ("payer", "payer"),
            "band": ("band", "band"),
        },
        {"all": sa.true(), "leaked": leaking, "review": rows.c.needed_review.is_(True)},
    )
    everything = groups["all"][0] if groups["all"] else received.Group(None, None, 0, 0)
    leaked = groups["leaked"][0].count if groups["leaked"] else 0
    needed = groups["review"][0].count if groups["review"] else 0
    return Conversion(
        referrals=everything.count,
        scheduled=everything.converted,
        rate=ratio(everything.converted, everything.count),
        by_practice=_rates(groups["practice"]),
        by_payer=_rates(groups["payer"]),
        by_priority_band=_rates(groups["band"]),
        leak_days=scope.config.leak_days,
        leaked=leaked,
        leaked_referrals=await _leaked(ctx, scope, period, leak_cutoff, leak_list),
        needed_review=needed,
        review_rate=ratio(needed, everything.count),
        missing_fields=await _missing_fields(ctx, org, period),
    )


async def _leaked(
    ctx: Context, scope: Scope, period: Period, cutoff: datetime, limit: int
) -> list[LeakedReferral]:
    """The oldest leaked referrals (no names): an index walk in receipt order."""
    query = (
        sa.select(R.id, R.case_id, R.stage, R.source, R.case_practice_id, P.name, R.created_at)
        .select_from(
            REFERRALS.outerjoin(
                PRACTICES, sa.and_(P.org_id == R.org_id, P.id == R.case_practice_id)
            )
        )
        .where(
            received.counted(scope.org_id, period),
            R.created_at <= cutoff,
            sa.or_(
                R.case_id.is_(None),
                sa.and_(sa.not_(received.converted()), sa.not_(received.closed())),
            ),
        )
        .order_by(R.created_at, R.id)
        .limit(limit)
    )
    return [
        LeakedReferral(
            referral_id=r[0],
            case_id=r[1],
            stage=r[2],
            source=r[3],
            practice_id=r[4],
            practice_name=r[5],
            received_at=r[6],
            age_days=(scope.now - r[6]).days,
        )
        for r in (await ctx.session.execute(query)).all()
    ]


# The issues of the referral's QA result, one row each: JSON on SQLite, JSONB on PostgreSQL.
_MISSING_SQL = {
    "postgresql": """
        SELECT issue.value ->> 'field' AS field, count(*) AS n
        FROM referrals AS r
        CROSS JOIN LATERAL jsonb_array_elements(
            CASE WHEN jsonb_typeof(r.qa -> 'issues') = 'array' THEN r.qa -> 'issues'
                 ELSE '[]'::jsonb END) AS issue(value)
        WHERE r.org_id = :org AND r.created_at >= :start AND r.created_at < :end
          AND r.needed_review AND r.stage <> 'duplicate' AND issue.value ->> 'code' = 'missing'
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT :top
    """,
    "sqlite": """
        SELECT json_extract(issue.value, '$.field') AS field, count(*) AS n
        FROM referrals AS r, json_each(
            CASE WHEN json_type(r.qa, '$.issues') = 'array' THEN r.qa ELSE '{"issues":[]}' END,
            '$.issues') AS issue
        WHERE r.org_id = :org AND r.created_at >= :start AND r.created_at < :end
          AND r.needed_review AND r.stage <> 'duplicate'
          AND json_extract(issue.value, '$.code') = 'missing'
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT :top
    """,
}


async def _missing_fields(ctx: Context, org: str, period: Period) -> list[FieldCount]:
    dialect = ctx.session.get_bind().dialect.name
    query = sa.text(_MISSING_SQL[dialect]).bindparams(
        sa.bindparam("start", type_=UTCDateTime), sa.bindparam("end", type_=UTCDateTime)
    )
    params = {"org": org, "start": period.start, "end": period.end, "top": TOP_MISSING}
    rows = await ctx.session.execute(query, params)
    return [FieldCount(field=str(f), count=int(n)) for f, n in rows.all() if f]
