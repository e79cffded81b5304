"""Processing runs through the front door: queued, running, done or failed with a reason.

The app's own worker runs them (PgQueuer's in-memory queue on SQLite, its tables on
PostgreSQL), with the real process pool. Files the pipeline must refuse are put in
storage under a stored document, as a fax server or a broken bucket would leave them.
"""

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from app.db import transaction
from app.settings import Settings
from models import AuditEvent, Document, Job
from tests.conftest import World, assert_error
from tests.pipeline_samples import blank_pdf, encrypted_pdf, png_declaring, typed_pdf
from tests.referral_fixtures import seed_referral

SETTLE_SECONDS = 60


async def settled(client: httpx.AsyncClient, referral_id: str) -> dict[str, Any]:
    """The referral once its newest run has finished (polled as a dashboard would)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        body: dict[str, Any] = (await client.get(f"/api/referrals/{referral_id}")).json()
        job = body.get("job")
        if job and job["status"] in ("done", "failed"):
            # Read once more: on PostgreSQL the referral and its run are two statements,
            # and the run may have finished between them.
            return dict((await client.get(f"/api/referrals/{referral_id}")).json())
        assert time.monotonic() < deadline, f"still {job} after {SETTLE_SECONDS} s"
        await asyncio.sleep(0.1)


async def stored_path(app: Any, referral_id: str) -> Path:
    async with transaction(app.state.sessions) as session:
        document = (
            await session.scalars(select(Document).where(Document.referral_id == referral_id))
        ).one()
    return Path(app.state.storage.path_for(document.storage_key))


async def referral_holding(app: Any, settings: Settings, org_id: str, data: bytes) -> str:
    """A received referral whose stored file is now ``data``."""
    referral_id = await seed_referral(app, settings, org_id)
    (await stored_path(app, referral_id)).write_bytes(data)
    return referral_id


async def jobs_of(app: Any, referral_id: str) -> list[Job]:
    async with transaction(app.state.sessions) as session:
        return list(
            (await session.scalars(select(Job).where(Job.referral_id == referral_id))).all()
        )


# -- refusals: failed at once, with the reason, never retried ------------------------------------

REFUSED = [
    ("corrupt", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "damaged"),
    ("no_text_no_image", blank_pdf(2), "neither text nor images"),
    ("zero_bytes", b"", "the file is empty (0 bytes)"),
    ("password", encrypted_pdf(), "password-protected"),
    ("image_bomb", png_declaring(50_000, 50_000), "pixel limit"),
    ("too_many_pages", blank_pdf(301), "more than the 300-page limit"),
]


@pytest.mark.parametrize(("name", "data", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
async def test_a_file_the_pipeline_cannot_read_fails_the_referral_with_its_reason(
    app: Any, settings: Settings, world: World, name: str, data: bytes, reason: str
) -> None:
    referral_id = await referral_holding(app, settings, world.a.id, data)

    response = await world.a.coordinator.client.post(
        f"/api/referrals/{referral_id}/process", params={"wait": "true"}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["referral"]["stage"] == "failed"
    assert reason in body["referral"]["error"]
    assert body["job"]["status"] == "failed" and body["job"]["attempts"] == 1
    assert body["job"]["error"] == body["referral"]["error"]
    detail = (await world.a.viewer.client.get(f"/api/referrals/{referral_id}")).json()
    assert detail["stage"] == "failed" and detail["documents"][0]["status"] == "failed"


async def test_an_empty_page_alone_fails_the_referral(
    app: Any, settings: Settings, world: World
) -> None:
    from PIL import Image

    from tests.pipeline_samples import image_bytes

    white = image_bytes(Image.new("L", (850, 1100), 255), "PNG", dpi=(100, 100))
    referral_id = await referral_holding(app, settings, world.a.id, white)

    body = await _process_and_wait(world, referral_id)

    assert body["referral"]["stage"] == "failed"
    assert "no text could be read" in body["referral"]["error"]


async def _process_and_wait(world: World, referral_id: str) -> dict[str, Any]:
    response = await world.a.coordinator.client.post(
        f"/api/referrals/{referral_id}/process", params={"wait": "true"}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


# -- faults -------------------------------------------------------------------------------------


async def test_storage_away_is_retried_then_fails_with_the_reason(
    app: Any, settings: Settings, world: World
) -> None:
    referral_id = await seed_referral(app, settings, world.a.id)
    path = await stored_path(app, referral_id)
    os.remove(path)

    body = await _process_and_wait(world, referral_id)

    attempts = settings.job_max_attempts
    assert body["job"]["status"] == "failed" and body["job"]["attempts"] == attempts
    assert body["referral"]["stage"] == "failed"
    assert "the stored file could not be read" in body["referral"]["error"]
    assert f"gave up after {attempts} attempts" in body["referral"]["error"]


async def test_storage_back_before_the_last_attempt_lets_the_run_go_on(
    app: Any, settings: Settings, world: World
) -> None:
    referral_id = await seed_referral(app, settings, world.a.id)
    path = await stored_path(app, referral_id)
    aside = path.with_suffix(".aside")
    path.rename(aside)

    await world.a.coordinator.client.post(f"/api/referrals/{referral_id}/process")
    deadline = time.monotonic() + SETTLE_SECONDS
    # the first attempt has failed for the storage (not merely started: on a busy machine
    # it may not have reached the file yet, and would find it back)
    while not (await jobs_of(app, referral_id))[0].error:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    aside.rename(path)
    body = await settled(world.a.viewer.client, referral_id)

    # The blank test PDF is read, and refused for what it is, not for the storage.
    assert body["job"]["attempts"] >= 2
    assert "neither text nor images" in body["error"]


async def test_the_same_referral_processed_twice_at_once_runs_once(
    app: Any, settings: Settings, world: World
) -> None:
    referral_id = await seed_referral(app, settings, world.a.id)
    client = world.a.coordinator.client

    answers = await asyncio.gather(
        client.post(f"/api/referrals/{referral_id}/process"),
        world.a.key_client.post(f"/api/referrals/{referral_id}/process"),
    )

    assert sorted(a.status_code for a in answers) == [202, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert_error(refused, 409, "conflict")
    await settled(world.a.viewer.client, referral_id)
    [job] = await jobs_of(app, referral_id)
    assert job.attempts == 1
    async with transaction(app.state.sessions) as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.resource_id == referral_id,
                    AuditEvent.action == "referral.process_failed",
                )
            )
        ).all()
    assert len(events) == 1


async def test_a_failed_referral_may_be_processed_again(
    app: Any, settings: Settings, world: World
) -> None:
    referral_id = await referral_holding(app, settings, world.a.id, b"")
    first = await _process_and_wait(world, referral_id)
    assert first["referral"]["stage"] == "failed"

    second = await _process_and_wait(world, referral_id)

    assert second["job"]["id"] != first["job"]["id"] and second["referral"]["stage"] == "failed"
    assert len(await jobs_of(app, referral_id)) == 2


async def test_processing_again_keeps_what_a_person_corrected(
    app: Any, settings: Settings, world: World
) -> None:
    # The sample referral names no insurance, so QA leaves it in review for a person.
    referral_id = await referral_holding(app, settings, world.a.id, typed_pdf())
    first = await _process_and_wait(world, referral_id)
    assert first["referral"]["stage"] == "review"
    assert first["referral"]["extraction"]["patient"]["dob"] == "1985-03-15"
    client = world.a.coordinator.client
    fix = {"patient": {"dob": "1985-05-13", "firstName": "Maria"}}
    response = await client.patch(f"/api/referrals/{referral_id}", json=fix)
    assert response.status_code == 200 and response.json()["changed"] == ["patient.dob"]

    again = await _process_and_wait(world, referral_id)

    assert again["job"]["status"] == "done"
    extraction = (await client.get(f"/api/referrals/{referral_id}")).json()["extraction"]
    assert extraction["patient"]["dob"] == "1985-05-13"  # the person's, not the re-read
    assert extraction["confidence"]["patient.dob"] == 1.0
    kept = extraction["corrections"]["patient.dob"]
    assert (kept["value"], kept["machineValue"]) == ("1985-05-13", "1985-03-15")
    assert kept["by"] == world.a.coordinator.user_id
    assert list(extraction["corrections"]) == ["patient.dob"]


# -- the run as REST and GraphQL show it --------------------------------------------------------

RUN = """
query($id: ID!) {
  referral(id: $id) { stage error job { id status step page pageCount attempts error } }
}
"""
PROCESS = """
mutation($id: ID!) {
  processReferral(id: $id, wait: true) {
    __typename
    ... on ProcessReferralSuccess { referral { stage } job { status attempts error } }
    ... on MutationError { code message }
  }
}
"""


async def test_graphql_shows_the_run_and_can_wait_for_it(
    app: Any, settings: Settings, world: World
) -> None:
    from tests.conftest import gql

    referral_id = await referral_holding(app, settings, world.a.id, encrypted_pdf())

    done = (await gql(world.a.coordinator.client, PROCESS, id=referral_id))["data"]
    run = (await gql(world.a.viewer.client, RUN, id=referral_id))["data"]["referral"]

    assert done["processReferral"]["job"]["status"] == "FAILED"
    assert done["processReferral"]["referral"]["stage"] == "FAILED"
    assert run["stage"] == "FAILED" and "password-protected" in run["error"]
    assert run["job"]["status"] == "FAILED" and run["job"]["attempts"] == 1
    assert run["job"]["step"] == "TEXT" and run["job"]["pageCount"] is None
