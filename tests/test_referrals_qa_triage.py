"""QA checks and triage (automatic by the org's rules, and manual overrides)."""

from datetime import date, timedelta
from typing import Any

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from app.db import transaction
from app.settings import Settings
from models import Case, Referral, ReferralStage
from models.extraction import Extraction, Urgency
from resolvers import qa, referrals, triage
from resolvers.org_config import OrgConfig
from tests.case_fixtures import system_context
from tests.conftest import World, assert_error
from tests.referral_fixtures import (
    EXTRACTION,
    TRIAGE_RULES,
    configure,
    extraction,
    load_referral,
    person,
    seed_referral,
)

# Explicit, so that parametrized tests keep their parameters under anyio.
pytestmark = pytest.mark.anyio


# -- QA -----------------------------------------------------------------------------------------


async def test_qa_passes_a_complete_extraction_and_keeps_the_stage(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction())
    response = await world.a.coordinator.client.post(f"/api/referrals/{rid}/qa")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["qa"]["passed"] is True and body["qa"]["issues"] == []
    assert body["qa"]["checkedAt"].endswith("Z") and body["stage"] == "received"
    stored = await load_referral(app, rid)
    assert stored.qa is not None
    assert stored.qa.model_dump(mode="json", by_alias=True) == body["qa"]


async def test_qa_reports_each_problem_and_moves_the_referral_to_review(
    app: Any, settings: Settings, world: World
) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    bad = extraction(
        patient={"dob": tomorrow, "phone": "555-1234"},
        insurance={"memberId": None},
        referrer={"npi": "1234567890", "providerName": None, "practiceName": None},
        clinical={"reason": ""},
    )
    bad["confidence"]["patient.firstName"] = 0.5
    rid = await seed_referral(app, settings, world.a.id, extracted=bad)
    body = (await world.a.key_client.post(f"/api/referrals/{rid}/qa")).json()
    assert body["stage"] == "review" and body["qa"]["passed"] is False
    found = {(i["field"], i["code"], i["severity"]) for i in body["qa"]["issues"]}
    assert found == {
        ("insurance.memberId", "missing", "error"),
        ("clinical.reason", "missing", "error"),
        ("referrer", "missing", "error"),
        ("patient.dob", "in_future", "error"),
        ("patient.phone", "invalid_format", "error"),
        ("referrer.npi", "invalid_check_digit", "error"),
        ("patient.firstName", "low_confidence", "error"),
    }
    assert all(i["message"] for i in body["qa"]["issues"])
    assert (await load_referral(app, rid)).stage == ReferralStage.review


async def test_qa_uses_the_orgs_confidence_threshold_and_warns_on_optional_fields(
    app: Any, settings: Settings, world: World
) -> None:
    shaky = extraction(referrer={"fax": "fax me"})
    shaky["confidence"]["patient.firstName"] = 0.5
    shaky["confidence"]["insurance.groupNumber"] = 0.1
    rid = await seed_referral(app, settings, world.a.id, extracted=shaky)
    assert (await world.a.coordinator.client.post(f"/api/referrals/{rid}/qa")).json()["qa"][
        "passed"
    ] is False
    await configure(world, qaMinConfidence=0.4)
    body = (await world.a.coordinator.client.post(f"/api/referrals/{rid}/qa")).json()
    assert body["qa"]["passed"] is True
    assert {(i["field"], i["severity"]) for i in body["qa"]["issues"]} == {
        ("referrer.fax", "warning"),
        ("insurance.groupNumber", "warning"),
    }


async def test_qa_refusals_change_nothing(app: Any, settings: Settings, world: World) -> None:
    empty = await seed_referral(app, settings, world.a.id)
    assert_error(await world.a.coordinator.client.post(f"/api/referrals/{empty}/qa"), 409)
    rid = await seed_referral(
        app, settings, world.a.id, extracted=extraction(patient={"dob": None})
    )
    assert_error(await world.a.viewer.client.post(f"/api/referrals/{rid}/qa"), 403)
    assert_error(await world.b.admin.client.post(f"/api/referrals/{rid}/qa"), 404)
    stored = await load_referral(app, rid)
    assert stored.qa is None and stored.stage == ReferralStage.received


