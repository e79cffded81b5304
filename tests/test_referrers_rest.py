"""Matching and creating referrers, aliases and match_candidate; locations, practices, providers."""

import asyncio
from typing import Any

from app.db import transaction
from models import Practice, Provider, ReferrerAlias
from models.extraction import ExtractedReferrer
from resolvers import matching
from tests.case_fixtures import (
    REFERRER,
    audit_actions,
    count_rows,
    get_case,
    make_case,
    make_location,
    system_context,
)
from tests.conftest import World, assert_error


async def create_referrer(client: Any, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/cases/create-referrer", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def match(app: Any, org_id: str, candidate: dict[str, Any]) -> tuple[str | None, str | None]:
    async with transaction(app.state.sessions) as session:
        practice, provider = await matching.match_candidate(
            system_context(app, session), org_id, ExtractedReferrer.model_validate(candidate)
        )
        return (practice.id if practice else None, provider.id if provider else None)


async def known_referrer(world: World, app: Any, **referrer: Any) -> dict[str, Any]:
    """A practice and provider of org a, created from a first case's candidate."""
    made = await make_case(app, world.a.id, referrer=REFERRER | referrer)
    return await create_referrer(world.a.coordinator.client, {"caseId": made.id})


# -- create-referrer -----------------------------------------------------------------------------


async def test_create_referrer_takes_the_candidate_and_learns_its_spellings(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    body = await create_referrer(world.a.coordinator.client, {"caseId": made.id})
    practice, provider = body["practice"], body["provider"]
    assert practice["name"] == "Valley Family Medicine"
    assert (practice["phone"], practice["fax"]) == ("+15552001111", "+15552002222")
    assert practice["npi"] is None  # the NPI on the fax is the provider's
    assert (provider["name"], provider["npi"]) == ("John Smith", "1234567893")
    assert provider["practiceId"] == practice["id"]
    assert sorted(body["created"]) == sorted([practice["id"], provider["id"]])
    assert body["case"]["referrer"]["practiceId"] == practice["id"]
    assert body["case"]["referrer"]["providerId"] == provider["id"]
    assert {(a["kind"], a["key"]) for a in body["aliases"]} == {
        ("practice", "valley family medicine"),
        ("provider", "john smith"),
    }
    # The next referral, spelled otherwise, matches without anyone's help.
    assert await match(
        app,
        world.a.id,
        {"providerName": "JOHN SMITH M.D.", "practiceName": "Valley  Family Medicine."},
    ) == (practice["id"], provider["id"])
    actions = await audit_actions(app, org_id=world.a.id)
    assert {"practice.create", "provider.create", "case.referrer_link"} <= set(actions)


async def test_referrers_created_at_once_keep_one_provider_per_npi(world: World, app: Any) -> None:
    # Different names (no alias collides), one NPI: only the NPI check stands between them.
    cases = [await make_case(app, world.a.id) for _ in range(5)]
    bodies = [
        {
            "caseId": made.id,
            "practice": {"name": f"Race Practice {n}", "npi": None},
            "provider": {"name": f"Race Doctor {n}", "npi": "1234567893"},
        }
        for n, made in enumerate(cases)
    ]
    client = world.a.coordinator.client
    answers = await asyncio.gather(
        *(client.post("/api/cases/create-referrer", json=body) for body in bodies)
    )
    assert sorted(a.status_code for a in answers) == [201] + [409] * 4


async def test_create_referrer_uses_the_values_sent_over_the_candidate(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    body = await create_referrer(
        world.a.coordinator.client,
        {
            "caseId": made.id,
            "practice": {
                "name": "Valley Family Med Group",
                "npi": "1987654328",
                "fax": None,
                "address": {"line1": "1 Main St", "city": "Anytown", "state": "ca", "zip": "90210"},
            },
        },
    )
    practice = body["practice"]
    assert practice["name"] == "Valley Family Med Group"
    assert (practice["npi"], practice["phone"], practice["fax"]) == (
        "1987654328",
        "+15552001111",
        None,
    )
    assert practice["address"]["state"] == "CA"
    assert body["provider"] is None  # only what was asked for
    # The fax's spelling and the canonical name both lead to the practice.
    for name in ("Valley Family Medicine", "valley family med group"):
        assert await match(app, world.a.id, {"practiceName": name}) == (practice["id"], None)


async def test_create_referrer_can_add_a_provider_to_a_known_practice(
    world: World, app: Any
) -> None:
    known = await known_referrer(world, app)
    made = await make_case(
        app, world.a.id, referrer={"providerName": "Mary Major, NP", "npi": None}
    )
    body = await create_referrer(
        world.a.coordinator.client,
        {"caseId": made.id, "provider": {"practiceId": known["practice"]["id"]}},
    )
    assert body["provider"]["name"] == "Mary Major"
    assert body["provider"]["practiceId"] == known["practice"]["id"]
    assert body["case"]["referrer"]["practiceId"] == known["practice"]["id"]
    assert body["created"] == [body["provider"]["id"]]


async def test_create_referrer_names_each_bad_field_and_creates_nothing(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id, referrer=REFERRER | {"npi": "1234567890"})
    client = world.a.coordinator.client
    error = assert_error(
        await client.post("/api/cases/create-referrer", json={"caseId": made.id}), 422
    )
    assert [d["field"] for d in error["details"]] == ["provider.npi"]
    error = assert_error(
        await client.post(
            "/api/cases/create-referrer",
            json={
                "caseId": made.id,
                "practice": {"name": " ", "phone": "12", "address": {"state": "Cal", "zip": "9"}},
                "provider": {"npi": "123", "fax": "555-CALL-NOW", "practiceId": "prac_missing"},
            },
        ),
        422,
        "validation_failed",
    )
    assert {d["field"] for d in error["details"]} == {
        "practice.name",
        "practice.phone",
        "practice.address.state",
        "practice.address.zip",
        "provider.npi",
        "provider.fax",
        "provider.practiceId",
    }
    assert await count_rows(app, Practice, org_id=world.a.id) == 0
    assert await count_rows(app, Provider, org_id=world.a.id) == 0
    assert await count_rows(app, ReferrerAlias, org_id=world.a.id) == 0
    assert (await get_case(client, made.id))["referrer"]["practiceId"] is None


async def test_create_referrer_with_an_npi_the_org_knows_is_409(world: World, app: Any) -> None:
    known = await known_referrer(world, app)
    made = await make_case(app, world.a.id, referrer=REFERRER | {"providerName": "J. Smith"})
    error = assert_error(
        await world.a.coordinator.client.post(
            "/api/cases/create-referrer", json={"caseId": made.id}
        ),
        409,
        "conflict",
    )
    assert error["details"] == {"existingId": known["provider"]["id"]}
    assert await count_rows(app, Practice, org_id=world.a.id) == 1


async def test_create_referrer_without_a_candidate_or_body_is_422(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id, referrer={})
    assert_error(
        await world.a.coordinator.client.post(
            "/api/cases/create-referrer", json={"caseId": made.id}
        ),
        422,
    )


async def test_create_referrer_checks_role_org_and_body(world: World, app: Any) -> None:
    made = await make_case(app, world.a.id)
    theirs = await make_case(app, world.b.id)
    url = "/api/cases/create-referrer"
    assert_error(await world.a.viewer.client.post(url, json={"caseId": made.id}), 403)
    assert_error(await world.a.coordinator.client.post(url, json={"caseId": theirs.id}), 404)
    assert_error(await world.a.key_client.post(url, json={"caseId": theirs.id}), 404)
    assert_error(await world.a.coordinator.client.post(url, json={}), 422)
    assert_error(
        await world.a.coordinator.client.post(
            url, content=b"caseId", headers={"content-type": "text/plain"}
        ),
        415,
    )
    assert await count_rows(app, Practice, org_id=world.b.id) == 0
    response = await world.a.key_client.post(url, json={"caseId": made.id})
    assert response.status_code == 201, response.text


# -- match-referrer ------------------------------------------------------------------------------


async def test_match_referrer_links_the_case_and_records_its_spellings(
    world: World, app: Any
) -> None:
    known = await known_referrer(world, app)
    odd = {"providerName": "Dr John Smyth", "practiceName": "VFM Clinic", "npi": None}
    made = await make_case(app, world.a.id, referrer=odd)
    assert await match(app, world.a.id, odd) == (None, None)
    response = await world.a.coordinator.client.post(
        "/api/cases/match-referrer",
        json={
            "caseId": made.id,
            "practiceId": known["practice"]["id"],
            "providerId": known["provider"]["id"],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["created"] == []
    assert {(a["kind"], a["key"]) for a in body["aliases"]} >= {
        ("practice", "vfm clinic"),
        ("provider", "john smyth"),
    }
    detail = await get_case(world.a.viewer.client, made.id)
    assert detail["practice"]["id"] == known["practice"]["id"]
    assert detail["provider"]["id"] == known["provider"]["id"]
    assert await match(app, world.a.id, odd) == (known["practice"]["id"], known["provider"]["id"])
    # Aliases are the org's own: the other org learns nothing.
    assert await match(app, world.b.id, odd) == (None, None)


async def test_a_provider_matched_alone_brings_its_practice(world: World, app: Any) -> None:
    known = await known_referrer(world, app)
    made = await make_case(app, world.a.id, referrer={"providerName": "Smith, John"})
    response = await world.a.coordinator.client.post(
        "/api/cases/match-referrer", json={"caseId": made.id, "providerId": known["provider"]["id"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["case"]["referrer"]["practiceId"] == known["practice"]["id"]


async def test_rematching_a_spelling_moves_its_alias(world: World, app: Any) -> None:
    first = await known_referrer(world, app)
    second = await known_referrer(
        world,
        app,
        practiceName="Hill Orthopedics",
        providerName="Ann Lee",
        npi="1245319599",
    )
    spelling = {"practiceName": "Valley FM"}
    client = world.a.coordinator.client
    for target in (first, second):
        made = await make_case(app, world.a.id, referrer=spelling)
        response = await client.post(
            "/api/cases/match-referrer",
            json={"caseId": made.id, "practiceId": target["practice"]["id"]},
        )
        assert response.status_code == 200, response.text
    assert await match(app, world.a.id, spelling) == (second["practice"]["id"], None)
    assert await count_rows(app, ReferrerAlias, org_id=world.a.id, key="valley fm") == 1


async def test_match_referrer_refuses_another_orgs_referrer_naming_the_field(
    world: World, app: Any
) -> None:
    made = await make_case(app, world.a.id)
    made_b = await make_case(app, world.b.id)
    theirs = await create_referrer(world.b.coordinator.client, {"caseId": made_b.id})
    client = world.a.coordinator.client
    for body, field in [
        ({"practiceId": theirs["practice"]["id"]}, "practiceId"),
        ({"providerId": theirs["provider"]["id"]}, "providerId"),
        ({"providerId": "prov_missing"}, "providerId"),
        ({}, "practiceId"),
    ]:
        error = assert_error(
            await client.post("/api/cases/match-referrer", json={"caseId": made.id} | body), 422
        )
        assert error["details"][0]["field"] == field
    assert (await get_case(client, made.id))["referrer"]["practiceId"] is None
    assert await count_rows(app, ReferrerAlias, org_id=world.a.id) == 0


async def test_match_referrer_checks_role_and_the_cases_org(world: World, app: Any) -> None:
    known = await known_referrer(world, app)
    made = await make_case(app, world.a.id)
    theirs = await make_case(app, world.b.id)
    body = {"practiceId": known["practice"]["id"]}
    url = "/api/cases/match-referrer"
    assert_error(await world.a.viewer.client.post(url, json={"caseId": made.id} | body), 403)
    assert_error(await world.a.admin.client.post(url, json={"caseId": theirs.id} | body), 404)
    assert_error(await world.anon.post(url, json={"caseId": made.id} | body), 401)
    assert_error(
        await world.a.admin.client.post(
            url, content=b"{", headers={"content-type": "application/json"}
        ),
        400,
    )
    assert (await get_case(world.b.viewer.client, theirs.id))["referrer"]["practiceId"] is None


async def test_match_candidate_falls_back_to_the_npi(world: World, app: Any) -> None:
    known = await known_referrer(world, app)
    assert await match(app, world.a.id, {"providerName": "Someone Else", "npi": "1234567893"}) == (
        known["practice"]["id"],
        known["provider"]["id"],
    )
    assert await match(app, world.a.id, {"npi": "1234567890"}) == (None, None)
    assert await match(app, world.a.id, {"providerName": "", "practiceName": None}) == (None, None)
    assert await match(app, world.b.id, {"npi": "1234567893"}) == (None, None)


# -- locations -----------------------------------------------------------------------------------


async def test_admin_creates_locations_that_members_list(world: World) -> None:
    created = await make_location(
        world.a.admin.client,
        world.a.id,
        "North Clinic",
        emrLocationId="EMR_LOC_42",
        phone="555-300-4000",
        address={"line1": "9 Elm", "state": "ny"},
    )
    assert created["emrLocationId"] == "EMR_LOC_42" and created["phone"] == "+15553004000"
    assert created["active"] is True and created["orgId"] == world.a.id
    await make_location(world.a.key_client, world.a.id, "South Clinic")
    await make_location(world.b.admin.client, world.b.id, "Elsewhere")
    response = await world.a.viewer.client.get(f"/api/locations?orgId={world.a.id}")
    assert response.status_code == 200, response.text
    assert [i["name"] for i in response.json()["items"]] == ["South Clinic", "North Clinic"]
    assert_error(await world.a.viewer.client.get(f"/api/locations?orgId={world.b.id}"), 403)


async def test_locations_created_at_once_keep_one_per_emr_location_id(world: World) -> None:
    bodies = [
        {"orgId": world.a.id, "name": f"Clinic {n}", "emrLocationId": "EMR_RACE"} for n in range(6)
    ]
    answers = await asyncio.gather(
        *(world.a.admin.client.post("/api/locations", json=body) for body in bodies)
    )
    assert sorted(a.status_code for a in answers) == [201] + [409] * 5


async def test_creating_a_location_needs_admin_and_good_fields(world: World, app: Any) -> None:
    url = "/api/locations"
    body = {"orgId": world.a.id, "name": "North"}
    assert_error(await world.a.coordinator.client.post(url, json=body), 403)
    assert_error(await world.a.admin.client.post(url, json=body | {"orgId": world.b.id}), 403)
    for extra, field in [
        ({"name": " "}, "name"),
        ({"phone": "call us"}, "phone"),
        ({"address": {"zip": "abc"}}, "address.zip"),
        ({"address": {"country": "US"}}, "address.country"),
        ({"emr": "x"}, "emr"),
    ]:
        error = assert_error(await world.a.admin.client.post(url, json=body | extra), 422)
        assert error["details"][0]["field"] == field, error
    assert_error(
        await world.a.admin.client.post(
            url, content=b"{", headers={"content-type": "application/json"}
        ),
        400,
    )
    assert_error(
        await world.a.admin.client.post(
            url,
            content=b"name=North",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
        415,
    )
    await make_location(world.a.admin.client, world.a.id, "North", emrLocationId="E1")
    assert_error(
        await world.a.admin.client.post(url, json=body | {"name": "Dup", "emrLocationId": "E1"}),
        409,
    )
    # Another org may use the same EMR location id.
    await make_location(world.b.admin.client, world.b.id, "North", emrLocationId="E1")
    response = await world.a.viewer.client.get("/api/locations")
    assert [i["name"] for i in response.json()["items"]] == ["North"]


# -- practices and providers -----------------------------------------------------------------------


async def test_practices_and_providers_are_searched_by_name_npi_and_alias(
    world: World, app: Any
) -> None:
    known = await known_referrer(world, app)
    other = await known_referrer(
        world, app, practiceName="Hill Orthopedics", providerName="Ann Lee", npi="1245319599"
    )
    made = await make_case(app, world.a.id, referrer={"practiceName": "Valley FM 100%"})
    await world.a.coordinator.client.post(
        "/api/cases/match-referrer",
        json={"caseId": made.id, "practiceId": known["practice"]["id"]},
    )
    client = world.a.viewer.client

    async def names(path: str) -> list[str]:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return sorted(i["name"] for i in response.json()["items"])

    assert await names("/api/practices?q=valley") == ["Valley Family Medicine"]
    assert await names("/api/practices?q=fm 100") == ["Valley Family Medicine"]
    assert await names("/api/practices?q=%25") == []  # a literal %, not a wildcard
    assert await names("/api/practices") == ["Hill Orthopedics", "Valley Family Medicine"]
    assert await names("/api/providers?q=1245319599") == ["Ann Lee"]
    assert await names("/api/providers?q=SMITH") == ["John Smith"]
    assert await names(f"/api/providers?practiceId={other['practice']['id']}") == ["Ann Lee"]
    response = await world.b.viewer.client.get("/api/practices")
    assert response.json()["items"] == []
    assert_error(await client.get(f"/api/providers?orgId={world.b.id}"), 403)
    assert_error(await world.anon.get("/api/practices"), 401)
