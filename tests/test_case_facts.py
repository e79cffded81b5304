"""Reporting's copies of a referral's case (resolvers/case_facts.py): after every write path
that changes a case's status, scheduling, practice, band or location, or puts a referral
into a case, each referral's copies equal its case's columns, and the conversion and mix
reports count by them at once."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from app.db import transaction
from models import Case, Referral
from resolvers import case_facts
from tests.case_fixtures import REFERRER, make_case, make_location
from tests.conftest import World
from tests.referral_fixtures import load_referral, person, seed_referral

pytestmark = pytest.mark.anyio

Copies = tuple[Any, ...]


def of_case(case: Case | None) -> Copies:
    if case is None:
        return (None, None, None, None, None)
    return (case.status, case.scheduled_for, case.practice_id, case.priority_band, case.location_id)


def of_referral(referral: Referral) -> Copies:
    return (
        referral.case_status,
        referral.case_scheduled_for,
        referral.case_practice_id,
        referral.case_priority_band,
        referral.case_location_id,
    )


async def copies(app: Any, org_id: str) -> dict[str, Copies]:
    """Each referral's copies of the org, after checking they equal its case's columns."""
    query = (
        select(Referral, Case)
        .outerjoin(Case, (Case.org_id == Referral.org_id) & (Case.id == Referral.case_id))  # type: ignore[arg-type]
        .where(Referral.org_id == org_id)
    )
    async with transaction(app.state.sessions) as session:
        rows = (await session.execute(query)).all()
    found = {}
    for referral, case in rows:
        assert of_referral(referral) == of_case(case), referral.id
        found[referral.id] = of_referral(referral)
    return found


def in_days(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


async def overview(world: World) -> dict[str, Any]:
    response = await world.a.viewer.client.get("/api/dashboard/overview-stats")
    assert response.status_code == 200, response.text
    conversion: dict[str, Any] = response.json()["conversion"]
    return conversion


async def mix(world: World) -> dict[str, Any]:
    response = await world.a.viewer.client.get("/api/mix")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_case_edits_and_the_contact_log_reach_the_referral(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    assert (await copies(app, world.a.id))[made.referral_id] == ("open", None, None, "P2", None)
    client = world.a.coordinator.client

    location = await make_location(world.a.admin.client, world.a.id)
    response = await client.patch(f"/api/cases/{made.id}", json={"locationId": location["id"]})
    assert response.status_code == 200, response.text
    assert (await copies(app, world.a.id))[made.referral_id][4] == location["id"]
    assert {r["key"]: r["count"] for r in (await mix(world))["byLocation"]} == {location["id"]: 1}

    response = await client.patch(f"/api/cases/{made.id}", json={"priorityBand": "P4"})
    assert response.status_code == 200, response.text
    assert (await copies(app, world.a.id))[made.referral_id][3] == "P4"
    # A triage level alone sets the band the org's config gives it.
    response = await client.patch(f"/api/cases/{made.id}", json={"triageLevel": 1})
    assert response.status_code == 200, response.text
    assert (await copies(app, world.a.id))[made.referral_id][3] == "P1"
    assert [r["key"] for r in (await overview(world))["byPriorityBand"]] == ["P1"]

    url = f"/api/cases/{made.id}/contact"
    response = await client.post(
        url, json={"type": "attempt", "channel": "phone", "outcome": "no_answer"}
    )
    assert response.status_code == 201, response.text
    assert (await copies(app, world.a.id))[made.referral_id][:2] == ("contacting", None)
    assert (await overview(world))["scheduled"] == 0

    when = in_days(3)
    response = await client.post(url, json={"type": "scheduled", "scheduledFor": when.isoformat()})
    assert response.status_code == 201, response.text
    assert (await copies(app, world.a.id))[made.referral_id][:2] == ("scheduled", when)
    assert (await overview(world))["scheduled"] == 1

    response = await client.post(url, json={"type": "close", "reason": "seen"})
    assert response.status_code == 201, response.text
    # Closed after its scheduling: still converted.
    assert (await copies(app, world.a.id))[made.referral_id][:2] == ("closed", when)
    assert (await overview(world))["scheduled"] == 1


async def test_a_joining_referral_and_a_retriage_carry_the_case(world: World, app: Any) -> None:
    first = await make_case(app, world.a.id, first_name="Ann")
    second = await make_case(
        app, world.a.id, first_name="Ann", triage={"level": 1, "priorityBand": "P1"}
    )
    assert second.id == first.id  # the same patient's open case
    found = await copies(app, world.a.id)
    # The case follows its most urgent referral: both referrals carry the new band.
    assert found[first.referral_id] == found[second.referral_id] == ("open", None, None, "P1", None)

    # A person's triage of the urgent referral moves the case's band again.
    response = await world.a.coordinator.client.post(
        f"/api/referrals/{second.referral_id}/triage", json={"level": 4, "reason": "routine"}
    )
    assert response.status_code == 200, response.text
    found = await copies(app, world.a.id)
    assert found[first.referral_id][3] == found[second.referral_id][3] == "P2"


async def test_matching_a_referrer_gives_the_referrals_the_practice(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    response = await client.post("/api/cases/create-referrer", json={"caseId": made.id})
    assert response.status_code == 201, response.text
    practice_id = response.json()["practice"]["id"]
    assert (await copies(app, world.a.id))[made.referral_id][2] == practice_id

    # A later case naming the same referrer is matched as it is made.
    later = await make_case(app, world.a.id, referrer=REFERRER)
    assert (await copies(app, world.a.id))[later.referral_id][2] == practice_id

    odd = await make_case(app, world.a.id, referrer={"practiceName": "Elsewhere Clinic"})
    assert (await copies(app, world.a.id))[odd.referral_id][2] is None
    response = await client.post(
        "/api/cases/match-referrer", json={"caseId": odd.id, "practiceId": practice_id}
    )
    assert response.status_code == 200, response.text
    assert (await copies(app, world.a.id))[odd.referral_id][2] == practice_id
    by_practice = {r["key"]: r["total"] for r in (await overview(world))["byPractice"]}
    assert by_practice == {practice_id: 3}


async def test_the_sessions_referrals_hold_what_was_written(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    async with transaction(app.state.sessions) as session:
        referral = await session.get(Referral, made.referral_id)
        case = await session.get(Case, made.id)
        assert referral is not None and case is not None
        case.priority_band = "P3"
        session.add(case)
        await session.flush()
        # Loaded before the change, and not read again: it shows the copy as written.
        assert referral.case_priority_band == "P3"
        assert referral not in session.dirty

        # Out of its case: no copies (no product path does it yet; the rule holds anyway).
        referral.case_id = None
        session.add(referral)
        await session.flush()
        assert of_referral(referral) == (None, None, None, None, None)
    assert (await copies(app, world.a.id))[made.referral_id] == (None, None, None, None, None)


async def test_refresh_repairs_an_orgs_copies(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    other = await make_case(app, world.b.id)
    async with transaction(app.state.sessions) as session:
        # Written behind the ORM's back, as a bulk load does: the copies are stale.
        await session.execute(
            Referral.__table__.update().values(case_status=None, case_priority_band="P4")  # type: ignore[attr-defined]
        )
    async with transaction(app.state.sessions) as session:
        await case_facts.refresh(session, world.a.id, None)
    assert (await copies(app, world.a.id))[made.referral_id] == ("open", None, None, "P2", None)
    # Another org's rows are left as they are.
    with pytest.raises(AssertionError):
        await copies(app, world.b.id)
    async with transaction(app.state.sessions) as session:
        await case_facts.refresh(session, world.b.id, [other.id])
    await copies(app, world.b.id)


async def test_changing_a_case_and_one_of_its_referrals_at_once_both_pass(
    app: Any, settings: Any, world: World
) -> None:
    # A contact attempt holds the case and then rewrites its referrals' copies; a triage or
    # a correction holds the referral and then its case. Taken in opposite orders, the two
    # deadlocked (PostgreSQL answered one with 409 in 9 races of 15); case first, both pass.
    attempt = {"type": "attempt", "channel": "phone", "outcome": "no_answer"}
    coordinator, admin = world.a.coordinator.client, world.a.admin.client
    for round_ in range(8):
        referral_id = await seed_referral(
            app, settings, world.a.id, extracted=person("Ada", f"Race{round_}"), triaged=True
        )
        case_id = (await load_referral(app, referral_id)).case_id
        path = f"/api/referrals/{referral_id}"
        change_referral = (
            coordinator.post(f"{path}/triage", json={"level": 1, "reason": "x"})
            if round_ % 2
            else coordinator.patch(path, json={"patient": {"phone": "5551234567"}})
        )
        log_attempt = admin.post(f"/api/cases/{case_id}/contact", json=attempt)
        answers = await asyncio.gather(change_referral, log_attempt)
        assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
    await copies(app, world.a.id)
