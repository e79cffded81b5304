"""The reporting columns the write path keeps per contact event (resolvers/contact_rollup.py):
logged through the API and attached through matching, they equal their definition."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from app.db import transaction
from models import Case, ContactEvent, Referral
from resolvers import contact_rollup
from tests.case_fixtures import make_case
from tests.conftest import World

ATTEMPT = {"type": "attempt", "channel": "phone", "outcome": "no_answer"}


def scheduled() -> dict[str, Any]:
    when = datetime.now(UTC) + timedelta(days=5)
    return {"type": "scheduled", "scheduledFor": when.isoformat().replace("+00:00", "Z")}


async def log(world: World, case_id: str, body: dict[str, Any]) -> datetime:
    """Log one contact; its stored time."""
    response = await world.a.coordinator.client.post(f"/api/cases/{case_id}/contact", json=body)
    assert response.status_code == 201, response.text
    return datetime.fromisoformat(response.json()["contactEvent"]["createdAt"])


async def kept(app: Any, case_id: str) -> tuple[Case, dict[str, Referral]]:
    async with transaction(app.state.sessions) as session:
        case = await session.get(Case, case_id)
        assert case is not None
        referrals = (
            await session.scalars(select(Referral).where(Referral.case_id == case_id))
        ).all()
        return case, {r.id: r for r in referrals}


async def test_the_write_path_keeps_first_attempt_scheduling_and_attempts_until_then(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id, first_name="Rolla", received_at=datetime.now(UTC))
    case, referrals = await kept(app, made.id)
    assert (case.scheduled_at, case.attempts_to_schedule) == (None, None)
    assert referrals[made.referral_id].first_attempt_at is None

    first_attempt = await log(world, made.id, ATTEMPT)
    await log(world, made.id, {"type": "note", "note": "left a message"})
    await log(world, made.id, ATTEMPT)
    first_scheduling = await log(world, made.id, scheduled())
    # Later events change nothing: a reminder call, a reschedule.
    await log(world, made.id, ATTEMPT | {"outcome": "reached"})
    await log(world, made.id, scheduled())

    case, referrals = await kept(app, made.id)
    assert case.scheduled_at == first_scheduling
    assert case.attempts_to_schedule == 2
    referral = referrals[made.referral_id]
    assert (referral.first_attempt_at, referral.scheduled_at) == (first_attempt, first_scheduling)


async def test_a_referral_joining_later_counts_only_the_events_after_its_receipt(
    world: World, app: Any
) -> None:
    names = {"first_name": "Jo", "last_name": "Latecomer"}
    made = await make_case(app, world.a.id, **names)
    early_attempt = await log(world, made.id, ATTEMPT)
    late_attempt = await log(world, made.id, ATTEMPT)
    # Received between the two attempts, triaged onto the open case afterwards.
    received = early_attempt + (late_attempt - early_attempt) / 2
    joined = await make_case(app, world.a.id, **names, received_at=received)
    # Received after every event so far: nothing yet.
    newest = await make_case(app, world.a.id, **names)
    assert joined.id == newest.id == made.id
    _, referrals = await kept(app, made.id)
    assert referrals[made.referral_id].first_attempt_at == early_attempt
    assert referrals[joined.referral_id].first_attempt_at == late_attempt
    assert referrals[newest.referral_id].first_attempt_at is None

    scheduling = await log(world, made.id, scheduled())
    next_attempt = await log(world, made.id, ATTEMPT)
    case, referrals = await kept(app, made.id)
    assert referrals[newest.referral_id].first_attempt_at == next_attempt
    assert {r.scheduled_at for r in referrals.values()} == {scheduling}
    assert (case.scheduled_at, case.attempts_to_schedule) == (scheduling, 2)


async def test_refresh_recomputes_what_the_write_path_kept_and_touches_one_org(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id, first_name="Again")
    other = await make_case(app, world.b.id, first_name="Other")
    await log(world, made.id, ATTEMPT)
    await log(world, made.id, scheduled())
    before = await kept(app, made.id)
    async with transaction(app.state.sessions) as session:
        events = (
            await session.scalars(select(ContactEvent).where(col(ContactEvent.case_id) == made.id))
        ).all()
        assert len(events) == 2
        # Wrong values, as a bug or a bulk load would leave them; one refresh repairs them.
        for model, id_ in ((Case, made.id), (Case, other.id)):
            row = await session.get(model, id_)
            row.scheduled_at, row.attempts_to_schedule = datetime(2000, 1, 1, tzinfo=UTC), 9
            session.add(row)
        await session.flush()
        await contact_rollup.refresh(session, world.a.id, None)
    after = await kept(app, made.id)
    assert (after[0].scheduled_at, after[0].attempts_to_schedule) == (
        before[0].scheduled_at,
        before[0].attempts_to_schedule,
    )
    assert {k: (r.first_attempt_at, r.scheduled_at) for k, r in after[1].items()} == {
        k: (r.first_attempt_at, r.scheduled_at) for k, r in before[1].items()
    }
    untouched, _ = await kept(app, other.id)
    assert untouched.attempts_to_schedule == 9
