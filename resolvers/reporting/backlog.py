"""Backlog: the work not done yet, as of the request.

- **Open cases** are cases whose status is ``open`` or ``contacting``: not yet scheduled,
  not closed. Each is counted by status, priority band, queue and location.
- A case's **age** is the whole days (24-hour periods) since its *first* referral was
  received (``first_received_at``, kept by the write path; its creation without one).
  Ages fall in the org's aging buckets: ``backlogAgingDays`` lists each bucket's last
  day (default ``[2, 7, 14, 30]``: 0-2, 3-7, 8-14, 15-30 and 31+ days).
- **Oldest cases** lists the oldest open cases with the patient's name (the only names in
  any report); reading it is audited as a read of those patients and cases.
- **Waiting referrals** are referrals in ``received`` or ``processing`` (not read yet) and
  in ``review`` (waiting for a person), by stage, with their ages in the same buckets and
  the oldest ones listed (no names).
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from models import CaseStatus, ReferralStage
from models.extraction import PriorityBand
from resolvers import audit
from resolvers.context import Context
from resolvers.errors import ValidationFailed
from resolvers.periods import DAY_SECONDS
from resolvers.reporting.common import (
    CASES,
    LOCATIONS,
    PATIENTS,
    REFERRALS,
    Row,
    Share,
    scope_for,
    shares,
)

R, C, L, PT = REFERRALS.c, CASES.c, LOCATIONS.c, PATIENTS.c
OPEN_STATUSES = (CaseStatus.open, CaseStatus.contacting)
WAITING_STAGES = (ReferralStage.received, ReferralStage.processing, ReferralStage.review)
DEFAULT_OLDEST = 10
MAX_OLDEST = 100


class AgingBucket(Row):
    key: str  # "0-2", "31+"
    min_days: int
    max_days: int | None
    count: int


class BacklogCase(Row):
    case_id: str
    status: CaseStatus
    priority_band: PriorityBand | None
    queue: str | None
    location_id: str | None
    received_at: datetime
    age_days: int
    patient_id: str | None
    first_name: str | None
    last_name: str | None


class WaitingStage(Row):
    stage: ReferralStage
    count: int
    oldest_received_at: datetime | None
    aging: list[AgingBucket]


class WaitingReferral(Row):
    referral_id: str
    stage: ReferralStage
    source: str
    received_at: datetime
    age_hours: float


class Backlog(Row):
    as_of: datetime
    open_cases: int
    by_status: list[Share]
    by_priority_band: list[Share]
    by_queue: list[Share]
    by_location: list[Share]
    aging: list[AgingBucket]
    oldest_cases: list[BacklogCase]
    waiting: list[WaitingStage]
    oldest_waiting: list[WaitingReferral]


def bucket_keys(bounds: list[int]) -> list[tuple[str, int, int | None]]:
    """[2, 7] → ("0-2", 0, 2), ("3-7", 3, 7), ("8+", 8, None)."""
    keys: list[tuple[str, int, int | None]] = []
    low = 0
    for high in bounds:
        keys.append((f"{low}-{high}", low, high))
        low = high + 1
    keys.append((f"{low}+", low, None))
    return keys


def _bucket_index(received_at: Any, bounds: list[int], now_epoch: int) -> Any:
    """The aging bucket of a receipt time, by cut-offs computed once: whole days
    ``(now - t) // 1 day <= b`` (in whole seconds) holds exactly when
    ``t >= now - (b + 1) days + 1 s``, so no row's age is computed."""
    return sa.case(
        *(
            (received_at >= datetime.fromtimestamp(now_epoch - (b + 1) * DAY_SECONDS + 1, UTC), i)
            for i, b in enumerate(bounds)
        ),
        else_=len(bounds),
    )


def _aging(counts: dict[int, int], bounds: list[int]) -> list[AgingBucket]:
    return [
        AgingBucket(key=key, min_days=low, max_days=high, count=counts.get(i, 0))
        for i, (key, low, high) in enumerate(bucket_keys(bounds))
    ]


