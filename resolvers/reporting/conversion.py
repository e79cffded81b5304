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
"""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from models import CaseStatus, ReferralStage
from models.base import UTCDateTime
from resolvers.context import Context
from resolvers.periods import Period
from resolvers.reporting.common import (
    CASES,
    NONE_KEY,
    PRACTICES,
    REFERRALS,
    Rate,
    Row,
    Scope,
    ratio,
)
from resolvers.reporting.sql import in_period, json_text

R, C, P = REFERRALS.c, CASES.c, PRACTICES.c
DEFAULT_LEAK_LIST = 50
TOP_MISSING = 10


class LeakedReferral(Row):
    referral_id: str
    case_id: str | None
    stage: str
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


def _converted() -> Any:
    return sa.or_(C.scheduled_for.is_not(None), C.status == CaseStatus.scheduled)


def _rates(rows: list[tuple[str | None, str | None, int, int]]) -> list[Rate]:
    found = [
        Rate(
            key=key or NONE_KEY,
            label=label or key or NONE_KEY,
            total=total,
            count=int(done or 0),
            rate=ratio(int(done or 0), total),
        )
        for key, label, total, done in rows
    ]
    return sorted(found, key=lambda r: (-r.total, r.key))


async def conversion(
    ctx: Context, scope: Scope, period: Period, *, leak_list: int = DEFAULT_LEAK_LIST
) -> Conversion:
    org, session = scope.org_id, ctx.session
    joined = REFERRALS.outerjoin(CASES, sa.and_(C.org_id == R.org_id, C.id == R.case_id)).outerjoin(
        PRACTICES, sa.and_(P.org_id == R.org_id, P.id == C.practice_id)
    )
    counted = sa.and_(
        R.org_id == org,
        in_period(R.created_at, period),
        R.stage != ReferralStage.duplicate,
    )
    done = sa.func.sum(sa.case((_converted(), 1), else_=0))

    async def grouped(key: Any, label: Any) -> list[Rate]:
        query = (
            sa.select(key, label, sa.func.count(), done)
            .select_from(joined)
            .where(counted)
            .group_by(key, label)
        )
        return _rates([tuple(r) for r in (await session.execute(query)).all()])  # type: ignore[misc]

    payer = sa.func.nullif(sa.func.trim(json_text(R.extraction, "insurance", "provider")), "")
    by_practice = await grouped(C.practice_id, P.name)
    by_payer = await grouped(payer, payer)
    by_band = await grouped(C.priority_band, C.priority_band)
    total = sum(r.total for r in by_band)
    scheduled = sum(r.count for r in by_band)

    leak_cutoff = scope.now - timedelta(days=scope.config.leak_days)
    leaking = sa.and_(
        counted,
        R.created_at <= leak_cutoff,
        sa.or_(
            R.case_id.is_(None),
            sa.and_(sa.not_(_converted()), C.status != CaseStatus.closed),
        ),
    )
    leaked = await session.scalar(sa.select(sa.func.count()).select_from(joined).where(leaking))
    rows = await session.execute(
        sa.select(
            R.id,
            R.case_id,
            R.stage,
            R.source,
            C.practice_id,
            P.name,
            R.created_at,
        )
        .select_from(joined)
        .where(leaking)
        .order_by(R.created_at, R.id)
        .limit(leak_list)
    )
    leaked_referrals = [
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
        for r in rows.all()
    ]

    needed = await session.scalar(sa.select(sa.func.count()).where(counted, R.needed_review))
    return Conversion(
        referrals=total,
        scheduled=scheduled,
        rate=ratio(scheduled, total),
        by_practice=by_practice,
        by_payer=by_payer,
        by_priority_band=by_band,
        leak_days=scope.config.leak_days,
        leaked=leaked or 0,
        leaked_referrals=leaked_referrals,
        needed_review=needed or 0,
        review_rate=ratio(needed or 0, total),
        missing_fields=await _missing_fields(ctx, org, period),
    )


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
