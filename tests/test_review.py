"""Review: a coordinator corrects or fills in a referral's fields, and confirms it."""

from typing import Any

import pytest
from sqlmodel import select

from app.db import transaction
from app.settings import Settings
from models import AliasKind, AuditEvent, Practice, Provider, utcnow
from models.extraction import Extraction
from resolvers import referrers, review
from resolvers.context import Context
from tests.conftest import World, assert_error, gql
from tests.referral_fixtures import extraction, load_referral, seed_referral

pytestmark = pytest.mark.anyio

HAND_FILLED = {
    "patient": {
        "firstName": "Maria",
        "lastName": "Lopez-Garcia",
        "dob": "04/02/1971",
        "phone": "(415) 555-0199",
        "sex": "f",
        "address": {"line1": "9 Elm St", "city": "Oakland", "state": "ca", "zip": "946121234"},
    },
    "insurance": {"provider": "Aetna", "memberId": "W123456789"},
    "referrer": {"providerName": "Dr. Alan Grant, MD", "practiceName": "Bayside Family Care"},
    "clinical": {"reason": "Chest pain on exertion", "diagnosisCodes": ["i209"], "urgency": "STAT"},
}

CORRECT = """
mutation ($input: CorrectExtractionInput!) {
  correctExtraction(input: $input) {
    __typename
    ... on CorrectExtractionSuccess {
      changed
      referral { id stage caseId
        extraction { method patient { firstName dob }
          fields { field value confidence corrected machineValue machineConfidence } }
        qa { passed fieldsToConfirm } triage { level priorityBand } }
    }
    ... on MutationError { code field message }
  }
}
"""

CONFIRM = """
mutation ($id: ID!) {
  confirmReferral(id: $id) {
    __typename
    ... on ConfirmReferralSuccess { referral { id stage } case { id triageLevel } }
    ... on MutationError { code message }
  }
}
"""


async def test_a_referral_with_no_extraction_is_filled_in_by_hand_and_opens_a_case(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id)
    client = world.a.coordinator.client
    response = await client.patch(f"/api/referrals/{rid}", json=HAND_FILLED)
    assert response.status_code == 200, response.text
    body = response.json()
    ex = body["extraction"]
    # Normalised as the pipeline would: ISO date, E.164, state code, ZIP+4, ICD-10, urgency.
    assert ex["method"] == "manual"
    assert ex["patient"]["dob"] == "1971-04-02"
    assert ex["patient"]["phone"] == "+14155550199"
    assert ex["patient"]["sex"] == "F"
    assert ex["patient"]["address"]["state"] == "CA"
    assert ex["patient"]["address"]["zip"] == "94612-1234"
    assert ex["referrer"]["providerName"] == "Alan Grant"
    assert ex["clinical"]["diagnosisCodes"] == ["I20.9"]
    assert ex["clinical"]["urgency"] == "stat"
    assert body["qa"]["passed"] is True
    assert body["stage"] == "review" and body["caseId"] is None
    assert body["triage"]["level"] == 1 and body["triage"]["source"] == "auto"
    assert "patient.dob" in body["changed"]

    confirmed = await client.patch(f"/api/referrals/{rid}", json={"confirm": True})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["stage"] == "triaged"
    case_id = confirmed.json()["caseId"]
    case = (await client.get(f"/api/cases/{case_id}")).json()
    assert case["triageLevel"] == 1 and case["priorityBand"] == "P1"
    # Its documents are the patient's documents now.
    patient_id = confirmed.json()["patientId"]
    docs = await client.get(f"/api/referral-documents?patientId={patient_id}")
    assert docs.status_code == 200, docs.text
    assert [d["referralId"] for d in docs.json()["items"]] == [rid]
    # A hand-entered referral says nothing of the machine's accuracy.
    accuracy = await gql(client, "{ extractionAccuracy { field reviewed } }")
    assert accuracy["data"]["extractionAccuracy"] == []


