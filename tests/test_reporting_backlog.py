"""GET /api/backlog and GraphQL backlog: open cases and waiting referrals by age."""

from datetime import timedelta
from typing import Any

from tests.case_fixtures import audit_details
from tests.conftest import World, assert_error, gql
from tests.reporting_fixtures import Builder, ago, build, set_config


async def fill(b: Builder) -> None:
    loc = b.location("loc1", "North Clinic")
    await b.flush()
    first = ago(days=40, hours=2)
    k1 = b.case(
        "k1",
        ago(days=1),
        status="open",
        priority_band="P1",
        queue="intake",
        location_id=loc.id,
        first_received_at=first,
    )
    k2 = b.case(
        "k2",
        ago(days=5),
        status="contacting",
        priority_band="P2",
        queue="spine",
        first_received_at=ago(days=5, hours=3),
    )
    b.case("k3", ago(days=10, hours=1), status="open", queue="intake")  # no referral
    k4 = b.case("k4", ago(days=50), status="scheduled", priority_band="P1")
    b.case("k5", ago(days=60), status="closed", closed_at=ago(days=2))
    await b.flush()
    # k1's first referral was received 40 days ago (a second came yesterday).
    b.referral("r1a", first, stage="triaged", case_id=k1.id)
    b.referral("r1b", ago(days=1), stage="triaged", case_id=k1.id)
    b.referral("r2", ago(days=5, hours=3), stage="triaged", case_id=k2.id)
    b.referral("r4", ago(days=50), stage="triaged", case_id=k4.id)
    b.referral("w1", ago(hours=2), stage="received", source="fax")
    b.referral("w2", ago(days=3, hours=1), stage="processing")
    b.referral("w3", ago(days=20), stage="review", source="upload")
    b.referral("done", ago(days=90), stage="duplicate")


async def noise(b: Builder) -> None:
    case = b.case("n1", ago(days=100), status="open", priority_band="P1")
    await b.flush()
    b.referral("nr", ago(days=100), stage="triaged", case_id=case.id)
    b.referral("nw", ago(days=100), stage="review")


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["key"]: r["count"] for r in rows}


async def test_backlog_by_status_band_queue_location_and_age(app: Any, world: World) -> None:
    ids = await build(app, world.a.id, fill)
    await build(app, world.b.id, noise)
    response = await world.a.viewer.client.get("/api/backlog")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["openCases"] == 3
    assert counts(body["byStatus"]) == {"open": 2, "contacting": 1}
    assert counts(body["byPriorityBand"]) == {"P1": 1, "P2": 1, "none": 1}
    assert counts(body["byQueue"]) == {"intake": 2, "spine": 1}
    assert {r["key"]: (r["label"], r["count"]) for r in body["byLocation"]} == {
        "none": ("none", 2),
        ids["loc1"]: ("North Clinic", 1),
    }
    assert [(b["key"], b["count"]) for b in body["aging"]] == [
        ("0-2", 0),
        ("3-7", 1),
        ("8-14", 1),
        ("15-30", 0),
        ("31+", 1),
    ]
    oldest = body["oldestCases"]
    assert [(c["caseId"], c["ageDays"]) for c in oldest] == [
        (ids["k1"], 40),
        (ids["k3"], 10),
        (ids["k2"], 5),
    ]
    assert (oldest[0]["firstName"], oldest[0]["lastName"]) == ("Pat", "K1")
    waiting = {w["stage"]: w for w in body["waiting"]}
    assert {s: w["count"] for s, w in waiting.items()} == {
        "received": 1,
        "processing": 1,
        "review": 1,
    }
    assert counts(waiting["review"]["aging"])["15-30"] == 1
    assert counts(waiting["processing"]["aging"])["3-7"] == 1
    assert [w["referralId"] for w in body["oldestWaiting"]] == [ids["w3"], ids["w2"], ids["w1"]]
    assert 1.9 < body["oldestWaiting"][2]["ageHours"] < 2.2
    assert "firstName" not in str(body["oldestWaiting"])


async def test_reading_the_oldest_cases_is_audited_as_a_patient_read(
    app: Any, world: World
) -> None:
    ids = await build(app, world.a.id, fill)
    response = await world.a.key_client.get("/api/backlog", params={"oldest": 2})
    assert [c["caseId"] for c in response.json()["oldestCases"]] == [ids["k1"], ids["k3"]]
    [read] = await audit_details(app, org_id=world.a.id, action="patient.read")
    assert read["ids"] == [ids["k1_patient"], ids["k3_patient"]]
    [listed] = await audit_details(app, org_id=world.a.id, action="case.list")
    assert listed["ids"] == [ids["k1"], ids["k3"]]
    # Without the list, no names and no patient read.
    await world.a.viewer.client.get("/api/backlog", params={"oldest": 0})
    assert len(await audit_details(app, org_id=world.a.id, action="patient.read")) == 1