async def test_qa_failing_on_a_triaged_referral_keeps_it_triaged(
    app: Any, settings: Settings, world: World
) -> None:
    rid = await seed_referral(
        app, settings, world.a.id, extracted=extraction(patient={"phone": None}), triaged=True
    )
    body = (await world.a.coordinator.client.post(f"/api/referrals/{rid}/qa")).json()
    assert body["qa"]["passed"] is False and body["stage"] == "triaged"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)))
def test_qa_flags_exactly_the_impossible_birth_dates(dob: date) -> None:
    today = date(2026, 6, 1)
    result = qa.check(
        Extraction.model_validate(extraction(patient={"dob": dob.isoformat()})),
        OrgConfig(),
        today=today,
    )
    dob_codes = {i.code for i in result.issues if i.field == "patient.dob"}
    if dob > today:
        assert dob_codes == {"in_future"}
    elif dob.year < today.year - 130:
        assert dob_codes == {"invalid"}
    else:
        assert dob_codes == set() and result.passed


@given(st.text(max_size=20))
def test_qa_accepts_only_e164_phones(phone: str) -> None:
    result = qa.check(Extraction.model_validate(extraction(patient={"phone": phone})), OrgConfig())
    codes = {i.code for i in result.issues if i.field == "patient.phone"}
    if not phone:
        assert codes == {"missing"}
    elif phone.startswith("+") and phone[1:].isascii() and phone[1:].isdigit():
        valid = phone[1] != "0" and 8 <= len(phone) - 1 <= 15
        assert codes == (set() if valid else {"invalid_format"})
    else:
        assert codes == {"invalid_format"}


# -- triage -------------------------------------------------------------------------------------


async def test_automatic_triage_applies_the_orgs_rules_and_lists_those_that_fired(
    app: Any, settings: Settings, world: World
) -> None:
    await configure(world, **TRIAGE_RULES)
    rid = await seed_referral(
        app,
        settings,
        world.a.id,
        extracted=extraction(
            clinical={
                "reason": "Suspected hip FRACTURE after a fall",
                "diagnosisCodes": ["M17.11"],
                "urgency": "urgent",
            }
        ),
    )
    assert (await world.a.viewer.client.get(f"/api/referrals/{rid}/triage")).json()[
        "triage"
    ] is None
    response = await world.a.coordinator.client.post(f"/api/referrals/{rid}/triage", json={})
    assert response.status_code == 200, response.text
    result = response.json()["triage"]
    assert (result["level"], result["priorityBand"], result["queue"]) == (1, "P1", "trauma")
    assert result["source"] == "auto" and result["automatic"] is None
    assert [(r["name"], r["level"]) for r in result["rules"]] == [
        ("urgency", 2),
        ("Fracture", 1),
        ("Knee OA", 3),
        ("Flagged urgent", 2),
    ]
    assert result["rules"][1]["matched"] == [{"cue": "keyword", "value": "fracture"}]
    assert result["rules"][2]["matched"] == [{"cue": "diagnosisCode", "value": "M1711"}]
    assert result["setBy"] == world.a.coordinator.user_id and result["setAt"].endswith("Z")
    read = await world.a.viewer.client.get(f"/api/referrals/{rid}/triage")
    assert read.json()["triage"] == result


@pytest.mark.parametrize(
    ("urgency", "level", "band"),
    [
        ("stat", 1, "P1"),
        ("Emergent", 1, "P1"),
        ("urgent", 2, "P1"),
        ("routine", 4, "P3"),
        (None, 3, "P2"),
        ("whenever", 3, "P2"),
    ],
)
async def test_automatic_triage_from_the_urgency_cue(
    app: Any, settings: Settings, world: World, urgency: str | None, level: int, band: str
) -> None:
    rid = await seed_referral(
        app, settings, world.a.id, extracted=extraction(clinical={"urgency": urgency})
    )
    result = (await world.a.key_client.post(f"/api/referrals/{rid}/triage", json={})).json()
    assert (result["triage"]["level"], result["triage"]["priorityBand"]) == (level, band)
    assert result["triage"]["queue"] == "intake"