async def test_a_correction_reruns_qa_and_triage_and_is_audited_with_the_machine_value(
    app: Any, settings: Settings, world: World
) -> None:
    machine = extraction(patient={"dob": "1985-13-45"}, clinical={"urgency": "routine"})
    machine["confidence"]["patient.dob"] = 0.41
    rid = await seed_referral(app, settings, world.a.id, extracted=machine)
    client = world.a.coordinator.client
    qa = await client.post(f"/api/referrals/{rid}/qa")
    assert qa.json()["qa"]["passed"] is False and qa.json()["stage"] == "review"

    fields = [
        {"field": "patient.dob", "value": "1985-03-15"},
        {"field": "clinical.urgency", "value": "urgent"},
    ]
    result = await gql(client, CORRECT, input={"referralId": rid, "fields": fields})
    data = result["data"]["correctExtraction"]
    assert data["__typename"] == "CorrectExtractionSuccess", data
    assert sorted(data["changed"]) == ["clinical.urgency", "patient.dob"]
    referral = data["referral"]
    assert referral["qa"] == {"passed": True, "fieldsToConfirm": []}
    assert referral["triage"] == {"level": 2, "priorityBand": "P1"}
    dob = next(f for f in referral["extraction"]["fields"] if f["field"] == "patient.dob")
    assert dob == {
        "field": "patient.dob",
        "value": "1985-03-15",
        "confidence": 1.0,
        "corrected": True,
        "machineValue": "1985-13-45",
        "machineConfidence": 0.41,
    }
    async with transaction(app.state.sessions) as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.resource_id == rid, AuditEvent.action == "referral.correct"
                )
            )
        ).all()
    assert len(events) == 1
    assert events[0].details["machine"]["patient.dob"] == {
        "value": "1985-13-45",
        "confidence": 0.41,
    }

    # A second correction keeps the machine's value of the first.
    again = [{"field": "patient.dob", "value": "1985-03-16"}]
    result = await gql(client, CORRECT, input={"referralId": rid, "fields": again})
    fields_now = result["data"]["correctExtraction"]["referral"]["extraction"]["fields"]
    dob = next(f for f in fields_now if f["field"] == "patient.dob")
    assert dob["value"] == "1985-03-16" and dob["machineValue"] == "1985-13-45"

    confirmed = await gql(client, CONFIRM, id=rid)
    assert confirmed["data"]["confirmReferral"]["__typename"] == "ConfirmReferralSuccess"
    assert confirmed["data"]["confirmReferral"]["referral"]["stage"] == "TRIAGED"
    accuracy = await gql(
        client, "{ extractionAccuracy { field reviewed corrected accuracy meanConfidence } }"
    )
    by_field = {r["field"]: r for r in accuracy["data"]["extractionAccuracy"]}
    assert by_field["patient.dob"]["corrected"] == 1
    assert by_field["patient.dob"]["accuracy"] == 0.0
    assert by_field["patient.firstName"] == {
        "field": "patient.firstName",
        "reviewed": 1,
        "corrected": 0,
        "accuracy": 1.0,
        "meanConfidence": pytest.approx(0.98),
    }


async def test_a_wrong_value_is_a_422_naming_each_field_and_changes_nothing(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction())
    before = await load_referral(app, rid)
    response = await world.a.coordinator.client.patch(
        f"/api/referrals/{rid}",
        json={
            "patient": {"dob": "2999-01-01", "phone": "12"},
            "referrer": {"npi": "1234567890"},
        },
    )
    body = assert_error(response, 422, "validation_failed")
    assert {d["field"] for d in body["details"]} == {
        "patient.dob",
        "patient.phone",
        "referrer.npi",
    }
    unknown = await gql(
        world.a.coordinator.client,
        CORRECT,
        input={"referralId": rid, "fields": [{"field": "patient.dateOfBirth", "value": "x"}]},
    )
    assert unknown["data"]["correctExtraction"]["code"] == "validation_failed"
    after = await load_referral(app, rid)
    assert after.extraction == before.extraction and after.stage == before.stage


async def test_confirming_with_qa_problems_is_a_409_and_changes_nothing(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction(insurance={}))
    stored = await load_referral(app, rid)
    assert stored.extraction is not None
    response = await world.a.coordinator.client.patch(
        f"/api/referrals/{rid}", json={"insurance": {"memberId": None}, "confirm": True}
    )
    body = assert_error(response, 409, "conflict")
    assert "insurance.memberId" in body["message"]
    after = await load_referral(app, rid)
    assert after.extraction == stored.extraction and after.case_id is None


