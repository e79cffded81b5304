"""The gs:// backend against fake-gcs-server, through the real google-cloud-storage library."""

import hashlib
import secrets
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from google.auth import compute_engine
from google.oauth2 import credentials as user_credentials
from sqlmodel import select

from app.db import transaction
from app.main import create_app
from app.settings import SettingsError
from app.storage import StorageError
from app.storage.gcs import EMULATOR_ENV, GcsStorage
from resolvers import documents, orgs
from resolvers.context import Context
from resolvers.errors import UnsupportedMediaType
from tests import gcs_emulator as emulator
from tests.conftest import make_settings
from tests.files import fixed_pdf
from tests.gcs_emulator import GcsEmulator, free_port

# The emulator's fixtures, made visible to this module's tests.
gcs_emulator = emulator.gcs_emulator
gcs_env = emulator.gcs_env


def gcs_settings(database_url: str, tmp_path: Path, emulator: GcsEmulator, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "storage_url": f"gs://{emulator.bucket}",
        "gcs_credentials_file": str(emulator.credentials_file),
    }
    values.update(overrides)
    return make_settings(database_url, tmp_path, **values)


@pytest.fixture
def gcs(gcs_env: GcsEmulator, database_url: str, tmp_path: Path) -> GcsStorage:
    return GcsStorage.from_settings(gcs_settings(database_url, tmp_path, gcs_env))


def new_key() -> str:
    return f"org_{secrets.token_hex(4)}/documents/doc_{secrets.token_hex(6)}"


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


async def test_put_get_exists_delete_round_trip(gcs: GcsStorage) -> None:
    key = new_key()
    assert await gcs.exists(key) is False
    await gcs.put(key, b"%PDF-1.4 bytes", "application/pdf")
    assert await gcs.exists(key) is True
    assert await gcs.get(key) == b"%PDF-1.4 bytes"
    assert gcs.bucket.get_blob(key).content_type == "application/pdf"
    await gcs.delete(key)
    assert await gcs.exists(key) is False


async def test_get_of_a_missing_object_is_storage_error(gcs: GcsStorage) -> None:
    with pytest.raises(StorageError, match="no object"):
        await gcs.get(new_key())


async def test_delete_of_a_missing_object_is_quiet(gcs: GcsStorage) -> None:
    await gcs.delete(new_key())


async def test_put_replaces_the_object(gcs: GcsStorage) -> None:
    key = new_key()
    await gcs.put(key, b"first", "application/pdf")
    await gcs.put(key, b"second", "image/png")
    assert await gcs.get(key) == b"second"