@given(
    urgency=st.sampled_from(["stat", "urgent", "routine", "", "soon"]),
    levels=st.lists(st.integers(min_value=1, max_value=5), max_size=4),
)
def test_automatic_triage_takes_the_most_urgent_cue(urgency: str, levels: list[int]) -> None:
    config = OrgConfig.model_validate(
        {
            "triageRules": [
                {"name": f"r{i}", "level": lv, "keywords": ["knee"]} for i, lv in enumerate(levels)
            ]
        }
    )
    result = triage.automatic(
        Extraction.model_validate(extraction(clinical={"urgency": urgency, "reason": "knee pain"})),
        config,
        set_by=None,
    )
    cue = Urgency.read(urgency)
    base = triage.URGENCY_LEVELS[cue] if cue else triage.DEFAULT_LEVEL
    assert result.level == min([base, *levels])
    assert result.priority_band == config.band_for(result.level)
    assert [r.name for r in result.rules if r.name != "urgency"] == [
        f"r{i}" for i in range(len(levels))
    ]


async def test_manual_override_keeps_who_why_and_the_automatic_result(
    app: Any, settings: Settings, world: World
) -> None:
    await configure(world, **TRIAGE_RULES)
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction(), triaged=True)
    before = (await world.a.viewer.client.get(f"/api/referrals/{rid}/triage")).json()["triage"]
    assert before["source"] == "auto"
    response = await world.a.coordinator.client.post(
        f"/api/referrals/{rid}/triage",
        json={"level": 2, "reason": "Spoke to the referrer: worsening", "queue": "joints"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    manual = body["triage"]
    assert (manual["level"], manual["priorityBand"], manual["queue"]) == (2, "P1", "joints")
    assert manual["source"] == "manual" and manual["reason"] == "Spoke to the referrer: worsening"
    assert manual["setBy"] == world.a.coordinator.user_id and manual["rules"] == []
    assert manual["automatic"]["level"] == before["level"]
    assert manual["automatic"]["source"] == "auto"

    again = await world.a.admin.client.post(
        f"/api/referrals/{rid}/triage",
        json={"level": 5, "reason": "Patient asked to wait", "priorityBand": "P4"},
    )
    second = again.json()["triage"]
    assert second["automatic"] == manual["automatic"] and second["queue"] == "joints"
    assert second["setBy"] == world.a.admin.user_id and second["priorityBand"] == "P4"
    async with transaction(app.state.sessions) as session:
        case = await session.get(Case, body["caseId"])
        assert case is not None
        assert (case.triage_level, case.priority_band, case.queue) == (5, "P4", "joints")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"level": 2}, "reason"),
        ({"level": 2, "reason": "   "}, "reason"),
        ({"level": 0, "reason": "x"}, "level"),
        ({"level": 6, "reason": "x"}, "level"),
        ({"level": "high", "reason": "x"}, "level"),
        ({"level": 2, "reason": "x", "queue": "nowhere"}, "queue"),
        ({"level": 2, "reason": "x", "priorityBand": "P9"}, "priorityBand"),
        ({"reason": "without a level"}, "reason"),
        ({"queue": "intake"}, "queue"),
        ({"level": 2, "reason": "x", "extra": 1}, "extra"),
    ],
)
async def test_bad_triage_input_is_422_and_changes_nothing(
    app: Any, settings: Settings, world: World, payload: dict[str, Any], field: str
) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction())
    error = assert_error(
        await world.a.coordinator.client.post(f"/api/referrals/{rid}/triage", json=payload), 422
    )
    assert error["details"][0]["field"] == field
    assert (await load_referral(app, rid)).triage is None


