"""Request log lines (JSON, no patient data) and Prometheus metrics on their own port."""

import json
import logging
import re
import secrets
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app import prom
from app.db import transaction
from app.main import create_app
from app.observability import ACCESS_LOGGER, JsonFormatter, bound_request_id
from models import EmrChartItem, Job, utcnow
from tests.case_fixtures import make_case
from tests.conftest import World, make_settings

FORMAT = JsonFormatter()


def lines_of(caplog: pytest.LogCaptureFixture, logger: str) -> list[dict[str, Any]]:
    return [json.loads(FORMAT.format(r)) for r in caplog.records if r.name == logger]


async def test_one_json_line_per_request_names_route_caller_and_no_patient_data(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    patient = await world.a.key_client.post(
        "/api/patients", json={"firstName": "Zelda", "lastName": "Quixote", "dob": "1970-01-01"}
    )
    found = await world.a.admin.client.get(
        f"/api/patients/{patient.json()['id']}", headers={"x-request-id": "trace-me-1"}
    )
    searched = await world.a.key_client.get("/api/patients", params={"q": "quixote zelda"})
    refused = await world.anon.get("/api/patients")
    lines = lines_of(caplog, ACCESS_LOGGER)
    assert len(lines) == 4
    created, read, search, anonymous = lines
    assert created["method"] == "POST" and created["route"] == "/api/patients"
    assert created["status"] == 201 and created["credential"] == "api_key"
    assert created["orgId"] == world.a.id
    assert read["route"] == "/api/patients/{id}" and read["status"] == 200
    assert read["requestId"] == "trace-me-1" == found.headers["x-request-id"]
    assert read["credential"] == "id_token" and read["orgId"] == world.a.id
    assert search["requestId"] == searched.headers["x-request-id"]
    assert anonymous["status"] == 401 and anonymous["credential"] == "none"
    assert anonymous["orgId"] is None
    assert all(isinstance(line["durationMs"], float) for line in lines)
    text = json.dumps(lines).lower()
    assert "zelda" not in text and "quixote" not in text and "1970" not in text
    assert patient.json()["id"] not in text  # the route template, never the concrete path
    assert refused.status_code == 401


async def test_a_log_line_written_during_a_request_carries_its_id(
    app: Any, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="intakedesk")

    async def noisy(request: Request) -> JSONResponse:
        logging.getLogger("intakedesk.test").info("working on it")
        return JSONResponse({"ok": True})

    app.router.routes.append(Route("/api/_noisy", noisy))
    try:
        response = await world.anon.get("/api/_noisy", headers={"x-request-id": "bridge-42"})
    finally:
        app.router.routes.pop()
    [line] = lines_of(caplog, "intakedesk.test")
    assert line["requestId"] == "bridge-42" == response.headers["x-request-id"]
    outside = logging.LogRecord("intakedesk.test", logging.INFO, "", 0, "idle", None, None)
    assert "requestId" not in json.loads(FORMAT.format(outside))


def test_a_worker_binds_the_id_of_the_request_that_queued_its_job(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="intakedesk")
    with bound_request_id("req_queued_by_api"):
        logging.getLogger("intakedesk.worker").info("job done")
    logging.getLogger("intakedesk.worker").info("idle")
    done, idle = lines_of(caplog, "intakedesk.worker")
    assert done["requestId"] == "req_queued_by_api" and done["message"] == "job done"
    assert "requestId" not in idle


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def metered(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[Any, int]]:
    """The app with its metrics port on (the session's app has it off, the default)."""
    port = free_port()
    settings = make_settings(database_url, tmp_path / "files", metrics_port=port)
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application, port


def sample(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_metrics_are_served_on_their_own_port_only(
    metered: tuple[Any, int], world: World, settings: Any
) -> None:
    app, port = metered
    kind = f"metrics_probe_{secrets.token_hex(3)}"
    made = await make_case(app, world.a.id)
    async with transaction(app.state.sessions) as session:
        job = Job(
            org_id=world.a.id,
            kind=kind,
            referral_id=made.referral_id,
            created_at=utcnow() - timedelta(hours=1),
            updated_at=utcnow(),
        )
        item = EmrChartItem(
            org_id=world.a.id,
            case_id=made.id,
            created_at=utcnow() - timedelta(hours=2),
            updated_at=utcnow(),
        )
        session.add_all([job, item])
    prom.count_rate_limit_refusal("referral-uploads")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as api:
        me = await api.get("/api/auth/me", headers={"x-api-key": world.a.api_key})
        on_api_port = await api.get("/metrics")
    assert me.status_code == 200
    assert on_api_port.status_code == 404 and "intakedesk_" not in on_api_port.text
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as scraper:
            scraped = await scraper.get("/metrics")
            elsewhere = await scraper.get("/api/auth/me")
    finally:
        async with transaction(app.state.sessions) as session:
            await session.delete(await session.get(Job, job.id))
            await session.delete(await session.get(EmrChartItem, item.id))
    assert scraped.status_code == 200 and elsewhere.status_code == 404
    assert scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    requests = sample(
        text, "intakedesk_http_requests_total", method="GET", route="/api/auth/me", status="200"
    )
    assert requests is not None and requests >= 1
    assert (
        sample(
            text,
            "intakedesk_http_request_duration_seconds_count",
            route="/api/auth/me",
            status="200",
        )
        or 0
    ) >= 1
    assert sample(text, "intakedesk_jobs_queued", kind=kind) == 1
    age = sample(text, "intakedesk_jobs_oldest_queued_age_seconds", kind=kind)
    assert age is not None and 3600 <= age < 3700
    assert (sample(text, "intakedesk_emr_queue_pending", queue="chart") or 0) >= 1
    assert (
        sample(text, "intakedesk_emr_queue_oldest_pending_age_seconds", queue="chart") or 0
    ) >= 7200
    assert sample(text, "intakedesk_emr_queue_pending", queue="document") is not None
    assert (
        sample(text, "intakedesk_rate_limit_refusals_total", limit="referral-uploads") or 0
    ) >= 1
    assert sample(text, "intakedesk_db_pool_connections", state="checked_out") is not None