async def test_aging_buckets_come_from_the_org_config(app: Any, world: World) -> None:
    await build(app, world.a.id, fill)
    await set_config(app, world.a.id, backlogAgingDays=[7])
    body = (await world.a.viewer.client.get("/api/backlog")).json()
    assert [(b["key"], b["count"]) for b in body["aging"]] == [("0-7", 1), ("8+", 2)]
    refused = await world.a.admin.client.patch(
        f"/api/orgs/{world.a.id}/config", json={"backlogAgingDays": [7, 3]}
    )
    assert_error(refused, 422, "validation_failed")


async def test_empty_org_backlog(world: World) -> None:
    body = (await world.b.viewer.client.get("/api/backlog")).json()
    assert body["openCases"] == 0 and body["byStatus"] == [] and body["oldestCases"] == []
    assert [b["count"] for b in body["aging"]] == [0, 0, 0, 0, 0]
    assert [(w["stage"], w["count"]) for w in body["waiting"]] == [
        ("received", 0),
        ("processing", 0),
        ("review", 0),
    ]


async def test_backlog_refusals(world: World) -> None:
    assert_error(await world.anon.get("/api/backlog"), 401)
    assert_error(await world.b.admin.client.get("/api/backlog", params={"orgId": world.a.id}), 403)
    assert_error(await world.a.viewer.client.get("/api/backlog", params={"oldest": 101}), 422)


BACKLOG = """
query ($org: ID) {
  backlog(orgId: $org, oldest: 1) {
    openCases aging { key count } oldestCases { caseId ageDays firstName }
    waiting { stage count }
  }
}
"""


async def test_graphql_backlog(app: Any, world: World) -> None:
    ids = await build(app, world.a.id, fill)
    body = await gql(world.a.viewer.client, BACKLOG, org=world.a.id)
    assert "errors" not in body, body
    backlog = body["data"]["backlog"]
    assert backlog["openCases"] == 3
    assert backlog["oldestCases"] == [{"caseId": ids["k1"], "ageDays": 40, "firstName": "Pat"}]
    foreign = await gql(world.b.viewer.client, BACKLOG, org=world.a.id)
    assert foreign["data"] == {"backlog": None}


async def test_the_write_path_keeps_the_first_receipt_of_a_case(app: Any, world: World) -> None:
    """attach_referral keeps first_received_at at the earliest referral of the case."""
    from app.db import transaction
    from models import Case, Referral, utcnow
    from models.extraction import TriageResult
    from resolvers import matching
    from tests.case_fixtures import make_case, system_context

    made = await make_case(app, world.a.id)
    async with transaction(app.state.sessions) as session:
        case = await session.get(Case, made.id)
        referral = await session.get(Referral, made.referral_id)
        assert case is not None and referral is not None
        assert case.first_received_at == referral.created_at
        earlier = Referral(
            org_id=world.a.id,
            patient_id=case.patient_id,
            triage=TriageResult(level=2, priority_band="P1"),
            created_at=referral.created_at - timedelta(days=3),
            updated_at=utcnow(),
        )
        session.add(earlier)
        joined = await matching.attach_referral(system_context(app, session), earlier)
        assert joined.id == case.id
    body = (await world.a.viewer.client.get("/api/backlog")).json()
    assert [(c["caseId"], c["ageDays"]) for c in body["oldestCases"]] == [(made.id, 3)]


async def test_aging_buckets_change_at_whole_days_of_age(app: Any, world: World) -> None:
    """A case is in 0-2 until it is 3 full days old, then in 3-7 (cut-offs, not rounding)."""

    async def edges(b: Builder) -> None:
        for name, age in (
            ("young", ago(days=3, seconds=-60)),  # 2 days 23:59 old
            ("three", ago(days=3, seconds=60)),
            ("seven", ago(days=8, seconds=-60)),
            ("eight", ago(days=8, seconds=60)),
        ):
            b.case(name, age, status="open")
            b.referral(name + "_w", age, stage="review")

    await build(app, world.a.id, edges)
    body = (await world.a.viewer.client.get("/api/backlog")).json()
    expected = {"0-2": 1, "3-7": 2, "8-14": 1, "15-30": 0, "31+": 0}
    assert counts(body["aging"]) == expected
    review = {w["stage"]: w for w in body["waiting"]}["review"]
    assert counts(review["aging"]) == expected
    assert [c["ageDays"] for c in body["oldestCases"]] == [8, 7, 3, 2]
