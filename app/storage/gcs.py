"""Google Cloud Storage: objects in one bucket, V4 signed URLs for uploads and downloads.

Credentials, chosen by ``from_settings``:

- ``INTAKEDESK_GCS_CREDENTIALS_FILE`` names a service-account JSON key: it calls the
  API and signs URLs locally with its private key.
- Otherwise Application Default Credentials. On GCP (Cloud Run, GKE, GCE) these are
  metadata-server credentials with no private key: URLs are then signed by the IAM
  Credentials API (``signBlob``) as the runtime service account, with its access token.
  That account needs ``roles/iam.serviceAccountTokenCreator`` on itself, and each
  signature is a network call.
- ``STORAGE_EMULATOR_HOST`` (the library's own variable, e.g. fake-gcs-server): API calls
  go to the emulator with anonymous credentials. Signing still needs a private key, so
  ``INTAKEDESK_GCS_CREDENTIALS_FILE`` must name a service-account JSON (any generated RSA
  key: the emulator checks no signature); signed URLs point at the emulator.

The library is synchronous: object calls run in a worker thread.
"""

import contextlib
import os
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import google.auth
import google.auth.transport.requests
import requests
from anyio import to_thread
from google.api_core import exceptions as api_errors
from google.auth import exceptions as auth_errors
from google.auth.credentials import AnonymousCredentials, Credentials, Signing
from google.cloud import storage
from google.cloud.storage.retry import DEFAULT_RETRY
from google.oauth2 import service_account

from app.settings import Settings, SettingsError
from app.storage import SignedUrl, StorageError

EMULATOR_ENV = "STORAGE_EMULATOR_HOST"
# The library retries transient failures for up to 120 s; a request should not wait that long.
RETRY_SECONDS = 20.0

