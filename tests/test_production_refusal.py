"""Production refuses the development shortcuts: local auth, and the Auth emulator's switch.

The emulator accepts unsigned tokens, so ``FIREBASE_AUTH_EMULATOR_HOST`` in production
would let anyone be anyone. Settings refuse both with one line, and so does the
command line, without a traceback.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import Env, SettingsError, load_settings
from tests.firebase_emulator import free_port

REPO = Path(__file__).resolve().parent.parent
INTAKEDESK = Path(sys.executable).parent / "intakedesk"
SECRET = "s" * 40
EMULATOR_HOST = "127.0.0.1:9099"


def production(tmp_path: Path, **overrides: str) -> dict[str, str]:
    environ = {
        "INTAKEDESK_ENV": "production",
        "INTAKEDESK_AUTH": "firebase",
        "INTAKEDESK_SECRET_KEY": SECRET,
        "INTAKEDESK_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/intakedesk.db",
        "INTAKEDESK_STORAGE_URL": f"file://{tmp_path}/files",
        "INTAKEDESK_FIREBASE_PROJECT_ID": "demo-intakedesk",
    }
    environ.update({f"INTAKEDESK_{k.upper()}": v for k, v in overrides.items()})
    return environ


@pytest.fixture
def no_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)


def test_production_with_firebase_and_a_long_secret_loads(
    tmp_path: Path, no_emulator: None
) -> None:
    settings = load_settings(production(tmp_path))

    assert (settings.env, settings.auth) == (Env.production, "firebase")


def test_production_refuses_local_auth(tmp_path: Path, no_emulator: None) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(production(tmp_path, auth="local"))

    message = str(refused.value)
    assert "AUTH=local" in message and "production" in message
    assert "\n" not in message


def test_production_refuses_the_auth_emulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", EMULATOR_HOST)

    with pytest.raises(SettingsError) as refused:
        load_settings(production(tmp_path))

    message = str(refused.value)
    assert "FIREBASE_AUTH_EMULATOR_HOST" in message
    assert "\n" not in message


def test_production_refuses_a_short_secret(tmp_path: Path, no_emulator: None) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(production(tmp_path, secret_key="too-short-for-production"))

    assert "SECRET_KEY" in str(refused.value)


def test_the_emulator_is_allowed_outside_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", EMULATOR_HOST)

    assert load_settings(production(tmp_path, env="test")).auth == "firebase"


# -- the command line, as an operator runs it ----------------------------------------------------


def run_cli(
    tmp_path: Path, environ: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("INTAKEDESK_") and k != "FIREBASE_AUTH_EMULATOR_HOST"
    }
    return subprocess.run(
        [str(INTAKEDESK), *args],
        env={**base, **environ},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_one_line_refusal(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("intakedesk: "), lines
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in lines[0], lines


def test_serve_refuses_production_with_the_auth_emulator(tmp_path: Path) -> None:
    environ = {**production(tmp_path), "FIREBASE_AUTH_EMULATOR_HOST": EMULATOR_HOST}

    result = run_cli(tmp_path, environ, "serve", "--port", str(free_port()))

    assert_one_line_refusal(result, "FIREBASE_AUTH_EMULATOR_HOST")
    assert not (tmp_path / "intakedesk.db").exists()


def test_serve_refuses_production_with_local_auth(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path, production(tmp_path, auth="local"), "serve", "--port", str(free_port())
    )

    assert_one_line_refusal(result, "AUTH=local")
    assert not (tmp_path / "intakedesk.db").exists()


def test_dev_token_refuses_firebase_auth(tmp_path: Path) -> None:
    environ = production(tmp_path, env="test")

    result = run_cli(tmp_path, environ, "dev-token", "--email", "someone@clinic.test")

    assert_one_line_refusal(result, "INTAKEDESK_AUTH=local")
    assert result.stdout == ""
