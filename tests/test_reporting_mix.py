"""GET /api/mix: the referrals received in a range by category, chapter, source and place."""

from typing import Any

import pytest

from resolvers.reporting import icd10
from tests.conftest import World, assert_error, gql
from tests.reporting_fixtures import build, set_config
from tests.test_reporting_kpis import RANGE, ZONE, fill, noise


@pytest.fixture
async def data(app: Any, world: World) -> dict[str, str]:
    await set_config(app, world.a.id, timezone=ZONE)
    ids = await build(app, world.a.id, fill)
    await build(app, world.b.id, noise)
    return ids


def table(rows: list[dict[str, Any]]) -> dict[str, tuple[int, float]]:
    return {r["key"]: (r["count"], r["share"]) for r in rows}


async def test_mix_counts_and_shares(world: World, data: dict[str, str]) -> None:
    response = await world.a.viewer.client.get("/api/mix", params=RANGE)
    assert response.status_code == 200, response.text
    body = response.json()
    # r1, r2, r3, r5, r6 (r4 is a duplicate; the others are outside the local range).
    assert body["referrals"] == 5
    assert table(body["byReasonCategory"]) == {
        "none": (2, 0.4),
        "cardiac": (1, 0.2),
        "fracture": (1, 0.2),
        "knee": (1, 0.2),
    }
    assert table(body["byIcd10Chapter"]) == {
        "unknown": (2, 0.4),
        "I00-I99": (1, 0.2),
        "M00-M99": (1, 0.2),
        "S00-T88": (1, 0.2),
    }
    labels = {r["key"]: r["label"] for r in body["byIcd10Chapter"]}
    assert labels["M00-M99"].startswith("Diseases of the musculoskeletal")
    assert table(body["byPractice"]) == {"none": (3, 0.6), data["p1"]: (2, 0.4)}
    assert table(body["byPayer"]) == {"Blue Cross": (2, 0.4), "none": (2, 0.4), "Aetna": (1, 0.2)}
    assert table(body["byPriorityBand"]) == {
        "none": (2, 0.4),
        "P1": (1, 0.2),
        "P2": (1, 0.2),
        "P3": (1, 0.2),
    }
    assert table(body["byLocation"]) == {"none": (3, 0.6), data["loc1"]: (2, 0.4)}


async def test_mix_as_csv(world: World, data: dict[str, str]) -> None:
    response = await world.a.key_client.get("/api/mix", params={**RANGE, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "dimension,key,label,count,share"
    assert "payer,Blue Cross,Blue Cross,2,0.4" in lines
    assert sum(1 for line in lines if line.startswith("priorityBand,")) == 4


async def test_csv_neutralises_formulas(app: Any, world: World) -> None:
    from tests.reporting_fixtures import Builder, at, extraction

    async def formula(b: Builder) -> None:
        b.referral("f", at("2026-03-08 12:00"), extraction=extraction("=HYPERLINK(1)", None))

    await build(app, world.a.id, formula)
    params = {"from": "2026-03-08", "to": "2026-03-08", "format": "csv"}
    text = (await world.a.viewer.client.get("/api/mix", params=params)).text
    assert "payer,'=HYPERLINK(1),'=HYPERLINK(1),1,1.0" in text


async def test_empty_and_foreign(world: World) -> None:
    body = (await world.b.viewer.client.get("/api/mix")).json()
    assert body["referrals"] == 0 and body["byPayer"] == []
    assert_error(await world.b.viewer.client.get("/api/mix", params={"orgId": world.a.id}), 403)
    foreign = await gql(
        world.b.viewer.client, "query ($o: ID) { mix(orgId: $o) { referrals } }", o=world.a.id
    )
    assert foreign["data"] == {"mix": None}


async def test_graphql_mix(world: World, data: dict[str, str]) -> None:
    query = """query ($from: Date, $to: Date) {
      mix(from: $from, to: $to) { referrals byIcd10Chapter { key count share } }
    }"""
    body = await gql(world.a.viewer.client, query, **RANGE)
    assert body["data"]["mix"]["referrals"] == 5
    assert {"key": "S00-T88", "count": 1, "share": 0.2} in body["data"]["mix"]["byIcd10Chapter"]


@pytest.mark.parametrize(
    ("code", "chapter"),
    [
        ("A41.9", "A00-B99"),
        ("d48.1", "C00-D49"),
        ("D50.0", "D50-D89"),
        ("H61.2", "H60-H95"),
        ("O9A.1", "O00-O9A"),
        ("T14", "S00-T88"),
        ("Z00.00", "Z00-Z99"),
        ("M1", None),
        ("", None),
        ("123", None),
    ],
)
def test_icd10_chapter_of(code: str, chapter: str | None) -> None:
    found = icd10.chapter_of(code)
    assert (found.key if found else None) == chapter


CODES = [
    "A41.9",
    "b20",
    "C50.9",
    "D49.6",
    "D50.0",
    "E11.9",
    "F32.A",
    "G43.909",
    "H40.9",
    "H66.90",
    "I10",
    "J45.909",
    "K21.9",
    "L40.0",
    "M17.11",
    "N18.3",
    "O9A.119",
    "P07.30",
    "Q21.1",
    "R07.9",
    "S82.101A",
    "T78.40XA",
    "U07.1",
    "V43.52",
    "Y93.89",
    "Z01.818",
    " m54.5 ",
    "M1",
    "9999",
    "",
    "W",
]


async def test_codes_as_written_fall_in_their_chapters(app: Any, world: World) -> None:
    from collections import Counter

    from tests.reporting_fixtures import Builder, at, extraction

    async def coded(b: Builder) -> None:
        for i, code in enumerate(CODES):
            b.referral(f"c{i}", at("2026-03-08 12:00"), extraction=extraction(None, code))

    await build(app, world.a.id, coded)
    expected = Counter(
        (c.key if (c := icd10.chapter_of(code)) else icd10.UNKNOWN) for code in CODES
    )
    params = {"from": "2026-03-08", "to": "2026-03-08"}
    body = (await world.a.viewer.client.get("/api/mix", params=params)).json()
    assert {r["key"]: r["count"] for r in body["byIcd10Chapter"]} == dict(expected)
    assert len(expected) == 23  # every one of the 22 chapters, and unknown
