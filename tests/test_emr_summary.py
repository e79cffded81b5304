"""The Case Summary PDF: rendered on chart success, delivered, and saying what the case says."""

import io
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from pypdf import PdfReader

from app.pdf import render_case_summary
from resolvers.case_summary import (
    CaseSummary,
    SummaryContact,
    SummaryInsurance,
    SummaryPatient,
    SummaryTriage,
)
from tests.conftest import World
from tests.emr_fixtures import (
    CHART_CALLBACK,
    DOCUMENT_QUEUE,
    callback,
    of_case,
    poll,
    queue,
    triaged_case,
)

RULES = {
    "triageRules": [
        {"name": "knee-injury", "level": 2, "keywords": ["knee"]},
        {"name": "oa-codes", "level": 3, "diagnosisCodePrefixes": ["M17"]},
    ]
}


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join((p.extract_text() or "") for p in reader.pages)
    return len(reader.pages), " ".join(text.split())


async def test_summary_pdf_reads_back_the_case(app: Any, settings: Any, world: World) -> None:
    a = world.a
    assert (await a.admin.client.patch(f"/api/orgs/{a.id}/config", json=RULES)).status_code == 200
    case_id = await triaged_case(app, settings, a.id, first="Maria", last="Lopez", documents=2)
    note = {"type": "attempt", "channel": "phone", "outcome": "left_voicemail", "note": "Call back"}
    logged = await a.coordinator.client.post(f"/api/cases/{case_id}/contact", json=note)
    assert logged.status_code == 201, logged.text
    item_id = (await queue(a.coordinator.client, case_id)).json()["queueItemId"]
    await callback(
        a.key_client,
        CHART_CALLBACK,
        {"queueItemId": item_id, "status": "success", "emrChartId": "MRN-4711"},
    )
    [summary] = [
        d
        for d in of_case(await poll(a.key_client, DOCUMENT_QUEUE), case_id)
        if d["documentType"] == "summary"
    ]
    parts = urlsplit(summary["downloadUrl"])
    response = await world.anon.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200

    pages, text = text_of(response.content)
    assert pages == 1
    for expected in (
        "Case Summary",
        "Lopez, Maria",
        "1985-03-15",
        "MRN-4711",
        "Blue Cross",
        "XYZ123",
        "GRP456",
        "John Smith",
        "1234567893",
        "Valley Family Medicine",
        "Right knee pain",
        "M17.11",
        "knee-injury",
        "oa-codes",
        "keyword: knee",
        "left voicemail",
        "Call back",
        "fax-0.pdf",
        "fax-1.pdf",
        "P1",
    ):
        assert expected in text, expected


def _summary(**changes: Any) -> CaseSummary:
    values: dict[str, Any] = {
        "org_name": "Alpha Ortho",
        "case_id": "case_x",
        "case_status": "open",
        "created_at": datetime(2026, 1, 2, tzinfo=UTC),
        "scheduled_for": None,
        "location": None,
        "patient": SummaryPatient("Doe, Jane", date(1985, 3, 15), "F", None, None, None, None),
        "insurance": SummaryInsurance(None, None, None),
        "referrer": None,
        "reason": None,
        "diagnosis_codes": [],
        "urgency": None,
        "triage": SummaryTriage(None, None, None, None, None, []),
    }
    values.update(changes)
    return CaseSummary(**values)


def test_text_from_referrals_is_text_not_markup() -> None:
    summary = _summary(
        reason="<b>pain</b> & <script>x</script> level 2 → P1",
        patient=SummaryPatient("Ørsted, Zoë", None, None, None, None, None, None),
    )
    _, text = text_of(render_case_summary(summary))
    assert "<b>pain</b> & <script>x</script> level 2 -> P1" in text
    assert "Ørsted, Zoë" in text


def test_a_long_contact_history_flows_onto_more_pages() -> None:
    contacts = [
        SummaryContact(datetime(2026, 1, 2, tzinfo=UTC), "attempt", f"phone - no answer {n}")
        for n in range(80)
    ]
    pages, text = text_of(render_case_summary(_summary(contacts=contacts)))
    assert pages > 1 and "no answer 79" in text
