"""Overview stats, metrics series and conversion: each figure against a hand count.

The org is in America/New_York and the range is 2026-03-07 … 2026-03-09 local, across the
DST change of 2026-03-08 02:00 (local midnights: Mar 7 05:00Z, Mar 8 05:00Z, Mar 9 04:00Z,
Mar 10 04:00Z). Org b holds rows on the same days that must not count.
"""

from typing import Any

import pytest

from tests.conftest import World, assert_error, gql
from tests.reporting_fixtures import (
    Builder,
    at,
    build,
    extraction,
    qa_missing,
    set_config,
    triage,
)

RANGE = {"from": "2026-03-07", "to": "2026-03-09"}
ZONE = "America/New_York"


async def fill(b: Builder) -> None:
    p1 = b.practice("p1", "Valley Family Medicine")
    loc1 = b.location("loc1", "North Clinic")
    await b.flush()
    c1 = b.case(
        "c1",
        at("2026-03-07 08:00"),
        status="scheduled",
        priority_band="P2",
        practice_id=p1.id,
        location_id=loc1.id,
        scheduled_for=at("2026-12-30 15:00"),
        emr_status="created",
    )
    c2 = b.case(
        "c2",
        at("2026-03-08 09:00"),
        status="closed",
        priority_band="P3",
        close_reason="patient declined",
        closed_at=at("2026-03-09 16:00"),
    )
    c3 = b.case(
        "c3",
        at("2026-03-10 02:00"),  # 22:00 EDT on Mar 9
        status="open",
        priority_band="P1",
        practice_id=p1.id,
        location_id=loc1.id,
        emr_status="queued",
    )
    old = b.case("old", at("2026-02-01 12:00"), status="scheduled", priority_band="P2")
    await b.flush()
    common = {"stage": "triaged", "source": "fax"}
    b.referral(
        "r1",
        at("2026-03-07 06:00"),  # 01:00 EST Mar 7
        case_id=c1.id,
        processed_at=at("2026-03-07 07:00"),
        triaged_at=at("2026-03-07 08:00"),
        needed_review=True,
        qa=qa_missing("patient.phone", "insurance.memberId"),
        extraction=extraction("Blue Cross", "M17.11"),
        triage=triage("P2", "knee"),
        **common,
    )
    b.referral(
        "r2",
        at("2026-03-08 04:30"),  # 23:30 EST Mar 7: day 0, not Mar 8 as in UTC
        case_id=c2.id,
        processed_at=at("2026-03-08 05:00"),
        triaged_at=at("2026-03-08 08:30"),
        extraction=extraction("Aetna", "I10"),
        triage=triage("P3", "cardiac"),
        **common,
    )
    b.referral(
        "r3",
        at("2026-03-09 03:30"),  # 23:30 EDT Mar 8
        stage="review",
        source="upload",
        processed_at=at("2026-03-09 03:40"),
        needed_review=True,
        qa=qa_missing("patient.phone"),
        extraction=extraction(None, None),
    )
    b.referral("r4", at("2026-03-09 04:30"), stage="duplicate")  # 00:30 EDT Mar 9 (EST: Mar 8)
    b.referral("r5", at("2026-03-09 12:00"), stage="failed", source="fax")
    b.referral(
        "r6",
        at("2026-03-10 03:59"),  # 23:59 EDT Mar 9
        case_id=c3.id,
        processed_at=at("2026-03-10 04:30"),
        triaged_at=at("2026-03-10 13:59"),
        extraction=extraction("Blue Cross", "S82.1"),
        triage=triage("P1", "fracture"),
        **common,
    )
    b.referral("after", at("2026-03-10 04:00"), stage="received")  # 00:00 EDT Mar 10
    b.referral("before", at("2026-03-07 04:59"), stage="received")  # 23:59 EST Mar 6
    b.referral("r_old", at("2026-02-01 12:00"), case_id=old.id, **common)
    b.event("a1", c1, "attempt", at("2026-03-07 10:00"), channel="phone", outcome="no_answer")
    b.event("a2", c1, "attempt", at("2026-03-08 10:00"), channel="phone", outcome="reached")
    b.event("s1", c1, "scheduled", at("2026-03-08 14:00"), scheduled_for=at("2026-12-30 15:00"))
    b.event("a3", c2, "attempt", at("2026-03-08 10:00"), channel="phone", outcome="reached")
    b.event("x2", c2, "close", at("2026-03-09 16:00"), reason="patient declined")
    # A reschedule in the range of a case first scheduled before it: not "scheduled" again.
    b.event("s_old", old, "scheduled", at("2026-02-05 10:00"))
    b.event("a_old", old, "attempt", at("2026-03-08 11:00"), channel="sms", outcome="reached")
    b.event("s_old2", old, "scheduled", at("2026-03-08 15:00"))
    b.chart(
        "q1", c1, at("2026-03-09 10:00"), status="completed", completed_at=at("2026-03-09 15:00")
    )
    b.chart("q3", c3, at("2026-03-10 05:00"), status="pending", last_attempt_failed=True)
    b.chart("q_old", old, at("2026-03-01 05:00"), status="pending")


