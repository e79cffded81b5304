"""X-Request-Id: every answer names its request; a caller may name it first."""

import re

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Send

from models import new_id

REQUEST_ID_HEADER = "x-request-id"
# What a caller's id may be; anything else is replaced by one of ours.
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_for(sent: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token, else a new ``req_…`` one."""
    if sent and _SANE.fullmatch(sent):
        return sent
    return new_id("req_")


def answering_with(request_id: str, send: Send) -> Send:
    """``send``, with the request id added to the answer's headers."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
        await send(message)

    return sending
