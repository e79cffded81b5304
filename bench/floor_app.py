"""The floor: a bare Starlette endpoint answering a fixed JSON body (BENCH_FLOOR_JSON)."""

import json
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BODY = json.loads(os.environ.get("BENCH_FLOOR_JSON", "{}"))


async def fixed(request: Request) -> JSONResponse:
    return JSONResponse(BODY)


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


app = Starlette(
    routes=[Route("/fixed", fixed, methods=["GET", "POST"]), Route("/healthz", healthz)]
)