async def test_a_corrected_referrer_name_matches_the_next_referral_by_alias(
    app: Any, settings: Settings, world: World
) -> None:
    # Known referrers, with their own names as aliases (as create-referrer leaves them).
    async with transaction(app.state.sessions) as session:
        practice = Practice(org_id=world.a.id, name="Valley Family Medicine", updated_at=utcnow())
        provider = Provider(
            org_id=world.a.id, practice_id=practice.id, name="John Smith", updated_at=utcnow()
        )
        session.add_all([practice, provider])
        await session.flush()
        ctx = Context(
            session=session, settings=settings, storage=app.state.storage, system_actor="tests"
        )
        await referrers.remember(
            ctx,
            org_id=world.a.id,
            kind=AliasKind.provider,
            text=provider.name,
            practice_id=None,
            provider_id=provider.id,
        )
    misread = extraction(referrer={"providerName": "Jchn Smlth", "npi": None, "practiceName": None})
    rid = await seed_referral(app, settings, world.a.id, extracted=misread)
    client = world.a.coordinator.client
    response = await client.patch(
        f"/api/referrals/{rid}",
        json={"referrer": {"providerName": "Dr. John Smith"}, "confirm": True},
    )
    assert response.status_code == 200, response.text
    first_case = (await client.get(f"/api/cases/{response.json()['caseId']}")).json()
    assert first_case["referrer"]["providerId"] == provider.id

    # The next referral spells him the same wrong way, for another patient: matched alone.
    other = extraction(
        patient={"firstName": "Ann", "lastName": "Other"},
        referrer={"providerName": "JCHN SMLTH, MD", "npi": None, "practiceName": None},
    )
    rid2 = await seed_referral(app, settings, world.a.id, extracted=other, triaged=True)
    second = await load_referral(app, rid2)
    case = (await client.get(f"/api/cases/{second.case_id}")).json()
    assert case["referrer"]["providerId"] == provider.id
    assert case["referrer"]["practiceId"] == practice.id


async def test_a_viewer_cannot_correct_and_another_org_gets_404(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction())
    change = {"patient": {"firstName": "Janet"}}
    assert_error(
        await world.a.viewer.client.patch(f"/api/referrals/{rid}", json=change), 403, "forbidden"
    )
    assert_error(await world.b.coordinator.client.patch(f"/api/referrals/{rid}", json=change), 404)
    assert_error(await world.b.key_client.patch(f"/api/referrals/{rid}", json=change), 404)
    fields = [{"field": "patient.firstName", "value": "Janet"}]
    viewer = await gql(world.a.viewer.client, CORRECT, input={"referralId": rid, "fields": fields})
    assert viewer["data"]["correctExtraction"]["code"] == "forbidden"
    other = await gql(world.b.admin.client, CONFIRM, id=rid)
    assert other["data"]["confirmReferral"]["code"] == "not_found"
    stored = await load_referral(app, rid)
    assert stored.extraction is not None and stored.extraction.patient.first_name == "Jane"


async def test_a_case_follows_its_most_urgent_referral_unless_a_person_set_its_own(
    app: Any, settings: Settings, world: World
) -> None:
    client = world.a.coordinator.client
    urgent = extraction(clinical={"urgency": "urgent", "reason": "Torn ACL"})
    first = await seed_referral(app, settings, world.a.id, extracted=urgent, triaged=True)
    routine = extraction(clinical={"urgency": "routine", "reason": "Follow-up of knee"})
    second = await seed_referral(app, settings, world.a.id, extracted=routine, triaged=True)
    case_id = (await load_referral(app, first)).case_id
    assert (await load_referral(app, second)).case_id == case_id
    case = (await client.get(f"/api/cases/{case_id}")).json()
    assert case["triageLevel"] == 2

    # Re-triaging the routine one does not make the case less urgent than its urgent one.
    await client.post(f"/api/referrals/{second}/triage", json={"level": 4, "reason": "routine"})
    assert (await client.get(f"/api/cases/{case_id}")).json()["triageLevel"] == 2
    # Making the routine one more urgent raises the case.
    await client.post(f"/api/referrals/{second}/triage", json={"level": 1, "reason": "worse"})
    assert (await client.get(f"/api/cases/{case_id}")).json()["triageLevel"] == 1
    # A person's own level for the case holds against its referrals.
    pinned = await client.patch(f"/api/cases/{case_id}", json={"triageLevel": 3})
    assert pinned.status_code == 200, pinned.text
    await client.post(f"/api/referrals/{first}/triage", json={"level": 1, "reason": "again"})
    assert (await client.get(f"/api/cases/{case_id}")).json()["triageLevel"] == 3


def test_a_new_reading_keeps_a_persons_values_where_it_differs_from_them() -> None:
    machine = Extraction.model_validate(extraction(patient={"dob": "1958-03-15"}))
    at = utcnow()
    corrected, _ = review.apply_changes(
        machine, {"patient.dob": "1985-03-15", "patient.lastName": "Doe-Ray"}, by="usr_1", at=at
    )
    # The new reading fixed the name on its own, and still misreads the year.
    reread = Extraction.model_validate(
        extraction(patient={"dob": "1958-03-15", "lastName": "Doe-Ray"})
    )

    kept = review.keep_corrections(corrected, reread)

    assert kept.patient.dob == "1985-03-15" and kept.confidence_of("patient.dob") == 1.0
    assert list(kept.corrections) == ["patient.dob"]  # the name is the machine's again
    dob = kept.corrections["patient.dob"]
    assert (dob.machine_value, dob.by, dob.at) == ("1958-03-15", "usr_1", at)
    assert review.keep_corrections(None, reread) == reread
