"""The file:// backend: the app serves HMAC-signed, expiring upload and download URLs at /files/."""

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import anyio
import httpx
import pytest
from sqlmodel import select

from app.db import transaction
from app.settings import Settings
from app.storage import SignedUrl, StorageError
from app.storage.local import LocalStorage
from models import AuditEvent, Document, DocumentStatus
from resolvers import documents
from resolvers.context import Context
from rest_compat.shapes import DocumentOut
from tests.conftest import World, assert_error
from tests.files import fixed_pdf, fixed_png


@pytest.fixture
def storage(app: Any) -> LocalStorage:
    assert isinstance(app.state.storage, LocalStorage)
    return app.state.storage


async def pending(
    app: Any, settings: Settings, org_id: str, *, content_type: str = "application/pdf"
) -> documents.PendingUpload:
    """A document waiting for its bytes, committed as the API would."""
    async with transaction(app.state.sessions) as session:
        ctx = Context(
            session=session, settings=settings, storage=app.state.storage, system_actor="tests"
        )
        return await documents.create_pending(
            ctx, org_id=org_id, file_name="referral fax.pdf", content_type=content_type
        )


async def load(app: Any, document_id: str) -> Document:
    async with transaction(app.state.sessions) as session:
        document = await session.get(Document, document_id)
        assert document is not None
        return document


async def put(client: httpx.AsyncClient, upload: SignedUrl, data: Any) -> httpx.Response:
    return await client.put(upload.url, content=data, headers=upload.headers)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"


def assert_incomplete(document: Document) -> None:
    assert document.uploaded_at is None
    assert document.size_bytes is None
    assert document.sha256 is None
    assert document.page_count is None


@pytest.fixture
async def waiting(app: Any, settings: Settings, world: World) -> documents.PendingUpload:
    return await pending(app, settings, world.a.id)


# --- the happy path ------------------------------------------------------------------------


async def test_signed_put_completes_the_document(
    app: Any, world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    data = fixed_pdf(pages=2)
    upload = waiting.upload
    assert upload.method == "PUT"
    assert upload.headers == {"Content-Type": "application/pdf"}
    assert upload.url.startswith(f"http://testserver/files/{waiting.document.storage_key}?")

    response = await put(world.anon, upload, data)

    assert response.status_code == 200, response.text
    digest = hashlib.sha256(data).hexdigest()
    assert response.headers["etag"] == f'"{digest}"'
    document = await load(app, waiting.document.id)
    assert document.size_bytes == len(data)
    assert document.sha256 == digest
    assert document.page_count == 2
    assert document.content_type == "application/pdf"
    assert document.status == DocumentStatus.uploaded
    assert document.uploaded_at is not None
    assert document.duplicate_of_id is None
    assert (storage.root / document.storage_key).read_bytes() == data
    async with transaction(app.state.sessions) as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.resource_id == document.id, AuditEvent.action == "document.upload"
                )
            )
        ).all()
    assert [event.org_id for event in events] == [world.a.id]


