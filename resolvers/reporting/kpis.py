"""Overview KPIs over a range of local days, for the whole range or per day or week.

The range is ``from`` … ``to``, local dates of the org's ``timezone``, both included.

Referrals (the referrals *received* in the range, by the stage they are in now):
- ``received``: referrals created in the range;
- ``processed``: of those, the ones whose documents were read (``processedAt`` set);
- ``inReview``, ``triaged``, ``duplicates``, ``failed``: of those, the ones now in that stage;
- ``neededReview``: of those, the ones QA sent to review at some point.

Cases (events in the range):
- ``opened``: cases created in the range;
- ``scheduled``: cases whose *first* scheduling (contact event ``scheduled``) is in the range;
- ``closed``: cases closed in the range, and per close reason (as written).

Times (hours, over the referrals received in the range that got there; median and 90th
percentile, interpolated as PostgreSQL's ``percentile_cont``):
- ``toTriage``: receipt → the referral was linked to a case (stage ``triaged``);
- ``toFirstAttempt``: receipt → the first contact attempt on its case at or after receipt;
- ``toScheduled``: receipt → the first scheduling of its case at or after receipt.

- ``attemptsPerScheduledCase``: contact attempts logged on the cases scheduled in the range
  up to their first scheduling, divided by the number of those cases.

The first attempt and scheduling (of a case, and of its case after a referral's receipt)
and the attempts up to it are columns the write path keeps exact in the transaction that
logs the event (``resolvers/contact_rollup.py``), so a year is one pass over its rows.
- ``emrChartsCreated``: EMR chart items completed (chart created) in the range.

Only in the overview, as of now (no history is kept of them): ``emr.pending``, chart items
waiting for the EMR bridge whose last attempt did not fail; ``emr.failing``, waiting items
whose last attempt failed, plus cases whose ``emrStatus`` is ``failed`` without one.
"""

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from models import EmrStatus, QueueStatus, ReferralStage
from resolvers.context import Context
from resolvers.periods import Interval, Period
from resolvers.reporting.common import CASES, CHARTS, CONTACTS, REFERRALS, Row, Scope, ratio
from resolvers.reporting.sql import Measure, bucket_of, in_period, spreads


class ReferralCounts(Row):
    received: int = 0
    processed: int = 0
    in_review: int = 0
    triaged: int = 0
    duplicates: int = 0
    failed: int = 0
    needed_review: int = 0


class ReasonCount(Row):
    reason: str
    count: int


class CaseCounts(Row):
    opened: int = 0
    scheduled: int = 0
    closed: int = 0
    closed_by_reason: list[ReasonCount] = []


class Durations(Row):
    count: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None


class Timing(Row):
    to_triage: Durations = Durations()
    to_first_attempt: Durations = Durations()
    to_scheduled: Durations = Durations()


class Kpis(Row):
    referrals: ReferralCounts = ReferralCounts()
    cases: CaseCounts = CaseCounts()
    timing: Timing = Timing()
    attempts_per_scheduled_case: float | None = None
    emr_charts_created: int = 0


class EmrNow(Row):
    pending: int
    failing: int


R, C, E, Q = REFERRALS.c, CASES.c, CONTACTS.c, CHARTS.c

# Each time's measure and the referral column (kept by ``resolvers/contact_rollup.py``).
_TIMES = {
    "to_triage": "triaged_at",
    "to_first_attempt": "first_attempt_at",
    "to_scheduled": "scheduled_at",
}

_STAGE_FIELD = {
    ReferralStage.review: "in_review",
    ReferralStage.triaged: "triaged",
    ReferralStage.duplicate: "duplicates",
    ReferralStage.failed: "failed",
}


class _Acc:
    """Per bucket, the figures as the queries find them."""

    def __init__(self) -> None:
        self.referrals: dict[int, dict[str, int]] = {}
        self.cases: dict[int, dict[str, int]] = {}
        self.reasons: dict[int, dict[str, int]] = {}
        self.attempts: dict[int, int] = {}
        self.timing: dict[str, dict[int, Durations]] = {}
        self.emr: dict[int, int] = {}

    def add(self, table: dict[int, dict[str, int]], bucket: Any, name: str, n: int) -> None:
        row = table.setdefault(int(bucket), {})
        row[name] = row.get(name, 0) + int(n or 0)

    def kpis(self, bucket: int) -> Kpis:
        cases = self.cases.get(bucket, {})
        reasons = self.reasons.get(bucket, {})
        scheduled = cases.get("scheduled", 0)
        return Kpis(
            referrals=ReferralCounts(**self.referrals.get(bucket, {})),
            cases=CaseCounts(
                **cases,
                closed_by_reason=[
                    ReasonCount(reason=r, count=n)
                    for r, n in sorted(reasons.items(), key=lambda i: (-i[1], i[0]))
                ],
            ),
            timing=Timing(**{k: v[bucket] for k, v in self.timing.items() if bucket in v}),
            attempts_per_scheduled_case=ratio(self.attempts.get(bucket, 0), scheduled, 2),
            emr_charts_created=self.emr.get(bucket, 0),
        )


