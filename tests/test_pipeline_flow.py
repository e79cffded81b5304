"""From a fax to a case on its own: upload, automatic processing, QA, triage and the case.

A typed referral from the synthetic corpus (``bench/corpus``), read through the app's own
worker on both databases.
"""

from functools import cache
from typing import Any

from app.settings import Settings
from bench.corpus import Packet, generate
from tests.conftest import World
from tests.test_pipeline_runs import settled

# A one-page typed referral form whose every required field reads with confidence.
SEED, LAYOUT = 30, "form"


@cache
def packet() -> Packet:
    return generate(SEED, LAYOUT, scanned=False)


async def upload(client: Any, packet: Packet) -> dict[str, Any]:
    [file] = packet.files
    response = await client.post(
        "/api/referrals",
        files={"file": (file.file_name, file.data, file.content_type)},
        data={"source": "fax"},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_an_uploaded_fax_is_processed_into_a_case_without_anyone_asking(
    app: Any, settings: Settings, world: World
) -> None:
    truth = packet().truth

    created = await upload(world.a.coordinator.client, packet())
    assert created["stage"] == "processing" and created["job"]["status"] == "queued"
    body = await settled(world.a.viewer.client, created["id"])

    assert body["job"]["status"] == "done", body["job"]
    assert body["job"]["step"] == "checks" and body["job"]["page"] == body["job"]["pageCount"] == 1
    assert body["stage"] == "triaged" and body["caseId"], body["qa"]
    patient = body["extraction"]["patient"]
    assert (patient["firstName"], patient["lastName"], patient["dob"]) == (
        truth.patient.first_name,
        truth.patient.last_name,
        truth.patient.dob,
    )
    assert body["extraction"]["method"] == "text" and body["qa"]["passed"] is True
    assert body["extraction"]["sourcePages"]["patient.lastName"] == 1
    [document] = body["documents"]
    assert document["status"] == "processed" and document["pageCount"] == 1
    assert document["documentType"] == "referral"
    # each page's type is kept, in order, as the pipeline classified it
    assert document["pageTypes"] == [t.value for t in packet().page_types]
    case = (await world.a.viewer.client.get(f"/api/cases/{body['caseId']}")).json()
    assert case["patient"]["lastName"] == truth.patient.last_name
    assert body["triage"]["source"] == "auto" and case["triageLevel"] == body["triage"]["level"]
    # Another org sees none of it.
    assert (await world.b.admin.client.get(f"/api/referrals/{created['id']}")).status_code == 404


async def test_without_auto_processing_an_upload_waits_for_process(
    app: Any, settings: Settings, world: World
) -> None:
    off = await world.b.admin.client.patch(
        f"/api/orgs/{world.b.id}/config", json={"autoProcess": False}
    )
    assert off.status_code == 200, off.text

    created = await upload(world.b.coordinator.client, packet())

    assert created["stage"] == "received" and created["job"] is None
    started = await world.b.coordinator.client.post(
        f"/api/referrals/{created['id']}/process", params={"wait": "true"}
    )
    assert started.status_code == 200, started.text
    assert started.json()["referral"]["stage"] == "triaged"


async def test_the_same_fax_twice_is_read_both_times_and_the_copy_is_not_a_failure(
    app: Any, settings: Settings, world: World
) -> None:
    first = await settled(world.a.viewer.client, (await upload(world.a.key_client, packet()))["id"])
    assert first["stage"] == "triaged"

    copy = await upload(world.a.key_client, packet())
    body = await settled(world.a.viewer.client, copy["id"])

    # The copy is found out after reading: set aside as a duplicate, or (while marking one
    # needs a person) left in review for one; never a failed run.
    assert body["job"]["status"] == "done", body["job"]
    assert body["stage"] in ("duplicate", "review"), body["stage"]
    assert body["extraction"]["patient"]["lastName"] == packet().truth.patient.last_name
