"""Files in a local folder; the app itself serves HMAC-signed, expiring URLs at ``/files/``."""

import hashlib
import hmac
import os
import re
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, quote_plus

from anyio import Path as AsyncPath

from app.settings import Settings
from app.storage import SignedUrl, StorageError

# Segments start with a letter or digit: no "", ".", ".." or hidden names (our temp files).
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_SAFE_KEY = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_MAX_KEY_LENGTH = 300
_EXPIRES = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")


def is_safe_key(key: str) -> bool:
    return len(key) <= _MAX_KEY_LENGTH and _SAFE_KEY.fullmatch(key) is not None


def _check_key(key: str) -> None:
    if not is_safe_key(key):
        raise StorageError(f"invalid storage key {key!r}")


class LocalStorage:
    def __init__(self, root: Path, *, secret_key: str, public_url: str) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self._key = hmac.new(secret_key.encode(), b"intakedesk-file-urls", hashlib.sha256).digest()
        self.public_url = public_url

    @classmethod
    def from_settings(cls, settings: Settings) -> "LocalStorage":
        folder = settings.storage_url.removeprefix("file://")
        return cls(Path(folder), secret_key=settings.secret_key, public_url=settings.public_url)

    def path_for(self, key: str) -> Path:
        _check_key(key)
        return self.root / key

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path_for(key)
        await AsyncPath(path.parent).mkdir(parents=True, exist_ok=True)
        # Write aside and rename, so a reader never sees half a file; a name of its own per
        # write, so concurrent writers of one key never share a temp file.
        temp = AsyncPath(path.with_name(f".{path.name}.{secrets.token_hex(8)}.part"))
        try:
            await temp.write_bytes(data)
            await temp.replace(path)
        finally:
            await temp.unlink(missing_ok=True)

    async def get(self, key: str) -> bytes:
        try:
            return await AsyncPath(self.path_for(key)).read_bytes()
        except FileNotFoundError:
            raise StorageError(f"no object {key}") from None

    async def exists(self, key: str) -> bool:
        return await AsyncPath(self.path_for(key)).is_file()

    async def delete(self, key: str) -> None:
        await AsyncPath(self.path_for(key)).unlink(missing_ok=True)

    async def ping(self) -> None:
        root = AsyncPath(self.root)
        if not await root.is_dir() or not os.access(self.root, os.W_OK | os.X_OK):
            raise StorageError(f"{self.root} is not a writable folder")

    async def upload_url(self, key: str, content_type: str, ttl_seconds: int) -> SignedUrl:
        _check_key(key)
        expires = int(time.time()) + ttl_seconds
        return SignedUrl(
            url=self._url(key, "PUT", expires, content_type),
            method="PUT",
            headers={"Content-Type": content_type},
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    async def download_url(
        self, key: str, ttl_seconds: int, *, file_name: str | None = None
    ) -> SignedUrl:
        _check_key(key)
        expires = int(time.time()) + ttl_seconds
        return SignedUrl(
            url=self._url(key, "GET", expires, file_name or ""),
            method="GET",
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    def _url(self, key: str, method: str, expires: int, extra: str) -> str:
        # As urlencode writes it, but only the free text is quoted: the method, the expiry
        # and the hex signature need none, and quoting all of them was most of the time a
        # 2,000-item document poll spends on its URLs.
        query = f"method={method}&expires={expires}&sig={self.sign(key, method, expires, extra)}"
        if method == "PUT":
            query += f"&contentType={quote_plus(extra)}"
        elif extra:
            query += f"&fileName={quote_plus(extra)}"
        return f"{self.public_url}/files/{quote(key)}?{query}"

    def sign(self, key: str, method: str, expires: int, extra: str) -> str:
        message = f"{method}\n{key}\n{expires}\n{extra}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, key: str, method: str, expires: str, extra: str, signature: str) -> bool:
        """True when the URL was signed by us for this key, method and extra, and is unexpired.

        Query values are anything a client sends: only ASCII digits and lowercase hex pass on.
        """
        if not _EXPIRES.fullmatch(expires) or not _SIGNATURE.fullmatch(signature):
            return False
        if int(expires) < time.time():
            return False
        expected = self.sign(key, method, int(expires), extra)
        return hmac.compare_digest(expected, signature)
