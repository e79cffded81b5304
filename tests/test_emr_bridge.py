"""End to end through a real server: ``intakedesk serve`` on a port of its own, a triaged
case queued automatically, drained by ``intakedesk bridge --once`` into a folder."""

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from app.cli import serving_url
from app.main import create_app
from app.settings import load_settings
from models import Document
from tests.conftest import empty_pg_database
from tests.referral_fixtures import extraction, load_referral, seed_referral

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "app.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def instance(tmp_path: Path, db_kind: str) -> Iterator[dict[str, str]]:
    """A private instance's settings; no INTAKEDESK_PUBLIC_URL, as a newcomer has none."""
    with ExitStack() as stack:
        if db_kind == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path}/e2e.db"
        else:
            url = stack.enter_context(empty_pg_database())
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKEDESK_")}
        env.update(
            INTAKEDESK_DATABASE_URL=url,
            INTAKEDESK_STORAGE_URL=f"file://{tmp_path}/files",
            INTAKEDESK_SECRET_KEY="e2e-test-secret-0123456789abcdef",
            INTAKEDESK_ENV="test",
        )
        yield env


@pytest.fixture
def server(instance: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """``intakedesk serve`` on a free port other than 8000, until the test ends."""
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)], env=instance, cwd=ROOT, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_serving_url_names_the_port_served() -> None:
    assert serving_url("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert serving_url("0.0.0.0", 9000) == "http://127.0.0.1:9000"
    assert serving_url("::", 9000) == "http://[::1]:9000"


async def test_bridge_drains_an_auto_queued_case_into_the_folder(
    instance: dict[str, str], server: str, tmp_path: Path
) -> None:
    org = last_line(cli(instance, "orgs", "create", "--name", "Valley Ortho"))
    last_line(cli(instance, "users", "add", "--org", org, "--email", "a@v.test", "--role", "admin"))
    key = last_line(cli(instance, "api-keys", "create", "--org", org, "--name", "bridge"))
    token = last_line(cli(instance, "dev-token", "--email", "a@v.test"))
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server, headers=auth) as client:
        patched = await client.patch(f"/api/orgs/{org}/config", json={"emrAutoQueue": True})
        assert patched.status_code == 200, patched.text

        # A referral triaged into a case, as the pipeline leaves it, on the same database.
        settings = load_settings(instance)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            referral_id = await seed_referral(
                app, settings, org, extracted=extraction(), documents_count=2, triaged=True
            )
            referral = await load_referral(app, referral_id)
            async with app.state.sessions() as session:
                documents = (
                    await session.scalars(
                        select(Document).where(Document.referral_id == referral_id)
                    )
                ).all()
                originals = {
                    d.file_name: await app.state.storage.get(d.storage_key) for d in documents
                }
        case_id = referral.case_id
        assert (await client.get(f"/api/cases/{case_id}")).json()["emrStatus"] == "queued"

        out = tmp_path / "emr"
        result = cli(instance, "bridge", "--url", server, "--key", key, "--out", str(out), "--once")
        assert result.returncode == 0, result.stderr
        assert last_line(result) == "charts created: 1, documents delivered: 3"

        case = (await client.get(f"/api/cases/{case_id}")).json()
        assert case["emrStatus"] == "created" and case["emrDocumentStatus"] == "complete"
        mrn = case["emrChartId"]
        assert mrn.startswith("MRN") and case["patient"]["mrn"] == mrn

    chart = json.loads((out / "charts" / f"{case_id}.json").read_text())
    assert chart["caseId"] == case_id and chart["mrn"] == mrn and chart["lastName"] == "Doe"
    delivered = sorted((out / "documents" / mrn).iterdir())
    assert len(delivered) == 3
    by_name = {p.name.split("-", 1)[1]: p.read_bytes() for p in delivered}
    assert by_name["Case_Summary.pdf"].startswith(b"%PDF")
    for name, data in originals.items():
        assert hashlib.sha256(by_name[name]).digest() == hashlib.sha256(data).digest()

    # Drained: a second run finds nothing to do.
    again = cli(instance, "bridge", "--url", server, "--key", key, "--out", str(out), "--once")
    assert last_line(again) == "charts created: 0, documents delivered: 0"


def test_bridge_with_a_wrong_key_fails_in_one_line(
    server: str, tmp_path: Path, instance: Any
) -> None:
    result = cli(
        instance,
        "bridge",
        "--url",
        server,
        "--key",
        "desk_" + "x" * 40,
        "--out",
        str(tmp_path),
        "--once",
    )
    assert result.returncode != 0
    assert result.stderr.strip().startswith("intakedesk: bridge:")
    assert len(result.stderr.strip().splitlines()) == 1