async def compute(
    ctx: Context, scope: Scope, period: Period, interval: Interval | None
) -> dict[int, Kpis]:
    """The KPIs per bucket (0 … for each day or week; only 0 when ``interval`` is None).
    Buckets without any data are absent: the caller fills them."""
    org, session = scope.org_id, ctx.session
    acc = _Acc()

    def bucket(ts: Any) -> Any:
        return bucket_of(ts, period, interval).label("bucket")

    # Referrals received in the range, by their stage now.
    b = bucket(R.created_at)
    query = (
        sa.select(
            b,
            R.stage,
            sa.func.count(),
            sa.func.count(R.processed_at),
            sa.func.sum(sa.case((R.needed_review, 1), else_=0)),
        )
        .where(R.org_id == org, in_period(R.created_at, period))
        .group_by(b, R.stage)
    )
    for index, stage, n, processed, needed in (await session.execute(query)).all():
        acc.add(acc.referrals, index, "received", n)
        acc.add(acc.referrals, index, "processed", processed)
        acc.add(acc.referrals, index, "needed_review", needed)
        if stage in _STAGE_FIELD:
            acc.add(acc.referrals, index, _STAGE_FIELD[stage], n)

    # Cases opened and closed in the range.
    b = bucket(C.created_at)
    query = (
        sa.select(b, sa.func.count())
        .where(C.org_id == org, in_period(C.created_at, period))
        .group_by(b)
    )
    for index, n in (await session.execute(query)).all():
        acc.add(acc.cases, index, "opened", n)
    b = bucket(C.closed_at)
    query = (
        sa.select(b, C.close_reason, sa.func.count())
        .where(C.org_id == org, in_period(C.closed_at, period))
        .group_by(b, C.close_reason)
    )
    for index, reason, n in (await session.execute(query)).all():
        acc.add(acc.cases, index, "closed", n)
        acc.add(acc.reasons, index, reason or "", n)

    # Cases first scheduled in the range, and the attempts made on them until then.
    b = bucket(C.scheduled_at)
    query = (
        sa.select(b, sa.func.count(), sa.func.sum(C.attempts_to_schedule))
        .where(C.org_id == org, in_period(C.scheduled_at, period))
        .group_by(b)
    )
    for index, n, attempts in (await session.execute(query)).all():
        acc.add(acc.cases, index, "scheduled", n)
        acc.attempts[int(index)] = int(attempts or 0)

    # Times from receipt, over the referrals received in the range.
    found_spreads = await spreads(
        session,
        source=REFERRALS,
        where=sa.and_(R.org_id == org, in_period(R.created_at, period)),
        bucket=bucket_of(R.created_at, period, interval),
        measures={measure: Measure(R.created_at, R[column]) for measure, column in _TIMES.items()},
    )
    for (measure, index), spread in found_spreads.items():
        acc.timing.setdefault(measure, {})[index] = Durations(
            count=spread.count, median_hours=spread.median_hours, p90_hours=spread.p90_hours
        )

    # EMR charts created in the range.
    b = bucket(Q.completed_at)
    query = (
        sa.select(b, sa.func.count())
        .where(
            Q.org_id == org,
            Q.status == QueueStatus.completed,
            in_period(Q.completed_at, period),
        )
        .group_by(b)
    )
    for index, n in (await session.execute(query)).all():
        acc.emr[int(index)] = int(n)

    found = set(acc.referrals) | set(acc.cases) | set(acc.emr)
    found |= {i for by in acc.timing.values() for i in by}
    return {i: acc.kpis(i) for i in found}


async def emr_now(ctx: Context, scope: Scope) -> EmrNow:
    org, session = scope.org_id, ctx.session
    waiting = sa.and_(
        Q.org_id == org,
        Q.status.in_((QueueStatus.pending, QueueStatus.processing)),
    )
    query = (
        sa.select(Q.last_attempt_failed, sa.func.count())
        .where(waiting)
        .group_by(Q.last_attempt_failed)
    )
    counts = {bool(failed): n for failed, n in (await session.execute(query)).all()}
    item = CHARTS.alias("item").c
    failed_cases = await session.scalar(
        sa.select(sa.func.count())
        .select_from(CASES)
        .where(
            C.org_id == org,
            C.emr_status == EmrStatus.failed,
            ~sa.exists().where(
                item.org_id == org,
                item.case_id == C.id,
                col(item.status).in_((QueueStatus.pending, QueueStatus.processing)),
            ),
        )
    )
    return EmrNow(pending=counts.get(False, 0), failing=counts.get(True, 0) + (failed_cases or 0))