async def test_signed_upload_url_accepts_a_put_and_the_object_reads_back(
    gcs: GcsStorage, gcs_env: GcsEmulator
) -> None:
    key = new_key()
    signed = await gcs.upload_url(key, "application/pdf", 600)
    assert signed.method == "PUT"
    assert signed.headers == {"Content-Type": "application/pdf"}
    assert signed.url.startswith(f"{gcs_env.url}/{gcs_env.bucket}/{key}?")
    query = query_of(signed.url)
    assert query["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
    assert query["X-Goog-Expires"] == "600"
    # The content type is one of the signed headers: GCS refuses a PUT without it.
    assert query["X-Goog-SignedHeaders"] == "content-type;host"
    assert query["X-Goog-Credential"].startswith("intakedesk-test@")
    assert abs((signed.expires_at - datetime.now(UTC)).total_seconds() - 600) < 5

    data = fixed_pdf()
    async with httpx.AsyncClient() as client:
        response = await client.put(signed.url, content=data, headers=signed.headers)
    assert response.status_code == 200, response.text
    assert await gcs.get(key) == data
    assert gcs.bucket.get_blob(key).content_type == "application/pdf"


async def test_signed_download_url_returns_the_bytes(gcs: GcsStorage, gcs_env: GcsEmulator) -> None:
    key = new_key()
    data = fixed_pdf(2)
    await gcs.put(key, data, "application/pdf")
    signed = await gcs.download_url(key, 300, file_name='fax "1".pdf')
    assert signed.method == "GET"
    assert signed.url.startswith(f"{gcs_env.url}/{gcs_env.bucket}/{key}?")
    query = query_of(signed.url)
    assert query["X-Goog-Expires"] == "300"
    assert query["response-content-disposition"] == 'attachment; filename="fax 1.pdf"'
    async with httpx.AsyncClient() as client:
        response = await client.get(signed.url)
    assert response.status_code == 200
    assert response.content == data


async def test_download_url_without_a_file_name_sets_no_disposition(gcs: GcsStorage) -> None:
    signed = await gcs.download_url(new_key(), 60)
    assert "response-content-disposition" not in query_of(signed.url)


# Explicit anyio mark: conftest's automatic one loses the parameters of a parametrized test.
@pytest.mark.anyio
@pytest.mark.parametrize("key", ["../x", "org/../x", "org//x", "/org/x", "org/./x", "", "a\nb"])
async def test_unsafe_keys_are_refused_before_any_call(gcs: GcsStorage, key: str) -> None:
    with pytest.raises(StorageError, match="invalid storage key"):
        await gcs.upload_url(key, "application/pdf", 60)
    with pytest.raises(StorageError, match="invalid storage key"):
        await gcs.put(key, b"x", "application/pdf")


async def test_unreachable_storage_is_storage_error(
    gcs_env: GcsEmulator, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EMULATOR_ENV, f"http://127.0.0.1:{free_port()}")
    configured = GcsStorage.from_settings(gcs_settings(database_url, tmp_path, gcs_env))
    # The library retries connection errors; the bounded retry gives up within its budget.
    dead = GcsStorage(configured.bucket, signer=configured.signer, retry_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(StorageError, match="storage refused"):
        await dead.put(new_key(), b"x", "application/pdf")
    with pytest.raises(StorageError, match="storage refused"):
        await dead.exists(new_key())
    assert time.monotonic() - started < 15


# --- configuration ---------------------------------------------------------------------


def test_emulator_without_a_signing_key_is_a_settings_error(
    gcs_env: GcsEmulator, database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(database_url, tmp_path, storage_url=f"gs://{gcs_env.bucket}")
    with pytest.raises(SettingsError, match="INTAKEDESK_GCS_CREDENTIALS_FILE"):
        GcsStorage.from_settings(settings)


def test_emulator_host_without_a_scheme_is_a_settings_error(
    gcs_env: GcsEmulator, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EMULATOR_ENV, gcs_env.url.removeprefix("http://"))
    with pytest.raises(SettingsError, match="scheme"):
        GcsStorage.from_settings(gcs_settings(database_url, tmp_path, gcs_env))


@pytest.mark.parametrize(
    "url",
    ["gs://Bad_Bucket", "gs://bucket/with/folder", "gs://ab", "gs://bucket/", "gs://bucket\n"],
)
def test_a_malformed_bucket_is_a_settings_error(
    gcs_env: GcsEmulator, database_url: str, tmp_path: Path, url: str
) -> None:
    settings = gcs_settings(database_url, tmp_path, gcs_env, storage_url=url)
    with pytest.raises(SettingsError, match="gs://<bucket-name>"):
        GcsStorage.from_settings(settings)


def test_an_unreadable_key_file_is_a_settings_error(
    gcs_env: GcsEmulator, database_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "not-a-key.json"
    bad.write_text('{"type": "authorized_user"}')
    for path in (bad, tmp_path / "missing.json"):
        settings = gcs_settings(database_url, tmp_path, gcs_env, gcs_credentials_file=str(path))
        with pytest.raises(SettingsError, match="not a service-account JSON key"):
            GcsStorage.from_settings(settings)


def test_no_credentials_at_all_is_a_settings_error(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("NO_GCE_CHECK", "True")  # no metadata server probe
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))
    settings = make_settings(database_url, tmp_path, storage_url="gs://intakedesk-prod")
    with pytest.raises(SettingsError, match="Application Default Credentials"):
        GcsStorage.from_settings(settings)


async def test_a_service_account_key_signs_production_urls_for_storage_googleapis_com(
    gcs_emulator: GcsEmulator, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    storage = GcsStorage.from_settings(gcs_settings(database_url, tmp_path, gcs_emulator))
    signed = await storage.upload_url("org_1/documents/doc_1", "image/png", 60)
    assert signed.url.startswith("https://storage.googleapis.com/")
    assert query_of(signed.url)["X-Goog-SignedHeaders"] == "content-type;host"


def test_metadata_credentials_sign_through_iam_with_their_email_and_token(gcs: GcsStorage) -> None:
    metadata = compute_engine.Credentials(service_account_email="runner@p.iam.gserviceaccount.com")
    metadata.token = "access-token"  # current (no expiry): no refresh needed
    storage = GcsStorage(gcs.bucket, signer=metadata)
    assert storage.signing_arguments() == {
        "service_account_email": "runner@p.iam.gserviceaccount.com",
        "access_token": "access-token",
    }


async def test_credentials_without_a_key_or_service_account_cannot_sign(gcs: GcsStorage) -> None:
    person = user_credentials.Credentials(token="user-token")
    storage = GcsStorage(gcs.bucket, signer=person)
    with pytest.raises(StorageError, match="cannot sign URLs"):
        await storage.upload_url("org_1/documents/doc_1", "application/pdf", 60)


# --- the app on gs:// --------------------------------------------------------------------


@pytest.fixture
async def gcs_app(gcs_env: GcsEmulator, database_url: str, tmp_path: Path) -> AsyncIterator[Any]:
    application = create_app(gcs_settings(database_url, tmp_path, gcs_env))
    async with application.router.lifespan_context(application):
        yield application


async def test_app_on_gs_gives_documents_upload_urls_at_the_emulator(
    gcs_app: Any, gcs_env: GcsEmulator
) -> None:
    storage = gcs_app.state.storage
    assert isinstance(storage, GcsStorage)
    async with transaction(gcs_app.state.sessions) as session:
        ctx = Context(
            session=session,
            settings=gcs_app.state.settings,
            storage=storage,
            system_actor="tests",
        )
        org = await orgs.create(ctx, name="Gamma Neuro")
        pending = await documents.create_pending(
            ctx, org_id=org.id, file_name="fax.pdf", content_type="application/pdf"
        )
    key = pending.document.storage_key
    assert key == f"{org.id}/documents/{pending.document.id}"
    assert pending.upload.url.startswith(f"{gcs_env.url}/{gcs_env.bucket}/{key}?")
    assert pending.upload.headers["Content-Type"] == "application/pdf"
    ttl = gcs_app.state.settings.signed_url_ttl_seconds
    assert query_of(pending.upload.url)["X-Goog-Expires"] == str(ttl)
    assert pending.upload.expires_at.timestamp() == pytest.approx(time.time() + ttl, abs=5)

    data = fixed_pdf()
    async with httpx.AsyncClient() as client:
        response = await client.put(
            pending.upload.url, content=data, headers=pending.upload.headers
        )
    assert response.status_code == 200, response.text
    assert await storage.get(key) == data


async def test_a_direct_to_bucket_upload_completes_the_document_when_first_needed(
    gcs_app: Any, gcs_env: GcsEmulator
) -> None:
    from models import Document

    storage = gcs_app.state.storage

    def system(session: Any) -> Context:
        return Context(
            session=session, settings=gcs_app.state.settings, storage=storage, system_actor="tests"
        )

    async with transaction(gcs_app.state.sessions) as session:
        org = await orgs.create(system(session), name="Delta Spine")
        good = await documents.create_pending(
            system(session), org_id=org.id, file_name="fax.pdf", content_type="application/pdf"
        )
        bad = await documents.create_pending(
            system(session), org_id=org.id, file_name="x.pdf", content_type="application/pdf"
        )
    async with httpx.AsyncClient() as client:
        for pending, data in ((good, fixed_pdf()), (bad, b"MZ not a pdf at all")):
            response = await client.put(
                pending.upload.url, content=data, headers=pending.upload.headers
            )
            assert response.status_code == 200
    async with transaction(gcs_app.state.sessions) as session:
        document = await session.get(Document, good.document.id)
        assert document is not None and document.uploaded_at is None
        assert await documents.complete_from_storage(system(session), document)
        assert document.sha256 == hashlib.sha256(fixed_pdf()).hexdigest()
        assert document.page_count == 1 and document.size_bytes == len(fixed_pdf())
    async with transaction(gcs_app.state.sessions) as session:
        refused = await session.get(Document, bad.document.id)
        assert refused is not None
        with pytest.raises(UnsupportedMediaType):
            await documents.complete_from_storage(system(session), refused)
    assert not await storage.exists(bad.document.storage_key)
    async with gcs_app.state.sessions() as session:
        still = await session.get(Document, bad.document.id)
        assert still is not None and still.uploaded_at is None


# --- uploads that went straight to the bucket, looked for by the worker's sweep --------------


async def test_the_sweep_finds_a_referrals_upload_in_the_bucket_and_queues_its_processing(
    gcs_app: Any,
) -> None:
    # POST /api/referrals as documented, then the file straight to the bucket's signed URL:
    # no request of ours sees it arrive.
    from datetime import timedelta

    from models import AuditEvent, Document, Job, Referral, ReferralStage
    from resolvers import arrivals
    from tests.conftest import build_org

    state = gcs_app.state
    org = await build_org(gcs_app, state.settings, "Epsilon Ortho")
    created = {}
    for name in ("fax.pdf", "later.pdf", "junk.pdf"):
        response = await org.key_client.post(
            "/api/referrals", json={"fileName": name, "contentType": "application/pdf"}
        )
        assert response.status_code == 201, response.text
        created[name] = response.json()
    async with httpx.AsyncClient() as client:
        for name, data in (("fax.pdf", fixed_pdf()), ("junk.pdf", b"MZ not a pdf")):
            upload = created[name]["upload"]
            response = await client.put(upload["url"], content=data, headers=upload["headers"])
            assert response.status_code == 200

    swept = await arrivals.sweep(state.sessions, state.settings, state.storage)

    sent, waiting, junk = (
        created[n]["document"]["id"] for n in ("fax.pdf", "later.pdf", "junk.pdf")
    )
    assert sent in swept.arrived and junk in swept.refused
    assert waiting not in swept.arrived + swept.refused
    async with state.sessions() as session:
        document = await session.get(Document, sent)
        assert document is not None and document.uploaded_at is not None
        assert document.sha256 == hashlib.sha256(fixed_pdf()).hexdigest()
        referral = await session.get(Referral, created["fax.pdf"]["id"])
        assert referral is not None and referral.stage != ReferralStage.received
        jobs = (await session.scalars(select(Job).where(Job.referral_id == referral.id))).all()
        assert len(jobs) == 1
        audited = await session.scalars(
            select(AuditEvent).where(
                AuditEvent.resource_id == document.id, AuditEvent.action == "document.upload"
            )
        )
        assert [event.details for event in audited] == [{"via": "bucket"}]
        # the one whose file has not come, and the refused one, still wait; nothing else moved
        for name in ("later.pdf", "junk.pdf"):
            left = await session.get(Document, created[name]["document"]["id"])
            assert left is not None and left.uploaded_at is None
            still = await session.get(Referral, created[name]["id"])
            assert still is not None and still.stage == ReferralStage.received
        refused = await session.get(Document, junk)
        assert refused is not None
        assert not await state.storage.exists(refused.storage_key)

        # what arrived is looked for no more; what waits is, until it is too old to come
        ctx = Context(
            session=session, settings=state.settings, storage=state.storage, system_actor="tests"
        )
        now = datetime.now(UTC)
        still_waiting = [w.id for w in await arrivals.waiting(ctx, since=now - arrivals.LOOKBACK)]
        assert sent not in still_waiting and {waiting, junk} <= set(still_waiting)
        too_old = [w.id for w in await arrivals.waiting(ctx, since=now + timedelta(minutes=1))]
        assert not {waiting, junk} & set(too_old)


async def test_abandoned_uploads_do_not_keep_the_sweep_from_a_fresh_one(
    gcs_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More uploads never sent than one sweep looks at: the newest are looked at first, so
    # the file sent after them still arrives on the next sweep.
    from resolvers import arrivals
    from tests.conftest import build_org

    monkeypatch.setattr(arrivals, "BATCH", 2)
    state = gcs_app.state
    org = await build_org(gcs_app, state.settings, "Zeta Neuro")
    made = []
    for name in ("gone-1.pdf", "gone-2.pdf", "gone-3.pdf", "fresh.pdf"):
        response = await org.key_client.post(
            "/api/referrals", json={"fileName": name, "contentType": "application/pdf"}
        )
        assert response.status_code == 201, response.text
        made.append(response.json())
    upload = made[-1]["upload"]
    async with httpx.AsyncClient() as client:
        response = await client.put(upload["url"], content=fixed_pdf(), headers=upload["headers"])
        assert response.status_code == 200

    swept = await arrivals.sweep(state.sessions, state.settings, state.storage)

    assert swept.looked == 2
    assert swept.arrived == (made[-1]["document"]["id"],) and swept.refused == ()


@pytest.mark.parametrize("on_gcs", [True, False])
def test_a_worker_sweeps_for_bucket_uploads_only_when_files_live_in_a_bucket(
    on_gcs: bool, gcs_env: GcsEmulator, database_url: str, tmp_path: Path
) -> None:
    from pgqueuer import PgQueuer

    from app.db import create_engine, session_factory
    from app.storage import build_storage
    from app.worker import ARRIVALS_SCHEDULE, Worker

    settings = (
        gcs_settings(database_url, tmp_path, gcs_env)
        if on_gcs
        else make_settings(database_url, tmp_path)
    )
    engine = create_engine(settings)
    worker = Worker(
        settings,
        engine=engine,
        sessions=session_factory(engine),
        storage=build_storage(settings),
    )
    pgq = PgQueuer.in_memory()
    worker.register(pgq)
    worker.pool.close()

    scheduled = {key.entrypoint for key in pgq.sm.registry}
    assert scheduled == ({ARRIVALS_SCHEDULE} if on_gcs else set())