async def test_a_second_put_to_the_same_url_is_409_and_keeps_the_first_file(
    app: Any, world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    first = fixed_pdf(pages=1)
    assert (await put(world.anon, waiting.upload, first)).status_code == 200
    response = await put(world.anon, waiting.upload, fixed_pdf(pages=3))
    assert_error(response, 409, "conflict")
    document = await load(app, waiting.document.id)
    assert document.page_count == 1 and document.sha256 == hashlib.sha256(first).hexdigest()
    assert (storage.root / document.storage_key).read_bytes() == first


async def test_puts_to_one_url_at_once_store_one_file_matching_its_record(
    app: Any, world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    bodies = [fixed_pdf(pages=n) for n in range(1, 7)]
    answers = await asyncio.gather(*(put(world.anon, waiting.upload, b) for b in bodies))
    assert sorted(a.status_code for a in answers) == [200] + [409] * 5
    document = await load(app, waiting.document.id)
    stored = (storage.root / document.storage_key).read_bytes()
    assert stored in bodies and document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.page_count == bodies.index(stored) + 1


async def test_the_type_is_taken_from_the_bytes_not_the_declaration(
    app: Any, world: World, waiting: documents.PendingUpload
) -> None:
    response = await put(world.anon, waiting.upload, fixed_png())
    assert response.status_code == 200, response.text
    document = await load(app, waiting.document.id)
    assert document.content_type == "image/png"
    assert document.page_count == 1


async def test_download_url_returns_the_same_bytes(
    app: Any, settings: Settings, world: World, storage: LocalStorage
) -> None:
    waiting = await pending(app, settings, world.a.id)
    data = fixed_pdf()
    assert (await put(world.anon, waiting.upload, data)).status_code == 200
    document = await load(app, waiting.document.id)

    download = await storage.download_url(document.storage_key, 60, file_name=document.file_name)
    response = await world.anon.get(download.url)

    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="referral fax.pdf"'
    assert response.headers["cache-control"] == "private, no-store"
    without_name = await world.anon.get((await storage.download_url(document.storage_key, 60)).url)
    assert without_name.content == data
    assert "content-disposition" not in without_name.headers


async def test_download_of_a_file_not_uploaded_yet_is_404(
    world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    download = await storage.download_url(waiting.document.storage_key, 60)
    assert_error(await world.anon.get(download.url), 404, "not_found")


async def test_upload_for_a_key_with_no_document_is_404(
    world: World, storage: LocalStorage
) -> None:
    upload = await storage.upload_url(f"{world.a.id}/documents/doc_nothing", "application/pdf", 60)
    assert_error(await put(world.anon, upload, fixed_pdf()), 404, "not_found")
    assert not await storage.exists(f"{world.a.id}/documents/doc_nothing")


# --- the signature ------------------------------------------------------------------------


async def assert_refused_and_unchanged(
    app: Any, storage: LocalStorage, response: httpx.Response, waiting: documents.PendingUpload
) -> None:
    assert_error(response, 403, "forbidden")
    assert_incomplete(await load(app, waiting.document.id))
    assert not await storage.exists(waiting.document.storage_key)


async def test_tampered_signature_is_403(
    app: Any, world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    sig = parse_qs(urlsplit(waiting.upload.url).query)["sig"][0]
    flipped = ("0" if sig[0] != "0" else "1") + sig[1:]
    response = await world.anon.put(
        with_query(waiting.upload.url, sig=flipped),
        content=fixed_pdf(),
        headers=waiting.upload.headers,
    )
    await assert_refused_and_unchanged(app, storage, response, waiting)


async def test_a_signature_moved_to_another_key_is_403(
    app: Any, settings: Settings, world: World, storage: LocalStorage
) -> None:
    first = await pending(app, settings, world.a.id)
    second = await pending(app, settings, world.a.id)
    # The query (signature) of the first document's URL on the second document's path.
    query = urlsplit(first.upload.url).query
    moved = f"http://testserver/files/{second.document.storage_key}?{query}"
    response = await world.anon.put(moved, content=fixed_pdf(), headers=first.upload.headers)
    await assert_refused_and_unchanged(app, storage, response, second)
    assert_incomplete(await load(app, first.document.id))


async def test_an_upload_url_does_not_download_and_a_download_url_does_not_upload(
    app: Any, world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    key = waiting.document.storage_key
    await storage.put(key, b"%PDF-1.4 earlier bytes", "application/pdf")
    # The PUT URL used with GET, as is and with its method parameter swapped.
    assert_error(await world.anon.get(waiting.upload.url), 403, "forbidden")
    swapped = with_query(waiting.upload.url, method="GET")
    assert_error(await world.anon.get(swapped), 403, "forbidden")
    # The GET URL used with PUT, as is and with its method parameter swapped.
    download = await storage.download_url(key, 60)
    for url in (
        download.url,
        with_query(download.url, method="PUT", contentType="application/pdf"),
    ):
        response = await world.anon.put(url, content=fixed_pdf(), headers=waiting.upload.headers)
        assert_error(response, 403, "forbidden")
    assert_incomplete(await load(app, waiting.document.id))
    assert await storage.get(key) == b"%PDF-1.4 earlier bytes"


async def test_a_changed_content_type_parameter_is_403(
    app: Any, world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    url = with_query(waiting.upload.url, contentType="image/png")
    response = await world.anon.put(url, content=fixed_png(), headers={"Content-Type": "image/png"})
    await assert_refused_and_unchanged(app, storage, response, waiting)


async def test_an_upload_without_the_signed_content_type_header_is_403(
    app: Any, world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    for headers in ({}, {"Content-Type": "image/png"}, {"Content-Type": "text/plain"}):
        response = await world.anon.put(waiting.upload.url, content=fixed_pdf(), headers=headers)
        error = assert_error(response, 403, "forbidden")
        assert "Content-Type: application/pdf" in error["message"]
    assert_incomplete(await load(app, waiting.document.id))


async def test_an_expired_url_is_403(
    app: Any, world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    key = waiting.document.storage_key
    # Correctly signed, but for a moment that has passed.
    expired = int(time.time()) - 1
    sig = storage.sign(key, "PUT", expired, "application/pdf")
    url = with_query(waiting.upload.url, expires=str(expired), sig=sig)
    response = await world.anon.put(url, content=fixed_pdf(), headers=waiting.upload.headers)
    await assert_refused_and_unchanged(app, storage, response, waiting)


async def test_the_issued_url_stops_working_once_its_ttl_has_passed(
    app: Any,
    settings: Settings,
    world: World,
    storage: LocalStorage,
    waiting: documents.PendingUpload,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    later = waiting.upload.expires_at.timestamp() + 1
    monkeypatch.setattr("app.storage.local.time.time", lambda: later)
    response = await put(world.anon, waiting.upload, fixed_pdf())
    await assert_refused_and_unchanged(app, storage, response, waiting)


@pytest.mark.anyio  # explicit: conftest's automatic mark drops a parametrized test's values
@pytest.mark.parametrize(
    "changes",
    [
        {"expires": "²"},  # a digit to str.isdigit, not to int()
        {"expires": "9" * 5000},  # past int()'s digit limit
        {"expires": "-1"},
        {"sig": "é" * 64},  # compare_digest refuses non-ASCII strings
        {"sig": ""},
        {"method": ""},
    ],
)
async def test_malformed_signature_parameters_are_403_not_500(
    app: Any,
    world: World,
    storage: LocalStorage,
    waiting: documents.PendingUpload,
    changes: dict[str, str],
) -> None:
    url = with_query(waiting.upload.url, **changes)
    response = await world.anon.put(url, content=fixed_pdf(), headers=waiting.upload.headers)
    await assert_refused_and_unchanged(app, storage, response, waiting)


async def test_a_url_without_its_query_is_403(
    world: World, waiting: documents.PendingUpload
) -> None:
    bare = waiting.upload.url.split("?")[0]
    assert_error(await world.anon.get(bare), 403, "forbidden")


async def test_other_methods_answer_405_in_the_error_shape(
    world: World, waiting: documents.PendingUpload
) -> None:
    response = await world.anon.post(waiting.upload.url, content=fixed_pdf())
    assert_error(response, 405, "method_not_allowed")


# --- the bytes ----------------------------------------------------------------------------


async def test_bytes_that_are_not_pdf_tiff_png_or_jpeg_are_415(
    app: Any, world: World, storage: LocalStorage, waiting: documents.PendingUpload
) -> None:
    for data in (b"hello, this is plain text", b"GIF89a\x01\x00\x01\x00", b"PK\x03\x04zip"):
        response = await put(world.anon, waiting.upload, data)
        assert_error(response, 415, "unsupported_media_type")
    assert_incomplete(await load(app, waiting.document.id))
    assert not await storage.exists(waiting.document.storage_key)


async def test_a_pdf_that_cannot_be_read_is_415(
    app: Any, world: World, waiting: documents.PendingUpload
) -> None:
    response = await put(world.anon, waiting.upload, b"%PDF-1.7\nnot really a pdf")
    assert_error(response, 415, "unsupported_media_type")
    assert_incomplete(await load(app, waiting.document.id))


async def test_an_empty_body_is_422(
    app: Any, world: World, waiting: documents.PendingUpload
) -> None:
    assert_error(await put(world.anon, waiting.upload, b""), 422, "validation_failed")
    assert_incomplete(await load(app, waiting.document.id))


async def test_a_declared_length_over_the_limit_is_413(
    app: Any,
    settings: Settings,
    world: World,
    storage: LocalStorage,
    waiting: documents.PendingUpload,
) -> None:
    data = fixed_pdf() + b"\0" * (settings.max_upload_bytes + 1)
    response = await put(world.anon, waiting.upload, data)
    error = assert_error(response, 413, "payload_too_large")
    assert str(settings.max_upload_bytes) in error["message"]
    assert_incomplete(await load(app, waiting.document.id))
    assert not await storage.exists(waiting.document.storage_key)


async def test_a_streamed_body_over_the_limit_is_413(
    app: Any,
    settings: Settings,
    world: World,
    storage: LocalStorage,
    waiting: documents.PendingUpload,
) -> None:
    chunk = b"\0" * (1024 * 1024)
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield fixed_pdf()
        while sent <= settings.max_upload_bytes + len(chunk):
            sent += len(chunk)
            yield chunk

    # No Content-Length: the app has to count while it reads.
    response = await put(world.anon, waiting.upload, body())
    assert response.request.headers.get("content-length") is None
    error = assert_error(response, 413, "payload_too_large")
    assert str(settings.max_upload_bytes) in error["message"]
    assert_incomplete(await load(app, waiting.document.id))
    assert not await storage.exists(waiting.document.storage_key)


async def test_a_streamed_body_under_the_limit_is_accepted(
    app: Any, world: World, waiting: documents.PendingUpload
) -> None:
    data = fixed_pdf(pages=3)

    async def body() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 100):
            yield data[start : start + 100]

    response = await put(world.anon, waiting.upload, body())
    assert response.status_code == 200, response.text
    document = await load(app, waiting.document.id)
    assert (document.size_bytes, document.page_count) == (len(data), 3)


# --- duplicates ---------------------------------------------------------------------------


async def test_identical_bytes_in_the_same_org_report_likely_duplicate_of(
    app: Any, settings: Settings, world: World
) -> None:
    data = fixed_pdf(pages=2)
    first = await pending(app, settings, world.a.id)
    second = await pending(app, settings, world.a.id)
    elsewhere = await pending(app, settings, world.b.id)
    for waiting in (first, second, elsewhere):
        assert (await put(world.anon, waiting.upload, data)).status_code == 200

    assert DocumentOut.of(await load(app, first.document.id)).likely_duplicate_of is None
    assert DocumentOut.of(await load(app, second.document.id)).likely_duplicate_of == (
        first.document.id
    )
    # Another org's identical file is not reported: tenants never see each other.
    assert DocumentOut.of(await load(app, elsewhere.document.id)).likely_duplicate_of is None


# --- keys -----------------------------------------------------------------------------------


BAD_KEYS = ["../x", "org/../../x", "org/./x", "org//x", "/etc/passwd", ".hidden", "org/.x", ""]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_unsafe_keys_are_refused_by_the_storage(storage: LocalStorage, key: str) -> None:
    with pytest.raises(StorageError, match="invalid storage key"):
        await storage.upload_url(key, "application/pdf", 60)
    with pytest.raises(StorageError, match="invalid storage key"):
        await storage.download_url(key, 60)
    with pytest.raises(StorageError, match="invalid storage key"):
        storage.path_for(key)


@pytest.mark.anyio
@pytest.mark.parametrize("key", ["../outside", "org/../../outside", "org/./../outside"])
async def test_traversal_keys_are_refused_even_when_signed(
    world: World, storage: LocalStorage, key: str
) -> None:
    # Signed with the app's own secret, as if a signature leaked or a bug produced one.
    expires = int(time.time()) + 60
    outside = storage.root.parent / "outside"
    for method, extra in (("PUT", "application/pdf"), ("GET", "")):
        query = {
            "method": method,
            "expires": str(expires),
            "sig": storage.sign(key, method, expires, extra),
        }
        if extra:
            query["contentType"] = extra
        # %2F keeps the client from folding the dots away; the app decodes it back to "/".
        url = f"http://testserver/files/{quote(key, safe='')}?{urlencode(query)}"
        response = await world.anon.request(
            method,
            url,
            content=fixed_pdf() if method == "PUT" else None,
            headers={"Content-Type": extra} if extra else {},
        )
        assert_error(response, 404, "not_found")
    assert not outside.exists()


async def test_concurrent_writes_of_one_key_leave_one_whole_file(storage: LocalStorage) -> None:
    key = "org_concurrent/documents/doc_1"
    payloads = [bytes([n]) * 200_000 for n in range(8)]
    async with anyio.create_task_group() as group:
        for payload in payloads:
            group.start_soon(storage.put, key, payload, "application/pdf")
    assert await storage.get(key) in payloads
    folder: Path = storage.root / "org_concurrent/documents"
    assert sorted(p.name for p in folder.iterdir()) == ["doc_1"]