async def noise(b: Builder) -> None:
    """Org b: the same kinds of rows on the same days."""
    case = b.case("n1", at("2026-03-08 09:00"), status="scheduled", priority_band="P1")
    await b.flush()
    b.referral(
        "nr",
        at("2026-03-08 12:00"),
        stage="triaged",
        case_id=case.id,
        triaged_at=at("2026-03-08 13:00"),
    )
    b.event("ns", case, "scheduled", at("2026-03-08 14:00"))
    b.event("na", case, "attempt", at("2026-03-08 13:30"))
    b.chart(
        "nq", case, at("2026-03-08 14:00"), status="completed", completed_at=at("2026-03-08 15:00")
    )


@pytest.fixture
async def data(app: Any, world: World) -> dict[str, str]:
    await set_config(app, world.a.id, timezone=ZONE)
    ids = await build(app, world.a.id, fill)
    await build(app, world.b.id, noise)
    return ids


async def test_overview_counts_each_figure_as_defined(world: World, data: dict[str, str]) -> None:
    response = await world.a.viewer.client.get("/api/dashboard/overview-stats", params=RANGE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["range"] == {
        "from": "2026-03-07",
        "to": "2026-03-09",
        "timezone": ZONE,
        "start": "2026-03-07T05:00:00Z",
        "end": "2026-03-10T04:00:00Z",
    }
    assert body["referrals"] == {
        "received": 6,
        "processed": 4,
        "inReview": 1,
        "triaged": 3,
        "duplicates": 1,
        "failed": 1,
        "neededReview": 2,
    }
    assert body["cases"] == {
        "opened": 3,
        "scheduled": 1,
        "closed": 1,
        "closedByReason": [{"reason": "patient declined", "count": 1}],
    }
    # to triage: 2 h, 4 h, 10 h; to first attempt: 4 h, 5.5 h; to scheduled: 32 h.
    assert body["timing"] == {
        "toTriage": {"count": 3, "medianHours": 4.0, "p90Hours": 8.8},
        "toFirstAttempt": {"count": 2, "medianHours": 4.75, "p90Hours": 5.35},
        "toScheduled": {"count": 1, "medianHours": 32.0, "p90Hours": 32.0},
    }
    assert body["attemptsPerScheduledCase"] == 2.0
    assert body["emrChartsCreated"] == 1
    assert body["emr"] == {"pending": 1, "failing": 1}


async def test_conversion_leakage_and_review(world: World, data: dict[str, str]) -> None:
    response = await world.a.key_client.get("/api/dashboard/overview-stats", params=RANGE)
    assert response.status_code == 200, response.text
    conv = response.json()["conversion"]
    # Received in range, duplicates left out: r1, r2, r3, r5, r6; only r1's case scheduled.
    assert (conv["referrals"], conv["scheduled"], conv["rate"]) == (5, 1, 0.2)
    p1 = data["p1"]
    assert conv["byPractice"] == [
        {"key": "none", "label": "none", "total": 3, "count": 0, "rate": 0.0},
        {"key": p1, "label": "Valley Family Medicine", "total": 2, "count": 1, "rate": 0.5},
    ]
    assert conv["byPayer"] == [
        {"key": "Blue Cross", "label": "Blue Cross", "total": 2, "count": 1, "rate": 0.5},
        {"key": "none", "label": "none", "total": 2, "count": 0, "rate": 0.0},
        {"key": "Aetna", "label": "Aetna", "total": 1, "count": 0, "rate": 0.0},
    ]
    assert [(r["key"], r["total"], r["count"]) for r in conv["byPriorityBand"]] == [
        ("none", 2, 0),
        ("P1", 1, 0),
        ("P2", 1, 1),
        ("P3", 1, 0),
    ]
    # Leaked: r3 (review, no case), r5 (failed), r6 (open case); r2's case is closed.
    assert conv["leakDays"] == 14 and conv["leaked"] == 3
    assert [(r["referralId"], r["stage"], r["source"]) for r in conv["leakedReferrals"]] == [
        (data["r3"], "review", "upload"),
        (data["r5"], "failed", "fax"),
        (data["r6"], "triaged", "fax"),
    ]
    assert conv["leakedReferrals"][2]["practiceName"] == "Valley Family Medicine"
    assert "firstName" not in str(conv)
    assert (conv["neededReview"], conv["reviewRate"]) == (2, 0.4)
    assert conv["missingFields"] == [
        {"field": "patient.phone", "count": 2},
        {"field": "insurance.memberId", "count": 1},
    ]


async def test_leak_days_come_from_the_org_config(
    app: Any, world: World, data: dict[str, str]
) -> None:
    await set_config(app, world.a.id, leakDays=3000)
    conv = (await world.a.viewer.client.get("/api/dashboard/overview-stats", params=RANGE)).json()[
        "conversion"
    ]
    assert conv["leakDays"] == 3000 and conv["leaked"] == 0


async def test_daily_metrics_bucket_by_local_day_across_dst(
    world: World, data: dict[str, str]
) -> None:
    response = await world.a.viewer.client.get("/api/metrics", params=RANGE)
    assert response.status_code == 200, response.text
    points = response.json()["points"]
    assert [p["date"] for p in points] == ["2026-03-07", "2026-03-08", "2026-03-09"]
    assert [p["referrals"]["received"] for p in points] == [2, 1, 3]
    assert [p["referrals"]["triaged"] for p in points] == [2, 0, 1]
    assert [p["cases"]["opened"] for p in points] == [1, 1, 1]
    assert [p["cases"]["scheduled"] for p in points] == [0, 1, 0]
    assert [p["cases"]["closed"] for p in points] == [0, 0, 1]
    assert [p["attemptsPerScheduledCase"] for p in points] == [None, 2.0, None]
    assert [p["emrChartsCreated"] for p in points] == [0, 0, 1]
    assert [p["timing"]["toTriage"]["medianHours"] for p in points] == [3.0, None, 10.0]
    assert points[0]["timing"]["toFirstAttempt"] == {
        "count": 2,
        "medianHours": 4.75,
        "p90Hours": 5.35,
    }


async def test_weekly_metrics_cover_whole_weeks(world: World, data: dict[str, str]) -> None:
    response = await world.a.viewer.client.get("/api/metrics", params={**RANGE, "interval": "week"})
    body = response.json()
    # Sat Mar 7 → the week of Mon Mar 2; Mon Mar 9 → the week of Mon Mar 9.
    assert (body["range"]["from"], body["range"]["to"]) == ("2026-03-02", "2026-03-15")
    assert [(p["date"], p["referrals"]["received"]) for p in body["points"]] == [
        ("2026-03-02", 4),  # r1, r2, r3 and "before" (Mar 6)
        ("2026-03-09", 4),  # r4, r5, r6 and "after" (Mar 10)
    ]


async def test_metrics_as_csv(world: World, data: dict[str, str]) -> None:
    response = await world.a.viewer.client.get("/api/metrics", params={**RANGE, "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["referralsReceived", "referralsProcessed", "referralsInReview"]
    assert "timingToTriageMedianHours" in header and header[-1] == "date"
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    assert [(r["date"], r["referralsReceived"]) for r in rows] == [
        ("2026-03-07", "2"),
        ("2026-03-08", "1"),
        ("2026-03-09", "3"),
    ]
    assert rows[1]["timingToTriageMedianHours"] == ""


async def test_empty_org_and_range_without_data_answer_zeros(world: World) -> None:
    overview = (await world.b.viewer.client.get("/api/dashboard/overview-stats")).json()
    assert overview["referrals"]["received"] == 0 and overview["cases"]["opened"] == 0
    assert overview["timing"]["toTriage"] == {"count": 0, "medianHours": None, "p90Hours": None}
    assert overview["conversion"]["rate"] is None and overview["conversion"]["byPayer"] == []
    assert overview["emr"] == {"pending": 0, "failing": 0}
    days = (await world.b.viewer.client.get("/api/metrics")).json()["points"]
    assert len(days) == 30 and all(d["referrals"]["received"] == 0 for d in days)


async def test_a_range_with_no_data_in_an_org_with_data(world: World, data: dict[str, str]) -> None:
    params = {"from": "2025-01-01", "to": "2025-01-02"}
    body = (await world.a.viewer.client.get("/api/metrics", params=params)).json()
    assert [p["referrals"]["received"] for p in body["points"]] == [0, 0]


async def test_other_orgs_and_roles(world: World, data: dict[str, str]) -> None:
    other = await world.b.viewer.client.get(
        "/api/dashboard/overview-stats", params={**RANGE, "orgId": world.a.id}
    )
    assert_error(other, 403, "forbidden")
    key = await world.b.key_client.get("/api/metrics", params={"orgId": world.a.id})
    assert_error(key, 403, "forbidden")
    assert_error(await world.anon.get("/api/dashboard/overview-stats"), 401)
    # Org b's own report sees none of org a's rows, and org a's none of b's.
    mine = (await world.b.viewer.client.get("/api/dashboard/overview-stats", params=RANGE)).json()
    assert mine["referrals"]["received"] == 1 and mine["cases"]["scheduled"] == 1


async def test_bad_ranges_answer_422(world: World) -> None:
    client = world.a.viewer.client
    for params, field in (
        ({"from": "2026-03-09", "to": "2026-03-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"interval": "hour"}, "interval"),
        ({"format": "xlsx"}, "format"),
    ):
        response = await client.get("/api/metrics", params=params)
        body = assert_error(response, 422, "validation_failed")
        assert field in str(body), (params, body)


OVERVIEW = """
query ($org: ID, $from: Date, $to: Date) {
  overviewStats(orgId: $org, from: $from, to: $to) {
    range { from to timezone }
    referrals { received triaged }
    timing { toTriage { medianHours p90Hours } }
    emr { pending failing }
    conversion { rate leaked byPayer { key total count } }
  }
  metrics(orgId: $org, from: $from, to: $to, interval: DAY) {
    interval points { date referrals { received } }
  }
}
"""


async def test_graphql_gives_the_same_figures(world: World, data: dict[str, str]) -> None:
    body = await gql(world.a.viewer.client, OVERVIEW, org=world.a.id, **RANGE)
    assert "errors" not in body, body
    stats = body["data"]["overviewStats"]
    assert stats["range"] == {"from": "2026-03-07", "to": "2026-03-09", "timezone": ZONE}
    assert stats["referrals"] == {"received": 6, "triaged": 3}
    assert stats["timing"]["toTriage"] == {"medianHours": 4.0, "p90Hours": 8.8}
    assert stats["emr"] == {"pending": 1, "failing": 1}
    assert stats["conversion"]["rate"] == 0.2 and stats["conversion"]["leaked"] == 3
    series = body["data"]["metrics"]
    assert series["interval"] == "DAY"
    assert [p["referrals"]["received"] for p in series["points"]] == [2, 1, 3]
    foreign = await gql(world.b.viewer.client, OVERVIEW, org=world.a.id, **RANGE)
    assert foreign["data"] == {"overviewStats": None, "metrics": None}