async def backlog(ctx: Context, *, org_id: str | None, oldest: int | None = None) -> Backlog:
    scope = await scope_for(ctx, org_id)
    limit = DEFAULT_OLDEST if oldest is None else oldest
    if not 0 <= limit <= MAX_OLDEST:
        raise ValidationFailed(f"oldest must be between 0 and {MAX_OLDEST}", field="oldest")
    org, bounds = scope.org_id, scope.config.backlog_aging_days
    now_epoch = int(scope.now.timestamp())
    session = ctx.session

    cases = (
        sa.select(
            C.id,
            C.status,
            C.priority_band.label("band"),
            C.queue,
            C.location_id,
            C.patient_id,
            C.first_received_at.label("received_at"),
        )
        .where(C.org_id == org, C.status.in_(OPEN_STATUSES))
        .subquery("open_cases")
    )
    bucket = _bucket_index(cases.c.received_at, bounds, now_epoch).label("bucket")
    grouped = sa.select(
        cases.c.status,
        cases.c.band,
        cases.c.queue,
        cases.c.location_id,
        bucket,
        sa.func.count().label("n"),
    ).group_by(cases.c.status, cases.c.band, cases.c.queue, cases.c.location_id, bucket)
    by: dict[str, dict[str | None, int]] = {"status": {}, "band": {}, "queue": {}, "location": {}}
    aging: dict[int, int] = {}
    total = 0
    for status, band, queue, location_id, index, n in (await session.execute(grouped)).all():
        total += n
        for name, key in (("status", status), ("band", band), ("queue", queue)):
            by[name][key] = by[name].get(key, 0) + n
        by["location"][location_id] = by["location"].get(location_id, 0) + n
        aging[int(index)] = aging.get(int(index), 0) + n
    location_names = await _location_names(ctx, org, [k for k in by["location"] if k])

    oldest_cases = await _oldest_cases(ctx, org, cases, now_epoch, limit) if limit else []
    waiting, oldest_waiting = await _waiting(ctx, org, bounds, now_epoch, scope.now, limit)
    return Backlog(
        as_of=scope.now,
        open_cases=total,
        by_status=shares([(k, k, n) for k, n in by["status"].items()]),
        by_priority_band=shares([(k, k, n) for k, n in by["band"].items()]),
        by_queue=shares([(k, k, n) for k, n in by["queue"].items()]),
        by_location=shares(
            [(k, location_names.get(k or "", k), n) for k, n in by["location"].items()]
        ),
        aging=_aging(aging, bounds),
        oldest_cases=oldest_cases,
        waiting=waiting,
        oldest_waiting=oldest_waiting,
    )


async def _location_names(ctx: Context, org: str, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = sa.select(L.id, L.name).where(L.org_id == org, L.id.in_(ids))
    return {id_: name for id_, name in (await ctx.session.execute(query)).all()}


async def _oldest_cases(
    ctx: Context, org: str, cases: Any, now_epoch: int, limit: int
) -> list[BacklogCase]:
    # The oldest of each open status walks its index in order; the two short lists merge.
    each = [
        sa.select(C.id, C.first_received_at)
        .where(C.org_id == org, C.status == status)
        .order_by(C.first_received_at, C.id)
        .limit(limit)
        .subquery(f"oldest_{status.value}")
        for status in OPEN_STATUSES
    ]
    ids = sa.union_all(*(sa.select(o.c.id) for o in each)).subquery("oldest")
    query = (
        sa.select(cases, PT.first_name, PT.last_name)
        .where(cases.c.id.in_(sa.select(ids.c.id)))
        .outerjoin(PATIENTS, sa.and_(PT.org_id == org, PT.id == cases.c.patient_id))
        .order_by(cases.c.received_at, cases.c.id)
        .limit(limit)
    )
    rows = (await ctx.session.execute(query)).all()
    found = [
        BacklogCase(
            case_id=r.id,
            status=r.status,
            priority_band=r.band,
            queue=r.queue,
            location_id=r.location_id,
            received_at=r.received_at,
            age_days=max(0, (now_epoch - int(r.received_at.timestamp())) // DAY_SECONDS),
            patient_id=r.patient_id,
            first_name=r.first_name,
            last_name=r.last_name,
        )
        for r in rows
    ]
    # The one list with names: a read of those patients, audited as any other.
    audit.record_many(
        ctx,
        "patient.read",
        org_id=org,
        resource_type="patient",
        resource_ids=[c.patient_id for c in found if c.patient_id],
    )
    audit.record_many(
        ctx, "case.list", org_id=org, resource_type="case", resource_ids=[c.case_id for c in found]
    )
    return found


async def _waiting(
    ctx: Context, org: str, bounds: list[int], now_epoch: int, now: datetime, limit: int
) -> tuple[list[WaitingStage], list[WaitingReferral]]:
    waiting = sa.and_(R.org_id == org, R.stage.in_(WAITING_STAGES))
    bucket = _bucket_index(R.created_at, bounds, now_epoch).label("bucket")
    query = (
        sa.select(R.stage, bucket, sa.func.count(), sa.func.min(R.created_at))
        .where(waiting)
        .group_by(R.stage, bucket)
    )
    counts: dict[str, dict[int, int]] = {}
    oldest: dict[str, datetime] = {}
    for stage, index, n, first in (await ctx.session.execute(query)).all():
        counts.setdefault(stage, {})[int(index)] = n
        if first is not None and (stage not in oldest or first < oldest[stage]):
            oldest[stage] = first
    stages = [
        WaitingStage(
            stage=stage.value,
            count=sum(counts.get(stage, {}).values()),
            oldest_received_at=oldest.get(stage),
            aging=_aging(counts.get(stage, {}), bounds),
        )
        for stage in WAITING_STAGES
    ]
    listed: list[WaitingReferral] = []
    if limit:
        rows = await ctx.session.execute(
            sa.select(R.id, R.stage, R.source, R.created_at)
            .where(waiting)
            .order_by(R.created_at, R.id)
            .limit(limit)
        )
        listed = [
            WaitingReferral(
                referral_id=id_,
                stage=stage,
                source=source,
                received_at=created,
                age_hours=round(max(0.0, (now - created).total_seconds()) / 3600, 1),
            )
            for id_, stage, source, created in rows.all()
        ]
    return stages, listed
