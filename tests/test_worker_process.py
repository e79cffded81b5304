"""The production shape on PostgreSQL: a real uvicorn that runs no jobs, and separate
``intakedesk worker`` processes that do. A scanned fax is uploaded and reaches its case on
its own, though the worker running it is killed mid-run: another takes the run over and
finishes it, once. (One test for both: OCR and starting processes cost seconds each.)
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from app.db import create_engine, session_factory, transaction
from app.migrate import upgrade_head
from app.storage import build_storage
from bench.corpus import Packet, generate
from resolvers import api_keys, orgs
from resolvers.context import Context
from tests.conftest import empty_pg_database, make_settings

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "app.cli"]
SETTLE_SECONDS = 180


@cache
def scanned_fax() -> Packet:
    """A scanned referral form as a fax server stores it (an image PDF)."""
    return generate(30, "form", scanned=True)


@cache
def fax_bytes() -> bytes:
    """Its first page, the referral form itself: one page of OCR, a few seconds."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(scanned_fax().files[0].data)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class Deployment:
    env: dict[str, str]
    dsn: str
    base_url: str
    api_key: str
    workers: list[subprocess.Popen[str]]

    def start_worker(self) -> subprocess.Popen[str]:
        # Its own process group: killing it kills its process pool too, as a dead machine would.
        worker = subprocess.Popen(
            [*CLI, "worker"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _org_with_key(url: str, files: Path) -> tuple[str, str]:
    """The org and its API key, made through the resolvers (a CLI process costs seconds)."""
    settings = make_settings(url, files)
    engine = create_engine(settings)
    try:
        async with transaction(session_factory(engine)) as session:
            ctx = Context(
                session=session,
                settings=settings,
                storage=build_storage(settings),
                system_actor="tests",
            )
            org = await orgs.create(ctx, name="Valley Ortho")
            # Scans read their date of birth with less confidence than the default 0.8 asks.
            org.config = {**org.config, "qaMinConfidence": 0.5}
            session.add(org)
            key = await api_keys.issue(ctx, org_id=org.id, name="fax server")
            return org.id, key.secret
    finally:
        await engine.dispose()


def _stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def deployment(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if db_kind != "postgresql":
        pytest.skip("separate worker processes need PostgreSQL (SQLite's queue lives in serve)")
    files = tmp_path_factory.mktemp("deployment-files")
    with empty_pg_database() as url:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKEDESK_")}
        env.update(
            INTAKEDESK_ENV="test",
            INTAKEDESK_DATABASE_URL=url,
            INTAKEDESK_STORAGE_URL=f"file://{files}",
            INTAKEDESK_SECRET_KEY="worker-test-secret-0123456789abcdef",
            INTAKEDESK_PUBLIC_URL=f"http://127.0.0.1:{port}",
            INTAKEDESK_SERVE_WORKER="false",
            INTAKEDESK_WORKER_HEARTBEAT_SECONDS="2",
            INTAKEDESK_JOB_RETRY_SECONDS="0.2",
        )
        upgrade_head(url)
        org, key = asyncio.run(_org_with_key(url, files))
        server = subprocess.Popen(
            [*CLI, "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        deployment = Deployment(
            env=env,
            dsn=url.replace("postgresql+asyncpg://", "postgresql://"),
            base_url=f"http://127.0.0.1:{port}",
            api_key=key,
            workers=[],
        )
        try:
            _wait_until_serving(deployment.base_url, server)
            yield deployment
        finally:
            for worker in deployment.workers:
                _stop(worker)
            _stop(server)


def _wait_until_serving(base_url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "serve exited"
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail("serve did not answer within 60 s")


@pytest.fixture
async def api(deployment: Deployment) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=deployment.base_url, headers={"x-api-key": deployment.api_key}, timeout=30
    ) as client:
        yield client


async def _upload(api: httpx.AsyncClient) -> str:
    response = await api.post(
        "/api/referrals",
        files={"file": ("fax-0412.pdf", fax_bytes(), "application/pdf")},
        data={"source": "fax"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["stage"] == "processing"
    return str(response.json()["id"])


async def _until(api: httpx.AsyncClient, referral_id: str, *statuses: str) -> dict[str, Any]:
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        body: dict[str, Any] = (await api.get(f"/api/referrals/{referral_id}")).json()
        if body["job"] and body["job"]["status"] in statuses:
            # Once more: the referral and its run are two statements, the run may have moved.
            return dict((await api.get(f"/api/referrals/{referral_id}")).json())
        assert time.monotonic() < deadline, f"job still {body['job']}"
        await asyncio.sleep(0.05)


async def test_a_scanned_fax_reaches_its_case_though_its_worker_is_killed_mid_run(
    deployment: Deployment, api: httpx.AsyncClient
) -> None:
    first = deployment.start_worker()
    referral_id = await _upload(api)
    running = await _until(api, referral_id, "running", "done", "failed")
    assert running["job"]["status"] == "running", "the run finished before it could be killed"
    assert running["job"]["step"] == "text" and running["job"]["attempts"] == 1

    # The machine dies: its heartbeat stops, and another worker takes the job over.
    _stop(first, signal.SIGKILL)
    deployment.start_worker()
    body = await _until(api, referral_id, "done", "failed")

    assert body["job"]["status"] == "done" and body["job"]["attempts"] == 2, body["job"]
    assert body["extraction"]["method"] == "ocr"
    truth = scanned_fax().truth.patient
    assert body["extraction"]["patient"]["lastName"] == truth.last_name
    # Triaged into its case, or (should OCR miss a required field) waiting in review with
    # the fields to confirm: which, is the extraction's business, not the engine's.
    assert body["stage"] in ("triaged", "review"), body["stage"]
    if body["stage"] == "triaged":
        case = (await api.get(f"/api/cases/{body['caseId']}")).json()
        assert case["patient"]["lastName"] == truth.last_name
    else:
        assert body["caseId"] is None and body["qa"]["issues"], body["qa"]
    # Finished once: one result stored, nothing left in PgQueuer's queue.
    connection = await asyncpg.connect(deployment.dsn)
    try:
        stored = await connection.fetchval(
            "SELECT count(*) FROM audit_events WHERE resource_id = $1 AND action = $2",
            referral_id,
            "referral.processed",
        )
        queued = await connection.fetchval("SELECT count(*) FROM pgqueuer")
    finally:
        await connection.close()
    assert stored == 1
    assert queued == 0
