"""Cases with documents, ready for the EMR queue, and the bridge's calls as small helpers."""

from typing import Any

import httpx

from app.settings import Settings
from tests.referral_fixtures import extraction, load_referral, seed_referral

CHART_QUEUE = "/api/emr/queue"
CHART_CALLBACK = "/api/emr/queue/callback"
DOCUMENT_QUEUE = "/api/emr/document-queue"
DOCUMENT_CALLBACK = "/api/emr/document-queue/callback"


async def triaged_case(
    app: Any,
    settings: Settings,
    org_id: str,
    *,
    first: str = "Jane",
    last: str = "Doe",
    documents: int = 2,
    referrer: bool = True,
) -> str:
    """A triaged case (a new patient) whose referral carries ``documents`` PDFs."""
    referral_id = await seed_referral(
        app,
        settings,
        org_id,
        extracted=extraction(patient={"firstName": first, "lastName": last}),
        documents_count=documents,
        triaged=True,
        referrer=referrer,
    )
    referral = await load_referral(app, referral_id)
    assert referral.case_id is not None
    return referral.case_id


async def queue(client: httpx.AsyncClient, case_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/api/cases/{case_id}/emr-queue", json=body)


async def poll(client: httpx.AsyncClient, path: str = CHART_QUEUE, **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["count"] == len(body["items"])
    return body


async def callback(
    client: httpx.AsyncClient, path: str, *results: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(path, json={"results": list(results)})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def of_case(body: dict[str, Any], case_id: str) -> list[dict[str, Any]]:
    return [item for item in body["items"] if item["caseId"] == case_id]
