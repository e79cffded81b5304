"""Shared bench plumbing: a fresh PostgreSQL database, a real uvicorn server, timing."""

import asyncio
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_DSN = os.environ.get(
    "INTAKEDESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database (asyncpg URL), dropped afterwards."""
    from app.migrate import upgrade_head

    name = f"intakedesk_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    try:
        upgrade_head(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def bench_database(kind: str, folder: Path) -> Iterator[str]:
    """A new, migrated database for one run: ``postgresql`` (dropped afterwards) or
    ``sqlite`` (a file in ``folder``)."""
    if kind == "postgresql":
        with fresh_pg_database() as url:
            yield url
        return
    from app.migrate import upgrade_head

    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    upgrade_head(url)
    yield url


def bench_env(database_url: str, files: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKEDESK_")}
    env.update(
        INTAKEDESK_ENV="production" if extra.pop("production", "") else "test",
        INTAKEDESK_DATABASE_URL=database_url,
        INTAKEDESK_STORAGE_URL=f"file://{files}",
        INTAKEDESK_AUTH="local",
        INTAKEDESK_SECRET_KEY="bench-secret-key-0123456789abcdef",
    )
    env.update(extra)
    return env


@asynccontextmanager
async def in_process_client(app: Any, key: str, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app started (its lifespan) in this process, and a client calling it with ``key``."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://bench",
            headers={"x-api-key": key},
            **options,
        ) as client,
    ):
        yield client


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


@contextmanager
def uvicorn_server(target: str, env: dict[str, str], *, factory: bool = False) -> Iterator[str]:
    """Run ``target`` under uvicorn in a subprocess on a free loopback port; yields its URL."""
    with uvicorn_process(target, env, factory=factory) as (url, _pid):
        yield url


@contextmanager
def uvicorn_process(
    target: str, env: dict[str, str], *, factory: bool = False
) -> Iterator[tuple[str, int]]:
    """``uvicorn_server``, yielding the server's process id with its URL (for its CPU time).

    uvicorn picks uvloop and httptools by itself when they are installed, as they are.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise RuntimeError(f"server {target} exited: {process.returncode}") from None
                time.sleep(0.1)
        else:
            raise RuntimeError(f"server {target} did not start in 30 s")
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (``/proc/<pid>/stat``), 0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    # After the command: state is field 3, utime and stime fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def pg_backends(database_url: str) -> list[int]:
    """Process ids of the PostgreSQL backends connected to the database, but this one."""
    import asyncpg

    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    name = dsn.rsplit("/", 1)[1]
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
    finally:
        await conn.close()
    return [row["pid"] for row in rows]


@dataclass
class CpuMeter:
    """CPU seconds of a set of processes (a server, its database backends) over a span."""

    pids: list[int]

    def total(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)


@dataclass
class Figures:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    # CPU per request (ms) of the app server's process and of its database backends,
    # when measured: on a shared machine, steadier than wall-clock latency.
    app_cpu_ms: float | None = None
    db_cpu_ms: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def line(self) -> str:
        return (
            f"{self.name:<44} {self.rps:>8.0f} req/s   p50 {self.percentile(50):>7.2f} ms"
            f"   p99 {self.percentile(99):>7.2f} ms   (n={self.requests})" + self.cpu()
        )

    def cpu(self) -> str:
        parts = []
        if self.app_cpu_ms is not None:
            parts.append(f"app CPU {self.app_cpu_ms:.1f} ms")
        if self.db_cpu_ms is not None:
            parts.append(f"db CPU {self.db_cpu_ms:.1f} ms")
        return f"   {' + '.join(parts)} per request" if parts else ""


async def load(
    name: str,
    url: str,
    *,
    requests: int,
    concurrency: int,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    json: Any = None,
    warmup: int = 20,
) -> Figures:
    """Send ``requests`` requests from ``concurrency`` workers; every answer must be 200."""
    latencies: list[float] = []
    async with httpx.AsyncClient(headers=headers, timeout=30) as client:
        for _ in range(warmup):
            (await client.request(method, url, json=json)).raise_for_status()
        remaining = requests

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                response = await client.request(method, url, json=json)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{name}: {response.status_code} {response.text[:200]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return Figures(name=name, requests=len(latencies), seconds=seconds, latencies_ms=latencies)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples)


@dataclass
class WrkFigures:
    name: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float

    def line(self) -> str:
        return (
            f"{self.name:<44} {self.rps:>8.0f} req/s   p50 {self.p50_ms:>7.2f} ms"
            f"   p99 {self.p99_ms:>7.2f} ms   (n={self.requests})"
        )


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    value = float(re.sub(r"[a-z]+$", "", text))
    unit = re.sub(r"^[0-9.]+", "", text)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk_load(
    name: str,
    url: str,
    *,
    seconds: int,
    connections: int,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> WrkFigures:
    """Drive ``url`` with wrk (one thread, ``connections`` keep-alive connections).

    wrk is a C load generator: unlike a Python client it does not become the
    bottleneck before a bare Starlette endpoint does, so the floor is the server's.
    Any non-2xx answer fails the run.
    """
    script = f"wrk.method = {json.dumps(method)}\n"
    for key, value in (headers or {}).items():
        script += f"wrk.headers[{json.dumps(key)}] = {json.dumps(value)}\n"
    if body is not None:
        script += f"wrk.body = {json.dumps(body)}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                handle.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(handle.name)
    if "Non-2xx" in output:
        raise RuntimeError(f"{name}: wrk saw error answers\n{output}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, flags=re.MULTILINE))
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))  # type: ignore[union-attr]
    return WrkFigures(
        name=name, requests=total, rps=rps, p50_ms=_ms(latency["50"]), p99_ms=_ms(latency["99"])
    )
