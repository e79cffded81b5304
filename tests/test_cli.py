"""The ``intakedesk`` command, run as a newcomer would: a private instance from env vars."""

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.settings import load_settings
from tests.conftest import empty_pg_database

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "app.cli"]


@pytest.fixture
def instance(tmp_path: Path, db_kind: str) -> Iterator[dict[str, str]]:
    """The settings of a private instance on an empty, unmigrated database of its own."""
    with ExitStack() as stack:
        if db_kind == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
        else:
            url = stack.enter_context(empty_pg_database())
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKEDESK_")}
        env.update(
            INTAKEDESK_DATABASE_URL=url,
            INTAKEDESK_STORAGE_URL=f"file://{tmp_path}/files",
            INTAKEDESK_SECRET_KEY="cli-test-secret-0123456789abcdef",
            INTAKEDESK_ENV="test",
        )
        yield env


def run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*CLI, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout.strip().splitlines()[-1]


async def test_a_private_instance_end_to_end(instance: dict[str, str]) -> None:
    run(instance, "migrate")
    org = last_line(run(instance, "orgs", "create", "--name", "Valley Ortho"))
    assert org.startswith("org_")
    user = last_line(
        run(instance, "users", "add", "--org", org, "--email", "Pat@Valley.test", "--role", "admin")
    )
    assert user.startswith("usr_")
    key = last_line(run(instance, "api-keys", "create", "--org", org, "--name", "bridge"))
    assert key.startswith("desk_")
    token = last_line(run(instance, "dev-token", "--email", "pat@valley.test"))
    app = create_app(load_settings(instance))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            by_key = await client.get("/api/auth/me", headers={"x-api-key": key})
            assert by_key.json()["orgId"] == org
            by_token = await client.get(
                "/api/auth/me", headers={"Authorization": f"Bearer {token}"}
            )
            assert by_token.json()["user"]["email"] == "pat@valley.test"
            assert by_token.json()["orgs"][0]["role"] == "admin"


def test_fixed_org_id_and_duplicates(instance: dict[str, str]) -> None:
    run(instance, "migrate")
    org_id = f"org_fixed{os.getpid()}"
    assert last_line(run(instance, "orgs", "create", "--name", "X", "--id", org_id)) == org_id
    again = run(instance, "orgs", "create", "--name", "X", "--id", org_id, ok=False)
    assert again.returncode != 0 and "already exists" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1 and "Traceback" not in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("users", "add", "--org", "org_missing", "--email", "a@b.c", "--role", "admin"),
            "not found",
        ),
        (("api-keys", "create", "--org", "org_missing", "--name", "x"), "not found"),
        (("dev-token", "--email", "nobody@nowhere.test"), "no user"),
    ],
)
def test_errors_are_one_line_on_stderr(instance: dict[str, str], args: Any, message: str) -> None:
    run(instance, "migrate")
    result = run(instance, *args, ok=False)
    assert result.returncode != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_unmigrated_database_is_one_line_not_a_trace(instance: dict[str, str]) -> None:
    result = run(instance, "orgs", "create", "--name", "X", ok=False)
    assert result.returncode == 1 and "intakedesk migrate" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_bad_setting_stops_the_command_with_one_line(instance: dict[str, str]) -> None:
    env = dict(instance, INTAKEDESK_AUTH="kerberos")
    result = run(env, "migrate", ok=False)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("intakedesk: INTAKEDESK_AUTH")
    assert len(result.stderr.strip().splitlines()) == 1


def test_instances_starting_at_once_migrate_once_and_all_start(instance: dict[str, str]) -> None:
    # Four instances of a deployment run `migrate` against one empty database at once.
    migrators = [
        subprocess.Popen(
            [*CLI, "migrate"],
            env=instance,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outcomes = [(m.wait(timeout=120), m.stderr.read() if m.stderr else "") for m in migrators]
    assert [code for code, _ in outcomes] == [0] * 4, outcomes
    assert last_line(run(instance, "orgs", "create", "--name", "After")).startswith("org_")


def test_serve_on_a_taken_port_says_so_before_the_demo_rotates_its_key(
    instance: dict[str, str],
) -> None:
    run(instance, "migrate")
    with socket.socket() as other_server:
        other_server.bind(("127.0.0.1", 0))
        other_server.listen()
        port = str(other_server.getsockname()[1])
        refused = run(instance, "serve", "--demo", "--port", port, ok=False)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"intakedesk: 127.0.0.1:{port} is in use (another server?); try --port"
    )
    assert "demo API key" not in refused.stdout
    assert json.loads(run(instance, "orgs", "list", "--json").stdout) == []
