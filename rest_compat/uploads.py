"""Upload plumbing shared by every route that takes a file: the multipart reader and the
signed-URL answer."""

from collections.abc import AsyncIterator
from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from app.storage import SignedUrl
from resolvers.context import Context
from resolvers.errors import BadRequest, PayloadTooLarge, ValidationFailed
from rest_compat.http import parse_with_org
from rest_compat.schemas import Body, Out, Timestamp

# Room for the multipart boundaries and form fields around a file of the maximum size.
MULTIPART_ENVELOPE = 64 * 1024


class SignedUploadOut(Out):
    """Where and how to PUT the file's bytes (``upload`` in DESIGN §5)."""

    url: str
    method: str
    headers: dict[str, str]
    expires_at: Timestamp

    @classmethod
    def of(cls, signed: SignedUrl) -> "SignedUploadOut":
        return cls(
            url=signed.url,
            method=signed.method,
            headers=signed.headers,
            expires_at=signed.expires_at,
        )


async def _limited(request: Request, limit: int) -> AsyncIterator[bytes]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise PayloadTooLarge(f"the request is larger than the {limit}-byte upload limit")
        yield chunk


async def read_upload_form(
    request: Request, ctx: Context, fields_model: type[Body]
) -> tuple[str, bytes, Any]:
    """The ``file`` part of a multipart upload and its validated fields.

    Content-Length is checked before a byte is read, and the stream is cut off
    past the limit when the client sends none (chunked).
    """
    limit = ctx.settings.max_upload_bytes + MULTIPART_ENVELOPE
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"file is larger than the {ctx.settings.max_upload_bytes}-byte limit")
    parser = MultiPartParser(request.headers, _limited(request, limit), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(f"malformed multipart body: {exc.message}") from None
    try:
        files = [v for v in form.getlist("file") if isinstance(v, UploadFile)]
        if not files:
            raise ValidationFailed("a multipart upload needs a `file` part", field="file")
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        parsed = parse_with_org(ctx, fields_model, fields, where="form")
        data = await files[0].read()
        return files[0].filename or "", data, parsed
    finally:
        await form.close()
