"""POST /api/cases/:caseId/contact: the contact log and the status it moves."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import anyio.from_thread
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import ContactEvent
from tests.case_fixtures import audit_actions, count_rows, get_case, make_case
from tests.conftest import World, assert_error

ATTEMPT = {"type": "attempt", "channel": "phone", "outcome": "no_answer"}


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def in_days(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


async def contact(client: Any, case_id: str, body: dict[str, Any]) -> Any:
    return await client.post(f"/api/cases/{case_id}/contact", json=body)


async def test_an_attempt_moves_an_open_case_to_contacting_and_is_logged(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    response = await contact(world.a.coordinator.client, made.id, ATTEMPT | {"note": " vm full "})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["case"]["status"] == "contacting"
    event = body["contactEvent"]
    assert event["caseId"] == made.id
    assert (event["kind"], event["channel"], event["outcome"]) == ("attempt", "phone", "no_answer")
    assert event["note"] == "vm full"
    assert (event["actorType"], event["actorId"]) == ("user", world.a.coordinator.user_id)
    detail = await get_case(world.a.viewer.client, made.id)
    assert [e["id"] for e in detail["contactEvents"]] == [event["id"]]
    assert "case.contact_attempt" in await audit_actions(
        app, org_id=world.a.id, resource_id=made.id
    )


async def test_kind_is_accepted_for_type_but_not_two_different_values(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    response = await contact(client, made.id, {"kind": "note", "note": "called PCP"})
    assert response.status_code == 201, response.text
    error = assert_error(
        await contact(client, made.id, {"type": "note", "kind": "close", "note": "x"}), 422
    )
    assert error["details"][0]["field"] == "type"


async def test_scheduling_sets_the_appointment_and_a_second_one_reschedules(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    first, second = in_days(3), in_days(10)
    # An offset other than Z is understood and stored in UTC.
    local = first.astimezone(UTC).replace(tzinfo=None).isoformat() + "+00:00"
    response = await contact(client, made.id, {"type": "scheduled", "scheduledFor": local})
    assert response.status_code == 201, response.text
    assert response.json()["case"]["status"] == "scheduled"
    assert response.json()["case"]["scheduledFor"] == iso(first)
    response = await contact(client, made.id, {"type": "scheduled", "scheduledFor": iso(second)})
    assert response.json()["case"]["scheduledFor"] == iso(second)
    # A reminder call keeps the appointment.
    response = await contact(client, made.id, ATTEMPT | {"outcome": "reached"})
    assert response.json()["case"]["status"] == "scheduled"
    assert response.json()["case"]["scheduledFor"] == iso(second)


async def test_closing_is_final_except_for_notes(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    await contact(client, made.id, ATTEMPT)
    response = await contact(client, made.id, {"type": "close", "reason": "patient declined"})
    assert response.status_code == 201, response.text
    closed = response.json()["case"]
    assert closed["status"] == "closed" and closed["closeReason"] == "patient declined"
    assert closed["closedAt"] is not None
    before = await get_case(client, made.id)
    for body in (
        ATTEMPT,
        {"type": "scheduled", "scheduledFor": iso(in_days(2))},
        {"type": "close", "reason": "again"},
    ):
        assert_error(await contact(client, made.id, body), 409, "conflict")
    assert await get_case(client, made.id) == before
    response = await contact(client, made.id, {"type": "note", "note": "patient called back"})
    assert response.status_code == 201, response.text
    assert response.json()["case"]["status"] == "closed"


async def test_each_kind_needs_its_fields_and_only_those(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({"type": "attempt", "channel": "phone"}, {"outcome"}),
        ({"type": "attempt", "channel": "pigeon", "outcome": "reached"}, {"channel"}),
        ({"type": "attempt", "channel": "sms", "outcome": "maybe"}, {"outcome"}),
        ({"type": "scheduled"}, {"scheduledFor"}),
        ({"type": "scheduled", "scheduledFor": "2031-05-01T10:00:00"}, {"scheduledFor"}),
        ({"type": "scheduled", "scheduledFor": "next tuesday"}, {"scheduledFor"}),
        ({"type": "scheduled", "scheduledFor": iso(in_days(-1))}, {"scheduledFor"}),
        ({"type": "close", "reason": "   "}, {"reason"}),
        ({"type": "close", "reason": "done", "channel": "phone"}, {"channel"}),
        ({"type": "note"}, {"note"}),
        ({"type": "note", "note": "x" * 4001}, {"note"}),
        ({"type": "call"}, {"type"}),
        ({"channel": "phone"}, {"type"}),
        ({"type": "note", "note": "x", "colour": "red"}, {"colour"}),
    ]
    for body, fields in cases:
        error = assert_error(await contact(client, made.id, body), 422, "validation_failed")
        assert {d["field"] for d in error["details"]} == fields, (body, error)
    assert (await get_case(client, made.id))["status"] == "open"
    assert await count_rows(app, ContactEvent, case_id=made.id) == 0


async def test_contact_refuses_malformed_bodies(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    url = f"/api/cases/{made.id}/contact"
    assert_error(
        await client.post(url, content=b"{", headers={"content-type": "application/json"}), 400
    )
    assert_error(
        await client.post(url, content=b"type=note", headers={"content-type": "text/plain"}), 415
    )
    assert await count_rows(app, ContactEvent, case_id=made.id) == 0


async def test_contact_needs_the_coordinator_role_and_the_cases_org(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    theirs = await make_case(app, world.b.id)
    assert_error(await contact(world.a.viewer.client, made.id, ATTEMPT), 403, "forbidden")
    assert_error(await contact(world.a.coordinator.client, theirs.id, ATTEMPT), 404)
    assert_error(await contact(world.a.key_client, theirs.id, ATTEMPT), 404)
    assert_error(await contact(world.anon, made.id, ATTEMPT), 401)
    response = await contact(world.a.key_client, made.id, ATTEMPT)
    assert response.status_code == 201, response.text
    assert response.json()["contactEvent"]["actorType"] == "api_key"
    assert await count_rows(app, ContactEvent, case_id=made.id) == 1
    assert await count_rows(app, ContactEvent, case_id=theirs.id) == 0


async def test_closing_at_once_lets_exactly_one_through(world: World, app: Any) -> None:
    # PostgreSQL: the case row's lock. SQLite: every transaction begins as the one writer.
    made = await make_case(app, world.a.id)
    close = {"type": "close", "reason": "done"}
    clients = [world.a.coordinator.client, world.a.admin.client, world.a.key_client] * 8
    responses = await asyncio.gather(*(contact(client, made.id, close) for client in clients))
    assert sorted(r.status_code for r in responses) == [201] + [409] * (len(clients) - 1)
    assert await count_rows(app, ContactEvent, case_id=made.id) == 1


# -- the state machine under random sequences ----------------------------------------------------

ACTIONS = st.sampled_from(["attempt", "scheduled", "close", "note"])


def expected_after(status: str, kind: str) -> str | None:
    """The documented table; ``None`` means the move is refused (409)."""
    if kind == "note":
        return status
    if status == "closed":
        return None
    if kind == "attempt":
        return "contacting" if status == "open" else status
    return {"scheduled": "scheduled", "close": "closed"}[kind]


def body_for(kind: str, step: int) -> dict[str, Any]:
    if kind == "attempt":
        return ATTEMPT
    if kind == "scheduled":
        return {"type": "scheduled", "scheduledFor": iso(in_days(step + 1))}
    if kind == "close":
        return {"type": "close", "reason": f"reason {step}"}
    return {"type": "note", "note": f"note {step}"}


async def check_sequence(world: World, app: Any, kinds: list[str]) -> None:
    made = await make_case(app, world.a.id)
    client = world.a.coordinator.client
    status, scheduled_for, logged = "open", None, 0
    for step, kind in enumerate(kinds):
        before = await get_case(client, made.id)
        body = body_for(kind, step)
        response = await contact(client, made.id, body)
        after = await get_case(client, made.id)
        expected = expected_after(status, kind)
        if expected is None:
            assert_error(response, 409, "conflict")
            assert after == before, "a refused move changed the case"
            continue
        assert response.status_code == 201, response.text
        logged += 1
        if kind == "scheduled":
            scheduled_for = body["scheduledFor"]
        status = expected
        assert after["status"] == status
        assert after["scheduledFor"] == scheduled_for
        assert (after["closedAt"] is not None) == (status == "closed")
        assert (after["closeReason"] is not None) == (status == "closed")
        if before["status"] == "closed":
            assert after["closedAt"] == before["closedAt"]
        assert len(after["contactEvents"]) == logged
        assert after["contactEvents"][-1]["kind"] == kind


async def test_random_contact_sequences_keep_the_state_machine(world: World, app: Any) -> None:
    """Any sequence: status follows the table, refused moves change nothing, closed stays."""

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(kinds=st.lists(ACTIONS, min_size=1, max_size=8))
    def run(kinds: list[str]) -> None:
        anyio.from_thread.run(check_sequence, world, app, kinds)

    await anyio.to_thread.run_sync(run)