async def test_triage_refusals(app: Any, settings: Settings, world: World) -> None:
    rid = await seed_referral(app, settings, world.a.id, extracted=extraction())
    manual = {"level": 1, "reason": "x"}
    assert_error(await world.a.viewer.client.post(f"/api/referrals/{rid}/triage", json=manual), 403)
    assert_error(await world.b.admin.client.post(f"/api/referrals/{rid}/triage", json=manual), 404)
    assert_error(await world.b.viewer.client.get(f"/api/referrals/{rid}/triage"), 404)
    assert_error(
        await world.a.coordinator.client.post(
            f"/api/referrals/{rid}/triage",
            content=b"[1]",
            headers={"content-type": "application/json"},
        ),
        400,
    )
    bare = await seed_referral(app, settings, world.a.id)
    assert_error(
        await world.a.coordinator.client.post(f"/api/referrals/{bare}/triage", json={}), 409
    )
    dup = await seed_referral(
        app, settings, world.a.id, extracted=extraction(), stage=ReferralStage.duplicate
    )
    assert_error(
        await world.a.coordinator.client.post(f"/api/referrals/{dup}/triage", json=manual), 409
    )
    for referral_id in (rid, bare, dup):
        assert (await load_referral(app, referral_id)).triage is None


async def test_triage_events_are_audited(app: Any, settings: Settings, world: World) -> None:
    from models import AuditEvent

    rid = await seed_referral(app, settings, world.a.id, extracted=EXTRACTION)
    await world.a.coordinator.client.post(
        f"/api/referrals/{rid}/triage", json={"level": 1, "reason": "red flags"}
    )
    await world.a.viewer.client.get(f"/api/referrals/{rid}/triage")
    async with transaction(app.state.sessions) as session:
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.resource_id == rid)
                .order_by(AuditEvent.created_at)
            )
        ).all()
    actions = [(e.action, e.actor_id) for e in events if e.action.startswith("referral.triage")]
    assert actions == [
        ("referral.triage", world.a.coordinator.user_id),
        ("referral.triage_read", world.a.viewer.user_id),
    ]
    assert events[-2].details["reason"] == "red flags"


async def test_a_stored_triage_with_only_its_level_reads_back(app: Any, world: World) -> None:
    from tests.case_fixtures import make_case

    made = await make_case(app, world.a.id)  # triage {"level", "priorityBand", "queue"} only
    response = await world.a.viewer.client.get(f"/api/referrals/{made.referral_id}/triage")
    assert response.status_code == 200, response.text
    assert response.json()["triage"]["level"] == 3


async def test_referrals_of_one_case_triaged_at_once_leave_it_at_the_most_urgent(
    app: Any, settings: Settings, world: World
) -> None:
    # Each triage reads the case's referrals to find the most urgent. Unless the case is
    # held first, the second reads the first's referral as it was and overwrites the case.
    # (The band stays as it is: a new band is copied onto every referral of the case, which
    # would hold the second referral too.)
    first, second = [
        await seed_referral(
            app, settings, world.a.id, extracted=person("Ada", "Twin"), triaged=True
        )
        for _ in range(2)
    ]
    case_id = (await load_referral(app, first)).case_id
    assert case_id is not None and (await load_referral(app, second)).case_id == case_id
    band = (await load_referral(app, first)).case_priority_band
    answers: list[Any] = []

    async def override_second() -> None:
        body = {"level": 2, "reason": "worse since the fax", "priorityBand": band}
        answers.append(
            await world.a.coordinator.client.post(f"/api/referrals/{second}/triage", json=body)
        )

    async with app.state.sessions() as session:
        ctx = system_context(app, session)
        referral = await session.get(Referral, first)
        assert referral is not None
        config = await referrals.config_for(ctx, world.a.id)
        urgent = triage.manual(
            current=referral.triage,
            config=config,
            level=1,
            reason="seen in clinic today",
            queue=None,
            priority_band=band,
            set_by=None,
        )
        await triage.apply(ctx, referral, urgent)
        await session.flush()  # the first referral and its case are now changed, not committed
        async with anyio.create_task_group() as group:
            group.start_soon(override_second)
            await anyio.sleep(0.5)  # the second is now waiting for the first
            await session.commit()
    assert answers[0].status_code == 200, answers[0].text
    async with transaction(app.state.sessions) as session:
        case = await session.get(Case, case_id)
        assert case is not None
        assert case.triage_level == 1
