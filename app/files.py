"""``/files/{key}``: the local storage backend's signed download and upload URLs.

The URL is the credential: it names the key, the method, an expiry and, for uploads,
the content type, all under an HMAC. Like a GCS V4 signed URL, an upload must send
the signed ``Content-Type`` header, so clients behave the same on both backends.
"""

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.storage import StorageError
from app.storage.local import LocalStorage, is_safe_key
from resolvers import documents, referrals
from resolvers.errors import NotFound, PayloadTooLarge
from rest_compat.errors import error_response

_DIGITS = re.compile(r"[0-9]{1,20}")


async def serve_file(request: Request) -> Response:
    storage = request.app.state.storage
    if not isinstance(storage, LocalStorage):
        return error_response(404, "not_found", "no such file")
    key = request.path_params["key"]
    if not is_safe_key(key):
        return error_response(404, "not_found", "no such file")
    params = request.query_params
    method = request.method
    extra = params.get("contentType", "") if method == "PUT" else params.get("fileName", "")
    signed_for = params.get("method", "")
    if signed_for != method or not storage.verify(
        key, method, params.get("expires", ""), extra, params.get("sig", "")
    ):
        return error_response(403, "forbidden", "the signed URL is invalid or has expired")
    if method == "PUT" and request.headers.get("content-type", "").strip() != extra:
        return error_response(
            403, "forbidden", f"the upload must send the signed header Content-Type: {extra}"
        )
    if method == "GET":
        try:
            data = await storage.get(key)
        except StorageError:
            return error_response(404, "not_found", "no such file")
        headers = {"Cache-Control": "private, no-store"}
        if extra:
            headers["Content-Disposition"] = f'attachment; filename="{_quote(extra)}"'
        return Response(data, media_type=_media_type(data), headers=headers)
    return await _receive_upload(request, storage, key)


async def _receive_upload(request: Request, storage: LocalStorage, key: str) -> Response:
    ctx = request.state.ctx
    limit = ctx.settings.max_upload_bytes
    too_large = PayloadTooLarge(f"file is larger than the {limit}-byte limit")
    declared = request.headers.get("content-length", "")
    if _DIGITS.fullmatch(declared) and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise too_large
    try:
        document = await documents.receive_upload(ctx, storage_key=key, data=bytes(body))
        await referrals.upload_arrived(ctx, document)
    except NotFound:
        return error_response(404, "not_found", "no document is waiting for this upload")
    await ctx.session.commit()
    return Response(status_code=200, headers={"ETag": f'"{document.sha256}"'})


def _media_type(data: bytes) -> str:
    from resolvers.uploads import sniff

    return sniff(data) or "application/octet-stream"


def _quote(name: str) -> str:
    return name.replace('"', "").replace("\\", "").replace("\r", "").replace("\n", "")


routes = [Route("/files/{key:path}", serve_file, methods=["GET", "PUT"])]
