"""The real Firebase Auth emulator (firebase-tools from node_modules), one per test session.

The Auth emulator is Node only (no Java, nothing downloaded). It runs offline: the
project id starts with ``demo-`` so nothing is looked up at Google, and ``CI`` and
``NO_UPDATE_NOTIFIER`` stop the CLI's message-of-the-day and update checks.
``firebase.json`` at the repository root is the template; each session runs a copy
with free ports in its own folder (the CLI writes ``firebase-debug.log`` there), so
two test runs on one machine do not collide.

Use it from a test module::

    from tests.firebase_emulator import AuthEmulator, auth_emulator  # noqa: F401
"""

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
FIREBASE_CLI = REPO / "node_modules" / ".bin" / "firebase"
PROJECT_ID = "demo-intakedesk"
# The emulator accepts any API key; the client SDKs send one, so the REST calls do too.
API_KEY = "fake-api-key"
START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class SignedIn:
    uid: str
    email: str
    id_token: str


class AuthEmulator:
    """The running emulator, and the Identity Toolkit REST calls a client (or an admin) makes."""

    def __init__(self, host: str, project_id: str = PROJECT_ID, start_seconds: float = 0.0) -> None:
        self.host = host
        self.project_id = project_id
        self.start_seconds = start_seconds
        self._client = httpx.Client(base_url=f"http://{host}/identitytoolkit.googleapis.com/v1")

    def close(self) -> None:
        self._client.close()

    # -- what a browser's Firebase SDK does ----------------------------------------------------

    def sign_up(self, email: str, password: str = "correct-horse-7") -> SignedIn:
        body = self._post(
            "/accounts:signUp",
            {"email": email, "password": password, "returnSecureToken": True},
            params={"key": API_KEY},
        )
        return SignedIn(uid=body["localId"], email=body["email"], id_token=body["idToken"])

    def sign_in(self, email: str, password: str = "correct-horse-7") -> SignedIn:
        body = self._post(
            "/accounts:signInWithPassword",
            {"email": email, "password": password, "returnSecureToken": True},
            params={"key": API_KEY},
        )
        return SignedIn(uid=body["localId"], email=body["email"], id_token=body["idToken"])

    # -- what the Firebase console (an admin) does ---------------------------------------------

    def create_user(self, *, uid: str, email: str, password: str = "correct-horse-7") -> None:
        self._admin("/accounts", {"localId": uid, "email": email, "password": password})

    def update_user(self, uid: str, **fields: Any) -> None:
        """``emailVerified=True``, ``disableUser=True``, … as the Admin REST API names them."""
        self._admin("/accounts:update", {"localId": uid, **fields})

    def lookup(self, uid: str) -> dict[str, Any]:
        users: list[dict[str, Any]] = self._admin("/accounts:lookup", {"localId": [uid]})["users"]
        return users[0]

    def _admin(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        # "Bearer owner" is the emulator's stand-in for a service account.
        return self._post(
            f"/projects/{self.project_id}{path}", body, headers={"Authorization": "Bearer owner"}
        )

    def _post(self, path: str, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        response = self._client.post(path, json=body, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.text)
        answer: dict[str, Any] = response.json()
        return answer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _config_with_free_ports(folder: Path) -> tuple[Path, int]:
    config = json.loads((REPO / "firebase.json").read_text())
    emulators = config["emulators"]
    # Whatever the template says: the UI would be downloaded from Google on first use.
    emulators["ui"] = {"enabled": False}
    for name in ("auth", "hub", "logging"):
        emulators[name] = {"host": "127.0.0.1", "port": free_port()}
    path = folder / "firebase.json"
    path.write_text(json.dumps(config, indent=2))
    return path, int(emulators["auth"]["port"])


def _answers(port: int) -> bool:
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0)
    except httpx.HTTPError:
        return False
    return response.status_code < 500


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def auth_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthEmulator]:
    if not FIREBASE_CLI.exists():
        pytest.fail(f"{FIREBASE_CLI} is missing: run `npm ci` (make test does)", pytrace=False)
    folder = tmp_path_factory.mktemp("firebase-emulator")
    config, port = _config_with_free_ports(folder)
    log_path = folder / "emulator.log"
    env = {
        **os.environ,
        "CI": "true",
        "NO_UPDATE_NOTIFIER": "1",
    }
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(FIREBASE_CLI),
                "emulators:start",
                "--only",
                "auth",
                "--project",
                PROJECT_ID,
                "--config",
                str(config),
            ],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        while not _answers(port):
            waited = time.monotonic() - started
            if process.poll() is not None or waited > START_TIMEOUT_SECONDS:
                why = (
                    f"exited with {process.returncode}"
                    if process.poll() is not None
                    else f"did not answer on port {port} within {START_TIMEOUT_SECONDS:.0f}s"
                )
                _stop(process)
                output = log_path.read_text(errors="replace")[-4000:]
                pytest.fail(f"Firebase Auth emulator {why}; its output:\n{output}", pytrace=False)
            time.sleep(0.2)
        emulator = AuthEmulator(f"127.0.0.1:{port}", start_seconds=time.monotonic() - started)
        yield emulator
        emulator.close()
    finally:
        _stop(process)
