"""``intakedesk orgs|users|api-keys list/remove/revoke``, ``--help``: an operator's view."""

import json
from typing import Any

import httpx

from app.main import create_app
from app.settings import load_settings
from tests.test_cli import instance, last_line, run

__all__ = ["instance"]  # the fixture, imported to be used here


def test_help_names_every_command_and_cites_nothing_missing(instance: dict[str, str]) -> None:
    top = run(instance, "--help").stdout
    assert "DESIGN" not in top and "§" not in top
    for command in ("serve", "migrate", "orgs", "users", "api-keys", "dev-token"):
        assert command in top
    for group, actions in {
        "orgs": ("create", "list"),
        "users": ("add", "list", "remove"),
        "api-keys": ("create", "list", "revoke"),
    }.items():
        text = run(instance, group, "--help").stdout
        for action in actions:
            line = next(ln for ln in text.splitlines() if ln.strip().startswith(action + " "))
            assert len(line.split()) > 1, f"{group} {action} has no help text"


def test_a_duplicate_org_name_is_refused_unless_asked(instance: dict[str, str]) -> None:
    run(instance, "migrate")
    first = last_line(run(instance, "orgs", "create", "--name", "Valley Orthopedics"))
    again = run(instance, "orgs", "create", "--name", "valley orthopedics ", ok=False)
    assert again.returncode == 1
    assert first in again.stderr and "--allow-duplicate-name" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    second = last_line(
        run(instance, "orgs", "create", "--name", "Valley Orthopedics", "--allow-duplicate-name")
    )
    listed = json.loads(run(instance, "orgs", "list", "--json").stdout)
    assert [o["id"] for o in listed] == [first, second]


async def test_an_operator_lists_and_undoes_what_exists(instance: dict[str, str]) -> None:
    run(instance, "migrate")
    assert "no orgs yet" in run(instance, "orgs", "list").stdout
    org = last_line(run(instance, "orgs", "create", "--name", "Valley Ortho"))
    other = last_line(run(instance, "orgs", "create", "--name", "Hill Cardio"))
    run(instance, "users", "add", "--org", org, "--email", "pat@valley.test", "--role", "admin")
    run(instance, "users", "add", "--org", org, "--email", "lee@valley.test", "--role", "viewer")
    run(instance, "users", "add", "--org", other, "--email", "lee@valley.test", "--role", "admin")
    kept = last_line(run(instance, "api-keys", "create", "--org", org, "--name", "bridge"))
    doomed = last_line(run(instance, "api-keys", "create", "--org", org, "--name", "old"))

    table = run(instance, "orgs", "list").stdout.splitlines()
    assert table[0].split() == ["id", "name", "members", "activeApiKeys", "createdAt"]
    valley = next(line for line in table if line.startswith(org))
    assert "Valley Ortho" in valley and valley.split()[3:5] == ["2", "2"]

    members = json.loads(run(instance, "users", "list", "--org", org, "--json").stdout)
    assert [(m["email"], m["role"]) for m in members] == [
        ("lee@valley.test", "viewer"),
        ("pat@valley.test", "admin"),
    ]
    keys = json.loads(run(instance, "api-keys", "list", "--org", org, "--json").stdout)
    assert {k["name"] for k in keys} == {"bridge", "old"}
    assert all("key" not in k and "keyHash" not in k for k in keys)
    assert all(k["prefix"] in (kept[:12], doomed[:12]) for k in keys)
    doomed_id = next(k["id"] for k in keys if k["name"] == "old")

    # A key of another org is not revoked through --org of this one.
    wrong = run(instance, "api-keys", "revoke", "--id", doomed_id, "--org", other, ok=False)
    assert wrong.returncode == 1 and "not found" in wrong.stderr
    assert last_line(run(instance, "api-keys", "revoke", "--id", doomed_id)) == doomed_id
    again = run(instance, "api-keys", "revoke", "--id", doomed_id, ok=False)
    assert again.returncode == 1 and "not found" in again.stderr
    active = run(instance, "api-keys", "list", "--org", org).stdout
    assert "bridge" in active and "old" not in active
    everything = json.loads(
        run(instance, "api-keys", "list", "--org", org, "--all", "--json").stdout
    )
    assert {k["name"]: bool(k["revokedAt"]) for k in everything} == {"bridge": False, "old": True}

    removed = run(instance, "users", "remove", "--org", org, "--email", "LEE@valley.test")
    assert last_line(removed) == members[0]["id"]
    missing = run(instance, "users", "remove", "--org", org, "--email", "lee@valley.test", ok=False)
    assert missing.returncode == 1 and "not a member" in missing.stderr
    assert [
        m["email"]
        for m in json.loads(run(instance, "users", "list", "--org", org, "--json").stdout)
    ] == ["pat@valley.test"]
    lee_token = last_line(run(instance, "dev-token", "--email", "lee@valley.test"))

    app = create_app(load_settings(instance))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            revoked = await client.get("/api/auth/me", headers={"x-api-key": doomed})
            live = await client.get("/api/auth/me", headers={"x-api-key": kept})
            lee: Any = await client.get(
                "/api/auth/me", headers={"Authorization": f"Bearer {lee_token}"}
            )
    assert revoked.status_code == 401 and live.status_code == 200
    # Lee keeps the other org's role and lost this one's.
    assert [o["id"] for o in lee.json()["orgs"]] == [other]


def test_lists_of_a_missing_org_are_one_line_errors(instance: dict[str, str]) -> None:
    run(instance, "migrate")
    for args in (("users", "list"), ("api-keys", "list")):
        result = run(instance, *args, "--org", "org_missing", ok=False)
        assert result.returncode == 1 and "not found" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