# Bucket names: 3-63 characters (dotted names up to 222), lowercase, digits, - _ .
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class GcsStorage:
    def __init__(
        self,
        bucket: storage.Bucket,
        *,
        signer: Credentials,
        api_access_endpoint: str | None = None,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.bucket = bucket
        self._retry = DEFAULT_RETRY.with_timeout(retry_seconds)
        self.signer = signer
        # None: the library's default (https://storage.googleapis.com).
        self._api_access_endpoint = api_access_endpoint

    @classmethod
    def from_settings(cls, settings: Settings) -> "GcsStorage":
        bucket_name = settings.storage_url.removeprefix("gs://")
        if not _BUCKET_NAME.fullmatch(bucket_name):
            raise SettingsError(
                f"INTAKEDESK_STORAGE_URL: {settings.storage_url!r} is not gs://<bucket-name>"
            )
        key_file = settings.gcs_credentials_file
        emulator = os.environ.get(EMULATOR_ENV)
        if emulator:
            if "://" not in emulator:
                raise SettingsError(
                    f"{EMULATOR_ENV} must be a URL with its scheme, e.g. http://127.0.0.1:4443"
                )
            if not key_file:
                raise SettingsError(
                    f"{EMULATOR_ENV} is set: INTAKEDESK_GCS_CREDENTIALS_FILE must name a "
                    "service-account JSON whose key signs the URLs"
                )
            signer = _service_account(key_file)
            client = storage.Client(project=signer.project_id, credentials=AnonymousCredentials())
            return cls(client.bucket(bucket_name), signer=signer, api_access_endpoint=emulator)
        if key_file:
            signer = _service_account(key_file)
            client = storage.Client(project=signer.project_id, credentials=signer)
            return cls(client.bucket(bucket_name), signer=signer)
        try:
            credentials, project = google.auth.default()
        except auth_errors.DefaultCredentialsError:
            raise SettingsError(
                "INTAKEDESK_STORAGE_URL is gs://: set INTAKEDESK_GCS_CREDENTIALS_FILE or "
                "provide Application Default Credentials"
            ) from None
        client = storage.Client(project=project, credentials=credentials)
        return cls(client.bucket(bucket_name), signer=credentials)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        blob = self._blob(key)
        await _in_thread(
            lambda: blob.upload_from_string(data, content_type=content_type, retry=self._retry),
            key,
        )

    async def get(self, key: str) -> bytes:
        blob = self._blob(key)
        data: bytes = await _in_thread(lambda: blob.download_as_bytes(retry=self._retry), key)
        return data

    async def exists(self, key: str) -> bool:
        blob = self._blob(key)
        found: bool = await _in_thread(lambda: blob.exists(retry=self._retry), key)
        return found

    async def ping(self) -> None:
        # Listing one name needs only what the app already has (objects.list), and a
        # missing bucket answers 404 here, where a missing object's exists() would not.
        client = self.bucket.client

        def list_one() -> None:
            list(client.list_blobs(self.bucket, max_results=1, retry=self._retry))

        await _in_thread(list_one, self.bucket.name)

    async def delete(self, key: str) -> None:
        blob = self._blob(key)

        def delete_if_present() -> None:
            with contextlib.suppress(api_errors.NotFound):
                blob.delete(retry=self._retry)

        await _in_thread(delete_if_present, key)

    async def upload_url(self, key: str, content_type: str, ttl_seconds: int) -> SignedUrl:
        # Content-Type is part of the signature: the PUT must send exactly this header.
        extra = {"content_type": content_type}
        headers = {"Content-Type": content_type}
        return await to_thread.run_sync(self._signed, key, "PUT", ttl_seconds, extra, headers)

    async def download_url(
        self, key: str, ttl_seconds: int, *, file_name: str | None = None
    ) -> SignedUrl:
        extra = {}
        if file_name:
            extra["response_disposition"] = f'attachment; filename="{_header_safe(file_name)}"'
        return await to_thread.run_sync(self._signed, key, "GET", ttl_seconds, extra, {})

    def _signed(
        self,
        key: str,
        method: str,
        ttl_seconds: int,
        extra: dict[str, str],
        headers: dict[str, str],
    ) -> SignedUrl:
        """In a worker thread: signing through IAM (and refreshing its token) is HTTP."""
        blob = self._blob(key)
        expires_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=ttl_seconds)
        try:
            url = blob.generate_signed_url(
                version="v4",
                method=method,
                expiration=timedelta(seconds=ttl_seconds),
                api_access_endpoint=self._api_access_endpoint,
                **extra,
                **self.signing_arguments(),
            )
        except (api_errors.GoogleAPIError, auth_errors.GoogleAuthError) as exc:
            raise StorageError(f"could not sign a URL for {key}: {exc}") from None
        return SignedUrl(url=url, method=method, expires_at=expires_at, headers=headers)

    def signing_arguments(self) -> dict[str, Any]:
        """How ``generate_signed_url`` signs: with our private key, or through IAM signBlob."""
        if isinstance(self.signer, Signing):
            return {"credentials": self.signer}
        # Metadata-server credentials: no private key; the library asks IAM to sign as the
        # service account, authorised by a current access token.
        if not self.signer.valid:
            self.signer.refresh(google.auth.transport.requests.Request())
        email = getattr(self.signer, "service_account_email", None)
        if not email or email == "default":
            raise StorageError(
                "these credentials cannot sign URLs: use a service account "
                "(INTAKEDESK_GCS_CREDENTIALS_FILE, or the runtime service account on GCP)"
            )
        return {"service_account_email": email, "access_token": self.signer.token}

    def _blob(self, key: str) -> storage.Blob:
        check_key(key)
        return self.bucket.blob(key)


def check_key(key: str) -> None:
    """Our keys are ``<org>/documents/<id>``; anything else is refused before any call.

    ``.`` and ``..`` segments would be rewritten by HTTP clients, breaking signed URLs.
    """
    segments = key.split("/")
    if (
        not key
        or len(key.encode()) > 1024
        or _CONTROL.search(key)
        or any(segment in ("", ".", "..") for segment in segments)
    ):
        raise StorageError(f"invalid storage key {key!r}")


def _service_account(path: str) -> service_account.Credentials:
    try:
        return service_account.Credentials.from_service_account_file(path)
    except (OSError, ValueError, KeyError) as exc:
        raise SettingsError(
            f"INTAKEDESK_GCS_CREDENTIALS_FILE: {path} is not a service-account JSON key ({exc})"
        ) from None


async def _in_thread(call: Any, key: str) -> Any:
    try:
        return await to_thread.run_sync(call)
    except api_errors.NotFound:
        raise StorageError(f"no object {key}") from None
    except (
        api_errors.GoogleAPIError,
        auth_errors.GoogleAuthError,
        requests.RequestException,
    ) as exc:
        raise StorageError(f"storage refused the operation on {key}: {exc}") from None


def _header_safe(name: str) -> str:
    return "".join(c for c in name if c not in '"\\' and c.isascii() and c.isprintable())
