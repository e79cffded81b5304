"""How often the server refuses (400/415/422) requests its own OpenAPI document calls valid.

schemathesis generates positive cases for every operation from ``/api/openapi.json``;
each is sent as a fresh org's admin to the app on a new SQLite database. Prints, per
operation, how many cases were refused as malformed or invalid and the most common
reason. Ids that do not exist answer 404, which is no refusal of the data's shape;
what remains are rules a JSON schema cannot say (one field or another, a cursor this
API issued, a value only valid beside another).

    .venv/bin/python bench/openapi_agreement.py [EXAMPLES_PER_OPERATION]
"""

import asyncio
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.main import create_app  # noqa: E402
from app.migrate import upgrade_head  # noqa: E402
from tests.conftest import build_org, make_settings  # noqa: E402

EXAMPLES = int(sys.argv[1]) if len(sys.argv) > 1 else 25
CREDENTIALS = ("authorization", "x-api-key", "cookie")
# Logging out would revoke the token every case sends.
SKIPPED = {"/api/auth/session"}


def _transport_kwargs(case: Any, headers: dict[str, str]) -> dict[str, Any]:
    for name in list(case.headers or {}):
        if name.lower() in CREDENTIALS:
            del case.headers[name]
    case.cookies = {}
    kwargs: dict[str, Any] = case.as_transport_kwargs(base_url="http://t", headers=headers)
    kwargs.pop("cookies", None)
    if "json" in kwargs:
        kwargs["content"] = json.dumps(kwargs.pop("json")).encode()
    if isinstance(kwargs.get("data"), bytes | str):
        kwargs["content"] = kwargs.pop("data")
    if isinstance(kwargs.get("files"), list):
        kwargs["files"] = [
            (name, (file_name, c if isinstance(c, bytes | str) else str(c), *rest))
            for name, (file_name, c, *rest) in kwargs["files"]
        ]
    return kwargs


def _reason(response: httpx.Response) -> str:
    error = response.json().get("error", {})
    details = error.get("details")
    field = details[0].get("field", "") if isinstance(details, list) and details else ""
    return f"{response.status_code} {field}: {error.get('message', '')[:70]}"


def measure(
    operation: Any, client: httpx.AsyncClient, loop: Any, headers: dict[str, str]
) -> tuple[Counter[str], Counter[int]]:
    refused: Counter[str] = Counter()
    statuses: Counter[int] = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def run(case: Any) -> None:
        kwargs = _transport_kwargs(case, headers)
        client.cookies.clear()  # a session cookie set by an earlier case
        sent = asyncio.run_coroutine_threadsafe(client.request(**kwargs), loop)
        response = sent.result()
        statuses[response.status_code] += 1
        if response.status_code in (400, 415, 422):
            refused[_reason(response)] += 1

    run()
    return refused, statuses


async def main(folder: Path, url: str) -> None:
    app = create_app(make_settings(url, folder / "files"))
    rows = []
    statuses: Counter[int] = Counter()
    async with app.router.lifespan_context(app):
        org = await build_org(app, app.state.settings, "Bench Ortho")
        headers = {"Authorization": f"Bearer {org.admin.token}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            doc = (await client.get("/api/openapi.json")).json()
            schema = schemathesis.openapi.from_dict(doc)
            loop = asyncio.get_running_loop()
            for path, methods in doc["paths"].items():
                for method in methods:
                    if path in SKIPPED:
                        continue
                    operation = schema[path][method.upper()]
                    refused, seen = await asyncio.to_thread(
                        measure, operation, client, loop, headers
                    )
                    statuses.update(seen)
                    top = refused.most_common(1)[0][0] if refused else ""
                    rows.append((f"{method.upper()} {path}", sum(refused.values()), seen, top))
    for name, count, seen, top in rows:
        print(f"{count:3d}/{sum(seen.values()):<3d} {name:48s} {top}")
    print("statuses:", dict(sorted(statuses.items())))
    mostly = sum(1 for _, count, seen, _ in rows if count * 2 > sum(seen.values()))
    print(
        f"operations refusing most of their valid data: {mostly}; "
        f"refusals: {sum(count for _, count, _, _ in rows)} of {sum(statuses.values())}"
    )


if __name__ == "__main__":
    where = Path(tempfile.mkdtemp())
    database = f"sqlite+aiosqlite:///{where}/bench.db"
    upgrade_head(database)
    asyncio.run(main(where, database))
