"""File storage: a local folder (embedded) or Google Cloud Storage, behind one interface."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from app.settings import Settings


class StorageError(Exception):
    """The object is missing or the backend refused the operation."""


@dataclass(frozen=True)
class SignedUrl:
    url: str
    method: str
    expires_at: datetime
    headers: dict[str, str] = field(default_factory=dict)


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None: ...

    async def upload_url(self, key: str, content_type: str, ttl_seconds: int) -> SignedUrl: ...

    async def download_url(
        self, key: str, ttl_seconds: int, *, file_name: str | None = None
    ) -> SignedUrl: ...

    async def ping(self) -> None:
        """Raise ``StorageError`` unless the backend answers (``/readyz``)."""
        ...


def build_storage(settings: Settings) -> Storage:
    if settings.storage_url.startswith("gs://"):
        from app.storage.gcs import GcsStorage

        return GcsStorage.from_settings(settings)
    from app.storage.local import LocalStorage

    return LocalStorage.from_settings(settings)
