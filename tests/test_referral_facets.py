"""Reporting's columns off the JSON (resolvers/referral_facets.py): after every write path
that sets a referral's extraction or triage, ``payer``, ``reason_category`` and
``code_head`` say what the stored JSON says, and the mix counts by them at once."""

from typing import Any

import pytest

from app.settings import Settings
from models import Referral
from tests.conftest import World, gql
from tests.referral_fixtures import (
    TRIAGE_RULES,
    configure,
    extraction,
    load_referral,
    seed_referral,
)

pytestmark = pytest.mark.anyio

CORRECT = """
mutation ($input: CorrectExtractionInput!) {
  correctExtraction(input: $input) { __typename ... on MutationError { code message } }
}
"""


def from_json(row: Referral) -> tuple[str | None, str | None, str | None]:
    """What the stored JSON says, read here from its wire form (not by the code under test)."""
    ex = row.extraction.model_dump(by_alias=True) if row.extraction else {}
    tr = row.triage.model_dump(by_alias=True) if row.triage else {}
    payer = ((ex.get("insurance") or {}).get("provider") or "").strip() or None
    codes = (ex.get("clinical") or {}).get("diagnosisCodes") or []
    rules = tr.get("rules") or []
    return (
        payer,
        rules[0]["name"] if rules else None,
        codes[0].strip()[:3].upper() if codes else None,
    )


async def columns(app: Any, rid: str) -> tuple[str | None, str | None, str | None]:
    """The columns, after checking they equal what the JSON says."""
    row = await load_referral(app, rid)
    found = (row.payer, row.reason_category, row.code_head)
    assert found == from_json(row)
    return found


async def mix_of(world: World) -> dict[str, Any]:
    response = await world.a.viewer.client.get("/api/mix")
    assert response.status_code == 200, response.text
    body = response.json()
    return {
        "payer": {r["key"]: r["count"] for r in body["byPayer"]},
        "category": {r["key"]: r["count"] for r in body["byReasonCategory"]},
        "chapter": {r["key"]: r["count"] for r in body["byIcd10Chapter"]},
    }


async def test_extraction_then_triage_then_override_and_retriage(
    app: Any, settings: Settings, world: World
) -> None:
    await configure(world, **TRIAGE_RULES)
    ex = extraction(
        insurance={"provider": "  Blue Cross "},
        clinical={"diagnosisCodes": ["m17.11"], "urgency": None},
    )
    rid = await seed_referral(app, settings, world.a.id, extracted=ex)
    # Extraction set (the pipeline's set_extraction): payer and code, no triage yet.
    assert await columns(app, rid) == ("Blue Cross", None, "M17")

    client = world.a.coordinator.client
    response = await client.post(f"/api/referrals/{rid}/triage", json={})
    assert response.status_code == 200, response.text
    assert await columns(app, rid) == ("Blue Cross", "Knee OA", "M17")
    assert await mix_of(world) == {
        "payer": {"Blue Cross": 1},
        "category": {"Knee OA": 1},
        "chapter": {"M00-M99": 1},
    }

    # A manual override fires no rule: no category; running the rules again brings it back.
    response = await client.post(f"/api/referrals/{rid}/triage", json={"level": 2, "reason": "x"})
    assert response.status_code == 200, response.text
    assert await columns(app, rid) == ("Blue Cross", None, "M17")
    assert (await mix_of(world))["category"] == {"none": 1}
    response = await client.post(f"/api/referrals/{rid}/triage", json={})
    assert response.status_code == 200, response.text
    assert await columns(app, rid) == ("Blue Cross", "Knee OA", "M17")


async def test_a_review_correction_moves_payer_code_and_category(
    app: Any, settings: Settings, world: World
) -> None:
    await configure(world, **TRIAGE_RULES)
    ex = extraction(clinical={"urgency": None})
    rid = await seed_referral(app, settings, world.a.id, extracted=ex, triaged=True)
    assert await columns(app, rid) == ("Blue Cross", "Knee OA", "M17")

    fields = [
        {"field": "insurance.provider", "value": "Aetna"},
        {"field": "clinical.diagnosisCodes", "value": ["S82.101A"]},
        {"field": "clinical.reason", "value": "Tibia fracture"},
    ]
    result = await gql(
        world.a.coordinator.client, CORRECT, input={"referralId": rid, "fields": fields}
    )
    assert result["data"]["correctExtraction"]["__typename"] == "CorrectExtractionSuccess", result
    # Re-triaged on the corrected fields: the fracture rule fires now.
    assert await columns(app, rid) == ("Aetna", "Fracture", "S82")
    assert await mix_of(world) == {
        "payer": {"Aetna": 1},
        "category": {"Fracture": 1},
        "chapter": {"S00-T88": 1},
    }

    # Blanked by a person: none again.
    response = await world.a.coordinator.client.patch(
        f"/api/referrals/{rid}", json={"insurance": {"provider": ""}, "clinical": {}}
    )
    assert response.status_code == 200, response.text
    assert (await columns(app, rid))[0] is None
    assert (await mix_of(world))["payer"] == {"none": 1}


async def test_filled_in_by_hand(app: Any, settings: Settings, world: World) -> None:
    await configure(world, **TRIAGE_RULES)
    rid = await seed_referral(app, settings, world.a.id)
    assert await columns(app, rid) == (None, None, None)
    hand = {
        "insurance": {"provider": "Medicare"},
        "clinical": {"reason": "fracture of the wrist", "diagnosisCodes": ["s62.101a"]},
    }
    response = await world.a.coordinator.client.patch(f"/api/referrals/{rid}", json=hand)
    assert response.status_code == 200, response.text
    assert await columns(app, rid) == ("Medicare", "Fracture", "S62")
